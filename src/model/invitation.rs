//! Invitations, `confide.invitation/1`: what a therapist sends a client so that the client's
//! `confide take --invite FILE` asks exactly the chosen questionnaires and encrypts the
//! answers to the therapist's key.
//!
//! Every questionnaire is embedded in full with its version and hash, so the client answers
//! exactly the definition the therapist chose, whatever version of confide either has. An
//! invitation that was changed after it was made (a definition that no longer matches its
//! hash) or that embeds an invalid questionnaire is refused with every problem listed.
//! Checking the recipient needs age and happens in `store`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::catalog::{Catalog, Entry, Source};
use super::format::Format;
use super::load::{deserialize_at, json_from_bytes, questionnaire_from_value};
use super::problem::{Problem, join};
use super::validate::{is_forbidden_char, truncate};

pub(crate) const INVITATION_FORMAT: &str = "confide.invitation/1";
const INVITATION: Format = Format::new(INVITATION_FORMAT, "an invitation");

/// Largest invitation accepted, in bytes.
pub(crate) const MAX_INVITATION_BYTES: usize = 4 * 1024 * 1024;
/// Most questionnaires in one invitation.
pub(crate) const MAX_INVITATION_QUESTIONNAIRES: usize = 20;
pub(crate) const MAX_MESSAGE_CHARS: usize = 2000;
pub(crate) const MAX_PRACTICE_CHARS: usize = 200;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invitation {
    pub(crate) format: String,
    /// When it was made (UTC, RFC 3339).
    pub(crate) created: String,
    /// The therapist's age recipient (`age1...`).
    pub(crate) recipient: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) practice: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<String>,
    /// A code that identifies the client to the therapist; never a name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) reference: Option<String>,
    pub(crate) questionnaires: Vec<Embedded>,
}

/// One questionnaire, in full.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Embedded {
    pub(crate) id: String,
    pub(crate) version: String,
    /// Hex SHA-256 of the canonical JSON of `definition`.
    pub(crate) sha256: String,
    pub(crate) definition: Value,
}

/// A reference code: 1 to 64 letters, digits, `-` or `_` (a code, never a name).
pub(crate) fn is_reference(r: &str) -> bool {
    !r.is_empty()
        && r.len() <= 64
        && r.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Checks a short free text (practice name, message) for length and control characters.
pub(crate) fn check_note(path: &str, text: &str, max: usize, problems: &mut Vec<Problem>) {
    let n = text.chars().count();
    if text.trim().is_empty() {
        problems.push(Problem::at(path, "text is empty"));
    } else if n > max {
        problems.push(Problem::at(
            path,
            format!("{n} characters; the limit is {max}"),
        ));
    }
    if text.chars().any(|c| is_forbidden_char(c) && c != '\n') {
        problems.push(Problem::at(path, "text contains control characters"));
    }
}

/// Checks a practice name: a short note on one line. A line break would let the name pose
/// as text of confide's own around it.
pub(crate) fn check_practice(path: &str, text: &str, problems: &mut Vec<Problem>) {
    // The line break first: U+2028 and U+2029 are also refused as control characters, and
    // the line is what to fix in a practice name.
    if text.chars().any(is_line_break) {
        problems.push(Problem::at(
            path,
            "a practice name is one line: it must not contain a line break",
        ));
    }
    check_note(path, text, MAX_PRACTICE_CHARS, problems);
}

/// A newline or a Unicode line or paragraph separator.
pub(crate) fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\u{2028}' | '\u{2029}')
}

/// Builds an invitation from checked parts. The entries must be in the order to ask them.
pub(crate) fn make(
    recipient: &str,
    entries: &[&Entry],
    reference: Option<String>,
    message: Option<String>,
    practice: Option<String>,
    created: String,
) -> Invitation {
    Invitation {
        format: INVITATION_FORMAT.into(),
        created,
        recipient: recipient.to_owned(),
        practice,
        message,
        reference,
        questionnaires: entries
            .iter()
            .map(|e| Embedded {
                id: e.q().id.clone(),
                version: e.q().version.clone(),
                sha256: e.loaded.sha256().to_owned(),
                definition: e.loaded.value().clone(),
            })
            .collect(),
    }
}

