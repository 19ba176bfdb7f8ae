//! The clinician report (`confide report`): what each intake says, built once as a
//! serialisable structure (`confide.report/1`) and then written as text, Markdown, CSV or
//! FHIR.
//!
//! Scores are recomputed from the questionnaire definition when its hash matches the one
//! recorded with the answers; otherwise the recorded scores are shown and the report says so.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::model::catalog::Catalog;
use crate::model::questionnaire::{BOTHER_TAG, Item, Questionnaire, SAFETY_TAG};
use crate::model::range::ScaleRange;
use crate::model::response::{AnswerStatus, QuestionnaireRecord, Response, ScoreRecord};
use crate::scoring::{self, Earlier, Scored, record};

pub const REPORT_FORMAT: &str = "confide.report/1";

/// Tags of advice the clinician report lists as deferred when a raised flag withholds them:
/// couple and partner work (`partner`) and assertiveness or skills framing (`skills`).
pub const DEFERRABLE_TAGS: [&str; 2] = ["partner", "skills"];

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub format: &'static str,
    /// When the report was made (UTC, RFC 3339).
    pub generated: String,
    pub tool: ToolInfo,
    pub sessions: Vec<SessionReport>,
    /// Files that could not be read, with the reason.
    pub failures: Vec<Failure>,
    /// Sessions grouped by reference code, oldest first, with change between intakes.
    pub summary: Vec<ReferenceGroup>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SessionReport {
    /// The file the session came from, if any.
    pub file: Option<String>,
    pub id: String,
    pub created: String,
    pub reference: Option<String>,
    pub language: String,
    /// The version of confide that recorded the session.
    pub recorded_by: ToolInfo,
    /// Whether the safety questions were asked and answered, and what they raised.
    pub safety_screen: SafetyScreen,
    /// Every flag raised, most urgent first.
    pub flags: Vec<FlagEntry>,
    /// One row per scale: the overview a report opens with.
    pub overview: Vec<OverviewRow>,
    /// Every free-text answer, in the order asked.
    pub free_text: Vec<FreeText>,
    pub questionnaires: Vec<QuestionnaireReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlagEntry {
    pub questionnaire: String,
    pub id: String,
    pub level: String,
    /// What the person read (second person).
    pub message: String,
    /// What the clinician reads (third person); the person's text when the definition has
    /// none or is not available.
    pub clinician: String,
    /// Whether the definition marks the flag as a safety concern.
    pub safety: bool,
    /// True when a raised safety flag withholds this flag's advice (couple or skills work,
    /// for instance): it is listed apart, as deferred while safety concerns are unresolved.
    pub deferred: bool,
}

/// The safety screen of one intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScreenStatus {
    /// Every safety question asked was answered, and no safety flag was raised.
    Screened,
    /// At least one safety flag was raised.
    Raised,
    /// A safety question was declined or skipped, and nothing was raised.
    Declined,
    /// No safety question was asked (or the definitions that hold them are not available).
    NotAsked,
}

#[derive(Debug, Clone, Serialize)]
pub struct SafetyScreen {
    pub status: ScreenStatus,
    /// `questionnaire.flag` of each safety flag raised.
    pub raised: Vec<String>,
    /// The screen in words: `screened, nothing raised`, `raised: ...`,
    /// `not screened: declined` or `not screened: not asked`.
    pub text: String,
}

impl SafetyScreen {
    fn new(status: ScreenStatus, raised: Vec<String>) -> SafetyScreen {
        let text = match status {
            ScreenStatus::Screened => "screened, nothing raised".to_owned(),
            ScreenStatus::Raised => format!("raised: {}", raised.join(", ")),
            ScreenStatus::Declined => "not screened: declined".to_owned(),
            ScreenStatus::NotAsked => "not screened: not asked".to_owned(),
        };
        SafetyScreen {
            status,
            raised,
            text,
        }
    }
}

/// One scale in the overview, with the person's own rating of how much the topic bothers
/// them (the questionnaire's item tagged `bother`).
#[derive(Debug, Clone, Serialize)]
pub struct OverviewRow {
    pub questionnaire: String,
    pub questionnaire_title: String,
    pub scale: String,
    pub scale_title: String,
    pub value: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub band_label: Option<String>,
    /// Whether enough was answered for a value.
    pub valid: bool,
    pub answered: usize,
    pub parts: usize,
    /// The bother answer in words (`declined`, `skipped`, `not asked` when so), or none
    /// when the questionnaire has no bother item.
    pub bother: Option<String>,
}

