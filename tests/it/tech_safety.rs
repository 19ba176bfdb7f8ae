//! Technology safety in `take`: after a safety flag, a warning before anything is written,
//! a choice not to save (the default), and an offer to clear the screen after the summary.
//! Driven as a person would: plain mode through standard input, and a real pseudo-terminal.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use rexpect::reader::Options;
use rexpect::session::PtySession;

use crate::common::{Home, begin, exit_code, files_containing, keys, root, stderr, stdout};

const PASS: &str = "a long passphrase for tests";
/// A free-text answer that must never reach the disk.
const SECRET: &str = "heron-amber-4417";

const WARNING: &str = "could see this screen, and could find a saved session";
const SAVE_QUESTION: &str = "Save your answers on this computer?";
const NOT_SAVED: &str = "Not saved. Nothing from this session was written to this computer.";
/// The same, when a draft kept while the person answered (or one they resumed) was removed.
const NOT_SAVED_DRAFT: &str = "Not saved. The encrypted draft kept while you answered was removed, and nothing else from this session was written to this computer.";
const CLEAR_QUESTION: &str = "Clear the screen now";

/// The interview fixture with a safety question at the end (`safe`) and a flag tagged
/// `safety` raised by "Not always".
fn fixture() -> PathBuf {
    root().join("tests/fixtures/safety")
}

/// mood=Never, who and sleep skipped, worry=Often, the secret, then `safe` (1 Yes, 2 Not
/// always), then save at the review; `after` is typed after that.
fn input(safe: &str, after: &str) -> String {
    format!("1\n\n\n3\n{SECRET}\n{safe}\ny\n{after}")
}

fn take(home: &Home, extra: &[&str], input: &str) -> std::process::Output {
    home.cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .args(["take", "--plain", "--questionnaires"])
        .arg(fixture())
        .args(extra)
        .arg("checkin")
        .write_stdin(input.to_owned())
        .output()
        .unwrap()
}

