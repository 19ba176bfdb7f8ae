//! `--format html` of `report`, `show` and `history`: one self-contained page each, with
//! every text from a record escaped, rendered in a real browser (Debian's Chromium,
//! headless) to a screenshot and to a PDF whose text is checked.

use std::path::{Path, PathBuf};

use confide::model::answers_file;
use confide::model::catalog::Catalog;
use confide::model::response::Response;
use confide::scoring::{self, record};
use confide::store::sessions::session_stem;

use crate::common::{Home, encrypt_to, profile, record_answers, stderr, stdout};

const PASS: &str = "correct horse battery staple";

/// A session answered as a reviewed answer profile says, at a given time.
fn profile_record(
    catalog: &Catalog,
    name: &str,
    id: &str,
    created: &str,
    reference: &str,
) -> Response {
    let file = answers_file::parse(&std::fs::read(profile(name)).unwrap())
        .unwrap_or_else(|p| panic!("{name}: {p:?}"));
    record_answers(catalog, &file, id, created, Some(reference.into()))
}

/// The bundled example: a client (A-1042) seen three times over half a year, and another
/// (B-2203) seen twice. Returns the home (its vault holds A-1042's sessions) and the
/// folder of intake files of both, encrypted to the vault key. A couple invited with
/// `--couple` (C-3307) has its two intakes in a folder of its own ([`couple_page`]).
fn example() -> (Home, PathBuf) {
    let catalog = Catalog::bundled().unwrap_or_else(|(n, p)| panic!("{n}: {p:?}"));
    let home = Home::new();
    let recipient = home.fast_key(PASS);
    let sessions = home.data().join("sessions");
    let intakes = home.path().join("intakes");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::create_dir_all(&intakes).unwrap();
    let visits = [
        (
            "low-desire-very-bothered",
            "a1042001",
            "2026-01-12T09:30:00Z",
            "A-1042",
        ),
        (
            "desire-difference",
            "a1042002",
            "2026-03-16T10:00:00Z",
            "A-1042",
        ),
        (
            "everything-fine",
            "a1042003",
            "2026-06-22T09:15:00Z",
            "A-1042",
        ),
        (
            "frequent-severe-pain",
            "b2203001",
            "2026-02-03T14:00:00Z",
            "B-2203",
        ),
        ("solo-pain", "b2203002", "2026-05-05T14:00:00Z", "B-2203"),
    ];
    for (name, id8, created, reference) in visits {
        let id = format!("{id8}-0000-4000-8000-000000000000");
        let r = profile_record(&catalog, name, &id, created, reference);
        let bytes = encrypt_to(&recipient, &serde_json::to_vec(&r).unwrap());
        if reference == "A-1042" {
            let stem = session_stem(&r).unwrap();
            std::fs::write(sessions.join(format!("{stem}.age")), &bytes).unwrap();
        }
        std::fs::write(intakes.join(format!("{reference}-{id8}.age")), &bytes).unwrap();
    }
    let couple = home.path().join("couple");
    std::fs::create_dir_all(&couple).unwrap();
    for (name, id8, created, reference) in [
        (
            "desire-difference",
            "c3307001",
            "2026-04-07T16:00:00Z",
            "C-3307-1",
        ),
        (
            "not-safe-partner",
            "c3307002",
            "2026-04-08T11:30:00Z",
            "C-3307-2",
        ),
    ] {
        let id = format!("{id8}-0000-4000-8000-000000000000");
        let r = profile_record(&catalog, name, &id, created, reference);
        let bytes = encrypt_to(&recipient, &serde_json::to_vec(&r).unwrap());
        std::fs::write(couple.join(format!("{reference}.age")), &bytes).unwrap();
    }
    (home, intakes)
}

/// The report of the example's couple: both partners' intakes, then the couple view.
fn couple_page(home: &Home) -> String {
    run(
        home,
        &["report", "--format", "html"],
        Some(&home.path().join("couple")),
    )
}

