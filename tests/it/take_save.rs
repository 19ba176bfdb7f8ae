//! `take` with the vault: saving, the check before the first question, drafts, and no
//! answer text anywhere on disk after saving, Ctrl-C, end of input or --no-save.

use std::fs;

use crate::common::{Home, files_containing, root, stderr, stdout};

const PASS: &str = "a long passphrase for tests";
/// A free-text answer that must never appear on disk in the clear.
const SECRET: &str = "zebra-violet-9931";

fn checkin() -> std::path::PathBuf {
    root().join("tests/fixtures/interview")
}

fn take(home: &Home, extra: &[&str], input: &str) -> std::process::Output {
    home.cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .args(["take", "--plain", "--questionnaires"])
        .arg(checkin())
        .args(extra)
        .arg("checkin")
        .write_stdin(input)
        .output()
        .unwrap()
}

/// mood=Never, skip who and sleep, worry=Often, the secret as free text, then save.
fn full_input() -> String {
    format!("1\n\n\n3\n{SECRET}\ny\n")
}

fn assert_no_secret(home: &Home) {
    let found = files_containing(home.path(), SECRET.as_bytes());
    assert!(found.is_empty(), "answer text found on disk: {found:?}");
}

#[test]
fn a_finished_session_is_saved_encrypted_and_shows_in_history_and_show() {
    let home = Home::new();
    let out = take(&home, &[], &full_input());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("Created your key"), "{err}");
    assert!(err.contains("Saved, encrypted, as session "), "{err}");
    let sessions: Vec<_> = fs::read_dir(home.data().join("sessions"))
        .unwrap()
        .collect();
    assert_eq!(sessions.len(), 1);
    assert_no_secret(&home);

    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .args(["history", "--questionnaires"])
        .arg(checkin())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("Unease"), "{}", stdout(&out));

    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .args(["show", "--questionnaires"])
        .arg(checkin())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Unease: Unsettled."), "{text}");
    assert!(text.contains("Suggestion: You worried often."), "{text}");
}

#[test]
fn without_a_passphrase_source_nothing_is_asked_and_exit_is_2() {
    let home = Home::new();
    let out = home
        .cmd()
        .args(["take", "--plain", "--questionnaires"])
        .arg(checkin())
        .arg("checkin")
        .write_stdin(full_input())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!stdout(&out).contains("How often"), "no question was asked");
    assert!(
        stderr(&out).contains("confide: hint: pass --passphrase-file FILE"),
        "{}",
        stderr(&out)
    );
    assert!(!home.data().join("sessions").exists());
}