/// Standard output with its lines joined, for prose that plain mode wraps at 80 columns.
fn flat(out: &std::process::Output) -> String {
    stdout(out).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn count(dir: &Path) -> usize {
    fs::read_dir(dir).map_or(0, |d| d.count())
}

fn sessions(home: &Home) -> usize {
    count(&home.data().join("sessions"))
}

fn drafts(home: &Home) -> usize {
    count(&home.data().join("drafts"))
}

fn assert_no_secret(home: &Home) {
    let found = files_containing(home.path(), SECRET.as_bytes());
    assert!(found.is_empty(), "answer text found on disk: {found:?}");
}

#[test]
fn with_a_safety_flag_the_default_is_not_to_save_and_nothing_is_written() {
    let home = Home::new();
    // Enter at the choice (the default), Enter at the offer to clear.
    let out = take(&home, &[], &input("2", "\n\n"));
    let (text, err) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{text}{err}");
    let flat = flat(&out);
    let warning = flat.find(WARNING).expect("the warning is shown");
    let question = text.find(SAVE_QUESTION).expect("the choice is asked");
    let summary = text
        .find("Your summary")
        .expect("the summary is still shown");
    assert!(warning < question && question < summary, "{text}");
    assert!(
        text.contains("  1) Do not save (nothing is written to this computer)\n  2) Save, encrypted\n(Type 1 or 2; Enter chooses 1.)\n"),
        "{text}"
    );
    assert!(
        flat.contains("You said you do not always feel safe at home"),
        "{text}"
    );
    assert!(err.contains(NOT_SAVED), "{err}");
    assert!(!err.contains("Saved, encrypted"), "{err}");
    assert!(!err.contains("Created your key"), "no key is made: {err}");
    assert_eq!(sessions(&home), 0);
    assert_eq!(drafts(&home), 0);
    // The check before the first question made the data folder; nothing of it is left.
    assert!(
        !home.data().exists(),
        "the data folder made by this run is removed"
    );
    assert_no_secret(&home);
}

#[test]
fn choosing_not_to_save_by_number_with_an_existing_vault_keeps_the_vault_as_it_was() {
    let home = Home::new();
    home.fast_key(PASS);
    let out = take(&home, &[], &input("2", "1\nn\n"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains(NOT_SAVED));
    assert_eq!(sessions(&home), 0);
    assert_eq!(drafts(&home), 0);
    assert!(home.data().join("identity.age").exists(), "the key is kept");
    assert_no_secret(&home);
}

#[test]
fn choosing_save_saves_one_session_after_asking_for_a_first_passphrase() {
    let home = Home::new();
    let out = take(&home, &[], &input("2", "2\nn\n"));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(flat(&out).contains(WARNING));
    assert!(err.contains("Created your key"), "{err}");
    assert!(err.contains("Saved, encrypted, as session "), "{err}");
    assert!(!err.contains(NOT_SAVED), "{err}");
    assert_eq!(sessions(&home), 1);
    assert_no_secret(&home);
}

#[test]
fn not_saving_a_resumed_session_leaves_no_draft_either() {
    let home = Home::new();
    home.fast_key(PASS);
    // mood=Never, then quit and keep a draft (no safety answer yet: no warning).
    let out = take(&home, &[], "1\nq\ny\n");
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(!flat(&out).contains("A draft is encrypted"));
    assert_eq!(drafts(&home), 1);
    let out = take(
        &home,
        &["--resume"],
        &format!("\n\n3\n{SECRET}\n2\ny\n\n\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(flat(&out).contains(WARNING));
    assert!(flat(&out).contains("or the draft that was kept while you answered"));
    assert!(
        stderr(&out)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains(NOT_SAVED_DRAFT),
        "{}",
        stderr(&out)
    );
    assert_eq!(drafts(&home), 0);
    assert_eq!(sessions(&home), 0);
    assert_no_secret(&home);
}

#[test]
fn end_of_input_at_the_choice_does_not_save_and_says_so() {
    let home = Home::new();
    home.fast_key(PASS);
    let out = take(&home, &[], &input("2", ""));
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        text.contains("Input ended before you chose, so your answers are not saved."),
        "{text}"
    );
    assert!(text.contains("Your summary"), "{text}");
    assert!(stderr(&out).contains(NOT_SAVED));
    assert_eq!(sessions(&home), 0);
}

#[test]
fn without_a_safety_flag_nothing_is_asked_and_the_session_is_saved_as_before() {
    let home = Home::new();
    let out = take(&home, &[], &input("1", ""));
    let (text, err) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!flat(&out).contains(WARNING), "{text}");
    assert!(!text.contains(SAVE_QUESTION), "{text}");
    assert!(!text.contains(CLEAR_QUESTION), "{text}");
    assert!(err.contains("Saved, encrypted, as session "), "{err}");
    assert_eq!(sessions(&home), 1);
}

#[test]
fn no_save_asks_nothing_before_the_summary_but_still_offers_to_clear() {
    let home = Home::new();
    let out = take(&home, &["--no-save"], &input("2", "\n"));
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!flat(&out).contains(WARNING), "{text}");
    assert!(!text.contains(SAVE_QUESTION), "{text}");
    assert!(text.contains(CLEAR_QUESTION), "{text}");
    assert!(stderr(&out).contains("Nothing was saved (--no-save)."));
    assert_eq!(sessions(&home), 0);
}

#[test]
fn the_offer_to_clear_comes_after_the_summary_and_without_a_terminal_says_to_close_the_window() {
    let home = Home::new();
    let out = take(&home, &["--no-save"], &input("2", "y\n"));
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let summary = text.find("not a validated").expect("the summary's end");
    let offer = text.find(CLEAR_QUESTION).expect("the offer");
    assert!(summary < offer, "{text}");
    assert!(
        text[offer..].contains("(Type y or n; Enter means n.)"),
        "{text}"
    );
    assert!(
        flat(&out).contains(
            "close this window so that your answers and summary are not left on the screen"
        ),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no escape sequence into a pipe");
}

#[test]
fn an_intake_file_is_written_and_named_in_the_warning() {
    let therapist = Home::new();
    let recipient = therapist.fast_key(PASS);
    let home = Home::new();
    let file = home.path().join("for-my-therapist.age");
    // No vault of their own: nothing to choose, the file is written.
    let out = take(
        &home,
        &[
            "--no-save",
            "--to",
            &recipient,
            "--out",
            file.to_str().unwrap(),
        ],
        &input("2", "\n"),
    );
    let (text, err) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{err}");
    let flat = flat(&out);
    let warning = flat
        .find("Your answers for sending will be written, encrypted, to this file:")
        .expect("the warning");
    assert!(
        flat[warning..].contains("for-my-therapist.age"),
        "the warning names the file: {text}"
    );
    assert!(
        !text.contains(SAVE_QUESTION) && !text.contains("keep a copy"),
        "{text}"
    );
    assert!(file.exists(), "the intake file is written");
    assert!(err.contains("Your answers are encrypted in"), "{err}");
    assert_no_secret(&home);
    // It is a whole intake for the therapist.
    let report = therapist
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .arg("report")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(report.status.code(), Some(0), "{}", stderr(&report));
    assert!(stdout(&report).contains(SECRET));
}

#[test]
fn with_an_intake_and_a_vault_the_choice_is_about_the_vault_copy_only() {
    let therapist = Home::new();
    let recipient = therapist.fast_key(PASS);
    for (choice, copies) in [("\n", 0), ("2\n", 1)] {
        let home = Home::new();
        home.fast_key(PASS);
        let file = home.path().join("intake.age");
        let out = take(
            &home,
            &["--to", &recipient, "--out", file.to_str().unwrap()],
            &input("2", &format!("{choice}\n")),
        );
        let (text, err) = (stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(0), "{err}");
        assert!(text.contains("intake.age"), "{text}");
        assert!(
            text.contains("Also keep a copy on this computer?"),
            "{text}"
        );
        assert!(
            text.contains("  1) Do not keep a copy (only the file for sending is written)\n"),
            "{text}"
        );
        assert!(file.exists(), "the intake file is written either way");
        assert_eq!(sessions(&home), copies, "{err}");
        if copies == 0 {
            assert!(err.contains("No copy was kept in your vault."), "{err}");
        } else {
            assert!(err.contains("Saved, encrypted, as session "), "{err}");
        }
    }
}

#[test]
fn an_answers_file_gets_a_note_on_stderr_and_is_saved_as_before() {
    let home = Home::new();
    let answers = home.path().join("a.json");
    fs::write(
        &answers,
        r#"{"format": "confide.answers/1", "answers": {"checkin": {"mood": 0, "safe": 1}}}"#,
    )
    .unwrap();
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .args(["take", "--questionnaires"])
        .arg(fixture())
        .arg("--answers")
        .arg(&answers)
        .output()
        .unwrap();
    let (text, err) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("confide: note: this summary includes information about safety and support. If someone else uses this computer, you may want to clear the screen when you have finished reading; they could also find a saved session"),
        "{err}"
    );
    assert!(
        !text.contains(SAVE_QUESTION) && !text.contains(CLEAR_QUESTION),
        "{text}"
    );
    assert_eq!(sessions(&home), 1);
}

#[test]
fn leaving_part_way_after_a_safety_answer_warns_before_offering_a_draft() {
    let home = Home::new();
    home.fast_key(PASS);
    // Answer everything, change `safe` from the review, quit there, Enter at the draft offer.
    let out = take(&home, &[], &format!("1\n\n\n3\n{SECRET}\n2\n6\nq\n\n"));
    let text = flat(&out);
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let warning = text
        .find("A draft is encrypted, but someone who can use this computer could see that it is there.")
        .expect("the warning");
    let offer = text.find("Keep an encrypted draft").expect("the offer");
    assert!(warning < offer, "{text}");
    assert_eq!(drafts(&home), 0, "Enter keeps no draft");
    assert_no_secret(&home);
}

// A real pseudo-terminal: the clear sequence reaches the screen.

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";
/// Erase the display, then the scrollback.
const CLEAR: &str = "\x1b[2J";
const CLEAR_SCROLLBACK: &str = "\x1b[3J";

fn spawn(home: &Home, args: &[&str]) -> PtySession {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("confide"));
    cmd.arg("take")
        .args(args)
        .arg("--questionnaires")
        .arg(fixture())
        .arg("checkin")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("CONFIDE_DATA_DIR")
        .env_remove("CONFIDE_PASSPHRASE")
        .env_remove("CONFIDE_PASSPHRASE_FILE");
    let options = Options::new()
        .timeout_ms(Some(30_000))
        .strip_ansi_escape_codes(false);
    rexpect::session::spawn_with_options(cmd, options).expect("spawn confide in a pty")
}

