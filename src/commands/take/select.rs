//! Choosing the questionnaires of a session, and what that choice answers.
//!
//! A questionnaire with `applies_when` is taken when an earlier multiple-choice item, such as
//! the topics of `context`, includes some options. When the person names the questionnaires
//! (on the command line, or through an invitation or a draft), that item has already been
//! answered by the naming: it is not asked, and its answer is derived ([`derived`]).

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Result};
use crate::model::answer::{Answer, check};
use crate::model::answers_file::AnswersFile;
use crate::model::catalog::Catalog;
use crate::model::condition::Op;
use crate::model::questionnaire::{Item, Questionnaire};
use crate::session::{Derived, Part};
use crate::term::sanitize;

/// The questionnaires to take, in catalog order. Asked by id (or named in the answers
/// file), a questionnaire is always asked; in an interactive run, questionnaires that others
/// refer to are taken first.
pub(crate) fn select<'a>(
    catalog: &'a Catalog,
    ids: &[String],
    file: Option<&AnswersFile>,
    with_dependencies: bool,
) -> Result<Vec<Part<'a>>> {
    let available = || catalog.ids().join(", ");
    let mut wanted: Vec<String> = ids.to_vec();
    if wanted.is_empty()
        && let Some(f) = file
    {
        wanted = f.answers.keys().cloned().collect();
    }
    if ids.is_empty() {
        // Unknown ids named by an answers file are reported with its other problems.
        wanted.retain(|id| catalog.get(id).is_some());
    }
    for id in &wanted {
        if catalog.get(id).is_none() {
            return Err(
                Error::usage(format!("unknown questionnaire `{}`", sanitize::line(id)))
                    .with_hint(format!("available: {} (see `confide list`)", available())),
            );
        }
    }
    let explicit = !wanted.is_empty() || file.is_some();
    if !explicit {
        wanted = catalog
            .entries
            .iter()
            .filter(|e| e.source == crate::model::catalog::Source::Bundled)
            .map(|e| e.q().id.clone())
            .collect();
    }
    let ordered = catalog.ordered(&wanted, with_dependencies);
    if ordered.is_empty() && file.is_none() {
        return Err(
            Error::usage("there are no questionnaires to take").with_hint("see `confide list`")
        );
    }
    Ok(ordered
        .into_iter()
        .map(|e| Part {
            q: e.q(),
            explicit: explicit || e.q().applies_when.is_none(),
        })
        .collect())
}

/// The answers a choice of questionnaires gives. An item is a *selector* when the
/// `applies_when` of some questionnaire known here says `includes` about it (the topics of
/// `context`: desire applies when they include desire or "not sure"). When the questionnaires
/// are named, each selector of the session is derived instead of asked: the options that the
/// questionnaires taken select, leaving out an exclusive option such as "not sure" unless
/// nothing else selects them; no answer (and the item is not asked) when none of the
/// questionnaires taken depends on it. A derived answer the item would refuse leaves the
/// item to be asked.
pub(crate) fn derived(catalog: &Catalog, parts: &[Part]) -> Vec<Derived> {
    let known: Vec<&Questionnaire> = catalog.entries.iter().map(|e| e.q()).collect();
    let mut out = Vec::new();
    for (reference, _) in selections(&known) {
        let Some((qid, id)) = reference.split_once('.') else {
            continue;
        };
        let Some(part) = parts.iter().find(|p| p.q.id == qid) else {
            continue;
        };
        let q = part.q;
        let Some((_, item @ Item::MultiChoice(_))) = q.item(id) else {
            continue;
        };
        let taken: Vec<&Questionnaire> = parts.iter().map(|p| p.q).collect();
        let chosen: BTreeSet<i64> = selections(&taken).remove(&reference).unwrap_or_default();
        let answer = derived_choices(q, item, &chosen);
        if answer.as_ref().is_some_and(|a| check(q, item, a).is_err()) {
            continue;
        }
        out.push(Derived {
            questionnaire: qid.to_owned(),
            item: id.to_owned(),
            answer,
        });
    }
    out
}

