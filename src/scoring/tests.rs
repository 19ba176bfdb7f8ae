//! Scoring rules, each named as a sentence.

use serde_json::{Value, json};

use super::*;
use crate::model::load::questionnaire_from_value;
use crate::model::questionnaire::Questionnaire;
use crate::model::response::AnswerStatus;

fn load(v: Value) -> Questionnaire {
    match questionnaire_from_value(v) {
        Ok(l) => l.questionnaire,
        Err(p) => panic!("invalid test questionnaire: {p:?}"),
    }
}

/// Four 0-3 items; `c` asked only when `a` >= 2; `d` reversed; scale `s` over a, c, d.
fn q() -> Questionnaire {
    load(json!({
        "format": "confide.questionnaire/1", "id": "q", "version": "1.0.0", "language": "en",
        "title": "Q", "description": "Q",
        "provenance": {"kind": "original"},
        "option_sets": {"f": [{"value": 0, "label": "0"}, {"value": 1, "label": "1"},
                              {"value": 2, "label": "2"}, {"value": 3, "label": "3"}]},
        "items": [
            {"id": "a", "type": "single_choice", "text": "a", "option_set": "f", "declinable": true},
            {"id": "b", "type": "multi_choice", "text": "b", "options": [
                {"value": 1, "label": "x"}, {"value": 2, "label": "y"}]},
            {"id": "c", "type": "single_choice", "text": "c", "option_set": "f",
             "enable_when": {"all": [{"item": "a", "op": ">=", "value": 2}]}},
            {"id": "d", "type": "single_choice", "text": "d", "option_set": "f", "reverse": true},
            {"id": "e", "type": "single_choice", "text": "e", "option_set": "f",
             "enable_when": {"any": [{"item": "c", "op": "=", "value": 3}, {"item": "b", "op": "includes", "value": 2}]}}
        ],
        "scales": [
            {"id": "s", "title": "S", "items": ["a", "c", "d"], "method": "sum", "min_answered": 2,
             "bands": [{"id": "low", "max": 3, "label": "L", "summary": "L"},
                       {"id": "mid", "max": 6, "label": "M", "summary": "M"},
                       {"id": "high", "max": 9, "label": "H", "summary": "H",
                        "variants": [{"when": {"all": [{"item": "e", "op": "<=", "value": 1}]}, "summary": "H calm"}]}]}
        ],
        "flags": [
            {"id": "hi", "level": "suggestion", "when": {"all": [{"scale": "s", "op": ">=", "value": 7}]}, "message": "m"},
            {"id": "ne", "level": "note", "when": {"all": [{"item": "a", "op": "!=", "value": 0}]}, "message": "m"},
            {"id": "urg", "level": "urgent", "when": {"all": [{"item": "d", "op": "=", "value": 0}, {"item": "a", "op": "exists"}]}, "message": "m"}
        ]
    }))
}

fn answers(pairs: &[(&str, Answer)]) -> ItemAnswers {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn none() -> Earlier<'static> {
    Earlier::new()
}

#[test]
fn an_item_whose_condition_is_false_is_not_asked() {
    let (on, _) = enabled(&q(), &answers(&[("a", Answer::Choice(1))]), &none());
    assert_eq!(on, vec![true, true, false, true, false]);
}

#[test]
fn an_item_whose_condition_is_true_is_asked() {
    let (on, _) = enabled(&q(), &answers(&[("a", Answer::Choice(2))]), &none());
    assert!(on[2]);
}

#[test]
fn an_answer_to_a_disabled_item_is_dropped_and_enables_nothing() {
    // c = 3 would enable e, but c is disabled because a < 2.
    let a = answers(&[
        ("a", Answer::Choice(0)),
        ("c", Answer::Choice(3)),
        ("e", Answer::Choice(1)),
    ]);
    let scored = score(&q(), &a, &none());
    assert!(!scored.answers.contains_key("c"));
    assert!(!scored.answers.contains_key("e"));
    assert_eq!(scored.outcomes[2], Outcome::NotAsked);
    assert_eq!(scored.outcomes[4], Outcome::NotAsked);
}

#[test]
fn any_is_true_when_one_clause_holds() {
    let (on, _) = enabled(&q(), &answers(&[("b", Answer::Choices(vec![2]))]), &none());
    assert!(on[4]);
}

#[test]
fn includes_is_false_when_the_option_was_not_chosen() {
    let (on, _) = enabled(&q(), &answers(&[("b", Answer::Choices(vec![1]))]), &none());
    assert!(!on[4]);
}

