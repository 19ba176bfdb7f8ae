//! The items of a FHIR Questionnaire: groups flattened into display items and the items in
//! them, questions with their options and conditions, help text as hints.

use std::collections::{BTreeSet, HashSet};

use serde::Deserialize;
use serde_json::{Map, Value};

use super::import::{Refusal, condition_extension, slug, unique_id, with_translations};
use super::import_scales::Total;
use super::{INTRO_LINK, translations, url};
use crate::model::condition::{Clause, Comparison, Condition, Op};
use crate::model::questionnaire::{
    ChoiceItem, ChoiceOption, DisplayItem, Item, MultiChoiceItem, NumberItem, TextItem,
};
use crate::model::text::Text;
use crate::model::validate::{is_forbidden_char, truncate};

/// Groups nested deeper than this are refused (a hostile file could nest thousands).
const MAX_DEPTH: usize = 12;
/// Most `enableWhen` entries on one item, as confide's conditions allow.
const MAX_CLAUSES: usize = 50;
/// Most options of one item, as the format allows.
const MAX_OPTIONS: usize = 50;
/// The bounds of a number item that gives none: the widest confide keeps exact.
const NUMBER_LIMIT: f64 = 1e12;
/// The longest text confide keeps.
const MAX_TEXT: usize = 10_000;

/// An item of the source as it is read (every field optional; others are ignored).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct RawItem {
    pub(super) link_id: String,
    prefix: Option<String>,
    pub(super) text: Option<String>,
    #[serde(rename = "_text")]
    pub(super) text_ext: Option<Value>,
    #[serde(rename = "type")]
    pub(super) kind: String,
    required: Option<bool>,
    repeats: Option<bool>,
    read_only: Option<bool>,
    max_length: Option<i64>,
    enable_when: Vec<RawEnableWhen>,
    enable_behavior: Option<String>,
    answer_option: Vec<Value>,
    answer_value_set: Option<String>,
    initial: Vec<Value>,
    pub(super) extension: Vec<Value>,
    modifier_extension: Vec<Value>,
}

#[derive(Debug, Deserialize)]
struct RawEnableWhen {
    question: String,
    operator: String,
    #[serde(flatten)]
    answer: Map<String, Value>,
}

/// What kind of question an item became, for conditions on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Single,
    Multi,
    Boolean,
    Number,
    Text,
    Display,
}

/// One option as the source gives it, and the value it got.
#[derive(Debug, Clone)]
pub(super) struct Opt {
    code: Option<String>,
    system: Option<String>,
    display: String,
    pub(super) value: i64,
}

/// An item carried over, with what conditions and totals need to know of its source.
#[derive(Debug, Clone)]
pub(super) struct Built {
    pub(super) link: String,
    pub(super) item: Item,
    pub(super) kind: Kind,
    pub(super) options: Vec<Opt>,
    /// Whether its option values are the source's scores (`ordinalValue`, `itemWeight`).
    pub(super) scored: bool,
}

pub(super) struct Builder<'a> {
    language: String,
    root: &'a Value,
    pub(super) items: Vec<Built>,
    pub(super) intro: Option<Text>,
    links: HashSet<String>,
    ids: HashSet<String>,
    pub(super) refused: Vec<Refusal>,
    pub(super) notes: BTreeSet<String>,
    pub(super) totals: Vec<Total>,
}

/// A text from the file as confide keeps it: line ends made `\n`, tabs made spaces; empty
/// text, text over the limit and text with control or direction characters are refused.
pub(crate) fn clean_text(s: &str) -> Result<String, String> {
    let s = s
        .replace("\r\n", "\n")
        .replace(['\r'], "\n")
        .replace('\t', " ");
    let s = s.trim();
    if s.is_empty() {
        return Err("the text is empty".into());
    }
    if s.chars().count() > MAX_TEXT {
        return Err(format!("the text is longer than {MAX_TEXT} characters"));
    }
    if let Some(c) = s.chars().find(|c| is_forbidden_char(*c)) {
        return Err(format!(
            "the text holds the control character U+{:04X}",
            c as u32
        ));
    }
    Ok(s.to_owned())
}

/// The extension of a list with this URL.
pub(super) fn find_ext<'v>(exts: &'v [Value], ext_url: &str) -> Option<&'v Value> {
    exts.iter()
        .find(|e| e.get("url").and_then(Value::as_str) == Some(ext_url))
}

fn ext_list(v: &Value) -> &[Value] {
    v.get("extension")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
}

/// A number given as valueInteger or valueDecimal.
fn ext_number(e: &Value) -> Option<f64> {
    e.get("valueDecimal")
        .or_else(|| e.get("valueInteger"))
        .and_then(Value::as_f64)
}

