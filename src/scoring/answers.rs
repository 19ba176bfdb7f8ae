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
            let answer = Answer::from_json(item, value).and_then(|a| check(q, item, &a).map(|()| a));
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
