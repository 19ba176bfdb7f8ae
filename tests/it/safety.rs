//! The safety screen and what it changes in the client summary: who is asked the safety
//! questions, how urgent concerns are shown (one calm block, then support), and that couple
//! advice and assertiveness framing are withheld wherever a safety concern was raised, while a
//! person without one still reads them where they fit.

use std::fs;

use confide::model::catalog::Catalog;
use confide::model::questionnaire::{FlagLevel, Item, Questionnaire};

use crate::common::{Home, root, stderr, stdout};

/// `confide take --answers PROFILE --no-save` in a pipe: the summary as the person reads it.
fn summary(profile: &str) -> String {
    let home = Home::new();
    let out = home
        .cmd()
        .args(["take", "--no-save", "--answers"])
        .arg(root().join(format!("tests/fixtures/profiles/{profile}.json")))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

/// Whitespace folded, so that sentences wrapped across lines can be found.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Partner-directed and couple suggestions, and skill framing about saying no, each as a
/// phrase found in one bundled text tagged `partner` or `skills`.
const PARTNER_ADVICE: &[&str] = &[
    // desire
    "A difference in desire is causing tension between you and your partner",
    "It is a shared situation to work on together",
    "you need not wait to feel like it",
    "see you with a partner, if you both want that",
    // anxiety
    "Sensate focus is a step-by-step set of touching exercises",
    "Coming back to closeness in small steps",
    // pain
    "on your own or together with your partner, to find closeness",
    "Couple therapy has also been shown to help",
    "Use plenty of lubricant",
    // communication
    "Pick a calm moment outside the bedroom",
    "then compare with a partner",
    "If talks with a partner end in conflict or silence",
    "Couples who talk more about sex",
    "practise these conversations, on your own or with a partner",
    "These conversations can get easier with practice",
    "help you work out what makes it hard",
];

const INSTEAD: &str = "You deserve to be safe. A professional who works with abuse can help you think about sex and your relationship, at your own pace.";

#[test]
fn coercion_by_an_unsafe_partner_gives_one_calm_block_and_no_couple_advice() {
    let text = summary("coercion-unsafe-partner");
    let f = flat(&text);
    assert_eq!(text.matches("Please read this first").count(), 1, "{text}");
    assert!(
        !text.contains("Urgent:"),
        "no stacked urgent labels: {text}"
    );
    assert!(
        f.contains("You said that you do not always feel safe with a partner, that someone pressured or forced you into sexual activity you did not want, that you went along with sex you did not want because you were afraid of how your partner would react and that saying no to a partner is hard for you."),
        "{f}"
    );
    assert_eq!(f.matches("You said that").count(), 1);
    // The single messages are not repeated under the sentence.
    assert!(!f.contains("A no should never put you at risk"), "{f}");
    let block = f.find("Please read this first").unwrap();
    let support = f.find("Support you can reach now").unwrap();
    let situation = f.find("Your situation -").unwrap();
    assert!(block < support && support < situation);
    for contact in ["1-800-799-7233", "1-800-656-4673", "local emergency number"] {
        assert!(f[support..situation].contains(contact), "{contact}");
    }
    for advice in PARTNER_ADVICE {
        assert!(!f.contains(advice), "withheld: {advice}\n{text}");
    }
    assert_eq!(f.matches(INSTEAD).count(), 1, "{text}");
    // Medical and individual help stays; general advice waits while safety comes first.
    assert!(f.contains("deserves a medical assessment"));
    assert!(f.contains("a domestic violence or sexual assault service"));
    assert!(!f.contains("What often helps"), "{text}");
    assert!(!f.contains("Consent is an ongoing conversation."));
}

#[test]
fn the_same_concerns_without_a_safety_concern_keep_the_couple_advice() {
    // The answers of `coercion-unsafe-partner`, but safe with the partner, no pressure, and
    // going along with sex to avoid an argument rather than out of fear.
    let text = summary("partner-concerns-safe");
    let f = flat(&text);
    assert!(!text.contains("Please read this first"), "{text}");
    assert!(!f.contains(INSTEAD));
    for advice in PARTNER_ADVICE {
        assert!(f.contains(advice), "shown: {advice}\n{text}");
    }
    assert!(f.contains(
        "Note: You rarely feel heard when you talk about sex. That is lonely. A calm moment outside the bedroom"
    ));
}

#[test]
fn a_person_who_declined_to_say_about_partners_and_activity_is_still_asked_about_safety() {
    let text = summary("declined-partner-and-activity");
    let f = flat(&text);
    // One urgent flag: its own message, alone, above the resources.
    assert_eq!(text.matches("Please read this first").count(), 1);
    let block = f.find("Please read this first").unwrap();
    let message = f
        .find("You said you do not always feel safe with a partner. You deserve to be safe")
        .unwrap_or_else(|| panic!("{f}"));
    let support = f.find("Support you can reach now").unwrap();
    assert!(block < message && message < support);
    assert!(!f.contains("You said that"));
    // Partner questions elsewhere were not asked, so no partner advice fits here anyway.
    assert!(!f.contains("Suggestion: A difference in desire"));
}

#[test]
fn the_partner_safety_question_is_refused_only_for_someone_with_no_partner_and_no_activity() {
    let home = Home::new();
    let take = |name: &str, context: &str| {
        let path = home.path().join(name);
        fs::write(
            &path,
            format!(r#"{{"format": "confide.answers/1", "answers": {{"context": {context}}}}}"#),
        )
        .unwrap();
        home.cmd()
            .args(["take", "context", "--no-save", "--answers"])
            .arg(&path)
            .output()
            .unwrap()
    };
    let refused = take(
        "none.json",
        r#"{"activity": [3], "partner": 3, "topics": [1], "safe_partner": 0, "pressure": 0}"#,
    );
    assert_eq!(refused.status.code(), Some(2), "{}", stdout(&refused));
    let err = stderr(&refused);
    assert!(
        err.contains("/answers/context/safe_partner: this item would not be asked"),
        "{err}"
    );
    assert!(
        !err.contains("/answers/context/pressure"),
        "pressure is asked of everyone: {err}"
    );
    for (name, context) in [
        (
            "declined.json",
            r#"{"activity": "declined", "partner": "declined", "topics": [5], "safe_partner": 0}"#,
        ),
        (
            "no-partner-skipped-activity.json",
            r#"{"partner": 3, "topics": [1], "safe_partner": 0}"#,
        ),
        (
            "solo-skipped-partner.json",
            r#"{"activity": [2], "topics": [1], "safe_partner": 0}"#,
        ),
        (
            "partner-no-activity.json",
            r#"{"activity": [3], "partner": 1, "topics": [1], "safe_partner": 0}"#,
        ),
    ] {
        let out = take(name, context);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
    }
}

#[test]
fn not_being_sure_about_pressure_is_a_gentle_suggestion_with_services() {
    let text = summary("pressure-unsure-no-partner");
    let f = flat(&text);
    assert!(!text.contains("Please read this first"), "{text}");
    assert!(!text.contains("Urgent:"));
    assert!(
        f.contains(
            "Suggestion: You were not sure whether you were pressured into sexual activity."
        ),
        "{f}"
    );
    let flag = f.find("Suggestion: You were not sure").unwrap();
    let services = &f[flag..];
    for contact in ["1-800-656-4673", "1-800-799-7233"] {
        assert!(services.contains(contact), "{contact}: {f}");
    }
    // Partner and skill advice is withheld here too, with one gentler line in its place.
    assert!(!f.contains("Pick a calm moment outside the bedroom"));
    assert!(!f.contains("They are a skill, and skills improve with practice."));
    assert_eq!(f.matches("You deserve to feel safe.").count(), 1, "{text}");
}

#[test]
fn past_experiences_list_sexual_violence_services_without_alarm() {
    let text = summary("past-experiences-safe");
    let f = flat(&text);
    assert!(!text.contains("Please read this first"), "{text}");
    assert!(!text.contains("Urgent:"));
    assert!(f.contains("Suggestion: You said past experiences affect how you feel about sex."));
    let flag = f.find("Suggestion: You said past experiences").unwrap();
    assert!(f[flag..].contains("RAINN National Sexual Assault Hotline: 1-800-656-4673"));
    // Safe now: nothing is withheld.
    assert!(f.contains("you need not wait to feel like it"));
    assert!(!f.contains(INSTEAD));
}

fn bundled() -> Catalog {
    Catalog::bundled().unwrap_or_else(|(n, p)| panic!("{n}: {p:?}"))
}

fn en(t: &confide::model::text::Text) -> &str {
    t.resolve("en", "en")
}

#[test]
fn every_bundled_flag_speaks_to_the_clinician_and_every_urgent_flag_says_what_was_said() {
    let catalog = bundled();
    let mut safety_flags = 0;
    for entry in &catalog.entries {
        let q = entry.q();
        for (i, flag) in q.flags.iter().enumerate() {
            let at = format!("{}.{}", q.id, flag.id);
            let clinician = flag
                .clinician
                .as_ref()
                .unwrap_or_else(|| panic!("{at}: no clinician text"));
            assert!(
                !en(clinician).starts_with("You ") && !en(clinician).contains(" you "),
                "{at}: the clinician text is in the third person"
            );
            let level = q.flag_level(i);
            if level == FlagLevel::Urgent {
                let said = flag
                    .said
                    .as_ref()
                    .unwrap_or_else(|| panic!("{at}: urgent without `said`"));
                let said = en(said);
                assert!(
                    said.starts_with(|c: char| c.is_lowercase()) && !said.ends_with('.'),
                    "{at}: `said` is a clause: {said}"
                );
                assert!(
                    flag.tags.iter().any(|t| t == "safety"),
                    "{at}: urgent is safety"
                );
            }
            if flag.tags.iter().any(|t| t == "safety") {
                safety_flags += 1;
                assert_eq!(flag.withholds, ["partner", "skills"], "{at}");
                assert!(flag.instead.is_some(), "{at}");
                assert!(
                    en(clinician).contains("Assess risk and safety before any couple work"),
                    "{at}"
                );
            }
        }
    }
    assert_eq!(safety_flags, 6, "three in context, three in communication");
}

#[test]
fn the_safety_questions_and_the_bother_ratings_are_tagged() {
    let catalog = bundled();
    let context = catalog.get("context").unwrap().q();
    let safety: Vec<&str> = context
        .items
        .iter()
        .filter(|i| i.common().tags.iter().any(|t| t == "safety"))
        .map(Item::id)
        .collect();
    assert_eq!(safety, ["safe_partner", "pressure"]);
    for entry in &catalog.entries {
        let q = entry.q();
        let bother: Vec<&str> = q
            .items
            .iter()
            .filter(|i| i.common().tags.iter().any(|t| t == "bother"))
            .map(Item::id)
            .collect();
        let expected = if q.id == "context" {
            "overall_bother"
        } else {
            "bother"
        };
        assert_eq!(bother, [expected], "{}", q.id);
    }
}

/// Every client text of a questionnaire with its tags: flag messages, band summaries and
/// variants, and guidance entries.
fn client_texts(q: &Questionnaire) -> Vec<(String, &str, Vec<String>)> {
    let mut out = Vec::new();
    for flag in &q.flags {
        out.push((
            format!("flag {}", flag.id),
            en(&flag.message),
            flag.tags.clone(),
        ));
    }
    for scale in &q.scales {
        for band in &scale.bands {
            out.push((format!("band {}", band.id), en(&band.summary), vec![]));
            for (v, variant) in band.variants.iter().enumerate() {
                out.push((
                    format!("band {} variant {v}", band.id),
                    en(&variant.summary),
                    variant.tags.clone(),
                ));
            }
        }
    }
    if let Some(g) = &q.guidance {
        for list in [&g.what_is_common, &g.what_helps, &g.when_to_seek_help] {
            for entry in list {
                out.push(("guidance".into(), en(entry.text()), entry.tags().to_vec()));
            }
        }
    }
    out
}

#[test]
fn couple_advice_and_skill_framing_are_always_tagged() {
    // Phrases that mark a partner-directed or couple suggestion, or skill framing; a text
    // that contains one must carry the matching tag, so that a safety flag can withhold it.
    let partner = [
        "couples therapist",
        "couple therapy",
        "couples bring to therapy",
        "together with your partner",
        "with a partner if",
        "or with a partner",
        "compare with a partner",
        "sensate focus",
        "outside the bedroom",
        "work on together",
        "both talk about it",
    ];
    let skills = ["skill", "practise", "practice"];
    for entry in &bundled().entries {
        let q = entry.q();
        for (at, text, tags) in client_texts(q) {
            let lower = text.to_lowercase();
            let has = |t: &str| tags.iter().any(|x| x == t);
            for p in partner {
                assert!(
                    !lower.contains(p) || has("partner"),
                    "{} {at}: \"{p}\" needs the tag `partner`: {text}",
                    q.id
                );
            }
            for s in skills {
                assert!(
                    !lower.contains(s) || has("skills") || has("partner"),
                    "{} {at}: \"{s}\" needs the tag `skills`: {text}",
                    q.id
                );
            }
        }
    }
}

#[test]
fn services_asked_for_by_several_flags_are_listed_once() {
    let text = summary("pressure-unsure-and-past");
    let f = flat(&text);
    assert!(f.contains("Suggestion: You were not sure whether you were pressured"));
    assert!(f.contains("Suggestion: You said past experiences affect how you feel about sex."));
    assert_eq!(
        f.matches("1-800-656-4673").count(),
        1,
        "the sexual-violence line once: {text}"
    );
    assert_eq!(f.matches("1-800-799-7233").count(), 1, "{text}");
}

/// An intake of `profile` to a key in `home`, then `report --format FORMAT` of it.
fn report_of(home: &Home, profile: &str, format: &str) -> String {
    const PASS: &str = "a passphrase for the safety screen";
    if !home.data().join("identity.age").exists() {
        home.fast_key(PASS);
    }
    let recipient = fs::read_to_string(home.data().join("recipient.txt")).unwrap();
    let intake = home.path().join(format!("{profile}.age"));
    if !intake.exists() {
        let out = home
            .cmd()
            .args(["take", "--no-save", "--answers"])
            .arg(root().join(format!("tests/fixtures/profiles/{profile}.json")))
            .args(["--to", recipient.trim(), "--reference", "R-1", "--out"])
            .arg(&intake)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .arg("report")
        .arg(&intake)
        .args(["--format", format])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn every_report_format_states_the_safety_screen_of_each_intake() {
    let home = Home::new();
    for (profile, screen) in [
        (
            "coercion-unsafe-partner",
            "raised: context.unsafe_with_partner, context.pressured_or_forced, communication.afraid_to_say_no",
        ),
        ("past-experiences-safe", "screened, nothing raised"),
        ("safety-declined", "not screened: declined"),
        (
            "pressure-unsure-no-partner",
            "raised: context.pressure_unsure",
        ),
    ] {
        let text = flat(&report_of(&home, profile, "text"));
        assert!(
            text.contains(&format!("Safety screen: {screen}")),
            "{profile}: {text}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&report_of(&home, profile, "json")).unwrap();
        let got = json["sessions"][0]["safety_screen"]["text"]
            .as_str()
            .unwrap();
        assert!(got.starts_with(screen), "{profile}: {got}");
        let csv = report_of(&home, profile, "csv");
        let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
        let col = header.iter().position(|h| *h == "safety_screen").unwrap();
        assert!(
            csv.lines().nth(1).unwrap().contains(screen),
            "{profile}: {csv}"
        );
        assert!(col > 0);
        let md = flat(&report_of(&home, profile, "markdown"));
        assert!(md.contains("**Safety screen: "), "{profile}: {md}");
        let fhir: serde_json::Value =
            serde_json::from_str(&report_of(&home, profile, "fhir")).unwrap();
        let observation = fhir["entry"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["resource"]["resourceType"] == "Observation")
            .unwrap();
        let value = observation["resource"]["valueString"].as_str().unwrap();
        assert!(value.starts_with(screen), "{profile}: {value}");
    }
}

#[test]
fn a_session_without_the_safety_questions_is_not_screened_not_asked() {
    // Every bundled run asks the safety questions, so this uses the interview fixture,
    // which has none.
    let home = Home::new();
    home.fast_key("p");
    let recipient = fs::read_to_string(home.data().join("recipient.txt")).unwrap();
    let intake = home.path().join("i.age");
    let out = home
        .cmd()
        .args(["take", "--no-save", "--plain", "--questionnaires"])
        .arg(root().join("tests/fixtures/interview"))
        .args(["--to", recipient.trim(), "--out"])
        .arg(&intake)
        .arg("checkin")
        .write_stdin("1\n\n\n\n\ny\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", "p")
        .args(["report", "--questionnaires"])
        .arg(root().join("tests/fixtures/interview"))
        .arg(&intake)
        .output()
        .unwrap();
    assert!(
        flat(&stdout(&out)).contains("Safety screen: not screened: not asked"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn the_clinician_reads_clinical_texts_and_the_clients_own_words_first() {
    let home = Home::new();
    let text = report_of(&home, "coercion-unsafe-partner", "text");
    let f = flat(&text);
    assert!(
        f.contains("Urgent flags: assess risk and safety at first contact"),
        "{f}"
    );
    assert!(
        f.contains("Assess risk and safety before any couple work"),
        "{f}"
    );
    assert!(
        !f.contains("You said"),
        "client texts stay with the client: {f}"
    );
    assert!(!f.contains("services shown here"), "{f}");
    // The overview comes before the details, with the person's bother answers.
    let overview = f.find("Overview").unwrap();
    let details = f.find("Details").unwrap();
    assert!(overview < details);
    assert!(f[overview..details].contains("bother:"), "{f}");
    // Free text opens the report, before the details.
    let home = Home::new();
    let f = flat(&report_of(&home, "safety-declined", "text"));
    let words = f.find("In the client's own words").unwrap();
    assert!(words < f.find("Details").unwrap());
    assert!(f.contains("Please call me on my work phone, not at home."));
    assert!(f.contains(
        "The safety questions were not answered: ask about safety in private, with no partner present"
    ));
    let json: serde_json::Value =
        serde_json::from_str(&report_of(&home, "safety-declined", "json")).unwrap();
    assert_eq!(json["sessions"][0]["safety_screen"]["status"], "declined");
    assert_eq!(
        json["sessions"][0]["free_text"][0]["answer"],
        "Please call me on my work phone, not at home."
    );
}

#[test]
fn couple_work_is_listed_as_deferred_for_the_clinician_after_a_safety_flag() {
    let home = Home::new();
    let json: serde_json::Value =
        serde_json::from_str(&report_of(&home, "coercion-unsafe-partner", "json")).unwrap();
    let flags = json["sessions"][0]["flags"].as_array().unwrap();
    let deferred: Vec<&str> = flags
        .iter()
        .filter(|f| f["deferred"] == true)
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(deferred.contains(&"gap_tension"), "{deferred:?}");
    assert!(
        flags
            .iter()
            .filter(|f| f["safety"] == true)
            .all(|f| f["deferred"] == false),
        "safety flags are never deferred"
    );
    let text = flat(&report_of(&home, "coercion-unsafe-partner", "text"));
    let heading = text
        .find("Deferred while safety concerns are unresolved")
        .expect("a deferred section");
    let gap = json["sessions"][0]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "gap_tension")
        .unwrap()["clinician"]
        .as_str()
        .unwrap()
        .to_owned();
    let gap_at = text.find(&flat(&gap)).expect("the deferred flag's text");
    assert!(heading < gap_at, "{text}");
    // Without a safety concern nothing is deferred.
    let home = Home::new();
    let text = report_of(&home, "partner-concerns-safe", "text");
    assert!(!text.contains("Deferred while safety concerns"), "{text}");
}
