//! The clinician report and its exports, built from sessions scored with the bundled
//! questionnaires.

use confide::model::answers_file;
use confide::model::catalog::Catalog;
use confide::model::questionnaire::Questionnaire;
use confide::model::response::Response;
use confide::report::clinician::{self, DefinitionCheck, Failure, Input};
use confide::report::{clinician_text, csv, fhir};
use confide::scoring::{self, record};
use confide::term::style::Style;
use serde_json::json;

fn catalog() -> Catalog {
    Catalog::bundled().unwrap_or_else(|(n, p)| panic!("{n}: {p:?}"))
}

/// A session as `take --answers` would record it.
fn session(
    catalog: &Catalog,
    answers: serde_json::Value,
    id: &str,
    created: &str,
    reference: Option<&str>,
) -> Response {
    let file = answers_file::parse(
        json!({"format": "confide.answers/1", "answers": answers})
            .to_string()
            .as_bytes(),
    )
    .unwrap_or_else(|p| panic!("{p:?}"));
    let qs: Vec<&Questionnaire> = catalog
        .entries
        .iter()
        .map(|e| e.q())
        .filter(|q| file.answers.contains_key(&q.id))
        .collect();
    let resolved = scoring::answers::resolve(&qs, &file).unwrap_or_else(|p| panic!("{p:?}"));
    let scored = scoring::score_session(&qs, &resolved);
    let defs: Vec<(&Questionnaire, &str)> = qs
        .iter()
        .map(|q| (*q, catalog.get(&q.id).unwrap().loaded.sha256()))
        .collect();
    record::response(
        &defs,
        &scored,
        id.into(),
        created.into(),
        reference.map(str::to_owned),
        "en",
    )
}

fn unsafe_with_pain() -> serde_json::Value {
    json!({
        "context": {"activity": [1], "partner": 1, "topics": [5], "duration": 3, "overall_bother": 4,
                    "stress": 3, "sleep": 3, "safe_partner": 1, "pressure": 0, "notes": "=cmd|' /C calc'!A0"},
        "pain": {"how_often": 3, "severity": 3, "fear": 3, "avoid": 3, "bother": 4},
    })
}

fn calm() -> serde_json::Value {
    json!({
        "context": {"activity": [1], "partner": 1, "topics": [3], "duration": 1, "overall_bother": 1,
                    "stress": 1, "sleep": 1, "safe_partner": 0, "pressure": 0},
        "pain": {"how_often": 1, "severity": 1, "fear": 0, "avoid": 0, "bother": 1},
    })
}

fn report(inputs: Vec<Input>, failures: Vec<Failure>) -> clinician::Report {
    clinician::build(
        &inputs,
        failures,
        &catalog(),
        "en",
        "2026-11-25T10:00:00Z".into(),
    )
}

#[test]
fn flags_come_urgent_first_and_scores_are_recomputed_when_the_definition_matches() {
    let c = catalog();
    let r = session(
        &c,
        unsafe_with_pain(),
        "11111111-0000-4000-8000-000000000001",
        "2026-11-01T09:00:00Z",
        Some("A-1"),
    );
    let rep = report(
        vec![Input {
            file: Some("a.age".into()),
            response: r,
        }],
        vec![],
    );
    let s = &rep.sessions[0];
    assert_eq!(s.flags[0].level, "urgent", "{:?}", s.flags);
    let ranks: Vec<usize> = s
        .flags
        .iter()
        .map(|f| clinician::level_rank(&f.level))
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{ranks:?}");
    assert!(
        s.flags
            .iter()
            .any(|f| f.questionnaire == "pain" && f.level == "see-a-clinician")
    );
    for q in &s.questionnaires {
        assert_eq!(q.definition, DefinitionCheck::Matches);
        assert!(q.recomputed);
        assert!(q.notes.is_empty(), "{:?}", q.notes);
    }
    let pain = s.questionnaires.iter().find(|q| q.id == "pain").unwrap();
    let scale = &pain.scales[0];
    assert!(scale.valid && scale.value.is_some() && scale.min == Some(0.0) && scale.max.is_some());
    assert!(
        pain.answers
            .iter()
            .any(|a| a.status == confide::model::response::AnswerStatus::NotAsked)
    );
}

