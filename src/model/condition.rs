//! Conditions: `{"all": [...]}` or `{"any": [...]}` of clauses `{item|scale, op, value}`.
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
pub enum Condition {
    /// True when every clause is true (and there is at least one).
    All(Vec<Clause>),
    /// True when at least one clause is true.
    Any(Vec<Clause>),
}

impl Condition {
    pub fn clauses(&self) -> &[Clause] {
        match self {
            Condition::All(c) | Condition::Any(c) => c,
        }
    }

    pub fn key(&self) -> &'static str {
        match self {
            Condition::All(_) => "all",
            Condition::Any(_) => "any",
        }
    }
}

/// One comparison. Exactly one of `item` and `scale` is set; `item` may be
/// `questionnaire_id.item_id` to refer to another questionnaire.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<String>,
    pub op: Op,
    /// A number (or, for `=`/`!=` on text items, a string); absent for `exists`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
}

/// A comparison operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Exists,
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
    pub const KNOWN: [&'static str; 8] = ["exists", "=", "!=", ">", ">=", "<", "<=", "includes"];

    pub fn as_str(&self) -> &str {
        match self {
            Op::Exists => "exists",
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

    pub fn parse(s: &str) -> Op {
        match s {
            "exists" => Op::Exists,
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

    /// Ordering comparisons, which need a number.
    pub fn is_ordering(&self) -> bool {
        matches!(self, Op::Gt | Op::Ge | Op::Lt | Op::Le)
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
            "enum": ["exists", "=", "!=", ">", ">=", "<", "<=", "includes"]
        })
    }
}
