//! The questionnaire format `confide.questionnaire/1`: strict serde types.
//!
//! Parsing is strict (unknown fields are errors); the checks that need more than the shape of
//! the JSON (references, ranges, bands) live in `validate`.

use std::collections::{BTreeMap, HashMap};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::condition::Condition;
use super::format::Format;
use super::text::Text;

/// The value of the `format` field of every questionnaire.
pub(crate) const QUESTIONNAIRE_FORMAT: &str = "confide.questionnaire/1";
pub(crate) const QUESTIONNAIRE: Format = Format::new(QUESTIONNAIRE_FORMAT, "a questionnaire");

/// A questionnaire definition.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "confide questionnaire (confide.questionnaire/1)")]
pub struct Questionnaire {
    /// Optional link to this schema, for editors.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub(crate) schema: Option<String>,
    /// Always `confide.questionnaire/1`.
    pub(crate) format: String,
    /// Lowercase id: letters, digits, `_` and `-`, starting with a letter.
    pub id: String,
    /// Semantic version of this definition, such as `1.0.0`.
    pub(crate) version: String,
    /// Language tag of the text, such as `en`; text maps must contain it.
    pub(crate) language: String,
    pub(crate) title: Text,
    /// One line for `confide list`.
    pub(crate) description: Text,
    /// The time the questions refer to, such as "the past 4 weeks".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) recall_period: Option<Text>,
    /// Shown before the first item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) intro: Option<Text>,
    pub(crate) provenance: Provenance,
    /// When the whole questionnaire applies, judged from earlier questionnaires (such as
    /// `context.topics`). In a default run it is left out when false; asked by id, it is
    /// always asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) applies_when: Option<Condition>,
    /// Named option lists that choice items can share with `option_set`.
    #[serde(default)]
    pub(crate) option_sets: BTreeMap<String, Vec<ChoiceOption>>,
    pub items: Vec<Item>,
    #[serde(default)]
    pub scales: Vec<Scale>,
    #[serde(default)]
    pub flags: Vec<Flag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidance: Option<Guidance>,
}

/// Where a questionnaire comes from.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Provenance {
    pub(crate) kind: ProvenanceKind,
    /// Required for `public-domain` and `licensed`.
    #[serde(default)]
    pub(crate) citation: Option<String>,
    /// Required for `licensed`.
    #[serde(default)]
    pub(crate) license: Option<String>,
    /// True for a published instrument whose validity has been studied (the `citation` says
    /// where). Summaries and reports then say so; everything else is a screening aid.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) validated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum ProvenanceKind {
    /// Written for confide: a screening aid, not a validated instrument.
    Original,
    PublicDomain,
    Licensed,
}

/// One answer option of a choice item.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    /// The integer used by scoring and conditions; unique within an item.
    pub value: i64,
    pub(crate) label: Text,
    /// Multi-choice only: choosing this option excludes every other (such as "none of these").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) exclusive: bool,
}

/// An item, tagged by `type`.
///
/// Each kind's struct declares the shared fields (`id`, `text`, `tags`, `hint`, `required`,
/// `declinable`, `enable_when`) itself instead of flattening one shared struct into it:
/// serde's `#[serde(flatten)]` does not work together with `deny_unknown_fields`, and the
/// format must refuse every unknown key so that a misspelled one is reported rather than
/// ignored. [`Item::common`] gives one view of those fields; a new shared field goes into
/// every kind's struct and into [`ItemCommon`].
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", expecting = "an object")]
pub enum Item {
    SingleChoice(ChoiceItem),
    MultiChoice(MultiChoiceItem),
    Number(NumberItem),
    Text(TextItem),
    Display(DisplayItem),
}

/// Pick one option.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceItem {
    pub(crate) id: String,
    pub(crate) text: Text,
    /// Labels for this item: `safety` marks a question of the safety screen, `bother` the
    /// person's own rating of how much the topic bothers them (shown beside the scales).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) hint: Option<Text>,
    #[serde(default)]
    pub(crate) required: bool,
    /// Offer "Prefer not to answer", recorded as declined.
    #[serde(default)]
    pub(crate) declinable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) enable_when: Option<Condition>,
    /// Name of a shared option list; exactly one of `option_set` and `options`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) option_set: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) options: Option<Vec<ChoiceOption>>,
    /// Score as `min + max - value`.
    #[serde(default)]
    pub(crate) reverse: bool,
}

/// Pick any number of options.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MultiChoiceItem {
    pub(crate) id: String,
    pub(crate) text: Text,
    /// Labels for this item: `safety` marks a question of the safety screen, `bother` the
    /// person's own rating of how much the topic bothers them (shown beside the scales).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) hint: Option<Text>,
    #[serde(default)]
    pub(crate) required: bool,
    #[serde(default)]
    pub(crate) declinable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) enable_when: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) option_set: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) options: Option<Vec<ChoiceOption>>,
    /// Fewest options to choose when answering (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) min_choices: Option<usize>,
    /// Most options to choose (default: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) max_choices: Option<usize>,
}

