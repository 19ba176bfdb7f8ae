//! `confide show [SESSION_ID | FILE] [--format text|json|markdown|fhir|html]`: one saved session
//! (the latest by default), or a session file elsewhere (one saved in another place after a
//! failed save, or a copy): an argument that names an existing file and has a folder or
//! ends in `.age` is read as a file. The session is found by its file name first, so a
//! wrong id is reported before the passphrase is asked.

use std::path::Path;

use super::Settings;
use super::access::Access;
use crate::cli::ShowFormat;
use crate::error::{Error, Result};
use crate::model::load::Loaded;
use crate::model::response::Response;
use crate::report::{clinician, html, markdown, summary};
use crate::term::{self, sanitize, wrap};
use crate::together::wishes;

pub(super) fn run(settings: &Settings, id: Option<&str>, format: ShowFormat) -> Result<()> {
    let access = Access::new(settings)?;
    let render = renderer(format)?;
    if let Some(path) = id.map(Path::new).filter(|p| is_file_argument(p)) {
        let ids = access.unlock()?;
        let record = crate::store::sessions::read_session_file(path, &ids)?;
        drop(ids);
        return term::print(&render(&record, settings)?);
    }
    // Leftovers that may be whole sessions are checked once the key is unlocked.
    let early = if access.tidy(None).waiting > 0 {
        let ids = access.unlock()?;
        access.tidy(Some(&ids));
        Some(ids)
    } else {
        None
    };
    let file = match id {
        Some(q) => access.vault.find_session(q)?,
        None => access.vault.latest_session()?,
    };
    let ids = match early {
        Some(ids) => ids,
        None => access.unlock()?,
    };
    let record = access.vault.read_session(&file, &ids)?;
    drop(ids);
    term::print(&render(&record, settings)?)
}

/// Whether `show`'s argument names a file rather than a session id: an existing file, named
/// with a folder (`./x.age`, `/media/usb/x.age`) or ending in `.age`.
fn is_file_argument(path: &Path) -> bool {
    let named = path.components().count() > 1 || path.extension().is_some_and(|e| e == "age");
    named && path.is_file()
}

type Render = fn(&Response, &Settings) -> Result<String>;

/// The heading of a session kept from `confide together`.
const OWN_TITLE: &str = "Your answers in confide together";
/// What such a session holds, said under its heading.
const OWN_NOTE: &str = "These are your own answers, which you chose to keep in your vault. \
Your partner's answers and what you both saw were never kept.";

/// The person's own answers in words, when `record` is a session kept from `confide
/// together` with the couples questionnaire this confide carries.
fn own_answers(record: &Response, lang: &str) -> Option<Vec<(String, String)>> {
    let [rec] = record.questionnaires.as_slice() else {
        return None;
    };
    if rec.id != wishes::ID {
        return None;
    }
    let loaded = Loaded::bundled(wishes::TEXT).ok()?;
    if loaded.sha256() != rec.sha256 {
        return None;
    }
    let q = &loaded.questionnaire;
    let answers = crate::scoring::record::answers_from_record(q, rec).ok()?;
    Some(wishes::own_answers(q, lang, &answers))
}

/// A kept `together` session as text or Markdown.
fn own_answers_text(record: &Response, rows: &[(String, String)], markdown: bool) -> String {
    let width = term::width();
    let mut out = if markdown {
        format!(
            "# {OWN_TITLE}\n\nSession {} of {}. {OWN_NOTE}\n\n",
            markdown::escape(&record.id),
            markdown::escape(&record.created)
        )
    } else {
        format!(
            "{OWN_TITLE}\n{}\n\n{}\n\n",
            "=".repeat(OWN_TITLE.len()),
            wrap::fill(
                &format!(
                    "Session {} of {}. {OWN_NOTE}",
                    sanitize::line(&record.id),
                    sanitize::line(&record.created)
                ),
                width,
                "",
                ""
            )
        )
    };
    for (question, answer) in rows {
        if markdown {
            out.push_str(&format!(
                "- {}  \n  **{}**\n",
                markdown::escape(question),
                markdown::escape(answer)
            ));
        } else {
            out.push_str(&wrap::fill(&sanitize::line(question), width, "", ""));
            out.push('\n');
            out.push_str(&wrap::fill(&sanitize::line(answer), width, "  ", "  "));
            out.push_str("\n\n");
        }
    }
    out
}

