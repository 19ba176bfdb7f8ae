//! confide never touches the network: under `strace -f -e trace=%network`, the commands
//! that handle answers make no network system call at all (not even a socket).

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::common::{Home, root, std_cmd_at};

const PASS: &str = "passphrase for the network test";

fn have_strace() -> bool {
    let ok = Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "strace is required in CI (.ci/run installs the Debian package `strace`)"
        );
        eprintln!("skipped: strace is not installed");
    }
    ok
}

/// Runs confide under strace and returns the network calls it made.
fn network_calls(home: &Path, args: &[&str], stdin: &str) -> Vec<String> {
    let log = home.join(format!("strace-{}.log", args.join("-").replace('/', "_")));
    let confide = std_cmd_at(home);
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-qq", "-e", "trace=%network", "-o"])
        .arg(&log)
        .arg(confide.get_program())
        .args(args);
    for (k, v) in confide.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.env("CONFIDE_PASSPHRASE", PASS);
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(mut i) = child.stdin.take() {
        use std::io::Write;
        let _ = i.write_all(stdin.as_bytes());
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    fs::read_to_string(&log)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.contains("+++ exited") && !l.contains(" --- SIG"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn take_history_report_and_validate_make_no_network_calls() {
    if !have_strace() {
        return;
    }
    let home = Home::new();
    let answers = root().join("tests/fixtures/profiles/unsafe-communication.json");
    let answers = answers.to_str().unwrap();
    let interview = root().join("tests/fixtures/interview");
    let interview = interview.to_str().unwrap();
    let key = home.path().join("recipient");
    assert!(network_calls(home.path(), &["keys", "init"], "").is_empty());
    let recipient = std::fs::read_to_string(home.data().join("recipient.txt")).unwrap();
    fs::write(&key, recipient.trim()).unwrap();
    let intake = home.path().join("intake.age");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["take", "--answers", answers], ""),
        (
            vec!["take", "--plain", "--questionnaires", interview, "checkin"],
            "1\n\n\n\ny\n",
        ),
        (
            vec![
                "take",
                "--no-save",
                "--answers",
                answers,
                "--recipients-file",
                key.to_str().unwrap(),
                "--out",
                intake.to_str().unwrap(),
            ],
            "",
        ),
        (vec!["history"], ""),
        (vec!["show"], ""),
        (
            vec!["report", intake.to_str().unwrap(), "--format", "csv"],
            "",
        ),
        (
            vec![
                "validate",
                answers
                    .replace("profiles/unsafe-communication.json", "valid/five-item.json")
                    .leak(),
            ],
            "",
        ),
        (vec!["list"], ""),
    ];
    for (args, stdin) in cases {
        let calls = network_calls(home.path(), &args, stdin);
        assert!(calls.is_empty(), "{args:?} made network calls: {calls:?}");
    }
}
