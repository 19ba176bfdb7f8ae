//! Totals: a calculated or "total score" item of the source becomes a sum scale, when what it
//! adds up is the option scores of items carried over. Scoring is kept only where FHIR states
//! it; anything else calculated is refused with the expression that calculates it.

use serde_json::Value;

use super::import_items::{Builder, Kind, RawItem, find_ext};
use super::{translations, url};
use crate::model::questionnaire::{Band, Method, Scale};
use crate::model::text::Text;
use crate::model::validate::{is_id, truncate};

/// How many times a `%variable` is replaced inside another: variables may refer to others.
const MAX_EXPANSIONS: usize = 8;
/// The longest expression looked at once its variables are replaced.
const MAX_EXPRESSION: usize = 200_000;

/// The band of an imported scale: FHIR states how to add a total up, not what it means.
const BAND_LABEL: &str = "Total";
const BAND_SUMMARY: &str = "This questionnaire was imported without an interpretation of its score. The professional who asked you to answer it can tell you what it means.";

/// A calculated item of the source, before it is known what it adds up.
pub(super) struct Total {
    link: String,
    title: Text,
    how: How,
}

enum How {
    /// A scale exported by confide: exactly how it combines its parts.
    Confide {
        method: Method,
        items: Vec<String>,
        scales: Vec<String>,
        factor: f64,
        min_answered: Option<usize>,
        prorate: bool,
    },
    /// SDC's `calculatedExpression`, with the variables it may use.
    Expression {
        expression: String,
        variables: Vec<(String, String)>,
    },
    /// A number item that says it is the total score, calculated by nothing in the file.
    Declared,
}

/// A scale made of a total, and the linkId it came from.
pub(super) struct BuiltScale {
    pub(super) link: String,
    pub(super) scale: Scale,
}

/// What an expression adds up.
enum Parts {
    Links(Vec<String>),
    EveryScoredItem,
}

impl Total {
    /// The total an item stands for, if it is calculated or says it is a total score.
    pub(super) fn of(link: &str, raw: &Value, item: &RawItem, b: &Builder) -> Option<Total> {
        let exts = &item.extension;
        let title = item
            .text
            .as_deref()
            .and_then(|t| super::import_items::clean_text(t).ok())
            .map(|main| {
                let more = translations(item.text_ext.as_ref(), b.language());
                super::import::with_translations(main, more, b.language())
            })
            .unwrap_or_else(|| Text::Plain(truncate(link, 60)));
        let how = if let Some(scale) = find_ext(exts, url::SCALE) {
            confide_scale(scale)?
        } else if let Some(e) =
            find_ext(exts, url::CALCULATED).or_else(|| find_ext(exts, url::CALCULATED_OLD))
        {
            let expression = e
                .pointer("/valueExpression/expression")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let mut found = variables(b.root());
            found.extend(variables(raw));
            How::Expression {
                expression,
                variables: found,
            }
        } else if matches!(item.kind.as_str(), "integer" | "decimal" | "quantity")
            && says_total(item)
        {
            How::Declared
        } else {
            return None;
        };
        Some(Total {
            link: link.to_owned(),
            title,
            how,
        })
    }
}

/// A number item whose unit is `{score}` or whose text names a total score.
fn says_total(item: &RawItem) -> bool {
    let unit = find_ext(&item.extension, url::UNIT)
        .and_then(|e| e.get("valueCoding"))
        .map(|c| {
            [c.get("code"), c.get("display")]
                .into_iter()
                .flatten()
                .any(|v| v.as_str() == Some("{score}"))
        })
        .unwrap_or(false);
    unit || item
        .text
        .as_deref()
        .is_some_and(|t| t.to_lowercase().contains("total score"))
}

