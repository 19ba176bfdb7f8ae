//! The one check of the `format` field that every file of confide carries, such as
//! `confide.answers/1`: a family and a version.
//!
//! Every reader checks the format first, before the shape of the file, so that a file of
//! another kind or of a newer version is named as such, in the same words for every format,
//! and is never half read.

use std::fmt;

use serde_json::Value;

use super::de::Found;
use super::problem::Problem;
use super::validate::truncate;

/// A file format: the `format` this version of confide writes and reads, and what a person
/// calls such a file ("an answers file").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Format {
    current: &'static str,
    what: &'static str,
}

impl Format {
    /// `current` is `family/version`, such as `confide.answers/1`.
    pub(crate) const fn new(current: &'static str, what: &'static str) -> Format {
        Format { current, what }
    }

    /// Checks the `format` of a whole document.
    pub(crate) fn check(self, document: &Value) -> Result<(), Mismatch> {
        let found = match document.as_object().map(|o| o.get("format")) {
            None => Finding::NotAnObject,
            Some(None) => Finding::Missing,
            Some(Some(Value::String(s))) if s == self.current => return Ok(()),
            Some(Some(Value::String(s))) if self.is_newer(s) => Finding::Newer(truncate(s, 40)),
            Some(Some(Value::String(s))) => Finding::Foreign(truncate(s, 40)),
            Some(Some(other)) => Finding::NotText(Found::of(other)),
        };
        Err(Mismatch {
            format: self,
            found,
        })
    }

    /// A mismatch for a `format` known to be this format at a newer version.
    pub(crate) fn newer(self, found: &str) -> Mismatch {
        Mismatch {
            format: self,
            found: Finding::Newer(truncate(found, 40)),
        }
    }

    /// The same family, with a higher version number.
    fn is_newer(self, found: &str) -> bool {
        let Some((family, version)) = self.current.rsplit_once('/') else {
            return false;
        };
        let current = version.parse::<u32>().unwrap_or(u32::MAX);
        found
            .strip_prefix(family)
            .and_then(|rest| rest.strip_prefix('/'))
            .and_then(|v| v.parse::<u32>().ok())
            .is_some_and(|v| v > current)
    }
}

/// What was found instead of the expected `format`.
#[derive(Debug, Clone, PartialEq)]
enum Finding {
    /// The document is not a JSON object at all.
    NotAnObject,
    Missing,
    NotText(Found),
    /// Another family, an older version, or no format of confide's.
    Foreign(String),
    /// The same family at a newer version.
    Newer(String),
}

/// A document whose `format` is not the one expected.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Mismatch {
    format: Format,
    found: Finding,
}

impl Mismatch {
    /// The `format` found, when it is the expected family at a newer version.
    pub(crate) fn newer(&self) -> Option<&str> {
        match &self.found {
            Finding::Newer(found) => Some(found),
            _ => None,
        }
    }

    /// The mismatch at its place: `/` for a document that is not an object, else `/format`.
    pub(crate) fn problem(&self) -> Problem {
        let at = match self.found {
            Finding::NotAnObject => "",
            _ => "/format",
        };
        Problem::at(at, self.to_string())
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Format { current, what } = self.format;
        match &self.found {
            Finding::NotAnObject => write!(f, "{what} must be a JSON object"),
            Finding::Missing => write!(f, "missing `format`; expected `{current}`"),
            Finding::NotText(found) => write!(
                f,
                "wrong type: {}, expected `{current}`",
                found.describe(false)
            ),
            Finding::Foreign(found) => {
                write!(f, "unsupported format `{found}`; expected `{current}`")
            }
            Finding::Newer(found) => write!(
                f,
                "unsupported format `{found}`: it is from a newer version of confide; update confide"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SAMPLE: Format = Format::new("confide.sample/2", "a sample file");

    #[test]
    fn every_kind_of_mismatch_is_worded_the_same_way_for_every_format() {
        let cases = [
            (json!({"format": "confide.sample/2"}), None),
            (json!([1]), Some("/: a sample file must be a JSON object")),
            (
                json!({}),
                Some("/format: missing `format`; expected `confide.sample/2`"),
            ),
            (
                json!({"format": 2}),
                Some("/format: wrong type: number `2`, expected `confide.sample/2`"),
            ),
            (
                json!({"format": "confide.sample/3"}),
                Some(
                    "/format: unsupported format `confide.sample/3`: it is from a newer version of confide; update confide",
                ),
            ),
            (
                json!({"format": "confide.sample/1"}),
                Some("/format: unsupported format `confide.sample/1`; expected `confide.sample/2`"),
            ),
            (
                json!({"format": "confide.samples/3"}),
                Some(
                    "/format: unsupported format `confide.samples/3`; expected `confide.sample/2`",
                ),
            ),
            (
                json!({"format": "confide.sample/3.1"}),
                Some(
                    "/format: unsupported format `confide.sample/3.1`; expected `confide.sample/2`",
                ),
            ),
        ];
        for (document, expected) in cases {
            let got = SAMPLE
                .check(&document)
                .err()
                .map(|m| m.problem().to_string());
            assert_eq!(got.as_deref(), expected, "{document}");
        }
    }

    #[test]
    fn only_a_newer_version_of_the_same_family_is_newer() {
        let newer = SAMPLE
            .check(&json!({"format": "confide.sample/10"}))
            .unwrap_err();
        assert_eq!(newer.newer(), Some("confide.sample/10"));
        assert_eq!(newer, SAMPLE.newer("confide.sample/10"));
        let other = SAMPLE
            .check(&json!({"format": "other.sample/10"}))
            .unwrap_err();
        assert_eq!(other.newer(), None);
    }

    #[test]
    fn a_long_format_is_cut() {
        let long = format!("confide.sample/{}", "9".repeat(1000));
        let message = SAMPLE
            .check(&json!({ "format": long }))
            .unwrap_err()
            .to_string();
        assert!(message.len() < 120, "{message}");
    }
}
