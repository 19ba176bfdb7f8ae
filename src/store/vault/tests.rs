use std::path::Path;

use age::secrecy::SecretString;

use super::*;
use crate::error::Kind;
use crate::model::response::{
    AnswerRecord, AnswerStatus, QuestionnaireRecord, RESPONSE_FORMAT, Response, ScoreRecord, Tool,
};
use crate::store::draft::Draft;

fn pass(s: &str) -> impl FnOnce() -> Result<SecretString> + use<> {
    let s = s.to_owned();
    move || Ok(SecretString::from(s))
}

fn response(created: &str, answer: &str) -> Response {
    Response {
        format: RESPONSE_FORMAT.into(),
        id: uuid::Uuid::new_v4().to_string(),
        created: created.into(),
        tool: Tool {
            name: "confide".into(),
            version: "0.1.0".into(),
        },
        reference: None,
        language: "en".into(),
        questionnaires: vec![QuestionnaireRecord {
            id: "example".into(),
            version: "1.0.0".into(),
            sha256: "0".repeat(64),
            answers: vec![AnswerRecord {
                item: "e5".into(),
                status: AnswerStatus::Answered,
                value: Some(serde_json::Value::String(answer.into())),
                derived: false,
            }],
            scores: vec![ScoreRecord {
                scale: "ease".into(),
                value: Some(5.0),
                band: Some("high".into()),
                valid: true,
                answered: 2,
                parts: 2,
            }],
            flags: vec![],
        }],
    }
}

fn err_of<T>(r: Result<T>) -> Error {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// A vault with a plain (unprotected) identity, so tests need no scrypt.
fn plain_vault() -> (tempfile::TempDir, Vault) {
    let tmp = tempfile::tempdir().unwrap();
    let vault = Vault::at(tmp.path().join("data"));
    atomic::private_dir(vault.dir()).unwrap();
    let (text, recipient) = crypto::new_identity_file("now");
    std::fs::write(vault.identity_path(), text.as_bytes()).unwrap();
    std::fs::write(vault.recipient_path(), format!("{recipient}\n")).unwrap();
    (tmp, vault)
}

fn no_passphrase() -> Result<SecretString> {
    Err(Error::usage("no passphrase should be needed"))
}

#[test]
fn a_new_key_unlocks_with_its_passphrase_only_and_is_never_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = Vault::at(tmp.path().join("confide"));
    let recipient = vault
        .create_identity(&SecretString::from("s3cret pass".to_owned()))
        .unwrap();
    assert!(recipient.starts_with("age1"));
    let on_disk = std::fs::read_to_string(vault.recipient_path()).unwrap();
    assert_eq!(on_disk, format!("{recipient}\n"));
    let identity = std::fs::read(vault.identity_path()).unwrap();
    assert!(identity.starts_with(b"age-encryption.org/v1\n-> scrypt "));
    assert!(!String::from_utf8_lossy(&identity).contains("AGE-SECRET-KEY"));
    #[cfg(unix)]
    {
        assert_eq!(mode(vault.dir()), 0o700);
        assert_eq!(mode(&vault.identity_path()), 0o600);
        assert_eq!(mode(&vault.recipient_path()), 0o600);
    }

    let ids = vault.unlock(pass("s3cret pass")).unwrap();
    assert_eq!(ids.recipients()[0].to_string(), recipient);
    assert!(matches!(
        vault.check_recipient(&ids),
        RecipientCheck::Matches
    ));

    let e = err_of(vault.unlock(pass("wrong")));
    assert_eq!(e.kind, Kind::Decrypt);
    assert!(e.message.contains("identity.age"), "{}", e.message);

    let e = err_of(vault.create_identity(&SecretString::from("other".to_owned())));
    assert_eq!(e.kind, Kind::Usage);
    assert!(
        e.message.starts_with("a key already exists in"),
        "{}",
        e.message
    );
    assert_eq!(std::fs::read(vault.identity_path()).unwrap(), identity);
}

