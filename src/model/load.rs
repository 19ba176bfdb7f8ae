//! Turning bytes into a questionnaire: size limits, UTF-8, JSON syntax, strict shape, then
//! validation. Every problem found is returned, not just the first.

use std::sync::OnceLock;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::problem::{Problem, join};
use super::questionnaire::Questionnaire;
use super::range::{ScaleRange, scale_ranges};
use super::validate::{self, Limits};

/// Largest questionnaire file accepted, in bytes.
pub const MAX_QUESTIONNAIRE_BYTES: usize = 1024 * 1024;

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
    pub fn bundled(text: &'static str) -> Result<Loaded, Vec<Problem>> {
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
    pub fn scale_ranges(&self) -> &[Option<ScaleRange>] {
        self.ranges
            .get_or_init(|| scale_ranges(&self.questionnaire))
    }

    /// The definition as parsed JSON, for embedding in invitations.
    pub fn value(&self) -> &Value {
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
pub fn questionnaire_from_value(value: Value) -> Result<Loaded, Vec<Problem>> {
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
pub fn canonical_sha256(value: &Value) -> String {
    // serde_json's map is ordered by key, so serialising gives a canonical form.
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    hex(&Sha256::digest(&bytes))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses JSON text with a size limit, reporting syntax errors with line and column.
pub fn json_from_bytes(bytes: &[u8], limit: usize) -> Result<Value, Vec<Problem>> {
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
            let message = describe_json_error(&e);
            vec![Problem::position(e.line(), e.column().max(1), message)]
        })
}

/// Parses JSON like `serde_json::from_slice::<Value>`, except that a key given twice in one
/// object is an error.
pub fn strict_json(bytes: &[u8]) -> Result<Value, serde_json::Error> {
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

fn describe_json_error(e: &serde_json::Error) -> String {
    let raw = e.to_string();
    // serde_json appends " at line L column C"; the position is reported separately.
    let msg = raw
        .rsplit_once(" at line ")
        .map(|(m, _)| m.to_string())
        .unwrap_or(raw);
    if msg.contains("recursion limit exceeded") {
        "nested too deeply (more than 127 levels of arrays and objects)".to_string()
    } else if e.is_data() {
        // Raised by `Strict`: the text is JSON, but not JSON this format accepts.
        msg
    } else if e.is_eof() {
        format!("the file ends too early: {msg}")
    } else {
        format!("invalid JSON: {msg}")
    }
}

fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

/// Deserialises `value` strictly; on failure, asks `collect` for every shape problem it can
/// find so the author sees them all at once.
pub fn shape<T: DeserializeOwned>(
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
pub fn deserialize_at<T: DeserializeOwned>(value: &Value, base: &str) -> Result<T, Problem> {
    deserialize_at_with(value, base, false)
}

/// Like `deserialize_at`; with `redact`, text values quoted by serde are left out of the
/// message (for files that hold private answers).
pub fn deserialize_at_with<T: DeserializeOwned>(
    value: &Value,
    base: &str,
    redact: bool,
) -> Result<T, Problem> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let mut path = base.to_string();
        for seg in e.path().iter() {
            use serde_path_to_error::Segment;
            match seg {
                Segment::Seq { index } => path = join(&path, index),
                Segment::Map { key } => path = join(&path, key),
                Segment::Enum { .. } | Segment::Unknown => {}
            }
        }
        let mut msg = e.inner().to_string();
        if redact {
            msg = redact_quoted(&msg);
        }
        Problem::at(path, friendly_serde_message(&shorten_quoted(&msg, 40)))
    })
}

/// Replaces `string "..."` in a serde message with `text`, so no value is echoed.
pub fn redact_quoted(msg: &str) -> String {
    match (msg.find("string \""), msg.rfind("\", expected")) {
        (Some(start), Some(end)) if end > start => {
            format!("{}text{}", &msg[..start], &msg[end + 1..])
        }
        _ => msg.to_owned(),
    }
}

/// Cuts every `quoted` part of a serde message, and a `string "..."` it quotes, to `n`
/// characters: serde quotes field names and values as found, and a hostile file can make
/// them as long as it likes.
pub fn shorten_quoted(msg: &str, n: usize) -> String {
    let msg = &shorten_string_value(msg, n);
    let mut out = String::with_capacity(msg.len().min(1024));
    for (i, part) in msg.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(&super::validate::truncate(part, n));
        } else {
            out.push_str(part);
        }
    }
    out
}

/// Cuts the text of serde's `string "..."` (as in `invalid type: string "...", expected`).
fn shorten_string_value(msg: &str, n: usize) -> String {
    const OPEN: &str = "string \"";
    match (msg.find(OPEN), msg.rfind("\", expected")) {
        (Some(start), Some(end)) if end >= start + OPEN.len() => {
            let inner = &msg[start + OPEN.len()..end];
            if inner.chars().count() <= n {
                return msg.to_owned();
            }
            format!(
                "{}{}{}",
                &msg[..start + OPEN.len()],
                super::validate::truncate(inner, n),
                &msg[end..]
            )
        }
        _ => msg.to_owned(),
    }
}

/// Rewords serde's messages, which speak of Rust, into the words of the format.
pub fn friendly_serde_message(msg: &str) -> String {
    let msg = msg
        .replace("invalid type: ", "wrong type: ")
        .replace("unknown variant", "unknown value")
        .replace("integer `", "number `")
        .replace("floating point `", "number `")
        .replace(", expected i64", ", expected a whole number")
        .replace(", expected u8", ", expected a whole number from 0 to 255")
        .replace(
            ", expected usize",
            ", expected a whole number of zero or more",
        )
        .replace(", expected f64", ", expected a number")
        .replace("a sequence", "an array")
        .replace("expected a map", "expected an object")
        .replace("map,", "object,")
        .replace("invalid type: map", "wrong type: object")
        .replace("sequence,", "array,")
        .replace("struct ", "")
        .replace("enum ", "");
    if let Some(rest) = msg.strip_prefix("wrong type: map") {
        return format!("wrong type: object{rest}");
    }
    msg
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
    let Some(obj) = value.as_object() else {
        return vec![Problem::at("", "a questionnaire must be a JSON object")];
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
    fn long_quoted_names_in_serde_messages_are_cut() {
        let msg = format!("unknown field `{}`, expected `id`", "k".repeat(500));
        let short = shorten_quoted(&msg, 40);
        assert!(short.len() < 100, "{short}");
        assert!(short.ends_with("…`, expected `id`"), "{short}");
    }

    #[test]
    fn a_long_string_quoted_by_serde_is_cut() {
        let msg = format!(
            "invalid type: string \"{}\", expected a boolean",
            "y".repeat(500)
        );
        let short = shorten_quoted(&msg, 40);
        assert_eq!(
            short,
            format!(
                "invalid type: string \"{}…\", expected a boolean",
                "y".repeat(40)
            )
        );
        let msg = "invalid type: string \"yes\", expected a boolean";
        assert_eq!(shorten_quoted(msg, 40), msg);
    }

    #[test]
    fn the_canonical_hash_ignores_whitespace_and_key_order() {
        let a: Value = serde_json::from_str(r#"{"b": 1, "a": [1, 2]}"#).unwrap();
        let b: Value = serde_json::from_str("{\"a\":[1,2],\n\"b\":1}").unwrap();
        assert_eq!(canonical_sha256(&a), canonical_sha256(&b));
        assert_eq!(canonical_sha256(&a).len(), 64);
    }
}
