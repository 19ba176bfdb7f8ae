//! The clinician report (`confide report`): what each intake says, built once as a
//! serialisable structure (`confide.report/1`) and then written as text, Markdown, CSV or
//! FHIR.
//!
//! Scores are recomputed from the questionnaire definition when its hash matches the one
//! recorded with the answers; otherwise the recorded scores are shown and the report says so.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::model::answer::{self, Answer};
use crate::model::catalog::{self, Catalog};
use crate::model::questionnaire::{BOTHER_TAG, FlagLevel, Item, Questionnaire, SAFETY_TAG};
use crate::model::range::ScaleRange;
use crate::model::response::{
    AnswerStatus, FlagRecord, QuestionnaireRecord, Response, ScoreRecord,
};
use crate::scoring::{self, Earlier, Scored, record};

use super::change::{Reliable, ScaleNorms};
use super::grouped::group_all;
pub(crate) use super::grouped::{Grouped, Point, point};

pub(crate) const REPORT_FORMAT: &str = "confide.report/1";

/// Beside `bother`, marks the rating as one of sex or the sex life as a whole (the context
/// questionnaire's), not of the questionnaire's own scales: the overview gives it a line of
/// its own instead of showing it beside those scales.
const OVERALL_TAG: &str = "overall";

/// Tags of advice the clinician report lists as deferred when a raised flag withholds them:
/// couple and partner work (`partner`) and assertiveness or skills framing (`skills`).
const DEFERRABLE_TAGS: [&str; 2] = ["partner", "skills"];

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    format: &'static str,
    /// When the report was made (UTC, RFC 3339).
    pub(crate) generated: String,
    tool: ToolInfo,
    pub sessions: Vec<SessionReport>,
    /// Files that could not be read, with the reason.
    pub(crate) failures: Vec<Failure>,
    /// Sessions grouped by reference code, oldest first, with change between intakes.
    pub summary: Vec<ReferenceGroup>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ToolInfo {
    pub(crate) name: String,
    pub(crate) version: String,
}

