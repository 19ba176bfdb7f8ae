//! Recipients and identities: parsing `age1...` strings, recipients files and identity
//! files (as `age-keygen` writes them), and making new identities. Errors name the file and
//! line, never a line's content (a secret key may be in the wrong file).

use std::path::Path;

use age::secrecy::ExposeSecret;
use age::x25519;
use zeroize::Zeroizing;

use super::read_file;
#[cfg(feature = "aws-lc")]
use super::x25519::FastIdentity;
use crate::error::{Error, Result};

/// A set of age recipients to encrypt to.
#[derive(Default)]
pub struct Recipients {
    pub(super) list: Vec<Box<dyn age::Recipient + Send + Sync>>,
    /// The `age1...` form of each, for messages and `recipient.txt`.
    names: Vec<String>,
}

impl Recipients {
    pub fn new() -> Recipients {
        Recipients::default()
    }

    /// Adds one X25519 recipient.
    pub fn add_x25519(&mut self, recipient: x25519::Recipient) {
        self.names.push(recipient.to_string());
        self.list.push(Box::new(recipient));
    }

    /// Adds a recipient given as text (`--to age1...`). `what` names where it came from, for
    /// the error message (for example "`--to`").
    pub fn add_str(&mut self, text: &str, what: &str) -> Result<()> {
        let recipient = parse_recipient(text.trim()).map_err(|why| {
            Error::usage(format!("{what} {why}"))
                .with_hint("an age recipient starts with `age1`; `confide keys recipient` or `age-keygen -y KEYFILE` prints one")
        })?;
        self.names.push(text.trim().to_owned());
        self.list.push(recipient);
        Ok(())
    }

    /// Adds every recipient of an age recipients file: one `age1...` per line, `#` comments
    /// and blank lines ignored. Errors name the file and line, never the line's content
    /// (someone may pass a secret key file by mistake).
    pub(crate) fn add_file(&mut self, path: &Path) -> Result<()> {
        let bytes = read_file(path, "recipients file")?;
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            Error::usage(format!(
                "recipients file {} is not a text file",
                path.display()
            ))
        })?;
        let before = self.list.len();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let recipient = parse_recipient(line).map_err(|why| {
                Error::usage(format!(
                    "recipients file {}, line {}: {why}",
                    path.display(),
                    n + 1
                ))
            })?;
            self.names.push(line.to_owned());
            self.list.push(recipient);
        }
        if self.list.len() == before {
            return Err(Error::usage(format!(
                "recipients file {} has no recipients",
                path.display()
            )));
        }
        Ok(())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    /// The recipients as `age1...` text, in the order they were added.
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }
}

/// Parses one recipient: X25519 (`age1...`) or the native tagged types (`age1tag1...`,
/// `age1tagpq1...`). The error says why without quoting secrets.
pub(crate) fn parse_recipient(
    text: &str,
) -> std::result::Result<Box<dyn age::Recipient + Send + Sync>, String> {
    if let Ok(r) = text.parse::<x25519::Recipient>() {
        return Ok(Box::new(r));
    }
    if let Ok(r) = text.parse::<age::tag::Recipient>() {
        return Ok(Box::new(r));
    }
    if let Ok(r) = text.parse::<age::tagpq::Recipient>() {
        return Ok(Box::new(r));
    }
    let lower = text.to_ascii_lowercase();
    Err(if lower.starts_with("age-secret-key-") {
        "is a secret key, not a recipient; share the public recipient instead (`age-keygen -y KEYFILE` prints it)".into()
    } else if lower.starts_with("ssh-") {
        "is an SSH key; confide only encrypts to age recipients (age1...)".into()
    } else if lower.starts_with("age1") && text.len() > 4 && lower[4..].contains('1') {
        // age1<plugin>1...: a plugin recipient (YubiKey, TPM, ...).
        "needs an age plugin, which confide does not support".into()
    } else if lower.starts_with("age1") {
        format!("`{}` is not a valid age recipient", shorten(text))
    } else {
        "is not an age recipient (age1...)".into()
    })
}

