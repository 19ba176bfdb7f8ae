//! Which questions can still be asked, given what is known so far.
//!
//! Everything before a point in the interview (the *frontier*) is known: those questions
//! were passed, and their answers, or their absence, are final. An answer derived from the
//! questionnaires chosen is known from the start. What comes at or after the frontier is
//! not known yet. A condition is then true, false, or not decided yet: a comparison about
//! something not known is undecided, unless the item it looks at can no longer be asked, in
//! which case it will have no answer and the comparison is decided as scoring decides one
//! about a missing answer. `all` and `any` combine the three values as logic with an
//! unknown does (false wins in `all`, true wins in `any`).
//!
//! A question counts as reachable unless its condition is already decided false. As the
//! frontier moves forward, undecided conditions become decided and decided ones never
//! change, so the count of reachable questions can only go down.

use std::collections::BTreeSet;

use super::flow::{Part, Pos};
use crate::model::condition::{Clause, Comparison, Condition, Op};
use crate::model::questionnaire::Questionnaire;
use crate::scoring::{self, Earlier, Scored, View};

/// True, false, or not decided yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tri {
    Yes,
    No,
    Unknown,
}

impl Tri {
    fn of(b: bool) -> Tri {
        if b { Tri::Yes } else { Tri::No }
    }

    fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Yes, Tri::Yes) => Tri::Yes,
            _ => Tri::Unknown,
        }
    }

    fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
            (Tri::No, Tri::No) => Tri::No,
            _ => Tri::Unknown,
        }
    }
}

/// What can still happen in each questionnaire of an interview.
#[derive(Debug)]
pub(crate) struct Reach {
    /// Per questionnaire: whether it is taken.
    pub(crate) applies: Vec<Tri>,
    /// Per questionnaire and item: whether the item is (or can still be) enabled. `No` means
    /// it will not be asked whatever comes next.
    pub(crate) items: Vec<Vec<Tri>>,
}

/// What is known at `frontier`: `scored` is the interview scored as it stands (what
/// `Flow::scored` gives), `derived` the positions whose answers were derived, known from
/// the start.
pub(crate) fn reach(
    parts: &[Part],
    scored: &[Scored],
    derived: &BTreeSet<Pos>,
    frontier: Pos,
) -> Reach {
    let mut reach = Reach {
        applies: Vec::with_capacity(parts.len()),
        items: Vec::with_capacity(parts.len()),
    };
    for (qi, part) in parts.iter().enumerate() {
        let earlier: Earlier = scored[..qi].iter().map(|s| (s.id.as_str(), s)).collect();
        let known = |pos: Pos| pos < frontier || derived.contains(&pos);
        let applies = match &part.q.applies_when {
            _ if part.explicit => Tri::Yes,
            None => Tri::Yes,
            Some(cond) => {
                let empty = scoring::ItemAnswers::new();
                let view = View {
                    q: part.q,
                    answers: &empty,
                    scales: Some(&[]),
                    earlier: &earlier,
                };
                let at = At {
                    parts,
                    reach: &reach,
                    qi,
                    known: &known,
                    view: &view,
                };
                at.condition(cond)
            }
        };
        reach.applies.push(applies);
        reach.items.push(Vec::with_capacity(part.q.items.len()));
        let view = View {
            q: part.q,
            answers: &scored[qi].answers,
            scales: Some(&scored[qi].scales),
            earlier: &earlier,
        };
        for (ii, item) in part.q.items.iter().enumerate() {
            let tri = if applies == Tri::No {
                Tri::No
            } else if known((qi, ii)) {
                Tri::of(scored[qi].outcomes[ii] != scoring::Outcome::NotAsked)
            } else {
                let enabled = match item.common().enable_when {
                    None => Tri::Yes,
                    Some(cond) => At {
                        parts,
                        reach: &reach,
                        qi,
                        known: &known,
                        view: &view,
                    }
                    .condition(cond),
                };
                applies.and(enabled)
            };
            reach.items[qi].push(tri);
        }
    }
    reach
}

