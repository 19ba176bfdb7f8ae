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
//! `--passphrase-file`. A passphrase is never read from the command line. Passphrases live
//! in `SecretString`s and zeroizing buffers, and are never printed.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use age::secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The environment variable holding a passphrase, for automation.
pub const PASSPHRASE_ENV: &str = "CONFIDE_PASSPHRASE";

/// Longest passphrase file read.
const MAX_PASSPHRASE_FILE: u64 = 64 * 1024;

/// Attempts at typing a matching new passphrase before giving up.
const NEW_ATTEMPTS: usize = 3;

/// Where passphrases come from for one command.
#[derive(Debug, Clone)]
pub struct Passphrases {
    file: Option<PathBuf>,
}

/// The source that will be used, as far as can be told without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Env,
    Terminal,
    /// No file, no variable and no terminal.
    Unavailable,
}

impl Passphrases {
    /// `file` is `--passphrase-file` (clap already merged `CONFIDE_PASSPHRASE_FILE` into it).
    pub fn new(file: Option<PathBuf>) -> Passphrases {
        Passphrases { file }
    }

    pub fn source(&self) -> Source {
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

    /// Succeeds when a passphrase can be obtained; else the usage error `ask` would give.
    /// `purpose` completes "a passphrase is needed to ...".
    pub fn check_available(&self, purpose: &str) -> Result<()> {
        match self.source() {
            Source::Unavailable => Err(unavailable(purpose)),
            _ => Ok(()),
        }
    }

    /// Like `check_available`, and a file or variable is also read now, so a missing or
    /// empty one is reported before any question is asked rather than after.
    pub fn check_readable(&self, purpose: &str) -> Result<()> {
        match self.source() {
            Source::File(f) => from_file(&f).map(drop),
            Source::Env => from_env().map(drop),
            Source::Terminal => Ok(()),
            Source::Unavailable => Err(unavailable(purpose)),
        }
    }

    /// The passphrase of an existing key. `prompt` is shown on the terminal.
    pub fn existing(&self, prompt: &str, purpose: &str) -> Result<SecretString> {
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
    pub fn new_passphrase(&self, purpose: &str) -> Result<SecretString> {
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
pub fn new_on_terminal() -> Result<SecretString> {
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
pub fn terminal_available() -> bool {
    console::Term::stderr().is_term()
        && (std::io::stdin().is_terminal() || std::fs::File::open("/dev/tty").is_ok())
}

fn read_hidden(prompt: &str) -> Result<SecretString> {
    let term = console::Term::stderr();
    term.write_str(prompt)
        .and_then(|()| term.read_secure_line())
        .map(SecretString::from)
        .map_err(|e| {
            Error::failure(format!(
                "cannot read the passphrase from the terminal: {}",
                crate::error::describe_io(&e)
            ))
        })
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
    let value = std::env::var_os(PASSPHRASE_ENV).unwrap_or_default();
    let value = value
        .into_string()
        .map_err(|_| Error::usage(format!("{PASSPHRASE_ENV} is not valid text")))?;
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
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut buf = Zeroizing::new(Vec::new());
    file.take(MAX_PASSPHRASE_FILE)
        .read_to_end(&mut buf)
        .map_err(unreadable)?;
    first_line(&buf).ok_or_else(|| {
        Error::usage(format!(
            "passphrase file {} is empty or not text",
            path.display()
        ))
        .with_hint("put the passphrase on the first line of the file")
    })
}

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
    Some(SecretString::from(text.to_owned()))
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
