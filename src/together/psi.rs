//! Private set intersection for `confide together`: Diffie-Hellman PSI over Ristretto255
//! with hash-to-group, after Meadows (1986) and Huberman, Franklin and Hogg (1999).
//!
//! Pure: no I/O and no clock. Randomness comes from the caller's cryptographic generator.
//!
//! An element (a wish answered yes or maybe) is hashed to a point `H(x)` bound to the
//! session. The first partner (A) sends `H(x)^a` for each of her elements; the second (B)
//! returns, in A's order, a tag of `H(x)^ab` for each, and `H(y)^b` for his own; A computes
//! `H(y)^ba`, learns which of hers are in both sets, and sends back, in B's order, a tag of
//! `H(y)^ab` under another label, from which B learns the same. Each list is padded with
//! random points to the number of possible elements and sorted, so neither the length nor
//! the order says how many elements a partner has.

use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::Identity;
use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha512};

/// The domain of every hash of the protocol.
pub(crate) const DOMAIN: &[u8] = b"confide.together/1";

/// A session: 16 random bytes chosen by A, bound into every point and tag.
pub(crate) type SessionId = [u8; 16];

/// Why a message of the other partner is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refused {
    /// Not the number of entries the questionnaire allows.
    Count { expected: usize, found: usize },
    /// An entry that is not the encoding of a Ristretto255 point, or is the identity.
    NotAPoint(usize),
    /// The same entry twice.
    Repeated(usize),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Count { expected, found } => {
                write!(f, "it holds {found} entries where {expected} are expected")
            }
            Refused::NotAPoint(i) => write!(f, "entry {} is not a valid point", i + 1),
            Refused::Repeated(i) => write!(f, "entry {} repeats an earlier one", i + 1),
        }
    }
}

/// The point of an element in a session: hash-to-group (Elligator over SHA-512) of the
/// domain, the session and the element, each length-prefixed.
pub(crate) fn element(session: &SessionId, element: &str) -> RistrettoPoint {
    let mut h = Sha512::new();
    absorb(&mut h, DOMAIN);
    absorb(&mut h, b"element");
    absorb(&mut h, session);
    absorb(&mut h, element.as_bytes());
    RistrettoPoint::from_hash(h)
}

/// The tag of a doubly blinded point under a label (`reply` or `result`): 32 bytes of
/// SHA-512, so that a tag can be compared but never raised to another power.
pub(crate) fn tag(session: &SessionId, label: &str, point: &RistrettoPoint) -> [u8; 32] {
    let mut h = Sha512::new();
    absorb(&mut h, DOMAIN);
    absorb(&mut h, label.as_bytes());
    absorb(&mut h, session);
    absorb(&mut h, point.compress().as_bytes());
    let digest = h.finalize();
    let mut out = [0u8; 32];
    out.copy_from_slice(&digest[..32]);
    out
}

