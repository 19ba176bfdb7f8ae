//! Passphrase input. Sources, first match wins:
//!
//! 1. `--passphrase-file FILE` or `CONFIDE_PASSPHRASE_FILE`: the first line of the file,
//!    without its line ending;
//! 2. `CONFIDE_PASSPHRASE`: the variable's value (automation only: other processes of the
//!    same user can read it from `/proc/<pid>/environ`, and it tends to end up in shell
//!    history);
//! 3. a prompt on the terminal, without echo (a new passphrase is asked twice).
//!
//! Without any of them, asking is a usage error (exit 2) whose hint names
//! `--passphrase-file`. A passphrase is never read from the command line, and never printed.
//!
//! A passphrase lives in zeroizing memory from the first byte read to the last use: a typed
//! line and a passphrase file are read, without any buffering on the way, into one buffer
//! allocated once at its full size (so it never grows and leaves no copy in freed memory)
//! and wiped when dropped ([`LineBuffer`]); the passphrase is copied from it once, into an
//! allocation of its exact size, to become the `SecretString` that the age crate takes, which
//! is wiped when dropped too. On a terminal, confide turns echo off itself and reads the
//! terminal's file descriptor directly: neither the standard input's buffer (which would
//! keep the line, newline included, until exit) nor a growing `String` sees it.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use age::secrecy::{ExposeSecret, SecretString};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};

/// The environment variable holding a passphrase, for automation.
const PASSPHRASE_ENV: &str = "CONFIDE_PASSPHRASE";

/// Longest passphrase file read, and the size of every passphrase line buffer.
const MAX_PASSPHRASE_FILE: usize = 64 * 1024;

/// What a passphrase is read into: allocated once at its full size, never grown, and wiped
/// (its whole capacity) when dropped.
type LineBuffer = Zeroizing<Vec<u8>>;

/// Attempts at typing a matching new passphrase before giving up.
const NEW_ATTEMPTS: usize = 3;

/// Where passphrases come from for one command.
#[derive(Debug, Clone)]
pub(crate) struct Passphrases {
    file: Option<PathBuf>,
}

/// The source that will be used, as far as can be told without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    File(PathBuf),
    Env,
    Terminal,
    /// No file, no variable and no terminal.
    Unavailable,
}

impl Passphrases {
    /// `file` is `--passphrase-file` (clap already merged `CONFIDE_PASSPHRASE_FILE` into it).
    pub(crate) fn new(file: Option<PathBuf>) -> Passphrases {
        Passphrases { file }
    }

    pub(crate) fn source(&self) -> Source {
        if let Some(f) = &self.file {
            Source::File(f.clone())
        } else if std::env::var_os(PASSPHRASE_ENV).is_some() {
            Source::Env
        } else if terminal_available() {
            Source::Terminal
        } else {
            Source::Unavailable
        }
    }

    /// Succeeds when a passphrase can be obtained, else the usage error `ask` would give
    /// (`purpose` completes "a passphrase is needed to ..."). A file or variable is read
    /// now, so a missing or empty one is reported before any question is asked rather than
    /// after.
    pub(crate) fn check_readable(&self, purpose: &str) -> Result<()> {
        match self.source() {
            Source::File(f) => from_file(&f).map(drop),
            Source::Env => from_env().map(drop),
            Source::Terminal => Ok(()),
            Source::Unavailable => Err(unavailable(purpose)),
        }
    }

    /// The passphrase of an existing key. `prompt` is shown on the terminal.
    pub(crate) fn existing(&self, prompt: &str, purpose: &str) -> Result<SecretString> {
        match self.source() {
            Source::File(f) => from_file(&f),
            Source::Env => from_env(),
            Source::Terminal => {
                let p = read_hidden(prompt)?;
                if p.expose_secret().is_empty() {
                    return Err(Error::cancelled("no passphrase was given"));
                }
                Ok(p)
            }
            Source::Unavailable => Err(unavailable(purpose)),
        }
    }