impl<'a> Builder<'a> {
    pub(super) fn new(language: String, root: &'a Value) -> Builder<'a> {
        Builder {
            language,
            root,
            items: Vec::new(),
            intro: None,
            links: HashSet::new(),
            ids: HashSet::new(),
            refused: Vec::new(),
            notes: BTreeSet::new(),
            totals: Vec::new(),
        }
    }

    fn refuse(&mut self, link: &str, reason: impl Into<String>) {
        self.refused.push(Refusal {
            link_id: truncate(link, 80),
            reason: reason.into(),
        });
    }

    fn note(&mut self, link: &str, what: impl AsRef<str>) {
        self.notes
            .insert(format!("`{}`: {}", truncate(link, 80), what.as_ref()));
    }

    /// Reads a list of items with the conditions of the groups around them.
    pub(super) fn walk(&mut self, list: &'a [Value], inherited: &[Condition], depth: usize) {
        self.walk_refs(list.iter().collect(), inherited, depth);
    }

    fn walk_refs(&mut self, list: Vec<&'a Value>, inherited: &[Condition], depth: usize) {
        for (pos, raw) in list.into_iter().enumerate() {
            self.node(raw, inherited, depth, depth == 0 && pos == 0);
        }
    }

    fn node(&mut self, raw: &'a Value, inherited: &[Condition], depth: usize, first: bool) {
        let Some(link) = raw.get("linkId").and_then(Value::as_str) else {
            self.refuse("(no linkId)", "an item has no linkId");
            return;
        };
        if depth > MAX_DEPTH {
            self.refuse(
                link,
                format!("it is nested more than {MAX_DEPTH} levels deep"),
            );
            return;
        }
        if !self.links.insert(link.to_owned()) {
            self.refuse(link, "an earlier item has the same linkId");
            return;
        }
        let item = match RawItem::deserialize(raw) {
            Ok(item) => item,
            Err(e) => {
                self.refuse(
                    link,
                    format!(
                        "it is not a valid FHIR item ({})",
                        truncate(&e.to_string(), 120)
                    ),
                );
                return;
            }
        };
        if !item.modifier_extension.is_empty() {
            self.refuse(
                link,
                "it has a modifierExtension, which changes its meaning in a way confide cannot know",
            );
            return;
        }
        if item.kind == "display"
            && first
            && link == INTRO_LINK
            && item.enable_when.is_empty()
            && let Ok(text) = self.text_of(&item)
        {
            self.intro = Some(text);
            return;
        }
        let own = match self.condition(&item, raw) {
            Ok(c) => c,
            Err(why) => {
                self.refuse(link, why);
                return;
            }
        };
        let mut conditions = inherited.to_vec();
        conditions.extend(own);
        match item.kind.as_str() {
            "group" => self.group(link, raw, &item, &conditions, depth),
            "display" => self.display(link, &item, &conditions),
            _ => self.question(link, raw, &item, &conditions, depth),
        }
    }

    fn group(
        &mut self,
        link: &str,
        raw: &'a Value,
        item: &RawItem,
        conditions: &[Condition],
        depth: usize,
    ) {
        if item.repeats == Some(true) {
            self.refuse(link, "a repeating group: confide asks each question once");
            return;
        }
        if item.required == Some(true) {
            self.note(
                link,
                "the group is required; confide asks for each item as the item itself says",
            );
        }
        if item.text.is_some() {
            self.display(link, item, conditions);
        }
        // The items of a group keep their own order after its heading.
        self.walk(children(raw), conditions, depth + 1);
    }

    fn display(&mut self, link: &str, item: &RawItem, conditions: &[Condition]) {
        let text = match self.text_of(item) {
            Ok(t) => t,
            Err(why) => return self.refuse(link, why),
        };
        let id = self.id_for(link);
        let built = Built {
            link: link.to_owned(),
            item: Item::Display(DisplayItem {
                id,
                text,
                tags: self.tags(item),
                enable_when: combine(conditions),
            }),
            kind: Kind::Display,
            options: Vec::new(),
            scored: false,
        };
        self.items.push(built);
    }

    /// The text of an item, its prefix first, with translations.
    fn text_of(&self, item: &RawItem) -> Result<Text, String> {
        let text = item.text.as_deref().ok_or("it has no text")?;
        let main = match item
            .prefix
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(prefix) => clean_text(&format!("{prefix} {text}"))?,
            None => clean_text(text)?,
        };
        let more = translations(item.text_ext.as_ref(), &self.language);
        Ok(with_translations(main, more, &self.language))
    }

    fn tags(&self, item: &RawItem) -> Vec<String> {
        item.extension
            .iter()
            .filter(|e| e.get("url").and_then(Value::as_str) == Some(url::TAG))
            .filter_map(|e| e.get("valueCode").and_then(Value::as_str))
            .map(str::to_owned)
            .collect()
    }

    fn id_for(&mut self, link: &str) -> String {
        let base = slug(link);
        let base = if base.is_empty() { "item".into() } else { base };
        unique_id(base, &mut self.ids)
    }

