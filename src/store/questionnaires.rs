//! Reading questionnaire files and folders of them into the catalog.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result, describe_io};
use crate::model::catalog::{Catalog, Entry, Source};
use crate::model::load::{MAX_QUESTIONNAIRE_BYTES, questionnaire_from_bytes};
use crate::model::problem::Problem;

/// Reads at most `limit + 1` bytes, so a huge file is refused without reading it all.
pub(crate) fn read_limited(path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
    let file = fs::File::open(path)?;
    if file.metadata()?.is_dir() {
        return Err(std::io::Error::from(std::io::ErrorKind::IsADirectory));
    }
    let mut buf = Vec::new();
    file.take(limit as u64 + 1).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Loads one questionnaire file, returning every problem on failure.
pub(crate) fn load_file(path: &Path) -> std::result::Result<Entry, Vec<Problem>> {
    let bytes = read_limited(path, MAX_QUESTIONNAIRE_BYTES)
        .map_err(|e| vec![Problem::file(format!("cannot read: {}", describe_io(&e)))])?;
    if bytes.len() > MAX_QUESTIONNAIRE_BYTES {
        return Err(vec![Problem::file(format!(
            "file is too large (more than {MAX_QUESTIONNAIRE_BYTES} bytes)"
        ))]);
    }
    let loaded = questionnaire_from_bytes(&bytes)?;
    Ok(Entry {
        loaded,
        source: Source::File(path.to_path_buf()),
    })
}

/// The `*.json` files of a folder, sorted by name.
fn json_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// A custom questionnaire file left out of the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Skipped {
    /// The file, as given.
    pub(crate) name: String,
    pub(crate) why: SkipReason,
}

/// Why a questionnaire file was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SkipReason {
    /// The file has this many problems (`confide validate` lists them).
    Problems(usize),
    /// The catalog refused it (an id taken already, for instance), for this reason.
    Refused(String),
}

/// The bundled questionnaires plus custom ones from `dirs` (which must exist) and from the
/// config folder's `questionnaires/` (if present). Invalid custom files are left out and
/// added to `skipped`, as they are found (also when a later folder then fails).
pub(crate) fn catalog(
    dirs: &[PathBuf],
    config_dir: Option<&Path>,
    skipped: &mut Vec<Skipped>,
) -> Result<Catalog> {
    let mut catalog = Catalog::bundled().map_err(|(name, problems)| {
        Error::failure(format!(
            "bundled questionnaire {name} is invalid: {}",
            problems
                .first()
                .map(ToString::to_string)
                .unwrap_or_default()
        ))
    })?;
    let mut folders: Vec<(PathBuf, bool)> = dirs.iter().map(|d| (d.clone(), true)).collect();
    if let Some(c) = config_dir {
        folders.push((c.join("questionnaires"), false));
    }
    for (dir, explicit) in folders {
        let files = match json_files(&dir) {
            Ok(f) => f,
            Err(e) if !explicit && e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                return Err(Error::usage(format!(
                    "cannot read questionnaire folder {}: {}",
                    dir.display(),
                    describe_io(&e)
                ))
                .with_hint("--questionnaires takes a folder of *.json questionnaire files"));
            }
        };
        for file in files {
            let why = match load_file(&file) {
                Ok(entry) => match catalog.add(entry) {
                    Ok(()) => continue,
                    Err(why) => SkipReason::Refused(why),
                },
                Err(problems) => SkipReason::Problems(problems.len()),
            };
            skipped.push(Skipped {
                name: file.display().to_string(),
                why,
            });
        }
    }
    skip_broken_references(&mut catalog, skipped);
    Ok(catalog)
}

/// Drops custom questionnaires whose references to other questionnaires do not resolve, as
/// `confide validate` refuses them, like any other invalid file. Dropping one can break
/// another that refers to it, so this repeats until nothing changes.
fn skip_broken_references(catalog: &mut Catalog, skipped: &mut Vec<Skipped>) {
    loop {
        let broken = catalog.entries.iter().enumerate().find_map(|(i, e)| {
            let n = catalog.check_references(e.q()).len();
            (e.source != Source::Bundled && n > 0).then_some((i, n))
        });
        let Some((i, problems)) = broken else {
            return;
        };
        skipped.push(Skipped {
            name: catalog.entries.remove(i).source.describe(),
            why: SkipReason::Problems(problems),
        });
    }
}
