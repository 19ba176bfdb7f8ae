//! The record of one completed session, `confide.response/1`: the plaintext inside every
//! encrypted session and intake file.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The value of the `format` field of every response record.
pub const RESPONSE_FORMAT: &str = "confide.response/1";

/// One completed session.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    pub format: String,
    /// A random UUID.
    pub id: String,
    /// UTC, RFC 3339.
    pub created: String,
    pub tool: Tool,
    /// A code the therapist gave; never a name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The language the questions were shown in.
    pub language: String,
    pub questionnaires: Vec<QuestionnaireRecord>,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("id", &self.id)
            .field("created", &self.created)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// The answers, scores and flags of one questionnaire.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionnaireRecord {
    pub id: String,
    pub version: String,
    /// Hex SHA-256 of the canonical definition the answers were given to.
    pub sha256: String,
    pub answers: Vec<AnswerRecord>,
    pub scores: Vec<ScoreRecord>,
    pub flags: Vec<FlagRecord>,
}

/// What happened to one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerStatus {
    Answered,
    Declined,
    Skipped,
    /// The item did not apply (its `enable_when` was false).
    NotAsked,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerRecord {
    pub item: String,
    pub status: AnswerStatus,
    /// Present when `status` is `answered`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreRecord {
    pub scale: String,
    /// `null` when there were not enough answers.
    pub value: Option<f64>,
    pub band: Option<String>,
    pub valid: bool,
    /// Parts (items or scales) that had a value.
    pub answered: usize,
    /// Parts the scale combines.
    pub parts: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagRecord {
    pub id: String,
    pub level: String,
}

/// Why a record could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    /// `confide.response/N` with N newer than this version reads.
    Newer(String),
    /// Not a confide response at all.
    Foreign(String),
    /// The right format but the wrong shape.
    Damaged(String),
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordError::Newer(v) => write!(
                f,
                "the record uses format `{v}`, which is newer than this version of confide reads ({RESPONSE_FORMAT}); update confide"
            ),
            RecordError::Foreign(why) => write!(f, "not a confide record: {why}"),
            RecordError::Damaged(why) => write!(f, "the record is damaged: {why}"),
        }
    }
}

impl Response {
    /// Parses a record, checking its format and version before its shape.
    pub fn from_slice(bytes: &[u8]) -> Result<Response, RecordError> {
        // A key given twice would let a forged record show one thing to a JSON viewer and
        // another to confide.
        let value: Value = super::load::strict_json(bytes).map_err(|e| {
            if e.is_data() {
                RecordError::Damaged("a key is given twice in one object".into())
            } else {
                RecordError::Foreign(format!("not JSON ({})", e.classify_name()))
            }
        })?;
        let format = value
            .get("format")
            .and_then(Value::as_str)
            .ok_or_else(|| RecordError::Foreign("it has no `format` field".into()))?;
        if format != RESPONSE_FORMAT {
            let newer = format
                .strip_prefix("confide.response/")
                .and_then(|v| v.parse::<u32>().ok())
                .is_some_and(|v| v > 1);
            return Err(if newer {
                RecordError::Newer(format.to_owned())
            } else {
                RecordError::Foreign(format!(
                    "its format is `{}`",
                    super::validate::truncate(format, 40)
                ))
            });
        }
        // Only the place of the problem is reported: serde's messages can quote values,
        // and values here are private answers.
        serde_path_to_error::deserialize::<_, Response>(value).map_err(|e| {
            let path = e.path().to_string();
            RecordError::Damaged(format!("unexpected content at `{path}`"))
        })
    }

    /// The first 8 hex digits of the id, used in file names.
    pub fn id8(&self) -> String {
        self.id
            .chars()
            .filter(|c| c.is_ascii_hexdigit())
            .take(8)
            .collect()
    }

    pub fn questionnaire(&self, id: &str) -> Option<&QuestionnaireRecord> {
        self.questionnaires.iter().find(|q| q.id == id)
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "read error",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected data",
            serde_json::error::Category::Eof => "ends too early",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_with_a_key_given_twice_is_damaged() {
        let text = br#"{"format": "confide.response/1", "format": "x"}"#;
        assert_eq!(
            Response::from_slice(text).err(),
            Some(RecordError::Damaged(
                "a key is given twice in one object".into()
            ))
        );
    }

    #[test]
    fn text_that_is_not_json_is_not_a_record() {
        assert_eq!(
            Response::from_slice(b"age-encryption.org/v1").err(),
            Some(RecordError::Foreign("not JSON (syntax error)".into()))
        );
    }
}
