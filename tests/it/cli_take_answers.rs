//! `confide take --answers FILE`: non-interactive answers, checked exactly like typed ones.

use std::fs;

use crate::common::{Home, root, stderr, stdout};

fn take_with(home: &Home, answers: &str) -> std::process::Output {
    let path = home.path().join("answers.json");
    fs::write(&path, answers).unwrap();
    home.cmd()
        .args(["take", "--no-save", "--questionnaires"])
        .arg(root().join("tests/fixtures/interview"))
        .arg("--answers")
        .arg(&path)
        .output()
        .unwrap()
}

#[test]
fn a_valid_answers_file_prints_the_summary_without_asking() {
    let home = Home::new();
    let out = take_with(
        &home,
        r#"{"format": "confide.answers/1", "answers": {"checkin": {"mood": 0, "who": [9], "sleep": 6.5, "worry": 2, "why": "work"}}}"#,
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!text.contains("> "), "nothing is asked");
    assert!(text.contains("Unease: Unsettled."), "{text}");
    assert!(text.contains("Suggestion: You worried often."));
}

#[test]
fn every_problem_is_reported_at_once_with_exit_2() {
    let home = Home::new();
    let out = take_with(
        &home,
        r#"{"format": "confide.answers/1", "answers": {
            "checkin": {"who": [1, 9], "sleep": 15, "worry": 0, "why": "private words", "nope": 1, "note": "x"},
            "other": {}}}"#,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let file = home.path().join("answers.json").display().to_string();
    for expected in [
        "/answers/other: unknown questionnaire `other` (available: ",
        "/answers/checkin/nope: questionnaire `checkin` has no item `nope`",
        "/answers/checkin/who: option 9 (\"Nobody\") cannot be combined with other options",
        "/answers/checkin/sleep: enter a number from 0 to 14",
        "/answers/checkin/why: this item would not be asked",
        "/answers/checkin/mood: this item is required and has no answer",
        "/answers/checkin/note: this is a display item and takes no answer",
    ] {
        assert!(
            err.contains(&format!("{file}: {expected}")),
            "missing {expected}\n{err}"
        );
    }
    assert!(
        err.contains("confide: error: the answers file has 7 problems"),
        "{err}"
    );
    assert!(
        !err.contains("private words"),
        "answers never appear in errors"
    );
    assert!(!stdout(&out).contains("Your summary"));
}

#[test]
fn a_value_of_the_wrong_type_is_reported() {
    let home = Home::new();
    let out = take_with(
        &home,
        r#"{"format": "confide.answers/1", "answers": {"checkin": {"mood": "often"}}}"#,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "/answers/checkin/mood: expected an option value (a whole number), found text"
        )
    );
}

#[test]
fn declining_an_item_that_cannot_be_declined_is_reported() {
    let home = Home::new();
    let out = take_with(
        &home,
        r#"{"format": "confide.answers/1", "answers": {"checkin": {"mood": "declined"}}}"#,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/answers/checkin/mood: this item cannot be declined"));
}

#[test]
fn a_syntax_error_is_reported_with_line_and_column() {
    let home = Home::new();
    let out = take_with(
        &home,
        "{\"format\": \"confide.answers/1\",\n \"answers\": {\"checkin\" {}}}",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("line 2, column 24: invalid JSON"), "{err}");
    assert!(err.contains("confide: error: the answers file is not a valid confide.answers/1 file"));
}

#[test]
fn a_wrong_format_is_reported() {
    let home = Home::new();
    let out = take_with(&home, r#"{"format": "confide.answers/9", "answers": {}}"#);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/format: unsupported format `confide.answers/9`"));
}

#[test]
fn an_unknown_questionnaire_in_the_file_is_reported() {
    let home = Home::new();
    let out = take_with(
        &home,
        r#"{"format": "confide.answers/1", "answers": {"zzz": {"a": 1}}}"#,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/answers/zzz: unknown questionnaire `zzz`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_missing_answers_file_is_a_usage_error() {
    let home = Home::new();
    let out = home
        .cmd()
        .args(["take", "--no-save", "--answers", "/no/such/answers.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("cannot read the answers file /no/such/answers.json: no such file or folder")
    );
}
