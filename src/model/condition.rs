//! Conditions: `{"all": [...]}` or `{"any": [...]}` of clauses. A clause is a comparison
//! `{item|scale, op, value}` or, nested, another `{"all": ...}` / `{"any": ...}` (so "A or B,
//! and C" can be said), at most [`MAX_DEPTH`] levels deep.
//!
//! An unknown operator is kept as `Op::Unknown` so that validation can report it with its
//! JSON path together with every other problem, instead of stopping at the first.

use std::borrow::Cow;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A condition over answers and scales.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub(crate) enum Condition {
    /// True when every clause is true (and there is at least one).
    All(Vec<Clause>),
    /// True when at least one clause is true.
    Any(Vec<Clause>),
}

/// How deep conditions may nest (the outer condition is level 1).
pub(crate) const MAX_DEPTH: usize = 4;

impl Condition {
    pub(crate) fn clauses(&self) -> &[Clause] {
        match self {
            Condition::All(c) | Condition::Any(c) => c,
        }
    }

    pub(crate) fn key(&self) -> &'static str {
        match self {
            Condition::All(_) => "all",
            Condition::Any(_) => "any",
        }
    }

    /// Every comparison, however deeply nested, with its JSON pointer relative to this
    /// condition (`/all/1/any/0`).
    pub(crate) fn comparisons(&self) -> Vec<(String, &Comparison)> {
        let mut out = Vec::new();
        self.collect("", &mut out, 0);
        out
    }

    /// Whether any comparison, however deeply nested, satisfies `f` (without building the
    /// paths `comparisons` gives; scoring asks this for every conditional item).
    pub(crate) fn any_comparison(&self, f: &mut impl FnMut(&Comparison) -> bool) -> bool {
        self.any_at(f, 0)
    }

    fn any_at(&self, f: &mut impl FnMut(&Comparison) -> bool, depth: usize) -> bool {
        depth <= MAX_DEPTH
            && self.clauses().iter().any(|clause| match clause {
                Clause::Compare(c) => f(c),
                Clause::Nested(inner) => inner.any_at(f, depth + 1),
            })
    }

    fn collect<'a>(&'a self, base: &str, out: &mut Vec<(String, &'a Comparison)>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        for (k, clause) in self.clauses().iter().enumerate() {
            let path = format!("{base}/{}/{k}", self.key());
            match clause {
                Clause::Compare(c) => out.push((path, c)),
                Clause::Nested(inner) => inner.collect(&path, out, depth + 1),
            }
        }
    }
}

/// One entry of a condition.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum Clause {
    Compare(Comparison),
    /// A nested `{"all": [...]}` or `{"any": [...]}`.
    Nested(Condition),
}

impl<'de> Deserialize<'de> for Clause {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        let nested = map.contains_key("all") || map.contains_key("any");
        let value = serde_json::Value::Object(map);
        let clause = if nested {
            super::de::from_value(&value).map(Clause::Nested)
        } else {
            super::de::from_value(&value).map(Clause::Compare)
        };
        clause.map_err(|misread| D::Error::custom(misread.error))
    }
}

/// One comparison. Exactly one of `item` and `scale` is set; `item` may be
/// `questionnaire_id.item_id` to refer to another questionnaire.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Comparison {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) item: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) scale: Option<String>,
    pub(crate) op: Op,
    /// A number (or, for `=`/`!=` on text items, a string); absent for `exists`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) value: Option<serde_json::Value>,
}

/// A comparison operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Op {
    Exists,
    /// True when there is no answer or value: the complement of `exists`.
    Missing,
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Includes,
    /// Not an operator of the format; reported by validation.
    Unknown(String),
}

impl Op {
    pub(crate) const KNOWN: [&'static str; 9] = [
        "exists", "missing", "=", "!=", ">", ">=", "<", "<=", "includes",
    ];

    pub(crate) fn as_str(&self) -> &str {
        match self {
            Op::Exists => "exists",
            Op::Missing => "missing",
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Includes => "includes",
            Op::Unknown(s) => s,
        }
    }

    pub(crate) fn parse(s: &str) -> Op {
        match s {
            "exists" => Op::Exists,
            "missing" => Op::Missing,
            "=" => Op::Eq,
            "!=" => Op::Ne,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "<" => Op::Lt,
            "<=" => Op::Le,
            "includes" => Op::Includes,
            other => Op::Unknown(other.to_owned()),
        }
    }

    /// `exists` and `missing`, which ask whether there is an answer and take no value.
    pub(crate) fn is_presence(&self) -> bool {
        matches!(self, Op::Exists | Op::Missing)
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Op {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Op {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Op::parse(&s))
    }
}

impl JsonSchema for Op {
    fn schema_name() -> Cow<'static, str> {
        "Op".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "enum": ["exists", "missing", "=", "!=", ">", ">=", "<", "<=", "includes"]
        })
    }
}