fn run(home: &Home, args: &[&str], path: Option<&Path>) -> String {
    let mut cmd = home.cmd();
    cmd.env("CONFIDE_PASSPHRASE", PASS).args(args);
    if let Some(p) = path {
        cmd.arg(p);
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// The three pages of the example: the report, the latest session's summary, the history.
fn pages(home: &Home, intakes: &Path) -> Vec<(&'static str, String)> {
    vec![
        (
            "report",
            run(home, &["report", "--format", "html"], Some(intakes)),
        ),
        ("show", run(home, &["show", "--format", "html"], None)),
        ("history", run(home, &["history", "--format", "html"], None)),
    ]
}

/// What every page must be: one document, a policy that forbids loading or running
/// anything, and nothing that would load or run.
fn assert_self_contained(what: &str, page: &str) {
    assert!(
        page.starts_with("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"),
        "{what}"
    );
    assert!(page.trim_end().ends_with("</body></html>"), "{what}");
    assert!(
        page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-"),
        "{what}"
    );
    let lower = page.to_lowercase();
    for live in [
        "<script",
        "<img",
        "<link",
        "<iframe",
        "<object",
        "<embed",
        "src=\"",
        "href=\"",
        "url(",
        "http:",
        "https:",
        "@import",
        "javascript:",
    ] {
        assert!(!lower.contains(live), "{what} holds `{live}`");
    }
    assert_eq!(
        page.matches("<style>").count(),
        1,
        "{what}: one style sheet"
    );
}

#[test]
fn every_html_page_is_self_contained_with_charts_that_have_titles_and_tables() {
    let (home, intakes) = example();
    let mut pages = pages(&home, &intakes);
    pages.push(("couple", couple_page(&home)));
    for (what, page) in pages {
        assert_self_contained(what, &page);
        assert!(page.contains("<svg"), "{what} has charts");
        assert_eq!(
            page.matches("<svg").count(),
            page.matches("<title id=").count(),
            "{what}: every chart has a title"
        );
        assert_eq!(
            page.matches("<svg").count(),
            page.matches("<desc id=").count()
        );
        assert!(
            page.contains("<th scope=\"col\">"),
            "{what}: tables with header cells"
        );
    }
}

#[test]
fn forged_text_in_a_record_renders_as_text_in_every_html_page() {
    let hostile = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
    let mut v = crate::forged::record_json(
        "9b9b9b9b-0000-4000-8000-000000000001",
        "2026-11-01T09:00:00Z",
    );
    v["reference"] = serde_json::json!(hostile);
    let answers = v["questionnaires"][0]["answers"].as_array_mut().unwrap();
    let notes = answers.iter_mut().find(|a| a["item"] == "notes").unwrap();
    notes["value"] = serde_json::json!(hostile);
    let record = serde_json::to_vec(&v).unwrap();
    let home = Home::new();
    let recipient = home.fast_key(PASS);
    let sessions = home.data().join("sessions");
    let intakes = home.path().join("intakes");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::create_dir_all(&intakes).unwrap();
    std::fs::write(
        sessions.join("20261101T090000Z-9b9b9b9b.age"),
        encrypt_to(&recipient, &record),
    )
    .unwrap();
    std::fs::write(intakes.join("forged.age"), encrypt_to(&recipient, &record)).unwrap();
    for (what, page) in pages(&home, &intakes) {
        assert_self_contained(what, &page);
        assert!(
            !page.contains("<script>") && !page.contains("<img"),
            "{what}: {page}"
        );
        if what != "history" {
            assert!(
                page.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"),
                "{what} shows the text as text: {page}"
            );
        }
    }
}

/// Whether Chromium and pdftotext are installed. Locally a test without them prints why
/// it skips; in CI (`CI=true`) they must be there (`.ci/run` installs them).
fn have_browser() -> bool {
    let ok = [("chromium", "--version"), ("pdftotext", "-v")]
        .iter()
        .all(|(tool, arg)| {
            std::process::Command::new(tool)
                .arg(arg)
                .output()
                .is_ok_and(|o| o.status.success())
        });
    if !ok {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "Chromium and pdftotext are required in CI (.ci/run installs the Debian packages `chromium` and `poppler-utils`)"
        );
        eprintln!(
            "skipped: Chromium or pdftotext (Debian packages `chromium`, `poppler-utils`) is not installed"
        );
    }
    ok
}

const SHOT_W: u32 = 1000;
const SHOT_H: u32 = 1400;

/// Renders `html` headless, once, to `name.png` (the window) and `name.pdf` (printed).
fn render(dir: &Path, name: &str) -> std::process::Output {
    let page = dir.join(format!("{name}.html"));
    std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-pdf-header-footer",
        ])
        .args([
            "--disable-background-networking",
            "--no-first-run",
            "--disable-extensions",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.join(format!("profile-{name}")).display()
        ))
        .arg(format!("--window-size={SHOT_W},{SHOT_H}"))
        .arg(format!(
            "--screenshot={}",
            dir.join(format!("{name}.png")).display()
        ))
        .arg(format!(
            "--print-to-pdf={}",
            dir.join(format!("{name}.pdf")).display()
        ))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs")
}

