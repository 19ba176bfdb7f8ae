//! Benchmarks of the pure core: loading and validating the bundled questionnaires, and
//! scoring a whole session. Run with `cargo bench --bench core`.

use confide::model::answers_file;
use confide::model::bundled::BUNDLED;
use confide::model::catalog::Catalog;
use confide::model::load::questionnaire_from_bytes;
use confide::model::questionnaire::Questionnaire;
use confide::scoring::{self, record};

fn main() {
    divan::main();
}

/// Parse and validate all five bundled questionnaires.
#[divan::bench]
fn load_and_validate_bundled() -> usize {
    BUNDLED
        .iter()
        .map(|(_, text)| {
            questionnaire_from_bytes(divan::black_box(text.as_bytes()))
                .map_or(0, |l| l.questionnaire.items.len())
        })
        .sum()
}

const EVERYTHING: &str = include_str!("../tests/fixtures/profiles/everything-fine.json");

/// Check an answers file against the five questionnaires, score the session and build its
/// record, as `take --answers` does.
#[divan::bench]
fn score_full_session(bencher: divan::Bencher) {
    let catalog = Catalog::bundled().unwrap_or_default();
    let qs: Vec<&Questionnaire> = catalog.entries.iter().map(|e| e.q()).collect();
    let defs: Vec<(&Questionnaire, &str)> = catalog
        .entries
        .iter()
        .map(|e| (e.q(), e.loaded.sha256.as_str()))
        .collect();
    bencher.bench_local(|| {
        let file = answers_file::parse(divan::black_box(EVERYTHING.as_bytes())).ok()?;
        let answers = scoring::answers::resolve(&qs, &file).ok()?;
        let scored = scoring::score_session(&qs, &answers);
        let r = record::response(
            &defs,
            &scored,
            "id".into(),
            "2026-01-01T00:00:00Z".into(),
            None,
            "en",
        );
        Some(serde_json::to_vec(&r).map(|v| v.len()))
    });
}
