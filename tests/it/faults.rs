//! Faults: the process killed while saving, a full disk, a read-only data folder, a data
//! folder that is a file, no home folder, and a passphrase change while sessions are saved.
//! Every case ends with a clear error and the documented exit code, and never loses or
//! damages what was already saved.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{Home, root, stderr, stdout, tmpfs};

const PASS: &str = "passphrase for fault tests";

fn answers() -> PathBuf {
    root().join("tests/fixtures/profiles/desire-difference.json")
}

/// A key with a low scrypt work factor: these tests are about faults, not key strength.
fn init(home: &Home) {
    home.fast_key(PASS);
}

fn save(home: &Home) -> std::process::Output {
    home.cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .arg("take")
        .arg("--answers")
        .arg(answers())
        .output()
        .unwrap()
}

/// Session files (not temp files) in the vault.
fn sessions(data: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(data.join("sessions"))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "age"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// `history --format json` must read every session.
fn history_count(home: &Home) -> usize {
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .args(["history", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "history must read every session: {}",
        stderr(&out)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["unreadable"], serde_json::json!([]));
    v["sessions"].as_array().unwrap().len()
}

#[test]
fn sigkill_at_any_moment_of_a_save_leaves_a_whole_session_or_none() {
    let home = Home::new();
    init(&home);
    let mut expected_min = 0;
    // Deterministic spread of kill times over the life of the process.
    for i in 0..24u64 {
        let delay = Duration::from_micros(500 + (i * 7919) % 30_000);
        let mut child = home
            .cmd_std()
            .env("CONFIDE_PASSPHRASE", PASS)
            .arg("take")
            .arg("--answers")
            .arg(answers())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let n = sessions(&home.data()).len();
        assert!(n >= expected_min, "a session disappeared");
        expected_min = n;
        assert_eq!(history_count(&home), n, "after a kill at {delay:?}");
    }
    // A save after all that still works.
    assert_eq!(save(&home).status.code(), Some(0));
    assert_eq!(history_count(&home), expected_min + 1);
    // Temp files the kills left are acted on once they are a minute old: a whole session is
    // put into place, anything else removed. None is left.
    let left = temp_files(&home.data().join("sessions"));
    for t in &left {
        make_old(t);
    }
    let n = history_count(&home);
    assert!(n > expected_min, "{n} sessions");
    assert!(n <= expected_min + 1 + left.len());
    assert_eq!(
        temp_files(&home.data().join("sessions")),
        Vec::<PathBuf>::new()
    );
}

/// `.confide-*.tmp` files in `dir`.
fn temp_files(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with(".confide-"))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Sets a file's modification time two minutes back.
fn make_old(path: &Path) {
    let then = std::time::SystemTime::now() - Duration::from_secs(120);
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(then))
        .unwrap();
}

#[test]
fn leftovers_of_interrupted_saves_are_recovered_or_removed_when_the_vault_is_next_opened() {
    let home = Home::new();
    init(&home);
    assert_eq!(save(&home).status.code(), Some(0));
    let data = home.data();
    let dir = data.join("sessions");
    let saved = sessions(&data).pop().unwrap();
    let whole = fs::read(&saved).unwrap();
    // A save killed after writing its temp file and before renaming it into place.
    fs::remove_file(&saved).unwrap();
    fs::write(dir.join(".confide-Aa1111.tmp"), &whole).unwrap();
    // Killed while writing: a partial file, and an empty one.
    fs::write(dir.join(".confide-Bb2222.tmp"), &whole[..whole.len() / 2]).unwrap();
    fs::write(dir.join(".confide-Cc3333.tmp"), b"").unwrap();
    // A key being written.
    fs::write(
        data.join(".confide-Dd4444.tmp"),
        b"age-encryption.org/v1
",
    )
    .unwrap();
    for t in temp_files(&dir).iter().chain(&temp_files(&data)) {
        make_old(t);
    }
    // A young one may be another confide writing right now: left alone.
    fs::write(dir.join(".confide-Ee5555.tmp"), &whole).unwrap();

    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .args(["history", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "confide: note: recovered {}, which an interrupted save had left unfinished",
            saved.display()
        )),
        "{err}"
    );
    assert!(err.contains("removed 2 leftover files"), "{err}");
    assert!(err.contains("removed 1 leftover file "), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sessions"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(
        fs::read(&saved).unwrap(),
        whole,
        "recovered under its own name"
    );
    assert_eq!(temp_files(&dir), [dir.join(".confide-Ee5555.tmp")]);
    assert!(temp_files(&data).is_empty());
}

