//! The answers file, `confide.answers/1`: answers given ahead of time for `take --answers`.
//!
//! This module reads the file's shape. Checking each answer against the questionnaires
//! (which items are asked, ranges, required items) is done by `scoring::answers`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::format::Format;
use super::load::{deserialize_at_with, json_from_bytes};
use super::problem::Problem;

pub(crate) const ANSWERS_FORMAT: &str = "confide.answers/1";
const ANSWERS: Format = Format::new(ANSWERS_FORMAT, "an answers file");

/// Largest answers file accepted, in bytes.
pub(crate) const MAX_ANSWERS_BYTES: usize = 1024 * 1024;

/// Answers per questionnaire id, then per item id, as raw JSON values.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswersFile {
    pub format: String,
    #[serde(default)]
    pub reference: Option<String>,
    pub answers: BTreeMap<String, BTreeMap<String, Value>>,
}

/// Parses an answers file, checking its format.
pub fn parse(bytes: &[u8]) -> Result<AnswersFile, Vec<Problem>> {
    let value = json_from_bytes(bytes, MAX_ANSWERS_BYTES)?;
    ANSWERS.check(&value).map_err(|m| vec![m.problem()])?;
    // Values are checked later, item by item; a shape error here names only the place.
    let file = deserialize_at_with::<AnswersFile>(&value, "", true).map_err(|p| vec![p])?;
    if let Some(r) = &file.reference
        && !super::invitation::is_reference(r)
    {
        // Not quoted: a reference that is not a code may well be a name.
        return Err(vec![Problem::at(
            "/reference",
            "a reference must be 1 to 64 letters, digits, `-` or `_` (a code, never a name)",
        )]);
    }
    Ok(file)
}
