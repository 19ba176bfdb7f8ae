//! `confide take`: choose questionnaires, interview (terminal, plain or answers file), print
//! the summary, then save to the vault and/or write an encrypted intake file.
//!
//! Everything that could stop the answers from being stored is checked before the first
//! question: recipients, the invitation, the output file, the vault and the passphrase
//! source. Nobody should answer intimate questions only to lose the answers. While a person
//! answers, the answers are kept as an encrypted draft after every answer (`autosave.rs`).
//! What still fails after the interview (a passphrase typed differently, a full disk, a
//! folder that became read-only) is shown to that person, who chooses to try again, to use
//! another place, to keep the draft or to stop (`make_key`, `store`); scripts get the error
//! and its exit code.

mod autosave;
mod keycheck;
mod output;
mod safety;
mod select;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;

use super::Settings;
use super::access::Access;
use crate::cli::TakeOptions;
use crate::error::{Error, Result};
use crate::model::answers_file;
use crate::model::catalog::Catalog;
use crate::model::invitation::{self, Invitation};
use crate::model::problem::{Problem, join};
use crate::model::response::Response;
use crate::report::summary;
use crate::scoring::{self, Scored, SessionAnswers, record};
use crate::session::{self, End, Flow, Part, Prompter};
use crate::store::draft::Draft;
use crate::store::questionnaires::read_limited;
use crate::store::sessions::SessionFile;
use crate::term::{self, interrupt, sanitize};

