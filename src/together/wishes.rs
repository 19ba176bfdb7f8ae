//! The answers of `confide together` as elements of the intersection, and the mutual
//! elements back in words. Pure.
//!
//! A wish (an item with the `wish` options) answered yes or maybe is `wish:<id>`; a "how
//! often" item (the `often` options) is `often:<id>=<value>`. Nothing else is an element: a
//! no, a skipped item and every other answer stay with the person who gave them.

use crate::model::answer::Answer;
use crate::model::questionnaire::{Item, Questionnaire};
use crate::scoring::ItemAnswers;

/// The id of the questionnaire of `together`.
pub(crate) const ID: &str = "together";

/// The questionnaire, compiled into the binary. It is not in the catalog, so `take` never
/// asks it.
pub(crate) const TEXT: &str = include_str!("../../couples/together.json");

fn option_set(item: &Item) -> Option<&str> {
    match item {
        Item::SingleChoice(i) => i.option_set.as_deref(),
        _ => None,
    }
}

/// How many elements a partner can have at most: every list is padded to this length.
pub(crate) fn size(q: &Questionnaire) -> usize {
    q.items
        .iter()
        .filter(|i| matches!(option_set(i), Some("wish" | "often")))
        .count()
}

/// The elements of one partner's answers.
pub(crate) fn elements(q: &Questionnaire, answers: &ItemAnswers) -> Vec<String> {
    let mut out = Vec::new();
    for item in &q.items {
        let Some(Answer::Choice(v)) = answers.get(item.id()) else {
            continue;
        };
        match option_set(item) {
            Some("wish") if *v >= 1 => out.push(format!("wish:{}", item.id())),
            Some("often") => out.push(format!("often:{}={v}", item.id())),
            _ => {}
        }
    }
    out
}

/// One mutual element, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mutual {
    /// A wish both answered yes or maybe: its text.
    Wish(String),
    /// A "how often" item both answered the same: its text and the answer's label.
    Same(String, String),
}

/// The mutual elements in words, in questionnaire order; elements this questionnaire does
/// not have are left out.
pub(crate) fn describe(q: &Questionnaire, lang: &str, mutual: &[String]) -> Vec<Mutual> {
    let mut out = Vec::new();
    for item in &q.items {
        let text = item.common().text.resolve(lang, &q.language).to_owned();
        match option_set(item) {
            Some("wish") if mutual.contains(&format!("wish:{}", item.id())) => {
                out.push(Mutual::Wish(text));
            }
            Some("often") => {
                let prefix = format!("often:{}=", item.id());
                let Some(v) = mutual
                    .iter()
                    .find_map(|e| e.strip_prefix(&prefix)?.parse::<i64>().ok())
                else {
                    continue;
                };
                if let Some(o) = q.options_of(item).iter().find(|o| o.value == v) {
                    let label = o.label.resolve(lang, &q.language).to_owned();
                    out.push(Mutual::Same(text, label));
                }
            }
            _ => {}
        }
    }
    out
}

/// One partner's own answers in words, in questionnaire order: each question asked and what
/// they chose (several choices joined with commas; "Skipped" when left out). For `confide
/// show` of a session a partner chose to keep in their own vault.
pub(crate) fn own_answers(
    q: &Questionnaire,
    lang: &str,
    answers: &ItemAnswers,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for item in q.items.iter().filter(|i| i.is_question()) {
        let text = item.common().text.resolve(lang, &q.language).to_owned();
        let label = |v: &i64| {
            q.options_of(item)
                .iter()
                .find(|o| o.value == *v)
                .map(|o| o.label.resolve(lang, &q.language).to_owned())
        };
        let words = match answers.get(item.id()) {
            Some(Answer::Choice(v)) => label(v),
            Some(Answer::Choices(vs)) if vs.is_empty() => Some("None of these".to_owned()),
            Some(Answer::Choices(vs)) => {
                Some(vs.iter().filter_map(label).collect::<Vec<_>>().join(", "))
            }
            Some(Answer::Declined) => Some("Prefer not to answer".to_owned()),
            Some(Answer::Number(_) | Answer::Text(_)) => None,
            None => Some("Skipped".to_owned()),
        };
        if let Some(words) = words {
            out.push((text, words));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load::Loaded;

    #[test]
    fn only_yes_and_maybe_and_the_how_often_answers_are_elements() {
        let q = Loaded::bundled(TEXT).unwrap().questionnaire;
        // 27 wishes and the three "how often" questions.
        assert_eq!(size(&q), 30);
        let answers: ItemAnswers = [
            ("massage", Answer::Choice(2)),
            ("toy", Answer::Choice(1)),
            ("date", Answer::Choice(0)),
            ("often_sex", Answer::Choice(4)),
            ("who_starts", Answer::Choice(1)),
            ("helps", Answer::Choices(vec![1, 2])),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        assert_eq!(
            elements(&q, &answers),
            vec!["often:often_sex=4", "wish:massage", "wish:toy"]
        );
        let words = describe(&q, "en", &["wish:toy".into(), "often:often_sex=4".into()]);
        assert_eq!(
            words,
            vec![
                Mutual::Same(
                    "How often would you like to have sex with your partner?".into(),
                    "About once a week".into()
                ),
                Mutual::Wish("Using a sex toy together".into()),
            ]
        );
    }

    #[test]
    fn not_at_the_moment_is_an_answer_and_declining_is_none() {
        let q = Loaded::bundled(TEXT).unwrap().questionnaire;
        let answers: ItemAnswers = [
            ("often_sex", Answer::Choice(0)),
            ("often_affection", Answer::Choice(0)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let mine = elements(&q, &answers);
        assert_eq!(mine, vec!["often:often_sex=0", "often:often_affection=0"]);
        assert_eq!(
            describe(&q, "en", &mine[..1]),
            vec![Mutual::Same(
                "How often would you like to have sex with your partner?".into(),
                "Not at the moment".into()
            )]
        );
        let declined: ItemAnswers = [("often_sex".to_owned(), Answer::Declined)].into();
        assert!(elements(&q, &declined).is_empty());
    }
}
