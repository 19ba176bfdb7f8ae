//! The safety screen and what it changes in the client summary: who is asked the safety
//! questions, how urgent concerns are shown (one calm block that reads back what the person
//! said, then support), and that couple advice, assertiveness framing and advice about what
//! to do during sex are withheld wherever a safety concern was raised, while a person
//! without one still reads them where they fit.
//!
//! Some assertions here describe the summary as the person reads it after the summary's
//! safety mode: the `instead` line inside the urgent block, "What is common" and "What
//! often helps" left out while something is withheld, the provenance line once at the end,
//! the emergency number of the person's country, and "Support, if you want it" above
//! services that are not urgent.

use std::fs;

use confide::model::catalog::Catalog;
use confide::model::questionnaire::{Item, Questionnaire};

use crate::common::{Home, root, stderr, stdout};

/// `confide take --answers PROFILE --no-save` in a pipe, with `args` before `take`: the
/// summary as the person reads it.
fn summary_with(profile: &str, args: &[&str]) -> String {
    let home = Home::new();
    let out = home
        .cmd()
        .args(args)
        .args(["take", "--no-save", "--answers"])
        .arg(root().join(format!("tests/fixtures/profiles/{profile}.json")))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

fn summary(profile: &str) -> String {
    summary_with(profile, &[])
}

/// Whitespace folded, so that sentences wrapped across lines can be found.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where `needle` starts in `haystack`, or a failure that shows the text.
fn at(haystack: &str, needle: &str) -> usize {
    haystack
        .find(needle)
        .unwrap_or_else(|| panic!("not found: {needle}\n{haystack}"))
}

/// Partner-directed and couple suggestions, and skill framing about talking and saying no,
/// each as a phrase found in one bundled text tagged `partner` or `skills`.
const PARTNER_ADVICE: &[&str] = &[
    // desire
    "A difference in desire is causing tension between you and your partner",
    "It is a shared situation to work on together",
    "see you with a partner, if you both want that",
    // anxiety
    "Sensate focus is a step-by-step set of touching exercises",
    "Coming back to closeness or dating in small steps",
    // pain
    "on your own or together with your partner, to find closeness",
    "found couple-based therapy helped too",
    // communication
    "Pick a calm moment outside the bedroom",
    "compare lists with a partner",
    "If talks with a partner end in conflict or silence",
    "People who talk more with their partners about sex",
    "practise these conversations, on your own or with a partner",
    "These conversations can get easier with practice",
    "asking your partner to sum up what they heard",
];

/// Advice about what to do during sex, performance and comfort, or pointing at a medical
/// cause first: a phrase of each text tagged `in_sex` (or `initiation`) that a person who
/// is not safe, was pressured or forced, or goes along with sex to avoid upset, should not
/// read.
const IN_SEX_ADVICE: &[&str] = &[
    "Shift the goal from performance to sensation",
    "gently bring your attention back to one sensation",
    "move attention from performance to sensation",
    "practical exercises that take the pressure off",
    "accelerators and brakes",
    "make some unhurried time",
    "Lubricant, and unhurried time for arousal",
    "Stop or change what you are doing",
    "push through",
    "Small steps with sleep and stress",
    "look for causes such as hormones",
    "you can start with touch you enjoy",
];

/// The line shown once in place of what a safety flag withholds, for a person who does not
/// feel safe or was pressured or forced.
const INSTEAD: &str = "You deserve to be safe. Someone trained to support people who feel unsafe or pressured, such as a domestic abuse or sexual violence service, can help you think about what you want, in sex and in your relationships, at your own pace.";

/// The same line for a person who is not sure whether they were pressured.
const INSTEAD_UNSURE: &str = "Someone trained in sexual pressure and consent can listen, at your own pace, whenever you want to talk through what happened.";

/// The same line for a person who went along with sex to avoid upset.
const INSTEAD_QUIET: &str = "What you want matters, including when you do not want sex. A therapist can help you think it through, on your own and at your own pace.";

const PROVENANCE: &str = "These questions are a screening aid written for confide";

#[test]
fn coercion_by_an_unsafe_partner_gives_one_calm_block_that_reads_back_what_was_said() {
    let text = summary("coercion-unsafe-partner");
    let f = flat(&text);
    assert_eq!(text.matches("Please read this first").count(), 1, "{text}");
    assert!(
        !text.contains("Urgent:"),
        "no stacked urgent labels: {text}"
    );
    let block = at(&f, "Please read this first");
    let support = at(&f, "Support you can reach now");
    let situation = at(&f, "Your situation -");
    assert!(block < support && support < situation);
    let urgent = &f[block..situation];
    // What the person said, with the recall period and "threatened", and the fear in
    // their own answer.
    for said in [
        "You said that you do not always feel safe with a partner, that in the past 4 weeks someone pressured, threatened or forced you into sexual activity you did not want",
        "that you went along with sex you did not want because you were afraid of how your partner would react.",
    ] {
        assert!(urgent.contains(said), "{said}\n{urgent}");
    }
    assert_eq!(f.matches("You said that").count(), 1, "{f}");
    // Saying no is not read back as the person's own difficulty when fear is the reason.
    assert!(
        !urgent.contains("saying no to sex with a partner feels hard"),
        "{urgent}"
    );
    assert!(
        !urgent.contains("saying no to a partner is hard"),
        "{urgent}"
    );
    // The single messages are not repeated under the sentence.
    assert!(!f.contains("A no should never put you at risk"), "{f}");
    // Not their fault, believed, no decision needed today.
    for line in [
        "None of this is your fault.",
        "You deserve to be believed",
        "You do not have to decide anything today.",
    ] {
        assert!(f[support..situation].contains(line), "{line}\n{f}");
    }
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
    // What happened recently can be cared for, wherever the person lives.
    assert!(
        f.contains("a sexual health clinic, a hospital or a sexual assault service can offer confidential care"),
        "{f}"
    );
}

#[test]
fn after_a_safety_concern_no_couple_advice_and_no_advice_about_sex_itself() {
    let text = summary("coercion-unsafe-partner");
    let f = flat(&text);
    for advice in PARTNER_ADVICE.iter().chain(IN_SEX_ADVICE) {
        assert!(!f.contains(advice), "withheld: {advice}\n{text}");
    }
    assert!(!f.contains("exactly this"), "{f}");
    assert!(!f.contains("a sex therapist for the rest"), "{f}");
    assert_eq!(f.matches(INSTEAD).count(), 1, "{text}");
    // Safety-aware reflections in their place.
    for line in [
        "Support with your safety comes first.",
        "when you are ready, a therapist who understands pressure and abuse",
        "is a common and understandable response to feeling pressured or unsafe",
        "Feeling on guard is a natural response when sex does not feel safe or fully wanted.",
        "Pain with sex deserves a medical check, when you feel ready.",
        "stop an examination at any time",
        "If you could not stop, that is not your fault.",
    ] {
        assert!(f.contains(line), "{line}\n{text}");
    }
    // Medical and individual help stays.
    assert!(f.contains("deserves a medical assessment"));
    assert!(f.contains("a domestic violence or sexual assault service"));
    assert!(f.contains("You never owe anyone sex that hurts"));
}

#[test]
fn in_the_urgent_block_the_instead_line_comes_once_before_the_services() {
    let f = flat(&summary("coercion-unsafe-partner"));
    let block = at(&f, "Please read this first");
    let instead = at(&f, INSTEAD);
    let intro = at(&f, "None of this is your fault.");
    assert!(block < instead && instead < intro, "{f}");
    assert_eq!(f.matches(INSTEAD).count(), 1, "{f}");
    // "You deserve to be safe" once, not again in the services' introduction.
    let declined = flat(&summary("declined-partner-and-activity"));
    let situation = at(&declined, "Your situation -");
    assert_eq!(
        declined[..situation].matches("deserve to be safe").count(),
        1,
        "{declined}"
    );
}

#[test]
fn in_safety_mode_the_summary_keeps_reflections_and_where_to_turn_and_names_its_provenance_once() {
    let text = summary("coercion-unsafe-partner");
    assert!(!text.contains("What is common"), "{text}");
    assert!(!text.contains("What often helps"), "{text}");
    assert!(text.contains("What your answers suggest"));
    assert!(text.contains("When to talk to someone"));
    let f = flat(&text);
    assert_eq!(f.matches(PROVENANCE).count(), 1, "{text}");
    assert!(at(&f, PROVENANCE) > at(&f, "Talking about sex -"), "{f}");
}

#[test]
fn services_for_abuse_and_sexual_violence_come_before_crisis_lines() {
    let f = flat(&summary("coercion-unsafe-partner"));
    let crisis = at(&f, "988 Suicide & Crisis Lifeline");
    assert!(at(&f, "1-800-799-7233") < crisis, "{f}");
    assert!(at(&f, "1-800-656-4673") < crisis, "{f}");
    // The US hotline can be reached without speaking.
    assert!(
        f.contains("text START to 88788, or chat at thehotline.org"),
        "{f}"
    );

    let f = flat(&summary_with(
        "coercion-unsafe-partner",
        &["--country", "GB"],
    ));
    let crisis = at(&f, "Samaritans: 116 123");
    for service in [
        "National Domestic Abuse Helpline (for women): 0808 2000 247",
        "Rape Crisis 24/7 Support Line (England and Wales): free phone line and online chat, 24 hours, at 247sexualabusesupport.org.uk",
        "Live Fear Free Helpline (Wales only)",
        "Rape Crisis Scotland Helpline (Scotland only): 08088 01 03 02. Free,",
        "Domestic and Sexual Abuse Helpline (Northern Ireland): 0808 802 1414",
        "Silent Solution: if you call 999 from a mobile and cannot speak, press 55",
    ] {
        assert!(at(&f, service) < crisis, "{service}\n{f}");
    }
    assert!(!f.contains("free. Free"), "{f}");
    assert!(!f.contains("not open around the clock"), "{f}");
    assert!(f.contains("Galop: 0800 999 5428. Support from LGBT+ people for LGBT+ people facing domestic abuse, sexual violence or other abuse. Open at set times; see the website for hours."));
}

#[test]
fn the_urgent_block_names_the_emergency_number_of_the_persons_country() {
    for (country, line) in [
        ("GB", "In the United Kingdom, call 999 in an emergency."),
        ("US", "In the United States, call 911 in an emergency."),
        ("IE", "In Ireland, call 112 or 999 in an emergency."),
        ("AU", "In Australia, call 000 in an emergency."),
        ("NZ", "In New Zealand, call 111 in an emergency."),
    ] {
        let f = flat(&summary_with(
            "coercion-unsafe-partner",
            &["--country", country],
        ));
        let intro = at(&f, "None of this is your fault.");
        let emergency = at(&f, line);
        let situation = at(&f, "Your situation -");
        assert!(intro < emergency && emergency < situation, "{country}: {f}");
    }
}

#[test]
fn a_no_is_read_back_as_not_feeling_safe_and_not_always_as_not_always() {
    let f = flat(&summary("not-safe-partner"));
    let block = at(&f, "Please read this first");
    let message = at(
        &f,
        "You said that you do not feel safe with a partner. You do not have to work this out alone.",
    );
    assert!(block < message && message < at(&f, "Support you can reach now"));
    assert!(!f.contains("not always"), "{f}");
    assert!(f.contains("None of this is your fault."), "{f}");
    for advice in PARTNER_ADVICE.iter().chain(IN_SEX_ADVICE) {
        assert!(!f.contains(advice), "withheld: {advice}\n{f}");
    }
    let f = flat(&summary("declined-partner-and-activity"));
    assert!(
        f.contains("You said that you do not always feel safe with a partner."),
        "{f}"
    );
}

#[test]
fn the_same_concerns_without_any_pressure_keep_the_couple_advice() {
    // The answers of `coercion-unsafe-partner`, but safe with the partner, no pressure,
    // not going along with unwanted sex, and saying no is neither easy nor hard.
    let text = summary("couple-concerns-no-pressure");
    let f = flat(&text);
    assert!(!text.contains("Please read this first"), "{text}");
    for line in [INSTEAD, INSTEAD_UNSURE, INSTEAD_QUIET] {
        assert!(!f.contains(line), "{line}\n{text}");
    }
    for advice in PARTNER_ADVICE {
        assert!(f.contains(advice), "shown: {advice}\n{text}");
    }
    // Advice about sex itself is for a person who reported no pressure.
    assert!(
        f.contains("Lubricant, and unhurried time for arousal"),
        "{text}"
    );
    assert!(
        f.contains("Stop or change what you are doing when it hurts"),
        "{text}"
    );
    assert!(
        f.contains("Pain is never something to push through."),
        "{text}"
    );
}

#[test]
fn going_along_with_sex_to_avoid_upset_is_a_quiet_pressure_signal() {
    // `partner-concerns-safe`: safe with the partner and not pressured, but went along with
    // unwanted sex to avoid upset, finds saying no very hard and carries on through pain.
    let text = summary("partner-concerns-safe");
    let f = flat(&text);
    assert!(!text.contains("Please read this first"), "{text}");
    let flag = at(
        &f,
        "Suggestion: You said that in the past 4 weeks you went along with sex you did not want, to avoid upsetting your partner or an argument. Many people do this, and it is not your fault.",
    );
    assert!(f.contains("a no should not cost you anything. If saying no often leads to sulking, guilt or arguments, that is a kind of pressure"), "{f}");
    // Domestic abuse services follow the flag.
    assert!(f[flag..].contains("1-800-799-7233"), "{f}");
    // Skill framing, starting sex, coming back from avoidance, complaint wording and advice
    // about sex itself are left out, with one line in their place.
    for advice in IN_SEX_ADVICE.iter().chain(&[
        "Coming back to closeness",
        "rather than a complaint",
        "These conversations can get easier with practice",
        "practise these conversations",
        "asking your partner to sum up",
        "a couples therapist can help",
    ]) {
        assert!(!f.contains(advice), "withheld: {advice}\n{text}");
    }
    assert_eq!(f.matches(INSTEAD_QUIET).count(), 1, "{text}");
    // Individual or joint help with a sex therapist stays.
    assert!(f.contains("A sex therapist can help, on your own or together with your partner"));
    assert!(f.contains("deserves a prompt medical assessment"));
}

#[test]
fn services_that_are_not_urgent_have_a_heading() {
    for profile in [
        "partner-concerns-safe",
        "past-experiences-safe",
        "safety-declined",
        "pressure-unsure-no-partner",
    ] {
        let f = flat(&summary(profile));
        assert!(!f.contains("Please read this first"), "{profile}: {f}");
        let heading = at(&f, "Support, if you want it");
        assert!(heading < at(&f, "Find A Helpline"), "{profile}: {f}");
    }
}

#[test]
fn declining_the_safety_questions_brings_a_quiet_offer_of_services() {
    let text = summary("safety-declined");
    let f = flat(&text);
    assert!(!text.contains("Please read this first"), "{text}");
    let note = at(
        &f,
        "Note: You chose not to answer some or all of the safety questions. That is completely fine. In case it is ever useful, to you or to someone you know, these services are free and confidential.",
    );
    for contact in ["1-800-799-7233", "1-800-656-4673"] {
        assert!(at(&f, contact) > note, "{contact}: {f}");
    }
    // Nothing presumes that something happened.
    assert!(!f.contains("None of this is your fault"), "{f}");
    assert!(!f.contains("You said that"), "{f}");
}

#[test]
fn a_person_who_declined_to_say_about_partners_and_activity_is_still_asked_about_safety() {
    let text = summary("declined-partner-and-activity");
    let f = flat(&text);
    // One urgent flag: its own message, alone, above the resources.
    assert_eq!(text.matches("Please read this first").count(), 1);
    let block = at(&f, "Please read this first");
    let message = at(
        &f,
        "You said that you do not always feel safe with a partner. You do not have to work this out alone.",
    );
    let support = at(&f, "Support you can reach now");
    assert!(block < message && message < support);
    assert_eq!(f.matches("You said that").count(), 1, "{f}");
    // Partner questions elsewhere were not asked, so no partner advice fits here anyway.
    assert!(!f.contains("Suggestion: A difference in desire"));
    // Pain during sex was not asked: only worry about pain was answered.
    assert!(
        f.contains("Pain and worry about pain: None reported. You said you do not worry that sex will hurt."),
        "{f}"
    );
    assert!(!f.contains("no pain, and no worry about pain"), "{f}");
    assert!(!f.contains("this kind of pain"), "{f}");
}

#[test]
fn the_partner_safety_question_is_refused_only_for_someone_with_no_partner_and_no_activity() {
    let home = Home::new();
    let take = |name: &str, answers: &str| {
        let path = home.path().join(name);
        fs::write(
            &path,
            format!(r#"{{"format": "confide.answers/1", "answers": {answers}}}"#),
        )
        .unwrap();
        home.cmd()
            .args(["take", "--no-save", "--answers"])
            .arg(&path)
            .output()
            .unwrap()
    };
    let context = |c: &str| format!(r#"{{"context": {c}}}"#);
    let refused = take(
        "none.json",
        &context(
            r#"{"activity": [3], "partner": 3, "topics": [1], "safe_partner": 0, "pressure": 0}"#,
        ),
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
        let out = take(name, &format!(r#"{{"context": {context}}}"#));
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
    }
    // Saying no and going along with unwanted sex are asked too when partner status and
    // activity were declined, and refused for someone with no partner and no activity.
    let declined = take(
        "declined-say-no.json",
        r#"{"context": {"activity": "declined", "partner": "declined", "topics": [4], "safe_partner": 1, "pressure": 0},
            "communication": {"say_no": 4, "go_along": 2}}"#,
    );
    assert_eq!(declined.status.code(), Some(0), "{}", stderr(&declined));
    assert!(
        flat(&stdout(&declined))
            .contains("because you were afraid of how your partner would react"),
        "{}",
        stdout(&declined)
    );
    let refused = take(
        "no-partner-say-no.json",
        r#"{"context": {"activity": [3], "partner": 3, "topics": [4], "pressure": 0},
            "communication": {"say_no": 4}}"#,
    );
    assert_eq!(refused.status.code(), Some(2), "{}", stdout(&refused));
    assert!(
        stderr(&refused).contains("/answers/communication/say_no: this item would not be asked"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn not_being_sure_about_pressure_is_a_gentle_suggestion_with_services() {
    let text = summary("pressure-unsure-no-partner");
    let f = flat(&text);
    assert!(!text.contains("Please read this first"), "{text}");
    assert!(!text.contains("Urgent:"));
    let flag = at(
        &f,
        "Suggestion: You were not sure whether you were pressured into sexual activity.",
    );
    let services = &f[flag..];
    for contact in ["1-800-656-4673", "1-800-799-7233"] {
        assert!(services.contains(contact), "{contact}: {f}");
    }
    // Partner and skill advice is withheld here too, with one gentler line in its place
    // that does not name abuse.
    assert!(!f.contains("Pick a calm moment outside the bedroom"));
    assert!(!f.contains("They are a skill, and skills improve with practice."));
    assert_eq!(f.matches(INSTEAD_UNSURE).count(), 1, "{text}");
    assert!(!f.contains("works with abuse"), "{f}");
    // Knowing one's own limits, alone.
    assert!(
        f.contains("a yes, no, maybe list, where you mark for yourself what you enjoy, do not want, or might try"),
        "{f}"
    );
}

#[test]
fn unsure_pressure_and_finding_it_hard_to_say_no_is_one_calm_urgent_message() {
    let text = summary("unsure-pressure-saying-no-hard");
    let f = flat(&text);
    assert_eq!(text.matches("Please read this first").count(), 1, "{text}");
    assert!(
        f.contains("You said that saying no to sex with a partner feels hard, and that someone may have pressured you into sexual activity in the past 4 weeks. If something did not feel right, it matters."),
        "{f}"
    );
    assert_eq!(f.matches("not your fault").count(), 0, "{f}");
    assert_eq!(f.matches("None of this is your fault.").count(), 1, "{f}");
    assert!(!f.contains("work out what makes it hard"), "{f}");
    // No list of limits for someone who finds saying no hard.
    assert!(!f.contains("where you mark for yourself"), "{f}");
}

#[test]
fn past_experiences_list_sexual_violence_services_without_alarm() {
    let text = summary("past-experiences-safe");
    let f = flat(&text);
    assert!(!text.contains("Please read this first"), "{text}");
    assert!(!text.contains("Urgent:"));
    let flag = at(
        &f,
        "Suggestion: You said past experiences affect how you feel about sex.",
    );
    assert!(f[flag..].contains("RAINN National Sexual Assault Hotline: 1-800-656-4673"));
    // The desire reflection names past experiences too.
    assert!(
        f.contains("Past experiences can also shape desire, and a therapist who works with them can help, at your pace."),
        "{f}"
    );
    // Safe now: nothing is withheld.
    for line in [INSTEAD, INSTEAD_UNSURE, INSTEAD_QUIET] {
        assert!(!f.contains(line));
    }
}

#[test]
fn advice_reaches_only_those_it_fits() {
    // Low desire that bothers the person: responsive desire and mindfulness.
    let f = flat(&summary("low-desire-very-bothered"));
    assert!(f.contains("you can start with touch you enjoy"), "{f}");
    assert!(
        f.contains("has helped many people with low desire (Brotto, 2018)"),
        "{f}"
    );
    // The partner who wants more: neither, and a line that fits them.
    let f = flat(&summary("desire-difference"));
    assert!(!f.contains("you can start with touch you enjoy"), "{f}");
    assert!(!f.contains("Mindfulness"), "{f}");
    assert!(
        f.contains("Being the one who wants more can feel lonely, or like being rejected. A partner's no is not a verdict on you"),
        "{f}"
    );
    // No pain: no pain advice, and nothing for "this kind of pain" to point at.
    let f = flat(&summary("everything-fine"));
    for advice in [
        "Mindfulness",
        "you can start with touch you enjoy",
        "pelvic-floor physiotherapy helped",
        "this kind of pain",
        "Lubricant",
        "Stop or change what you are doing",
    ] {
        assert!(!f.contains(advice), "{advice}\n{f}");
    }
    // Pain with solo activity only, with an erection: comfort advice that fits solo sex,
    // a physician for the erection, nothing about a vaginal entrance or a couple.
    let f = flat(&summary("solo-pain"));
    assert!(
        f.contains("Lubricant, and unhurried time for arousal before any penetration, can reduce friction and discomfort, whether you are on your own or with someone."),
        "{f}"
    );
    assert!(
        f.contains("Pain with an erection, orgasm or ejaculation should be checked by a physician"),
        "{f}"
    );
    for advice in ["vaginal entrance", "couple", "Couple", "your partner"] {
        assert!(!f.contains(advice), "{advice}\n{f}");
    }
    // Pain at an opening of the body: the vaginal-entrance lines are worded as conditions.
    let f = flat(&summary("frequent-severe-pain"));
    assert!(
        f.contains("If the pain is at the vaginal entrance when it is touched or pressed, a GP or gynaecologist can check for a common, treatable cause of this kind of pain. In a trial of women diagnosed with it, pelvic-floor physiotherapy helped (Morin et al., 2021)."),
        "{f}"
    );
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
        for flag in &q.flags {
            let at = format!("{}.{}", q.id, flag.id);
            let clinician = flag
                .clinician
                .as_ref()
                .unwrap_or_else(|| panic!("{at}: no clinician text"));
            assert!(
                !en(clinician).starts_with("You ") && !en(clinician).contains(" you "),
                "{at}: the clinician text is in the third person"
            );
            let urgent = flag.level == "urgent";
            if urgent {
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
            assert!(
                !en(clinician).contains("Screen for coercion"),
                "{at}: coercion is assessed, not screened for again"
            );
            let carries = |t: &str| flag.tags.iter().any(|x| x == t);
            let withholds = |t: &str| flag.withholds.iter().any(|x| x == t);
            if carries("safety") {
                safety_flags += 1;
                // Everything a quiet-pressure signal withholds, and couple work.
                for tag in ["partner", "skills", "in_sex", "initiation", "avoidance"] {
                    assert!(withholds(tag), "{at} withholds {tag}");
                }
                // A fear-based or unsafe concern keeps "saying no is hard" out of the
                // read-back.
                if urgent && !carries("hard_to_say_no") {
                    assert!(withholds("hard_to_say_no"), "{at}");
                }
                assert!(flag.instead.is_some(), "{at}");
                assert!(
                    en(clinician).contains("Assess risk and safety first"),
                    "{at}"
                );
            }
            if !flag.withholds.is_empty() {
                assert!(flag.instead.is_some(), "{at}: withholds without `instead`");
            }
        }
    }
    assert_eq!(safety_flags, 7, "four in context, three in communication");
    // The quiet-pressure signal withholds skills, starting sex, coming back from avoidance
    // and advice about sex itself, but not couple help on the person's own terms, and it is
    // not a safety concern of the screen.
    let communication = catalog.get("communication").unwrap().q();
    let quiet = communication
        .flags
        .iter()
        .find(|f| f.id == "quiet_pressure")
        .unwrap();
    assert_eq!(
        quiet.withholds,
        ["skills", "initiation", "avoidance", "in_sex"]
    );
    assert!(quiet.tags.is_empty());
    // Declined safety questions are a quiet offer, not a raised concern.
    let context = catalog.get("context").unwrap().q();
    let declined = context
        .flags
        .iter()
        .find(|f| f.id == "safety_not_answered")
        .unwrap();
    assert!(declined.tags.is_empty() && declined.withholds.is_empty());
    assert!(!declined.resources.is_empty());
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
        let expected: &[&str] = match q.id.as_str() {
            "context" => &["overall_bother"],
            // A published instrument is asked word for word, without a question of ours.
            "mood" => &[],
            _ => &["bother"],
        };
        assert_eq!(bother, expected, "{}", q.id);
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
fn couple_advice_skill_framing_and_advice_about_sex_itself_are_always_tagged() {
    // Phrases that mark a partner-directed or couple suggestion, skill framing, or advice
    // about sex itself; a text that contains one must carry the matching tag, so that a
    // safety flag can withhold it.
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
    // Advice about what to do during sex, performance or comfort, or to stop or not push
    // through: withheld after a safety concern.
    let in_sex = [
        "performance to sensation",
        "push through",
        "stop or change what you are doing",
        "unhurried",
        "accelerators and brakes",
        "bring your attention back",
    ];
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
            for p in in_sex {
                assert!(
                    !lower.contains(p) || has("in_sex"),
                    "{} {at}: \"{p}\" needs the tag `in_sex`: {text}",
                    q.id
                );
            }
            assert!(
                !lower.contains("start with touch you enjoy") || has("initiation"),
                "{} {at}: starting sex needs the tag `initiation`: {text}",
                q.id
            );
            assert!(
                !lower.contains("exactly this"),
                "{} {at}: presumes what the concern is: {text}",
                q.id
            );
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
    assert!(f.contains("Assess risk and safety first"), "{f}");
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
    assert!(
        f.contains("confirm a safe way and time to contact the client before any follow-up"),
        "{f}"
    );
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
        .find("Deferred until safety and pressure are assessed")
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
    // Without a concern that withholds advice nothing is deferred.
    let home = Home::new();
    let text = report_of(&home, "couple-concerns-no-pressure", "text");
    assert!(
        !text.contains("Deferred until safety and pressure"),
        "{text}"
    );
}

#[test]
fn under_reported_coercion_the_clinician_reads_next_steps_and_no_contradictions() {
    let home = Home::new();
    let f = flat(&report_of(&home, "coercion-unsafe-partner", "text"));
    for line in [
        "Establish recency and whether it is ongoing",
        "post-exposure prophylaxis",
        "which does not require a police report",
        "ask about children in the household; agree a safe contact method",
        "Couple and communication work is contraindicated",
        "whether the client is able to stop when pain occurs",
        "continuing despite pain may reflect fear rather than choice",
        "Any genital examination should be trauma-informed",
        "a diagnosis of sexual dysfunction is not made when symptoms are better explained by partner violence or severe relationship distress",
    ] {
        assert!(f.contains(line), "{line}\n{f}");
    }
    for contradiction in [
        "advise stopping when pain occurs",
        "Screen for coercion",
        "Once safety in the relationship is confirmed",
    ] {
        assert!(!f.contains(contradiction), "{contradiction}\n{f}");
    }
    // Quiet pressure reaches the clinician as a reason for individual assessment.
    let f = flat(&report_of(&home, "partner-concerns-safe", "text"));
    assert!(
        f.contains("Assess individually, in private, for coercion and safety before any couple, communication or assertiveness work."),
        "{f}"
    );
}

#[test]
fn couple_work_and_advice_about_sex_are_deferred_in_the_report_while_safety_is_unresolved() {
    let home = Home::new();
    let f = flat(&report_of(&home, "coercion-unsafe-partner", "text"));
    let deferred = at(&f, "Deferred until safety and pressure are assessed");
    let urgent = at(&f, "URGENT [context]");
    assert!(urgent < deferred, "{f}");
    for flag in [
        "Reports a desire difference with a partner",
        "Reports that pain or fear of pain affects the relationship",
        "Reports difficulty talking about sex (above the easy band)",
    ] {
        assert!(at(&f, flag) > deferred, "{flag}\n{f}");
    }
    // Medical, mood and anxiety assessments are part of the risk work, never deferred.
    for flag in [
        "Reports desire lower than usual",
        "High worry about sex (top band)",
    ] {
        assert!(at(&f, flag) < deferred, "{flag}\n{f}");
    }
    // Safety concerns, including one whose read-back the summary leaves out, and medical
    // referral stay among the active flags.
    assert!(at(&f, "Reports pain with sexual activity at least sometimes") < deferred);
    assert!(
        at(
            &f,
            "Reports that refusing unwanted sex with a partner is fairly or very hard"
        ) < deferred,
        "{f}"
    );
}
