//! `confide delete SESSION_ID [--yes]`: removes one saved session after confirmation. The
//! session is found by its file name, so no passphrase is needed.

use std::io::{BufRead, IsTerminal, Read};

use super::Settings;
use super::access::Access;
use crate::error::{Error, Result};
use crate::term;

pub fn run(settings: &Settings, id: &str, yes: bool) -> Result<()> {
    let access = Access::new(settings)?;
    let file = access.vault.find_session(id)?;
    if !yes {
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(Error::usage(format!(
                "deleting session {} needs confirmation, and there is no terminal to ask",
                file.id
            ))
            .with_hint("pass --yes to delete without asking"));
        }
        let question = format!(
            "Delete session {} from {}? It cannot be recovered. [y/N] ",
            file.id,
            file.display_time()
        );
        if !confirm(&question)? {
            term::eprintln("Nothing was deleted.");
            return Ok(());
        }
    }
    access.vault.delete_session(&file)?;
    term::eprintln(&format!("Deleted session {}.", file.id));
    Ok(())
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
