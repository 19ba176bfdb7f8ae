//! `confide list`: the questionnaires available, bundled and custom.

use serde::Serialize;

use super::Settings;
use crate::cli::ListFormat;
use crate::error::Result;
use crate::term::{self, sanitize};

#[derive(Serialize)]
struct Row {
    id: String,
    version: String,
    title: String,
    description: String,
    items: usize,
    source: String,
    provenance: &'static str,
}

pub(crate) fn run(settings: &Settings, format: ListFormat) -> Result<()> {
    let catalog = settings.catalog()?;
    let rows: Vec<Row> = catalog
        .entries
        .iter()
        .map(|e| {
            let q = e.q();
            Row {
                id: q.id.clone(),
                version: q.version.clone(),
                title: q.title.resolve(&settings.lang, &q.language).to_owned(),
                description: q
                    .description
                    .resolve(&settings.lang, &q.language)
                    .to_owned(),
                items: q.items.iter().filter(|i| i.is_question()).count(),
                source: e.source.describe(),
                provenance: match q.provenance.kind {
                    crate::model::questionnaire::ProvenanceKind::Original => "original",
                    crate::model::questionnaire::ProvenanceKind::PublicDomain => "public-domain",
                    crate::model::questionnaire::ProvenanceKind::Licensed => "licensed",
                },
            }
        })
        .collect();
    match format {
        ListFormat::Json => {
            let text = term::json::to_string(&rows).unwrap_or_default();
            term::println(&text)
        }
        ListFormat::Text => {
            let idw = rows
                .iter()
                .map(|r| r.id.chars().count())
                .max()
                .unwrap_or(2)
                .max(2);
            let tw = rows
                .iter()
                .map(|r| r.title.chars().count())
                .max()
                .unwrap_or(5)
                .max(5);
            let mut out = format!(
                "{:idw$}  {:7}  {:>5}  {:tw$}  SOURCE\n",
                "ID", "VERSION", "ITEMS", "TITLE"
            );
            for r in &rows {
                out.push_str(&format!(
                    "{:idw$}  {:7}  {:>5}  {:tw$}  {}\n",
                    r.id,
                    sanitize::line(&r.version),
                    r.items,
                    sanitize::line(&r.title),
                    sanitize::line(&r.source),
                ));
            }
            term::print(&out)
        }
    }
}
