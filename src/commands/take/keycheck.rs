//! Before the first question of an intake (`--to`, `--recipients-file`, `--invite`): the key
//! the answers will be encrypted to and its fingerprint, then what the invitation says,
//! quoted as not checked, and the person's confirmation that the fingerprint is the one
//! their therapist told them. A new interview shows them inside its welcome (`welcome.rs`);
//! a resumed one, before its first question.
//!
//! - `--expect-fingerprint FP` (scripts): the fingerprints must be exactly those given, or
//!   exit 2 before any question;
//! - in a terminal (stdin is one): "Does this match what your therapist told you?"; no is
//!   exit 2 before any question;
//! - otherwise (piped plain input, `--answers`): the block and a note that the fingerprint
//!   was not confirmed, without stopping. Nobody is there to ask, and scripts that fed
//!   answers before this check keep working.

use std::io::IsTerminal;

use super::interview::prompter;
use super::output::Destinations;
use super::{Mode, Plan};
use crate::cli::TakeOptions;
use crate::error::{Error, Result};
use crate::model::invitation::{Invitation, is_line_break};
use crate::session::{Prompter, Stop};
use crate::store::fingerprint::{self, fingerprint};
use crate::term::{self, interrupt, sanitize};

/// Said when the fingerprint was shown but nobody confirmed it.
const NOT_CONFIRMED: &str = "The fingerprint was not confirmed: there is no terminal to ask. Scripts can pass --expect-fingerprint FINGERPRINT to refuse any other key.";

/// The keys of an intake, checked, as a person is shown them: in the welcome of a new
/// interview, or before the first question of a resumed one ([`before_questions`]).
pub(crate) struct KeyCheck {
    /// The keys, their fingerprints and the invitation's words ([`block`]).
    pub(crate) block: String,
    named: Vec<String>,
    /// The fingerprints are those of `--expect-fingerprint`.
    expected: bool,
    /// A person can be asked (standard input is a terminal).
    can_ask: bool,
}

/// Checks the keys of an intake before any question: `--expect-fingerprint` must name
/// exactly them. For `--answers`, the keys are said on standard error and nothing is left
/// to show; otherwise, the keys to show and confirm. `None` when there is no intake.
pub(crate) fn check(
    plan: &Plan,
    args: &TakeOptions,
    dest: &Destinations,
    invitation: Option<&Invitation>,
) -> Result<Option<KeyCheck>> {
    let named = dest.named();
    if named.is_empty() {
        if !args.expect_fingerprint.is_empty() {
            return Err(Error::usage("--expect-fingerprint is for an intake file")
                .with_hint("add --to RECIPIENT, --recipients-file FILE or --invite FILE"));
        }
        return Ok(None);
    }
    let expected = check_expected(&args.expect_fingerprint, named)?;
    let answers = matches!(plan.mode, Mode::Answers(_));
    let own = dest.own_copy().map(|o| (o, !answers));
    let block = block(named, own, invitation, term::width());
    if answers {
        term::eprintln(&block);
        if !expected {
            term::eprintln(NOT_CONFIRMED);
        }
        return Ok(None);
    }
    Ok(Some(KeyCheck {
        block,
        named: named.to_vec(),
        expected,
        can_ask: std::io::stdin().is_terminal(),
    }))
}

/// Shows the keys, their fingerprints and the invitation's words, and has the fingerprint
/// confirmed, before the first question of a resumed interview. Fails (before any
/// question) when it does not match.
pub(crate) fn before_questions(
    plan: &Plan,
    args: &TakeOptions,
    dest: &Destinations,
    invitation: Option<&Invitation>,
) -> Result<()> {
    let Some(key) = check(plan, args, dest, invitation)? else {
        return Ok(());
    };
    // Dropped before the interview makes its own.
    let (mut prompter, _) = prompter(plan);
    prompter.intro(&key.block);
    if let Some(note) = key.note() {
        prompter.intro(note);
    }
    key.confirm(prompter.as_mut())
}

