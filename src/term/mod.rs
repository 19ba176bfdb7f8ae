//! Everything about the terminal except the interview's prompts: writing output (a closed
//! pipe is not an error), passphrase input, the colour decision, sanitising untrusted text
//! and wrapping.

pub(crate) mod interrupt;
pub mod json;
pub(crate) mod sanitize;
pub(crate) mod secret;
pub mod style;
pub(crate) mod wrap;

use std::io::{self, IsTerminal, Write};

use crate::error::{Error, Result};

/// Writes text to standard output. A reader that went away (`confide list | head -1`)
/// ends the command quietly with exit 0.
pub(crate) fn print(text: &str) -> Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| output_error(&e))
}

/// `print` with a newline.
pub(crate) fn println(text: &str) -> Result<()> {
    let mut s = String::with_capacity(text.len() + 1);
    s.push_str(text);
    s.push('\n');
    print(&s)
}

fn output_error(e: &io::Error) -> Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Error::closed_pipe()
    } else {
        Error::failure(format!(
            "cannot write output: {}",
            crate::error::describe_io(e)
        ))
    }
}

/// Writes a line to standard error, ignoring failures (there is nowhere else to report them).
pub(crate) fn eprintln(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}

/// A warning on standard error.
pub(crate) fn warn(text: &str) {
    eprintln(&format!("confide: warning: {}", sanitize::line(text)));
}

/// Width to wrap prose to: the terminal's, at most 100 columns; 80 in a pipe.
pub(crate) fn width() -> usize {
    if io::stdout().is_terminal()
        && let Some((_, cols)) = console::Term::stdout().size_checked()
    {
        return (cols as usize).clamp(20, 100);
    }
    80
}

/// Clears the screen and its scrollback (`ESC[2J`, cursor home, `ESC[3J`) on standard
/// output when it is a terminal, else, when `or_stderr`, on standard error when that is a
/// terminal. Returns whether a terminal was cleared.
pub(crate) fn clear_screen(or_stderr: bool) -> bool {
    let term = if io::stdout().is_terminal() {
        console::Term::stdout()
    } else if or_stderr && io::stderr().is_terminal() {
        console::Term::stderr()
    } else {
        return false;
    };
    term.clear_screen()
        .and_then(|()| term.write_str("\x1b[3J"))
        .and_then(|()| term.flush())
        .is_ok()
}
