//! Shared helpers for the command-line tests: a `confide` command isolated from the real
//! home, config and data folders.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A private home for one test: config, data and temp folders inside a temp dir.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn config(&self) -> PathBuf {
        self.path().join("config/confide")
    }

    pub fn data(&self) -> PathBuf {
        self.path().join("data/confide")
    }

    /// `confide` with this home and no inherited confide settings.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("confide").expect("confide binary");
        for var in [
            "CONFIDE_DATA_DIR",
            "CONFIDE_PASSPHRASE",
            "CONFIDE_PASSPHRASE_FILE",
            "CONFIDE_LANG",
            "CONFIDE_COUNTRY",
            "LC_ALL",
            "LC_MESSAGES",
            "NO_COLOR",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", self.path())
            .env("XDG_CONFIG_HOME", self.path().join("config"))
            .env("XDG_DATA_HOME", self.path().join("data"))
            .env("TMPDIR", self.path().join("tmp"))
            .env("LANG", "en_US.UTF-8");
        std::fs::create_dir_all(self.path().join("tmp")).expect("tmp");
        cmd
    }
}

/// `confide` as a plain `std::process::Command` for a home folder (for spawning, killing,
/// or driving through a pseudo-terminal).
pub fn std_cmd_at(home: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("confide"));
    for var in [
        "CONFIDE_DATA_DIR",
        "CONFIDE_PASSPHRASE",
        "CONFIDE_PASSPHRASE_FILE",
        "CONFIDE_LANG",
        "CONFIDE_COUNTRY",
        "LC_ALL",
        "LC_MESSAGES",
        "NO_COLOR",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("TMPDIR", home.join("tmp"))
        .env("LANG", "en_US.UTF-8");
    let _ = std::fs::create_dir_all(home.join("tmp"));
    cmd
}

impl Home {
    pub fn cmd_std(&self) -> std::process::Command {
        std_cmd_at(self.path())
    }
}

/// Standard output of a finished command as text.
pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The repository root (where Cargo.toml is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// An answers file of tests/fixtures/profiles, by name (`unsafe-communication`).
pub fn profile(name: &str) -> PathBuf {
    root().join(format!("tests/fixtures/profiles/{name}.json"))
}

/// The support services of a text summary: from "Support you can reach now" up to the
/// title of the first questionnaire (the line above a line of dashes).
pub fn support_section(summary: &str) -> String {
    let start = summary
        .find("Support you can reach now")
        .unwrap_or_else(|| panic!("no support services in:\n{summary}"));
    let lines: Vec<&str> = summary[start..].lines().collect();
    let end = (1..lines.len())
        .find(|&i| lines[i].starts_with("---"))
        .map_or(lines.len(), |i| i - 1);
    lines[..end].join("\n")
}

/// Whether the reference Go `age` CLI is installed. Locally a test without it prints why it
/// skips; in CI (`CI=true`) it must be there, so a missing `age` fails the test.
pub fn have_age() -> bool {
    let ok = ["age", "age-keygen"].iter().all(|tool| {
        std::process::Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if !ok {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "the reference `age` CLI is required in CI (.ci/run installs the Debian package `age`)"
        );
        eprintln!("skipped: the reference `age` CLI (Debian package `age`) is not installed");
    }
    ok
}

/// Makes a key with `age-keygen` in `dir`; returns (key file, recipient).
pub fn age_keygen(dir: &Path, name: &str) -> (PathBuf, String) {
    let key = dir.join(name);
    let out = std::process::Command::new("age-keygen")
        .arg("-o")
        .arg(&key)
        .output()
        .expect("age-keygen");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = std::process::Command::new("age-keygen")
        .arg("-y")
        .arg(&key)
        .output()
        .expect("age-keygen -y");
    (key, String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Every file under `dir` whose bytes contain `needle`.
pub fn files_containing(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p)
                && bytes.windows(needle.len()).any(|w| w == needle)
            {
                found.push(p);
            }
        }
    }
    found
}

/// The scrypt work factor (log2 N) of the keys made by [`fast_key`]. confide writes 18 and
/// reads any factor up to its cap; 10 costs about a millisecond instead of most of a second.
pub const FAST_WORK_FACTOR: u8 = 10;

/// Makes a vault key in `data` as `keys init` would (`identity.age` encrypted to `pass` with
/// age's scrypt, `recipient.txt` beside it, private modes), but with a low scrypt work
/// factor, using the age crate directly. For every test that is not about creating a key or
/// the strength of its passphrase. Returns the recipient.
pub fn fast_key(data: &Path, pass: &str) -> String {
    use age::secrecy::ExposeSecret;
    std::fs::create_dir_all(data).expect("data dir");
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let text = format!(
        "# created: 2026-01-01T00:00:00Z\n# public key: {recipient}\n{}\n",
        identity.to_string().expose_secret()
    );
    let mut scrypt = age::scrypt::Recipient::new(pass.to_owned().into());
    scrypt.set_work_factor(FAST_WORK_FACTOR);
    let ciphertext = age::encrypt(&scrypt, text.as_bytes()).expect("encrypt the key");
    std::fs::write(data.join("identity.age"), ciphertext).expect("identity.age");
    std::fs::write(data.join("recipient.txt"), format!("{recipient}\n")).expect("recipient");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let set = |p: &Path, mode: u32| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod")
        };
        set(data, 0o700);
        set(&data.join("identity.age"), 0o600);
        set(&data.join("recipient.txt"), 0o600);
    }
    recipient
}

