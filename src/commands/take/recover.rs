//! After the interview, what still fails (a passphrase typed differently, a full disk, a
//! folder that became read-only) is shown to the person, who chooses: try again, another
//! place, keep the draft, or stop. Without a person, the error ends the run.

use std::path::PathBuf;

use age::secrecy::SecretString;

use super::autosave::Autosave;
use super::interview::prompter;
use super::output::{Destinations, Step};
use super::{Plan, discard_draft, kept_error};
use crate::commands::access::Access;
use crate::error::{Error, Result};
use crate::model::response::Response;
use crate::store::vault::Vault;
use crate::term::sanitize;

/// What the person chose after a failure.
enum Choice {
    Retry,
    Elsewhere(PathBuf),
    /// Stop, keeping the draft.
    Keep,
    /// Stop, giving the answers up.
    Stop,
}

/// The words of the choices after a failure; `None`: not offered.
struct Choices<'a> {
    question: &'a str,
    /// The choice of another place, and the question that asks where.
    elsewhere: Option<(&'a str, &'a str)>,
    keep: Option<&'a str>,
    stop: &'a str,
}

/// Shows `error` and asks what to do. End of input or a failing terminal keeps the draft
/// when keeping it is offered, and otherwise stops.
fn ask_after_failure(plan: &Plan, error: &Error, words: &Choices) -> Choice {
    let (elsewhere, where_question) = match words.elsewhere {
        Some((choice, question)) => (Some(choice), question),
        None => (None, ""),
    };
    let (mut p, _) = prompter(plan);
    p.notice(&sanitize::line(&error.message));
    let mut choices = vec!["Try again"];
    choices.extend(elsewhere);
    choices.extend(words.keep);
    choices.push(words.stop);
    let given_up = if words.keep.is_some() {
        Choice::Keep
    } else {
        Choice::Stop
    };
    loop {
        let picked = match p.choose(words.question, &choices) {
            Ok(i) => choices[i],
            Err(_) => return given_up,
        };
        if picked == "Try again" {
            return Choice::Retry;
        } else if Some(picked) == elsewhere {
            match p.text(where_question) {
                Ok(Some(text)) => return Choice::Elsewhere(expand_home(&text)),
                Ok(None) => {}
                Err(_) => return given_up,
            }
        } else if Some(picked) == words.keep {
            return Choice::Keep;
        } else {
            return Choice::Stop;
        }
    }
}

/// `~` and `~/...` as the home folder.
fn expand_home(text: &str) -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    match (text, home) {
        ("~", Some(h)) => h,
        (t, Some(h)) if t.starts_with("~/") => h.join(&t[2..]),
        (t, _) => PathBuf::from(t),
    }
}

/// The error that ends a run after the person chose to stop.
fn stopped(e: Error, what: &str) -> Error {
    Error::new(
        e.kind,
        format!("{}; you chose to stop, so {what}", e.message),
    )
}

/// Makes the key when the vault has none yet. Without a person to ask, a failure ends the
/// run. With one, a failure (passphrases that differ, an empty one, a full disk, a folder
/// that became read-only) is shown and the person chooses: try again (the passphrase is
/// asked again only when it was the problem), make the vault in another folder (returned),
/// or stop, which discards the answers and says so.
pub(super) fn make_key(plan: &Plan, access: &Access) -> Result<Option<Access>> {
    if !plan.person() {
        return access.ensure_identity().map(|_| None).map_err(|e| Error {
            message: format!("{}; your answers were not saved", e.message),
            ..e
        });
    }
    let mut target: Option<Access> = None;
    let mut passphrase: Option<SecretString> = None;
    loop {
        let at = target.as_ref().unwrap_or(access);
        let Err(e) = create_identity(at, &mut passphrase) else {
            return Ok(target);
        };
        let words = Choices {
            question: "Your answers are not saved yet. What would you like to do?",
            elsewhere: passphrase.is_some().then_some((
                "Keep them in another folder (you type where)",
                "Which folder? confide makes your key and saves your answers there. Type a folder (such as a USB stick, or ~/confide in your home folder).",
            )),
            keep: None,
            stop: "Stop without saving (your answers are discarded)",
        };
        match ask_after_failure(plan, &e, &words) {
            Choice::Retry => {}
            Choice::Elsewhere(dir) => {
                target = Some(Access {
                    vault: Vault::at(dir),
                    passphrases: access.passphrases.clone(),
                });
            }
            Choice::Keep | Choice::Stop => {
                return Err(stopped(e, "your answers were not saved"));
            }
        }
    }
}