    /// A new passphrase: from the file or variable as is, or typed twice on the terminal.
    /// An empty passphrase is refused.
    pub(crate) fn new_passphrase(&self, purpose: &str) -> Result<SecretString> {
        match self.source() {
            Source::File(f) => from_file(&f),
            Source::Env => from_env(),
            Source::Terminal => new_on_terminal(),
            Source::Unavailable => Err(unavailable(purpose)),
        }
    }
}

/// A new passphrase typed twice on the terminal, whatever the other sources say (for
/// `keys passwd`, where the file or variable holds the old one).
pub(crate) fn new_on_terminal() -> Result<SecretString> {
    if !terminal_available() {
        return Err(Error::usage("a new passphrase must be typed on a terminal")
            .with_hint("run this command in a terminal"));
    }
    for attempt in 1..=NEW_ATTEMPTS {
        let first = read_hidden("New passphrase: ")?;
        if first.expose_secret().is_empty() {
            crate::term::eprintln("The passphrase cannot be empty.");
            continue;
        }
        let second = read_hidden("Type it again: ")?;
        if first.expose_secret() == second.expose_secret() {
            return Ok(first);
        }
        if attempt < NEW_ATTEMPTS {
            crate::term::eprintln("The two passphrases differ; please try again.");
        }
    }
    Err(Error::usage("the passphrases did not match")
        .with_hint("try again, typing the same passphrase twice"))
}

/// Whether a prompt can be shown and answered: stderr shows it, and stdin or `/dev/tty`
/// gives the answer.
fn terminal_available() -> bool {
    console::Term::stderr().is_term()
        && (std::io::stdin().is_terminal() || std::fs::File::open("/dev/tty").is_ok())
}

fn read_hidden(prompt: &str) -> Result<SecretString> {
    let failed = |e: std::io::Error| {
        Error::failure(format!(
            "cannot read the passphrase from the terminal: {}",
            crate::error::describe_io(&e)
        ))
    };
    let term = console::Term::stderr();
    term.write_str(prompt).map_err(failed)?;
    let line = hidden_line().map_err(failed)?;
    // Echo was off, so the Enter that ended the line did not move to the next one.
    term.write_line("").map_err(failed)?;
    match first_line(&line) {
        Some(secret) => Ok(secret),
        None if line.iter().all(|b| matches!(b, b'\r' | b'\n')) => {
            Ok(SecretString::from(String::new()))
        }
        None => Err(Error::failure(
            "cannot read the passphrase from the terminal: it is not valid text",
        )),
    }
}

/// One line typed on the terminal with echo off, read straight from the terminal's file
/// descriptor into a [`LineBuffer`] (the line ending included; [`first_line`] drops it).
#[cfg(unix)]
fn hidden_line() -> std::io::Result<LineBuffer> {
    use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
    use std::os::fd::AsFd;
    let stdin = std::io::stdin();
    let tty = if stdin.is_terminal() {
        None
    } else {
        Some(
            std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open("/dev/tty")?,
        )
    };
    let fd = match &tty {
        Some(f) => f.as_fd(),
        None => stdin.as_fd(),
    };
    let original = tcgetattr(fd)?;
    let mut quiet = original.clone();
    // Canonical mode stays on: the terminal edits the line and hands it over on Enter.
    quiet.local_modes.remove(LocalModes::ECHO);
    // Flush: what was typed before the prompt is discarded, as a password prompt should.
    tcsetattr(fd, OptionalActions::Flush, &quiet)?;
    let line = read_zeroizing(
        |buf| rustix::io::read(fd, buf).map_err(std::io::Error::from),
        MAX_PASSPHRASE_FILE,
        true,
    );
    let restored = tcsetattr(fd, OptionalActions::Flush, &original);
    let line = line?;
    restored?;
    Ok(line)
}