impl Home {
    /// A key in this home's data folder, as [`fast_key`] makes it.
    pub fn fast_key(&self, pass: &str) -> String {
        fast_key(&self.data(), pass)
    }
}

/// Encrypts `plaintext` to the age recipient `recipient` (`age1...`), as anyone who knows
/// the public recipient can: a forged session or intake.
pub fn encrypt_to(recipient: &str, plaintext: &[u8]) -> Vec<u8> {
    let r: age::x25519::Recipient = recipient.parse().expect("an age recipient");
    age::encrypt(&r, plaintext).expect("encrypt")
}

/// Whether `strace` is installed. Locally a test without it prints why it skips; in CI
/// (`CI=true`) it must be there.
pub fn have_strace() -> bool {
    let ok = std::process::Command::new("strace")
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

/// `cmd` run under `strace`, which makes its `n`th `fsync` system call fail with EIO (and
/// only that one). Arguments and environment are carried over.
pub fn with_failing_fsync(cmd: &std::process::Command, n: usize) -> std::process::Command {
    let mut s = std::process::Command::new("strace");
    s.args(["-f", "-qq", "-o", "/dev/null", "-e", "trace=fsync", "-e"])
        .arg(format!("inject=fsync:error=EIO:when={n}"))
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => s.env(k, v),
            None => s.env_remove(k),
        };
    }
    s
}

/// Mounts a tmpfs (root only); `None` with the reason printed otherwise.
pub fn tmpfs(dir: &Path, options: &str) -> Option<Mount> {
    std::fs::create_dir_all(dir).unwrap();
    let out = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", options, "tmpfs"])
        .arg(dir)
        .output();
    match out {
        Ok(o) if o.status.success() => Some(Mount(dir.to_path_buf())),
        Ok(o) => {
            eprintln!(
                "skipped: cannot mount a tmpfs (needs root): {}",
                String::from_utf8_lossy(&o.stderr).trim()
            );
            None
        }
        Err(e) => {
            eprintln!("skipped: cannot run mount: {e}");
            None
        }
    }
}

/// A mounted tmpfs, unmounted when dropped.
pub struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).output();
    }
}

/// Sends keys to a terminal session, then gives the program a moment, so that a lone Esc is
/// read as Esc.
pub fn keys(p: &mut rexpect::session::PtySession, keys: &str) {
    p.send(keys).unwrap();
    p.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
}

/// Begins a new interview on a terminal: waits for the end of the welcome, then presses
/// Enter.
pub fn begin(p: &mut rexpect::session::PtySession) {
    p.exp_string("Press Enter to begin, or q to leave.")
        .unwrap();
    keys(p, "\r");
}

/// The exit code of a terminal session's program, once it has ended.
pub fn exit_code(p: &rexpect::session::PtySession) -> Option<i32> {
    match p.process().wait().unwrap() {
        rexpect::process::WaitStatus::Exited(_, code) => Some(code),
        _ => None,
    }
}

/// A session as `take --answers` records it: `file` scored with the questionnaires of
/// `catalog` that it answers.
pub fn record_answers(
    catalog: &confide::model::catalog::Catalog,
    file: &confide::model::answers_file::AnswersFile,
    id: &str,
    created: &str,
    reference: Option<String>,
) -> confide::model::response::Response {
    use confide::model::questionnaire::Questionnaire;
    use confide::scoring::{self, record};
    let qs: Vec<&Questionnaire> = catalog
        .entries
        .iter()
        .map(|e| e.q())
        .filter(|q| file.answers.contains_key(&q.id))
        .collect();
    let answers = scoring::answers::resolve(&qs, file).unwrap_or_else(|p| panic!("{p:?}"));
    let scored = scoring::score_session(&qs, &answers);
    let defs: Vec<(&Questionnaire, &str)> = qs
        .iter()
        .map(|q| (*q, catalog.get(&q.id).unwrap().loaded.sha256()))
        .collect();
    record::response(&defs, &scored, id.into(), created.into(), reference, "en")
}
