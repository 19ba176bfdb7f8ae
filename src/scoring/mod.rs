//! The scoring engine: which items are asked, scale values, bands and flags.
//!
//! Pure and deterministic: it sees only questionnaires and answers, never the terminal,
//! files or the clock. Questionnaires are processed in the order they are taken, so a
//! condition may look at an earlier questionnaire (`context.activity`).

pub mod answers;
mod condition;
pub mod record;

use std::collections::BTreeMap;

use crate::model::answer::Answer;
use crate::model::questionnaire::{FlagLevel, Item, ItemIndex, Method, Questionnaire};
use crate::model::range::{ScaleRange, asked_ranges, needed_parts, round};
use crate::model::validate::parse_level;

pub(crate) use condition::evaluate;

/// Answers to one questionnaire, by item id. Items without an entry were skipped or not
/// asked.
pub type ItemAnswers = BTreeMap<String, Answer>;

/// Answers per questionnaire id.
pub type SessionAnswers = BTreeMap<String, ItemAnswers>;

/// What happened to one item in a finished questionnaire.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Answered(Answer),
    Declined,
    Skipped,
    /// Its `enable_when` was false.
    NotAsked,
}

/// A scale's result.
#[derive(Debug, Clone, PartialEq)]
pub struct ScaleScore {
    pub(crate) scale: String,
    /// `None` when fewer than `min_answered` parts had a value.
    pub value: Option<f64>,
    /// Index into the scale's bands.
    pub band: Option<usize>,
    /// Index of the first band variant whose condition held, if any.
    pub(crate) variant: Option<usize>,
    /// Every band variant whose condition held, in order: the summary passes over those
    /// whose tags a raised flag withholds.
    pub(crate) variants: Vec<usize>,
    pub(crate) answered: usize,
    /// Parts that were asked: items whose condition held, and sub-scales.
    pub(crate) parts: usize,
    /// The values this scale could take over the items that were asked.
    pub(crate) range: Option<ScaleRange>,
}

impl ScaleScore {
    pub(crate) fn valid(&self) -> bool {
        self.value.is_some()
    }
}

/// A flag whose condition held.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RaisedFlag {
    /// Index into the questionnaire's flags.
    pub(crate) index: usize,
    pub(crate) id: String,
    pub(crate) level: FlagLevel,
}

/// A scored questionnaire.
#[derive(Debug, Clone)]
pub struct Scored {
    pub(crate) id: String,
    /// Outcome per item, in item order (display items are `NotAsked` when disabled and
    /// `Skipped` otherwise; they are never answered).
    pub outcomes: Vec<Outcome>,
    /// The answers that count: those of enabled items only.
    pub(crate) answers: ItemAnswers,
    pub scales: Vec<ScaleScore>,
    pub(crate) flags: Vec<RaisedFlag>,
    /// Guidance entries whose `when` condition is false, as (section key, index): the
    /// summary leaves them out.
    pub(crate) guidance_off: Vec<(&'static str, usize)>,
}

impl Scored {
    pub fn scale(&self, id: &str) -> Option<&ScaleScore> {
        self.scales.iter().find(|s| s.scale == id)
    }
}

/// Finished questionnaires that later ones may refer to, by id.
pub type Earlier<'a> = BTreeMap<&'a str, &'a Scored>;

/// What conditions can look at: the questionnaire being answered, its answers so far, the
/// scales over them, and earlier questionnaires.
pub(crate) struct View<'a> {
    pub(crate) q: &'a Questionnaire,
    pub(crate) answers: &'a ItemAnswers,
    pub(crate) scales: Option<&'a [ScaleScore]>,
    pub(crate) earlier: &'a Earlier<'a>,
}

impl View<'_> {
    fn item(&self, reference: &str) -> Option<&Answer> {
        match reference.split_once('.') {
            Some((qid, id)) => self.earlier.get(qid)?.answers.get(id),
            None => self.answers.get(reference),
        }
    }

    fn scale(&self, reference: &str) -> Option<f64> {
        match reference.split_once('.') {
            Some((qid, id)) => self.earlier.get(qid)?.scale(id)?.value,
            None => match self.scales {
                Some(scales) => scales.iter().find(|s| s.scale == reference)?.value,
                None => {
                    let (si, _) = self.q.scale(reference)?;
                    compute_scales(self.q, self.answers, &|_| true)
                        .get(si)?
                        .value
                }
            },
        }
    }
}

