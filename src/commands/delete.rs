//! `confide delete SESSION_ID [--yes]`: removes one saved session after confirmation. The
//! session is found by its file name, so no passphrase is needed. An id that matches no
//! session but a draft removes the draft (as `confide drafts --discard ID` does).

use std::io::{BufRead, IsTerminal, Read};

use super::Settings;
use super::access::Access;
use crate::error::{Error, Result};
use crate::term;

pub(crate) fn run(settings: &Settings, id: &str, yes: bool) -> Result<()> {
    let access = Access::new(settings)?;
    access.tidy(None);
    let file = match access.vault.find_session(id) {
        Ok(file) => file,
        Err(e) => {
            // Not a session: a draft, perhaps.
            return match access.vault.find_draft(id) {
                Ok(draft) => super::drafts::discard(&access, &draft, yes),
                Err(_) => Err(e),
            };
        }
    };
    if !yes
        && !confirmed(
            &format!("deleting session {}", file.id),
            &format!(
                "Delete session {} from {}? It cannot be recovered. [y/N] ",
                file.id,
                file.display_time()
            ),
        )?
    {
        term::eprintln("Nothing was deleted.");
        return Ok(());
    }
    access.vault.delete_session(&file)?;
    term::eprintln(&format!("Deleted session {}.", file.id));
    Ok(())
}

/// Asks `question` on the terminal; without one, a usage error saying that `what` needs
/// confirmation.
pub(crate) fn confirmed(what: &str, question: &str) -> Result<bool> {
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(Error::usage(format!(
            "{what} needs confirmation, and there is no terminal to ask"
        ))
        .with_hint("pass --yes to delete without asking"));
    }
    confirm(question)
}

fn confirm(question: &str) -> Result<bool> {
    let _ = console::Term::stderr().write_str(question);
    let mut answer = String::new();
    // A yes or no: a bounded read, so endless input without a newline cannot fill memory.
    std::io::stdin()
        .lock()
        .take(1024)
        .read_line(&mut answer)
        .map_err(|e| {
            Error::failure(format!(
                "cannot read the answer: {}",
                crate::error::describe_io(&e)
            ))
        })?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}