#[test]
fn a_declined_answer_makes_every_comparison_false() {
    let scored = score(
        &q(),
        &answers(&[("a", Answer::Declined), ("d", Answer::Choice(3))]),
        &none(),
    );
    assert!(
        scored.flags.iter().all(|f| f.id != "ne"),
        "!= must not fire on a declined answer"
    );
    assert!(
        scored.flags.iter().all(|f| f.id != "urg"),
        "exists must be false for a declined answer"
    );
    assert_eq!(scored.outcomes[0], Outcome::Declined);
}

#[test]
fn a_skipped_answer_makes_not_equal_false() {
    let scored = score(&q(), &answers(&[]), &none());
    assert!(scored.flags.is_empty());
    assert_eq!(scored.outcomes[0], Outcome::Skipped);
}

#[test]
fn declined_skipped_and_not_asked_stay_distinct_in_the_record() {
    let qq = q();
    let scored = score(
        &qq,
        &answers(&[("a", Answer::Declined), ("d", Answer::Choice(1))]),
        &none(),
    );
    let rec = record::to_record(&qq, "abc", &scored);
    let status: Vec<(String, AnswerStatus)> = rec
        .answers
        .iter()
        .map(|a| (a.item.clone(), a.status))
        .collect();
    assert_eq!(
        status,
        vec![
            ("a".into(), AnswerStatus::Declined),
            ("b".into(), AnswerStatus::Skipped),
            ("c".into(), AnswerStatus::NotAsked),
            ("d".into(), AnswerStatus::Answered),
            ("e".into(), AnswerStatus::NotAsked),
        ]
    );
}

#[test]
fn a_reversed_item_scores_as_min_plus_max_minus_value() {
    // a=3, c=3, d=0 reversed to 3: 9.
    let a = answers(&[
        ("a", Answer::Choice(3)),
        ("c", Answer::Choice(3)),
        ("d", Answer::Choice(0)),
    ]);
    let s = &score(&q(), &a, &none()).scales[0];
    assert_eq!(s.value, Some(9.0));
    assert_eq!(s.band, Some(2));
}

#[test]
fn a_scale_below_min_answered_has_no_value_and_no_band() {
    let s = &score(&q(), &answers(&[("d", Answer::Choice(2))]), &none()).scales[0];
    assert_eq!(s.value, None);
    assert_eq!(s.band, None);
    assert!(!s.valid());
    // `c` was not asked (it needs `a` >= 2), so two parts were asked and one answered.
    assert_eq!((s.answered, s.parts), (1, 2));
}

#[test]
fn a_declined_item_counts_as_missing_in_a_scale() {
    let a = answers(&[("a", Answer::Declined), ("d", Answer::Choice(2))]);
    assert_eq!(score(&q(), &a, &none()).scales[0].answered, 1);
}

#[test]
fn a_value_on_a_band_boundary_belongs_to_the_lower_band() {
    // a=2, c=0, d=2 reversed to 1: 3 -> "low" (max 3).
    let a = answers(&[
        ("a", Answer::Choice(2)),
        ("c", Answer::Choice(0)),
        ("d", Answer::Choice(2)),
    ]);
    let s = &score(&q(), &a, &none()).scales[0];
    assert_eq!((s.value, s.band), (Some(3.0), Some(0)));
}

#[test]
fn a_band_variant_replaces_the_summary_when_its_condition_holds() {
    let mut a = answers(&[
        ("a", Answer::Choice(3)),
        ("c", Answer::Choice(3)),
        ("d", Answer::Choice(0)),
    ]);
    a.insert("e".into(), Answer::Choice(0));
    assert_eq!(score(&q(), &a, &none()).scales[0].variant, Some(0));
    a.insert("e".into(), Answer::Choice(3));
    assert_eq!(score(&q(), &a, &none()).scales[0].variant, None);
}

#[test]
fn flags_with_scale_and_item_conditions_are_raised() {
    let a = answers(&[
        ("a", Answer::Choice(3)),
        ("c", Answer::Choice(3)),
        ("d", Answer::Choice(0)),
    ]);
    let scored = score(&q(), &a, &none());
    let raised: Vec<(&str, FlagLevel)> = scored
        .flags
        .iter()
        .map(|f| (f.id.as_str(), f.level))
        .collect();
    assert_eq!(
        raised,
        [
            ("hi", FlagLevel::Suggestion),
            ("ne", FlagLevel::Note),
            ("urg", FlagLevel::Urgent)
        ]
    );
}

