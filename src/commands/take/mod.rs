//! `confide take`: choose questionnaires, interview (terminal, plain or answers file), print
//! the summary, then save to the vault and/or write an encrypted intake file.
//!
//! Everything that could stop the answers from being stored is checked before the first
//! question: recipients, the invitation, the output file, the vault and the passphrase
//! source. Nobody should answer intimate questions only to lose the answers. While a person
//! answers, the answers are kept as an encrypted draft after every answer (`autosave.rs`).
//! What still fails after the interview (a passphrase typed differently, a full disk, a
//! folder that became read-only) is shown to that person, who chooses to try again, to use
//! another place, to keep the draft or to stop (`recover.rs`); scripts get the error and its
//! exit code.

mod autosave;
mod inputs;
mod interview;
mod keycheck;
mod output;
mod recover;
mod safety;
mod select;
mod welcome;

use std::io::IsTerminal;
use std::path::PathBuf;

use super::Settings;
use super::access::Access;
use crate::cli::TakeOptions;
use crate::clock;
use crate::error::{Error, Result};
use crate::model::answers_file::AnswersFile;
use crate::model::catalog::Catalog;
use crate::model::invitation::{self, Invitation};
use crate::model::questionnaire::Questionnaire;
use crate::model::response::Response;
use crate::report::summary;
use crate::scoring::{self, Scored, record};
use crate::session::{Derived, Part};
use crate::store::draft::Draft;
use crate::term::{self, interrupt, sanitize};

use autosave::Autosave;
use keycheck::KeyCheck;
use output::Destinations;
use welcome::Welcome;

/// How the answers are given.
#[derive(Debug, Clone, PartialEq)]
enum Mode {
    Answers(PathBuf),
    Plain,
    Terminal,
}

/// Checked settings for one `take`.
struct Plan<'a> {
    settings: &'a Settings,
    mode: Mode,
    /// Keep a copy in the person's own vault.
    save: bool,
    reference: Option<String>,
}

impl Plan<'_> {
    /// A person answers (not a script): failures after the interview are asked about, and
    /// the answers are kept as a draft as they are given.
    fn person(&self) -> bool {
        match &self.mode {
            Mode::Terminal => true,
            Mode::Plain => std::io::stdin().is_terminal(),
            Mode::Answers(_) => false,
        }
    }
}

fn plan<'a>(settings: &'a Settings, args: &TakeOptions) -> Result<Plan<'a>> {
    if let Some(r) = &args.reference {
        check_reference(r)?;
    }
    if args.resume.is_some() && args.answers.is_some() {
        return Err(Error::usage("--resume and --answers cannot be combined")
            .with_hint("--resume continues an interview you left; --answers answers without one"));
    }
    if args.resume.is_some() && args.no_save {
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
        settings,
        mode,
        save: !args.no_save,
        reference: args.reference.clone(),
    })
}

/// A reference code is a short code, never a name: letters, digits, `-` and `_`.
fn check_reference(r: &str) -> Result<()> {
    if invitation::is_reference(r) {
        Ok(())
    } else {
        Err(
            Error::usage("a reference must be 1 to 64 letters, digits, `-` or `_`")
                .with_hint("use the code your therapist gave you, such as A-1042; never a name"),
        )
    }
}

