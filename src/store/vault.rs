//! The vault: the data folder with the person's key and their encrypted sessions and drafts
//! (layout in docs/storage.md).
//!
//! ```text
//! <data dir>/        0700
//!   identity.age     X25519 identity, encrypted to the passphrase (age scrypt, log2 N = 18)
//!   recipient.txt    its public recipient (age1...); saving encrypts to it, no passphrase
//!   sessions/*.age   one `confide.response/1` record each, named <utc-compact>-<id8>.age
//!   drafts/*.age     one per interview not finished yet (`confide.draft/1`)
//! ```
//!
//! Saving needs no passphrase; reading asks for it once per command (`Vault::unlock`, one
//! scrypt), then every file costs one X25519 operation. Operations that need a passphrase
//! take a closure, called only when the passphrase is really needed, so this module never
//! touches the terminal; `commands::access` connects it to `term::secret` and is what the
//! `take` command calls (`check_can_save` before the first question, `save_session` after
//! the review).
//!
//! Sessions and drafts live in `sessions.rs` and `draft.rs`.

use std::io::Read;
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use age::x25519;
use serde::Serialize;
use zeroize::Zeroizing;

use super::atomic;
use super::crypto::{self, Identities, Recipients};
use super::regular::NotOpened;
use crate::clock;
use crate::error::{Error, Result};

pub(crate) const IDENTITY_FILE: &str = "identity.age";
const RECIPIENT_FILE: &str = "recipient.txt";
pub(crate) const SESSIONS_DIR: &str = "sessions";
pub(crate) const DRAFTS_DIR: &str = "drafts";

/// Largest `recipient.txt` read (one recipient is 62 bytes; comments are allowed).
const MAX_RECIPIENT_FILE: u64 = 64 * 1024;

/// The data folder. Creating a `Vault` touches nothing on disk.
#[derive(Debug, Clone)]
pub struct Vault {
    dir: PathBuf,
}

impl Vault {
    /// The vault in `dir`.
    pub fn at(dir: impl Into<PathBuf>) -> Vault {
        Vault { dir: dir.into() }
    }