fn two_item(method: &str, extra: Value) -> Questionnaire {
    let mut scale = json!({"id": "s", "title": "S", "items": ["x", "y"], "method": method,
        "bands": [{"id": "all", "max": 100, "label": "All", "summary": "All"}]});
    for (k, v) in extra.as_object().unwrap() {
        scale[k] = v.clone();
    }
    load(json!({
        "format": "confide.questionnaire/1", "id": "t", "version": "1.0.0", "language": "en",
        "title": "T", "description": "T", "provenance": {"kind": "original"},
        "items": [
            {"id": "x", "type": "number", "text": "x", "min": 0, "max": 10},
            {"id": "y", "type": "number", "text": "y", "min": 0, "max": 10}
        ],
        "scales": [scale]
    }))
}

#[test]
fn a_mean_divides_by_the_answered_items() {
    let q = two_item("mean", json!({"min_answered": 1}));
    let s = &score(&q, &answers(&[("x", Answer::Number(3.0))]), &none()).scales[0];
    assert_eq!(s.value, Some(3.0));
    let s = &score(
        &q,
        &answers(&[("x", Answer::Number(3.0)), ("y", Answer::Number(4.0))]),
        &none(),
    )
    .scales[0];
    assert_eq!(s.value, Some(3.5));
}

#[test]
fn a_prorated_sum_is_scaled_up_to_the_full_item_count() {
    let q = two_item("sum", json!({"min_answered": 1, "prorate": true}));
    let s = &score(&q, &answers(&[("x", Answer::Number(3.0))]), &none()).scales[0];
    assert_eq!(s.value, Some(6.0));
}

/// Four 0-10 items; `z` and `w` are asked only when `x` is at least 5.
fn routed(extra: Value) -> Questionnaire {
    let mut scale = json!({"id": "s", "title": "S", "items": ["x", "y", "z", "w"], "method": "sum",
        "prorate": true,
        "bands": [{"id": "low", "max": 10, "label": "Low", "summary": "Low"},
                  {"id": "high", "max": 40, "label": "High", "summary": "High"}]});
    for (k, v) in extra.as_object().unwrap() {
        scale[k] = v.clone();
    }
    let gate = json!({"all": [{"item": "x", "op": ">=", "value": 5}]});
    load(json!({
        "format": "confide.questionnaire/1", "id": "t", "version": "1.0.0", "language": "en",
        "title": "T", "description": "T", "provenance": {"kind": "original"},
        "items": [
            {"id": "x", "type": "number", "text": "x", "min": 0, "max": 10},
            {"id": "y", "type": "number", "text": "y", "min": 0, "max": 10},
            {"id": "z", "type": "number", "text": "z", "min": 0, "max": 10, "enable_when": gate},
            {"id": "w", "type": "number", "text": "w", "min": 0, "max": 10, "enable_when": gate}
        ],
        "scales": [scale]
    }))
}

#[test]
fn a_prorated_sum_is_scaled_up_to_the_items_asked_not_to_items_never_asked() {
    // x = 2 closes z and w: two items asked, both answered, nothing to extrapolate.
    let q = routed(json!({"min_answered": 1}));
    let a = answers(&[("x", Answer::Number(2.0)), ("y", Answer::Number(3.0))]);
    let s = &score(&q, &a, &none()).scales[0];
    assert_eq!((s.value, s.answered, s.parts), (Some(5.0), 2, 2));
    assert_eq!(
        s.band,
        Some(0),
        "5 of at most 20 stays low; scaled to 4 items it was 10"
    );
}

#[test]
fn the_range_of_a_score_is_the_range_of_the_items_asked() {
    let q = routed(json!({}));
    let short = answers(&[("x", Answer::Number(2.0)), ("y", Answer::Number(3.0))]);
    let r = score(&q, &short, &none()).scales[0].range.unwrap();
    assert_eq!((r.min, r.max), (0.0, 20.0));
    let long = answers(&[
        ("x", Answer::Number(6.0)),
        ("y", Answer::Number(3.0)),
        ("z", Answer::Number(1.0)),
        ("w", Answer::Number(1.0)),
    ]);
    let r = score(&q, &long, &none()).scales[0].range.unwrap();
    assert_eq!((r.min, r.max), (0.0, 40.0));
}

