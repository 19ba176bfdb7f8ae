//! A person's answer to one item, and the rules every answer must meet, whether typed at a
//! prompt or read from an answers file.

use std::fmt;

use serde_json::Value;

use super::questionnaire::{
    ChoiceOption, Item, MultiChoiceItem, NumberItem, Questionnaire, TextItem,
};
use super::validate::is_forbidden_char;

/// An answer to one item. Skipped items have no answer at all.
#[derive(Clone, PartialEq)]
pub enum Answer {
    /// The value of the chosen option (single choice).
    Choice(i64),
    /// The values of the chosen options, in option order (multi choice).
    Choices(Vec<i64>),
    Number(f64),
    Text(String),
    /// "Prefer not to answer" on a declinable item.
    Declined,
}

// Answers are private: a Debug print must never show them.
impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Declined => f.write_str("Declined"),
            _ => f.write_str("Answer(<redacted>)"),
        }
    }
}

impl Answer {
    /// The answer as JSON, the form used in records (`"declined"` is handled by callers).
    pub(crate) fn to_json(&self) -> Value {
        match self {
            Answer::Choice(v) => Value::from(*v),
            Answer::Choices(vs) => Value::from(vs.clone()),
            Answer::Number(x) => number_json(*x),
            Answer::Text(s) => Value::from(s.clone()),
            Answer::Declined => Value::from("declined"),
        }
    }

