//! Inputs that once crashed, hung or misbehaved, found while fuzzing or while reviewing the
//! code the fuzz targets run (see docs/fuzzing.md).
//! Each input is kept under tests/fixtures/fuzz/ and checked here for the clear error or the
//! correct behaviour that replaced the failure.

use std::path::PathBuf;

use crate::common::{Home, root, stderr, stdout};
use confide::model::catalog::Catalog;
use confide::model::load::questionnaire_from_bytes;
use confide::model::response::Response;
use confide::report::clinician::{self, Input};
use confide::report::summary;
use confide::scoring::{self, SessionAnswers};

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/fuzz").join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).expect("fuzz fixture")
}

#[test]
fn many_conditions_on_many_scales_are_scored_without_recomputing_every_scale_per_clause() {
    // 40 items, each enabled by any of 30 scales over the 60 items before them. Every clause
    // used to recompute all 30 scales, so `take` spent minutes before the first question.
    let loaded = questionnaire_from_bytes(&read("conditions-on-many-scales.json"))
        .expect("the questionnaire is valid");
    let q = &loaded.questionnaire;
    let scored = scoring::score_session(&[q], &SessionAnswers::new());
    // With no answers no scale has a value, so none of the 40 later items is asked.
    let asked = scored[0]
        .outcomes
        .iter()
        .filter(|o| **o != scoring::Outcome::NotAsked)
        .count();
    assert_eq!(asked, 60);

    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        fixture("conditions-on-many-scales.json"),
        dir.path().join("scales.json"),
    )
    .expect("copy");
    let home = Home::new();
    let out = home
        .cmd()
        .args(["take", "--plain", "--no-save", "--questionnaires"])
        .arg(dir.path())
        .arg("scales")
        .write_stdin(Vec::<u8>::new())
        .output()
        .expect("run take");
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(stdout(&out).contains(" 1 of 100: "), "{}", stdout(&out));
}

#[test]
fn the_range_of_scales_that_combine_every_earlier_scale_is_worked_out_once_each() {
    // Scale k combines scales 0 to k-1. Each range used to be worked out again for every
    // scale that combined it, 2^49 times for the last of fifty: validate never finished.
    let loaded = questionnaire_from_bytes(&read("scales-combining-every-earlier-scale.json"))
        .expect("the questionnaire is valid");
    let q = &loaded.questionnaire;
    assert_eq!(q.scales.len(), 50);
    let ranges = confide::model::range::scale_ranges(q);
    let last = ranges[49].expect("the last scale has a range");
    assert_eq!((last.min, last.max), (0.0, 2f64.powi(48)));
    assert_eq!(
        confide::model::range::scale_range(q, 3).map(|r| r.max),
        Some(4.0)
    );

    let home = Home::new();
    let out = home
        .cmd()
        .arg("validate")
        .arg(fixture("scales-combining-every-earlier-scale.json"))
        .output()
        .expect("run validate");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).ends_with(": ok\n"), "{}", stdout(&out));
}

#[test]
fn a_record_naming_an_unknown_questionnaire_with_escapes_is_shown_without_them() {
    // `show` lists questionnaires it cannot summarise by id and version, which come from the
    // record; they reached the terminal as they were, escape sequences and all.
    let response = Response::from_slice(&read("record-with-escapes-in-questionnaire-id.json"))
        .expect("the record parses");
    let catalog = Catalog::bundled().expect("bundled questionnaires");
    let rescored = summary::rescore(&response, &catalog);
    assert!(rescored.parts.is_empty());
    let note = summary::missing_note(&rescored.missing).expect("a note");
    assert!(note.contains("[2J"), "{note}");
    assert!(note.contains("desire 1.0.0"), "{note}");
    for c in ['\u{1b}', '\u{7}', '\u{202e}'] {
        assert!(!note.contains(c), "U+{:04X} in {note:?}", c as u32);
    }
}

/// A record of one questionnaire unknown here with `n` scores, each naming its own scale.
fn record_with_scales(n: usize) -> Vec<u8> {
    let scores: Vec<serde_json::Value> = (0..n)
        .map(|k| {
            serde_json::json!({"scale": format!("s{k}"), "value": k, "band": null,
                               "valid": true, "answered": 1, "parts": 1})
        })
        .collect();
    let mut record: serde_json::Value =
        serde_json::from_slice(&read("record-with-many-scales.json")).expect("JSON");
    record["questionnaires"][0]["scores"] = serde_json::Value::Array(scores);
    serde_json::to_vec(&record).expect("serialise")
}

