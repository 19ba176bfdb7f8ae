//! The interview state machine, driven by scripted replies.

use std::collections::BTreeSet;

use super::scripted::{Scripted, Step};
use super::*;
use crate::model::load::questionnaire_from_bytes;
use crate::model::questionnaire::Item;
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
    let end = run_with(&mut flow, &mut s, Confirm::Save, &mut |_| None);
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
    let end = run_with(&mut flow, &mut p, Confirm::Save, &mut |_| None);
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
    let end = run_with(&mut flow, &mut p, Confirm::Save, &mut |_| None);
    assert!(matches!(end, End::Quit), "{end:?}");
    assert_eq!(p.asked.len(), 5, "{:?}", p.asked);
    assert_eq!(p.asked[3], p.asked[4], "the last question, again");
    assert_eq!(p.reviews, 2);
}

#[test]
fn progress_counts_the_questions_that_can_still_be_asked() {
    let q = checkin();
    let mut flow = Flow::new(
        vec![Part {
            q: &q,
            explicit: true,
        }],
        SessionAnswers::new(),
    );
    let at = |flow: &Flow| {
        let question = flow.question().unwrap();
        (
            question.item.id().to_owned(),
            question.number,
            question.total,
        )
    };
    // "why" depends on "worry", not answered yet: it counts.
    assert_eq!(at(&flow), ("mood".into(), 1, 5));
    flow.answer(Answer::Choice(1)).unwrap();
    flow.skip().unwrap();
    let sleep = flow.question().unwrap();
    assert_eq!(
        sleep.notes.len(),
        1,
        "the display item comes with the next question"
    );
    flow.skip().unwrap();
    assert_eq!(at(&flow), ("worry".into(), 4, 5));
    flow.answer(Answer::Choice(2)).unwrap();
    assert_eq!(at(&flow), ("why".into(), 5, 5));
    // Back at "worry", a "Never" closes "why": the total goes down.
    assert!(flow.back());
    flow.answer(Answer::Choice(0)).unwrap();
    assert_eq!(flow.stage(), &Stage::Review);
}

/// context then desire, both named.
fn context_and_desire(catalog: &crate::model::catalog::Catalog) -> Vec<Part<'_>> {
    ["context", "desire"]
        .iter()
        .map(|id| Part {
            q: catalog.get(id).unwrap().q(),
            explicit: true,
        })
        .collect()
}

fn gates() -> Questionnaire {
    questionnaire_from_bytes(include_bytes!("../../tests/fixtures/interview/gates.json"))
        .map(|l| l.questionnaire)
        .unwrap_or_else(|p| panic!("{p:?}"))
}

/// Where each question of `gates` stands, answered with `answers` in turn: (item, number,
/// total).
fn gates_progress(derived: &[Derived], answers: &[i64]) -> Vec<(String, usize, usize)> {
    let q = gates();
    let parts = vec![Part {
        q: &q,
        explicit: true,
    }];
    let mut flow = Flow::with_derived(parts, SessionAnswers::new(), derived);
    let mut seen = Vec::new();
    for a in answers {
        let question = flow.question().expect("a question");
        seen.push((
            question.item.id().to_owned(),
            question.number,
            question.total,
        ));
        flow.answer(Answer::Choice(*a)).unwrap();
    }
    assert_eq!(flow.stage(), &Stage::Review, "{seen:?}");
    seen
}

#[test]
fn a_question_that_depends_on_one_that_cannot_be_asked_is_not_counted() {
    let at = |item: &str, number, total| (item.to_owned(), number, total);
    // Nothing known: every question may be asked.
    // "any" Never: "how" is not asked, so "more" (which needs an answer to "how") is not
    // either, and "none" (asked when "how" has no answer) is.
    assert_eq!(
        gates_progress(&[], &[0, 0, 0]),
        [at("any", 1, 5), at("none", 2, 3), at("last", 3, 3)]
    );
    // "how" Often opens "more" and closes "none".
    assert_eq!(
        gates_progress(&[], &[1, 2, 0, 0]),
        [
            at("any", 1, 5),
            at("how", 2, 5),
            at("more", 3, 4),
            at("last", 4, 4)
        ]
    );
    // "how" Never closes both.
    assert_eq!(
        gates_progress(&[], &[2, 0, 0]),
        [at("any", 1, 5), at("how", 2, 5), at("last", 3, 3)]
    );
    // A derived answer is neither asked nor counted, and known from the start.
    let derived = [Derived {
        questionnaire: "gates".into(),
        item: "any".into(),
        answer: Some(Answer::Choice(1)),
    }];
    assert_eq!(
        gates_progress(&derived, &[2, 0, 0]),
        [at("how", 1, 4), at("more", 2, 3), at("last", 3, 3)]
    );
}

