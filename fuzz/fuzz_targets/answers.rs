//! Arbitrary bytes as an answers file for `take --answers`, checked against the bundled
//! questionnaires; a file that passes is scored and rendered.
#![no_main]

use confide::model::answers_file;
use confide::model::questionnaire::Questionnaire;
use confide::scoring::answers::resolve;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = answers_file::parse(data) else {
        return;
    };
    let catalog = confide_fuzz::bundled();
    let all: Vec<&Questionnaire> = catalog.entries.iter().map(|e| e.q()).collect();
    // As `take --answers` without ids: the questionnaires the file names, in catalog order.
    let named: Vec<&Questionnaire> = all
        .iter()
        .copied()
        .filter(|q| file.answers.contains_key(&q.id))
        .collect();
    for qs in [all, named] {
        if let Ok(answers) = resolve(&qs, &file) {
            confide_fuzz::score_and_render(catalog, &qs, &answers);
        }
    }
});