/// The PNG's size, how many colours it has and what share of it is not white.
fn look(png_file: &Path) -> (u32, u32, usize, f64) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_file).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels = &buf[..info.buffer_size()];
    let mut colours = std::collections::HashSet::new();
    let mut inked = 0usize;
    // Every 7th pixel is plenty to tell a page from a blank one, and quick unoptimised.
    for px in pixels.chunks(channels).step_by(7) {
        let rgb = &px[..3.min(channels)];
        colours.insert(rgb.iter().fold(0u32, |acc, &c| acc << 8 | u32::from(c)));
        if rgb.iter().any(|&c| c < 235) {
            inked += 1;
        }
    }
    let total = pixels.len() / channels / 7;
    (
        info.width,
        info.height,
        colours.len(),
        inked as f64 / total as f64,
    )
}

fn pdf_text(pdf: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext: {}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Scale titles and values as JSON outputs give them, to find in the printed text.
fn expected_words(home: &Home, intakes: &Path) -> Vec<(&'static str, Vec<String>)> {
    // As every report shows a score: at most one decimal.
    let num = |v: &serde_json::Value| {
        let s = format!("{:.1}", v.as_f64().unwrap());
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    };
    let report: serde_json::Value =
        serde_json::from_str(&run(home, &["report", "--format", "json"], Some(intakes))).unwrap();
    let mut in_report = vec![
        "A-1042".to_owned(),
        "B-2203".to_owned(),
        "Summary by reference".to_owned(),
    ];
    for s in report["sessions"].as_array().unwrap() {
        for row in s["overview"].as_array().unwrap() {
            in_report.push(row["scale_title"].as_str().unwrap().to_owned());
            if !row["value"].is_null() {
                in_report.push(num(&row["value"]));
            }
        }
    }
    let history: serde_json::Value =
        serde_json::from_str(&run(home, &["history", "--format", "json"], None)).unwrap();
    let mut in_history = vec!["Your history".to_owned(), "Desire".to_owned()];
    let mut in_show = vec![
        "Your summary".to_owned(),
        "A-1042".to_owned(),
        "Desire".to_owned(),
    ];
    let sessions = history["sessions"].as_array().unwrap();
    for (i, s) in sessions.iter().enumerate() {
        for q in s["questionnaires"].as_array().unwrap() {
            for sc in q["scores"].as_array().unwrap() {
                if !sc["value"].is_null() {
                    in_history.push(num(&sc["value"]));
                    if i + 1 == sessions.len() {
                        in_show.push(num(&sc["value"]));
                    }
                }
            }
        }
    }
    let couples: serde_json::Value = serde_json::from_str(&run(
        home,
        &["report", "--format", "json"],
        Some(&home.path().join("couple")),
    ))
    .unwrap();
    let mut in_couple = vec![
        "Couple C-3307".to_owned(),
        "C-3307-1 (partner 1)".to_owned(),
        "C-3307-2 (partner 2)".to_owned(),
        "SAFETY FIRST (for the therapist only)".to_owned(),
        "Couple-based work is contraindicated".to_owned(),
        "Desire difference: not interpreted".to_owned(),
        "reported no concern about their own safety".to_owned(),
    ];
    let c = &couples["couples"][0];
    for p in c["partners"].as_array().unwrap() {
        for v in p["scores"].as_object().unwrap().values() {
            if !v.is_null() {
                in_couple.push(num(v));
            }
        }
    }
    vec![
        ("report", in_report),
        ("show", in_show),
        ("history", in_history),
        ("couple", in_couple),
    ]
}

/// Page `page` of `pdf` (1 for the first) as a picture, `png_stem` plus `.png`, made with
/// `pdftoppm` (from the same package as `pdftotext`).
fn printed_page(pdf: &Path, page: usize, png_stem: &Path) -> PathBuf {
    let n = page.to_string();
    let out = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "110", "-singlefile", "-f", &n, "-l", &n])
        .arg(pdf)
        .arg(png_stem)
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftoppm: {}", stderr(&out));
    png_stem.with_extension("png")
}