#[test]
fn progress_is_a_pure_function_of_the_answers_and_the_place() {
    let q = gates();
    let parts = vec![Part {
        q: &q,
        explicit: true,
    }];
    let mut answers = SessionAnswers::new();
    answers.insert(
        "gates".into(),
        [
            ("any".to_owned(), Answer::Choice(1)),
            ("how".to_owned(), Answer::Choice(2)),
        ]
        .into(),
    );
    let scored = Flow::new(parts.clone(), answers).scored();
    let none = BTreeSet::new();
    // At "how", its answer is not known yet (it is being asked): "more" and "none" may follow.
    let at_how = super::flow::progress(&parts, &scored, &none, (0, 1));
    assert_eq!((at_how.number, at_how.total), (2, 5));
    // Past it, they are decided.
    let at_more = super::flow::progress(&parts, &scored, &none, (0, 2));
    assert_eq!((at_more.number, at_more.total), (3, 4));
}

#[test]
fn the_estimate_counts_the_topics_questionnaires_only_as_a_most() {
    let catalog = bundled();
    let parts: Vec<Part> = catalog
        .entries
        .iter()
        .map(|e| Part {
            q: e.q(),
            explicit: e.q().applies_when.is_none(),
        })
        .collect();
    let questions = |id: &str| {
        let q = catalog.get(id).unwrap().q();
        q.items.iter().filter(|i| i.is_question()).count()
    };
    let flow = Flow::new(parts.clone(), SessionAnswers::new());
    let estimate = flow.estimate();
    // Sure: the questionnaires asked whatever the topics (no `applies_when`).
    let sure: usize = parts
        .iter()
        .filter(|p| p.q.applies_when.is_none())
        .map(|p| questions(&p.q.id))
        .sum();
    assert_eq!(estimate.sure, sure);
    let all: usize = parts.iter().map(|p| questions(&p.q.id)).sum();
    assert_eq!(
        estimate.most, all,
        "nothing is decided before the first answer"
    );
    let named = context_and_desire(&catalog);
    let flow = Flow::new(named, SessionAnswers::new());
    let estimate = flow.estimate();
    assert_eq!(estimate.sure, estimate.most);
    assert_eq!(estimate.sure, questions("context") + questions("desire"));
}

#[test]
fn a_derived_answer_is_never_asked_kept_in_the_scores_and_left_out_of_the_draft() {
    let catalog = bundled();
    let parts = context_and_desire(&catalog);
    let derived = [Derived {
        questionnaire: "context".into(),
        item: "topics".into(),
        answer: Some(Answer::Choices(vec![1])),
    }];
    let mut flow = Flow::with_derived(parts, SessionAnswers::new(), &derived);
    let mut asked = Vec::new();
    while let Some(q) = flow.question() {
        asked.push(format!("{}.{}", q.q.id, q.item.id()));
        flow.skip().unwrap();
    }
    assert!(!asked.contains(&"context.topics".to_owned()), "{asked:?}");
    assert!(!flow.review().iter().any(|l| l.item.id() == "topics"));
    assert_eq!(
        flow.derived_answers(),
        [("context".to_owned(), "topics".to_owned())]
    );
    let scored = flow.scored();
    assert_eq!(
        scored[0].answers.get("topics"),
        Some(&Answer::Choices(vec![1]))
    );
    assert!(flow.given_answers().is_empty(), "nothing was given");
}

#[test]
fn an_answer_already_given_is_kept_and_not_derived() {
    let catalog = bundled();
    let parts = context_and_desire(&catalog);
    let mut answers = SessionAnswers::new();
    answers.insert(
        "context".into(),
        [("topics".to_owned(), Answer::Choices(vec![5]))].into(),
    );
    let derived = [Derived {
        questionnaire: "context".into(),
        item: "topics".into(),
        answer: Some(Answer::Choices(vec![1])),
    }];
    let flow = Flow::with_derived(parts, answers, &derived);
    assert!(flow.derived_answers().is_empty());
    assert_eq!(
        flow.given_answers()["context"]["topics"],
        Answer::Choices(vec![5])
    );
}

#[test]
fn nothing_to_derive_leaves_the_item_unasked_and_not_asked_in_the_record() {
    let catalog = bundled();
    let context = catalog.get("context").unwrap().q();
    let (topics, _) = context.item("topics").unwrap();
    let derived = [Derived {
        questionnaire: "context".into(),
        item: "topics".into(),
        answer: None,
    }];
    let mut flow = Flow::with_derived(
        vec![Part {
            q: context,
            explicit: true,
        }],
        SessionAnswers::new(),
        &derived,
    );
    while flow.question().is_some() {
        assert_ne!(flow.question().unwrap().item.id(), "topics");
        flow.skip().unwrap();
    }
    assert_eq!(
        flow.scored()[0].outcomes[topics],
        crate::scoring::Outcome::NotAsked
    );
    assert!(flow.derived_answers().is_empty());
}

