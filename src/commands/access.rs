//! Opening the vault for a command: where it is (`--data-dir`, `CONFIDE_DATA_DIR`, the
//! platform data folder) and where passphrases come from (`term::secret`).
//!
//! For `take`:
//!
//! 1. before the first question, [`Access::check_can_save`]: the data folder can be written
//!    and, when there is no key yet, a new passphrase can be obtained (a terminal,
//!    `--passphrase-file`, or `CONFIDE_PASSPHRASE`); otherwise an error with a hint (exit 2
//!    for a missing passphrase source, 1 for a folder that cannot be written), so nobody
//!    answers intimate questions only to lose the answers;
//! 2. after the review, [`Access::save_session`]: creates the key on first use (asking for a
//!    new passphrase twice on a terminal), then encrypts and writes the session; no
//!    passphrase is needed once the key exists;
//! 3. while the interview runs, when the key exists, the draft is saved after every answer
//!    (`take/autosave.rs`); on quitting mid-way without a key, [`Access::save_draft`] if the
//!    person wants to keep a draft; `--resume` uses [`Access::unlock`] then
//!    `Vault::read_draft`; a stored session removes its draft.
//!
//! Opening the vault also acts on leftovers of interrupted writes ([`Access::tidy`],
//! `store/leftovers.rs`).

use std::io::{BufRead, IsTerminal, Read};

use age::secrecy::SecretString;

use super::Settings;
use crate::error::{Error, Kind, Result};
use crate::model::response::Response;
use crate::store::crypto::Identities;
use crate::store::draft::Draft;
use crate::store::fingerprint::fingerprint;
use crate::store::sessions::SavedSession;
use crate::store::vault::{RecipientCheck, SESSIONS_DIR, Vault};
use crate::term::{
    self,
    secret::{Passphrases, Source},
};

/// The vault and the passphrase sources of one command.
#[derive(Debug, Clone)]
pub(crate) struct Access {
    pub(crate) vault: Vault,
    pub(crate) passphrases: Passphrases,
}

impl Access {
    pub(crate) fn new(settings: &Settings) -> Result<Access> {
        Ok(Access {
            vault: Vault::locate(settings.data_dir.as_deref())?,
            passphrases: Passphrases::new(settings.passphrase_file.clone()),
        })
    }

    /// Checks, before any question is asked, that a finished session can be saved: the
    /// data folder can be written, and either `recipient.txt` is usable or a new passphrase
    /// can be obtained to create the key. Every failure has a hint; a missing passphrase
    /// source or a data folder that is a file is a usage error (exit 2), a folder that
    /// cannot be written an I/O failure (exit 1), a damaged `recipient.txt` exit 4.
    pub(crate) fn check_can_save(&self) -> Result<()> {
        if self.vault.can_encrypt() {
            self.vault.recipients()?;
        } else {
            if self.vault.has_identity() {
                // recipient.txt lost: `vault.recipients()` says how to restore it.
                self.vault.recipients()?;
            }
            self.passphrases
                .check_readable("protect the key that encrypts your answers")?;
        }
        self.vault.prepare_dir(SESSIONS_DIR).map_err(|e| {
            // A data folder that is a file (or inside one) is a wrong --data-dir: exit 2.
            // A folder that cannot be written (read-only, full, no permission) is an I/O
            // failure: exit 1, as the README says.
            let kind = if blocked_by_a_file(self.vault.dir()) {
                Kind::Usage
            } else {
                e.kind
            };
            Error::new(kind, format!("your answers could not be saved: {}", e.message)).with_hint(
                "choose a folder you can write to with --data-dir DIR (or CONFIDE_DATA_DIR), or answer with --no-save",
            )
        })?;
        Ok(())
    }

    /// Creates the key if there is none yet (asking for a new passphrase). Returns whether
    /// it was created.
    pub(crate) fn ensure_identity(&self) -> Result<bool> {
        if !self.needs_identity()? {
            return Ok(false);
        }
        let passphrase = self.new_passphrase()?;
        self.create_identity(&passphrase)
    }

    /// Whether saving must first create the key (there is no `recipient.txt`). A key
    /// without its `recipient.txt` is an error that says how to restore it.
    pub(crate) fn needs_identity(&self) -> Result<bool> {
        if self.vault.can_encrypt() {
            return Ok(false);
        }
        if self.vault.has_identity() {
            self.vault.recipients()?;
        }
        Ok(true)
    }

