//! Plain mode driven through standard input, as a screen reader user or a script would.

use crate::common::{Home, root, stderr, stdout};

fn take(home: &Home, input: &str, extra: &[&str]) -> std::process::Output {
    home.cmd()
        .args(["take", "--plain", "--no-save", "--questionnaires"])
        .arg(root().join("tests/fixtures/interview"))
        .args(extra)
        .arg("checkin")
        .write_stdin(input)
        .output()
        .unwrap()
}

#[test]
fn a_whole_interview_prints_each_item_the_review_and_the_summary() {
    let home = Home::new();
    let out = take(&home, "1\n1,2\n7.5\n3\nwork\ny\n", &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(
        text.contains("Check-in\n========\nA few questions about the past week."),
        "{text}"
    );
    assert!(
        text.contains(
            "Check-in, 1 of 5: How often did you feel calm?\n  1) Never\n  2) Sometimes\n  3) Often\n"
        ),
        "{text}"
    );
    // The count includes the follow-up from the start: worrying may open it.
    assert!(text.contains("The next question is about sleep."));
    assert!(text.contains("Type a number from 0 to 14 hours"));
    assert!(
        text.contains("  4) Prefer not to answer\n"),
        "declinable multi-choice offers declining"
    );
    assert!(text.contains("Check-in, 5 of 5: What worried you most?"));
    assert!(text.contains("Review your answers"));
    assert!(text.contains("     A friend, Family\n"));
    assert!(text.contains("     7.5 hours\n"));
    assert!(text.contains("Your summary"));
    assert!(text.contains("Unease: Unsettled."), "{text}");
    assert!(text.contains("Suggestion: You worried often."), "{text}");
    assert!(text.contains("not a validated"));
    assert!(stderr(&out).contains("Nothing was saved"));
    for line in text.lines().filter(|l| l.starts_with('>')) {
        assert!(
            line.starts_with("> "),
            "every prompt ends with '> ': {line:?}"
        );
    }
    assert!(!text.contains('\u{1b}'), "no escape codes in plain mode");
}

#[test]
fn invalid_input_says_why_and_asks_again() {
    let home = Home::new();
    let out = take(&home, "7\nabc\n1\n\n20\n3\n1\n\ny\n", &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("There is no option 7; type a number from 1 to 3."),
        "{text}"
    );
    assert!(
        text.contains("Type the number of an option, from 1 to 3."),
        "{text}"
    );
    assert!(text.contains("Enter a number from 0 to 14."), "{text}");
}

#[test]
fn a_required_item_cannot_be_skipped() {
    let home = Home::new();
    let out = take(&home, "\n1\n\n\n\ny\n", &[]);
    let text = stdout(&out);
    assert!(text.contains("This question needs an answer."), "{text}");
    assert_eq!(out.status.code(), Some(0));
    assert!(text.contains("     (skipped)\n"));
}

#[test]
fn b_goes_back_and_the_earlier_answer_can_be_kept_or_changed() {
    let home = Home::new();
    // mood=1, who=skip, back to who, back to mood, change mood to 3, keep who (Enter skips)...
    let out = take(&home, "1\nb\n3\n2\n\n1\ny\n", &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("Your answer was: Never. Press Enter to keep it"),
        "{text}"
    );
    let review = &text[text.find("Review your answers").unwrap()..];
    assert!(
        review.contains("How often did you feel calm?\n     Often"),
        "{review}"
    );
    assert!(
        review.contains("Who did you talk to?\n     Family"),
        "{review}"
    );
}

#[test]
fn b_on_the_first_question_says_there_is_nothing_before() {
    let home = Home::new();
    let out = take(&home, "b\n1\n\n\n\ny\n", &[]);
    assert!(stdout(&out).contains("This is the first question."));
}

#[test]
fn declining_is_recorded_as_prefer_not_to_answer() {
    let home = Home::new();
    let out = take(&home, "1\n4\n\n4\ny\n", &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let review = &text[text.find("Review your answers").unwrap()..];
    assert!(
        review.contains("Who did you talk to?\n     Prefer not to answer"),
        "{review}"
    );
    assert!(
        review.contains("How often did you worry?\n     Prefer not to answer"),
        "{review}"
    );
    assert!(
        !review.contains("What worried you most"),
        "a declined gate does not open the follow-up"
    );
    assert!(
        text.contains("Unease. There were not enough answers"),
        "{text}"
    );
}

#[test]
fn a_question_mark_shows_the_hint() {
    let home = Home::new();
    let out = take(&home, "?\n1\n\n\n\ny\n", &[]);
    assert!(stdout(&out).contains("  Calm means settled and unhurried."));
}

#[test]
fn the_review_can_change_an_answer_and_asks_what_the_change_opens() {
    let home = Home::new();
    // worry=Never (no follow-up); at review change item 4 to Often: the follow-up is asked.
    let out = take(&home, "1\n\n\n1\n4\n3\nmoney\ny\n", &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let last_review = &text[text.rfind("Review your answers").unwrap()..];
    assert!(
        last_review.contains("How often did you worry?\n     Often"),
        "{last_review}"
    );
    assert!(
        last_review.contains("What worried you most?\n     money"),
        "{last_review}"
    );
    assert_eq!(text.matches("Review your answers").count(), 2);
}

#[test]
fn a_disabled_item_loses_its_answer() {
    let home = Home::new();
    // worry=Sometimes opens the follow-up; then change worry to Never at the review.
    let out = take(&home, "1\n\n\n2\nsecret\n4\n1\ny\n", &[]);
    let text = stdout(&out);
    let last_review = &text[text.rfind("Review your answers").unwrap()..];
    assert!(
        !last_review.contains("What worried you most"),
        "{last_review}"
    );
}

#[test]
fn end_of_input_before_the_end_exits_130_and_saves_nothing() {
    let home = Home::new();
    let out = take(&home, "1\n", &[]);
    assert_eq!(out.status.code(), Some(130));
    let err = stderr(&out);
    assert!(
        err.contains(
            "confide: error: input ended before the questionnaire was complete; nothing was saved"
        ),
        "{err}"
    );
    assert!(!stdout(&out).contains("Your summary"));
}

#[test]
fn end_of_input_at_the_review_exits_130() {
    let home = Home::new();
    let out = take(&home, "1\n\n\n\n", &[]);
    assert_eq!(out.status.code(), Some(130));
}

#[test]
fn q_quits_with_130() {
    let home = Home::new();
    let out = take(&home, "1\nq\n", &[]);
    assert_eq!(out.status.code(), Some(130));
    assert!(stderr(&out).contains("nothing was saved"));
}

#[test]
fn n_at_the_review_discards_with_130() {
    let home = Home::new();
    // `n`, then `y` to "Discard all your answers?".
    let out = take(&home, "1\n\n\n\nn\ny\n", &[]);
    assert_eq!(out.status.code(), Some(130));
    assert!(stderr(&out).contains("discarded"));
    assert!(!stdout(&out).contains("Your summary"));
}

#[test]
fn an_unknown_questionnaire_lists_the_available_ones() {
    let home = Home::new();
    let out = home
        .cmd()
        .args(["take", "--no-save", "nope"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("confide: error: unknown questionnaire `nope`"),
        "{err}"
    );
    assert!(err.contains("confide: hint: available: "), "{err}");
}

#[test]
fn stdin_that_is_not_a_terminal_selects_plain_mode_automatically() {
    let home = Home::new();
    let out = home
        .cmd()
        .args(["take", "--no-save", "--questionnaires"])
        .arg(root().join("tests/fixtures/interview"))
        .arg("checkin")
        .write_stdin("1\n\n\n\ny\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("Check-in, 1 of 5: How often did you feel calm?\n  1) Never"));
}
