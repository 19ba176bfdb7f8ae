//! Shell integration: completion scripts, the manual page, and closed pipes.

use crate::common;

use std::process::{Command, Stdio};

use crate::common::{Home, stderr, stdout};

#[test]
fn completions_are_generated_for_every_supported_shell() {
    let home = Home::new();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef confide"),
        ("fish", "complete -c confide"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[confide]"),
    ] {
        let out = home.cmd().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains(marker), "{shell}: {marker} missing");
        for sub in ["take", "report", "history", "validate"] {
            assert!(text.contains(sub), "{shell} completes {sub}");
        }
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let home = Home::new();
    let out = home.cmd().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_prints_a_roff_page_named_confide() {
    let home = Home::new();
    let out = home.cmd().arg("man").output().unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.starts_with(".ie \\n(.g .ds Aq") || text.contains(".TH confide"),
        "{}",
        &text[..200.min(text.len())]
    );
    assert!(text.contains(".TH confide 1"));
    assert!(text.contains("Exit codes"));
}

#[test]
fn man_out_writes_a_page_for_every_command_into_a_new_folder() {
    let home = Home::new();
    let dir = home.path().join("share/man/man1");
    let out = home
        .cmd()
        .arg("man")
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    for page in [
        "confide",
        "confide-take",
        "confide-report",
        "confide-invite",
        "confide-keys",
        "confide-keys-init",
        "confide-keys-passwd",
        "confide-completions",
    ] {
        let text = std::fs::read_to_string(dir.join(format!("{page}.1")))
            .unwrap_or_else(|e| panic!("{page}.1: {e}"));
        assert!(text.contains(&format!(".TH {page} 1")), "{page}.1");
    }
    // Every page that confide.1 refers to (`confide\-take(1)`) is there.
    let main = std::fs::read_to_string(dir.join("confide.1")).unwrap();
    let referred: Vec<&str> = main
        .lines()
        .filter_map(|l| l.strip_suffix("(1)"))
        .filter(|page| page.starts_with("confide"))
        .collect();
    assert!(referred.len() >= 10, "{referred:?}");
    for page in referred {
        let file = format!("{}.1", page.replace("\\-", "-"));
        assert!(dir.join(&file).is_file(), "confide.1 refers to {file}");
    }
}

#[test]
fn man_out_into_a_file_fails_and_names_it() {
    let home = Home::new();
    let file = home.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let out = home
        .cmd()
        .arg("man")
        .arg("--out")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("cannot make {}", file.display())),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("not-a-folder"), "{}", stderr(&out));
}

/// Runs confide with its output closed before it writes, as `| head -0` would: every write
/// fails with a broken pipe.
fn closed_pipe(args: &[&str]) -> std::process::Output {
    closed_pipe_in(&Home::new(), args)
}

/// `closed_pipe` in a given home (with its data folder and the test passphrase).
fn closed_pipe_in(home: &Home, args: &[&str]) -> std::process::Output {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("confide"))
        .args(args)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("CONFIDE_PASSPHRASE", PASS)
        .env_remove("CONFIDE_DATA_DIR")
        .env_remove("CONFIDE_PASSPHRASE_FILE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

const PASS: &str = "a passphrase for shell tests";

fn profile() -> String {
    common::root()
        .join("tests/fixtures/profiles/everything-fine.json")
        .display()
        .to_string()
}

/// A home with a key, one saved session, and an intake file encrypted to the key.
fn home_with_a_session_and_an_intake() -> (Home, String, String) {
    let home = Home::new();
    home.fast_key(PASS);
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .args(["take", "--answers", &profile()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = home.cmd().args(["keys", "recipient"]).output().unwrap();
    let recipient = stdout(&out).trim().to_owned();
    assert!(recipient.starts_with("age1"), "{recipient}");
    let intake = home.path().join("intake.age").display().to_string();
    let out = home
        .cmd()
        .args([
            "take",
            "--no-save",
            "--answers",
            &profile(),
            "--to",
            &recipient,
        ])
        .args(["--out", &intake])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    (home, recipient, intake)
}

#[test]
fn closed_pipes_end_quietly_for_history_show_report_validate_and_invite() {
    let (home, recipient, intake) = home_with_a_session_and_an_intake();
    let bundled = common::root().join("questionnaires/desire.json");
    let bundled = bundled.display().to_string();
    let mut runs: Vec<Vec<&str>> = vec![
        vec!["validate", &bundled],
        vec!["invite", "--to", &recipient],
        vec!["keys", "recipient"],
    ];
    for format in ["text", "json", "csv"] {
        runs.push(vec!["history", "--format", format]);
    }
    for format in ["text", "json", "markdown", "fhir"] {
        runs.push(vec!["show", "--format", format]);
    }
    for format in ["text", "json", "csv", "markdown", "fhir"] {
        runs.push(vec!["report", &intake, "--format", format]);
    }
    for args in &runs {
        let out = closed_pipe_in(&home, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
    }
}

/// Someone who pipes the summary into `head` or `less` and quits early must not lose
/// their answers: they are saved, and the exit is quiet and successful.
#[test]
fn a_closed_pipe_during_take_still_saves_the_answers() {
    let (home, recipient, _) = home_with_a_session_and_an_intake();
    let sessions = home.data().join("sessions");
    let before = std::fs::read_dir(&sessions).unwrap().count();
    let out = closed_pipe_in(&home, &["take", "--answers", &profile()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("error"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&sessions).unwrap().count(), before + 1);

    let intake = home.path().join("closed.age");
    let intake_arg = intake.display().to_string();
    let out = closed_pipe_in(
        &home,
        &[
            "take",
            "--no-save",
            "--answers",
            &profile(),
            "--to",
            &recipient,
            "--out",
            &intake_arg,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Your answers are encrypted in"),
        "{}",
        stderr(&out)
    );
    let report = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .args(["report", &intake_arg, "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(report.status.code(), Some(0), "{}", stderr(&report));
    assert_eq!(stdout(&report).lines().count(), 2);
}

#[test]
fn closed_pipes_end_quietly_with_success() {
    for args in [
        &["list"][..],
        &["list", "--format", "json"],
        &["schema"],
        &["man"],
        &["completions", "bash"],
        &["--help"],
        &["--version"],
    ] {
        let out = closed_pipe(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
    }
}
