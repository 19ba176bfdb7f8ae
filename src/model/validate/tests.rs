//! Every validation rule, as a table: each rule is named as a sentence, breaks a small valid
//! questionnaire in one way, and names the place and the words of the problem it expects.

use serde_json::{Value, json};

use crate::model::load::questionnaire_from_value;
use crate::model::problem::Problem;

/// A small valid questionnaire that each rule breaks in one way.
fn base() -> Value {
    json!({
        "format": "confide.questionnaire/1",
        "id": "sample",
        "version": "1.0.0",
        "language": "en",
        "title": "Sample",
        "description": "A sample",
        "provenance": {"kind": "original", "citation": null, "license": "MIT"},
        "option_sets": {
            "freq": [{"value": 0, "label": "Never"}, {"value": 1, "label": "Sometimes"}, {"value": 2, "label": "Often"}]
        },
        "items": [
            {"id": "a", "type": "single_choice", "text": "A?", "option_set": "freq", "required": true},
            {"id": "b", "type": "single_choice", "text": "B?", "option_set": "freq", "declinable": true,
             "enable_when": {"all": [{"item": "a", "op": ">=", "value": 1}]}},
            {"id": "m", "type": "multi_choice", "text": "M?", "options": [
                {"value": 1, "label": "One"}, {"value": 2, "label": "Two"}, {"value": 3, "label": "None", "exclusive": true}]},
            {"id": "n", "type": "number", "text": "N?", "min": 0, "max": 10},
            {"id": "t", "type": "text", "text": "T?", "max_length": 100},
            {"id": "note", "type": "display", "text": "A note."}
        ],
        "scales": [
            {"id": "s", "title": "S", "items": ["a", "b"], "method": "sum",
             "bands": [{"id": "low", "max": 1, "label": "Low", "summary": "Low."},
                       {"id": "high", "max": 4, "label": "High", "summary": "High."}]}
        ],
        "flags": [
            {"id": "f", "level": "note", "when": {"any": [{"scale": "s", "op": ">=", "value": 3}]}, "message": "F."}
        ],
        "guidance": {"what_helps": ["Rest."], "when_to_seek_help": ["Ask."], "references": []}
    })
}