/// Which items are enabled given `answers`, and the answers that survive: an answer to an
/// item that is not enabled is dropped, and so cannot enable anything further.
pub(crate) fn enabled(
    q: &Questionnaire,
    answers: &ItemAnswers,
    earlier: &Earlier,
) -> (Vec<bool>, ItemAnswers) {
    enabled_from(
        q,
        |id| {
            answers
                .get_key_value(id)
                .map(|(k, a)| (k.clone(), a.clone()))
        },
        earlier,
    )
}

/// [`enabled`], taking each answer from `take` (which may move it out of its map) when its
/// item turns out to be enabled.
fn enabled_from(
    q: &Questionnaire,
    mut take: impl FnMut(&str) -> Option<(String, Answer)>,
    earlier: &Earlier,
) -> (Vec<bool>, ItemAnswers) {
    let mut kept = ItemAnswers::new();
    let mut on = Vec::with_capacity(q.items.len());
    // Scale values over the answers kept so far, computed when a condition first needs them
    // and again only after `kept` changes. Computing them for each clause instead made a
    // large questionnaire with many conditions on scales take minutes.
    let mut scales: Option<Vec<ScaleScore>> = None;
    // Items already passed over; the ones not reached yet count as asked.
    let mut not_asked: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for item in &q.items {
        let common = item.common();
        let is_on = match common.enable_when {
            None => true,
            Some(cond) => {
                if scales.is_none() && refers_to_own_scale(cond) {
                    let asked = |id: &str| !not_asked.contains(id);
                    scales = Some(compute_scales(q, &kept, &asked));
                }
                evaluate(
                    cond,
                    &View {
                        q,
                        answers: &kept,
                        scales: scales.as_deref(),
                        earlier,
                    },
                )
            }
        };
        on.push(is_on);
        if !is_on {
            not_asked.insert(common.id);
        }
        if is_on && let Some((id, a)) = take(common.id) {
            kept.insert(id, a);
            scales = None;
        }
    }
    (on, kept)
}

/// Whether a condition looks at a scale of its own questionnaire.
fn refers_to_own_scale(cond: &crate::model::condition::Condition) -> bool {
    cond.any_comparison(&mut |c| c.scale.as_deref().is_some_and(|r| !r.contains('.')))
}

/// Scores one questionnaire.
pub fn score(q: &Questionnaire, answers: &ItemAnswers, earlier: &Earlier) -> Scored {
    scored(q, enabled(q, answers, earlier), earlier)
}

/// [`score`], for answers that are not needed afterwards: they are moved, not copied.
pub(crate) fn score_owned(
    q: &Questionnaire,
    mut answers: ItemAnswers,
    earlier: &Earlier,
) -> Scored {
    let found = enabled_from(q, |id| answers.remove_entry(id), earlier);
    scored(q, found, earlier)
}

