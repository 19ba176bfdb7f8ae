//! confide: private, offline self-assessment and pre-session intake for sexual health.
//!
//! Layers, with dependencies flowing one way:
//! `commands` -> `session` | `store` | `report` -> `scoring` -> `model`.
//! `model` and `scoring` are pure; only `commands` prints errors and picks exit codes.

#![deny(unsafe_code)]

mod cli;
mod clock;
mod commands;
mod error;
pub mod model;
pub mod report;
pub mod scoring;
pub mod session;
pub mod store;
pub mod term;
mod together;

/// Runs confide with the process arguments and returns the exit code.
pub fn run() -> i32 {
    disable_core_dumps();
    commands::run()
}

/// A crash must not write answers or keys to a core file. Failure to set the limit is not
/// fatal (some sandboxes forbid it), but the limit is always tried first.
fn disable_core_dumps() {
    #[cfg(unix)]
    let _ = rlimit::setrlimit(rlimit::Resource::CORE, 0, 0);
}
