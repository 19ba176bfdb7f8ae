//! Where a finished session goes: the person's own vault, an encrypted intake file for a
//! therapist, or both. Decided and checked before the first question; written after the
//! review, one destination at a time (so that, when one fails, the person can try it again
//! or choose another place for it without writing the other twice), with Ctrl-C deferred
//! so no half-written file is left.

use std::path::{Path, PathBuf};

use super::safety;
use crate::cli::TakeOptions;
use crate::commands::access::Access;
use crate::error::{Error, Result};
use crate::model::invitation::Invitation;
use crate::model::response::Response;
use crate::store::atomic;
use crate::store::crypto::{self, Recipients};
use crate::store::sessions::session_stem;
use crate::store::vault::{SESSIONS_DIR, to_json_zeroizing};
use crate::term::{self, interrupt, sanitize};

/// An encrypted intake file to write.
struct Intake {
    /// The recipients given (`--to`, `--recipients-file`, the invitation), checked, in
    /// order, without repeats.
    named: Vec<String>,
    /// `--out`, or `None` for `./confide-intake-<date>-<id8>.age`.
    out: Option<PathBuf>,
    armor: bool,
    /// The person's own vault recipient (`recipient.txt`, checked), when they have a vault.
    /// The file is encrypted to it too only when they keep a copy.
    own: Option<String>,
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

/// A destination of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// The encrypted intake file for the therapist.
    Intake,
    /// The copy in the person's own vault.
    Vault,
}

/// The destinations of one session.
pub(crate) struct Destinations {
    vault: bool,
    intake: Option<Intake>,
    /// The person chose not to keep a copy in the vault (after a safety flag).
    declined: bool,
    /// Folders made by the check before the first question (`sessions/`, the data folder
    /// and any missing folder above it), deepest first: removed again when they stay empty
    /// because the person chose not to save.
    created: Vec<PathBuf>,
    /// Destinations written (or given up) so far.
    done: Vec<Step>,
    /// The draft kept while the person answered was removed (they chose not to save).
    draft_removed: bool,
}

impl Destinations {
    /// Works out and checks every destination. Fails (before any question) when a
    /// recipient is invalid, the output file exists or cannot be written, or the vault
    /// cannot save.
    pub(crate) fn prepare(
        args: &TakeOptions,
        invitation: Option<&Invitation>,
        access: &Access,
        save: bool,
    ) -> Result<Destinations> {
        let recipients = intake_recipients(args, invitation)?;
        if recipients.is_empty() {
            return Destinations::vault_only(access, save);
        }
        let mut named: Vec<String> = Vec::new();
        for n in recipients.names() {
            let n = crate::store::fingerprint::canonical(n);
            if !named.contains(&n) {
                named.push(n);
            }
        }
        // Your own key too, when you keep a copy, so you can read your intake back.
        let own = if save && access.vault.can_encrypt() {
            Some(access.vault.recipient()?.to_string())
        } else {
            None
        };
        check_out(args.out.as_deref())?;
        Ok(Destinations {
            vault: save && own.is_some(),
            intake: Some(Intake {
                named,
                out: args.out.clone(),
                armor: args.armor,
                own,
            }),
            declined: false,
            created: Vec::new(),
            done: Vec::new(),
            draft_removed: false,
        })
    }

    /// No intake file: the vault copy (unless `--no-save`), checked, with the folders the
    /// check makes.
    fn vault_only(access: &Access, save: bool) -> Result<Destinations> {
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
        Ok(Destinations {
            vault: save,
            intake: None,
            declined: false,
            created,
            done: Vec::new(),
            draft_removed: false,
        })
    }

    /// Whether a copy is kept in the person's own vault (and so drafts can be kept too).
    pub(crate) fn keeps_copy(&self) -> bool {
        self.vault
    }

    /// Whether an intake file is written.
    pub(crate) fn has_intake(&self) -> bool {
        self.intake.is_some()
    }

    /// The draft kept while the person answered was removed (they chose not to save):
    /// the last message says so.
    pub(crate) fn draft_removed(&mut self) {
        self.draft_removed = true;
    }

