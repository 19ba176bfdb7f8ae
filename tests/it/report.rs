//! The clinician report and its exports, built from sessions scored with the bundled
//! questionnaires.

use confide::model::answers_file;
use confide::model::catalog::Catalog;
use confide::model::response::{AnswerStatus, QuestionnaireRecord, Response};
use confide::report::clinician::{self, DefinitionCheck, Failure, Input};
use confide::report::{clinician_text, csv, fhir};
use confide::term::style::Style;
use serde_json::{Value, json};

use crate::common::profile;

/// When every session of these tests was taken, unless a test says otherwise.
const CREATED: &str = "2026-11-01T09:00:00Z";

fn catalog() -> Catalog {
    Catalog::bundled().unwrap_or_else(|(n, p)| panic!("{n}: {p:?}"))
}

/// A session as `take --answers` would record it.
fn session(answers: Value, id: &str, created: &str, reference: Option<&str>) -> Response {
    let catalog = catalog();
    let file = answers_file::parse(
        json!({"format": "confide.answers/1", "answers": answers})
            .to_string()
            .as_bytes(),
    )
    .unwrap_or_else(|p| panic!("{p:?}"));
    crate::common::record_answers(&catalog, &file, id, created, reference.map(str::to_owned))
}

fn unsafe_with_pain() -> Value {
    json!({
        "context": {"activity": [1], "partner": 1, "topics": [5], "duration": 3, "overall_bother": 4,
                    "stress": 3, "sleep": 3, "safe_partner": 1, "pressure": 0, "notes": "=cmd|' /C calc'!A0"},
        "pain": {"how_often": 3, "severity": 3, "fear": 3, "avoid": 3, "bother": 4},
    })
}

fn calm() -> Value {
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

/// The report on one session, read from `file`.
fn report_on(response: Response, file: Option<&str>) -> clinician::Report {
    report(
        vec![Input {
            file: file.map(str::to_owned),
            response,
        }],
        vec![],
    )
}

/// Puts `text` in the free-text answer of the context questionnaire, as a forged file could.
fn with_notes(mut r: Response, text: &str) -> Response {
    let notes = r.questionnaires[0]
        .answers
        .iter_mut()
        .find(|a| a.item == "notes")
        .expect("the session has notes");
    notes.value = Some(json!(text));
    r
}

#[test]
fn flags_come_urgent_first_and_scores_are_recomputed_when_the_definition_matches() {
    let r = session(
        unsafe_with_pain(),
        "11111111-0000-4000-8000-000000000001",
        CREATED,
        Some("A-1"),
    );
    let rep = report_on(r, Some("a.age"));
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
            .any(|a| a.status == AnswerStatus::NotAsked)
    );
}

fn calm_session() -> Response {
    session(
        calm(),
        "22222222-0000-4000-8000-000000000002",
        CREATED,
        None,
    )
}

/// What the report shows of one questionnaire: whether its definition is the one the
/// answers were given to, whether scores were recomputed, the first score, the title, and
/// whether answers are shown in words.
#[derive(Debug, PartialEq)]
struct Shown<'a> {
    definition: DefinitionCheck,
    recomputed: bool,
    score: Option<f64>,
    title: &'a str,
    in_words: bool,
}