fn confide_scale(ext: &Value) -> Option<How> {
    let parts = ext.get("extension").and_then(Value::as_array)?;
    let all = |name: &str, key: &str| -> Vec<&Value> {
        parts
            .iter()
            .filter(|p| p.get("url").and_then(Value::as_str) == Some(name))
            .filter_map(|p| p.get(key))
            .collect()
    };
    let strings = |name: &str| -> Vec<String> {
        all(name, "valueString")
            .into_iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    let method = match all("method", "valueCode").first().and_then(|v| v.as_str()) {
        Some("mean") => Method::Mean,
        _ => Method::Sum,
    };
    Some(How::Confide {
        method,
        items: strings("item"),
        scales: strings("scale"),
        factor: all("factor", "valueDecimal")
            .first()
            .and_then(|v| v.as_f64())
            .unwrap_or(1.0),
        min_answered: all("min-answered", "valueInteger")
            .first()
            .and_then(|v| v.as_u64())
            .map(|n| n as usize),
        prorate: all("prorate", "valueBoolean")
            .first()
            .and_then(|v| v.as_bool())
            == Some(true),
    })
}

/// The `variable` extensions of a resource or item: name and expression.
fn variables(v: &Value) -> Vec<(String, String)> {
    v.get("extension")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .filter(|e| e.get("url").and_then(Value::as_str) == Some(url::VARIABLE))
        .filter_map(|e| {
            let name = e.pointer("/valueExpression/name")?.as_str()?;
            let expr = e.pointer("/valueExpression/expression")?.as_str()?;
            Some((name.to_owned(), expr.to_owned()))
        })
        .collect()
}

impl Builder<'_> {
    /// The scales the totals of the source make, refusing each total that is not a total of
    /// option scores of items carried over.
    pub(super) fn scales(&mut self) -> Vec<BuiltScale> {
        let totals = std::mem::take(&mut self.totals);
        let mut ids = std::collections::HashSet::new();
        let mut out = Vec::new();
        for t in totals {
            match self.scale(&t, &mut ids) {
                Ok(scale) => out.push(BuiltScale {
                    link: t.link.clone(),
                    scale,
                }),
                Err(why) => self.refused.push(super::import::Refusal {
                    link_id: truncate(&t.link, 80),
                    reason: why,
                }),
            }
        }
        out
    }

    fn scale(
        &mut self,
        t: &Total,
        ids: &mut std::collections::HashSet<String>,
    ) -> Result<Scale, String> {
        let (id, method, items, scales, factor, min_answered, prorate) = match &t.how {
            How::Confide {
                method,
                items,
                scales,
                factor,
                min_answered,
                prorate,
            } => {
                let id = t
                    .link
                    .strip_prefix("scale.")
                    .filter(|id| is_id(id))
                    .ok_or("a confide scale whose linkId is not `scale.` and an id")?
                    .to_owned();
                for part in items {
                    if !self.items.iter().any(|b| b.item.id() == part) {
                        return Err(format!(
                            "its total uses `{}`, which is not carried over",
                            truncate(part, 60)
                        ));
                    }
                }
                (
                    id,
                    *method,
                    items.clone(),
                    scales.clone(),
                    *factor,
                    *min_answered,
                    *prorate,
                )
            }
            How::Expression {
                expression,
                variables,
            } => {
                let parts = recognise(expression, variables)?;
                let items = self.parts(parts)?;
                (
                    super::import::slug(&t.link),
                    Method::Sum,
                    items,
                    Vec::new(),
                    1.0,
                    None,
                    false,
                )
            }
            How::Declared => {
                let items = self.parts(Parts::EveryScoredItem)?;
                self.notes.insert(format!(
                    "`{}`: a total score with no calculation is the sum of every scored item",
                    truncate(&t.link, 80)
                ));
                (
                    super::import::slug(&t.link),
                    Method::Sum,
                    items,
                    Vec::new(),
                    1.0,
                    None,
                    false,
                )
            }
        };
        let id = super::import::unique_id(if id.is_empty() { "total".into() } else { id }, ids);
        Ok(Scale {
            id,
            title: t.title.clone(),
            items,
            scales,
            method,
            factor,
            min_answered,
            prorate,
            norms: None,
            bands: vec![Band {
                id: "total".into(),
                min: None,
                // Set to the top of the scale's range once the questionnaire is put together.
                max: 0.0,
                label: Text::Plain(BAND_LABEL.into()),
                summary: Text::Plain(BAND_SUMMARY.into()),
                variants: Vec::new(),
            }],
        })
    }

    /// The confide ids of the items a total adds up.
    fn parts(&self, parts: Parts) -> Result<Vec<String>, String> {
        match parts {
            Parts::EveryScoredItem => {
                let ids: Vec<String> = self
                    .items
                    .iter()
                    .filter(|b| b.kind == Kind::Single && b.scored)
                    .map(|b| b.item.id().to_owned())
                    .collect();
                if ids.is_empty() {
                    return Err("it is a total, but no item carried over has option scores (ordinalValue) to add up".into());
                }
                Ok(ids)
            }
            Parts::Links(links) => links
                .iter()
                .map(|link| {
                    let b = self.by_link(link).ok_or_else(|| {
                        format!(
                            "its total uses `{}`, which is not carried over",
                            truncate(link, 60)
                        )
                    })?;
                    match b.kind {
                        Kind::Single if b.scored => Ok(b.item.id().to_owned()),
                        Kind::Number => Ok(b.item.id().to_owned()),
                        _ => Err(format!(
                            "its total uses `{}`, whose options have no distinct whole scores",
                            truncate(link, 60)
                        )),
                    }
                })
                .collect(),
        }
    }
}

