//! Ctrl-C: restore the terminal (show the cursor), say that nothing was saved, exit 130.
//!
//! While something must finish (an atomic save), `critical` defers the exit until it is
//! done, so an interrupt never leaves half a file behind.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static INSTALLED: AtomicBool = AtomicBool::new(false);
static CRITICAL: AtomicUsize = AtomicUsize::new(0);
static PENDING: AtomicBool = AtomicBool::new(false);

/// Exit code for a cancelled run.
pub const CANCELLED: i32 = 130;

/// Installs the Ctrl-C handler once. Safe to call more than once.
pub fn install() {
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let _ = ctrlc::set_handler(|| {
        if CRITICAL.load(Ordering::SeqCst) > 0 {
            PENDING.store(true, Ordering::SeqCst);
            return;
        }
        leave();
    });
}

/// Ends the run as Ctrl-C does: cursor shown, a message, exit 130.
pub fn leave() -> ! {
    let _ = console::Term::stderr().show_cursor();
    let _ = console::Term::stdout().show_cursor();
    crate::term::eprintln("\nconfide: cancelled; nothing was saved");
    std::process::exit(CANCELLED);
}

/// Runs `f` with Ctrl-C deferred until it returns.
pub fn critical<T>(f: impl FnOnce() -> T) -> T {
    CRITICAL.fetch_add(1, Ordering::SeqCst);
    let out = f();
    CRITICAL.fetch_sub(1, Ordering::SeqCst);
    out
}

/// After a critical section: if Ctrl-C came during it, leave now.
pub fn honour_pending() {
    if PENDING.load(Ordering::SeqCst) {
        leave();
    }
}