/// How the record is printed. Checked before the passphrase is asked.
fn renderer(format: ShowFormat) -> Result<Render> {
    match format {
        ShowFormat::Json => Ok(json),
        ShowFormat::Text => Ok(text),
        ShowFormat::Markdown => Ok(markdown),
        ShowFormat::Fhir => Ok(fhir),
        ShowFormat::Html => Ok(html),
    }
}

/// The record itself (`confide.response/1`), pretty-printed.
fn json(record: &Response, _: &Settings) -> Result<String> {
    let mut s =
        term::json::to_string(record).map_err(|_| Error::failure("cannot encode the record"))?;
    s.push('\n');
    Ok(s)
}

/// How the summary is rendered: the settings' language and country, this terminal's width.
fn options<'a>(
    settings: &'a Settings,
    resources: &'a crate::report::resources::Resources,
    style: crate::term::style::Style,
) -> summary::Options<'a> {
    summary::Options {
        lang: &settings.lang,
        width: term::width(),
        style,
        resources,
        country: settings.country.clone(),
    }
}

/// The client summary, scored again from the saved answers.
fn summary(record: &Response, settings: &Settings, markdown: bool) -> Result<String> {
    if let Some(rows) = own_answers(record, &settings.lang) {
        return Ok(own_answers_text(record, &rows, markdown));
    }
    let catalog = settings.catalog()?;
    let resources = super::support::resources(settings);
    let rescored = summary::rescore(record, &catalog);
    let parts = rescored.summary_parts();
    let opts = options(settings, &resources, settings.style);
    // The record's own words, made safe for the terminal or as literal Markdown.
    let safe = |s: &str| -> String {
        if markdown {
            markdown::escape(s)
        } else {
            sanitize::line(s).into_owned()
        }
    };
    let head = format!(
        "Session {} of {}{}\n",
        safe(&record.id),
        safe(&record.created),
        record
            .reference
            .as_deref()
            .map(|r| format!(", reference {}", safe(r)))
            .unwrap_or_default()
    );
    let mut out = if markdown {
        format!("{}\n{}", head, summary::render_markdown(&parts, &opts))
    } else {
        format!("{}\n{}", head, summary::render_text(&parts, &opts))
    };
    if let Some(note) = summary::missing_note(&rescored.missing) {
        out.push('\n');
        if markdown {
            out.push_str(&markdown::escape(&note));
        } else {
            out.push_str(&textwrap::fill(&note, opts.width));
        }
        out.push('\n');
    }
    Ok(out)
}

/// The client summary as one HTML page, with each scale drawn in its range.
fn html(record: &Response, settings: &Settings) -> Result<String> {
    if let Some(rows) = own_answers(record, &settings.lang) {
        return Ok(html::own_answers_page(record, OWN_TITLE, OWN_NOTE, &rows));
    }
    let catalog = settings.catalog()?;
    let resources = super::support::resources(settings);
    let rescored = summary::rescore(record, &catalog);
    let parts = rescored.summary_parts();
    let opts = options(settings, &resources, crate::term::style::Style::plain());
    let missing = summary::missing_note(&rescored.missing);
    Ok(html::summary_page(
        record,
        &parts,
        &opts,
        &catalog,
        missing.as_deref(),
    ))
}

fn text(record: &Response, settings: &Settings) -> Result<String> {
    summary(record, settings, false)
}

fn markdown(record: &Response, settings: &Settings) -> Result<String> {
    summary(record, settings, true)
}

/// The session as a FHIR R4 Bundle of QuestionnaireResponse resources.
fn fhir(record: &Response, settings: &Settings) -> Result<String> {
    let catalog = settings.catalog()?;
    let report = clinician::build(
        &[clinician::Input {
            file: None,
            response: record.clone(),
        }],
        Vec::new(),
        &catalog,
        &settings.lang,
        crate::clock::now_rfc3339(),
    );
    let mut s = term::json::to_string(&crate::report::fhir::bundle(&report))
        .map_err(|_| Error::failure("cannot encode the bundle"))?;
    s.push('\n');
    Ok(s)
}
