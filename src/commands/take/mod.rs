//! `confide take`: choose questionnaires, interview (terminal, plain or answers file), print
//! the summary, then save to the vault and/or write an encrypted intake file.
//!
//! Everything that could stop the answers from being stored is checked before the first
//! question: recipients, the invitation, the output file, the vault and the passphrase
//! source. Nobody should answer intimate questions only to lose the answers.

mod keycheck;
mod output;
mod safety;
mod select;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::Settings;
use super::access::Access;
use crate::cli::TakeOptions;
use crate::error::{Error, Result};
use crate::model::answers_file;
use crate::model::catalog::Catalog;
use crate::model::invitation::{self, Invitation};
use crate::model::problem::{Problem, join};
use crate::model::response::Response;
use crate::report::{resources, summary};
use crate::scoring::{self, Scored, SessionAnswers, record};
use crate::session::{self, End, Flow, Part, Prompter};
use crate::store::draft::{Draft, DraftAnswers};
use crate::store::questionnaires::read_limited;
use crate::term::{self, interrupt, sanitize};

use output::Destinations;

/// How the answers are given.
#[derive(Debug, Clone, PartialEq)]
enum Mode {
    Answers(PathBuf),
    Plain,
    Terminal,
}

/// Checked settings for one `take`.
struct Plan {
    mode: Mode,
    /// Keep a copy in the person's own vault.
    save: bool,
    reference: Option<String>,
}

