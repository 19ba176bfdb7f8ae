//! No answer lost: the draft kept after every answer (Ctrl-C, a killed process, `--resume`,
//! `confide drafts`), failures after the interview that the person can recover from (a
//! passphrase typed differently, a full disk, a folder that became read-only), and what is
//! never written (nothing before the first answer, nothing with `--no-save`).
//! Driven through a real pseudo-terminal, as a person answers.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::sleep;
use std::time::Duration;

use rexpect::reader::Options;
use rexpect::session::PtySession;

use crate::common::{Home, begin, exit_code, files_containing, keys, root, stderr, stdout, tmpfs};

const PASS: &str = "a long passphrase for tests";
/// A free-text answer that must never reach the disk in the clear.
const SECRET: &str = "otter-saffron-2286";
const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";

fn checkin() -> PathBuf {
    root().join("tests/fixtures/interview")
}

/// `confide take ... checkin` in a pseudo-terminal, with `env` set (a passphrase, a data
/// folder).
fn spawn(home: &Home, args: &[&str], env: &[(&str, &Path)]) -> PtySession {
    let mut cmd = home.cmd_std();
    cmd.arg("take")
        .args(args)
        .arg("--questionnaires")
        .arg(checkin())
        .arg("checkin")
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let options = Options::new()
        .timeout_ms(Some(30_000))
        .strip_ansi_escape_codes(true);
    rexpect::session::spawn_with_options(cmd, options).expect("spawn confide in a pty")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn drafts(data: &Path) -> Vec<PathBuf> {
    files(&data.join("drafts"))
}

fn sessions(data: &Path) -> Vec<PathBuf> {
    files(&data.join("sessions"))
}

fn assert_no_secret(home: &Home) {
    let found = files_containing(home.path(), SECRET.as_bytes());
    assert!(found.is_empty(), "answer text found on disk: {found:?}");
}

/// Calm: Sometimes; who: skipped; sleep: skipped; worry: Often; then the free text.
fn answer_up_to_the_text(p: &mut PtySession) {
    p.exp_string("How often did you feel calm?").unwrap();
    keys(p, DOWN);
    keys(p, ENTER);
    p.exp_string("Who did you talk to?").unwrap();
    keys(p, ENTER);
    p.exp_string("How many hours").unwrap();
    keys(p, ENTER);
    p.exp_string("How often did you worry?").unwrap();
    keys(p, DOWN);
    keys(p, DOWN);
    keys(p, ENTER);
    p.exp_string("What worried you most?").unwrap();
}

/// The whole interview, up to the review's "Save these answers" chosen.
fn answer_and_save(p: &mut PtySession) {
    answer_up_to_the_text(p);
    keys(p, SECRET);
    keys(p, ENTER);
    p.exp_string("Save these answers").unwrap();
    keys(p, ENTER);
}

#[test]
fn ctrl_c_keeps_the_answers_as_a_draft_that_resume_continues() {
    let home = Home::new();
    let data = home.data();
    home.fast_key(PASS);
    let mut p = spawn(&home, &[], &[]);
    begin(&mut p);
    answer_up_to_the_text(&mut p);
    // Four answers so far: the draft holds them, encrypted.
    assert_eq!(drafts(&data).len(), 1);
    p.send_control('c').unwrap();
    let rest = p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), Some(130));
    drop(p); // its reader polls the finished terminal until dropped
    let draft = &drafts(&data)[0];
    let id = draft.file_stem().unwrap().to_string_lossy().into_owned();
    let flat = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("confide: stopped; your answers so far are kept, encrypted, in"),
        "{rest}"
    );
    assert!(flat.contains(&id), "the draft is named: {rest}");
    assert!(
        flat.contains("`confide take --resume --questionnaires"),
        "{rest}"
    );
    assert!(
        flat.contains(&format!(
            "`confide drafts --discard {id}` removes the draft"
        )),
        "{rest}"
    );
    assert!(!flat.contains("nothing was saved"), "{rest}");
    assert_eq!(sessions(&data).len(), 0);

    // `confide drafts` lists it, without a passphrase.
    let out = home.cmd().arg("drafts").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(&id), "{}", stdout(&out));

    // `--resume` continues at the question it stopped at, with the answers kept.
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .args(["take", "--plain", "--resume", "--questionnaires"])
        .arg(checkin())
        .write_stdin(format!("{SECRET}\ny\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let first = text.lines().find(|l| l.starts_with("Check-in, ")).unwrap();
    assert!(
        first.starts_with("Check-in, 5 of 5: What worried you most?"),
        "{text}"
    );
    assert!(
        text.contains("How often did you worry?\n     Often"),
        "{text}"
    );
    assert_eq!(sessions(&data).len(), 1);
    assert!(
        drafts(&data).is_empty(),
        "the finished session removes its draft"
    );
    assert_no_secret(&home);
}

#[test]
fn a_killed_interview_leaves_a_draft_and_each_answer_updates_it() {
    let home = Home::new();
    let data = home.data();
    home.fast_key(PASS);
    let mut p = spawn(&home, &[], &[]);
    begin(&mut p);
    p.exp_string("How often did you feel calm?").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("Who did you talk to?").unwrap();
    let first = fs::read(&drafts(&data)[0]).unwrap();
    keys(&mut p, " ");
    keys(&mut p, ENTER);
    p.exp_string("How many hours").unwrap();
    let after = drafts(&data);
    assert_eq!(after.len(), 1, "one draft, replaced: {after:?}");
    assert_ne!(
        fs::read(&after[0]).unwrap(),
        first,
        "updated after the answer"
    );
    // A closed laptop or a killed terminal: no chance to say anything.
    p.process_mut()
        .kill(rexpect::process::Signal::SIGKILL)
        .unwrap();
    let _ = p.process().wait();
    assert_eq!(drafts(&data).len(), 1);
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .args(["take", "--plain", "--resume", "--questionnaires"])
        .arg(checkin())
        .write_stdin("\n\ny\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("How often did you feel calm?\n     Never"),
        "{text}"
    );
    assert!(
        text.contains("Who did you talk to?\n     A friend"),
        "{text}"
    );
    assert_eq!(sessions(&data).len(), 1);
    assert!(drafts(&data).is_empty());
}

#[test]
fn nothing_is_written_before_the_first_answer_nor_with_no_save() {
    let home = Home::new();
    let data = home.data();
    home.fast_key(PASS);
    let mut p = spawn(&home, &[], &[]);
    begin(&mut p);
    p.exp_string("How often did you feel calm?").unwrap();
    keys(&mut p, DOWN);
    p.send_control('c').unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains("cancelled; nothing was saved"), "{rest}");
    assert_eq!(exit_code(&p), Some(130));
    assert!(drafts(&data).is_empty());

    drop(p); // its reader polls the finished terminal until dropped
    let mut p = spawn(&home, &["--no-save"], &[]);
    begin(&mut p);
    answer_up_to_the_text(&mut p);
    p.send_control('c').unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains("cancelled; nothing was saved"), "{rest}");
    assert!(drafts(&data).is_empty(), "--no-save writes nothing");
    assert!(sessions(&data).is_empty());
}