#[test]
fn a_session_saved_without_a_passphrase_reads_back() {
    let (_tmp, vault) = plain_vault();
    let r = response("2026-11-25T08:15:00Z", "words nobody heard");
    let saved = vault.save_session(&r).unwrap();
    assert_eq!(saved.id, format!("20261125T081500Z-{}", r.id8()));
    let path = vault.sessions_dir().join(format!("{}.age", saved.id));
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1\n"));
    assert!(!bytes.windows(6).any(|w| w == b"nobody"));
    #[cfg(unix)]
    {
        assert_eq!(mode(&vault.sessions_dir()), 0o700);
        assert_eq!(mode(&path), 0o600);
    }
    let ids = vault.unlock(no_passphrase).unwrap();
    let files = vault.list_sessions().unwrap();
    assert_eq!(files.len(), 1);
    let back = vault.read_session(&files[0], &ids).unwrap();
    assert_eq!(back.id, r.id);
    assert_eq!(
        back.questionnaires[0].answers[0].value,
        Some(serde_json::Value::String("words nobody heard".into()))
    );
    let e = err_of(vault.save_session(&r));
    assert!(e.message.contains("already exists"), "{}", e.message);
}

#[test]
fn twenty_concurrent_saves_give_twenty_readable_sessions() {
    let (_tmp, vault) = plain_vault();
    let handles: Vec<_> = (0..20)
        .map(|i| {
            let v = vault.clone();
            std::thread::spawn(move || {
                v.save_session(&response("2026-11-25T08:15:00Z", &format!("answer {i}")))
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
    let ids = vault.unlock(no_passphrase).unwrap();
    let files = vault.list_sessions().unwrap();
    assert_eq!(files.len(), 20);
    let read = vault.read_sessions(files, &ids);
    let mut answers: Vec<String> = read
        .into_iter()
        .map(|r| {
            let (_, resp) = r.map_err(|(_, e)| e.message).unwrap();
            resp.questionnaires[0].answers[0]
                .value
                .clone()
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    answers.sort();
    let mut want: Vec<String> = (0..20).map(|i| format!("answer {i}")).collect();
    want.sort();
    assert_eq!(answers, want);
}

#[test]
fn a_newer_record_format_is_reported_as_unsupported_with_the_file_named() {
    let (_tmp, vault) = plain_vault();
    let mut r = response("2026-11-25T08:15:00Z", "x");
    r.format = "confide.response/2".into();
    let saved = vault.save_session(&r).unwrap();
    let ids = vault.unlock(no_passphrase).unwrap();
    let e = err_of(vault.read_session(&vault.find_session(&saved.id).unwrap(), &ids));
    assert_eq!(e.kind, Kind::Damaged);
    assert!(e.message.contains(&saved.id), "{}", e.message);
    assert!(
        e.message
            .contains("newer version of confide (format `confide.response/2`)"),
        "{}",
        e.message
    );
}

#[test]
fn a_session_for_another_key_is_exit_3() {
    let (_tmp, vault) = plain_vault();
    let (_tmp2, other) = plain_vault();
    other
        .save_session(&response("2026-11-25T08:15:00Z", "x"))
        .unwrap();
    let file = other.latest_session().unwrap();
    let ids = vault.unlock(no_passphrase).unwrap();
    let e = err_of(vault.read_session(&file, &ids));
    assert_eq!(e.kind, Kind::Decrypt);
    assert!(matches!(
        vault.check_recipient(&ids),
        RecipientCheck::Matches
    ));
    let theirs = other.unlock(no_passphrase).unwrap();
    assert!(matches!(
        vault.check_recipient(&theirs),
        RecipientCheck::Foreign
    ));
}

#[test]
fn changing_the_passphrase_keeps_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = Vault::at(tmp.path());
    // The old key is protected with a low work factor (this test is about the change, and
    // each scrypt at 18 costs most of a second); the new one is written as confide writes
    // every key.
    atomic::private_dir(vault.dir()).unwrap();
    let (text, recipient) = crypto::new_identity_file("now");
    let recipient = recipient.to_string();
    let mut old = age::scrypt::Recipient::new(SecretString::from("old pass".to_owned()));
    old.set_work_factor(10);
    let ciphertext = age::encrypt(&old, text.as_bytes()).unwrap();
    std::fs::write(vault.identity_path(), ciphertext).unwrap();
    std::fs::write(vault.recipient_path(), format!("{recipient}\n")).unwrap();
    let before = std::fs::read(vault.identity_path()).unwrap();

    let e = err_of(vault.change_passphrase(
        pass("not it"),
        |_| panic!("checked after a wrong old passphrase"),
        || panic!("new asked after a wrong old passphrase"),
    ));
    assert_eq!(e.kind, Kind::Decrypt);
    assert_eq!(std::fs::read(vault.identity_path()).unwrap(), before);

    vault
        .change_passphrase(pass("old pass"), |_| Ok(()), pass("new pass"))
        .unwrap();
    let after = std::fs::read(vault.identity_path()).unwrap();
    assert_ne!(after, before);
    let header = String::from_utf8_lossy(&after[..after.len().min(80)]).into_owned();
    assert!(
        header.lines().nth(1).unwrap_or_default().ends_with(" 18"),
        "the new key is written at work factor 18: {header}"
    );
    assert_eq!(err_of(vault.unlock(pass("old pass"))).kind, Kind::Decrypt);
    let ids = vault.unlock(pass("new pass")).unwrap();
    assert_eq!(ids.recipients()[0].to_string(), recipient);
    let leftovers: Vec<_> = std::fs::read_dir(vault.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_draft_round_trips_and_only_the_newest_is_kept() {
    let (_tmp, vault) = plain_vault();
    assert!(vault.draft_file().unwrap().is_none());
    let mut d = Draft::new(vec!["example".into()], "en");
    d.answers
        .entry("example".into())
        .or_default()
        .insert("e1".into(), serde_json::json!(3));
    vault.save_draft(&d).unwrap();
    d.answers
        .entry("example".into())
        .or_default()
        .insert("e2".into(), serde_json::json!("declined"));
    d.resume_at = Some("example.e3".into());
    let second = vault.save_draft(&d).unwrap();
    let files = std::fs::read_dir(vault.drafts_dir()).unwrap().count();
    assert_eq!(files, 1);
    assert!(second.exists());
    let ids = vault.unlock(no_passphrase).unwrap();
    let file = vault.draft_file().unwrap().unwrap();
    let back = vault.read_draft(&file.path, &ids).unwrap();
    assert_eq!(back.id, d.id);
    assert_eq!(back.answers, d.answers);
    assert_eq!(back.resume_at.as_deref(), Some("example.e3"));
    vault.discard_draft(&file.path).unwrap();
    assert!(vault.draft_file().unwrap().is_none());
}

#[test]
fn a_draft_of_a_newer_format_is_refused() {
    let json = br#"{"format": "confide.draft/2", "id": "x"}"#;
    let e = Draft::from_slice(json).unwrap_err();
    assert!(e.contains("newer version"), "{e}");
    assert!(Draft::from_slice(b"[1]").is_err());
}

#[test]
fn saving_without_a_key_says_how_to_make_one() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = Vault::at(tmp.path().join("none"));
    let e = err_of(vault.save_session(&response("2026-11-25T08:15:00Z", "x")));
    assert_eq!(e.kind, Kind::Usage);
    assert!(e.hint.unwrap().contains("keys init"));
    assert!(!vault.dir().exists(), "nothing is created by a failed save");
}

#[test]
fn json_is_serialised_into_an_exactly_sized_buffer() {
    let r = response("2026-11-25T08:15:00Z", "x");
    let buf = to_json_zeroizing(&r).unwrap();
    assert_eq!(buf.len(), buf.capacity());
    assert_eq!(&buf[..], serde_json::to_vec(&r).unwrap().as_slice());
}