use autosave::Autosave;
use output::{Destinations, Step};

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
    if dest.keeps_copy() {
        // Leftovers of interrupted saves, before this run writes anything.
        access.tidy(None);
    }

    let answers_file = match &plan.mode {
        Mode::Answers(path) => Some(read_answers(path)?),
        _ => None,
    };
    let resumed = match &args.resume {
        Some(query) => Some(load_draft(&access, query)?),
        None => None,
    };
    let wanted: Vec<String> = match &resumed {
        Some((_, d)) => d.questionnaires.clone(),
        None if invitation.is_some() => catalog.ids().into_iter().map(str::to_owned).collect(),
        None => ids.to_vec(),
    };
    if let Some((_, d)) = &resumed
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
    // A person answers (not a script): failures after the interview are asked about, and
    // the answers are kept as a draft as they are given.
    let person = match &plan.mode {
        Mode::Terminal => true,
        Mode::Plain => std::io::stdin().is_terminal(),
        Mode::Answers(_) => false,
    };
    let mut autosave = Autosave::new(
        &access,
        parts.iter().map(|p| p.q.id.clone()).collect(),
        &settings.lang,
        plan.reference.clone(),
        resumed.as_ref().map(|(path, d)| (path.as_path(), d)),
        person && dest.keeps_copy() && access.vault.can_encrypt(),
        resume_options(settings, args),
    );

    let scored = match (&plan.mode, answers_file) {
        (Mode::Answers(path), Some(file)) => score_answers_file(&catalog, &parts, path, file)?,
        _ => {
            let start = match &resumed {
                Some((path, d)) => draft_to_answers(&parts, d, path)?,
                None => SessionAnswers::new(),
            };
            let mut flow = Flow::new(parts.clone(), start);
            if let Some((_, d)) = &resumed {
                match d.resume_at.as_deref() {
                    Some(at) => flow.resume_at(at),
                    // Kept at the review.
                    None if !d.answers.is_empty() => flow.resume_at_review(),
                    None => {}
                }
            }
            interrupt::install();
            let added: Vec<String> = parts
                .iter()
                .filter(|p| !wanted.is_empty() && !wanted.contains(&p.q.id))
                .map(|p| p.q.title.resolve(&settings.lang, &p.q.language).to_owned())
                .collect();
            let mut intro = match &invitation {
                // Shown with the key before the first question (`keycheck`).
                Some(_) => None,
                None if !added.is_empty() => Some(format!(
                    "The questionnaires you chose use your answers about: {}. Those questions come first.",
                    sanitize::line(&added.join(", "))
                )),
                None => None,
            };
            if person && plan.save && dest.has_intake() && !access.vault.can_encrypt() {
                let note = NO_DRAFT_FOR_INTAKE;
                intro = Some(match intro {
                    Some(text) => format!("{text}\n\n{note}"),
                    None => note.to_owned(),
                });
            }
            let (end, kept) = interview(
                settings,
                &plan,
                &mut flow,
                intro.as_deref(),
                &mut autosave,
                dest.keeps_copy(),
            );
            match end {
                End::Finished => flow.scored(),
                End::Discarded => {
                    discard_draft(&mut autosave);
                    return Err(Error::cancelled(
                        "your answers were discarded; nothing was saved",
                    ));
                }
                End::Quit if kept => {
                    return Err(kept_error("you left before the end", &autosave));
                }
                End::Quit => {
                    discard_draft(&mut autosave);
                    return Err(Error::cancelled(
                        "you left before the end; nothing was saved",
                    ));
                }
                End::Eof if autosave.path().is_some() => {
                    return Err(kept_error(
                        "input ended before the questionnaire was complete",
                        &autosave,
                    ));
                }
                End::Eof => {
                    return Err(Error::cancelled(
                        "input ended before the questionnaire was complete; nothing was saved",
                    ));
                }
                End::Failed(e) => {
                    let closed = e.kind() == std::io::ErrorKind::BrokenPipe;
                    let what = if closed {
                        "the output was closed before the questionnaire was complete".to_owned()
                    } else {
                        format!("the terminal failed: {}", crate::error::describe_io(&e))
                    };
                    if autosave.path().is_some() {
                        return Err(kept_error(&what, &autosave));
                    }
                    return Err(if closed {
                        Error::cancelled(format!("{what}; nothing was saved"))
                    } else {
                        Error::failure(format!("{what}; nothing was saved"))
                    });
                }
            }
        }
    };

    let id = resumed.as_ref().map(|(_, d)| d.id.clone());
    let response = build_response(
        &catalog,
        &parts,
        &scored,
        id,
        plan.reference.clone(),
        &settings.lang,
    );
    let mut dest = dest;
    // A safety flag: before anything more is written, say who could see it and, in an
    // interview, let the person choose not to keep a copy on this computer (the draft kept
    // while they answered is removed then).
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
                    autosave.path().is_some(),
                ) {
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
            }
        }
    }
    // A first save asks for a new passphrase: right after "save", before the summary.
    let mut other = None;
    if dest.keeps_copy() {
        match make_key(settings, &plan, person, &access) {
            Ok(elsewhere) => other = elsewhere,
            Err(e) => {
                // That the answers were not saved matters more than a summary nobody reads.
                let _ = print_summary(settings, &parts, &scored);
                return Err(e);
            }
        }
    }
    let vault = other.as_ref().unwrap_or(&access);
    // The answers are saved even when the summary cannot be shown (`confide take | head`
    // closes the pipe; a full disk fails the write): the error, if any, comes after.
    let printed = print_summary(settings, &parts, &scored);
    if person {
        store(settings, &plan, &mut dest, &response, vault, &mut autosave)?;
    } else {
        dest.write(&response, vault)?;
    }
    if let Some(other) = &other {
        term::eprintln(&format!(
            "That folder is not your usual data folder: `confide --data-dir {} history` reads it.",
            quote(&other.vault.dir().display().to_string())
        ));
    }
    // Stored: the draft of this interview has served its purpose.
    discard_draft(&mut autosave);
    interrupt::done();
    // After a safety flag, offer to clear what is on the screen.
    if safety && printed.is_ok() && matches!(plan.mode, Mode::Plain | Mode::Terminal) {
        let (mut prompter, terminal) = prompter(settings, &plan.mode);
        safety::offer_clear(prompter.as_mut(), terminal);
    }
    printed
}

/// Shown before the first question of an intake when the person has no key of their own.
const NO_DRAFT_FOR_INTAKE: &str = "Your answers are kept only at the end: a draft kept as \
you go would have to be encrypted to a key of your own, and only your therapist's key is \
known here. If you stop part way, your answers so far are lost. To have a draft kept as you \
answer, make your own key first with `confide keys init`.";

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

/// What the person chose after a failure.
enum Choice {
    Retry,
    Elsewhere(PathBuf),
    /// Stop, keeping the draft.
    Keep,
    /// Stop, giving the answers up.
    Stop,
}

/// Shows `error` and asks what to do; `elsewhere` (with the question that asks where) and
/// `keep` are the wording of those choices (`None`: not offered), `stop` that of stopping. End of input or a failing
/// terminal keeps the draft when there is one, and otherwise stops.
fn ask_after_failure(
    settings: &Settings,
    plan: &Plan,
    error: &Error,
    question: &str,
    elsewhere: Option<(&str, &str)>,
    keep: Option<&str>,
    stop: &str,
) -> Choice {
    let (elsewhere, where_question) = match elsewhere {
        Some((choice, question)) => (Some(choice), question),
        None => (None, ""),
    };
    let (mut p, _) = prompter(settings, &plan.mode);
    p.notice(&sanitize::line(&error.message));
    let mut choices = vec!["Try again"];
    choices.extend(elsewhere);
    choices.extend(keep);
    choices.push(stop);
    let given_up = if keep.is_some() {
        Choice::Keep
    } else {
        Choice::Stop
    };
    loop {
        let picked = match p.choose(question, &choices) {
            Ok(i) => choices[i],
            Err(_) => return given_up,
        };
        if picked == "Try again" {
            return Choice::Retry;
        } else if Some(picked) == elsewhere {
            let typed = p.text(where_question);
            match typed {
                Ok(Some(text)) => return Choice::Elsewhere(expand_home(&text)),
                Ok(None) => {}
                Err(_) => return given_up,
            }
        } else if Some(picked) == keep {
            return Choice::Keep;
        } else {
            return Choice::Stop;
        }
    }
}

