//! The integration tests: confide as a user meets it (the built binary, its files, a real
//! pseudo-terminal, the reference `age` CLI) and the library's public interface.
//!
//! They live in one test crate with a module per area, so the crate is linked once: a
//! change in `src/` relinks one test binary, not one per file.

mod common;

mod autosave;
mod cli_conventions;
mod cli_lang;
mod cli_shell;
mod cli_take_answers;
mod cli_take_plain;
mod cli_validate;
mod completion;
mod content;
mod country;
mod couple_report;
mod faults;
mod fhir_export;
mod fhir_import;
mod forged;
mod fuzz_regressions;
mod hostile_age;
mod hostile_answers;
mod hostile_questionnaires;
mod html;
mod instruments;
mod intake;
mod interview_keys;
mod keys;
mod no_network;
mod report;
mod safety;
mod special_files;
mod summaries;
mod take_save;
mod tech_safety;
mod together;
mod tty;
mod vault;
mod version;
mod welcome;