#[test]
fn a_prorated_score_needs_at_least_half_of_the_items_asked_whatever_min_answered_says() {
    let q = routed(json!({"min_answered": 1}));
    // Four asked (x >= 5), one answered: a quarter is too little to scale up.
    let a = answers(&[("x", Answer::Number(6.0))]);
    let s = &score(&q, &a, &none()).scales[0];
    assert_eq!((s.value, s.answered, s.parts), (None, 1, 4));
    // Two of four is half: 6 + 4 over two answers, scaled to four items.
    let a = answers(&[("x", Answer::Number(6.0)), ("z", Answer::Number(4.0))]);
    assert_eq!(score(&q, &a, &none()).scales[0].value, Some(20.0));
}

#[test]
fn a_min_answered_above_half_still_applies() {
    let q = routed(json!({"min_answered": 3}));
    let a = answers(&[("x", Answer::Number(6.0)), ("z", Answer::Number(4.0))]);
    assert_eq!(score(&q, &a, &none()).scales[0].value, None);
}

#[test]
fn a_sum_without_prorate_counts_only_what_was_answered() {
    let q = two_item("sum", json!({"min_answered": 1}));
    let s = &score(&q, &answers(&[("x", Answer::Number(3.0))]), &none()).scales[0];
    assert_eq!(s.value, Some(3.0));
}

#[test]
fn the_factor_multiplies_the_result() {
    let q = two_item("sum", json!({"factor": 0.3}));
    let s = &score(
        &q,
        &answers(&[("x", Answer::Number(1.0)), ("y", Answer::Number(0.0))]),
        &none(),
    )
    .scales[0];
    assert_eq!(s.value, Some(0.3), "no floating point noise");
}

/// A second questionnaire gated on the first.
fn follow_up() -> Questionnaire {
    load(json!({
        "format": "confide.questionnaire/1", "id": "follow", "version": "1.0.0", "language": "en",
        "title": "F", "description": "F", "provenance": {"kind": "original"},
        "applies_when": {"all": [{"item": "q.a", "op": ">=", "value": 1}]},
        "items": [
            {"id": "p", "type": "text", "text": "p",
             "enable_when": {"all": [{"item": "q.b", "op": "includes", "value": 1}]}},
            {"id": "r", "type": "text", "text": "r",
             "enable_when": {"all": [{"scale": "q.s", "op": ">=", "value": 0}]}}
        ]
    }))
}

#[test]
fn a_reference_to_another_questionnaire_sees_its_answers() {
    let first = q();
    let second = follow_up();
    let mut session = SessionAnswers::new();
    session.insert(
        "q".into(),
        answers(&[
            ("a", Answer::Choice(1)),
            ("b", Answer::Choices(vec![1])),
            ("d", Answer::Choice(1)),
        ]),
    );
    let scored = score_session(&[&first, &second], &session);
    assert_eq!(
        scored[1].outcomes[0],
        Outcome::Skipped,
        "q.b includes 1, so p is asked"
    );
    assert_eq!(
        scored[1].outcomes[1],
        Outcome::Skipped,
        "q.s has a value, so r is asked"
    );
}

#[test]
fn a_reference_to_a_questionnaire_not_taken_counts_as_unanswered() {
    let second = follow_up();
    let scored = score_session(&[&second], &SessionAnswers::new());
    assert_eq!(
        scored[0].outcomes,
        vec![Outcome::NotAsked, Outcome::NotAsked]
    );
}

#[test]
fn a_scale_without_enough_answers_counts_as_unanswered_in_a_condition() {
    let first = q();
    let second = follow_up();
    let mut session = SessionAnswers::new();
    session.insert("q".into(), answers(&[("d", Answer::Choice(1))]));
    let scored = score_session(&[&first, &second], &session);
    assert_eq!(scored[1].outcomes[1], Outcome::NotAsked);
}

#[test]
fn scoring_is_deterministic() {
    let a = answers(&[
        ("a", Answer::Choice(3)),
        ("c", Answer::Choice(2)),
        ("d", Answer::Choice(1)),
    ]);
    let one = score(&q(), &a, &none());
    let two = score(&q(), &a, &none());
    assert_eq!(one.scales, two.scales);
    assert_eq!(one.flags, two.flags);
}

