//! The welcome before the first question of a new interview: what confide is and is not,
//! what will be asked and for how long, where the answers go (for an intake: to whom, the
//! fingerprint check and the invitation's words), that questions can be left out, and the
//! keys. The person then begins or leaves.
//!
//! A person is asked to begin (a terminal, or plain mode reading a terminal). A script
//! piping its answers gets the welcome as text and the first question at once, as it gets
//! the fingerprint check: its first line is an answer, never a reply to the welcome. An
//! answers file, or a resumed interview, has no welcome.

use super::Plan;
use super::keycheck::KeyCheck;
use super::output::Destinations;
use crate::commands::access::Access;
use crate::error::{Error, Result};
use crate::model::questionnaire::Questionnaire;
use crate::session::{Derived, Estimate, Part, Prompter, Stop};
use crate::term::{interrupt, sanitize};

/// The title of the welcome.
const TITLE: &str = "Welcome to confide";

/// About how long one question takes, in seconds.
const SECONDS_PER_QUESTION: usize = 10;

/// Where the answers go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keeping {
    /// Nothing is kept (`--no-save` without an intake).
    Nothing,
    /// Kept in the person's vault only.
    Vault,
    /// Written to an intake file, with a copy in the vault or not.
    Intake { copy: bool },
}

/// What the welcome says, apart from the questions (which come from the interview).
pub(super) struct Welcome<'a> {
    lang: &'a str,
    keeping: Keeping,
    /// There is no key yet: it is made at the end, and that is when the answers are kept.
    /// `Some(true)` when the passphrase will be asked on the terminal.
    first_key: Option<bool>,
    /// The keys of an intake and the invitation's words.
    key: Option<KeyCheck>,
    /// A person answers, and is asked to begin.
    person: bool,
}

impl<'a> Welcome<'a> {
    /// The welcome of a new interview: where the answers go, whether the key is made at the
    /// end (and the passphrase asked on the terminal), and the keys of an intake.
    pub(super) fn new(
        plan: &Plan<'a>,
        dest: &Destinations,
        access: &Access,
        key: Option<KeyCheck>,
    ) -> Welcome<'a> {
        let keeping = match (dest.has_intake(), dest.keeps_copy()) {
            (true, copy) => Keeping::Intake { copy },
            (false, true) => Keeping::Vault,
            (false, false) => Keeping::Nothing,
        };
        let first_key = (dest.keeps_copy() && !access.vault.can_encrypt())
            .then(|| access.passphrases.source() == crate::term::secret::Source::Terminal);
        Welcome {
            lang: &plan.settings.lang,
            keeping,
            first_key,
            key,
            person: plan.person(),
        }
    }

    /// Shows the welcome (naming the keys of the terminal prompter when `terminal`), has
    /// the fingerprint of an intake confirmed, and asks to begin. Leaving, or saying that the
    /// fingerprint does not match, is the error that ends the run before any question.
    pub(super) fn show(
        &self,
        prompter: &mut dyn Prompter,
        terminal: bool,
        parts: &[Part],
        derived: &[Derived],
        estimate: Estimate,
    ) -> Result<()> {
        let keys = if terminal {
            crate::session::tty::KEYS
        } else {
            crate::session::plain::KEYS
        };
        prompter.welcome(TITLE, &self.text(parts, derived, estimate, keys));
        if !self.person {
            return Ok(());
        }
        if let Some(key) = &self.key {
            key.confirm(prompter)?;
        }
        match prompter.begin() {
            Ok(true) => Ok(()),
            Ok(false) => Err(Error::stopped(
                "you left before the first question; nothing was asked and nothing was saved",
            )),
            Err(Stop::Eof) => Err(Error::cancelled(
                "input ended before the first question; nothing was saved",
            )),
            Err(Stop::Interrupted) => interrupt::leave(),
            Err(Stop::Io(e)) => Err(Error::failure(format!(
                "the terminal failed: {}; nothing was saved",
                crate::error::describe_io(&e)
            ))),
        }
    }

    /// The welcome's text: paragraphs separated by blank lines, unwrapped (the prompter
    /// wraps to its width).
    fn text(&self, parts: &[Part], derived: &[Derived], estimate: Estimate, keys: &str) -> String {
        let what = format!(
            "confide asks you private questions, then gives you a summary of your answers. It \
             is a screening aid, not a diagnosis. {}",
            today(parts, self.lang, estimate)
        );
        let mut paragraphs = vec![what];
        match &self.key {
            // Where the answers go, then who can read them and how to check it.
            Some(key) => {
                paragraphs.push(format!("{}\n{}", self.keeping(), key.block));
                if let Some(note) = key.note() {
                    paragraphs.push(note.to_owned());
                }
            }
            None => paragraphs.push(self.keeping()),
        }
        paragraphs.push(format!("{} {keys}", leaving_out(parts, derived)));
        paragraphs.join("\n\n")
    }

    /// Where the answers go, and, on a first save, the passphrase asked at the end.
    fn keeping(&self) -> String {
        let mut text = match self.keeping {
            Keeping::Nothing => {
                "Nothing is saved: you see a summary at the end, and your answers are gone when \
                 confide ends."
            }
            Keeping::Vault => {
                "Your answers are encrypted and kept on this computer. Nothing is sent \
                 anywhere: they are shared only if you send a file yourself."
            }
            // The keys follow: who can open the file.
            Keeping::Intake { copy: true } => {
                "Your answers go into a file that you send yourself, and a copy is kept here."
            }
            Keeping::Intake { copy: false } => {
                "Your answers go into a file that you send yourself; no copy is kept here, and \
                 if you stop part way, nothing is kept."
            }
        }
        .to_owned();
        match self.first_key {
            Some(true) => text.push_str(
                " They are saved only at the end, when you choose a passphrase: it protects \
                 them, and you need it to open them again.",
            ),
            Some(false) => text.push_str(
                " They are saved only at the end, when confide makes the key that encrypts \
                 them, protected by the passphrase you gave it.",
            ),
            None => {}
        }
        text
    }
}

