//! Shared helpers for the fuzz targets: the bundled catalog, and the pure paths from a
//! questionnaire or a record to every rendered output.

use std::sync::OnceLock;

use confide::model::catalog::Catalog;
use confide::model::questionnaire::Questionnaire;
use confide::model::response::Response;
use confide::model::validate::is_forbidden_char;
use confide::report::clinician::{self, Input};
use confide::report::{clinician_text, csv, fhir, resources, summary};
use confide::scoring::{self, Scored, SessionAnswers};
use confide::term::style::Style;

/// Panics if plain output holds a character that could move the cursor, change colours
/// or reorder text: untrusted text must be sanitised before it is printed.
pub fn assert_printable(what: &str, out: &str) {
    if let Some(c) = out.chars().find(|&c| is_forbidden_char(c) && c != '\t') {
        panic!("{what} holds U+{:04X}", c as u32);
    }
}

/// Panics if JSON that confide prints holds a character a terminal would act on, or does
/// not read back as the value it was made from.
pub fn assert_printable_json(what: &str, value: &serde_json::Value) {
    let text = confide::term::json::to_string(value).expect("JSON serialises");
    assert_printable(what, &text);
    let back: serde_json::Value = serde_json::from_str(&text).expect("printed JSON parses");
    assert!(back == *value, "{what} does not read back as written");
}

/// Panics if Markdown output holds a control character or live markup built from data: an
/// image or link (`![`, `](`) or raw HTML (`<` not escaped). confide's own templates use
/// none of them, so any is data that escaped [`confide::report::markdown::escape`].
pub fn assert_inert_markdown(what: &str, out: &str) {
    assert_printable(what, out);
    for live in ["![", "]("] {
        assert!(!out.contains(live), "{what} holds live Markdown `{live}`");
    }
    let html = out
        .match_indices('<')
        .any(|(i, _)| !out[..i].ends_with('\\'));
    assert!(!html, "{what} holds raw HTML");
}

/// Panics if HTML output holds a control character or markup built from data: confide's
/// own templates write no script, image, frame, link or event handler, so any is data that
/// escaped maud's escaping.
pub fn assert_inert_html(what: &str, out: &str) {
    assert_printable(what, out);
    let lower = out.to_lowercase();
    for live in [
        "<script",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "<link",
        "<a ",
        " onerror=\"",
        " onload=\"",
        " src=\"",
        " href=\"",
    ] {
        assert!(!lower.contains(live), "{what} holds live HTML `{live}`");
    }
    assert!(
        out.trim_end().ends_with("</body></html>"),
        "{what} is one whole page"
    );
}

/// The bundled questionnaires, loaded once. They are valid by construction (checked by the
/// test suite), so failing here is a harness bug, not a finding.
pub fn bundled() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::bundled().expect("bundled questionnaires load"))
}

pub fn bundled_resources() -> &'static resources::Resources {
    static RESOURCES: OnceLock<resources::Resources> = OnceLock::new();
    RESOURCES.get_or_init(resources::bundled)
}

/// Renders the client summary of scored questionnaires as coloured and plain text at a
/// narrow and a wide width, and as Markdown.
pub fn render_summary(qs: &[&Questionnaire], scored: &[Scored]) {
    let parts: Vec<summary::Part> = qs
        .iter()
        .zip(scored)
        .map(|(q, s)| summary::Part {
            q,
            scored: s,
            taken: s.outcomes.iter().any(|o| *o != scoring::Outcome::NotAsked),
        })
        .collect();
    for (width, color, country) in [(20, true, None), (100, false, Some("GB"))] {
        let opts = summary::Options {
            lang: "en",
            width,
            style: Style { color },
            resources: bundled_resources(),
            country: country.map(String::from),
        };
        let text = summary::render_text(&parts, &opts);
        if !color {
            assert_printable("the plain summary", &text);
        }
        let md = summary::render_markdown(&parts, &opts);
        assert_inert_markdown("the Markdown summary", &md);
    }
}

