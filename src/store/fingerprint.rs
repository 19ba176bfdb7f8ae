//! The fingerprint of an age recipient: a short code two people can read to each other on
//! the phone to check that an invitation (or `--to`) names the therapist's real key.
//!
//! Algorithm (stable; documented with test vectors in docs/therapist-formats.md):
//!
//! 1. the recipient as age prints it: the Bech32 string, lowercase (`age1...`), without
//!    spaces or line ending;
//! 2. SHA-256 of its UTF-8 bytes;
//! 3. the first 10 bytes (80 bits), read as one big-endian number, written as 16 symbols of
//!    Crockford's base32 (`0123456789ABCDEFGHJKMNPQRSTVWXYZ`: no I, L, O or U), 5 bits each,
//!    most significant first;
//! 4. grouped by four with dashes: `SXZ5-D0HH-6586-GPZH`.
//!
//! Why: the whole recipient is 62 characters, too long to read aloud, and comparing only its
//! first and last characters leaves most of it unchecked (a key can be searched for that
//! shares them). 80 bits of SHA-256 mean that making a key with a given fingerprint takes
//! about 2^80 attempts. Crockford's alphabet has no letters that sound or look like digits,
//! and reading back is forgiving: case, spaces and dashes do not matter, and O, I and L are
//! read as 0, 1 and 1.

use sha2::{Digest, Sha256};

/// Crockford's base32 alphabet.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Symbols in a fingerprint (16 × 5 bits = 80 bits).
const SYMBOLS: usize = 16;

/// The recipient as age prints it: an X25519 recipient re-encoded (lowercase Bech32), any
/// other recipient trimmed and lowercased.
pub(crate) fn canonical(recipient: &str) -> String {
    let text = recipient.trim();
    match text.parse::<age::x25519::Recipient>() {
        Ok(r) => r.to_string(),
        Err(_) => text.to_ascii_lowercase(),
    }
}

/// The fingerprint of a recipient, `XXXX-XXXX-XXXX-XXXX`.
pub fn fingerprint(recipient: &str) -> String {
    let digest = Sha256::digest(canonical(recipient).as_bytes());
    let mut n: u128 = 0;
    for b in &digest[..10] {
        n = (n << 8) | u128::from(*b);
    }
    let mut out = String::with_capacity(SYMBOLS + 3);
    for i in 0..SYMBOLS {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        let shift = 5 * (SYMBOLS - 1 - i);
        out.push(ALPHABET[((n >> shift) & 31) as usize] as char);
    }
    out
}

/// A fingerprint as typed or read back, in the canonical form (16 symbols, no dashes), or
/// `None` if it cannot be one. Case, spaces and dashes are ignored; O is read as 0, I and L
/// as 1, as Crockford's base32 does.
pub(crate) fn normalize(text: &str) -> Option<String> {
    let mut out = String::with_capacity(SYMBOLS);
    for c in text.chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' | '\t' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
            return None;
        }
        out.push(c);
    }
    (out.len() == SYMBOLS).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `given` (as typed) is the fingerprint of `recipient`.
    fn matches(given: &str, recipient: &str) -> bool {
        normalize(given).is_some_and(|g| normalize(&fingerprint(recipient)) == Some(g))
    }

    /// The example recipient of age's README; the expected value was computed with Python's
    /// hashlib (docs/therapist-formats.md shows the steps).
    const EXAMPLE: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

    #[test]
    fn the_documented_vector() {
        assert_eq!(fingerprint(EXAMPLE), "SXZ5-D0HH-6586-GPZH");
        // age prints recipients in lowercase; an uppercase copy is the same key.
        assert_eq!(
            fingerprint(&EXAMPLE.to_ascii_uppercase()),
            "SXZ5-D0HH-6586-GPZH"
        );
        assert_eq!(
            fingerprint(&format!("  {EXAMPLE}\n")),
            "SXZ5-D0HH-6586-GPZH"
        );
    }

    #[test]
    fn reading_back_ignores_case_spaces_and_dashes() {
        for typed in [
            "SXZ5-D0HH-6586-GPZH",
            "sxz5d0hh6586gpzh",
            "sxz5 dohh 6586 gpzh",
            "SXZ5-D0HH-6586-GPZH ",
        ] {
            assert!(matches(typed, EXAMPLE), "{typed}");
        }
        for wrong in [
            "SXZ5-D0HH-6586-GPZ",
            "SXZ5-D0HH-6586-GPZJ",
            "SXZ5-D0HH-6586-GPZH-0",
            "SXZ5-D0HH-6586-GPZU",
            "",
        ] {
            assert!(!matches(wrong, EXAMPLE), "{wrong}");
        }
        assert_eq!(
            normalize("0123-4567-89ab-cdef").as_deref(),
            Some("0123456789ABCDEF")
        );
        assert_eq!(normalize("ilo"), None);
    }
}
