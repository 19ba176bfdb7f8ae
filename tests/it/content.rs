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
            ("context", "1.3.1"),
            ("mood", "1.0.0"),
            ("desire", "1.3.1"),
            ("response", "1.0.1"),
            ("anxiety", "1.3.1"),
            ("pain", "1.3.1"),
            ("communication", "1.3.1"),
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
            "you can start with touch you enjoy",
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

/// How many times `phrase` appears in the flattened `text`.
fn times(text: &str, phrase: &str) -> usize {
    flat(text).matches(phrase).count()
}

#[test]
fn menopause_names_vaginal_oestrogen_once_in_the_pain_section_of_a_full_session() {
    let text = summary("menopause-pain-low-desire");
    reads(
        "menopause-pain-low-desire",
        &text,
        &[
            "Moisturisers and lubricants help, and vaginal oestrogen, a local treatment a GP can prescribe as a cream, pessary or ring, treats the cause",
            "If pain at the entrance continues once dryness has been treated, a GP or gynaecologist can check for other common, treatable causes",
        ],
        &[
            "low dose",
            "low-dose",
            // Said by desire and by arousal in edition 1.3.0; pain carries it in a full session.
            "Around and after menopause, dryness or pain with sex is common, and it can turn desire down.",
            "Around and after menopause, lower oestrogen often makes the vagina drier.",
            // The trials studied other women; the menopause note says what to do instead.
            "Morin et al., 2021",
            "Bergeron et al., 2021",
        ],
    );
    assert_eq!(times(&text, "vaginal oestrogen"), 1, "{text}");
    // The note comes before the other notes of the pain section.
    let f = flat(&text);
    let pain = f.find("Pain and discomfort -").unwrap();
    assert_eq!(
        f[pain..].find("Note:"),
        f[pain..].find("Note: Around and after menopause"),
        "{text}"
    );
    // When arousal is the topic chosen, not every topic, the arousal section says it.
    let text = summary_with(json!({
        "context": {"activity": [1], "partner": 1, "topics": [6], "body": [2], "duration": 2,
                    "overall_bother": 2, "relationship": 3, "stress": 1, "sleep": 1,
                    "health": [8], "past": 0, "safe_partner": 0, "pressure": 0},
        "response": {"arousal": 2, "wetness": 3, "orgasm": 3, "orgasm_slow": 0,
                     "alone_vs_partner": 0, "onset": 2, "satisfaction": 2, "bother": 2}
    }));
    assert_eq!(
        times(
            &text,
            "Around and after menopause, lower oestrogen often makes the vagina drier."
        ),
        1,
        "{text}"
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
            "may be able to offer a local oestrogen cream that works where it is applied",
            "If pain at the entrance of the front hole continues, a GP or a clinic experienced in trans health can check",
            "If you think a medicine or hormone treatment affects your sex life, talk to the person who prescribes it.",
        ],
        // Desire went up on testosterone: no suggestion to talk about other options, and
        // nothing reads as alternatives to testosterone; the trials studied other people.
        &[
            "can lower desire in some people",
            "There are often alternatives",
            "Morin et al., 2021",
        ],
    );
    assert_eq!(times(&text, "(front hole) thinner and drier"), 1, "{text}");
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
            "healing and hormone changes can make sex painful or dry for a while",
            "Please talk to a GP or doctor about your mood and worry.",
        ],
        // Dryness is said once, in the pain section of a full session.
        &["hormone changes often make the vagina drier for a while"],
    );
    // Mood after a birth: the person's own answer and the screen, not a third time.
    assert_eq!(times(&text, "GP, midwife or health visitor"), 1, "{text}");
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
            "You can ask for any examination to go at your pace: to have each step explained first, to wait until you feel ready, to bring someone with you, and to stop at any time.",
            // Desire with pain: no prompt to start sex, a reason instead.
            "When sex hurts, or you expect it to, wanting it less is a natural, protective response, not a fault in your desire.",
        ],
        &[
            "Lubricant, and unhurried time",
            // The trials studied women who had intercourse with pain; a figure about
            // sexually active women does not fit either.
            "Morin et al., 2021",
            "Bergeron et al., 2021",
            "7.5% of sexually active women",
            "you can start with touch you enjoy",
        ],
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
            "you can start with touch you enjoy",
            "You can ask for any examination to go at your pace",
        ],
    );
}