impl<'a> Shown<'a> {
    fn of(q: &'a clinician::QuestionnaireReport) -> Shown<'a> {
        Shown {
            definition: q.definition,
            recomputed: q.recomputed,
            score: q.scales[0].value,
            title: &q.title,
            in_words: q.answers[0].text.is_some(),
        }
    }
}

/// The pain questionnaire of a calm session, its record changed in three ways: what the
/// report shows, and the note that says why.
#[test]
fn the_definition_check_decides_between_fresh_and_recorded_scores() {
    let fresh = report_on(calm_session(), None).sessions[0].questionnaires[1].scales[0].value;
    type Edit = fn(&mut QuestionnaireRecord);
    let cases: [(&str, Edit, Shown, &str); 3] = [
        (
            "tampered scores are replaced by a fresh computation with a note",
            |q| {
                q.scores[0].value = Some(19.0);
                q.flags.clear();
            },
            Shown {
                definition: DefinitionCheck::Matches,
                recomputed: true,
                score: fresh,
                title: "Pain and discomfort",
                in_words: true,
            },
            "differ from a fresh computation",
        ),
        (
            "a different definition shows the recorded scores and says so",
            |q| {
                q.sha256 = "0".repeat(64);
                q.scores[0].value = Some(7.0);
            },
            Shown {
                definition: DefinitionCheck::Differs,
                recomputed: false,
                score: Some(7.0),
                title: "Pain and discomfort",
                in_words: true,
            },
            "different definition",
        ),
        (
            "an unknown questionnaire is reported from the record alone",
            |q| q.id = "custom-x".into(),
            Shown {
                definition: DefinitionCheck::Unavailable,
                recomputed: false,
                score: fresh,
                title: "custom-x",
                in_words: false,
            },
            "not available",
        ),
    ];
    for (name, edit, shown, note) in cases {
        let mut r = calm_session();
        edit(&mut r.questionnaires[1]);
        let rep = report_on(r, None);
        let pain = &rep.sessions[0].questionnaires[1];
        assert_eq!(Shown::of(pain), shown, "{name}");
        assert!(
            pain.notes.first().is_some_and(|n| n.contains(note)),
            "{name}: {:?}",
            pain.notes
        );
    }
}

#[test]
fn the_text_report_lists_flags_scales_answers_and_free_text_without_escapes() {
    let r = session(
        unsafe_with_pain(),
        "55555555-0000-4000-8000-000000000005",
        CREATED,
        Some("A-1"),
    );
    let rep = report_on(with_notes(r, "hello \u{1b}[2J world"), Some("intake.age"));
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
    let sessions = [
        ("2.age", calm(), "77777777", "2026-11-01T09:00:00Z", "B-7"),
        ("o.age", calm(), "88888888", "2026-11-02T09:00:00Z", "C-9"),
        (
            "1.age",
            unsafe_with_pain(),
            "66666666",
            "2026-10-01T09:00:00Z",
            "B-7",
        ),
    ];
    let inputs = sessions
        .into_iter()
        .map(|(file, answers, id8, created, reference)| Input {
            file: Some(file.into()),
            response: session(
                answers,
                &format!("{id8}-0000-4000-8000-000000000000"),
                created,
                Some(reference),
            ),
        })
        .collect();
    let rep = report(
        inputs,
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
        b.sessions[0].id, "66666666-0000-4000-8000-000000000000",
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
    let r = session(
        calm(),
        "99999999-0000-4000-8000-000000000009",
        CREATED,
        Some("A-1"),
    );
    let v = serde_json::to_value(report_on(r, Some("a.age"))).unwrap();
    assert_eq!(v["format"], "confide.report/1");
    let keys = |o: &Value| -> Vec<String> {
        let mut keys: Vec<String> = o.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    let s = &v["sessions"][0];
    let session_keys = [
        "created",
        "file",
        "flags",
        "id",
        "language",
        "questionnaires",
        "recorded_by",
        "reference",
    ];
    for key in session_keys {
        assert!(keys(s).contains(&key.to_owned()), "session: {key}");
    }
    let q = &s["questionnaires"][1];
    let questionnaire_keys = [
        "answers",
        "definition",
        "id",
        "notes",
        "recomputed",
        "scales",
        "sha256",
        "taken",
        "title",
        "version",
    ];
    for key in questionnaire_keys {
        assert!(keys(q).contains(&key.to_owned()), "questionnaire: {key}");
    }
    assert_eq!(q["definition"], "matches");
}

#[test]
fn csv_has_a_row_per_session_a_column_per_scale_and_no_formulas() {
    let mut r = session(
        unsafe_with_pain(),
        "aaaaaaaa-0000-4000-8000-00000000000a",
        CREATED,
        Some("A-1"),
    );
    r.reference = Some("=HYPERLINK(\"http://evil\")".into());
    let out = csv::render(&report_on(r, Some("+evil.age")));
    let lines: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0],
        "file,session,created,reference,urgent,flags,safety_screen,context.strain,context.strain.band,context.relationship,context.relationship.band,pain.pain,pain.pain.band,other_scores"
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
    let r = session(
        unsafe_with_pain(),
        "bbbbbbbb-0000-4000-8000-00000000000b",
        CREATED,
        Some("A-1"),
    );
    let rep = report_on(with_notes(r, "a | b <script> *bold*"), None);
    let md = clinician_text::markdown(&rep);
    assert!(md.starts_with("# confide intake report: A-1\n"));
    assert!(md.contains("a \\| b \\<script\\> \\*bold\\*"), "{md}");
    assert!(md.contains("| Scale | Value | Range | Band | Valid |"));
}

#[test]
fn fhir_is_a_collection_bundle_of_questionnaire_responses() {
    let r = session(
        unsafe_with_pain(),
        "cccccccc-0000-4000-8000-00000000000c",
        CREATED,
        Some("A-1"),
    );
    let rep = report_on(r, None);
    let b = fhir::bundle(&rep);
    assert_eq!(b["resourceType"], "Bundle");
    assert_eq!(b["type"], "collection");
    let entries = b["entry"].as_array().unwrap();
    let scales: usize = rep.sessions[0]
        .questionnaires
        .iter()
        .filter(|q| q.taken)
        .map(|q| q.scales.len())
        .sum();
    assert_eq!(
        resource_types(entries),
        [
            "QuestionnaireResponse",
            "QuestionnaireResponse",
            "Observation"
        ]
        .into_iter()
        .chain((0..scales).map(|_| "Observation"))
        .chain(rep.sessions[0].flags.iter().map(|_| "Flag"))
        .collect::<Vec<_>>(),
        "one response per questionnaire taken, the safety screen, one score per scale, one flag per flag"
    );
    let screen = &entries[2]["resource"];
    assert_eq!(
        screen["valueString"],
        rep.sessions[0].safety_screen.text.as_str()
    );
    let qr = &entries[0]["resource"];
    assert_eq!(qr["status"], "completed");
    assert!(
        qr["questionnaire"]
            .as_str()
            .unwrap()
            .starts_with("urn:confide:questionnaire:context|1.3.1")
    );
    assert_eq!(
        qr["identifier"],
        json!({"system": "urn:confide:response", "value": "cccccccc-0000-4000-8000-00000000000c/context"}),
        "each response is identified by its session and questionnaire"
    );
    assert_eq!(
        qr["subject"],
        json!({"identifier": {"system": "urn:confide:reference", "value": "A-1"}}),
        "the reference code identifies the client"
    );
    let activity = link(qr, "activity").expect("activity");
    assert_eq!(activity["answer"][0]["valueCoding"]["code"], "1");
    assert_eq!(
        activity["answer"][0]["valueCoding"]["system"],
        "urn:confide:questionnaire:context:activity"
    );
    assert!(link(qr, "scale.strain").is_none(), "scores are not answers");
    let strain = entries
        .iter()
        .map(|e| &e["resource"])
        .find(|r| r["code"]["coding"][0]["code"] == "context.strain")
        .expect("an Observation of the strain score");
    assert_eq!(strain["resourceType"], "Observation");
    assert_eq!(strain["derivedFrom"][0]["reference"], entries[0]["fullUrl"]);
    let flag = entries
        .iter()
        .map(|e| &e["resource"])
        .find(|r| r["resourceType"] == "Flag")
        .unwrap();
    assert_eq!(flag["status"], "active");
    assert_eq!(flag["subject"], qr["subject"]);
    assert!(
        entries[0]["fullUrl"]
            .as_str()
            .unwrap()
            .starts_with("urn:uuid:")
    );
}

/// The `resourceType` of each entry of a Bundle.
fn resource_types(entries: &[Value]) -> Vec<&str> {
    entries
        .iter()
        .map(|e| e["resource"]["resourceType"].as_str().unwrap_or("?"))
        .collect()
}

/// The item of a QuestionnaireResponse with this `linkId`.
fn link<'a>(response: &'a Value, id: &str) -> Option<&'a Value> {
    response["item"]
        .as_array()?
        .iter()
        .find(|i| i["linkId"] == id)
}

