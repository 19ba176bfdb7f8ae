//! Writing JSON that is safe to print: every JSON (and FHIR) document confide prints goes
//! through [`to_string`] or `to_string_compact`.
//!
//! serde_json escapes C0 controls, `"` and `\` only; DEL, the C1 controls (U+009B is a
//! one-byte CSI that many terminals obey), direction marks, overrides and isolates, and the
//! line and paragraph separators pass through raw. Text from a forged session or intake
//! could then move the cursor or reorder what a reader sees in `report --format json`.
//! Here every character that [`is_forbidden_char`] refuses is written as `\uXXXX`: still
//! valid JSON, and parsing gives back exactly the same string.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

use crate::model::validate::is_forbidden_char;

/// Pretty-printed JSON (two-space indent), with terminal controls escaped.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    write(value, PrettyFormatter::new())
}

/// JSON on one line, with terminal controls escaped.
pub(crate) fn to_string_compact<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    write(value, CompactFormatter)
}

fn write<T: Serialize + ?Sized, F: Formatter>(value: &T, inner: F) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Safe(inner));
    value.serialize(&mut ser)?;
    // The serializer writes only UTF-8: strings are copied whole or escaped as ASCII.
    String::from_utf8(out).map_err(|e| serde_json::Error::io(io::Error::other(e)))
}

/// A formatter that lays out JSON as `F` does and escapes terminal controls in strings.
struct Safe<F>(F);

impl<F: Formatter> Formatter for Safe<F> {
    /// The runs of a string between the characters serde_json escapes itself.
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // Every character escaped here is DEL or beyond ASCII.
        if !fragment.bytes().any(|b| b >= 0x7f) {
            return writer.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_forbidden_char(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                // All of them are in the Basic Multilingual Plane: one `\uXXXX` each.
                write!(writer, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    // The layout is the inner formatter's.

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn terminal_controls_are_escaped_and_read_back_unchanged() {
        let hostile = "a\u{9b}31m\u{85}\u{8d}\u{7f}\u{202e}\u{2066}\u{200e}\u{200f}\u{61c}\u{2028}\u{2029}\u{1b}[2J\"\\\n z";
        let v = json!({"text": hostile, hostile: [hostile]});
        for text in [to_string(&v).unwrap(), to_string_compact(&v).unwrap()] {
            assert!(text.is_ascii(), "{text}");
            assert!(text.contains("a\\u009b31m\\u0085\\u008d\\u007f\\u202e\\u2066"));
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, v);
        }
    }

    #[test]
    fn the_layout_and_other_text_are_serde_json_s_own() {
        let v = json!({"a": [1, 2.5, null, true], "b": {"c": "é ü 中 \u{fffd} 😀"}, "d": []});
        assert_eq!(
            to_string(&v).unwrap(),
            serde_json::to_string_pretty(&v).unwrap()
        );
        assert_eq!(
            to_string_compact(&v).unwrap(),
            serde_json::to_string(&v).unwrap()
        );
    }
}
