//! Bad answers files through `confide take --no-save --answers FILE` with the bundled
//! questionnaires. Each must end with exit code 2, list every problem (by its JSON path),
//! never echo an answer string back, print no panic or escape character, and write nothing
//! in the temp home.

use crate::common::{Home, root, stderr, stdout};
use serde_json::{Value, json};

/// Text that stands for a private answer: it must never appear in the output.
const SECRET: &str = "SECRET-words-of-mine";

/// A complete, valid answers file (from the reviewed profiles).
fn base() -> Value {
    let path = root().join("tests/fixtures/profiles/everything-fine.json");
    serde_json::from_slice(&std::fs::read(path).expect("profile")).expect("profile is JSON")
}

fn mutated(change: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut v = base();
    change(&mut v);
    serde_json::to_vec_pretty(&v).expect("serialise")
}

/// Runs `take --answers` on these bytes and checks the contract; `expected` are texts that
/// must each appear in the output. Returns standard error.
fn check(bytes: Vec<u8>, expected: &[&str]) -> String {
    let files = tempfile::tempdir().expect("temp dir");
    let file = files.path().join("answers.json");
    std::fs::write(&file, &bytes).expect("write");
    let home = Home::new();
    let out = home
        .cmd()
        .args(["take", "--no-save", "--answers"])
        .arg(&file)
        .write_stdin(Vec::<u8>::new())
        .output()
        .expect("run take");
    let (so, se) = (stdout(&out), stderr(&out));
    let all = format!("{so}{se}");
    assert_eq!(
        out.status.code(),
        Some(2),
        "exit code\n--- stdout\n{so}\n--- stderr\n{se}"
    );
    assert!(
        se.lines().any(|l| l.starts_with("confide: error: ")),
        "no `confide: error:` line\n{se}"
    );
    for needle in ["panicked", "RUST_BACKTRACE"] {
        assert!(!all.contains(needle), "panic text\n{all}");
    }
    assert!(!all.contains(SECRET), "an answer was echoed\n{all}");
    assert!(
        !all.contains("SECRET"),
        "part of an answer was echoed\n{all}"
    );
    assert!(
        !all.contains('\u{1b}') && !all.contains('\u{202e}'),
        "escape or override printed\n{all:?}"
    );
    assert!(all.len() < 20_000, "{} bytes of output", all.len());
    assert!(so.is_empty(), "nothing but errors is printed\n{so}");
    for e in expected {
        assert!(all.contains(e), "`{e}` is not reported\n{all}");
    }
    let written: Vec<_> = walk(home.path());
    assert!(written.is_empty(), "files written in home: {written:?}");
    se
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_newer_format_is_refused() {
    check(
        mutated(|v| v["format"] = json!("confide.answers/2")),
        &["/format: unsupported format `confide.answers/2`"],
    );
}

#[test]
fn a_missing_format_is_refused() {
    check(
        mutated(|v| {
            v.as_object_mut().expect("object").remove("format");
        }),
        &["/format: missing `format`"],
    );
}

#[test]
fn an_array_instead_of_an_object_is_refused() {
    check(
        format!("[\"{SECRET}\"]").into_bytes(),
        &["an answers file must be a JSON object"],
    );
}

#[test]
fn a_truncated_file_is_refused_without_quoting_it() {
    let text = format!(
        "{{\"format\": \"confide.answers/1\", \"answers\": {{\"context\": {{\"notes\": \"{SECRET}"
    );
    check(text.into_bytes(), &["ends too early"]);
}

#[test]
fn a_syntax_error_after_an_answer_is_refused_without_quoting_it() {
    let text = format!(
        "{{\"format\": \"confide.answers/1\", \"answers\": {{\"context\": {{\"notes\": \"{SECRET}\" \"x\"}}}}}}"
    );
    check(text.into_bytes(), &["line 1, column"]);
}

#[test]
fn answers_as_text_are_refused_without_quoting_them() {
    check(mutated(|v| v["answers"] = json!(SECRET)), &["/answers: "]);
}

#[test]
fn one_questionnaire_as_text_is_refused_without_quoting_it() {
    check(
        mutated(|v| v["answers"]["context"] = json!(SECRET)),
        &["/answers/context: "],
    );
}

#[test]
fn a_reference_that_is_not_a_code_is_refused_without_quoting_it() {
    check(
        mutated(|v| v["reference"] = json!(format!("{SECRET} Jane Doe"))),
        &["/reference: "],
    );
}

#[test]
fn every_problem_in_a_file_is_listed() {
    let se = check(
        mutated(|v| {
            v["answers"]["zzz"] = json!({"a": SECRET});
            v["answers"]["desire"]["interest"] = json!(9);
            v["answers"]["desire"]["nope"] = json!(1);
            v["answers"]["desire"]["solo"] = json!(SECRET);
            v["answers"]["context"]["topics"] = json!([1, 1]);
            v["answers"]["context"]["stress"] = json!([SECRET]);
        }),
        &[
            "/answers/zzz: unknown questionnaire `zzz`",
            "/answers/desire/interest: 9 is not one of the option values",
            "/answers/desire/nope: questionnaire `desire` has no item `nope`",
            "/answers/desire/solo: expected an option value (a whole number), found text",
            "/answers/context/topics: an option is chosen twice",
            "/answers/context/stress: expected an option value (a whole number), found an array",
        ],
    );
    let problems: Vec<&str> = se
        .lines()
        .filter(|l| l.contains("answers.json: "))
        .collect();
    assert_eq!(problems.len(), 6, "{se}");
    assert!(
        se.contains("confide: error: the answers file has 6 problems"),
        "{se}"
    );
}

#[test]
fn a_text_answer_over_its_length_is_refused_without_quoting_it() {
    check(
        mutated(|v| v["answers"]["context"]["notes"] = json!(SECRET.repeat(100))),
        &["/answers/context/notes: the answer is 2000 characters long; at most 1000"],
    );
}

#[test]
fn a_text_answer_with_an_escape_sequence_is_refused_without_printing_it() {
    check(
        mutated(|v| v["answers"]["context"]["notes"] = json!(format!("\u{1b}[2J{SECRET}"))),
        &["/answers/context/notes: the answer contains control characters"],
    );
}

#[test]
fn a_text_answer_with_a_direction_override_is_refused() {
    check(
        mutated(|v| v["answers"]["context"]["notes"] = json!(format!("\u{202e}{SECRET}"))),
        &["/answers/context/notes: the answer contains control characters"],
    );
}

#[test]
fn a_blank_text_answer_is_refused() {
    check(
        mutated(|v| v["answers"]["context"]["notes"] = json!("   ")),
        &["/answers/context/notes: the answer is empty"],
    );
}

#[test]
fn a_number_for_a_text_item_is_refused() {
    check(
        mutated(|v| v["answers"]["context"]["notes"] = json!(42)),
        &["/answers/context/notes: expected text, found the number 42"],
    );
}

#[test]
fn text_for_a_multi_choice_item_is_refused_without_quoting_it() {
    check(
        mutated(|v| v["answers"]["context"]["topics"] = json!(SECRET)),
        &["/answers/context/topics: expected an array of option values, found text"],
    );
}

#[test]
fn text_inside_a_multi_choice_answer_is_refused_without_quoting_it() {
    check(
        mutated(|v| v["answers"]["context"]["topics"] = json!([1, SECRET])),
        &["/answers/context/topics: expected option values (whole numbers), found text"],
    );
}

#[test]
fn an_exclusive_option_with_another_is_refused() {
    check(
        mutated(|v| v["answers"]["context"]["activity"] = json!([1, 3])),
        &["/answers/context/activity: option 3"],
    );
}

#[test]
fn declining_an_item_that_cannot_be_declined_is_refused() {
    check(
        mutated(|v| v["answers"]["context"]["topics"] = json!("declined")),
        &["/answers/context/topics: this item cannot be declined"],
    );
}

#[test]
fn a_missing_required_answer_is_refused() {
    check(
        mutated(|v| {
            v["answers"]["context"]
                .as_object_mut()
                .expect("object")
                .remove("topics");
        }),
        &["/answers/context/topics: this item is required and has no answer"],
    );
}

#[test]
fn an_answer_to_an_item_that_would_not_be_asked_is_refused() {
    check(
        mutated(|v| v["answers"]["desire"]["gap_tension"] = json!(1)),
        &["/answers/desire/gap_tension: this item would not be asked"],
    );
}

#[test]
fn an_answer_to_a_display_item_is_refused_without_quoting_it() {
    check(
        mutated(|v| v["answers"]["context"]["safety_note"] = json!(SECRET)),
        &["/answers/context/safety_note: this is a display item"],
    );
}

#[test]
fn huge_and_odd_numbers_for_a_choice_are_refused() {
    check(
        mutated(|v| {
            v["answers"]["context"]["partner"] = json!(1e308);
            v["answers"]["context"]["duration"] = json!(u64::MAX);
            v["answers"]["context"]["stress"] = json!(-1);
            v["answers"]["context"]["sleep"] = json!(0.5);
        }),
        &[
            "/answers/context/partner: ",
            "/answers/context/duration: ",
            "/answers/context/stress: -1 is not one of the option values",
            "/answers/context/sleep: ",
        ],
    );
}

#[test]
fn an_answer_given_twice_is_refused() {
    let text = String::from_utf8(mutated(|v| {
        v["answers"]["context"]["partner"] = json!("@@")
    }))
    .expect("utf-8");
    let text = text.replacen("\"@@\"", &format!("1, \"partner\": \"{SECRET}\""), 1);
    check(text.into_bytes(), &["duplicate key `partner`"]);
}

#[test]
fn an_unknown_top_level_field_is_refused() {
    check(
        mutated(|v| v["notes"] = json!(SECRET)),
        &["unknown field `notes`"],
    );
}

#[test]
fn a_very_long_item_id_is_reported_briefly() {
    check(
        mutated(|v| v["answers"]["context"]["x".repeat(100_000)] = json!(1)),
        &["/answers/context/xxxx", "has no item `xxxx"],
    );
}

#[test]
fn a_very_long_questionnaire_id_is_reported_briefly() {
    check(
        mutated(|v| v["answers"]["q".repeat(100_000)] = json!({})),
        &["unknown questionnaire `qqqq"],
    );
}

#[test]
fn an_answer_nested_too_deeply_is_refused() {
    let deep = "[".repeat(500) + &"]".repeat(500);
    let text = String::from_utf8(mutated(|v| v["answers"]["context"]["notes"] = json!("@@")))
        .expect("utf-8");
    check(
        text.replacen("\"@@\"", &deep, 1).into_bytes(),
        &["nested too deeply"],
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused() {
    let mut bytes = mutated(|_| {});
    bytes.extend(vec![b' '; 1024 * 1024]);
    check(bytes, &["too large"]);
}

#[test]
fn a_utf16_file_is_refused() {
    let text = String::from_utf8(mutated(|_| {})).expect("utf-8");
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    check(bytes, &["UTF-16"]);
}

#[test]
fn an_empty_file_is_refused() {
    check(Vec::new(), &["ends too early"]);
}

#[test]
fn an_answers_file_with_no_questionnaire_is_refused() {
    check(
        mutated(|v| v["answers"] = json!({})),
        &["answers no questionnaire"],
    );
}