/// The profiles whose FHIR exports are written for external validation.
const FHIR_PROFILES: [&str; 5] = [
    "no-activity",
    "unsafe-communication",
    "frequent-severe-pain",
    "everything-fine",
    "desire-difference",
];

/// Writes FHIR exports of several profiles where `.ci/run` validates them with the
/// `fhir.resources` R4B models (scripts/validate_fhir.py), and checks what each file holds
/// against the answers of its profile.
#[test]
fn fhir_samples_are_written_for_external_validation() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fhir-samples");
    std::fs::create_dir_all(&dir).unwrap();
    let mut inputs = Vec::new();
    let mut entries_written = 0;
    for (i, name) in FHIR_PROFILES.iter().enumerate() {
        let answers: Value = serde_json::from_slice(&std::fs::read(profile(name)).unwrap())
            .map(|v: Value| v["answers"].clone())
            .unwrap();
        let id = format!("dddddddd-0000-4000-8000-00000000000{i}");
        let r = session(answers.clone(), &id, CREATED, Some("F-1"));
        let rep = report_on(r.clone(), None);
        let path = dir.join(format!("{name}.json"));
        std::fs::write(
            &path,
            serde_json::to_vec_pretty(&fhir::bundle(&rep)).unwrap(),
        )
        .unwrap();
        let written: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        entries_written += check_fhir_sample(name, &written, &answers, &rep);
        inputs.push(Input {
            file: Some(format!("{name}.age")),
            response: r,
        });
    }
    let all = dir.join("all.json");
    std::fs::write(
        &all,
        serde_json::to_vec_pretty(&fhir::bundle(&report(inputs, vec![]))).unwrap(),
    )
    .unwrap();
    let all: Value = serde_json::from_slice(&std::fs::read(all).unwrap()).unwrap();
    let entries = all["entry"].as_array().unwrap();
    assert_eq!(
        entries.len(),
        entries_written,
        "all.json holds every sample"
    );
    let mut urls: Vec<&str> = entries
        .iter()
        .map(|e| e["fullUrl"].as_str().unwrap())
        .collect();
    urls.sort_unstable();
    urls.dedup();
    assert_eq!(urls.len(), entries.len(), "every fullUrl is unique");
}

