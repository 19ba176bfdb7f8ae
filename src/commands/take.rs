//! `confide take`: choose questionnaires, interview (terminal, plain or answers file), print
//! the summary, and save.

use std::io::IsTerminal;
use std::path::Path;

use super::Settings;
use crate::cli::TakeArgs;
use crate::error::{Error, Result};
use crate::model::answers_file;
use crate::model::catalog::Catalog;
use crate::model::response::Response;
use crate::report::{resources, summary};
use crate::scoring::{self, Scored, record};
use crate::session::{self, End, Flow, Part};
use crate::store::questionnaires::read_limited;
use crate::term::{self, interrupt, sanitize};

/// How the answers are given.
enum Mode {
    Answers(std::path::PathBuf),
    Plain,
    Terminal,
}

/// Checked settings for one `take`.
struct Plan {
    mode: Mode,
    save: bool,
    reference: Option<String>,
}

fn plan(args: &TakeArgs) -> Result<Plan> {
    for (given, flag) in [
        (!args.to.is_empty(), "--to"),
        (!args.recipients_files.is_empty(), "--recipients-file"),
        (args.invite.is_some(), "--invite"),
        (args.out.is_some(), "--out"),
        (args.armor, "--armor"),
        (args.resume, "--resume"),
    ] {
        if given {
            return Err(Error::not_available(&format!("take {flag}")));
        }
    }
    if let Some(r) = &args.reference {
        check_reference(r)?;
    }
    let mode = if let Some(path) = &args.answers {
        Mode::Answers(path.clone())
    } else if args.plain || !std::io::stdin().is_terminal() {
        Mode::Plain
    } else if console::Term::stderr().is_term() || console::Term::stdout().is_term() {
        Mode::Terminal
    } else {
        Mode::Plain
    };
    Ok(Plan {
        mode,
        save: !args.no_save,
        reference: args.reference.clone(),
    })
}

/// A reference code is a short code, never a name: letters, digits, `-` and `_`.
pub fn check_reference(r: &str) -> Result<()> {
    let ok = !r.is_empty()
        && r.len() <= 64
        && r.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(
            Error::usage("a reference must be 1 to 64 letters, digits, `-` or `_`")
                .with_hint("use the code your therapist gave you, such as A-1042; never a name"),
        )
    }
}

pub fn run(settings: &Settings, args: &TakeArgs) -> Result<()> {
    let plan = plan(args)?;
    let catalog = settings.catalog()?;
    let answers_file = match &plan.mode {
        Mode::Answers(path) => Some(read_answers(path)?),
        _ => None,
    };
    let interactive = answers_file.is_none();
    let parts = select(&catalog, &args.ids, answers_file.as_ref(), interactive)?;

    let (scored, language) = match (&plan.mode, answers_file) {
        (Mode::Answers(path), Some(mut file)) => {
            let qs: Vec<_> = parts.iter().map(|p| p.q).collect();
            // Questionnaires the file names that do not exist are reported with the rest.
            let mut unknown = Vec::new();
            file.answers.retain(|id, _| {
                let known = catalog.get(id).is_some();
                if !known {
                    unknown.push(crate::model::problem::Problem::at(
                        crate::model::problem::join("/answers", id),
                        format!(
                            "unknown questionnaire `{}` (available: {})",
                            crate::model::validate::truncate(id, 40),
                            catalog.ids().join(", ")
                        ),
                    ));
                }
                known
            });
            if qs.is_empty() && unknown.is_empty() {
                return Err(Error::usage("the answers file answers no questionnaire")
                    .with_hint("give answers under \"answers\": {\"<questionnaire id>\": {...}}"));
            }
            let answers = match scoring::answers::resolve(&qs, &file) {
                Ok(a) if unknown.is_empty() => Ok(a),
                Ok(_) => Err(unknown),
                Err(mut problems) => {
                    unknown.append(&mut problems);
                    Err(unknown)
                }
            };
            let answers = answers.map_err(|problems| {
                let name = sanitize::line(&path.display().to_string()).into_owned();
                for p in &problems {
                    term::eprintln(&format!("{name}: {}", sanitize::line(&p.to_string())));
                }
                Error::usage(format!(
                    "the answers file has {} problem{}",
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" }
                ))
            })?;
            (scoring::score_session(&qs, &answers), settings.lang.clone())
        }
        _ => {
            interrupt::install();
            let mut flow = Flow::new(parts.clone(), Default::default());
            let end = match plan.mode {
                Mode::Terminal => match session::tty::Tty::new(&settings.lang, settings.style) {
                    Some(mut tty) => session::run(&mut flow, &mut tty, plan.save),
                    None => run_plain(&mut flow, settings, plan.save),
                },
                _ => run_plain(&mut flow, settings, plan.save),
            };
            match end {
                End::Finished => {}
                End::Discarded => {
                    return Err(Error::cancelled(
                        "your answers were discarded; nothing was saved",
                    ));
                }
                End::Quit => {
                    return Err(Error::cancelled(
                        "you left before the end; nothing was saved",
                    ));
                }
                End::Eof => {
                    return Err(Error::cancelled(
                        "input ended before the questionnaire was complete; nothing was saved",
                    ));
                }
                End::Failed(e) => {
                    return Err(Error::failure(format!(
                        "the terminal failed: {}; nothing was saved",
                        crate::error::describe_io(&e)
                    )));
                }
            }
            (flow.scored(), settings.lang.clone())
        }
    };

    let response = build_response(&catalog, &parts, &scored, plan.reference.clone(), &language);
    print_summary(settings, &parts, &scored)?;
    drop(response);
    if plan.save {
        return Err(Error::not_available("saving").with_hint(
            "your answers were not stored; use --no-save to see the summary without saving",
        ));
    }
    term::eprintln("Nothing was saved (--no-save).");
    Ok(())
}

