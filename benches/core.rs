//! Benchmarks of the core: loading and validating the bundled questionnaires, scoring a
//! whole session, and encrypting and decrypting its record. Run with
//! `cargo bench --bench core`; `scripts/bench.sh` measures whole commands.

use confide::model::answers_file;
use confide::model::bundled::BUNDLED;
use confide::model::catalog::Catalog;
use confide::model::load::questionnaire_from_bytes;
use confide::model::questionnaire::Questionnaire;
use confide::model::response::Response;
use confide::report::clinician::{self, Detail, Input};
use confide::report::csv;
use confide::scoring::{self, record};
use confide::store::crypto::{self, Identities, Recipients};

fn main() {
    divan::main();
}

/// Parse and validate all five bundled questionnaires.
#[divan::bench]
fn load_and_validate_bundled() -> usize {
    BUNDLED
        .iter()
        .map(|(_, text)| {
            questionnaire_from_bytes(divan::black_box(text.as_bytes()))
                .map_or(0, |l| l.questionnaire.items.len())
        })
        .sum()
}

/// The bundled questionnaires as every command loads them at start: parsed straight into
/// their types; validation is left to the test suite and the hash to first use.
#[divan::bench]
fn load_bundled_catalog() -> usize {
    Catalog::bundled().map_or(0, |c| c.entries.len())
}

const EVERYTHING: &str = include_str!("../tests/fixtures/profiles/everything-fine.json");

/// Check an answers file against the five questionnaires, score the session and build its
/// record, as `take --answers` does.
#[divan::bench]
fn score_full_session(bencher: divan::Bencher) {
    let catalog = Catalog::bundled().unwrap_or_default();
    bencher.bench_local(|| record_json(&catalog, divan::black_box(EVERYTHING)).map(|v| v.len()));
}

/// The answers file `answers` checked against the catalog, scored, and its record as JSON:
/// what `take --answers` does before encrypting.
fn record_json(catalog: &Catalog, answers: &str) -> Option<Vec<u8>> {
    let qs: Vec<&Questionnaire> = catalog.entries.iter().map(|e| e.q()).collect();
    let defs: Vec<(&Questionnaire, &str)> = catalog
        .entries
        .iter()
        .map(|e| (e.q(), e.loaded.sha256()))
        .collect();
    let file = answers_file::parse(answers.as_bytes()).ok()?;
    let answers = scoring::answers::resolve(&qs, &file).ok()?;
    let scored = scoring::score_session(&qs, &answers);
    let r = record::response(
        &defs,
        &scored,
        "0b6a3f52-6f0e-4d1b-9c1e-2f9b8d7a6c5e".into(),
        "2026-01-01T00:00:00Z".into(),
        Some("A-1042".into()),
        "en",
    );
    serde_json::to_vec(&r).ok()
}

/// The plaintext record of a full session, as `take` encrypts it.
fn full_record() -> Vec<u8> {
    let catalog = Catalog::bundled().unwrap_or_default();
    record_json(&catalog, EVERYTHING).unwrap_or_default()
}

/// Encrypt a full session record to one X25519 recipient (one ephemeral key, one X25519
/// operation, the payload), as `take --to` does.
#[divan::bench]
fn encrypt_record(bencher: divan::Bencher) {
    let plaintext = full_record();
    let identity = age::x25519::Identity::generate();
    let mut recipients = Recipients::new();
    recipients.add_x25519(identity.to_public());
    bencher.bench_local(|| crypto::encrypt(divan::black_box(&plaintext), &recipients, false));
}

/// Decrypt a full session record with an X25519 identity (one X25519 operation, the
/// payload), as `report` and `history` do for each file. With the `aws-lc` feature the
/// X25519 operation is AWS-LC's and the identity's public key is kept
/// (`store::crypto::x25519`).
#[divan::bench]
fn decrypt_record(bencher: divan::Bencher) {
    let (ciphertext, identity) = encrypted_record();
    let mut identities = Identities::new();
    identities.push(identity);
    let path = std::path::Path::new("bench.age");
    bencher.bench_local(|| crypto::decrypt(divan::black_box(&ciphertext), &identities, path));
}

/// The same with the age crate's own X25519 identity (curve25519-dalek, and the public key
/// worked out again for every file), for comparison.
#[divan::bench]
fn decrypt_record_age_identity(bencher: divan::Bencher) {
    use std::io::Read;
    let (ciphertext, identity) = encrypted_record();
    bencher.bench_local(|| {
        let decryptor = age::Decryptor::new_buffered(divan::black_box(&ciphertext[..])).ok()?;
        let mut reader = decryptor
            .decrypt(std::iter::once(&identity as &dyn age::Identity))
            .ok()?;
        let mut out = Vec::with_capacity(ciphertext.len());
        reader.read_to_end(&mut out).ok()?;
        Some(out.len())
    });
}

/// A full session record encrypted to a new X25519 identity, and that identity.
fn encrypted_record() -> (Vec<u8>, age::x25519::Identity) {
    let identity = age::x25519::Identity::generate();
    let mut recipients = Recipients::new();
    recipients.add_x25519(identity.to_public());
    let ciphertext = crypto::encrypt(&full_record(), &recipients, false).unwrap_or_default();
    (ciphertext, identity)
}

/// One X25519 fixed-base multiplication (an identity's public key): what the age crate's
/// identity works out again for every file it decrypts, and ours keeps.
#[divan::bench]
fn x25519_public_key(bencher: divan::Bencher) {
    let identity = age::x25519::Identity::generate();
    bencher.bench_local(|| divan::black_box(&identity).to_public());
}

/// Read a decrypted session record into its types, as `report` and `history` do for each
/// file.
#[divan::bench]
fn parse_record(bencher: divan::Bencher) {
    let plaintext = full_record();
    bencher.bench_local(|| Response::from_slice(divan::black_box(&plaintext)).is_ok());
}

/// One session's line of a CSV report from its parsed record: definitions checked,
/// scores worked out again and compared, the row written; as `report --format csv` does
/// for each file after decrypting it.
#[divan::bench]
fn csv_report_entry(bencher: divan::Bencher) {
    let catalog = Catalog::bundled().unwrap_or_default();
    let columns = csv::columns(&catalog);
    let Ok(response) = Response::from_slice(&full_record()) else {
        return;
    };
    let input = Input {
        file: Some("intakes/bench.age".into()),
        response,
    };
    bencher.bench_local(|| {
        let s = clinician::session_with(divan::black_box(&input), &catalog, "en", Detail::Scores);
        csv::row(&s, &columns).len()
    });
}