#[test]
fn quitting_and_declining_the_draft_removes_the_one_kept_while_answering() {
    let home = Home::new();
    let data = home.data();
    home.fast_key(PASS);
    let mut p = spawn(&home, &["--plain"], &[]);
    // Enter begins, then: calm "Sometimes", who skipped, q.
    for line in ["", "2", "", "q"] {
        p.exp_string("> ").unwrap();
        p.send_line(line).unwrap();
    }
    p.exp_string("Keep an encrypted draft").unwrap();
    assert_eq!(drafts(&data).len(), 1, "kept while answering");
    p.send_line("n").unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains("nothing was saved"), "{rest}");
    assert!(drafts(&data).is_empty());
}

#[test]
fn drafts_are_discarded_by_id_with_drafts_or_delete() {
    let home = Home::new();
    let data = home.data();
    home.fast_key(PASS);
    for _ in 0..3 {
        let mut p = spawn(&home, &[], &[]);
        begin(&mut p);
        p.exp_string("How often did you feel calm?").unwrap();
        keys(&mut p, ENTER);
        p.exp_string("Who did you talk to?").unwrap();
        p.send_control('c').unwrap();
        p.exp_eof().unwrap();
        // The session's reader keeps polling the closed terminal until it is dropped.
        drop(p);
        sleep(Duration::from_millis(1100)); // drafts are named to the second
    }
    let ids: Vec<String> = drafts(&data)
        .iter()
        .map(|d| d.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(ids.len(), 3, "each interview has its own draft");
    // `--resume=ID` continues that one; quitting without keeping it removes it.
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .args([
            "take",
            "--plain",
            &format!("--resume={}", ids[2]),
            "--questionnaires",
        ])
        .arg(checkin())
        .write_stdin("q\nn\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Check-in, 2 of 5: Who did you talk to?"),
        "{}",
        stdout(&out)
    );
    assert_eq!(drafts(&data).len(), 2);
    assert!(
        !drafts(&data)
            .iter()
            .any(|d| d.to_string_lossy().contains(&ids[2]))
    );
    let out = home
        .cmd()
        .args(["drafts", "--discard", &ids[0]])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "asks first: {}", stderr(&out));
    let out = home
        .cmd()
        .args(["drafts", "--discard", &ids[0], "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("Discarded draft {}.", ids[0])));
    let id8 = ids[1].rsplit('-').next().unwrap();
    let out = home.cmd().args(["delete", id8, "--yes"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(drafts(&data).is_empty());
    let out = home.cmd().arg("drafts").output().unwrap();
    assert!(stdout(&out).starts_with("No drafts."), "{}", stdout(&out));
}

#[test]
fn a_passphrase_typed_differently_is_asked_again_until_the_person_stops() {
    let home = Home::new();
    let data = home.data();
    let mut p = spawn(&home, &[], &[]);
    begin(&mut p);
    answer_and_save(&mut p);
    for _ in 0..3 {
        p.exp_string("New passphrase:").unwrap();
        p.send_line("one passphrase").unwrap();
        p.exp_string("Type it again:").unwrap();
        p.send_line("another passphrase").unwrap();
    }
    p.exp_string("The passphrases did not match").unwrap();
    p.exp_string("Try again").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("New passphrase:").unwrap();
    p.send_line("").unwrap();
    p.exp_string("cannot be empty").unwrap();
    p.exp_string("New passphrase:").unwrap();
    p.send_line(PASS).unwrap();
    p.exp_string("Type it again:").unwrap();
    p.send_line(PASS).unwrap();
    p.exp_string("Created your key").unwrap();
    p.exp_string("Saved, encrypted, as session").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), Some(0));
    assert_eq!(sessions(&data).len(), 1);
    assert_no_secret(&home);

    // Stopping is the person's choice, and says so.
    let home = Home::new();
    drop(p); // its reader polls the finished terminal until dropped
    let mut p = spawn(&home, &[], &[]);
    begin(&mut p);
    answer_and_save(&mut p);
    for _ in 0..3 {
        p.exp_string("New passphrase:").unwrap();
        p.send_line("one").unwrap();
        p.exp_string("Type it again:").unwrap();
        p.send_line("two").unwrap();
    }
    p.exp_string("Stop without saving").unwrap();
    keys(&mut p, DOWN);
    keys(&mut p, ENTER);
    let rest = p.exp_eof().unwrap();
    let flat = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("you chose to stop, so your answers were not saved"),
        "{rest}"
    );
    assert_eq!(exit_code(&p), Some(2));
    assert!(!home.data().join("identity.age").exists());
}

