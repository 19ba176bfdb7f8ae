//! A FHIR R4 Questionnaire (or a Bundle of them) read into confide questionnaires. Whatever
//! cannot be carried over is refused item by item, with the linkId and the reason; what is
//! carried over with a difference is said in a note. The result always passes validation.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;

use super::export::{NO_LICENCE, citation_of};
use super::import_items::{Builder, clean_text};
use super::{CANONICAL_BASE, object, translations, url};
use crate::model::condition::Condition;
use crate::model::load::questionnaire_from_value;
use crate::model::questionnaire::{
    Provenance, ProvenanceKind, QUESTIONNAIRE_FORMAT, Questionnaire,
};
use crate::model::range::scale_ranges;
use crate::model::text::Text;
use crate::model::validate::{is_id, is_language_tag, truncate};

/// Most Questionnaires read from one file.
const MAX_RESOURCES: usize = 100;

/// Something of the source that was not carried over: its linkId and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub link_id: String,
    pub reason: String,
}

/// A questionnaire read from FHIR: valid, with what was left out and what changed.
#[derive(Debug, Clone)]
pub struct Imported {
    pub questionnaire: Questionnaire,
    /// The questionnaire as its JSON file (what `validate` accepts).
    pub value: Value,
    pub refused: Vec<Refusal>,
    pub notes: Vec<String>,
}

/// One Questionnaire of the input: its name for messages, and the questionnaire or why none
/// could be made of it.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub source: String,
    pub result: Result<Imported, String>,
}

/// Reads a Questionnaire resource, or a Bundle of them. An error when the value is neither.
pub fn import(value: &Value) -> Result<Vec<Outcome>, String> {
    let kind = value.get("resourceType").and_then(Value::as_str);
    let resources: Vec<&Value> = match kind {
        Some("Questionnaire") => vec![value],
        Some("Bundle") => {
            let entries = value
                .get("entry")
                .and_then(Value::as_array)
                .map_or(&[][..], Vec::as_slice);
            let found: Vec<&Value> = entries
                .iter()
                .filter_map(|e| e.get("resource"))
                .filter(|r| r.get("resourceType").and_then(Value::as_str) == Some("Questionnaire"))
                .collect();
            if found.is_empty() {
                return Err("the Bundle holds no Questionnaire".into());
            }
            found
        }
        Some(other) => {
            return Err(format!(
                "it is a FHIR {}, not a Questionnaire or a Bundle of them",
                truncate(other, 40)
            ));
        }
        None => return Err("it is not a FHIR resource (no resourceType)".into()),
    };
    if resources.len() > MAX_RESOURCES {
        return Err(format!(
            "it holds {} Questionnaires; the limit is {MAX_RESOURCES}",
            resources.len()
        ));
    }
    let mut ids = HashSet::new();
    Ok(resources
        .into_iter()
        .map(|r| {
            let source = source_name(r);
            let result = questionnaire(r, &mut ids);
            Outcome { source, result }
        })
        .collect())
}

/// How messages name a Questionnaire: its title, name, id or url.
fn source_name(r: &Value) -> String {
    ["title", "name", "id", "url"]
        .iter()
        .find_map(|k| r.get(*k).and_then(Value::as_str))
        .map_or_else(|| "a Questionnaire".into(), |s| truncate(s, 80))
}

