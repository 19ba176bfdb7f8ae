//! Turning what a person types into an answer, and an answer back into words. Shared by the
//! plain and terminal prompters so both accept exactly the same input.

use crate::model::answer::{Answer, check, number_json};
use crate::model::questionnaire::{ChoiceOption, Item, Questionnaire};

pub(crate) use crate::model::answer::DECLINE_LABEL;
pub use crate::model::answer::describe;

/// What a typed line means at a question, before checking it against the item.
#[derive(Debug, PartialEq)]
pub enum Typed {
    Answer(Answer),
    Skip,
    Back,
    Hint,
    Quit,
}

/// The numbered choices shown for a choice item: its options, then "Prefer not to answer"
/// when declinable.
pub(crate) fn choice_labels(q: &Questionnaire, item: &Item, lang: &str) -> Vec<String> {
    let mut labels: Vec<String> = q
        .options_of(item)
        .iter()
        .map(|o| o.label.resolve(lang, &q.language).to_owned())
        .collect();
    if item.common().declinable {
        labels.push(DECLINE_LABEL.to_owned());
    }
    labels
}

/// Reads a line typed at a question in plain mode (a number, numbers separated by commas, a
/// value, an empty line to skip, `b` back, `?` a hint, `q` quit; see the README).
pub fn parse_line(q: &Questionnaire, item: &Item, line: &str) -> Result<Typed, String> {
    let line = line.trim();
    match line {
        "" => return Ok(Typed::Skip),
        "b" | "B" => return Ok(Typed::Back),
        "?" => return Ok(Typed::Hint),
        "q" | "Q" => return Ok(Typed::Quit),
        _ => {}
    }
    parse_answer(q, item, line).map(Typed::Answer)
}

/// Reads an answer (not a command) for `item` and checks it.
pub(crate) fn parse_answer(q: &Questionnaire, item: &Item, text: &str) -> Result<Answer, String> {
    let options = q.options_of(item);
    let declinable = item.common().declinable;
    let answer = match item {
        Item::SingleChoice(_) => match option_number(text, options.len(), declinable)? {
            k if k > options.len() => Answer::Declined,
            k => Answer::Choice(options[k - 1].value),
        },
        Item::MultiChoice(_) => several_options(options, declinable, text)?,
        Item::Number(_) | Item::Text(_) if text == "-" && declinable => Answer::Declined,
        Item::Number(_) => Answer::Number(number(text)?),
        Item::Text(_) => Answer::Text(text.to_owned()),
        Item::Display(_) => return Err("this is not a question".into()),
    };
    check(q, item, &answer)?;
    Ok(answer)
}

/// The number (from 1) of an option typed at a choice of `options` options, one more when
/// the item is declinable ("Prefer not to answer" comes last).
fn option_number(text: &str, options: usize, declinable: bool) -> Result<usize, String> {
    let last = options + usize::from(declinable);
    let k: usize = text
        .parse()
        .map_err(|_| format!("type the number of an option, from 1 to {last}"))?;
    if k == 0 || k > last {
        return Err(format!(
            "there is no option {k}; type a number from 1 to {last}"
        ));
    }
    Ok(k)
}

/// Option numbers separated by commas or spaces, each at most once; "Prefer not to answer"
/// only alone.
fn several_options(
    options: &[ChoiceOption],
    declinable: bool,
    text: &str,
) -> Result<Answer, String> {
    let mut picks = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| option_number(s, options.len(), declinable))
        .collect::<Result<Vec<_>, _>>()?;
    if picks.contains(&(options.len() + 1)) {
        if picks.len() > 1 {
            return Err(format!(
                "\"{DECLINE_LABEL}\" cannot be combined with other options"
            ));
        }
        return Ok(Answer::Declined);
    }
    picks.sort_unstable();
    if picks.windows(2).any(|w| w[0] == w[1]) {
        return Err("an option is listed twice".into());
    }
    Ok(Answer::Choices(
        picks.iter().map(|k| options[k - 1].value).collect(),
    ))
}