#[test]
fn a_record_with_tens_of_thousands_of_scales_becomes_csv_in_linear_time() {
    // An intake can list any number of scores for a questionnaire confide does not have.
    // Each CSV cell was found by a linear search through every scale of the session, so
    // 100,000 scales (a 7 MB intake) kept `report --format csv` busy for many minutes.
    let n = 20_000;
    let response = Response::from_slice(&record_with_scales(n)).expect("the record parses");
    let catalog = Catalog::bundled().expect("bundled questionnaires");
    let inputs = [Input {
        file: Some("intake.age".into()),
        response,
    }];
    let report = clinician::build(
        &inputs,
        vec![],
        &catalog,
        "en",
        "2026-03-02T00:00:00Z".into(),
    );
    let csv = confide::report::csv::render(&report);
    let mut lines = csv.split("\r\n");
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let row: Vec<&str> = lines.next().expect("row").split(',').collect();
    assert_eq!(header.len(), 7 + 2 * n + 1);
    assert_eq!(row.len(), header.len());
    assert_eq!((header[7], row[7]), ("forged.s0", "0"));
    let last = 7 + 2 * (n - 1);
    assert_eq!((header[last], row[last]), ("forged.s19999", "19999"));

    // The streaming form `confide report` uses: catalog columns, the rest in one cell.
    let columns = confide::report::csv::columns(&catalog);
    let row = confide::report::csv::row(&report.sessions[0], &columns);
    assert!(
        row.contains("forged.s19999=19999"),
        "the other scores are listed"
    );
}

#[test]
fn a_line_longer_than_64_kib_in_plain_mode_is_cut_and_refused_and_the_next_line_is_read() {
    // Plain mode read a whole line before looking at it, so input without a newline grew
    // without bound. Now a line is cut at 64 KiB and the rest of it skipped.
    let long = "a".repeat(70_000);
    let input = format!("1\n1,2\n7.5\n3\n{long}\nwork\ny\n");
    let home = Home::new();
    let out = home
        .cmd()
        .args(["take", "--plain", "--no-save", "--questionnaires"])
        .arg(root().join("tests/fixtures/interview"))
        .arg("checkin")
        .write_stdin(input)
        .output()
        .expect("run take");
    let so = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        so.contains("The answer is 65536 characters long; at most 200 are accepted"),
        "{}",
        &so[so.len().saturating_sub(2000)..]
    );
    assert!(
        !so.contains(&"a".repeat(1000)),
        "the long line is not echoed"
    );
    assert!(so.contains("Your summary"), "the interview went on");
}

/// What the fuzz targets check of every JSON and Markdown output (fuzz/src/lib.rs), for one
/// record: JSON holds no character a terminal acts on and reads back unchanged; Markdown
/// holds no control character, image, link or raw HTML made from the record's text.
fn assert_json_escaped_and_markdown_inert(name: &str, response: Response) {
    use confide::model::validate::is_forbidden_char;
    use confide::report::{clinician_text, fhir};
    use confide::term::style::Style;
    let catalog = Catalog::bundled().expect("bundled");
    let printable = |what: &str, out: &str| {
        if let Some(c) = out.chars().find(|&c| is_forbidden_char(c) && c != '\t') {
            panic!("{name}: {what} holds U+{:04X}", c as u32);
        }
    };
    let inert = |what: &str, md: &str| {
        printable(what, md);
        for live in ["![", "]("] {
            assert!(!md.contains(live), "{name}: {what} holds `{live}`:\n{md}");
        }
        let html = md.match_indices('<').any(|(i, _)| !md[..i].ends_with('\\'));
        assert!(!html, "{name}: {what} holds raw HTML:\n{md}");
    };
    let json = |what: &str, value: serde_json::Value| {
        let text = confide::term::json::to_string(&value).unwrap();
        printable(what, &text);
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value, "{name}: {what} reads back");
    };
    json("the record", serde_json::to_value(&response).unwrap());
    let rescored = summary::rescore(&response, &catalog);
    let parts: Vec<summary::Part> = rescored
        .parts
        .iter()
        .map(|(q, s, taken)| summary::Part {
            q,
            scored: s,
            taken: *taken,
        })
        .collect();
    let resources = confide::report::resources::bundled();
    let opts = summary::Options {
        lang: "en",
        width: 80,
        style: Style { color: false },
        resources: &resources,
        country: Some("GB".into()),
    };
    inert(
        "the Markdown summary",
        &summary::render_markdown(&parts, &opts),
    );
    let report = clinician::build(
        &[Input {
            file: Some("intake.age".into()),
            response,
        }],
        Vec::new(),
        &catalog,
        "en",
        "2026-01-01T00:00:00Z".into(),
    );
    inert("the Markdown report", &clinician_text::markdown(&report));
    json("the FHIR bundle", fhir::bundle(&report));
    json("the JSON report", serde_json::to_value(&report).unwrap());
}

#[test]
fn a_record_with_c1_controls_direction_marks_and_markdown_is_printed_escaped() {
    // Found by review: JSON output passed C1 controls, direction marks and separators raw,
    // and Markdown output turned free text into a remote image.
    let response = Response::from_slice(&read("record-with-controls-and-live-markdown.json"))
        .expect("a well-formed record");
    assert_json_escaped_and_markdown_inert("the hostile record", response);
}

#[test]
fn every_record_seed_passes_the_fuzz_checks_of_json_and_markdown() {
    let seeds = root().join("fuzz/seeds/record");
    let mut checked = 0;
    for entry in std::fs::read_dir(&seeds).expect("record seeds") {
        let path = entry.expect("entry").path();
        if let Ok(response) = Response::from_slice(&std::fs::read(&path).expect("seed")) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert_json_escaped_and_markdown_inert(&name, response);
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked} seeds");
}
