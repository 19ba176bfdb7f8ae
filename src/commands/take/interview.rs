//! The interview of `take`: the prompter of the mode, the welcome, the flow (from the start
//! or from a draft), the draft kept after every answer, and what leaving part way means.

use std::path::PathBuf;

use super::autosave::Autosave;
use super::inputs::draft_to_answers;
use super::welcome::Welcome;
use super::{Mode, Plan, discard_draft, kept_error, safety};
use crate::error::{Error, Kind, Result, describe_io};
use crate::scoring::{Scored, SessionAnswers};
use crate::session::plain::Plain;
use crate::session::tty::Tty;
use crate::session::{
    self, Confirm, Derived, End, Flow, Part, Prompter, Question, Reply, ReviewLine, ReviewReply,
    Stop,
};
use crate::store::draft::Draft;
use crate::term::{self, interrupt, sanitize};

/// The prompter of this mode (plain when there is no terminal after all), and whether it
/// is the terminal one. Each use makes its own: the interview's is dropped before a
/// passphrase is read from the terminal or standard input.
pub(super) fn prompter(plan: &Plan) -> (Box<dyn Prompter>, bool) {
    let settings = plan.settings;
    let tty = match plan.mode {
        Mode::Terminal => Tty::new(&settings.lang, settings.style),
        _ => None,
    };
    let (prompter, terminal): (Box<dyn Prompter>, bool) = match tty {
        Some(t) => (Box::new(t), true),
        None => (
            Box::new(Plain::new(
                std::io::stdin().lock(),
                std::io::stdout().lock(),
                &settings.lang,
                term::width(),
            )),
            false,
        ),
    };
    (Box::new(CtrlCLeaves(prompter)), terminal)
}

/// A prompter on which Ctrl-C, read as a key, ends the run as Ctrl-C does anywhere else:
/// the terminal restored, what was kept said, exit 130 (`interrupt::leave`).
struct CtrlCLeaves(Box<dyn Prompter>);

/// The reply, unless it is Ctrl-C.
fn unless_ctrl_c<T>(reply: std::result::Result<T, Stop>) -> std::result::Result<T, Stop> {
    if let Err(Stop::Interrupted) = reply {
        interrupt::leave();
    }
    reply
}

impl Prompter for CtrlCLeaves {
    fn ask(&mut self, question: &Question) -> std::result::Result<Reply, Stop> {
        unless_ctrl_c(self.0.ask(question))
    }

    fn review(
        &mut self,
        lines: &[ReviewLine],
        confirm: Confirm,
    ) -> std::result::Result<ReviewReply, Stop> {
        unless_ctrl_c(self.0.review(lines, confirm))
    }

    fn notice(&mut self, message: &str) {
        self.0.notice(message);
    }

    fn intro(&mut self, text: &str) {
        self.0.intro(text);
    }

    fn welcome(&mut self, title: &str, text: &str) {
        self.0.welcome(title, text);
    }

    fn begin(&mut self) -> std::result::Result<bool, Stop> {
        unless_ctrl_c(self.0.begin())
    }

    fn confirm(&mut self, question: &str) -> std::result::Result<bool, Stop> {
        unless_ctrl_c(self.0.confirm(question))
    }

    fn choose(&mut self, question: &str, choices: &[&str]) -> std::result::Result<usize, Stop> {
        unless_ctrl_c(self.0.choose(question, choices))
    }

    fn text(&mut self, question: &str) -> std::result::Result<Option<String>, Stop> {
        unless_ctrl_c(self.0.text(question))
    }
}

/// A finished interview: the scores of each questionnaire, and the answers that were
/// derived, not asked, as (questionnaire, item).
pub(super) struct Interviewed {
    pub(super) scored: Vec<Scored>,
    pub(super) derived: Vec<(String, String)>,
}

/// Shows the welcome (a new interview), then asks every question (from where the draft
/// `resumed` stopped, if any) until the person saves at the review; any other end is the
/// error that ends the run. `derived` answers are not asked.
pub(super) fn until_end(
    plan: &Plan,
    parts: &[Part],
    resumed: Option<&(PathBuf, Draft)>,
    welcome: Option<&Welcome>,
    derived: &[Derived],
    autosave: &mut Autosave,
    may_keep_draft: bool,
) -> Result<Interviewed> {
    let mut flow = start(parts, resumed, derived)?;
    interrupt::install();
    let (end, kept) = interview(plan, &mut flow, welcome, derived, autosave, may_keep_draft)?;
    ended(end, kept, autosave)?;
    Ok(Interviewed {
        scored: flow.scored(),
        derived: flow.derived_answers(),
    })
}