#[test]
fn every_html_page_renders_in_chromium_to_a_screenshot_and_a_pdf_with_its_text() {
    if !have_browser() {
        return;
    }
    let (home, intakes) = example();
    let dir = home.path().join("rendered");
    std::fs::create_dir_all(&dir).unwrap();
    let mut pages = pages(&home, &intakes);
    pages.push(("couple", couple_page(&home)));
    for (name, page) in &pages {
        std::fs::write(dir.join(format!("{name}.html")), page).unwrap();
    }
    // One browser per page, all at once: start-up is most of the time.
    let outputs: Vec<std::process::Output> = std::thread::scope(|s| {
        let runs: Vec<_> = pages
            .iter()
            .map(|(name, _)| s.spawn(|| render(&dir, name)))
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let expected = expected_words(&home, &intakes);
    for ((name, _), out) in pages.iter().zip(&outputs) {
        let png_file = dir.join(format!("{name}.png"));
        let pdf = dir.join(format!("{name}.pdf"));
        assert!(png_file.exists() && pdf.exists(), "{name}: {}", stderr(out));
        let (w, h, colours, inked) = look(&png_file);
        assert_eq!((w, h), (SHOT_W, SHOT_H), "{name}: the window's size");
        assert!(
            colours > 16 && inked > 0.03,
            "{name} looks blank: {colours} colours, {inked:.3} inked"
        );
        let text = pdf_text(&pdf);
        let words = &expected.iter().find(|(n, _)| n == name).unwrap().1;
        for w in words {
            assert!(text.contains(w.as_str()), "{name}.pdf lacks `{w}`:\n{text}");
        }
        // The running head is printed on every page.
        let pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        let head = match *name {
            "report" | "couple" => "confide intake report",
            "show" => "Your confide summary",
            _ => "Your confide history",
        };
        assert!(!pages.is_empty());
        for (i, p) in pages.iter().enumerate() {
            assert!(
                p.contains(head),
                "{name}.pdf page {} has no running head:\n{p}",
                i + 1
            );
        }
        if *name == "report" {
            assert!(
                pages.len() >= 5,
                "an intake per page group: {} pages",
                pages.len()
            );
            for reference in ["A-1042", "B-2203"] {
                assert!(
                    pages
                        .iter()
                        .any(|p| p.contains(&format!("reference {reference}")))
                );
            }
        }
        // The couple view comes before both partners' intakes, on a printed page of its
        // own; its picture is that page.
        let mut picture = png_file.clone();
        if *name == "couple" {
            let at = pages
                .iter()
                .position(|p| p.contains("Couple C-3307"))
                .unwrap_or_else(|| panic!("no couple view in couple.pdf:\n{text}"));
            let page = pages[at];
            assert!(
                page.contains("couple C-3307")
                    && !page.contains("reference C-3307-1")
                    && !page.contains("Summary by reference"),
                "the couple view is a printed page of its own:\n{page}"
            );
            for reference in ["C-3307-1", "C-3307-2"] {
                assert!(
                    pages[at + 1..]
                        .iter()
                        .any(|p| p.contains(&format!("reference {reference}"))),
                    "{reference}'s intake comes after the couple view"
                );
            }
            picture = printed_page(&pdf, at + 1, &dir.join("couple-page"));
            let (_, _, colours, inked) = look(&picture);
            assert!(
                colours > 16 && inked > 0.03,
                "the couple's printed page looks blank: {colours} colours, {inked:.3} inked"
            );
        }
        // `CONFIDE_SCREENSHOTS=docs/images` keeps the pictures for the documentation.
        if let Some(keep) = std::env::var_os("CONFIDE_SCREENSHOTS") {
            let keep = crate::common::root().join(keep);
            std::fs::create_dir_all(&keep).unwrap();
            std::fs::copy(&picture, keep.join(format!("{name}-html.png"))).unwrap();
            std::fs::copy(&pdf, keep.join(format!("{name}-html.pdf"))).unwrap();
        }
    }
}

/// A session of the fixture questionnaire whose scale declares norms (SD 2.5, reliability
/// 0.85, lower is better; made-up figures), with the four items answered as given.
fn strain_record(answers: [u8; 4], id: &str, created: &str) -> Response {
    let dir = crate::common::root().join("tests/fixtures/norms");
    let loaded = confide::model::load::questionnaire_from_bytes(
        &std::fs::read(dir.join("strain-fixture.json")).unwrap(),
    )
    .unwrap_or_else(|p| panic!("{p:?}"));
    let q = &loaded.questionnaire;
    let [a, b, c, d] = answers;
    let file = answers_file::parse(
        serde_json::json!({"format": "confide.answers/1",
            "answers": {"strain-fixture": {"a": a, "b": b, "c": c, "d": d}}})
        .to_string()
        .as_bytes(),
    )
    .unwrap_or_else(|p| panic!("{p:?}"));
    let qs = vec![q];
    let resolved = scoring::answers::resolve(&qs, &file).unwrap_or_else(|p| panic!("{p:?}"));
    let scored = scoring::score_session(&qs, &resolved);
    record::response(
        &[(q, loaded.sha256())],
        &scored,
        id.into(),
        created.into(),
        Some("N-1".into()),
        "en",
    )
}

#[test]
fn a_scale_with_norms_gets_its_reliable_change_in_history_and_report() {
    let home = Home::new();
    let recipient = home.fast_key(PASS);
    let sessions = home.data().join("sessions");
    let intakes = home.path().join("intakes");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::create_dir_all(&intakes).unwrap();
    // 10, then 8 (-2: within measurement error), then 3 (-5 since the previous, -7 since
    // the first). S_diff = sqrt(2) * 2.5 * sqrt(0.15) = 1.369.
    for (answers, id8, created) in [
        ([3, 3, 2, 2], "11110001", "2026-01-10T10:00:00Z"),
        ([2, 2, 2, 2], "11110002", "2026-02-10T10:00:00Z"),
        ([1, 1, 1, 0], "11110003", "2026-03-10T10:00:00Z"),
    ] {
        let r = strain_record(
            answers,
            &format!("{id8}-0000-4000-8000-000000000000"),
            created,
        );
        let bytes = encrypt_to(&recipient, &serde_json::to_vec(&r).unwrap());
        std::fs::write(
            sessions.join(format!("{}.age", session_stem(&r).unwrap())),
            &bytes,
        )
        .unwrap();
        std::fs::write(intakes.join(format!("{id8}.age")), &bytes).unwrap();
    }
    let dir = crate::common::root().join("tests/fixtures/norms");
    fn with<'a>(args: &[&'a str]) -> Vec<&'a str> {
        let mut a = args.to_vec();
        a.push("--questionnaires");
        a
    }
    let text = run(&home, &with(&["history"]), Some(&dir));
    assert!(
        text.contains("since the previous session: -5 (RCI -3.65, reliable improvement)"),
        "{text}"
    );
    assert!(
        text.contains("since the first session: -7 (RCI -5.11, reliable improvement)"),
        "{text}"
    );
    assert!(!text.contains("cannot be judged"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&run(
        &home,
        &with(&["history", "--format", "json"]),
        Some(&dir),
    ))
    .unwrap();
    let judged = &json["trends"][0]["reliable_change"];
    assert_eq!(judged["since_previous"]["rci"], -3.65);
    assert_eq!(judged["since_previous"]["verdict"], "reliable_improvement");
    assert_eq!(judged["since_first"]["difference"], -7.0);

    let mut cmd = home.cmd();
    cmd.env("CONFIDE_PASSPHRASE", PASS)
        .args(["report", "--format", "json", "--questionnaires"])
        .arg(&dir)
        .arg(&intakes);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let sessions = &report["summary"][0]["sessions"];
    let second = &sessions[1]["reliable_change"]["strain-fixture.strain"];
    assert_eq!(second["since_previous"]["difference"], -2.0);
    assert_eq!(second["since_previous"]["rci"], -1.46);
    assert_eq!(second["since_previous"]["verdict"], "not_reliable");
    let third = &sessions[2]["reliable_change"]["strain-fixture.strain"];
    assert_eq!(third["since_first"]["rci"], -5.11);
    assert_eq!(third["since_first"]["verdict"], "reliable_improvement");

    let mut cmd = home.cmd();
    cmd.env("CONFIDE_PASSPHRASE", PASS)
        .args(["report", "--questionnaires"])
        .arg(&dir)
        .arg(&intakes);
    let text = stdout(&cmd.output().unwrap());
    assert!(
        text.contains("strain-fixture.strain 3 (-5; RCI -3.65, reliable improvement; since the first -7 (RCI -5.11, reliable improvement))"),
        "{text}"
    );
}

#[test]
fn without_norms_a_change_is_raw_and_said_not_to_be_judged() {
    let (home, intakes) = example();
    let text = run(&home, &["history"], None);
    assert!(
        text.contains("Scales without norms: a change cannot be judged reliable"),
        "{text}"
    );
    let report = run(&home, &["report"], Some(&intakes));
    assert!(
        report.contains("Scales without norms: a change cannot be judged reliable"),
        "{report}"
    );
    assert!(!report.contains("RCI"), "{report}");
    let page = run(&home, &["report", "--format", "html"], Some(&intakes));
    assert!(page.contains("cannot be judged reliable (no norms)"));
}
