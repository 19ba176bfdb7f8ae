//! age encryption for confide, on the `age` crate: encrypting to recipients or to a
//! passphrase, decrypting with identities or a passphrase, parsing recipients and identity
//! files, and turning every age error into our `Error` with the file named.
//!
//! Every file confide writes is an ordinary age v1 file, readable by the reference `age`
//! CLI. The helpers here are general so that the vault (`store::vault`), the therapist's
//! `report -i` and the client's `take --to/--recipients-file/--armor` share them:
//!
//! - [`Recipients`]: `age1...` strings ([`Recipients::add_str`]) and age recipients files
//!   ([`Recipients::add_file`]); then [`encrypt`] (optionally ASCII-armored).
//! - [`Identities`]: plain identity files (`AGE-SECRET-KEY-1...`, as `age-keygen` writes)
//!   and passphrase-protected ones (as `age -p` writes, binary or armored), read by
//!   [`read_identity_file`]; then [`decrypt`].
//! - [`encrypt_with_passphrase`] / [`decrypt_with_passphrase`]: age's scrypt recipient,
//!   log2 N = [`ENCRYPT_WORK_FACTOR`] when writing and at most [`MAX_WORK_FACTOR`] when
//!   reading.
//!
//! Error mapping (exit codes of DESIGN.md section 2):
//!
//! | age says | we say | exit |
//! |---|---|---|
//! | wrong passphrase | `wrong passphrase for FILE` | 3 |
//! | no identity matches | `FILE is not encrypted to your key` | 3 |
//! | empty, truncated, not age, bad header or MAC, bad payload | `FILE is damaged ...` | 4 |
//! | unknown age version | `FILE uses an age format this version cannot read` | 4 |
//! | scrypt work factor above 22 | `FILE asks for too much passphrase work` | 4 |
//!
//! A work factor above the limit is refused before any scrypt work is done and is treated as
//! an unsupported file (exit 4), not as a wrong passphrase: the passphrase was never tried.
//! Age cannot tell a damaged X25519 recipient stanza from a stanza for someone else, so a
//! damaged header line can also read as "not encrypted to your key" (exit 3).
//!
//! Plaintext only ever lives in `Zeroizing` buffers; no message here quotes file contents.

use std::io::{BufRead, Read, Write};
use std::path::Path;

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use age::secrecy::{ExposeSecret, SecretString};
use age::{DecryptError, Decryptor, EncryptError, Encryptor, scrypt, x25519};
use zeroize::Zeroizing;

use crate::error::{Error, Result, describe_io};

/// scrypt work factor (log2 N) used when encrypting to a passphrase.
pub const ENCRYPT_WORK_FACTOR: u8 = 18;

/// Highest scrypt work factor (log2 N) accepted when decrypting. Higher values could make
/// a hostile file cost minutes and gigabytes before the passphrase is even checked.
pub const MAX_WORK_FACTOR: u8 = 22;

/// Largest age file read into memory (sessions, intakes, identity files).
pub const MAX_FILE_BYTES: usize = 16 << 20;

/// Where an age file stops being readable text.
const ARMOR_BEGIN: &str = "-----BEGIN AGE ENCRYPTED FILE-----";
const AGE_MAGIC: &str = "age-encryption.org/";