/// Makes the key in `at` if it has none, asking for the new passphrase once: a passphrase
/// asked before is used again.
fn create_identity(at: &Access, passphrase: &mut Option<SecretString>) -> Result<()> {
    if !at.needs_identity()? {
        return Ok(());
    }
    let pass = match passphrase {
        Some(p) => p,
        None => passphrase.insert(at.new_passphrase()?),
    };
    at.create_identity(pass).map(drop)
}

/// Writes every destination, asking the person what to do when one fails: try again,
/// write the same encrypted file to another place they type, stop and keep the draft (when
/// there is one), or stop without saving.
pub(super) fn store(
    plan: &Plan,
    dest: &mut Destinations,
    response: &Response,
    vault: &Access,
    autosave: &mut Autosave,
) -> Result<()> {
    let mut failed: Option<Error> = None;
    while let Some(step) = dest.next_step() {
        if let Some(given_up) = store_step(plan, dest, step, response, vault, autosave)? {
            failed = Some(given_up);
        }
    }
    dest.finish();
    match failed {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Writes one destination until it is written or the person stops. Returns the error to
/// end with when they gave up the intake file but the vault copy is still saved.
fn store_step(
    plan: &Plan,
    dest: &mut Destinations,
    step: Step,
    response: &Response,
    vault: &Access,
    autosave: &mut Autosave,
) -> Result<Option<Error>> {
    let mut elsewhere: Option<PathBuf> = None;
    while let Err(e) = dest.write_step(step, response, vault, elsewhere.as_deref()) {
        let vault_copy = dest.keeps_copy();
        let draft = autosave.current().is_some();
        match ask_after_failure(plan, &e, &store_choices(step, vault_copy, draft)) {
            Choice::Retry => {}
            Choice::Elsewhere(place) => elsewhere = Some(place),
            Choice::Keep => {
                let kept = kept_error(&e.message, autosave);
                return Err(Error {
                    kind: e.kind,
                    ..kept
                });
            }
            Choice::Stop if step == Step::Intake && vault_copy => {
                dest.give_up(step);
                return Ok(Some(stopped(e, "the file for sending was not written")));
            }
            Choice::Stop => {
                if step == Step::Vault {
                    discard_draft(autosave);
                }
                return Err(stopped(e, "your answers were not saved"));
            }
        }
    }
    Ok(None)
}

/// The choices after `step` failed; `vault_copy`: a copy is kept in the vault; `draft`:
/// the draft holds every answer.
fn store_choices(step: Step, vault_copy: bool, draft: bool) -> Choices<'static> {
    let (question, stop) = match step {
        Step::Vault => (
            "Your answers are not saved yet. What would you like to do?",
            "Stop without saving (your answers are discarded)",
        ),
        Step::Intake if vault_copy => (
            "The file for sending is not written yet. What would you like to do?",
            "Do not write the file for sending (your answers are still saved in your vault)",
        ),
        Step::Intake => (
            "The file for sending is not written yet. What would you like to do?",
            "Do not write the file for sending (your answers are discarded)",
        ),
    };
    Choices {
        question,
        elsewhere: Some((
            "Save the encrypted file in another place (you type where)",
            "Where should it go? Type a folder (such as a USB stick, or ~ for your home folder) or a new file name.",
        )),
        keep: (step == Step::Vault && draft)
            .then_some("Stop, and keep your answers as an encrypted draft to save later"),
        stop,
    }
}
