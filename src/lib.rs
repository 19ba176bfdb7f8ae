//! confide: private, offline self-assessment and pre-session intake for sexual health.
//!
//! Layers, with dependencies flowing one way:
//! `commands` -> `session` | `store` | `report` -> `scoring` -> `model`.
//! `model` and `scoring` are pure; only `commands` prints errors and picks exit codes.

#![deny(unsafe_code)]

pub mod cli;
mod clock;
pub mod commands;
pub mod error;
pub mod model;
pub mod report;
pub mod scoring;
pub mod session;
pub mod store;
pub mod term;

use clap::Parser;

/// Runs confide with the process arguments and returns the exit code.
pub fn run() -> i32 {
    disable_core_dumps();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    // Ctrl-C anywhere (a passphrase prompt included) restores the terminal and exits 130.
    term::interrupt::install();
    install_panic_hook();
    let result = commands::dispatch(cli);
    warn_unsynced();
    match result {
        Ok(()) => 0,
        Err(e) => {
            report(&e);
            e.exit_code()
        }
    }
}

/// A file written (or removed) whose folder could not be synced to disk: the change is in
/// place and the command succeeded, but a crash or power cut soon after could undo it.
fn warn_unsynced() {
    for message in store::atomic::take_unsynced() {
        term::warn(&format!(
            "{message}; the change was made, but a crash or power cut in the next moments could undo it"
        ));
    }
}

/// A crash must not write answers or keys to a core file. Failure to set the limit is not
/// fatal (some sandboxes forbid it), but the limit is always tried first.
fn disable_core_dumps() {
    #[cfg(unix)]
    let _ = rlimit::setrlimit(rlimit::Resource::CORE, 0, 0);
}

/// A bug must not leave the terminal without a cursor or echo, print a backtrace, or end
/// without saying where the answers so far are. The release build aborts on panic; the
/// hook runs before that, and ends the run itself with exit 1 either way. It prints where
/// the bug is, never the panic's message (which could hold data).
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        term::interrupt::restore_terminal();
        let place = info
            .location()
            .map(|l| format!(" (at {}:{})", l.file(), l.line()))
            .unwrap_or_default();
        let mut text =
            format!("\nconfide: error: confide stopped because of a bug{place}; please report it");
        if let Some(kept) = term::interrupt::kept() {
            text.push_str(&format!(
                "\nconfide: {}\nconfide: hint: {}",
                kept.message, kept.hint
            ));
        }
        term::eprintln(&text);
        std::process::exit(1);
    }));
}

/// Prints an error as `confide: error: ...` and an optional `confide: hint: ...`.
fn report(e: &error::Error) {
    if e.kind == error::Kind::ClosedPipe {
        return;
    }
    term::eprintln(&format!(
        "confide: error: {}",
        term::sanitize::line(&e.message)
    ));
    if let Some(hint) = &e.hint {
        term::eprintln(&format!("confide: hint: {}", term::sanitize::line(hint)));
    }
}
