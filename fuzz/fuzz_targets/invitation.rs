//! Arbitrary bytes as an invitation; one that is accepted has its questionnaires scored
//! with no answers and rendered.
#![no_main]

use confide::model::invitation;
use confide::model::questionnaire::Questionnaire;
use confide::scoring::SessionAnswers;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((_invitation, catalog)) = invitation::parse(data) else {
        return;
    };
    let qs: Vec<&Questionnaire> = catalog.entries.iter().map(|e| e.q()).collect();
    confide_fuzz::score_and_render(&catalog, &qs, &SessionAnswers::new());
});