/// `~` and `~/...` as the home folder.
fn expand_home(text: &str) -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    match (text, home) {
        ("~", Some(h)) => h,
        (t, Some(h)) if t.starts_with("~/") => h.join(&t[2..]),
        (t, _) => PathBuf::from(t),
    }
}

/// The error that ends a run after the person chose to stop.
fn stopped(e: Error, what: &str) -> Error {
    Error::new(
        e.kind,
        format!("{}; you chose to stop, so {what}", e.message),
    )
}

/// Makes the key when the vault has none yet. Without a person to ask, a failure ends the
/// run. With one, a failure (passphrases that differ, an empty one, a full disk, a folder
/// that became read-only) is shown and the person chooses: try again (the passphrase is
/// asked again only when it was the problem), make the vault in another folder (returned),
/// or stop, which discards the answers and says so.
fn make_key(
    settings: &Settings,
    plan: &Plan,
    person: bool,
    access: &Access,
) -> Result<Option<Access>> {
    if !person {
        return access.ensure_identity().map(|_| None).map_err(|e| Error {
            message: format!("{}; your answers were not saved", e.message),
            ..e
        });
    }
    let mut target: Option<Access> = None;
    let mut passphrase: Option<SecretString> = None;
    loop {
        let at = target.as_ref().unwrap_or(access);
        let attempt = (|| -> Result<()> {
            if !at.needs_identity()? {
                return Ok(());
            }
            let pass = match &passphrase {
                Some(p) => p,
                None => passphrase.insert(at.new_passphrase()?),
            };
            at.create_identity(pass).map(drop)
        })();
        let Err(e) = attempt else {
            return Ok(target);
        };
        let written = passphrase.is_some();
        let choice = ask_after_failure(
            settings,
            plan,
            &e,
            "Your answers are not saved yet. What would you like to do?",
            written.then_some((
                "Keep them in another folder (you type where)",
                "Which folder? confide makes your key and saves your answers there. Type a folder (such as a USB stick, or ~/confide in your home folder).",
            )),
            None,
            "Stop without saving (your answers are discarded)",
        );
        match choice {
            Choice::Retry => {}
            Choice::Elsewhere(dir) => {
                target = Some(Access {
                    vault: crate::store::vault::Vault::at(dir),
                    passphrases: access.passphrases.clone(),
                });
            }
            Choice::Keep | Choice::Stop => {
                return Err(stopped(e, "your answers were not saved"));
            }
        }
    }
}

