//! `confide show [SESSION_ID] [--format text|json|markdown|fhir]`: one saved session (the
//! latest by default). The session is found by its file name first, so a wrong id is
//! reported before the passphrase is asked.

use super::Settings;
use super::access::Access;
use crate::cli::ShowFormat;
use crate::error::{Error, Result};
use crate::model::response::Response;
use crate::term;

pub fn run(settings: &Settings, id: Option<&str>, format: ShowFormat) -> Result<()> {
    let access = Access::new(settings)?;
    let file = match id {
        Some(q) => access.vault.find_session(q)?,
        None => access.vault.latest_session()?,
    };
    let render = renderer(format)?;
    let ids = access.unlock()?;
    let record = access.vault.read_session(&file, &ids)?;
    drop(ids);
    term::print(&render(&record, settings)?)
}

type Render = fn(&Response, &Settings) -> Result<String>;

/// How the record is printed. Checked before the passphrase is asked.
fn renderer(format: ShowFormat) -> Result<Render> {
    match format {
        ShowFormat::Json => Ok(json),
        ShowFormat::Text => Err(Error::not_available("show --format text")),
        ShowFormat::Markdown => Err(Error::not_available("show --format markdown")),
        ShowFormat::Fhir => Err(Error::not_available("show --format fhir")),
    }
}

/// The record itself (`confide.response/1`), pretty-printed.
fn json(record: &Response, _: &Settings) -> Result<String> {
    let mut s = serde_json::to_string_pretty(record)
        .map_err(|_| Error::failure("cannot encode the record"))?;
    s.push('\n');
    Ok(s)
}
