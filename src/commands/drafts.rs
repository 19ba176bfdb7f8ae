//! `confide drafts [--discard ID [--yes]]`: the drafts of interviews not finished yet (kept,
//! encrypted, as the person answered, or when they left part way), or removes one. Drafts
//! are found by their file names, so no passphrase is needed.

use super::Settings;
use super::access::Access;
use super::delete::confirmed;
use crate::clock;
use crate::error::Result;
use crate::store::sessions::SessionFile;
use crate::term;

pub(crate) fn run(settings: &Settings, discard_id: Option<&str>, yes: bool) -> Result<()> {
    let access = Access::new(settings)?;
    access.tidy(None);
    match discard_id {
        Some(id) => {
            let file = access.vault.find_draft(id)?;
            discard(&access, &file, yes)
        }
        None => list(&access),
    }
}

fn list(access: &Access) -> Result<()> {
    let files = access.vault.list_drafts()?;
    if files.is_empty() {
        return term::println(
            "No drafts. While you answer, confide keeps a draft of your answers (once you have a key), so an interrupted interview can be continued.",
        );
    }
    let mut out = String::from("Drafts (interviews not finished yet), oldest first:\n");
    for f in &files {
        out.push_str(&format!(
            "  {}  started {}, last saved {}\n",
            f.id,
            f.display_time(),
            last_saved(f)
        ));
    }
    out.push_str(
        "`confide take --resume` continues the newest, `confide take --resume=ID` another; `confide drafts --discard ID` removes one.\n",
    );
    term::print(&out)
}

/// When the draft file was last written, as `2026-11-25 08:21 UTC`.
fn last_saved(f: &SessionFile) -> String {
    std::fs::metadata(&f.path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| clock::display(t.into()))
        .unwrap_or_else(|| "at an unknown time".into())
}

/// Removes one draft after confirmation (`yes` skips it).
pub(crate) fn discard(access: &Access, file: &SessionFile, yes: bool) -> Result<()> {
    if !yes
        && !confirmed(
            &format!("discarding draft {}", file.id),
            &format!(
                "Discard draft {} (an interview started {})? Its answers cannot be recovered. [y/N] ",
                file.id,
                file.display_time()
            ),
        )?
    {
        term::eprintln("Nothing was discarded.");
        return Ok(());
    }
    access.vault.discard_draft(&file.path)?;
    term::eprintln(&format!("Discarded draft {}.", file.id));
    Ok(())
}
