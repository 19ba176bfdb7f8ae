//! Text fields of a questionnaire: a plain string or a map from language tag to string.
//!
//! Resolution picks the requested language, then the questionnaire's own language. The
//! validation pass guarantees that every map has an entry for the questionnaire's language,
//! so resolution never fails on a validated questionnaire.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// A translatable piece of text.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Text {
    /// The same text in every language.
    Plain(String),
    /// Text per language tag, such as `{"en": "...", "es": "..."}`.
    Map(BTreeMap<String, String>),
}

impl Text {
    /// The text in `lang` if present, else in `fallback`, else the first entry.
    pub fn resolve<'a>(&'a self, lang: &str, fallback: &str) -> &'a str {
        match self {
            Text::Plain(s) => s,
            Text::Map(map) => map
                .get(lang)
                .or_else(|| {
                    // "es-MX" falls back to "es" before the questionnaire language.
                    lang.split_once('-').and_then(|(base, _)| map.get(base))
                })
                .or_else(|| map.get(fallback))
                .or_else(|| map.values().next())
                .map(String::as_str)
                .unwrap_or(""),
        }
    }

    /// Every string in this text, for checks that apply to all languages.
    pub(crate) fn all(&self) -> Vec<(Option<&str>, &str)> {
        match self {
            Text::Plain(s) => vec![(None, s.as_str())],
            Text::Map(map) => map
                .iter()
                .map(|(k, v)| (Some(k.as_str()), v.as_str()))
                .collect(),
        }
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::Plain(s.to_owned())
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Text::Plain(s) => write!(f, "{s:?}"),
            Text::Map(m) => write!(f, "{m:?}"),
        }
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, or an object from language tag to string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text::Plain(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text::Plain(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Text, A::Error> {
                let mut map = BTreeMap::new();
                while let Some((k, v)) = access.next_entry::<String, String>()? {
                    if map.insert(k.clone(), v).is_some() {
                        return Err(de::Error::custom(format!(
                            "language `{}` appears twice",
                            super::validate::truncate(&k, 40)
                        )));
                    }
                }
                Ok(Text::Map(map))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

impl JsonSchema for Text {
    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A string, or a map from language tag to string that includes the questionnaire's `language`.",
            "oneOf": [
                {"type": "string"},
                {"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 1}
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_resolves_to_the_requested_language_then_the_base_language_then_the_fallback() {
        let t: Text = serde_json::from_str(r#"{"en": "Hello", "es": "Hola"}"#).unwrap();
        assert_eq!(t.resolve("es", "en"), "Hola");
        assert_eq!(t.resolve("es-MX", "en"), "Hola");
        assert_eq!(t.resolve("fr", "en"), "Hello");
    }

    #[test]
    fn a_plain_string_is_the_same_in_every_language() {
        let t: Text = serde_json::from_str(r#""Hi""#).unwrap();
        assert_eq!(t.resolve("de", "en"), "Hi");
    }

    #[test]
    fn a_number_is_not_text() {
        let err = serde_json::from_str::<Text>("3").unwrap_err().to_string();
        assert!(err.contains("a string, or an object"), "{err}");
    }
}