#[test]
fn tampered_scores_are_replaced_by_a_fresh_computation_with_a_note() {
    let c = catalog();
    let mut r = session(
        &c,
        calm(),
        "22222222-0000-4000-8000-000000000002",
        "2026-11-01T09:00:00Z",
        None,
    );
    r.questionnaires[1].scores[0].value = Some(19.0);
    r.questionnaires[1].flags.clear();
    let rep = report(
        vec![Input {
            file: None,
            response: r,
        }],
        vec![],
    );
    let pain = &rep.sessions[0].questionnaires[1];
    assert!(
        pain.notes[0].contains("differ from a fresh computation"),
        "{:?}",
        pain.notes
    );
    assert_ne!(pain.scales[0].value, Some(19.0));
}

#[test]
fn a_different_definition_shows_recorded_scores_and_says_so() {
    let c = catalog();
    let mut r = session(
        &c,
        calm(),
        "33333333-0000-4000-8000-000000000003",
        "2026-11-01T09:00:00Z",
        None,
    );
    r.questionnaires[1].sha256 = "0".repeat(64);
    r.questionnaires[1].scores[0].value = Some(7.0);
    let rep = report(
        vec![Input {
            file: None,
            response: r,
        }],
        vec![],
    );
    let pain = &rep.sessions[0].questionnaires[1];
    assert_eq!(pain.definition, DefinitionCheck::Differs);
    assert!(!pain.recomputed);
    assert_eq!(pain.scales[0].value, Some(7.0));
    assert!(
        pain.notes[0].contains("different definition"),
        "{:?}",
        pain.notes
    );
}

#[test]
fn an_unknown_questionnaire_is_reported_from_the_record_alone() {
    let c = catalog();
    let mut r = session(
        &c,
        calm(),
        "44444444-0000-4000-8000-000000000004",
        "2026-11-01T09:00:00Z",
        None,
    );
    r.questionnaires[1].id = "custom-x".into();
    let rep = report(
        vec![Input {
            file: None,
            response: r,
        }],
        vec![],
    );
    let q = &rep.sessions[0].questionnaires[1];
    assert_eq!(q.definition, DefinitionCheck::Unavailable);
    assert_eq!(q.title, "custom-x");
    assert!(q.answers[0].text.is_none());
}

#[test]
fn the_text_report_lists_flags_scales_answers_and_free_text_without_escapes() {
    let c = catalog();
    let mut r = session(
        &c,
        unsafe_with_pain(),
        "55555555-0000-4000-8000-000000000005",
        "2026-11-01T09:00:00Z",
        Some("A-1"),
    );
    // A forged file could carry escape sequences in free text.
    if let Some(a) = r.questionnaires[0]
        .answers
        .iter_mut()
        .find(|a| a.item == "notes")
    {
        a.value = Some(json!("hello \u{1b}[2J world"));
    }
    let rep = report(
        vec![Input {
            file: Some("intake.age".into()),
            response: r,
        }],
        vec![],
    );
    let text = clinician_text::text(&rep, 100, Style::plain());
    assert!(text.contains("Reference:  A-1"));
    let urgent = text.find("URGENT").unwrap();
    let clinician_flag = text.find("SEE A CLINICIAN").unwrap();
    assert!(urgent < clinician_flag, "urgent first");
    assert!(text.contains("definition matches, sha256 "));
    assert!(text.contains("[declined (prefer not to answer)]") || text.contains("[skipped]"));
    assert!(text.contains("[not asked (did not apply)]"));
    assert!(text.contains("Free text"));
    assert!(
        text.contains("hello \u{FFFD}[2J world"),
        "escape neutralised"
    );
    assert!(!text.contains('\u{1b}'));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("clinically significant distress"));
}

