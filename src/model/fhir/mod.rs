//! FHIR R4 Questionnaire resources, both ways: a confide questionnaire written as a
//! Questionnaire that follows the Structured Data Capture guide (SDC), and a published
//! Questionnaire read into a confide questionnaire. Pure: JSON values in, JSON values and
//! questionnaires out, with what could not be carried over returned as values.
//!
//! What FHIR can say is said the FHIR way (items, answer options with their codes and
//! `ordinalValue`, `enableWhen`, `required`, `repeats`, help text, units and bounds, SDC's
//! `calculatedExpression` for a plain total). What FHIR has no element for but that changes
//! how the questions are asked (declining, conditions that `enableWhen` cannot say, how a
//! scale is combined) travels in confide extensions (`urn:confide:fhir:*`), so that an export
//! read back asks the same questions the same way. Bands, flags and guidance stay in
//! confide's own format (`confide export` without `--format`).

mod export;
mod import;
mod import_items;
mod import_scales;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use super::text::Text;

pub use export::{Exported, export};
pub use import::{Imported, Outcome, Refusal, import};

/// Base of the canonical URL of every confide questionnaire (`urn:confide:questionnaire:ID`);
/// responses name their questionnaire as `<base><id>|<version>`.
pub const CANONICAL_BASE: &str = "urn:confide:questionnaire:";

/// The code system of the options of one item: `urn:confide:questionnaire:ID:ITEM`. Codes are
/// the option values; the same system is used in the Questionnaire and in responses.
pub fn option_system(questionnaire: &str, item: &str) -> String {
    format!("{CANONICAL_BASE}{questionnaire}:{item}")
}

/// The code system of scale scores (`questionnaire.scale`), used by the calculated items of
/// an exported Questionnaire and by the Observations of a response.
pub const SCALE_SYSTEM: &str = "urn:confide:scale";

/// The linkId of a scale's calculated item.
pub fn scale_link(scale: &str) -> String {
    format!("scale.{scale}")
}

/// The linkId of an item's help text (a display item inside it). confide ids never contain
/// a dot, so these never clash with an item.
fn hint_link(item: &str) -> String {
    format!("{item}.hint")
}

/// The linkId of the display item that carries a questionnaire's `intro`.
const INTRO_LINK: &str = "confide.intro";

/// FHIR and SDC extensions.
mod url {
    pub(super) const ORDINAL: &str = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
    pub(super) const ITEM_WEIGHT: &str = "http://hl7.org/fhir/StructureDefinition/itemWeight";
    pub(super) const ITEM_CONTROL: &str =
        "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl";
    pub(super) const ITEM_CONTROL_SYSTEM: &str = "http://hl7.org/fhir/questionnaire-item-control";
    pub(super) const MIN_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/minValue";
    pub(super) const MAX_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/maxValue";
    pub(super) const MAX_DECIMALS: &str =
        "http://hl7.org/fhir/StructureDefinition/maxDecimalPlaces";
    pub(super) const UNIT: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit";
    pub(super) const MIN_OCCURS: &str =
        "http://hl7.org/fhir/StructureDefinition/questionnaire-minOccurs";
    pub(super) const MAX_OCCURS: &str =
        "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs";
    pub(super) const OPTION_EXCLUSIVE: &str =
        "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive";
    pub(super) const HIDDEN: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-hidden";
    pub(super) const TRANSLATION: &str = "http://hl7.org/fhir/StructureDefinition/translation";
    pub(super) const CITATION: &str = "http://hl7.org/fhir/StructureDefinition/cqf-citation";
    pub(super) const VARIABLE: &str = "http://hl7.org/fhir/StructureDefinition/variable";
    pub(super) const CALCULATED: &str =
        "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression";
    /// The name SDC used for it before, still written by LHC-Forms.
    pub(super) const CALCULATED_OLD: &str =
        "http://hl7.org/fhir/StructureDefinition/questionnaire-calculatedExpression";
    pub(super) const ENABLE_WHEN_EXPRESSION: &str =
        "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression";
    pub(super) const SDC_PROFILE: &str =
        "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire";