#[test]
fn a_disk_that_fills_during_the_interview_offers_another_place() {
    let home = Home::new();
    let data = home.path().join("small");
    let Some(_mount) = tmpfs(&data, "size=256k") else {
        return;
    };
    crate::common::fast_key(&data, PASS);
    let mut p = spawn(&home, &[], &[("CONFIDE_DATA_DIR", &data)]);
    begin(&mut p);
    p.exp_string("How often did you feel calm?").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("Who did you talk to?").unwrap();
    // The disk fills while the person answers.
    let mut filler = fs::File::create(data.join("filler")).unwrap();
    let block = vec![0u8; 4096];
    while std::io::Write::write_all(&mut filler, &block).is_ok() {}
    drop(filler);
    keys(&mut p, ENTER);
    p.exp_string("could not be kept as a draft as you go")
        .unwrap();
    p.exp_string("How many hours").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("How often did you worry?").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("Save these answers").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("the disk is full").unwrap();
    p.exp_string("Your answers are not saved yet").unwrap();
    p.exp_string("Save the encrypted file in another place")
        .unwrap();
    let menu = p.exp_string("Stop without saving").unwrap();
    assert!(
        !menu.contains("encrypted draft"),
        "a draft that misses answers is not offered: {menu}"
    );
    keys(&mut p, DOWN);
    keys(&mut p, ENTER);
    p.exp_string("Where should it go?").unwrap();
    let elsewhere = home.path().join("usb");
    fs::create_dir(&elsewhere).unwrap();
    p.send_line(elsewhere.to_str().unwrap()).unwrap();
    p.exp_string("Saved, encrypted, as").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), Some(0));
    drop(p); // its reader polls the finished terminal until dropped
    let saved = files(&elsewhere);
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert!(sessions(&data).is_empty());
    assert!(drafts(&data).is_empty(), "the draft is removed once stored");

    // The file is the same age ciphertext: `confide show FILE` reads it.
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .env("CONFIDE_DATA_DIR", &data)
        .arg("show")
        .arg(&saved[0])
        .arg("--questionnaires")
        .arg(checkin())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Unease: Unsettled"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_data_folder_that_became_read_only_can_be_tried_again() {
    let home = Home::new();
    let data = home.path().join("vault");
    let Some(_mount) = tmpfs(&data, "size=1m") else {
        return;
    };
    crate::common::fast_key(&data, PASS);
    let mut p = spawn(&home, &[], &[("CONFIDE_DATA_DIR", &data)]);
    begin(&mut p);
    answer_up_to_the_text(&mut p);
    keys(&mut p, SECRET);
    keys(&mut p, ENTER);
    p.exp_string("Save these answers").unwrap();
    let remount = |how: &str| {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,{how}")])
            .arg(&data)
            .status()
            .unwrap();
        assert!(ok.success());
    };
    remount("ro");
    keys(&mut p, ENTER);
    p.exp_string("read-only").unwrap();
    p.exp_string("Stop, and keep your answers as an encrypted draft")
        .unwrap();
    remount("rw");
    keys(&mut p, ENTER); // Try again
    p.exp_string("Saved, encrypted, as session").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), Some(0));
    assert_eq!(sessions(&data).len(), 1);
    assert!(drafts(&data).is_empty());
}