    fn question(
        &mut self,
        link: &str,
        raw: &'a Value,
        item: &RawItem,
        conditions: &[Condition],
        depth: usize,
    ) {
        if let Some(total) = Total::of(link, raw, item, self) {
            self.totals.push(total);
            return;
        }
        let exts = &item.extension;
        if find_ext(exts, url::HIDDEN).and_then(|e| e.get("valueBoolean"))
            == Some(&Value::Bool(true))
        {
            return self.refuse(link, "it is hidden, so it is never asked");
        }
        if item.read_only == Some(true) {
            return self.refuse(link, "it is read-only: it shows a value instead of asking");
        }
        for (ext_url, what) in [
            (
                "sdc-questionnaire-answerExpression",
                "answerExpression (options computed by FHIRPath)",
            ),
            (
                "sdc-questionnaire-candidateExpression",
                "candidateExpression (options computed by FHIRPath)",
            ),
            (
                "questionnaire-referenceResource",
                "a reference to other resources",
            ),
        ] {
            if exts.iter().any(|e| {
                e.get("url")
                    .and_then(Value::as_str)
                    .is_some_and(|u| u.ends_with(ext_url))
            }) {
                return self.refuse(link, format!("{what} cannot be carried over"));
            }
        }
        if !item.initial.is_empty() {
            self.note(
                link,
                "its initial answer is not kept (confide never fills in an answer)",
            );
        }
        let text = match self.text_of(item) {
            Ok(t) => t,
            Err(why) => return self.refuse(link, why),
        };
        let (hint, rest) = self.hint_and_rest(link, raw);
        let result = match item.kind.as_str() {
            "choice" | "open-choice" => self.choice(link, item, text.clone(), hint, conditions),
            "boolean" => Ok(self.boolean(link, item, text.clone(), hint, conditions)),
            "integer" | "decimal" | "quantity" => {
                self.number(link, item, text.clone(), hint, conditions)
            }
            "string" | "text" => self.text(link, item, text.clone(), hint, conditions),
            other => Err(format!(
                "`{}` items: confide has no such question",
                truncate(other, 30)
            )),
        };
        match result {
            Ok(built) => {
                let id = built.item.id().to_owned();
                self.items.push(built);
                if item.kind == "open-choice" {
                    self.other_answer(link, &id, text, item, conditions);
                }
            }
            Err(why) => return self.refuse(link, why),
        }
        // Items nested in a question are asked after it, when it is asked.
        if !rest.is_empty() {
            self.walk_refs(rest, conditions, depth + 1);
        }
    }

    /// The help text of a question (its display children shown as help, a flyover or a
    /// prompt), and its other children.
    fn hint_and_rest(&mut self, link: &str, raw: &'a Value) -> (Option<Text>, Vec<&'a Value>) {
        let children = children(raw);
        let is_help = |c: &Value| {
            c.get("type").and_then(Value::as_str) == Some("display")
                && find_ext(ext_list(c), url::ITEM_CONTROL)
                    .and_then(|e| e.pointer("/valueCodeableConcept/coding"))
                    .and_then(Value::as_array)
                    .is_some_and(|codes| {
                        codes.iter().any(|code| {
                            matches!(
                                code.get("code").and_then(Value::as_str),
                                Some("help" | "flyover" | "prompt")
                            )
                        })
                    })
        };
        let mut hints: Vec<Text> = Vec::new();
        for child in children.iter().filter(|c| is_help(c)) {
            let help: RawItem = RawItem::deserialize(child).unwrap_or_default();
            match self.text_of(&help) {
                Ok(t) => hints.push(t),
                Err(why) => self.refuse(&help.link_id, format!("its help text: {why}")),
            }
        }
        let hint = match hints.len() {
            0 => None,
            1 => hints.pop(),
            _ => {
                self.note(link, "its help texts are joined into one hint");
                let joined: Vec<&str> = hints
                    .iter()
                    .map(|h| h.resolve(&self.language, &self.language))
                    .collect();
                Some(Text::Plain(joined.join("\n\n")))
            }
        };
        let rest = children.iter().filter(|c| !is_help(c)).collect();
        (hint, rest)
    }

    fn common_flags(&self, item: &RawItem) -> (bool, bool, Vec<String>) {
        let declinable = find_ext(&item.extension, url::DECLINABLE)
            .and_then(|e| e.get("valueBoolean"))
            == Some(&Value::Bool(true));
        (item.required == Some(true), declinable, self.tags(item))
    }

    fn choice(
        &mut self,
        link: &str,
        item: &RawItem,
        text: Text,
        hint: Option<Text>,
        conditions: &[Condition],
    ) -> Result<Built, String> {
        let (options, scored, reverse) = self.options(link, item)?;
        let (required, declinable, tags) = self.common_flags(item);
        let id = self.id_for(link);
        let choice_options: Vec<ChoiceOption> = options
            .iter()
            .map(|o| ChoiceOption {
                value: o.opt.value,
                label: o.label.clone(),
                exclusive: o.exclusive,
            })
            .collect();
        let opts: Vec<Opt> = options.into_iter().map(|o| o.opt).collect();
        let enable_when = combine(conditions);
        // An open choice can be answered in words instead: that is a question of its own.
        let required = required && item.kind != "open-choice";
        if item.repeats == Some(true) {
            let min_choices = occurs(&item.extension, url::MIN_OCCURS);
            let max_choices = occurs(&item.extension, url::MAX_OCCURS);
            Ok(Built {
                link: link.to_owned(),
                item: Item::MultiChoice(MultiChoiceItem {
                    id,
                    text,
                    tags,
                    hint,
                    required,
                    declinable,
                    enable_when,
                    option_set: None,
                    options: Some(choice_options),
                    min_choices: min_choices.filter(|n| *n >= 1),
                    max_choices,
                }),
                kind: Kind::Multi,
                options: opts,
                scored,
            })
        } else {
            if choice_options.iter().any(|o| o.exclusive) {
                self.note(
                    link,
                    "optionExclusive only means something when several options can be chosen",
                );
            }
            let choice_options = choice_options
                .into_iter()
                .map(|o| ChoiceOption {
                    exclusive: false,
                    ..o
                })
                .collect();
            Ok(Built {
                link: link.to_owned(),
                item: Item::SingleChoice(ChoiceItem {
                    id,
                    text,
                    tags,
                    hint,
                    required,
                    declinable,
                    enable_when,
                    option_set: None,
                    options: Some(choice_options),
                    reverse,
                }),
                kind: Kind::Single,
                options: opts,
                scored,
            })
        }
    }

