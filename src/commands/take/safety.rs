//! Technology safety in `take`. Someone living with an abusive partner may share the
//! computer. When an answer raises a safety flag (a flag tagged `safety`, in any
//! questionnaire of the session), confide says, before the session is written, that a saved
//! session, the draft kept while the person answered, and the screen could be seen by
//! someone else who uses this computer, and lets the person choose not to save (the
//! default), which also removes that draft; after the summary it offers to clear the screen.
//!
//! Every sentence the person reads about this is in this file, so that it can be reviewed in
//! one place: calm, short, plain words, no alarm.

use std::path::Path;

use crate::model::questionnaire::SAFETY_TAG;
use crate::scoring::Scored;
use crate::session::{Part, Prompter, Stop};
use crate::term::{self, interrupt, sanitize};

/// Whether a raised flag of the session is a safety flag. `scored` is in the order of
/// `parts`.
pub(crate) fn raised(parts: &[Part], scored: &[Scored]) -> bool {
    parts.iter().zip(scored).any(|(part, s)| {
        s.flags.iter().any(|f| {
            part.q
                .flags
                .get(f.index)
                .is_some_and(|def| def.tags.iter().any(|t| t == SAFETY_TAG))
        })
    })
}

/// The screen and a saved session, before the question "save or not".
const SEEN_VAULT: &str = "Before you save: someone who can use this computer could see this \
screen, and could find a saved session. It is encrypted, but they could see that it is there. \
If that is not safe for you, do not save. You will still see your summary.";

/// The same, when a draft was kept while the person answered (it is removed if they do not
/// save).
const SEEN_VAULT_AND_DRAFT: &str = "Before you save: someone who can use this computer could see this screen, and could find a saved session, or the draft that was kept while you answered. Both are encrypted, but they could see that they are there. If that is not safe for you, do not save: the draft is removed too. You will still see your summary.";

const SAVE_QUESTION: &str = "Save your answers on this computer?";
const DO_NOT_SAVE: &str = "Do not save (nothing is written to this computer)";
const SAVE: &str = "Save, encrypted";

/// An intake file (always written: the person chose to send it), before anything is written.
fn seen_intake(path: &Path) -> String {
    format!(
        "Your answers for sending will be written, encrypted, to this file:\n  {}\nSomeone \
who can use this computer could find that file, and could see this screen. Once you have sent \
the file, you can delete it from this computer.",
        sanitize::line(&path.display().to_string())
    )
}

const SEEN_INTAKE_VAULT: &str = "You can also keep a copy on this computer, in this computer's \
confide vault. If you do, anyone who knows that vault's passphrase can read the copy, and the \
file for sending too. On a computer you share, that may be someone else, such as a partner: \
then keep no copy. If keeping one is not safe for you, do not keep one.";
/// Added when a draft was kept while the person answered.
const DRAFT_REMOVED_EITHER_WAY: &str =
    "The encrypted draft kept while you answered is removed either way.";
const COPY_QUESTION: &str = "Also keep a copy on this computer?";
const NO_COPY: &str = "Do not keep a copy (only the file for sending is written)";
const COPY: &str = "Keep a copy, encrypted";

/// After the summary, when the person chose not to save and nothing else was written.
pub(crate) const NOT_SAVED: &str =
    "Not saved. Nothing from this session was written to this computer.";
/// After the summary, when an intake file was written but no copy kept.
pub(crate) const NO_COPY_KEPT: &str = "No copy was kept in your vault. The only file written is the \
one for sending; once you have sent it, you can delete it.";
/// After the summary, when the person chose not to save and the draft kept while they
/// answered was removed.
pub(crate) const NOT_SAVED_DRAFT_REMOVED: &str = "Not saved. The encrypted draft kept while you \
answered was removed, and nothing else from this session was written to this computer.";
/// The same, with an intake file written.
pub(crate) const NO_COPY_KEPT_DRAFT_REMOVED: &str = "No copy was kept in your vault, and the \
encrypted draft kept while you answered was removed. The only file left is the one for \
sending; once you have sent it, you can delete it.";

const INPUT_ENDED: &str = "Input ended before you chose, so your answers are not saved.";
const COULD_NOT_ASK: &str = "confide could not ask, so your answers are not saved.";

/// Before the question "keep a draft", when the answers so far raise a safety flag.
const SEEN_DRAFT: &str = "A draft is encrypted, but someone who can use this computer could \
see that it is there. If that is not safe for you, do not keep one.";

const CLEAR_QUESTION: &str = "Clear the screen now, so your answers are no longer shown?";
const CANNOT_CLEAR: &str = "confide cannot clear this output, because it is not shown in a \
terminal. When you are done, close this window so that your answers and summary are not left \
on the screen.";