/// One change to the base questionnaire, at a JSON pointer.
#[derive(Clone)]
enum Edit {
    /// Sets a value; the last key is added when it is not there.
    Set(&'static str, Value),
    Remove(&'static str),
    /// Appends to an array.
    Push(&'static str, Value),
    /// Inserts into an array, before the index.
    Insert(&'static str, usize, Value),
}

use Edit::{Insert, Push, Remove, Set};

impl Edit {
    fn apply(self, v: &mut Value) {
        let (pointer, parent) = match &self {
            Set(p, _) | Remove(p) => (*p, p.rsplit_once('/').map_or("", |(parent, _)| parent)),
            Push(p, _) | Insert(p, _, _) => (*p, *p),
        };
        let target = v
            .pointer_mut(parent)
            .unwrap_or_else(|| panic!("the base has no {parent}"));
        let key = pointer.rsplit('/').next().unwrap_or_default();
        match (self, target) {
            (Set(_, new), Value::Object(o)) => {
                o.insert(key.to_owned(), new);
            }
            (Set(_, new), Value::Array(a)) => a[key.parse::<usize>().expect("an index")] = new,
            (Remove(_), Value::Object(o)) => {
                o.remove(key)
                    .unwrap_or_else(|| panic!("the base has no {pointer}"));
            }
            (Push(_, new), Value::Array(a)) => a.push(new),
            (Insert(_, at, new), Value::Array(a)) => a.insert(at, new),
            _ => panic!("cannot apply the edit at {pointer}"),
        }
    }
}

/// Matches a problem at any path.
const ANYWHERE: &str = "";

/// A rule: its name, the edits that break it, and where the problem is and what it says.
type Rule = (&'static str, Vec<Edit>, &'static str, &'static str);

fn problems(v: Value) -> Vec<Problem> {
    match questionnaire_from_value(v) {
        Ok(_) => Vec::new(),
        Err(p) => p,
    }
}

fn edited(edits: Vec<Edit>) -> Value {
    let mut v = base();
    for e in edits {
        e.apply(&mut v);
    }
    v
}

fn listed(ps: &[Problem]) -> String {
    ps.iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks every rule of a table and names each one that fails.
#[track_caller]
fn check(rules: Vec<Rule>) {
    let mut failed = Vec::new();
    for (name, edits, at, says) in rules {
        let ps = problems(edited(edits));
        let found = ps
            .iter()
            .any(|p| (at == ANYWHERE || p.path() == Some(at)) && p.message.contains(says));
        if !found {
            failed.push(format!(
                "{name}: no problem at {at:?} saying {says:?}; got:\n{}",
                listed(&ps)
            ));
        }
    }
    assert!(failed.is_empty(), "\n{}", failed.join("\n\n"));
}

/// Checks that each edited questionnaire has no problem at all.
#[track_caller]
fn check_accepted(cases: Vec<(&'static str, Vec<Edit>)>) {
    let mut failed = Vec::new();
    for (name, edits) in cases {
        let ps = problems(edited(edits));
        if !ps.is_empty() {
            failed.push(format!("{name}:\n{}", listed(&ps)));
        }
    }
    assert!(failed.is_empty(), "\n{}", failed.join("\n\n"));
}

#[test]
fn what_the_format_allows_is_accepted() {
    check_accepted(vec![
        ("the base questionnaire is valid", vec![]),
        (
            "number bounds up to a trillion are accepted",
            vec![Set("/items/3/max", json!(1e12))],
        ),
        (
            "missing compares with no value, on an item and on a scale",
            vec![Set(
                "/flags/0/when",
                json!({"any": [{"item": "a", "op": "missing"}, {"scale": "s", "op": "missing"}]}),
            )],
        ),
        (
            "tags, withholds and instead are accepted where the format allows them",
            vec![
                Set("/items/0/tags", json!(["safety"])),
                Set("/flags/0/tags", json!(["safety"])),
                Set("/flags/0/withholds", json!(["partner"])),
                Set("/flags/0/instead", json!("You deserve to be safe.")),
                Set("/flags/0/said", json!("you feel unsafe")),
                Set("/flags/0/clinician", json!("Reports feeling unsafe.")),
                Set("/flags/0/resources", json!(["crisis", "sexual_violence"])),
                Set(
                    "/scales/0/bands/1/variants",
                    json!([{"when": {"all": [{"item": "a", "op": "=", "value": 2}]},
                            "summary": "Talk with your partner.", "tags": ["partner"]}]),
                ),
                Set(
                    "/guidance/what_helps",
                    json!(["Rest.", {"text": "Talk with your partner.", "tags": ["partner"]}]),
                ),
            ],
        ),
    ]);
}

#[test]
fn the_format_and_the_shape_are_checked_first() {
    check(vec![
        (
            "an unknown format is rejected",
            vec![Set("/format", json!("something/1"))],
            "/format",
            "unsupported format `something/1`",
        ),
        (
            "a newer format asks for an update",
            vec![Set("/format", json!("confide.questionnaire/2"))],
            "/format",
            "update confide",
        ),
        (
            "an unknown field is rejected",
            vec![Set("/colour", json!("blue"))],
            "/colour",
            "unknown field `colour`",
        ),
        (
            "an unknown field in an item is reported at the item",
            vec![Set("/items/3/step", json!(1))],
            "/items/3/step",
            "unknown field `step`",
        ),
        (
            "an unknown item type is rejected",
            vec![Set("/items/0/type", json!("slider"))],
            "/items/0/type",
            "unknown value `slider`",
        ),
        (
            "an option value that is not a whole number is rejected",
            vec![Set("/items/2/options/0/value", json!(1.5))],
            "/items/2/options/0/value",
            "expected a whole number",
        ),
        (
            "an unknown kind of resource is rejected",
            vec![Set("/flags/0/resources", json!(["helpline"]))],
            "/flags/0/resources/0",
            "unknown value `helpline`",
        ),
        (
            "a condition with both all and any is rejected",
            vec![Set("/items/1/enable_when", json!({"all": [], "any": []}))],
            "/items/1/enable_when",
            "an object with one key, `all` or `any`",
        ),
        (
            "an unknown field in a nested clause is rejected",
            vec![Set(
                "/flags/0/when",
                json!({"all": [{"any": [{"item": "a", "op": ">=", "value": 1, "weight": 2}]}]}),
            )],
            ANYWHERE,
            "unknown field `weight`",
        ),
        (
            "an unknown field in a tagged guidance entry is rejected",
            vec![Set(
                "/guidance/what_helps",
                json!([{"text": "T.", "tags": ["a"], "extra": 1}]),
            )],
            "/guidance/what_helps/0",
            "unknown field `extra`",
        ),
    ]);
}

#[test]
fn shape_problems_in_several_items_are_all_reported() {
    let ps = problems(edited(vec![
        Set("/items/0/type", json!("slider")),
        Set("/items/3/max", json!("ten")),
    ]));
    assert!(
        ps.iter().any(|p| p.path() == Some("/items/0/type")),
        "{ps:?}"
    );
    assert!(
        ps.iter().any(|p| p.path() == Some("/items/3/max")),
        "{ps:?}"
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let ps = problems(edited(vec![
        Set("/version", json!("one")),
        Set("/items/4/id", json!("n")),
        Set("/flags/0/level", json!("loud")),
    ]));
    let paths: Vec<_> = ps.iter().filter_map(Problem::path).collect();
    assert_eq!(
        paths,
        ["/version", "/items/4/id", "/flags/0/level"],
        "{ps:?}"
    );
}

#[test]
fn a_very_long_version_is_reported_briefly() {
    let ps = problems(edited(vec![Set("/version", json!("9".repeat(100_000)))]));
    let text = ps[0].to_string();
    assert!(text.starts_with("/version: `9999"), "{text}");
    assert!(text.len() < 300, "{} bytes", text.len());
}

#[test]
fn the_header_ids_and_texts() {
    check(vec![
        (
            "a bad questionnaire id is rejected",
            vec![Set("/id", json!("My Questionnaire"))],
            "/id",
            "not a valid questionnaire id",
        ),
        (
            "a bad item id is rejected",
            vec![Set("/items/0/id", json!("1a"))],
            "/items/0/id",
            "not a valid item id",
        ),
        (
            "an id with a dot is rejected because dots separate questionnaires",
            vec![Set("/items/4/id", json!("t.x"))],
            "/items/4/id",
            "not a valid item id",
        ),
        (
            "a version that is not semver is rejected",
            vec![Set("/version", json!("1.0"))],
            "/version",
            "not a semantic version",
        ),
        (
            "a bad language tag is rejected",
            vec![Set("/language", json!("English"))],
            "/language",
            "not a language tag",
        ),
        (
            "a text map without the default language is rejected",
            vec![Set("/title", json!({"es": "Muestra"}))],
            "/title",
            "no `en` entry",
        ),
        (
            "a text map with a bad language key is rejected",
            vec![Set("/title", json!({"en": "Sample", "Spanish": "Muestra"}))],
            "/title/Spanish",
            "not a language tag",
        ),
        (
            "empty text is rejected",
            vec![Set("/items/0/text", json!("  "))],
            "/items/0/text",
            "text is empty",
        ),
        (
            "empty guidance text is rejected",
            vec![Set("/guidance/what_helps/0", json!(""))],
            "/guidance/what_helps/0",
            "text is empty",
        ),
        (
            "text with terminal escapes is rejected",
            vec![Set("/items/0/text", json!("Hi \u{1b}[31mred"))],
            "/items/0/text",
            "control character U+001B",
        ),
        (
            "text with a direction override is rejected",
            vec![Set("/description", json!("abc \u{202e}cba"))],
            "/description",
            "U+202E",
        ),
        (
            "text over the length limit is rejected",
            vec![Set("/intro", json!("x".repeat(10_001)))],
            "/intro",
            "the limit is 10000",
        ),
        (
            "a public-domain questionnaire must cite its source",
            vec![Set("/provenance/kind", json!("public-domain"))],
            "/provenance/citation",
            "must cite",
        ),
        (
            "a licensed questionnaire must name its license",
            vec![Set(
                "/provenance",
                json!({"kind": "licensed", "citation": "Someone (2020)", "license": " "}),
            )],
            "/provenance/license",
            "must name its license",
        ),
        (
            "only a published questionnaire can be marked validated",
            vec![Set("/provenance/validated", json!(true))],
            "/provenance/validated",
            "cannot be marked validated",
        ),
    ]);
}

#[test]
fn items_and_their_options() {
    let no_scales_or_flags = || {
        vec![
            Set("/scales", json!([])),
            Set("/flags", json!([])),
            Set("/option_sets", json!({})),
        ]
    };
    let text_items: Vec<Value> = (0..201)
        .map(|i| json!({"id": format!("i{i}"), "type": "text", "text": "T"}))
        .collect();
    let two_options = json!([{"value": 0, "label": "No"}, {"value": 1, "label": "Yes"}]);
    check(vec![
        (
            "a questionnaire without items is rejected",
            vec![Set("/items", json!([]))],
            "/items",
            "has no items",
        ),
        (
            "a questionnaire of display items only is rejected",
            [
                vec![Set(
                    "/items",
                    json!([{"id": "x", "type": "display", "text": "Hi"}]),
                )],
                no_scales_or_flags(),
            ]
            .concat(),
            "/items",
            "only display items",
        ),
        (
            "too many items are rejected",
            [
                vec![Set("/items", Value::Array(text_items))],
                no_scales_or_flags(),
            ]
            .concat(),
            "/items",
            "the limit is 200",
        ),
        (
            "duplicate item ids are rejected",
            vec![Set("/items/4/id", json!("n"))],
            "/items/4/id",
            "duplicate item id `n` (first used at /items/3)",
        ),
        (
            "an unknown option set is rejected",
            vec![Set("/items/0/option_set", json!("frequency"))],
            "/items/0/option_set",
            "unknown option set `frequency`",
        ),
        (
            "an item with both option_set and options is rejected",
            vec![Set("/items/0/options", two_options.clone())],
            "/items/0",
            "not both",
        ),
        (
            "a choice item without options is rejected",
            vec![Remove("/items/2/options")],
            "/items/2",
            "needs `options` or an `option_set`",
        ),
        (
            "empty options are rejected",
            vec![Set("/items/2/options", json!([]))],
            "/items/2/options",
            "no options",
        ),
        (
            "a single_choice item with one option is rejected",
            vec![
                Remove("/items/0/option_set"),
                Set("/items/0/options", json!([{"value": 0, "label": "Only"}])),
            ],
            "/items/0/options",
            "at least two options",
        ),
        (
            "duplicate option values are rejected",
            vec![Set("/items/2/options/1/value", json!(1))],
            "/items/2/options/1/value",
            "duplicate option value 1",
        ),
        (
            "duplicate option values in an option set are rejected",
            vec![Set("/option_sets/freq/2/value", json!(0))],
            "/option_sets/freq/2/value",
            "duplicate option value 0",
        ),
        (
            "duplicate option labels are rejected",
            vec![Set("/items/2/options/1/label", json!("one"))],
            "/items/2/options/1/label",
            "same label",
        ),
        (
            "exclusive on a single_choice option is rejected",
            vec![
                Remove("/items/0/option_set"),
                Set(
                    "/items/0/options",
                    json!([{"value": 0, "label": "No"}, {"value": 1, "label": "Yes", "exclusive": true}]),
                ),
            ],
            "/items/0/options/1/exclusive",
            "only applies to multi_choice",
        ),
        (
            "an unused option set is rejected",
            vec![Set("/option_sets/spare", two_options)],
            "/option_sets/spare",
            "never used",
        ),
    ]);
}

#[test]
fn number_text_and_multi_choice_items() {
    check(vec![
        (
            "min greater than max is rejected",
            vec![Set("/items/3/min", json!(20))],
            "/items/3",
            "min (20) is greater than max (10)",
        ),
        (
            "equal min and max are rejected",
            vec![Set("/items/3/min", json!(10))],
            "/items/3",
            "nothing to ask",
        ),
        (
            "a number bound with more decimals than allowed is rejected",
            vec![Set("/items/3/max", json!(10.5))],
            "/items/3/max",
            "more decimal places",
        ),
        (
            "a lower number bound beyond a trillion is rejected",
            vec![Set("/items/3/min", json!(-1e308))],
            "/items/3/min",
            "between -1e12 and 1e12",
        ),
        (
            "an upper number bound beyond a trillion is rejected",
            vec![Set("/items/3/max", json!(1e13))],
            "/items/3/max",
            "between -1e12 and 1e12",
        ),
        (
            "more than six decimals are rejected",
            vec![Set("/items/3/decimals", json!(9))],
            "/items/3/decimals",
            "between 0 and 6",
        ),
        (
            "a text max_length of zero is rejected",
            vec![Set("/items/4/max_length", json!(0))],
            "/items/4/max_length",
            "between 1 and",
        ),
        (
            "min_choices of zero is rejected",
            vec![Set("/items/2/min_choices", json!(0))],
            "/items/2/min_choices",
            "at least 1",
        ),
        (
            "max_choices above the option count is rejected",
            vec![Set("/items/2/max_choices", json!(5))],
            "/items/2/max_choices",
            "only 3 options",
        ),
        (
            "max_choices below min_choices is rejected",
            vec![
                Set("/items/2/min_choices", json!(2)),
                Set("/items/2/max_choices", json!(1)),
            ],
            "/items/2/max_choices",
            "less than min_choices",
        ),
    ]);
}

#[test]
fn what_a_condition_may_refer_to() {
    let on_scale = || json!({"all": [{"scale": "s", "op": ">=", "value": 1}]});
    check(vec![
        (
            "a condition on a later item is rejected",
            vec![Set("/items/1/enable_when/all/0/item", json!("n"))],
            "/items/1/enable_when/all/0/item",
            "which comes later",
        ),
        (
            "a condition on the item itself is rejected",
            vec![Set("/items/1/enable_when/all/0/item", json!("b"))],
            "/items/1/enable_when/all/0/item",
            "cannot depend on itself",
        ),
        (
            "a condition on an unknown item is rejected",
            vec![Set("/items/1/enable_when/all/0/item", json!("zz"))],
            "/items/1/enable_when/all/0/item",
            "unknown item `zz`",
        ),
        (
            "a condition on a display item is rejected",
            vec![Set(
                "/flags/0/when",
                json!({"any": [{"item": "note", "op": "exists"}]}),
            )],
            "/flags/0/when/any/0/item",
            "display item",
        ),
        (
            "a condition on an unknown scale is rejected",
            vec![Set("/flags/0/when/any/0/scale", json!("nope"))],
            "/flags/0/when/any/0/scale",
            "unknown scale `nope`",
        ),
        (
            "an item depending on a scale that includes it is cyclic",
            vec![Set("/items/1/enable_when", on_scale())],
            "/items/1/enable_when/all/0/scale",
            "cyclic",
        ),
        (
            "an item depending on a scale of itself and later items is cyclic",
            vec![Set("/items/0/enable_when", on_scale())],
            "/items/0/enable_when/all/0/scale",
            "cyclic",
        ),
        (
            "an item depending on a scale of later items is rejected",
            vec![
                Set("/scales/0/items", json!(["b"])),
                Set("/scales/0/bands/1/max", json!(2)),
                Set("/items/0/enable_when", on_scale()),
                Set(
                    "/items/1/enable_when",
                    json!({"all": [{"item": "n", "op": ">=", "value": 1}]}),
                ),
            ],
            "/items/0/enable_when/all/0/scale",
            "later item `b`",
        ),
        (
            "a reference to the own questionnaire by name is rejected",
            vec![Set("/items/1/enable_when/all/0/item", json!("sample.a"))],
            "/items/1/enable_when/all/0/item",
            "write `a`",
        ),
        (
            "a malformed cross-questionnaire reference is rejected",
            vec![Set("/items/1/enable_when/all/0/item", json!("Other.A b"))],
            "/items/1/enable_when/all/0/item",
            "not a valid reference",
        ),
        (
            "applies_when may only refer to other questionnaires",
            vec![Set(
                "/applies_when",
                json!({"any": [{"item": "a", "op": "exists"}]}),
            )],
            "/applies_when/any/0",
            "only refer to other questionnaires",
        ),
        (
            "a band variant condition is checked",
            vec![Set(
                "/scales/0/bands/0/variants",
                json!([{"when": {"all": [{"item": "zz", "op": "exists"}]}, "summary": "V."}]),
            )],
            "/scales/0/bands/0/variants/0/when/all/0/item",
            "unknown item",
        ),
    ]);
}

#[test]
fn operators_and_values_of_a_condition() {
    check(vec![
        (
            "an unknown op is rejected",
            vec![Set("/items/1/enable_when/all/0/op", json!("=>"))],
            "/items/1/enable_when/all/0/op",
            "unknown op `=>`",
        ),
        (
            "includes on a single_choice item is rejected",
            vec![Set("/items/1/enable_when/all/0/op", json!("includes"))],
            "/items/1/enable_when/all/0/op",
            "only applies to multi_choice",
        ),
        (
            "comparing a multi_choice item without includes is rejected",
            vec![Set(
                "/flags/0/when",
                json!({"any": [{"item": "m", "op": "=", "value": 1}]}),
            )],
            "/flags/0/when/any/0/op",
            "with `includes`",
        ),
        (
            "includes with a value that is not an option is rejected",
            vec![Set(
                "/flags/0/when",
                json!({"any": [{"item": "m", "op": "includes", "value": 9}]}),
            )],
            "/flags/0/when/any/0/value",
            "not an option value",
        ),
        (
            "equality with a value that is not an option is rejected",
            vec![Set(
                "/items/1/enable_when/all/0",
                json!({"item": "a", "op": "=", "value": 7}),
            )],
            "/items/1/enable_when/all/0/value",
            "never true",
        ),
        (
            "a comparison that can never be true is rejected",
            vec![Set("/items/1/enable_when/all/0/value", json!(5))],
            "/items/1/enable_when/all/0/value",
            "can never be true",
        ),
        (
            "a comparison without a value is rejected",
            vec![Remove("/items/1/enable_when/all/0/value")],
            "/items/1/enable_when/all/0",
            "needs a value",
        ),
        (
            "exists with a value is rejected",
            vec![Set("/items/1/enable_when/all/0/op", json!("exists"))],
            "/items/1/enable_when/all/0/value",
            "takes no value",
        ),
        (
            "missing takes no value",
            vec![Set(
                "/items/1/enable_when",
                json!({"all": [{"item": "a", "op": "missing", "value": 1}]}),
            )],
            "/items/1/enable_when/all/0/value",
            "`missing` takes no value",
        ),
        (
            "a number compared with a string is rejected",
            vec![Set("/items/1/enable_when/all/0/value", json!("1"))],
            "/items/1/enable_when/all/0/value",
            "compared with a number",
        ),
        (
            "ordering a text item is rejected",
            vec![Set(
                "/flags/0/when",
                json!({"any": [{"item": "t", "op": ">", "value": 1}]}),
            )],
            "/flags/0/when/any/0/op",
            "text items can only be compared",
        ),
        (
            "a clause with both item and scale is rejected",
            vec![Set("/items/1/enable_when/all/0/scale", json!("s"))],
            "/items/1/enable_when/all/0",
            "not both",
        ),
        (
            "a clause without item or scale is rejected",
            vec![Set("/items/1/enable_when/all/0", json!({"op": "exists"}))],
            "/items/1/enable_when/all/0",
            "needs `item` or `scale`",
        ),
        (
            "an empty condition is rejected",
            vec![Set("/items/1/enable_when", json!({"all": []}))],
            "/items/1/enable_when/all",
            "no clauses",
        ),
    ]);
}

#[test]
fn nested_conditions() {
    let leaf = json!({"item": "a", "op": ">=", "value": 1});
    check(vec![
        (
            "a nested condition is checked with its full path",
            vec![Set(
                "/flags/0/when",
                json!({"all": [{"any": [leaf.clone(), {"item": "zz", "op": "exists"}]},
                               {"scale": "s", "op": ">=", "value": 1}]}),
            )],
            "/flags/0/when/all/0/any/1/item",
            "unknown item `zz`",
        ),
        (
            "a nested condition follows the earlier items rule",
            vec![Set(
                "/items/1/enable_when",
                json!({"any": [{"all": [{"item": "n", "op": ">=", "value": 1}]}]}),
            )],
            "/items/1/enable_when/any/0/all/0/item",
            "which comes later",
        ),
        (
            "conditions nest at most four levels",
            vec![Set(
                "/flags/0/when",
                json!({"all": [{"any": [{"all": [{"any": [{"all": [leaf]}]}]}]}]}),
            )],
            "/flags/0/when/all/0/any/0/all/0/any/0",
            "at most 4 levels",
        ),
    ]);
}

#[test]
fn scales() {
    let total = |scales: Value| {
        json!({"id": "total", "title": "T", "scales": scales, "method": "sum",
               "bands": [{"id": "all", "max": 100, "label": "All", "summary": "All."}]})
    };
    check(vec![
        (
            "a scale over an unknown item is rejected",
            vec![Set("/scales/0/items/1", json!("zz"))],
            "/scales/0/items/1",
            "unknown item `zz`",
        ),
        (
            "a scale over a text item is rejected",
            vec![Set("/scales/0/items/1", json!("t"))],
            "/scales/0/items/1",
            "cannot be scored",
        ),
        (
            "a scale over a multi_choice item is rejected",
            vec![Set("/scales/0/items/1", json!("m"))],
            "/scales/0/items/1",
            "cannot be scored",
        ),
        (
            "an item twice in a scale is rejected",
            vec![Set("/scales/0/items/1", json!("a"))],
            "/scales/0/items/1",
            "appears twice",
        ),
        (
            "a scale without items is rejected",
            vec![Set("/scales/0/items", json!([]))],
            "/scales/0",
            "has no items",
        ),
        (
            "a scale with items and scales is rejected",
            vec![Set("/scales/0/scales", json!(["s"]))],
            "/scales/0",
            "not both",
        ),
        (
            "a scale including itself is rejected",
            vec![Push("/scales", total(json!(["total"])))],
            "/scales/1/scales/0",
            "cannot include itself",
        ),
        (
            "a scale combining a later scale is rejected",
            vec![Insert("/scales", 0, total(json!(["s"])))],
            "/scales/0/scales/0",
            "defined later",
        ),
        (
            "duplicate scale ids are rejected",
            vec![Push("/scales", base()["scales"][0].clone())],
            "/scales/1/id",
            "duplicate scale id `s`",
        ),
        (
            "a factor of zero is rejected",
            vec![Set("/scales/0/factor", json!(0))],
            "/scales/0/factor",
            "other than 0",
        ),
        (
            "min_answered above the part count is rejected",
            vec![Set("/scales/0/min_answered", json!(3))],
            "/scales/0/min_answered",
            "only 2 parts",
        ),
        (
            "min_answered of zero is rejected",
            vec![Set("/scales/0/min_answered", json!(0))],
            "/scales/0/min_answered",
            "at least 1",
        ),
        (
            "prorating a mean is rejected",
            vec![
                Set("/scales/0/method", json!("mean")),
                Set("/scales/0/prorate", json!(true)),
            ],
            "/scales/0/prorate",
            "only applies to method `sum`",
        ),
    ]);
}

#[test]
fn bands() {
    check(vec![
        (
            "a scale without bands is rejected",
            vec![Set("/scales/0/bands", json!([]))],
            "/scales/0/bands",
            "at least one band",
        ),
        (
            "bands out of order are rejected",
            vec![Set("/scales/0/bands/1/max", json!(1))],
            "/scales/0/bands/1/max",
            "must ascend by max",
        ),
        (
            "bands that stop short of the scale maximum are rejected",
            vec![Set("/scales/0/bands/1/max", json!(3))],
            "/scales/0/bands/1/max",
            "the scale can reach 4",
        ),
        (
            "a first band below the scale minimum is unreachable",
            vec![Set("/scales/0/bands/0/max", json!(-1))],
            "/scales/0/bands/0/max",
            "can never be reached",
        ),
        (
            "a band after the scale maximum is unreachable",
            vec![Push(
                "/scales/0/bands",
                json!({"id": "extra", "max": 9, "label": "Extra", "summary": "Extra."}),
            )],
            "/scales/0/bands/2",
            "can never be reached",
        ),
        (
            "a gap between bands is rejected",
            vec![Set("/scales/0/bands/1/min", json!(3))],
            "/scales/0/bands/1/min",
            "there is a gap",
        ),
        (
            "overlapping bands are rejected",
            vec![Set("/scales/0/bands/1/min", json!(1))],
            "/scales/0/bands/1/min",
            "overlaps",
        ),
        (
            "a first band starting above the scale minimum is rejected",
            vec![Set("/scales/0/bands/0/min", json!(1))],
            "/scales/0/bands/0/min",
            "lowest value, 0",
        ),
        (
            "a band min on a fractional scale is rejected",
            vec![
                Set("/scales/0/factor", json!(0.5)),
                Set("/scales/0/bands/1/max", json!(2)),
                Set("/scales/0/bands/0/max", json!(0.5)),
                Set("/scales/0/bands/1/min", json!(1)),
            ],
            "/scales/0/bands/1/min",
            "fractional values",
        ),
        (
            "duplicate band ids are rejected",
            vec![Set("/scales/0/bands/1/id", json!("low"))],
            "/scales/0/bands/1/id",
            "duplicate band id",
        ),
    ]);
}

#[test]
fn flags_and_tags() {
    check(vec![
        (
            "an unknown flag level is rejected",
            vec![Set("/flags/0/level", json!("critical"))],
            "/flags/0/level",
            "unknown flag level `critical`",
        ),
        (
            "duplicate flag ids are rejected",
            vec![Push("/flags", base()["flags"][0].clone())],
            "/flags/1/id",
            "duplicate flag id `f`",
        ),
        (
            "a flag that withholds needs instead",
            vec![Set("/flags/0/withholds", json!(["partner"]))],
            "/flags/0/withholds",
            "needs `instead`",
        ),
        (
            "instead needs withholds",
            vec![Set("/flags/0/instead", json!("Line."))],
            "/flags/0/instead",
            "needs `withholds`",
        ),
        (
            "a flag cannot withhold its own tag",
            vec![
                Set("/flags/0/tags", json!(["partner"])),
                Set("/flags/0/withholds", json!(["partner"])),
                Set("/flags/0/instead", json!("Line.")),
            ],
            "/flags/0/withholds/0",
            "withhold itself",
        ),
        (
            "a bad tag is reported where it is",
            vec![Set("/items/1/tags", json!(["Safety"]))],
            "/items/1/tags/0",
            "not a valid tag",
        ),
        (
            "a repeated tag is reported where it is",
            vec![Set("/flags/0/tags", json!(["x", "x"]))],
            "/flags/0/tags/1",
            "given twice",
        ),
        (
            "a tagged guidance entry needs a tag",
            vec![Set(
                "/guidance/what_helps",
                json!([{"text": "T.", "tags": []}]),
            )],
            "/guidance/what_helps/0/tags",
            "at least one tag or a `when` condition",
        ),
        (
            "a guidance entry's when is checked like any condition",
            vec![Set(
                "/guidance/what_helps",
                json!([{"text": "T.", "when": {"all": [{"item": "zz", "op": "exists"}]}}]),
            )],
            "/guidance/what_helps/0/when/all/0/item",
            "zz",
        ),
        (
            "bother is for single_choice items",
            vec![Set("/items/2/tags", json!(["bother"]))],
            "/items/2/tags",
            "single_choice",
        ),
        (
            "safety is for questions",
            vec![Set("/items/5/tags", json!(["safety"]))],
            "/items/5/tags",
            "display item",
        ),
    ]);
}
