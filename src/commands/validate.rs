//! `confide validate FILE...`: every problem of every file, or `FILE: ok`.

use std::path::PathBuf;

use super::Settings;
use crate::error::{Error, Result};
use crate::model::catalog::Entry;
use crate::store::questionnaires::load_file;
use crate::term::{self, sanitize};

pub(crate) fn run(settings: &Settings, files: &[PathBuf]) -> Result<()> {
    // References to other questionnaires are checked against the bundled and custom ones
    // and against the other files being checked.
    let mut catalog = settings.catalog()?;
    let mut results: Vec<(PathBuf, std::result::Result<Entry, Vec<_>>)> = Vec::new();
    for file in files {
        let result = load_file(file);
        if let Ok(entry) = &result
            && catalog.get(&entry.q().id).is_none()
        {
            catalog.entries.push(entry.clone());
        }
        results.push((file.clone(), result));
    }
    let mut invalid = 0;
    let mut out = String::new();
    for (file, result) in results {
        let name = sanitize::line(&file.display().to_string()).into_owned();
        let problems = match result {
            Ok(entry) => catalog.check_references(entry.q()),
            Err(problems) => problems,
        };
        if problems.is_empty() {
            out.push_str(&format!("{name}: ok\n"));
        } else {
            invalid += 1;
            for p in problems {
                out.push_str(&format!("{name}: {}\n", sanitize::line(&p.to_string())));
            }
        }
    }
    term::print(&out)?;
    if invalid > 0 {
        let n = files.len();
        return Err(Error::usage(if n == 1 {
            "the questionnaire has problems".to_string()
        } else {
            format!("{invalid} of {n} questionnaires have problems")
        }));
    }
    Ok(())
}
