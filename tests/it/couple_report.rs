//! `invite --couple` and the couple view of `report`: both partners' scales side by side,
//! the difference in desire, and each partner's safety screen, for the therapist only.

use std::path::Path;

use crate::common::{Home, profile, stderr, stdout};
use serde_json::Value;

const PASS: &str = "therapist pass";

/// A couple invited with `--couple`; partner 1 and partner 2 answer with the given profiles.
fn couple(therapist: &Home, dir: &Path, profiles: [&str; 2]) {
    let recipient = therapist.fast_key(PASS);
    let out = therapist
        .cmd()
        .args([
            "invite",
            "-r",
            &recipient,
            "--reference",
            "C7",
            "--couple",
            "-o",
        ])
        .arg(dir.join("inv.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for (i, name) in profiles.iter().enumerate() {
        let n = i + 1;
        let invitation: Value =
            serde_json::from_slice(&std::fs::read(dir.join(format!("inv-{n}.json"))).unwrap())
                .unwrap();
        assert_eq!(invitation["reference"], format!("C7-{n}"));
        let client = Home::new();
        let out = client
            .cmd()
            .args(["take", "--no-save", "--invite"])
            .arg(dir.join(format!("inv-{n}.json")))
            .arg("--answers")
            .arg(profile(name))
            .arg("-o")
            .arg(dir.join(format!("intake-{n}.age")))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
}

fn report(therapist: &Home, dir: &Path, format: &str, files: &[&str]) -> String {
    let out = therapist
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .arg("report")
        .args(files.iter().map(|f| dir.join(f)))
        .args(["--format", format])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn both_intakes_give_a_couple_view_in_every_format() {
    let therapist = Home::new();
    let dir = tempfile::tempdir().unwrap();
    couple(
        &therapist,
        dir.path(),
        ["desire-difference", "coercion-unsafe-partner"],
    );
    let both = ["intake-1.age", "intake-2.age"];
    let text = report(&therapist, dir.path(), "text", &both);
    let view = &text[text.find("Couple C7").expect(&text)..];
    assert!(view.contains("C7-1") && view.contains("C7-2"), "{view}");
    assert!(view.contains("desire.desire"), "{view}");
    assert!(view.contains("Desire difference:"), "{view}");
    assert!(
        view.contains("Safety screen of C7-1 (for the therapist only): screened, nothing raised"),
        "{view}"
    );
    assert!(
        view.contains("Safety screen of C7-2 (for the therapist only): raised"),
        "{view}"
    );
    let md = report(&therapist, dir.path(), "markdown", &both);
    assert!(md.contains("## Couple C7"), "{md}");
    assert!(
        md.contains("| scale | C7\\-1 | C7\\-2 |") || md.contains("| scale | C7-1 | C7-2 |"),
        "{md}"
    );
    let json: Value = serde_json::from_str(&report(&therapist, dir.path(), "json", &both)).unwrap();
    let c = &json["couples"][0];
    assert_eq!(c["couple"], "C7");
    assert_eq!(c["partners"][0]["reference"], "C7-1");
    assert!(
        c["partners"][1]["safety_screen"]
            .as_str()
            .unwrap()
            .starts_with("raised")
    );
    let (a, b) = (
        c["partners"][0]["scores"]["desire.desire"].as_f64(),
        c["partners"][1]["scores"]["desire.desire"].as_f64(),
    );
    match (a, b) {
        (Some(a), Some(b)) => {
            assert!((c["desire_difference"].as_f64().unwrap() - (b - a)).abs() < 1e-9)
        }
        _ => assert!(c["desire_difference"].is_null()),
    }
}

#[test]
fn one_intake_alone_gives_no_couple_view() {
    let therapist = Home::new();
    let dir = tempfile::tempdir().unwrap();
    couple(
        &therapist,
        dir.path(),
        ["desire-difference", "desire-difference"],
    );
    let text = report(&therapist, dir.path(), "text", &["intake-1.age"]);
    assert!(!text.contains("Couple C7"), "{text}");
    let json: Value =
        serde_json::from_str(&report(&therapist, dir.path(), "json", &["intake-1.age"])).unwrap();
    assert!(json.get("couples").is_none());
}

#[test]
fn couple_needs_a_reference_and_an_out_file() {
    let therapist = Home::new();
    let recipient = therapist.fast_key(PASS);
    let out = therapist
        .cmd()
        .args(["invite", "-r", &recipient, "--couple"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