    /// Reads an answer given as JSON for `item` (answers files and stored records).
    pub(crate) fn from_json(item: &Item, value: &Value) -> Result<Answer, String> {
        if value.as_str() == Some("declined")
            && (item.common().declinable || !matches!(item, Item::Text(_)))
        {
            return Ok(Answer::Declined);
        }
        match item {
            Item::SingleChoice(_) => value.as_i64().map(Answer::Choice).ok_or_else(|| {
                format!(
                    "expected an option value (a whole number), found {}",
                    describe_json(value)
                )
            }),
            Item::MultiChoice(_) => match value {
                Value::Array(list) => list
                    .iter()
                    .map(|v| {
                        v.as_i64().ok_or_else(|| {
                            format!(
                                "expected option values (whole numbers), found {}",
                                describe_json(v)
                            )
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(Answer::Choices),
                _ => Err(format!(
                    "expected an array of option values, found {}",
                    describe_json(value)
                )),
            },
            Item::Number(_) => value
                .as_f64()
                .map(Answer::Number)
                .ok_or_else(|| format!("expected a number, found {}", describe_json(value))),
            Item::Text(_) => value
                .as_str()
                .map(|s| Answer::Text(s.to_owned()))
                .ok_or_else(|| format!("expected text, found {}", describe_json(value))),
            Item::Display(_) => Err("this is a display item and takes no answer".into()),
        }
    }
}

/// The label of the extra choice on declinable items.
pub const DECLINE_LABEL: &str = "Prefer not to answer";

/// An answer in words, as the person would recognise it.
pub fn describe(q: &Questionnaire, item: &Item, answer: Option<&Answer>, lang: &str) -> String {
    let label = |v: i64| {
        q.options_of(item)
            .iter()
            .find(|o| o.value == v)
            .map(|o| o.label.resolve(lang, &q.language).to_owned())
            .unwrap_or_else(|| v.to_string())
    };
    match answer {
        None => "(skipped)".into(),
        Some(Answer::Declined) => DECLINE_LABEL.into(),
        Some(Answer::Choice(v)) => label(*v),
        Some(Answer::Choices(vs)) => vs.iter().map(|v| label(*v)).collect::<Vec<_>>().join(", "),
        Some(Answer::Number(x)) => {
            let unit = match item {
                Item::Number(n) => n
                    .unit
                    .as_ref()
                    .map(|u| format!(" {}", u.resolve(lang, &q.language))),
                _ => None,
            };
            format!("{}{}", number_json(*x), unit.unwrap_or_default())
        }
        Some(Answer::Text(s)) => s.clone(),
    }
}

/// A whole number as an integer, anything else as a float.
pub(crate) fn number_json(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::from(x as i64)
    } else {
        Value::from(x)
    }
}

fn describe_json(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(_) => "text".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Checks an answer against its item. The error says what is accepted.
pub fn check(q: &Questionnaire, item: &Item, answer: &Answer) -> Result<(), String> {
    match (item, answer) {
        (_, Answer::Declined) if item.common().declinable => Ok(()),
        (_, Answer::Declined) => Err("this item cannot be declined".into()),
        (Item::SingleChoice(_), Answer::Choice(v)) => {
            let options = q.options_of(item);
            if options.iter().any(|o| o.value == *v) {
                Ok(())
            } else {
                Err(not_an_option(*v, options))
            }
        }
        (Item::MultiChoice(m), Answer::Choices(vs)) => check_choices(q, item, m, vs),
        (Item::Number(n), Answer::Number(x)) => check_number(n, *x),
        (Item::Text(t), Answer::Text(s)) => check_text(t, s),
        (Item::Display(_), _) => Err("this is a display item and takes no answer".into()),
        (Item::SingleChoice(_), _) => Err("expected one option value".into()),
        (Item::MultiChoice(_), _) => Err("expected a list of option values".into()),
        (Item::Number(_), _) => Err("expected a number".into()),
        (Item::Text(_), _) => Err("expected text".into()),
    }
}

/// `v` is not among the option values, which are listed.
fn not_an_option(v: i64, options: &[ChoiceOption]) -> String {
    let list: Vec<String> = options.iter().map(|o| o.value.to_string()).collect();
    format!("{v} is not one of the option values ({})", list.join(", "))
}

/// The options chosen on a multi_choice item: known, each once, an exclusive one alone,
/// and as many as the item asks for.
fn check_choices(
    q: &Questionnaire,
    item: &Item,
    m: &MultiChoiceItem,
    vs: &[i64],
) -> Result<(), String> {
    let options = q.options_of(item);
    if vs.is_empty() {
        return Err("choose at least one option, or leave the item out to skip it".into());
    }
    if let Some(v) = vs.iter().find(|v| !options.iter().any(|o| o.value == **v)) {
        return Err(not_an_option(*v, options));
    }
    let mut sorted = vs.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.len() != vs.len() {
        return Err("an option is chosen twice".into());
    }
    if vs.len() > 1
        && let Some(ex) = options
            .iter()
            .find(|o| o.exclusive && vs.contains(&o.value))
    {
        return Err(format!(
            "option {} (\"{}\") cannot be combined with other options",
            ex.value,
            ex.label.resolve(&q.language, &q.language)
        ));
    }
    let min = m.min_choices.unwrap_or(1);
    if vs.len() < min {
        return Err(format!("choose at least {min} options"));
    }
    if let Some(max) = m.max_choices
        && vs.len() > max
    {
        return Err(format!("choose at most {max} options"));
    }
    Ok(())
}

/// A number within the item's range, with no more decimal places than it allows.
fn check_number(n: &NumberItem, x: f64) -> Result<(), String> {
    if !x.is_finite() || x < n.min || x > n.max {
        return Err(format!("enter a number from {} to {}", n.min, n.max));
    }
    let scaled = x * 10f64.powi(n.decimals as i32);
    if (scaled - scaled.round()).abs() > 1e-6 {
        return Err(if n.decimals == 0 {
            "enter a whole number".into()
        } else {
            format!("use at most {} digits after the decimal point", n.decimals)
        });
    }
    Ok(())
}

/// Text that is not empty, not too long, and free of control characters.
fn check_text(t: &TextItem, s: &str) -> Result<(), String> {
    if s.trim().is_empty() {
        return Err("the answer is empty; leave the item out to skip it".into());
    }
    let n = s.chars().count();
    if n > t.max_length {
        return Err(format!(
            "the answer is {n} characters long; at most {} are accepted",
            t.max_length
        ));
    }
    if s.chars().any(|c| is_forbidden_char(c) && c != '\t') {
        return Err("the answer contains control characters; type plain text".into());
    }
    Ok(())
}