/// A set of age recipients to encrypt to.
#[derive(Default)]
pub struct Recipients {
    list: Vec<Box<dyn age::Recipient + Send + Sync>>,
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
    pub fn add_file(&mut self, path: &Path) -> Result<()> {
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

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// The recipients as `age1...` text, in the order they were added.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// Parses one recipient: X25519 (`age1...`) or the native tagged types (`age1tag1...`,
/// `age1tagpq1...`). The error says why without quoting secrets.
pub fn parse_recipient(
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

/// Encrypts `plaintext` to every recipient. With `armor`, the result is ASCII-armored text
/// (`-----BEGIN AGE ENCRYPTED FILE-----`). Needs no passphrase.
pub fn encrypt(plaintext: &[u8], recipients: &Recipients, armor: bool) -> Result<Vec<u8>> {
    let encryptor = Encryptor::with_recipients(
        recipients
            .list
            .iter()
            .map(|r| r.as_ref() as &dyn age::Recipient),
    )
    .map_err(encrypt_error)?;
    finish_encryption(encryptor, plaintext, armor)
}

/// Encrypts `plaintext` to a passphrase (age scrypt, log2 N = [`ENCRYPT_WORK_FACTOR`]).
pub fn encrypt_with_passphrase(
    plaintext: &[u8],
    passphrase: &SecretString,
    armor: bool,
) -> Result<Vec<u8>> {
    let mut recipient = scrypt::Recipient::new(passphrase.clone());
    recipient.set_work_factor(ENCRYPT_WORK_FACTOR);
    let encryptor = Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
        .map_err(encrypt_error)?;
    finish_encryption(encryptor, plaintext, armor)
}

fn finish_encryption(encryptor: Encryptor, plaintext: &[u8], armor: bool) -> Result<Vec<u8>> {
    let io = |e: std::io::Error| Error::failure(format!("cannot encrypt: {}", describe_io(&e)));
    let mut out = Vec::with_capacity(plaintext.len() + 512);
    let format = if armor {
        Format::AsciiArmor
    } else {
        Format::Binary
    };
    let armored = ArmoredWriter::wrap_output(&mut out, format).map_err(io)?;
    let mut writer = encryptor.wrap_output(armored).map_err(io)?;
    writer.write_all(plaintext).map_err(io)?;
    writer.finish().and_then(|a| a.finish()).map_err(io)?;
    Ok(out)
}

fn encrypt_error(e: EncryptError) -> Error {
    match e {
        EncryptError::MissingRecipients => Error::usage("there is no recipient to encrypt to"),
        EncryptError::MixedRecipientAndPassphrase => {
            Error::usage("a passphrase cannot be combined with recipients in one file")
        }
        EncryptError::IncompatibleRecipients { .. } | EncryptError::InvalidRecipientLabels(_) => {
            Error::usage("these recipients cannot be combined in one file")
                .with_hint("encrypt separate files for them")
        }
        EncryptError::Io(e) => Error::failure(format!("cannot encrypt: {}", describe_io(&e))),
        _ => Error::failure("cannot encrypt"),
    }
}

/// Secret keys able to decrypt files. Keys are wiped from memory when dropped.
#[derive(Clone, Default)]
pub struct Identities {
    keys: Vec<x25519::Identity>,
}

impl Identities {
    pub fn new() -> Identities {
        Identities::default()
    }

    pub fn push(&mut self, key: x25519::Identity) {
        self.keys.push(key);
    }

    /// Adds the keys of another set (several `-i` files).
    pub fn extend(&mut self, other: Identities) {
        self.keys.extend(other.keys);
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// The public recipients of these keys.
    pub fn recipients(&self) -> Vec<x25519::Recipient> {
        self.keys.iter().map(x25519::Identity::to_public).collect()
    }

    fn as_dyn(&self) -> impl Iterator<Item = &dyn age::Identity> {
        self.keys.iter().map(|k| k as &dyn age::Identity)
    }
}

impl std::fmt::Debug for Identities {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Identities({} keys)", self.keys.len())
    }
}

/// Parses the text of a plain identity file: `AGE-SECRET-KEY-1...` lines, `#` comments and
/// blank lines. `file` is named in errors; lines are never quoted.
pub fn parse_identities(text: &[u8], file: &Path) -> Result<Identities> {
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

/// True if `bytes` is an age file (binary or armored) rather than plain text keys.
pub fn is_age_file(bytes: &[u8]) -> bool {
    let start = trim_ascii_start(bytes);
    start.starts_with(AGE_MAGIC.as_bytes()) || start.starts_with(ARMOR_BEGIN.as_bytes())
}

fn trim_ascii_start(bytes: &[u8]) -> &[u8] {
    let n = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[n..]
}

/// Reads an identity file, plain or passphrase-protected. `passphrase` is called only when
/// the file is protected, so a plain `age-keygen` file needs none.
pub fn read_identity_file(
    path: &Path,
    passphrase: impl FnOnce() -> Result<SecretString>,
) -> Result<Identities> {
    let bytes = read_file(path, "identity file")?;
    let plain = identity_plaintext(&bytes, path, passphrase)?;
    parse_identities(&plain, path)
}

/// The plain text of identity file bytes: decrypted with the passphrase when it is an age
/// file, else the bytes themselves.
pub fn identity_plaintext(
    bytes: &[u8],
    path: &Path,
    passphrase: impl FnOnce() -> Result<SecretString>,
) -> Result<Zeroizing<Vec<u8>>> {
    if !is_age_file(bytes) {
        return Ok(Zeroizing::new(bytes.to_vec()));
    }
    let decryptor = open(bytes, path)?;
    if !decryptor.is_scrypt() {
        return Err(Error::damaged(format!(
            "identity file {} is encrypted to a key, not to a passphrase",
            path.display()
        ))
        .with_hint("pass a plain identity file or one protected with `age -p`"));
    }
    let passphrase = passphrase()?;
    decrypt_scrypt(decryptor, &passphrase, path)
}

/// Decrypts an age file with any of `identities`. `file` is named in errors.
pub fn decrypt(
    ciphertext: &[u8],
    identities: &Identities,
    file: &Path,
) -> Result<Zeroizing<Vec<u8>>> {
    let decryptor = open(ciphertext, file)?;
    if decryptor.is_scrypt() {
        return Err(Error::decrypt(format!(
            "{} is protected by a passphrase, not encrypted to a key",
            file.display()
        ))
        .with_hint("decrypt it with `age -d` and its passphrase"));
    }
    let reader = decryptor
        .decrypt(identities.as_dyn())
        .map_err(|e| decrypt_error(e, file, false))?;
    read_plaintext(reader, file)
}

/// Decrypts a passphrase-protected age file (scrypt, log2 N at most [`MAX_WORK_FACTOR`]).
pub fn decrypt_with_passphrase(
    ciphertext: &[u8],
    passphrase: &SecretString,
    file: &Path,
) -> Result<Zeroizing<Vec<u8>>> {
    let decryptor = open(ciphertext, file)?;
    if !decryptor.is_scrypt() {
        return Err(Error::decrypt(format!(
            "{} is encrypted to a key, not protected by a passphrase",
            file.display()
        )));
    }
    decrypt_scrypt(decryptor, passphrase, file)
}

fn decrypt_scrypt<R: BufRead>(
    decryptor: Decryptor<R>,
    passphrase: &SecretString,
    file: &Path,
) -> Result<Zeroizing<Vec<u8>>> {
    let mut identity = scrypt::Identity::new(passphrase.clone());
    identity.set_max_work_factor(MAX_WORK_FACTOR);
    let reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| decrypt_error(e, file, true))?;
    read_plaintext(reader, file)
}

fn open<'a>(
    ciphertext: &'a [u8],
    file: &Path,
) -> Result<Decryptor<ArmoredReader<std::io::BufReader<&'a [u8]>>>> {
    if ciphertext.is_empty() {
        return Err(Error::damaged(format!("{} is empty", file.display())));
    }
    Decryptor::new_buffered(ArmoredReader::new(ciphertext))
        .map_err(|e| decrypt_error(e, file, false))
}

fn read_plaintext(mut reader: impl Read, file: &Path) -> Result<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(Vec::new());
    match reader.read_to_end(&mut out) {
        Ok(_) => Ok(out),
        Err(_) => Err(Error::damaged(format!(
            "{} is damaged or truncated: its encrypted content does not check out",
            file.display()
        ))),
    }
}

