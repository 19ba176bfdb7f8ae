//! The interview as a pure state machine: which item comes next, going back, changing an
//! answer from the review, and finishing. It never talks to the person; prompters do.
//!
//! Questionnaires are walked in order. An item is asked when its `enable_when` holds given
//! the answers so far; a questionnaire with `applies_when` is skipped when that is false,
//! unless it was asked for by id. Answers of items that become disabled are kept while the
//! interview runs (so going back restores them) and dropped when it finishes.
//!
//! An item whose answer is derived (the topics, when the questionnaires were named) is never
//! asked: its answer, if any, is there from the start.
//!
//! Progress is counted per questionnaire ([`progress`]): the questions passed, plus those
//! that can still be asked given the answers so far (`reach`), so a total never grows as the
//! person answers.

use std::collections::BTreeSet;

use crate::model::answer::{Answer, check};
use crate::model::questionnaire::{Item, Questionnaire};
use crate::model::text::Text;
use crate::scoring::{self, Earlier, Scored, SessionAnswers, evaluate};

use super::reach::{Tri, reach};

/// A position: questionnaire index, item index.
pub(crate) type Pos = (usize, usize);

/// One questionnaire in the interview.
#[derive(Debug, Clone)]
pub(crate) struct Part<'a> {
    pub(crate) q: &'a Questionnaire,
    /// Asked for by id: asked even when its `applies_when` is false.
    pub(crate) explicit: bool,
}

/// Where the interview stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stage {
    Asking(Pos),
    Review,
}

/// A question to put to the person.
pub(crate) struct Question<'a> {
    pub(crate) q: &'a Questionnaire,
    pub(crate) item: &'a Item,
    /// 1-based number of this question among those of its questionnaire.
    pub(crate) number: usize,
    /// How many questions of its questionnaire can be asked, given the answers so far: it
    /// never grows as the person answers (see [`progress`]).
    pub(crate) total: usize,
    /// Display items between the previous question and this one.
    pub(crate) notes: Vec<&'a Text>,
    /// True for the first question shown of its questionnaire (show title and intro).
    pub(crate) first_of_questionnaire: bool,
    /// The answer given before, if any (when going back or changing).
    pub(crate) current: Option<&'a Answer>,
    /// Whether `b` / Esc can go back.
    pub(crate) can_go_back: bool,
}

/// An answer not asked but derived from what the person chose (the topics, from the
/// questionnaires named): `None` when there is nothing to derive, and the item is not asked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Derived {
    pub(crate) questionnaire: String,
    pub(crate) item: String,
    pub(crate) answer: Option<Answer>,
}

/// Where a question stands in its questionnaire: "3 of 9".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Progress {
    pub(crate) number: usize,
    pub(crate) total: usize,
}

/// How many questions an interview can ask, as known before the first: `sure` in the
/// questionnaires that are taken whatever the answers, `most` counting also those that
/// depend on answers not given yet (the topics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Estimate {
    pub(crate) sure: usize,
    pub(crate) most: usize,
}

/// One line of the review: an asked item and its answer.
pub(crate) struct ReviewLine<'a> {
    pub(crate) q: &'a Questionnaire,
    pub(crate) item: &'a Item,
    pub(crate) pos: Pos,
    pub(crate) answer: Option<&'a Answer>,
}

/// The interview.
pub(crate) struct Flow<'a> {
    parts: Vec<Part<'a>>,
    answers: SessionAnswers,
    stage: Stage,
    /// Positions of questions shown, for going back.
    trail: Vec<Pos>,
    /// Questions the person has seen (so changing an answer only asks what is new).
    seen: BTreeSet<Pos>,
    /// While changing an answer from the review: ask newly enabled items after it, then
    /// return to the review.
    changing: bool,
    /// Items whose answer was derived: never asked.
    derived: BTreeSet<Pos>,
}