/// Writes every destination, asking the person what to do when one fails: try again,
/// write the same encrypted file to another place they type, stop and keep the draft (when
/// there is one), or stop without saving.
fn store(
    settings: &Settings,
    plan: &Plan,
    dest: &mut Destinations,
    response: &Response,
    vault: &Access,
    autosave: &mut Autosave,
) -> Result<()> {
    let mut failed: Option<Error> = None;
    while let Some(step) = dest.next_step() {
        let mut elsewhere: Option<PathBuf> = None;
        while let Err(e) = dest.write_step(step, response, vault, elsewhere.as_deref()) {
            let vault_copy = dest.keeps_copy();
            let (question, stop) = match step {
                Step::Vault => (
                    "Your answers are not saved yet. What would you like to do?",
                    "Stop without saving (your answers are discarded)",
                ),
                Step::Intake if vault_copy => (
                    "The file for sending is not written yet. What would you like to do?",
                    "Do not write the file for sending (your answers are still saved in your vault)",
                ),
                Step::Intake => (
                    "The file for sending is not written yet. What would you like to do?",
                    "Do not write the file for sending (your answers are discarded)",
                ),
            };
            let keep = (step == Step::Vault && autosave.current().is_some())
                .then_some("Stop, and keep your answers as an encrypted draft to save later");
            match ask_after_failure(
                settings,
                plan,
                &e,
                question,
                Some((
                    "Save the encrypted file in another place (you type where)",
                    "Where should it go? Type a folder (such as a USB stick, or ~ for your home folder) or a new file name.",
                )),
                keep,
                stop,
            ) {
                Choice::Retry => {}
                Choice::Elsewhere(place) => elsewhere = Some(place),
                Choice::Keep => {
                    let kept = kept_error(&e.message, autosave);
                    return Err(Error {
                        kind: e.kind,
                        ..kept
                    });
                }
                Choice::Stop if step == Step::Intake && vault_copy => {
                    dest.give_up(step);
                    failed = Some(stopped(e, "the file for sending was not written"));
                    break;
                }
                Choice::Stop => {
                    if step == Step::Vault {
                        discard_draft(autosave);
                    }
                    return Err(stopped(e, "your answers were not saved"));
                }
            }
        }
    }
    dest.finish();
    match failed {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Runs the interview with the right prompter, keeping the draft after every answer; on
/// leaving part way, offers to keep an encrypted draft (when the session would be kept in
/// the vault). Returns how it ended and whether a draft is kept.
fn interview(
    settings: &Settings,
    plan: &Plan,
    flow: &mut Flow,
    intro: Option<&str>,
    autosave: &mut Autosave,
    may_keep_draft: bool,
) -> (End, bool) {
    let (mut prompter, _) = prompter(settings, &plan.mode);
    if let Some(text) = intro {
        prompter.intro(text);
    }
    let end = session::run_with(flow, prompter.as_mut(), plan.save, &mut |f| {
        autosave.changed(f)
    });
    let kept = match &end {
        End::Quit if may_keep_draft => offer_draft(prompter.as_mut(), flow, autosave),
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

/// Asks whether to keep a draft and keeps it (updated to this moment); true when one is
/// kept. Declining removes the draft kept as the person answered.
fn offer_draft(prompter: &mut dyn Prompter, flow: &Flow, autosave: &mut Autosave) -> bool {
    if safety::raised(flow.parts(), &flow.scored()) {
        safety::before_draft(prompter);
    }
    let question = "Keep an encrypted draft of your answers so far, to finish later with `confide take --resume`?";
    match prompter.confirm(question) {
        Ok(true) => {}
        _ => return false,
    }
    match autosave.save(flow) {
        Ok(path) => {
            let hint = autosave.kept().map(|k| k.hint).unwrap_or_default();
            prompter.intro(&format!(
                "Your answers so far are kept, encrypted, in {}. {}{}.",
                sanitize::line(&path.display().to_string()),
                hint.get(0..1).unwrap_or_default().to_uppercase(),
                hint.get(1..).unwrap_or_default()
            ));
            true
        }
        Err(e) if autosave.path().is_some() => {
            // The draft saved after an earlier answer is still there.
            prompter.notice(&format!(
                "the draft could not be brought up to date: {}; the one kept after an earlier answer stays",
                e.message
            ));
            true
        }
        Err(e) => {
            prompter.notice(&format!("the draft could not be kept: {}", e.message));
            false
        }
    }
}

/// The draft `--resume` continues: the newest, or the one `query` names. Leftovers of an
/// interrupted save are checked once the key is unlocked (one of them may be the draft).
fn load_draft(access: &Access, query: &str) -> Result<(PathBuf, Draft)> {
    let find = || -> Result<SessionFile> {
        if query.is_empty() {
            access.vault.draft_file()?.ok_or_else(|| {
                Error::usage("there is no draft to resume").with_hint(
                    "with a key, your answers are kept as a draft as you answer; `confide drafts` lists drafts",
                )
            })
        } else {
            access.vault.find_draft(query)
        }
    };
    let waiting = access.tidy(None).waiting;
    let found = find();
    if waiting == 0
        && let Err(e) = &found
    {
        return Err(e.clone());
    }
    let ids = access.unlock()?;
    if waiting > 0 {
        access.tidy(Some(&ids));
    }
    let file = match found {
        Ok(f) if f.path.exists() => f,
        _ => find()?,
    };
    let draft = access.vault.read_draft(&file.path, &ids)?;
    Ok((file.path, draft))
}

/// Answers read back from a draft, checked as strictly as an answers file: a draft that
/// does not fit the questionnaires is refused (exit 4, naming the file), never used in part.
fn draft_to_answers(parts: &[Part], draft: &Draft, file: &Path) -> Result<SessionAnswers> {
    let qs: Vec<&crate::model::questionnaire::Questionnaire> = parts.iter().map(|p| p.q).collect();
    draft.answers_for(&qs).map_err(|why| {
        let name = file.display();
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
    let resources = super::support::resources(settings);
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