fn questionnaire(r: &Value, taken: &mut HashSet<String>) -> Result<Imported, String> {
    let root = object(r);
    let items = root
        .get("item")
        .and_then(Value::as_array)
        .filter(|i| !i.is_empty())
        .ok_or("it has no items")?;
    let mut notes = BTreeSet::new();
    let language = match root.get("language").and_then(Value::as_str) {
        Some(l) if is_language_tag(&lower_primary(l)) => lower_primary(l),
        Some(l) => {
            notes.insert(format!(
                "`{}` is not a language tag confide knows; the text is taken as `en`",
                truncate(l, 20)
            ));
            "en".into()
        }
        None => {
            notes.insert("no language is given; the text is taken as `en`".into());
            "en".into()
        }
    };
    let text_field = |key: &str| -> Option<Result<Text, String>> {
        let s = root.get(key)?.as_str()?;
        Some(clean_text(s).map(|main| {
            let more = translations(root.get(&format!("_{key}")), &language);
            with_translations(main, more, &language)
        }))
    };
    let title = match text_field("title").or_else(|| text_field("name")) {
        Some(Ok(t)) => t,
        Some(Err(why)) => return Err(format!("its title: {why}")),
        None => Text::Plain(source_name(r)),
    };
    let description = match text_field("description") {
        Some(Ok(t)) => t,
        _ => title.clone(),
    };
    let id = unique_id(derive_id(root), taken);
    let version = version_of(root.get("version").and_then(Value::as_str), &mut notes);
    let provenance = provenance_of(root, &title, &language, &mut notes)?;
    let applies_when = condition_extension(r, url::APPLIES_WHEN)?;

    let mut b = Builder::new(language.clone(), r);
    b.walk(items, &[], 0);
    let mut scales = b.scales();
    let mut built = std::mem::take(&mut b.items);
    let mut refused = std::mem::take(&mut b.refused);
    notes.extend(std::mem::take(&mut b.notes));
    // Validation is the last word: what it refuses is refused item by item, and what
    // referred to it goes next.
    for _ in 0..=built.len() + scales.len() {
        let mut q = Questionnaire {
            schema: None,
            format: QUESTIONNAIRE_FORMAT.into(),
            id: id.clone(),
            version: version.clone(),
            language: language.clone(),
            title: title.clone(),
            description: description.clone(),
            recall_period: None,
            intro: b.intro.clone(),
            provenance: provenance.clone(),
            applies_when: applies_when.clone(),
            option_sets: Default::default(),
            items: built.iter().map(|i| i.item.clone()).collect(),
            scales: scales.iter().map(|s| s.scale.clone()).collect(),
            flags: Vec::new(),
            guidance: None,
        };
        let ranges = scale_ranges(&q);
        for (scale, range) in q.scales.iter_mut().zip(ranges) {
            if let (Some(band), Some(range)) = (scale.bands.first_mut(), range) {
                band.max = range.max;
            }
        }
        let value = serde_json::to_value(&q).map_err(|e| e.to_string())?;
        let problems = match questionnaire_from_value(value.clone()) {
            Ok(_) => {
                return Ok(Imported {
                    questionnaire: q,
                    value,
                    refused,
                    notes: notes.into_iter().collect(),
                });
            }
            Err(problems) => problems,
        };
        let mut drop_items = BTreeSet::new();
        let mut drop_scales = BTreeSet::new();
        for p in &problems {
            let path = p.path().unwrap_or("");
            if let Some(i) = index_after(path, "/items/").filter(|i| *i < built.len()) {
                if drop_items.insert(i) {
                    refused.push(Refusal {
                        link_id: built[i].link.clone(),
                        reason: problem_reason(path, &p.message),
                    });
                }
            } else if let Some(s) = index_after(path, "/scales/").filter(|s| *s < scales.len())
                && drop_scales.insert(s)
            {
                refused.push(Refusal {
                    link_id: scales[s].link.clone(),
                    reason: problem_reason(path, &p.message),
                });
            }
        }
        if drop_items.is_empty() && drop_scales.is_empty() {
            let first = problems
                .first()
                .map(ToString::to_string)
                .unwrap_or_default();
            return Err(
                if first.contains("only display items") || first.contains("no items") {
                    "nothing in it can be asked in confide".into()
                } else {
                    format!("it cannot be carried over: {first}")
                },
            );
        }
        built = built
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !drop_items.contains(i))
            .map(|(_, b)| b)
            .collect();
        scales = scales
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !drop_scales.contains(i))
            .map(|(_, s)| s)
            .collect();
        if built.iter().all(|b| !b.item.is_question()) {
            return Err("nothing in it can be asked in confide".into());
        }
    }
    Err("it cannot be carried over".into())
}

/// What validation said about an item or scale, without the path inside it.
fn problem_reason(path: &str, message: &str) -> String {
    let inner: Vec<&str> = path.split('/').skip(3).collect();
    if inner.is_empty() {
        message.to_owned()
    } else {
        format!("{} ({})", message, inner.join("/"))
    }
}

/// The index after `prefix` in a JSON pointer (`/items/3/options` gives 3).
fn index_after(path: &str, prefix: &str) -> Option<usize> {
    path.strip_prefix(prefix)?.split('/').next()?.parse().ok()
}

/// `EN-us` as `en-us`: language tags are case-insensitive, confide writes the language in
/// lower case.
fn lower_primary(tag: &str) -> String {
    match tag.split_once('-') {
        Some((lang, rest)) => format!("{}-{rest}", lang.to_lowercase()),
        None => tag.to_lowercase(),
    }
}

/// A text and its translations.
pub(super) fn with_translations(
    main: String,
    more: std::collections::BTreeMap<String, String>,
    language: &str,
) -> Text {
    let more: std::collections::BTreeMap<String, String> = more
        .into_iter()
        .filter(|(lang, _)| is_language_tag(lang))
        .filter_map(|(lang, s)| clean_text(&s).ok().map(|s| (lang, s)))
        .collect();
    if more.is_empty() {
        return Text::Plain(main);
    }
    let mut map = more;
    map.insert(language.to_owned(), main);
    Text::Map(map)
}

