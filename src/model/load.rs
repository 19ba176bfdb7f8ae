//! Turning bytes into a questionnaire: size limits, UTF-8, JSON syntax, strict shape, then
//! validation. Every problem found is returned, not just the first.

use std::sync::OnceLock;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::problem::{Problem, join};
use super::questionnaire::{QUESTIONNAIRE, Questionnaire};
use super::range::{ScaleRange, scale_ranges};
use super::validate::{self, Limits};

/// Largest questionnaire file accepted, in bytes.
pub(crate) const MAX_QUESTIONNAIRE_BYTES: usize = 1024 * 1024;

/// A questionnaire that parsed and passed validation, with its canonical hash.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub questionnaire: Questionnaire,
    /// The definition as JSON and its hash; for a bundled questionnaire, worked out from
    /// `text` on first use (most commands never need them).
    definition: OnceLock<Definition>,
    text: Option<&'static str>,
    /// The range of each scale, worked out on first use (reports show every score against
    /// its range, for every session).
    ranges: OnceLock<Vec<Option<ScaleRange>>>,
}

#[derive(Debug, Clone)]
struct Definition {
    value: Value,
    sha256: String,
}

impl Loaded {
    /// A bundled questionnaire, parsed straight into its strict types. Validation is not
    /// run again at every start: the test suite validates every bundled file (a build with
    /// an invalid one fails its tests). A file that does not parse is still reported with
    /// every problem, never a panic.
    pub(crate) fn bundled(text: &'static str) -> Result<Loaded, Vec<Problem>> {
        match serde_json::from_str::<Questionnaire>(text) {
            Ok(questionnaire) => Ok(Loaded {
                questionnaire,
                definition: OnceLock::new(),
                text: Some(text),
                ranges: OnceLock::new(),
            }),
            Err(_) => questionnaire_from_bytes(text.as_bytes()),
        }
    }

    /// Hex SHA-256 of the canonical JSON (keys sorted, no whitespace) of the definition.
    pub fn sha256(&self) -> &str {
        &self.definition().sha256
    }

    /// The range of every scale, in order (`range::scale_ranges`).
    pub(crate) fn scale_ranges(&self) -> &[Option<ScaleRange>] {
        self.ranges
            .get_or_init(|| scale_ranges(&self.questionnaire))
    }

    /// The definition as parsed JSON, for embedding in invitations.
    pub(crate) fn value(&self) -> &Value {
        &self.definition().value
    }

    fn definition(&self) -> &Definition {
        self.definition.get_or_init(|| {
            // `text` parsed as a questionnaire in `bundled`, so it is valid JSON.
            let value = self
                .text
                .and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or(Value::Null);
            Definition {
                sha256: canonical_sha256(&value),
                value,
            }
        })
    }
}

/// Parses and validates a questionnaire from raw bytes.
pub fn questionnaire_from_bytes(bytes: &[u8]) -> Result<Loaded, Vec<Problem>> {
    let value = json_from_bytes(bytes, MAX_QUESTIONNAIRE_BYTES)?;
    questionnaire_from_value(value)
}

/// Validates a questionnaire given as parsed JSON.
pub(crate) fn questionnaire_from_value(value: Value) -> Result<Loaded, Vec<Problem>> {
    QUESTIONNAIRE.check(&value).map_err(|m| vec![m.problem()])?;
    let questionnaire = shape::<Questionnaire>(&value, collect_questionnaire_shape_problems)?;
    let problems = validate::validate(&questionnaire, &Limits::default());
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Loaded {
        questionnaire,
        definition: OnceLock::from(Definition {
            sha256: canonical_sha256(&value),
            value,
        }),
        text: None,
        ranges: OnceLock::new(),
    })
}

/// Hex SHA-256 of the canonical form of a JSON value.
pub(crate) fn canonical_sha256(value: &Value) -> String {
    // serde_json's map is ordered by key, so serialising gives a canonical form.
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    hex(&Sha256::digest(&bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses JSON text with a size limit, reporting syntax errors with line and column.
pub(crate) fn json_from_bytes(bytes: &[u8], limit: usize) -> Result<Value, Vec<Problem>> {
    if bytes.len() > limit {
        return Err(vec![Problem::file(format!(
            "file is too large ({} bytes; the limit is {} bytes)",
            bytes.len(),
            limit
        ))]);
    }
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(vec![Problem::file(
            "the file is UTF-16 text; save it as UTF-8",
        )]);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_column(bytes, e.valid_up_to());
        vec![Problem::position(
            line,
            column,
            "file is not UTF-8 text".to_string(),
        )]
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str::<Strict>(text)
        .map(|Strict(v)| v)
        .map_err(|e| {
            let message = describe_json_error(&e, text);
            vec![Problem::position(e.line(), e.column().max(1), message)]
        })
}

/// Parses JSON like `serde_json::from_slice::<Value>`, except that a key given twice in one
/// object is an error.
pub(crate) fn strict_json(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    serde_json::from_slice::<Strict>(bytes).map(|Strict(v)| v)
}

/// A JSON value read like `serde_json::Value`, except that an object naming the same key
/// twice is an error. serde_json keeps the last of two equal keys without a word, so
/// `{"max": 4, "max": 40}` would say two things and be read as one of them.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Strict, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut list = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            list.push(v);
        }
        Ok(Value::Array(list))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "duplicate key `{}`",
                    super::validate::truncate(&key, 40)
                )));
            }
            let Strict(v) = map.next_value()?;
            object.insert(key, v);
        }
        Ok(Value::Object(object))
    }
}