    /// The answer in words of an open choice: a text question asked when no option is chosen.
    fn other_answer(
        &mut self,
        link: &str,
        choice_id: &str,
        text: Text,
        item: &RawItem,
        conditions: &[Condition],
    ) {
        let mut conds = conditions.to_vec();
        conds.push(Condition::All(vec![Clause::Compare(Comparison {
            item: Some(choice_id.to_owned()),
            scale: None,
            op: Op::Missing,
            value: None,
        })]));
        let id = unique_id(
            format!("{}-other", truncate(choice_id, 50).trim_end_matches('…')),
            &mut self.ids,
        );
        let max_length = item
            .max_length
            .filter(|n| *n > 0)
            .map_or(MAX_TEXT, |n| (n as usize).min(MAX_TEXT));
        self.items.push(Built {
            link: format!("{link} (other)"),
            item: Item::Text(TextItem {
                id,
                text,
                tags: Vec::new(),
                hint: None,
                required: false,
                declinable: false,
                enable_when: combine(&conds),
                max_length,
            }),
            kind: Kind::Text,
            options: Vec::new(),
            scored: false,
        });
        self.note(
            link,
            "an open choice: an answer in words is asked as a text question when no option is chosen",
        );
    }

    fn boolean(
        &mut self,
        link: &str,
        item: &RawItem,
        text: Text,
        hint: Option<Text>,
        conditions: &[Condition],
    ) -> Built {
        let (yes, no) = yes_no(&self.language);
        let (required, declinable, tags) = self.common_flags(item);
        let id = self.id_for(link);
        let options = vec![
            ChoiceOption {
                value: 1,
                label: Text::Plain(yes.into()),
                exclusive: false,
            },
            ChoiceOption {
                value: 0,
                label: Text::Plain(no.into()),
                exclusive: false,
            },
        ];
        let opts = vec![
            Opt {
                code: Some("true".into()),
                system: None,
                display: yes.into(),
                value: 1,
            },
            Opt {
                code: Some("false".into()),
                system: None,
                display: no.into(),
                value: 0,
            },
        ];
        self.note(link, "a yes-or-no question: yes is 1 and no is 0");
        Built {
            link: link.to_owned(),
            item: Item::SingleChoice(ChoiceItem {
                id,
                text,
                tags,
                hint,
                required,
                declinable,
                enable_when: combine(conditions),
                option_set: None,
                options: Some(options),
                reverse: false,
            }),
            kind: Kind::Boolean,
            options: opts,
            scored: false,
        }
    }

    fn number(
        &mut self,
        link: &str,
        item: &RawItem,
        text: Text,
        hint: Option<Text>,
        conditions: &[Condition],
    ) -> Result<Built, String> {
        let exts = &item.extension;
        if item.repeats == Some(true) {
            return Err("it repeats: confide takes one number per question".into());
        }
        let decimals = match item.kind.as_str() {
            "integer" => 0,
            _ => match find_ext(exts, url::MAX_DECIMALS)
                .and_then(|e| e.get("valueInteger"))
                .and_then(Value::as_i64)
            {
                Some(d) if (0..=6).contains(&d) => d as u8,
                Some(d) if d > 6 => {
                    self.note(link, format!("{d} decimal places are cut to 6"));
                    6
                }
                Some(_) => return Err("maxDecimalPlaces is negative".into()),
                None => 6,
            },
        };
        let bound = |key: &str| find_ext(exts, key).and_then(ext_number);
        let (min, max) = (bound(url::MIN_VALUE), bound(url::MAX_VALUE));
        if min.is_none() || max.is_none() {
            self.note(
                link,
                "it gives no minValue or maxValue; confide takes any number from -10^12 to 10^12",
            );
        }
        let (min, max) = (min.unwrap_or(-NUMBER_LIMIT), max.unwrap_or(NUMBER_LIMIT));
        if min.abs() > NUMBER_LIMIT || max.abs() > NUMBER_LIMIT {
            return Err(
                "its minValue or maxValue is beyond 10^12, which confide cannot keep exact".into(),
            );
        }
        if min >= max {
            return Err(format!(
                "its minValue ({min}) is not below its maxValue ({max})"
            ));
        }
        let unit = self.unit(exts, item);
        if item.kind == "quantity" {
            self.note(
                link,
                "a quantity: the answer is a number, in the unit given",
            );
        }
        let (required, declinable, tags) = self.common_flags(item);
        let reverse = find_ext(exts, url::REVERSE).and_then(|e| e.get("valueBoolean"))
            == Some(&Value::Bool(true));
        let id = self.id_for(link);
        Ok(Built {
            link: link.to_owned(),
            item: Item::Number(NumberItem {
                id,
                text,
                tags,
                hint,
                required,
                declinable,
                enable_when: combine(conditions),
                min,
                max,
                decimals,
                unit,
                reverse,
            }),
            kind: Kind::Number,
            options: Vec::new(),
            scored: true,
        })
    }

