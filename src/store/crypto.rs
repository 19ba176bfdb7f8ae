//! age encryption for confide, on the `age` crate: encrypting to recipients or to a
//! passphrase, decrypting with identities or a passphrase, parsing recipients and identity
//! files, and turning every age error into our `Error` with the file named.
//!
//! Every file confide writes is an ordinary age v1 file, readable by the reference `age`
//! CLI. The helpers here are general so that the vault (`store::vault`), the therapist's
//! `report -i` and the client's `take --to/--recipients-file/--armor` share them:
//!
//! - [`Recipients`]: `age1...` strings ([`Recipients::add_str`]) and age recipients files
//!   (`Recipients::add_file`); then [`encrypt`] (optionally ASCII-armored).
//! - [`Identities`]: plain identity files (`AGE-SECRET-KEY-1...`, as `age-keygen` writes)
//!   and passphrase-protected ones (as `age -p` writes, binary or armored), read by
//!   `read_identity_file`; then [`decrypt`].
//! - `encrypt_with_passphrase` / `decrypt_with_passphrase`: age's scrypt recipient,
//!   log2 N = `ENCRYPT_WORK_FACTOR` when writing and at most `MAX_WORK_FACTOR` when
//!   reading.
//!
//! With the `aws-lc` feature, [`Identities`] open X25519 stanzas through `x25519`, which
//! does the Diffie-Hellman step with AWS-LC and everything around it as the age crate does;
//! the age crate still parses, checks and decrypts the rest of every file.
//!
//! Error mapping (the exit codes of the README):
//!
//! | age says | we say | exit |
//! |---|---|---|
//! | wrong passphrase | `wrong passphrase for FILE` | 3 |
//! | no identity matches | `FILE is encrypted to another key, not yours` | 3 |
//! | empty, truncated, not age, bad header or MAC, bad payload | `FILE is damaged ...` | 4 |
//! | unknown age version | `FILE uses an age format this version cannot read` | 4 |
//! | scrypt work factor above 22 | `FILE asks for too much passphrase work` | 4 |
//!
//! A work factor above the limit is refused before any scrypt work is done and is treated as
//! an unsupported file (exit 4), not as a wrong passphrase: the passphrase was never tried.
//! Age cannot tell a damaged X25519 recipient stanza from a stanza for someone else, so a
//! damaged header line can also read as "encrypted to another key, not yours" (exit 3).
//!
//! Plaintext only ever lives in `Zeroizing` buffers; no message here quotes file contents.

mod keys;
#[cfg(feature = "aws-lc")]
mod x25519;

pub use keys::{Identities, Recipients};
pub(crate) use keys::{new_identity_file, parse_identities, parse_recipient};

use std::borrow::Cow;
use std::io::{BufRead, Cursor, Read, Write};
use std::path::Path;

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use age::secrecy::SecretString;
use age::{DecryptError, Decryptor, EncryptError, Encryptor, scrypt};
use zeroize::Zeroizing;

use crate::error::{Error, Result, describe_io};

/// scrypt work factor (log2 N) used when encrypting to a passphrase.
const ENCRYPT_WORK_FACTOR: u8 = 18;

/// Highest scrypt work factor (log2 N) accepted when decrypting. Higher values could make
/// a hostile file cost minutes and gigabytes before the passphrase is even checked.
const MAX_WORK_FACTOR: u8 = 22;

/// How a file encrypted to someone else's key is described, after its name.
pub(crate) const ANOTHER_KEY: &str = "is encrypted to another key, not yours";

/// Largest age file read into memory (sessions, intakes, identity files).
const MAX_FILE_BYTES: usize = 16 << 20;

/// How an age file begins: ASCII-armored, or binary.
const ARMOR_BEGIN: &str = "-----BEGIN AGE ENCRYPTED FILE-----";
const AGE_MAGIC: &str = "age-encryption.org/";

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