/// A number within `min..=max`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NumberItem {
    pub(crate) id: String,
    pub(crate) text: Text,
    /// Labels for this item: `safety` marks a question of the safety screen, `bother` the
    /// person's own rating of how much the topic bothers them (shown beside the scales).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) hint: Option<Text>,
    #[serde(default)]
    pub(crate) required: bool,
    #[serde(default)]
    pub(crate) declinable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) enable_when: Option<Condition>,
    pub(crate) min: f64,
    pub max: f64,
    /// Digits allowed after the decimal point (default 0: whole numbers).
    #[serde(default)]
    pub(crate) decimals: u8,
    /// Shown after the number, such as "hours".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) unit: Option<Text>,
    #[serde(default)]
    pub(crate) reverse: bool,
}

/// Free text.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TextItem {
    pub(crate) id: String,
    pub(crate) text: Text,
    /// Labels for this item: `safety` marks a question of the safety screen, `bother` the
    /// person's own rating of how much the topic bothers them (shown beside the scales).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) hint: Option<Text>,
    #[serde(default)]
    pub(crate) required: bool,
    #[serde(default)]
    pub(crate) declinable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) enable_when: Option<Condition>,
    /// Longest answer in characters (default 500, at most 10000).
    #[serde(default = "default_max_length")]
    pub(crate) max_length: usize,
}

fn default_max_length() -> usize {
    500
}

/// A note shown between items; never answered.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DisplayItem {
    pub(crate) id: String,
    pub(crate) text: Text,
    /// Labels for this item: `safety` marks a question of the safety screen, `bother` the
    /// person's own rating of how much the topic bothers them (shown beside the scales).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) enable_when: Option<Condition>,
}

/// How the items of a scale are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Method {
    Sum,
    Mean,
}

/// A score computed from items (or from earlier scales).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub(crate) id: String,
    pub(crate) title: Text,
    /// Scorable items (single choice or number) of this questionnaire.
    #[serde(default)]
    pub(crate) items: Vec<String>,
    /// Earlier scales of this questionnaire, for a total over domains.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) scales: Vec<String>,
    pub(crate) method: Method,
    /// Multiplies the combined value (default 1).
    #[serde(default = "default_factor")]
    pub(crate) factor: f64,
    /// Fewest answered items (or valid scales) for a score; default: all of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) min_answered: Option<usize>,
    /// Scale a sum up to the full item count when some items are missing.
    #[serde(default)]
    pub(crate) prorate: bool,
    pub bands: Vec<Band>,
    /// Published norms, for judging whether a change between two sessions is reliable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub norms: Option<Norms>,
}

/// A scale's norms: what the reliable change index (Jacobson and Truax, 1991) needs to
/// tell a real change from measurement error, and which way is better.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Norms {
    /// Standard deviation of the scale in the reference sample; more than 0.
    pub sd: f64,
    /// Reliability of the scale (test-retest or internal consistency), at least 0 and
    /// less than 1.
    pub reliability: f64,
    /// Which way a change is an improvement: `lower` or `higher` values.
    pub better: Better,
    /// Where the figures come from: the publication and its sample.
    pub source: String,
}

/// Which way along a scale is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Lower,
    Higher,
}

fn default_factor() -> f64 {
    1.0
}

/// A range of scale values with its interpretation.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub id: String,
    /// Lowest value of the band (optional; must continue the previous band).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) min: Option<f64>,
    /// Highest value of the band, inclusive.
    pub(crate) max: f64,
    pub(crate) label: Text,
    pub summary: Text,
    /// Summaries that replace `summary` when their condition holds; the first match wins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<BandVariant>,
}

/// A band summary for a particular situation, such as "not bothered".
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BandVariant {
    pub(crate) when: Condition,
    pub summary: Text,
    /// Labels of this text (such as `partner` for advice about a partner). A variant whose
    /// tag a raised flag withholds is passed over, as if its condition were false.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// How loudly a flag speaks; ordered from least to most urgent.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum FlagLevel {
    Note,
    Suggestion,
    SeeAClinician,
    Urgent,
}

impl FlagLevel {
    pub(crate) const ALL: [FlagLevel; 4] = [
        FlagLevel::Note,
        FlagLevel::Suggestion,
        FlagLevel::SeeAClinician,
        FlagLevel::Urgent,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            FlagLevel::Note => "note",
            FlagLevel::Suggestion => "suggestion",
            FlagLevel::SeeAClinician => "see-a-clinician",
            FlagLevel::Urgent => "urgent",
        }
    }
}

