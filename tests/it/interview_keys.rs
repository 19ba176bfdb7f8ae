//! The keys of the interview mean the same in plain mode and on a terminal: `b` goes back,
//! `q` leaves, and discarding the answers at the review asks first. Leaving and discarding
//! are the person's choice: exit 130, said without `error:`.

use std::process::Command;

use rexpect::reader::Options;
use rexpect::session::PtySession;

use crate::common::{Home, begin, exit_code, keys, root, stderr, stdout};

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";
const ESC: &str = "\x1b";

const DISCARDED: &str = "confide: your answers were discarded; nothing was saved";
const LEFT: &str = "confide: you left before the end; nothing was saved";

fn plain(home: &Home, input: &str) -> std::process::Output {
    home.cmd()
        .args(["take", "--plain", "--no-save", "--questionnaires"])
        .arg(root().join("tests/fixtures/interview"))
        .arg("checkin")
        .write_stdin(input)
        .output()
        .unwrap()
}

/// Calm "Never", then Enter at the three other questions: the review.
const TO_REVIEW: &str = "1\n\n\n\n";

#[test]
fn plain_n_at_the_review_asks_before_discarding() {
    let home = Home::new();
    let out = plain(&home, &format!("{TO_REVIEW}n\nn\ny\n"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "Discard all your answers? They cannot be recovered.\n(Type y or n; Enter means n.)"
        ),
        "{text}"
    );
    let after = &text[text.find("Nothing was discarded.").expect("said")..];
    assert!(after.contains("Review your answers"), "the review again");
    assert!(text.contains("Your summary"));

    let out = plain(&home, &format!("{TO_REVIEW}n\ny\n"));
    assert_eq!(out.status.code(), Some(130));
    let err = stderr(&out);
    assert!(err.contains(DISCARDED), "{err}");
    assert!(!err.contains("error"), "a choice, not an error: {err}");
    assert!(!stdout(&out).contains("Your summary"));
}

#[test]
fn plain_b_and_q_work_at_the_review_too() {
    let home = Home::new();
    // Back to the last question, answer it again, then save.
    let out = plain(&home, &format!("{TO_REVIEW}b\n1\ny\n"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(
        text.matches("How often did you worry?\n").count(),
        4,
        "{text}"
    );
    let review = &text[text.rfind("Review your answers").unwrap()..];
    assert!(
        review.contains("How often did you worry?\n     Never"),
        "{review}"
    );

    let out = plain(&home, &format!("{TO_REVIEW}q\n"));
    assert_eq!(out.status.code(), Some(130));
    let err = stderr(&out);
    assert!(err.contains(LEFT), "{err}");
    assert!(!err.contains("error"), "{err}");
}

#[test]
fn plain_q_at_a_question_leaves_without_an_error() {
    let home = Home::new();
    let out = plain(&home, "1\nq\n");
    assert_eq!(out.status.code(), Some(130));
    let err = stderr(&out);
    assert!(err.contains(LEFT), "{err}");
    assert!(!err.contains("error"), "{err}");
    // Input that ends early is still an error.
    let out = plain(&home, "1\n");
    assert!(stderr(&out).contains("confide: error: input ended"));
}

/// The check-in in a pseudo-terminal, past the welcome.
fn terminal(home: &Home) -> PtySession {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("confide"));
    cmd.args(["take", "--no-save", "--questionnaires"])
        .arg(root().join("tests/fixtures/interview"))
        .arg("checkin")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("CONFIDE_DATA_DIR");
    let options = Options::new()
        .timeout_ms(Some(30_000))
        .strip_ansi_escape_codes(true);
    let mut p = rexpect::session::spawn_with_options(cmd, options).expect("spawn confide in a pty");
    begin(&mut p);
    p
}

/// Enter at every question: the review, with the cursor on "Show my summary".
fn to_the_review(p: &mut PtySession) {
    for question in [
        "How often did you feel calm?",
        "Who did you talk to?",
        "How many hours",
        "How often did you worry?",
    ] {
        p.exp_string(question).unwrap();
        keys(p, ENTER);
    }
    p.exp_string("Discard these answers").unwrap();
}

#[test]
fn terminal_b_goes_back_and_q_quits() {
    let home = Home::new();
    let mut p = terminal(&home);
    p.exp_string("Esc or q to leave, ? for help").unwrap();
    p.exp_string("How often did you feel calm?").unwrap();
    keys(&mut p, "b");
    p.exp_string("This is the first question.").unwrap();
    p.exp_string("How often did you feel calm?").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("Esc or b to go back, q to quit, ? for help")
        .unwrap();
    p.exp_string("Who did you talk to?").unwrap();
    keys(&mut p, "b");
    p.exp_string("How often did you feel calm?").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("Who did you talk to?").unwrap();
    keys(&mut p, "q");
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains(LEFT), "{rest}");
    assert!(!rest.contains("error"), "{rest}");
    assert_eq!(exit_code(&p), Some(130));
}

#[test]
fn terminal_discard_asks_first_and_is_not_an_error() {
    let home = Home::new();
    let mut p = terminal(&home);
    to_the_review(&mut p);
    keys(&mut p, DOWN);
    keys(&mut p, ENTER);
    p.exp_string("Discard all your answers? They cannot be recovered.")
        .unwrap();
    keys(&mut p, "n");
    p.exp_string("Nothing was discarded.").unwrap();
    p.exp_string("Discard these answers").unwrap();
    keys(&mut p, DOWN);
    keys(&mut p, ENTER);
    p.exp_string("Discard all your answers?").unwrap();
    keys(&mut p, "y");
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains(DISCARDED), "{rest}");
    assert!(!rest.contains("error"), "{rest}");
    assert_eq!(exit_code(&p), Some(130));
}

#[test]
fn terminal_esc_at_the_review_goes_back_to_the_last_question() {
    let home = Home::new();
    let mut p = terminal(&home);
    to_the_review(&mut p);
    keys(&mut p, ESC);
    p.exp_string("How often did you worry?").unwrap();
    keys(&mut p, DOWN);
    keys(&mut p, DOWN);
    keys(&mut p, ENTER); // Often: opens the follow-up
    p.exp_string("What worried you most?").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("Show my summary").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("Unease: Unsettled").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), Some(0));
}