#[test]
fn in_plain_mode_on_a_terminal_accepting_clears_the_screen_and_scrollback() {
    let home = Home::new();
    home.fast_key(PASS);
    let mut p = spawn(&home, &["--plain"]);
    // Enter begins, then the answers.
    for line in ["", "1", "", "", "3", SECRET, "2"] {
        p.exp_string("> ").unwrap();
        p.send_line(line).unwrap();
    }
    p.exp_string("Review your answers").unwrap();
    p.send_line("y").unwrap();
    p.exp_string(SAVE_QUESTION).unwrap();
    p.send_line("").unwrap();
    p.exp_string("Your summary").unwrap();
    p.exp_string(CLEAR_QUESTION).unwrap();
    p.send_line("y").unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains(CLEAR), "{rest:?}");
    assert!(rest.contains(CLEAR_SCROLLBACK), "{rest:?}");
    assert_eq!(exit_code(&p), Some(0));
    assert_eq!(sessions(&home), 0);
    assert_no_secret(&home);
}

#[test]
fn in_the_terminal_interface_the_choice_defaults_to_not_saving_and_y_clears() {
    let home = Home::new();
    home.fast_key(PASS);
    let mut p = spawn(&home, &[]);
    begin(&mut p);
    p.exp_string("How often did you feel calm?").unwrap();
    keys(&mut p, ENTER); // Never
    p.exp_string("Who did you talk to?").unwrap();
    keys(&mut p, ENTER); // skip
    p.exp_string("How many hours").unwrap();
    keys(&mut p, ENTER); // skip
    p.exp_string("How often did you worry?").unwrap();
    keys(&mut p, ENTER); // Never
    p.exp_string("Do you feel safe at home?").unwrap();
    keys(&mut p, DOWN);
    keys(&mut p, ENTER); // Not always
    p.exp_string("Save these answers").unwrap();
    // The answers so far are kept, encrypted, as a draft while the person answers.
    assert_eq!(drafts(&home), 1);
    keys(&mut p, ENTER);
    p.exp_string("could find a saved session").unwrap();
    p.exp_string("or the draft that").unwrap();
    p.exp_string(SAVE_QUESTION).unwrap();
    p.exp_string("Do not save").unwrap();
    keys(&mut p, ENTER); // the highlighted default
    p.exp_string("Your summary").unwrap();
    p.exp_string("Not saved. The encrypted draft kept while you")
        .unwrap();
    p.exp_string(CLEAR_QUESTION).unwrap();
    p.exp_string("[y/N]").unwrap();
    keys(&mut p, "y");
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains(CLEAR), "{rest:?}");
    assert!(rest.contains(CLEAR_SCROLLBACK), "{rest:?}");
    assert_eq!(exit_code(&p), Some(0));
    assert_eq!(sessions(&home), 0);
    assert_eq!(drafts(&home), 0, "choosing not to save removes the draft");
}

