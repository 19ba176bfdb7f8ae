//! The questionnaire format `confide.questionnaire/1`: strict serde types.
//!
//! Parsing is strict (unknown fields are errors); the checks that need more than the shape of
//! the JSON (references, ranges, bands) live in `validate`.

use std::collections::{BTreeMap, HashMap};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::condition::Condition;
use super::text::Text;

/// The value of the `format` field of every questionnaire.
pub const QUESTIONNAIRE_FORMAT: &str = "confide.questionnaire/1";

/// A questionnaire definition.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "confide questionnaire (confide.questionnaire/1)")]
pub struct Questionnaire {
    /// Optional link to this schema, for editors.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Always `confide.questionnaire/1`.
    pub format: String,
    /// Lowercase id: letters, digits, `_` and `-`, starting with a letter.
    pub id: String,
    /// Semantic version of this definition, such as `1.0.0`.
    pub version: String,
    /// Language tag of the text, such as `en`; text maps must contain it.
    pub language: String,
    pub title: Text,
    /// One line for `confide list`.
    pub description: Text,
    /// The time the questions refer to, such as "the past 4 weeks".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recall_period: Option<Text>,
    /// Shown before the first item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<Text>,
    pub provenance: Provenance,
    /// When the whole questionnaire applies, judged from earlier questionnaires (such as
    /// `context.topics`). In a default run it is left out when false; asked by id, it is
    /// always asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_when: Option<Condition>,
    /// Named option lists that choice items can share with `option_set`.
    #[serde(default)]
    pub option_sets: BTreeMap<String, Vec<ChoiceOption>>,
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
pub struct Provenance {
    pub kind: ProvenanceKind,
    /// Required for `public-domain` and `licensed`.
    #[serde(default)]
    pub citation: Option<String>,
    /// Required for `licensed`.
    #[serde(default)]
    pub license: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ProvenanceKind {
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
    pub label: Text,
    /// Multi-choice only: choosing this option excludes every other (such as "none of these").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exclusive: bool,
}

/// An item, tagged by `type`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
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
    pub id: String,
    pub text: Text,
    /// Labels for this item: `safety` marks a question of the safety screen, `bother` the
    /// person's own rating of how much the topic bothers them (shown beside the scales).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    #[serde(default)]
    pub required: bool,
    /// Offer "Prefer not to answer", recorded as declined.
    #[serde(default)]
    pub declinable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_when: Option<Condition>,
    /// Name of a shared option list; exactly one of `option_set` and `options`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option_set: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<ChoiceOption>>,
    /// Score as `min + max - value`.
    #[serde(default)]
    pub reverse: bool,
}

/// Pick any number of options.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MultiChoiceItem {
    pub id: String,
    pub text: Text,
    /// Labels for this item: `safety` marks a question of the safety screen, `bother` the
    /// person's own rating of how much the topic bothers them (shown beside the scales).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub declinable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_when: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option_set: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<ChoiceOption>>,
    /// Fewest options to choose when answering (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_choices: Option<usize>,
    /// Most options to choose (default: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_choices: Option<usize>,
}

/// A number within `min..=max`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NumberItem {
    pub id: String,
    pub text: Text,
    /// Labels for this item: `safety` marks a question of the safety screen, `bother` the
    /// person's own rating of how much the topic bothers them (shown beside the scales).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub declinable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_when: Option<Condition>,
    pub min: f64,
    pub max: f64,
    /// Digits allowed after the decimal point (default 0: whole numbers).
    #[serde(default)]
    pub decimals: u8,
    /// Shown after the number, such as "hours".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Text>,
    #[serde(default)]
    pub reverse: bool,
}

/// Free text.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TextItem {
    pub id: String,
    pub text: Text,
    /// Labels for this item: `safety` marks a question of the safety screen, `bother` the
    /// person's own rating of how much the topic bothers them (shown beside the scales).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub declinable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_when: Option<Condition>,
    /// Longest answer in characters (default 500, at most 10000).
    #[serde(default = "default_max_length")]
    pub max_length: usize,
}

fn default_max_length() -> usize {
    500
}

/// A note shown between items; never answered.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DisplayItem {
    pub id: String,
    pub text: Text,
    /// Labels for this item: `safety` marks a question of the safety screen, `bother` the
    /// person's own rating of how much the topic bothers them (shown beside the scales).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_when: Option<Condition>,
}

/// How the items of a scale are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Sum,
    Mean,
}

/// A score computed from items (or from earlier scales).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub id: String,
    pub title: Text,
    /// Scorable items (single choice or number) of this questionnaire.
    #[serde(default)]
    pub items: Vec<String>,
    /// Earlier scales of this questionnaire, for a total over domains.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scales: Vec<String>,
    pub method: Method,
    /// Multiplies the combined value (default 1).
    #[serde(default = "default_factor")]
    pub factor: f64,
    /// Fewest answered items (or valid scales) for a score; default: all of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_answered: Option<usize>,
    /// Scale a sum up to the full item count when some items are missing.
    #[serde(default)]
    pub prorate: bool,
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
    pub min: Option<f64>,
    /// Highest value of the band, inclusive.
    pub max: f64,
    pub label: Text,
    pub summary: Text,
    /// Summaries that replace `summary` when their condition holds; the first match wins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<BandVariant>,
}

