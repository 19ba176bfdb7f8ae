//! Arbitrary bytes as the plaintext record inside a session or intake file, then what
//! `show` and `report` make of it, in every format, against the bundled questionnaires.
#![no_main]

use confide::model::response::Response;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(response) = Response::from_slice(data) {
        confide_fuzz::render_record(confide_fuzz::bundled(), response);
    }
});