impl ToolInfo {
    /// This version of confide.
    pub(crate) fn this() -> ToolInfo {
        ToolInfo {
            name: "confide".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SessionReport {
    /// The file the session came from, if any.
    pub(crate) file: Option<String>,
    pub(crate) id: String,
    pub(crate) created: String,
    pub(crate) reference: Option<String>,
    pub(crate) language: String,
    /// The version of confide that recorded the session.
    pub(crate) recorded_by: ToolInfo,
    /// Whether the safety questions were asked and answered, and what they raised.
    pub safety_screen: SafetyScreen,
    /// Every flag raised, most urgent first.
    pub flags: Vec<FlagEntry>,
    /// The person's rating of how much sex or their sex life bothers them as a whole (a
    /// `bother` item tagged `overall`), which the overview shows on a line of its own.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) overall_bother: Vec<OverallBother>,
    /// One row per scale: the overview a report opens with.
    pub(crate) overview: Vec<OverviewRow>,
    /// Every free-text answer, in the order asked.
    pub(crate) free_text: Vec<FreeText>,
    pub questionnaires: Vec<QuestionnaireReport>,
    /// The other partner of a couple, when their safety screen raised something: this
    /// intake's couple and skills suggestions are deferred because of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) deferred_for: Option<String>,
    /// The other partner of a couple (`CODE-2` for `CODE-1`), when this is one partner's
    /// intake and the other's is not in the report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) partner_absent: Option<String>,
}

impl SessionReport {
    /// Defers the couple and skills suggestions of a partner whose partner, `other`, raised
    /// the safety screen: couple work with them is contraindicated too.
    pub(crate) fn defer_for_partner(&mut self, other: &str) {
        let mut any = false;
        for f in self.flags.iter_mut().filter(|f| f.deferrable) {
            f.deferred = true;
            any = true;
        }
        if any {
            self.deferred_for = Some(other.to_owned());
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FlagEntry {
    pub questionnaire: String,
    pub id: String,
    pub level: Level,
    /// What the person read (second person).
    pub(crate) message: String,
    /// What the clinician reads (third person); the person's text when the definition has
    /// none or is not available.
    pub(crate) clinician: String,
    /// Whether the definition marks the flag as a safety concern.
    pub(crate) safety: bool,
    /// True when a raised safety flag withholds this flag's advice (couple or skills work,
    /// for instance): it is listed apart, as deferred while safety concerns are unresolved.
    pub(crate) deferred: bool,
    /// Couple or skills work (tags `partner` and `skills`), and no safety concern: what a
    /// safety concern of the other partner of a couple defers too.
    #[serde(skip)]
    pub(crate) deferrable: bool,
}

/// A raised flag's level as the record names it. A record comes from outside (an intake
/// file from another version of confide, or a forged one) and may name a level this
/// version does not know: that level is kept as written, shown as written, and ranks below
/// every known one. It is written to JSON as the record's string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Level {
    Known(FlagLevel),
    Unknown(String),
}

impl Level {
    /// The level a record names.
    fn parse(s: &str) -> Level {
        FlagLevel::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .map_or_else(|| Level::Unknown(s.to_owned()), Level::Known)
    }

    /// The level as the record writes it.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Level::Known(level) => level.as_str(),
            Level::Unknown(other) => other,
        }
    }

    /// The level, when this version knows it.
    pub(crate) fn known(&self) -> Option<FlagLevel> {
        match self {
            Level::Known(level) => Some(*level),
            Level::Unknown(_) => None,
        }
    }

    pub(crate) fn is_urgent(&self) -> bool {
        self.known() == Some(FlagLevel::Urgent)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Level {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A level compared with the string a record writes (`level == "urgent"`).
impl PartialEq<&str> for Level {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Ranks flag levels for sorting, most urgent highest; a level this version does not know
/// (from a forged file) ranks lowest.
pub fn level_rank(level: &Level) -> usize {
    match level.known() {
        Some(FlagLevel::Urgent) => 4,
        Some(FlagLevel::SeeAClinician) => 3,
        Some(FlagLevel::Suggestion) => 2,
        Some(FlagLevel::Note) => 1,
        None => 0,
    }
}

/// The safety screen of one intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ScreenStatus {
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
    pub(crate) status: ScreenStatus,
    /// `questionnaire.flag` of each safety flag raised.
    raised: Vec<String>,
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

/// The overall bother rating of one questionnaire, in words.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OverallBother {
    pub(crate) questionnaire: String,
    pub(crate) item: String,
    /// The answer in words (`declined`, `skipped`, `not asked` when so).
    pub(crate) answer: String,
}

/// One scale in the overview, with the person's own rating of how much the topic bothers
/// them (the questionnaire's item tagged `bother`, unless it rates sex as a whole).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OverviewRow {
    pub(crate) questionnaire: String,
    pub(crate) questionnaire_title: String,
    pub(crate) scale: String,
    pub(crate) scale_title: String,
    pub(crate) value: Option<f64>,
    pub(crate) min: Option<f64>,
    pub(crate) max: Option<f64>,
    pub(crate) band_label: Option<String>,
    /// Whether enough was answered for a value.
    pub(crate) valid: bool,
    pub(crate) answered: usize,
    pub(crate) parts: usize,
    /// The bother answer in words (`declined`, `skipped`, `not asked` when so), or none
    /// when the questionnaire has no bother item or its bother item rates sex as a whole.
    pub(crate) bother: Option<String>,
}

/// A free-text answer.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FreeText {
    pub(crate) questionnaire: String,
    pub(crate) item: String,
    pub(crate) question: Option<String>,
    pub(crate) answer: String,
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

/// Where the scores and flags of one questionnaire in the report come from: recomputed
/// from the definition, or taken from the record, and why. The report's `definition`,
/// `recomputed` and `notes` are all said from it.
#[derive(Debug, Clone, PartialEq)]
enum Scoring {
    /// Recomputed from the definition answered, available here. `record_differs`: the
    /// recorded scores or flags are not what the fresh computation gives.
    Recomputed { record_differs: bool },
    /// The definition is the one answered, but the recorded answers do not fit it (why, in
    /// words): the recorded scores are shown.
    AnswersDoNotFit(String),
    /// Answered with another version of the definition than the one here (`version_here`):
    /// the recorded scores are shown.
    OtherDefinition { version_here: String },
    /// No definition with this id is available: the recorded scores are shown.
    Unavailable,
}

impl Scoring {
    fn definition(&self) -> DefinitionCheck {
        match self {
            Scoring::Recomputed { .. } | Scoring::AnswersDoNotFit(_) => DefinitionCheck::Matches,
            Scoring::OtherDefinition { .. } => DefinitionCheck::Differs,
            Scoring::Unavailable => DefinitionCheck::Unavailable,
        }
    }

    fn recomputed(&self) -> bool {
        matches!(self, Scoring::Recomputed { .. })
    }

    /// What the clinician should know about where the scores come from, if anything.
    fn note(&self, rec: &QuestionnaireRecord) -> Option<String> {
        match self {
            Scoring::Recomputed {
                record_differs: false,
            } => None,
            Scoring::Recomputed {
                record_differs: true,
            } => Some("the recorded scores or flags differ from a fresh computation with the same definition; the fresh computation is shown".into()),
            Scoring::AnswersDoNotFit(why) => Some(format!("{why}; recorded scores are shown")),
            Scoring::OtherDefinition { version_here } => Some(format!(
                "answered with a different definition (version {}, sha256 {}) than the one available here (version {version_here}); recorded scores are shown",
                rec.version,
                short(&rec.sha256),
            )),
            Scoring::Unavailable => Some(format!(
                "the questionnaire `{}` is not available here; recorded scores are shown without its wording",
                rec.id
            )),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestionnaireReport {
    pub id: String,
    pub version: String,
    pub(crate) sha256: String,
    pub title: String,
    pub definition: DefinitionCheck,
    /// True when scores were recomputed from the definition.
    pub recomputed: bool,
    /// Anything the clinician should know about this part (mismatches, for instance).
    pub notes: Vec<String>,
    /// False when nothing was asked (the topic did not apply).
    pub taken: bool,
    /// Whether the questionnaire is a validated published instrument (the definition's
    /// `provenance.validated`); absent when the definition is not available here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validated: Option<bool>,
    /// The published source, for a validated instrument.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) citation: Option<String>,
    pub scales: Vec<ScaleEntry>,
    pub answers: Vec<AnswerEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScaleEntry {
    pub id: String,
    pub(crate) title: String,
    pub value: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub(crate) band: Option<String>,
    pub(crate) band_label: Option<String>,
    pub valid: bool,
    pub(crate) answered: usize,
    pub(crate) parts: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswerEntry {
    pub item: String,
    /// The question as asked (when the definition is available).
    pub text: Option<String>,
    /// What kind of question it is (when the definition is available).
    pub(crate) kind: Option<AnswerKind>,
    pub status: AnswerStatus,
    pub(crate) value: Option<Value>,
    /// The answer in words.
    pub(crate) display: String,
}

/// The kind of question an answer is to, written to JSON as the questionnaire format names
/// it (`single_choice`, `multi_choice`, `number`, `text`, `display`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum AnswerKind {
    SingleChoice,
    MultiChoice,
    Number,
    Text,
    Display,
}

impl AnswerKind {
    fn of(item: &Item) -> AnswerKind {
        match item {
            Item::SingleChoice(_) => AnswerKind::SingleChoice,
            Item::MultiChoice(_) => AnswerKind::MultiChoice,
            Item::Number(_) => AnswerKind::Number,
            Item::Text(_) => AnswerKind::Text,
            Item::Display(_) => AnswerKind::Display,
        }
    }
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
    pub(crate) created: String,
    pub(crate) file: Option<String>,
    /// `questionnaire.scale` to value.
    pub scores: BTreeMap<String, Option<f64>>,
    /// `questionnaire.scale` to change since this reference's previous session.
    pub change: BTreeMap<String, Option<f64>>,
    /// `questionnaire.scale` to the change since the previous session and since the first,
    /// each judged reliable or not (where both scores are valid).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub reliable_change: BTreeMap<String, Reliable>,
}

/// One decrypted session and where it came from.
pub struct Input {
    pub file: Option<String>,
    pub response: Response,
}

/// Builds the whole report in memory (for a few sessions; `confide report` streams with
/// `session_with`, `point` and `group` instead). Sessions stay in the order given.
pub fn build(
    inputs: &[Input],
    failures: Vec<Failure>,
    catalog: &Catalog,
    lang: &str,
    generated: String,
) -> Report {
    let sessions: Vec<SessionReport> = inputs
        .iter()
        .map(|i| session_with(i, catalog, lang, Detail::Full))
        .collect();
    let summary = group_all(
        sessions.iter().map(point).collect(),
        &ScaleNorms::of(catalog),
    );
    Report {
        format: REPORT_FORMAT,
        generated,
        tool: ToolInfo::this(),
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

/// The report of one session, with as much detail as the output needs.
pub fn session_with(input: &Input, catalog: &Catalog, lang: &str, detail: Detail) -> SessionReport {
    let r = &input.response;
    let mut session = SessionBuilder {
        catalog,
        lang,
        detail,
        done: Vec::new(),
        screen: ScreenTally::default(),
        withheld: BTreeSet::new(),
        flags: Vec::new(),
        overall_bother: Vec::new(),
        overview: Vec::new(),
        questionnaires: Vec::new(),
    };
    for rec in &r.questionnaires {
        session.add(rec);
    }
    let flags = session.flags_in_order();
    let free_text = match detail {
        Detail::Full => free_text(&session.questionnaires),
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
        safety_screen: session.screen.finish(),
        flags,
        overall_bother: session.overall_bother,
        overview: session.overview,
        free_text,
        questionnaires: session.questionnaires,
        deferred_for: None,
        partner_absent: None,
    }
}

/// One session's report as it is put together, a questionnaire at a time.
struct SessionBuilder<'a> {
    catalog: &'a Catalog,
    lang: &'a str,
    detail: Detail,
    /// The questionnaires scored again so far, for the conditions of later ones.
    done: Vec<Scored>,
    screen: ScreenTally,
    /// What raised flags withhold (tags).
    withheld: BTreeSet<&'a str>,
    /// Each flag entry with the tags its definition gives it.
    flags: Vec<(FlagEntry, &'a [String])>,
    overall_bother: Vec<OverallBother>,
    overview: Vec<OverviewRow>,
    questionnaires: Vec<QuestionnaireReport>,
}

impl<'a> SessionBuilder<'a> {
    /// Adds one questionnaire of the record: its scores, flags, safety questions, overview
    /// rows and answers.
    fn add(&mut self, rec: &QuestionnaireRecord) {
        let def = self.catalog.get(&rec.id);
        let (scoring, scores, raised) = self.scores(def, rec);
        let q = def.map(catalog::Entry::q);
        for f in &raised {
            self.add_flag(q, rec, f);
        }
        // The wording of a definition that differs is still shown; of none, nothing.
        let known = q.filter(|_| scoring != Scoring::Unavailable);
        let asked = def.map(|e| asked_ranges_of(e, rec));
        let ranges = match (&asked, def) {
            (Some(Some(ranges)), _) => &ranges[..],
            (_, Some(e)) => e.loaded.scale_ranges(),
            (_, None) => &[][..],
        };
        let scales = scales(known, ranges, &scores, self.lang);
        if let Some(q) = known {
            self.screen.add_answers(q, rec);
            if self.detail == Detail::Full {
                self.overall_bother
                    .extend(overall_bother(q, rec, self.lang));
                self.overview
                    .extend(overview_rows(q, rec, &scales, self.lang));
            }
        }
        self.questionnaires.push(QuestionnaireReport {
            id: rec.id.clone(),
            version: rec.version.clone(),
            sha256: rec.sha256.clone(),
            title: q.map_or_else(
                || rec.id.clone(),
                |q| q.title.resolve(self.lang, &q.language).to_owned(),
            ),
            definition: scoring.definition(),
            recomputed: scoring.recomputed(),
            notes: scoring.note(rec).into_iter().collect(),
            taken: rec
                .answers
                .iter()
                .any(|a| a.status != AnswerStatus::NotAsked),
            validated: known.map(|q| q.provenance.validated),
            citation: known
                .filter(|q| q.provenance.validated)
                .and_then(|q| q.provenance.citation.clone()),
            scales,
            answers: match self.detail {
                Detail::Full => answers(known, rec, self.lang),
                Detail::Scores => Vec::new(),
            },
        });
    }

    /// The scores and flags to show for a questionnaire: recomputed from its definition
    /// when that is the one answered, else the recorded ones.
    fn scores(
        &mut self,
        def: Option<&catalog::Entry>,
        rec: &QuestionnaireRecord,
    ) -> (Scoring, Vec<ScoreRecord>, Vec<FlagRecord>) {
        let recorded = |scoring| (scoring, rec.scores.clone(), rec.flags.clone());
        let Some(entry) = def else {
            return recorded(Scoring::Unavailable);
        };
        let q = entry.q();
        if entry.loaded.sha256() != rec.sha256 {
            return recorded(Scoring::OtherDefinition {
                version_here: q.version.clone(),
            });
        }
        let answers = match record::answers_from_record(q, rec) {
            Ok(answers) => answers,
            Err(why) => return recorded(Scoring::AnswersDoNotFit(why)),
        };
        let earlier: Earlier = self.done.iter().map(|s| (s.id.as_str(), s)).collect();
        let scored = scoring::score_owned(q, answers, &earlier);
        let scores = record::score_records(q, &scored);
        let flags = record::flag_records(&scored);
        let record_differs = !same_scores(&scores, &rec.scores) || flags != rec.flags;
        self.done.push(scored);
        (Scoring::Recomputed { record_differs }, scores, flags)
    }

    /// Adds a raised flag, in the clinician's words when the definition has them; a safety
    /// flag goes to the screen, and what the flag withholds is noted.
    fn add_flag(
        &mut self,
        q: Option<&'a Questionnaire>,
        rec: &QuestionnaireRecord,
        f: &FlagRecord,
    ) {
        let def = q.and_then(|q| q.flags.iter().find(|d| d.id == f.id));
        let resolve = |t: &crate::model::text::Text| {
            q.map_or_else(String::new, |q| {
                t.resolve(self.lang, &q.language).to_owned()
            })
        };
        let message = def.map_or_else(|| f.id.clone(), |d| resolve(&d.message));
        let clinician = def
            .and_then(|d| d.clinician.as_ref())
            .map_or_else(|| message.clone(), resolve);
        let safety = def.is_some_and(|d| d.tags.iter().any(|t| t == SAFETY_TAG));
        if safety {
            self.screen.raised.push(format!("{}.{}", rec.id, f.id));
        }
        if let Some(d) = def {
            self.withheld.extend(d.withholds.iter().map(String::as_str));
        }
        let entry = FlagEntry {
            questionnaire: rec.id.clone(),
            id: f.id.clone(),
            level: Level::parse(&f.level),
            message,
            clinician,
            safety,
            deferred: false,
            deferrable: false,
        };
        self.flags
            .push((entry, def.map_or(&[][..], |d| d.tags.as_slice())));
    }

    /// The flags, urgent first, with those whose advice is withheld marked deferred.
    fn flags_in_order(&mut self) -> Vec<FlagEntry> {
        let withheld = &self.withheld;
        let mut flags: Vec<FlagEntry> = std::mem::take(&mut self.flags)
            .into_iter()
            .map(|(mut f, tags)| {
                // Deferred: couple and skills work (tags `partner` and `skills`) that a
                // raised flag withholds. Other withheld advice (about sex itself, for
                // instance) is left out of the client's summary but stays part of the
                // clinical picture, and a safety concern is never deferred.
                f.deferrable =
                    !f.safety && tags.iter().any(|t| DEFERRABLE_TAGS.contains(&t.as_str()));
                f.deferred = f.deferrable
                    && tags.iter().any(|t| {
                        DEFERRABLE_TAGS.contains(&t.as_str()) && withheld.contains(t.as_str())
                    });
                f
            })
            .collect();
        flags.sort_by_key(|f| std::cmp::Reverse(level_rank(&f.level)));
        flags
    }
}

/// The overview rows of a questionnaire: its scales, each with the bother answer unless
/// that rates sex as a whole.
fn overview_rows(
    q: &Questionnaire,
    rec: &QuestionnaireRecord,
    scales: &[ScaleEntry],
    lang: &str,
) -> Vec<OverviewRow> {
    let bother = bother_item(q)
        .filter(|(_, overall)| !overall)
        .map(|(item, _)| bother_words(q, item, rec, lang));
    let title = q.title.resolve(lang, &q.language);
    scales
        .iter()
        .map(|sc| OverviewRow {
            questionnaire: rec.id.clone(),
            questionnaire_title: title.to_owned(),
            scale: sc.id.clone(),
            scale_title: sc.title.clone(),
            value: sc.value,
            min: sc.min,
            max: sc.max,
            band_label: sc.band_label.clone().or_else(|| sc.band.clone()),
            valid: sc.valid,
            answered: sc.answered,
            parts: sc.parts,
            bother: bother.clone(),
        })
        .collect()
}

/// Every free-text answer of a session, in the order asked.
fn free_text(questionnaires: &[QuestionnaireReport]) -> Vec<FreeText> {
    questionnaires
        .iter()
        .flat_map(|q| {
            q.answers
                .iter()
                .filter(|a| a.is_free_text())
                .map(move |a| FreeText {
                    questionnaire: q.id.clone(),
                    item: a.item.clone(),
                    question: a.text.clone(),
                    answer: a.display.clone(),
                })
        })
        .collect()
}

impl AnswerEntry {
    /// Whether this is free text the person wrote.
    pub(crate) fn is_free_text(&self) -> bool {
        self.kind == Some(AnswerKind::Text) && self.status == AnswerStatus::Answered
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

/// The questionnaire's `bother` item, and whether it rates sex as a whole (tagged
/// `overall` as well).
fn bother_item(q: &Questionnaire) -> Option<(&Item, bool)> {
    let item = q
        .items
        .iter()
        .find(|i| i.common().tags.iter().any(|t| t == BOTHER_TAG))?;
    let overall = item.common().tags.iter().any(|t| t == OVERALL_TAG);
    Some((item, overall))
}

/// The questionnaire's overall bother rating, when its bother item is one.
fn overall_bother(
    q: &Questionnaire,
    rec: &QuestionnaireRecord,
    lang: &str,
) -> Option<OverallBother> {
    let (item, overall) = bother_item(q)?;
    overall.then(|| OverallBother {
        questionnaire: rec.id.clone(),
        item: item.id().to_owned(),
        answer: bother_words(q, item, rec, lang),
    })
}

/// The person's answer to a `bother` item, in words.
fn bother_words(q: &Questionnaire, item: &Item, rec: &QuestionnaireRecord, lang: &str) -> String {
    let a = rec.answers.iter().find(|a| a.item == item.id());
    match a.map(|a| (a.status, a.value.as_ref())) {
        Some((AnswerStatus::Answered, Some(v))) => answer_words(q, item, v, lang),
        Some((AnswerStatus::Declined, _)) => "declined".into(),
        Some((AnswerStatus::Skipped, _)) => "skipped".into(),
        _ => "not asked".into(),
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

pub(crate) fn short(sha: &str) -> String {
    sha.chars().take(12).collect()
}

/// The range of each scale over the items this intake was asked, when a route left some
/// out; `None` when every item was asked and the definition's own ranges apply.
fn asked_ranges_of(
    entry: &catalog::Entry,
    rec: &QuestionnaireRecord,
) -> Option<Vec<Option<ScaleRange>>> {
    let not_asked: Vec<&str> = rec
        .answers
        .iter()
        .filter(|a| a.status == AnswerStatus::NotAsked)
        .map(|a| a.item.as_str())
        .collect();
    if not_asked.is_empty() {
        return None;
    }
    Some(crate::model::range::asked_ranges(entry.q(), &|id| {
        !not_asked.contains(&id)
    }))
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
                    (Some((q, item)), Some(v)) => answer_words(q, item, v, lang),
                    (None, Some(v)) => plain_value(v),
                    (_, None) => String::new(),
                },
            };
            // Not asked, but worked out from the questionnaires the person named.
            let display = if a.derived {
                format!("{display} (derived from the questionnaires chosen, not asked)")
            } else {
                display
            };
            AnswerEntry {
                item: a.item.clone(),
                text: item.map(|(q, i)| i.common().text.resolve(lang, &q.language).to_owned()),
                kind: item.map(|(_, i)| AnswerKind::of(i)),
                status: a.status,
                value: a.value.clone(),
                display,
            }
        })
        .collect()
}

/// A recorded answer in words, as the item's options say it; the value as written when it
/// does not fit the item.
fn answer_words(q: &Questionnaire, item: &Item, v: &Value, lang: &str) -> String {
    match Answer::from_json(item, v) {
        Ok(ans) => answer::describe(q, item, Some(&ans), lang),
        Err(_) => plain_value(v),
    }
}

fn plain_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The note every clinician report ends with.
pub(crate) const CLINICAL_NOTE: &str = "These questionnaires are screening aids, not diagnostic instruments. A clinical diagnosis of a sexual difficulty also needs duration (usually about 6 months or more), clinically significant distress, and a look at context: the relationship, medicines, physical and mental health, and whether stimulation is adequate.";

#[cfg(test)]
mod tests {
    use super::{Level, level_rank};
    use crate::model::questionnaire::FlagLevel;

    #[test]
    fn a_level_this_version_does_not_know_is_kept_as_written_and_ranks_last() {
        let levels = [
            "urgent",
            "see-a-clinician",
            "suggestion",
            "note",
            "catastrophic",
            "",
        ];
        let parsed: Vec<Level> = levels.iter().map(|l| Level::parse(l)).collect();
        assert_eq!(parsed[0], Level::Known(FlagLevel::Urgent));
        assert_eq!(parsed[1], Level::Known(FlagLevel::SeeAClinician));
        assert_eq!(parsed[4], Level::Unknown("catastrophic".into()));
        for (level, written) in parsed.iter().zip(levels) {
            assert_eq!(
                serde_json::to_string(level).unwrap(),
                serde_json::to_string(written).unwrap()
            );
        }
        let ranks: Vec<usize> = parsed.iter().map(level_rank).collect();
        assert_eq!(ranks, [4, 3, 2, 1, 0, 0]);
        assert!(parsed[0].is_urgent() && !parsed[4].is_urgent());
    }
}