    /// Whether the item may be declined ("prefer not to answer"), valueBoolean.
    pub(super) const DECLINABLE: &str = "urn:confide:fhir:declinable";
    /// An item's tag (`safety`, `bother`), valueCode; repeats.
    pub(super) const TAG: &str = "urn:confide:fhir:tag";
    /// A number item scored as `min + max - value`, valueBoolean.
    pub(super) const REVERSE: &str = "urn:confide:fhir:reverse";
    /// A confide condition (as its JSON) that `enableWhen` cannot say: one on another
    /// questionnaire or on a scale, or nested. valueString.
    pub(super) const CONDITION: &str = "urn:confide:fhir:enable-when";
    /// The questionnaire's `applies_when` condition (as its JSON), valueString.
    pub(super) const APPLIES_WHEN: &str = "urn:confide:fhir:applies-when";
    /// How a scale combines its parts: sub-extensions `method`, `item` or `scale` (repeat),
    /// `factor`, `min-answered`, `prorate`.
    pub(super) const SCALE: &str = "urn:confide:fhir:scale";
}

/// Largest FHIR file `confide import` reads.
pub const MAX_FHIR_BYTES: usize = 8 * 1024 * 1024;

/// A FHIR extension: a URL and one value, or nested extensions.
#[derive(Debug, Clone, Serialize)]
struct Extension {
    url: String,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    value: Option<ExtValue>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extension: Vec<Extension>,
}

/// The `value[x]` of an extension.
#[derive(Debug, Clone, Serialize)]
enum ExtValue {
    #[serde(rename = "valueBoolean")]
    Boolean(bool),
    #[serde(rename = "valueInteger")]
    Integer(i64),
    #[serde(rename = "valueDecimal")]
    Decimal(Value),
    #[serde(rename = "valueString")]
    String(String),
    #[serde(rename = "valueCode")]
    Code(String),
    #[serde(rename = "valueCoding")]
    Coding(Coding),
    #[serde(rename = "valueCodeableConcept")]
    CodeableConcept(CodeableConcept),
    #[serde(rename = "valueExpression")]
    Expression(Expression),
}

impl Extension {
    fn new(url: &str, value: ExtValue) -> Extension {
        Extension {
            url: url.to_owned(),
            value: Some(value),
            extension: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
struct Coding {
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display: Option<String>,
    #[serde(rename = "_display", skip_serializing_if = "Option::is_none")]
    display_ext: Option<Element>,
}

#[derive(Debug, Clone, Serialize)]
struct CodeableConcept {
    coding: Vec<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct Expression {
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    language: String,
    expression: String,
}

/// The extensions of a primitive value (`_text`, `_title`): here, its translations.
#[derive(Debug, Clone, Serialize)]
struct Element {
    extension: Vec<Extension>,
}

/// A text in the questionnaire's language, and its translations as FHIR's `translation`
/// extensions (for the `_text`, `_title` ... element beside it).
fn split_text(text: &Text, language: &str) -> (String, Option<Element>) {
    match text {
        Text::Plain(s) => (s.clone(), None),
        Text::Map(map) => {
            let main = text.resolve(language, language).to_owned();
            let extension: Vec<Extension> = map
                .iter()
                .filter(|(lang, _)| lang.as_str() != language)
                .map(|(lang, content)| Extension {
                    url: url::TRANSLATION.into(),
                    value: None,
                    extension: vec![
                        Extension::new("lang", ExtValue::Code(lang.clone())),
                        Extension::new("content", ExtValue::String(content.clone())),
                    ],
                })
                .collect();
            (
                main,
                (!extension.is_empty()).then_some(Element { extension }),
            )
        }
    }
}

/// A number as JSON: whole numbers without a fraction (`3`, not `3.0`).
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::from(x as i64)
    } else {
        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

/// The translations in a `_text`-like element, by language (the questionnaire's own language
/// left out).
fn translations(element: Option<&Value>, language: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(exts) = element
        .and_then(|e| e.get("extension"))
        .and_then(Value::as_array)
    else {
        return out;
    };
    for ext in exts
        .iter()
        .filter(|e| e.get("url").and_then(Value::as_str) == Some(url::TRANSLATION))
    {
        let parts = ext.get("extension").and_then(Value::as_array);
        let part = |name: &str, key: &str| {
            parts?
                .iter()
                .find(|p| p.get("url").and_then(Value::as_str) == Some(name))
                .and_then(|p| p.get(key))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        if let (Some(lang), Some(content)) =
            (part("lang", "valueCode"), part("content", "valueString"))
            && lang != language
        {
            out.insert(lang, content);
        }
    }
    out
}

/// The object of a JSON value, or an empty one.
fn object(value: &Value) -> &Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    value
        .as_object()
        .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}