    /// The intake file this session will be written to, if any.
    pub(crate) fn intake_path(&self, response: &Response) -> Option<PathBuf> {
        self.intake.as_ref().map(|intake| intake.path(response))
    }

    /// Keeps no copy in the vault: the person chose not to save (an intake file is still
    /// written).
    pub(crate) fn decline_vault(&mut self) {
        if self.vault {
            self.vault = false;
            self.declined = true;
        }
    }

    /// The next destination to write, if any.
    pub(crate) fn next_step(&self) -> Option<Step> {
        if self.intake.is_some() && !self.done.contains(&Step::Intake) {
            Some(Step::Intake)
        } else if self.vault && !self.done.contains(&Step::Vault) {
            Some(Step::Vault)
        } else {
            None
        }
    }

    /// Gives up one destination (the person chose not to save it after it failed).
    pub(crate) fn give_up(&mut self, step: Step) {
        self.done.push(step);
    }

    /// Writes the session to every destination, then says what was and was not saved.
    pub(crate) fn write(&mut self, response: &Response, access: &Access) -> Result<()> {
        while let Some(step) = self.next_step() {
            self.write_step(step, response, access, None)?;
        }
        self.finish();
        Ok(())
    }

    /// Writes one destination: to its own place, or to `elsewhere`, a file or a folder the
    /// person chose after a failure (the same ciphertext, under the file's own name in a
    /// folder). `access` is the vault to save the vault copy in.
    pub(crate) fn write_step(
        &mut self,
        step: Step,
        response: &Response,
        access: &Access,
        elsewhere: Option<&Path>,
    ) -> Result<()> {
        let result = interrupt::critical(|| match step {
            Step::Intake => self.write_intake(response, elsewhere),
            Step::Vault => write_vault(response, access, elsewhere),
        });
        if result.is_ok() {
            self.done.push(step);
        }
        interrupt::honour_pending();
        result
    }

    fn write_intake(&self, response: &Response, elsewhere: Option<&Path>) -> Result<()> {
        let Some(intake) = &self.intake else {
            return Ok(());
        };
        let mut recipients = Recipients::new();
        for r in intake.recipients(self.vault) {
            recipients.add_str(r, "the recipient")?;
        }
        let plaintext = to_json_zeroizing(response)?;
        let bytes = crypto::encrypt(&plaintext, &recipients, intake.armor)?;
        drop(plaintext);
        let target = intake.path(response);
        let (dir, name) = place(elsewhere.unwrap_or(&target), &target)?;
        let written = atomic::write_new(&dir, &name, &bytes)?;
        let how = if intake.armor {
            "You can paste its text into a secure message or attach the file"
        } else {
            "Send the file the way your therapist asked, for example as an attachment"
        };
        term::eprintln(&format!(
            "\nYour answers are encrypted in {}\n{}\n{how}: it is safe to send because it is encrypted.",
            sanitize::line(&written.display().to_string()),
            who_can_open(&intake.named, intake.own_copy(self.vault)),
        ));
        Ok(())
    }