#[test]
fn erection_difficulty_points_to_the_heart_and_its_medicine_and_to_what_helps() {
    reads(
        "erection-worries",
        &summary("erection-worries"),
        &[
            "an early sign of a problem with the heart or blood vessels",
            "Some blood-pressure medicines can affect erections.",
            "Regular physical activity and not smoking support erections and heart health.",
        ],
        // He takes a blood-pressure medicine, not an antidepressant.
        &["SSRI"],
    );
}

#[test]
fn an_acquired_orgasm_difficulty_on_an_antidepressant_points_to_the_prescriber_not_to_learning() {
    reads(
        "antidepressant-orgasm",
        &summary("antidepressant-orgasm"),
        &[
            "Your answers suggest orgasm became harder some time ago, and you take an antidepressant",
            "Delayed or absent orgasm is a common side effect of antidepressants, especially of the SSRI and SNRI types.",
            "Your prescriber can talk with you about options, such as a change of dose or medicine. Do not stop or change it on your own.",
        ],
        &[
            "can often be learned",
            "Guided self-exploration",
            // Her response changed with a known cause named: no second pointer.
            "A change in how your body responds is worth mentioning",
        ],
    );
    // Lifelong and not easier alone: learning is the suggestion.
    let text = summary_with(json!({
        "context": {"activity": [2], "partner": 3, "topics": [6], "body": [2], "duration": 3,
                    "overall_bother": 2, "stress": 1, "sleep": 1, "health": [0], "past": 0,
                    "pressure": 0},
        "response": {"arousal": 3, "wetness": 1, "orgasm": 1, "orgasm_slow": 3, "onset": 0,
                     "satisfaction": 2, "bother": 2}
    }));
    reads(
        "lifelong, solo",
        &text,
        &["Reaching orgasm is hard for many people, and it can often be learned."],
        &["Your prescriber can talk with you"],
    );
}

#[test]
fn one_difficulty_the_mean_hides_is_named_in_the_arousal_and_orgasm_section() {
    reads(
        "early-ejaculation",
        &summary("early-ejaculation"),
        &[
            "Arousal and orgasm difficulties: Mostly as you want. One thing stands out in your answers: you came sooner than you wanted often or almost always, it has always been like this, and it bothers you.",
            "the stop-start technique",
            // Lifelong: exercises are not the whole answer.
            "Because it has always been like this for you, it is worth seeing a GP too",
            "numbing creams or sprays and some tablets",
        ],
        &[
            "lubricant where dryness gets in the way",
            "it often gets better with simple exercises",
            "Naming it, to yourself or to a professional",
        ],
    );
    reads(
        "erection-worries",
        &summary("erection-worries"),
        &["One thing stands out in your answers: getting or keeping an erection was often hard"],
        &[],
    );
    reads(
        "orgasm-difficulty-vulva",
        &summary("orgasm-difficulty-vulva"),
        &[
            "One thing stands out in your answers: you rarely or never reached orgasm when you wanted to, it goes more easily on your own than with a partner",
            "it often comes down to getting the same kind of touch with a partner that works on your own",
            "Show or tell a partner the touch that works for you on your own",
            "most needed or enjoyed touch on the clitoris as well (Herbenick et al., 2017)",
            "A sex therapist can help with concerns about arousal or orgasm.",
        ],
        // No penis: no ejaculation; easier alone: the touch, not self-exploration.
        &["ejaculation", "Guided self-exploration"],
    );
}

