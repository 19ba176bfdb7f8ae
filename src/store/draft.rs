//! Drafts: an unfinished session kept, encrypted, in `drafts/` when someone quits mid-way
//! and chooses to keep their answers; `take --resume` continues it.
//!
//! The plaintext is JSON `confide.draft/1` (see docs/storage.md):
//!
//! ```json
//! {"format": "confide.draft/1", "id": "<uuid>", "started": "2026-11-25T08:15:00Z",
//!  "saved": "2026-11-25T08:21:40Z", "language": "en", "reference": null,
//!  "questionnaires": ["desire", "pain"],
//!  "answers": {"desire": {"d1": 3, "d2": "declined", "d3": [0, 2]}},
//!  "resume_at": "desire.d4"}
//! ```
//!
//! There is at most one draft: saving a draft writes a new file, then removes older ones.
//! Saving needs no passphrase (it is encrypted to `recipient.txt`); loading needs the
//! unlocked key. A finished session should call [`Vault::discard_drafts`].

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::atomic;
use super::crypto::{self, Identities};
use super::sessions::{SessionFile, compact_utc, list_age_files};
use super::vault::{DRAFTS_DIR, Vault, now_rfc3339, to_json_zeroizing};
use crate::error::{Error, Result};

/// The `format` of every draft.
pub const DRAFT_FORMAT: &str = "confide.draft/1";

/// Answers so far: questionnaire id -> item id -> value, as in an answers file (option
/// value, array of option values, number, text, or `"declined"`).
pub type DraftAnswers = BTreeMap<String, BTreeMap<String, Value>>;

/// An unfinished session.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    pub format: String,
    /// A random UUID, kept when the draft is saved again and for the finished record.
    pub id: String,
    /// When the interview began (UTC, RFC 3339).
    pub started: String,
    /// When this draft was written (UTC, RFC 3339); set by `save_draft`.
    pub saved: String,
    pub language: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The questionnaires of the session, in order.
    pub questionnaires: Vec<String>,
    pub answers: DraftAnswers,
    /// `questionnaire_id.item_id` of the item to ask next, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume_at: Option<String>,
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
    pub fn new(questionnaires: Vec<String>, language: &str) -> Draft {
        let now = now_rfc3339();
        Draft {
            format: DRAFT_FORMAT.into(),
            id: uuid::Uuid::new_v4().to_string(),
            started: now.clone(),
            saved: now,
            language: language.into(),
            reference: None,
            questionnaires,
            answers: DraftAnswers::new(),
            resume_at: None,
        }
    }

    /// Parses a draft, checking its format and version first. Messages never quote answers.
    pub fn from_slice(bytes: &[u8]) -> std::result::Result<Draft, String> {
        let value: Value =
            serde_json::from_slice(bytes).map_err(|_| "it is not JSON".to_owned())?;
        let format = value
            .get("format")
            .and_then(Value::as_str)
            .ok_or_else(|| "it has no `format` field".to_owned())?;
        if format != DRAFT_FORMAT {
            let newer = format
                .strip_prefix("confide.draft/")
                .and_then(|v| v.parse::<u32>().ok())
                .is_some_and(|v| v > 1);
            return Err(if newer {
                format!("it was written by a newer version of confide (format `{format}`)")
            } else {
                "it is not a confide draft".to_owned()
            });
        }
        serde_path_to_error::deserialize::<_, Draft>(value)
            .map_err(|e| format!("unexpected content at `{}`", e.path()))
    }
}

impl Vault {
    /// Encrypts the draft to `recipient.txt` (no passphrase) and writes it to `drafts/`,
    /// then removes older drafts. Returns the new file.
    pub fn save_draft(&self, draft: &Draft) -> Result<PathBuf> {
        let recipients = self.recipients()?;
        let mut draft = draft.clone();
        draft.format = DRAFT_FORMAT.into();
        draft.saved = now_rfc3339();
        let plaintext = to_json_zeroizing(&draft)?;
        drop(draft);
        let ciphertext = crypto::encrypt(&plaintext, &recipients, false)?;
        drop(plaintext);
        let dir = self.prepare_dir(DRAFTS_DIR)?;
        let id8: String = uuid::Uuid::new_v4()
            .simple()
            .to_string()
            .chars()
            .take(8)
            .collect();
        let name = format!("{}-{id8}.age", compact_utc(time::OffsetDateTime::now_utc()));
        let path = atomic::write_new(&dir, &name, &ciphertext)?;
        for old in list_age_files(&dir)? {
            if old.path != path {
                atomic::remove(&old.path)?;
            }
        }
        Ok(path)
    }

    /// The newest draft file, if any (no passphrase needed to know one exists).
    pub fn draft_file(&self) -> Result<Option<SessionFile>> {
        Ok(list_age_files(&self.drafts_dir())?.pop())
    }

    /// Decrypts the newest draft. `Ok(None)` when there is none.
    pub fn load_draft(&self, ids: &Identities) -> Result<Option<Draft>> {
        let Some(file) = self.draft_file()? else {
            return Ok(None);
        };
        let ciphertext = crypto::read_file(&file.path, "draft")?;
        let plaintext = crypto::decrypt(&ciphertext, ids, &file.path)?;
        Draft::from_slice(&plaintext).map(Some).map_err(|why| {
            Error::damaged(format!(
                "draft {} cannot be used: {why}",
                file.path.display()
            ))
            .with_hint("`confide take` without --resume starts afresh")
        })
    }

    /// Removes every draft (after the session was finished, or when the person declines to
    /// keep one).
    pub fn discard_drafts(&self) -> Result<()> {
        for f in list_age_files(&self.drafts_dir())? {
            atomic::remove(&f.path)?;
        }
        Ok(())
    }
}
