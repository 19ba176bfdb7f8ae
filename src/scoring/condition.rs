//! Evaluating conditions.
//!
//! Unanswered semantics: a clause about an item that was skipped, declined, not asked, or
//! belongs to a questionnaire that was not taken is false, whatever the operator, except
//! that nothing else is special: `exists` is false too. The same holds for a scale without
//! enough answers. So `!=` never fires on a missing answer. The one exception is `missing`,
//! the complement of `exists`: it is true exactly when there is no answer or value.

use serde_json::Value;

use super::View;
use crate::model::answer::Answer;
use crate::model::condition::{Clause, Comparison, Condition, Op};

/// Whether `cond` holds.
pub(crate) fn evaluate(cond: &Condition, view: &View) -> bool {
    match cond {
        Condition::All(clauses) => !clauses.is_empty() && clauses.iter().all(|c| clause(c, view)),
        Condition::Any(clauses) => clauses.iter().any(|c| clause(c, view)),
    }
}

fn clause(c: &Clause, view: &View) -> bool {
    match c {
        Clause::Compare(c) => compare(c, view),
        Clause::Nested(inner) => evaluate(inner, view),
    }
}

fn compare(c: &Comparison, view: &View) -> bool {
    if c.op == Op::Missing {
        let present = if let Some(r) = &c.item {
            !matches!(view.item(r), None | Some(Answer::Declined))
        } else if let Some(r) = &c.scale {
            view.scale(r).is_some()
        } else {
            true
        };
        return !present;
    }
    if let Some(r) = &c.item {
        match view.item(r) {
            None | Some(Answer::Declined) => false,
            Some(answer) => compare_answer(answer, &c.op, c.value.as_ref()),
        }
    } else if let Some(r) = &c.scale {
        match view.scale(r) {
            None => false,
            Some(v) => c.op == Op::Exists || compare_number(v, &c.op, c.value.as_ref()),
        }
    } else {
        false
    }
}

fn compare_answer(answer: &Answer, op: &Op, value: Option<&Value>) -> bool {
    if *op == Op::Exists {
        return true;
    }
    match answer {
        Answer::Choice(v) => compare_number(*v as f64, op, value),
        Answer::Number(x) => compare_number(*x, op, value),
        Answer::Choices(vs) => {
            *op == Op::Includes
                && value
                    .and_then(Value::as_i64)
                    .is_some_and(|v| vs.contains(&v))
        }
        Answer::Text(s) => match (op, value.and_then(Value::as_str)) {
            (Op::Eq, Some(v)) => s == v,
            (Op::Ne, Some(v)) => s != v,
            _ => false,
        },
        Answer::Declined => false,
    }
}

fn compare_number(x: f64, op: &Op, value: Option<&Value>) -> bool {
    let Some(v) = value.and_then(Value::as_f64) else {
        return false;
    };
    const EPS: f64 = 1e-9;
    match op {
        Op::Eq => (x - v).abs() < EPS,
        Op::Ne => (x - v).abs() >= EPS,
        Op::Gt => x > v + EPS,
        Op::Ge => x >= v - EPS,
        Op::Lt => x < v - EPS,
        Op::Le => x <= v + EPS,
        Op::Exists | Op::Missing | Op::Includes | Op::Unknown(_) => false,
    }
}