/// The message of a JSON error, without the position (reported beside it).
fn describe_json_error(e: &serde_json::Error, text: &str) -> String {
    if e.is_syntax() && depth_at(text, e.line(), e.column()) > MAX_JSON_DEPTH {
        return format!(
            "nested too deeply (more than {MAX_JSON_DEPTH} levels of arrays and objects)"
        );
    }
    // serde_json ends its message with the position it also gives as numbers.
    let full = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&position).unwrap_or(&full);
    if e.is_data() {
        // Raised by `Strict`: the text is JSON, but not JSON this format accepts.
        message.to_owned()
    } else if e.is_eof() {
        format!("the file ends too early: {message}")
    } else {
        format!("invalid JSON: {message}")
    }
}

/// The deepest nesting serde_json reads; an array or object one level deeper stops it.
const MAX_JSON_DEPTH: usize = 127;

/// The deepest nesting of arrays and objects in `text` up to and including the byte at
/// `line` and `column` (1-based, as serde_json counts them).
fn depth_at(text: &str, line: usize, column: usize) -> usize {
    let start = match line {
        0 | 1 => 0,
        _ => text
            .match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1),
    };
    let end = (start + column).min(text.len());
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for b in &text.as_bytes()[..end] {
        match (in_string, escaped, b) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_string = false,
            (true, false, _) => {}
            (false, _, b'"') => in_string = true,
            (false, _, b'[' | b'{') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (false, _, b']' | b'}') => depth = depth.saturating_sub(1),
            (false, _, _) => {}
        }
    }
    deepest
}

fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

/// Deserialises `value` strictly; on failure, asks `collect` for every shape problem it can
/// find so the author sees them all at once.
pub(crate) fn shape<T: DeserializeOwned>(
    value: &Value,
    collect: fn(&Value) -> Vec<Problem>,
) -> Result<T, Vec<Problem>> {
    match deserialize_at::<T>(value, "") {
        Ok(v) => Ok(v),
        Err(first) => {
            let mut problems = collect(value);
            if problems.is_empty() {
                problems.push(first);
            }
            Err(problems)
        }
    }
}

/// Deserialises one part of a document, reporting a failure with its full JSON pointer.
pub(crate) fn deserialize_at<T: DeserializeOwned>(value: &Value, base: &str) -> Result<T, Problem> {
    deserialize_at_with(value, base, false)
}

/// Like `deserialize_at`; with `redact`, text values found are left out of the message
/// (for files that hold private answers).
pub(crate) fn deserialize_at_with<T: DeserializeOwned>(
    value: &Value,
    base: &str,
    redact: bool,
) -> Result<T, Problem> {
    super::de::from_value::<T>(value).map_err(|misread| {
        Problem::at(
            format!("{base}{}", misread.path),
            misread.error.describe(redact),
        )
    })
}

/// Checks one item, deserialising the struct of its `type` directly so that a problem is
/// reported at its exact path (an internally tagged enum hides the inner path).
fn item_shape(v: &Value, path: &str) -> Result<(), Problem> {
    use super::questionnaire::{
        ChoiceItem, DisplayItem, Item, MultiChoiceItem, NumberItem, TextItem,
    };
    let Some(kind) = v.get("type").and_then(Value::as_str) else {
        return deserialize_at::<Item>(v, path).map(drop);
    };
    let mut inner = v.clone();
    if let Some(o) = inner.as_object_mut() {
        o.remove("type");
    }
    match kind {
        "single_choice" => deserialize_at::<ChoiceItem>(&inner, path).map(drop),
        "multi_choice" => deserialize_at::<MultiChoiceItem>(&inner, path).map(drop),
        "number" => deserialize_at::<NumberItem>(&inner, path).map(drop),
        "text" => deserialize_at::<TextItem>(&inner, path).map(drop),
        "display" => deserialize_at::<DisplayItem>(&inner, path).map(drop),
        _ => deserialize_at::<Item>(v, path).map(drop),
    }
}

