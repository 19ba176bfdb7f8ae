//! Opening X25519 recipient stanzas with AWS-LC's X25519, for decrypting many files.
//!
//! `age::x25519::Identity` does the Diffie-Hellman step in curve25519-dalek's portable Rust
//! and works the identity's public key out again for every stanza it tries. Both dominate
//! a report over thousands of intakes (docs/PERFORMANCE.md). [`FastIdentity`] keeps the
//! public key, and runs the one X25519 operation per stanza with AWS-LC's `X25519` function
//! (through `aws-lc-sys`), whose x86-64 and Arm implementations are formally verified
//! assembly (s2n-bignum). Only that function is linked in: AWS-LC's higher layers (EVP)
//! would pull in every algorithm and add 2.5 MB to the binary.
//!
//! That call is the one `unsafe` block in confide: `X25519` reads 32 bytes from each of two
//! pointers and writes 32 bytes to a third, and all three are 32-byte arrays.
//!
//! Everything else is age's own code: the stanza is checked exactly as
//! `age::x25519::Identity` checks it (tag `X25519`, one canonical unpadded base64 argument
//! of 32 bytes, a 32-byte body, no all-zero shared secret), and the wrapping key and the
//! file key come from `age_core::primitives::{hkdf, aead_decrypt}`, as in the age crate
//! (<https://c2sp.org/age#x25519-recipient-stanza>). Tests check that both identities give
//! the same answer for every stanza, good, foreign, damaged or hostile.
//!
//! Built only with the `aws-lc` feature (on by default); without it confide decrypts with
//! `age::x25519::Identity` itself.

use age::x25519;
use age_core::format::{FILE_KEY_BYTES, FileKey, Stanza};
use age_core::primitives::{aead_decrypt, bech32_decode, hkdf};
use age_core::secrecy::ExposeSecret;
use base64::Engine;
use base64::prelude::BASE64_STANDARD_NO_PAD;
use zeroize::{Zeroize, Zeroizing};

const TAG: &str = "X25519";
const KEY_LABEL: &[u8] = b"age-encryption.org/v1/X25519";
const KEY_BYTES: usize = 32;
const ENCRYPTED_FILE_KEY_BYTES: usize = FILE_KEY_BYTES + 16;

/// An X25519 identity that opens stanzas with AWS-LC and remembers its public key. The
/// secret key is wiped from memory when it is dropped.
#[derive(Clone)]
pub(crate) struct FastIdentity {
    secret: Zeroizing<[u8; KEY_BYTES]>,
    public: [u8; KEY_BYTES],
}

impl FastIdentity {
    /// The same key as `key`, or `None` if its bytes cannot be read back (the caller then
    /// keeps using `key` itself).
    pub(crate) fn new(key: &x25519::Identity) -> Option<FastIdentity> {
        Some(FastIdentity {
            secret: secret_bytes(key)?,
            public: public_bytes(&key.to_public())?,
        })
    }
}

/// X25519(secret, share), or `None` when the result is all zeros (a low-order share, which
/// age refuses). AWS-LC clamps the secret as RFC 7748 asks.
#[allow(unsafe_code)]
fn shared_secret(
    secret: &[u8; KEY_BYTES],
    share: &[u8; KEY_BYTES],
) -> Option<Zeroizing<[u8; KEY_BYTES]>> {
    let mut out = Zeroizing::new([0u8; KEY_BYTES]);
    // SAFETY: `X25519` reads exactly 32 bytes from `secret` and from `share` and writes
    // exactly 32 bytes to `out` (AWS-LC's include/openssl/curve25519.h); all three are
    // 32-byte arrays that outlive the call, and `out` does not alias the inputs.
    let ok = unsafe { aws_lc_sys::X25519(out.as_mut_ptr(), secret.as_ptr(), share.as_ptr()) };
    (ok == 1).then_some(out)
}

impl age::Identity for FastIdentity {
    fn unwrap_stanza(&self, stanza: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
        if stanza.tag != TAG {
            return None;
        }
        let invalid = || Some(Err(age::DecryptError::InvalidHeader));
        let [arg] = &stanza.args[..] else {
            return invalid();
        };
        // Canonical unpadded base64 of exactly 32 bytes, as age decodes it.
        let mut share = [0u8; KEY_BYTES + 1];
        let share = match BASE64_STANDARD_NO_PAD.decode_slice(arg, &mut share) {
            Ok(KEY_BYTES) => <[u8; KEY_BYTES]>::try_from(&share[..KEY_BYTES]).ok()?,
            _ => return invalid(),
        };
        if stanza.body.len() != ENCRYPTED_FILE_KEY_BYTES {
            return invalid();
        }
        // AWS-LC says no to a shared secret of all zeros, as age does.
        let Some(shared) = shared_secret(&self.secret, &share) else {
            return invalid();
        };
        let mut salt = [0u8; 2 * KEY_BYTES];
        salt[..KEY_BYTES].copy_from_slice(&share);
        salt[KEY_BYTES..].copy_from_slice(&self.public);
        let wrapping_key = Zeroizing::new(hkdf(&salt, KEY_LABEL, &shared[..]));
        // Not ours (or damaged): other identities may still open the file.
        let mut file_key = aead_decrypt(&wrapping_key, FILE_KEY_BYTES, &stanza.body).ok()?;
        let key = FileKey::init_with_mut(|k| k.copy_from_slice(&file_key));
        file_key.zeroize();
        Some(Ok(key))
    }
}

