//! The client summary for twelve profiles, as a person would read it after
//! `confide take --answers PROFILE --no-save` in a pipe (80 columns, no colour). Each test
//! checks the flags and band texts a therapist would expect, then compares the whole
//! summary with its reviewed snapshot in tests/snapshots/.

use crate::common::{Home, root, stderr, stdout};

fn summary(profile: &str) -> String {
    let home = Home::new();
    let out = home
        .cmd()
        .args(["take", "--no-save", "--answers"])
        .arg(root().join(format!("tests/fixtures/profiles/{profile}.json")))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains('\u{1b}'), "no colour in a pipe");
    assert!(
        text.lines().all(|l| l.chars().count() <= 80),
        "wrapped to 80 columns"
    );
    text
}

/// The flags in the order shown, as (level, first words).
fn flags(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| {
            ["Urgent:", "See a clinician:", "Suggestion:", "Note:"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .map(|l| l.split(':').next().unwrap_or_default().to_string())
        .collect()
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_common(text: &str) {
    let f = flat(text);
    assert!(
        f.contains("not a validated clinical instrument"),
        "provenance line"
    );
    for word in ["disorder", "dysfunction", "you have a", "diagnosis of"] {
        assert!(
            !f.to_lowercase().contains(word),
            "no diagnosis words: {word}"
        );
    }
    assert!(!text.contains('!'), "no exclamation marks");
}

#[test]
fn no_activity_in_the_period() {
    let text = summary("no-activity");
    assert_common(&text);
    assert!(flags(&text).is_empty(), "{:?}", flags(&text));
    let f = flat(&text);
    assert!(f.contains("Desire: Rarely present. Your answers suggest desire came up rarely, and this does not bother you much."));
    assert!(f.contains("normal variation, not a problem"));
    assert!(f.contains("Pain and worry about pain: None reported."));
    insta::assert_snapshot!(text);
}

#[test]
fn asexual_and_content() {
    let text = summary("asexual-content");
    assert_common(&text);
    assert!(flags(&text).is_empty(), "{:?}", flags(&text));
    let f = flat(&text);
    assert!(f.contains("you describe yourself as asexual or on the asexual spectrum. That is a valid way to be, not something to fix."));
    insta::assert_snapshot!(text);
}

#[test]
fn low_desire_and_very_bothered() {
    let text = summary("low-desire-very-bothered");
    assert_common(&text);
    assert_eq!(
        flags(&text),
        ["See a clinician", "See a clinician", "Suggestion"]
    );
    let f = flat(&text);
    assert!(f.contains(
        "Desire: Rarely present. Your answers suggest desire came up rarely, and this bothers you."
    ));
    assert!(
        f.contains("look for causes such as hormones, health conditions, low mood or medicines")
    );
    insta::assert_snapshot!(text);
}

#[test]
fn desire_difference_with_a_partner() {
    let text = summary("desire-difference");
    assert_common(&text);
    assert_eq!(
        flags(&text),
        ["See a clinician", "Suggestion", "Suggestion"]
    );
    let f = flat(&text);
    assert!(f.contains("A difference in desire is causing tension between you and your partner."));
    assert!(f.contains("Talking about sex: Sometimes hard."));
    insta::assert_snapshot!(text);
}

#[test]
fn high_performance_anxiety() {
    let text = summary("performance-anxiety");
    assert_common(&text);
    assert_eq!(
        flags(&text),
        ["See a clinician", "See a clinician", "Note", "Note"]
    );
    let f = flat(&text);
    assert!(f.contains("Worry about sex: Often in the way."));
    assert!(f.contains("move attention from performance to sensation"));
    insta::assert_snapshot!(text);
}

#[test]
fn frequent_severe_pain_always_points_to_a_medical_assessment() {
    let text = summary("frequent-severe-pain");
    assert_common(&text);
    let fl = flags(&text);
    assert!(
        fl.iter().filter(|l| *l == "See a clinician").count() >= 2,
        "{fl:?}"
    );
    assert!(!fl.contains(&"Urgent".to_string()));
    let f = flat(&text);
    assert!(f.contains("deserves a medical assessment"));
    assert!(f.contains("gynaecologist, urologist or pelvic-floor physiotherapist"));
    assert!(f.contains("Pain is never something to push through."));
    insta::assert_snapshot!(text);
}

#[test]
fn communication_difficulty_with_feeling_unsafe_shows_urgent_flags_first_with_resources() {
    let text = summary("unsafe-communication");
    assert_common(&text);
    let fl = flags(&text);
    assert!(
        !fl.iter().any(|l| l == "Urgent"),
        "urgent flags are one calm block, not stacked labels: {fl:?}"
    );
    assert_eq!(text.matches("Please read this first").count(), 1);
    let first_heading = text
        .lines()
        .filter(|l| !l.is_empty())
        .nth(2)
        .unwrap_or_default();
    assert_eq!(first_heading, "Please read this first");
    let f = flat(&text);
    let resources = f.find("Support you can reach now").unwrap();
    let situation = f.find("Your situation -").unwrap();
    assert!(
        resources < situation,
        "resources come before the questionnaires"
    );
    // Tests run with LANG=en_US.UTF-8, so the services are those of the United States.
    for contact in [
        "988",
        "1-800-799-7233",
        "1-800-656-4673",
        "findahelpline.com",
        "local emergency number",
    ] {
        assert!(f.contains(contact), "{contact}");
    }
    assert!(
        !f.contains("116 123"),
        "other countries' services are not listed"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn everything_fine() {
    let text = summary("everything-fine");
    assert_common(&text);
    assert!(flags(&text).is_empty(), "{:?}", flags(&text));
    let f = flat(&text);
    assert!(f.contains("Talking about sex: Mostly easy."));
    assert!(f.contains("Worry about sex: Rarely in the way."));
    insta::assert_snapshot!(text);
}

#[test]
fn menopause_with_pain_low_desire_and_dryness() {
    let text = summary("menopause-pain-low-desire");
    assert_common(&text);
    let f = flat(&text);
    assert!(f.contains("vaginal oestrogen, a local treatment a GP can prescribe"));
    assert!(f.contains("Mood and worry check"));
    insta::assert_snapshot!(text);
}

#[test]
fn testosterone_as_gender_affirming_care_with_pain() {
    let text = summary("testosterone-trans-man");
    assert_common(&text);
    let f = flat(&text);
    assert!(f.contains("Testosterone can make the lining of the vagina (front hole) thinner"));
    insta::assert_snapshot!(text);
}

#[test]
fn pain_and_fear_of_penetration_with_no_sexual_activity() {
    let text = summary("pain-avoidance-no-activity");
    assert_common(&text);
    let f = flat(&text);
    assert!(f.contains("Pain and worry about pain: Weighing heavily on sex."));
    assert!(f.contains("graded, self-paced approaches help many people"));
    insta::assert_snapshot!(text);
}

#[test]
fn every_personal_question_declined() {
    let text = summary("declines-everything");
    assert_common(&text);
    assert_eq!(flags(&text), ["Note"], "only the declined-safety note");
    insta::assert_snapshot!(text);
}