/// What is asked today, and about how long it takes.
fn today(parts: &[Part], lang: &str, estimate: Estimate) -> String {
    let title = |q: &Questionnaire| sanitize::line(q.title.resolve(lang, &q.language)).into_owned();
    let sure: Vec<String> = parts
        .iter()
        .filter(|p| p.explicit || p.q.applies_when.is_none())
        .map(|p| title(p.q))
        .collect();
    let mut what = in_order(&sure);
    let chosen_later = estimate.most > estimate.sure;
    if chosen_later {
        what = if what.is_empty() {
            "the topics you choose".to_owned()
        } else {
            format!("{what}, then the topics you choose")
        };
    }
    let (least, most) = (minutes(estimate.sure), minutes(estimate.most));
    let time = if least == most {
        format!("about {}", in_minutes(most))
    } else {
        format!(
            "about {least} to {}, depending on the topics",
            in_minutes(most)
        )
    };
    format!("Today: {what}; {time}.")
}

/// "A", "A, then B", "A, B, then C".
fn in_order(titles: &[String]) -> String {
    match titles {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}, then {last}", rest.join(", ")),
    }
}

/// About how many minutes `questions` questions take: at least one.
fn minutes(questions: usize) -> usize {
    ((questions * SECONDS_PER_QUESTION + 30) / 60).max(1)
}

fn in_minutes(n: usize) -> String {
    if n == 1 {
        "1 minute".to_owned()
    } else {
        format!("{n} minutes")
    }
}

