//! The one error type that reaches `main`: a message, an optional hint, and the exit code
//! of the README (0 success, 1 failure, 2 usage or invalid input, 3 cannot decrypt, 4 damaged
//! or unsupported file, 130 cancelled).

use std::fmt;

/// What went wrong, as far as the exit code is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
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
    pub fn exit_code(self) -> i32 {
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
    pub kind: Kind,
    pub message: String,
    pub hint: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
        }
    }

    pub fn failure(message: impl Into<String>) -> Self {
        Self::new(Kind::Failure, message)
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }

    pub fn decrypt(message: impl Into<String>) -> Self {
        Self::new(Kind::Decrypt, message)
    }

    pub fn damaged(message: impl Into<String>) -> Self {
        Self::new(Kind::Damaged, message)
    }

    pub fn cancelled(message: impl Into<String>) -> Self {
        Self::new(Kind::Cancelled, message)
    }

    pub fn stopped(message: impl Into<String>) -> Self {
        Self::new(Kind::Stopped, message)
    }

    pub fn closed_pipe() -> Self {
        Self::new(Kind::ClosedPipe, "")
    }

    /// A command that this version does not provide.
    pub fn not_available(command: &str) -> Self {
        Self::failure(format!("{command} is not available yet"))
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// An I/O error on a path, worded without Rust types.
    pub fn io(what: &str, path: &std::path::Path, err: &std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            return Self::closed_pipe();
        }
        Self::failure(format!("{what} {}: {}", path.display(), describe_io(err)))
    }

    pub fn exit_code(&self) -> i32 {
        self.kind.exit_code()
    }
}

/// An I/O error in plain words (without "(os error 2)").
pub fn describe_io(err: &std::io::Error) -> String {
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
