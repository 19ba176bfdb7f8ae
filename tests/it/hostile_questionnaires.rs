//! Malformed and hostile questionnaire files, each made from a valid base
//! (tests/fixtures/interview/checkin.json) and run through the real binary, twice: with
//! `confide validate FILE`, and as a custom questionnaire folder for
//! `confide take --no-save --questionnaires DIR checkin` with stdin closed.
//!
//! Every case must end with the documented exit code for invalid input (2) and a clear
//! `confide: error:` line, show no panic, print no escape or direction-override character,
//! keep its output short, and write nothing in the temp home.

use std::path::Path;

use crate::common::{Home, root, stderr, stdout};
use serde_json::{Value, json};

/// The valid base questionnaire, as parsed JSON.
fn base() -> Value {
    let text = std::fs::read_to_string(root().join("tests/fixtures/interview/checkin.json"))
        .expect("checkin fixture");
    serde_json::from_str(&text).expect("checkin fixture is JSON")
}

/// The base with one change made to it, as file bytes.
fn mutated(change: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut q = base();
    change(&mut q);
    serde_json::to_vec_pretty(&q).expect("serialise")
}

/// The base with one value written as raw JSON text (for what a JSON value cannot hold:
/// duplicate keys, bare words, numbers out of range). `change` puts `RAW` where it goes.
fn raw(change: impl FnOnce(&mut Value), text: &str) -> Vec<u8> {
    let doc = String::from_utf8(mutated(change)).expect("utf-8");
    let marker = format!("\"{RAW}\"");
    assert_eq!(
        doc.matches(&marker).count(),
        1,
        "one place for the raw text"
    );
    doc.replacen(&marker, text, 1).into_bytes()
}

const RAW: &str = "@@raw@@";

/// The base with one string value replaced.
fn edited(from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(mutated(|_| {})).expect("utf-8");
    assert!(text.contains(from), "the base has no `{from}`");
    text.replacen(from, to, 1).into_bytes()
}

/// Characters that must never reach the terminal from untrusted text.
fn is_hostile_char(c: char) -> bool {
    matches!(
        c,
        '\u{1b}'
            | '\u{7f}'..='\u{9f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{61c}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// Files and symlinks under `dir` (folders alone are not writes of content).
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read home") {
            let p = e.expect("entry").path();
            if p.is_dir() && !p.is_symlink() {
                stack.push(p);
            } else {
                out.push(p.display().to_string());
            }
        }
    }
    out
}

/// Checks one finished run against the contract for invalid input.
fn assert_refused(what: &str, out: &std::process::Output, home: &Home) {
    let (so, se) = (stdout(out), stderr(out));
    let all = format!("{so}{se}");
    assert_eq!(
        out.status.code(),
        Some(2),
        "{what}: exit code\n--- stdout\n{so}\n--- stderr\n{se}"
    );
    assert!(
        se.lines().any(|l| l.starts_with("confide: error: ")),
        "{what}: no `confide: error:` line\n{se}"
    );
    for needle in ["panicked", "RUST_BACKTRACE", "thread 'main'"] {
        assert!(!all.contains(needle), "{what}: panic text\n{all}");
    }
    if let Some(c) = all.chars().find(|&c| is_hostile_char(c)) {
        panic!("{what}: printed U+{:04X}\n{all:?}", c as u32);
    }
    assert!(
        all.len() < 20_000,
        "{what}: {} bytes of output; problems must be reported briefly",
        all.len()
    );
    assert_eq!(files_under(home.path()), Vec::<String>::new(), "{what}");
}

/// Runs both commands on a questionnaire file with these bytes.
fn check(bytes: Vec<u8>) {
    let files = tempfile::tempdir().expect("temp dir");
    let dir = files.path().join("questionnaires");
    std::fs::create_dir(&dir).expect("mkdir");
    let file = dir.join("hostile.json");
    std::fs::write(&file, &bytes).expect("write");

    let home = Home::new();
    let out = home
        .cmd()
        .arg("validate")
        .arg(&file)
        .output()
        .expect("run validate");
    assert_refused("validate", &out, &home);
    let all = stdout(&out) + &stderr(&out);
    assert!(
        all.contains("hostile.json: "),
        "validate names the file with the problems:\n{all}"
    );

    let home = Home::new();
    let out = home
        .cmd()
        .args(["take", "--no-save", "--questionnaires"])
        .arg(&dir)
        .arg("checkin")
        .write_stdin(Vec::<u8>::new())
        .output()
        .expect("run take");
    assert_refused("take", &out, &home);
}

