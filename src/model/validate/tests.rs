//! One test per validation rule, each named as the rule it checks.

use serde_json::{Value, json};

use crate::model::load::questionnaire_from_value;
use crate::model::problem::Problem;

/// A small valid questionnaire that each test breaks in one way.
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

fn problems(v: Value) -> Vec<Problem> {
    match questionnaire_from_value(v) {
        Ok(_) => Vec::new(),
        Err(p) => p,
    }
}

/// Asserts that some problem is at `path` and mentions `needle`.
#[track_caller]
fn assert_problem(v: Value, path: &str, needle: &str) {
    let ps = problems(v);
    assert!(
        ps.iter()
            .any(|p| p.path() == Some(path) && p.message.contains(needle)),
        "expected a problem at {path} containing {needle:?}, got:\n{}",
        ps.iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn set(v: &mut Value, pointer: &str, new: Value) {
    *v.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer}")) = new;
}

#[test]
fn the_base_questionnaire_is_valid() {
    assert_eq!(problems(base()), vec![]);
}

#[test]
fn an_unknown_format_is_rejected() {
    let mut v = base();
    set(&mut v, "/format", json!("something/1"));
    assert_problem(v, "/format", "unsupported format `something/1`");
}

#[test]
fn a_newer_format_asks_for_an_update() {
    let mut v = base();
    set(&mut v, "/format", json!("confide.questionnaire/2"));
    assert_problem(v, "/format", "update confide");
}

#[test]
fn an_unknown_field_is_rejected() {
    let mut v = base();
    v["colour"] = json!("blue");
    assert_problem(v, "/colour", "unknown field `colour`");
}

#[test]
fn an_unknown_field_in_an_item_is_reported_at_the_item() {
    let mut v = base();
    v["items"][3]["step"] = json!(1);
    assert_problem(v, "/items/3/step", "unknown field `step`");
}

#[test]
fn an_unknown_item_type_is_rejected() {
    let mut v = base();
    set(&mut v, "/items/0/type", json!("slider"));
    assert_problem(v, "/items/0/type", "unknown value `slider`");
}

#[test]
fn shape_problems_in_several_items_are_all_reported() {
    let mut v = base();
    set(&mut v, "/items/0/type", json!("slider"));
    set(&mut v, "/items/3/max", json!("ten"));
    let ps = problems(v);
    assert!(ps.iter().any(|p| p.path() == Some("/items/0/type")));
    assert!(ps.iter().any(|p| p.path() == Some("/items/3/max")));
}

#[test]
fn a_bad_questionnaire_id_is_rejected() {
    let mut v = base();
    set(&mut v, "/id", json!("My Questionnaire"));
    assert_problem(v, "/id", "not a valid questionnaire id");
}

#[test]
fn a_bad_item_id_is_rejected() {
    let mut v = base();
    set(&mut v, "/items/0/id", json!("1a"));
    assert_problem(v, "/items/0/id", "not a valid item id");
}

#[test]
fn an_id_with_a_dot_is_rejected_because_dots_separate_questionnaires() {
    let mut v = base();
    set(&mut v, "/items/4/id", json!("t.x"));
    assert_problem(v, "/items/4/id", "not a valid item id");
}

#[test]
fn a_version_that_is_not_semver_is_rejected() {
    let mut v = base();
    set(&mut v, "/version", json!("1.0"));
    assert_problem(v, "/version", "not a semantic version");
}

#[test]
fn a_bad_language_tag_is_rejected() {
    let mut v = base();
    set(&mut v, "/language", json!("English"));
    assert_problem(v, "/language", "not a language tag");
}

#[test]
fn a_text_map_without_the_default_language_is_rejected() {
    let mut v = base();
    set(&mut v, "/title", json!({"es": "Muestra"}));
    assert_problem(v, "/title", "no `en` entry");
}

#[test]
fn a_text_map_with_a_bad_language_key_is_rejected() {
    let mut v = base();
    set(
        &mut v,
        "/title",
        json!({"en": "Sample", "Spanish": "Muestra"}),
    );
    assert_problem(v, "/title/Spanish", "not a language tag");
}

#[test]
fn empty_text_is_rejected() {
    let mut v = base();
    set(&mut v, "/items/0/text", json!("  "));
    assert_problem(v, "/items/0/text", "text is empty");
}

#[test]
fn text_with_terminal_escapes_is_rejected() {
    let mut v = base();
    set(&mut v, "/items/0/text", json!("Hi \u{1b}[31mred"));
    assert_problem(v, "/items/0/text", "control character U+001B");
}

#[test]
fn text_with_a_direction_override_is_rejected() {
    let mut v = base();
    set(&mut v, "/description", json!("abc \u{202e}cba"));
    assert_problem(v, "/description", "U+202E");
}

#[test]
fn text_over_the_length_limit_is_rejected() {
    let mut v = base();
    v["intro"] = json!("x".repeat(10_001));
    assert_problem(v, "/intro", "the limit is 10000");
}

#[test]
fn a_public_domain_questionnaire_must_cite_its_source() {
    let mut v = base();
    set(&mut v, "/provenance/kind", json!("public-domain"));
    assert_problem(v, "/provenance/citation", "must cite");
}

#[test]
fn a_licensed_questionnaire_must_name_its_license() {
    let mut v = base();
    set(
        &mut v,
        "/provenance",
        json!({"kind": "licensed", "citation": "Someone (2020)", "license": " "}),
    );
    assert_problem(v, "/provenance/license", "must name its license");
}

#[test]
fn a_questionnaire_without_items_is_rejected() {
    let mut v = base();
    set(&mut v, "/items", json!([]));
    assert_problem(v, "/items", "has no items");
}

#[test]
fn a_questionnaire_of_display_items_only_is_rejected() {
    let mut v = base();
    set(
        &mut v,
        "/items",
        json!([{"id": "x", "type": "display", "text": "Hi"}]),
    );
    set(&mut v, "/scales", json!([]));
    set(&mut v, "/flags", json!([]));
    set(&mut v, "/option_sets", json!({}));
    assert_problem(v, "/items", "only display items");
}

#[test]
fn too_many_items_are_rejected() {
    let mut v = base();
    let items: Vec<Value> = (0..201)
        .map(|i| json!({"id": format!("i{i}"), "type": "text", "text": "T"}))
        .collect();
    set(&mut v, "/items", Value::Array(items));
    set(&mut v, "/scales", json!([]));
    set(&mut v, "/flags", json!([]));
    set(&mut v, "/option_sets", json!({}));
    assert_problem(v, "/items", "the limit is 200");
}

#[test]
fn duplicate_item_ids_are_rejected() {
    let mut v = base();
    set(&mut v, "/items/4/id", json!("n"));
    assert_problem(
        v,
        "/items/4/id",
        "duplicate item id `n` (first used at /items/3)",
    );
}

#[test]
fn an_unknown_option_set_is_rejected() {
    let mut v = base();
    set(&mut v, "/items/0/option_set", json!("frequency"));
    assert_problem(v, "/items/0/option_set", "unknown option set `frequency`");
}

#[test]
fn an_item_with_both_option_set_and_options_is_rejected() {
    let mut v = base();
    v["items"][0]["options"] = json!([{"value": 0, "label": "No"}, {"value": 1, "label": "Yes"}]);
    assert_problem(v, "/items/0", "not both");
}

#[test]
fn a_choice_item_without_options_is_rejected() {
    let mut v = base();
    v["items"][2].as_object_mut().unwrap().remove("options");
    assert_problem(v, "/items/2", "needs `options` or an `option_set`");
}

#[test]
fn empty_options_are_rejected() {
    let mut v = base();
    set(&mut v, "/items/2/options", json!([]));
    assert_problem(v, "/items/2/options", "no options");
}

#[test]
fn a_single_choice_item_with_one_option_is_rejected() {
    let mut v = base();
    v["items"][0].as_object_mut().unwrap().remove("option_set");
    v["items"][0]["options"] = json!([{"value": 0, "label": "Only"}]);
    assert_problem(v, "/items/0/options", "at least two options");
}

#[test]
fn duplicate_option_values_are_rejected() {
    let mut v = base();
    set(&mut v, "/items/2/options/1/value", json!(1));
    assert_problem(v, "/items/2/options/1/value", "duplicate option value 1");
}

#[test]
fn duplicate_option_values_in_an_option_set_are_rejected() {
    let mut v = base();
    set(&mut v, "/option_sets/freq/2/value", json!(0));
    assert_problem(v, "/option_sets/freq/2/value", "duplicate option value 0");
}

#[test]
fn duplicate_option_labels_are_rejected() {
    let mut v = base();
    set(&mut v, "/items/2/options/1/label", json!("one"));
    assert_problem(v, "/items/2/options/1/label", "same label");
}

#[test]
fn an_option_value_that_is_not_a_whole_number_is_rejected() {
    let mut v = base();
    set(&mut v, "/items/2/options/0/value", json!(1.5));
    assert_problem(v, "/items/2/options/0/value", "expected a whole number");
}

#[test]
fn exclusive_on_a_single_choice_option_is_rejected() {
    let mut v = base();
    v["items"][0].as_object_mut().unwrap().remove("option_set");
    v["items"][0]["options"] =
        json!([{"value": 0, "label": "No"}, {"value": 1, "label": "Yes", "exclusive": true}]);
    assert_problem(
        v,
        "/items/0/options/1/exclusive",
        "only applies to multi_choice",
    );
}

#[test]
fn an_unused_option_set_is_rejected() {
    let mut v = base();
    v["option_sets"]["spare"] = json!([{"value": 0, "label": "No"}, {"value": 1, "label": "Yes"}]);
    assert_problem(v, "/option_sets/spare", "never used");
}

#[test]
fn min_greater_than_max_is_rejected() {
    let mut v = base();
    set(&mut v, "/items/3/min", json!(20));
    assert_problem(v, "/items/3", "min (20) is greater than max (10)");
}

#[test]
fn equal_min_and_max_are_rejected() {
    let mut v = base();
    set(&mut v, "/items/3/min", json!(10));
    assert_problem(v, "/items/3", "nothing to ask");
}

#[test]
fn a_number_bound_with_more_decimals_than_allowed_is_rejected() {
    let mut v = base();
    set(&mut v, "/items/3/max", json!(10.5));
    assert_problem(v, "/items/3/max", "more decimal places");
}

#[test]
fn number_bounds_beyond_a_trillion_are_rejected() {
    let mut v = base();
    set(&mut v, "/items/3/min", json!(-1e308));
    set(&mut v, "/items/3/max", json!(1e13));
    assert_problem(v.clone(), "/items/3/min", "between -1e12 and 1e12");
    assert_problem(v, "/items/3/max", "between -1e12 and 1e12");
    let mut v = base();
    set(&mut v, "/items/3/max", json!(1e12));
    assert!(questionnaire_from_value(v).is_ok());
}

#[test]
fn a_very_long_version_is_reported_briefly() {
    let mut v = base();
    v["version"] = json!("9".repeat(100_000));
    let problems = questionnaire_from_value(v).unwrap_err();
    let text = problems[0].to_string();
    assert!(text.starts_with("/version: `9999"), "{text}");
    assert!(text.len() < 300, "{} bytes", text.len());
}

#[test]
fn more_than_six_decimals_are_rejected() {
    let mut v = base();
    v["items"][3]["decimals"] = json!(9);
    assert_problem(v, "/items/3/decimals", "between 0 and 6");
}

#[test]
fn a_text_max_length_of_zero_is_rejected() {
    let mut v = base();
    set(&mut v, "/items/4/max_length", json!(0));
    assert_problem(v, "/items/4/max_length", "between 1 and");
}

#[test]
fn min_choices_of_zero_is_rejected() {
    let mut v = base();
    v["items"][2]["min_choices"] = json!(0);
    assert_problem(v, "/items/2/min_choices", "at least 1");
}

#[test]
fn max_choices_above_the_option_count_is_rejected() {
    let mut v = base();
    v["items"][2]["max_choices"] = json!(5);
    assert_problem(v, "/items/2/max_choices", "only 3 options");
}

#[test]
fn max_choices_below_min_choices_is_rejected() {
    let mut v = base();
    v["items"][2]["min_choices"] = json!(2);
    v["items"][2]["max_choices"] = json!(1);
    assert_problem(v, "/items/2/max_choices", "less than min_choices");
}

#[test]
fn a_condition_on_a_later_item_is_rejected() {
    let mut v = base();
    set(&mut v, "/items/1/enable_when/all/0/item", json!("n"));
    assert_problem(v, "/items/1/enable_when/all/0/item", "which comes later");
}

#[test]
fn a_condition_on_the_item_itself_is_rejected() {
    let mut v = base();
    set(&mut v, "/items/1/enable_when/all/0/item", json!("b"));
    assert_problem(
        v,
        "/items/1/enable_when/all/0/item",
        "cannot depend on itself",
    );
}

#[test]
fn a_condition_on_an_unknown_item_is_rejected() {
    let mut v = base();
    set(&mut v, "/items/1/enable_when/all/0/item", json!("zz"));
    assert_problem(v, "/items/1/enable_when/all/0/item", "unknown item `zz`");
}

#[test]
fn a_condition_on_a_display_item_is_rejected() {
    let mut v = base();
    set(
        &mut v,
        "/flags/0/when",
        json!({"any": [{"item": "note", "op": "exists"}]}),
    );
    assert_problem(v, "/flags/0/when/any/0/item", "display item");
}

#[test]
fn a_condition_on_an_unknown_scale_is_rejected() {
    let mut v = base();
    set(&mut v, "/flags/0/when/any/0/scale", json!("nope"));
    assert_problem(v, "/flags/0/when/any/0/scale", "unknown scale `nope`");
}

#[test]
fn an_item_depending_on_a_scale_that_includes_it_is_cyclic() {
    let mut v = base();
    set(
        &mut v,
        "/items/1/enable_when",
        json!({"all": [{"scale": "s", "op": ">=", "value": 1}]}),
    );
    assert_problem(v, "/items/1/enable_when/all/0/scale", "cyclic");
}

#[test]
fn an_item_depending_on_a_scale_of_later_items_is_rejected() {
    let mut v = base();
    v["items"][0]["enable_when"] = json!({"all": [{"scale": "s", "op": ">=", "value": 1}]});
    assert_problem(v, "/items/0/enable_when/all/0/scale", "cyclic");
    let mut v = base();
    set(&mut v, "/scales/0/items", json!(["b"]));
    set(&mut v, "/scales/0/bands/1/max", json!(2));
    v["items"][0]["enable_when"] = json!({"all": [{"scale": "s", "op": ">=", "value": 1}]});
    v["items"][1]["enable_when"] = json!({"all": [{"item": "n", "op": ">=", "value": 1}]});
    let ps = problems(v);
    assert!(
        ps.iter().any(|p| p.message.contains("later item `b`")),
        "{ps:?}"
    );
}

#[test]
fn an_unknown_op_is_rejected() {
    let mut v = base();
    set(&mut v, "/items/1/enable_when/all/0/op", json!("=>"));
    assert_problem(v, "/items/1/enable_when/all/0/op", "unknown op `=>`");
}

#[test]
fn includes_on_a_single_choice_item_is_rejected() {
    let mut v = base();
    set(&mut v, "/items/1/enable_when/all/0/op", json!("includes"));
    assert_problem(
        v,
        "/items/1/enable_when/all/0/op",
        "only applies to multi_choice",
    );
}

#[test]
fn comparing_a_multi_choice_item_without_includes_is_rejected() {
    let mut v = base();
    set(
        &mut v,
        "/flags/0/when",
        json!({"any": [{"item": "m", "op": "=", "value": 1}]}),
    );
    assert_problem(v, "/flags/0/when/any/0/op", "with `includes`");
}

#[test]
fn includes_with_a_value_that_is_not_an_option_is_rejected() {
    let mut v = base();
    set(
        &mut v,
        "/flags/0/when",
        json!({"any": [{"item": "m", "op": "includes", "value": 9}]}),
    );
    assert_problem(v, "/flags/0/when/any/0/value", "not an option value");
}

#[test]
fn equality_with_a_value_that_is_not_an_option_is_rejected() {
    let mut v = base();
    set(
        &mut v,
        "/items/1/enable_when/all/0",
        json!({"item": "a", "op": "=", "value": 7}),
    );
    assert_problem(v, "/items/1/enable_when/all/0/value", "never true");
}

#[test]
fn a_comparison_that_can_never_be_true_is_rejected() {
    let mut v = base();
    set(&mut v, "/items/1/enable_when/all/0/value", json!(5));
    assert_problem(v, "/items/1/enable_when/all/0/value", "can never be true");
}

#[test]
fn a_comparison_without_a_value_is_rejected() {
    let mut v = base();
    v["items"][1]["enable_when"]["all"][0]
        .as_object_mut()
        .unwrap()
        .remove("value");
    assert_problem(v, "/items/1/enable_when/all/0", "needs a value");
}

#[test]
fn exists_with_a_value_is_rejected() {
    let mut v = base();
    set(&mut v, "/items/1/enable_when/all/0/op", json!("exists"));
    assert_problem(v, "/items/1/enable_when/all/0/value", "takes no value");
}

#[test]
fn a_number_compared_with_a_string_is_rejected() {
    let mut v = base();
    set(&mut v, "/items/1/enable_when/all/0/value", json!("1"));
    assert_problem(
        v,
        "/items/1/enable_when/all/0/value",
        "compared with a number",
    );
}

#[test]
fn ordering_a_text_item_is_rejected() {
    let mut v = base();
    set(
        &mut v,
        "/flags/0/when",
        json!({"any": [{"item": "t", "op": ">", "value": 1}]}),
    );
    assert_problem(
        v,
        "/flags/0/when/any/0/op",
        "text items can only be compared",
    );
}

#[test]
fn a_clause_with_both_item_and_scale_is_rejected() {
    let mut v = base();
    v["items"][1]["enable_when"]["all"][0]["scale"] = json!("s");
    assert_problem(v, "/items/1/enable_when/all/0", "not both");
}

#[test]
fn a_clause_without_item_or_scale_is_rejected() {
    let mut v = base();
    set(
        &mut v,
        "/items/1/enable_when/all/0",
        json!({"op": "exists"}),
    );
    assert_problem(v, "/items/1/enable_when/all/0", "needs `item` or `scale`");
}

#[test]
fn an_empty_condition_is_rejected() {
    let mut v = base();
    set(&mut v, "/items/1/enable_when", json!({"all": []}));
    assert_problem(v, "/items/1/enable_when/all", "no clauses");
}

#[test]
fn a_condition_with_both_all_and_any_is_rejected() {
    let mut v = base();
    set(
        &mut v,
        "/items/1/enable_when",
        json!({"all": [], "any": []}),
    );
    let ps = problems(v);
    assert!(!ps.is_empty());
    assert!(
        ps.iter()
            .any(|p| p.path().is_some_and(|p| p.starts_with("/items/1"))),
        "{ps:?}"
    );
}

#[test]
fn a_reference_to_the_own_questionnaire_by_name_is_rejected() {
    let mut v = base();
    set(&mut v, "/items/1/enable_when/all/0/item", json!("sample.a"));
    assert_problem(v, "/items/1/enable_when/all/0/item", "write `a`");
}

#[test]
fn a_malformed_cross_questionnaire_reference_is_rejected() {
    let mut v = base();
    set(
        &mut v,
        "/items/1/enable_when/all/0/item",
        json!("Other.A b"),
    );
    assert_problem(
        v,
        "/items/1/enable_when/all/0/item",
        "not a valid reference",
    );
}

#[test]
fn applies_when_may_only_refer_to_other_questionnaires() {
    let mut v = base();
    v["applies_when"] = json!({"any": [{"item": "a", "op": "exists"}]});
    assert_problem(
        v,
        "/applies_when/any/0",
        "only refer to other questionnaires",
    );
}

#[test]
fn a_scale_over_an_unknown_item_is_rejected() {
    let mut v = base();
    set(&mut v, "/scales/0/items/1", json!("zz"));
    assert_problem(v, "/scales/0/items/1", "unknown item `zz`");
}

#[test]
fn a_scale_over_a_text_item_is_rejected() {
    let mut v = base();
    set(&mut v, "/scales/0/items/1", json!("t"));
    assert_problem(v, "/scales/0/items/1", "cannot be scored");
}

#[test]
fn a_scale_over_a_multi_choice_item_is_rejected() {
    let mut v = base();
    set(&mut v, "/scales/0/items/1", json!("m"));
    assert_problem(v, "/scales/0/items/1", "cannot be scored");
}

#[test]
fn an_item_twice_in_a_scale_is_rejected() {
    let mut v = base();
    set(&mut v, "/scales/0/items/1", json!("a"));
    assert_problem(v, "/scales/0/items/1", "appears twice");
}

#[test]
fn a_scale_without_items_is_rejected() {
    let mut v = base();
    set(&mut v, "/scales/0/items", json!([]));
    assert_problem(v, "/scales/0", "has no items");
}

#[test]
fn a_scale_with_items_and_scales_is_rejected() {
    let mut v = base();
    v["scales"][0]["scales"] = json!(["s"]);
    assert_problem(v, "/scales/0", "not both");
}

#[test]
fn a_scale_including_itself_is_rejected() {
    let mut v = base();
    v["scales"].as_array_mut().unwrap().push(json!({
        "id": "total", "title": "T", "scales": ["total"], "method": "sum",
        "bands": [{"id": "all", "max": 100, "label": "All", "summary": "All."}]}));
    assert_problem(v, "/scales/1/scales/0", "cannot include itself");
}

#[test]
fn a_scale_combining_a_later_scale_is_rejected() {
    let mut v = base();
    v["scales"].as_array_mut().unwrap().insert(
        0,
        json!({
        "id": "total", "title": "T", "scales": ["s"], "method": "sum",
        "bands": [{"id": "all", "max": 100, "label": "All", "summary": "All."}]}),
    );
    assert_problem(v, "/scales/0/scales/0", "defined later");
}

#[test]
fn duplicate_scale_ids_are_rejected() {
    let mut v = base();
    let copy = v["scales"][0].clone();
    v["scales"].as_array_mut().unwrap().push(copy);
    assert_problem(v, "/scales/1/id", "duplicate scale id `s`");
}

#[test]
fn a_factor_of_zero_is_rejected() {
    let mut v = base();
    v["scales"][0]["factor"] = json!(0);
    assert_problem(v, "/scales/0/factor", "other than 0");
}

#[test]
fn min_answered_above_the_part_count_is_rejected() {
    let mut v = base();
    v["scales"][0]["min_answered"] = json!(3);
    assert_problem(v, "/scales/0/min_answered", "only 2 parts");
}

#[test]
fn min_answered_of_zero_is_rejected() {
    let mut v = base();
    v["scales"][0]["min_answered"] = json!(0);
    assert_problem(v, "/scales/0/min_answered", "at least 1");
}

#[test]
fn prorating_a_mean_is_rejected() {
    let mut v = base();
    v["scales"][0]["method"] = json!("mean");
    v["scales"][0]["prorate"] = json!(true);
    assert_problem(v, "/scales/0/prorate", "only applies to method `sum`");
}

#[test]
fn a_scale_without_bands_is_rejected() {
    let mut v = base();
    set(&mut v, "/scales/0/bands", json!([]));
    assert_problem(v, "/scales/0/bands", "at least one band");
}

#[test]
fn bands_out_of_order_are_rejected() {
    let mut v = base();
    set(&mut v, "/scales/0/bands/1/max", json!(1));
    assert_problem(v, "/scales/0/bands/1/max", "must ascend by max");
}

#[test]
fn bands_that_stop_short_of_the_scale_maximum_are_rejected() {
    let mut v = base();
    set(&mut v, "/scales/0/bands/1/max", json!(3));
    assert_problem(v, "/scales/0/bands/1/max", "the scale can reach 4");
}

#[test]
fn a_first_band_below_the_scale_minimum_is_unreachable() {
    let mut v = base();
    set(&mut v, "/scales/0/bands/0/max", json!(-1));
    assert_problem(v, "/scales/0/bands/0/max", "can never be reached");
}

#[test]
fn a_band_after_the_scale_maximum_is_unreachable() {
    let mut v = base();
    v["scales"][0]["bands"].as_array_mut().unwrap().push(json!(
        {"id": "extra", "max": 9, "label": "Extra", "summary": "Extra."}));
    assert_problem(v, "/scales/0/bands/2", "can never be reached");
}

#[test]
fn a_gap_between_bands_is_rejected() {
    let mut v = base();
    v["scales"][0]["bands"][1]["min"] = json!(3);
    assert_problem(v, "/scales/0/bands/1/min", "there is a gap");
}

#[test]
fn overlapping_bands_are_rejected() {
    let mut v = base();
    v["scales"][0]["bands"][1]["min"] = json!(1);
    assert_problem(v, "/scales/0/bands/1/min", "overlaps");
}

#[test]
fn a_first_band_starting_above_the_scale_minimum_is_rejected() {
    let mut v = base();
    v["scales"][0]["bands"][0]["min"] = json!(1);
    assert_problem(v, "/scales/0/bands/0/min", "lowest value, 0");
}

#[test]
fn band_min_on_a_fractional_scale_is_rejected() {
    let mut v = base();
    v["scales"][0]["factor"] = json!(0.5);
    set(&mut v, "/scales/0/bands/1/max", json!(2));
    set(&mut v, "/scales/0/bands/0/max", json!(0.5));
    v["scales"][0]["bands"][1]["min"] = json!(1);
    assert_problem(v, "/scales/0/bands/1/min", "fractional values");
}

#[test]
fn duplicate_band_ids_are_rejected() {
    let mut v = base();
    set(&mut v, "/scales/0/bands/1/id", json!("low"));
    assert_problem(v, "/scales/0/bands/1/id", "duplicate band id");
}

#[test]
fn a_band_variant_condition_is_checked() {
    let mut v = base();
    v["scales"][0]["bands"][0]["variants"] =
        json!([{"when": {"all": [{"item": "zz", "op": "exists"}]}, "summary": "V."}]);
    assert_problem(
        v,
        "/scales/0/bands/0/variants/0/when/all/0/item",
        "unknown item",
    );
}

#[test]
fn an_unknown_flag_level_is_rejected() {
    let mut v = base();
    set(&mut v, "/flags/0/level", json!("critical"));
    assert_problem(v, "/flags/0/level", "unknown flag level `critical`");
}

#[test]
fn duplicate_flag_ids_are_rejected() {
    let mut v = base();
    let copy = v["flags"][0].clone();
    v["flags"].as_array_mut().unwrap().push(copy);
    assert_problem(v, "/flags/1/id", "duplicate flag id `f`");
}

#[test]
fn empty_guidance_text_is_rejected() {
    let mut v = base();
    set(&mut v, "/guidance/what_helps/0", json!(""));
    assert_problem(v, "/guidance/what_helps/0", "text is empty");
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let mut v = base();
    set(&mut v, "/version", json!("one"));
    set(&mut v, "/items/4/id", json!("n"));
    set(&mut v, "/flags/0/level", json!("loud"));
    let ps = problems(v);
    assert!(ps.len() >= 3, "{ps:?}");
}

#[test]
fn a_nested_condition_is_checked_with_its_full_path() {
    let mut v = base();
    set(
        &mut v,
        "/flags/0/when",
        json!({"all": [{"any": [{"item": "a", "op": ">=", "value": 1}, {"item": "zz", "op": "exists"}]},
                       {"scale": "s", "op": ">=", "value": 1}]}),
    );
    assert_problem(v, "/flags/0/when/all/0/any/1/item", "unknown item `zz`");
}

#[test]
fn a_nested_condition_follows_the_earlier_items_rule() {
    let mut v = base();
    set(
        &mut v,
        "/items/1/enable_when",
        json!({"any": [{"all": [{"item": "n", "op": ">=", "value": 1}]}]}),
    );
    assert_problem(
        v,
        "/items/1/enable_when/any/0/all/0/item",
        "which comes later",
    );
}

#[test]
fn conditions_nest_at_most_four_levels() {
    let mut v = base();
    let leaf = json!({"item": "a", "op": ">=", "value": 1});
    let deep = json!({"all": [{"any": [{"all": [{"any": [{"all": [leaf]}]}]}]}]});
    set(&mut v, "/flags/0/when", deep);
    assert_problem(
        v,
        "/flags/0/when/all/0/any/0/all/0/any/0",
        "at most 4 levels",
    );
}

#[test]
fn an_unknown_field_in_a_nested_clause_is_rejected() {
    let mut v = base();
    set(
        &mut v,
        "/flags/0/when",
        json!({"all": [{"any": [{"item": "a", "op": ">=", "value": 1, "weight": 2}]}]}),
    );
    let ps = problems(v);
    assert!(
        ps.iter()
            .any(|p| p.message.contains("unknown field `weight`")),
        "{ps:?}"
    );
}

#[test]
fn tags_withholds_and_instead_are_accepted_where_the_format_allows_them() {
    let mut v = base();
    v["items"][0]["tags"] = json!(["safety"]);
    v["flags"][0]["tags"] = json!(["safety"]);
    v["flags"][0]["withholds"] = json!(["partner"]);
    v["flags"][0]["instead"] = json!("You deserve to be safe.");
    v["flags"][0]["said"] = json!("you feel unsafe");
    v["flags"][0]["clinician"] = json!("Reports feeling unsafe.");
    v["flags"][0]["resources"] = json!(["crisis", "sexual_violence"]);
    v["scales"][0]["bands"][1]["variants"] = json!([{"when": {"all": [{"item": "a", "op": "=", "value": 2}]},
        "summary": "Talk with your partner.", "tags": ["partner"]}]);
    v["guidance"]["what_helps"] =
        json!(["Rest.", {"text": "Talk with your partner.", "tags": ["partner"]}]);
    assert_eq!(problems(v), Vec::new());
}

#[test]
fn a_flag_that_withholds_needs_instead_and_instead_needs_withholds() {
    let mut v = base();
    v["flags"][0]["withholds"] = json!(["partner"]);
    assert_problem(v, "/flags/0/withholds", "needs `instead`");
    let mut v = base();
    v["flags"][0]["instead"] = json!("Line.");
    assert_problem(v, "/flags/0/instead", "needs `withholds`");
}

#[test]
fn a_flag_cannot_withhold_its_own_tag() {
    let mut v = base();
    v["flags"][0]["tags"] = json!(["partner"]);
    v["flags"][0]["withholds"] = json!(["partner"]);
    v["flags"][0]["instead"] = json!("Line.");
    assert_problem(v, "/flags/0/withholds/0", "withhold itself");
}

#[test]
fn bad_or_repeated_tags_are_reported_where_they_are() {
    let mut v = base();
    v["items"][1]["tags"] = json!(["Safety"]);
    assert_problem(v, "/items/1/tags/0", "not a valid tag");
    let mut v = base();
    v["flags"][0]["tags"] = json!(["x", "x"]);
    assert_problem(v, "/flags/0/tags/1", "given twice");
    let mut v = base();
    v["guidance"]["what_helps"] = json!([{"text": "T.", "tags": []}]);
    assert_problem(v, "/guidance/what_helps/0/tags", "at least one tag");
    let mut v = base();
    v["guidance"]["what_helps"] = json!([{"text": "T.", "tags": ["a"], "extra": 1}]);
    assert!(!problems(v).is_empty());
}

#[test]
fn bother_is_for_single_choice_and_safety_for_questions() {
    let mut v = base();
    v["items"][2]["tags"] = json!(["bother"]);
    assert_problem(v, "/items/2/tags", "single_choice");
    let mut v = base();
    v["items"][5]["tags"] = json!(["safety"]);
    assert_problem(v, "/items/5/tags", "display item");
}

#[test]
fn an_unknown_kind_of_resource_is_rejected() {
    let mut v = base();
    v["flags"][0]["resources"] = json!(["helpline"]);
    assert!(!problems(v).is_empty());
}

#[test]
fn missing_takes_no_value() {
    let mut v = base();
    set(
        &mut v,
        "/items/1/enable_when",
        json!({"all": [{"item": "a", "op": "missing", "value": 1}]}),
    );
    assert_problem(
        v,
        "/items/1/enable_when/all/0/value",
        "`missing` takes no value",
    );
    let mut v = base();
    set(
        &mut v,
        "/items/1/enable_when",
        json!({"any": [{"item": "a", "op": "missing"}, {"scale": "s", "op": "missing"}]}),
    );
    let ps = problems(v);
    assert!(ps.iter().all(|p| !p.message.contains("missing")), "{ps:?}");
}