/// Takes a session: the plan and every check first, then the questionnaires chosen, the
/// answers (an interview or an answers file), and what is done with them.
pub(crate) fn run(settings: &Settings, ids: &[String], args: &TakeOptions) -> Result<()> {
    let mut plan = plan(settings, args)?;
    let (invitation, catalog) = match &args.invite {
        Some(path) => inputs::read_invitation(path).map(|(i, c)| (Some(i), c))?,
        None => (None, settings.catalog()?),
    };
    if let Some(inv) = &invitation {
        follow_invitation(&mut plan, inv, ids)?;
    }
    let access = Access::new(settings)?;
    let (dest, key) = check_before_questions(&plan, args, &access, invitation.as_ref())?;
    let answers_file = match &plan.mode {
        Mode::Answers(path) => Some(inputs::read_answers(path)?),
        _ => None,
    };
    let resumed = args
        .resume
        .as_deref()
        .map(|query| inputs::load_draft(&access, query))
        .transpose()?;
    let draft = resumed.as_ref().map(|(_, d)| d);
    adopt_reference(&mut plan, draft, answers_file.as_ref())?;
    let wanted = wanted(ids, draft, invitation.is_some(), &catalog);
    // Named by the person (ids, an invitation), now or when the draft was begun.
    let named = draft.map_or(!wanted.is_empty(), |d| d.named);
    let interactive = answers_file.is_none();
    let mut parts = select::select(
        &catalog,
        &wanted,
        answers_file.as_ref(),
        interactive && invitation.is_none(),
    )?;
    if draft.is_some() && !named {
        // As when the draft was begun: the topics decide.
        for p in &mut parts {
            p.explicit = p.q.applies_when.is_none();
        }
    }
    let mut autosave = autosave(&plan, args, &access, &dest, &parts, named, resumed.as_ref());
    let (scored, derived) = match (&plan.mode, answers_file) {
        (Mode::Answers(path), Some(file)) => (
            inputs::score_answers_file(&catalog, &parts, path, file)?,
            Vec::new(),
        ),
        _ => {
            // Named questionnaires answer the topics: they are not asked again.
            let derived: Vec<Derived> = if named {
                select::derived(&catalog, &parts)
            } else {
                Vec::new()
            };
            let welcome = resumed
                .is_none()
                .then(|| Welcome::new(&plan, &dest, &access, key));
            let done = interview::until_end(
                &plan,
                &parts,
                resumed.as_ref(),
                welcome.as_ref(),
                &derived,
                &mut autosave,
                dest.keeps_copy(),
            )?;
            (done.scored, done.derived)
        }
    };
    let id = resumed.map(|(_, d)| d.id);
    let mut response = build_response(&catalog, &parts, &scored, id, &plan);
    mark_derived(&mut response, &derived);
    let finished = Finished {
        parts: &parts,
        scored: &scored,
        response: &response,
    };
    store_and_show(&plan, &access, dest, &mut autosave, &finished)
}

/// An invitation brings the reference code and decides the questionnaires.
fn follow_invitation(plan: &mut Plan, invitation: &Invitation, ids: &[String]) -> Result<()> {
    match (&plan.reference, &invitation.reference) {
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
    Ok(())
}

/// Checks everything that could lose the answers, before the first question: the
/// destinations (`output`) and the keys an intake is encrypted to (`keycheck`). Leftovers
/// of interrupted saves are tidied then, before this run writes anything. A new interview
/// shows the keys in its welcome (returned); a resumed one, here.
fn check_before_questions(
    plan: &Plan,
    args: &TakeOptions,
    access: &Access,
    invitation: Option<&Invitation>,
) -> Result<(Destinations, Option<KeyCheck>)> {
    let dest = Destinations::prepare(args, invitation, access, plan.save)?;
    let key = if args.resume.is_some() {
        keycheck::before_questions(plan, args, &dest, invitation)?;
        None
    } else {
        keycheck::check(plan, args, &dest, invitation)?
    };
    if dest.keeps_copy() {
        access.tidy(None);
    }
    Ok((dest, key))
}

/// A resumed draft, or an answers file, may carry the reference too (checked as a code
/// when it was read). `--resume` and `--answers` are never both given.
fn adopt_reference(
    plan: &mut Plan,
    draft: Option<&Draft>,
    answers_file: Option<&AnswersFile>,
) -> Result<()> {
    if let Some(d) = draft
        && plan.reference.is_none()
    {
        plan.reference = d.reference.clone();
    }
    if let Some(file_ref) = answers_file.and_then(|f| f.reference.clone()) {
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
    Ok(())
}

/// The questionnaires asked for: the draft's, every one of an invitation, or the ids given.
fn wanted(ids: &[String], draft: Option<&Draft>, invited: bool, catalog: &Catalog) -> Vec<String> {
    match draft {
        Some(d) => d.questionnaires.clone(),
        None if invited => catalog.ids().into_iter().map(str::to_owned).collect(),
        None => ids.to_vec(),
    }
}

/// The draft of this interview, kept after every answer when a person answers, keeps a
/// copy, and already has a key.
fn autosave<'a>(
    plan: &Plan,
    args: &TakeOptions,
    access: &'a Access,
    dest: &Destinations,
    parts: &[Part],
    named: bool,
    resumed: Option<&(PathBuf, Draft)>,
) -> Autosave<'a> {
    let mut draft = Draft::new(
        parts.iter().map(|p| p.q.id.clone()).collect(),
        &plan.settings.lang,
    );
    draft.named = named;
    Autosave::new(
        access,
        draft,
        plan.reference.clone(),
        resumed.map(|(path, d)| (path.as_path(), d)),
        plan.person() && dest.keeps_copy() && access.vault.can_encrypt(),
        resume_options(plan.settings, args),
    )
}