impl<'a> Flow<'a> {
    /// Starts an interview, optionally with answers kept from a draft.
    pub(crate) fn new(parts: Vec<Part<'a>>, answers: SessionAnswers) -> Flow<'a> {
        Flow::with_derived(parts, answers, &[])
    }

    /// Starts an interview with answers derived from what the person chose. An item the
    /// person already answered (in a draft) keeps that answer and is not derived.
    pub(crate) fn with_derived(
        parts: Vec<Part<'a>>,
        mut answers: SessionAnswers,
        derived: &[Derived],
    ) -> Flow<'a> {
        let mut positions = BTreeSet::new();
        for d in derived {
            let Some(qi) = parts.iter().position(|p| p.q.id == d.questionnaire) else {
                continue;
            };
            let Some((ii, _)) = parts[qi].q.item(&d.item) else {
                continue;
            };
            let given = answers.entry(d.questionnaire.clone()).or_default();
            if given.contains_key(&d.item) {
                continue;
            }
            if let Some(a) = &d.answer {
                given.insert(d.item.clone(), a.clone());
            }
            positions.insert((qi, ii));
        }
        answers.retain(|_, items| !items.is_empty());
        let mut flow = Flow {
            parts,
            answers,
            stage: Stage::Review,
            trail: Vec::new(),
            seen: BTreeSet::new(),
            changing: false,
            derived: positions,
        };
        flow.stage = match flow.next_question_from(None) {
            Some(p) => Stage::Asking(p),
            None => Stage::Review,
        };
        flow
    }

    /// Continues at `questionnaire_id.item_id` (from a draft), or at the first question
    /// after it when that one is not asked now; the questions before it count as seen, so
    /// going back works.
    pub(crate) fn resume_at(&mut self, at: &str) {
        let Some((qid, item)) = at.split_once('.') else {
            return;
        };
        let Some(qi) = self.parts.iter().position(|p| p.q.id == qid) else {
            return;
        };
        let Some((ii, _)) = self.parts[qi].q.item(item) else {
            return;
        };
        let questions = self.questions();
        let Some(&pos) = questions.iter().find(|p| **p >= (qi, ii)) else {
            return;
        };
        for p in questions.iter().take_while(|p| **p < pos) {
            self.seen.insert(*p);
            self.trail.push(*p);
        }
        self.stage = Stage::Asking(pos);
    }

    /// Continues at the review (a draft kept there): every question counts as seen.
    pub(crate) fn resume_at_review(&mut self) {
        let questions = self.questions();
        for p in &questions {
            self.seen.insert(*p);
            self.trail.push(*p);
        }
        self.changing = false;
        self.stage = Stage::Review;
    }

    pub(crate) fn stage(&self) -> &Stage {
        &self.stage
    }

    pub(crate) fn answers(&self) -> &SessionAnswers {
        &self.answers
    }

    /// The answers the person gave: every answer but the derived ones.
    pub(crate) fn given_answers(&self) -> SessionAnswers {
        let mut given = self.answers.clone();
        for &(qi, ii) in &self.derived {
            let q = self.parts[qi].q;
            if let Some(items) = given.get_mut(&q.id) {
                items.remove(q.items[ii].id());
            }
        }
        given.retain(|_, items| !items.is_empty());
        given
    }

    /// The derived answers that count (their item is enabled), as (questionnaire, item).
    pub(crate) fn derived_answers(&self) -> Vec<(String, String)> {
        let scored = self.scored();
        self.derived
            .iter()
            .filter(|(qi, ii)| matches!(scored[*qi].outcomes[*ii], scoring::Outcome::Answered(_)))
            .map(|&(qi, ii)| {
                let q = self.parts[qi].q;
                (q.id.clone(), q.items[ii].id().to_owned())
            })
            .collect()
    }

    pub(crate) fn parts(&self) -> &[Part<'a>] {
        &self.parts
    }

    /// Scores what has been answered so far, in order; disabled answers are dropped.
    pub(crate) fn scored(&self) -> Vec<Scored> {
        let mut done: Vec<Scored> = Vec::new();
        let empty = scoring::ItemAnswers::new();
        for (qi, part) in self.parts.iter().enumerate() {
            let earlier: Earlier = done.iter().map(|s| (s.id.as_str(), s)).collect();
            let applies = self.applies(qi, &earlier);
            let answers = if applies {
                self.answers.get(&part.q.id).unwrap_or(&empty)
            } else {
                &empty
            };
            let mut scored = scoring::score(part.q, answers, &earlier);
            if !applies {
                scored.outcomes = vec![scoring::Outcome::NotAsked; part.q.items.len()];
            }
            // A derived item with nothing to derive was not asked.
            for &(_, ii) in self.derived.range((qi, 0)..(qi + 1, 0)) {
                if scored.outcomes[ii] == scoring::Outcome::Skipped {
                    scored.outcomes[ii] = scoring::Outcome::NotAsked;
                }
            }
            done.push(scored);
        }
        done
    }