/// Finds every shape problem in a questionnaire: the top level with its collections
/// emptied, then each item, option, scale and flag on its own.
fn collect_questionnaire_shape_problems(value: &Value) -> Vec<Problem> {
    use super::questionnaire::{ChoiceOption, Flag, Scale};
    let mut problems = Vec::new();
    // The format check has made sure that it is an object.
    let Some(obj) = value.as_object() else {
        return problems;
    };
    let mut top = obj.clone();
    for (key, empty) in [
        ("items", Value::Array(vec![])),
        ("scales", Value::Array(vec![])),
        ("flags", Value::Array(vec![])),
        ("option_sets", Value::Object(Default::default())),
    ] {
        if let Some(v) = top.get_mut(key)
            && (v.is_array() || v.is_object())
        {
            *v = empty;
        }
    }
    if let Err(p) = deserialize_at::<Questionnaire>(&Value::Object(top), "") {
        problems.push(p);
    }
    let mut each = |key: &str, check: &dyn Fn(&Value, &str) -> Result<(), Problem>| {
        if let Some(Value::Array(list)) = obj.get(key) {
            for (i, v) in list.iter().enumerate() {
                if let Err(p) = check(v, &join(&format!("/{key}"), i)) {
                    problems.push(p);
                }
            }
        }
    };
    each("items", &|v, p| item_shape(v, p));
    each("scales", &|v, p| deserialize_at::<Scale>(v, p).map(drop));
    each("flags", &|v, p| deserialize_at::<Flag>(v, p).map(drop));
    if let Some(Value::Object(sets)) = obj.get("option_sets") {
        for (name, set) in sets {
            let base = join("/option_sets", name);
            if let Err(p) = deserialize_at::<Vec<ChoiceOption>>(set, &base) {
                problems.push(p);
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_syntax_error_is_reported_with_line_and_column() {
        let err = json_from_bytes(b"{\n  \"a\": 1,\n  \"b\" 2\n}", 1000).unwrap_err();
        assert_eq!(
            err[0].location,
            super::super::problem::Location::Position { line: 3, column: 7 }
        );
        assert!(
            err[0].message.contains("expected `:`"),
            "{}",
            err[0].message
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_are_reported_with_their_position() {
        let err = json_from_bytes(b"{\"a\":\n\"\xff\"}", 1000).unwrap_err();
        assert_eq!(
            err[0].to_string(),
            "line 2, column 2: file is not UTF-8 text"
        );
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_named() {
        let text: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("{}".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let err = json_from_bytes(&text, 1000).unwrap_err();
        assert_eq!(
            err[0].to_string(),
            "the file is UTF-16 text; save it as UTF-8"
        );
    }

    #[test]
    fn a_file_over_the_size_limit_is_refused_before_parsing() {
        let err = json_from_bytes(&[b' '; 2000], 1000).unwrap_err();
        assert!(err[0].message.contains("too large"), "{}", err[0].message);
    }

    #[test]
    fn deep_nesting_is_refused_without_overflowing_the_stack() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let err = json_from_bytes(text.as_bytes(), usize::MAX).unwrap_err();
        assert!(
            err[0].message.contains("nested too deeply"),
            "{}",
            err[0].message
        );
    }

    #[test]
    fn nesting_up_to_the_limit_is_read_and_brackets_in_strings_do_not_count() {
        let deepest = "[".repeat(127) + &"]".repeat(127);
        assert!(json_from_bytes(deepest.as_bytes(), usize::MAX).is_ok());
        let text = format!("[\"{}\" 1]", "[".repeat(200));
        let err = json_from_bytes(text.as_bytes(), usize::MAX).unwrap_err();
        assert_eq!(
            err[0].to_string(),
            "line 1, column 205: invalid JSON: expected `,` or `]`"
        );
    }

    #[test]
    fn a_key_given_twice_in_one_object_is_an_error_at_its_position() {
        let err = json_from_bytes(b"{\"a\": {\"max\": 4,\n \"max\": 40}}", 1000).unwrap_err();
        assert_eq!(err[0].to_string(), "line 2, column 6: duplicate key `max`");
    }

    #[test]
    fn the_same_key_in_different_objects_is_fine() {
        let v = json_from_bytes(br#"[{"a": 1}, {"a": 2, "b": {"a": 3}}]"#, 1000).unwrap();
        assert_eq!(v, serde_json::json!([{"a": 1}, {"a": 2, "b": {"a": 3}}]));
    }

    #[test]
    fn numbers_read_as_serde_json_reads_them() {
        let text = br#"[1, -1, 18446744073709551615, 1.5, -0, 1e308]"#;
        let strict = json_from_bytes(text, 1000).unwrap();
        let plain: Value = serde_json::from_slice(text).unwrap();
        assert_eq!(strict, plain);
    }

    #[test]
    fn the_canonical_hash_ignores_whitespace_and_key_order() {
        let a: Value = serde_json::from_str(r#"{"b": 1, "a": [1, 2]}"#).unwrap();
        let b: Value = serde_json::from_str("{\"a\":[1,2],\n\"b\":1}").unwrap();
        assert_eq!(canonical_sha256(&a), canonical_sha256(&b));
        assert_eq!(canonical_sha256(&a).len(), 64);
    }
}
