//! The command line follows conventions people know: age's short flags, one meaning per
//! flag (old spellings kept as hidden aliases), help that shows what each command accepts,
//! and a manual page per command.

use std::fs;

use crate::common::{Home, profile, stderr, stdout};

const PASS: &str = "a passphrase for convention tests";

/// An intake made with the short flags `-r`, `-R`, `-a` and `-o` opens with `report -i`.
#[test]
fn age_short_flags_make_and_open_an_intake() {
    let therapist = Home::new();
    let recipient = therapist.fast_key(PASS);
    let second = Home::new();
    let second_recipient = second.fast_key(PASS);
    let client = Home::new();
    let recipients_file = client.path().join("recipients.txt");
    fs::write(&recipients_file, format!("{second_recipient}\n")).unwrap();
    let intake = client.path().join("intake.age");
    let out = client
        .cmd()
        .args(["take", "--no-save", "--answers"])
        .arg(profile("everything-fine"))
        .args(["-r", &recipient, "-R"])
        .arg(&recipients_file)
        .arg("-a")
        .arg("-o")
        .arg(&intake)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bytes = fs::read(&intake).unwrap();
    assert!(
        bytes.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"),
        "-a armors the intake"
    );
    for home in [&therapist, &second] {
        let out = home
            .cmd()
            .env("CONFIDE_PASSPHRASE", PASS)
            .args(["report", "--format", "csv", "-i"])
            .arg(home.data().join("identity.age"))
            .arg(&intake)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stdout(&out).lines().count(), 2, "{}", stdout(&out));
    }
}

fn invited_ids(file: &std::path::Path) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_slice(&fs::read(file).unwrap()).unwrap();
    doc["questionnaires"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap().to_owned())
        .collect()
}

/// `invite` takes questionnaire ids as `take` does, after the options; `--questionnaires
/// ID,...` still works and means the same.
#[test]
fn invite_takes_ids_like_take_and_keeps_the_old_flag() {
    let therapist = Home::new();
    let recipient = therapist.fast_key(PASS);
    let new_style = therapist.path().join("new.json");
    let out = therapist
        .cmd()
        .args(["invite", "-r", &recipient, "desire", "pain", "-o"])
        .arg(&new_style)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let old_style = therapist.path().join("old.json");
    let out = therapist
        .cmd()
        .args([
            "invite",
            "--to",
            &recipient,
            "--questionnaires",
            "desire,pain",
        ])
        .arg("--out")
        .arg(&old_style)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ids = invited_ids(&new_style);
    assert_eq!(ids, invited_ids(&old_style));
    for id in ["context", "desire", "pain"] {
        assert!(ids.iter().any(|i| i == id), "{id} in {ids:?}");
    }
    assert!(!ids.iter().any(|i| i == "anxiety"), "{ids:?}");
    let help = stdout(&therapist.cmd().args(["invite", "--help"]).output().unwrap());
    assert!(help.contains("[QUESTIONNAIRE_ID]..."), "{help}");
    assert!(
        !help.contains("--questionnaires"),
        "the old flag is hidden:\n{help}"
    );
}

