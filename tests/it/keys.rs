//! Nobody's key is swapped in silently: `recipient.txt` holds exactly one recipient and is
//! checked against the key whenever the key is opened; sessions encrypted to another key
//! are named as such; `keys recipient` prints a fingerprint and says whether it checked.

use std::fs;

use crate::common::{Home, profile, stderr, stdout};

const PASS: &str = "a passphrase for the key tests";

/// `confide` with the passphrase in the environment.
fn confide(home: &Home) -> assert_cmd::Command {
    let mut c = home.cmd();
    c.env("CONFIDE_PASSPHRASE", PASS);
    c
}

/// `take` from an answers file, saved in the vault.
fn take(home: &Home) -> std::process::Output {
    home.cmd()
        .args(["take", "--answers"])
        .arg(profile("no-activity"))
        .output()
        .unwrap()
}

fn sessions(home: &Home) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(home.data().join("sessions"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".age"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A second key, made elsewhere: its recipient.
fn another_key() -> String {
    let other = Home::new();
    other.fast_key("someone else")
}

fn recipient_file(home: &Home) -> std::path::PathBuf {
    home.data().join("recipient.txt")
}

#[test]
fn recipient_txt_must_hold_exactly_one_x25519_recipient_before_anything_is_saved() {
    let home = Home::new();
    let mine = home.fast_key(PASS);
    let theirs = another_key();
    let secret = "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ";
    for (content, why) in [
        (
            format!("{mine}\n{theirs}\n"),
            "holds a second recipient on line 2",
        ),
        (
            format!("# mine\n{mine}\n\n# added\n{theirs}\n"),
            "holds a second recipient on line 5",
        ),
        (
            format!("{mine}\n{mine}\n"),
            "holds a second recipient on line 2",
        ),
        (
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN\n"
                .to_owned(),
            "has an SSH key on line 1",
        ),
        (
            "age1yubikey1qwt50d05nh5vutpdzmlg5wn80xq5negm4uj9ghv0snvdd3yysf5yw3rhl3t\n".to_owned(),
            "has a recipient for an age plugin on line 1",
        ),
        (format!("{secret}\n"), "has a secret key on line 1"),
        (
            "not a key at all\n".to_owned(),
            "has something other than an age recipient on line 1",
        ),
        ("# only a comment\n\n".to_owned(), "holds no recipient"),
    ] {
        fs::write(recipient_file(&home), &content).unwrap();
        let out = take(&home);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(4), "{content}: {err}");
        assert!(
            err.contains(&format!(
                "{} {why}; it must hold exactly one age recipient",
                recipient_file(&home).display()
            )),
            "{content}: {err}"
        );
        assert!(err.contains("confide keys recipient --restore"), "{err}");
        assert!(!err.contains("QQQQQQ"), "a line is never quoted: {err}");
        assert!(sessions(&home).is_empty(), "nothing saved for {content}");
        assert_eq!(stdout(&out), "", "refused before the summary: {content}");
    }
    // Comments and blank lines around the one recipient are fine.
    fs::write(
        recipient_file(&home),
        format!("# created by confide\n\n{mine}\n\n"),
    )
    .unwrap();
    let out = take(&home);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(sessions(&home).len(), 1);
}

#[test]
fn a_swapped_recipient_stops_every_command_that_opens_the_key_and_restore_fixes_it() {
    let home = Home::new();
    let mine = home.fast_key(PASS);
    assert_eq!(take(&home).status.code(), Some(0));
    let before = sessions(&home);
    // Someone who can write to the data folder swaps in their key; saving needs no
    // passphrase, so the next session goes to them.
    let theirs = another_key();
    fs::write(recipient_file(&home), format!("{theirs}\n")).unwrap();
    assert_eq!(take(&home).status.code(), Some(0));
    assert_eq!(sessions(&home).len(), 2);

    let expected = format!(
        "recipient.txt in {} does not belong to your key: sessions saved since it changed were encrypted to someone else's key",
        home.data().display()
    );
    let intake = home.path().join("intake.age");
    let out = home
        .cmd()
        .args(["take", "--no-save", "--answers"])
        .arg(profile("no-activity"))
        .args(["--to", &mine, "--out"])
        .arg(&intake)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for args in [
        vec!["history"],
        vec!["history", "--format", "json"],
        vec!["show"],
        vec!["report", intake.to_str().unwrap()],
        vec!["keys", "recipient"],
        vec!["keys", "recipient", "--verify"],
        vec!["keys", "passwd"],
    ] {
        let out = confide(&home).args(&args).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(4), "{args:?}: {err}");
        assert!(
            err.starts_with(&format!("confide: error: {expected}\n")),
            "{args:?}: {err}"
        );
        assert!(err.contains("confide keys recipient --restore"), "{err}");
        assert_eq!(
            stdout(&out),
            "",
            "{args:?}: nothing shown, not even their key"
        );
    }
    assert_eq!(
        fs::read_to_string(recipient_file(&home)).unwrap(),
        format!("{theirs}\n"),
        "left as it is without a terminal to ask"
    );

    // Restoring needs the key.
    let out = home
        .cmd()
        .args(["keys", "recipient", "--restore"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = confide(&home)
        .args(["keys", "recipient", "--restore"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{mine}\n"));
    assert!(stderr(&out).contains("Restored"), "{}", stderr(&out));
    assert_eq!(
        fs::read_to_string(recipient_file(&home)).unwrap(),
        format!("{mine}\n")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(recipient_file(&home))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // The session saved to the other key is named as such, not as damaged: exit 3.
    let out = confide(&home).arg("history").output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    let second = &sessions(&home)
        .into_iter()
        .find(|s| !before.contains(s))
        .unwrap();
    assert!(
        err.contains(&format!("{second} is encrypted to another key, not yours")),
        "{err}"
    );
    assert!(
        err.contains("1 saved session is encrypted to another key, not yours"),
        "{err}"
    );
    assert!(!err.contains("damaged"), "{err}");
    assert!(stdout(&out).starts_with("1 saved session, oldest first"));
    let out = confide(&home)
        .args(["show", second.trim_end_matches(".age")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("is encrypted to another key, not yours"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("recipient.txt held someone else's key"));
}

#[test]
fn keys_recipient_prints_the_fingerprint_and_whether_it_was_verified() {
    let home = Home::new();
    let mine = home.fast_key(PASS);
    let fp = fingerprint_by_python(&mine);

    let out = home.cmd().args(["keys", "recipient"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("{mine}\n"),
        "stdout is the recipient alone"
    );
    let err = stderr(&out);
    if let Some(fp) = &fp {
        assert!(err.contains(&format!("Fingerprint: {fp}\n")), "{err}");
    }
    assert!(
        err.contains("Not verified against your key; run `confide keys recipient --verify`"),
        "{err}"
    );

    let out = confide(&home).args(["keys", "recipient"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{mine}\n"));
    assert!(
        stderr(&out).contains("Verified: recipient.txt belongs to your key."),
        "{}",
        stderr(&out)
    );

    // Without a passphrase source, --verify cannot open the key: it says so (exit 2).
    let out = home
        .cmd()
        .args(["keys", "recipient", "--verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");

    // A folder with only recipient.txt cannot be checked.
    fs::remove_file(home.data().join("identity.age")).unwrap();
    let out = home.cmd().args(["keys", "recipient"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("Not verified: there is no key"));
}

#[test]
fn a_plain_key_file_is_verified_without_a_passphrase() {
    let home = Home::new();
    fs::create_dir_all(home.data()).unwrap();
    let key = age::x25519::Identity::generate();
    let mine = key.to_public().to_string();
    {
        use age::secrecy::ExposeSecret;
        fs::write(
            home.data().join("identity.age"),
            format!("{}\n", key.to_string().expose_secret()),
        )
        .unwrap();
    }
    fs::write(recipient_file(&home), format!("{mine}\n")).unwrap();
    let out = home.cmd().args(["keys", "recipient"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("Verified"), "{}", stderr(&out));
    fs::write(recipient_file(&home), format!("{}\n", another_key())).unwrap();
    let out = home.cmd().args(["keys", "recipient"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

/// The fingerprint of a recipient computed by Python's hashlib (independent of confide), or
/// `None` (and a note) where Python is not installed.
pub fn fingerprint_by_python(recipient: &str) -> Option<String> {
    fingerprints_by_python(&[recipient]).map(|mut v| v.remove(0))
}

/// The fingerprints of `recipients` worked out by Python's hashlib, in one process.
pub fn fingerprints_by_python(recipients: &[&str]) -> Option<Vec<String>> {
    let script = r#"
import hashlib, sys
alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
for r in sys.argv[1:]:
    n = int.from_bytes(hashlib.sha256(r.encode("utf-8")).digest()[:10], "big")
    s = "".join(alphabet[(n >> (75 - 5 * i)) & 31] for i in range(16))
    print("-".join(s[i:i + 4] for i in range(0, 16, 4)))
"#;
    match std::process::Command::new("python3")
        .args(["-c", script])
        .args(recipients)
        .output()
    {
        Ok(out) if out.status.success() => Some(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::to_owned)
                .collect(),
        ),
        _ => {
            assert!(
                std::env::var("CI").map_or(true, |v| v != "true"),
                "python3 is required in CI"
            );
            eprintln!("skipped: python3 is not installed");
            None
        }
    }
}

#[test]
fn the_fingerprint_matches_an_independent_computation_and_the_documented_vector() {
    // The vector of docs/therapist-formats.md.
    let example = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
    assert_eq!(
        confide::store::fingerprint::fingerprint(example),
        "SXZ5-D0HH-6586-GPZH"
    );
    let doc = fs::read_to_string(crate::common::root().join("docs/therapist-formats.md")).unwrap();
    assert!(doc.contains(example) && doc.contains("SXZ5-D0HH-6586-GPZH"));
    let mut keys: Vec<String> = (0..20)
        .map(|_| age::x25519::Identity::generate().to_public().to_string())
        .collect();
    keys.push(example.to_owned());
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let Some(theirs) = fingerprints_by_python(&refs) else {
        return;
    };
    assert_eq!(theirs.len(), keys.len());
    for (r, t) in keys.iter().zip(&theirs) {
        assert_eq!(&confide::store::fingerprint::fingerprint(r), t, "{r}");
    }
    assert_eq!(theirs[20], "SXZ5-D0HH-6586-GPZH");
}

/// In a terminal, confide offers to write recipient.txt again from the key.
#[test]
fn in_a_terminal_a_swapped_recipient_can_be_restored_on_confirmation() {
    use rexpect::process::WaitStatus;
    let home = Home::new();
    let mine = home.fast_key(PASS);
    assert_eq!(take(&home).status.code(), Some(0));
    let theirs = another_key();
    for (reply, code) in [("n", 4), ("y", 0)] {
        fs::write(recipient_file(&home), format!("{theirs}\n")).unwrap();
        let mut cmd = home.cmd_std();
        cmd.arg("history")
            .env("CONFIDE_PASSPHRASE", PASS)
            .env("TERM", "dumb");
        let mut p = rexpect::session::spawn_command(cmd, Some(30_000)).unwrap();
        let before = p.exp_string("again from your key").unwrap();
        assert!(
            before.contains("does not belong to your key: sessions saved since it changed"),
            "{before}"
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
        p.send_line(reply).unwrap();
        let rest = p.exp_eof().unwrap_or_default();
        let exit = match p.process().wait() {
            Ok(WaitStatus::Exited(_, c)) => c,
            other => panic!("{other:?}"),
        };
        assert_eq!(exit, code, "{reply}: {rest}");
        let now = fs::read_to_string(recipient_file(&home)).unwrap();
        if reply == "y" {
            assert_eq!(now, format!("{mine}\n"));
            assert!(rest.contains("Restored"), "{rest}");
            assert!(
                rest.contains("1 saved session"),
                "the command goes on: {rest}"
            );
        } else {
            assert_eq!(now, format!("{theirs}\n"), "left as it is");
            assert!(!rest.contains("saved session,"), "{rest}");
        }
    }
}
