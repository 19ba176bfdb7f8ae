//! `invite --couple` and the couple view of `report`: both partners' scales side by side,
//! the difference in desire, and each partner's safety screen, for the therapist only.

use std::path::Path;

use confide::model::answers_file;
use confide::model::catalog::Catalog;

use crate::common::{Home, encrypt_to, profile, record_answers, stderr, stdout};
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
    let page = report(&therapist, dir.path(), "html", &["intake-1.age"]);
    assert!(page.contains("reference C7-1"), "{page}");
    assert!(
        !page.contains("Couple C7") && !page.contains("couple C7"),
        "{page}"
    );
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

/// A score as every view of the couple writes it: a whole number, or one decimal.
fn shown(v: &Value) -> String {
    match v.as_f64() {
        Some(v) if v.fract() == 0.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
        None => "n/a".to_owned(),
    }
}

/// The couple's page group of an HTML report: from its heading to the end of its section.
fn couple_section<'a>(page: &'a str, heading: &str) -> &'a str {
    let start = page
        .find(heading)
        .unwrap_or_else(|| panic!("no `{heading}`: {page}"));
    let start = page[..start].rfind("<section").unwrap();
    let end = start + page[start..].find("</section>").unwrap();
    &page[start..end]
}

#[test]
fn the_html_report_shows_the_couple_on_a_page_of_its_own_inside_the_page() {
    let therapist = Home::new();
    let dir = tempfile::tempdir().unwrap();
    couple(
        &therapist,
        dir.path(),
        ["desire-difference", "coercion-unsafe-partner"],
    );
    let both = ["intake-1.age", "intake-2.age"];
    let json: Value = serde_json::from_str(&report(&therapist, dir.path(), "json", &both)).unwrap();
    let c = &json["couples"][0];
    let page = report(&therapist, dir.path(), "html", &both);

    // After the summary and the closing note, as in text, and inside the page: a page
    // group that starts a printed page.
    let heading = page.find("<h2>Couple C7</h2>").expect(&page);
    assert!(page.find("Summary by reference").unwrap() < heading);
    assert!(page.find("</footer>").unwrap() < heading);
    assert!(
        page.trim_end().ends_with("</section>\n</body></html>"),
        "{page}"
    );
    assert_eq!(page.matches("<h2>Couple ").count(), 1);
    let view = couple_section(&page, "<h2>Couple C7</h2>");
    assert!(
        view.starts_with("<section class=\"page new-page\">"),
        "{view}"
    );
    assert!(
        view.contains("couple C7 \u{b7} made"),
        "the running head: {view}"
    );

    // A table with a caption and header cells: partner 1, then partner 2.
    assert!(
        view.contains("<caption class=\"note\">The scales of couple C7, side by side</caption>"),
        "{view}"
    );
    assert!(
        view.contains("<th class=\"num\" scope=\"col\">C7-1 (partner 1)</th><th class=\"num\" scope=\"col\">C7-2 (partner 2)</th>"),
        "{view}"
    );
    let (a, b) = (&c["partners"][0]["scores"], &c["partners"][1]["scores"]);
    let keys = a
        .as_object()
        .unwrap()
        .keys()
        .chain(b.as_object().unwrap().keys());
    let mut rows = 0;
    for k in keys {
        let row = format!(
            "({k})</span></th><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            shown(&a[k]),
            shown(&b[k])
        );
        assert!(view.contains(&row), "the row of {k}: {row}\n{view}");
        rows += 1;
    }
    assert!(rows > 2, "{c}");
    assert!(
        view.contains("<th scope=\"row\">Desire <span class=\"note\">(desire.desire)</span></th>"),
        "{view}"
    );

    // The difference, in the words of the text view.
    let difference = match c["desire_difference"].as_f64() {
        None => "not available (a desire score is missing)".to_owned(),
        Some(0.0) => "none on the desire scale".to_owned(),
        Some(_) => format!(
            "{} on the desire scale (partner 2 minus partner 1)",
            shown(&c["desire_difference"])
        ),
    };
    assert!(
        view.contains(&format!("<strong>Desire difference: </strong>{difference}")),
        "{view}"
    );
    // The desire of both, drawn, titled and described.
    assert!(view.contains("<svg class=\"rows\""), "{view}");
    assert!(view.contains(">Desire, both partners</title>"), "{view}");

    // Each safety screen, for the therapist only.
    assert!(
        view.contains("Safety screen of <strong>C7-1</strong> (for the therapist only): <strong>screened, nothing raised</strong>"),
        "{view}"
    );
    assert!(
        view.contains(
            "Safety screen of <strong>C7-2</strong> (for the therapist only): <strong>raised: "
        ),
        "{view}"
    );
}

#[test]
fn a_hostile_couple_reference_is_text_in_the_html_report() {
    let catalog = Catalog::bundled().unwrap_or_else(|(n, p)| panic!("{n}: {p:?}"));
    let therapist = Home::new();
    let recipient = therapist.fast_key(PASS);
    let dir = tempfile::tempdir().unwrap();
    let hostile = "<script>alert(1)</script>\"><b";
    for n in 1..=2 {
        let file = answers_file::parse(&std::fs::read(profile("desire-difference")).unwrap())
            .unwrap_or_else(|p| panic!("{p:?}"));
        let record = record_answers(
            &catalog,
            &file,
            &format!("7e7e7e7e-0000-4000-8000-00000000000{n}"),
            "2026-11-01T09:00:00Z",
            Some(format!("{hostile}-{n}")),
        );
        std::fs::write(
            dir.path().join(format!("intake-{n}.age")),
            encrypt_to(&recipient, &serde_json::to_vec(&record).unwrap()),
        )
        .unwrap();
    }
    let page = report(
        &therapist,
        dir.path(),
        "html",
        &["intake-1.age", "intake-2.age"],
    );
    let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;b";
    assert!(
        !page.contains("<script") && !page.contains("\"><b"),
        "{page}"
    );
    let view = couple_section(&page, &format!("<h2>Couple {escaped}</h2>"));
    assert!(view.contains(&format!("{escaped}-1 (partner 1)")), "{view}");
    assert!(
        view.contains(&format!("Safety screen of <strong>{escaped}-2</strong>")),
        "{view}"
    );
}