#[test]
fn the_top_level_help_shows_global_options_and_points_to_take() {
    let home = Home::new();
    let help = stdout(&home.cmd().arg("--help").output().unwrap());
    for take_only in ["--armor", "--plain", "--answers", "--resume", "--out"] {
        assert!(!help.contains(take_only), "{take_only} listed:\n{help}");
    }
    assert!(help.contains("Global options:"), "{help}");
    assert!(help.contains("confide take --help"), "{help}");
    // They still belong to a bare `confide`, and still are a mistake before another command.
    let out = home.cmd().args(["--armor", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = home
        .cmd()
        .args(["--no-save", "--answers"])
        .arg(profile("everything-fine"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("Your summary"));
}

#[test]
fn every_command_help_explains_format_and_session_id() {
    let home = Home::new();
    for command in ["list", "history", "show", "report"] {
        let help = stdout(&home.cmd().args([command, "--help"]).output().unwrap());
        let after = &help[help.find("--format <FORMAT>").expect(command)..];
        assert!(
            after["--format <FORMAT>".len()..]
                .trim_start()
                .starts_with("How to print"),
            "{command}:\n{help}"
        );
    }
    let help = stdout(&home.cmd().args(["delete", "--help"]).output().unwrap());
    assert!(
        help.contains("<SESSION_ID>  The session to delete"),
        "{help}"
    );
}

#[test]
fn take_invite_report_and_history_help_end_with_examples() {
    let home = Home::new();
    for command in ["take", "invite", "report", "history"] {
        let help = stdout(&home.cmd().args([command, "--help"]).output().unwrap());
        let examples = &help[help.find("\nExamples:\n").expect(command)..];
        assert!(
            examples.contains(&format!("\n  confide {command}")),
            "{examples}"
        );
    }
}

/// The sections every page has, after those clap writes.
const SECTIONS: [&str; 4] = [
    ".SH ENVIRONMENT",
    ".SH FILES",
    ".SH \"EXIT STATUS\"",
    ".SH \"SEE ALSO\"",
];

#[test]
fn man_out_writes_a_page_for_every_command() {
    let home = Home::new();
    let dir = home.path().join("man/man1");
    let out = home
        .cmd()
        .args(["man", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for page in [
        "confide.1",
        "confide-take.1",
        "confide-list.1",
        "confide-validate.1",
        "confide-schema.1",
        "confide-export.1",
        "confide-import.1",
        "confide-history.1",
        "confide-show.1",
        "confide-delete.1",
        "confide-drafts.1",
        "confide-keys.1",
        "confide-keys-init.1",
        "confide-keys-recipient.1",
        "confide-keys-passwd.1",
        "confide-invite.1",
        "confide-report.1",
        "confide-together.1",
        "confide-together-invite.1",
        "confide-together-join.1",
        "confide-together-finish.1",
        "confide-completions.1",
        "confide-man.1",
    ] {
        assert!(names.iter().any(|n| n == page), "{page} missing: {names:?}");
    }
    assert_eq!(names.len(), 23, "no page for hidden commands: {names:?}");
    let main = fs::read_to_string(dir.join("confide.1")).unwrap();
    // The main page points to the pages that now exist.
    assert!(main.contains("confide\\-take(1)"), "{main}");
    for name in &names {
        let page = fs::read_to_string(dir.join(name)).unwrap();
        let title = format!(".TH {} 1", name.trim_end_matches(".1"));
        assert!(page.contains(&title), "{name}: {title}");
        for section in SECTIONS {
            assert!(page.contains(section), "{name}: {section}");
        }
        assert!(page.contains("130"), "{name}: the exit codes");
        assert!(page.contains("CONFIDE_DATA_DIR"), "{name}: the environment");
    }
    let take = fs::read_to_string(dir.join("confide-take.1")).unwrap();
    assert!(take.contains(".SH EXAMPLES"), "{take}");
    assert!(take.contains("\\-\\-armor"), "take's own options: {take}");
}

#[test]
fn man_command_prints_the_page_of_that_command() {
    let home = Home::new();
    let out = home.cmd().args(["man", "keys", "init"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH confide-keys-init 1"), "{page}");
    assert!(
        page.contains("confide\\-keys"),
        "see also the page above: {page}"
    );
    let out = home.cmd().args(["man", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("confide: error: there is no manual page for `nope`"),
        "{err}"
    );
    assert!(err.contains("take, list"), "{err}");
}

/// The pages read as manual pages where `man` is installed.
#[test]
fn the_pages_render_with_man() {
    let have_man = std::process::Command::new("man")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_man {
        eprintln!("skipped: man is not installed");
        return;
    }
    let home = Home::new();
    let dir = home.path().join("man");
    let out = home
        .cmd()
        .args(["man", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = std::process::Command::new("man")
        .arg("-l")
        .arg(dir.join("confide-drafts.1"))
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .output()
        .unwrap();
    let text = stdout(&out);
    for heading in [
        "NAME",
        "SYNOPSIS",
        "OPTIONS",
        "ENVIRONMENT",
        "FILES",
        "EXIT STATUS",
    ] {
        assert!(text.lines().any(|l| l == heading), "{heading} in:\n{text}");
    }
}