/// Shows the warning before the session is written and, when the session would be kept in
/// the vault, asks whether to keep it there. `intake` is the file for sending, if any (it is
/// written whatever the answer); `vault` says whether a copy would be kept in the vault;
/// `draft` whether a draft was kept while the person answered (the caller removes it unless
/// the answer is yes). Returns whether to keep the vault copy: the default, end of input
/// and any failure to ask all mean no.
pub(crate) fn ask_before_saving(
    prompter: &mut dyn Prompter,
    intake: Option<&Path>,
    vault: bool,
    draft: bool,
) -> bool {
    let (question, choices) = match intake {
        Some(path) => {
            if vault {
                let mut text = format!("\n{}\n\n{SEEN_INTAKE_VAULT}", seen_intake(path));
                if draft {
                    text.push(' ');
                    text.push_str(DRAFT_REMOVED_EITHER_WAY);
                }
                prompter.intro(&text);
            } else {
                prompter.intro(&format!("\n{}", seen_intake(path)));
                return false;
            }
            (COPY_QUESTION, [NO_COPY, COPY])
        }
        // --no-save: nothing to ask; the screen is offered to be cleared after the summary.
        None if !vault => return false,
        None => {
            let seen = if draft {
                SEEN_VAULT_AND_DRAFT
            } else {
                SEEN_VAULT
            };
            prompter.intro(&format!("\n{seen}"));
            (SAVE_QUESTION, [DO_NOT_SAVE, SAVE])
        }
    };
    match prompter.choose(question, &choices) {
        Ok(i) => i == 1,
        Err(Stop::Eof) => {
            prompter.intro(INPUT_ENDED);
            false
        }
        Err(Stop::Interrupted) => interrupt::leave(),
        Err(Stop::Io(_)) => {
            prompter.intro(COULD_NOT_ASK);
            false
        }
    }
}

/// Before the question "keep a draft": the same warning, for a draft.
pub(crate) fn before_draft(prompter: &mut dyn Prompter) {
    prompter.intro(&format!("\n{SEEN_DRAFT}"));
}

/// After the summary: offers to clear the screen and its scrollback (default no). `terminal`
/// says whether the interview ran in terminal mode, where the screen may be shown through
/// standard error alone; plain mode clears only a standard output that is a terminal.
pub(crate) fn offer_clear(prompter: &mut dyn Prompter, terminal: bool) {
    if let Ok(true) = prompter.confirm(CLEAR_QUESTION)
        && !term::clear_screen(terminal)
    {
        prompter.intro(CANNOT_CLEAR);
    }
}

/// With `--answers` nothing is asked: a note on standard error says the same.
pub(crate) fn note(intake: Option<&Path>, vault: bool) -> String {
    let mut found = Vec::new();
    if vault {
        found.push(
            "a saved session (it is encrypted, but they could see that it is there)".to_owned(),
        );
    }
    if let Some(path) = intake {
        found.push(format!(
            "the file for sending, {}",
            sanitize::line(&path.display().to_string())
        ));
    }
    let mut text = String::from(
        "confide: note: this summary includes information about safety and support. If someone else uses this computer, you may want to clear the screen when you have finished reading",
    );
    if !found.is_empty() {
        text.push_str("; they could also find ");
        text.push_str(&found.join(", and "));
        if vault {
            text.push_str(" (`confide delete` removes a saved session)");
        }
    }
    text.push('.');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::scripted::{Scripted, Step};

    #[test]
    fn the_default_and_end_of_input_do_not_save() {
        let mut p = Scripted::new(vec![Step::Choose(0)]);
        assert!(!ask_before_saving(&mut p, None, true, false));
        assert!(
            p.notices
                .iter()
                .any(|n| n.contains("could find a saved session"))
        );
        let mut p = Scripted::new(vec![]);
        assert!(!ask_before_saving(&mut p, None, true, false));
        assert!(p.notices.iter().any(|n| n == INPUT_ENDED));
        let mut p = Scripted::new(vec![Step::Choose(1)]);
        assert!(ask_before_saving(&mut p, None, true, false));
    }

    #[test]
    fn no_save_asks_nothing_and_an_intake_alone_is_only_named() {
        let mut p = Scripted::new(vec![]);
        assert!(!ask_before_saving(&mut p, None, false, false));
        assert!(p.notices.is_empty());
        let mut p = Scripted::new(vec![]);
        assert!(!ask_before_saving(
            &mut p,
            Some(Path::new("out.age")),
            false,
            false
        ));
        assert_eq!(p.notices.len(), 1);
        assert!(p.notices[0].contains("out.age"), "{:?}", p.notices);
        let mut p = Scripted::new(vec![Step::Choose(1)]);
        assert!(ask_before_saving(
            &mut p,
            Some(Path::new("out.age")),
            true,
            false
        ));
        assert!(
            p.notices[0].contains("keep a copy on this computer, in this computer's confide vault")
        );
    }

    #[test]
    fn a_draft_kept_while_answering_is_named_in_the_warning() {
        let mut p = Scripted::new(vec![Step::Choose(0)]);
        assert!(!ask_before_saving(&mut p, None, true, true));
        assert!(
            p.notices[0].contains("or the draft that was kept while you answered"),
            "{:?}",
            p.notices
        );
        assert!(p.notices[0].contains("the draft is removed too"));
        let mut p = Scripted::new(vec![Step::Choose(0)]);
        assert!(!ask_before_saving(
            &mut p,
            Some(Path::new("out.age")),
            true,
            true
        ));
        assert!(p.notices[0].ends_with(DRAFT_REMOVED_EITHER_WAY));
    }

    #[test]
    fn the_note_names_what_could_be_found() {
        assert!(note(None, false).ends_with("when you have finished reading."));
        let n = note(Some(Path::new("x.age")), true);
        assert!(n.contains("a saved session"), "{n}");
        assert!(n.contains("x.age"), "{n}");
    }
}