/// For each item (`questionnaire.item`) that the `applies_when` of these questionnaires
/// says `includes` about, the option values they name.
fn selections(questionnaires: &[&Questionnaire]) -> BTreeMap<String, BTreeSet<i64>> {
    let mut out: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    for q in questionnaires {
        let Some(cond) = &q.applies_when else {
            continue;
        };
        for (_, c) in cond.comparisons() {
            if let (Some(reference), Op::Includes, Some(v)) =
                (&c.item, &c.op, c.value.as_ref().and_then(|v| v.as_i64()))
            {
                out.entry(reference.clone()).or_default().insert(v);
            }
        }
    }
    out
}

/// The options of `item` among `chosen`, in the item's order, leaving out exclusive ones
/// when another is chosen; `None` when none is.
fn derived_choices(q: &Questionnaire, item: &Item, chosen: &BTreeSet<i64>) -> Option<Answer> {
    let options = q.options_of(item);
    let named: Vec<_> = options
        .iter()
        .filter(|o| chosen.contains(&o.value))
        .collect();
    let plain: Vec<i64> = named
        .iter()
        .filter(|o| !o.exclusive)
        .map(|o| o.value)
        .collect();
    if !plain.is_empty() {
        return Some(Answer::Choices(plain));
    }
    named.first().map(|o| Answer::Choices(vec![o.value]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> Catalog {
        Catalog::bundled().unwrap_or_else(|(n, p)| panic!("{n}: {p:?}"))
    }

    fn parts<'a>(catalog: &'a Catalog, ids: &[&str]) -> Vec<Part<'a>> {
        let ids: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
        select(catalog, &ids, None, true).unwrap()
    }

    fn topics(derived: &[Derived]) -> Option<Option<Answer>> {
        derived
            .iter()
            .find(|d| d.questionnaire == "context" && d.item == "topics")
            .map(|d| d.answer.clone())
    }

    #[test]
    fn naming_a_questionnaire_answers_the_topics_with_its_topic() {
        let catalog = bundled();
        let desire = derived(&catalog, &parts(&catalog, &["desire"]));
        assert_eq!(topics(&desire), Some(Some(Answer::Choices(vec![1]))));
        let two = derived(&catalog, &parts(&catalog, &["pain", "desire"]));
        assert_eq!(topics(&two), Some(Some(Answer::Choices(vec![1, 3]))));
    }

    #[test]
    fn the_exclusive_not_sure_option_is_never_derived_beside_a_topic() {
        let catalog = bundled();
        let all: Vec<&str> = catalog.entries.iter().map(|e| e.q().id.as_str()).collect();
        let every = derived(&catalog, &parts(&catalog, &all));
        let Some(Some(Answer::Choices(values))) = topics(&every) else {
            panic!("the topics are derived: {every:?}");
        };
        let context = catalog.get("context").unwrap().q();
        let (_, item) = context.item("topics").unwrap();
        for v in &values {
            let option = context.options_of(item).iter().find(|o| o.value == *v);
            assert!(option.is_some_and(|o| !o.exclusive), "{values:?}");
        }
        assert!(values.len() >= 4, "{values:?}");
    }

    #[test]
    fn naming_only_the_questionnaire_of_the_topics_leaves_them_unasked_and_unanswered() {
        let catalog = bundled();
        let context = derived(&catalog, &parts(&catalog, &["context"]));
        assert_eq!(topics(&context), Some(None));
    }

    #[test]
    fn nothing_is_derived_without_the_questionnaire_that_holds_the_topics() {
        let catalog = bundled();
        let none = derived(&catalog, &[]);
        assert!(none.is_empty(), "{none:?}");
    }

    #[test]
    fn named_questionnaires_never_ask_the_topics_and_their_totals_never_grow() {
        let catalog = bundled();
        for entry in &catalog.entries {
            let parts = parts(&catalog, &[entry.q().id.as_str()]);
            let derived = derived(&catalog, &parts);
            for pattern in 0..6 {
                let mut flow =
                    crate::session::Flow::with_derived(parts.clone(), Default::default(), &derived);
                let asked = crate::session::tests::answer_all_checking_progress(&mut flow, pattern);
                assert!(
                    !asked.iter().any(|a| a.starts_with("context.topics")),
                    "{asked:#?}"
                );
            }
        }
    }
}