    /// Says what was and was not saved, once every destination is written or given up.
    pub(crate) fn finish(&self) {
        let vault_saved = self.vault && !self.declined;
        match (self.declined, self.intake.is_some()) {
            (true, intake) => {
                let said = match (intake, self.draft_removed) {
                    (true, false) => safety::NO_COPY_KEPT,
                    (true, true) => safety::NO_COPY_KEPT_DRAFT_REMOVED,
                    (false, false) => safety::NOT_SAVED,
                    (false, true) => safety::NOT_SAVED_DRAFT_REMOVED,
                };
                term::eprintln(&format!(
                    "\n{}",
                    term::wrap::fill(said, term::width(), "", "")
                ));
            }
            (false, false) if !vault_saved => {
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
    }

    /// The recipients the intake file is for (none without an intake), as given.
    pub(crate) fn named(&self) -> &[String] {
        self.intake.as_ref().map_or(&[], |i| &i.named)
    }

    /// The person's own vault recipient, when the intake file is encrypted to it too.
    pub(crate) fn own_copy(&self) -> Option<&str> {
        self.intake.as_ref().and_then(|i| i.own_copy(self.vault))
    }
}

/// The recipients of the intake file (`--to`, `--recipients-file`, the invitation), each
/// checked; none without an intake.
fn intake_recipients(args: &TakeOptions, invitation: Option<&Invitation>) -> Result<Recipients> {
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
    Ok(recipients)
}

/// The intake file can be written: `--out` does not exist and its folder is writable, or,
/// without `--out`, the current folder is.
fn check_out(out: Option<&Path>) -> Result<()> {
    let Some(out) = out else {
        return atomic::check_writable(Path::new(".")).map_err(|e| {
            Error::usage(e.message)
                .with_hint("run confide in a folder you can write to, or choose a file with --out")
        });
    };
    if out.exists() {
        return Err(Error::usage(format!("{} already exists", out.display()))
            .with_hint("choose another name with --out; confide never overwrites a file"));
    }
    atomic::check_writable(parent_of(out)).map_err(|e| {
        Error::usage(e.message).with_hint("choose a folder you can write to with --out")
    })
}

/// Saves the vault copy: in the vault, or as one file `elsewhere` (encrypted to the same
/// `recipient.txt`).
fn write_vault(response: &Response, access: &Access, elsewhere: Option<&Path>) -> Result<()> {
    let Some(elsewhere) = elsewhere else {
        let saved = access.save_session(response)?;
        term::eprintln(&format!(
            "\nSaved, encrypted, as session {} in {}. `confide history` shows your sessions.",
            saved.id,
            access.vault.dir().display()
        ));
        return Ok(());
    };
    let recipients = access.vault.recipients()?;
    let name = format!("{}.age", session_stem(response)?);
    let plaintext = to_json_zeroizing(response)?;
    let bytes = crypto::encrypt(&plaintext, &recipients, false)?;
    drop(plaintext);
    let (dir, name) = place(elsewhere, Path::new(&name))?;
    let written = atomic::write_new(&dir, &name, &bytes)?;
    let shown = sanitize::line(&written.display().to_string()).into_owned();
    term::eprintln(&format!(
        "\nSaved, encrypted, as {shown}. It is not in your vault: `confide show {shown}` shows it, and moving it into {} adds it to `confide history`.",
        access.vault.sessions_dir().display()
    ));
    Ok(())
}

/// The folder and file name to write: `path` itself, or, when `path` is a folder, the file
/// name of `default` inside it.
fn place(path: &Path, default: &Path) -> Result<(PathBuf, String)> {
    let (dir, file) = if path.is_dir() {
        (path, default)
    } else {
        (parent_of(path), path)
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::usage(format!("{} is not a file name", file.display())))?;
    Ok((dir.to_path_buf(), name))
}

impl Intake {
    /// The person's own recipient, when the file is encrypted to it too: they keep a copy
    /// (`keeps_copy`) and it is not one of the named recipients already.
    fn own_copy(&self, keeps_copy: bool) -> Option<&str> {
        self.own
            .as_deref()
            .filter(|o| keeps_copy && !self.named.iter().any(|n| n == o))
    }

    /// Exactly the recipients the file is encrypted to.
    fn recipients(&self, keeps_copy: bool) -> impl Iterator<Item = &str> {
        self.named
            .iter()
            .map(String::as_str)
            .chain(self.own_copy(keeps_copy))
    }
}

/// Who can open the intake file, by fingerprint. Made from the very list the file is
/// encrypted to, so it is true whatever an invitation says about who made it.
fn who_can_open(named: &[String], own: Option<&str>) -> String {
    let mut lines: Vec<String> = named
        .iter()
        .map(|r| {
            format!(
                "  {}  the key you were given",
                crate::store::fingerprint::fingerprint(r)
            )
        })
        .collect();
    if let Some(o) = own {
        lines.push(format!(
            "  {}  your own vault key (you keep a copy, and open it with your passphrase)",
            crate::store::fingerprint::fingerprint(o)
        ));
    }
    let head = if lines.len() == 1 {
        "It is encrypted to exactly one key, and only its holder can open it:".to_owned()
    } else {
        format!(
            "It is encrypted to exactly {} keys, and only their holders can open it:",
            lines.len()
        )
    };
    format!("{head}\n{}", lines.join("\n"))
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