    /// Whether questionnaire `qi` is taken, given the earlier ones.
    fn applies(&self, qi: usize, earlier: &Earlier) -> bool {
        let part = &self.parts[qi];
        part.explicit
            || part.q.applies_when.as_ref().is_none_or(|cond| {
                evaluate(
                    cond,
                    &scoring::View {
                        q: part.q,
                        answers: &scoring::ItemAnswers::new(),
                        scales: Some(&[]),
                        earlier,
                    },
                )
            })
    }

    /// Whether questionnaire `qi` is left out because it does not apply.
    #[cfg(test)]
    pub(crate) fn skipped_questionnaire(&self, qi: usize) -> bool {
        let scored = self.scored();
        let earlier: Earlier = scored[..qi].iter().map(|s| (s.id.as_str(), s)).collect();
        !self.applies(qi, &earlier)
    }

    /// Enabled questions in order, as positions, given the current answers.
    fn questions(&self) -> Vec<Pos> {
        questions(&self.parts, &self.scored(), &self.derived)
    }

    /// How many questions this interview can ask, as known before the first answer.
    pub(crate) fn estimate(&self) -> Estimate {
        estimate(&self.parts, &self.scored(), &self.derived)
    }

    /// Whether each item (question or display) is enabled now.
    fn enabled_items(&self) -> Vec<Vec<bool>> {
        self.scored()
            .iter()
            .map(|s| {
                s.outcomes
                    .iter()
                    .map(|o| *o != scoring::Outcome::NotAsked)
                    .collect()
            })
            .collect()
    }

    /// The first enabled question after `after` (or from the start).
    fn next_question_from(&self, after: Option<Pos>) -> Option<Pos> {
        self.questions()
            .into_iter()
            .find(|p| after.is_none_or(|a| *p > a))
    }

    /// The question at the current position, with what a prompter needs to show it.
    pub(crate) fn question(&self) -> Option<Question<'_>> {
        let Stage::Asking(pos) = self.stage else {
            return None;
        };
        let (qi, ii) = pos;
        let q = self.parts[qi].q;
        let item = &q.items[ii];
        let scored = self.scored();
        let questions = questions(&self.parts, &scored, &self.derived);
        let Progress { number, total } = progress(&self.parts, &scored, &self.derived, pos);
        let enabled = self.enabled_items();
        // Display items since the previous question of the same questionnaire.
        let prev_in_q = questions
            .iter()
            .rev()
            .find(|p| p.0 == qi && p.1 < ii)
            .map(|p| p.1);
        let start = prev_in_q.map_or(0, |p| p + 1);
        let notes = (start..ii)
            .filter(|&j| matches!(q.items[j], Item::Display(_)) && enabled[qi][j])
            .map(|j| q.items[j].common().text)
            .collect();
        Some(Question {
            q,
            item,
            number,
            total,
            notes,
            first_of_questionnaire: prev_in_q.is_none(),
            current: self.answers.get(&q.id).and_then(|a| a.get(item.id())),
            can_go_back: !self.trail.is_empty(),
        })
    }

    /// Records an answer to the current question and moves on. The answer is checked
    /// against the item; an error leaves the interview where it was.
    pub(crate) fn answer(&mut self, answer: Answer) -> Result<(), String> {
        let Stage::Asking(pos) = self.stage else {
            return Err("there is no question to answer".into());
        };
        let q = self.parts[pos.0].q;
        let item = &q.items[pos.1];
        check(q, item, &answer)?;
        self.answers
            .entry(q.id.clone())
            .or_default()
            .insert(item.id().to_owned(), answer);
        self.advance(pos);
        Ok(())
    }

    /// Leaves the current question unanswered (not for required items).
    pub(crate) fn skip(&mut self) -> Result<(), String> {
        let Stage::Asking(pos) = self.stage else {
            return Err("there is no question to skip".into());
        };
        let q = self.parts[pos.0].q;
        let item = &q.items[pos.1];
        if item.common().required {
            return Err(if item.common().declinable {
                "this question needs an answer; you can choose \"Prefer not to answer\"".into()
            } else {
                "this question needs an answer".into()
            });
        }
        if let Some(a) = self.answers.get_mut(&q.id) {
            a.remove(item.id());
        }
        self.advance(pos);
        Ok(())
    }

    fn advance(&mut self, pos: Pos) {
        self.seen.insert(pos);
        self.trail.push(pos);
        let next = if self.changing {
            // Only questions that the change newly enabled.
            self.questions()
                .into_iter()
                .find(|p| *p > pos && !self.seen.contains(p))
        } else {
            self.next_question_from(Some(pos))
        };
        self.stage = match next {
            Some(p) => Stage::Asking(p),
            None => {
                self.changing = false;
                Stage::Review
            }
        };
    }

    /// Goes back to the previous question shown. Returns false when there is none.
    pub(crate) fn back(&mut self) -> bool {
        let enabled = self.questions();
        while let Some(prev) = self.trail.pop() {
            if enabled.contains(&prev) {
                self.stage = Stage::Asking(prev);
                return true;
            }
        }
        false
    }

    /// The review: every question that is asked, with its answer.
    pub(crate) fn review(&self) -> Vec<ReviewLine<'_>> {
        self.questions()
            .into_iter()
            .map(|(qi, ii)| {
                let q = self.parts[qi].q;
                let item = &q.items[ii];
                ReviewLine {
                    q,
                    item,
                    pos: (qi, ii),
                    answer: self.answers.get(&q.id).and_then(|a| a.get(item.id())),
                }
            })
            .collect()
    }

    /// From the review, asks one question again (then any question the change enables).
    pub(crate) fn change(&mut self, pos: Pos) -> bool {
        if !self.questions().contains(&pos) {
            return false;
        }
        self.changing = true;
        self.stage = Stage::Asking(pos);
        true
    }
}