    /// The unit of a number: `questionnaire-unit`, or the only `unitOption`.
    fn unit(&self, exts: &[Value], _item: &RawItem) -> Option<Text> {
        let coding = find_ext(exts, url::UNIT)
            .and_then(|e| e.get("valueCoding"))
            .or_else(|| {
                let options: Vec<&Value> = exts
                    .iter()
                    .filter(|e| {
                        e.get("url")
                            .and_then(Value::as_str)
                            .is_some_and(|u| u.ends_with("questionnaire-unitOption"))
                    })
                    .collect();
                (options.len() == 1)
                    .then(|| options[0].get("valueCoding"))
                    .flatten()
            })?;
        let main = coding
            .get("display")
            .or_else(|| coding.get("code"))
            .and_then(Value::as_str)
            .and_then(|s| clean_text(s).ok())?;
        let more = translations(coding.get("_display"), &self.language);
        Some(with_translations(main, more, &self.language))
    }

    fn text(
        &mut self,
        link: &str,
        item: &RawItem,
        text: Text,
        hint: Option<Text>,
        conditions: &[Condition],
    ) -> Result<Built, String> {
        if item.repeats == Some(true) {
            return Err("it repeats: confide takes one answer per question".into());
        }
        let max_length = match item.max_length {
            Some(n) if n < 1 => return Err("its maxLength is less than 1".into()),
            Some(n) if n as usize > MAX_TEXT => {
                self.note(
                    link,
                    format!("answers are limited to {MAX_TEXT} characters"),
                );
                MAX_TEXT
            }
            Some(n) => n as usize,
            None => MAX_TEXT,
        };
        let (required, declinable, tags) = self.common_flags(item);
        let id = self.id_for(link);
        Ok(Built {
            link: link.to_owned(),
            item: Item::Text(TextItem {
                id,
                text,
                tags,
                hint,
                required,
                declinable,
                enable_when: combine(conditions),
                max_length,
            }),
            kind: Kind::Text,
            options: Vec::new(),
            scored: false,
        })
    }

    /// The built item with this linkId.
    pub(super) fn by_link(&self, link: &str) -> Option<&Built> {
        self.items.iter().find(|b| b.link == link)
    }

    pub(super) fn language(&self) -> &str {
        &self.language
    }