    /// Asks for the passphrase of a new key (on a terminal, twice, after saying what it
    /// is for).
    pub(crate) fn new_passphrase(&self) -> Result<SecretString> {
        if self.passphrases.source() == Source::Terminal {
            term::eprintln(&format!(
                "confide keeps your answers encrypted in {}.\nChoose a passphrase to protect them. Without it, saved sessions cannot be opened again.",
                self.vault.dir().display()
            ));
        }
        self.passphrases
            .new_passphrase("protect the key that encrypts your answers")
    }

    /// Creates the key with `passphrase`. When another confide created one since this one
    /// looked (two first saves at once), that key is used instead: the answers are
    /// encrypted to its `recipient.txt`. Returns whether this run created the key.
    pub(crate) fn create_identity(&self, passphrase: &SecretString) -> Result<bool> {
        match self.vault.create_identity(passphrase) {
            Ok(recipient) => {
                term::eprintln(&format!("Created your key ({recipient})."));
                Ok(true)
            }
            Err(e) if self.vault.has_identity() => {
                // The other confide writes recipient.txt right after identity.age.
                for _ in 0..100 {
                    if self.vault.can_encrypt() {
                        break;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                if !self.vault.can_encrypt() {
                    return Err(e);
                }
                self.vault.recipients()?;
                let same =
                    crate::store::crypto::read_identity_file(&self.vault.identity_path(), || {
                        Ok(passphrase.clone())
                    })
                    .is_ok();
                term::eprintln(&format!(
                    "Another confide created your key in {} a moment ago; your answers are encrypted to that key. {}",
                    self.vault.dir().display(),
                    if same {
                        "The passphrase you chose opens it."
                    } else {
                        "It is opened with the passphrase chosen there, not the one you just typed."
                    }
                ));
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// Acts on leftovers of interrupted writes (`store/leftovers.rs`) and says what was
    /// done. `ids` is the unlocked key, when the command has it.
    pub(crate) fn tidy(&self, ids: Option<&Identities>) -> crate::store::leftovers::Tidied {
        let done = self.vault.tidy(ids);
        for path in &done.recovered {
            term::eprintln(&format!(
                "confide: note: recovered {}, which an interrupted save had left unfinished",
                path.display()
            ));
        }
        if done.removed > 0 {
            term::eprintln(&format!(
                "confide: note: removed {} leftover file{} of an interrupted save in {}; nothing in {} was needed",
                done.removed,
                if done.removed == 1 { "" } else { "s" },
                self.vault.dir().display(),
                if done.removed == 1 { "it" } else { "them" },
            ));
        }
        done
    }

    /// Creates the key when needed, then saves the session.
    pub(crate) fn save_session(&self, response: &Response) -> Result<SavedSession> {
        self.ensure_identity()?;
        self.vault.save_session(response)
    }

    /// Creates the key when needed, then keeps the draft.
    pub(crate) fn save_draft(&self, draft: &Draft) -> Result<std::path::PathBuf> {
        self.ensure_identity()?;
        self.vault.save_draft(draft)
    }

    /// Unlocks the key: one passphrase, one scrypt. Then checks that `recipient.txt`
    /// belongs to it ([`Access::verify_recipient`]).
    pub(crate) fn unlock(&self) -> Result<Identities> {
        let path = self.vault.identity_path();
        let prompt = format!("Passphrase for {}: ", path.display());
        let ids = self.vault.unlock(|| -> Result<SecretString> {
            self.passphrases.existing(&prompt, "open your key")
        })?;
        self.verify_recipient(&ids)?;
        Ok(ids)
    }

    /// Stops with an error (exit 4) when `recipient.txt` is not the recipient of the open
    /// key, or holds anything but one recipient: every session saved since then went to
    /// whatever it holds. In a terminal, offers to write it again from the key and then
    /// goes on; `confide keys recipient --restore` does the same for scripts.
    pub(crate) fn verify_recipient(&self, ids: &Identities) -> Result<()> {
        let problem = match self.vault.check_recipient(ids) {
            RecipientCheck::Matches | RecipientCheck::Missing => return Ok(()),
            RecipientCheck::Foreign => self.vault.foreign_recipient(),
            RecipientCheck::Invalid(e) => e,
        };
        let path = self.vault.recipient_path();
        let question = format!(
            "Write {} again from your key, so that sessions are encrypted to you from now on? [y/N] ",
            path.display()
        );
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(problem);
        }
        term::eprintln(&format!("confide: error: {}", problem.message));
        if !ask_yes_no(&question)? {
            return Err(Error {
                message: format!("{} was left as it is", path.display()),
                hint: problem.hint,
                ..problem
            });
        }
        let recipient = self.vault.restore_recipient(ids)?;
        term::eprintln(&format!(
            "Restored {}: {recipient} (fingerprint {}).",
            path.display(),
            fingerprint(&recipient)
        ));
        Ok(())
    }
}

/// Reads a yes or no from the terminal (stdin); anything but y or yes is no.
fn ask_yes_no(question: &str) -> Result<bool> {
    let _ = console::Term::stderr().write_str(question);
    let mut answer = String::new();
    // A bounded read, so endless input without a newline cannot fill memory.
    std::io::stdin()
        .lock()
        .take(1024)
        .read_line(&mut answer)
        .map_err(|e| {
            Error::failure(format!(
                "cannot read the answer: {}",
                crate::error::describe_io(&e)
            ))
        })?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}

/// Whether the first part of `dir` that exists is a file rather than a folder.
fn blocked_by_a_file(dir: &std::path::Path) -> bool {
    dir.ancestors()
        .find(|a| a.exists())
        .is_some_and(|a| !a.is_dir())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::response::{RESPONSE_FORMAT, Tool};

    fn access(dir: &std::path::Path, pass_file: Option<std::path::PathBuf>) -> Access {
        Access {
            vault: Vault::at(dir),
            passphrases: Passphrases::new(pass_file),
        }
    }

    fn response() -> Response {
        Response {
            format: RESPONSE_FORMAT.into(),
            id: uuid::Uuid::new_v4().to_string(),
            created: "2026-11-25T08:15:00Z".into(),
            tool: Tool {
                name: "confide".into(),
                version: "0.1.0".into(),
            },
            reference: None,
            language: "en".into(),
            questionnaires: vec![],
        }
    }

    #[test]
    fn the_check_before_questions_reads_the_passphrase_file_and_tries_the_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("no-such-file");
        let e = access(&tmp.path().join("data"), Some(missing))
            .check_can_save()
            .unwrap_err();
        assert_eq!(e.kind, Kind::Usage);
        assert!(
            e.message.starts_with("cannot read passphrase file"),
            "{}",
            e.message
        );

        let pass = tmp.path().join("pass");
        std::fs::write(&pass, "a passphrase\n").unwrap();
        access(&tmp.path().join("data"), Some(pass.clone()))
            .check_can_save()
            .unwrap();
        assert!(tmp.path().join("data/sessions").is_dir());

        let blocked = tmp.path().join("a-file");
        std::fs::write(&blocked, "").unwrap();
        let e = access(&blocked, Some(pass)).check_can_save().unwrap_err();
        assert_eq!(e.kind, Kind::Usage);
        assert!(
            e.message.starts_with("your answers could not be saved: "),
            "{}",
            e.message
        );
        assert!(e.hint.unwrap().contains("--data-dir"));
    }

    #[test]
    fn the_first_save_creates_the_key_and_later_saves_need_no_passphrase() {
        let tmp = tempfile::tempdir().unwrap();
        let pass = tmp.path().join("pass");
        std::fs::write(&pass, "a passphrase\n").unwrap();
        let data = tmp.path().join("data");
        let first = access(&data, Some(pass.clone()))
            .save_session(&response())
            .unwrap();
        let path = data.join("sessions").join(format!("{}.age", first.id));
        assert!(path.exists());
        assert!(data.join("identity.age").exists());
        std::fs::remove_file(&pass).unwrap();
        let a = access(&data, Some(pass));
        a.check_can_save().unwrap();
        let second = a.save_session(&response()).unwrap();
        assert_ne!(first.id, second.id);
        assert_eq!(a.vault.list_sessions().unwrap().len(), 2);
    }
}
