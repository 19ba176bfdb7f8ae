//! `confide import`: published FHIR Questionnaires (tests/fixtures/fhir) read into confide
//! questionnaires that validate and run; refusals said item by item; and export, import,
//! export giving the same Questionnaire for every bundled questionnaire and fixture.

use std::path::PathBuf;

use confide::model::catalog::Catalog;
use confide::model::fhir;
use confide::model::load::questionnaire_from_bytes;
use serde_json::{Value, json};

use crate::common::{Home, root, stderr, stdout};

fn fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/fhir"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn read(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Import, then export: what a Questionnaire becomes after one trip through confide.
fn through_confide(resource: &Value) -> Vec<(Value, fhir::Imported)> {
    fhir::import(resource)
        .unwrap()
        .into_iter()
        .filter_map(|o| o.result.ok())
        .map(|i| (fhir::export(&i.questionnaire).resource, i))
        .collect()
}

#[test]
fn export_import_export_gives_the_same_questionnaire_for_every_bundled_one_and_fixture() {
    let mut sources: Vec<(String, Value)> = Catalog::bundled()
        .unwrap()
        .entries
        .iter()
        .map(|e| (e.q().id.clone(), fhir::export(e.q()).resource))
        .collect();
    for path in fixtures() {
        for (exported, _) in through_confide(&read(&path)) {
            sources.push((path.display().to_string(), exported));
        }
    }
    assert!(sources.len() >= 10);
    let mut written = Vec::new();
    for (name, first) in sources {
        let again = through_confide(&first);
        assert_eq!(again.len(), 1, "{name}");
        let (second, imported) = &again[0];
        assert!(
            imported.refused.is_empty(),
            "{name}: {:?}",
            imported.refused
        );
        assert_eq!(&first, second, "{name}");
        let bytes = serde_json::to_vec(&imported.value).unwrap();
        assert!(questionnaire_from_bytes(&bytes).is_ok(), "{name}");
        written.push(json!({"resource": second}));
    }
    // For `.ci/run`, which validates them with the fhir.resources R4B models.
    let samples = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fhir-samples");
    std::fs::create_dir_all(&samples).unwrap();
    let bundle = json!({"resourceType": "Bundle", "type": "collection", "entry": written});
    std::fs::write(samples.join("round-trip.json"), bundle.to_string()).unwrap();
}

#[test]
fn a_bundled_questionnaire_read_back_asks_the_same_questions_the_same_way() {
    let catalog = Catalog::bundled().unwrap();
    let pain = catalog.get("pain").unwrap().q();
    let (_, imported) = through_confide(&fhir::export(pain).resource).remove(0);
    let back = &imported.value;
    let original: Value = serde_json::to_value(pain).unwrap();
    for (a, b) in original["items"]
        .as_array()
        .unwrap()
        .iter()
        .zip(back["items"].as_array().unwrap())
    {
        for key in [
            "id",
            "type",
            "text",
            "hint",
            "required",
            "declinable",
            "tags",
            "reverse",
        ] {
            assert_eq!(a.get(key), b.get(key), "{}: {key}", a["id"]);
        }
        // `how_often >= 1` comes back as "= 1 or = 2 or = 3 or = 4": the same options.
        assert_eq!(
            a.get("enable_when").is_some(),
            b.get("enable_when").is_some(),
            "{}",
            a["id"]
        );
    }
    assert_eq!(original["applies_when"], back["applies_when"]);
    assert_eq!(original["scales"][0]["items"], back["scales"][0]["items"]);
    assert_eq!(
        original["scales"][0]["min_answered"],
        back["scales"][0]["min_answered"]
    );
}