    pub(super) fn root(&self) -> &'a Value {
        self.root
    }

    pub(super) fn contained(&self, id: &str) -> Option<&'a Value> {
        self.root
            .get("contained")
            .and_then(Value::as_array)?
            .iter()
            .find(|r| r.get("id").and_then(Value::as_str) == Some(id))
    }

    /// An item's condition: the confide extension, or its `enableWhen`.
    fn condition(&self, item: &RawItem, raw: &Value) -> Result<Option<Condition>, String> {
        if let Some(c) = condition_extension(raw, url::CONDITION)? {
            for (_, cmp) in c.comparisons() {
                if let Some(r) = cmp.item.as_deref().filter(|r| !r.contains('.'))
                    && !self.items.iter().any(|b| b.item.id() == r)
                {
                    return Err(format!(
                        "its condition refers to `{}`, which is not carried over",
                        truncate(r, 60)
                    ));
                }
            }
            return Ok(Some(c));
        }
        if find_ext(&item.extension, url::ENABLE_WHEN_EXPRESSION).is_some() {
            return Err(
                "enableWhenExpression: confide cannot evaluate a FHIRPath condition".into(),
            );
        }
        if item.enable_when.is_empty() {
            return Ok(None);
        }
        if item.enable_when.len() > MAX_CLAUSES {
            return Err(format!(
                "{} enableWhen conditions; confide takes at most {MAX_CLAUSES}",
                item.enable_when.len()
            ));
        }
        let clauses = item
            .enable_when
            .iter()
            .map(|ew| self.clause(ew))
            .collect::<Result<Vec<Clause>, String>>()?;
        let any = match item.enable_behavior.as_deref() {
            Some("any") => true,
            Some("all") | None => false,
            Some(other) => {
                return Err(format!(
                    "enableBehavior `{}` is not all or any",
                    truncate(other, 20)
                ));
            }
        };
        if clauses.len() == 1
            && let Clause::Nested(inner) = &clauses[0]
        {
            return Ok(Some(inner.clone()));
        }
        Ok(Some(if any {
            Condition::Any(clauses)
        } else {
            Condition::All(clauses)
        }))
    }

    /// One `enableWhen` as a clause of a confide condition.
    fn clause(&self, ew: &RawEnableWhen) -> Result<Clause, String> {
        let q = truncate(&ew.question, 60);
        let target = self.by_link(&ew.question).ok_or_else(|| {
            format!("its enableWhen refers to `{q}`, which is not carried over or comes later")
        })?;
        let answer = ew
            .answer
            .iter()
            .find(|(k, _)| k.starts_with("answer"))
            .ok_or("an enableWhen has no answer")?;
        let compare = |op: Op, value: Option<Value>| {
            Clause::Compare(Comparison {
                item: Some(target.item.id().to_owned()),
                scale: None,
                op,
                value,
            })
        };
        let op = ew.operator.as_str();
        if op == "exists" {
            return match answer {
                (k, Value::Bool(b)) if k == "answerBoolean" => {
                    Ok(compare(if *b { Op::Exists } else { Op::Missing }, None))
                }
                _ => Err("an `exists` enableWhen needs answerBoolean".into()),
            };
        }
        let fhir_op = match op {
            "=" => Op::Eq,
            "!=" => Op::Ne,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "<" => Op::Lt,
            "<=" => Op::Le,
            other => {
                return Err(format!(
                    "enableWhen operator `{}` is unknown",
                    truncate(other, 10)
                ));
            }
        };
        match target.kind {
            Kind::Display => Err(format!(
                "its enableWhen refers to `{q}`, which asks nothing"
            )),
            Kind::Number => {
                let x = match answer {
                    (k, v) if k == "answerInteger" || k == "answerDecimal" => v.as_f64(),
                    (k, v) if k == "answerQuantity" => v.get("value").and_then(Value::as_f64),
                    _ => None,
                }
                .ok_or_else(|| {
                    format!("its enableWhen compares the number `{q}` with {}", answer.0)
                })?;
                Ok(compare(fhir_op, Some(super::number(x))))
            }
            Kind::Text => match (answer, &fhir_op) {
                ((k, Value::String(s)), Op::Eq | Op::Ne) if k == "answerString" => {
                    Ok(compare(fhir_op, Some(Value::String(s.clone()))))
                }
                _ => Err(format!(
                    "its enableWhen compares the text `{q}` with `{op}` {}",
                    answer.0
                )),
            },
            Kind::Single | Kind::Multi | Kind::Boolean => {
                self.choice_clause(target, &q, &fhir_op, answer, compare)
            }
        }
    }

    fn choice_clause(
        &self,
        target: &Built,
        q: &str,
        op: &Op,
        (key, value): (&String, &Value),
        compare: impl Fn(Op, Option<Value>) -> Clause,
    ) -> Result<Clause, String> {
        let multi = target.kind == Kind::Multi;
        let matched: Vec<i64> = match op {
            Op::Eq | Op::Ne => target
                .options
                .iter()
                .filter(|o| option_equals(o, key, value))
                .map(|o| o.value)
                .collect(),
            _ => {
                let bound = numeric_answer(key, value)
                    .ok_or_else(|| format!("its enableWhen compares the options of `{q}` with {key}, which has no order"))?;
                let mut chosen = Vec::new();
                for o in &target.options {
                    let x = o
                        .code
                        .as_deref()
                        .and_then(|c| c.trim().parse::<f64>().ok())
                        .ok_or_else(|| format!("its enableWhen orders the options of `{q}`, whose codes are not numbers"))?;
                    if compare_op(op, x, bound) {
                        chosen.push(o.value);
                    }
                }
                chosen
            }
        };
        let v = |x: i64| Some(Value::from(x));
        let any_of = |op: fn() -> Op, values: &[i64]| -> Clause {
            if values.len() == 1 {
                compare(op(), v(values[0]))
            } else {
                Clause::Nested(Condition::Any(
                    values.iter().map(|x| compare(op(), v(*x))).collect(),
                ))
            }
        };
        let includes_or_eq = if multi { || Op::Includes } else { || Op::Eq };
        match op {
            Op::Ne if multi => {
                let others: Vec<i64> = target
                    .options
                    .iter()
                    .map(|o| o.value)
                    .filter(|x| !matched.contains(x))
                    .collect();
                if others.is_empty() {
                    return Err(format!("its enableWhen on `{q}` can never be true"));
                }
                Ok(any_of(|| Op::Includes, &others))
            }
            Op::Ne => match matched.as_slice() {
                [] => Ok(compare(Op::Exists, None)),
                [x] => Ok(compare(Op::Ne, v(*x))),
                _ => Err(format!("its enableWhen on `{q}` matches several options")),
            },
            _ if matched.is_empty() => Err(format!(
                "its enableWhen on `{q}` names an answer that none of its options has"
            )),
            _ => Ok(any_of(includes_or_eq, &matched)),
        }
    }
}

/// Whether an option is the answer an `enableWhen` names.
fn option_equals(o: &Opt, key: &str, value: &Value) -> bool {
    let code = o.code.as_deref();
    match (key, value) {
        ("answerCoding", v) => {
            let want = v.get("code").and_then(Value::as_str);
            let system = v.get("system").and_then(Value::as_str);
            want.is_some()
                && want == code
                && (system.is_none() || o.system.is_none() || system == o.system.as_deref())
        }
        ("answerString", Value::String(s)) => code == Some(s.as_str()) || o.display == *s,
        ("answerBoolean", Value::Bool(b)) => code == Some(if *b { "true" } else { "false" }),
        ("answerInteger" | "answerDecimal", v) => {
            let n = v.as_f64();
            n.is_some() && code.and_then(|c| c.trim().parse::<f64>().ok()) == n
        }
        _ => false,
    }
}

fn numeric_answer(key: &str, value: &Value) -> Option<f64> {
    match key {
        "answerInteger" | "answerDecimal" => value.as_f64(),
        "answerString" => value.as_str()?.trim().parse().ok(),
        _ => None,
    }
}

