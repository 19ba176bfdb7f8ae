//! Checking an answers file (`confide.answers/1`) against the questionnaires being taken,
//! exactly as typed answers are checked, reporting every problem at once.

use crate::model::answer::{Answer, check};
use crate::model::answers_file::AnswersFile;
use crate::model::problem::{Problem, join};
use crate::model::questionnaire::Questionnaire;

use super::{Earlier, ItemAnswers, Scored, SessionAnswers, enabled, score};

/// Turns the raw answers of `file` into checked answers for `qs`, taken in that order.
pub fn resolve(qs: &[&Questionnaire], file: &AnswersFile) -> Result<SessionAnswers, Vec<Problem>> {
    let mut problems = Vec::new();
    let taken: Vec<&str> = qs.iter().map(|q| q.id.as_str()).collect();
    for qid in file.answers.keys() {
        if !taken.contains(&qid.as_str()) {
            problems.push(Problem::at(
                join("/answers", qid),
                format!(
                    "`{}` is not one of the questionnaires being taken ({})",
                    crate::model::validate::truncate(qid, 40),
                    taken.join(", ")
                ),
            ));
        }
    }
    let mut session = SessionAnswers::new();
    let mut done: Vec<Scored> = Vec::new();
    for q in qs {
        let base = join("/answers", &q.id);
        let raw = file.answers.get(&q.id);
        let mut typed = ItemAnswers::new();
        let mut bad = Vec::new();
        for (id, value) in raw.into_iter().flatten() {
            let path = join(&base, id);
            let Some((_, item)) = q.item(id) else {
                problems.push(Problem::at(
                    path,
                    format!(
                        "questionnaire `{}` has no item `{}`",
                        q.id,
                        crate::model::validate::truncate(id, 40)
                    ),
                ));
                continue;
            };
            let answer =
                Answer::from_json(item, value).and_then(|a| check(q, item, &a).map(|()| a));
            match answer {
                Ok(a) => {
                    typed.insert(id.clone(), a);
                }
                Err(why) => {
                    problems.push(Problem::at(path, why));
                    bad.push(id.as_str());
                }
            }
        }
        let earlier: Earlier = done.iter().map(|s| (s.id.as_str(), s)).collect();
        let (on, kept) = enabled(q, &typed, &earlier);
        for (item, &is_on) in q.items.iter().zip(&on) {
            let id = item.id();
            let given = raw.is_some_and(|r| r.contains_key(id));
            if !is_on && given && !bad.contains(&id) {
                problems.push(Problem::at(
                    join(&base, id),
                    "this item would not be asked: its `enable_when` condition is false with these answers",
                ));
            }
            if is_on && item.common().required && !given {
                problems.push(Problem::at(
                    join(&base, id),
                    "this item is required and has no answer",
                ));
            }
        }
        let scored = score(q, &kept, &earlier);
        drop(earlier);
        done.push(scored);
        session.insert(q.id.clone(), kept);
    }
    if problems.is_empty() {
        Ok(session)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::answers_file::parse;
    use crate::model::load::questionnaire_from_value;

    fn q() -> Questionnaire {
        questionnaire_from_value(json!({
            "format": "confide.questionnaire/1", "id": "q", "version": "1.0.0", "language": "en",
            "title": "Q", "description": "Q", "provenance": {"kind": "original"},
            "items": [
                {"id": "a", "type": "single_choice", "text": "a", "required": true, "declinable": true,
                 "options": [{"value": 0, "label": "no"}, {"value": 1, "label": "yes"}]},
                {"id": "b", "type": "single_choice", "text": "b",
                 "options": [{"value": 0, "label": "no"}, {"value": 1, "label": "yes"}],
                 "enable_when": {"all": [{"item": "a", "op": "=", "value": 1}]}},
                {"id": "m", "type": "multi_choice", "text": "m",
                 "options": [{"value": 1, "label": "x"}, {"value": 2, "label": "y"}, {"value": 9, "label": "none", "exclusive": true}]},
                {"id": "n", "type": "number", "text": "n", "min": 0, "max": 10},
                {"id": "t", "type": "text", "text": "t", "max_length": 5},
                {"id": "r", "type": "text", "text": "r", "required": true,
                 "enable_when": {"all": [{"item": "a", "op": "=", "value": 1}]}},
                {"id": "note", "type": "display", "text": "note"}
            ]
        }))
        .unwrap()
        .questionnaire
    }

    fn run(v: serde_json::Value) -> Result<SessionAnswers, Vec<Problem>> {
        let file = parse(v.to_string().as_bytes())?;
        let q = q();
        resolve(&[&q], &file)
    }

    fn messages(v: serde_json::Value) -> Vec<String> {
        run(v).unwrap_err().iter().map(|p| p.to_string()).collect()
    }

    fn has(ms: &[String], needle: &str) -> bool {
        ms.iter().any(|m| m.contains(needle))
    }

    #[test]
    fn a_complete_file_gives_typed_answers() {
        let s = run(json!({"format": "confide.answers/1", "answers": {"q": {
            "a": 1, "b": 0, "m": [1, 2], "n": 7, "t": "hi", "r": "ok"}}}))
        .unwrap();
        let a = &s["q"];
        assert_eq!(a["a"], Answer::Choice(1));
        assert_eq!(a["m"], Answer::Choices(vec![1, 2]));
        assert_eq!(a["n"], Answer::Number(7.0));
        assert_eq!(a["t"], Answer::Text("hi".into()));
    }

    #[test]
    fn declined_is_accepted_on_a_declinable_item_and_refused_elsewhere() {
        let s = run(json!({"format": "confide.answers/1", "answers": {"q": {"a": "declined"}}}))
            .unwrap();
        assert_eq!(s["q"]["a"], Answer::Declined);
        let ms = messages(
            json!({"format": "confide.answers/1", "answers": {"q": {"a": 0, "n": "declined"}}}),
        );
        assert!(
            has(&ms, "/answers/q/n: this item cannot be declined"),
            "{ms:?}"
        );
    }

    #[test]
    fn an_unknown_questionnaire_is_an_error() {
        let ms =
            messages(json!({"format": "confide.answers/1", "answers": {"q": {"a": 0}, "zzz": {}}}));
        assert!(
            has(
                &ms,
                "/answers/zzz: `zzz` is not one of the questionnaires being taken (q)"
            ),
            "{ms:?}"
        );
    }

    #[test]
    fn an_unknown_item_is_an_error() {
        let ms =
            messages(json!({"format": "confide.answers/1", "answers": {"q": {"a": 0, "zz": 1}}}));
        assert!(
            has(&ms, "/answers/q/zz: questionnaire `q` has no item `zz`"),
            "{ms:?}"
        );
    }

    #[test]
    fn a_value_that_is_not_an_option_is_an_error() {
        let ms = messages(json!({"format": "confide.answers/1", "answers": {"q": {"a": 5}}}));
        assert!(
            has(
                &ms,
                "/answers/q/a: 5 is not one of the option values (0, 1)"
            ),
            "{ms:?}"
        );
    }

    #[test]
    fn a_number_out_of_range_is_an_error() {
        let ms =
            messages(json!({"format": "confide.answers/1", "answers": {"q": {"a": 0, "n": 11}}}));
        assert!(
            has(&ms, "/answers/q/n: enter a number from 0 to 10"),
            "{ms:?}"
        );
    }

    #[test]
    fn a_fraction_for_a_whole_number_item_is_an_error() {
        let ms =
            messages(json!({"format": "confide.answers/1", "answers": {"q": {"a": 0, "n": 2.5}}}));
        assert!(has(&ms, "/answers/q/n: enter a whole number"), "{ms:?}");
    }

    #[test]
    fn a_wrong_type_is_an_error() {
        let ms = messages(
            json!({"format": "confide.answers/1", "answers": {"q": {"a": "yes", "m": 1}}}),
        );
        assert!(has(&ms, "/answers/q/a: expected an option value"), "{ms:?}");
        assert!(
            has(&ms, "/answers/q/m: expected an array of option values"),
            "{ms:?}"
        );
    }

    #[test]
    fn an_exclusive_option_with_others_is_an_error() {
        let ms = messages(
            json!({"format": "confide.answers/1", "answers": {"q": {"a": 0, "m": [1, 9]}}}),
        );
        assert!(
            has(&ms, "/answers/q/m: option 9 (\"none\") cannot be combined"),
            "{ms:?}"
        );
    }

    #[test]
    fn an_empty_multi_choice_answer_is_an_error() {
        let ms =
            messages(json!({"format": "confide.answers/1", "answers": {"q": {"a": 0, "m": []}}}));
        assert!(
            has(&ms, "/answers/q/m: choose at least one option"),
            "{ms:?}"
        );
    }

    #[test]
    fn text_over_max_length_is_an_error_that_does_not_echo_the_text() {
        let ms = messages(
            json!({"format": "confide.answers/1", "answers": {"q": {"a": 0, "t": "secret words"}}}),
        );
        assert!(
            has(
                &ms,
                "/answers/q/t: the answer is 12 characters long; at most 5"
            ),
            "{ms:?}"
        );
        assert!(!ms.iter().any(|m| m.contains("secret")));
    }

    #[test]
    fn an_answer_to_an_item_that_would_not_be_asked_is_an_error() {
        let ms =
            messages(json!({"format": "confide.answers/1", "answers": {"q": {"a": 0, "b": 1}}}));
        assert!(
            has(&ms, "/answers/q/b: this item would not be asked"),
            "{ms:?}"
        );
    }

    #[test]
    fn a_missing_required_answer_is_an_error_only_when_the_item_is_asked() {
        let ms = messages(json!({"format": "confide.answers/1", "answers": {"q": {"b": 1}}}));
        assert!(
            has(&ms, "/answers/q/a: this item is required and has no answer"),
            "{ms:?}"
        );
        let ms = messages(json!({"format": "confide.answers/1", "answers": {"q": {"a": 1}}}));
        assert!(has(&ms, "/answers/q/r: this item is required"), "{ms:?}");
        assert!(run(json!({"format": "confide.answers/1", "answers": {"q": {"a": 0}}})).is_ok());
    }

    #[test]
    fn an_answer_to_a_display_item_is_an_error() {
        let ms = messages(
            json!({"format": "confide.answers/1", "answers": {"q": {"a": 0, "note": "x"}}}),
        );
        assert!(
            has(&ms, "/answers/q/note: this is a display item"),
            "{ms:?}"
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let ms = messages(
            json!({"format": "confide.answers/1", "answers": {"q": {"a": 7, "n": 99, "zz": 1}, "other": {}}}),
        );
        assert!(ms.len() >= 4, "{ms:?}");
    }

    #[test]
    fn a_wrong_format_is_an_error() {
        let e = parse(br#"{"format": "confide.answers/2", "answers": {}}"#)
            .err()
            .unwrap();
        assert!(
            e[0].to_string()
                .contains("/format: unsupported format `confide.answers/2`")
        );
        let e = parse(br#"{"answers": {}}"#).err().unwrap();
        assert!(e[0].to_string().contains("missing `format`"));
    }

    #[test]
    fn a_shape_error_does_not_echo_answer_text() {
        let e = parse(br#"{"format": "confide.answers/1", "answers": {"q": "my private words"}}"#)
            .err()
            .unwrap();
        let m = e[0].to_string();
        assert!(m.starts_with("/answers/q:"), "{m}");
        assert!(!m.contains("private"), "{m}");
    }
}
