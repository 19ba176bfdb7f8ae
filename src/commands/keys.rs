//! `confide keys init | recipient | passwd`: create the key, print its public recipient,
//! change its passphrase.

use super::Settings;
use super::access::Access;
use crate::cli::KeysCommand;
use crate::error::{Error, Result};
use crate::term::{self, secret};

pub fn run(settings: &Settings, command: &KeysCommand) -> Result<()> {
    let access = Access::new(settings)?;
    match command {
        KeysCommand::Init => init(&access),
        KeysCommand::Recipient => recipient(&access),
        KeysCommand::Passwd => passwd(&access),
    }
}

fn init(access: &Access) -> Result<()> {
    let vault = &access.vault;
    if vault.has_identity() || vault.can_encrypt() {
        return Err(
            Error::usage(format!("a key already exists in {}", vault.dir().display())).with_hint(
                "`confide keys recipient` prints it; `confide keys passwd` changes its passphrase",
            ),
        );
    }
    let passphrase = access.passphrases.new_passphrase("protect your new key")?;
    let recipient = vault.create_identity(&passphrase)?;
    drop(passphrase);
    term::eprintln(&format!(
        "Created your key in {}. Your public recipient:",
        vault.dir().display()
    ));
    term::println(&recipient)
}

/// Prints `recipient.txt` (no passphrase). When only `recipient.txt` is lost, restores it
/// from the key, which needs the passphrase.
fn recipient(access: &Access) -> Result<()> {
    let vault = &access.vault;
    if !vault.can_encrypt() && vault.has_identity() {
        let ids = access.unlock()?;
        let r = vault.restore_recipient(&ids)?;
        term::eprintln(&format!("Restored {}.", vault.recipient_path().display()));
        return term::println(&r);
    }
    let recipients = vault.recipients()?;
    term::println(&recipients.names().join("\n"))
}

fn passwd(access: &Access) -> Result<()> {
    let vault = &access.vault;
    if !vault.has_identity() {
        return vault.unlock(|| Err(Error::failure("no key"))).map(drop);
    }
    let path = vault.identity_path();
    let prompt = format!("Current passphrase for {}: ", path.display());
    vault.change_passphrase(
        || access.passphrases.existing(&prompt, "open your key"),
        secret::new_on_terminal,
    )?;
    term::eprintln("Your passphrase was changed.");
    Ok(())
}
