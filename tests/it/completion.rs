//! Completion of values in bash, zsh and fish: questionnaire ids, session ids and draft ids
//! come from `confide complete` as Tab is pressed. The scripts run in the real shells; zsh
//! and fish are skipped where they are not installed, and required in CI.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Home, root, stderr, stdout};

const SESSIONS: [&str; 2] = ["20261125T081500Z-1a2b3c4d", "20261126T090000Z-99aa88bb"];
const DRAFT: &str = "20261127T100000Z-3f1c2b7a";

/// A home whose data folder holds two sessions and a draft. Their contents are not age
/// files at all: completion reads file names only, and never decrypts.
fn home_with_files() -> Home {
    let home = Home::new();
    let data = home.data();
    std::fs::create_dir_all(data.join("sessions")).unwrap();
    std::fs::create_dir_all(data.join("drafts")).unwrap();
    for id in SESSIONS {
        std::fs::write(data.join(format!("sessions/{id}.age")), "not age").unwrap();
    }
    std::fs::write(data.join(format!("drafts/{DRAFT}.age")), "not age").unwrap();
    home
}

/// The folder of the confide binary, for PATH: the scripts call `confide` by name.
fn bin_dir() -> PathBuf {
    assert_cmd::cargo::cargo_bin("confide")
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A command for `program` with the home's folders, confide on the PATH and no passphrase.
fn shell(home: &Home, program: &str) -> Command {
    let mut cmd = Command::new(program);
    let path = format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for var in [
        "CONFIDE_DATA_DIR",
        "CONFIDE_PASSPHRASE",
        "CONFIDE_PASSPHRASE_FILE",
        "CONFIDE_LANG",
        "CONFIDE_COUNTRY",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("PATH", path)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"));
    cmd
}

/// The script confide prints for `shell`, written into the home.
fn script(home: &Home, shell: &str) -> PathBuf {
    let out = home.cmd().args(["completions", shell]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let file = home.path().join(format!("completion.{shell}"));
    std::fs::write(&file, out.stdout).unwrap();
    file
}

/// What bash offers for `words` (the last one being typed), called as bash calls a
/// completion function: COMP_WORDS, COMP_CWORD, then `_confide` with the command, the word
/// being typed and the one before.
fn bash(home: &Home, words: &[&str]) -> Vec<String> {
    let file = script(home, "bash");
    let out = shell(home, "bash")
        .arg("--norc")
        .arg("-c")
        .arg(
            r#"source "$0"
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=()
_confide confide "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}""#,
        )
        .arg(&file)
        .args(words)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // printf prints one empty line for no candidates.
    stdout(&out)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_questionnaire_ids() {
    let home = home_with_files();
    assert_eq!(bash(&home, &["confide", "take", "de"]), ["desire"]);
    let all = bash(&home, &["confide", "take", "--plain", ""]);
    for id in ["context", "desire", "anxiety", "pain", "communication"] {
        assert!(all.iter().any(|c| c == id), "{id} in {all:?}");
    }
    assert_eq!(
        bash(&home, &["confide", "invite", "-r", "age1x", "pa"]),
        ["pain"]
    );
    assert_eq!(
        bash(&home, &["confide", "export", "--format", "fhir", "mo"]),
        ["mood"]
    );
}

#[test]
fn bash_completes_custom_questionnaire_ids_from_the_folder_given() {
    let home = home_with_files();
    let dir = root().join("tests/fixtures/interview");
    let dir = dir.to_str().unwrap();
    assert_eq!(
        bash(&home, &["confide", "take", "--questionnaires", dir, "che"]),
        ["checkin"]
    );
}

#[test]
fn bash_completes_session_and_draft_ids_without_a_passphrase() {
    let home = home_with_files();
    assert_eq!(bash(&home, &["confide", "show", ""]), SESSIONS);
    assert_eq!(
        bash(&home, &["confide", "delete", "2026112"]),
        [SESSIONS[0], SESSIONS[1], DRAFT]
    );
    assert_eq!(
        bash(&home, &["confide", "drafts", "--discard", ""]),
        [DRAFT]
    );
    // bash splits `--resume=` at the `=`.
    assert_eq!(
        bash(&home, &["confide", "take", "--resume", "=", ""]),
        [DRAFT]
    );
    assert_eq!(
        bash(&home, &["confide", "take", "--resume", "=", "2026"]),
        [DRAFT]
    );
    // `--data-dir` on the command line is where to look.
    let other = Home::new();
    let data = other.path().to_str().unwrap();
    assert!(bash(&home, &["confide", "--data-dir", data, "show", ""]).is_empty());
}

#[test]
fn bash_still_completes_commands_options_and_files() {
    let home = home_with_files();
    assert_eq!(bash(&home, &["confide", "ta"]), ["take"]);
    assert_eq!(bash(&home, &["confide", "take", "--pl"]), ["--plain"]);
    assert_eq!(
        bash(&home, &["confide", "man", "keys", "i"]),
        ["init"],
        "the commands of `confide man`"
    );
    assert_eq!(bash(&home, &["confide", "list", "--format", "j"]), ["json"]);
}

#[test]
fn complete_touches_nothing_and_says_nothing_without_a_data_folder() {
    let home = Home::new();
    let out = home
        .cmd()
        .args(["complete", "--", "confide", "show", ""])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "");
    assert!(!home.path().join("data").exists(), "nothing was made");
    // Not a value of confide's: the script completes it.
    let out = home
        .cmd()
        .args(["complete", "--", "confide", "take", "--pl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
}

/// Whether `program` is installed; in CI (`CI=true`) it must be.
fn have(program: &str) -> bool {
    let ok = Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "{program} is required in CI (.ci/run installs the Debian package `{program}`)"
        );
        eprintln!("skipped: {program} is not installed");
    }
    ok
}

/// What fish offers for `line` (`complete -C`, fish's own completion of a command line).
fn fish(home: &Home, line: &str) -> Vec<String> {
    let file = script(home, "fish");
    let out = shell(home, "fish")
        .arg("--no-config")
        .arg("-c")
        .arg(format!("source '{}'; complete -C '{line}'", file.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn fish_completes_ids() {
    if !have("fish") {
        return;
    }
    let home = home_with_files();
    assert_eq!(fish(&home, "confide take de"), ["desire"]);
    assert_eq!(fish(&home, "confide show 202611"), SESSIONS);
    assert_eq!(fish(&home, "confide drafts --discard "), [DRAFT]);
    assert_eq!(
        fish(&home, "confide take --resume="),
        [format!("--resume={DRAFT}")]
    );
    assert!(
        fish(&home, "confide take --pl")
            .iter()
            .any(|c| c == "--plain")
    );
}

/// zsh's completion system runs only in an interactive shell: this one runs in a
/// pseudo-terminal, with the script installed as `_confide` in `fpath` and `compinit`, as
/// the README says.
#[test]
fn zsh_completes_ids() {
    if !have("zsh") {
        return;
    }
    let home = home_with_files();
    let functions = home.path().join("zfunc");
    std::fs::create_dir_all(&functions).unwrap();
    std::fs::copy(script(&home, "zsh"), functions.join("_confide")).unwrap();
    std::fs::write(
        home.path().join(".zshrc"),
        format!(
            "PS1='%% '\nfpath=({} $fpath)\nautoload -Uz compinit && compinit -u -d {}\n",
            functions.display(),
            Path::new(home.path()).join(".zcompdump").display()
        ),
    )
    .unwrap();
    let mut cmd = shell(&home, "zsh");
    cmd.arg("-i")
        .env("ZDOTDIR", home.path())
        .env("TERM", "xterm")
        .env("NO_COLOR", "1");
    let options = rexpect::reader::Options::new()
        .timeout_ms(Some(30_000))
        .strip_ansi_escape_codes(true);
    let mut p = rexpect::session::spawn_with_options(cmd, options).unwrap();
    p.exp_string("% ").unwrap();
    for (typed, completed) in [
        ("confide take an\t", "confide take anxiety"),
        (
            "confide show 20261126\t",
            "confide show 20261126T090000Z-99aa88bb",
        ),
        (
            "confide take --resume=\t",
            "confide take --resume=20261127T100000Z-3f1c2b7a",
        ),
        ("confide take --pl\t", "confide take --plain"),
    ] {
        p.send(typed).unwrap();
        p.flush().unwrap();
        p.exp_string(completed).unwrap();
        // Clear the line for the next one.
        p.send_control('u').unwrap();
        p.flush().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    p.send_line("exit").unwrap();
    p.exp_eof().unwrap();
}
