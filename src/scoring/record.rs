//! Between scored results and the stored record `confide.response/1`.

use crate::model::answer::Answer;
use crate::model::questionnaire::Questionnaire;
use crate::model::response::{
    AnswerRecord, AnswerStatus, FlagRecord, QuestionnaireRecord, RESPONSE_FORMAT, Response,
    ScoreRecord, Tool,
};

use super::{ItemAnswers, Outcome, Scored};

/// The record of one scored questionnaire.
pub(crate) fn to_record(q: &Questionnaire, sha256: &str, scored: &Scored) -> QuestionnaireRecord {
    let answers = q
        .items
        .iter()
        .zip(&scored.outcomes)
        .filter(|(item, _)| item.is_question())
        .map(|(item, outcome)| {
            let (status, value) = match outcome {
                Outcome::Answered(a) => (AnswerStatus::Answered, Some(a.to_json())),
                Outcome::Declined => (AnswerStatus::Declined, None),
                Outcome::Skipped => (AnswerStatus::Skipped, None),
                Outcome::NotAsked => (AnswerStatus::NotAsked, None),
            };
            AnswerRecord {
                item: item.id().to_owned(),
                status,
                value,
                derived: false,
            }
        })
        .collect();
    QuestionnaireRecord {
        id: q.id.clone(),
        version: q.version.clone(),
        sha256: sha256.to_owned(),
        answers,
        scores: score_records(q, scored),
        flags: flag_records(scored),
    }
}

/// The scores of a record (for reports that recompute them without the answers).
pub(crate) fn score_records(q: &Questionnaire, scored: &Scored) -> Vec<ScoreRecord> {
    q.scales
        .iter()
        .zip(&scored.scales)
        .map(|(scale, s)| ScoreRecord {
            scale: s.scale.clone(),
            value: s.value,
            band: s.band.map(|b| scale.bands[b].id.clone()),
            valid: s.valid(),
            answered: s.answered,
            parts: s.parts,
        })
        .collect()
}

/// The flags of a record.
pub(crate) fn flag_records(scored: &Scored) -> Vec<FlagRecord> {
    scored
        .flags
        .iter()
        .map(|f| FlagRecord {
            id: f.id.clone(),
            level: f.level.as_str().to_owned(),
        })
        .collect()
}

/// Reads the answers of a record back, for scoring again with the same definition.
/// Fails (naming only the item) when an answer does not fit the definition.
pub(crate) fn answers_from_record(
    q: &Questionnaire,
    rec: &QuestionnaireRecord,
) -> Result<ItemAnswers, String> {
    let mut out = ItemAnswers::new();
    for a in &rec.answers {
        let Some((_, item)) = q.item(&a.item) else {
            return Err(format!(
                "the record answers item `{}`, which the definition does not have",
                a.item
            ));
        };
        match a.status {
            AnswerStatus::Answered => {
                let value = a.value.as_ref().ok_or_else(|| {
                    format!("item `{}` is marked answered but has no value", a.item)
                })?;
                let answer = Answer::from_json(item, value).map_err(|_| {
                    format!(
                        "the answer to item `{}` does not fit the definition",
                        a.item
                    )
                })?;
                out.insert(a.item.clone(), answer);
            }
            AnswerStatus::Declined => {
                out.insert(a.item.clone(), Answer::Declined);
            }
            AnswerStatus::Skipped | AnswerStatus::NotAsked => {}
        }
    }
    Ok(out)
}

/// The record of a finished session. The caller supplies the id and time, so this stays
/// pure; `parts` pairs each questionnaire with the hash of its definition.
pub fn response(
    parts: &[(&Questionnaire, &str)],
    scored: &[Scored],
    id: String,
    created: String,
    reference: Option<String>,
    language: &str,
) -> Response {
    Response {
        format: RESPONSE_FORMAT.into(),
        id,
        created,
        tool: Tool {
            name: "confide".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        reference,
        language: language.to_owned(),
        questionnaires: parts
            .iter()
            .zip(scored)
            .map(|((q, sha), s)| to_record(q, sha, s))
            .collect(),
    }
}