/// What an SDC `calculatedExpression` adds up, when it is a total of option scores: the
/// items it names by linkId, or every scored item when it adds up all answers. Variables are
/// replaced first. Anything that multiplies, divides or subtracts, or that does not use the
/// option scores, is not a total.
fn recognise(expression: &str, variables: &[(String, String)]) -> Result<Parts, String> {
    let not_a_total = || {
        format!(
            "it is calculated by `{}`, which is not a total of option scores",
            truncate(expression, 120)
        )
    };
    if expression.trim().is_empty() {
        return Err("its calculatedExpression is empty".into());
    }
    let mut expanded = expression.to_owned();
    let mut names: Vec<&(String, String)> = variables.iter().collect();
    names.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
    for _ in 0..MAX_EXPANSIONS {
        let before = expanded.clone();
        for (name, expr) in &names {
            expanded = expanded.replace(&format!("%{name}"), &format!("({expr})"));
        }
        if expanded.len() > MAX_EXPRESSION {
            return Err(not_a_total());
        }
        if expanded == before {
            break;
        }
    }
    let scores = ["ordinal()", "weight()", "ordinalValue", "itemWeight"]
        .iter()
        .any(|s| expanded.contains(s));
    let code = without_strings(&expanded);
    let adds = code.contains(".sum()") || code.contains(" + ");
    let other_arithmetic = ['*', '/'].iter().any(|c| code.contains(*c))
        || code.contains(" - ")
        || code.contains("power(")
        || code.contains(" div ")
        || code.contains(" mod ");
    if !scores || !adds || other_arithmetic {
        return Err(not_a_total());
    }
    let links = linked_ids(&expanded);
    Ok(if links.is_empty() {
        Parts::EveryScoredItem
    } else {
        Parts::Links(links)
    })
}

/// The expression with its string literals emptied (`'a/b'` is `''`), so that a URL or a
/// linkId is not read as arithmetic.
fn without_strings(expr: &str) -> String {
    let mut out = String::with_capacity(expr.len());
    let mut quoted = false;
    for c in expr.chars() {
        if c == '\'' {
            quoted = !quoted;
            out.push(c);
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

/// The linkIds an expression selects with `linkId = '...'` or `linkId in ('...' | '...')`,
/// in order, each once. `linkId != '...'` excludes and is not counted.
fn linked_ids(expr: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = expr;
    while let Some(at) = rest.find("linkId") {
        rest = &rest[at + "linkId".len()..];
        let after = rest.trim_start();
        let quoted = if let Some(r) = after.strip_prefix('=') {
            r.trim_start()
        } else if let Some(r) = after.strip_prefix("in") {
            r.trim_start().trim_start_matches('(')
        } else {
            continue;
        };
        let mut list = quoted;
        while let Some(r) = list.strip_prefix('\'') {
            let Some(end) = r.find('\'') else { break };
            let id = &r[..end];
            if !out.iter().any(|o| o == id) {
                out.push(id.to_owned());
            }
            list = r[end + 1..].trim_start();
            match list.strip_prefix('|') {
                Some(more) => list = more.trim_start(),
                None => break,
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sum_of_ordinals_of_named_items_adds_up_those_items() {
        let Ok(Parts::Links(links)) = recognise(
            "iif(%resource.repeat(item).where(linkId in ('a' | 'b')).answer.count() >= 2, %resource.repeat(item).where(linkId in ('a' | 'b')).answer.value.ordinal().sum(), {})",
            &[],
        ) else {
            panic!("not recognised");
        };
        assert_eq!(links, ["a", "b"]);
    }

    #[test]
    fn variables_are_replaced_before_the_expression_is_read() {
        let vars = vec![
            ("scoreExt".to_string(), "'http://hl7.org/fhir/StructureDefinition/ordinalValue'".to_string()),
            ("q1".to_string(), "%questionnaire.item.where(linkId = '/1').answerOption.extension.where(url=%scoreExt).valueDecimal".to_string()),
            ("q2".to_string(), "%questionnaire.item.where(linkId = '/2').answerOption.extension.where(url=%scoreExt).valueDecimal".to_string()),
        ];
        let Ok(Parts::Links(links)) = recognise(
            "iif(%q1.exists(), %q1, 0) + iif(%q2.exists(), %q2, 0)",
            &vars,
        ) else {
            panic!("not recognised");
        };
        assert_eq!(links, ["/1", "/2"]);
    }

    #[test]
    fn all_answers_summed_means_every_scored_item() {
        assert!(matches!(
            recognise("%resource.answers().value.ordinal().sum()", &[]),
            Ok(Parts::EveryScoredItem)
        ));
    }

    #[test]
    fn a_body_mass_index_is_not_a_total() {
        let err = recognise("(%weight/(%height.power(2))).round(1)", &[])
            .err()
            .unwrap();
        assert!(err.contains("not a total of option scores"), "{err}");
    }
}
