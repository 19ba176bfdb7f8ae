//! A confide questionnaire as a FHIR R4 Questionnaire resource (SDC).

use serde::Serialize;
use serde_json::Value;

use super::{
    CANONICAL_BASE, CodeableConcept, Coding, Element, Expression, ExtValue, Extension, INTRO_LINK,
    SCALE_SYSTEM, hint_link, number, option_system, scale_link, split_text, url,
};
use crate::model::condition::{Clause, Comparison, Condition, Op};
use crate::model::questionnaire::{
    ChoiceOption, Item, ItemCommon, Method, ProvenanceKind, Questionnaire, Scale,
};
use crate::model::range::needed_parts;

/// What a questionnaire becomes in FHIR: the resource, and what FHIR has no place for (said
/// in words, for the person exporting).
#[derive(Debug, Clone)]
pub struct Exported {
    pub resource: Value,
    pub left_out: Vec<String>,
}

/// The copyright written when a questionnaire names no licence (and read back as such).
pub(super) const NO_LICENCE: &str = "No licence stated.";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Resource {
    resource_type: &'static str,
    id: String,
    meta: Meta,
    language: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extension: Vec<Extension>,
    url: String,
    version: String,
    name: String,
    title: String,
    #[serde(rename = "_title", skip_serializing_if = "Option::is_none")]
    title_ext: Option<Element>,
    status: &'static str,
    description: String,
    #[serde(rename = "_description", skip_serializing_if = "Option::is_none")]
    description_ext: Option<Element>,
    copyright: String,
    item: Vec<FhirItem>,
}