/// The id: a confide canonical URL says it; otherwise it is made from the name, the title or
/// the FHIR id, in the letters confide allows.
fn derive_id(root: &serde_json::Map<String, Value>) -> String {
    if let Some(id) = root
        .get("url")
        .and_then(Value::as_str)
        .and_then(|u| u.strip_prefix(CANONICAL_BASE))
        .filter(|id| is_id(id))
    {
        return id.to_owned();
    }
    ["title", "name", "id"]
        .iter()
        .filter_map(|k| root.get(*k).and_then(Value::as_str))
        .map(slug)
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| "imported".into())
}

/// Lowercase letters, digits and dashes, starting with a letter, at most 64 characters.
pub(super) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches(['-', '_']);
    let out = if out.starts_with(|c: char| c.is_ascii_lowercase()) {
        out.to_owned()
    } else if out.is_empty() {
        String::new()
    } else {
        format!("q-{out}")
    };
    out.chars()
        .take(64)
        .collect::<String>()
        .trim_end_matches(['-', '_'])
        .to_owned()
}

/// `id`, or `id-2`, `id-3` ... when taken.
pub(super) fn unique_id(id: String, taken: &mut HashSet<String>) -> String {
    let mut candidate = id.clone();
    let mut n = 2;
    while !taken.insert(candidate.clone()) {
        let suffix = format!("-{n}");
        let keep: String = id.chars().take(64 - suffix.len()).collect();
        candidate = format!("{keep}{suffix}");
        n += 1;
    }
    candidate
}

/// A semantic version: `1` is `1.0.0`, `2.7` is `2.7.0`; anything else is `1.0.0`, noted.
fn version_of(v: Option<&str>, notes: &mut BTreeSet<String>) -> String {
    let Some(v) = v.map(str::trim) else {
        return "1.0.0".into();
    };
    if semver::Version::parse(v).is_ok() {
        return v.to_owned();
    }
    let parts: Vec<&str> = v.split('.').collect();
    let numeric = parts
        .iter()
        .all(|p| !p.is_empty() && p.len() <= 9 && p.chars().all(|c| c.is_ascii_digit()));
    if numeric && parts.len() <= 3 {
        let mut nums: Vec<u64> = parts.iter().filter_map(|p| p.parse().ok()).collect();
        nums.resize(3, 0);
        return format!("{}.{}.{}", nums[0], nums[1], nums[2]);
    }
    notes.insert(format!(
        "version `{}` is not a version confide can compare; it is 1.0.0",
        truncate(v, 30)
    ));
    "1.0.0".into()
}

/// Provenance from `copyright`: public domain when it says so, otherwise licensed under it;
/// the citation is the `cqf-citation` extension, or made from publisher, title and url.
fn provenance_of(
    root: &serde_json::Map<String, Value>,
    title: &Text,
    language: &str,
    notes: &mut BTreeSet<String>,
) -> Result<Provenance, String> {
    let copyright = match root.get("copyright").and_then(Value::as_str) {
        Some(c) => clean_text(c).map_err(|why| format!("its copyright: {why}"))?,
        None => {
            notes.insert(
                "it states no copyright: check the licence of the instrument before using it"
                    .into(),
            );
            NO_LICENCE.into()
        }
    };
    let kind = if copyright.to_lowercase().contains("public domain") {
        ProvenanceKind::PublicDomain
    } else {
        ProvenanceKind::Licensed
    };
    let cited = root
        .get("extension")
        .and_then(Value::as_array)
        .and_then(|exts| {
            exts.iter()
                .find(|e| e.get("url").and_then(Value::as_str) == Some(url::CITATION))
        })
        .and_then(|e| e.get("valueString"))
        .and_then(Value::as_str);
    let citation = match cited {
        Some(c) => clean_text(c).map_err(|why| format!("its citation: {why}"))?,
        None => clean_text(&citation_of(
            root.get("publisher").and_then(Value::as_str),
            title.resolve(language, language),
            root.get("url").and_then(Value::as_str).unwrap_or(""),
        ))
        .map_err(|why| format!("its publisher, title or url: {why}"))?,
    };
    Ok(Provenance {
        kind,
        citation: Some(citation),
        license: Some(copyright),
        validated: false,
    })
}

/// A confide condition carried in an extension of `r` (as its JSON).
pub(super) fn condition_extension(r: &Value, ext_url: &str) -> Result<Option<Condition>, String> {
    let Some(text) = r
        .get("extension")
        .and_then(Value::as_array)
        .and_then(|exts| {
            exts.iter()
                .find(|e| e.get("url").and_then(Value::as_str) == Some(ext_url))
        })
        .map(|e| e.get("valueString").and_then(Value::as_str))
    else {
        return Ok(None);
    };
    let text = text.ok_or("a confide condition extension has no valueString")?;
    let value = crate::model::load::strict_json(text.as_bytes())
        .map_err(|_| "a confide condition extension does not hold JSON".to_string())?;
    crate::model::de::from_value::<Condition>(&value)
        .map(Some)
        .map_err(|m| format!("a confide condition extension: {}", m.error))
}