/// A free-text answer.
#[derive(Debug, Clone, Serialize)]
pub struct FreeText {
    pub questionnaire: String,
    pub item: String,
    pub question: Option<String>,
    pub answer: String,
}

/// Whether the definition used to answer is the one available now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DefinitionCheck {
    /// Same hash: scores were recomputed from it.
    Matches,
    /// A definition with this id exists but differs: recorded scores are shown.
    Differs,
    /// No definition with this id is available: recorded scores are shown.
    Unavailable,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestionnaireReport {
    pub id: String,
    pub version: String,
    pub sha256: String,
    pub title: String,
    pub definition: DefinitionCheck,
    /// True when scores were recomputed from the definition.
    pub recomputed: bool,
    /// Anything the clinician should know about this part (mismatches, for instance).
    pub notes: Vec<String>,
    /// False when nothing was asked (the topic did not apply).
    pub taken: bool,
    pub scales: Vec<ScaleEntry>,
    pub answers: Vec<AnswerEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScaleEntry {
    pub id: String,
    pub title: String,
    pub value: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub band: Option<String>,
    pub band_label: Option<String>,
    pub valid: bool,
    pub answered: usize,
    pub parts: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswerEntry {
    pub item: String,
    /// The question as asked (when the definition is available).
    pub text: Option<String>,
    /// `single_choice`, `multi_choice`, `number` or `text` (when known).
    pub kind: Option<String>,
    pub status: AnswerStatus,
    pub value: Option<Value>,
    /// The answer in words.
    pub display: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub file: String,
    pub error: String,
    pub exit_code: i32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReferenceGroup {
    pub reference: Option<String>,
    pub sessions: Vec<TrendPoint>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub id: String,
    pub created: String,
    pub file: Option<String>,
    /// `questionnaire.scale` to value.
    pub scores: BTreeMap<String, Option<f64>>,
    /// `questionnaire.scale` to change since this reference's previous session.
    pub change: BTreeMap<String, Option<f64>>,
}

/// One decrypted session and where it came from.
pub struct Input {
    pub file: Option<String>,
    pub response: Response,
}

/// Builds the whole report in memory (for a few sessions; `confide report` streams with
/// `session`, `point` and `group` instead). Sessions stay in the order given.
pub fn build(
    inputs: &[Input],
    failures: Vec<Failure>,
    catalog: &Catalog,
    lang: &str,
    generated: String,
) -> Report {
    let sessions: Vec<SessionReport> = inputs.iter().map(|i| session(i, catalog, lang)).collect();
    let summary = group(sessions.iter().map(point).collect());
    Report {
        format: REPORT_FORMAT,
        generated,
        tool: ToolInfo {
            name: "confide".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        sessions,
        failures,
        summary,
    }
}

/// How much of each session a report needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Everything: each answer in words, free text, notes.
    Full,
    /// What CSV and the summary table show: scores, bands and flags (still recomputed from
    /// the definition); `answers` is left empty.
    Scores,
}

/// The report of one session.
pub fn session(input: &Input, catalog: &Catalog, lang: &str) -> SessionReport {
    session_with(input, catalog, lang, Detail::Full)
}

/// The report of one session, with as much detail as the output needs.
pub fn session_with(input: &Input, catalog: &Catalog, lang: &str, detail: Detail) -> SessionReport {
    let r = &input.response;
    let mut done: Vec<Scored> = Vec::new();
    let mut questionnaires = Vec::new();
    let mut flags = Vec::new();
    let mut overview = Vec::new();
    let mut screen = ScreenTally::default();
    // What raised flags withhold, and the tags of each flag entry (in the order of `flags`).
    let mut withheld: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    let mut flag_tags: Vec<&[String]> = Vec::new();
    for rec in &r.questionnaires {
        let def = catalog.get(&rec.id);
        let check = match def {
            Some(e) if e.loaded.sha256() == rec.sha256 => DefinitionCheck::Matches,
            Some(_) => DefinitionCheck::Differs,
            None => DefinitionCheck::Unavailable,
        };
        let q = def.map(|e| e.q());
        let mut notes = Vec::new();
        let rescored = match (check, q) {
            (DefinitionCheck::Matches, Some(q)) => match record::answers_from_record(q, rec) {
                Ok(answers) => {
                    let earlier: Earlier = done.iter().map(|s| (s.id.as_str(), s)).collect();
                    let scored = scoring::score_owned(q, answers, &earlier);
                    let scores = record::score_records(q, &scored);
                    let flags = record::flag_records(&scored);
                    if !same_scores(&scores, &rec.scores) || flags != rec.flags {
                        notes.push(
                            "the recorded scores or flags differ from a fresh computation with the same definition; the fresh computation is shown".into(),
                        );
                    }
                    Some((scored, scores, flags))
                }
                Err(why) => {
                    notes.push(format!("{why}; recorded scores are shown"));
                    None
                }
            },
            (DefinitionCheck::Differs, Some(q)) => {
                notes.push(format!(
                    "answered with a different definition (version {}, sha256 {}) than the one available here (version {}); recorded scores are shown",
                    rec.version,
                    short(&rec.sha256),
                    q.version
                ));
                None
            }
            _ => {
                notes.push(format!(
                    "the questionnaire `{}` is not available here; recorded scores are shown without its wording",
                    rec.id
                ));
                None
            }
        };
        let (scores, raised) = match rescored {
            Some((scored, scores, flags)) => {
                done.push(scored);
                (scores, flags)
            }
            None => (rec.scores.clone(), rec.flags.clone()),
        };
        let title = q.map_or_else(
            || rec.id.clone(),
            |q| q.title.resolve(lang, &q.language).to_owned(),
        );
        for f in &raised {
            let def = q.and_then(|q| q.flags.iter().find(|d| d.id == f.id));
            let resolve = |t: &crate::model::text::Text| {
                q.map_or_else(String::new, |q| t.resolve(lang, &q.language).to_owned())
            };
            let message = def.map_or_else(|| f.id.clone(), |d| resolve(&d.message));
            let clinician = def
                .and_then(|d| d.clinician.as_ref())
                .map_or_else(|| message.clone(), resolve);
            let safety = def.is_some_and(|d| d.tags.iter().any(|t| t == SAFETY_TAG));
            if safety {
                screen.raised.push(format!("{}.{}", rec.id, f.id));
            }
            if let Some(d) = def {
                withheld.extend(d.withholds.iter().map(String::as_str));
            }
            flag_tags.push(def.map_or(&[], |d| d.tags.as_slice()));
            flags.push(FlagEntry {
                questionnaire: rec.id.clone(),
                id: f.id.clone(),
                level: f.level.clone(),
                message,
                clinician,
                safety,
                deferred: false,
            });
        }
        if let Some(q) = q.filter(|_| check != DefinitionCheck::Unavailable) {
            screen.add_answers(q, rec);
        }
        if let Some(q) =
            q.filter(|_| check != DefinitionCheck::Unavailable && detail == Detail::Full)
        {
            let scale_entries = scales(
                Some(q),
                def.map_or(&[], |e| e.loaded.scale_ranges()),
                &scores,
                lang,
            );
            let bother = bother_words(q, rec, lang);
            let title = q.title.resolve(lang, &q.language);
            for sc in scale_entries {
                overview.push(OverviewRow {
                    questionnaire: rec.id.clone(),
                    questionnaire_title: title.to_owned(),
                    scale: sc.id,
                    scale_title: sc.title,
                    value: sc.value,
                    min: sc.min,
                    max: sc.max,
                    band_label: sc.band_label.or(sc.band),
                    valid: sc.valid,
                    answered: sc.answered,
                    parts: sc.parts,
                    bother: bother.clone(),
                });
            }
        }
        let use_def = if check == DefinitionCheck::Unavailable {
            None
        } else {
            q
        };
        questionnaires.push(QuestionnaireReport {
            id: rec.id.clone(),
            version: rec.version.clone(),
            sha256: rec.sha256.clone(),
            title,
            definition: check,
            recomputed: check == DefinitionCheck::Matches
                && notes
                    .iter()
                    .all(|n| !n.contains("recorded scores are shown")),
            taken: rec
                .answers
                .iter()
                .any(|a| a.status != AnswerStatus::NotAsked),
            scales: scales(
                use_def,
                def.map_or(&[], |e| e.loaded.scale_ranges()),
                &scores,
                lang,
            ),
            answers: match detail {
                Detail::Full => answers(use_def, rec, lang),
                Detail::Scores => Vec::new(),
            },
            notes,
        });
    }
    for (f, tags) in flags.iter_mut().zip(&flag_tags) {
        // Deferred: couple and skills work (tags `partner` and `skills`) that a raised flag
        // withholds. Other withheld advice (about sex itself, for instance) is left out of
        // the client's summary but stays part of the clinical picture, and a safety concern
        // is never deferred.
        f.deferred = !f.safety
            && tags
                .iter()
                .any(|t| DEFERRABLE_TAGS.contains(&t.as_str()) && withheld.contains(t.as_str()));
    }
    flags.sort_by_key(|f| std::cmp::Reverse(level_rank(&f.level)));
    let free_text = match detail {
        Detail::Full => questionnaires
            .iter()
            .flat_map(|q| {
                q.answers
                    .iter()
                    .filter(|a| is_text(a.kind.as_deref()) && a.status == AnswerStatus::Answered)
                    .map(move |a| FreeText {
                        questionnaire: q.id.clone(),
                        item: a.item.clone(),
                        question: a.text.clone(),
                        answer: a.display.clone(),
                    })
            })
            .collect(),
        Detail::Scores => Vec::new(),
    };
    SessionReport {
        file: input.file.clone(),
        id: r.id.clone(),
        created: r.created.clone(),
        reference: r.reference.clone(),
        language: r.language.clone(),
        recorded_by: ToolInfo {
            name: r.tool.name.clone(),
            version: r.tool.version.clone(),
        },
        safety_screen: screen.finish(),
        flags,
        overview,
        free_text,
        questionnaires,
    }
}

/// What the safety screen has seen so far in a session.
#[derive(Default)]
struct ScreenTally {
    raised: Vec<String>,
    answered: usize,
    refused: usize,
}

impl ScreenTally {
    /// Counts the safety questions of `q` (tagged `safety`) as the record answered them.
    fn add_answers(&mut self, q: &Questionnaire, rec: &QuestionnaireRecord) {
        let safety_items = q
            .items
            .iter()
            .filter(|i| i.common().tags.iter().any(|t| t == SAFETY_TAG));
        for item in safety_items {
            let Some(a) = rec.answers.iter().find(|a| a.item == item.id()) else {
                continue;
            };
            match a.status {
                AnswerStatus::Answered => self.answered += 1,
                AnswerStatus::Declined | AnswerStatus::Skipped => self.refused += 1,
                AnswerStatus::NotAsked => {}
            }
        }
    }

    fn finish(self) -> SafetyScreen {
        let status = if !self.raised.is_empty() {
            ScreenStatus::Raised
        } else if self.refused > 0 {
            ScreenStatus::Declined
        } else if self.answered > 0 {
            ScreenStatus::Screened
        } else {
            ScreenStatus::NotAsked
        };
        SafetyScreen::new(status, self.raised)
    }
}

/// The person's answer to the questionnaire's `bother` item, in words.
fn bother_words(q: &Questionnaire, rec: &QuestionnaireRecord, lang: &str) -> Option<String> {
    let (_, item) = q
        .items
        .iter()
        .enumerate()
        .find(|(_, i)| i.common().tags.iter().any(|t| t == BOTHER_TAG))?;
    let a = rec.answers.iter().find(|a| a.item == item.id());
    Some(match a.map(|a| (a.status, a.value.as_ref())) {
        Some((AnswerStatus::Answered, Some(v))) => {
            match crate::model::answer::Answer::from_json(item, v) {
                Ok(ans) => crate::model::answer::describe(q, item, Some(&ans), lang),
                Err(_) => plain_value(v),
            }
        }
        Some((AnswerStatus::Declined, _)) => "declined".into(),
        Some((AnswerStatus::Skipped, _)) => "skipped".into(),
        _ => "not asked".into(),
    })
}

/// Ranks flag levels for sorting; unknown levels (from a forged file) rank lowest.
pub fn level_rank(level: &str) -> usize {
    match level {
        "urgent" => 4,
        "see-a-clinician" => 3,
        "suggestion" => 2,
        "note" => 1,
        _ => 0,
    }
}

fn same_scores(a: &[ScoreRecord], b: &[ScoreRecord]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.scale == y.scale
                && x.band == y.band
                && x.valid == y.valid
                && match (x.value, y.value) {
                    (Some(p), Some(q)) => (p - q).abs() < 1e-6,
                    (None, None) => true,
                    _ => false,
                }
        })
}

pub fn short(sha: &str) -> String {
    sha.chars().take(12).collect()
}

fn scales(
    q: Option<&Questionnaire>,
    ranges: &[Option<ScaleRange>],
    scores: &[ScoreRecord],
    lang: &str,
) -> Vec<ScaleEntry> {
    scores
        .iter()
        .map(|s| {
            let def = q.and_then(|q| q.scale(&s.scale).map(|(i, d)| (q, i, d)));
            let range = def.and_then(|(_, i, _)| ranges.get(i).copied().flatten());
            let band_label = def.and_then(|(q, _, d)| {
                let band = s.band.as_ref()?;
                d.bands
                    .iter()
                    .find(|b| &b.id == band)
                    .map(|b| b.label.resolve(lang, &q.language).to_owned())
            });
            ScaleEntry {
                id: s.scale.clone(),
                title: def.map_or_else(
                    || s.scale.clone(),
                    |(q, _, d)| d.title.resolve(lang, &q.language).to_owned(),
                ),
                value: s.value,
                min: range.map(|r| r.min),
                max: range.map(|r| r.max),
                band: s.band.clone(),
                band_label,
                valid: s.valid,
                answered: s.answered,
                parts: s.parts,
            }
        })
        .collect()
}

fn answers(q: Option<&Questionnaire>, rec: &QuestionnaireRecord, lang: &str) -> Vec<AnswerEntry> {
    rec.answers
        .iter()
        .map(|a| {
            let item = q.and_then(|q| q.item(&a.item).map(|(_, i)| (q, i)));
            let display = match a.status {
                AnswerStatus::Declined => "declined (prefer not to answer)".to_string(),
                AnswerStatus::Skipped => "skipped".to_string(),
                AnswerStatus::NotAsked => "not asked (did not apply)".to_string(),
                AnswerStatus::Answered => match (item, &a.value) {
                    (Some((q, item)), Some(v)) => {
                        match crate::model::answer::Answer::from_json(item, v) {
                            Ok(ans) => crate::model::answer::describe(q, item, Some(&ans), lang),
                            Err(_) => plain_value(v),
                        }
                    }
                    (None, Some(v)) => plain_value(v),
                    (_, None) => String::new(),
                },
            };
            AnswerEntry {
                item: a.item.clone(),
                text: item.map(|(q, i)| i.common().text.resolve(lang, &q.language).to_owned()),
                kind: item.map(|(_, i)| i.kind().to_owned()),
                status: a.status,
                value: a.value.clone(),
                display,
            }
        })
        .collect()
}

fn plain_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// What the summary table needs of one session: its reference and scores.
#[derive(Debug, Clone)]
pub struct Point {
    pub reference: Option<String>,
    pub id: String,
    pub created: String,
    pub file: Option<String>,
    pub scores: BTreeMap<String, Option<f64>>,
}

/// The summary point of a session.
pub fn point(s: &SessionReport) -> Point {
    Point {
        reference: s.reference.clone(),
        id: s.id.clone(),
        created: s.created.clone(),
        file: s.file.clone(),
        scores: s
            .questionnaires
            .iter()
            .flat_map(|q| {
                q.scales
                    .iter()
                    .map(move |sc| (format!("{}.{}", q.id, sc.id), sc.value))
            })
            .collect(),
    }
}

/// Groups sessions by reference (sessions without one last), oldest first within a group,
/// with the change of each score since the previous intake of the same reference.
pub fn group(mut points: Vec<Point>) -> Vec<ReferenceGroup> {
    points.sort_by(|a, b| {
        (a.reference.is_none(), &a.reference, &a.created, &a.id).cmp(&(
            b.reference.is_none(),
            &b.reference,
            &b.created,
            &b.id,
        ))
    });
    let mut groups: Vec<ReferenceGroup> = Vec::new();
    for p in points {
        if groups.last().is_none_or(|g| g.reference != p.reference) {
            groups.push(ReferenceGroup {
                reference: p.reference.clone(),
                sessions: Vec::new(),
            });
        }
        let Some(group) = groups.last_mut() else {
            continue;
        };
        let change = match group.sessions.last() {
            Some(prev) => p
                .scores
                .iter()
                .map(|(k, v)| {
                    let d = match (v, prev.scores.get(k).copied().flatten()) {
                        (Some(now), Some(before)) => Some(crate::model::range::round(now - before)),
                        _ => None,
                    };
                    (k.clone(), d)
                })
                .collect(),
            None => BTreeMap::new(),
        };
        group.sessions.push(TrendPoint {
            id: p.id,
            created: p.created,
            file: p.file,
            scores: p.scores,
            change,
        });
    }
    groups
}

/// The note every clinician report ends with.
pub const CLINICAL_NOTE: &str = "These questionnaires are screening aids, not diagnostic instruments. A clinical diagnosis of a sexual difficulty also needs duration (usually about 6 months or more), clinically significant distress, and a look at context: the relationship, medicines, physical and mental health, and whether stimulation is adequate.";

/// Whether an item kind holds free text.
pub fn is_text(kind: Option<&str>) -> bool {
    kind == Some("text")
}

/// The wording of an item, for exports that need it.
pub fn item_text(q: &Questionnaire, item: &Item, lang: &str) -> String {
    item.common().text.resolve(lang, &q.language).to_owned()
}
