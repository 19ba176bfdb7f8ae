//! The vault: the data folder with the person's key and their encrypted sessions and drafts
//! (layout in DESIGN.md section 6 and docs/storage.md).
//!
//! ```text
//! <data dir>/        0700
//!   identity.age     X25519 identity, encrypted to the passphrase (age scrypt, log2 N = 18)
//!   recipient.txt    its public recipient (age1...); saving encrypts to it, no passphrase
//!   sessions/*.age   one `confide.response/1` record each, named <utc-compact>-<id8>.age
//!   drafts/*.age     at most one unfinished session (`confide.draft/1`)
//! ```
//!
//! Saving needs no passphrase; reading asks for it once per command ([`Vault::unlock`], one
//! scrypt), then every file costs one X25519 operation. Operations that need a passphrase
//! take a closure, called only when the passphrase is really needed, so this module never
//! touches the terminal; `commands::access` connects it to `term::secret` and is what the
//! `take` command calls (`check_can_save` before the first question, `save_session` after
//! the review).
//!
//! Sessions and drafts live in `sessions.rs` and `draft.rs`.

use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use age::x25519;
use serde::Serialize;
use zeroize::Zeroizing;

use super::atomic;
use super::crypto::{self, Identities, Recipients};
use crate::error::{Error, Result};

pub const IDENTITY_FILE: &str = "identity.age";
pub const RECIPIENT_FILE: &str = "recipient.txt";
pub const SESSIONS_DIR: &str = "sessions";
pub const DRAFTS_DIR: &str = "drafts";

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
    pub fn locate(data_dir: Option<&Path>) -> Result<Vault> {
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

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn identity_path(&self) -> PathBuf {
        self.dir.join(IDENTITY_FILE)
    }

    pub fn recipient_path(&self) -> PathBuf {
        self.dir.join(RECIPIENT_FILE)
    }

    pub fn sessions_dir(&self) -> PathBuf {
        self.dir.join(SESSIONS_DIR)
    }

    pub fn drafts_dir(&self) -> PathBuf {
        self.dir.join(DRAFTS_DIR)
    }

    /// Whether `identity.age` exists.
    pub fn has_identity(&self) -> bool {
        self.identity_path().exists()
    }

    /// Whether sessions can be encrypted without creating a key (`recipient.txt` exists).
    pub fn can_encrypt(&self) -> bool {
        self.recipient_path().exists()
    }

    /// Creates the data folder and `sub` (0700) and checks that files can be written there.
    pub fn prepare_dir(&self, sub: &str) -> Result<PathBuf> {
        atomic::private_dir(&self.dir)?;
        let d = self.dir.join(sub);
        atomic::private_dir(&d)?;
        atomic::check_writable(&d)?;
        Ok(d)
    }

    /// Creates a new key protected by `passphrase`: `identity.age` (age scrypt) and
    /// `recipient.txt`. Refuses when either exists. Returns the recipient (`age1...`).
    pub fn create_identity(&self, passphrase: &SecretString) -> Result<String> {
        if self.has_identity() || self.can_encrypt() {
            return Err(self.identity_exists());
        }
        atomic::private_dir(&self.dir)?;
        let (text, recipient) = crypto::new_identity_file(&now_rfc3339());
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

    /// The recipients sessions are encrypted to (`recipient.txt`, an age recipients file).
    pub fn recipients(&self) -> Result<Recipients> {
        let path = self.recipient_path();
        if !path.exists() {
            return Err(self.no_recipient());
        }
        let mut r = Recipients::new();
        // Bad content in our own file is damage (exit 4), not a usage error.
        r.add_file(&path).map_err(|e| match e.kind {
            crate::error::Kind::Usage => Error {
                kind: crate::error::Kind::Damaged,
                ..e
            },
            _ => e,
        })?;
        Ok(r)
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
    pub fn unlock(&self, passphrase: impl FnOnce() -> Result<SecretString>) -> Result<Identities> {
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

    /// Whether every X25519 recipient in `recipient.txt` belongs to `ids` (so new sessions
    /// stay readable). `None` when `recipient.txt` is missing.
    pub fn recipient_matches(&self, ids: &Identities) -> Option<bool> {
        let bytes = crypto::read_file(&self.recipient_path(), "recipients file").ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let mine: Vec<String> = ids.recipients().iter().map(ToString::to_string).collect();
        Some(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .any(|l| mine.iter().any(|m| m == l)),
        )
    }

    /// Writes `recipient.txt` again from the key (after it was lost).
    pub fn restore_recipient(&self, ids: &Identities) -> Result<String> {
        let first: Option<x25519::Recipient> = ids.recipients().into_iter().next();
        let recipient = first.ok_or_else(|| Error::failure("the key file holds no key"))?;
        let text = format!("{recipient}\n");
        atomic::write_new(&self.dir, RECIPIENT_FILE, text.as_bytes())?;
        Ok(recipient.to_string())
    }

    /// Re-encrypts the key under a new passphrase: `old` is asked (and checked) first, then
    /// `new`; the new file is checked to decrypt before it replaces `identity.age` in one
    /// rename, so a failure at any point leaves the old file in place.
    pub fn change_passphrase(
        &self,
        old: impl FnOnce() -> Result<SecretString>,
        new: impl FnOnce() -> Result<SecretString>,
    ) -> Result<()> {
        let path = self.identity_path();
        if !path.exists() {
            return self.unlock(old).map(drop);
        }
        let bytes = crypto::read_file(&path, "key file")?;
        let plain = crypto::identity_plaintext(&bytes, &path, old)?;
        crypto::parse_identities(&plain, &path)?;
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

/// Now, UTC, RFC 3339 to the second.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    now.format(&fmt).unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests;
