//! `confide keys init | recipient | passwd`: create the key, print its public recipient
//! and fingerprint (checked against the key when it can be opened), change its passphrase.

use super::Settings;
use super::access::Access;
use crate::cli::KeysCommand;
use crate::error::{Error, Result};
use crate::store::fingerprint::fingerprint;
use crate::store::vault::RecipientCheck;
use crate::term::{self, secret, secret::Source};

pub(crate) fn run(settings: &Settings, command: &KeysCommand) -> Result<()> {
    let access = Access::new(settings)?;
    match command {
        KeysCommand::Init => init(&access),
        KeysCommand::Recipient { verify, restore } => recipient(&access, *verify, *restore),
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
        "Created your key in {}. Your public recipient (fingerprint {}):",
        vault.dir().display(),
        fingerprint(&recipient)
    ));
    term::println(&recipient)
}

/// Prints the recipient of `recipient.txt` on stdout, and its fingerprint and whether it was
/// checked against the key on stderr. The check needs the key: it is made with `--verify`,
/// or when the key opens without asking (a passphrase file or variable, a plain key file);
/// a recipient that is not the key's is never printed as if it were. `--restore`, or a
/// lost `recipient.txt`, writes it again from the key.
fn recipient(access: &Access, verify: bool, restore: bool) -> Result<()> {
    let vault = &access.vault;
    if restore || (!vault.can_encrypt() && vault.has_identity()) {
        let ids = vault.unlock(|| {
            access.passphrases.existing(
                &format!("Passphrase for {}: ", vault.identity_path().display()),
                "open your key",
            )
        })?;
        let path = vault.recipient_path();
        let r = match vault.check_recipient(&ids) {
            RecipientCheck::Matches => {
                term::eprintln(&format!(
                    "{} already belongs to your key; it was left as it is.",
                    path.display()
                ));
                vault.recipient()?.to_string()
            }
            _ => {
                let r = vault.restore_recipient(&ids)?;
                term::eprintln(&format!("Restored {} from your key.", path.display()));
                r
            }
        };
        return print_recipient(&r, Checked::Verified);
    }
    // Anything but exactly one recipient is refused here, before it is printed.
    let listed = vault.recipient()?.to_string();
    let checked = if !vault.has_identity() {
        Checked::NoKey
    } else if verify || opens_without_asking(access) {
        access.unlock()?;
        // The check may have written it again from the key.
        return print_recipient(&vault.recipient()?.to_string(), Checked::Verified);
    } else {
        Checked::NotVerified
    };
    print_recipient(&listed, checked)
}

/// Whether `recipient.txt` was checked against the key.
enum Checked {
    Verified,
    NotVerified,
    /// There is no `identity.age` to check it against.
    NoKey,
}

/// The recipient on stdout first (a closed pipe ends quietly), then the rest on stderr.
fn print_recipient(recipient: &str, checked: Checked) -> Result<()> {
    term::println(recipient)?;
    term::eprintln(&format!("Fingerprint: {}", fingerprint(recipient)));
    term::eprintln(match checked {
        Checked::Verified => "Verified: recipient.txt belongs to your key.",
        Checked::NotVerified => {
            "Not verified against your key; run `confide keys recipient --verify` (it asks for your passphrase)."
        }
        Checked::NoKey => "Not verified: there is no key in this folder to check it against.",
    });
    Ok(())
}

/// Whether the key can be opened without a prompt: a passphrase file or variable, or a
/// key file that is not protected by a passphrase.
fn opens_without_asking(access: &Access) -> bool {
    matches!(access.passphrases.source(), Source::File(_) | Source::Env)
        || access.vault.identity_is_plain()
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
        |ids| access.verify_recipient(ids),
        secret::new_on_terminal,
    )?;
    term::eprintln("Your passphrase was changed.");
    Ok(())
}