#[test]
fn several_sessions_are_grouped_by_reference_with_change_between_intakes() {
    let c = catalog();
    let first = session(
        &c,
        unsafe_with_pain(),
        "66666666-0000-4000-8000-000000000006",
        "2026-10-01T09:00:00Z",
        Some("B-7"),
    );
    let second = session(
        &c,
        calm(),
        "77777777-0000-4000-8000-000000000007",
        "2026-11-01T09:00:00Z",
        Some("B-7"),
    );
    let other = session(
        &c,
        calm(),
        "88888888-0000-4000-8000-000000000008",
        "2026-11-02T09:00:00Z",
        Some("C-9"),
    );
    let rep = report(
        vec![
            Input {
                file: Some("2.age".into()),
                response: second,
            },
            Input {
                file: Some("o.age".into()),
                response: other,
            },
            Input {
                file: Some("1.age".into()),
                response: first,
            },
        ],
        vec![Failure {
            file: "bad.age".into(),
            error: "the file is damaged".into(),
            exit_code: 4,
        }],
    );
    assert_eq!(rep.summary.len(), 2);
    let b = &rep.summary[0];
    assert_eq!(b.reference.as_deref(), Some("B-7"));
    assert_eq!(
        b.sessions[0].id, "66666666-0000-4000-8000-000000000006",
        "oldest first"
    );
    let before = b.sessions[0].scores["pain.pain"].unwrap();
    let after = b.sessions[1].scores["pain.pain"].unwrap();
    assert_eq!(b.sessions[1].change["pain.pain"], Some(after - before));
    let text = clinician_text::text(&rep, 100, Style::plain());
    assert!(text.contains("Summary by reference"));
    assert!(text.contains("Files that could not be read\n  bad.age: the file is damaged"));
}

#[test]
fn json_is_versioned_and_stable() {
    let c = catalog();
    let r = session(
        &c,
        calm(),
        "99999999-0000-4000-8000-000000000009",
        "2026-11-01T09:00:00Z",
        Some("A-1"),
    );
    let rep = report(
        vec![Input {
            file: Some("a.age".into()),
            response: r,
        }],
        vec![],
    );
    let v = serde_json::to_value(&rep).unwrap();
    assert_eq!(v["format"], "confide.report/1");
    let s = &v["sessions"][0];
    for key in [
        "file",
        "id",
        "created",
        "reference",
        "language",
        "recorded_by",
        "flags",
        "questionnaires",
    ] {
        assert!(s.get(key).is_some(), "{key}");
    }
    let q = &s["questionnaires"][1];
    for key in [
        "id",
        "version",
        "sha256",
        "title",
        "definition",
        "recomputed",
        "notes",
        "taken",
        "scales",
        "answers",
    ] {
        assert!(q.get(key).is_some(), "{key}");
    }
    assert_eq!(q["definition"], "matches");
}

#[test]
fn csv_has_a_row_per_session_a_column_per_scale_and_no_formulas() {
    let c = catalog();
    let mut r = session(
        &c,
        unsafe_with_pain(),
        "aaaaaaaa-0000-4000-8000-00000000000a",
        "2026-11-01T09:00:00Z",
        Some("A-1"),
    );
    r.reference = Some("=HYPERLINK(\"http://evil\")".into());
    let rep = report(
        vec![Input {
            file: Some("+evil.age".into()),
            response: r,
        }],
        vec![],
    );
    let out = csv::render(&rep);
    let lines: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0],
        "file,session,created,reference,urgent,flags,safety_screen,context.strain,context.strain.band,pain.pain,pain.pain.band,other_scores"
    );
    assert!(lines[1].starts_with("'+evil.age,aaaaaaaa-"), "{}", lines[1]);
    assert!(
        lines[1].contains(",\"'=HYPERLINK(\"\"http://evil\"\")\","),
        "{}",
        lines[1]
    );
    for field in lines[1].split(',') {
        assert!(!field.starts_with(['=', '+', '@']), "{field}");
    }
}

#[test]
fn markdown_escapes_what_clients_typed() {
    let c = catalog();
    let mut r = session(
        &c,
        unsafe_with_pain(),
        "bbbbbbbb-0000-4000-8000-00000000000b",
        "2026-11-01T09:00:00Z",
        Some("A-1"),
    );
    if let Some(a) = r.questionnaires[0]
        .answers
        .iter_mut()
        .find(|a| a.item == "notes")
    {
        a.value = Some(json!("a | b <script> *bold*"));
    }
    let rep = report(
        vec![Input {
            file: None,
            response: r,
        }],
        vec![],
    );
    let md = clinician_text::markdown(&rep);
    assert!(md.starts_with("# confide intake report: A-1\n"));
    assert!(md.contains("a \\| b \\<script\\> \\*bold\\*"), "{md}");
    assert!(md.contains("| Scale | Value | Range | Band | Valid |"));
}

