//! Scripted replies, for tests of the interview without a person.

use std::collections::VecDeque;

use super::{Confirm, Prompter, Question, Reply, ReviewLine, ReviewReply, Stop};

/// A step of a script.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    Reply(Reply),
    Review(ReviewReply),
    Choose(usize),
    /// The reply to a yes or no question.
    Confirm(bool),
}

/// Replays a fixed list of replies; running out is end of input.
#[derive(Debug, Default)]
pub(crate) struct Scripted {
    steps: VecDeque<Step>,
    /// Item ids asked, in order, as `questionnaire.item`.
    pub(crate) asked: Vec<String>,
    /// Notices shown.
    pub(crate) notices: Vec<String>,
    /// How many times the review was shown.
    pub(crate) reviews: usize,
    /// Yes or no questions asked.
    pub(crate) confirms: Vec<String>,
}

impl Scripted {
    pub(crate) fn new(steps: Vec<Step>) -> Self {
        Scripted {
            steps: steps.into(),
            ..Default::default()
        }
    }
}

impl Prompter for Scripted {
    fn ask(&mut self, question: &Question) -> Result<Reply, Stop> {
        self.asked
            .push(format!("{}.{}", question.q.id, question.item.id()));
        match self.steps.pop_front() {
            Some(Step::Reply(r)) => Ok(r),
            Some(_) => Err(Stop::Io(std::io::Error::other(
                "the script has no answer here",
            ))),
            None => Err(Stop::Eof),
        }
    }

    fn review(&mut self, _: &[ReviewLine], _: Confirm) -> Result<ReviewReply, Stop> {
        self.reviews += 1;
        match self.steps.pop_front() {
            Some(Step::Review(r)) => Ok(r),
            Some(_) => Err(Stop::Io(std::io::Error::other(
                "the script has no review reply here",
            ))),
            None => Err(Stop::Eof),
        }
    }

    fn notice(&mut self, message: &str) {
        self.notices.push(message.to_owned());
    }

    fn intro(&mut self, text: &str) {
        self.notices.push(text.to_owned());
    }

    fn welcome(&mut self, _: &str, text: &str) {
        self.notices.push(text.to_owned());
    }

    fn begin(&mut self) -> Result<bool, Stop> {
        match self.steps.pop_front() {
            Some(Step::Confirm(yes)) => Ok(yes),
            Some(_) => Err(Stop::Io(std::io::Error::other(
                "the script has no reply to the welcome here",
            ))),
            None => Err(Stop::Eof),
        }
    }

    fn confirm(&mut self, question: &str) -> Result<bool, Stop> {
        self.confirms.push(question.to_owned());
        match self.steps.pop_front() {
            Some(Step::Confirm(yes)) => Ok(yes),
            Some(_) => Err(Stop::Io(std::io::Error::other(
                "the script has no yes or no here",
            ))),
            None => Err(Stop::Eof),
        }
    }

    fn text(&mut self, _: &str) -> Result<Option<String>, Stop> {
        match self.steps.pop_front() {
            Some(_) => Err(Stop::Io(std::io::Error::other("scripts do not type text"))),
            None => Err(Stop::Eof),
        }
    }

    fn choose(&mut self, _: &str, _: &[&str]) -> Result<usize, Stop> {
        match self.steps.pop_front() {
            Some(Step::Choose(i)) => Ok(i),
            Some(_) => Err(Stop::Io(std::io::Error::other("script expected a choice"))),
            None => Err(Stop::Eof),
        }
    }
}