/// A message raised when a condition holds.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Flag {
    pub id: String,
    /// `note`, `suggestion`, `see-a-clinician` or `urgent`.
    pub level: String,
    pub(crate) when: Condition,
    /// What the person reads, in the second person.
    pub message: Text,
    /// What the person said, as a short clause after "You said" ("you do not always feel
    /// safe with a partner"): urgent flags raised together are named in one sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub said: Option<Text>,
    /// What the clinician reads, in the third person and a clinical register.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinician: Option<Text>,
    /// Labels of this flag: `safety` marks a safety concern (it counts in the safety screen,
    /// and confide warns before saving); any other tag lets another flag withhold it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Tags whose texts are withheld from the person's summary while this flag is raised:
    /// guidance entries, band variants and flags of every questionnaire in the session.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withholds: Vec<String>,
    /// Shown once, in place of what `withholds` took away (required with `withholds`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instead: Option<Text>,
    /// Kinds of support services shown with this flag. Urgent flags show every kind.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<SupportKind>,
}

/// A kind of support service (the `kinds` of an entry in a support resources file).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SupportKind {
    Crisis,
    DomesticAbuse,
    SexualViolence,
    Other,
}

/// The tag of safety questions and safety flags.
pub(crate) const SAFETY_TAG: &str = "safety";
/// The tag of an item where the person rates how much a topic bothers them.
pub(crate) const BOTHER_TAG: &str = "bother";

/// A guidance entry: a text, or an object with the text and `tags`, a `when` condition or
/// both (`{"text": ..., "tags": ["partner"], "when": {...}}`). A tagged entry is withheld
/// from the summary while a raised flag withholds one of its tags; an entry with `when` is
/// shown only when its condition holds, so that advice reaches only the people it fits.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum GuidanceEntry {
    Plain(Text),
    Tagged(TaggedText),
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaggedText {
    pub(crate) text: Text,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) tags: Vec<String>,
    /// Shown only when this holds (a missing answer makes a clause false, as everywhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) when: Option<Condition>,
}

impl GuidanceEntry {
    pub fn text(&self) -> &Text {
        match self {
            GuidanceEntry::Plain(t) => t,
            GuidanceEntry::Tagged(t) => &t.text,
        }
    }

    pub fn tags(&self) -> &[String] {
        match self {
            GuidanceEntry::Plain(_) => &[],
            GuidanceEntry::Tagged(t) => &t.tags,
        }
    }

    /// The condition the entry is shown under, if any.
    pub(crate) fn when(&self) -> Option<&Condition> {
        match self {
            GuidanceEntry::Plain(_) => None,
            GuidanceEntry::Tagged(t) => t.when.as_ref(),
        }
    }
}

impl<'de> Deserialize<'de> for GuidanceEntry {
    /// An object with `tags` or `when` is an entry with those; anything else is a text (a
    /// string, or a map from language to string), so each shape gets its own error message.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = serde_json::Value::deserialize(d)?;
        let entry = if value.get("tags").is_some() || value.get("when").is_some() {
            super::de::from_value(&value).map(GuidanceEntry::Tagged)
        } else {
            super::de::from_value(&value).map(GuidanceEntry::Plain)
        };
        entry.map_err(|misread| D::Error::custom(misread.error))
    }
}

/// Psychoeducation shown in the summary.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Guidance {
    #[serde(default)]
    pub what_is_common: Vec<GuidanceEntry>,
    #[serde(default)]
    pub what_helps: Vec<GuidanceEntry>,
    #[serde(default)]
    pub when_to_seek_help: Vec<GuidanceEntry>,
    #[serde(default)]
    pub(crate) references: Vec<String>,
}

impl Guidance {
    /// Every entry with its section's key and its index in the section.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&'static str, usize, &GuidanceEntry)> {
        [
            ("what_is_common", &self.what_is_common),
            ("what_helps", &self.what_helps),
            ("when_to_seek_help", &self.when_to_seek_help),
        ]
        .into_iter()
        .flat_map(|(key, list)| list.iter().enumerate().map(move |(i, e)| (key, i, e)))
    }
}

/// The fields every item kind shares.
pub struct ItemCommon<'a> {
    pub(crate) id: &'a str,
    pub(crate) text: &'a Text,
    pub(crate) hint: Option<&'a Text>,
    pub(crate) required: bool,
    pub(crate) declinable: bool,
    pub(crate) enable_when: Option<&'a Condition>,
    pub tags: &'a [String],
}