fn compare_op(op: &Op, x: f64, bound: f64) -> bool {
    match op {
        Op::Gt => x > bound,
        Op::Ge => x >= bound,
        Op::Lt => x < bound,
        Op::Le => x <= bound,
        _ => false,
    }
}

/// The conditions of an item and of the groups around it, as one.
fn combine(conditions: &[Condition]) -> Option<Condition> {
    match conditions {
        [] => None,
        [one] => Some(one.clone()),
        many => {
            let mut clauses = Vec::new();
            for c in many {
                match c {
                    Condition::All(cs) => clauses.extend(cs.iter().cloned()),
                    Condition::Any(cs) if cs.len() == 1 => clauses.extend(cs.iter().cloned()),
                    other => clauses.push(Clause::Nested(other.clone())),
                }
            }
            Some(Condition::All(clauses))
        }
    }
}

/// `questionnaire-minOccurs` or `maxOccurs`, as a count.
fn occurs(exts: &[Value], key: &str) -> Option<usize> {
    find_ext(exts, key)
        .and_then(|e| e.get("valueInteger"))
        .and_then(Value::as_u64)
        .map(|n| n as usize)
}

/// The items inside an item.
fn children(raw: &Value) -> &[Value] {
    raw.get("item")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
}

/// "Yes" and "No" in the questionnaire's language, where confide knows them.
fn yes_no(language: &str) -> (&'static str, &'static str) {
    match language.split('-').next().unwrap_or("") {
        "es" => ("Sí", "No"),
        "fr" => ("Oui", "Non"),
        "de" => ("Ja", "Nein"),
        "it" => ("Sì", "No"),
        "pt" => ("Sim", "Não"),
        "nl" => ("Ja", "Nee"),
        _ => ("Yes", "No"),
    }
}

/// An option as it will be written, with its source.
pub(super) struct NewOption {
    pub(super) opt: Opt,
    pub(super) label: Text,
    pub(super) exclusive: bool,
}

/// Each option of a choice as the source gives it.
struct SourceOption {
    code: Option<String>,
    system: Option<String>,
    label: Text,
    display: String,
    score: Option<f64>,
    exclusive: bool,
}

impl Builder<'_> {
    /// The options of a choice item and the values they get: the source's scores when each
    /// option has a distinct whole one (or the codes, when they are whole numbers the scores
    /// follow, or reverse); otherwise the codes when they are whole numbers, or 1, 2, 3 ...
    /// Returns the options, whether their values are scores, and whether scoring reverses.
    fn options(
        &mut self,
        link: &str,
        item: &RawItem,
    ) -> Result<(Vec<NewOption>, bool, bool), String> {
        let source = self.source_options(link, item)?;
        if source.is_empty() {
            return Err("it has no options".into());
        }
        if source.len() > MAX_OPTIONS {
            return Err(format!(
                "{} options; confide takes at most {MAX_OPTIONS}",
                source.len()
            ));
        }
        let mut labels = HashSet::new();
        for o in &source {
            if !labels.insert(o.display.trim().to_lowercase()) {
                return Err(format!(
                    "two options have the same label `{}`",
                    truncate(&o.display, 40)
                ));
            }
        }
        let codes: Option<Vec<i64>> = source
            .iter()
            .map(|o| o.code.as_deref().and_then(|c| c.trim().parse::<i64>().ok()))
            .collect();
        let codes = codes.filter(|c| distinct(c) && c.iter().all(|x| x.unsigned_abs() < 1 << 40));
        let scores: Option<Vec<f64>> = source.iter().map(|o| o.score).collect();
        let whole_scores: Option<Vec<i64>> = scores.as_ref().and_then(|s| {
            s.iter()
                .map(|x| (x.fract() == 0.0 && x.abs() < 1e12).then_some(*x as i64))
                .collect::<Option<Vec<i64>>>()
                .filter(|v| distinct(v))
        });
        let single = item.repeats != Some(true);
        let (values, scored, reverse) = match (&codes, &scores, &whole_scores) {
            (Some(c), Some(s), _) if c.iter().zip(s).all(|(c, s)| *c as f64 == *s) => {
                (c.clone(), true, false)
            }
            (Some(c), Some(s), _) if single && reversed(c, s) => (c.clone(), true, true),
            (_, _, Some(w)) => (w.clone(), true, false),
            (Some(c), _, _) => (c.clone(), false, false),
            (None, _, _) => ((1..=source.len() as i64).collect(), false, false),
        };
        if scores.is_some() && !scored {
            self.note(
                link,
                "its option scores are not distinct whole numbers, so it cannot be part of a total",
            );
        }
        Ok((
            source
                .into_iter()
                .zip(values)
                .map(|(o, value)| NewOption {
                    opt: Opt {
                        code: o.code,
                        system: o.system,
                        display: o.display,
                        value,
                    },
                    label: o.label,
                    exclusive: o.exclusive,
                })
                .collect(),
            scored,
            reverse,
        ))
    }

    fn source_options(&mut self, link: &str, item: &RawItem) -> Result<Vec<SourceOption>, String> {
        if !item.answer_option.is_empty() {
            return item
                .answer_option
                .iter()
                .map(|o| self.answer_option(link, o))
                .collect();
        }
        let Some(vs) = item.answer_value_set.as_deref() else {
            return Err("it has no answerOption or answerValueSet".into());
        };
        let Some(id) = vs.strip_prefix('#') else {
            return Err(format!(
                "its answerValueSet `{}` is not in the file (confide works offline)",
                truncate(vs, 80)
            ));
        };
        let set = self
            .contained(id)
            .filter(|r| r.get("resourceType").and_then(Value::as_str) == Some("ValueSet"))
            .ok_or_else(|| {
                format!(
                    "its answerValueSet `#{}` is not a contained ValueSet",
                    truncate(id, 40)
                )
            })?;
        value_set_options(set, &self.language)
    }

    fn answer_option(&mut self, link: &str, o: &Value) -> Result<SourceOption, String> {
        let mut exts: Vec<&Value> = ext_list(o).iter().collect();
        let (code, system, display, display_ext) = if let Some(c) = o.get("valueCoding") {
            exts.extend(ext_list(c));
            let code = c.get("code").and_then(Value::as_str).map(str::to_owned);
            let display = c
                .get("display")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or_else(|| code.clone())
                .ok_or("an option has neither code nor display")?;
            let system = c.get("system").and_then(Value::as_str).map(str::to_owned);
            (code, system, display, c.get("_display"))
        } else if let Some(s) = o.get("valueString").and_then(Value::as_str) {
            (
                Some(s.to_owned()),
                None,
                s.to_owned(),
                o.get("_valueString"),
            )
        } else if let Some(n) = o.get("valueInteger").and_then(Value::as_i64) {
            (Some(n.to_string()), None, n.to_string(), None)
        } else {
            let kind = object(o)
                .keys()
                .find(|k| k.starts_with("value"))
                .map_or("unknown".into(), |k| truncate(k, 30));
            return Err(format!("an option is a {kind}; confide options are words"));
        };
        if o.get("initialSelected") == Some(&Value::Bool(true)) {
            self.note(
                link,
                "an option chosen in advance is not kept (confide never fills in an answer)",
            );
        }
        let label = clean_text(&display).map_err(|why| format!("an option: {why}"))?;
        let more = translations(display_ext, &self.language);
        Ok(SourceOption {
            code,
            system,
            display: label.clone(),
            label: with_translations(label, more, &self.language),
            score: score_of(&exts),
            exclusive: exts.iter().any(|e| {
                e.get("url").and_then(Value::as_str) == Some(url::OPTION_EXCLUSIVE)
                    && e.get("valueBoolean") == Some(&Value::Bool(true))
            }),
        })
    }
}