/// The flow at its first question, or where the draft stopped.
fn start<'a>(
    parts: &[Part<'a>],
    resumed: Option<&(PathBuf, Draft)>,
    derived: &[Derived],
) -> Result<Flow<'a>> {
    let Some((path, draft)) = resumed else {
        return Ok(Flow::with_derived(
            parts.to_vec(),
            SessionAnswers::new(),
            derived,
        ));
    };
    let answers = draft_to_answers(parts, draft, path)?;
    let mut flow = Flow::with_derived(parts.to_vec(), answers, derived);
    match draft.resume_at.as_deref() {
        Some(at) => flow.resume_at(at),
        // Kept at the review.
        None if !draft.answers.is_empty() => flow.resume_at_review(),
        None => {}
    }
    Ok(flow)
}

/// Runs the interview with the right prompter, after the welcome, keeping the draft after
/// every answer; on leaving part way, offers to keep an encrypted draft (when the session
/// would be kept in the vault). Returns how it ended and whether a draft is kept; leaving at
/// the welcome is an error.
fn interview(
    plan: &Plan,
    flow: &mut Flow,
    welcome: Option<&Welcome>,
    derived: &[Derived],
    autosave: &mut Autosave,
    may_keep_draft: bool,
) -> Result<(End, bool)> {
    let (mut prompter, terminal) = prompter(plan);
    if let Some(w) = welcome {
        w.show(
            prompter.as_mut(),
            terminal,
            flow.parts(),
            derived,
            flow.estimate(),
        )?;
    }
    let confirm = if plan.save {
        Confirm::Save
    } else {
        Confirm::Summary
    };
    let end = session::run_with(flow, prompter.as_mut(), confirm, &mut |f| {
        autosave.changed(f)
    });
    let kept = match &end {
        End::Quit if may_keep_draft => offer_draft(prompter.as_mut(), flow, autosave),
        _ => false,
    };
    Ok((end, kept))
}

/// Nothing when the person saved at the review; otherwise the error that ends the run
/// (`kept`: a draft is kept). The draft is removed when the answers are given up. Leaving
/// and discarding are the person's choice: said without `error:`, with exit 130.
fn ended(end: End, kept: bool, autosave: &mut Autosave) -> Result<()> {
    Err(match end {
        End::Finished => return Ok(()),
        End::Interrupted => interrupt::leave(),
        End::Discarded => {
            discard_draft(autosave);
            Error::stopped("your answers were discarded; nothing was saved")
        }
        End::Quit if kept => Error {
            kind: Kind::Stopped,
            ..kept_error("you left before the end", autosave)
        },
        End::Quit => {
            discard_draft(autosave);
            Error::stopped("you left before the end; nothing was saved")
        }
        End::Eof if autosave.path().is_some() => kept_error(
            "input ended before the questionnaire was complete",
            autosave,
        ),
        End::Eof => {
            Error::cancelled("input ended before the questionnaire was complete; nothing was saved")
        }
        End::Failed(e) => terminal_failed(&e, autosave),
    })
}

/// The error when the terminal (or the output) failed part way.
fn terminal_failed(e: &std::io::Error, autosave: &Autosave) -> Error {
    let closed = e.kind() == std::io::ErrorKind::BrokenPipe;
    let what = if closed {
        "the output was closed before the questionnaire was complete".to_owned()
    } else {
        format!("the terminal failed: {}", describe_io(e))
    };
    if autosave.path().is_some() {
        kept_error(&what, autosave)
    } else if closed {
        Error::cancelled(format!("{what}; nothing was saved"))
    } else {
        Error::failure(format!("{what}; nothing was saved"))
    }
}

/// Asks whether to keep a draft and keeps it (updated to this moment); true when one is
/// kept. Declining removes the draft kept as the person answered.
fn offer_draft(prompter: &mut dyn Prompter, flow: &Flow, autosave: &mut Autosave) -> bool {
    if safety::raised(flow.parts(), &flow.scored()) {
        safety::before_draft(prompter);
    }
    let question = "Keep an encrypted draft of your answers so far, to finish later with `confide take --resume`?";
    match prompter.confirm(question) {
        Ok(true) => {}
        _ => return false,
    }
    match autosave.save(flow) {
        Ok(path) => {
            let hint = autosave.kept().map(|k| k.hint).unwrap_or_default();
            prompter.intro(&format!(
                "Your answers so far are kept, encrypted, in {}. {}{}.",
                sanitize::line(&path.display().to_string()),
                hint.get(0..1).unwrap_or_default().to_uppercase(),
                hint.get(1..).unwrap_or_default()
            ));
            true
        }
        Err(e) if autosave.path().is_some() => {
            // The draft saved after an earlier answer is still there.
            prompter.notice(&format!(
                "the draft could not be brought up to date: {}; the one kept after an earlier answer stays",
                e.message
            ));
            true
        }
        Err(e) => {
            prompter.notice(&format!("the draft could not be kept: {}", e.message));
            false
        }
    }
}
