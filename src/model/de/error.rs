//! Why a JSON value does not fit its type, kept as data and worded in the terms of the
//! format only when shown.

use std::fmt;

use serde::de::{self, Expected, Unexpected};
use serde_json::{Number, Value};

use super::QUOTED_CHARS;
use crate::model::validate::truncate;

/// What was found where something else was expected.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Found {
    Null,
    Bool(bool),
    /// A number, as JSON writes it.
    Number(String),
    /// A string, cut to [`QUOTED_CHARS`].
    Text(String),
    Array,
    Object,
    /// Anything else a visitor can name (rare outside JSON).
    Other(&'static str),
}

impl Found {
    pub(crate) fn of(value: &Value) -> Found {
        match value {
            Value::Null => Found::Null,
            Value::Bool(b) => Found::Bool(*b),
            Value::Number(n) => Found::Number(n.to_string()),
            Value::String(s) => Found::Text(truncate(s, QUOTED_CHARS)),
            Value::Array(_) => Found::Array,
            Value::Object(_) => Found::Object,
        }
    }

    fn unexpected(u: Unexpected) -> Found {
        match u {
            Unexpected::Bool(b) => Found::Bool(b),
            Unexpected::Unsigned(n) => Found::Number(n.to_string()),
            Unexpected::Signed(n) => Found::Number(n.to_string()),
            Unexpected::Float(f) => {
                Found::Number(Number::from_f64(f).map_or_else(|| f.to_string(), |n| n.to_string()))
            }
            Unexpected::Char(c) => Found::Text(c.to_string()),
            Unexpected::Str(s) => Found::Text(truncate(s, QUOTED_CHARS)),
            Unexpected::Unit => Found::Null,
            Unexpected::Seq => Found::Array,
            Unexpected::Map => Found::Object,
            Unexpected::Bytes(_) => Found::Other("bytes"),
            Unexpected::Option => Found::Other("an optional value"),
            Unexpected::NewtypeStruct | Unexpected::Other(_) => Found::Other("a value"),
            Unexpected::Enum
            | Unexpected::UnitVariant
            | Unexpected::NewtypeVariant
            | Unexpected::TupleVariant
            | Unexpected::StructVariant => Found::Other("a choice"),
        }
    }

    /// `string "..."`, or `text` with `redact` so that no private words are repeated.
    pub(crate) fn describe(&self, redact: bool) -> String {
        match self {
            Found::Null => "null".into(),
            Found::Bool(b) => format!("boolean `{b}`"),
            Found::Number(n) => format!("number `{n}`"),
            Found::Text(_) if redact => "text".into(),
            Found::Text(s) => format!("string \"{s}\""),
            Found::Array => "array".into(),
            Found::Object => "object".into(),
            Found::Other(what) => (*what).into(),
        }
    }
}

/// Why a value does not fit its type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Error {
    /// A value of another JSON type than the one expected.
    WrongType {
        found: Found,
        expected: String,
    },
    /// The right JSON type, but a value out of range.
    InvalidValue {
        found: Found,
        expected: String,
    },
    /// An array or object with too many or too few entries.
    Length {
        len: usize,
        expected: String,
    },
    UnknownField {
        name: String,
        known: &'static [&'static str],
    },
    UnknownValue {
        value: String,
        known: &'static [&'static str],
    },
    MissingField(&'static str),
    DuplicateField(&'static str),
    /// A message of confide's own types (such as a language given twice in a text).
    Custom(String),
}

impl Error {
    /// The message; with `redact`, a string found is called `text` instead of quoted.
    pub(crate) fn describe(&self, redact: bool) -> String {
        match self {
            Error::WrongType { found, expected } => {
                format!(
                    "wrong type: {}, expected {expected}",
                    found.describe(redact)
                )
            }
            Error::InvalidValue { found, expected } => {
                format!(
                    "invalid value: {}, expected {expected}",
                    found.describe(redact)
                )
            }
            Error::Length { len, expected } => format!("{len} entries, expected {expected}"),
            Error::UnknownField { name, known: [] } => {
                format!("unknown field `{name}`, there are no fields")
            }
            Error::UnknownField { name, known } => {
                format!("unknown field `{name}`, expected {}", one_of(known))
            }
            Error::UnknownValue { value, known } => {
                format!("unknown value `{value}`, expected {}", one_of(known))
            }
            Error::MissingField(name) => format!("missing field `{name}`"),
            Error::DuplicateField(name) => format!("duplicate field `{name}`"),
            Error::Custom(message) => message.clone(),
        }
    }

    pub(super) fn wrong(value: &Value, expected: impl Into<String>) -> Error {
        Error::WrongType {
            found: Found::of(value),
            expected: expected.into(),
        }
    }
}

/// `` `a` ``, `` `a` or `b` ``, or `` one of `a`, `b`, `c` ``.
pub(crate) fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [] => "nothing".into(),
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        all => format!("one of {}", all.join(", ")),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(false))
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Error {
        Error::Custom(message.to_string())
    }

    fn invalid_type(unexpected: Unexpected, expected: &dyn Expected) -> Error {
        Error::WrongType {
            found: Found::unexpected(unexpected),
            expected: expected.to_string(),
        }
    }

    fn invalid_value(unexpected: Unexpected, expected: &dyn Expected) -> Error {
        Error::InvalidValue {
            found: Found::unexpected(unexpected),
            expected: expected.to_string(),
        }
    }

    fn invalid_length(len: usize, expected: &dyn Expected) -> Error {
        Error::Length {
            len,
            expected: expected.to_string(),
        }
    }

    fn unknown_variant(value: &str, known: &'static [&'static str]) -> Error {
        Error::UnknownValue {
            value: truncate(value, QUOTED_CHARS),
            known,
        }
    }

    fn unknown_field(name: &str, known: &'static [&'static str]) -> Error {
        Error::UnknownField {
            name: truncate(name, QUOTED_CHARS),
            known,
        }
    }

    fn missing_field(name: &'static str) -> Error {
        Error::MissingField(name)
    }

    fn duplicate_field(name: &'static str) -> Error {
        Error::DuplicateField(name)
    }
}
