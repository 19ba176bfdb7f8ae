//! The bundled content as a person reads it, over the answer profiles of
//! tests/fixtures/profiles: each questionnaire's summary stays within its word limit, advice
//! reaches only the people it fits, the mood check is the published PHQ-2 and GAD-2, and a
//! session answered with an earlier edition still opens.

use std::collections::BTreeMap;

use confide::model::answers_file;
use confide::model::catalog::Catalog;
use confide::model::load::questionnaire_from_bytes;
use confide::model::questionnaire::{Item, Questionnaire};
use confide::report::clinician::{self, DefinitionCheck, Input};
use confide::report::clinician_text;
use confide::scoring::{self, record};
use confide::term::style::Style;
use serde_json::{Value, json};

use crate::common::{Home, profile, root, stderr, stdout};

/// The most words a questionnaire's summary may have, counted by `shape_words`. The content
/// guide asks for about 120 to 200; docs/content-review.md explains the count and the margin.
const WORD_LIMIT: usize = 230;

/// Subheadings of the summary shape; their words are not counted.
const SUBHEADINGS: [&str; 4] = [
    "What your answers suggest",
    "What is common",
    "What often helps",
    "When to talk to someone",
];

/// `confide take --answers FILE --no-save`, as a person reads it in a pipe.
fn summary_of(file: &std::path::Path) -> String {
    let out = Home::new()
        .cmd()
        .args(["take", "--no-save", "--answers"])
        .arg(file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

fn summary(name: &str) -> String {
    summary_of(&profile(name))
}

/// The summary of answers given inline (for a case no profile covers).
fn summary_with(answers: Value) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("answers.json");
    let doc = json!({"format": "confide.answers/1", "answers": answers});
    std::fs::write(&file, doc.to_string()).unwrap();
    summary_of(&file)
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The words of each questionnaire's summary, by title: the summary shape (what the answers
/// suggest, what is common, what often helps, when to talk to someone) from its first
/// subheading to the provenance line or the next questionnaire. Band labels and texts
/// and guidance count; subheadings, list dashes, flags and services above the shape, and
/// the provenance line do not.
fn shape_words(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let is_rule = |l: &str| !l.is_empty() && l.chars().all(|c| c == '-');
    let mut out: Vec<(String, usize)> = Vec::new();
    let mut counting = false;
    for (i, line) in lines.iter().enumerate() {
        let next = lines.get(i + 1).copied().unwrap_or("");
        if !line.is_empty() && is_rule(next) && next.len() == line.len() {
            out.push(((*line).to_string(), 0));
            counting = false;
            continue;
        }
        if is_rule(line) || line.starts_with("These questions ") {
            counting = false;
            continue;
        }
        if SUBHEADINGS.contains(line) {
            counting = true;
            continue;
        }
        if counting {
            let words = line.split_whitespace().filter(|w| *w != "-").count();
            if let Some(last) = out.last_mut() {
                last.1 += words;
            }
        }
    }
    out.retain(|(title, _)| title != "Please read this first");
    out
}

#[test]
fn the_word_count_takes_the_shape_and_leaves_out_flags_subheadings_and_provenance() {
    let text = "\nYour summary\n============\n\nDesire\n------\nNote: A flag of six words.\n\n\
        What your answers suggest\nDesire: Rarely present. One two.\n\nWhat is common\n\
        - Three four\n  five.\n\nThese questions are a screening aid.\n\nPain\n----\n\n\
        What your answers suggest\nPain: None.\n";
    assert_eq!(
        shape_words(text),
        [("Desire".to_string(), 8), ("Pain".to_string(), 2)]
    );
}

#[test]
fn every_questionnaire_summary_stays_within_the_word_limit_for_every_profile() {
    let mut counted = 0;
    let mut over = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(root().join("tests/fixtures/profiles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in names {
        let text = summary_of(&path);
        let sections = shape_words(&text);
        assert!(
            !sections.is_empty(),
            "{}: no questionnaire found",
            path.display()
        );
        for (title, words) in sections {
            counted += 1;
            assert!(words > 0, "{}: {title} has no summary", path.display());
            if words > WORD_LIMIT {
                over.push(format!("{}: {title}: {words}", path.display()));
            }
        }
    }
    assert!(counted >= 60, "{counted} summaries counted");
    assert!(over.is_empty(), "over {WORD_LIMIT} words: {over:#?}");
}

fn bundled() -> Catalog {
    Catalog::bundled().unwrap_or_else(|(n, p)| panic!("{n}: {p:?}"))
}

#[test]
fn the_catalog_order_and_edition_of_every_bundled_questionnaire() {
    let catalog = bundled();
    let editions: Vec<(String, String)> = catalog
        .entries
        .iter()
        .map(|e| {
            let v = json_of(e.q());
            (
                v["id"].as_str().unwrap().into(),
                v["version"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        editions,
        [
            ("context", "1.3.0"),
            ("mood", "1.0.0"),
            ("desire", "1.3.0"),
            ("response", "1.0.0"),
            ("anxiety", "1.3.0"),
            ("pain", "1.3.0"),
            ("communication", "1.3.0"),
        ]
        .map(|(id, v)| (id.to_string(), v.to_string()))
    );
}

// --- Advice that fits the person ---------------------------------------------------------

/// Asserts that `text` contains every phrase of `shown` and none of `hidden`.
fn reads(name: &str, text: &str, shown: &[&str], hidden: &[&str]) {
    let f = flat(text);
    for p in shown {
        assert!(f.contains(p), "{name}: missing \"{p}\"\n{text}");
    }
    for p in hidden {
        assert!(!f.contains(p), "{name}: should not read \"{p}\"\n{text}");
    }
}

/// Texts about a partner or couple work that a person with no partner should not read.
const PARTNER_TEXTS: &[&str] = &[
    "Sensate focus",
    "compare lists with a partner",
    "Pick a calm moment outside the bedroom",
    "couples therapist",
    "see you with a partner",
    "People who talk more with their partners",
    "with a new partner or after a break",
];

#[test]
fn a_person_with_no_partner_reads_no_partner_advice() {
    let text = summary("single-solo");
    reads(
        "single-solo",
        &text,
        &["Try a yes, no, maybe list for yourself"],
        PARTNER_TEXTS,
    );
}

#[test]
fn an_asexual_person_reads_their_orientation_respected_and_no_advice_to_raise_desire() {
    let text = summary("asexual-with-partner");
    reads(
        "asexual-with-partner",
        &text,
        &[
            "you describe yourself as asexual or on the asexual spectrum. That is a valid way to be, not something to fix.",
        ],
        &[
            "accelerators and brakes",
            "For many people it is mostly responsive",
            "Mindfulness",
            "you need not wait to feel like it",
            "If low or changed desire bothers you",
        ],
    );
}

#[test]
fn worry_advice_reaches_only_people_bothered_by_worry_during_sex() {
    // Not bothered: the band says so and no exercises follow.
    let text = summary("testosterone-trans-man");
    reads(
        "testosterone-trans-man",
        &text,
        &["though it does not bother you much"],
        &[
            "Shift the goal from performance to sensation",
            "Sensate focus",
        ],
    );
    // No sexual activity and no worry: no "of sex" reflection, no exercises.
    let text = summary("no-activity");
    reads(
        "no-activity",
        &text,
        &[
            "Your answers suggest worry rarely got in the way in the past 4 weeks. Some nerves now and then are part of being human.",
        ],
        &[
            "with a new partner or after a break",
            "Shift the goal",
            "watching or judging, gently",
        ],
    );
    // Bothered, with worry about the body's response during sex: the exercises.
    let text = summary("erection-worries");
    reads(
        "erection-worries",
        &text,
        &[
            "Shift the goal from performance to sensation",
            "Sensate focus is a step-by-step set of touching exercises",
            "gently bring your attention back to one sensation",
        ],
        &[],
    );
}

#[test]
fn no_answers_no_presumptions() {
    let text = summary("declines-everything");
    reads(
        "declines-everything",
        &text,
        &[
            "If someone forced or pressured you into sex recently",
            "If saying no does not feel safe",
        ],
        &[
            "with sexual activity in the past 4 weeks",
            "Mindfulness",
            "accelerators and brakes",
            "Shift the goal",
            "Protect your sleep",
            "If you think a medicine affects your sex life",
        ],
    );
    // Someone who said nobody pressured them is not given post-assault care.
    let text = summary("everything-fine");
    reads(
        "everything-fine",
        &text,
        &["If you do not feel safe with someone"],
        &["If someone forced or pressured you into sex recently"],
    );
}

#[test]
fn menopause_names_vaginal_oestrogen_and_connects_desire_with_pain_and_dryness() {
    let text = summary("menopause-pain-low-desire");
    reads(
        "menopause-pain-low-desire",
        &text,
        &[
            "Moisturisers and lubricants help, and vaginal oestrogen, a local treatment a GP can prescribe as a cream, pessary or ring, treats the cause",
            "If your desire has dropped too, pain and dryness are a common reason",
            "Around and after menopause, dryness or pain with sex is common, and it can turn desire down.",
            "Around and after menopause, lower oestrogen often makes the vagina drier.",
        ],
        &["low dose", "low-dose"],
    );
}

#[test]
fn testosterone_is_named_as_gender_affirming_care_with_local_oestrogen_for_dryness() {
    let text = summary("testosterone-trans-man");
    reads(
        "testosterone-trans-man",
        &text,
        &[
            "Testosterone can make the lining of the vagina (front hole) thinner and drier, which can make penetration sore.",
            "local oestrogen cream that works where it is applied",
        ],
        // Desire went up on testosterone: no suggestion to talk about other options.
        &["can lower desire in some people"],
    );
    let context = bundled();
    let health = context
        .get("context")
        .unwrap()
        .q()
        .items
        .iter()
        .find(|i| i.id() == "health")
        .unwrap()
        .clone();
    let labels = option_labels(&health);
    assert_eq!(
        labels[&10],
        "Testosterone, for example as gender-affirming care"
    );
}

#[test]
fn after_a_birth_desire_dryness_pain_and_mood_are_each_addressed() {
    let text = summary("postpartum-breastfeeding");
    reads(
        "postpartum-breastfeeding",
        &text,
        &[
            "Low mood after a birth is common and treatable, and it deserves a check: please talk to a GP, midwife or health visitor.",
            "for most people desire comes back with time",
            "hormone changes often make the vagina drier for a while",
            "healing and hormone changes can make sex painful or dry for a while",
            "Please talk to a GP or doctor about your mood and worry.",
        ],
        &[],
    );
}

#[test]
fn pain_without_sexual_activity_is_asked_where_and_when_and_meets_graded_approaches() {
    // The answers file gives `where` and `when` on the no-activity path: refused if they
    // would not be asked.
    let text = summary("pain-avoidance-no-activity");
    reads(
        "pain-avoidance-no-activity",
        &text,
        &[
            "graded, self-paced approaches help many people",
            "smooth trainers (dilators) in increasing sizes, starting with the smallest, at your own pace",
            "In a trial of women diagnosed with it, pelvic-floor physiotherapy helped (Morin et al., 2021).",
        ],
        &["Lubricant, and unhurried time"],
    );
    // Graded exposure is not what a person who was forced needs to read.
    let text = summary("unsafe-partner-full-session");
    reads(
        "unsafe-partner-full-session",
        &text,
        &["Please read this first"],
        &[
            "graded, self-paced",
            "Shift the goal",
            "you need not wait to feel like it",
        ],
    );
}

#[test]
fn erection_difficulty_points_to_the_heart_and_antidepressants_to_the_prescriber() {
    reads(
        "erection-worries",
        &summary("erection-worries"),
        &["an early sign of a problem with the heart or blood vessels"],
        &[],
    );
    reads(
        "antidepressant-orgasm",
        &summary("antidepressant-orgasm"),
        &[
            "antidepressants, especially of the SSRI and SNRI types, can lower arousal and delay or stop orgasm",
            "Never stop or change a medicine on your own.",
            "Reaching orgasm is hard for many people",
        ],
        &[],
    );
    reads(
        "early-ejaculation",
        &summary("early-ejaculation"),
        &[
            "the stop-start technique",
            "You can start with the stop-start technique on your own.",
        ],
        &["lubricant where dryness gets in the way"],
    );
}

// --- Honest scores -----------------------------------------------------------------------

#[test]
fn the_desire_health_check_uses_how_long_desire_has_been_low_not_the_main_concern() {
    let answers = |since: i64| {
        json!({
            "context": {"activity": [1], "partner": 1, "topics": [1], "duration": 3,
                        "overall_bother": 3, "relationship": 3, "stress": 1, "sleep": 1,
                        "safe_partner": 0, "pressure": 0},
            "desire": {"interest": 1, "solo": 1, "partnered": 1, "spontaneous": 0,
                       "responsive": 1, "change": 1, "gap": 0, "ace": 0, "bother": 3,
                       "since": since}
        })
    };
    let check = "and it has been like this for 6 months or more";
    assert!(!flat(&summary_with(answers(1))).contains(check));
    assert!(flat(&summary_with(answers(2))).contains(check));
}

#[test]
fn accepting_a_partners_no_is_not_scored_as_difficulty_talking_and_has_a_note_of_its_own() {
    let communication = json_of(bundled().get("communication").unwrap().q());
    assert_eq!(
        communication["scales"][0]["items"],
        json!([
            "own_words",
            "new_partner",
            "needs",
            "limits",
            "problems",
            "heard",
            "say_no"
        ]),
        "talking is about the person's own words, limits and no"
    );
    let answers = |hear_no: i64| {
        json!({
            "context": {"activity": [1], "partner": 1, "topics": [4], "duration": 0,
                        "overall_bother": 1, "relationship": 3, "stress": 1, "sleep": 1,
                        "safe_partner": 0, "pressure": 0},
            "communication": {"own_words": 0, "needs": 0, "limits": 0, "problems": 0,
                              "heard": 4, "say_no": 0, "go_along": 0, "hear_no": hear_no,
                              "health_talk": 0, "bother": 1}
        })
    };
    let easy = "Talking about sex: Mostly easy.";
    let note = "Accepting a partner's no, or not now, seems hard for you.";
    let f = flat(&summary_with(answers(4)));
    assert!(f.contains(easy) && f.contains(note), "{f}");
    assert!(!f.contains("Feeling unheard, or unable to say what you want"));
    let f = flat(&summary_with(answers(1)));
    assert!(f.contains(easy) && !f.contains(note), "{f}");
}

#[test]
fn relationship_satisfaction_is_its_own_measure_not_everyday_strain() {
    let answers = |relationship: i64| {
        json!({
            "context": {"activity": [1], "partner": 1, "topics": [1], "duration": 0,
                        "overall_bother": 1, "relationship": relationship, "stress": 1,
                        "sleep": 1, "safe_partner": 0, "pressure": 0}
        })
    };
    let f = flat(&summary_with(answers(0)));
    assert!(f.contains("Everyday strain: Light."), "{f}");
    assert!(
        f.contains("Relationship satisfaction: Dissatisfied."),
        "{f}"
    );
    let f = flat(&summary_with(answers(4)));
    assert!(f.contains("Everyday strain: Light."), "{f}");
    assert!(f.contains("Relationship satisfaction: Satisfied."), "{f}");
}

// --- The mood check ----------------------------------------------------------------------

#[test]
fn the_mood_check_is_the_phq_2_and_gad_2_word_for_word_with_their_published_scoring() {
    let catalog = bundled();
    let mood = catalog.get("mood").unwrap().q();
    let v = json_of(mood);
    assert_eq!(v["provenance"]["validated"], true);
    let texts: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
            "Little interest or pleasure in doing things",
            "Feeling down, depressed, or hopeless",
            "Over the last 2 weeks, how often have you been bothered by the following problems?",
            "Feeling nervous, anxious, or on edge",
            "Not being able to stop or control worrying",
        ]
    );
    assert_eq!(
        v["option_sets"]["frequency"],
        json!([
            {"value": 0, "label": "Not at all"},
            {"value": 1, "label": "Several days"},
            {"value": 2, "label": "More than half the days"},
            {"value": 3, "label": "Nearly every day"}
        ])
    );
    for item in v["items"].as_array().unwrap() {
        if item["type"] != "display" {
            assert_eq!(item["option_set"], "frequency", "{}", item["id"]);
        }
    }
    for scale in v["scales"].as_array().unwrap() {
        assert_eq!(scale["items"].as_array().unwrap().len(), 2);
        assert_eq!(scale["method"], "sum");
        assert_eq!(
            scale["bands"][1]["min"], 3.0,
            "cut-off 3 for {}",
            scale["id"]
        );
    }
}

#[test]
fn a_positive_mood_screen_asks_the_person_to_see_a_clinician_and_says_the_check_is_validated() {
    let text = summary("postpartum-breastfeeding");
    let f = flat(&text);
    assert!(
        f.contains("See a clinician: Please talk to a GP or doctor about your mood and worry."),
        "{f}"
    );
    assert!(
        f.contains("a validated screening questionnaire. A screening result is not a diagnosis")
    );
    assert!(
        f.contains("not a validated clinical instrument"),
        "the others still say so"
    );
    let text = summary("single-solo");
    assert!(!flat(&text).contains("Please talk to a GP or doctor about your mood"));
}

// --- Earlier editions --------------------------------------------------------------------

fn json_of(q: &Questionnaire) -> Value {
    serde_json::to_value(q).unwrap()
}

fn option_labels(item: &Item) -> BTreeMap<i64, String> {
    let v = serde_json::to_value(item).unwrap();
    let options = v["options"].as_array().cloned().unwrap_or_default();
    options
        .iter()
        .map(|o| {
            (
                o["value"].as_i64().unwrap(),
                o["label"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn context_1_2_0() -> confide::model::load::Loaded {
    let bytes = std::fs::read(root().join("tests/fixtures/editions/context-1.2.0.json")).unwrap();
    questionnaire_from_bytes(&bytes).unwrap_or_else(|p| panic!("{p:?}"))
}

#[test]
fn a_stored_answer_never_changes_meaning_retired_values_are_not_reused() {
    let old = context_1_2_0();
    let catalog = bundled();
    let new = catalog.get("context").unwrap().q();
    assert_eq!(json_of(&old.questionnaire)["version"], "1.2.0");
    for old_item in &old.questionnaire.items {
        let Some(new_item) = new.items.iter().find(|i| i.id() == old_item.id()) else {
            continue;
        };
        let (was, is) = (option_labels(old_item), option_labels(new_item));
        for (value, label) in &is {
            if let Some(before) = was.get(value) {
                assert_eq!(before, label, "{} option {value}", old_item.id());
            }
        }
    }
    let health = new.items.iter().find(|i| i.id() == "health").unwrap();
    let values: Vec<i64> = option_labels(health).into_keys().collect();
    for retired in [5, 7] {
        assert!(
            !values.contains(&retired),
            "health option {retired} is retired"
        );
    }
}

#[test]
fn a_session_answered_with_edition_1_2_opens_with_its_recorded_scores() {
    let old = context_1_2_0();
    let q: &Questionnaire = &old.questionnaire;
    let answers = json!({"context": {
        "activity": [1], "partner": 1, "topics": [5], "duration": 2, "overall_bother": 3,
        "relationship": 0, "stress": 3, "sleep": 3, "health": [5, 7], "past": 0,
        "safe_partner": 0, "pressure": 0}});
    let file = answers_file::parse(
        json!({"format": "confide.answers/1", "answers": answers})
            .to_string()
            .as_bytes(),
    )
    .unwrap_or_else(|p| panic!("{p:?}"));
    let resolved = scoring::answers::resolve(&[q], &file).unwrap_or_else(|p| panic!("{p:?}"));
    let scored = scoring::score_session(&[q], &resolved);
    let response = record::response(
        &[(q, old.sha256())],
        &scored,
        "33333333-0000-4000-8000-000000000003".into(),
        "2026-10-01T09:00:00Z".into(),
        Some("OLD-1".into()),
        "en",
    );
    let recorded = response.questionnaires[0].scores[0].value;
    // Edition 1.2.0 summed stress, sleep and reversed relationship satisfaction.
    assert_eq!(recorded, Some(10.0));
    let report = clinician::build(
        &[Input {
            file: Some("old.age".into()),
            response,
        }],
        vec![],
        &bundled(),
        "en",
        "2026-11-25T10:00:00Z".into(),
    );
    let context = &report.sessions[0].questionnaires[0];
    assert_eq!(context.version, "1.2.0");
    assert_eq!(context.definition, DefinitionCheck::Differs);
    assert!(!context.recomputed);
    assert_eq!(context.scales[0].value, Some(10.0));
    let text = clinician_text::text(&report, 100, Style::plain());
    assert!(text.contains("different definition"), "{text}");
}