fn absorb(h: &mut Sha512, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

/// A fresh secret exponent.
pub(crate) fn secret(rng: &mut (impl RngCore + CryptoRng)) -> Scalar {
    loop {
        let s = Scalar::random(rng);
        if s != Scalar::ZERO {
            return s;
        }
    }
}

/// A secret exponent from its canonical 32-byte encoding (as kept between steps).
pub(crate) fn secret_from_bytes(bytes: [u8; 32]) -> Option<Scalar> {
    Option::<Scalar>::from(Scalar::from_canonical_bytes(bytes)).filter(|s| *s != Scalar::ZERO)
}

/// One's own blinded list: every entry with the element it stands for (`None` for padding),
/// padded with random points to `size` and sorted by encoding.
pub(crate) fn blind(
    secret: &Scalar,
    session: &SessionId,
    elements: &[String],
    size: usize,
    rng: &mut (impl RngCore + CryptoRng),
) -> Vec<([u8; 32], Option<String>)> {
    assert!(elements.len() <= size, "more elements than the padded size");
    let mut list: Vec<([u8; 32], Option<String>)> = elements
        .iter()
        .map(|e| {
            let p = element(session, e) * secret;
            (p.compress().to_bytes(), Some(e.clone()))
        })
        .collect();
    while list.len() < size {
        let p = RistrettoPoint::random(rng);
        list.push((p.compress().to_bytes(), None));
    }
    list.sort_by_key(|x| x.0);
    list
}

/// The other partner's list, checked: `size` distinct valid points other than the identity.
pub(crate) fn points(list: &[[u8; 32]], size: usize) -> Result<Vec<RistrettoPoint>, Refused> {
    if list.len() != size {
        return Err(Refused::Count {
            expected: size,
            found: list.len(),
        });
    }
    let mut seen = std::collections::BTreeSet::new();
    list.iter()
        .enumerate()
        .map(|(i, bytes)| {
            if !seen.insert(*bytes) {
                return Err(Refused::Repeated(i));
            }
            match CompressedRistretto(*bytes).decompress() {
                Some(p) if p != RistrettoPoint::identity() => Ok(p),
                _ => Err(Refused::NotAPoint(i)),
            }
        })
        .collect()
}

/// The tags of the other partner's points raised to one's own secret, in their order.
pub(crate) fn tags(
    secret: &Scalar,
    session: &SessionId,
    label: &str,
    points: &[RistrettoPoint],
) -> Vec<[u8; 32]> {
    points
        .iter()
        .map(|p| tag(session, label, &(p * secret)))
        .collect()
}

/// The other partner's tags, checked: `size` of them, none repeated.
pub(crate) fn check_tags(list: &[[u8; 32]], size: usize) -> Result<(), Refused> {
    if list.len() != size {
        return Err(Refused::Count {
            expected: size,
            found: list.len(),
        });
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, t) in list.iter().enumerate() {
        if !seen.insert(*t) {
            return Err(Refused::Repeated(i));
        }
    }
    Ok(())
}

/// The elements of `own` (one's own blinded list, in the order sent) whose tag, at the same
/// place in `their_tags`, is among `mine`: the tags one computed of the other's points.
pub(crate) fn matches(
    own: &[([u8; 32], Option<String>)],
    their_tags: &[[u8; 32]],
    mine: &[[u8; 32]],
) -> Vec<String> {
    let mine: std::collections::BTreeSet<&[u8; 32]> = mine.iter().collect();
    let mut found: Vec<String> = own
        .iter()
        .zip(their_tags)
        .filter(|(_, t)| mine.contains(t))
        .filter_map(|((_, e), _)| e.clone())
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    const SESSION: SessionId = [7u8; 16];

    fn scalar(byte: u8) -> Scalar {
        Scalar::from_bytes_mod_order([byte; 32])
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn s(list: &[&str]) -> Vec<String> {
        list.iter().map(|e| e.to_string()).collect()
    }

    /// The whole exchange, as the commands run it; returns what A and B each learn.
    fn exchange(a_set: &[&str], b_set: &[&str], size: usize) -> (Vec<String>, Vec<String>) {
        let (a, b) = (secret(&mut OsRng), secret(&mut OsRng));
        // A: invite.
        let a_list = blind(&a, &SESSION, &s(a_set), size, &mut OsRng);
        let sent_a: Vec<[u8; 32]> = a_list.iter().map(|e| e.0).collect();
        // B: reply.
        let a_points = points(&sent_a, size).unwrap();
        let reply_tags = tags(&b, &SESSION, "reply", &a_points);
        let b_keeps = tags(&b, &SESSION, "result", &a_points);
        let b_list = blind(&b, &SESSION, &s(b_set), size, &mut OsRng);
        let sent_b: Vec<[u8; 32]> = b_list.iter().map(|e| e.0).collect();
        // A: finish.
        check_tags(&reply_tags, size).unwrap();
        let b_points = points(&sent_b, size).unwrap();
        let a_learns = matches(
            &a_list,
            &reply_tags,
            &tags(&a, &SESSION, "reply", &b_points),
        );
        let result_tags = tags(&a, &SESSION, "result", &b_points);
        // B: finish.
        check_tags(&result_tags, size).unwrap();
        let b_learns = matches(&b_list, &result_tags, &b_keeps);
        (a_learns, b_learns)
    }

    #[test]
    fn both_learn_exactly_the_intersection() {
        let (a, b) = exchange(&["massage", "plan", "toy"], &["toy", "talk", "massage"], 25);
        assert_eq!(a, s(&["massage", "toy"]));
        assert_eq!(b, s(&["massage", "toy"]));
        let (a, b) = exchange(&["massage"], &["talk"], 25);
        assert!(a.is_empty() && b.is_empty());
        let (a, b) = exchange(&[], &["talk"], 3);
        assert!(a.is_empty() && b.is_empty());
    }

    #[test]
    fn lists_are_padded_to_the_size_and_sorted() {
        let list = blind(&scalar(3), &SESSION, &s(&["a", "b"]), 10, &mut OsRng);
        assert_eq!(list.len(), 10);
        assert_eq!(list.iter().filter(|e| e.1.is_some()).count(), 2);
        assert!(list.windows(2).all(|w| w[0].0 < w[1].0));
        let sent: Vec<[u8; 32]> = list.iter().map(|e| e.0).collect();
        assert_eq!(points(&sent, 10).unwrap().len(), 10);
    }

    /// Fixed secrets give fixed encodings; the same values are in docs/SECURITY.md.
    #[test]
    fn test_vectors() {
        let session: SessionId = *b"0123456789abcdef";
        let (a, b) = (scalar(1), scalar(2));
        let h = element(&session, "massage");
        let ha = h * a;
        let hab = ha * b;
        let got = [
            hex(h.compress().as_bytes()),
            hex(ha.compress().as_bytes()),
            hex(hab.compress().as_bytes()),
            hex(&tag(&session, "reply", &hab)),
            hex(&tag(&session, "result", &hab)),
        ];
        let want = [VECTOR_H, VECTOR_HA, VECTOR_HAB, VECTOR_REPLY, VECTOR_RESULT];
        assert_eq!(got, want.map(str::to_owned));
        // Commutative: the other order gives the same point.
        assert_eq!((h * b) * a, hab);
    }

    const VECTOR_H: &str = "1cdc5aa1396a0a8bb8b78365b1e9151ba1850c4c9f2e2cca9f75ea874b274a44";
    const VECTOR_HA: &str = "5692aa847d3250b6f893f4efb2a770e7345969336b3542033599cca3f6952f00";
    const VECTOR_HAB: &str = "3af02571a26cf2605cdc53a9fe5e8d415c043b81111cc58bbcd1f04012bffe4c";
    const VECTOR_REPLY: &str = "9f7e009442a0faa2809494c325ffb62140eec8c884dba22785a76384869a7a5a";
    const VECTOR_RESULT: &str = "6c5f12ccaa53ee5eab69699145d8276bb27bcc8c0120d509d6e964a3984f6535";

    #[test]
    fn a_point_bound_to_another_session_or_element_differs() {
        let other: SessionId = [8u8; 16];
        assert_ne!(element(&SESSION, "toy"), element(&other, "toy"));
        assert_ne!(element(&SESSION, "toy"), element(&SESSION, "toys"));
        let p = element(&SESSION, "toy");
        assert_ne!(tag(&SESSION, "reply", &p), tag(&SESSION, "result", &p));
    }

    #[test]
    fn a_deviating_list_is_refused() {
        let list = blind(&scalar(3), &SESSION, &s(&["a"]), 3, &mut OsRng);
        let sent: Vec<[u8; 32]> = list.iter().map(|e| e.0).collect();
        // Too short, too long.
        assert_eq!(
            points(&sent[..2], 3).unwrap_err(),
            Refused::Count {
                expected: 3,
                found: 2
            }
        );
        // An altered point: almost every change of a byte is no longer an encoding.
        let mut altered = sent.clone();
        altered[1][0] ^= 0x01;
        altered[1][31] ^= 0x80;
        assert_eq!(points(&altered, 3).unwrap_err(), Refused::NotAPoint(1));
        // The identity and a repeated point.
        let mut identity = sent.clone();
        identity[2] = [0u8; 32];
        assert_eq!(points(&identity, 3).unwrap_err(), Refused::NotAPoint(2));
        let mut repeated = sent.clone();
        repeated[2] = repeated[0];
        assert_eq!(points(&repeated, 3).unwrap_err(), Refused::Repeated(2));
        assert_eq!(
            check_tags(&[[1u8; 32], [1u8; 32]], 2).unwrap_err(),
            Refused::Repeated(1)
        );
    }

    #[test]
    fn tags_from_another_session_match_nothing() {
        let (a, b) = (scalar(5), scalar(6));
        let a_list = blind(&a, &SESSION, &s(&["toy"]), 2, &mut OsRng);
        let sent: Vec<[u8; 32]> = a_list.iter().map(|e| e.0).collect();
        let pts = points(&sent, 2).unwrap();
        // B computes his tags under another session: nothing matches.
        let other: SessionId = [9u8; 16];
        let reply = tags(&b, &other, "reply", &pts);
        let b_list = blind(&b, &SESSION, &s(&["toy"]), 2, &mut OsRng);
        let b_sent: Vec<[u8; 32]> = b_list.iter().map(|e| e.0).collect();
        let b_pts = points(&b_sent, 2).unwrap();
        assert!(matches(&a_list, &reply, &tags(&a, &SESSION, "reply", &b_pts)).is_empty());
        // A tag under the wrong label matches nothing either.
        let reply = tags(&b, &SESSION, "result", &pts);
        assert!(matches(&a_list, &reply, &tags(&a, &SESSION, "reply", &b_pts)).is_empty());
    }
}
