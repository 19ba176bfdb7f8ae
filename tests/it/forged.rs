//! Forged sessions and intakes: anyone who knows a public recipient can encrypt any record
//! to it. What confide prints from such a file (JSON, FHIR, Markdown) must not carry
//! terminal controls, direction overrides or live Markdown.

use std::path::{Path, PathBuf};

use confide::model::answers_file;
use confide::model::catalog::Catalog;
use confide::model::questionnaire::Questionnaire;
use confide::scoring::{self, record};
use serde_json::{Value, json};

use crate::common::{Home, encrypt_to, stderr, stdout};

const PASS: &str = "passphrase for forged files";

/// Characters that reach a terminal raw from a JSON string unless escaped: C1 controls
/// (U+009B is a one-byte CSI), DEL, direction marks, overrides and isolates, and the line
/// and paragraph separators.
const RAW: &[char] = &[
    '\u{7f}', '\u{85}', '\u{8d}', '\u{9b}', '\u{61c}', '\u{200e}', '\u{200f}', '\u{2028}',
    '\u{2029}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
    '\u{2068}', '\u{2069}', '\u{1b}',
];

/// Free text with every character of `RAW`.
fn hostile_text() -> String {
    let mut s = String::from("start");
    for c in RAW {
        s.push(*c);
        s.push('x');
    }
    s.push_str("\u{9b}2J end");
    s
}

/// A genuine record of the bundled `context` questionnaire (free text included), as JSON.
pub(crate) fn record_json(id: &str, created: &str) -> Value {
    let catalog = Catalog::bundled().unwrap_or_else(|(n, p)| panic!("{n}: {p:?}"));
    let answers = json!({
        "context": {"activity": [1], "partner": 1, "topics": [3], "duration": 1,
                    "overall_bother": 1, "stress": 1, "sleep": 1, "safe_partner": 0,
                    "pressure": 0, "notes": "NOTES"}
    });
    let file = answers_file::parse(
        json!({"format": "confide.answers/1", "answers": answers})
            .to_string()
            .as_bytes(),
    )
    .unwrap_or_else(|p| panic!("{p:?}"));
    let qs: Vec<&Questionnaire> = vec![catalog.get("context").unwrap().q()];
    let resolved = scoring::answers::resolve(&qs, &file).unwrap_or_else(|p| panic!("{p:?}"));
    let scored = scoring::score_session(&qs, &resolved);
    let defs: Vec<(&Questionnaire, &str)> = qs
        .iter()
        .map(|q| (*q, catalog.get(&q.id).unwrap().loaded.sha256()))
        .collect();
    let r = record::response(
        &defs,
        &scored,
        id.into(),
        created.into(),
        Some("R-1".into()),
        "en",
    );
    serde_json::to_value(&r).unwrap()
}

/// `record_json` with `text` as the free-text answer and the reference.
fn forged_record(text: &str) -> Vec<u8> {
    let mut v = record_json(
        "9b9b9b9b-0000-4000-8000-000000000001",
        "2026-11-01T09:00:00Z",
    );
    v["reference"] = json!(text);
    let answers = v["questionnaires"][0]["answers"].as_array_mut().unwrap();
    let notes = answers.iter_mut().find(|a| a["item"] == "notes").unwrap();
    notes["value"] = json!(text);
    serde_json::to_vec(&v).unwrap()
}

/// A vault with one forged session.
fn vault_with(record: &[u8]) -> Home {
    let home = Home::new();
    let recipient = home.fast_key(PASS);
    let sessions = home.data().join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::write(
        sessions.join("20261101T090000Z-9b9b9b9b.age"),
        encrypt_to(&recipient, record),
    )
    .unwrap();
    home
}

/// A folder of intakes (one forged file) for the vault key of `home`.
fn intakes_with(home: &Home, record: &[u8]) -> PathBuf {
    let recipient = std::fs::read_to_string(home.data().join("recipient.txt")).unwrap();
    let dir = home.path().join("intakes");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("forged.age"), encrypt_to(recipient.trim(), record)).unwrap();
    dir
}