/// The 32 secret bytes of an identity, from its `AGE-SECRET-KEY-1...` text.
fn secret_bytes(key: &x25519::Identity) -> Option<Zeroizing<[u8; KEY_BYTES]>> {
    let text = key.to_string();
    bech32_decode(
        text.expose_secret(),
        |_| (),
        |hrp| {
            (hrp.as_str().eq_ignore_ascii_case("AGE-SECRET-KEY-"))
                .then_some(())
                .ok_or(())
        },
        |_, data| {
            let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
            let mut n = 0;
            for b in data {
                *bytes.get_mut(n).ok_or(())? = b;
                n += 1;
            }
            (n == KEY_BYTES).then_some(bytes).ok_or(())
        },
    )
    .ok()
}

/// The 32 bytes of a recipient, from its `age1...` text.
fn public_bytes(recipient: &x25519::Recipient) -> Option<[u8; KEY_BYTES]> {
    bech32_decode(
        &recipient.to_string(),
        |_| (),
        |hrp| (hrp.as_str() == "age").then_some(()).ok_or(()),
        |_, data| {
            let bytes: Vec<u8> = data.collect();
            <[u8; KEY_BYTES]>::try_from(bytes.as_slice()).map_err(|_| ())
        },
    )
    .ok()
}

#[cfg(test)]
mod tests {
    //! [`FastIdentity`] against `age::x25519::Identity`, stanza by stanza: both must open
    //! the same stanzas to the same file key and refuse the same others in the same way.

    use super::*;
    use age::{Identity as _, Recipient as _};
    use sha2::{Digest, Sha256};

    /// What an identity made of a stanza, in comparable form.
    #[derive(Debug, PartialEq)]
    enum Outcome {
        NotMine,
        Invalid,
        OtherError(String),
        Opened([u8; FILE_KEY_BYTES]),
    }

    fn outcome(r: Option<Result<FileKey, age::DecryptError>>) -> Outcome {
        match r {
            None => Outcome::NotMine,
            Some(Err(age::DecryptError::InvalidHeader)) => Outcome::Invalid,
            Some(Err(e)) => Outcome::OtherError(e.to_string()),
            Some(Ok(k)) => Outcome::Opened(*k.expose_secret()),
        }
    }

    /// Both identities on one stanza; they must agree. Returns what they said.
    fn both(key: &x25519::Identity, stanza: &Stanza) -> Outcome {
        let fast = FastIdentity::new(key).expect("a generated key converts");
        let theirs = outcome(key.unwrap_stanza(stanza));
        let ours = outcome(fast.unwrap_stanza(stanza));
        assert_eq!(ours, theirs, "stanza {:?} {:?}", stanza.tag, stanza.args);
        ours
    }

    /// Deterministic bytes for test case `n`.
    fn bytes(n: u32) -> [u8; 32] {
        Sha256::digest(n.to_le_bytes()).into()
    }

    fn wrap(recipient: &x25519::Recipient, file_key: [u8; FILE_KEY_BYTES]) -> Stanza {
        let key = FileKey::new(Box::new(file_key));
        let (mut stanzas, _) = recipient.wrap_file_key(&key).expect("wrapping");
        stanzas.remove(0)
    }

    fn b64(bytes: &[u8]) -> String {
        BASE64_STANDARD_NO_PAD.encode(bytes)
    }

    #[test]
    fn opens_what_age_wraps_for_it_to_the_same_file_key() {
        for n in 0..64 {
            let key = x25519::Identity::generate();
            let file_key: [u8; 16] = bytes(n)[..16].try_into().unwrap();
            let stanza = wrap(&key.to_public(), file_key);
            assert_eq!(both(&key, &stanza), Outcome::Opened(file_key));
        }
    }

    #[test]
    fn a_stanza_for_another_key_is_not_opened() {
        let key = x25519::Identity::generate();
        let other = x25519::Identity::generate();
        let stanza = wrap(&other.to_public(), [7; 16]);
        assert_eq!(both(&key, &stanza), Outcome::NotMine);
    }

    #[test]
    fn other_stanza_types_are_left_to_other_identities() {
        let key = x25519::Identity::generate();
        for tag in [
            "scrypt",
            "x25519",
            "X25519 ",
            "ssh-ed25519",
            "mlkem768x25519",
            "",
        ] {
            let stanza = Stanza {
                tag: tag.into(),
                args: vec![b64(&bytes(1))],
                body: vec![0; 32],
            };
            assert_eq!(both(&key, &stanza), Outcome::NotMine, "tag {tag:?}");
        }
    }

