//! `confide export`: confide's own JSON, and FHIR R4 Questionnaire resources that follow SDC
//! and that the responses of a report resolve to. The exports are written where `.ci/run`
//! validates them with the `fhir.resources` R4B models.

use serde_json::Value;

use crate::common::{Home, root, stderr, stdout};

fn export(home: &Home, args: &[&str]) -> std::process::Output {
    home.cmd().arg("export").args(args).output().unwrap()
}

fn items(q: &Value) -> &Vec<Value> {
    q["item"].as_array().unwrap()
}

fn item<'a>(q: &'a Value, link: &str) -> &'a Value {
    items(q)
        .iter()
        .find(|i| i["linkId"] == link)
        .unwrap_or_else(|| panic!("no {link}"))
}

#[test]
fn a_questionnaire_exports_as_a_fhir_questionnaire_with_its_canonical_url_and_version() {
    let home = Home::new();
    let out = export(&home, &["pain", "--format", "fhir"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let q: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(q["resourceType"], "Questionnaire");
    assert_eq!(q["url"], "urn:confide:questionnaire:pain");
    assert!(q["version"].as_str().unwrap().starts_with("1."));
    assert_eq!(q["status"], "active");
    assert_eq!(q["copyright"], "MIT OR Apache-2.0");
    // A choice: codings with a system, the option values as ordinalValue.
    let how_often = item(&q, "how_often");
    assert_eq!(how_often["type"], "choice");
    let first = &how_often["answerOption"][0];
    assert_eq!(
        first["valueCoding"]["system"],
        "urn:confide:questionnaire:pain:how_often"
    );
    assert_eq!(first["valueCoding"]["code"], "0");
    assert_eq!(
        first["extension"][0]["url"],
        "http://hl7.org/fhir/StructureDefinition/ordinalValue"
    );
    assert_eq!(first["extension"][0]["valueDecimal"], 0);
    // A multiple choice repeats; a condition on an earlier item is enableWhen.
    let where_ = item(&q, "where");
    assert_eq!(where_["repeats"], true);
    assert_eq!(where_["enableBehavior"], "any");
    let whens: Vec<&str> = where_["enableWhen"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["question"] == "how_often")
        .map(|w| w["answerCoding"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        whens,
        ["1", "2", "3", "4"],
        "`how_often >= 1` is each option from 1 up"
    );
    // Help text is a help display item inside the question.
    assert_eq!(how_often["item"][0]["type"], "display");
    // A condition on another questionnaire travels in confide's extension.
    let first_question = item(&q, "how_often");
    assert!(
        first_question["extension"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["url"] == "urn:confide:fhir:enable-when"),
        "{first_question}"
    );
    // The scale is a read-only calculated item, left to confide (prorated, conditional items).
    let scale = item(&q, "scale.pain");
    assert_eq!(scale["readOnly"], true);
    assert_eq!(scale["code"][0]["code"], "pain.pain");
    let flags = std::fs::read_to_string(root().join("questionnaires/pain.json")).unwrap();
    let flags: Value = serde_json::from_str(&flags).unwrap();
    let flags = flags["flags"].as_array().unwrap().len();
    assert!(
        stderr(&out).contains(&format!("{flags} flags")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_plain_total_gets_the_sdc_calculated_expression() {
    let home = Home::new();
    let dir = root().join("tests/fixtures/valid");
    let out = home
        .cmd()
        .args([
            "export",
            "five-item",
            "--format",
            "fhir",
            "--questionnaires",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let q: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let total = items(&q)
        .iter()
        .find(|i| i["linkId"].as_str().unwrap().starts_with("scale."))
        .unwrap();
    let calc = total["extension"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["url"] == "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression")
        .expect("calculatedExpression");
    let expr = calc["valueExpression"]["expression"].as_str().unwrap();
    assert!(expr.contains("ordinal().sum()"), "{expr}");
    assert!(expr.contains("'i1' | 'i2'"), "{expr}");
}

#[test]
fn without_a_format_export_writes_the_questionnaire_file_itself() {
    let home = Home::new();
    let out = export(&home, &["context"]);
    assert_eq!(out.status.code(), Some(0));
    let written: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let file: Value =
        serde_json::from_slice(&std::fs::read(root().join("questionnaires/context.json")).unwrap())
            .unwrap();
    assert_eq!(written, file);
    let out = export(&home, &["context", "pain"]);
    assert_eq!(out.status.code(), Some(2), "several need a folder");
    assert!(stderr(&out).contains("-o DIR"));
    let out = export(&home, &["nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`confide list`"));
}

#[test]
fn every_bundled_questionnaire_is_written_to_a_folder_and_sampled_for_validation() {
    let home = Home::new();
    let dir = home.path().join("out");
    let out = home
        .cmd()
        .args(["export", "--format", "fhir", "-o"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let bundled = std::fs::read_dir(root().join("questionnaires"))
        .unwrap()
        .count();
    assert_eq!(names.len(), bundled, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("Questionnaire-")));
    // Never over an existing file.
    let again = home
        .cmd()
        .args(["export", "--format", "fhir", "-o"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("not overwritten"),
        "{}",
        stderr(&again)
    );
    // A Bundle of all of them, for `.ci/run` to validate with the responses of the reports.
    let out = export(&home, &["--format", "fhir"]);
    let bundle: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["entry"].as_array().unwrap().len(), bundled);
    let samples = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fhir-samples");
    std::fs::create_dir_all(&samples).unwrap();
    std::fs::write(samples.join("questionnaires.json"), stdout(&out)).unwrap();
}
