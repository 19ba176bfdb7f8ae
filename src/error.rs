//! The one error type that reaches `main`: a message, an optional hint, and the exit code
//! of the README (0 success, 1 failure, 2 usage or invalid input, 3 cannot decrypt, 4 damaged
//! or unsupported file, 130 cancelled).

use std::fmt;

/// What went wrong, as far as the exit code is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Exit 1: I/O, disk full, anything not listed below.
    Failure,
    /// Exit 2: bad flags, invalid questionnaire or answers file.
    Usage,
    /// Exit 3: wrong passphrase, or no identity matches the file.
    Decrypt,
    /// Exit 4: damaged, truncated or unsupported file.
    Damaged,
    /// Exit 130: Ctrl-C, quit, or input ended early.
    Cancelled,
    /// Exit 130, said without `error:`: the person chose to stop (left the interview, or
    /// discarded the answers at the review).
    Stopped,
    /// Exit 0 without a message: the reader of our output went away (`confide list | head`).
    ClosedPipe,
}

impl Kind {
    pub(crate) fn exit_code(self) -> i32 {
        match self {
            Kind::Failure => 1,
            Kind::Usage => 2,
            Kind::Decrypt => 3,
            Kind::Damaged => 4,
            Kind::Cancelled | Kind::Stopped => 130,
            Kind::ClosedPipe => 0,
        }
    }
}

/// An error for the person at the terminal: a short lowercase message and, where it helps,
/// a hint naming the flag or file to change. Never holds answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub(crate) kind: Kind,
    pub message: String,
    pub(crate) hint: Option<String>,
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn failure(message: impl Into<String>) -> Self {
        Self::new(Kind::Failure, message)
    }

    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }

    pub(crate) fn decrypt(message: impl Into<String>) -> Self {
        Self::new(Kind::Decrypt, message)
    }

    pub(crate) fn damaged(message: impl Into<String>) -> Self {
        Self::new(Kind::Damaged, message)
    }

    pub(crate) fn cancelled(message: impl Into<String>) -> Self {
        Self::new(Kind::Cancelled, message)
    }

    pub(crate) fn stopped(message: impl Into<String>) -> Self {
        Self::new(Kind::Stopped, message)
    }

    pub(crate) fn closed_pipe() -> Self {
        Self::new(Kind::ClosedPipe, "")
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// An I/O error on a path, worded without Rust types.
    pub(crate) fn io(what: &str, path: &std::path::Path, err: &std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            return Self::closed_pipe();
        }
        Self::failure(format!("{what} {}: {}", path.display(), describe_io(err)))
    }

    pub(crate) fn exit_code(&self) -> i32 {
        self.kind.exit_code()
    }
}

/// An I/O error in plain words (without "(os error 2)").
pub(crate) fn describe_io(err: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match err.kind() {
        K::NotFound => "no such file or folder".into(),
        K::PermissionDenied => "permission denied".into(),
        K::AlreadyExists => "it already exists".into(),
        K::StorageFull => "the disk is full".into(),
        K::ReadOnlyFilesystem => "the file system is read-only".into(),
        K::IsADirectory => "it is a folder, not a file".into(),
        K::NotADirectory => "a part of the path is a file, not a folder".into(),
        _ => {
            let s = err.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_lowercase(),
                None => s.to_lowercase(),
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
