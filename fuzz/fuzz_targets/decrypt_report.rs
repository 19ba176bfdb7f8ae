//! Arbitrary bytes as an encrypted session or intake file: decryption with a fixed X25519
//! identity, then the record and every report made from it.
#![no_main]

use std::path::Path;
use std::str::FromStr;
use std::sync::OnceLock;

use confide::model::response::Response;
use confide::store::crypto::{self, Identities};
use libfuzzer_sys::fuzz_target;

/// Made once with `age-keygen` for fuzzing only; the seeds in fuzz/seeds/decrypt_report are
/// encrypted to it (public key age105n4589el7s8qh64eny9gcvzwugpr2zzrj37yclzyjpcmy595cuslgthjl).
/// It protects nothing.
const FUZZ_KEY: &str = "AGE-SECRET-KEY-1RCPEDDTRPDEZ78EVQNMDR08C5WFTSMCHAA665AR0DDAW2DT7MUTQNAR7PT";

fn identities() -> &'static Identities {
    static IDS: OnceLock<Identities> = OnceLock::new();
    IDS.get_or_init(|| {
        let mut ids = Identities::new();
        ids.push(age::x25519::Identity::from_str(FUZZ_KEY).expect("the fuzzing key parses"));
        ids
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(plaintext) = crypto::decrypt(data, identities(), Path::new("intake.age")) else {
        return;
    };
    if let Ok(response) = Response::from_slice(&plaintext) {
        confide_fuzz::render_record(confide_fuzz::bundled(), response);
    }
});
