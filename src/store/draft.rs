//! Drafts: an unfinished session kept, encrypted, in `drafts/` when someone quits mid-way
//! and chooses to keep their answers; `take --resume` continues it.
//!
//! The plaintext is JSON `confide.draft/1` (see docs/storage.md):
//!
//! ```json
//! {"format": "confide.draft/1", "id": "<uuid>", "started": "2026-11-25T08:15:00Z",
//!  "saved": "2026-11-25T08:21:40Z", "language": "en", "reference": null,
//!  "questionnaires": ["context", "desire", "pain"], "named": true,
//!  "answers": {"desire": {"d1": 3, "d2": "declined", "d3": [0, 2]}},
//!  "resume_at": "desire.d4"}
//! ```
//!
//! A draft is kept, encrypted, as `drafts/<started>-<id8>.age`: the UTC time the interview
//! began and the first 8 hex digits of the draft's id. The name stays the same for the whole
//! interview, so each save (after every answer, when `take` autosaves) atomically replaces
//! the previous one. Several interviews can each have a draft; `take --resume` continues the
//! newest, `take --resume=ID` a given one. Saving needs no passphrase (it is encrypted to
//! `recipient.txt`); loading needs the unlocked key. A finished session removes its draft.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::atomic;
use super::crypto::{self, Identities};
use super::sessions::{SessionFile, find_in, list_age_files};
use super::vault::{DRAFTS_DIR, Vault, to_json_zeroizing};
use crate::clock;
use crate::error::{Error, Result};
use crate::model::answer::Answer;
use crate::model::questionnaire::Questionnaire;
use crate::scoring::SessionAnswers;

/// The `format` of every draft.
const DRAFT_FORMAT: &str = "confide.draft/1";

/// Answers so far: questionnaire id -> item id -> value, as in an answers file (option
/// value, array of option values, number, text, or `"declined"`).
pub(crate) type DraftAnswers = BTreeMap<String, BTreeMap<String, Value>>;

/// An unfinished session.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Draft {
    pub(crate) format: String,
    /// A random UUID, kept when the draft is saved again and for the finished record.
    pub(crate) id: String,
    /// When the interview began (UTC, RFC 3339).
    pub(crate) started: String,
    /// When this draft was written (UTC, RFC 3339); set by `save_draft`.
    pub(crate) saved: String,
    pub(crate) language: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) reference: Option<String>,
    /// The questionnaires of the session, in order.
    pub(crate) questionnaires: Vec<String>,
    /// The person named the questionnaires (by id, or by an invitation): continued, each
    /// is asked, and the topics are derived again rather than asked. Written only when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) named: bool,
    pub(crate) answers: DraftAnswers,
    /// `questionnaire_id.item_id` of the item to ask next, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) resume_at: Option<String>,
}

impl std::fmt::Debug for Draft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Draft")
            .field("id", &self.id)
            .field("questionnaires", &self.questionnaires)
            .finish_non_exhaustive()
    }
}

impl Draft {
    /// A new, empty draft for these questionnaires, started now.
    pub(crate) fn new(questionnaires: Vec<String>, language: &str) -> Draft {
        let now = clock::now_rfc3339();
        Draft {
            format: DRAFT_FORMAT.into(),
            id: uuid::Uuid::new_v4().to_string(),
            started: now.clone(),
            saved: now,
            language: language.into(),
            reference: None,
            questionnaires,
            named: false,
            answers: DraftAnswers::new(),
            resume_at: None,
        }
    }

    /// The draft's file name without `.age`: `<started, compact UTC>-<first 8 hex digits of
    /// the id>`. A `started` that cannot be read counts as now.
    pub(crate) fn stem(&self) -> String {
        let started = clock::parse_rfc3339(&self.started).unwrap_or_else(clock::now);
        let id8: String = self
            .id
            .chars()
            .filter(char::is_ascii_hexdigit)
            .take(8)
            .collect::<String>()
            .to_ascii_lowercase();
        let id8 = if id8.len() == 8 {
            id8
        } else {
            uuid::Uuid::new_v4().simple().to_string()[..8].to_owned()
        };
        format!("{}-{id8}", clock::compact(started))
    }

    /// Parses a draft, checking its format and version first, then every field as strictly
    /// as an answers file: a draft is decrypted from a file anyone who knows the public
    /// recipient can write. Messages never quote answers.
    pub(crate) fn from_slice(bytes: &[u8]) -> std::result::Result<Draft, String> {
        let value: Value = crate::model::load::strict_json(bytes).map_err(|e| {
            if e.is_data() {
                "a key is given twice in one object".to_owned()
            } else {
                "it is not JSON".to_owned()
            }
        })?;
        let format = crate::model::format::Format::new(DRAFT_FORMAT, "a draft");
        format.check(&value).map_err(|m| m.to_string())?;
        let draft = serde_path_to_error::deserialize::<_, Draft>(value)
            .map_err(|e| format!("unexpected content at `{}`", e.path()))?;
        draft.check()?;
        Ok(draft)
    }

