//! The draft of an interview: kept, encrypted to the vault's `recipient.txt`, after every
//! answer, so that Ctrl-C, a crash, a closed terminal or a failed save never loses the
//! answers so far; `take --resume` continues it.
//!
//! Autosave is on when a person answers (a terminal, or plain mode reading a terminal), the
//! session is kept in the person's own vault (not `--no-save`, not declined), and the vault
//! already has a key: a draft must be one the person can open, so the therapist's key of an
//! intake is never enough. Nothing is written before the first answer. Each save replaces
//! the previous one in one rename (`drafts/<started>-<id8>.age`). The draft is removed once
//! the session is stored, when the person discards the answers, declines to keep a draft,
//! or chooses "Do not save" after a safety flag.

use std::path::{Path, PathBuf};

use crate::commands::access::Access;
use crate::error::Result;
use crate::scoring::SessionAnswers;
use crate::session::Flow;
use crate::store::draft::{Draft, DraftAnswers};
use crate::term::interrupt::{self, Kept};
use crate::term::sanitize;

/// This interview's draft.
pub(crate) struct Autosave<'a> {
    access: &'a Access,
    /// Id, start, language, reference and questionnaires of the draft.
    draft: Draft,
    /// Whether the draft is saved after every answer.
    enabled: bool,
    /// The file written by this run.
    path: Option<PathBuf>,
    /// The draft file `--resume` continued, until this run writes the draft again.
    resumed: Option<PathBuf>,
    /// A failure to save was already shown.
    warned: bool,
    /// The last save failed: the draft on disk (if any) holds fewer answers than were given.
    stale: bool,
    /// The options to repeat after `confide take --resume`, such as ` --invite FILE`.
    resume_options: String,
}

impl<'a> Autosave<'a> {
    /// The draft of an interview: `draft` says its questionnaires, language and whether
    /// they were named, and gets its answers as they come; `resumed` is the draft
    /// `--resume` continues, with its file.
    pub(crate) fn new(
        access: &'a Access,
        mut draft: Draft,
        reference: Option<String>,
        resumed: Option<(&Path, &Draft)>,
        enabled: bool,
        resume_options: String,
    ) -> Autosave<'a> {
        if let Some((_, old)) = resumed {
            draft.id = old.id.clone();
            draft.started = old.started.clone();
        }
        draft.reference = reference;
        let resumed = resumed.map(|(path, _)| path.to_path_buf());
        let autosave = Autosave {
            access,
            draft,
            enabled,
            path: None,
            resumed,
            warned: false,
            stale: false,
            resume_options,
        };
        autosave.announce();
        autosave
    }

    /// The draft file of this interview, if any.
    pub(crate) fn path(&self) -> Option<&Path> {
        self.path.as_deref().or(self.resumed.as_deref())
    }

    /// The draft file, when it holds every answer given so far.
    pub(crate) fn current(&self) -> Option<&Path> {
        let up_to_date = !self.stale && (self.enabled || self.path.is_some());
        self.path().filter(|_| up_to_date)
    }

    /// After a change in the interview: saves the draft, unless nothing was answered yet.
    /// Returns a notice when saving failed (shown once; the interview goes on).
    pub(crate) fn changed(&mut self, flow: &Flow) -> Option<String> {
        let nothing_yet = flow.given_answers().is_empty();
        if !self.enabled || (nothing_yet && self.path().is_none()) {
            return None;
        }
        match self.save(flow) {
            Ok(_) => None,
            Err(e) if !self.warned => {
                self.warned = true;
                Some(format!(
                    "your answers could not be kept as a draft as you go: {}. You can go on; at the end you can save as usual.",
                    e.message
                ))
            }
            Err(_) => None,
        }
    }

    /// Saves the draft now (creating the key first when there is none, which asks for a
    /// new passphrase). Returns the file. After a failure, an earlier save of the draft (if
    /// any) stays, and counts as missing answers.
    pub(crate) fn save(&mut self, flow: &Flow) -> Result<PathBuf> {
        let mut draft = self.draft.clone();
        // Derived answers are derived again when the draft is continued.
        draft.answers = answers_to_draft(&flow.given_answers());
        draft.resume_at = flow
            .question()
            .map(|q| format!("{}.{}", q.q.id, q.item.id()));
        let saved = interrupt::critical(|| -> Result<PathBuf> {
            let path = self.access.save_draft(&draft)?;
            if let Some(old) = self.resumed.take()
                && old != path
            {
                let _ = self.access.vault.discard_draft(&old);
            }
            self.path = Some(path.clone());
            self.stale = false;
            self.announce();
            Ok(path)
        });
        if saved.is_err() {
            self.stale = true;
            self.announce();
        }
        interrupt::honour_pending();
        saved
    }

    /// Removes the draft of this interview (the file written by this run and the one
    /// `--resume` continued). Returns whether there was one.
    pub(crate) fn discard(&mut self) -> Result<bool> {
        let files: Vec<PathBuf> = self
            .path
            .take()
            .into_iter()
            .chain(self.resumed.take())
            .collect();
        interrupt::keep(None);
        for f in &files {
            self.access.vault.discard_draft(f)?;
        }
        Ok(!files.is_empty())
    }

    /// What Ctrl-C or a crash says about the draft; `None` when there is none.
    pub(crate) fn kept(&self) -> Option<Kept> {
        let path = self.path()?;
        let id = path.file_stem()?.to_string_lossy().into_owned();
        let newest = self
            .access
            .vault
            .draft_file()
            .ok()
            .flatten()
            .is_some_and(|f| f.id == id);
        let resume = if newest {
            format!("confide take --resume{}", self.resume_options)
        } else {
            format!("confide take --resume={id}{}", self.resume_options)
        };
        let file = sanitize::line(&path.display().to_string()).into_owned();
        let message = if self.current().is_some() {
            format!("your answers so far are kept, encrypted, in {file}")
        } else if self.path.is_some() {
            format!(
                "your answers up to the last one that could be saved are kept, encrypted, in {file}"
            )
        } else {
            format!("the draft you continued is kept as it was, encrypted, in {file}")
        };
        Some(Kept {
            message,
            hint: format!(
                "continue with `{resume}`; `confide drafts --discard {id}` removes the draft"
            ),
        })
    }

    /// Tells Ctrl-C and the crash handler where the draft is.
    fn announce(&self) {
        interrupt::keep(self.kept());
    }
}

/// Answers as stored in a draft.
fn answers_to_draft(answers: &SessionAnswers) -> DraftAnswers {
    answers
        .iter()
        .map(|(q, items)| {
            (
                q.clone(),
                items
                    .iter()
                    .map(|(i, a)| (i.clone(), a.to_json()))
                    .collect(),
            )
        })
        .collect()
}