/// A band summary for a particular situation, such as "not bothered".
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BandVariant {
    pub when: Condition,
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
    pub const ALL: [FlagLevel; 4] = [
        FlagLevel::Note,
        FlagLevel::Suggestion,
        FlagLevel::SeeAClinician,
        FlagLevel::Urgent,
    ];

    pub fn as_str(self) -> &'static str {
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
    pub when: Condition,
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
pub const SAFETY_TAG: &str = "safety";
/// The tag of an item where the person rates how much a topic bothers them.
pub const BOTHER_TAG: &str = "bother";

/// A guidance entry: a text, or a text with tags (`{"text": ..., "tags": ["partner"]}`),
/// withheld from the summary while a raised flag withholds one of its tags.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum GuidanceEntry {
    Plain(Text),
    Tagged(TaggedText),
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaggedText {
    pub text: Text,
    pub tags: Vec<String>,
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
}

impl<'de> Deserialize<'de> for GuidanceEntry {
    /// An object with `tags` is a tagged entry; anything else is a text (a string, or a map
    /// from language to string), so each shape gets its own error message.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = serde_json::Value::deserialize(d)?;
        if value.get("tags").is_some() {
            TaggedText::deserialize(value)
                .map(GuidanceEntry::Tagged)
                .map_err(D::Error::custom)
        } else {
            Text::deserialize(value)
                .map(GuidanceEntry::Plain)
                .map_err(D::Error::custom)
        }
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
    pub references: Vec<String>,
}

/// The fields every item kind shares.
pub struct ItemCommon<'a> {
    pub id: &'a str,
    pub text: &'a Text,
    pub hint: Option<&'a Text>,
    pub required: bool,
    pub declinable: bool,
    pub enable_when: Option<&'a Condition>,
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

    pub fn kind(&self) -> &'static str {
        match self {
            Item::SingleChoice(_) => "single_choice",
            Item::MultiChoice(_) => "multi_choice",
            Item::Number(_) => "number",
            Item::Text(_) => "text",
            Item::Display(_) => "display",
        }
    }

    /// Whether the item is answered at all (display items are not).
    pub fn is_question(&self) -> bool {
        !matches!(self, Item::Display(_))
    }

    /// Whether a scale may use the item.
    pub fn is_scorable(&self) -> bool {
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
    pub fn item_range(&self, item: &Item) -> Option<(f64, f64)> {
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
    pub fn references(&self) -> std::collections::BTreeSet<String> {
        let mut conds: Vec<&Condition> = Vec::new();
        conds.extend(self.applies_when.as_ref());
        conds.extend(self.items.iter().filter_map(|i| i.common().enable_when));
        conds.extend(self.flags.iter().map(|f| &f.when));
        for s in &self.scales {
            for b in &s.bands {
                conds.extend(b.variants.iter().map(|v| &v.when));
            }
        }
        conds
            .iter()
            .flat_map(|c| c.comparisons())
            .filter_map(|(_, c)| c.item.as_deref().or(c.scale.as_deref()))
            .filter_map(|r| r.split_once('.').map(|(q, _)| q.to_owned()))
            .filter(|q| *q != self.id)
            .collect()
    }

    /// The flag's level (validated at load).
    pub fn flag_level(&self, index: usize) -> FlagLevel {
        self.flags
            .get(index)
            .and_then(|f| FlagLevel::ALL.into_iter().find(|l| l.as_str() == f.level))
            .unwrap_or(FlagLevel::Note)
    }
}

/// Items by id, the first of each id as `Questionnaire::item` finds it. A linear search per
/// scale item made scoring quadratic in the size of a large questionnaire, so those get a
/// hash map; for the usual dozen items, searching the list is quicker than building one.
pub enum ItemIndex<'a> {
    Scan(&'a [Item]),
    Map(HashMap<&'a str, &'a Item>),
}

impl<'a> ItemIndex<'a> {
    /// Up to this many items, the list is searched.
    pub const SCAN_MAX: usize = 32;

    pub fn new(q: &'a Questionnaire) -> ItemIndex<'a> {
        if q.items.len() <= Self::SCAN_MAX {
            return ItemIndex::Scan(&q.items);
        }
        let mut items: HashMap<&str, &Item> = HashMap::with_capacity(q.items.len());
        for item in &q.items {
            items.entry(item.id()).or_insert(item);
        }
        ItemIndex::Map(items)
    }

    pub fn get(&self, id: &str) -> Option<&'a Item> {
        match self {
            ItemIndex::Scan(items) => items.iter().find(|i| i.id() == id),
            ItemIndex::Map(items) => items.get(id).copied(),
        }
    }
}
