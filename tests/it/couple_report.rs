//! `invite --couple` and the couple view of `report`: both partners' scales side by side,
//! the difference in desire, and each partner's safety screen, for the therapist only.

use std::path::Path;

use confide::model::answers_file;
use confide::model::catalog::Catalog;

use crate::common::{Home, encrypt_to, profile, record_answers, stderr, stdout};
use serde_json::Value;

const PASS: &str = "therapist pass";

/// A couple invited with `--couple`; partner 1 and partner 2 answer with the given profiles.
/// A therapist and a folder holding the intakes of a couple answered with `profiles`.
fn couple(profiles: [&str; 2]) -> (Home, tempfile::TempDir) {
    let therapist = Home::new();
    let dir = tempfile::tempdir().unwrap();
    invite_couple(&therapist, dir.path(), profiles);
    (therapist, dir)
}

fn invite_couple(therapist: &Home, dir: &Path, profiles: [&str; 2]) {
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

/// A text, its words joined by single spaces: prose as wrapped at any width.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The couple view of a text report: from its heading to partner 1's intake, which follows.
fn text_view(text: &str) -> &str {
    let at = text.find("Couple C7").expect(text);
    &text[at..text.find("Reference:  C7-1").expect(text)]
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
    let (therapist, dir) = couple(["desire-difference", "coercion-unsafe-partner"]);
    let both = ["intake-1.age", "intake-2.age"];
    let text = report(&therapist, dir.path(), "text", &both);
    // The couple view comes first, before both partners' intakes: safety first.
    let at = text.find("Couple C7").expect(&text);
    let first_intake = text.find("Reference:  C7-1").expect(&text);
    assert!(at < first_intake && at < text.find("Reference:  C7-2").unwrap());
    let view = &text[at..first_intake];
    let flat = words(view);
    assert!(
        flat.starts_with(
            "Couple C7 SAFETY FIRST (for the therapist only): the safety screen of C7-2 raised something in the latest intake:"
        ),
        "{view}"
    );
    // The concerns in words, not ids, then what not to do.
    assert!(
        flat.contains("- Reports not always feeling safe with a partner"),
        "{view}"
    );
    assert!(
        flat.contains("Couple-based work is contraindicated")
            && flat.contains("Do not disclose anything from C7-2's intake to C7-1"),
        "{view}"
    );
    assert!(
        flat.contains("C7-1 reported no concern about their own safety. This screen asks only about a person's own safety"),
        "{view}"
    );
    assert!(flat.contains("desire.desire"), "{view}");
    assert!(
        flat.contains("Desire difference: not interpreted, because a safety concern was raised"),
        "{view}"
    );
    assert!(!flat.contains("no one's fault"), "{view}");
    assert!(!flat.contains("Own reports"), "{view}");
    // C7-1's own couple suggestions are deferred too, saying why.
    let c71 = &text[first_intake..text.find("Reference:  C7-2").unwrap()];
    let deferred = &c71[c71
        .find("Deferred until safety and pressure are assessed")
        .expect(c71)..];
    let deferred_flat = words(deferred);
    assert!(
        deferred_flat.starts_with("Deferred until safety and pressure are assessed Deferred because the other partner of this couple (C7-2) raised the safety screen: see the couple view."),
        "{deferred}"
    );
    assert!(
        deferred_flat.contains("Consider couple-based sex therapy"),
        "{deferred}"
    );
    // The concerns are said once, in words: no flag ids, and no second list of screens.
    assert!(!flat.contains("raised: context."), "{view}");
    assert_eq!(
        flat.matches("C7-1 reported no concern").count(),
        1,
        "{view}"
    );
    // In C7-1's section, the note about the deferral speaks of C7-2.
    assert!(
        deferred_flat.contains("Couple-based and communication work with C7-2 is contraindicated while C7-2 reports coercion, pressure or fear of a partner; reconsider only after an individual assessment of C7-2's safety and with C7-2's independent agreement, given when seen alone. Nothing from C7-2's intake may be disclosed in work with C7-1."),
        "{deferred}"
    );
    assert!(
        !deferred_flat.contains("while the client reports"),
        "{deferred}"
    );
    let md = report(&therapist, dir.path(), "markdown", &both);
    let md_at = md.find("## Couple C7").expect(&md);
    assert!(md_at < md.find("Reference").expect(&md), "{md}");
    assert!(
        md[md_at..]
            .contains("**SAFETY FIRST \\(for the therapist only\\): the safety screen of C7-2"),
        "{md}"
    );
    assert!(
        md.contains("| scale | C7\\-1 | C7\\-2 |") || md.contains("| scale | C7-1 | C7-2 |"),
        "{md}"
    );
    let json: Value = serde_json::from_str(&report(&therapist, dir.path(), "json", &both)).unwrap();
    let c = &json["couples"][0];
    assert_eq!(c["couple"], "C7");
    assert_eq!(c["safety_first"], true);
    let c71 = json["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["reference"] == "C7-1")
        .unwrap();
    let couple_work = c71["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["clinician"].as_str().unwrap().contains("couple-based"))
        .expect("C7-1's couple suggestion");
    assert_eq!(couple_work["deferred"], true, "{couple_work}");
    assert_eq!(c["partners"][0]["raised"], serde_json::json!([]));
    let raised = &c["partners"][1]["raised"][0];
    assert!(
        raised["concerns"][0]
            .as_str()
            .unwrap()
            .starts_with("Reports "),
        "{raised}"
    );
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
    let (therapist, dir) = couple(["desire-difference", "desire-difference"]);
    let text = report(&therapist, dir.path(), "text", &["intake-1.age"]);
    assert!(!text.contains("Couple C7"), "{text}");
    // The intake says it may be one partner's, and what to read first.
    let note = "C7-1 may be one partner of a couple invited together (C7); the intake of C7-2 is not in this report. Read it for a safety concern, and see each partner alone, before any joint session.";
    let flat = words(&text);
    assert!(flat.contains(note), "{text}");
    let json: Value =
        serde_json::from_str(&report(&therapist, dir.path(), "json", &["intake-1.age"])).unwrap();
    assert_eq!(json["sessions"][0]["partner_absent"], "C7-2");
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
fn the_html_report_shows_the_couple_first_on_a_page_of_its_own() {
    let (therapist, dir) = couple(["desire-difference", "coercion-unsafe-partner"]);
    let both = ["intake-1.age", "intake-2.age"];
    let json: Value = serde_json::from_str(&report(&therapist, dir.path(), "json", &both)).unwrap();
    let c = &json["couples"][0];
    let page = report(&therapist, dir.path(), "html", &both);

    // Before both partners' intakes, as in text: a page group of its own.
    let heading = page.find("<h2>Couple C7</h2>").expect(&page);
    assert!(heading < page.find("Intake, reference C7-1").expect(&page));
    assert!(heading < page.find("Intake, reference C7-2").expect(&page));
    assert!(heading < page.find("Summary by reference").unwrap());
    assert_eq!(page.matches("<h2>Couple ").count(), 1);
    let view = couple_section(&page, "<h2>Couple C7</h2>");
    assert!(view.starts_with("<section class=\"page\">"), "{view}");
    // Safety first, marked as urgent.
    assert!(
        view.contains("<div class=\"flag urgent\"><p><strong>SAFETY FIRST (for the therapist only): the safety screen of C7-2"),
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

    // With a safety concern the difference is not interpreted, and not drawn.
    assert!(
        view.contains("<strong>Desire difference: </strong>not interpreted, because a safety concern was raised"),
        "{view}"
    );
    assert!(!view.contains("<svg"), "{view}");

    // The other partner's screen, in words; no flag ids.
    assert!(
        view.contains("<p>C7-1 reported no concern about their own safety."),
        "{view}"
    );
    assert!(!view.contains("raised: context."), "{view}");
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
        view.contains(&format!("Safety screen of {escaped}-2: nothing raised.")),
        "{view}"
    );
}

#[test]
fn when_nothing_was_raised_the_view_says_a_negative_screen_rules_nothing_out() {
    let (therapist, dir) = couple(["desire-difference", "everything-fine"]);
    let both = ["intake-1.age", "intake-2.age"];
    let text = report(&therapist, dir.path(), "text", &both);
    let view = text_view(&text);
    let flat = words(view);
    assert!(!flat.contains("SAFETY FIRST"), "{view}");
    assert!(
        !text.contains("Deferred because the other partner"),
        "{text}"
    );
    assert!(
        flat.contains("Safety screen of C7-1: nothing raised. A negative screen does not rule out coercion: see each partner alone at least once before joint work."),
        "{view}"
    );
    let json: Value = serde_json::from_str(&report(&therapist, dir.path(), "json", &both)).unwrap();
    let c = &json["couples"][0];
    assert_eq!(c["safety_first"], false);
    let d = c["desire_difference"].as_f64().unwrap();
    assert!(d != 0.0, "{c}");
    let (lower, higher) = if d < 0.0 {
        ("C7-2", "C7-1")
    } else {
        ("C7-1", "C7-2")
    };
    assert!(
        flat.contains(&format!(
            "Desire difference: {} lower for {lower} than for {higher} on the desire scale (a screening scale, not a validated measure of discrepancy)",
            shown(&serde_json::json!(d.abs()))
        )),
        "{view}"
    );
    assert!(
        flat.contains("not a deficit of the partner with lower desire"),
        "{view}"
    );
    // Each partner's own answers about desire, in their words.
    let gap = c["partners"][0]["desire"][0].clone();
    assert_eq!(gap["about"], "gap", "{c}");
    assert!(
        flat.contains(&format!(
            "Own reports (desire questionnaire): C7-1 gap \"{}\"",
            gap["answer"].as_str().unwrap()
        )),
        "{view}"
    );
    assert!(
        flat.contains("Where a partner reports desire lower than usual for them, with distress, assess that individually too"),
        "{view}"
    );
    // In HTML, the desire of both is drawn.
    let page = report(&therapist, dir.path(), "html", &both);
    let section = couple_section(&page, "<h2>Couple C7</h2>");
    assert!(section.contains("<svg class=\"rows\""), "{section}");
    assert!(!section.contains("SAFETY FIRST"), "{section}");
}

#[test]
fn a_concern_raised_in_an_earlier_intake_keeps_safety_first() {
    let (therapist, dir) = couple(["desire-difference", "not-safe-partner"]);
    // Later, partner 2 answers again and raises nothing.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let client = Home::new();
    let out = client
        .cmd()
        .args(["take", "--no-save", "--invite"])
        .arg(dir.path().join("inv-2.json"))
        .arg("--answers")
        .arg(profile("everything-fine"))
        .arg("-o")
        .arg(dir.path().join("intake-3.age"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let all = ["intake-1.age", "intake-2.age", "intake-3.age"];
    let text = report(&therapist, dir.path(), "text", &all);
    let at = text.find("Couple C7").expect(&text);
    let flat = words(&text[at..]);
    assert!(
        flat.contains("SAFETY FIRST (for the therapist only): the safety screen of C7-2 raised something in the intake of "),
        "{flat}"
    );
    assert!(flat.contains("; not in the latest, of "), "{flat}");
}

#[test]
fn each_partner_of_a_couple_is_told_who_sees_their_answers_and_how_to_keep_none_here() {
    let therapist = Home::new();
    let recipient = therapist.fast_key(PASS);
    let dir = tempfile::tempdir().unwrap();
    let out = therapist
        .cmd()
        .args(["invite", "-r", &recipient, "--reference", "C9", "--couple"])
        .args(["--message", "Welcome to the practice."])
        .arg("-o")
        .arg(dir.path().join("inv.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for n in 1..=2 {
        let inv: Value = serde_json::from_slice(
            &std::fs::read(dir.path().join(format!("inv-{n}.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(
            inv["message"],
            "Welcome to the practice.\n\nYour answers go to your therapist. confide does not show them to your partner. If you share this computer with your partner, answer with `confide take --no-save --invite FILE`, which keeps nothing on this computer, not even a draft while you answer; otherwise, choose to keep no copy when you are asked at the end: a copy kept here can be read by anyone who knows the passphrase of this computer's confide vault. If something here is not safe to talk about with your partner in the room, your therapist can see you on your own."
        );
    }
    // The client sees it before the first question.
    let client = Home::new();
    let out = client
        .cmd()
        .args(["take", "--no-save", "--plain", "--invite"])
        .arg(dir.path().join("inv-1.json"))
        .write_stdin("q\n")
        .output()
        .unwrap();
    let flat = stdout(&out)
        .split_whitespace()
        .filter(|w| *w != "\u{2502}")
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains(
            "Your answers go to your therapist. confide does not show them to your partner. If you share this computer with your partner, answer with `confide take --no-save --invite FILE`"
        ),
        "{flat}"
    );
}