/// Parses and checks an invitation; on success returns it with its questionnaires as a
/// catalog, in the invitation's order.
pub fn parse(bytes: &[u8]) -> Result<(Invitation, Catalog), Vec<Problem>> {
    let value = json_from_bytes(bytes, MAX_INVITATION_BYTES)?;
    INVITATION.check(&value).map_err(|m| vec![m.problem()])?;
    let inv: Invitation = deserialize_at(&value, "").map_err(|p| vec![p])?;
    let mut problems = check_notes(&inv);
    if inv.questionnaires.is_empty() {
        problems.push(Problem::at(
            "/questionnaires",
            "the invitation names no questionnaire",
        ));
    }
    if inv.questionnaires.len() > MAX_INVITATION_QUESTIONNAIRES {
        problems.push(Problem::at(
            "/questionnaires",
            format!(
                "{} questionnaires; the limit is {MAX_INVITATION_QUESTIONNAIRES}",
                inv.questionnaires.len()
            ),
        ));
        return Err(problems);
    }
    let mut catalog = Catalog::default();
    for (i, e) in inv.questionnaires.iter().enumerate() {
        embed(&join("/questionnaires", i), e, &mut catalog, &mut problems);
    }
    if problems.is_empty() {
        for (i, e) in catalog.entries.iter().enumerate() {
            for p in catalog.check_references(e.q()) {
                let inner = p.path().unwrap_or("").to_string();
                problems.push(Problem::at(
                    format!("/questionnaires/{i}/definition{inner}"),
                    p.message,
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok((inv, catalog))
    } else {
        Err(problems)
    }
}

/// The practice name, message and reference of an invitation.
fn check_notes(inv: &Invitation) -> Vec<Problem> {
    let mut problems = Vec::new();
    if let Some(p) = &inv.practice {
        check_practice("/practice", p, &mut problems);
    }
    if let Some(m) = &inv.message {
        check_note("/message", m, MAX_MESSAGE_CHARS, &mut problems);
    }
    if let Some(r) = &inv.reference
        && !is_reference(r)
    {
        problems.push(Problem::at(
            "/reference",
            "a reference must be 1 to 64 letters, digits, `-` or `_`",
        ));
    }
    problems
}

/// Checks one embedded questionnaire at `base` against its hash, id and version, and adds
/// it to the catalog.
fn embed(base: &str, e: &Embedded, catalog: &mut Catalog, problems: &mut Vec<Problem>) {
    let loaded = match questionnaire_from_value(e.definition.clone()) {
        Ok(loaded) => loaded,
        Err(ps) => {
            for p in ps {
                let inner = p.path().unwrap_or("/").trim_end_matches('/').to_string();
                problems.push(Problem::at(format!("{base}/definition{inner}"), p.message));
            }
            return;
        }
    };
    if loaded.sha256() != e.sha256 {
        problems.push(Problem::at(
            join(base, "sha256"),
            "the questionnaire does not match its hash: the invitation was changed after it was made",
        ));
    }
    if loaded.questionnaire.id != e.id || loaded.questionnaire.version != e.version {
        problems.push(Problem::at(
            base,
            format!(
                "the entry says {} {} but the definition is {} {}",
                truncate(&e.id, 40),
                truncate(&e.version, 20),
                loaded.questionnaire.id,
                loaded.questionnaire.version
            ),
        ));
    }
    let entry = Entry {
        loaded,
        source: Source::Invitation,
    };
    if let Err(why) = catalog.add(entry) {
        problems.push(Problem::at(join(base, "id"), why));
    }
}