/// Answers a question the way `pattern` says: 0 the first option (or the lowest number), 1
/// the last (or the highest), 2 leaves it out (skip, or "Prefer not to answer"), any other
/// a mix chosen by a seed. An answer the item refuses is replaced by another that it takes.
fn answer_as<'a>(flow: &mut Flow<'a>, pattern: u64, step: u64) {
    let Stage::Asking((qi, ii)) = flow.stage().clone() else {
        panic!("no question");
    };
    let q: &'a Questionnaire = flow.parts()[qi].q;
    let item = &q.items[ii];
    let options: Vec<(i64, bool)> = q
        .options_of(item)
        .iter()
        .map(|o| (o.value, o.exclusive))
        .collect();
    // A small deterministic generator: the same answers on every run.
    let mut seed = (pattern + 1)
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(step.wrapping_mul(1_442_695_040_888_963_407));
    let mut next = |n: usize| {
        seed ^= seed >> 33;
        seed = seed.wrapping_mul(0xff51_afd7_ed55_8ccd);
        seed ^= seed >> 33;
        (seed % n.max(1) as u64) as usize
    };
    let style = if pattern < 3 {
        pattern
    } else {
        3 + next(4) as u64
    };
    let common = item.common();
    if style == 2 || style == 6 {
        let left_out = if common.declinable && (style == 6 || common.required) {
            flow.answer(Answer::Declined)
        } else {
            flow.skip()
        };
        if left_out.is_ok() {
            return;
        }
    }
    let first = style == 0;
    let candidate = match item {
        Item::SingleChoice(_) => {
            let i = match style {
                0 => 0,
                1 => options.len() - 1,
                _ => next(options.len()),
            };
            Answer::Choice(options[i].0)
        }
        Item::MultiChoice(_) => {
            let plain: Vec<i64> = options.iter().filter(|o| !o.1).map(|o| o.0).collect();
            match style {
                0 => Answer::Choices(vec![options[0].0]),
                1 => Answer::Choices(vec![options[options.len() - 1].0]),
                _ => {
                    let mut some: Vec<i64> =
                        plain.iter().copied().filter(|_| next(2) == 0).collect();
                    if some.is_empty() {
                        some.push(plain[next(plain.len())]);
                    }
                    Answer::Choices(some)
                }
            }
        }
        Item::Number(n) => Answer::Number(if first { n.min } else { n.max }),
        Item::Text(_) => Answer::Text("words".into()),
        Item::Display(_) => unreachable!("display items are not asked"),
    };
    if flow.answer(candidate).is_err()
        && flow.skip().is_err()
        && flow.answer(Answer::Declined).is_err()
    {
        let fallback = match item {
            Item::MultiChoice(_) => Answer::Choices(vec![options[0].0]),
            _ => Answer::Choice(options[0].0),
        };
        flow.answer(fallback).expect("some answer is taken");
    }
}

/// Answers every question of `flow` as `pattern` says, checking at each question that its
/// number counts up by one within its questionnaire, never passes the total, and that the
/// total never grows. Returns the questions asked.
pub(crate) fn answer_all_checking_progress(flow: &mut Flow, pattern: u64) -> Vec<String> {
    let mut asked = Vec::new();
    let mut last: Option<(String, usize, usize)> = None;
    let mut finished = BTreeSet::new();
    let mut step = 0;
    while let Some(question) = flow.question() {
        let id = question.q.id.clone();
        let (number, total) = (question.number, question.total);
        asked.push(format!("{id}.{} [{number} of {total}]", question.item.id()));
        assert!(number <= total, "{asked:#?}");
        match &last {
            Some((q, n, t)) if *q == id => {
                assert_eq!(number, n + 1, "pattern {pattern}: {asked:#?}");
                assert!(total <= *t, "pattern {pattern}: the total grew: {asked:#?}");
            }
            Some((q, _, _)) => {
                finished.insert(q.clone());
                assert!(!finished.contains(&id), "{id} comes back: {asked:#?}");
                assert_eq!(number, 1, "{asked:#?}");
            }
            None => assert_eq!(number, 1, "{asked:#?}"),
        }
        last = Some((id, number, total));
        answer_as(flow, pattern, step);
        step += 1;
        assert!(step < 10_000, "the interview does not end");
    }
    assert_eq!(flow.stage(), &Stage::Review);
    asked
}

#[test]
fn over_every_bundled_questionnaire_the_total_never_grows() {
    let catalog = bundled();
    // Each questionnaire named (with those it refers to), then all of them unnamed, as
    // `confide take` without ids asks them: the topics decide what follows.
    let mut sessions: Vec<Vec<Part>> = catalog
        .entries
        .iter()
        .map(|e| {
            catalog
                .ordered(std::slice::from_ref(&e.q().id), true)
                .into_iter()
                .map(|e| Part {
                    q: e.q(),
                    explicit: true,
                })
                .collect()
        })
        .collect();
    sessions.push(
        catalog
            .ordered(
                &catalog
                    .ids()
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect::<Vec<_>>(),
                true,
            )
            .into_iter()
            .map(|e| Part {
                q: e.q(),
                explicit: e.q().applies_when.is_none(),
            })
            .collect(),
    );
    let mut seen_questionnaires = BTreeSet::new();
    for parts in sessions {
        for pattern in 0..12 {
            let mut flow = Flow::new(parts.clone(), SessionAnswers::new());
            let asked = answer_all_checking_progress(&mut flow, pattern);
            for a in &asked {
                seen_questionnaires.insert(a.split('.').next().unwrap_or_default().to_owned());
            }
        }
    }
    let every: BTreeSet<String> = catalog.ids().iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(
        seen_questionnaires, every,
        "every bundled questionnaire was asked"
    );
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
