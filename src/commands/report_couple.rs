//! The couple side of `invite` and `report`: two invitations with linked references
//! (`CODE-1`, `CODE-2`), and in the report, the couple view of such a pair
//! (`crate::report::couple`).

use std::path::{Path, PathBuf};

use crate::cli::InviteArgs;
use crate::error::{Error, Result};
use crate::model::catalog::Entry;
use crate::model::invitation::{self, MAX_MESSAGE_CHARS};
use crate::report::couple::PARTNERS;

/// Writes the two invitations of a couple: `FILE` with `-1` and `-2` before its extension.
pub(super) fn invite(args: &InviteArgs, entries: &[&Entry]) -> Result<()> {
    let (Some(base), Some(out)) = (args.reference.as_deref(), args.out.as_deref()) else {
        return Err(Error::usage("--couple needs --reference and --out"));
    };
    let references: Vec<String> = PARTNERS.iter().map(|p| format!("{base}{p}")).collect();
    if references.iter().any(|r| !invitation::is_reference(r)) {
        return Err(Error::usage(
            "with --couple, the reference must leave room for -1 and -2 (at most 62 characters)",
        ));
    }
    let paths: Vec<PathBuf> = PARTNERS.iter().map(|p| with_suffix(out, p)).collect();
    if let Some(p) = paths.iter().find(|p| p.exists()) {
        return Err(Error::usage(format!("{} already exists", p.display()))
            .with_hint("choose another name with --out; confide never overwrites a file"));
    }
    let message = match &args.message {
        Some(m) => format!("{m}\n\n{PARTNER_NOTE}"),
        None => PARTNER_NOTE.to_owned(),
    };
    if message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(Error::usage(format!(
            "with --couple, --message can be at most {} characters: confide adds a note for each partner",
            MAX_MESSAGE_CHARS - PARTNER_NOTE.chars().count() - 2
        )));
    }
    for (reference, path) in references.into_iter().zip(&paths) {
        super::invite::one(
            args,
            entries,
            (Some(reference), Some(message.clone())),
            Some(path),
        )?;
    }
    Ok(())
}

/// Shown to each partner of a couple before the questions, after the therapist's message:
/// whom the answers go to, and that the therapist can see them alone.
pub(crate) const PARTNER_NOTE: &str = "Your answers go to your therapist. confide does not show \
them to your partner. If you share this computer with your partner, answer with `confide take \
--no-save --invite FILE`, which keeps nothing on this computer, not even a draft while you \
answer; otherwise, choose to keep no copy when you are asked at the end: a copy kept here can \
be read by anyone who knows the passphrase of this computer's confide vault. If something here \
is not safe to talk about with your partner in the room, your therapist can see you on your \
own.";

/// `dir/name.ext` as `dir/name-1.ext`.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}{suffix}.{}", ext.to_string_lossy()),
        None => format!("{stem}{suffix}"),
    };
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::with_suffix;
    use std::path::Path;

    #[test]
    fn the_suffix_goes_before_the_extension() {
        assert_eq!(
            with_suffix(Path::new("a/inv.json"), "-1"),
            Path::new("a/inv-1.json")
        );
        assert_eq!(with_suffix(Path::new("inv"), "-2"), Path::new("inv-2"));
    }
}