fn run(home: &Home, args: &[&str], path: Option<&Path>) -> std::process::Output {
    let mut cmd = home.cmd();
    cmd.env("CONFIDE_PASSPHRASE", PASS).args(args);
    if let Some(p) = path {
        cmd.arg(p);
    }
    cmd.output().unwrap()
}

/// Every string in a JSON value.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings(x, out);
        }),
        _ => {}
    }
}

/// The output holds none of `RAW`, is valid JSON, and gives back the forged text exactly.
fn assert_escaped_and_lossless(what: &str, out: &std::process::Output, text: &str) {
    assert_eq!(out.status.code(), Some(0), "{what}: {}", stderr(out));
    let printed = stdout(out);
    let raw: Vec<String> = printed
        .chars()
        .filter(|c| RAW.contains(c))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    assert!(raw.is_empty(), "{what} printed raw {raw:?}");
    assert!(printed.contains("\\u009b"), "{what}: {printed}");
    let parsed: Value = serde_json::from_str(&printed)
        .unwrap_or_else(|e| panic!("{what} is not JSON: {e}\n{printed}"));
    let mut all = Vec::new();
    strings(&parsed, &mut all);
    assert!(
        all.iter().any(|s| s.contains(text)),
        "{what}: the forged text does not read back exactly"
    );
}

#[test]
fn controls_and_direction_marks_from_a_forged_file_are_escaped_in_every_json_output() {
    let text = hostile_text();
    let record = forged_record(&text);
    let home = vault_with(&record);
    let dir = intakes_with(&home, &record);
    for (what, args, path) in [
        (
            "report json",
            vec!["report", "--format", "json"],
            Some(&dir),
        ),
        (
            "report fhir",
            vec!["report", "--format", "fhir"],
            Some(&dir),
        ),
        ("history json", vec!["history", "--format", "json"], None),
        ("show json", vec!["show", "--format", "json"], None),
        ("show fhir", vec!["show", "--format", "fhir"], None),
    ] {
        let out = run(&home, &args, path.map(PathBuf::as_path));
        assert_escaped_and_lossless(what, &out, &text);
    }
}

#[test]
fn markdown_from_a_forged_file_holds_no_live_image_link_or_html() {
    let mut v = record_json(
        "9b9b9b9b-0000-4000-8000-000000000002",
        "2026-11-01T09:00:00Z",
    );
    v["reference"] = json!("<img src=http://host/ref.png>");
    let answers = v["questionnaires"][0]["answers"].as_array_mut().unwrap();
    let notes = answers.iter_mut().find(|a| a["item"] == "notes").unwrap();
    notes["value"] = json!("![x](http://host/pixel.png?id=1)");
    // A questionnaire this confide does not know: its id and version reach headings.
    let mut unknown = v["questionnaires"][0].clone();
    unknown["id"] = json!("# [q](http://host/q)");
    unknown["version"] = json!("![v](http://host/v.png)");
    v["questionnaires"].as_array_mut().unwrap().push(unknown);
    let record = serde_json::to_vec(&v).unwrap();
    let home = vault_with(&record);
    let dir = intakes_with(&home, &record);
    for (what, args, path) in [
        ("report", vec!["report", "--format", "markdown"], Some(&dir)),
        ("show", vec!["show", "--format", "markdown"], None),
    ] {
        let out = run(&home, &args, path.map(PathBuf::as_path));
        assert_eq!(out.status.code(), Some(0), "{what}: {}", stderr(&out));
        let md = stdout(&out);
        for live in ["![", "](", "<img", "# [q]", "## # "] {
            // Markup is live unless a backslash escapes its first character.
            let unescaped = md
                .match_indices(live)
                .any(|(i, _)| !md[..i].ends_with('\\'));
            assert!(!unescaped, "{what}: `{live}` in\n{md}");
        }
        assert!(
            md.contains("\\<img src=http://host/ref.png\\>"),
            "{what}: {md}"
        );
        assert!(md.contains("\\!\\[v\\]\\(http://host/v"), "{what}: {md}");
        if what == "report" {
            assert!(
                md.contains("\\!\\[x\\]\\(http://host/pixel.png?id=1\\)"),
                "{md}"
            );
        }
    }
}