/// Enabled questions in order, as positions, given the interview scored as it stands.
fn questions(parts: &[Part], scored: &[Scored], derived: &BTreeSet<Pos>) -> Vec<Pos> {
    let mut out = Vec::new();
    for (qi, part) in parts.iter().enumerate() {
        for (ii, item) in part.q.items.iter().enumerate() {
            if item.is_question()
                && scored[qi].outcomes[ii] != scoring::Outcome::NotAsked
                && !derived.contains(&(qi, ii))
            {
                out.push((qi, ii));
            }
        }
    }
    out
}

/// Where the question at `pos` stands in its questionnaire: its number among the questions
/// asked there so far, and the total, which is those questions plus every later question
/// of the questionnaire that can still be asked given the answers so far. A question whose
/// condition is already false is not counted; one whose condition is not decided yet is.
/// So, as the person answers, the total can only go down within a questionnaire (going
/// back and changing an answer may open questions again).
pub(crate) fn progress(
    parts: &[Part],
    scored: &[Scored],
    derived: &BTreeSet<Pos>,
    pos: Pos,
) -> Progress {
    let (qi, ii) = pos;
    let items = &parts[qi].q.items;
    let counts = |j: usize| items[j].is_question() && !derived.contains(&(qi, j));
    let before = (0..ii)
        .filter(|&j| counts(j) && scored[qi].outcomes[j] != scoring::Outcome::NotAsked)
        .count();
    // Later questionnaires cannot change what this one asks.
    let reach = reach(&parts[..=qi], &scored[..=qi], derived, pos);
    let ahead = (ii..items.len())
        .filter(|&j| counts(j) && (j == ii || reach.items[qi][j] != Tri::No))
        .count();
    Progress {
        number: before + 1,
        total: before + ahead,
    }
}

/// How many questions can be asked, as known before the first answer.
pub(crate) fn estimate(parts: &[Part], scored: &[Scored], derived: &BTreeSet<Pos>) -> Estimate {
    let reach = reach(parts, scored, derived, (0, 0));
    let mut estimate = Estimate { sure: 0, most: 0 };
    for (qi, part) in parts.iter().enumerate() {
        let asked = (0..part.q.items.len())
            .filter(|&ii| {
                part.q.items[ii].is_question()
                    && !derived.contains(&(qi, ii))
                    && reach.items[qi][ii] != Tri::No
            })
            .count();
        match reach.applies[qi] {
            Tri::Yes => {
                estimate.sure += asked;
                estimate.most += asked;
            }
            Tri::Unknown => estimate.most += asked,
            Tri::No => {}
        }
    }
    estimate
}
