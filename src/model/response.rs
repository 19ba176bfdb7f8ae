//! The record of one completed session, `confide.response/1`: the plaintext inside every
//! encrypted session and intake file.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::format::Format;

/// The value of the `format` field of every response record.
pub const RESPONSE_FORMAT: &str = "confide.response/1";
const RESPONSE: Format = Format::new(RESPONSE_FORMAT, "a record");

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
    /// The answer was not asked but derived from the questionnaires the person named (the
    /// topics, for instance). Written only when true; records without it read as false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub derived: bool,
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
            RecordError::Newer(v) => write!(f, "{}", RESPONSE.newer(v)),
            RecordError::Foreign(why) => write!(f, "not a confide record: {why}"),
            RecordError::Damaged(why) => write!(f, "the record is damaged: {why}"),
        }
    }
}

impl Response {
    /// Parses a record, checking its format and version before its shape.
    pub fn from_slice(bytes: &[u8]) -> Result<Response, RecordError> {
        // Almost every record is well formed: read it straight into the types. Anything
        // else goes the careful way, which says exactly what is wrong. A field given twice
        // fails the straight read; an answer holding a JSON object (never a valid answer,
        // and where a repeated key would go unseen) goes the careful way too, so both ways
        // accept the same records.
        if let Ok(r) = serde_json::from_slice::<Response>(bytes)
            && r.format == RESPONSE_FORMAT
            && !r
                .questionnaires
                .iter()
                .flat_map(|q| &q.answers)
                .any(|a| a.value.as_ref().is_some_and(holds_object))
        {
            return Ok(r);
        }
        Response::from_slice_carefully(bytes)
    }

    /// The careful way: JSON first, then the format and version, then the shape.
    fn from_slice_carefully(bytes: &[u8]) -> Result<Response, RecordError> {
        // A key given twice would let a forged record show one thing to a JSON viewer and
        // another to confide.
        let value: Value = super::load::strict_json(bytes).map_err(|e| {
            if e.is_data() {
                RecordError::Damaged("a key is given twice in one object".into())
            } else {
                RecordError::Foreign(format!("not JSON ({})", e.classify_name()))
            }
        })?;
        RESPONSE.check(&value).map_err(|m| match m.newer() {
            Some(found) => RecordError::Newer(found.to_owned()),
            None => RecordError::Foreign(m.to_string()),
        })?;
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

    pub(crate) fn questionnaire(&self, id: &str) -> Option<&QuestionnaireRecord> {
        self.questionnaires.iter().find(|q| q.id == id)
    }
}

fn holds_object(v: &Value) -> bool {
    match v {
        Value::Object(_) => true,
        Value::Array(items) => items.iter().any(holds_object),
        _ => false,
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

    fn record_json() -> Value {
        serde_json::json!({
            "format": RESPONSE_FORMAT,
            "id": "0b6a3f52-6f0e-4d1b-9c1e-2f9b8d7a6c5e",
            "created": "2026-11-25T08:15:00Z",
            "tool": {"name": "confide", "version": "0.1.0"},
            "reference": "A-1042",
            "language": "en",
            "questionnaires": [{
                "id": "pain", "version": "1.0.0", "sha256": "ab",
                "answers": [
                    {"item": "how_often", "status": "answered", "value": 2},
                    {"item": "fear", "status": "declined"}
                ],
                "scores": [{"scale": "pain", "value": 4.5, "band": "some", "valid": true,
                            "answered": 2, "parts": 3}],
                "flags": [{"id": "pain_check", "level": "see-a-clinician"}]
            }]
        })
    }

    #[test]
    fn a_well_formed_record_reads_as_it_was_written() {
        let bytes = serde_json::to_vec(&record_json()).unwrap();
        let r = Response::from_slice(&bytes).unwrap();
        assert_eq!(serde_json::to_value(&r).unwrap(), record_json());
    }

    /// Whatever the careful way decides (a repeated key, an object as an answer, a newer
    /// format, damage), the quick way must decide the same.
    #[test]
    fn the_quick_way_accepts_and_refuses_what_the_careful_way_does() {
        let good = serde_json::to_string(&record_json()).unwrap();
        let mut object_answer = record_json();
        object_answer["questionnaires"][0]["answers"][0]["value"] = serde_json::json!([{"a": 1}]);
        let object_answer = serde_json::to_string(&object_answer).unwrap();
        let mut newer = record_json();
        newer["format"] = "confide.response/2".into();
        let newer = serde_json::to_string(&newer).unwrap();
        let inputs = [
            good.clone(),
            format!("{{\"id\": \"first\", {}", &good[1..]),
            object_answer.clone(),
            object_answer.replace(r#"{"a":1}"#, r#"{"a":1,"a":2}"#),
            newer,
            good.replace("\"answered\"", "\"maybe\""),
            "[]".into(),
            "{".into(),
        ];
        let summary =
            |r: Result<Response, RecordError>| r.map(|r| serde_json::to_value(&r).unwrap());
        for input in &inputs {
            assert_eq!(
                summary(Response::from_slice(input.as_bytes())),
                summary(Response::from_slice_carefully(input.as_bytes())),
                "{input}"
            );
        }
        assert!(Response::from_slice(good.as_bytes()).is_ok());
        assert!(Response::from_slice(object_answer.as_bytes()).is_ok());
    }

    #[test]
    fn a_newer_or_foreign_format_is_named_before_the_shape_is_checked() {
        let mut v = record_json();
        v["format"] = "confide.response/2".into();
        v["unknown"] = 1.into();
        let bytes = serde_json::to_vec(&v).unwrap();
        assert_eq!(
            Response::from_slice(&bytes).unwrap_err(),
            RecordError::Newer("confide.response/2".into())
        );
        v["format"] = "something/1".into();
        let bytes = serde_json::to_vec(&v).unwrap();
        assert!(matches!(
            Response::from_slice(&bytes),
            Err(RecordError::Foreign(_))
        ));
        assert!(matches!(
            Response::from_slice(b"not json"),
            Err(RecordError::Foreign(_))
        ));
    }

    #[test]
    fn a_damaged_record_names_the_place_and_never_the_value() {
        let mut v = record_json();
        v["questionnaires"][0]["answers"][0]["status"] = "very private words".into();
        let bytes = serde_json::to_vec(&v).unwrap();
        let Err(RecordError::Damaged(why)) = Response::from_slice(&bytes) else {
            panic!("not reported as damaged");
        };
        assert!(why.contains("questionnaires[0].answers[0].status"), "{why}");
        assert!(!why.contains("private"), "{why}");
    }

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