#[test]
fn an_intake_without_a_vault_says_that_nothing_is_kept_as_you_go() {
    let therapist = Home::new();
    let recipient = therapist.fast_key(PASS);
    let home = Home::new();
    let out = home.path().join("intake.age");
    let mut p = spawn(
        &home,
        &["--to", &recipient, "--out", out.to_str().unwrap()],
        &[],
    );
    // The welcome says it, then the therapist's key is confirmed.
    p.exp_string("nothing is kept.").unwrap();
    p.exp_string("[y/N]").unwrap();
    keys(&mut p, "y");
    begin(&mut p);
    p.exp_string("How often did you feel calm?").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("Who did you talk to?").unwrap();
    p.send_control('c').unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains("cancelled; nothing was saved"), "{rest}");
    assert!(!home.data().exists(), "nothing is written for the person");
}

#[test]
fn a_first_save_on_a_full_disk_can_make_the_vault_in_another_folder() {
    let home = Home::new();
    let data = home.path().join("small");
    let Some(_mount) = tmpfs(&data, "size=128k") else {
        return;
    };
    let mut p = spawn(&home, &[], &[("CONFIDE_DATA_DIR", &data)]);
    begin(&mut p);
    answer_up_to_the_text(&mut p);
    let mut filler = fs::File::create(data.join("filler")).unwrap();
    let block = vec![0u8; 4096];
    while std::io::Write::write_all(&mut filler, &block).is_ok() {}
    drop(filler);
    keys(&mut p, SECRET);
    keys(&mut p, ENTER);
    p.exp_string("Save these answers").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("New passphrase:").unwrap();
    p.send_line(PASS).unwrap();
    p.exp_string("Type it again:").unwrap();
    p.send_line(PASS).unwrap();
    p.exp_string("the disk is full").unwrap();
    p.exp_string("Keep them in another folder").unwrap();
    keys(&mut p, DOWN);
    keys(&mut p, ENTER);
    p.exp_string("Which folder?").unwrap();
    let other = home.path().join("elsewhere");
    p.send_line(other.to_str().unwrap()).unwrap();
    // The passphrase already chosen is used: it is not asked again.
    p.exp_string("Created your key").unwrap();
    p.exp_string("Saved, encrypted, as session").unwrap();
    p.exp_string("is not your usual data folder").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), Some(0));
    drop(p); // its reader polls the finished terminal until dropped
    assert_eq!(sessions(&other).len(), 1);
    assert!(!data.join("identity.age").exists());
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .env("CONFIDE_DATA_DIR", &other)
        .args(["history", "--format", "json", "--questionnaires"])
        .arg(checkin())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_no_secret(&home);
}

