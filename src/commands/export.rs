//! `confide export [ID...] [--format json|fhir] [-o DIR]`: questionnaires in confide's own
//! format, or as FHIR R4 Questionnaire resources.

use std::path::Path;

use serde_json::{Value, json};

use super::Settings;
use crate::cli::{ExportArgs, ExportFormat};
use crate::error::{Error, Result};
use crate::model::catalog::{Entry, Source};
use crate::model::fhir;
use crate::store::atomic;
use crate::term::{self, sanitize};

pub(crate) fn run(settings: &Settings, args: &ExportArgs) -> Result<()> {
    let catalog = settings.catalog()?;
    let ids: Vec<String> = if args.ids.is_empty() {
        catalog
            .entries
            .iter()
            .filter(|e| e.source == Source::Bundled)
            .map(|e| e.q().id.clone())
            .collect()
    } else {
        args.ids.clone()
    };
    let entries = ids
        .iter()
        .map(|id| {
            catalog.get(id).ok_or_else(|| {
                Error::usage(format!(
                    "no questionnaire has the id `{}`",
                    sanitize::line(&crate::model::validate::truncate(id, 64))
                ))
                .with_hint("`confide list` shows the ids; add --questionnaires DIR for your own")
            })
        })
        .collect::<Result<Vec<&Entry>>>()?;
    let documents: Vec<(String, Value)> = entries
        .iter()
        .map(|e| {
            let q = e.q();
            match args.format {
                ExportFormat::Json => (format!("{}.json", q.id), e.loaded.value().clone()),
                ExportFormat::Fhir => {
                    let exported = fhir::export(q);
                    if !exported.left_out.is_empty() {
                        term::eprintln(&format!(
                            "confide: note: {}: not in the FHIR Questionnaire, which has no place for them: {}; `confide export {}` keeps them",
                            q.id,
                            exported.left_out.join(", "),
                            q.id
                        ));
                    }
                    (format!("Questionnaire-{}.json", q.id), exported.resource)
                }
            }
        })
        .collect();
    match &args.out {
        Some(dir) => write_all(dir, &documents),
        None => print(args.format, documents),
    }
}

fn print(format: ExportFormat, mut documents: Vec<(String, Value)>) -> Result<()> {
    let value = match (format, documents.len()) {
        (_, 1) => documents.remove(0).1,
        (ExportFormat::Fhir, _) => json!({
            "resourceType": "Bundle",
            "type": "collection",
            "entry": documents.into_iter().map(|(_, r)| json!({"resource": r})).collect::<Vec<_>>(),
        }),
        (ExportFormat::Json, _) => {
            return Err(Error::usage(
                "several questionnaires in confide's format are written one file each",
            )
            .with_hint("give a folder with -o DIR, or one id"));
        }
    };
    term::println(&term::json::to_string(&value).unwrap_or_default())
}

fn write_all(dir: &Path, documents: &[(String, Value)]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create folder", dir, &e))?;
    let mut out = String::new();
    for (name, value) in documents {
        let mut text = term::json::to_string(value).unwrap_or_default();
        text.push('\n');
        let path = atomic::write_new(dir, name, text.as_bytes())
            .map_err(|e| e.with_hint("remove the file, or write to another folder with -o"))?;
        out.push_str(&format!(
            "wrote {}\n",
            sanitize::line(&path.display().to_string())
        ));
    }
    term::print(&out)
}
