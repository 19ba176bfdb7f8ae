//! The interview state machine, driven by scripted replies.

use super::scripted::{Scripted, Step};
use super::*;
use crate::model::load::questionnaire_from_bytes;
use crate::model::questionnaire::Questionnaire;
use crate::scoring::SessionAnswers;

fn checkin() -> Questionnaire {
    questionnaire_from_bytes(include_bytes!(
        "../../tests/fixtures/interview/checkin.json"
    ))
    .map(|l| l.questionnaire)
    .unwrap_or_else(|p| panic!("{p:?}"))
}

fn bundled() -> crate::model::catalog::Catalog {
    crate::model::catalog::Catalog::bundled().unwrap_or_else(|(n, p)| panic!("{n}: {p:?}"))
}

fn reply(a: Answer) -> Step {
    Step::Reply(Reply::Answer(a))
}

fn run_script(q: &Questionnaire, steps: Vec<Step>) -> (End, Scripted, SessionAnswers) {
    let mut flow = Flow::new(vec![Part { q, explicit: true }], SessionAnswers::new());
    let mut s = Scripted::new(steps);
    let end = run_with(&mut flow, &mut s, true, &mut |_| None);
    let answers = final_answers(&flow);
    (end, s, answers)
}

/// The answers that count, for storing: only those of asked items.
fn final_answers(flow: &Flow) -> SessionAnswers {
    flow.scored()
        .into_iter()
        .zip(flow.parts())
        .map(|(s, p)| (p.q.id.clone(), s.answers))
        .collect()
}

#[test]
fn items_are_asked_in_order_and_a_gated_item_only_when_its_condition_holds() {
    let q = checkin();
    let (end, s, answers) = run_script(
        &q,
        vec![
            reply(Answer::Choice(1)),
            Step::Reply(Reply::Skip),
            Step::Reply(Reply::Skip),
            reply(Answer::Choice(0)),
            Step::Review(ReviewReply::Save),
        ],
    );
    assert!(matches!(end, End::Finished));
    assert_eq!(
        s.asked,
        [
            "checkin.mood",
            "checkin.who",
            "checkin.sleep",
            "checkin.worry"
        ]
    );
    assert_eq!(answers["checkin"].len(), 2);
}

#[test]
fn back_returns_to_the_previous_question_with_its_answer() {
    let q = checkin();
    let (end, s, answers) = run_script(
        &q,
        vec![
            reply(Answer::Choice(1)),
            Step::Reply(Reply::Back),
            reply(Answer::Choice(2)),
            Step::Reply(Reply::Skip),
            Step::Reply(Reply::Skip),
            reply(Answer::Choice(0)),
            Step::Review(ReviewReply::Save),
        ],
    );
    assert!(matches!(end, End::Finished));
    assert_eq!(
        &s.asked[..3],
        ["checkin.mood", "checkin.who", "checkin.mood"]
    );
    assert_eq!(answers["checkin"]["mood"], Answer::Choice(2));
}

#[test]
fn a_required_item_cannot_be_skipped_and_an_invalid_answer_is_refused() {
    let q = checkin();
    let (_, s, _) = run_script(&q, vec![Step::Reply(Reply::Skip), reply(Answer::Choice(7))]);
    assert_eq!(s.asked, ["checkin.mood", "checkin.mood", "checkin.mood"]);
    assert!(s.notices[0].contains("needs an answer"), "{:?}", s.notices);
    assert!(
        s.notices[1].contains("not one of the option values"),
        "{:?}",
        s.notices
    );
}

#[test]
fn changing_an_answer_at_the_review_asks_only_what_the_change_opens() {
    let q = checkin();
    let (end, s, answers) = run_script(
        &q,
        vec![
            reply(Answer::Choice(1)),
            Step::Reply(Reply::Skip),
            Step::Reply(Reply::Skip),
            reply(Answer::Choice(0)),
            Step::Review(ReviewReply::Change((0, 4))),
            reply(Answer::Choice(2)),
            reply(Answer::Text("money".into())),
            Step::Review(ReviewReply::Save),
        ],
    );
    assert!(matches!(end, End::Finished));
    assert_eq!(&s.asked[4..], ["checkin.worry", "checkin.why"]);
    assert_eq!(s.reviews, 2);
    assert_eq!(answers["checkin"]["why"], Answer::Text("money".into()));
}

#[test]
fn answers_of_items_that_become_disabled_are_dropped() {
    let q = checkin();
    let (_, _, answers) = run_script(
        &q,
        vec![
            reply(Answer::Choice(1)),
            Step::Reply(Reply::Skip),
            Step::Reply(Reply::Skip),
            reply(Answer::Choice(2)),
            reply(Answer::Text("private".into())),
            Step::Review(ReviewReply::Change((0, 4))),
            reply(Answer::Choice(0)),
            Step::Review(ReviewReply::Save),
        ],
    );
    assert!(!answers["checkin"].contains_key("why"));
}

#[test]
fn quitting_and_running_out_of_input_end_the_interview() {
    let q = checkin();
    let (end, _, _) = run_script(&q, vec![reply(Answer::Choice(1)), Step::Reply(Reply::Quit)]);
    assert!(matches!(end, End::Quit));
    let (end, _, _) = run_script(&q, vec![reply(Answer::Choice(1))]);
    assert!(matches!(end, End::Eof));
    let (end, _, _) = run_script(
        &q,
        vec![
            reply(Answer::Choice(1)),
            Step::Reply(Reply::Skip),
            Step::Reply(Reply::Skip),
            Step::Reply(Reply::Skip),
            Step::Review(ReviewReply::Discard),
            Step::Confirm(true),
        ],
    );
    assert!(matches!(end, End::Discarded));
}