/// Checks one written sample against the answers of its profile and the report it was made
/// from; returns the number of entries.
fn check_fhir_sample(
    name: &str,
    bundle: &Value,
    answers: &Value,
    rep: &clinician::Report,
) -> usize {
    assert_eq!(
        (&bundle["resourceType"], &bundle["type"]),
        (&json!("Bundle"), &json!("collection")),
        "{name}"
    );
    let entries = bundle["entry"].as_array().unwrap();
    let session = &rep.sessions[0];
    let taken: Vec<_> = session.questionnaires.iter().filter(|q| q.taken).collect();
    let scales: Vec<(&str, &clinician::ScaleEntry)> = taken
        .iter()
        .flat_map(|q| q.scales.iter().map(move |s| (q.id.as_str(), s)))
        .collect();
    let mut expected_types = vec!["QuestionnaireResponse"; taken.len()];
    expected_types.push("Observation");
    expected_types.extend(scales.iter().map(|_| "Observation"));
    expected_types.extend(session.flags.iter().map(|_| "Flag"));
    assert_eq!(resource_types(entries), expected_types, "{name}");
    for entry in entries {
        let id = entry["resource"]["id"].as_str().unwrap();
        assert_eq!(entry["fullUrl"], format!("urn:uuid:{id}"), "{name}");
    }
    for (q, entry) in taken.iter().zip(entries) {
        check_fhir_response(name, &entry["resource"], q, &answers[&q.id]);
    }
    let screen = &entries[taken.len()]["resource"];
    assert_eq!(
        screen["valueString"],
        session.safety_screen.text.as_str(),
        "{name}"
    );
    let observations = &entries[taken.len() + 1..taken.len() + 1 + scales.len()];
    for ((q, scale), obs) in scales.iter().zip(observations) {
        let obs = &obs["resource"];
        assert_eq!(
            obs["code"]["coding"][0]["code"],
            format!("{q}.{}", scale.id),
            "{name}"
        );
        assert_eq!(
            obs["valueQuantity"]["value"].as_f64(),
            scale.value,
            "{name}: {q}.{}",
            scale.id
        );
        assert_eq!(
            obs["dataAbsentReason"].is_object(),
            scale.value.is_none(),
            "{name}"
        );
    }
    for (flag, issue) in session
        .flags
        .iter()
        .zip(&entries[taken.len() + 1 + scales.len()..])
    {
        let code = &issue["resource"]["code"]["coding"][0]["code"];
        let expected = format!("{}.{}", flag.questionnaire, flag.id);
        assert_eq!(code, &json!(expected), "{name}");
    }
    entries.len()
}

