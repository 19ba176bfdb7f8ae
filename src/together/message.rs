//! The files of `confide together`: `confide.together/1` messages exchanged by the
//! partners (`invite`, `reply`, `result`), and the private state each partner keeps between
//! steps. Pure: bytes in, values out.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::psi::SessionId;
use crate::model::format::Format;
use crate::model::load::{deserialize_at_with, hex, json_from_bytes};
use crate::model::problem::Problem;

pub(crate) const TOGETHER_FORMAT: &str = "confide.together/1";
const TOGETHER: Format = Format::new(TOGETHER_FORMAT, "a together file");
pub(crate) const STATE_FORMAT: &str = "confide.together-state/1";
const STATE: Format = Format::new(STATE_FORMAT, "a together state file");

/// Largest file accepted, in bytes.
const MAX_BYTES: usize = 1024 * 1024;

/// The step a message belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Step {
    Invite,
    Reply,
    Result,
}

impl Step {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Step::Invite => "invite",
            Step::Reply => "reply",
            Step::Result => "result",
        }
    }
}

/// The questionnaire both partners answer, by id and canonical sha256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Questionnaire {
    pub(crate) id: String,
    pub(crate) sha256: String,
}

/// One message. `answers` is the SHA-256 of the exact bytes of the file this one answers
/// (none for an invite); `tags` and `points` are 32-byte values in hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Message {
    pub(crate) format: String,
    pub(crate) step: Step,
    pub(crate) session: String,
    pub(crate) questionnaire: Questionnaire,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) answers: Option<String>,
    #[serde(default)]
    pub(crate) tags: Vec<String>,
    #[serde(default)]
    pub(crate) points: Vec<String>,
}

/// What a partner keeps between sending a file and finishing: their secret, their own list
/// as sent (with the element each entry stands for), the SHA-256 of the file they sent, and
/// (for the partner who joined) the tags of the other's points under `result`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct State {
    pub(crate) format: String,
    pub(crate) step: Step,
    pub(crate) session: String,
    pub(crate) questionnaire: Questionnaire,
    pub(crate) secret: String,
    pub(crate) own: Vec<(String, Option<String>)>,
    pub(crate) sent: String,
    #[serde(default)]
    pub(crate) keep: Vec<String>,
}

/// SHA-256 of bytes, in hex: how a file is named by the one that answers it.
pub(crate) fn digest(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// 32 bytes from 64 hex digits (lowercase).
pub(crate) fn bytes32(text: &str) -> Option<[u8; 32]> {
    let v = unhex(text)?;
    v.try_into().ok()
}

/// A session id from 32 hex digits (lowercase).
pub(crate) fn session(text: &str) -> Option<SessionId> {
    let v = unhex(text)?;
    v.try_into().ok()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2)
        || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// A list of 32-byte values, each checked; the problem names the place.
pub(crate) fn list32(texts: &[String], field: &str) -> Result<Vec<[u8; 32]>, Problem> {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            bytes32(t).ok_or_else(|| Problem::at(format!("/{field}/{i}"), "not 64 hex digits"))
        })
        .collect()
}

/// Reads a message, checking its format, shape and session id.
pub(crate) fn parse(bytes: &[u8]) -> Result<Message, Vec<Problem>> {
    let value = json_from_bytes(bytes, MAX_BYTES)?;
    TOGETHER.check(&value).map_err(|m| vec![m.problem()])?;
    let message = deserialize_at_with::<Message>(&value, "", true).map_err(|p| vec![p])?;
    if session(&message.session).is_none() {
        return Err(vec![Problem::at("/session", "not 32 hex digits")]);
    }
    Ok(message)
}

/// Reads a state file, checking its format and shape.
pub(crate) fn parse_state(bytes: &[u8]) -> Result<State, Vec<Problem>> {
    let value = json_from_bytes(bytes, MAX_BYTES)?;
    STATE.check(&value).map_err(|m| vec![m.problem()])?;
    deserialize_at_with::<State>(&value, "", true).map_err(|p| vec![p])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(step: Step) -> Message {
        Message {
            format: TOGETHER_FORMAT.to_owned(),
            step,
            session: "00".repeat(16),
            questionnaire: Questionnaire {
                id: "together".to_owned(),
                sha256: "ab".repeat(32),
            },
            answers: None,
            tags: vec![],
            points: vec!["11".repeat(32)],
        }
    }

    #[test]
    fn a_message_reads_back_as_written() {
        let m = message(Step::Invite);
        let bytes = serde_json::to_vec(&m).unwrap();
        assert_eq!(parse(&bytes).unwrap(), m);
    }

    #[test]
    fn another_format_a_bad_session_or_an_unknown_field_is_refused() {
        let mut v = serde_json::to_value(message(Step::Reply)).unwrap();
        v["format"] = "confide.together/2".into();
        let got = parse(&serde_json::to_vec(&v).unwrap()).unwrap_err();
        assert!(got[0].to_string().contains("newer version"), "{got:?}");
        let mut v = serde_json::to_value(message(Step::Reply)).unwrap();
        v["session"] = "XYZ".into();
        assert!(parse(&serde_json::to_vec(&v).unwrap()).is_err());
        let mut v = serde_json::to_value(message(Step::Reply)).unwrap();
        v["extra"] = 1.into();
        assert!(parse(&serde_json::to_vec(&v).unwrap()).is_err());
        let mut v = serde_json::to_value(message(Step::Reply)).unwrap();
        v["step"] = "other".into();
        assert!(parse(&serde_json::to_vec(&v).unwrap()).is_err());
    }

    #[test]
    fn hex_is_read_strictly() {
        assert_eq!(bytes32(&"0a".repeat(32)), Some([10u8; 32]));
        assert_eq!(bytes32(&"0A".repeat(32)), None);
        assert_eq!(bytes32(&"0a".repeat(31)), None);
        assert_eq!(session("0"), None);
        assert!(list32(&["zz".to_owned()], "points").is_err());
    }
}