/// Marks the answers in the record that were derived, not asked.
fn mark_derived(response: &mut Response, derived: &[(String, String)]) {
    for (qid, item) in derived {
        let answer = response
            .questionnaires
            .iter_mut()
            .filter(|q| q.id == *qid)
            .flat_map(|q| q.answers.iter_mut())
            .find(|a| a.item == *item);
        if let Some(a) = answer {
            a.derived = true;
        }
    }
}

/// A finished session: the questionnaires, their scores and the record to store.
struct Finished<'a> {
    parts: &'a [Part<'a>],
    scored: &'a [Scored],
    response: &'a Response,
}

/// After the answers: the safety question (when a safety flag is raised), the key (on a
/// first save), the summary, then every destination written, the draft removed, and the
/// offer to clear the screen.
fn store_and_show(
    plan: &Plan,
    access: &Access,
    mut dest: Destinations,
    autosave: &mut Autosave,
    finished: &Finished,
) -> Result<()> {
    let safety = safety::raised(finished.parts, finished.scored);
    // An intake in an interview never keeps a copy without asking: on a shared computer,
    // this computer's vault may be someone else's (a partner's).
    let intake_copy = dest.intake_path(finished.response).is_some()
        && dest.keeps_copy()
        && !matches!(plan.mode, Mode::Answers(_));
    if safety || intake_copy {
        ask_about_safety(plan, &mut dest, finished.response, autosave);
    }
    // A first save asks for a new passphrase: right after "save", before the summary.
    let mut other = None;
    if dest.keeps_copy() {
        match recover::make_key(plan, access) {
            Ok(elsewhere) => other = elsewhere,
            Err(e) => {
                // That the answers were not saved matters more than a summary nobody reads.
                let _ = print_summary(plan.settings, finished);
                return Err(e);
            }
        }
    }
    let vault = other.as_ref().unwrap_or(access);
    // The answers are saved even when the summary cannot be shown (`confide take | head`
    // closes the pipe; a full disk fails the write): the error, if any, comes after.
    let printed = print_summary(plan.settings, finished);
    if plan.person() {
        recover::store(plan, &mut dest, finished.response, vault, autosave)?;
    } else {
        dest.write(finished.response, vault)?;
    }
    if let Some(other) = &other {
        term::eprintln(&format!(
            "That folder is not your usual data folder: `confide --data-dir {} history` reads it.",
            quote(&other.vault.dir().display().to_string())
        ));
    }
    // Stored: the draft of this interview has served its purpose.
    discard_draft(autosave);
    interrupt::done();
    // After a safety flag, offer to clear what is on the screen.
    if safety && printed.is_ok() && matches!(plan.mode, Mode::Plain | Mode::Terminal) {
        let (mut prompter, terminal) = interview::prompter(plan);
        safety::offer_clear(prompter.as_mut(), terminal);
    }
    printed
}