    #[test]
    fn malformed_stanzas_are_invalid_headers_as_in_age() {
        let key = x25519::Identity::generate();
        let good = wrap(&key.to_public(), [3; 16]);
        let share = good.args[0].clone();
        let mut cases: Vec<(&str, Vec<String>, Vec<u8>)> = vec![
            ("no argument", vec![], good.body.clone()),
            (
                "two arguments",
                vec![share.clone(), share.clone()],
                good.body.clone(),
            ),
            (
                "31-byte share",
                vec![b64(&bytes(2)[..31])],
                good.body.clone(),
            ),
            ("33-byte share", vec![b64(&[5; 33])], good.body.clone()),
            (
                "padded base64",
                vec![format!("{share}=")],
                good.body.clone(),
            ),
            ("not base64", vec!["!".repeat(43)], good.body.clone()),
            ("short body", vec![share.clone()], good.body[..31].to_vec()),
            (
                "long body",
                vec![share.clone()],
                [&good.body[..], &[0]].concat(),
            ),
            ("empty body", vec![share.clone()], vec![]),
        ];
        // Non-canonical base64: the same share with its unused low bits set.
        let mut noncanonical = share.clone().into_bytes();
        let last = noncanonical.pop().unwrap();
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let pos = alphabet.iter().position(|&c| c == last).unwrap();
        noncanonical.push(alphabet[pos | 1]);
        cases.push((
            "non-canonical base64",
            vec![String::from_utf8(noncanonical).unwrap()],
            good.body.clone(),
        ));
        for (what, args, body) in cases {
            let stanza = Stanza {
                tag: TAG.into(),
                args,
                body,
            };
            assert_eq!(both(&key, &stanza), Outcome::Invalid, "{what}");
        }
    }

    #[test]
    fn low_order_shares_are_refused_as_in_age() {
        // The points of small order and their non-canonical encodings (RFC 7748 section 6;
        // the list libsodium refuses), with and without the top bit that X25519 ignores.
        let hex = [
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        ];
        let key = x25519::Identity::generate();
        let mut refused = 0;
        for h in hex {
            let mut share = [0u8; 32];
            for (i, b) in share.iter_mut().enumerate() {
                *b = u8::from_str_radix(&h[2 * i..2 * i + 2], 16).unwrap();
            }
            for top in [0, 0x80] {
                share[31] = (share[31] & 0x7f) | top;
                let stanza = Stanza {
                    tag: TAG.into(),
                    args: vec![b64(&share)],
                    body: vec![1; 32],
                };
                if both(&key, &stanza) == Outcome::Invalid {
                    refused += 1;
                }
            }
        }
        // All fourteen give an all-zero shared secret, which both refuse.
        assert_eq!(refused, 14, "low-order shares refused");
    }

    #[test]
    fn arbitrary_shares_and_bodies_get_the_same_answer() {
        let key = x25519::Identity::generate();
        for n in 0..200 {
            let stanza = Stanza {
                tag: TAG.into(),
                args: vec![b64(&bytes(n))],
                body: bytes(n + 1000).to_vec(),
            };
            assert_eq!(both(&key, &stanza), Outcome::NotMine);
        }
        // A real stanza with one bit flipped anywhere in its share or body.
        let good = wrap(&key.to_public(), [9; 16]);
        let mut share = [0u8; 32];
        BASE64_STANDARD_NO_PAD
            .decode_slice(&good.args[0], &mut share)
            .unwrap();
        for bit in 0..256 {
            let mut s = share;
            s[bit / 8] ^= 1 << (bit % 8);
            let stanza = Stanza {
                tag: TAG.into(),
                args: vec![b64(&s)],
                body: good.body.clone(),
            };
            both(&key, &stanza);
        }
        for bit in 0..good.body.len() * 8 {
            let mut body = good.body.clone();
            body[bit / 8] ^= 1 << (bit % 8);
            let stanza = Stanza {
                tag: TAG.into(),
                args: good.args.clone(),
                body,
            };
            assert_eq!(both(&key, &stanza), Outcome::NotMine);
        }
    }

    #[test]
    fn the_remembered_keys_are_the_identitys_own() {
        let key = x25519::Identity::generate();
        let fast = FastIdentity::new(&key).unwrap();
        let text = key.to_string();
        let parsed: x25519::Identity = text.expose_secret().parse().unwrap();
        assert_eq!(
            public_bytes(&parsed.to_public()).unwrap(),
            fast.public,
            "public key"
        );
        // X25519(secret, 9) is the public key: the secret bytes are the identity's.
        let mut base = [0u8; 32];
        base[0] = 9;
        assert_eq!(*shared_secret(&fast.secret, &base).unwrap(), fast.public);
    }
}