#[test]
fn a_person_who_does_not_feel_safe_never_reads_that_a_middle_rating_is_a_common_place_to_be() {
    let text = summary("not-safe-partner");
    reads(
        "not-safe-partner",
        &text,
        &[
            "You gave your relationship a middle rating. What you said about your safety matters more than any rating here.",
        ],
        &[
            "quieter and harder seasons",
            "this is a common place to be",
            // The urgent block already says where to turn; the situation does not repeat it.
            "If you do not feel safe with someone, or someone pressured you into sex",
        ],
    );
    let satisfied = |safe: i64, pressure: i64| {
        summary_with(json!({
            "context": {"activity": [1], "partner": 1, "topics": [1], "duration": 0,
                        "overall_bother": 1, "relationship": 4, "stress": 1, "sleep": 1,
                        "safe_partner": safe, "pressure": pressure}
        }))
    };
    reads(
        "satisfied, not always safe",
        &satisfied(1, 0),
        &[
            "You said you are satisfied with your relationship, and also that you do not always feel safe. Both can be true at once.",
        ],
        &["That is a good base for looking at any concern about sex."],
    );
    reads(
        "satisfied, pressured",
        &satisfied(0, 2),
        &["What you said about being pressured matters more than any rating here."],
        &["That is a good base for looking at any concern about sex."],
    );
}

#[test]
fn care_after_forced_sex_says_medicine_against_hiv_must_start_within_72_hours() {
    reads(
        "declines-everything",
        &summary("declines-everything"),
        &[
            "Go as soon as you can: medicine to lower the chance of HIV has to be started within 72 hours (3 days), and emergency contraception pills work best the sooner they are taken.",
        ],
        &["within a few days"],
    );
}

#[test]
fn low_desire_with_pain_is_explained_not_met_with_a_prompt_to_start_sex() {
    for name in [
        "menopause-pain-low-desire",
        "postpartum-breastfeeding",
        "pain-avoidance-no-activity",
    ] {
        reads(
            name,
            &summary(name),
            &[
                "When sex hurts, or you expect it to, wanting it less is a natural, protective response, not a fault in your desire. Getting the pain checked and treated comes first.",
            ],
            &[
                "you can start with touch you enjoy",
                "you need not wait to feel like it",
            ],
        );
    }
    // Without pain in view, the invitation is softened and leaves the choice with the person.
    reads(
        "low-desire-very-bothered",
        &summary("low-desire-very-bothered"),
        &[
            "If you feel open to it, you can start with touch you enjoy and see whether desire follows, and stop at any point. You never owe anyone sex.",
        ],
        &["you need not wait to feel like it", "When sex hurts"],
    );
}

#[test]
fn responsive_desire_alone_does_not_make_desire_rarely_present() {
    // Never out of the blue, sometimes once something pleasant has begun: "both patterns
    // are healthy", so spontaneous desire is not part of the score.
    let desire = json_of(bundled().get("desire").unwrap().q());
    assert_eq!(
        desire["scales"][0]["items"],
        json!(["interest", "solo", "partnered", "responsive"])
    );
    let text = summary("menopause-pain-low-desire");
    assert!(
        flat(&text).contains("Desire: Present now and then."),
        "{text}"
    );
}

#[test]
fn worry_about_pain_points_to_the_pain_section_when_it_follows() {
    reads(
        "menopause-pain-low-desire",
        &summary("menopause-pain-low-desire"),
        &[
            "Worry about pain makes sense when sex has hurt, or might. The pain section below has more on this.",
        ],
        &["confide take pain"],
    );
    // Worry as the only topic: the pain questions are offered.
    let text = summary_with(json!({
        "context": {"activity": [1], "partner": 1, "topics": [2], "duration": 1,
                    "overall_bother": 2, "relationship": 3, "stress": 1, "sleep": 1,
                    "safe_partner": 0, "pressure": 0},
        "anxiety": {"before": 2, "during": 1, "watching": 1, "response": 1, "partner_view": 1,
                    "avoid": 1, "shame": 0, "focus": [4], "bother": 2, "since": 1}
    }));
    reads(
        "worry only",
        &text,
        &["they can help you describe it: confide take pain."],
        &["The pain section below"],
    );
}

#[test]
fn a_single_person_reads_help_with_not_knowing_what_to_do_and_with_being_judged() {
    reads(
        "single-solo",
        &summary("single-solo"),
        &[
            "Not knowing what to do is nothing to be ashamed of: nobody is born knowing.",
            "If worry about being judged holds you back, you deserve partners who are kind about it",
            "If saying no does not feel safe, or someone ignores your no",
            // No pain: the band says it in one sentence, no figure and no referral.
            "Pain and worry about pain: None reported.",
        ],
        &[
            "a partner ignores your no",
            "7.5% of sexually active women",
            "Any pain with sex that keeps happening",
            "ejaculation",
        ],
    );
}

