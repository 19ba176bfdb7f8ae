//! Where a finished session goes: the person's own vault, an encrypted intake file for a
//! therapist, or both. Decided and checked before the first question; written after the
//! review, with Ctrl-C deferred so no half-written file is left.

use std::path::{Path, PathBuf};

use super::safety;
use crate::cli::TakeOptions;
use crate::commands::access::Access;
use crate::error::{Error, Result};
use crate::model::invitation::Invitation;
use crate::model::response::Response;
use crate::store::atomic;
use crate::store::crypto::{self, Recipients};
use crate::store::vault::{SESSIONS_DIR, to_json_zeroizing};
use crate::term::{self, interrupt, sanitize};

/// An encrypted intake file to write.
struct Intake {
    recipients: Recipients,
    /// `--out`, or `None` for `./confide-intake-<date>-<id8>.age`.
    out: Option<PathBuf>,
    armor: bool,
    /// Who can open it, in words.
    for_whom: String,
    /// Also encrypted to the person's own key.
    own: bool,
}

impl Intake {
    /// `--out`, or the default name in the current folder.
    fn path(&self, response: &Response) -> PathBuf {
        match &self.out {
            Some(p) => p.clone(),
            None => PathBuf::from(default_name(response)),
        }
    }
}

/// The destinations of one session.
pub struct Destinations {
    vault: bool,
    intake: Option<Intake>,
    /// The person chose not to keep a copy in the vault (after a safety flag).
    declined: bool,
    /// Folders made by the check before the first question (`sessions/`, the data folder
    /// and any missing folder above it), deepest first: removed again when they stay empty
    /// because the person chose not to save.
    created: Vec<PathBuf>,
}

impl Destinations {
    /// Works out and checks every destination. Fails (before any question) when a
    /// recipient is invalid, the output file exists or cannot be written, or the vault
    /// cannot save.
    pub fn prepare(
        args: &TakeOptions,
        invitation: Option<&Invitation>,
        access: &Access,
        save: bool,
    ) -> Result<Destinations> {
        let mut recipients = Recipients::new();
        for to in &args.to {
            recipients.add_str(to, "`--to`")?;
        }
        for file in &args.recipients_files {
            recipients.add_file(file)?;
        }
        if let Some(inv) = invitation {
            recipients.add_str(&inv.recipient, "the invitation's recipient")?;
        }
        if recipients.is_empty() {
            let mut created = Vec::new();
            if save {
                let sessions = access.vault.dir().join(SESSIONS_DIR);
                created = sessions
                    .ancestors()
                    .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
                    .map(Path::to_path_buf)
                    .collect();
                access.check_can_save()?;
            }
            return Ok(Destinations {
                vault: save,
                intake: None,
                declined: false,
                created,
            });
        }
        let named = recipients.names().len();
        let for_whom = match invitation.and_then(|i| i.practice.as_deref()) {
            Some(p) => sanitize::line(p).into_owned(),
            None if named == 1 => format!(
                "the holder of the key {}",
                short_key(&recipients.names()[0])
            ),
            None => format!("the holders of the {named} keys you named"),
        };
        // Your own key too, when you have a vault, so you can read your intake back.
        let has_vault = access.vault.can_encrypt();
        if has_vault {
            recipients.extend(access.vault.recipients()?);
        }
        if let Some(out) = &args.out {
            if out.exists() {
                return Err(Error::usage(format!("{} already exists", out.display()))
                    .with_hint("choose another name with --out; confide never overwrites a file"));
            }
            atomic::check_writable(parent_of(out)).map_err(|e| {
                Error::usage(e.message).with_hint("choose a folder you can write to with --out")
            })?;
        } else {
            atomic::check_writable(Path::new(".")).map_err(|e| {
                Error::usage(e.message).with_hint(
                    "run confide in a folder you can write to, or choose a file with --out",
                )
            })?;
        }
        Ok(Destinations {
            vault: save && has_vault,
            intake: Some(Intake {
                recipients,
                out: args.out.clone(),
                armor: args.armor,
                for_whom,
                own: has_vault,
            }),
            declined: false,
            created: Vec::new(),
        })
    }

    /// Whether a copy is kept in the person's own vault (and so drafts can be kept too).
    pub fn keeps_copy(&self) -> bool {
        self.vault
    }

    /// The intake file this session will be written to, if any.
    pub fn intake_path(&self, response: &Response) -> Option<PathBuf> {
        self.intake.as_ref().map(|intake| intake.path(response))
    }

    /// Keeps no copy in the vault: the person chose not to save (an intake file is still
    /// written).
    pub fn decline_vault(&mut self) {
        if self.vault {
            self.vault = false;
            self.declined = true;
        }
    }

    /// Writes the session to every destination.
    pub fn write(&self, response: &Response, access: &Access) -> Result<()> {
        let result = interrupt::critical(|| -> Result<()> {
            if let Some(intake) = &self.intake {
                let plaintext = to_json_zeroizing(response)?;
                let bytes = crypto::encrypt(&plaintext, &intake.recipients, intake.armor)?;
                drop(plaintext);
                let target = intake.path(response);
                let name = target
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .ok_or_else(|| {
                        Error::usage(format!("{} is not a file name", target.display()))
                    })?;
                let written = atomic::write_new(parent_of(&target), &name, &bytes)?;
                let how = if intake.armor {
                    "You can paste its text into a secure message or attach the file"
                } else {
                    "Send the file the way your therapist asked, for example as an attachment"
                };
                term::eprintln(&format!(
                    "\nYour answers are encrypted in {}\nOnly {} can open it{}. {how}: it is safe to send because it is encrypted.",
                    written.display(),
                    intake.for_whom,
                    if intake.own {
                        " (and you, with your passphrase)"
                    } else {
                        ""
                    },
                ));
            }
            if self.vault {
                let saved = access.save_session(response)?;
                term::eprintln(&format!(
                    "\nSaved, encrypted, as session {} in {}. `confide history` shows your sessions.",
                    saved.id,
                    access.vault.dir().display()
                ));
            }
            match (self.declined, self.intake.is_some()) {
                (true, intake) => {
                    let said = if intake {
                        safety::NO_COPY_KEPT
                    } else {
                        safety::NOT_SAVED
                    };
                    term::eprintln(&format!(
                        "\n{}",
                        term::wrap::fill(said, term::width(), "", "")
                    ));
                }
                (false, false) if !self.vault => {
                    term::eprintln("\nNothing was saved (--no-save).");
                }
                (false, _) => {}
            }
            if self.declined {
                // Not even an empty folder says that confide was used here.
                for dir in &self.created {
                    let _ = std::fs::remove_dir(dir);
                }
            }
            Ok(())
        });
        interrupt::honour_pending();
        result
    }
}

/// `./confide-intake-<YYYY-MM-DD>-<id8>.age`.
fn default_name(response: &Response) -> String {
    let date: String = response.created.chars().take(10).collect();
    format!("confide-intake-{date}-{}.age", response.id8())
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// `age1abcd…wxyz`: enough to compare with what the therapist says.
fn short_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 20 {
        return key.to_owned();
    }
    let head: String = chars[..10].iter().collect();
    let tail: String = chars[chars.len() - 6..].iter().collect();
    format!("{head}…{tail}")
}
