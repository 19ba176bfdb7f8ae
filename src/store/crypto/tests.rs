use std::path::PathBuf;
use std::sync::OnceLock;

use super::*;
use crate::error::Kind;
use age::x25519;

fn file() -> PathBuf {
    PathBuf::from("sessions/20261125T081500Z-1a2b3c4d.age")
}

fn key() -> (Identities, Recipients) {
    let k = x25519::Identity::generate();
    let mut r = Recipients::new();
    r.add_x25519(k.to_public());
    let mut i = Identities::new();
    i.push(k);
    (i, r)
}

fn passphrase() -> SecretString {
    SecretString::from("correct horse battery".to_owned())
}

/// One passphrase-encrypted file for all tests: each scrypt costs most of a second.
fn scrypt_file() -> &'static [u8] {
    static CT: OnceLock<Vec<u8>> = OnceLock::new();
    CT.get_or_init(
        || match encrypt_with_passphrase(b"secret words", &passphrase(), false) {
            Ok(ct) => ct,
            Err(e) => panic!("encrypting: {e}"),
        },
    )
}

fn err_of<T>(r: Result<T>) -> Error {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

#[test]
fn bytes_encrypted_to_a_key_decrypt_with_it() {
    let (ids, recips) = key();
    let ct = encrypt(b"I have never told anyone", &recips, false).unwrap();
    assert!(ct.starts_with(b"age-encryption.org/v1\n"));
    assert!(!ct.windows(5).any(|w| w == b"never"));
    let pt = decrypt(&ct, &ids, &file()).unwrap();
    assert_eq!(&pt[..], b"I have never told anyone");
}

#[test]
fn armored_output_is_text_and_decrypts() {
    let (ids, recips) = key();
    let ct = encrypt(b"armored", &recips, true).unwrap();
    let text = String::from_utf8(ct.clone()).unwrap();
    assert!(text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    assert_eq!(&decrypt(&ct, &ids, &file()).unwrap()[..], b"armored");
}

#[test]
fn every_recipient_can_decrypt() {
    let (ids1, mut recips) = key();
    let (ids2, r2) = key();
    recips.add_str(&r2.names()[0], "`--to`").unwrap();
    assert_eq!(recips.len(), 2);
    let ct = encrypt(b"both", &recips, false).unwrap();
    assert_eq!(&decrypt(&ct, &ids1, &file()).unwrap()[..], b"both");
    assert_eq!(&decrypt(&ct, &ids2, &file()).unwrap()[..], b"both");
}

#[test]
fn a_file_for_another_key_is_a_decrypt_error_naming_the_file() {
    let (_, recips) = key();
    let (other, _) = key();
    let ct = encrypt(b"x", &recips, false).unwrap();
    let e = err_of(decrypt(&ct, &other, &file()));
    assert_eq!(e.kind, Kind::Decrypt);
    assert_eq!(e.exit_code(), 3);
    assert!(
        e.message.contains("20261125T081500Z-1a2b3c4d.age"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("is encrypted to another key, not yours"),
        "{}",
        e.message
    );
}

#[test]
fn an_empty_file_is_damaged() {
    let (ids, _) = key();
    let e = err_of(decrypt(b"", &ids, &file()));
    assert_eq!(e.kind, Kind::Damaged);
    assert!(
        e.message
            .ends_with("20261125T081500Z-1a2b3c4d.age is empty"),
        "{}",
        e.message
    );
}

#[test]
fn a_file_that_is_not_age_is_damaged() {
    let (ids, _) = key();
    for foreign in [
        &b"{\"format\": \"confide.response/1\"}"[..],
        b"PK\x03\x04zipzipzip",
        b"\n\n",
    ] {
        let e = err_of(decrypt(foreign, &ids, &file()));
        assert_eq!(e.kind, Kind::Damaged, "{}", e.message);
        assert!(
            e.message.contains("sessions/20261125T081500Z-1a2b3c4d.age"),
            "{}",
            e.message
        );
    }
}

#[test]
fn a_truncated_file_is_damaged() {
    let (ids, recips) = key();
    let ct = encrypt(&[7u8; 1000], &recips, false).unwrap();
    for cut in [10, ct.len() / 2, ct.len() - 1] {
        let e = err_of(decrypt(&ct[..cut], &ids, &file()));
        assert_eq!(e.kind, Kind::Damaged, "cut at {cut}: {}", e.message);
        assert!(e.message.contains("20261125T081500Z-1a2b3c4d.age"));
    }
}

#[test]
fn a_flipped_byte_in_the_content_or_the_header_mac_is_damaged() {
    let (ids, recips) = key();
    let ct = encrypt(b"some private answers", &recips, false).unwrap();
    let mut payload = ct.clone();
    let last = payload.len() - 1;
    payload[last] ^= 1;
    let e = err_of(decrypt(&payload, &ids, &file()));
    assert_eq!(e.kind, Kind::Damaged, "{}", e.message);
    assert!(e.message.contains("does not check out"), "{}", e.message);

    let mac_at = ct.windows(4).position(|w| w == b"--- ").unwrap() + 4;
    let mut mac = ct.clone();
    mac[mac_at] = if mac[mac_at] == b'A' { b'B' } else { b'A' };
    let e = err_of(decrypt(&mac, &ids, &file()));
    assert_eq!(e.kind, Kind::Damaged, "{}", e.message);
}

#[test]
fn a_newer_age_version_is_unsupported() {
    let (ids, _) = key();
    let e = err_of(decrypt(
        b"age-encryption.org/v2\n-> X25519 abc\n",
        &ids,
        &file(),
    ));
    assert_eq!(e.kind, Kind::Damaged);
    assert!(e.message.contains("age format"), "{}", e.message);
    assert_eq!(e.hint.as_deref(), Some("update confide"));
}

#[test]
fn a_passphrase_file_round_trips_and_a_wrong_passphrase_is_exit_3() {
    let ct = scrypt_file();
    let pt = decrypt_with_passphrase(ct, &passphrase(), &file()).unwrap();
    assert_eq!(&pt[..], b"secret words");

    let wrong = SecretString::from("incorrect horse".to_owned());
    let e = err_of(decrypt_with_passphrase(ct, &wrong, &file()));
    assert_eq!(e.kind, Kind::Decrypt);
    assert!(
        e.message.starts_with("wrong passphrase for "),
        "{}",
        e.message
    );
}

#[test]
fn a_passphrase_file_given_to_keys_says_so() {
    let (ids, _) = key();
    let e = err_of(decrypt(scrypt_file(), &ids, &file()));
    assert_eq!(e.kind, Kind::Decrypt);
    assert!(
        e.message.contains("protected by a passphrase"),
        "{}",
        e.message
    );
}

/// Rewrites the work factor in the scrypt stanza (the MAC then fails, but the work factor is
/// checked before any work is done).
fn with_work_factor(ct: &[u8], log_n: u8) -> Vec<u8> {
    let text = ct.to_vec();
    let line_end = text.iter().skip(22).position(|&b| b == b'\n').unwrap() + 22;
    let line = std::str::from_utf8(&text[22..line_end]).unwrap();
    let (head, _) = line.rsplit_once(' ').unwrap();
    let mut out = text[..22].to_vec();
    out.extend_from_slice(format!("{head} {log_n}").as_bytes());
    out.extend_from_slice(&text[line_end..]);
    out
}

#[test]
fn a_work_factor_above_22_is_refused_as_unsupported() {
    let ct = with_work_factor(scrypt_file(), 23);
    assert!(ct.starts_with(b"age-encryption.org/v1\n-> scrypt "));
    let e = err_of(decrypt_with_passphrase(&ct, &passphrase(), &file()));
    assert_eq!(e.kind, Kind::Damaged, "{}", e.message);
    assert_eq!(e.exit_code(), 4);
    assert!(e.message.contains("log2 N = 23"), "{}", e.message);
    assert!(e.message.contains("at most 22"), "{}", e.message);
}

#[test]
fn work_factor_18_is_what_we_write() {
    let ct = scrypt_file();
    let header =
        std::str::from_utf8(&ct[..ct.iter().position(|&b| b == b'\n').unwrap() + 80]).unwrap_or("");
    let stanza = header.lines().nth(1).unwrap();
    assert!(stanza.starts_with("-> scrypt "), "{stanza}");
    assert!(stanza.ends_with(" 18"), "{stanza}");
}

#[test]
fn recipient_errors_never_quote_a_secret_key() {
    let secret = "AGE-SECRET-KEY-1GQ9778VQXMMJVE8SK7J6VT8UJ4HDQAJUVSFCWCM02D8GEWQ72PVQ2Y5J33";
    let mut r = Recipients::new();
    let e = err_of(r.add_str(secret, "`--to`"));
    assert_eq!(e.kind, Kind::Usage);
    assert!(!e.message.contains("GQ9778"), "{}", e.message);
    assert!(e.message.contains("secret key"), "{}", e.message);

    let e = err_of(r.add_str("ssh-ed25519 AAAAC3Nz", "`--to`"));
    assert!(e.message.contains("SSH"), "{}", e.message);
    let e = err_of(r.add_str("age1yubikey1qwerty", "`--to`"));
    assert!(e.message.contains("plugin"), "{}", e.message);
    let e = err_of(r.add_str("hello", "`--to`"));
    assert_eq!(e.message, "`--to` is not an age recipient (age1...)");
}

#[test]
fn a_recipients_file_skips_comments_and_names_the_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let (_, a) = key();
    let (_, b) = key();
    let good = dir.path().join("good.txt");
    std::fs::write(
        &good,
        format!("# therapist\n\n{}\n  {}  \n", a.names()[0], b.names()[0]),
    )
    .unwrap();
    let mut r = Recipients::new();
    r.add_file(&good).unwrap();
    assert_eq!(r.len(), 2);

    let bad = dir.path().join("bad.txt");
    std::fs::write(
        &bad,
        format!(
            "{}\nAGE-SECRET-KEY-1GQ9778VQXMMJVE8SK7J6VT8UJ4HDQAJUVSFCWCM02D8GEWQ72PVQ2Y5J33\n",
            a.names()[0]
        ),
    )
    .unwrap();
    let e = err_of(Recipients::new().add_file(&bad));
    assert!(e.message.contains("bad.txt, line 2"), "{}", e.message);
    assert!(!e.message.contains("GQ9778"), "{}", e.message);

    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "# nothing\n").unwrap();
    let e = err_of(Recipients::new().add_file(&empty));
    assert!(e.message.contains("has no recipients"), "{}", e.message);
}

#[test]
fn an_age_keygen_identity_file_parses_with_its_comments() {
    let (text, recipient) = new_identity_file("2026-11-25T08:15:00Z");
    assert!(text.starts_with("# created: 2026-11-25T08:15:00Z\n# public key: age1"));
    let ids = parse_identities(text.as_bytes(), &file()).unwrap();
    assert_eq!(ids.len(), 1);
    assert_eq!(ids.recipients()[0].to_string(), recipient.to_string());
}

#[test]
fn identity_file_errors_name_the_line_not_its_content() {
    let e = err_of(parse_identities(b"# c\nage1abc\n", &file()));
    assert!(
        e.message.contains("public recipient on line 2"),
        "{}",
        e.message
    );
    let e = err_of(parse_identities(b"my secret words\n", &file()));
    assert!(!e.message.contains("secret words"), "{}", e.message);
    assert!(e.message.contains("line 1"), "{}", e.message);
    let e = err_of(parse_identities(b"# only a comment\n", &file()));
    assert!(e.message.contains("has no secret keys"), "{}", e.message);
}

#[test]
fn a_plain_identity_file_needs_no_passphrase() {
    let (text, _) = new_identity_file("now");
    let plain = identity_plaintext(text.as_bytes(), &file(), || {
        Err(Error::usage("asked for a passphrase"))
    })
    .unwrap();
    assert_eq!(&plain[..], text.as_bytes());
}

#[test]
fn a_protected_identity_file_is_decrypted_with_the_passphrase() {
    let (text, recipient) = new_identity_file("now");
    let protected = encrypt_with_passphrase(text.as_bytes(), &passphrase(), true).unwrap();
    assert!(is_age_file(&protected));
    let plain = identity_plaintext(&protected, &file(), || Ok(passphrase())).unwrap();
    let ids = parse_identities(&plain, &file()).unwrap();
    assert_eq!(ids.recipients()[0].to_string(), recipient.to_string());
}

#[test]
fn reading_a_folder_as_a_file_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let e = err_of(read_file(dir.path(), "identity file"));
    assert_eq!(e.kind, Kind::Usage);
    assert_eq!(
        e.message,
        format!(
            "identity file {} is a folder, not a file",
            dir.path().display()
        )
    );
}

#[test]
fn a_whole_file_is_read_whatever_its_size() {
    let dir = tempfile::tempdir().unwrap();
    for size in [0usize, 1, 16 << 10, (16 << 10) + 1, 1 << 20] {
        let path = dir.path().join(format!("f{size}"));
        let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(read_file(&path, "file").unwrap(), bytes, "{size} bytes");
    }
}

#[test]
fn binary_files_are_read_in_place_and_armored_ones_unwrapped_alike() {
    let (ids, recips) = key();
    for armor in [false, true] {
        let ct = encrypt(b"same words", &recips, armor).unwrap();
        assert_eq!(&decrypt(&ct, &ids, &file()).unwrap()[..], b"same words");
        // A byte changed in the payload (before the armor's last line) is caught either way.
        let mut bad = ct.clone();
        let n = bad.len();
        bad[n - 40] ^= if armor { 0x01 } else { 0x80 };
        let e = err_of(decrypt(&bad, &ids, &file()));
        assert_eq!(e.kind, Kind::Damaged, "armor {armor}: {}", e.message);
    }
}