#[test]
fn an_intake_that_cannot_be_written_can_go_to_another_place() {
    let therapist = Home::new();
    let recipient = therapist.fast_key(PASS);
    let home = Home::new();
    let out_dir = home.path().join("outbox");
    let Some(_mount) = tmpfs(&out_dir, "size=1m") else {
        return;
    };
    let file = out_dir.join("intake.age");
    let mut p = spawn(
        &home,
        &["--to", &recipient, "--out", file.to_str().unwrap()],
        &[],
    );
    p.exp_string("[y/N]").unwrap();
    keys(&mut p, "y");
    begin(&mut p);
    answer_up_to_the_text(&mut p);
    keys(&mut p, SECRET);
    keys(&mut p, ENTER);
    p.exp_string("Save these answers").unwrap();
    let ok = Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(&out_dir)
        .status()
        .unwrap();
    assert!(ok.success());
    keys(&mut p, ENTER);
    p.exp_string("read-only").unwrap();
    p.exp_string("The file for sending is not written yet")
        .unwrap();
    p.exp_string("Do not write the file for sending (your answers are discarded)")
        .unwrap();
    keys(&mut p, DOWN);
    keys(&mut p, ENTER);
    p.exp_string("Where should it go?").unwrap();
    let elsewhere = home.path().join("for-my-therapist.age");
    p.send_line(elsewhere.to_str().unwrap()).unwrap();
    p.exp_string("Your answers are encrypted in").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), Some(0));
    drop(p); // its reader polls the finished terminal until dropped
    assert!(!file.exists());
    let report = therapist
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .arg("report")
        .arg(&elsewhere)
        .arg("--questionnaires")
        .arg(checkin())
        .output()
        .unwrap();
    assert_eq!(report.status.code(), Some(0), "{}", stderr(&report));
    assert!(stdout(&report).contains(SECRET));
}
