//! The interview: a pure state machine (`flow`) that talks to the person only through the
//! `Prompter` trait, with a terminal implementation (`tty`, the only user of dialoguer), a
//! line-based one (`plain`) and scripted replies for tests (`scripted`).
//!
//! The keys mean the same in both modes: `b` goes back one question, `q` leaves, `?` helps
//! (the hint in plain mode, every key on a terminal); Esc, on a terminal, goes back too, and
//! on the first question leaves. At the review, `b` goes back to the last question and `q`
//! leaves; discarding the answers asks first.

mod flow;
pub mod input;
mod pick;
pub(crate) mod plain;
mod reach;
#[cfg(test)]
pub(crate) mod scripted;
pub(crate) mod tty;

#[cfg(test)]
pub(crate) mod tests;

use crate::model::answer::Answer;

pub(crate) use flow::{Derived, Estimate, Flow, Part, Pos, Question, ReviewLine, Stage};

/// What the person did at a question.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reply {
    Answer(Answer),
    Skip,
    Back,
    /// Leave the interview (`q`, or Esc on the first question).
    Quit,
}

/// What the person did at the review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReviewReply {
    /// Save (or, with `--no-save`, just show the summary).
    Save,
    /// Discard every answer (asked again before it is done).
    Discard,
    Change(Pos),
    /// Back to the last question.
    Back,
    /// Leave the interview, as `q` does at a question.
    Quit,
}

/// The last line of the welcome, before the first question.
pub(crate) const BEGIN: &str = "Press Enter to begin, or q to leave.";

/// Asked before the answers are discarded at the review; the default is no.
pub(crate) const DISCARD_QUESTION: &str = "Discard all your answers? They cannot be recovered.";

/// Why a prompter stopped before the interview ended.
#[derive(Debug)]
pub(crate) enum Stop {
    /// Input ended (end of file) before the interview was complete.
    Eof,
    /// Ctrl-C, read as a key: the terminal prompter reads keys itself, so no signal comes.
    /// The command ends the run as Ctrl-C does anywhere else.
    Interrupted,
    /// The terminal failed.
    Io(std::io::Error),
}

impl From<std::io::Error> for Stop {
    /// Ctrl-C read as a key arrives as an `Interrupted` error.
    fn from(e: std::io::Error) -> Stop {
        if e.kind() == std::io::ErrorKind::Interrupted {
            Stop::Interrupted
        } else {
            Stop::Io(e)
        }
    }
}

/// What confirming the review does, as the review says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Confirm {
    /// The answers are saved (`take`).
    Save,
    /// The summary is shown and nothing is saved (`take --no-save`).
    Summary,
    /// The answers are used for what both partners see (`together`).
    Together,
}

/// How the person is asked.
pub(crate) trait Prompter {
    /// Asks one question; implementations re-ask until the reply is acceptable.
    fn ask(&mut self, question: &Question) -> Result<Reply, Stop>;
    /// Shows every answer and asks what to do.
    fn review(&mut self, lines: &[ReviewLine], confirm: Confirm) -> Result<ReviewReply, Stop>;
    /// Tells the person something short (a refused reply, for instance).
    fn notice(&mut self, message: &str);
    /// Shows a block of text as it is (an invitation's message, for instance).
    fn intro(&mut self, text: &str);
    /// Shows the welcome before the first question: a title, then text.
    fn welcome(&mut self, title: &str, text: &str);
    /// Asks whether to begin the interview ([`BEGIN`]): true when the person begins
    /// (Enter), false when they leave (`q`, or Esc on a terminal).
    fn begin(&mut self) -> Result<bool, Stop>;
    /// Asks a yes or no question; the default (Enter in plain mode) is no.
    fn confirm(&mut self, question: &str) -> Result<bool, Stop>;
    /// Asks to pick one of `choices` (at least one); the first is the default, chosen by
    /// Enter in plain mode and highlighted on a terminal. Returns its index.
    fn choose(&mut self, question: &str, choices: &[&str]) -> Result<usize, Stop>;
    /// Asks for a line of text (a file name, for instance); `None` when the person goes
    /// back (Esc, or an empty line in plain mode).
    fn text(&mut self, question: &str) -> Result<Option<String>, Stop>;
}

/// How an interview ended.
#[derive(Debug)]
pub(crate) enum End {
    /// The person confirmed their answers.
    Finished,
    /// The person chose to discard everything at the review.
    Discarded,
    /// The person quit part way.
    Quit,
    /// Input ended part way.
    Eof,
    /// Ctrl-C, read as a key, part way.
    Interrupted,
    Failed(std::io::Error),
}

impl From<Stop> for End {
    fn from(stop: Stop) -> End {
        match stop {
            Stop::Eof => End::Eof,
            Stop::Interrupted => End::Interrupted,
            Stop::Io(e) => End::Failed(e),
        }
    }
}

/// Runs the interview to its end, calling `changed` after every change to the answers or
/// the place in the interview (an answer, a skip, going back, choosing an answer to change);
/// a message it returns is shown as a notice.
pub(crate) fn run_with(
    flow: &mut Flow,
    prompter: &mut dyn Prompter,
    confirm: Confirm,
    changed: &mut dyn FnMut(&Flow) -> Option<String>,
) -> End {
    loop {
        match flow.stage().clone() {
            Stage::Asking(_) => {
                let reply = {
                    let Some(question) = flow.question() else {
                        return End::Finished;
                    };
                    match prompter.ask(&question) {
                        Ok(r) => r,
                        Err(stop) => return stop.into(),
                    }
                };
                let result = match reply {
                    Reply::Answer(a) => flow.answer(a),
                    Reply::Skip => flow.skip(),
                    Reply::Back => {
                        if flow.back() {
                            Ok(())
                        } else {
                            Err("This is the first question.".to_owned())
                        }
                    }
                    Reply::Quit => return End::Quit,
                };
                match result {
                    Ok(()) => {
                        if let Some(message) = changed(flow) {
                            prompter.notice(&message);
                        }
                    }
                    Err(why) => prompter.notice(&why),
                }
            }
            Stage::Review => {
                let reply = prompter.review(&flow.review(), confirm);
                match reply {
                    Ok(ReviewReply::Save) => return End::Finished,
                    Ok(ReviewReply::Discard) => match prompter.confirm(DISCARD_QUESTION) {
                        Ok(true) => return End::Discarded,
                        Ok(false) => prompter.notice("Nothing was discarded."),
                        Err(stop) => return stop.into(),
                    },
                    Ok(ReviewReply::Quit) => return End::Quit,
                    Ok(ReviewReply::Change(pos)) => {
                        if !flow.change(pos) {
                            prompter.notice("That question is not part of this interview.");
                        } else if let Some(message) = changed(flow) {
                            prompter.notice(&message);
                        }
                    }
                    Ok(ReviewReply::Back) => {
                        if flow.back()
                            && let Some(message) = changed(flow)
                        {
                            prompter.notice(&message);
                        }
                    }
                    Err(stop) => return stop.into(),
                }
            }
        }
    }
}
