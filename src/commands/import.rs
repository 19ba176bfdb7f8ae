//! `confide import FILE... [-o DIR] [--id ID]`: FHIR R4 Questionnaire resources (or Bundles
//! of them) written as confide questionnaires, each refusal and note said.

use std::path::{Path, PathBuf};

use super::Settings;
use crate::cli::ImportArgs;
use crate::error::{Error, Kind, Result, describe_io};
use crate::model::catalog::Catalog;
use crate::model::fhir::{self, Imported, MAX_FHIR_BYTES};
use crate::model::load::json_from_bytes;
use crate::model::validate::{is_id, truncate};
use crate::store::atomic;
use crate::store::questionnaires::read_limited;
use crate::term::{self, sanitize};

/// A questionnaire read from a file, ready to write.
struct Ready {
    file: String,
    source: String,
    imported: Imported,
}

pub(crate) fn run(settings: &Settings, args: &ImportArgs) -> Result<()> {
    if let Some(id) = &args.id
        && !is_id(id)
    {
        return Err(Error::usage(format!(
            "`{}` is not a questionnaire id",
            sanitize::line(&truncate(id, 64))
        ))
        .with_hint("use 1 to 64 lowercase letters, digits, `_` or `-`, starting with a letter"));
    }
    let out_dir = match &args.out {
        Some(dir) => dir.clone(),
        None => settings
            .config_dir
            .as_ref()
            .map(|c| c.join("questionnaires"))
            .ok_or_else(|| {
                Error::usage("there is no config folder to import into")
                    .with_hint("give a folder with -o DIR")
            })?,
    };
    let catalog = settings.catalog()?;
    let mut failures: Vec<Error> = Vec::new();
    let mut ready: Vec<Ready> = Vec::new();
    for file in &args.files {
        match read(file) {
            Ok(found) => {
                for (source, result) in found {
                    match result {
                        Ok(imported) => ready.push(Ready {
                            file: file.display().to_string(),
                            source,
                            imported,
                        }),
                        Err(why) => failures.push(Error::damaged(format!(
                            "{}: {}: cannot be imported: {why}",
                            file.display(),
                            source
                        ))),
                    }
                }
            }
            Err(e) => failures.push(e),
        }
    }
    if let Some(id) = &args.id {
        if ready.len() != 1 {
            return Err(Error::usage(format!(
                "--id names one questionnaire, but {} were read",
                ready.len()
            ))
            .with_hint("import one Questionnaire at a time to give it an id"));
        }
        let q = &mut ready[0].imported;
        q.questionnaire.id = id.clone();
        q.value["id"] = serde_json::Value::String(id.clone());
    }
    let mut out = String::new();
    for r in &ready {
        match write(&out_dir, r, &catalog) {
            Ok(path) => out.push_str(&said(r, &path)),
            Err(e) => failures.push(e),
        }
    }
    term::print(&out)?;
    finish(failures, ready.len())
}

/// The Questionnaires of one file, each imported or refused.
fn read(file: &Path) -> Result<Vec<(String, std::result::Result<Imported, String>)>> {
    let name = file.display();
    let bytes = read_limited(file, MAX_FHIR_BYTES)
        .map_err(|e| Error::failure(format!("cannot read {name}: {}", describe_io(&e))))?;
    let value = json_from_bytes(&bytes, MAX_FHIR_BYTES).map_err(|problems| {
        let first = problems
            .first()
            .map(ToString::to_string)
            .unwrap_or_default();
        Error::damaged(format!("{name} is not FHIR JSON: {first}"))
    })?;
    let outcomes = fhir::import(&value).map_err(|why| Error::damaged(format!("{name}: {why}")))?;
    Ok(outcomes.into_iter().map(|o| (o.source, o.result)).collect())
}

/// Writes one questionnaire as `ID.json`, never over a file, never with an id another
/// questionnaire has.
fn write(dir: &Path, r: &Ready, catalog: &Catalog) -> Result<PathBuf> {
    let q = &r.imported.questionnaire;
    if let Some(existing) = catalog.get(&q.id) {
        return Err(Error::usage(format!(
            "{}: {}: the id `{}` is already used by {}",
            r.file,
            r.source,
            q.id,
            existing.source.describe()
        ))
        .with_hint("give it another id with --id"));
    }
    atomic::private_dir(dir)?;
    let mut text = term::json::to_string(&r.imported.value).unwrap_or_default();
    text.push('\n');
    atomic::write_new(dir, &format!("{}.json", q.id), text.as_bytes()).map_err(|e| {
        e.with_hint(
            "remove the file, give another id with --id, or import into another folder with -o",
        )
    })
}

/// What was imported, what was refused and what changed, for the person importing.
fn said(r: &Ready, path: &Path) -> String {
    let q = &r.imported.questionnaire;
    let questions = q.items.iter().filter(|i| i.is_question()).count();
    let scales = q.scales.len();
    for refusal in &r.imported.refused {
        term::warn(&format!(
            "{}: `{}` is not carried over: {}",
            r.file, refusal.link_id, refusal.reason
        ));
    }
    for note in &r.imported.notes {
        term::eprintln(&format!(
            "confide: note: {}: {}",
            sanitize::line(&r.file),
            sanitize::line(note)
        ));
    }
    format!(
        "imported {} as `{}`: {questions} question{}, {scales} scale{}{} -> {}\n",
        sanitize::line(&r.source),
        q.id,
        if questions == 1 { "" } else { "s" },
        if scales == 1 { "" } else { "s" },
        match r.imported.refused.len() {
            0 => String::new(),
            n => format!(
                ", {n} part{} not carried over",
                if n == 1 { "" } else { "s" }
            ),
        },
        sanitize::line(&path.display().to_string())
    )
}

/// The exit: success when everything was imported; otherwise each failure said, and the
/// worst one's exit code.
fn finish(failures: Vec<Error>, imported: usize) -> Result<()> {
    if failures.is_empty() {
        return Ok(());
    }
    if failures.len() == 1 && imported == 0 {
        return Err(failures
            .into_iter()
            .next()
            .unwrap_or_else(|| Error::failure("")));
    }
    let rank = |k: Kind| match k {
        Kind::Damaged => 3,
        Kind::Usage => 2,
        _ => 1,
    };
    let worst = failures
        .iter()
        .map(|e| e.kind)
        .max_by_key(|k| rank(*k))
        .unwrap_or(Kind::Failure);
    let n = failures.len();
    for e in failures {
        term::eprintln(&format!("confide: error: {}", sanitize::line(&e.message)));
        if let Some(h) = &e.hint {
            term::eprintln(&format!("confide: hint: {}", sanitize::line(h)));
        }
    }
    Err(Error::new(
        worst,
        format!(
            "{n} questionnaire{} or file{} could not be imported",
            if n == 1 { "" } else { "s" },
            if n == 1 { "" } else { "s" }
        ),
    ))
}