/// A `confide.draft/1` for the test questionnaire `checkin`, with `change` made to it.
fn draft(change: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut d = json!({
        "format": "confide.draft/1",
        "id": "3f1c2b7a-0000-4000-8000-000000000001",
        "started": "2026-11-25T08:15:00Z",
        "saved": "2026-11-25T08:21:40Z",
        "language": "en",
        "reference": "A-17",
        "questionnaires": ["checkin"],
        "answers": {"checkin": {"mood": 0, "who": "declined"}},
        "resume_at": "checkin.sleep"
    });
    change(&mut d);
    serde_json::to_vec(&d).unwrap()
}

/// `take --resume` of a draft made of `bytes`, answering what is left.
fn resume(bytes: &[u8]) -> (Home, PathBuf, std::process::Output) {
    let home = Home::new();
    let recipient = home.fast_key(PASS);
    let drafts = home.data().join("drafts");
    std::fs::create_dir_all(&drafts).unwrap();
    let file = drafts.join("20261125T082140Z-5e6f7a8b.age");
    std::fs::write(&file, encrypt_to(&recipient, bytes)).unwrap();
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .args(["take", "--plain", "--resume", "--questionnaires"])
        .arg(crate::common::root().join("tests/fixtures/interview"))
        .write_stdin("\n3\nworried\ny\n")
        .output()
        .unwrap();
    (home, file, out)
}

#[test]
fn a_well_formed_draft_is_resumed_and_its_reference_kept() {
    let (home, file, out) = resume(&draft(|_| {}));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!file.exists(), "the finished session removes the draft");
    let out = run(&home, &["show", "--format", "json"], None);
    let record: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(record["reference"], "A-17");
    assert_eq!(record["id"], "3f1c2b7a-0000-4000-8000-000000000001");
}

#[test]
fn a_draft_that_does_not_check_out_is_refused_whole_naming_it() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "a reference with escape sequences",
            draft(|d| d["reference"] = json!("A-1\u{1b}[2J\u{1b}]0;owned\u{7}")),
        ),
        (
            "a reference that is a name",
            draft(|d| d["reference"] = json!("Jane Doe")),
        ),
        (
            "an option that does not exist",
            draft(|d| d["answers"]["checkin"]["mood"] = json!(7)),
        ),
        (
            "a number out of range",
            draft(|d| d["answers"]["checkin"]["sleep"] = json!(99)),
        ),
        (
            "text with an escape sequence",
            draft(|d| {
                d["answers"]["checkin"]["worry"] = json!(2);
                d["answers"]["checkin"]["why"] = json!("a\u{1b}[2Jb");
            }),
        ),
        (
            "an item that does not exist",
            draft(|d| d["answers"]["checkin"]["nosuch"] = json!(1)),
        ),
        (
            "answers to a questionnaire it does not name",
            draft(|d| d["answers"]["desire"] = json!({"d1": 1})),
        ),
        (
            "an id that is not a UUID",
            draft(|d| d["id"] = json!("../../x")),
        ),
        (
            "a time that is not a time",
            draft(|d| d["started"] = json!("yesterday")),
        ),
        (
            "a place to resume that is no item",
            draft(|d| d["resume_at"] = json!("checkin.gone")),
        ),
        (
            "a key given twice",
            String::from_utf8(draft(|_| {}))
                .unwrap()
                .replacen(
                    "\"language\":\"en\"",
                    "\"language\":\"en\",\"language\":\"fr\"",
                    1,
                )
                .into_bytes(),
        ),
    ];
    for (what, bytes) in cases {
        let (home, file, out) = resume(&bytes);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(4), "{what}: {err}");
        assert!(
            err.contains(&format!("draft {} cannot be used", file.display())),
            "{what}: {err}"
        );
        assert!(!err.contains('\u{1b}'), "{what}: {err:?}");
        assert!(
            !stdout(&out).lines().any(|l| l.starts_with('[')),
            "{what}: nothing is asked"
        );
        assert!(file.exists(), "{what}: the draft is kept as it was");
        let sessions = home.data().join("sessions");
        assert!(
            !sessions.exists() || std::fs::read_dir(&sessions).unwrap().count() == 0,
            "{what}: nothing is saved"
        );
    }
}
