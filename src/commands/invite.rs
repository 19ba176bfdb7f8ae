//! `confide invite`: an invitation for a client, with the therapist's recipient, the chosen
//! questionnaires embedded in full, a reference code and a message.

use std::path::Path;

use super::Settings;
use super::report_couple as couple;
use crate::cli::InviteArgs;
use crate::clock;
use crate::error::{Error, Result};
use crate::model::catalog::{Catalog, Entry, Source};
use crate::model::invitation::{self, MAX_MESSAGE_CHARS};
use crate::store::atomic;
use crate::store::crypto::Recipients;
use crate::store::fingerprint::fingerprint;
use crate::store::questionnaires::load_file;
use crate::term::{self, sanitize};

pub(crate) fn run(settings: &Settings, args: &InviteArgs) -> Result<()> {
    check_args(args)?;
    let mut catalog = settings.catalog()?;
    let chosen = choose(&mut catalog, args)?;
    let entries = with_dependencies(&catalog, &chosen)?;
    if args.couple {
        return couple::invite(args, &entries);
    }
    one(
        args,
        &entries,
        (args.reference.clone(), args.message.clone()),
        args.out.as_deref(),
    )
}

/// One invitation, with its reference and message, written to `out` or printed.
pub(super) fn one(
    args: &InviteArgs,
    entries: &[&Entry],
    (reference, message): (Option<String>, Option<String>),
    out: Option<&Path>,
) -> Result<()> {
    let inv = invitation::make(
        args.to.trim(),
        entries,
        reference,
        message,
        args.practice.clone(),
        clock::now_rfc3339(),
    );
    let mut text = crate::term::json::to_string(&inv)
        .map_err(|_| Error::failure("cannot encode the invitation"))?;
    text.push('\n');
    // What we write must read back; a bug here must not reach a client.
    invitation::parse(text.as_bytes())
        .map_err(|p| Error::failure(format!("the invitation did not check out: {}", p[0])))?;
    match out {
        None => term::print(&text)?,
        Some(path) => write(path, &text, entries)?,
    }
    tell_fingerprint(&inv.recipient);
    Ok(())
}

/// The recipient, the reference code, the message and the practice, checked before
/// anything is read.
fn check_args(args: &InviteArgs) -> Result<()> {
    // The recipient must be one the client's confide can encrypt to.
    Recipients::new().add_str(&args.to, "`--to`")?;
    if let Some(r) = &args.reference
        && !invitation::is_reference(r)
    {
        return Err(
            Error::usage("a reference must be 1 to 64 letters, digits, `-` or `_`")
                .with_hint("use a code such as A-1042; never a client's name"),
        );
    }
    let mut problems = Vec::new();
    if let Some(m) = &args.message {
        invitation::check_note("--message", m, MAX_MESSAGE_CHARS, &mut problems);
    }
    if let Some(p) = &args.practice {
        invitation::check_practice("--practice", p, &mut problems);
    }
    match problems.first() {
        Some(p) => Err(Error::usage(format!(
            "{}: {}",
            p.path().unwrap_or_default(),
            p.message
        ))),
        None => Ok(()),
    }
}

/// The ids of the questionnaires chosen: from files (which replace a questionnaire of the
/// same id in `catalog`, for this invitation), then by id, else every bundled one.
fn choose(catalog: &mut Catalog, args: &InviteArgs) -> Result<Vec<String>> {
    let mut chosen: Vec<String> = Vec::new();
    for file in &args.questionnaire_files {
        let entry = load_file(file).map_err(|problems| {
            let name = sanitize::line(&file.display().to_string()).into_owned();
            for p in &problems {
                term::eprintln(&format!("{name}: {}", sanitize::line(&p.to_string())));
            }
            Error::usage(format!("{name} is not a valid questionnaire"))
                .with_hint(format!("`confide validate {name}` lists its problems"))
        })?;
        let id = entry.q().id.clone();
        if catalog.get(&id).is_some() {
            catalog.entries.retain(|e| e.q().id != id);
        }
        catalog.entries.push(entry);
        chosen.push(id);
    }
    for id in args.ids.iter().chain(&args.questionnaires) {
        let id = id.trim();
        if id.is_empty() {
            continue;
        }
        if catalog.get(id).is_none() {
            return Err(
                Error::usage(format!("unknown questionnaire `{}`", sanitize::line(id)))
                    .with_hint(format!("available: {}", catalog.ids().join(", "))),
            );
        }
        if !chosen.iter().any(|c| c == id) {
            chosen.push(id.to_owned());
        }
    }
    if chosen.is_empty() {
        chosen = catalog
            .entries
            .iter()
            .filter(|e| e.source == Source::Bundled)
            .map(|e| e.q().id.clone())
            .collect();
    }
    Ok(chosen)
}

/// Writes the invitation to `path`, which must not exist yet, and says what to do with it.
fn write(path: &Path, text: &str, entries: &[&Entry]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::usage(format!("{} is not a file name", path.display())))?;
    if path.exists() {
        return Err(Error::usage(format!("{} already exists", path.display()))
            .with_hint("choose another name with --out; confide never overwrites a file"));
    }
    let written = atomic::write_new(dir, &name, text.as_bytes())?;
    let ids: Vec<&str> = entries.iter().map(|e| e.q().id.as_str()).collect();
    term::eprintln(&format!(
        "Wrote {} ({}). Send it to your client; they run `confide take --invite {}`.",
        written.display(),
        ids.join(", "),
        name
    ));
    Ok(())
}

/// The fingerprint of the recipient, for the therapist to tell the client by another way
/// than the invitation (on stderr).
fn tell_fingerprint(recipient: &str) {
    term::eprintln(&format!(
        "The fingerprint of the key {} is {}.\nTell it to your client by phone or in person, not with the invitation: confide asks them to compare it before the first question.",
        sanitize::line(recipient),
        fingerprint(recipient)
    ));
}

/// The chosen questionnaires and those they refer to, dependencies first; says which were
/// added.
fn with_dependencies<'a>(catalog: &'a Catalog, chosen: &[String]) -> Result<Vec<&'a Entry>> {
    let ordered = catalog.ordered(chosen, true);
    for e in &ordered {
        if !chosen.contains(&e.q().id) {
            let users: Vec<&str> = ordered
                .iter()
                .filter(|o| o.q().references().contains(&e.q().id))
                .map(|o| o.q().id.as_str())
                .collect();
            term::eprintln(&format!(
                "Added `{}`: `{}` uses its answers.",
                sanitize::line(&e.q().id),
                sanitize::line(&users.join("`, `"))
            ));
        }
    }
    if ordered.len() > invitation::MAX_INVITATION_QUESTIONNAIRES {
        return Err(Error::usage(format!(
            "an invitation holds at most {} questionnaires",
            invitation::MAX_INVITATION_QUESTIONNAIRES
        )));
    }
    Ok(ordered)
}