#[test]
fn fhir_is_a_collection_bundle_of_questionnaire_responses() {
    let c = catalog();
    let r = session(
        &c,
        unsafe_with_pain(),
        "cccccccc-0000-4000-8000-00000000000c",
        "2026-11-01T09:00:00Z",
        Some("A-1"),
    );
    let rep = report(
        vec![Input {
            file: None,
            response: r,
        }],
        vec![],
    );
    let b = fhir::bundle(&rep);
    assert_eq!(b["resourceType"], "Bundle");
    assert_eq!(b["type"], "collection");
    let entries = b["entry"].as_array().unwrap();
    let of_type = |t: &str| {
        entries
            .iter()
            .filter(|e| e["resource"]["resourceType"] == t)
            .count()
    };
    assert_eq!(
        of_type("QuestionnaireResponse"),
        2,
        "one per questionnaire taken"
    );
    assert_eq!(of_type("Observation"), 1, "the safety screen");
    assert_eq!(
        of_type("DetectedIssue"),
        rep.sessions[0].flags.len(),
        "one per flag"
    );
    let screen = entries
        .iter()
        .find(|e| e["resource"]["resourceType"] == "Observation")
        .unwrap();
    assert_eq!(
        screen["resource"]["valueString"],
        rep.sessions[0].safety_screen.text.as_str()
    );
    let qr = &entries[0]["resource"];
    assert_eq!(qr["resourceType"], "QuestionnaireResponse");
    assert_eq!(qr["status"], "completed");
    assert!(
        qr["questionnaire"]
            .as_str()
            .unwrap()
            .starts_with("urn:confide:questionnaire:context|1.1.0")
    );
    assert_eq!(qr["identifier"]["value"], "A-1");
    let items = qr["item"].as_array().unwrap();
    let activity = items.iter().find(|i| i["linkId"] == "activity").unwrap();
    assert_eq!(activity["answer"][0]["valueCoding"]["code"], "1");
    assert!(items.iter().any(|i| i["linkId"] == "scale.strain"));
    assert!(
        entries[0]["fullUrl"]
            .as_str()
            .unwrap()
            .starts_with("urn:uuid:")
    );
}

/// Writes FHIR exports of several profiles where `.ci/run` validates them with the
/// `fhir.resources` R4B models (scripts/validate_fhir.py).
#[test]
fn fhir_samples_are_written_for_external_validation() {
    let c = catalog();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fhir-samples");
    std::fs::create_dir_all(&dir).unwrap();
    let mut inputs = Vec::new();
    for (i, profile) in [
        "no-activity",
        "unsafe-communication",
        "frequent-severe-pain",
        "everything-fine",
        "desire-difference",
    ]
    .iter()
    .enumerate()
    {
        let text =
            std::fs::read_to_string(format!("tests/fixtures/profiles/{profile}.json")).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let r = session(
            &c,
            v["answers"].clone(),
            &format!("dddddddd-0000-4000-8000-00000000000{i}"),
            "2026-11-01T09:00:00Z",
            Some("F-1"),
        );
        let rep = report(
            vec![Input {
                file: None,
                response: r.clone(),
            }],
            vec![],
        );
        let path = dir.join(format!("{profile}.json"));
        std::fs::write(
            &path,
            serde_json::to_vec_pretty(&fhir::bundle(&rep)).unwrap(),
        )
        .unwrap();
        inputs.push(Input {
            file: Some(format!("{profile}.age")),
            response: r,
        });
    }
    let rep = report(inputs, vec![]);
    std::fs::write(
        dir.join("all.json"),
        serde_json::to_vec_pretty(&fhir::bundle(&rep)).unwrap(),
    )
    .unwrap();
    assert!(dir.join("all.json").exists());
}