/// Elsewhere the console crate reads the line with echo off; its buffers are not wiped.
#[cfg(not(unix))]
fn hidden_line() -> std::io::Result<LineBuffer> {
    let typed = console::Term::stderr().read_secure_line()?;
    let mut line = Zeroizing::new(Vec::with_capacity(typed.len()));
    line.extend_from_slice(typed.as_bytes());
    let mut typed = typed;
    typed.zeroize();
    Ok(line)
}

/// Reads with `read` into one [`LineBuffer`] of `capacity` bytes until the end, until the
/// buffer is full, or (with `stop_at_newline`) until a read brings a newline. The buffer is
/// allocated once and never grows, so no partial copy is left behind by a reallocation.
fn read_zeroizing(
    mut read: impl FnMut(&mut [u8]) -> std::io::Result<usize>,
    capacity: usize,
    stop_at_newline: bool,
) -> std::io::Result<LineBuffer> {
    let mut buf: LineBuffer = Zeroizing::new(vec![0u8; capacity]);
    let mut len = 0;
    while len < capacity {
        match read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => {
                let newline = stop_at_newline && buf[len..len + n].contains(&b'\n');
                len += n;
                if newline {
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    // The bytes after `len` are zeros; dropping the buffer wipes its whole capacity.
    buf.truncate(len);
    Ok(buf)
}

fn unavailable(purpose: &str) -> Error {
    Error::usage(format!(
        "a passphrase is needed to {purpose}, and there is no terminal to ask for it"
    ))
    .with_hint(format!(
        "pass --passphrase-file FILE (or set CONFIDE_PASSPHRASE_FILE), or set {PASSPHRASE_ENV}"
    ))
}

fn from_env() -> Result<SecretString> {
    // A copy of exactly the value's size, handed whole to the `SecretString` (no growth).
    let value = std::env::var_os(PASSPHRASE_ENV).unwrap_or_default();
    let value = value.into_string().map_err(|bad| {
        bad.into_encoded_bytes().zeroize();
        Error::usage(format!("{PASSPHRASE_ENV} is not valid text"))
    })?;
    let value = SecretString::from(value);
    if value.expose_secret().is_empty() {
        return Err(
            Error::usage(format!("{PASSPHRASE_ENV} is empty")).with_hint(format!(
                "set {PASSPHRASE_ENV} to your passphrase, or unset it"
            )),
        );
    }
    Ok(value)
}

/// The first line of a passphrase file, without its line ending.
fn from_file(path: &Path) -> Result<SecretString> {
    // A passphrase file that cannot be read is a bad option value: exit 2.
    let unreadable = |e: std::io::Error| {
        Error::usage(format!(
            "cannot read passphrase file {}: {}",
            path.display(),
            crate::error::describe_io(&e)
        ))
        .with_hint("check --passphrase-file (or CONFIDE_PASSPHRASE_FILE)")
    };
    let mut file = std::fs::File::open(path).map_err(unreadable)?;
    // Straight from the file into one buffer of the largest size read: `read_to_end` would
    // grow a vector by reallocating, leaving copies of the passphrase in freed memory.
    let buf = read_zeroizing(|b| file.read(b), MAX_PASSPHRASE_FILE, false).map_err(unreadable)?;
    first_line(&buf).ok_or_else(|| {
        Error::usage(format!(
            "passphrase file {} is empty or not text",
            path.display()
        ))
        .with_hint("put the passphrase on the first line of the file")
    })
}

/// The first line of `buf`, without its line ending, as a `SecretString`; `None` when it
/// is empty or not UTF-8. The one copy made is a `String` of exactly the line's length, so
/// turning it into the `SecretString`'s boxed `str` moves it without reallocating.
fn first_line(buf: &[u8]) -> Option<SecretString> {
    let end = buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len());
    let mut line = &buf[..end];
    if let Some(stripped) = line.strip_suffix(b"\r") {
        line = stripped;
    }
    let text = std::str::from_utf8(line).ok()?;
    if text.is_empty() {
        return None;
    }
    let mut exact = String::with_capacity(text.len());
    exact.push_str(text);
    debug_assert_eq!(exact.capacity(), exact.len());
    Some(SecretString::from(exact))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exposed(s: Option<SecretString>) -> Option<String> {
        s.map(|s| s.expose_secret().to_owned())
    }

    #[test]
    fn the_first_line_is_the_passphrase_without_its_line_ending() {
        assert_eq!(
            exposed(first_line(b"pass word\nsecond\n")).as_deref(),
            Some("pass word")
        );
        assert_eq!(exposed(first_line(b"crlf\r\n")).as_deref(), Some("crlf"));
        assert_eq!(
            exposed(first_line(b"no newline")).as_deref(),
            Some("no newline")
        );
        assert_eq!(
            exposed(first_line(b" spaces kept ")).as_deref(),
            Some(" spaces kept ")
        );
        assert!(first_line(b"\nafter an empty line").is_none());
        assert!(first_line(b"").is_none());
        assert!(first_line(b"\xff\xfe").is_none());
    }

    #[test]
    fn a_typed_line_is_read_into_one_zeroizing_buffer_that_never_grows() {
        // The terminal hands the line over in pieces; nothing after the newline is read.
        let mut pieces: Vec<&[u8]> = vec![b"hunter", b"2 pass\r\n", b"never read"];
        pieces.reverse();
        let mut reads = 0;
        let line: LineBuffer = read_zeroizing(
            |buf| {
                reads += 1;
                let p = pieces.pop().unwrap_or_default();
                buf[..p.len()].copy_from_slice(p);
                Ok(p.len())
            },
            MAX_PASSPHRASE_FILE,
            true,
        )
        .unwrap();
        assert_eq!(reads, 2);
        assert_eq!(&line[..], b"hunter2 pass\r\n");
        // Allocated once at full size: a reallocation would have changed the capacity.
        assert_eq!(line.capacity(), MAX_PASSPHRASE_FILE);
        let secret: SecretString = first_line(&line).unwrap();
        assert_eq!(secret.expose_secret(), "hunter2 pass");

        // A file's bytes: read to the end or to the size of the buffer, whichever is first.
        let mut file: &[u8] = &[b'x'; 100];
        let all = read_zeroizing(|b| file.read(b), 64, false).unwrap();
        assert_eq!((all.len(), all.capacity()), (64, 64));
    }

    #[test]
    fn every_passphrase_source_gives_a_secret_string() {
        // The types are the contract: what is read is a `SecretString`, wiped when dropped.
        let _: fn(&str) -> Result<SecretString> = read_hidden;
        let _: fn(&Path) -> Result<SecretString> = from_file;
        let _: fn() -> Result<SecretString> = from_env;
        let _: fn() -> std::io::Result<LineBuffer> = hidden_line;
        let _: fn(&[u8]) -> Option<SecretString> = first_line;
    }

    #[test]
    fn a_passphrase_file_is_read_and_errors_do_not_quote_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pass");
        std::fs::write(&p, "hunter2 hunter2\n").unwrap();
        let got = Passphrases::new(Some(p.clone()))
            .existing("x", "read")
            .unwrap();
        assert_eq!(got.expose_secret(), "hunter2 hunter2");
        std::fs::write(&p, "\n").unwrap();
        let e = Passphrases::new(Some(p))
            .new_passphrase("create a key")
            .unwrap_err();
        assert_eq!(e.kind, crate::error::Kind::Usage);
        assert!(e.message.contains("is empty or not text"), "{}", e.message);
        let missing = dir.path().join("missing");
        let e = Passphrases::new(Some(missing))
            .existing("x", "read")
            .unwrap_err();
        assert!(
            e.message.starts_with("cannot read passphrase file"),
            "{}",
            e.message
        );
    }
}