/// Checks one QuestionnaireResponse: its questionnaire, reference and time, every answer of
/// the profile with its value, and every scale with the score of the report.
fn check_fhir_response(
    name: &str,
    qr: &Value,
    q: &clinician::QuestionnaireReport,
    answers: &Value,
) {
    let at = format!("{name}, {}", q.id);
    assert_eq!(
        qr["questionnaire"],
        format!("urn:confide:questionnaire:{}|{}", q.id, q.version),
        "{at}"
    );
    assert_eq!(qr["subject"]["identifier"]["value"], "F-1", "{at}");
    assert_eq!(qr["authored"], CREATED, "{at}");
    for (item, value) in answers.as_object().unwrap() {
        match link(qr, item) {
            Some(fhir_item) => assert_eq!(fhir_value(fhir_item, value), *value, "{at}: {item}"),
            None => {
                // An answer to an item whose condition was false is not part of the record.
                let status = q.answers.iter().find(|a| &a.item == item).map(|a| a.status);
                assert_eq!(status, Some(AnswerStatus::NotAsked), "{at}: no item {item}");
            }
        }
    }
    for a in q
        .answers
        .iter()
        .filter(|a| a.status != AnswerStatus::NotAsked)
    {
        assert!(link(qr, &a.item).is_some(), "{at}: no item {}", a.item);
    }
}

/// The answer of a QuestionnaireResponse item written as in an answers file: `declined`, a
/// code as a number, or a number or text; an array of them where the file has an array.
fn fhir_value(item: &Value, like: &Value) -> Value {
    if item["extension"][0]["valueCode"] == "asked-declined" {
        return json!("declined");
    }
    let one = |a: &Value| -> Value {
        match a["valueCoding"]["code"].as_str() {
            Some(code) => serde_json::from_str(code).expect("a code is an option value"),
            None => ["valueInteger", "valueDecimal", "valueString"]
                .iter()
                .find_map(|k| a.get(*k).cloned())
                .unwrap_or(Value::Null),
        }
    };
    let answers = item["answer"].as_array().map_or(&[][..], Vec::as_slice);
    if like.is_array() {
        Value::Array(answers.iter().map(one).collect())
    } else {
        answers.first().map_or(Value::Null, one)
    }
}