/// Maps an age decryption error to ours. `passphrase` says a passphrase was tried.
fn decrypt_error(e: DecryptError, file: &Path, passphrase: bool) -> Error {
    let f = file.display();
    match e {
        DecryptError::DecryptionFailed | DecryptError::KeyDecryptionFailed if passphrase => {
            Error::decrypt(format!("wrong passphrase for {f}"))
        }
        DecryptError::NoMatchingKeys | DecryptError::DecryptionFailed => {
            Error::decrypt(format!("{f} is not encrypted to your key"))
                .with_hint("it was encrypted for another key, or its header is damaged")
        }
        DecryptError::KeyDecryptionFailed => Error::decrypt(format!("cannot decrypt the key for {f}")),
        DecryptError::ExcessiveWork { required, .. } => Error::damaged(format!(
            "{f} asks for too much passphrase work (scrypt log2 N = {required}; confide accepts at most {MAX_WORK_FACTOR})"
        ))
        .with_hint("re-encrypt it with a lower work factor, for example with `age -p`"),
        DecryptError::UnknownFormat => Error::damaged(format!(
            "{f} uses an age format this version of confide cannot read"
        ))
        .with_hint("update confide"),
        DecryptError::InvalidHeader => Error::damaged(format!(
            "{f} is damaged or not an age file: its header cannot be read"
        )),
        DecryptError::InvalidMac => Error::damaged(format!(
            "{f} is damaged: its header does not check out"
        )),
        DecryptError::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::damaged(format!("{f} is truncated or not an age file"))
        }
        DecryptError::Io(_) => Error::damaged(format!("{f} is damaged or not an age file")),
        _ => Error::damaged(format!("{f} cannot be decrypted")),
    }
}

/// Reads a whole file of at most [`MAX_FILE_BYTES`]; `what` names it in errors.
pub fn read_file(path: &Path, what: &str) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path)
        .map_err(|e| Error::io(&format!("cannot read {what}"), path, &e))?;
    let meta = file
        .metadata()
        .map_err(|e| Error::io(&format!("cannot read {what}"), path, &e))?;
    if meta.is_dir() {
        return Err(Error::usage(format!(
            "{what} {} is a folder, not a file",
            path.display()
        )));
    }
    let mut buf = Vec::with_capacity(meta.len().min(MAX_FILE_BYTES as u64) as usize);
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(&format!("cannot read {what}"), path, &e))?;
    if buf.len() > MAX_FILE_BYTES {
        return Err(Error::damaged(format!(
            "{what} {} is too large (more than {} MiB)",
            path.display(),
            MAX_FILE_BYTES >> 20
        )));
    }
    Ok(buf)
}

/// A new X25519 identity as the text of an identity file, in `age-keygen`'s layout:
/// `# created:` and `# public key:` comments, then the secret key.
pub fn new_identity_file(created: &str) -> (Zeroizing<String>, x25519::Recipient) {
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

#[cfg(test)]
mod tests;