/// At most 20 characters of a public value, for messages.
fn shorten(text: &str) -> String {
    let mut s: String = text
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(20)
        .collect();
    if text.chars().count() > 20 {
        s.push('…');
    }
    s
}

/// Secret keys able to decrypt files. Keys are wiped from memory when dropped.
#[derive(Clone, Default)]
pub struct Identities {
    keys: Vec<Key>,
}

/// One secret key. With the `aws-lc` feature it is also held as a [`FastIdentity`], which
/// decrypts with AWS-LC's X25519 (see `crypto::x25519`).
#[derive(Clone)]
struct Key {
    age: x25519::Identity,
    /// `None` only if the key's bytes could not be read back; the age crate's identity
    /// decrypts then.
    #[cfg(feature = "aws-lc")]
    fast: Option<FastIdentity>,
}

impl Key {
    fn new(age: x25519::Identity) -> Key {
        Key {
            #[cfg(feature = "aws-lc")]
            fast: FastIdentity::new(&age),
            age,
        }
    }

    /// The identity that decrypts with this key.
    fn as_dyn(&self) -> &dyn age::Identity {
        #[cfg(feature = "aws-lc")]
        if let Some(fast) = &self.fast {
            return fast;
        }
        &self.age
    }
}

impl Identities {
    pub fn new() -> Identities {
        Identities::default()
    }

    pub fn push(&mut self, key: x25519::Identity) {
        self.keys.push(Key::new(key));
    }

    /// Adds the keys of another set (several `-i` files).
    pub(crate) fn extend(&mut self, other: Identities) {
        self.keys.extend(other.keys);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// The public recipients of these keys.
    pub(crate) fn recipients(&self) -> Vec<x25519::Recipient> {
        self.keys.iter().map(|k| k.age.to_public()).collect()
    }

    /// The keys as age identities, for decrypting.
    pub(super) fn as_dyn(&self) -> impl Iterator<Item = &dyn age::Identity> {
        self.keys.iter().map(Key::as_dyn)
    }
}

impl std::fmt::Debug for Identities {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Identities({} keys)", self.keys.len())
    }
}

/// Parses the text of a plain identity file: `AGE-SECRET-KEY-1...` lines, `#` comments and
/// blank lines. `file` is named in errors; lines are never quoted.
pub(crate) fn parse_identities(text: &[u8], file: &Path) -> Result<Identities> {
    let bad = |why: String| {
        Error::usage(format!("identity file {} {why}", file.display()))
            .with_hint("an identity file holds lines starting with AGE-SECRET-KEY-1, as `age-keygen` writes them")
    };
    let text = std::str::from_utf8(text).map_err(|_| bad("is not a text file".into()))?;
    let mut ids = Identities::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.parse::<x25519::Identity>() {
            Ok(key) => ids.push(key),
            Err(_) => {
                let why = if line.starts_with("age1") {
                    format!("has a public recipient on line {}, not a secret key", n + 1)
                } else if line.to_ascii_uppercase().starts_with("AGE-PLUGIN-") {
                    format!(
                        "needs an age plugin (line {}), which confide does not support",
                        n + 1
                    )
                } else {
                    format!(
                        "has something other than an age secret key on line {}",
                        n + 1
                    )
                };
                return Err(bad(why));
            }
        }
    }
    if ids.is_empty() {
        return Err(bad("has no secret keys".into()));
    }
    Ok(ids)
}

/// A new X25519 identity as the text of an identity file, in `age-keygen`'s layout:
/// `# created:` and `# public key:` comments, then the secret key.
pub(crate) fn new_identity_file(created: &str) -> (Zeroizing<String>, x25519::Recipient) {
    let key = x25519::Identity::generate();
    let recipient = key.to_public();
    let mut text = Zeroizing::new(String::with_capacity(200));
    text.push_str("# created: ");
    text.push_str(created);
    text.push_str("\n# public key: ");
    text.push_str(&recipient.to_string());
    text.push('\n');
    text.push_str(key.to_string().expose_secret());
    text.push('\n');
    (text, recipient)
}
