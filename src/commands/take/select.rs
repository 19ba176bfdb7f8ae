//! Choosing the questionnaires of a session.

use crate::error::{Error, Result};
use crate::model::answers_file::AnswersFile;
use crate::model::catalog::Catalog;
use crate::session::Part;
use crate::term::sanitize;

/// The questionnaires to take, in catalog order. Asked by id (or named in the answers
/// file), a questionnaire is always asked; in an interactive run, questionnaires that others
/// refer to are taken first.
pub(crate) fn select<'a>(
    catalog: &'a Catalog,
    ids: &[String],
    file: Option<&AnswersFile>,
    with_dependencies: bool,
) -> Result<Vec<Part<'a>>> {
    let available = || catalog.ids().join(", ");
    let mut wanted: Vec<String> = ids.to_vec();
    if wanted.is_empty()
        && let Some(f) = file
    {
        wanted = f.answers.keys().cloned().collect();
    }
    if ids.is_empty() {
        // Unknown ids named by an answers file are reported with its other problems.
        wanted.retain(|id| catalog.get(id).is_some());
    }
    for id in &wanted {
        if catalog.get(id).is_none() {
            return Err(
                Error::usage(format!("unknown questionnaire `{}`", sanitize::line(id)))
                    .with_hint(format!("available: {} (see `confide list`)", available())),
            );
        }
    }
    let explicit = !wanted.is_empty() || file.is_some();
    if !explicit {
        wanted = catalog
            .entries
            .iter()
            .filter(|e| e.source == crate::model::catalog::Source::Bundled)
            .map(|e| e.q().id.clone())
            .collect();
    }
    let ordered = catalog.ordered(&wanted, with_dependencies);
    if ordered.is_empty() && file.is_none() {
        return Err(
            Error::usage("there are no questionnaires to take").with_hint("see `confide list`")
        );
    }
    Ok(ordered
        .into_iter()
        .map(|e| Part {
            q: e.q(),
            explicit: explicit || e.q().applies_when.is_none(),
        })
        .collect())
}