    /// `--data-dir` / `CONFIDE_DATA_DIR` when given, else the platform data folder
    /// (`$XDG_DATA_HOME/confide` on Linux).
    pub(crate) fn locate(data_dir: Option<&Path>) -> Result<Vault> {
        match data_dir {
            Some(d) if d.as_os_str().is_empty() => Err(Error::usage("the data folder is empty")
                .with_hint("pass a folder with --data-dir DIR")),
            Some(d) => Ok(Vault::at(d)),
            None => super::paths::default_data_dir()
                .map(Vault::at)
                .ok_or_else(|| {
                    Error::usage("cannot tell where to keep your data: no home folder is known")
                        .with_hint("pass --data-dir DIR or set CONFIDE_DATA_DIR")
                }),
        }
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn identity_path(&self) -> PathBuf {
        self.dir.join(IDENTITY_FILE)
    }

    pub(crate) fn recipient_path(&self) -> PathBuf {
        self.dir.join(RECIPIENT_FILE)
    }

    pub(crate) fn sessions_dir(&self) -> PathBuf {
        self.dir.join(SESSIONS_DIR)
    }

    pub(crate) fn drafts_dir(&self) -> PathBuf {
        self.dir.join(DRAFTS_DIR)
    }

    /// Whether `identity.age` exists.
    pub(crate) fn has_identity(&self) -> bool {
        self.identity_path().exists()
    }

    /// Whether `identity.age` is a plain identity file (needs no passphrase to open).
    pub(crate) fn identity_is_plain(&self) -> bool {
        crypto::read_file(&self.identity_path(), "key file").is_ok_and(|b| !crypto::is_age_file(&b))
    }

    /// Whether sessions can be encrypted without creating a key (`recipient.txt` exists).
    pub(crate) fn can_encrypt(&self) -> bool {
        self.recipient_path().exists()
    }

    /// Creates the data folder and `sub` (0700) and checks that files can be written there.
    pub(crate) fn prepare_dir(&self, sub: &str) -> Result<PathBuf> {
        atomic::private_dir(&self.dir)?;
        let d = self.dir.join(sub);
        atomic::private_dir(&d)?;
        atomic::check_writable(&d)?;
        Ok(d)
    }

    /// Creates a new key protected by `passphrase`: `identity.age` (age scrypt) and
    /// `recipient.txt`. Refuses when either exists. Returns the recipient (`age1...`).
    pub(crate) fn create_identity(&self, passphrase: &SecretString) -> Result<String> {
        if self.has_identity() || self.can_encrypt() {
            return Err(self.identity_exists());
        }
        atomic::private_dir(&self.dir)?;
        let (text, recipient) = crypto::new_identity_file(&clock::now_rfc3339());
        let ciphertext = crypto::encrypt_with_passphrase(text.as_bytes(), passphrase, false)?;
        // Another confide may have made a key since the check above (two `keys init` at
        // once): the file is never overwritten, and that is "a key already exists" (exit 2).
        atomic::write_new(&self.dir, IDENTITY_FILE, &ciphertext).map_err(|e| {
            if self.has_identity() {
                self.identity_exists()
            } else {
                e
            }
        })?;
        let public = format!("{recipient}\n");
        atomic::write_new(&self.dir, RECIPIENT_FILE, public.as_bytes())?;
        Ok(recipient.to_string())
    }

    fn identity_exists(&self) -> Error {
        Error::usage(format!("a key already exists in {}", self.dir.display())).with_hint(
            "`confide keys passwd` changes its passphrase; to start over, move identity.age and recipient.txt away first (sessions encrypted to the old key then need it)",
        )
    }

    /// The recipients sessions are encrypted to: the one recipient of `recipient.txt`
    /// ([`Vault::recipient`]).
    pub(crate) fn recipients(&self) -> Result<Recipients> {
        let mut r = Recipients::new();
        r.add_x25519(self.recipient()?);
        Ok(r)
    }

    /// The recipient in `recipient.txt`. The file must hold exactly one X25519 recipient
    /// (`age1...`); `#` comments and blank lines are allowed. Anything else (a second
    /// recipient, a plugin, SSH or post-quantum recipient, a secret key, other text) is
    /// refused as damage (exit 4) naming the file, so nothing is ever saved to a key added
    /// behind the person's back. Lines are never quoted.
    pub(crate) fn recipient(&self) -> Result<x25519::Recipient> {
        let path = self.recipient_path();
        // Never waits on a named pipe or reads a device: see `regular`.
        let file = match super::regular::open(&path) {
            Ok(f) => f,
            Err(NotOpened::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(self.no_recipient());
            }
            Err(NotOpened::Io(e)) => return Err(Error::io("cannot read", &path, &e)),
            Err(NotOpened::Folder) => {
                return Err(Error::damaged(format!(
                    "{} is a folder, not a file",
                    path.display()
                )));
            }
            Err(NotOpened::Special(kind)) => {
                return Err(Error::damaged(format!(
                    "{} is {kind}, not a regular file",
                    path.display()
                )));
            }
        };
        let mut bytes = Vec::new();
        file.take(MAX_RECIPIENT_FILE + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io("cannot read", &path, &e))?;
        let bad = |why: String| {
            Error::damaged(format!(
                "{} {why}; it must hold exactly one age recipient (age1...), your key's",
                path.display()
            ))
            .with_hint(self.restore_hint())
        };
        if bytes.len() as u64 > MAX_RECIPIENT_FILE {
            return Err(bad("is larger than 64 KiB".into()));
        }
        let text = std::str::from_utf8(&bytes).map_err(|_| bad("is not a text file".into()))?;
        let mut found: Option<x25519::Recipient> = None;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line_no = n + 1;
            match line.parse::<x25519::Recipient>() {
                Ok(_) if found.is_some() => {
                    return Err(bad(format!("holds a second recipient on line {line_no}")));
                }
                Ok(r) => found = Some(r),
                Err(_) => {
                    return Err(bad(format!(
                        "has {} on line {line_no}",
                        describe_line(line)
                    )));
                }
            }
        }
        found.ok_or_else(|| bad("holds no recipient".into()))
    }

    fn restore_hint(&self) -> String {
        if self.has_identity() {
            "`confide keys recipient --restore` writes it again from your key (it asks for your passphrase)".into()
        } else {
            format!(
                "put your key's recipient (age1...) in {}, alone on one line",
                self.recipient_path().display()
            )
        }
    }

    /// The error when `recipient.txt` is not the recipient of the key.
    pub(crate) fn foreign_recipient(&self) -> Error {
        Error::damaged(format!(
            "recipient.txt in {} does not belong to your key: sessions saved since it changed were encrypted to someone else's key",
            self.dir.display()
        ))
        .with_hint(
            "if you did not change it, someone who can write to this folder did. `confide keys recipient --restore` writes it again from your key; sessions saved in the meantime can only be opened with the other key",
        )
    }

    fn no_recipient(&self) -> Error {
        if self.has_identity() {
            Error::failure(format!("{} is missing", self.recipient_path().display()))
                .with_hint("`confide keys recipient` restores it from your key")
        } else {
            Error::usage(format!("there is no key in {} yet", self.dir.display()))
                .with_hint("`confide keys init` creates one; so does saving your first session")
        }
    }

