//! A problem found in an input file, with the place it was found.

use std::fmt;

/// Where a problem is: a JSON pointer into the document, or a line and column for syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Location {
    /// The whole file.
    File,
    /// A JSON pointer such as `/items/3/options`.
    Path(String),
    /// A position in the text (1-based).
    Position { line: usize, column: usize },
}

/// One thing wrong with an input, worded for the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub(crate) location: Location,
    pub(crate) message: String,
}

impl Problem {
    pub(crate) fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        let path = path.into();
        Problem {
            location: if path.is_empty() {
                Location::Path("/".into())
            } else {
                Location::Path(path)
            },
            message: message.into(),
        }
    }

    pub(crate) fn file(message: impl Into<String>) -> Self {
        Problem {
            location: Location::File,
            message: message.into(),
        }
    }

    pub(crate) fn position(line: usize, column: usize, message: impl Into<String>) -> Self {
        Problem {
            location: Location::Position { line, column },
            message: message.into(),
        }
    }

    pub(crate) fn path(&self) -> Option<&str> {
        match &self.location {
            Location::Path(p) => Some(p),
            _ => None,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Location::File => write!(f, "{}", self.message),
            Location::Path(p) => write!(f, "{p}: {}", self.message),
            Location::Position { line, column } => {
                write!(f, "line {line}, column {column}: {}", self.message)
            }
        }
    }
}

/// Longest key shown in a path; longer ones (never a valid id) are cut, so that a hostile
/// key cannot turn one problem into a megabyte of output.
pub(crate) const MAX_PATH_KEY_CHARS: usize = 64;

/// Appends a key to a JSON pointer, escaping `~` and `/` as RFC 6901 asks.
pub(crate) fn join(base: &str, key: impl fmt::Display) -> String {
    let key = key.to_string();
    let key = super::validate::truncate(&key, MAX_PATH_KEY_CHARS);
    let key = key.replace('~', "~0").replace('/', "~1");
    format!("{base}/{key}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_escaped_in_a_path() {
        assert_eq!(join("/a", "b/c~d"), "/a/b~1c~0d");
    }

    #[test]
    fn a_key_longer_than_any_id_is_cut_in_a_path() {
        let path = join("/answers", "q".repeat(100_000));
        assert_eq!(
            path.chars().count(),
            "/answers/".len() + MAX_PATH_KEY_CHARS + 1
        );
        assert!(path.ends_with('…'));
        assert_eq!(join("/x", "a".repeat(64)), format!("/x/{}", "a".repeat(64)));
    }
}