    /// Checks every field but the answers' values, which need the questionnaires
    /// ([`Draft::answers_for`]). Nothing is quoted: only ids that passed the check are named.
    fn check(&self) -> std::result::Result<(), String> {
        use crate::model::validate::{is_id, is_language_tag};
        let rfc3339 = |s: &str| clock::parse_rfc3339(s).is_some();
        if uuid::Uuid::parse_str(&self.id).is_err() {
            return Err("its `id` is not a UUID".into());
        }
        if !rfc3339(&self.started) || !rfc3339(&self.saved) {
            return Err("its `started` or `saved` is not an RFC 3339 time".into());
        }
        if !is_language_tag(&self.language) {
            return Err("its `language` is not a language tag".into());
        }
        if self
            .reference
            .as_deref()
            .is_some_and(|r| !crate::model::invitation::is_reference(r))
        {
            return Err(
                "its `reference` is not 1 to 64 letters, digits, `-` or `_` (a code)".into(),
            );
        }
        if self.questionnaires.is_empty() {
            return Err("it names no questionnaire".into());
        }
        for (i, q) in self.questionnaires.iter().enumerate() {
            if !is_id(q) || self.questionnaires[..i].contains(q) {
                return Err(format!(
                    "`questionnaires` item {} is not a questionnaire id, or is repeated",
                    i + 1
                ));
            }
        }
        for (q, items) in &self.answers {
            if !self.questionnaires.contains(q) {
                return Err("it has answers to a questionnaire it does not name".into());
            }
            if !items.keys().all(|i| is_id(i)) {
                return Err(format!("it has answers to an item that `{q}` cannot have"));
            }
        }
        if let Some(at) = &self.resume_at {
            let named = at
                .split_once('.')
                .is_some_and(|(q, i)| self.questionnaires.contains(&q.to_owned()) && is_id(i));
            if !named {
                return Err("its `resume_at` does not name an item of its questionnaires".into());
            }
        }
        Ok(())
    }

    /// The answers, checked against the questionnaires being taken exactly as typed answers
    /// are: every answer must name an item and fit it, and `resume_at` must name an item.
    /// A draft that does not is refused whole, never used in part.
    pub(crate) fn answers_for(
        &self,
        qs: &[&Questionnaire],
    ) -> std::result::Result<SessionAnswers, String> {
        let mut out = SessionAnswers::new();
        for (qid, items) in &self.answers {
            let q = qs
                .iter()
                .find(|q| q.id == *qid)
                .ok_or_else(|| format!("it has answers to `{qid}`, which is not being taken"))?;
            for (id, value) in items {
                let (_, item) = q
                    .item(id)
                    .ok_or_else(|| format!("`{qid}` has no item `{id}`"))?;
                let answer = Answer::from_json(item, value)
                    .and_then(|a| crate::model::answer::check(q, item, &a).map(|()| a))
                    // Why is not said: it could quote the answer.
                    .map_err(|_| format!("the answer to `{qid}.{id}` does not fit its question"))?;
                out.entry(qid.clone())
                    .or_default()
                    .insert(id.clone(), answer);
            }
        }
        if let Some((qid, id)) = self.resume_at.as_deref().and_then(|a| a.split_once('.'))
            && !qs.iter().any(|q| q.id == qid && q.item(id).is_some())
        {
            return Err(format!(
                "`resume_at` names `{qid}.{id}`, which is not a question being asked"
            ));
        }
        Ok(out)
    }
}

impl Vault {
    /// Encrypts the draft to `recipient.txt` (no passphrase) and writes it to
    /// `drafts/<stem>.age`, replacing in one rename the earlier save of the same draft.
    /// Other drafts are left alone. Returns the file.
    pub(crate) fn save_draft(&self, draft: &Draft) -> Result<PathBuf> {
        let recipients = self.recipients()?;
        let mut draft = draft.clone();
        draft.format = DRAFT_FORMAT.into();
        draft.saved = clock::now_rfc3339();
        let name = format!("{}.age", draft.stem());
        let plaintext = to_json_zeroizing(&draft)?;
        drop(draft);
        let ciphertext = crypto::encrypt(&plaintext, &recipients, false)?;
        drop(plaintext);
        let dir = self.prepare_dir(DRAFTS_DIR)?;
        atomic::replace(&dir, &name, &ciphertext)
    }

    /// Every draft file, oldest first (names start with the UTC time the interview began).
    pub(crate) fn list_drafts(&self) -> Result<Vec<SessionFile>> {
        list_age_files(&self.drafts_dir())
    }

    /// The newest draft file, if any (no passphrase needed to know one exists).
    pub(crate) fn draft_file(&self) -> Result<Option<SessionFile>> {
        Ok(self.list_drafts()?.pop())
    }

    /// The draft named by `query`: its full id, its 8 hex digits, or a unique prefix.
    pub(crate) fn find_draft(&self, query: &str) -> Result<SessionFile> {
        find_in(self.list_drafts()?, query, "draft").map_err(|e| Error {
            hint: Some("`confide drafts` lists your drafts".into()),
            ..e
        })
    }

    /// Decrypts and parses one draft file, naming it in every error.
    pub(crate) fn read_draft(&self, path: &Path, ids: &Identities) -> Result<Draft> {
        let ciphertext = crypto::read_file(path, "draft")?;
        let plaintext = crypto::decrypt(&ciphertext, ids, path)?;
        Draft::from_slice(&plaintext).map_err(|why| {
            Error::damaged(format!("draft {} cannot be used: {why}", path.display()))
                .with_hint("`confide take` without --resume starts afresh")
        })
    }

    /// Removes one draft file; one that is already gone is not an error.
    pub(crate) fn discard_draft(&self, path: &Path) -> Result<()> {
        match atomic::remove(path) {
            Err(_) if !path.exists() => Ok(()),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_keeps_its_file_name_for_the_whole_interview() {
        let mut d = Draft::new(vec!["x".into()], "en");
        d.id = "3f1c2b7a-0000-4000-8000-000000000000".into();
        d.started = "2026-11-25T08:15:00Z".into();
        assert_eq!(d.stem(), "20261125T081500Z-3f1c2b7a");
        d.saved = "2026-11-25T09:00:00Z".into();
        d.resume_at = Some("x.y".into());
        assert_eq!(d.stem(), "20261125T081500Z-3f1c2b7a");
    }
}