#[test]
fn an_intake_never_keeps_a_copy_without_asking_even_with_nothing_raised() {
    // On a shared computer this computer's vault may be a partner's: an intake asks before
    // keeping a copy (and so before encrypting the file to the vault key), safety flag or
    // not, and keeps none by default.
    let therapist = Home::new();
    let recipient = therapist.fast_key(PASS);
    for (choice, copies) in [("\n", 0), ("2\n", 1)] {
        let home = Home::new();
        let mine = home.fast_key(PASS);
        let file = home.path().join("intake.age");
        // safe = 1 (Yes): no safety flag.
        let out = take(
            &home,
            &["--to", &recipient, "--out", file.to_str().unwrap()],
            &input("1", &format!("{choice}\n")),
        );
        let (text, err) = (stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(0), "{err}");
        let said = flat(&out);
        assert!(
            said.contains("At the end you are asked whether to keep a copy on this computer; only then is it also encrypted to this computer's vault key"),
            "{text}"
        );
        assert!(
            said.contains("On a computer you share, that may be someone else, such as a partner: then keep no copy."),
            "{text}"
        );
        assert!(
            text.contains("Also keep a copy on this computer?"),
            "{text}"
        );
        assert_eq!(sessions(&home), copies, "{err}");
        // The file for sending is encrypted to the vault key only with a copy kept.
        let opened_by_mine = home
            .cmd()
            .env("CONFIDE_PASSPHRASE", PASS)
            .arg("report")
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(
            opened_by_mine.status.code() == Some(0),
            copies == 1,
            "{} {mine}",
            stderr(&opened_by_mine)
        );
    }
}