#[test]
fn an_answers_file_session_is_saved_too() {
    let home = Home::new();
    let answers = home.path().join("a.json");
    fs::write(&answers, format!(r#"{{"format": "confide.answers/1", "answers": {{"checkin": {{"mood": 0, "worry": 2, "why": "{SECRET}"}}}}}}"#)).unwrap();
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .args(["take", "--questionnaires"])
        .arg(checkin())
        .arg("--answers")
        .arg(&answers)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    fs::remove_file(&answers).unwrap();
    assert_eq!(
        fs::read_dir(home.data().join("sessions")).unwrap().count(),
        1
    );
    assert_no_secret(&home);
}

#[test]
fn end_of_input_and_no_save_leave_no_answer_on_disk() {
    let home = Home::new();
    let out = take(&home, &[], &format!("1\n\n\n3\n{SECRET}\n"));
    assert_eq!(out.status.code(), Some(130));
    assert!(
        !home.data().join("sessions").exists()
            || fs::read_dir(home.data().join("sessions")).unwrap().count() == 0
    );
    assert_no_secret(&home);

    let out = take(&home, &["--no-save"], &full_input());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("Your summary"));
    assert!(stderr(&out).contains("Nothing was saved (--no-save)."));
    assert_eq!(sessions_saved(&home), 0);
    assert_no_secret(&home);
}

fn sessions_saved(home: &Home) -> usize {
    fs::read_dir(home.data().join("sessions")).map_or(0, |d| d.count())
}

#[test]
fn quitting_offers_a_draft_that_resume_continues_where_it_stopped() {
    let home = Home::new();
    // mood=Never, who skipped, then quit at sleep and keep a draft.
    let out = take(&home, &[], "1\n\nq\ny\n");
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Keep an encrypted draft"), "{text}");
    // Plain mode wraps at 80 columns, also inside paths: compare without white space.
    let squeezed = |t: &str| t.split_whitespace().collect::<String>();
    assert!(
        squeezed(&text).contains(&squeezed(&format!(
            "Continue with `confide take --resume --questionnaires {}`",
            checkin().display()
        ))),
        "{text}"
    );
    assert!(
        squeezed(&text).contains("`confidedrafts--discard"),
        "{text}"
    );
    let drafts: Vec<_> = fs::read_dir(home.data().join("drafts")).unwrap().collect();
    assert_eq!(drafts.len(), 1);
    assert!(
        !home.data().join("sessions").exists()
            || fs::read_dir(home.data().join("sessions")).unwrap().count() == 0
    );

    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .args(["take", "--plain", "--resume", "--questionnaires"])
        .arg(checkin())
        .write_stdin(format!("\n3\n{SECRET}\ny\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let first_question = text.lines().find(|l| l.starts_with("Check-in, ")).unwrap();
    assert!(
        first_question.starts_with("Check-in, 3 of 5: How many hours"),
        "resumes at sleep: {first_question}"
    );
    let review = &text[text.find("Review your answers").unwrap()..];
    assert!(
        review.contains("How often did you feel calm?\n     Never"),
        "{review}"
    );
    assert_eq!(
        fs::read_dir(home.data().join("drafts")).unwrap().count(),
        0,
        "the draft is gone"
    );
    assert_eq!(
        fs::read_dir(home.data().join("sessions")).unwrap().count(),
        1
    );
    assert_no_secret(&home);
}

#[test]
fn declining_the_draft_keeps_nothing() {
    let home = Home::new();
    let out = take(&home, &[], "1\nq\nn\n");
    assert_eq!(out.status.code(), Some(130));
    assert!(
        !home.data().join("drafts").exists()
            || fs::read_dir(home.data().join("drafts")).unwrap().count() == 0
    );
}

#[test]
fn resume_without_a_draft_is_a_usage_error() {
    let home = Home::new();
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .args(["take", "--resume"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("there is no draft to resume"));
}

#[test]
fn ctrl_c_in_the_terminal_leaves_no_answer_on_disk() {
    use rexpect::process::WaitStatus;
    let home = Home::new();
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("confide"));
    cmd.args(["take", "--questionnaires"])
        .arg(checkin())
        .arg("checkin")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("TMPDIR", home.path().join("tmp"))
        .env("CONFIDE_PASSPHRASE", PASS)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("CONFIDE_DATA_DIR");
    let options = rexpect::reader::Options::new().timeout_ms(Some(30_000));
    let mut p = rexpect::session::spawn_with_options(cmd, options).unwrap();
    let pause = || std::thread::sleep(std::time::Duration::from_millis(150));
    let send = |p: &mut rexpect::session::PtySession, keys: &str| {
        p.send(keys).unwrap();
        p.flush().unwrap();
        pause();
    };
    p.exp_string("Press Enter to begin, or q to leave.")
        .unwrap();
    send(&mut p, "\r");
    p.exp_string("How often did you feel calm?").unwrap();
    send(&mut p, "\r");
    p.exp_string("Who did you talk to?").unwrap();
    send(&mut p, "\r");
    p.exp_string("How many hours").unwrap();
    send(&mut p, "\r");
    p.exp_string("How often did you worry?").unwrap();
    send(&mut p, "\x1b[B");
    send(&mut p, "\x1b[B");
    send(&mut p, "\r");
    p.exp_string("What worried you most?").unwrap();
    send(&mut p, SECRET);
    p.send_control('c').unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains("cancelled; nothing was saved"), "{rest}");
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => assert_eq!(code, 130),
        other => panic!("{other:?}"),
    }
    assert_no_secret(&home);
}