/// Encrypts `plaintext` to a passphrase (age scrypt, log2 N = `ENCRYPT_WORK_FACTOR`).
pub(crate) fn encrypt_with_passphrase(
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

/// True if `bytes` is an age file (binary or armored) rather than plain text keys.
pub(crate) fn is_age_file(bytes: &[u8]) -> bool {
    let start = trim_ascii_start(bytes);
    start.starts_with(AGE_MAGIC.as_bytes()) || start.starts_with(ARMOR_BEGIN.as_bytes())
}

fn trim_ascii_start(bytes: &[u8]) -> &[u8] {
    let n = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[n..]
}

/// Reads an identity file, plain or passphrase-protected. `passphrase` is called only when
/// the file is protected, so a plain `age-keygen` file needs none.
pub(crate) fn read_identity_file(
    path: &Path,
    passphrase: impl FnOnce() -> Result<SecretString>,
) -> Result<Identities> {
    let bytes = read_file(path, "identity file")?;
    let plain = identity_plaintext(&bytes, path, passphrase)?;
    parse_identities(&plain, path)
}

/// The plain text of identity file bytes: decrypted with the passphrase when it is an age
/// file, else the bytes themselves.
pub(crate) fn identity_plaintext(
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
    decrypt_scrypt(decryptor, &passphrase, path, bytes.len())
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
    read_plaintext(reader, file, ciphertext.len())
}

/// Decrypts a passphrase-protected age file (scrypt, log2 N at most `MAX_WORK_FACTOR`).
pub(crate) fn decrypt_with_passphrase(
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
    decrypt_scrypt(decryptor, passphrase, file, ciphertext.len())
}

fn decrypt_scrypt<R: BufRead>(
    decryptor: Decryptor<R>,
    passphrase: &SecretString,
    file: &Path,
    size: usize,
) -> Result<Zeroizing<Vec<u8>>> {
    let mut identity = scrypt::Identity::new(passphrase.clone());
    identity.set_max_work_factor(MAX_WORK_FACTOR);
    let reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| decrypt_error(e, file, true))?;
    read_plaintext(reader, file, size)
}

/// Largest age header read. Real headers hold a few recipient stanzas (well under 1 KiB);
/// the header parser re-reads the header for every line, so a hostile file with thousands
/// of stanzas would otherwise take minutes.
const MAX_HEADER_BYTES: usize = 16 * 1024;

/// The file as binary age (armor removed), after checking that its header is of sane size.
/// A binary file is read in place; only an armored one is copied, without its armor.
fn open<'a>(ciphertext: &'a [u8], file: &Path) -> Result<Decryptor<Cursor<Cow<'a, [u8]>>>> {
    if ciphertext.is_empty() {
        return Err(Error::damaged(format!("{} is empty", file.display())));
    }
    if !is_age_file(ciphertext) {
        return Err(Error::damaged(format!(
            "{} is truncated or not an age file",
            file.display()
        )));
    }
    let binary: Cow<'a, [u8]> = if ciphertext.starts_with(AGE_MAGIC.as_bytes()) {
        Cow::Borrowed(ciphertext)
    } else {
        let mut binary = Vec::with_capacity(ciphertext.len());
        ArmoredReader::new(ciphertext)
            .read_to_end(&mut binary)
            .map_err(|_| {
                Error::damaged(format!(
                    "{} is damaged: its ASCII armor cannot be read",
                    file.display()
                ))
            })?;
        Cow::Owned(binary)
    };
    let window = &binary[..binary.len().min(MAX_HEADER_BYTES)];
    if !window.windows(5).any(|w| w == b"\n--- ") && binary.len() > MAX_HEADER_BYTES {
        return Err(Error::damaged(format!(
            "{} is damaged or not an age file: its header is longer than {} KiB",
            file.display(),
            MAX_HEADER_BYTES >> 10
        )));
    }
    Decryptor::new_buffered(Cursor::new(binary)).map_err(|e| decrypt_error(e, file, false))
}

/// Reads all the plaintext. `size` is the ciphertext's length, which the plaintext never
/// exceeds: with room for all of it, the buffer is never grown, so no copy of the
/// plaintext is left behind in freed memory (and no time is spent copying).
fn read_plaintext(mut reader: impl Read, file: &Path, size: usize) -> Result<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(Vec::with_capacity(size));
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
            Error::decrypt(format!("{f} {ANOTHER_KEY}"))
                .with_hint("only the key it was encrypted to can open it (age cannot tell this from a damaged line in the file's header)")
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
///
/// Four system calls for a small file (open, the type check, read, the read that finds its
/// end) and the close: `report` reads thousands. Anything but a regular file is refused
/// before it is read: a folder as a usage error, a named pipe, socket or device as an
/// unsupported file (exit 4).
pub(crate) fn read_file(path: &Path, what: &str) -> Result<Vec<u8>> {
    let cannot = |e: &std::io::Error| Error::io(&format!("cannot read {what}"), path, e);
    // A pipe, socket or device is refused at once (never waited on or read without end):
    // the file's type is checked on the open file, one more system call.
    let file = super::regular::open(path).map_err(|e| match e {
        super::regular::NotOpened::Io(e) => cannot(&e),
        super::regular::NotOpened::Folder => {
            Error::usage(format!("{what} {} is a folder, not a file", path.display()))
        }
        super::regular::NotOpened::Special(kind) => Error::damaged(format!(
            "{what} {} is {kind}, not a regular file",
            path.display()
        )),
    })?;
    // Room for any session or intake file in one read.
    let mut buf = Vec::with_capacity(16 << 10);
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| cannot(&e))?;
    if buf.len() > MAX_FILE_BYTES {
        return Err(Error::damaged(format!(
            "{what} {} is too large (more than {} MiB)",
            path.display(),
            MAX_FILE_BYTES >> 20
        )));
    }
    Ok(buf)
}

#[cfg(test)]
mod tests;