    /// Decrypts the key with the passphrase (one scrypt). `passphrase` is not called when
    /// `identity.age` is a plain identity file (for example one written by `age-keygen`).
    pub(crate) fn unlock(
        &self,
        passphrase: impl FnOnce() -> Result<SecretString>,
    ) -> Result<Identities> {
        let path = self.identity_path();
        if !path.exists() {
            return Err(if self.can_encrypt() {
                Error::usage(format!(
                    "there is no key in {}, only a recipient to encrypt to",
                    self.dir.display()
                ))
                .with_hint(format!(
                    "put the matching identity file at {}",
                    path.display()
                ))
            } else {
                Error::usage(format!("there is no key in {} yet", self.dir.display()))
                    .with_hint("`confide keys init` creates one; so does saving your first session")
            });
        }
        crypto::read_identity_file(&path, passphrase)
    }

    /// Whether `recipient.txt` is the recipient of one of the keys in `ids`.
    pub(crate) fn check_recipient(&self, ids: &Identities) -> RecipientCheck {
        if !self.recipient_path().exists() {
            return RecipientCheck::Missing;
        }
        match self.recipient() {
            Ok(r) => {
                let mine = r.to_string();
                if ids.recipients().iter().any(|k| k.to_string() == mine) {
                    RecipientCheck::Matches
                } else {
                    RecipientCheck::Foreign
                }
            }
            Err(e) => RecipientCheck::Invalid(e),
        }
    }

    /// Writes `recipient.txt` from the key (the recipient of its first key), replacing what
    /// is there in one rename. Returns the recipient.
    pub(crate) fn restore_recipient(&self, ids: &Identities) -> Result<String> {
        let first: Option<x25519::Recipient> = ids.recipients().into_iter().next();
        let recipient = first.ok_or_else(|| Error::failure("the key file holds no key"))?;
        let text = format!("{recipient}\n");
        atomic::replace(&self.dir, RECIPIENT_FILE, text.as_bytes())?;
        Ok(recipient.to_string())
    }

    /// Re-encrypts the key under a new passphrase: `old` is asked (and checked) first, then
    /// `new`; the new file is checked to decrypt before it replaces `identity.age` in one
    /// rename, so a failure at any point leaves the old file in place.
    ///
    /// `verify` is called with the key once it is open, before the new passphrase is asked
    /// (to check `recipient.txt`); its error stops the change.
    pub(crate) fn change_passphrase(
        &self,
        old: impl FnOnce() -> Result<SecretString>,
        verify: impl FnOnce(&Identities) -> Result<()>,
        new: impl FnOnce() -> Result<SecretString>,
    ) -> Result<()> {
        let path = self.identity_path();
        if !path.exists() {
            return self.unlock(old).map(drop);
        }
        let bytes = crypto::read_file(&path, "key file")?;
        let plain = crypto::identity_plaintext(&bytes, &path, old)?;
        let ids = crypto::parse_identities(&plain, &path)?;
        verify(&ids)?;
        drop(ids);
        let new = new()?;
        let ciphertext = crypto::encrypt_with_passphrase(&plain, &new, false)?;
        let check = crypto::decrypt_with_passphrase(&ciphertext, &new, &path)?;
        if check[..] != plain[..] {
            return Err(Error::failure(
                "the re-encrypted key did not check out; your key was not changed",
            ));
        }
        atomic::replace(&self.dir, IDENTITY_FILE, &ciphertext)?;
        Ok(())
    }
}

/// What a line of `recipient.txt` that is not an X25519 recipient holds, without quoting it.
fn describe_line(line: &str) -> &'static str {
    let lower = line.to_ascii_lowercase();
    if lower.starts_with("age-secret-key-") {
        "a secret key"
    } else if lower.starts_with("ssh-") {
        "an SSH key"
    } else if crypto::parse_recipient(line).is_ok() {
        "a recipient of another type than X25519"
    } else if lower.starts_with("age1") && lower[4..].contains('1') {
        "a recipient for an age plugin"
    } else {
        "something other than an age recipient"
    }
}

/// How `recipient.txt` relates to the key.
#[derive(Debug)]
pub(crate) enum RecipientCheck {
    /// It holds the recipient of the key.
    Matches,
    /// There is no `recipient.txt` (`confide keys recipient` writes it again).
    Missing,
    /// It holds one valid recipient, of another key.
    Foreign,
    /// It holds something else than exactly one recipient (the error says what).
    Invalid(Error),
}

/// Serialises to JSON in a zeroizing buffer of the exact size (so no reallocation leaves a
/// stray plaintext copy behind).
pub fn to_json_zeroizing<T: Serialize>(value: &T) -> Result<Zeroizing<Vec<u8>>> {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let fail = |_| Error::failure("cannot encode the record");
    let mut count = Count(0);
    serde_json::to_writer(&mut count, value).map_err(fail)?;
    let mut buf = Zeroizing::new(Vec::with_capacity(count.0));
    serde_json::to_writer(&mut *buf, value).map_err(fail)?;
    Ok(buf)
}

#[cfg(test)]
mod tests;
