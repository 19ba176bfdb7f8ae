//! Reading values into types, and what is said when they do not fit.

use super::*;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sample {
    whole: Option<i64>,
    small: Option<u8>,
    count: Option<usize>,
    real: Option<f64>,
    yes: Option<bool>,
    name: Option<String>,
    list: Option<Vec<String>>,
    method: Option<Method>,
    nested: Option<Nested>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Method {
    Sum,
    Mean,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
enum Nested {
    All(Vec<u8>),
    Any(Vec<u8>),
}

/// The message and the path of reading `value` as a `Sample`.
fn misread(value: Value) -> (String, String) {
    let e = from_value::<Sample>(&value).expect_err("a problem");
    (e.path, e.error.describe(false))
}

#[test]
fn each_type_is_named_in_the_words_of_the_format() {
    let cases = [
        (
            json!({"whole": "3"}),
            "/whole",
            "wrong type: string \"3\", expected a whole number",
        ),
        (
            json!({"whole": 1.5}),
            "/whole",
            "wrong type: number `1.5`, expected a whole number",
        ),
        (
            json!({"whole": 9_223_372_036_854_775_808u64}),
            "/whole",
            "invalid value: number `9223372036854775808`, expected a whole number",
        ),
        (
            json!({"small": 300}),
            "/small",
            "invalid value: number `300`, expected a whole number from 0 to 255",
        ),
        (
            json!({"small": -1}),
            "/small",
            "invalid value: number `-1`, expected a whole number from 0 to 255",
        ),
        (
            json!({"count": -1}),
            "/count",
            "invalid value: number `-1`, expected a whole number of zero or more",
        ),
        (
            json!({"real": "ten"}),
            "/real",
            "wrong type: string \"ten\", expected a number",
        ),
        (
            json!({"yes": "yes"}),
            "/yes",
            "wrong type: string \"yes\", expected a boolean",
        ),
        (
            json!({"name": 3}),
            "/name",
            "wrong type: number `3`, expected a string",
        ),
        (
            json!({"list": {}}),
            "/list",
            "wrong type: object, expected an array",
        ),
        (
            json!({"list": [true]}),
            "/list/0",
            "wrong type: boolean `true`, expected a string",
        ),
        (json!([]), "", "wrong type: array, expected an object"),
        (json!(null), "", "wrong type: null, expected an object"),
    ];
    for (input, path, message) in cases {
        assert_eq!(
            misread(input.clone()),
            (path.into(), message.into()),
            "{input}"
        );
    }
}

#[test]
fn fields_and_choices_are_named_with_what_is_known() {
    let cases = [
        (
            json!({"colour": 1}),
            "/colour",
            "unknown field `colour`, expected one of `whole`, `small`, `count`, `real`, `yes`, `name`, `list`, `method`, `nested`",
        ),
        (
            json!({"method": "median"}),
            "/method",
            "unknown value `median`, expected `sum` or `mean`",
        ),
        (
            json!({"method": 2}),
            "/method",
            "wrong type: number `2`, expected `sum` or `mean`",
        ),
        (
            json!({"nested": {"all": [], "any": []}}),
            "/nested",
            "invalid value: object, expected an object with one key, `all` or `any`",
        ),
        (
            json!({"nested": "all"}),
            "/nested",
            "wrong type: string \"all\", expected an object with the key `all`",
        ),
        (
            json!({"nested": {"all": "x"}}),
            "/nested",
            "wrong type: string \"x\", expected an array",
        ),
    ];
    for (input, path, message) in cases {
        assert_eq!(
            misread(input.clone()),
            (path.into(), message.into()),
            "{input}"
        );
    }
}

#[test]
fn a_missing_field_is_named() {
    #[derive(Debug, Deserialize)]
    struct Needs {
        id: String,
    }
    let e = from_value::<Needs>(&json!({})).unwrap_err();
    assert_eq!(e.error.describe(false), "missing field `id`");
    assert_eq!(from_value::<Needs>(&json!({"id": "a"})).unwrap().id, "a");
}

#[test]
fn a_string_found_is_cut_and_can_be_left_out() {
    let e = from_value::<Sample>(&json!({"yes": "y".repeat(500)})).unwrap_err();
    assert_eq!(
        e.error.describe(false),
        format!(
            "wrong type: string \"{}…\", expected a boolean",
            "y".repeat(40)
        )
    );
    assert_eq!(
        e.error.describe(true),
        "wrong type: text, expected a boolean"
    );
}

#[test]
fn a_long_unknown_name_is_cut() {
    let e = from_value::<Sample>(&json!({"k".repeat(500): 1})).unwrap_err();
    let message = e.error.describe(false);
    assert!(
        message.starts_with(&format!("unknown field `{}…`", "k".repeat(40))),
        "{message}"
    );
}

#[test]
fn values_that_fit_read_as_serde_json_reads_them() {
    let v = json!({"whole": -3, "small": 255, "count": 7, "real": 2, "yes": true,
                   "name": "n", "list": ["a"], "method": "mean", "nested": {"any": [1]}});
    let s = from_value::<Sample>(&v).unwrap();
    assert_eq!(
        (s.whole, s.small, s.count, s.real, s.yes),
        (Some(-3), Some(255), Some(7), Some(2.0), Some(true))
    );
    assert_eq!(
        (s.name.as_deref(), s.list),
        (Some("n"), Some(vec!["a".into()]))
    );
    assert!(matches!(s.method, Some(Method::Mean)));
    assert!(matches!(s.nested, Some(Nested::Any(ref l)) if l == &[1]));
    let s = from_value::<Sample>(&json!({"method": "sum", "nested": {"all": []}})).unwrap();
    assert!(matches!(s.method, Some(Method::Sum)));
    assert!(matches!(s.nested, Some(Nested::All(ref l)) if l.is_empty()));
    let any: Value = from_value(&v).unwrap();
    assert_eq!(any, v);
}