fn plan(args: &TakeOptions) -> Result<Plan> {
    if let Some(r) = &args.reference {
        check_reference(r)?;
    }
    if args.resume && args.answers.is_some() {
        return Err(Error::usage("--resume and --answers cannot be combined")
            .with_hint("--resume continues an interview you left; --answers answers without one"));
    }
    if args.resume && args.no_save {
        return Err(Error::usage(
            "--resume needs your vault, so it cannot be combined with --no-save",
        ));
    }
    let intake = !args.to.is_empty() || !args.recipients_files.is_empty() || args.invite.is_some();
    if !intake {
        for (given, flag) in [(args.out.is_some(), "--out"), (args.armor, "--armor")] {
            if given {
                return Err(Error::usage(format!("{flag} is for an intake file"))
                    .with_hint("add --to RECIPIENT, --recipients-file FILE or --invite FILE"));
            }
        }
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
    if invitation::is_reference(r) {
        Ok(())
    } else {
        Err(
            Error::usage("a reference must be 1 to 64 letters, digits, `-` or `_`")
                .with_hint("use the code your therapist gave you, such as A-1042; never a name"),
        )
    }
}

pub fn run(settings: &Settings, ids: &[String], args: &TakeOptions) -> Result<()> {
    let mut plan = plan(args)?;
    let invitation = match &args.invite {
        Some(path) => Some(read_invitation(path)?),
        None => None,
    };
    let catalog = match &invitation {
        Some((_, c)) => c.clone(),
        None => settings.catalog()?,
    };
    if let Some((inv, _)) = &invitation {
        match (&plan.reference, &inv.reference) {
            (Some(mine), Some(theirs)) if mine != theirs => {
                return Err(Error::usage(format!(
                    "--reference {mine} differs from the invitation's reference {theirs}"
                ))
                .with_hint("leave out --reference; the invitation already carries it"));
            }
            (None, Some(theirs)) => plan.reference = Some(theirs.clone()),
            _ => {}
        }
        if !ids.is_empty() {
            return Err(Error::usage("an invitation decides the questionnaires")
                .with_hint("leave out the questionnaire ids when you use --invite"));
        }
    }
    let access = Access::new(settings)?;
    let dest = Destinations::prepare(
        args,
        invitation.as_ref().map(|(i, _)| i),
        &access,
        plan.save,
    )?;
    keycheck::before_questions(
        settings,
        &plan.mode,
        args,
        &dest,
        invitation.as_ref().map(|(i, _)| i),
    )?;

    let answers_file = match &plan.mode {
        Mode::Answers(path) => Some(read_answers(path)?),
        _ => None,
    };
    let resumed = if args.resume {
        Some(load_draft(&access)?)
    } else {
        None
    };
    let wanted: Vec<String> = match &resumed {
        Some(d) => d.questionnaires.clone(),
        None if invitation.is_some() => catalog.ids().into_iter().map(str::to_owned).collect(),
        None => ids.to_vec(),
    };
    if let Some(d) = &resumed
        && plan.reference.is_none()
    {
        plan.reference = d.reference.clone();
    }
    // An answers file may carry the reference too (checked as a code when it was read).
    if let Some(file_ref) = answers_file.as_ref().and_then(|f| f.reference.clone()) {
        match &plan.reference {
            None => plan.reference = Some(file_ref),
            Some(given) if *given != file_ref => {
                return Err(
                    Error::usage("--reference differs from the answers file's reference")
                        .with_hint("leave out one of them"),
                );
            }
            Some(_) => {}
        }
    }
    let interactive = answers_file.is_none();
    let parts = select::select(
        &catalog,
        &wanted,
        answers_file.as_ref(),
        interactive && invitation.is_none(),
    )?;

    let scored = match (&plan.mode, answers_file) {
        (Mode::Answers(path), Some(file)) => score_answers_file(&catalog, &parts, path, file)?,
        _ => {
            let start = match &resumed {
                Some(d) => draft_to_answers(&parts, d, &access)?,
                None => SessionAnswers::new(),
            };
            let mut flow = Flow::new(parts.clone(), start);
            if let Some(at) = resumed.as_ref().and_then(|d| d.resume_at.as_deref()) {
                flow.resume_at(at);
            }
            interrupt::install();
            let added: Vec<String> = parts
                .iter()
                .filter(|p| !wanted.is_empty() && !wanted.contains(&p.q.id))
                .map(|p| p.q.title.resolve(&settings.lang, &p.q.language).to_owned())
                .collect();
            let intro = match &invitation {
                // Shown with the key before the first question (`keycheck`).
                Some(_) => None,
                None if !added.is_empty() => Some(format!(
                    "The questionnaires you chose use your answers about: {}. Those questions come first.",
                    sanitize::line(&added.join(", "))
                )),
                None => None,
            };
            let draft = dest.keeps_copy().then(|| DraftContext {
                access: &access,
                resumed: resumed.as_ref(),
                reference: plan.reference.clone(),
                lang: settings.lang.clone(),
            });
            let (end, kept) = interview(settings, &plan, &mut flow, intro.as_deref(), draft);
            match end {
                End::Finished => flow.scored(),
                End::Discarded => {
                    return Err(Error::cancelled(
                        "your answers were discarded; nothing was saved",
                    ));
                }
                End::Quit if kept => {
                    return Err(Error::cancelled(
                        "you left before the end; your answers so far are kept as an encrypted draft",
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
                End::Failed(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                    return Err(Error::cancelled(
                        "the output was closed before the questionnaire was complete; nothing was saved",
                    ));
                }
                End::Failed(e) => {
                    return Err(Error::failure(format!(
                        "the terminal failed: {}; nothing was saved",
                        crate::error::describe_io(&e)
                    )));
                }
            }
        }
    };

    let id = resumed.as_ref().map(|d| d.id.clone());
    let response = build_response(
        &catalog,
        &parts,
        &scored,
        id,
        plan.reference.clone(),
        &settings.lang,
    );
    let mut dest = dest;
    // A safety flag: before anything is written, say who could see it and, in an
    // interview, let the person choose not to keep a copy on this computer.
    let safety = safety::raised(&parts, &scored);
    if safety {
        let intake = dest.intake_path(&response);
        match &plan.mode {
            Mode::Answers(_) => term::eprintln(&safety::note(intake.as_deref(), dest.keeps_copy())),
            mode => {
                let (mut prompter, _) = prompter(settings, mode);
                if !safety::ask_before_saving(
                    prompter.as_mut(),
                    intake.as_deref(),
                    dest.keeps_copy(),
                ) {
                    dest.decline_vault();
                }
            }
        }
    }
    // A first save asks for a new passphrase: right after "save", before the summary.
    if dest.keeps_copy()
        && let Err(e) = access.ensure_identity()
    {
        // That the answers were not saved matters more than a summary nobody reads.
        let _ = print_summary(settings, &parts, &scored);
        return Err(Error {
            message: format!("{}; your answers were not saved", e.message),
            ..e
        });
    }
    // The answers are saved even when the summary cannot be shown (`confide take | head`
    // closes the pipe; a full disk fails the write): the error, if any, comes after.
    let printed = print_summary(settings, &parts, &scored);
    dest.write(&response, &access)?;
    if resumed.is_some() {
        access.vault.discard_drafts()?;
    }
    interrupt::done();
    // After a safety flag, offer to clear what is on the screen.
    if safety && printed.is_ok() && matches!(plan.mode, Mode::Plain | Mode::Terminal) {
        let (mut prompter, terminal) = prompter(settings, &plan.mode);
        safety::offer_clear(prompter.as_mut(), terminal);
    }
    printed
}

/// What a draft needs when the person leaves part way.
struct DraftContext<'a> {
    access: &'a Access,
    resumed: Option<&'a Draft>,
    reference: Option<String>,
    lang: String,
}

/// Runs the interview with the right prompter; on leaving part way, offers to keep an
/// encrypted draft. Returns how it ended and whether a draft was kept.
fn interview(
    settings: &Settings,
    plan: &Plan,
    flow: &mut Flow,
    intro: Option<&str>,
    draft: Option<DraftContext>,
) -> (End, bool) {
    let (mut prompter, _) = prompter(settings, &plan.mode);
    if let Some(text) = intro {
        prompter.intro(text);
    }
    let end = session::run(flow, prompter.as_mut(), plan.save);
    let kept = match (&end, draft) {
        (End::Quit, Some(ctx)) => offer_draft(prompter.as_mut(), flow, &ctx),
        _ => false,
    };
    (end, kept)
}

/// The prompter of this mode (plain when there is no terminal after all), and whether it
/// is the terminal one. Each use makes its own: the interview's is dropped before a
/// passphrase is read from the terminal or standard input.
fn prompter(settings: &Settings, mode: &Mode) -> (Box<dyn Prompter>, bool) {
    let tty = match mode {
        Mode::Terminal => session::tty::Tty::new(&settings.lang, settings.style),
        _ => None,
    };
    match tty {
        Some(t) => (Box::new(t), true),
        None => (
            Box::new(session::plain::Plain::new(
                std::io::stdin().lock(),
                std::io::stdout().lock(),
                &settings.lang,
                term::width(),
            )),
            false,
        ),
    }
}

/// Asks whether to keep a draft and keeps it; true when one was written.
fn offer_draft(prompter: &mut dyn Prompter, flow: &Flow, ctx: &DraftContext) -> bool {
    if safety::raised(flow.parts(), &flow.scored()) {
        safety::before_draft(prompter);
    }
    let question = "Keep an encrypted draft of your answers so far, to finish later with `confide take --resume`?";
    match prompter.confirm(question) {
        Ok(true) => {}
        _ => return false,
    }
    let mut draft = Draft::new(
        flow.parts().iter().map(|p| p.q.id.clone()).collect(),
        &ctx.lang,
    );
    if let Some(old) = ctx.resumed {
        draft.id = old.id.clone();
        draft.started = old.started.clone();
    }
    draft.reference = ctx.reference.clone();
    draft.answers = answers_to_draft(flow.answers());
    draft.resume_at = flow
        .question()
        .map(|q| format!("{}.{}", q.q.id, q.item.id()));
    let kept = match interrupt::critical(|| ctx.access.save_draft(&draft)) {
        Ok(path) => {
            prompter.intro(&format!(
                "Your answers so far are kept, encrypted, in {}. Continue with `confide take --resume`.",
                path.display()
            ));
            true
        }
        Err(e) => {
            prompter.notice(&format!("the draft could not be kept: {}", e.message));
            false
        }
    };
    interrupt::honour_pending();
    kept
}

fn load_draft(access: &Access) -> Result<Draft> {
    if access.vault.draft_file()?.is_none() {
        return Err(Error::usage("there is no draft to resume")
            .with_hint("leaving an interview part way offers to keep one"));
    }
    let ids = access.unlock()?;
    access
        .vault
        .load_draft(&ids)?
        .ok_or_else(|| Error::usage("there is no draft to resume"))
}

/// Answers as stored in a draft.
fn answers_to_draft(answers: &SessionAnswers) -> DraftAnswers {
    answers
        .iter()
        .map(|(q, items)| {
            (
                q.clone(),
                items
                    .iter()
                    .map(|(i, a)| (i.clone(), a.to_json()))
                    .collect(),
            )
        })
        .collect()
}

/// Answers read back from a draft, checked as strictly as an answers file: a draft that
/// does not fit the questionnaires is refused (exit 4, naming the file), never used in part.
fn draft_to_answers(parts: &[Part], draft: &Draft, access: &Access) -> Result<SessionAnswers> {
    let qs: Vec<&crate::model::questionnaire::Questionnaire> = parts.iter().map(|p| p.q).collect();
    draft.answers_for(&qs).map_err(|why| {
        let file = access.vault.draft_file().ok().flatten();
        let name = file.map_or_else(
            || access.vault.drafts_dir().display().to_string(),
            |f| f.path.display().to_string(),
        );
        Error::damaged(format!("draft {name} cannot be used: {why}"))
            .with_hint("`confide take` without --resume starts afresh")
    })
}

fn read_invitation(path: &Path) -> Result<(Invitation, Catalog)> {
    read_input(
        path,
        invitation::MAX_INVITATION_BYTES,
        "the invitation",
        invitation::parse,
        || {
            Error::usage("the invitation is not valid and was not used")
                .with_hint("ask your therapist for a new invitation")
        },
    )
}

fn read_answers(path: &Path) -> Result<answers_file::AnswersFile> {
    read_input(
        path,
        answers_file::MAX_ANSWERS_BYTES,
        "the answers file",
        answers_file::parse,
        || Error::usage("the answers file is not a valid confide.answers/1 file"),
    )
}

/// Reads an input file of at most `limit` bytes and parses it; every problem is printed as
/// `FILE: place: message`, then `invalid` is the error.
fn read_input<T>(
    path: &Path,
    limit: usize,
    what: &str,
    parse: fn(&[u8]) -> std::result::Result<T, Vec<Problem>>,
    invalid: impl FnOnce() -> Error,
) -> Result<T> {
    let name = sanitize::line(&path.display().to_string()).into_owned();
    let bytes = read_limited(path, limit).map_err(|e| {
        Error::usage(format!(
            "cannot read {what} {name}: {}",
            crate::error::describe_io(&e)
        ))
    })?;
    parse(&bytes).map_err(|problems| {
        for p in &problems {
            term::eprintln(&format!("{name}: {}", sanitize::line(&p.to_string())));
        }
        invalid()
    })
}

/// Checks an answers file against the questionnaires and scores it; every problem is
/// printed (never an answer), then exit 2.
fn score_answers_file(
    catalog: &Catalog,
    parts: &[Part],
    path: &Path,
    mut file: answers_file::AnswersFile,
) -> Result<Vec<Scored>> {
    let qs: Vec<_> = parts.iter().map(|p| p.q).collect();
    // Questionnaires the file names that do not exist are reported with the rest.
    let mut problems: Vec<Problem> = Vec::new();
    file.answers.retain(|id, _| {
        let known = catalog.get(id).is_some();
        if !known {
            problems.push(Problem::at(
                join("/answers", id),
                format!(
                    "unknown questionnaire `{}` (available: {})",
                    crate::model::validate::truncate(id, 40),
                    catalog.ids().join(", ")
                ),
            ));
        }
        known
    });
    if qs.is_empty() && problems.is_empty() {
        return Err(Error::usage("the answers file answers no questionnaire")
            .with_hint("give answers under \"answers\": {\"<questionnaire id>\": {...}}"));
    }
    match scoring::answers::resolve(&qs, &file) {
        Ok(answers) if problems.is_empty() => Ok(scoring::score_session(&qs, &answers)),
        Ok(_) => Err(report_problems(path, problems)),
        Err(mut more) => {
            problems.append(&mut more);
            Err(report_problems(path, problems))
        }
    }
}

fn report_problems(path: &Path, problems: Vec<Problem>) -> Error {
    let name = sanitize::line(&path.display().to_string()).into_owned();
    for p in &problems {
        term::eprintln(&format!("{name}: {}", sanitize::line(&p.to_string())));
    }
    Error::usage(format!(
        "the answers file has {} problem{}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    ))
}

/// The record of a finished session, with a new id (or the draft's) and the current time.
pub fn build_response(
    catalog: &Catalog,
    parts: &[Part],
    scored: &[Scored],
    id: Option<String>,
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
                .map(|e| e.loaded.sha256())
                .unwrap_or_default();
            (p.q, sha)
        })
        .collect();
    let id = id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    record::response(&defs, scored, id, created, reference, lang)
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
            country: settings.country.clone(),
        },
    );
    term::print(&format!("\n{text}"))
}