/// A finite number; a whole number is canonical (2.0 is 2).
fn number(text: &str) -> Result<f64, String> {
    let x: f64 = text
        .parse()
        .ok()
        .filter(|x: &f64| x.is_finite())
        .ok_or_else(|| "type a number, such as 3 or 2.5".to_string())?;
    Ok(number_json(x).as_f64().unwrap_or(x))
}

/// What to type at `item` to give `answer` again (the reverse of [`parse_answer`]): the
/// number of each option chosen, the number or the text, or what declines.
pub(crate) fn typed_text(q: &Questionnaire, item: &Item, answer: &Answer) -> String {
    let options = q.options_of(item);
    let number_of = |value: i64| {
        options
            .iter()
            .position(|o| o.value == value)
            .map_or_else(String::new, |i| (i + 1).to_string())
    };
    match answer {
        Answer::Declined if options.is_empty() => "-".into(),
        Answer::Declined => (options.len() + 1).to_string(),
        Answer::Choice(value) => number_of(*value),
        Answer::Choices(values) => values
            .iter()
            .map(|v| number_of(*v))
            .collect::<Vec<_>>()
            .join(", "),
        Answer::Number(x) => number_json(*x).to_string(),
        Answer::Text(text) => text.clone(),
    }
}

/// The line that says what to type at a question.
pub(crate) fn instructions(q: &Questionnaire, item: &Item, lang: &str) -> String {
    let common = item.common();
    let mut parts: Vec<String> = Vec::new();
    match item {
        Item::SingleChoice(_) => parts.push("Type the number of your answer".into()),
        Item::MultiChoice(_) => {
            parts.push("Type the numbers of all that apply, separated by commas".into())
        }
        Item::Number(n) => {
            let unit = n
                .unit
                .as_ref()
                .map(|u| format!(" {}", u.resolve(lang, &q.language)));
            let kind = if n.decimals == 0 {
                "a whole number"
            } else {
                "a number"
            };
            parts.push(format!(
                "Type {kind} from {} to {}{}",
                number_json(n.min),
                number_json(n.max),
                unit.unwrap_or_default()
            ));
        }
        Item::Text(t) => parts.push(format!(
            "Type your answer (up to {} characters)",
            t.max_length
        )),
        Item::Display(_) => {}
    }
    if common.declinable && matches!(item, Item::Number(_) | Item::Text(_)) {
        parts.push("- if you prefer not to answer".into());
    }
    if !common.required {
        parts.push("Enter to skip".into());
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::load::questionnaire_from_value;

    fn q() -> Questionnaire {
        questionnaire_from_value(json!({
            "format": "confide.questionnaire/1", "id": "q", "version": "1.0.0", "language": "en",
            "title": "Q", "description": "Q", "provenance": {"kind": "original"},
            "items": [
                {"id": "s", "type": "single_choice", "text": "s", "declinable": true,
                 "options": [{"value": 0, "label": "No"}, {"value": 5, "label": "Yes"}]},
                {"id": "m", "type": "multi_choice", "text": "m", "declinable": true,
                 "options": [{"value": 1, "label": "A"}, {"value": 2, "label": "B"}, {"value": 3, "label": "None", "exclusive": true}]},
                {"id": "n", "type": "number", "text": "n", "min": 0, "max": 24, "decimals": 1, "unit": "hours"},
                {"id": "t", "type": "text", "text": "t", "declinable": true, "max_length": 10}
            ]
        }))
        .unwrap()
        .questionnaire
    }

    fn item(q: &Questionnaire, i: usize) -> &Item {
        &q.items[i]
    }

    #[test]
    fn an_option_number_means_that_option_and_the_extra_number_declines() {
        let q = q();
        assert_eq!(
            parse_line(&q, item(&q, 0), "2"),
            Ok(Typed::Answer(Answer::Choice(5)))
        );
        assert_eq!(
            parse_line(&q, item(&q, 0), " 3 "),
            Ok(Typed::Answer(Answer::Declined))
        );
        assert!(
            parse_line(&q, item(&q, 0), "4")
                .unwrap_err()
                .contains("no option 4")
        );
        assert!(
            parse_line(&q, item(&q, 0), "yes")
                .unwrap_err()
                .contains("type the number")
        );
    }

    #[test]
    fn commands_are_empty_b_question_mark_and_q() {
        let q = q();
        assert_eq!(parse_line(&q, item(&q, 0), ""), Ok(Typed::Skip));
        assert_eq!(parse_line(&q, item(&q, 0), "b"), Ok(Typed::Back));
        assert_eq!(parse_line(&q, item(&q, 0), "?"), Ok(Typed::Hint));
        assert_eq!(parse_line(&q, item(&q, 0), "q"), Ok(Typed::Quit));
    }

    #[test]
    fn several_options_may_be_separated_by_commas_or_spaces() {
        let q = q();
        assert_eq!(
            parse_line(&q, item(&q, 1), "1, 2"),
            Ok(Typed::Answer(Answer::Choices(vec![1, 2])))
        );
        assert_eq!(
            parse_line(&q, item(&q, 1), "2 1"),
            Ok(Typed::Answer(Answer::Choices(vec![1, 2])))
        );
        assert!(
            parse_line(&q, item(&q, 1), "1 3")
                .unwrap_err()
                .contains("cannot be combined")
        );
        assert!(
            parse_line(&q, item(&q, 1), "1 4")
                .unwrap_err()
                .contains("cannot be combined")
        );
        assert_eq!(
            parse_line(&q, item(&q, 1), "4"),
            Ok(Typed::Answer(Answer::Declined))
        );
    }

    #[test]
    fn numbers_are_checked_against_range_and_decimals() {
        let q = q();
        assert_eq!(
            parse_line(&q, item(&q, 2), "7.5"),
            Ok(Typed::Answer(Answer::Number(7.5)))
        );
        assert!(
            parse_line(&q, item(&q, 2), "25")
                .unwrap_err()
                .contains("from 0 to 24")
        );
        assert!(
            parse_line(&q, item(&q, 2), "7.25")
                .unwrap_err()
                .contains("1 digits")
        );
        assert!(
            parse_line(&q, item(&q, 2), "seven")
                .unwrap_err()
                .contains("type a number")
        );
        assert!(parse_line(&q, item(&q, 2), "-").is_err(), "not declinable");
    }

    #[test]
    fn text_is_taken_as_typed_and_a_dash_declines() {
        let q = q();
        assert_eq!(
            parse_line(&q, item(&q, 3), "hello"),
            Ok(Typed::Answer(Answer::Text("hello".into())))
        );
        assert_eq!(
            parse_line(&q, item(&q, 3), "-"),
            Ok(Typed::Answer(Answer::Declined))
        );
        assert!(
            parse_line(&q, item(&q, 3), "far too long text")
                .unwrap_err()
                .contains("at most 10")
        );
    }

    #[test]
    fn the_text_typed_for_an_answer_gives_that_answer_back() {
        let q = q();
        for (i, answer, typed) in [
            (0, Answer::Choice(5), "2"),
            (0, Answer::Declined, "3"),
            (1, Answer::Choices(vec![1, 2]), "1, 2"),
            (1, Answer::Declined, "4"),
            (2, Answer::Number(7.0), "7"),
            (2, Answer::Number(7.5), "7.5"),
            (3, Answer::Text("two words".into()), "two words"),
            (3, Answer::Declined, "-"),
        ] {
            assert_eq!(typed_text(&q, item(&q, i), &answer), typed);
            assert_eq!(parse_answer(&q, item(&q, i), typed), Ok(answer));
        }
    }

    #[test]
    fn answers_are_described_in_words() {
        let q = q();
        assert_eq!(
            describe(&q, item(&q, 0), Some(&Answer::Choice(5)), "en"),
            "Yes"
        );
        assert_eq!(
            describe(&q, item(&q, 1), Some(&Answer::Choices(vec![1, 2])), "en"),
            "A, B"
        );
        assert_eq!(
            describe(&q, item(&q, 2), Some(&Answer::Number(7.0)), "en"),
            "7 hours"
        );
        assert_eq!(describe(&q, item(&q, 2), None, "en"), "(skipped)");
        assert_eq!(
            describe(&q, item(&q, 3), Some(&Answer::Declined), "en"),
            DECLINE_LABEL
        );
    }
}
