//! The couple side of `invite` and `report`: two invitations with linked references
//! (`CODE-1`, `CODE-2`), and in the report, the couple view of such a pair
//! (`crate::report::couple`).

use std::path::{Path, PathBuf};

use crate::cli::InviteArgs;
use crate::error::{Error, Result};
use crate::model::catalog::Entry;
use crate::model::invitation;
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
    for (reference, path) in references.into_iter().zip(&paths) {
        super::invite::one(args, entries, Some(reference), Some(path))?;
    }
    Ok(())
}

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