/// A condition of questionnaire `qi`, looked at with what is known.
struct At<'a> {
    parts: &'a [Part<'a>],
    /// What is decided so far: every earlier questionnaire, and the earlier items of `qi`.
    reach: &'a Reach,
    qi: usize,
    known: &'a dyn Fn(Pos) -> bool,
    /// Answers and scales as scoring sees them, for comparisons about what is known.
    view: &'a View<'a>,
}

impl At<'_> {
    fn condition(&self, cond: &Condition) -> Tri {
        match cond {
            Condition::All(clauses) if clauses.is_empty() => Tri::No,
            Condition::All(clauses) => clauses
                .iter()
                .fold(Tri::Yes, |acc, c| acc.and(self.clause(c))),
            Condition::Any(clauses) => clauses
                .iter()
                .fold(Tri::No, |acc, c| acc.or(self.clause(c))),
        }
    }

    fn clause(&self, clause: &Clause) -> Tri {
        match clause {
            Clause::Compare(c) => self.compare(c),
            Clause::Nested(inner) => self.condition(inner),
        }
    }

    fn compare(&self, c: &Comparison) -> Tri {
        let decided = || {
            let one = Condition::All(vec![Clause::Compare(c.clone())]);
            Tri::of(scoring::evaluate(&one, self.view))
        };
        // About something that will have no answer: false, except `missing`.
        let absent = || Tri::of(c.op == Op::Missing);
        if let Some(reference) = &c.item {
            let Some(pos) = self.item_pos(reference) else {
                return decided();
            };
            if (self.known)(pos) {
                decided()
            } else if self.state(pos) == Some(Tri::No) {
                absent()
            } else {
                Tri::Unknown
            }
        } else if let Some(reference) = &c.scale {
            match self.scale_items(reference) {
                Some(items) if !items.iter().all(|p| (self.known)(*p)) => Tri::Unknown,
                _ => decided(),
            }
        } else {
            decided()
        }
    }

    /// The position of the item `reference` (`item_id` of this questionnaire, or
    /// `questionnaire_id.item_id`), when it is part of this interview.
    fn item_pos(&self, reference: &str) -> Option<Pos> {
        let (qi, id) = self.resolve(reference)?;
        let (ii, _) = self.parts[qi].q.item(id)?;
        Some((qi, ii))
    }

    /// Which questionnaire of the interview a reference is to, and the id within it.
    fn resolve<'r>(&self, reference: &'r str) -> Option<(usize, &'r str)> {
        match reference.split_once('.') {
            Some((qid, id)) => {
                let qi = self.parts.iter().position(|p| p.q.id == qid)?;
                Some((qi, id))
            }
            None => Some((self.qi, reference)),
        }
    }

    /// What is decided about an item before the one being looked at.
    fn state(&self, (qi, ii): Pos) -> Option<Tri> {
        self.reach.items.get(qi)?.get(ii).copied()
    }

    /// The positions of the items a scale combines, through the scales it combines.
    fn scale_items(&self, reference: &str) -> Option<Vec<Pos>> {
        let (qi, id) = self.resolve(reference)?;
        let q = self.parts[qi].q;
        let mut out = Vec::new();
        scale_item_indices(q, id, &mut out, 0);
        Some(out.into_iter().map(|ii| (qi, ii)).collect())
    }
}

/// The indices of the items scale `id` of `q` combines, directly or through its scales.
fn scale_item_indices(q: &Questionnaire, id: &str, out: &mut Vec<usize>, depth: usize) {
    let Some((_, scale)) = q.scale(id) else {
        return;
    };
    // Scales combine earlier scales only; the depth is a guard, not a rule.
    if depth > q.scales.len() {
        return;
    }
    out.extend(
        scale
            .items
            .iter()
            .filter_map(|i| q.item(i).map(|(ii, _)| ii)),
    );
    for inner in &scale.scales {
        scale_item_indices(q, inner, out, depth + 1);
    }
}