#[test]
fn an_asexual_person_without_a_partner_is_not_told_of_a_difference_with_a_partner() {
    reads(
        "asexual-content",
        &summary("asexual-content"),
        &["such as pressure from others, you deserve support that respects who you are"],
        &["a difference with a partner"],
    );
}

/// `confide report` of an intake made from a profile, in a format.
fn report_of(home: &Home, name: &str, format: &str) -> String {
    const PASS: &str = "a passphrase for the report";
    if !home.data().join("identity.age").exists() {
        home.fast_key(PASS);
    }
    let recipient = std::fs::read_to_string(home.data().join("recipient.txt")).unwrap();
    let intake = home.path().join(format!("{name}.age"));
    if !intake.exists() {
        let out = home
            .cmd()
            .args(["take", "--no-save", "--answers"])
            .arg(profile(name))
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
fn the_report_overview_gives_overall_bother_a_line_of_its_own_not_a_place_beside_context_scales() {
    let home = Home::new();
    let text = flat(&report_of(&home, "menopause-pain-low-desire", "text"));
    let overview = text.find("Overview").unwrap();
    let details = text.find("Details").unwrap();
    let overview = &text[overview..details];
    assert!(
        overview.contains("Overall sexual bother (context.overall_bother): Quite a lot"),
        "{overview}"
    );
    for scale in ["Everyday strain", "Relationship satisfaction"] {
        let row = overview
            .find(&format!("Your situation / {scale}:"))
            .unwrap();
        let end = overview[row..].find("answered").unwrap();
        assert!(
            !overview[row..row + end].contains("bother"),
            "{scale}: {overview}"
        );
    }
    // A topic's own bother rating stays beside its scale.
    assert!(
        overview.contains("\"Rarely present\"; bother: Quite a lot")
            || overview.contains("\"Present now and then\"; bother: Quite a lot"),
        "{overview}"
    );
    let md = report_of(&home, "menopause-pain-low-desire", "markdown");
    assert!(
        md.contains("Overall sexual bother \\(context.overall\\_bother\\): Quite a lot"),
        "{md}"
    );
    assert!(
        md.contains("| Your situation | Everyday strain | 5 | 0 to 8 | Moderate |  |"),
        "{md}"
    );
    let html = report_of(&home, "menopause-pain-low-desire", "html");
    assert!(
        html.contains(
            "Overall sexual bother (context.overall_bother): <strong>Quite a lot</strong>"
        ),
        "{html}"
    );
    let json: Value =
        serde_json::from_str(&report_of(&home, "menopause-pain-low-desire", "json")).unwrap();
    let session = &json["sessions"][0];
    assert_eq!(
        session["overall_bother"],
        json!([{"questionnaire": "context", "item": "overall_bother", "answer": "Quite a lot"}])
    );
    assert_eq!(session["overview"][0]["scale"], "strain");
    assert_eq!(session["overview"][0]["bother"], Value::Null);
}

#[test]
fn the_report_says_once_that_difficulties_may_follow_coercion_and_only_when_safety_was_raised() {
    let caveat = "a diagnosis of sexual dysfunction is not made when symptoms are better explained by partner violence or severe relationship distress";
    let home = Home::new();
    // Screened, nothing raised: no coercion caveats in the flags.
    let text = flat(&report_of(&home, "menopause-pain-low-desire", "text"));
    assert!(
        text.contains("Safety screen: screened, nothing raised"),
        "{text}"
    );
    for clause in [
        caveat,
        "Where coercion or partner violence is reported",
        "where coercion is reported",
    ] {
        assert!(!text.contains(clause), "{clause}\n{text}");
    }
    // Raised: the caveat with the prompt to assess risk.
    let text = flat(&report_of(&home, "not-safe-partner", "text"));
    let prompt = text.find("Urgent flags: assess risk and safety").unwrap();
    assert!(text[prompt..].starts_with(&format!(
        "Urgent flags: assess risk and safety at first contact, before any other work. Couple-based work is contraindicated while the client reports coercion or fear of a partner. Sexual difficulties reported in this intake may be a response to coercion or fear: {caveat}."
    )), "{text}");
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