#[test]
fn published_phq9_and_gad7_import_with_their_totals_as_sum_scales() {
    let home = Home::new();
    let dir = home.path().join("q");
    for (file, id, questions, total_items) in [
        ("sdc-phq9.json", "phq9", 9, 9),
        ("lhc-phq9.json", "phq9-lhc", 10, 9),
        ("lhc-gad7.json", "gad7", 7, 7),
    ] {
        let out = home
            .cmd()
            .args(["import", "--id", id, "-o"])
            .arg(&dir)
            .arg(root().join("tests/fixtures/fhir").join(file))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{file}: {}", stderr(&out));
        assert!(
            stdout(&out).contains(&format!("as `{id}`: {questions} questions, 1 scale")),
            "{}",
            stdout(&out)
        );
        let q = read(&dir.join(format!("{id}.json")));
        assert_eq!(q["scales"][0]["method"], "sum");
        assert_eq!(
            q["scales"][0]["items"].as_array().unwrap().len(),
            total_items,
            "{file}"
        );
        assert_eq!(
            q["scales"][0]["bands"][0]["max"].as_f64(),
            Some(if id == "gad7" { 21.0 } else { 27.0 })
        );
        assert_eq!(q["provenance"]["kind"], "licensed");
    }
    let q = read(&dir.join("phq9.json"));
    assert_eq!(q["items"][0]["type"], "display", "the group heading");
    assert_eq!(
        q["items"][1]["options"][3],
        json!({"value": 3, "label": "Nearly every day"})
    );
    assert!(
        q["provenance"]["license"]
            .as_str()
            .unwrap()
            .contains("Pfizer")
    );
    let out = home
        .cmd()
        .arg("validate")
        .args([
            dir.join("phq9.json"),
            dir.join("gad7.json"),
            dir.join("phq9-lhc.json"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn an_imported_questionnaire_runs_in_plain_mode_and_from_an_answers_file() {
    let home = Home::new();
    let dir = home.path().join("q");
    let out = home
        .cmd()
        .args(["import", "--id", "gad7", "-o"])
        .arg(&dir)
        .arg(root().join("tests/fixtures/fhir/lhc-gad7.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = home
        .cmd()
        .args(["take", "gad7", "--plain", "--no-save", "--questionnaires"])
        .arg(&dir)
        .write_stdin("2\n2\n2\n2\n2\n2\n2\ny\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Generalized anxiety disorder 7 item total score: Total."),
        "{}",
        stdout(&out)
    );
    let answers = home.path().join("answers.json");
    let q = read(&dir.join("gad7.json"));
    let mut given = serde_json::Map::new();
    for item in q["items"].as_array().unwrap() {
        given.insert(item["id"].as_str().unwrap().into(), json!(3));
    }
    std::fs::write(
        &answers,
        json!({"format": "confide.answers/1", "answers": {"gad7": given}}).to_string(),
    )
    .unwrap();
    let out = home
        .cmd()
        .args(["take", "gad7", "--no-save", "--answers"])
        .arg(&answers)
        .arg("--questionnaires")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn what_cannot_be_carried_over_is_refused_item_by_item_with_the_reason() {
    let home = Home::new();
    let dir = home.path().join("q");
    let out = home
        .cmd()
        .args(["import", "-o"])
        .arg(&dir)
        .arg(root().join("tests/fixtures/fhir/sdc-hunger-vital-signs.json"))
        .arg(root().join("tests/fixtures/fhir/sdc-test-enablewhen.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("`/88124-3` is not carried over: it is calculated by `iif(%answeredEitherQ"),
        "{err}"
    );
    assert!(
        err.contains("is not in the file (confide works offline)"),
        "{err}"
    );
    assert!(err.contains("an earlier item has the same linkId"), "{err}");
    let q = read(&dir.join("enable-when.json"));
    // `Question hidden until Q1 checked`: a boolean became yes (1) or no (0).
    let hidden = q["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["text"] == "Question hidden until Q1 checked")
        .unwrap();
    assert_eq!(hidden["enable_when"]["all"][0]["value"], 1);
    // A multiple choice `= 9` is `includes 9`.
    let specify = q["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["text"] == "Please specify:");
    assert!(
        specify.is_none(),
        "its group shares a linkId with an earlier group, so it is refused with it"
    );
}

#[test]
fn enable_when_operators_and_behaviour_become_confide_conditions() {
    let q = json!({
        "resourceType": "Questionnaire", "status": "active", "title": "Ops", "language": "en",
        "copyright": "Public domain.",
        "item": [
            {"linkId": "n", "text": "How many?", "type": "integer",
             "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 0},
                           {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 10}]},
            {"linkId": "c", "text": "Which?", "type": "choice",
             "answerOption": [{"valueCoding": {"code": "a", "display": "A"}}, {"valueCoding": {"code": "b", "display": "B"}}]},
            {"linkId": "t", "text": "Why?", "type": "string",
             "enableWhen": [{"question": "n", "operator": ">=", "answerInteger": 3},
                            {"question": "c", "operator": "=", "answerCoding": {"code": "b"}},
                            {"question": "c", "operator": "exists", "answerBoolean": false}],
             "enableBehavior": "any"},
            {"linkId": "later", "text": "Later?", "type": "string",
             "enableWhen": [{"question": "c", "operator": ">", "answerCoding": {"code": "a"}}]}
        ]
    });
    let outcome = fhir::import(&q).unwrap().remove(0);
    let imported = outcome.result.unwrap();
    assert_eq!(imported.questionnaire.id, "ops");
    assert_eq!(imported.value["provenance"]["kind"], "public-domain");
    assert_eq!(
        imported.value["items"][2]["enable_when"],
        json!({"any": [
            {"item": "n", "op": ">=", "value": 3},
            {"item": "c", "op": "=", "value": 2},
            {"item": "c", "op": "missing"}
        ]})
    );
    assert_eq!(imported.refused.len(), 1);
    assert_eq!(imported.refused[0].link_id, "later");
    assert!(
        imported.refused[0].reason.contains("no order"),
        "{:?}",
        imported.refused
    );
}

#[test]
fn hostile_input_is_refused_with_a_clear_error_never_a_panic() {
    let home = Home::new();
    let dir = home.path().join("q");
    let bad = home.path().join("bad.json");
    for (content, code, said) in [
        ("{not json".to_string(), 4, "is not FHIR JSON"),
        (
            json!({"resourceType": "Patient"}).to_string(),
            4,
            "not a Questionnaire",
        ),
        (
            json!({"resourceType": "Questionnaire", "item": []}).to_string(),
            4,
            "has no items",
        ),
        (
            json!({"resourceType": "Questionnaire", "title": "x", "item": [
                {"linkId": "a", "type": "string", "text": "evil \u{1b}[31m text"}]})
            .to_string(),
            4,
            "nothing in it can be asked",
        ),
    ] {
        std::fs::write(&bad, &content).unwrap();
        let out = home
            .cmd()
            .args(["import", "-o"])
            .arg(&dir)
            .arg(&bad)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{content}: {}", stderr(&out));
        assert!(stderr(&out).contains(said), "{content}: {}", stderr(&out));
    }
    // Deeply nested groups stop at a limit.
    let mut item = json!({"linkId": "leaf", "type": "string", "text": "deep"});
    for i in 0..40 {
        item = json!({"linkId": format!("g{i}"), "type": "group", "item": [item]});
    }
    let q = json!({"resourceType": "Questionnaire", "title": "deep", "item": [item,
        {"linkId": "ok", "type": "string", "text": "fine"}]});
    let outcome = fhir::import(&q).unwrap().remove(0).result.unwrap();
    assert!(
        outcome
            .refused
            .iter()
            .any(|r| r.reason.contains("nested more than")),
        "{:?}",
        outcome.refused
    );
    // A file that is too large is refused before it is read whole.
    std::fs::write(&bad, vec![b' '; fhir::MAX_FHIR_BYTES + 10]).unwrap();
    let out = home
        .cmd()
        .args(["import", "-o"])
        .arg(&dir)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("too large"), "{}", stderr(&out));
}

#[test]
fn an_id_taken_by_a_bundled_questionnaire_is_refused_and_another_can_be_given() {
    let home = Home::new();
    let exported = home.path().join("pain.json");
    let out = home
        .cmd()
        .args(["export", "pain", "--format", "fhir"])
        .output()
        .unwrap();
    std::fs::write(&exported, &out.stdout).unwrap();
    let out = home.cmd().arg("import").arg(&exported).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("already used by bundled"),
        "{}",
        stderr(&out)
    );
    let out = home
        .cmd()
        .args(["import", "--id", "pain-copy"])
        .arg(&exported)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = home.config().join("questionnaires/pain-copy.json");
    assert!(
        written.is_file(),
        "imported into the questionnaires folder by default"
    );
    let out = home
        .cmd()
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    assert!(stdout(&out).contains("\"pain-copy\""), "{}", stdout(&out));
}
