//! Ctrl-C: restore the terminal (cursor shown, typed characters echoed again after a hidden
//! passphrase prompt), say what was kept (the encrypted draft of the interview, when there
//! is one) or that nothing was saved, exit 130.
//!
//! While something must finish (an atomic save), `critical` defers the exit until it is
//! done, so an interrupt never leaves half a file behind.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static INSTALLED: AtomicBool = AtomicBool::new(false);
static CRITICAL: AtomicUsize = AtomicUsize::new(0);
static PENDING: AtomicBool = AtomicBool::new(false);
/// Set once the answers are stored (or deliberately not): Ctrl-C after that only stops.
static DONE: AtomicBool = AtomicBool::new(false);
/// What to say about the draft that keeps the answers so far, while there is one.
static KEPT: Mutex<Option<Kept>> = Mutex::new(None);

/// Where the answers so far are kept, and how to continue or discard them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Kept {
    /// `your answers so far are kept, encrypted, in PATH`.
    pub(crate) message: String,
    /// How to continue or remove the draft.
    pub(crate) hint: String,
}

/// Exit code for a cancelled run.
const CANCELLED: i32 = 130;

/// Installs the Ctrl-C handler once. Safe to call more than once.
pub(crate) fn install() {
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

/// Ends the run as Ctrl-C does: cursor shown, echo back on, a message, exit 130.
pub(crate) fn leave() -> ! {
    restore_terminal();
    if DONE.load(Ordering::SeqCst) {
        crate::term::eprintln("\nconfide: stopped");
    } else if let Some(kept) = kept_waiting() {
        crate::term::eprintln(&format!(
            "\nconfide: stopped; {}\nconfide: hint: {}",
            kept.message, kept.hint
        ));
    } else {
        crate::term::eprintln("\nconfide: cancelled; nothing was saved");
    }
    std::process::exit(CANCELLED);
}

/// Shows the cursor and turns echo back on (after Ctrl-C, or a crash).
pub(crate) fn restore_terminal() {
    show_cursor();
    restore_echo();
}

/// Records (or, with `None`, forgets) the draft that keeps the answers so far, so that
/// Ctrl-C and a crash can say where it is.
pub(crate) fn keep(kept: Option<Kept>) {
    match KEPT.lock() {
        Ok(mut k) => *k = kept,
        Err(poisoned) => *poisoned.into_inner() = kept,
    }
}

/// The draft that keeps the answers so far, if any. Never blocks (a crash may come while
/// the lock is held).
pub(crate) fn kept() -> Option<Kept> {
    KEPT.try_lock().ok().and_then(|k| k.clone())
}

/// The draft that keeps the answers so far, for Ctrl-C: the interview holds the lock only to
/// replace the value after each answer, so a moment's wait finds it; bounded, so that a
/// crash while the lock is held still ends.
fn kept_waiting() -> Option<Kept> {
    for _ in 0..200 {
        if let Ok(k) = KEPT.try_lock() {
            return k.clone();
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    None
}

/// Shows the cursor on standard error and standard output where they are terminals. The
/// escape is written to the file descriptors directly: the interview may hold the lock of
/// standard output (plain mode does, for its whole run), and waiting for it from the Ctrl-C
/// thread would hang.
fn show_cursor() {
    #[cfg(unix)]
    {
        use std::io::IsTerminal;
        use std::os::fd::AsFd;
        const SHOW: &[u8] = b"\x1b[?25h";
        if std::io::stderr().is_terminal() {
            let _ = rustix::io::write(std::io::stderr().as_fd(), SHOW);
        }
        if std::io::stdout().is_terminal() {
            let _ = rustix::io::write(std::io::stdout().as_fd(), SHOW);
        }
    }
    #[cfg(not(unix))]
    {
        let _ = console::Term::stderr().show_cursor();
        let _ = console::Term::stdout().show_cursor();
    }
}

/// Marks the run as past saving: a later Ctrl-C no longer says that nothing was saved
/// (what was or was not saved has been said already).
pub(crate) fn done() {
    DONE.store(true, Ordering::SeqCst);
}

/// Whether the run is past saving ([`done`]).
pub(crate) fn is_done() -> bool {
    DONE.load(Ordering::SeqCst)
}

/// Runs `f` with Ctrl-C deferred until it returns.
pub(crate) fn critical<T>(f: impl FnOnce() -> T) -> T {
    CRITICAL.fetch_add(1, Ordering::SeqCst);
    let out = f();
    CRITICAL.fetch_sub(1, Ordering::SeqCst);
    out
}

/// After a critical section: if Ctrl-C came during it, leave now.
pub(crate) fn honour_pending() {
    if PENDING.load(Ordering::SeqCst) {
        leave();
    }
}

/// A hidden passphrase prompt turns echo off; Ctrl-C there must not leave the terminal
/// silent. `stty` acts on its standard input, the terminal, without unsafe code here.
fn restore_echo() {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let _ = std::process::Command::new("stty")
            .args(["echo", "icanon"])
            .stdin(std::process::Stdio::inherit())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}