/// That a question can be left out, and how many cannot.
fn leaving_out(parts: &[Part], derived: &[Derived]) -> String {
    let is_derived = |q: &Questionnaire, id: &str| {
        derived
            .iter()
            .any(|d| d.questionnaire == q.id && d.item == id)
    };
    let needed = parts
        .iter()
        .flat_map(|p| p.q.items.iter().map(move |item| (p.q, item)))
        .filter(|(q, item)| {
            let common = item.common();
            item.is_question() && common.required && !common.declinable && !is_derived(q, item.id())
        })
        .count();
    let how = "skip it, or choose \"Prefer not to answer\"";
    match needed {
        0 => format!("You can leave out any question: {how}."),
        1 => format!("You can leave out any question ({how}), except one that needs an answer."),
        n => format!("You can leave out any question ({how}), except {n} that need an answer."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalog::Catalog;
    use crate::session::Flow;

    fn bundled() -> Catalog {
        Catalog::bundled().unwrap_or_else(|(n, p)| panic!("{n}: {p:?}"))
    }

    fn welcome(keeping: Keeping, first_key: Option<bool>) -> Welcome<'static> {
        Welcome {
            lang: "en",
            keeping,
            first_key,
            key: None,
            person: true,
        }
    }

    /// The welcome of `take IDS` (all bundled ones without ids), as a terminal shows it.
    fn text_for(catalog: &Catalog, ids: &[&str], w: &Welcome) -> String {
        let ids: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
        let parts = super::super::select::select(catalog, &ids, None, true).unwrap();
        let derived = if ids.is_empty() {
            Vec::new()
        } else {
            super::super::select::derived(catalog, &parts)
        };
        let flow = Flow::with_derived(parts.clone(), Default::default(), &derived);
        w.text(&parts, &derived, flow.estimate(), crate::session::tty::KEYS)
    }

    #[test]
    fn the_welcome_says_what_confide_is_how_long_where_answers_go_and_the_keys() {
        let catalog = bundled();
        let text = text_for(&catalog, &["desire"], &welcome(Keeping::Vault, Some(true)));
        // About 10 seconds for each question but the topics, which are derived.
        let questions = |id: &str| {
            let q = catalog.get(id).unwrap().q();
            q.items.iter().filter(|i| i.is_question()).count()
        };
        let time = in_minutes(minutes(questions("context") - 1 + questions("desire")));
        assert!(
            text.contains(&format!(
                "Today: Your situation, then Desire; about {time}."
            )),
            "{text}"
        );
        for said in [
            "not a diagnosis",
            "encrypted and kept on this computer",
            "shared only if you send a file yourself",
            "when you choose a passphrase",
            "You can leave out any question: skip it, or choose \"Prefer not to answer\".",
            "Space marks, b or Esc back, ? hint, q quits.",
        ] {
            assert!(text.contains(said), "{said:?} in:\n{text}");
        }
    }

    #[test]
    fn without_ids_the_time_depends_on_the_topics_chosen() {
        let catalog = bundled();
        let text = text_for(&catalog, &[], &welcome(Keeping::Vault, None));
        let today = &text[text.find("Today:").unwrap()..];
        let today = today.lines().next().unwrap();
        // From the questions of context alone to those of every questionnaire.
        let questions = |q: &Questionnaire| q.items.iter().filter(|i| i.is_question()).count();
        // At least the questionnaires asked whatever the topics (no `applies_when`).
        let always: Vec<&Questionnaire> = catalog
            .entries
            .iter()
            .map(|e| e.q())
            .filter(|q| q.applies_when.is_none())
            .collect();
        let least = minutes(always.iter().map(|q| questions(q)).sum());
        let most = minutes(catalog.entries.iter().map(|e| questions(e.q())).sum());
        let titles: Vec<String> = always
            .iter()
            .map(|q| q.title.resolve("en", &q.language).to_owned())
            .collect();
        assert_eq!(
            today,
            format!(
                "Today: {}, then the topics you choose; about {least} to {most} \
                 minutes, depending on the topics.",
                titles.join(", then ")
            )
        );
        assert!(!text.contains("passphrase"), "a key exists: {text}");
        assert!(
            text.contains("except one that needs an answer"),
            "the topics must be chosen: {text}"
        );
    }

    #[test]
    fn the_welcome_fits_an_80_by_24_terminal() {
        let catalog = bundled();
        for keeping in [Keeping::Nothing, Keeping::Vault] {
            let w = welcome(keeping, Some(true));
            for ids in [&[][..], &["desire"][..]] {
                let text = text_for(&catalog, ids, &w);
                let lines = textwrap::fill(&text, 79).lines().count();
                // The title, a blank line, the text, a blank line and "Press Enter to begin",
                // below the line of the command.
                assert!(lines + 4 <= 23, "{lines} lines:\n{text}");
            }
        }
    }

    #[test]
    fn minutes_are_rounded_and_never_zero() {
        assert_eq!(minutes(0), 1);
        assert_eq!(minutes(8), 1);
        assert_eq!(minutes(9), 2);
        assert_eq!(minutes(23), 4);
        assert_eq!(
            in_order(&["A".into(), "B".into(), "C".into()]),
            "A, B, then C"
        );
    }
}