/// A safety flag, or an intake that would keep a copy: before anything more is written,
/// say who could see it and, in an interview, let the person choose not to keep a copy on
/// this computer (the draft kept while they answered is removed then).
fn ask_about_safety(
    plan: &Plan,
    dest: &mut Destinations,
    response: &Response,
    autosave: &mut Autosave,
) {
    let intake = dest.intake_path(response);
    if let Mode::Answers(_) = plan.mode {
        term::eprintln(&safety::note(intake.as_deref(), dest.keeps_copy()));
        return;
    }
    let (mut prompter, _) = interview::prompter(plan);
    let keep = safety::ask_before_saving(
        prompter.as_mut(),
        intake.as_deref(),
        dest.keeps_copy(),
        autosave.path().is_some(),
    );
    if keep {
        return;
    }
    dest.decline_vault();
    match autosave.discard() {
        Ok(true) => dest.draft_removed(),
        Ok(false) => {}
        Err(e) => term::warn(&format!(
            "the draft of this interview could not be removed: {}; `confide drafts --discard` removes it",
            e.message
        )),
    }
}

/// The error that ends an interview left part way whose answers are kept in the draft.
fn kept_error(what: &str, autosave: &Autosave) -> Error {
    match autosave.kept() {
        Some(kept) => Error::cancelled(format!("{what}; {}", kept.message)).with_hint(kept.hint),
        None => Error::cancelled(format!("{what}; nothing was saved")),
    }
}

/// Removes the draft of this interview; a failure is a warning (the run ends anyway).
fn discard_draft(autosave: &mut Autosave) {
    if let Err(e) = autosave.discard() {
        term::warn(&format!(
            "the draft could not be removed: {}; `confide drafts` lists drafts",
            e.message
        ));
    }
}

/// The options `take --resume` needs again to continue this interview, such as
/// ` --invite invitation.json`.
fn resume_options(settings: &Settings, args: &TakeOptions) -> String {
    let mut out = String::new();
    let mut add = |flag: &str, value: &str| {
        out.push_str(&format!(" {flag} {}", quote(value)));
    };
    if let Some(d) = &settings.data_dir {
        add("--data-dir", &d.display().to_string());
    }
    for d in &settings.questionnaire_dirs {
        add("--questionnaires", &d.display().to_string());
    }
    if let Some(i) = &args.invite {
        add("--invite", &i.display().to_string());
    }
    for r in &args.to {
        add("--to", r);
    }
    for f in &args.recipients_files {
        add("--recipients-file", &f.display().to_string());
    }
    if let Some(o) = &args.out {
        add("--out", &o.display().to_string());
    }
    if args.armor {
        out.push_str(" --armor");
    }
    sanitize::line(&out).into_owned()
}

/// A word for a shell command line: as it is when it is safe, else in single quotes.
fn quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,~".contains(c));
    if safe {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The record of a finished session, with a new id (or the draft's), the current time, and
/// the sha256 of each questionnaire's definition.
fn build_response(
    catalog: &Catalog,
    parts: &[Part],
    scored: &[Scored],
    id: Option<String>,
    plan: &Plan,
) -> Response {
    let created = clock::now_rfc3339();
    let defs: Vec<(&Questionnaire, &str)> = parts
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
    let reference = plan.reference.clone();
    record::response(&defs, scored, id, created, reference, &plan.settings.lang)
}

fn print_summary(settings: &Settings, finished: &Finished) -> Result<()> {
    let resources = super::support::resources(settings);
    let sparts: Vec<summary::Part> = finished
        .parts
        .iter()
        .zip(finished.scored)
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