fn object(v: &Value) -> &Map<String, Value> {
    super::object(v)
}

/// `ordinalValue` or `itemWeight` among these extensions.
fn score_of(exts: &[&Value]) -> Option<f64> {
    exts.iter()
        .find(|e| {
            matches!(
                e.get("url").and_then(Value::as_str),
                Some(url::ORDINAL | url::ITEM_WEIGHT)
            )
        })
        .and_then(|e| ext_number(e))
}

/// The options of a contained ValueSet: its expansion, or the concepts it lists.
fn value_set_options(set: &Value, language: &str) -> Result<Vec<SourceOption>, String> {
    let mut out = Vec::new();
    let mut push = |system: Option<&str>, c: &Value| -> Result<(), String> {
        let code = c.get("code").and_then(Value::as_str).map(str::to_owned);
        let display = c
            .get("display")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| code.clone())
            .ok_or("a concept of its value set has neither code nor display")?;
        let label = clean_text(&display).map_err(|why| format!("an option: {why}"))?;
        let exts: Vec<&Value> = ext_list(c).iter().collect();
        let more = translations(c.get("_display"), language);
        out.push(SourceOption {
            code,
            system: system.map(str::to_owned),
            display: label.clone(),
            label: with_translations(label, more, language),
            score: score_of(&exts),
            exclusive: false,
        });
        Ok(())
    };
    if let Some(contains) = set.pointer("/expansion/contains").and_then(Value::as_array) {
        for c in contains.iter().take(MAX_OPTIONS + 1) {
            push(c.get("system").and_then(Value::as_str), c)?;
        }
        return Ok(out);
    }
    let includes = set
        .pointer("/compose/include")
        .and_then(Value::as_array)
        .ok_or("its value set lists no concepts")?;
    for inc in includes {
        if inc.get("filter").is_some() || inc.get("valueSet").is_some() {
            return Err("its value set selects codes by a filter or another value set, which needs a terminology server".into());
        }
        let concepts = inc.get("concept").and_then(Value::as_array).ok_or(
            "its value set includes a whole code system, which needs a terminology server",
        )?;
        for c in concepts.iter().take(MAX_OPTIONS + 1) {
            push(inc.get("system").and_then(Value::as_str), c)?;
        }
    }
    Ok(out)
}

fn distinct(values: &[i64]) -> bool {
    let mut seen = HashSet::new();
    values.iter().all(|v| seen.insert(*v))
}

/// Whether scores are the codes reversed (`min + max - code`).
fn reversed(codes: &[i64], scores: &[f64]) -> bool {
    let (Some(min), Some(max)) = (codes.iter().min(), codes.iter().max()) else {
        return false;
    };
    codes
        .iter()
        .zip(scores)
        .all(|(c, s)| (min + max - c) as f64 == *s)
}