#[test]
fn a_record_round_trips_to_the_same_scores() {
    let qq = q();
    let a = answers(&[
        ("a", Answer::Choice(3)),
        ("b", Answer::Choices(vec![1, 2])),
        ("c", Answer::Choice(2)),
        ("d", Answer::Declined),
    ]);
    let scored = score(&qq, &a, &none());
    let rec = record::to_record(&qq, "h", &scored);
    let json = serde_json::to_string(&rec).unwrap();
    let back: crate::model::response::QuestionnaireRecord = serde_json::from_str(&json).unwrap();
    let again = record::answers_from_record(&qq, &back).unwrap();
    assert_eq!(score(&qq, &again, &none()).scales, scored.scales);
}

/// `p` needs scale `sx` (over `x`) >= 1 and `r` needs scale `sxy` (over `x` and `y`) >= 2,
/// so each sees the scales as they stand after the answers before it.
fn scale_gates() -> Questionnaire {
    load(json!({
        "format": "confide.questionnaire/1", "id": "g", "version": "1.0.0", "language": "en",
        "title": "G", "description": "G", "provenance": {"kind": "original"},
        "option_sets": {"f": [{"value": 0, "label": "0"}, {"value": 1, "label": "1"}]},
        "items": [
            {"id": "x", "type": "single_choice", "text": "x", "option_set": "f"},
            {"id": "p", "type": "single_choice", "text": "p", "option_set": "f",
             "enable_when": {"all": [{"scale": "sx", "op": ">=", "value": 1}]}},
            {"id": "y", "type": "single_choice", "text": "y", "option_set": "f"},
            {"id": "r", "type": "single_choice", "text": "r", "option_set": "f",
             "enable_when": {"all": [{"scale": "sxy", "op": ">=", "value": 2}]}}
        ],
        "scales": [
            {"id": "sx", "title": "S", "items": ["x"], "method": "sum",
             "bands": [{"id": "all", "max": 1, "label": "L", "summary": "S"}]},
            {"id": "sxy", "title": "S", "items": ["x", "y"], "method": "sum", "min_answered": 1,
             "bands": [{"id": "all", "max": 2, "label": "L", "summary": "S"}]}
        ]
    }))
}

#[test]
fn a_condition_on_a_scale_sees_every_answer_given_before_it() {
    let q = scale_gates();
    let one = |v: i64| Answer::Choice(v);
    let (on, _) = enabled(&q, &answers(&[("x", one(1)), ("y", one(1))]), &none());
    assert_eq!(on, vec![true, true, true, true]);
    let (on, _) = enabled(&q, &answers(&[("x", one(1)), ("y", one(0))]), &none());
    assert_eq!(on, vec![true, true, true, false]);
    let (on, _) = enabled(&q, &answers(&[("x", one(0)), ("y", one(1))]), &none());
    assert_eq!(on, vec![true, false, true, false]);
    let (on, _) = enabled(&q, &answers(&[("y", one(1))]), &none());
    assert_eq!(on, vec![true, false, true, false]);
}

#[test]
fn a_nested_condition_says_a_or_b_and_c() {
    let q = load(json!({
        "format": "confide.questionnaire/1", "id": "n", "version": "1.0.0", "language": "en",
        "title": "N", "description": "N", "provenance": {"kind": "original"},
        "items": [
            {"id": "a", "type": "number", "text": "a", "min": 0, "max": 9},
            {"id": "b", "type": "number", "text": "b", "min": 0, "max": 9},
            {"id": "c", "type": "number", "text": "c", "min": 0, "max": 9}
        ],
        "flags": [{"id": "f", "level": "note", "message": "m",
                   "when": {"all": [{"any": [{"item": "a", "op": ">=", "value": 5}, {"item": "b", "op": ">=", "value": 5}]},
                                    {"item": "c", "op": "=", "value": 1}]}}]
    }));
    let raised = |a: f64, b: f64, c: f64| {
        let answers = answers(&[
            ("a", Answer::Number(a)),
            ("b", Answer::Number(b)),
            ("c", Answer::Number(c)),
        ]);
        !score(&q, &answers, &none()).flags.is_empty()
    };
    assert!(raised(5.0, 0.0, 1.0));
    assert!(raised(0.0, 7.0, 1.0));
    assert!(!raised(0.0, 0.0, 1.0), "neither A nor B");
    assert!(!raised(9.0, 9.0, 0.0), "not C");
}