#[derive(Serialize)]
struct Meta {
    profile: Vec<&'static str>,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct FhirItem {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extension: Vec<Extension>,
    link_id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code: Vec<Coding>,
    text: String,
    #[serde(rename = "_text", skip_serializing_if = "Option::is_none")]
    text_ext: Option<Element>,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    enable_when: Vec<EnableWhen>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_behavior: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    required: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repeats: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    read_only: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_length: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    answer_option: Vec<AnswerOption>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    item: Vec<FhirItem>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AnswerOption {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extension: Vec<Extension>,
    value_coding: Coding,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct EnableWhen {
    question: String,
    operator: &'static str,
    #[serde(flatten)]
    answer: Answer,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
enum Answer {
    #[serde(rename = "answerBoolean")]
    Boolean(bool),
    #[serde(rename = "answerInteger")]
    Integer(i64),
    #[serde(rename = "answerDecimal")]
    Decimal(Value),
    #[serde(rename = "answerString")]
    String(String),
    #[serde(rename = "answerCoding")]
    Coding(CodingKey),
}

/// A coding as an `enableWhen` names it: system and code.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct CodingKey {
    system: String,
    code: String,
}

/// The questionnaire as a FHIR R4 Questionnaire.
pub fn export(q: &Questionnaire) -> Exported {
    let lang = q.language.as_str();
    let (title, title_ext) = split_text(&q.title, lang);
    let (description, description_ext) = split_text(&q.description, lang);
    let canonical = format!("{CANONICAL_BASE}{}", q.id);
    let mut extension = Vec::new();
    if let Some(cond) = &q.applies_when {
        extension.push(condition_extension(url::APPLIES_WHEN, cond));
    }
    let citation = q
        .provenance
        .citation
        .clone()
        .filter(|c| !c.trim().is_empty())
        .unwrap_or_else(|| citation_of(None, q.title.resolve(lang, lang), &canonical));
    extension.push(Extension::new(url::CITATION, ExtValue::String(citation)));
    let mut items = Vec::new();
    if let Some(intro) = &q.intro {
        let (text, text_ext) = split_text(intro, lang);
        items.push(FhirItem {
            link_id: INTRO_LINK.into(),
            text,
            text_ext,
            kind: "display",
            ..FhirItem::default()
        });
    }
    items.extend(q.items.iter().map(|i| item(q, i)));
    items.extend(q.scales.iter().map(|s| scale_item(q, s)));
    let resource = Resource {
        resource_type: "Questionnaire",
        id: q.id.replace('_', "-"),
        meta: Meta {
            profile: vec![url::SDC_PROFILE],
        },
        language: q.language.clone(),
        extension,
        url: canonical,
        version: q.version.clone(),
        name: computable_name(&q.id),
        title,
        title_ext,
        status: "active",
        description,
        description_ext,
        copyright: copyright(q),
        item: items,
    };
    Exported {
        resource: serde_json::to_value(&resource).unwrap_or(Value::Null),
        left_out: left_out(q),
    }
}

/// The citation made from a publisher, a title and a URL, when the source gives none.
pub(super) fn citation_of(publisher: Option<&str>, title: &str, url: &str) -> String {
    [publisher.unwrap_or(""), title, url]
        .iter()
        .map(|s| s.trim().trim_end_matches('.'))
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(". ")
}

/// The copyright line: the licence; a public-domain questionnaire says so.
fn copyright(q: &Questionnaire) -> String {
    let license = q
        .provenance
        .license
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty());
    match (q.provenance.kind, license) {
        (ProvenanceKind::PublicDomain, Some(l)) if l.to_lowercase().contains("public domain") => {
            l.to_owned()
        }
        (ProvenanceKind::PublicDomain, Some(l)) => format!("Public domain. {l}"),
        (ProvenanceKind::PublicDomain, None) => "Public domain.".into(),
        (_, Some(l)) => l.to_owned(),
        (_, None) => NO_LICENCE.into(),
    }
}

/// FHIR's computable name: `six_domain` is `SixDomain`.
fn computable_name(id: &str) -> String {
    id.split(['_', '-'])
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect::<String>()
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .to_owned()
}

/// What the FHIR resource does not carry, in words.
fn left_out(q: &Questionnaire) -> Vec<String> {
    let mut out = Vec::new();
    let bands: usize = q.scales.iter().map(|s| s.bands.len()).sum();
    if bands > 0 {
        out.push(format!(
            "the {bands} band{} that interpret{} the scores",
            plural(bands),
            if bands == 1 { "s" } else { "" }
        ));
    }
    if !q.flags.is_empty() {
        out.push(format!("{} flag{}", q.flags.len(), plural(q.flags.len())));
    }
    if q.guidance
        .as_ref()
        .is_some_and(|g| g.entries().next().is_some())
    {
        out.push("the guidance".into());
    }
    if q.recall_period.is_some() {
        out.push("the recall period".into());
    }
    if q.provenance.validated {
        out.push("that it is a validated instrument".into());
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn item(q: &Questionnaire, item: &Item) -> FhirItem {
    let lang = q.language.as_str();
    let common = item.common();
    let (text, text_ext) = split_text(common.text, lang);
    let mut out = FhirItem {
        link_id: common.id.to_owned(),
        text,
        text_ext,
        ..FhirItem::default()
    };
    common_extensions(&common, &mut out.extension);
    match item {
        Item::SingleChoice(c) => {
            out.kind = "choice";
            let options = q.options_of(item);
            let (min, max) = q.item_range(item).unwrap_or((0.0, 0.0));
            out.answer_option = options
                .iter()
                .map(|o| {
                    let score = if c.reverse {
                        min + max - o.value as f64
                    } else {
                        o.value as f64
                    };
                    answer_option(q, common.id, o, Some(score))
                })
                .collect();
        }
        Item::MultiChoice(m) => {
            out.kind = "choice";
            out.repeats = Some(true);
            out.answer_option = q
                .options_of(item)
                .iter()
                .map(|o| answer_option(q, common.id, o, Some(o.value as f64)))
                .collect();
            if let Some(n) = m.min_choices {
                out.extension
                    .push(Extension::new(url::MIN_OCCURS, ExtValue::Integer(n as i64)));
            }
            if let Some(n) = m.max_choices {
                out.extension
                    .push(Extension::new(url::MAX_OCCURS, ExtValue::Integer(n as i64)));
            }
        }
        Item::Number(n) => {
            let whole = n.decimals == 0;
            out.kind = if whole { "integer" } else { "decimal" };
            let bound = |x: f64| {
                if whole {
                    ExtValue::Integer(x as i64)
                } else {
                    ExtValue::Decimal(number(x))
                }
            };
            out.extension
                .push(Extension::new(url::MIN_VALUE, bound(n.min)));
            out.extension
                .push(Extension::new(url::MAX_VALUE, bound(n.max)));
            if !whole {
                out.extension.push(Extension::new(
                    url::MAX_DECIMALS,
                    ExtValue::Integer(i64::from(n.decimals)),
                ));
            }
            if let Some(unit) = &n.unit {
                let (display, display_ext) = split_text(unit, lang);
                out.extension.push(Extension::new(
                    url::UNIT,
                    ExtValue::Coding(Coding {
                        display: Some(display),
                        display_ext,
                        ..Coding::default()
                    }),
                ));
            }
            if n.reverse {
                out.extension
                    .push(Extension::new(url::REVERSE, ExtValue::Boolean(true)));
            }
        }
        Item::Text(t) => {
            out.kind = "text";
            out.max_length = Some(t.max_length);
        }
        Item::Display(_) => out.kind = "display",
    }
    if item.is_question() && common.required {
        out.required = Some(true);
    }
    if let Some(cond) = common.enable_when {
        match enable_when(q, cond) {
            Some((list, behavior)) => {
                out.enable_when = list;
                out.enable_behavior = Some(behavior);
            }
            None => out
                .extension
                .push(condition_extension(url::CONDITION, cond)),
        }
    }
    if let Some(hint) = common.hint {
        let (text, text_ext) = split_text(hint, lang);
        out.item.push(FhirItem {
            extension: vec![Extension::new(
                url::ITEM_CONTROL,
                ExtValue::CodeableConcept(CodeableConcept {
                    coding: vec![Coding {
                        system: Some(url::ITEM_CONTROL_SYSTEM.into()),
                        code: Some("help".into()),
                        display: Some("Help-Button".into()),
                        display_ext: None,
                    }],
                    text: None,
                }),
            )],
            link_id: hint_link(common.id),
            text,
            text_ext,
            kind: "display",
            ..FhirItem::default()
        });
    }
    out
}

/// `declinable` and `tags`, which FHIR has no element for.
fn common_extensions(common: &ItemCommon, out: &mut Vec<Extension>) {
    if common.declinable {
        out.push(Extension::new(url::DECLINABLE, ExtValue::Boolean(true)));
    }
    for tag in common.tags {
        out.push(Extension::new(url::TAG, ExtValue::Code(tag.clone())));
    }
}

fn answer_option(
    q: &Questionnaire,
    item: &str,
    o: &ChoiceOption,
    score: Option<f64>,
) -> AnswerOption {
    let (display, display_ext) = split_text(&o.label, &q.language);
    let mut extension = Vec::new();
    if let Some(score) = score {
        extension.push(Extension::new(
            url::ORDINAL,
            ExtValue::Decimal(number(score)),
        ));
    }
    if o.exclusive {
        extension.push(Extension::new(
            url::OPTION_EXCLUSIVE,
            ExtValue::Boolean(true),
        ));
    }
    AnswerOption {
        extension,
        value_coding: Coding {
            system: Some(option_system(&q.id, item)),
            code: Some(o.value.to_string()),
            display: Some(display),
            display_ext,
        },
    }
}

/// A condition FHIR cannot say, as confide's JSON of it.
fn condition_extension(url: &str, cond: &Condition) -> Extension {
    let json = serde_json::to_string(cond).unwrap_or_default();
    Extension::new(url, ExtValue::String(json))
}

/// A condition as `enableWhen` and `enableBehavior`, when it can be said exactly that way:
/// one level of clauses on items of this questionnaire. FHIR compares codings only for
/// equality, so `>= 2` on a choice becomes "= 2 or = 3"; and `!=` is paired with "the item
/// is answered", since confide never counts a missing answer as different.
fn enable_when(q: &Questionnaire, cond: &Condition) -> Option<(Vec<EnableWhen>, &'static str)> {
    let clauses = cond.clauses();
    let single = clauses.len() == 1;
    let any = matches!(cond, Condition::Any(_));
    let mut behavior = if any { "any" } else { "all" };
    let mut out: Vec<EnableWhen> = Vec::new();
    for clause in clauses {
        let Clause::Compare(c) = clause else {
            return None;
        };
        let id = c.item.as_deref().filter(|i| !i.contains('.'))?;
        let (_, target) = q.item(id)?;
        let mut list = clause_enable_when(q, id, target, c)?;
        if list.len() > 1 && list[0].operator == "=" {
            // An expanded comparison: several options, any of which enables.
            if !(any || single) {
                return None;
            }
            behavior = "any";
        } else if list.len() > 1 {
            // `!=` with its companion: both must hold.
            if any && !single {
                return None;
            }
            behavior = "all";
        }
        out.append(&mut list);
    }
    let mut unique: Vec<EnableWhen> = Vec::with_capacity(out.len());
    for ew in out {
        if !unique.contains(&ew) {
            unique.push(ew);
        }
    }
    Some((unique, behavior))
}

fn clause_enable_when(
    q: &Questionnaire,
    id: &str,
    target: &Item,
    c: &Comparison,
) -> Option<Vec<EnableWhen>> {
    let ew = |operator: &'static str, answer: Answer| EnableWhen {
        question: id.to_owned(),
        operator,
        answer,
    };
    let answered = ew("exists", Answer::Boolean(true));
    let coding = |v: i64| {
        Answer::Coding(CodingKey {
            system: option_system(&q.id, id),
            code: v.to_string(),
        })
    };
    let value = c.value.as_ref();
    match (target, &c.op) {
        (_, Op::Exists) => Some(vec![answered]),
        (_, Op::Missing) => Some(vec![ew("exists", Answer::Boolean(false))]),
        (Item::SingleChoice(_), Op::Eq) => Some(vec![ew("=", coding(value?.as_i64()?))]),
        (Item::MultiChoice(_), Op::Includes) => Some(vec![ew("=", coding(value?.as_i64()?))]),
        (Item::SingleChoice(_), Op::Ne) => Some(vec![ew("!=", coding(value?.as_i64()?)), answered]),
        (Item::SingleChoice(_), Op::Gt | Op::Ge | Op::Lt | Op::Le) => {
            let bound = value?.as_f64()?;
            let chosen: Vec<EnableWhen> = q
                .options_of(target)
                .iter()
                .filter(|o| holds(&c.op, o.value as f64, bound))
                .map(|o| ew("=", coding(o.value)))
                .collect();
            (!chosen.is_empty()).then_some(chosen)
        }
        (Item::Number(n), Op::Eq | Op::Ne | Op::Gt | Op::Ge | Op::Lt | Op::Le) => {
            let x = value?.as_f64()?;
            let answer = if n.decimals == 0 {
                (x.fract() == 0.0).then_some(Answer::Integer(x as i64))?
            } else {
                Answer::Decimal(number(x))
            };
            let first = ew(fhir_operator(&c.op)?, answer);
            Some(if c.op == Op::Ne {
                vec![first, answered]
            } else {
                vec![first]
            })
        }
        (Item::Text(_), Op::Eq) => Some(vec![ew("=", Answer::String(value?.as_str()?.into()))]),
        (Item::Text(_), Op::Ne) => Some(vec![
            ew("!=", Answer::String(value?.as_str()?.into())),
            answered,
        ]),
        _ => None,
    }
}

fn holds(op: &Op, x: f64, bound: f64) -> bool {
    match op {
        Op::Gt => x > bound,
        Op::Ge => x >= bound,
        Op::Lt => x < bound,
        Op::Le => x <= bound,
        _ => false,
    }
}

/// The FHIR operator of a comparison, which is spelled as confide spells it.
fn fhir_operator(op: &Op) -> Option<&'static str> {
    match op {
        Op::Eq => Some("="),
        Op::Ne => Some("!="),
        Op::Gt => Some(">"),
        Op::Ge => Some(">="),
        Op::Lt => Some("<"),
        Op::Le => Some("<="),
        _ => None,
    }
}

/// A scale as a read-only calculated item. How confide combines the parts is in the
/// `urn:confide:fhir:scale` extension; a plain total of choice items that are always asked
/// also gets SDC's `calculatedExpression`, so that other form fillers show it. A scale FHIRPath
/// cannot compute the same way (prorated, a mean, over items that may not be asked) is a
/// hidden item instead.
fn scale_item(q: &Questionnaire, s: &Scale) -> FhirItem {
    let lang = q.language.as_str();
    let (text, text_ext) = split_text(&s.title, lang);
    let mut parts = vec![Extension::new(
        "method",
        ExtValue::Code(
            match s.method {
                Method::Sum => "sum",
                Method::Mean => "mean",
            }
            .into(),
        ),
    )];
    parts.extend(
        s.items
            .iter()
            .map(|i| Extension::new("item", ExtValue::String(i.clone()))),
    );
    parts.extend(
        s.scales
            .iter()
            .map(|i| Extension::new("scale", ExtValue::String(i.clone()))),
    );
    if s.factor != 1.0 {
        parts.push(Extension::new(
            "factor",
            ExtValue::Decimal(number(s.factor)),
        ));
    }
    if let Some(m) = s.min_answered {
        parts.push(Extension::new("min-answered", ExtValue::Integer(m as i64)));
    }
    if s.prorate {
        parts.push(Extension::new("prorate", ExtValue::Boolean(true)));
    }
    let mut extension = vec![Extension {
        url: url::SCALE.into(),
        value: None,
        extension: parts,
    }];
    match total_expression(q, s) {
        Some(expression) => extension.push(Extension::new(
            url::CALCULATED,
            ExtValue::Expression(Expression {
                description: Some("Total of the option scores".into()),
                language: "text/fhirpath".into(),
                expression,
            }),
        )),
        None => extension.push(Extension::new(url::HIDDEN, ExtValue::Boolean(true))),
    }
    FhirItem {
        extension,
        link_id: scale_link(&s.id),
        code: vec![Coding {
            system: Some(SCALE_SYSTEM.into()),
            code: Some(format!("{}.{}", q.id, s.id)),
            display: Some(s.title.resolve(lang, lang).to_owned()),
            display_ext: None,
        }],
        text,
        text_ext,
        kind: "decimal",
        read_only: Some(true),
        ..FhirItem::default()
    }
}

/// The FHIRPath of a scale that is a plain total of single-choice items that are always
/// asked: the sum of their `ordinalValue`s once enough of them are answered.
fn total_expression(q: &Questionnaire, s: &Scale) -> Option<String> {
    let plain = s.method == Method::Sum && s.factor == 1.0 && !s.prorate && s.scales.is_empty();
    let always_asked_choices = s.items.iter().all(|id| {
        q.item(id).is_some_and(|(_, i)| {
            matches!(i, Item::SingleChoice(_)) && i.common().enable_when.is_none()
        })
    });
    if !plain || !always_asked_choices || s.items.is_empty() {
        return None;
    }
    let list = s
        .items
        .iter()
        .map(|i| format!("'{i}'"))
        .collect::<Vec<_>>()
        .join(" | ");
    let answers = format!("%resource.repeat(item).where(linkId in ({list})).answer");
    let needed = needed_parts(s, s.items.len());
    Some(format!(
        "iif({answers}.count() >= {needed}, {answers}.value.ordinal().sum(), {{}})"
    ))
}
