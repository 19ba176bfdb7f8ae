//! Arbitrary bytes as a questionnaire file; when one loads, score it with no answers and
//! with the first option of every item, and render the summary and the clinician report.
#![no_main]

use confide::model::answer::{Answer, check};
use confide::model::catalog::{Catalog, Entry, Source};
use confide::model::load::questionnaire_from_bytes;
use confide::model::questionnaire::Item;
use confide::model::range::scale_range;
use confide::scoring::{ItemAnswers, SessionAnswers};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(loaded) = questionnaire_from_bytes(data) else {
        return;
    };
    let q = loaded.questionnaire.clone();
    for i in 0..q.scales.len() {
        let _ = scale_range(&q, i);
    }
    let bundled = confide_fuzz::bundled();
    let _ = bundled.check_references(&q);
    let mut catalog = Catalog::default();
    let _ = catalog.add(Entry {
        loaded,
        source: Source::Invitation,
    });
    let qs = [&q];

    confide_fuzz::score_and_render(&catalog, &qs, &SessionAnswers::new());

    // A simple non-empty session: the lowest answer to every question that accepts it.
    let mut answers = ItemAnswers::new();
    for item in &q.items {
        let answer = match item {
            Item::SingleChoice(_) => q.options_of(item).first().map(|o| Answer::Choice(o.value)),
            Item::MultiChoice(_) => q
                .options_of(item)
                .first()
                .map(|o| Answer::Choices(vec![o.value])),
            Item::Number(n) => Some(Answer::Number(n.max)),
            Item::Text(_) => Some(Answer::Text("x".into())),
            Item::Display(_) => None,
        };
        if let Some(a) = answer
            && check(&q, item, &a).is_ok()
        {
            answers.insert(item.id().to_owned(), a);
        }
    }
    let mut session = SessionAnswers::new();
    session.insert(q.id.clone(), answers);
    confide_fuzz::score_and_render(&catalog, &qs, &session);
});
