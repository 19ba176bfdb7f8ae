//! Special files where confide expects a regular file: a dangling link, a named pipe, a
//! socket, a link to a device and a folder named like an age file. None may hang confide or
//! be skipped without a word: each is refused at once, with its reason and the documented
//! exit code.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Home, encrypt_to, stderr, stdout};

const PASS: &str = "passphrase for special files";

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(ok.success(), "mkfifo {}", path.display());
}

/// Runs `cmd` to its end, or fails the test if it is still running after 20 seconds
/// (killing it, so a hang shows as a failure rather than a stuck test run).
fn finish(mut cmd: Command) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "confide hung (killed after 20 s): {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn confide(home: &Home, args: &[&str], paths: &[&Path]) -> Output {
    let mut cmd = home.cmd_std();
    cmd.env("CONFIDE_PASSPHRASE", PASS).args(args);
    for p in paths {
        cmd.arg(p);
    }
    finish(cmd)
}

/// A genuine intake for the vault key of `home`.
fn intake(home: &Home) -> Vec<u8> {
    let recipient = std::fs::read_to_string(home.data().join("recipient.txt")).unwrap();
    let record = crate::forged::record_json(
        "5e5e5e5e-0000-4000-8000-000000000001",
        "2026-11-01T09:00:00Z",
    );
    encrypt_to(recipient.trim(), &serde_json::to_vec(&record).unwrap())
}

/// A folder with one good intake and every kind of special entry named `*.age`.
fn special_folder(home: &Home) -> (PathBuf, std::os::unix::net::UnixListener) {
    let dir = home.path().join("intakes");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a-good.age"), intake(home)).unwrap();
    std::os::unix::fs::symlink(home.path().join("gone.age"), dir.join("b-dangling.age")).unwrap();
    mkfifo(&dir.join("c-fifo.age"));
    let listener = std::os::unix::net::UnixListener::bind(dir.join("d-socket.age")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("e-zero.age")).unwrap();
    std::fs::create_dir(dir.join("f-folder.age")).unwrap();
    (dir, listener)
}

#[test]
fn special_entries_of_a_report_folder_are_listed_with_their_reasons() {
    let home = Home::new();
    home.fast_key(PASS);
    let (dir, _socket) = special_folder(&home);

    let out = confide(&home, &["report", "--format", "json"], &[&dir]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sessions"].as_array().unwrap().len(), 1, "the good one");
    let failures = v["failures"].as_array().unwrap();
    let reason = |name: &str| -> (String, i64) {
        let f = failures
            .iter()
            .find(|f| f["file"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("{name} is not listed: {failures:?}"));
        (
            f["error"].as_str().unwrap().to_owned(),
            f["exit_code"].as_i64().unwrap(),
        )
    };
    let (why, code) = reason("b-dangling.age");
    assert!(why.contains("does not exist"), "{why}");
    assert_eq!(code, 1);
    for (name, what) in [
        ("c-fifo.age", "a named pipe (FIFO), not a regular file"),
        ("d-socket.age", "a socket, not a regular file"),
        ("e-zero.age", "a device, not a regular file"),
        ("f-folder.age", "a folder, not a file"),
    ] {
        let (why, code) = reason(name);
        assert!(why.contains(what), "{name}: {why}");
        assert_eq!(code, 4, "{name}");
    }
    assert_eq!(failures.len(), 5, "{failures:?}");
    assert!(
        stderr(&out).contains("5 of 6 files could not be read"),
        "{}",
        stderr(&out)
    );

    let out = confide(&home, &["report"], &[&dir]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let text = stdout(&out);
    let failed = &text[text.find("Files that could not be read").expect("listed")..];
    for name in [
        "b-dangling.age",
        "c-fifo.age",
        "d-socket.age",
        "e-zero.age",
        "f-folder.age",
    ] {
        assert!(failed.contains(name), "{name}: {failed}");
    }
}

#[test]
fn a_named_pipe_or_device_given_to_report_is_refused_at_once() {
    let home = Home::new();
    home.fast_key(PASS);
    let fifo = home.path().join("intake.age");
    mkfifo(&fifo);
    let out = confide(&home, &["report"], &[&fifo]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is a named pipe (FIFO), not a regular file"),
        "{}",
        stderr(&out)
    );
    let out = confide(&home, &["report"], &[Path::new("/dev/zero")]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("/dev/zero is a device"),
        "{}",
        stderr(&out)
    );
}

/// A vault with a key and one saved session.
fn vault_with_a_session() -> Home {
    let home = Home::new();
    home.fast_key(PASS);
    let answers = crate::common::profile("everything-fine");
    let out = confide(&home, &["take", "--answers"], &[&answers]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    home
}

#[test]
fn a_named_pipe_as_the_key_or_the_recipient_file_is_refused_at_once() {
    // identity.age is a pipe: unlocking must not wait for a writer.
    let home = vault_with_a_session();
    let identity = home.data().join("identity.age");
    std::fs::remove_file(&identity).unwrap();
    mkfifo(&identity);
    let out = confide(&home, &["history"], &[]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("identity.age is a named pipe (FIFO), not a regular file"),
        "{}",
        stderr(&out)
    );

    // recipient.txt is a pipe: saving must not wait for it, and neither must unlocking.
    let home = vault_with_a_session();
    let recipient = home.data().join("recipient.txt");
    std::fs::remove_file(&recipient).unwrap();
    mkfifo(&recipient);
    let answers = crate::common::profile("everything-fine");
    let out = confide(&home, &["take", "--answers"], &[&answers]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("recipient.txt is a named pipe (FIFO), not a regular file"),
        "{}",
        stderr(&out)
    );
    // Opening the key checks recipient.txt against it: refused the same way.
    let out = confide(&home, &["history", "--format", "json"], &[]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("recipient.txt is a named pipe (FIFO), not a regular file"),
        "{}",
        stderr(&out)
    );
}