/// A questionnaire of `n` 0-3 items (`i0`, `i1`, ...) and one scale summing them all.
fn wide(n: usize) -> Questionnaire {
    let items: Vec<Value> = (0..n)
        .map(|k| json!({"id": format!("i{k}"), "type": "single_choice", "text": "t", "option_set": "f", "reverse": k % 3 == 0}))
        .collect();
    let ids: Vec<String> = (0..n).map(|k| format!("i{k}")).collect();
    load(json!({
        "format": "confide.questionnaire/1", "id": "w", "version": "1.0.0", "language": "en",
        "title": "W", "description": "W",
        "provenance": {"kind": "original"},
        "option_sets": {"f": [{"value": 0, "label": "0"}, {"value": 1, "label": "1"},
                              {"value": 2, "label": "2"}, {"value": 3, "label": "3"}]},
        "items": items,
        "scales": [
            {"id": "s", "title": "S", "items": ids, "method": "sum",
             "bands": [{"id": "all", "max": 3 * n, "label": "A", "summary": "A"}]}
        ]
    }))
}

#[test]
fn items_are_found_by_id_the_same_way_in_short_and_long_questionnaires() {
    for n in [1, 5, ItemIndex::SCAN_MAX, ItemIndex::SCAN_MAX + 1, 120] {
        let q = wide(n);
        let index = ItemIndex::new(&q);
        assert_eq!(
            matches!(index, ItemIndex::Scan(_)),
            n <= ItemIndex::SCAN_MAX
        );
        for k in 0..n {
            let id = format!("i{k}");
            let found = index.get(&id).map(|i| i.id());
            assert_eq!(found, q.item(&id).map(|(_, i)| i.id()), "{id} of {n}");
            assert_eq!(found, Some(id.as_str()));
        }
        assert!(index.get("missing").is_none());
        assert!(index.get("").is_none());
    }
}

#[test]
fn a_scale_over_many_items_scores_the_same_whichever_way_items_are_found() {
    // Every item answered 3: reversed items (k % 3 == 0) count 0, the others 3.
    for n in [ItemIndex::SCAN_MAX, ItemIndex::SCAN_MAX + 1, 90] {
        let q = wide(n);
        let all: ItemAnswers = (0..n)
            .map(|k| (format!("i{k}"), Answer::Choice(3)))
            .collect();
        let scored = score(&q, &all, &none());
        let reversed = n.div_ceil(3);
        assert_eq!(
            scored.scales[0].value,
            Some(3.0 * (n - reversed) as f64),
            "{n} items"
        );
        assert_eq!(scored.scales[0].answered, n);
    }
}

#[test]
fn missing_is_true_exactly_when_there_is_no_answer() {
    use crate::model::condition::Condition;
    let cond: Condition =
        serde_json::from_value(json!({"all": [{"item": "a", "op": "missing"}]})).unwrap();
    let q = q();
    let holds = |a: &ItemAnswers| {
        let earlier = none();
        let view = View {
            q: &q,
            answers: a,
            scales: None,
            earlier: &earlier,
        };
        condition::evaluate(&cond, &view)
    };
    assert!(holds(&answers(&[])), "skipped");
    assert!(holds(&answers(&[("a", Answer::Declined)])), "declined");
    assert!(!holds(&answers(&[("a", Answer::Choice(0))])), "answered 0");
    assert!(!holds(&answers(&[("a", Answer::Choice(3))])), "answered 3");
    // Another questionnaire's item that was not taken is missing too.
    let other: Condition =
        serde_json::from_value(json!({"all": [{"item": "other.x", "op": "missing"}]})).unwrap();
    let earlier = none();
    let empty = answers(&[]);
    let view = View {
        q: &q,
        answers: &empty,
        scales: None,
        earlier: &earlier,
    };
    assert!(condition::evaluate(&other, &view));
}

#[test]
fn every_matching_band_variant_is_kept_in_order() {
    let mut v = serde_json::to_value(q()).unwrap();
    v["scales"][0]["bands"][2]["variants"] = json!([
        {"when": {"all": [{"item": "e", "op": "<=", "value": 1}]}, "summary": "first", "tags": ["partner"]},
        {"when": {"all": [{"item": "a", "op": ">=", "value": 0}]}, "summary": "second"}
    ]);
    let q = load(v);
    let a = answers(&[
        ("a", Answer::Choice(3)),
        ("c", Answer::Choice(3)),
        ("d", Answer::Choice(0)),
        ("e", Answer::Choice(0)),
    ]);
    let s = score(&q, &a, &none());
    assert_eq!(s.scales[0].variant, Some(0));
    assert_eq!(s.scales[0].variants, vec![0, 1]);
}
