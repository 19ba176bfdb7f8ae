//! Arbitrary lines typed at every question of the bundled questionnaires in plain mode.
#![no_main]

use confide::session::input::{Typed, describe, parse_line};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let catalog = confide_fuzz::bundled();
    for line in text.split('\n').take(8) {
        for entry in &catalog.entries {
            let q = entry.q();
            for item in &q.items {
                if let Ok(Typed::Answer(a)) = parse_line(q, item, line) {
                    let _ = describe(q, item, Some(&a), "en");
                }
            }
        }
    }
});