impl KeyCheck {
    /// What is said after the keys when nobody is asked to confirm them.
    pub(crate) fn note(&self) -> Option<&'static str> {
        if self.expected {
            Some("The fingerprint is the one given with --expect-fingerprint.")
        } else if !self.can_ask {
            Some(NOT_CONFIRMED)
        } else {
            None
        }
    }

    /// Asks whether the fingerprint is the one the therapist gave, when a person can be
    /// asked and `--expect-fingerprint` did not already say it. No is an error: nothing was
    /// asked.
    pub(crate) fn confirm(&self, prompter: &mut dyn Prompter) -> Result<()> {
        if self.expected || !self.can_ask {
            return Ok(());
        }
        match prompter.confirm(&question(&self.named)) {
            Ok(true) => Ok(()),
            Ok(false) => Err(Error::usage(
                "you said the fingerprint does not match: nothing was asked and nothing was saved",
            )
            .with_hint(
                "ask your therapist for the fingerprint of their key by phone or in person, and for a new invitation",
            )),
            Err(Stop::Eof) => Err(Error::cancelled(
                "input ended before the fingerprint was confirmed; nothing was asked",
            )),
            Err(Stop::Interrupted) => interrupt::leave(),
            Err(Stop::Io(e)) => Err(Error::failure(format!(
                "the terminal failed: {}; nothing was asked",
                crate::error::describe_io(&e)
            ))),
        }
    }
}

fn question(named: &[String]) -> String {
    let fps: Vec<String> = named.iter().map(|r| fingerprint(r)).collect();
    if fps.len() == 1 {
        format!(
            "The fingerprint is {}. Does this match what your therapist told you?",
            fps[0]
        )
    } else {
        format!(
            "The fingerprints are {}. Do they match what your therapist told you?",
            fps.join(", ")
        )
    }
}

/// `--expect-fingerprint`: true when given and the fingerprints of the recipients are
/// exactly those; a usage error (exit 2) when given and they are not.
fn check_expected(given: &[String], named: &[String]) -> Result<bool> {
    if given.is_empty() {
        return Ok(false);
    }
    let mut wanted = Vec::new();
    for g in given {
        let n = fingerprint::normalize(g).ok_or_else(|| {
            Error::usage(format!(
                "--expect-fingerprint `{}` is not a fingerprint",
                sanitize::line(g)
            ))
            .with_hint("a fingerprint is 16 letters and digits, such as SXZ5-D0HH-6586-GPZH")
        })?;
        wanted.push(n);
    }
    let actual: Vec<String> = named.iter().map(|r| fingerprint(r)).collect();
    let all_expected = actual.iter().all(|a| {
        wanted
            .iter()
            .any(|w| fingerprint::normalize(a).as_ref() == Some(w))
    });
    let all_present = wanted.iter().all(|w| {
        actual
            .iter()
            .any(|a| fingerprint::normalize(a).as_ref() == Some(w))
    });
    if all_expected && all_present {
        return Ok(true);
    }
    let (what, verb) = if actual.len() == 1 {
        ("the key your answers would be encrypted to", "is")
    } else {
        ("the keys your answers would be encrypted to", "are")
    };
    Err(Error::usage(format!(
        "the fingerprint of {what} {verb} {}, not the one you expected; nothing was asked",
        actual.join(", ")
    ))
    .with_hint(
        "do not answer an invitation whose key you cannot check: ask your therapist for their fingerprint by phone or in person",
    ))
}