/// The answers to the check-in up to the review: calm, then three skips.
fn up_to_the_review() -> Vec<Step> {
    vec![
        reply(Answer::Choice(1)),
        Step::Reply(Reply::Skip),
        Step::Reply(Reply::Skip),
        Step::Reply(Reply::Skip),
    ]
}

#[test]
fn discarding_at_the_review_asks_first_and_no_returns_to_the_review() {
    let q = checkin();
    let mut steps = up_to_the_review();
    steps.extend([
        Step::Review(ReviewReply::Discard),
        Step::Confirm(false),
        Step::Review(ReviewReply::Save),
    ]);
    let parts = vec![Part {
        q: &q,
        explicit: true,
    }];
    let mut flow = Flow::new(parts, SessionAnswers::new());
    let mut p = Scripted::new(steps);
    let end = run_with(&mut flow, &mut p, true, &mut |_| None);
    assert!(matches!(end, End::Finished), "{end:?}");
    assert_eq!(p.confirms, vec![super::DISCARD_QUESTION.to_owned()]);
    assert_eq!(p.reviews, 2);
    assert!(p.notices.iter().any(|n| n == "Nothing was discarded."));
    // End of input at the question discards nothing either: it is the end of input.
    let mut steps = up_to_the_review();
    steps.push(Step::Review(ReviewReply::Discard));
    let (end, _, _) = run_script(&q, steps);
    assert!(matches!(end, End::Eof), "{end:?}");
}

#[test]
fn back_at_the_review_asks_the_last_question_again_and_q_leaves() {
    let q = checkin();
    let mut steps = up_to_the_review();
    steps.extend([
        Step::Review(ReviewReply::Back),
        Step::Reply(Reply::Skip),
        Step::Review(ReviewReply::Quit),
    ]);
    let parts = vec![Part {
        q: &q,
        explicit: true,
    }];
    let mut flow = Flow::new(parts, SessionAnswers::new());
    let mut p = Scripted::new(steps);
    let end = run_with(&mut flow, &mut p, true, &mut |_| None);
    assert!(matches!(end, End::Quit), "{end:?}");
    assert_eq!(p.asked.len(), 5, "{:?}", p.asked);
    assert_eq!(p.asked[3], p.asked[4], "the last question, again");
    assert_eq!(p.reviews, 2);
}

#[test]
fn progress_counts_only_questions_that_will_be_asked() {
    let q = checkin();
    let mut flow = Flow::new(
        vec![Part {
            q: &q,
            explicit: true,
        }],
        SessionAnswers::new(),
    );
    let first = flow.question().unwrap();
    assert_eq!((first.number, first.total), (1, 4));
    flow.answer(Answer::Choice(1)).unwrap();
    flow.skip().unwrap();
    let sleep = flow.question().unwrap();
    assert_eq!(
        sleep.notes.len(),
        1,
        "the display item comes with the next question"
    );
    flow.skip().unwrap();
    flow.answer(Answer::Choice(2)).unwrap();
    let why = flow.question().unwrap();
    assert_eq!((why.number, why.total), (5, 5));
}

#[test]
fn a_questionnaire_that_does_not_apply_is_left_out_unless_asked_for() {
    let catalog = bundled();
    let parts: Vec<Part> = catalog
        .entries
        .iter()
        .map(|e| Part {
            q: e.q(),
            explicit: e.q().applies_when.is_none(),
        })
        .collect();
    let mut flow = Flow::new(parts.clone(), SessionAnswers::new());
    // context: skip activity and partner, choose the pain topic only, then skip the rest,
    // and the mood check, which every session asks.
    flow.skip().unwrap();
    flow.skip().unwrap();
    flow.answer(Answer::Choices(vec![3])).unwrap();
    while let Some(q) = flow.question() {
        if q.q.id != "context" && q.q.id != "mood" {
            break;
        }
        flow.skip().unwrap();
    }
    assert_eq!(
        flow.question().map(|q| q.q.id.clone()).as_deref(),
        Some("pain")
    );
    let desire = parts.iter().position(|p| p.q.id == "desire").unwrap();
    assert!(flow.skipped_questionnaire(desire), "desire does not apply");
    let mut explicit = parts;
    explicit[desire].explicit = true;
    let flow = Flow::new(explicit, flow.answers().clone());
    assert!(
        !flow.skipped_questionnaire(desire),
        "asked for by id, desire is asked"
    );
}

#[test]
fn a_draft_resumes_at_the_question_it_stopped_at() {
    let q = checkin();
    let mut start = SessionAnswers::new();
    start
        .entry("checkin".into())
        .or_default()
        .insert("mood".into(), Answer::Choice(1));
    let mut flow = Flow::new(
        vec![Part {
            q: &q,
            explicit: true,
        }],
        start,
    );
    flow.resume_at("checkin.sleep");
    let question = flow.question().unwrap();
    assert_eq!(question.item.id(), "sleep");
    assert!(question.can_go_back);
    assert!(flow.back());
    assert_eq!(flow.question().unwrap().item.id(), "who");
}