/// Renders the summary page `show --format html` prints for `response`.
pub fn render_summary_html(catalog: &Catalog, response: &Response, parts: &[summary::Part]) {
    let opts = summary::Options {
        lang: "en",
        width: 80,
        style: Style { color: false },
        resources: bundled_resources(),
        country: Some("GB".into()),
    };
    let page = confide::report::html::summary_page(response, parts, &opts, catalog, None);
    assert_inert_html("the HTML summary", &page);
}

/// Scores `answers` for `qs` in order, turns the result into a record, and renders both the
/// client summary and the clinician report of that record.
pub fn score_and_render(catalog: &Catalog, qs: &[&Questionnaire], answers: &SessionAnswers) {
    let scored = scoring::score_session(qs, answers);
    render_summary(qs, &scored);
    let parts: Vec<(&Questionnaire, &str)> = qs
        .iter()
        .map(|q| {
            let sha = catalog.get(&q.id).map_or("", |e| e.loaded.sha256());
            (*q, sha)
        })
        .collect();
    let record = scoring::record::response(
        &parts,
        &scored,
        "00000000-0000-4000-8000-000000000000".into(),
        "2026-01-01T00:00:00Z".into(),
        Some("A-1".into()),
        "en",
    );
    // The record must read back as it was written.
    let bytes = serde_json::to_vec(&record).expect("a record serialises");
    let back = Response::from_slice(&bytes).expect("a record written by confide reads back");
    render_report(catalog, vec![back]);
}

/// Builds the clinician report of `responses` (each given twice under two file names, so
/// the summary by reference has something to compare) and renders every format.
pub fn render_report(catalog: &Catalog, responses: Vec<Response>) {
    let inputs: Vec<Input> = responses
        .into_iter()
        .enumerate()
        .flat_map(|(i, r)| {
            [
                Input {
                    file: Some(format!("intake-{i}-a.age")),
                    response: r.clone(),
                },
                Input {
                    file: Some(format!("intake-{i}-b.age")),
                    response: r,
                },
            ]
        })
        .collect();
    let failures = vec![clinician::Failure {
        file: "broken.age".into(),
        error: "the record is damaged".into(),
        exit_code: 4,
    }];
    let report = clinician::build(
        &inputs,
        failures,
        catalog,
        "en",
        "2026-01-01T00:00:00Z".into(),
    );
    let plain = clinician_text::text(&report, 60, Style { color: false });
    assert_printable("the plain clinician report", &plain);
    let _ = clinician_text::text(&report, 0, Style { color: true });
    let md = clinician_text::markdown(&report);
    assert_inert_markdown("the Markdown clinician report", &md);
    let _ = csv::render(&report);
    let page = confide::report::html::report_page(&report, catalog, "en");
    assert_inert_html("the HTML clinician report", &page);
    let bundle = fhir::bundle(&report);
    assert_printable_json("the FHIR bundle", &bundle);
    let json = serde_json::to_value(&report).expect("the JSON report serialises");
    assert_printable_json("the JSON report", &json);
}

/// What `confide show` prints for a saved record: the summary scored again from its
/// answers, and the note about questionnaires that cannot be summarised.
pub fn render_show(catalog: &Catalog, response: &Response) {
    let rescored = summary::rescore(response, catalog);
    let qs: Vec<&Questionnaire> = rescored.parts.iter().map(|(q, _, _)| *q).collect();
    let scored: Vec<Scored> = rescored.parts.iter().map(|(_, s, _)| s.clone()).collect();
    render_summary(&qs, &scored);
    let parts = rescored.summary_parts();
    render_summary_html(catalog, response, &parts);
    if let Some(note) = summary::missing_note(&rescored.missing) {
        assert_printable("the note on questionnaires not shown", &note);
    }
}

/// Every output made from one record that came from a file.
pub fn render_record(catalog: &Catalog, response: Response) {
    let json = serde_json::to_value(&response).expect("a record serialises");
    assert_printable_json("the record `show --format json` prints", &json);
    render_show(catalog, &response);
    render_report(catalog, vec![response]);
}