fn run_plain(flow: &mut Flow, settings: &Settings, save: bool) -> End {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut plain =
        session::plain::Plain::new(stdin.lock(), stdout.lock(), &settings.lang, term::width());
    session::run(flow, &mut plain, save)
}

fn read_answers(path: &Path) -> Result<answers_file::AnswersFile> {
    let name = sanitize::line(&path.display().to_string()).into_owned();
    let bytes = read_limited(path, answers_file::MAX_ANSWERS_BYTES).map_err(|e| {
        Error::usage(format!(
            "cannot read the answers file {name}: {}",
            crate::error::describe_io(&e)
        ))
    })?;
    answers_file::parse(&bytes).map_err(|problems| {
        for p in &problems {
            term::eprintln(&format!("{name}: {}", sanitize::line(&p.to_string())));
        }
        Error::usage("the answers file is not a valid confide.answers/1 file")
    })
}

/// The questionnaires to take, in catalog order. Asked by id (or named in the answers
/// file), a questionnaire is always asked; in an interactive run, questionnaires that others
/// refer to are taken first.
fn select<'a>(
    catalog: &'a Catalog,
    ids: &[String],
    file: Option<&answers_file::AnswersFile>,
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
    if with_dependencies {
        let mut i = 0;
        while i < wanted.len() {
            if let Some(e) = catalog.get(&wanted[i]) {
                for dep in e.q().references() {
                    if catalog.get(&dep).is_some() && !wanted.contains(&dep) {
                        wanted.push(dep);
                    }
                }
            }
            i += 1;
        }
    }
    // Catalog order, except that a questionnaire comes after those it refers to.
    let mut ordered: Vec<&crate::model::catalog::Entry> = Vec::new();
    let chosen: Vec<&crate::model::catalog::Entry> = catalog
        .entries
        .iter()
        .filter(|e| wanted.contains(&e.q().id))
        .collect();
    fn visit<'e>(
        e: &'e crate::model::catalog::Entry,
        chosen: &[&'e crate::model::catalog::Entry],
        ordered: &mut Vec<&'e crate::model::catalog::Entry>,
        depth: usize,
    ) {
        if ordered.iter().any(|o| o.q().id == e.q().id) || depth > chosen.len() {
            return;
        }
        for dep in e.q().references() {
            if let Some(d) = chosen.iter().find(|c| c.q().id == dep) {
                visit(d, chosen, ordered, depth + 1);
            }
        }
        if !ordered.iter().any(|o| o.q().id == e.q().id) {
            ordered.push(e);
        }
    }
    for e in &chosen {
        visit(e, &chosen, &mut ordered, 0);
    }
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

/// The record of a finished session, with a new id and the current time.
pub fn build_response(
    catalog: &Catalog,
    parts: &[Part],
    scored: &[Scored],
    reference: Option<String>,
    lang: &str,
) -> Response {
    let now = time::OffsetDateTime::now_utc();
    let created = now
        .replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let defs: Vec<(&crate::model::questionnaire::Questionnaire, &str)> = parts
        .iter()
        .map(|p| {
            let sha = catalog
                .get(&p.q.id)
                .map(|e| e.loaded.sha256.as_str())
                .unwrap_or_default();
            (p.q, sha)
        })
        .collect();
    record::response(
        &defs,
        scored,
        uuid::Uuid::new_v4().to_string(),
        created,
        reference,
        lang,
    )
}

fn print_summary(settings: &Settings, parts: &[Part], scored: &[Scored]) -> Result<()> {
    let resources = resources::load(settings.config_dir.as_deref());
    let sparts: Vec<summary::Part> = parts
        .iter()
        .zip(scored)
        .map(|(p, s)| summary::Part {
            q: p.q,
            scored: s,
            taken: s.outcomes.iter().any(|o| *o != scoring::Outcome::NotAsked),
        })
        .collect();
    let text = summary::render_text(
        &sparts,
        &summary::Options {
            lang: &settings.lang,
            width: term::width(),
            style: settings.style,
            resources: &resources,
        },
    );
    term::print(&format!("\n{text}"))
}