impl Item {
    pub fn common(&self) -> ItemCommon<'_> {
        macro_rules! common {
            ($i:expr) => {
                ItemCommon {
                    id: &$i.id,
                    text: &$i.text,
                    hint: $i.hint.as_ref(),
                    required: $i.required,
                    declinable: $i.declinable,
                    enable_when: $i.enable_when.as_ref(),
                    tags: &$i.tags,
                }
            };
        }
        match self {
            Item::SingleChoice(i) => common!(i),
            Item::MultiChoice(i) => common!(i),
            Item::Number(i) => common!(i),
            Item::Text(i) => common!(i),
            Item::Display(i) => ItemCommon {
                id: &i.id,
                text: &i.text,
                hint: None,
                required: false,
                declinable: false,
                enable_when: i.enable_when.as_ref(),
                tags: &i.tags,
            },
        }
    }

    pub fn id(&self) -> &str {
        self.common().id
    }

    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Item::SingleChoice(_) => "single_choice",
            Item::MultiChoice(_) => "multi_choice",
            Item::Number(_) => "number",
            Item::Text(_) => "text",
            Item::Display(_) => "display",
        }
    }

    /// Whether the item is answered at all (display items are not).
    pub(crate) fn is_question(&self) -> bool {
        !matches!(self, Item::Display(_))
    }

    /// Whether a scale may use the item.
    pub(crate) fn is_scorable(&self) -> bool {
        matches!(self, Item::SingleChoice(_) | Item::Number(_))
    }
}

impl Questionnaire {
    pub fn item(&self, id: &str) -> Option<(usize, &Item)> {
        self.items.iter().enumerate().find(|(_, i)| i.id() == id)
    }

    pub fn scale(&self, id: &str) -> Option<(usize, &Scale)> {
        self.scales.iter().enumerate().find(|(_, s)| s.id == id)
    }

    /// The options of a choice item, resolving `option_set`. Empty if unresolved.
    pub fn options_of<'a>(&'a self, item: &'a Item) -> &'a [ChoiceOption] {
        let (set, inline) = match item {
            Item::SingleChoice(i) => (&i.option_set, &i.options),
            Item::MultiChoice(i) => (&i.option_set, &i.options),
            _ => return &[],
        };
        if let Some(opts) = inline {
            return opts;
        }
        set.as_ref()
            .and_then(|name| self.option_sets.get(name))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Lowest and highest score an item can contribute, before reversal.
    pub(crate) fn item_range(&self, item: &Item) -> Option<(f64, f64)> {
        match item {
            Item::SingleChoice(_) => {
                let opts = self.options_of(item);
                let min = opts.iter().map(|o| o.value).min()?;
                let max = opts.iter().map(|o| o.value).max()?;
                Some((min as f64, max as f64))
            }
            Item::Number(n) => Some((n.min, n.max)),
            _ => None,
        }
    }
}

impl Questionnaire {
    /// Ids of other questionnaires this one refers to (`other.item` in any condition).
    pub(crate) fn references(&self) -> std::collections::BTreeSet<String> {
        let mut conds: Vec<&Condition> = Vec::new();
        conds.extend(self.applies_when.as_ref());
        conds.extend(self.items.iter().filter_map(|i| i.common().enable_when));
        conds.extend(self.flags.iter().map(|f| &f.when));
        for s in &self.scales {
            for b in &s.bands {
                conds.extend(b.variants.iter().map(|v| &v.when));
            }
        }
        if let Some(g) = &self.guidance {
            conds.extend(g.entries().filter_map(|(_, _, e)| e.when()));
        }
        conds
            .iter()
            .flat_map(|c| c.comparisons())
            .filter_map(|(_, c)| c.item.as_deref().or(c.scale.as_deref()))
            .filter_map(|r| r.split_once('.').map(|(q, _)| q.to_owned()))
            .filter(|q| *q != self.id)
            .collect()
    }
}

/// Items by id, the first of each id as `Questionnaire::item` finds it. A linear search per
/// scale item made scoring quadratic in the size of a large questionnaire, so those get a
/// hash map; for the usual dozen items, searching the list is quicker than building one.
pub(crate) enum ItemIndex<'a> {
    Scan(&'a [Item]),
    Map(HashMap<&'a str, &'a Item>),
}

impl<'a> ItemIndex<'a> {
    /// Up to this many items, the list is searched.
    pub(crate) const SCAN_MAX: usize = 32;

    pub(crate) fn new(q: &'a Questionnaire) -> ItemIndex<'a> {
        if q.items.len() <= Self::SCAN_MAX {
            return ItemIndex::Scan(&q.items);
        }
        let mut items: HashMap<&str, &Item> = HashMap::with_capacity(q.items.len());
        for item in &q.items {
            items.entry(item.id()).or_insert(item);
        }
        ItemIndex::Map(items)
    }

    pub(crate) fn get(&self, id: &str) -> Option<&'a Item> {
        match self {
            ItemIndex::Scan(items) => items.iter().find(|i| i.id() == id),
            ItemIndex::Map(items) => items.get(id).copied(),
        }
    }
}