#[test]
fn two_first_saves_at_once_share_the_key_the_first_one_made() {
    let home = Home::new();
    let children: Vec<_> = (0..3)
        .map(|_| {
            home.cmd_std()
                .env("CONFIDE_PASSPHRASE", PASS)
                .arg("take")
                .arg("--answers")
                .arg(answers())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut shared = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{err}");
        if err.contains("Another confide created your key") {
            assert!(err.contains("The passphrase you chose opens it."), "{err}");
            shared += 1;
        }
    }
    eprintln!("{shared} of 3 saves used the key another one made");
    assert_eq!(history_count(&home), 3);
}

#[test]
fn a_full_disk_gives_a_clear_error_and_keeps_saved_sessions() {
    let home = Home::new();
    let data = home.path().join("small");
    let Some(_mount) = tmpfs(&data, "size=256k") else {
        return;
    };
    let cmd = |h: &Home| {
        let mut c = h.cmd();
        c.env("CONFIDE_PASSPHRASE", PASS)
            .env("CONFIDE_DATA_DIR", &data);
        c
    };
    assert_eq!(
        cmd(&home)
            .args(["keys", "init"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(0)
    );
    let out = cmd(&home)
        .arg("take")
        .arg("--answers")
        .arg(answers())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before: Vec<(PathBuf, Vec<u8>)> = sessions(&data)
        .into_iter()
        .map(|p| (p.clone(), fs::read(&p).unwrap()))
        .collect();
    // Fill the disk.
    let mut filler = fs::File::create(data.join("filler")).unwrap();
    let block = vec![0u8; 4096];
    while std::io::Write::write_all(&mut filler, &block).is_ok() {}
    drop(filler);
    let out = cmd(&home)
        .arg("take")
        .arg("--answers")
        .arg(answers())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("confide: error:") && err.contains("the disk is full"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
    let after: Vec<(PathBuf, Vec<u8>)> = sessions(&data)
        .into_iter()
        .map(|p| (p.clone(), fs::read(&p).unwrap()))
        .collect();
    assert_eq!(before, after, "existing sessions are untouched");
    let strays: Vec<_> = fs::read_dir(data.join("sessions"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(strays.is_empty(), "no temp file is left: {strays:?}");
    fs::remove_file(data.join("filler")).unwrap();
    let out = cmd(&home)
        .args(["history", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_read_only_data_folder_is_refused_before_any_question() {
    let home = Home::new();
    let data = home.path().join("ro");
    let Some(_mount) = tmpfs(&data, "ro") else {
        return;
    };
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .env("CONFIDE_DATA_DIR", &data)
        .args(["take", "--plain"])
        .write_stdin("1\n")
        .output()
        .unwrap();
    // An I/O failure (exit 1), not a usage error: the README's table of exit codes.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
    assert!(!stdout(&out).contains(", 1 of "), "nothing was asked");
}

#[test]
fn a_data_folder_that_is_a_file_is_a_clear_error() {
    let home = Home::new();
    let file = home.path().join("not-a-folder");
    fs::write(&file, b"x").unwrap();
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .arg("--data-dir")
        .arg(&file)
        .args(["take", "--plain"])
        .write_stdin("1\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("confide: error:"), "{}", stderr(&out));
    assert!(!stdout(&out).contains(", 1 of "));
    assert_eq!(fs::read(&file).unwrap(), b"x");
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .arg("--data-dir")
        .arg(&file)
        .arg("history")
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(1) | Some(2)),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).starts_with("confide: error:"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn without_a_home_folder_confide_still_works_where_it_needs_none() {
    let home = Home::new();
    let bare = |args: &[&str]| {
        let mut c = Command::new(assert_cmd::cargo::cargo_bin("confide"));
        c.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        c
    };
    let out = bare(&["list"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = bare(&[
        "take",
        "--no-save",
        "--answers",
        answers().to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Saving needs a data folder: without HOME the account's home folder would be used, so
    // this test names one instead of writing into the real home.
    let data = home.path().join("d");
    let out = bare(&[
        "--data-dir",
        data.to_str().unwrap(),
        "take",
        "--answers",
        answers().to_str().unwrap(),
    ])
    .env("CONFIDE_PASSPHRASE", PASS)
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn changing_the_passphrase_while_sessions_are_saved_loses_nothing() {
    use rexpect::process::WaitStatus;
    let home = Home::new();
    init(&home);
    let new_pass = "the new passphrase for fault tests";
    let path = home.path().to_path_buf();
    let saver = std::thread::spawn(move || {
        (0..8)
            .filter(|_| {
                common::std_cmd_at(&path)
                    .env("CONFIDE_PASSPHRASE", "unused: saving needs no passphrase")
                    .arg("take")
                    .arg("--answers")
                    .arg(answers())
                    .output()
                    .is_ok_and(|o| o.status.success())
            })
            .count()
    });
    let mut passwd = home.cmd_std();
    passwd.args(["keys", "passwd"]);
    let mut p = rexpect::session::spawn_command(passwd, Some(30_000)).unwrap();
    for (prompt, answer) in [
        ("assphrase", PASS),
        ("assphrase", new_pass),
        ("again", new_pass),
    ] {
        p.exp_string(prompt).unwrap();
        std::thread::sleep(Duration::from_millis(400));
        p.send_line(answer).unwrap();
    }
    p.exp_eof().unwrap();
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => assert_eq!(code, 0),
        other => panic!("{other:?}"),
    }
    let saved = saver.join().unwrap();
    drop(p); // its reader polls the finished terminal until dropped
    assert_eq!(saved, 8, "every save succeeded");
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", new_pass)
        .args(["history", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sessions"].as_array().unwrap().len(), 8);
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .arg("history")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "the old passphrase no longer opens the key"
    );
}

#[test]
fn two_keys_init_at_once_one_makes_the_key_and_the_other_says_a_key_exists() {
    let home = Home::new();
    // Each reads its passphrase from a named pipe, after its first check that there is no
    // key: both are held there, then let go together, so both pass every check before
    // either writes (scrypt takes far longer than the checks).
    let spawn = |n: usize| {
        let pipe = home.path().join(format!("pass-{n}"));
        assert!(
            Command::new("mkfifo")
                .arg(&pipe)
                .status()
                .unwrap()
                .success()
        );
        let child = home
            .cmd_std()
            .arg("--passphrase-file")
            .arg(&pipe)
            .args(["keys", "init"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        (pipe, child)
    };
    let (pipe_a, a) = spawn(1);
    let (pipe_b, b) = spawn(2);
    let writers: Vec<_> = [pipe_a, pipe_b]
        .into_iter()
        .map(|p| std::thread::spawn(move || fs::write(p, format!("{PASS}\n")).unwrap()))
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
    let mut codes: Vec<i32> = outs.iter().map(|o| o.status.code().unwrap()).collect();
    codes.sort();
    assert_eq!(codes, [0, 2], "{}\n{}", stderr(&outs[0]), stderr(&outs[1]));
    let loser = outs.iter().find(|o| o.status.code() == Some(2)).unwrap();
    assert!(
        stderr(loser).contains("a key already exists in"),
        "{}",
        stderr(loser)
    );
    // The winner's key is whole and works.
    let winner = outs.iter().find(|o| o.status.success()).unwrap();
    let recipient = fs::read_to_string(home.data().join("recipient.txt")).unwrap();
    assert_eq!(stdout(winner).trim(), recipient.trim());
}

/// Where a warning about an unsynced folder starts in `err`, after `success`.
fn warned_after(err: &str, success: &str) -> bool {
    let (Some(ok), Some(warn)) = (
        err.find(success),
        err.find("confide: warning: cannot sync folder"),
    ) else {
        return false;
    };
    ok < warn && err[warn..].contains("the change was made")
}

#[test]
fn a_save_whose_folder_cannot_be_synced_says_it_was_saved_then_warns() {
    if !common::have_strace() {
        return;
    }
    let home = Home::new();
    init(&home);
    // Saving fsyncs the new file (the first fsync), then its folder (the second).
    let mut take = home.cmd_std();
    take.env("CONFIDE_PASSPHRASE", PASS)
        .arg("take")
        .arg("--answers")
        .arg(answers());
    let out = common::with_failing_fsync(&take, 2).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(warned_after(&err, "Saved, encrypted, as session"), "{err}");
    assert!(!err.contains("confide: error"), "{err}");
    assert_eq!(sessions(&home.data()).len(), 1);
    assert_eq!(history_count(&home), 1);

    // Deleting fsyncs only the folder.
    let id = sessions(&home.data())[0]
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let mut delete = home.cmd_std();
    delete.args(["delete", "--yes", &id]);
    let out = common::with_failing_fsync(&delete, 1).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("confide: warning: cannot sync folder"),
        "{err}"
    );
    assert!(sessions(&home.data()).is_empty());
}

#[test]
fn a_passphrase_change_whose_folder_cannot_be_synced_says_it_was_changed_then_warns() {
    use rexpect::process::WaitStatus;
    if !common::have_strace() {
        return;
    }
    let home = Home::new();
    init(&home);
    let new_pass = "the new passphrase after an unsynced folder";
    let mut passwd = home.cmd_std();
    passwd.env("TERM", "dumb").args(["keys", "passwd"]);
    // The new key file is fsynced (the first fsync), then the data folder (the second).
    let cmd = common::with_failing_fsync(&passwd, 2);
    let mut p = rexpect::session::spawn_command(cmd, Some(30_000)).unwrap();
    for (prompt, answer) in [
        ("assphrase", PASS),
        ("assphrase", new_pass),
        ("again", new_pass),
    ] {
        p.exp_string(prompt).unwrap();
        std::thread::sleep(Duration::from_millis(400));
        p.send_line(answer).unwrap();
    }
    let rest = p.exp_eof().unwrap_or_default();
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => assert_eq!(code, 0, "{rest}"),
        other => panic!("{other:?}"),
    }
    assert!(
        warned_after(&rest, "Your passphrase was changed."),
        "{rest}"
    );
    drop(p); // its reader polls the finished terminal until dropped
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", new_pass)
        .args(["keys", "recipient"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", new_pass)
        .args(["history", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "the new passphrase opens the key: {}",
        stderr(&out)
    );
}