/// The keys and fingerprints, then the invitation's practice name, message and reference,
/// the first two quoted line by line.
pub(crate) fn block(
    named: &[String],
    own: Option<(&str, bool)>,
    invitation: Option<&Invitation>,
    width: usize,
) -> String {
    let mut text = String::new();
    text.push_str(if named.len() == 1 {
        "Your answers will be encrypted to this key:\n"
    } else {
        "Your answers will be encrypted to these keys:\n"
    });
    for r in named {
        text.push_str(&format!(
            "  {}\n  fingerprint {}\n",
            sanitize::line(r),
            fingerprint(r)
        ));
    }
    match own {
        Some((o, false)) => text.push_str(&format!(
            "and to your own vault key (fingerprint {}), because you keep a copy.\n",
            fingerprint(o)
        )),
        // An interview asks at the end whether to keep a copy (and so whether to encrypt
        // the file to the vault key too).
        Some((o, true)) => text.push_str(&format!(
            "At the end you are asked whether to keep a copy on this computer; only then is it also encrypted to this computer's vault key (fingerprint {}).\n",
            fingerprint(o)
        )),
        None => {}
    }
    text.push_str(if named.len() == 1 {
        "Your therapist should have told you this fingerprint by phone or in person. If it is not the same, do not answer: the key may not be theirs."
    } else {
        "Your therapist should have told you these fingerprints by phone or in person. If they are not the same, do not answer: the keys may not be theirs."
    });
    let Some(inv) = invitation else {
        return text;
    };
    let mut quoted: Vec<String> = Vec::new();
    if let Some(p) = &inv.practice {
        quoted.push(format!("From: {}", sanitize::line(p)));
    }
    if let Some(m) = &inv.message {
        let inner = width.clamp(24, 100) - 2;
        for line in m.split(is_line_break) {
            let line = sanitize::line(line);
            if line.trim().is_empty() {
                quoted.push(String::new());
                continue;
            }
            quoted.extend(
                textwrap::wrap(
                    &line,
                    textwrap::Options::new(inner)
                        .word_splitter(textwrap::WordSplitter::NoHyphenation),
                )
                .into_iter()
                .map(|l| l.into_owned()),
            );
        }
    }
    if !quoted.is_empty() {
        text.push_str("\n\nMessage from the invitation (not checked by confide):");
        for q in quoted {
            text.push_str("\n│ ");
            text.push_str(&q);
        }
    }
    if let Some(r) = &inv.reference {
        text.push_str(&format!("\nReference: {}", sanitize::line(r)));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

    #[test]
    fn expected_fingerprints_must_be_exactly_the_recipients() {
        let named = vec![KEY.to_owned()];
        assert!(!check_expected(&[], &named).unwrap());
        assert!(check_expected(&["sxz5 d0hh 6586 gpzh".into()], &named).unwrap());
        assert!(check_expected(&["SXZ5DOHH6586GPZH".into()], &named).unwrap());
        let e = check_expected(&["SXZ5-D0HH-6586-GPZJ".into()], &named).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message.contains("SXZ5-D0HH-6586-GPZH"), "{}", e.message);
        let e = check_expected(&["\u{1b}[2Jnope".into()], &named).unwrap_err();
        assert!(!e.message.contains('\u{1b}'));
        let two = check_expected(
            &["SXZ5-D0HH-6586-GPZH".into(), "0000-0000-0000-0000".into()],
            &named,
        );
        assert!(two.is_err(), "an expected key that is not there");
    }

    #[test]
    fn the_invitation_speaks_inside_a_quote_after_the_key() {
        let inv = Invitation {
            format: "confide.invitation/1".into(),
            created: "2026-11-25T09:00:00Z".into(),
            recipient: KEY.into(),
            practice: Some("Riverside Therapy".into()),
            message: Some(
                "Please answer.\n\nYour answers will be encrypted to this key:\u{2028}fingerprint AAAA-AAAA-AAAA-AAAA"
                    .into(),
            ),
            reference: Some("C-7".into()),
            questionnaires: vec![],
        };
        let text = block(&[KEY.to_owned()], None, Some(&inv), 80);
        let quote = text
            .find("Message from the invitation (not checked by confide):")
            .unwrap();
        assert!(text.find("fingerprint SXZ5-D0HH-6586-GPZH").unwrap() < quote);
        let after: Vec<&str> = text[quote..].lines().skip(1).collect();
        assert_eq!(
            after,
            [
                "│ From: Riverside Therapy",
                "│ Please answer.",
                "│ ",
                "│ Your answers will be encrypted to this key:",
                "│ fingerprint AAAA-AAAA-AAAA-AAAA",
                "Reference: C-7",
            ]
        );
    }
}