macro_rules! hostile {
    ($($name:ident => $bytes:expr;)*) => {
        $(
            #[test]
            fn $name() {
                check($bytes);
            }
        )*
    };
}

/// A condition nested `depth` times through `all`, which the format does not allow.
fn nested_condition(depth: usize) -> Value {
    let mut c = json!({"item": "mood", "op": "=", "value": 1});
    for _ in 0..depth {
        c = json!({"all": [c]});
    }
    c
}

hostile! {
    // Wrong types, one field at a time.
    the_format_as_a_number_is_refused => mutated(|q| q["format"] = json!(1));
    an_id_that_is_a_number_is_refused => mutated(|q| q["id"] = json!(42));
    a_version_that_is_an_object_is_refused => mutated(|q| q["version"] = json!({"major": 1}));
    a_title_that_is_an_array_is_refused => mutated(|q| q["title"] = json!(["Check-in"]));
    a_title_that_is_null_is_refused => mutated(|q| q["title"] = Value::Null);
    provenance_as_a_string_is_refused => mutated(|q| q["provenance"] = json!("original"));
    items_as_an_object_is_refused => mutated(|q| q["items"] = json!({"mood": {}}));
    an_item_that_is_a_string_is_refused => mutated(|q| q["items"][0] = json!("mood"));
    an_item_type_of_null_is_refused => mutated(|q| q["items"][0]["type"] = Value::Null);
    required_as_a_string_is_refused => mutated(|q| q["items"][0]["required"] = json!("yes"));
    a_very_long_string_of_the_wrong_type_is_refused =>
        mutated(|q| q["items"][0]["required"] = json!("y".repeat(200_000)));
    an_option_value_that_is_a_string_is_refused =>
        mutated(|q| q["items"][1]["options"][0]["value"] = json!("1"));
    an_option_value_with_a_fraction_is_refused =>
        mutated(|q| q["items"][1]["options"][0]["value"] = json!(1.5));
    option_sets_as_an_array_is_refused => mutated(|q| q["option_sets"] = json!([]));
    a_scale_that_is_a_number_is_refused => mutated(|q| q["scales"][0] = json!(7));
    a_band_max_of_true_is_refused => mutated(|q| q["scales"][0]["bands"][0]["max"] = json!(true));
    a_flag_level_that_is_a_number_is_refused => mutated(|q| q["flags"][0]["level"] = json!(3));
    guidance_as_a_string_is_refused => mutated(|q| q["guidance"] = json!("sleep more"));

    // Numbers at and past the edges.
    an_option_value_of_1e308_is_refused =>
        mutated(|q| q["items"][1]["options"][0]["value"] = json!(1e308));
    an_option_value_past_i64_is_refused =>
        raw(|q| q["items"][1]["options"][0]["value"] = json!(RAW), "9223372036854775808");
    an_option_value_past_u64_is_refused =>
        raw(|q| q["items"][1]["options"][0]["value"] = json!(RAW), "184467440737095516160000");
    a_number_item_up_to_1e308_is_refused => mutated(|q| {
        q["items"][3]["max"] = json!(1e308);
        q["scales"][0]["items"] = json!(["mood", "sleep"]);
    });
    a_number_item_from_minus_1e308_to_1e308_is_refused => mutated(|q| {
        q["items"][3]["min"] = json!(-1e308);
        q["items"][3]["max"] = json!(1e308);
    });
    a_number_that_overflows_to_infinity_is_refused =>
        raw(|q| q["items"][3]["max"] = json!(RAW), "1e400");
    a_huge_scale_factor_is_refused => mutated(|q| q["scales"][0]["factor"] = json!(1e308));
    a_negative_min_answered_is_refused => mutated(|q| q["scales"][0]["min_answered"] = json!(-1));
    a_huge_min_answered_is_refused =>
        mutated(|q| q["scales"][0]["min_answered"] = json!(u64::MAX));
    a_huge_max_length_is_refused => mutated(|q| q["items"][5]["max_length"] = json!(u64::MAX));
    huge_decimals_are_refused => mutated(|q| q["items"][3]["decimals"] = json!(4_000_000_000u64));
    a_negative_zero_option_value_beside_zero_is_refused =>
        raw(|q| q["option_sets"]["often"][1]["value"] = json!(RAW), "-0");
    a_negative_zero_option_value_is_refused =>
        raw(|q| q["items"][1]["options"][0]["value"] = json!(RAW), "-0");
    nan_as_a_bare_word_is_refused => raw(|q| q["items"][3]["max"] = json!(RAW), "NaN");
    infinity_as_a_bare_word_is_refused => raw(|q| q["items"][3]["min"] = json!(RAW), "-Infinity");
    nan_as_a_string_is_refused => mutated(|q| q["items"][3]["max"] = json!("NaN"));
    infinity_as_a_string_is_refused => mutated(|q| q["items"][3]["min"] = json!("-Infinity"));

    // Keys.
    a_duplicate_top_level_key_is_refused =>
        raw(|q| q["id"] = json!(RAW), "\"checkin\", \"id\": \"other\"");
    a_duplicate_key_inside_an_item_is_refused =>
        raw(|q| q["items"][3]["max"] = json!(RAW), "14, \"max\": 140");
    a_duplicate_option_set_name_is_refused => raw(
        |q| q["option_sets"]["often"] = json!(RAW),
        "[{\"value\": 0, \"label\": \"No\"}], \"often\": [{\"value\": 5, \"label\": \"Yes\"}]",
    );
    an_unknown_key_with_an_escape_sequence_is_refused =>
        mutated(|q| q["\u{1b}[2J\u{1b}[31mcolour"] = json!(1));
    an_unknown_key_with_a_direction_override_is_refused =>
        mutated(|q| q["items"][0]["\u{202e}deifirev"] = json!(true));
    a_very_long_unknown_key_is_refused => mutated(|q| q["k".repeat(200_000)] = json!(1));

    // Ids.
    a_very_long_id_is_refused => mutated(|q| q["id"] = json!("a".repeat(100_000)));
    a_very_long_item_id_is_refused => mutated(|q| {
        let long = "m".repeat(100_000);
        q["items"][0]["id"] = json!(long);
        q["scales"][0]["items"][0] = json!(long);
    });
    a_unicode_id_is_refused => mutated(|q| q["id"] = json!("désir"));
    an_id_of_emoji_is_refused => mutated(|q| q["id"] = json!("🔥🔥"));
    an_id_with_a_direction_override_is_refused => mutated(|q| q["id"] = json!("check\u{202e}in"));
    an_item_id_with_an_escape_is_refused => mutated(|q| q["items"][4]["id"] = json!("w\u{1b}[8m"));
    an_empty_id_is_refused => mutated(|q| q["id"] = json!(""));
    a_very_long_version_is_refused => mutated(|q| q["version"] = json!("1".repeat(100_000)));
    a_very_long_language_is_refused => mutated(|q| q["language"] = json!("e".repeat(100_000)));
    a_very_long_format_is_refused =>
        mutated(|q| q["format"] = json!(format!("confide.questionnaire/{}", "9".repeat(100_000))));
    a_very_long_band_id_out_of_order_is_refused => mutated(|q| {
        q["scales"][0]["bands"][1]["id"] = json!("b".repeat(100_000));
        q["scales"][0]["bands"][1]["max"] = json!(0);
    });
    a_very_long_operator_is_refused =>
        mutated(|q| q["items"][5]["enable_when"]["all"][0]["op"] = json!("<".repeat(100_000)));
    a_version_with_an_escape_is_refused => mutated(|q| q["version"] = json!("1.0.0\u{1b}[2J"));

    // Text.
    an_empty_title_is_refused => mutated(|q| q["title"] = json!(""));
    an_empty_option_label_is_refused =>
        mutated(|q| q["option_sets"]["often"][0]["label"] = json!(""));
    an_empty_language_map_is_refused => mutated(|q| q["title"] = json!({}));
    a_title_with_an_escape_sequence_is_refused =>
        mutated(|q| q["title"] = json!("\u{1b}]0;owned\u{7}\u{1b}[2JCheck-in"));
    item_text_with_a_direction_override_is_refused =>
        mutated(|q| q["items"][0]["text"] = json!("How often \u{202e}?mlac leef uoy did"));
    a_hint_with_an_isolate_is_refused =>
        mutated(|q| q["items"][0]["hint"] = json!("\u{2067}hidden\u{2069}"));
    an_option_label_with_a_c1_control_is_refused =>
        mutated(|q| q["option_sets"]["often"][1]["label"] = json!("Some\u{9b}31mtimes"));
    item_text_with_a_right_to_left_mark_is_refused =>
        mutated(|q| q["items"][0]["text"] = json!("How often\u{200f} did you feel calm?"));
    a_title_with_an_arabic_letter_mark_is_refused =>
        mutated(|q| q["title"] = json!("Check\u{61c}-in"));
    a_hint_with_a_line_separator_is_refused =>
        mutated(|q| q["items"][0]["hint"] = json!("first\u{2028}second"));
    a_description_with_a_paragraph_separator_is_refused =>
        mutated(|q| q["description"] = json!("first\u{2029}second"));
    an_option_label_with_a_left_to_right_mark_is_refused =>
        mutated(|q| q["option_sets"]["often"][1]["label"] = json!("Some\u{200e}times"));
    an_option_label_with_a_next_line_control_is_refused =>
        mutated(|q| q["option_sets"]["often"][1]["label"] = json!("Some\u{85}times"));
    a_one_megabyte_title_is_refused => mutated(|q| q["title"] = json!("x".repeat(1024 * 1024)));
    a_title_just_under_the_file_limit_is_refused =>
        mutated(|q| q["title"] = json!("y".repeat(1000 * 1000)));

    // Structure.
    a_condition_nested_in_a_condition_is_refused =>
        mutated(|q| q["items"][5]["enable_when"] = nested_condition(5));
    a_condition_nested_too_deep_for_the_parser_is_refused =>
        mutated(|q| q["items"][5]["enable_when"] = nested_condition(200));
    too_many_clauses_are_refused => mutated(|q| {
        let clause = json!({"item": "worry", "op": ">=", "value": 1});
        q["items"][5]["enable_when"] = json!({"any": vec![clause; 5000]});
    });
    too_many_items_are_refused => mutated(|q| {
        let items: Vec<Value> = (0..5000)
            .map(|i| json!({"id": format!("i{i}"), "type": "display", "text": "x"}))
            .collect();
        q["items"] = json!(items);
    });
    ten_thousand_nested_arrays_are_refused => {
        let mut text = String::from_utf8(mutated(|_| {})).expect("utf-8");
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        text = text.replacen("\"references\": []", &format!("\"references\": {deep}"), 1);
        text.into_bytes()
    };
    a_scale_that_lists_an_item_twice_is_refused =>
        mutated(|q| q["scales"][0]["items"] = json!(["mood", "worry", "mood"]));
    a_condition_on_an_item_of_an_unknown_questionnaire_is_refused => mutated(|q| {
        q["items"][5]["enable_when"] = json!({"all": [{"item": "nowhere.x", "op": "exists"}]});
    });

    // Encodings and framing.
    two_byte_order_marks_are_refused => {
        let mut b = "\u{feff}\u{feff}".as_bytes().to_vec();
        b.extend(mutated(|_| {}));
        b
    };
    a_byte_order_mark_before_trailing_garbage_is_refused => {
        let mut b = "\u{feff}".as_bytes().to_vec();
        b.extend(mutated(|_| {}));
        b.extend(b"\n}");
        b
    };
    utf16_little_endian_is_refused => {
        let text = String::from_utf8(mutated(|_| {})).expect("utf-8");
        let mut b = vec![0xff, 0xfe];
        b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        b
    };
    utf16_big_endian_without_a_mark_is_refused => {
        let text = String::from_utf8(mutated(|_| {})).expect("utf-8");
        text.encode_utf16().flat_map(u16::to_be_bytes).collect()
    };
    invalid_utf8_in_a_label_is_refused => {
        let mut b = edited("\"Never\"", "\"Nev\u{1}er\"");
        let at = b.iter().position(|&c| c == 1).expect("marker");
        b[at] = 0xc3;
        b
    };
    trailing_garbage_is_refused => {
        let mut b = mutated(|_| {});
        b.extend(b"garbage");
        b
    };
    a_second_document_is_refused => {
        let mut b = mutated(|_| {});
        b.extend(mutated(|_| {}));
        b
    };
    a_nul_byte_after_the_document_is_refused => {
        let mut b = mutated(|_| {});
        b.push(0);
        b
    };
    an_empty_file_is_refused => Vec::new();
    only_whitespace_is_refused => b" \n\t\r\n".to_vec();
    a_bare_string_is_refused => b"\"confide.questionnaire/1\"".to_vec();
    a_file_over_the_size_limit_is_refused => {
        let mut b = mutated(|_| {});
        b.extend(vec![b' '; 1024 * 1024]);
        b
    };
}