fn scored(q: &Questionnaire, (on, kept): (Vec<bool>, ItemAnswers), earlier: &Earlier) -> Scored {
    let outcomes = q
        .items
        .iter()
        .zip(&on)
        .map(|(item, &is_on)| {
            if !is_on {
                Outcome::NotAsked
            } else {
                match kept.get(item.id()) {
                    Some(Answer::Declined) => Outcome::Declined,
                    Some(a) => Outcome::Answered(a.clone()),
                    None => Outcome::Skipped,
                }
            }
        })
        .collect();
    let asked_ids: std::collections::HashSet<&str> = q
        .items
        .iter()
        .zip(&on)
        .filter(|(_, is_on)| **is_on)
        .map(|(item, _)| item.id())
        .collect();
    let asked = |id: &str| asked_ids.contains(id);
    let mut scales = compute_scales(q, &kept, &asked);
    let (flags, guidance_off) = {
        let view = View {
            q,
            answers: &kept,
            scales: Some(&scales),
            earlier,
        };
        let variants: Vec<Vec<usize>> = q
            .scales
            .iter()
            .zip(&scales)
            .map(|(scale, s)| {
                let Some(b) = s.band else {
                    return Vec::new();
                };
                scale.bands[b]
                    .variants
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| evaluate(&v.when, &view))
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect();
        for (s, v) in scales.iter_mut().zip(variants) {
            s.variant = v.first().copied();
            s.variants = v;
        }
        let view = View {
            q,
            answers: &kept,
            scales: Some(&scales),
            earlier,
        };
        let flags = q
            .flags
            .iter()
            .enumerate()
            .filter(|(_, f)| evaluate(&f.when, &view))
            .map(|(index, f)| RaisedFlag {
                index,
                id: f.id.clone(),
                level: parse_level(&f.level).unwrap_or(FlagLevel::Note),
            })
            .collect();
        let guidance_off = q
            .guidance
            .iter()
            .flat_map(|g| g.entries())
            .filter_map(|(key, i, e)| {
                let when = e.when()?;
                (!evaluate(when, &view)).then_some((key, i))
            });
        (flags, guidance_off.collect())
    };
    Scored {
        id: q.id.clone(),
        outcomes,
        answers: kept,
        scales,
        flags,
        guidance_off,
    }
}

/// Scores questionnaires in the order given; each sees the ones before it.
pub fn score_session(qs: &[&Questionnaire], answers: &SessionAnswers) -> Vec<Scored> {
    let empty = ItemAnswers::new();
    let mut done: Vec<Scored> = Vec::with_capacity(qs.len());
    for q in qs {
        let earlier: Earlier = done.iter().map(|s| (s.id.as_str(), s)).collect();
        let scored = score(q, answers.get(&q.id).unwrap_or(&empty), &earlier);
        done.push(scored);
    }
    done
}

/// Computes every scale of `q` from answers of enabled items. `asked` says which items were
/// asked: a scale counts, prorates over and takes its range from those only.
pub(crate) fn compute_scales(
    q: &Questionnaire,
    answers: &ItemAnswers,
    asked: &dyn Fn(&str) -> bool,
) -> Vec<ScaleScore> {
    let items = ItemIndex::new(q);
    let ranges = asked_ranges(q, asked);
    let mut out: Vec<ScaleScore> = Vec::with_capacity(q.scales.len());
    for (scale, range) in q.scales.iter().zip(ranges) {
        let mut values = Vec::new();
        for id in scale.items.iter().filter(|id| asked(id)) {
            let Some(item) = items.get(id) else {
                continue;
            };
            let v = match (item, answers.get(id)) {
                (Item::SingleChoice(_), Some(Answer::Choice(v))) => *v as f64,
                (Item::Number(_), Some(Answer::Number(x))) => *x,
                _ => continue,
            };
            let reverse = match item {
                Item::SingleChoice(c) => c.reverse,
                Item::Number(n) => n.reverse,
                _ => false,
            };
            let v = match (reverse, q.item_range(item)) {
                (true, Some((lo, hi))) => lo + hi - v,
                _ => v,
            };
            values.push(v);
        }
        for id in &scale.scales {
            if let Some(v) = out.iter().find(|s| &s.scale == id).and_then(|s| s.value) {
                values.push(v);
            }
        }
        let parts = scale.items.iter().filter(|id| asked(id)).count() + scale.scales.len();
        let k = values.len();
        let needed = needed_parts(scale, parts);
        let value = if k == 0 || k < needed {
            None
        } else {
            let sum: f64 = values.iter().sum();
            let combined = match scale.method {
                Method::Sum if scale.prorate => sum * parts as f64 / k as f64,
                Method::Sum => sum,
                Method::Mean => sum / k as f64,
            };
            Some(round(combined * scale.factor))
        };
        let band = value.map(|v| {
            scale
                .bands
                .iter()
                .position(|b| v <= b.max + 1e-9)
                .unwrap_or(scale.bands.len().saturating_sub(1))
        });
        out.push(ScaleScore {
            scale: scale.id.clone(),
            value,
            band,
            variant: None,
            variants: Vec::new(),
            answered: k,
            parts,
            range,
        });
    }
    out
}

#[cfg(test)]
mod tests;
