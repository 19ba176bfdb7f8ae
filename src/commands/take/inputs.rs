//! What a session can start from besides the catalog: an invitation, an answers file, or
//! the draft `--resume` continues. Each is read and checked in full, and its problems are
//! printed, before any question.

use std::path::{Path, PathBuf};

use crate::commands::access::Access;
use crate::error::{Error, Result, describe_io};
use crate::model::answers_file::{self, AnswersFile};
use crate::model::catalog::Catalog;
use crate::model::invitation::{self, Invitation};
use crate::model::problem::{Problem, join};
use crate::model::questionnaire::Questionnaire;
use crate::model::validate::truncate;
use crate::scoring::{self, Scored, SessionAnswers};
use crate::session::Part;
use crate::store::draft::Draft;
use crate::store::questionnaires::read_limited;
use crate::store::sessions::SessionFile;
use crate::term::{self, sanitize};

pub(super) fn read_invitation(path: &Path) -> Result<(Invitation, Catalog)> {
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

pub(super) fn read_answers(path: &Path) -> Result<AnswersFile> {
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
    let bytes = read_limited(path, limit)
        .map_err(|e| Error::usage(format!("cannot read {what} {name}: {}", describe_io(&e))))?;
    parse(&bytes).map_err(|problems| {
        print_problems(&name, &problems);
        invalid()
    })
}

/// Checks an answers file against the questionnaires and scores it; every problem is
/// printed (never an answer), then exit 2.
pub(super) fn score_answers_file(
    catalog: &Catalog,
    parts: &[Part],
    path: &Path,
    mut file: AnswersFile,
) -> Result<Vec<Scored>> {
    let qs: Vec<_> = parts.iter().map(|p| p.q).collect();
    // Questionnaires the file names that do not exist are reported with the rest.
    let mut problems = drop_unknown_questionnaires(catalog, &mut file);
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

/// Removes the answers to questionnaires the catalog does not have; a problem for each.
fn drop_unknown_questionnaires(catalog: &Catalog, file: &mut AnswersFile) -> Vec<Problem> {
    let mut problems = Vec::new();
    file.answers.retain(|id, _| {
        let known = catalog.get(id).is_some();
        if !known {
            problems.push(Problem::at(
                join("/answers", id),
                format!(
                    "unknown questionnaire `{}` (available: {})",
                    truncate(id, 40),
                    catalog.ids().join(", ")
                ),
            ));
        }
        known
    });
    problems
}

fn report_problems(path: &Path, problems: Vec<Problem>) -> Error {
    let name = sanitize::line(&path.display().to_string()).into_owned();
    print_problems(&name, &problems);
    Error::usage(format!(
        "the answers file has {} problem{}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    ))
}

/// `FILE: place: message`, one line per problem, on standard error.
fn print_problems(name: &str, problems: &[Problem]) {
    for p in problems {
        term::eprintln(&format!("{name}: {}", sanitize::line(&p.to_string())));
    }
}

/// The draft `--resume` continues: the newest, or the one `query` names. Leftovers of an
/// interrupted save are checked once the key is unlocked (one of them may be the draft).
pub(super) fn load_draft(access: &Access, query: &str) -> Result<(PathBuf, Draft)> {
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
pub(super) fn draft_to_answers(
    parts: &[Part],
    draft: &Draft,
    file: &Path,
) -> Result<SessionAnswers> {
    let qs: Vec<&Questionnaire> = parts.iter().map(|p| p.q).collect();
    draft.answers_for(&qs).map_err(|why| {
        let name = file.display();
        Error::damaged(format!("draft {name} cannot be used: {why}"))
            .with_hint("`confide take` without --resume starts afresh")
    })
}
