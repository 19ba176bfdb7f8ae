//! The clinician report as text (for the terminal) and as Markdown.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;

use super::change::{self, Verdict, signed};
use super::clinician::{
    CLINICAL_NOTE, DefinitionCheck, Failure, FlagEntry, Level, OverallBother, OverviewRow,
    QuestionnaireReport, ReferenceGroup, Report, ScaleEntry, ScreenStatus, SessionReport,
    TrendPoint, short,
};
use crate::model::questionnaire::FlagLevel;
use crate::model::response::AnswerStatus;
use crate::term::sanitize;
use crate::term::style::Style;

pub(crate) fn num(v: f64) -> String {
    crate::model::range::display(v, 1)
}

/// A flag's level as a heading word: `URGENT`, `SEE A CLINICIAN`; a level this version does
/// not know, as the record writes it, made safe and in capitals.
pub(crate) fn level_label(level: &Level) -> Cow<'static, str> {
    match level {
        Level::Known(FlagLevel::Urgent) => "URGENT".into(),
        Level::Known(FlagLevel::SeeAClinician) => "SEE A CLINICIAN".into(),
        Level::Known(FlagLevel::Suggestion) => "SUGGESTION".into(),
        Level::Known(FlagLevel::Note) => "NOTE".into(),
        Level::Unknown(other) => sanitize::line(other).to_uppercase().into(),
    }
}

pub(crate) fn definition_words(q: &QuestionnaireReport) -> String {
    match q.definition {
        DefinitionCheck::Matches => format!("definition matches, sha256 {}", short(&q.sha256)),
        DefinitionCheck::Differs => {
            format!("definition differs, recorded sha256 {}", short(&q.sha256))
        }
        DefinitionCheck::Unavailable => "definition not available".into(),
    }
}

fn scale_words(s: &ScaleEntry) -> String {
    let range = match (s.min, s.max) {
        (Some(a), Some(b)) => format!(" (range {} to {})", num(a), num(b)),
        _ => String::new(),
    };
    match s.value {
        Some(v) => {
            let band = match (&s.band_label, &s.band) {
                (Some(l), _) => format!(", band \"{}\"", sanitize::line(l)),
                (None, Some(b)) => format!(", band {}", sanitize::line(b)),
                _ => String::new(),
            };
            format!(
                "{}{range}{band}; valid, {} of {} answered",
                num(v),
                s.answered,
                s.parts
            )
        }
        None => format!(
            "not enough answers ({} of {} answered){range}",
            s.answered, s.parts
        ),
    }
}

/// Said once where a safety concern was raised: the sexual difficulties reported may be a
/// response to it.
macro_rules! coercion_caveat {
    () => {
        "Sexual difficulties reported in this intake may be a response to coercion or fear: a diagnosis of sexual dysfunction is not made when symptoms are better explained by partner violence or severe relationship distress."
    };
}

/// The heading of flags whose advice a raised safety flag withholds.
pub(crate) const DEFERRED_HEADING: &str = "Deferred until safety and pressure are assessed";
/// What the deferred flags mean.
pub(crate) const DEFERRED_NOTE: &str = "Couple-based, communication and assertiveness work is contraindicated while the client reports coercion, pressure or fear of a partner; reconsider only after an individual assessment of safety and with the client's independent agreement. Medical, mood and anxiety assessments are not deferred.";

/// For the intake of one partner of a couple whose other partner's intake is not in the
/// report: that it may be a couple's, and what to do before any joint session.
pub(crate) fn partner_absent_words(s: &SessionReport) -> Option<String> {
    let other = s.partner_absent.as_deref()?;
    let me = s.reference.as_deref()?;
    let couple = me.get(..me.len().saturating_sub(2)).unwrap_or(me);
    Some(format!(
        "{me} may be one partner of a couple invited together ({couple}); the intake of {other} is not in this report. Read it for a safety concern, and see each partner alone, before any joint session."
    ))
}

/// What the deferred section of an intake says before its flags: when the other partner of
/// a couple raised the safety screen, why, and what that means for work with them (about
/// that partner, not this client); and, when this intake's own screen raised something,
/// [`DEFERRED_NOTE`].
pub(crate) fn deferred_words(s: &SessionReport) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(o) = &s.deferred_for {
        let me = s.reference.as_deref().unwrap_or("this client");
        out.push(format!(
            "Deferred because the other partner of this couple ({o}) raised the safety screen: see the couple view."
        ));
        out.push(format!(
            "Couple-based and communication work with {o} is contraindicated while {o} reports coercion, pressure or fear of a partner; reconsider only after an individual assessment of {o}'s safety and with {o}'s independent agreement, given when seen alone. Nothing from {o}'s intake may be disclosed in work with {me}. Medical, mood and anxiety assessments are not deferred."
        ));
        if s.safety_screen.status != ScreenStatus::Raised {
            return out;
        }
    }
    out.push(DEFERRED_NOTE.to_owned());
    out
}

/// What a report asks of the clinician first, given the safety screen and the flags. Where
/// a safety concern was raised, it also says once that the sexual difficulties reported may
/// be a response to it; the flags' own texts do not repeat that caveat in every intake.
pub(crate) fn risk_prompt(s: &SessionReport) -> Option<&'static str> {
    if s.flags.iter().any(|f| f.level.is_urgent()) {
        Some(concat!(
            "Urgent flags: assess risk and safety at first contact, before any other work. Couple-based work is contraindicated while the client reports coercion or fear of a partner. ",
            coercion_caveat!()
        ))
    } else if s.safety_screen.status == ScreenStatus::Raised {
        Some(concat!(
            "A safety concern was raised: ask about it, and about safety, before any couple work. ",
            coercion_caveat!()
        ))
    } else if matches!(s.safety_screen.status, ScreenStatus::Declined) {
        Some(
            "The safety questions were not answered: ask about safety in private, with no partner present, and confirm a safe way and time to contact the client before any follow-up.",
        )
    } else {
        None
    }
}

/// The flags listed first, and those deferred while safety is unresolved.
pub(crate) fn listed_and_deferred(s: &SessionReport) -> (Vec<&FlagEntry>, Vec<&FlagEntry>) {
    s.flags.iter().partition(|f| !f.deferred)
}

/// The overall bother rating in words: it rates sex as a whole, so it has a line of its own
/// rather than sitting beside one questionnaire's scales.
fn overall_bother_words(b: &OverallBother) -> String {
    format!(
        "Overall sexual bother ({}.{}): {}",
        b.questionnaire, b.item, b.answer
    )
}

/// One overview row in words: scale, value and range, band, bother, whether enough was
/// answered.
fn overview_words(row: &OverviewRow) -> String {
    let range = match (row.min, row.max) {
        (Some(a), Some(b)) => format!(" (range {} to {})", num(a), num(b)),
        _ => String::new(),
    };
    let value = match row.value {
        Some(v) => format!("{}{range}", num(v)),
        None => format!("no value{range}"),
    };
    let band = row
        .band_label
        .as_deref()
        .map_or(String::new(), |b| format!(", \"{b}\""));
    let enough = if row.valid {
        format!("enough answered ({} of {})", row.answered, row.parts)
    } else {
        format!("not enough answered ({} of {})", row.answered, row.parts)
    };
    let bother = row
        .bother
        .as_deref()
        .map_or(String::new(), |b| format!("; bother: {b}"));
    format!(
        "{} / {}: {value}{band}{bother}; {enough}",
        row.questionnaire_title, row.scale_title
    )
}

/// The report as wrapped text.
pub fn text(report: &Report, width: usize, style: Style) -> String {
    let mut out = String::new();
    for (n, s) in report.sessions.iter().enumerate() {
        if n > 0 {
            out.push_str(&separator(width));
        }
        out.push_str(&session(s, width, style));
    }
    out.push_str(&failures(&report.failures, width, style));
    if report.sessions.len() > 1 {
        out.push('\n');
        out.push_str(&summary_text(&report.summary, style));
    }
    if !report.sessions.is_empty() {
        out.push_str(&footer(width));
    }
    out
}

fn filler(width: usize) -> impl Fn(&str, &str, &str) -> String {
    let width = width.max(40);
    move |s: &str, first: &str, rest: &str| {
        crate::term::wrap::fill(&sanitize::text(s), width, first, rest)
    }
}

/// The line between two sessions.
pub(crate) fn separator(width: usize) -> String {
    format!("\n{}\n\n", "=".repeat(width.clamp(40, 72)))
}

/// One session's report.
pub(crate) fn session(s: &SessionReport, width: usize, style: Style) -> String {
    let mut out = Text {
        out: String::new(),
        width,
        style,
    };
    out.session(s);
    out.out
}

/// The files that could not be read (empty when there are none).
pub(crate) fn failures(failures: &[Failure], width: usize, style: Style) -> String {
    if failures.is_empty() {
        return String::new();
    }
    let fill = filler(width);
    let mut out = String::from("\n");
    out.push_str(&style.bold("Files that could not be read"));
    out.push('\n');
    for f in failures {
        out.push_str(&fill(&format!("{}: {}", f.file, f.error), "  ", "    "));
        out.push('\n');
    }
    out
}

/// The closing clinical note.
pub(crate) fn footer(width: usize) -> String {
    format!("\n{}\n", filler(width)(CLINICAL_NOTE, "", ""))
}

/// A question as a report shows it, wrapped. The same questions come back in every
/// session of a report, so each thread wraps each one once.
fn question_line(text: &str, width: usize) -> String {
    thread_local! {
        static WRAPPED: RefCell<(usize, HashMap<String, String>)> =
            RefCell::new((0, HashMap::new()));
    }
    WRAPPED.with(|cell| {
        let mut cache = cell.borrow_mut();
        if cache.0 != width || cache.1.len() >= 4096 {
            *cache = (width, HashMap::new());
        }
        if let Some(done) = cache.1.get(text) {
            return done.clone();
        }
        let done = filler(width)(text, "    ", "    ");
        cache.1.insert(text.to_owned(), done.clone());
        done
    })
}

/// One session's text report as it is written, a section at a time.
struct Text {
    out: String,
    width: usize,
    style: Style,
}

impl Text {
    /// `s` wrapped (after `first`, then `rest` on each further line), and a line break.
    fn fill(&mut self, s: &str, first: &str, rest: &str) {
        self.out.push_str(&filler(self.width)(s, first, rest));
        self.out.push('\n');
    }

    /// Like [`Text::fill`], with the first `plain` in the wrapped text painted as `painted`
    /// (wrapped without the colour codes, so they never count as width).
    fn fill_painted(&mut self, s: &str, first: &str, rest: &str, plain: &str, painted: &str) {
        let wrapped = filler(self.width)(s, first, rest);
        self.out.push_str(&wrapped.replacen(plain, painted, 1));
        self.out.push('\n');
    }

    /// A bold heading after a blank line.
    fn section(&mut self, title: &str) {
        self.out.push('\n');
        self.out.push_str(&self.style.bold(title));
        self.out.push('\n');
    }

    fn session(&mut self, s: &SessionReport) {
        self.head(s);
        self.safety(s);
        self.flags(s);
        if !s.overview.is_empty() || !s.overall_bother.is_empty() {
            self.section("Overview");
            for b in &s.overall_bother {
                self.fill(&overall_bother_words(b), "  ", "    ");
            }
            for row in &s.overview {
                self.fill(&overview_words(row), "  ", "    ");
            }
        }
        if !s.free_text.is_empty() {
            self.section("In the client's own words");
            for t in &s.free_text {
                let question = t.question.as_deref().unwrap_or(&t.item);
                let line = format!(
                    "{question} ({}.{}): \"{}\"",
                    t.questionnaire, t.item, t.answer
                );
                self.fill(&line, "  ", "    ");
            }
        }
        self.section("Details");
        for q in &s.questionnaires {
            self.questionnaire(q);
        }
    }

    /// The title and where the session comes from.
    fn head(&mut self, s: &SessionReport) {
        self.out.push_str(&self.style.bold("confide intake report"));
        self.out.push('\n');
        if let Some(f) = &s.file {
            self.out
                .push_str(&format!("File:       {}\n", sanitize::line(f)));
        }
        self.out.push_str(&format!(
            "Reference:  {}\nDate:       {}\nSession:    {}\nRecorded:   {} {}, language {}\n",
            s.reference
                .as_deref()
                .map(sanitize::line)
                .unwrap_or("(none)".into()),
            sanitize::line(&s.created),
            sanitize::line(&s.id),
            sanitize::line(&s.recorded_by.name),
            sanitize::line(&s.recorded_by.version),
            sanitize::line(&s.language),
        ));
    }

    /// The safety screen, coloured unless it is clear, and what to ask first.
    fn safety(&mut self, s: &SessionReport) {
        self.out.push('\n');
        let screen = format!("Safety screen: {}", s.safety_screen.text);
        let painted = match s.safety_screen.status {
            ScreenStatus::Raised => self.style.red(&screen),
            ScreenStatus::Declined | ScreenStatus::NotAsked => self.style.yellow(&screen),
            ScreenStatus::Screened => screen.clone(),
        };
        self.fill_painted(&screen, "", "  ", &screen, &painted);
        if let Some(prompt) = risk_prompt(s) {
            self.fill(prompt, "  ", "  ");
        }
        if let Some(note) = partner_absent_words(s) {
            self.fill(&note, "  ", "  ");
        }
    }

    /// The flags, most urgent first with the level coloured; then those deferred.
    fn flags(&mut self, s: &SessionReport) {
        self.section("Flags");
        if s.flags.is_empty() {
            self.out.push_str("  none raised\n");
        }
        let (listed, deferred) = listed_and_deferred(s);
        for f in listed {
            let label = level_label(&f.level);
            let painted = match f.level.known() {
                Some(FlagLevel::Urgent) => self.style.red(&label),
                Some(FlagLevel::SeeAClinician) => self.style.yellow(&label),
                _ => label.to_string(),
            };
            let line = format!("{label} [{}] {}", f.questionnaire, f.clinician);
            self.fill_painted(&line, "  ", "    ", &label, &painted);
        }
        if !deferred.is_empty() {
            self.section(DEFERRED_HEADING);
            for words in deferred_words(s) {
                self.fill(&words, "  ", "  ");
            }
            for f in deferred {
                let line = format!(
                    "{} [{}] {}",
                    level_label(&f.level),
                    f.questionnaire,
                    f.clinician
                );
                self.fill(&line, "  ", "    ");
            }
        }
    }

    /// One questionnaire in detail: the definition check, notes, scales, every answer and
    /// the free text.
    fn questionnaire(&mut self, q: &QuestionnaireReport) {
        let title = format!(
            "{} ({} {}, {})",
            sanitize::line(&q.title),
            sanitize::line(&q.id),
            sanitize::line(&q.version),
            definition_words(q)
        );
        self.section(&title);
        if let Some(line) = validation_words(q) {
            self.fill(&sanitize::line(&line), "  ", "    ");
        }
        for n in &q.notes {
            self.fill(&format!("Note: {n}"), "  ", "    ");
        }
        if !q.taken {
            self.out
                .push_str("  Not taken: the topic did not apply, so nothing was asked.\n");
            return;
        }
        if !q.scales.is_empty() {
            self.out.push_str("  Scales\n");
            for sc in &q.scales {
                self.fill(
                    &format!("{}: {}", sc.title, scale_words(sc)),
                    "    ",
                    "      ",
                );
            }
        }
        self.out.push_str("  Answers\n");
        for a in &q.answers {
            let question = a.text.as_deref().unwrap_or(&a.item);
            self.out.push_str(&question_line(
                &format!("{} ({})", question, a.item),
                self.width,
            ));
            self.out.push('\n');
            let answer = match a.status {
                AnswerStatus::Answered => a.display.clone(),
                _ => format!("[{}]", a.display),
            };
            self.fill(&answer, "      -> ", "         ");
        }
        let free: Vec<_> = q.answers.iter().filter(|a| a.is_free_text()).collect();
        if !free.is_empty() {
            self.out.push_str("  Free text\n");
            for a in free {
                self.fill(&format!("{}: \"{}\"", a.item, a.display), "    ", "      ");
            }
        }
    }
}

/// The table of sessions grouped by reference, with change between intakes.
pub(crate) fn summary_text(groups: &[ReferenceGroup], style: Style) -> String {
    let mut out = summary_text_head(style);
    for g in groups {
        out.push_str(&summary_text_group(g));
    }
    out.push_str(&summary_text_end(groups.iter().any(unjudged)));
    out
}

/// The title of the summary table.
pub(crate) fn summary_text_head(style: Style) -> String {
    let mut out = style.bold("Summary by reference");
    out.push('\n');
    out
}

/// One reference's rows of the summary table.
pub(crate) fn summary_text_group(g: &ReferenceGroup) -> String {
    let mut out = format!(
        "  {}\n",
        g.reference
            .as_deref()
            .map(sanitize::line)
            .unwrap_or("(no reference)".into())
    );
    for p in &g.sessions {
        let scores: Vec<String> = p
            .scores
            .iter()
            .map(|(k, v)| {
                let value = v.map_or("n/a".into(), num);
                let reliable = reliable_words(p, k);
                match p.change.get(k).copied().flatten() {
                    Some(d) if d > 0.0 => format!("{k} {value} (+{}{reliable})", num(d)),
                    Some(d) if d < 0.0 => format!("{k} {value} ({}{reliable})", num(d)),
                    Some(_) => format!("{k} {value} (no change{reliable})"),
                    None => format!("{k} {value}"),
                }
            })
            .collect();
        out.push_str(&format!(
            "    {}  {}  {}\n",
            sanitize::line(&p.created),
            sanitize::line(&p.id.chars().take(8).collect::<String>()),
            sanitize::line(&scores.join(", "))
        ));
    }
    out
}

/// What ends the summary table: when a change was shown for a scale without norms, that
/// such a change cannot be judged reliable.
pub(crate) fn summary_text_end(unjudged: bool) -> String {
    if unjudged {
        format!("  {UNJUDGED_NOTE}\n")
    } else {
        String::new()
    }
}

/// Said once under a summary that shows changes of scales without norms.
pub(crate) const UNJUDGED_NOTE: &str =
    "Scales without norms: a change cannot be judged reliable; the differences are raw.";

/// Whether a group shows a change of a scale that has no norms.
pub(crate) fn unjudged(g: &ReferenceGroup) -> bool {
    g.sessions.iter().any(|p| {
        p.reliable_change.values().any(|r| {
            r.since_previous
                .or(r.since_first)
                .is_some_and(|c| c.verdict == Verdict::CannotJudge)
        })
    })
}

/// For a scale with norms: `; RCI -2.12, reliable improvement; since the first -8, RCI
/// -2.83, reliable improvement`, to follow the change since the previous session. Empty for
/// a scale without norms (said once under the table).
pub(crate) fn reliable_words(p: &TrendPoint, key: &str) -> String {
    let Some(r) = p.reliable_change.get(key) else {
        return String::new();
    };
    let mut out = String::new();
    if let Some(c) = r.since_previous
        && let Some(rci) = c.rci
    {
        out.push_str(&format!("; RCI {}, {}", signed(rci), c.verdict.words()));
    }
    if let Some(c) = r.since_first
        && c.rci.is_some()
    {
        out.push_str(&format!("; since the first {}", change::words(&c)));
    }
    out
}

fn md(s: &str) -> String {
    super::markdown::escape(s)
}

/// The report as Markdown.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    for s in &report.sessions {
        out.push_str(&markdown_session(s));
    }
    out.push_str(&markdown_failures(&report.failures));
    if report.sessions.len() > 1 {
        out.push_str(&markdown_summary(&report.summary));
    }
    if !report.sessions.is_empty() {
        out.push_str(&markdown_footer());
    }
    out
}

/// One session as Markdown.
pub(crate) fn markdown_session(s: &SessionReport) -> String {
    let mut out = String::new();
    markdown_head(&mut out, s);
    markdown_flags(&mut out, s);
    if !s.overview.is_empty() || !s.overall_bother.is_empty() {
        out.push_str("\n## Overview\n\n");
        for b in &s.overall_bother {
            out.push_str(&format!("{}\n\n", md(&overall_bother_words(b))));
        }
    }
    if !s.overview.is_empty() {
        out.push_str("| Questionnaire | Scale | Value | Range | Band | Bother | Enough answered |\n|---|---|---|---|---|---|---|\n");
        for row in &s.overview {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                md(&row.questionnaire_title),
                md(&row.scale_title),
                row.value.map_or("n/a".into(), num),
                markdown_range(row.min, row.max),
                md(row.band_label.as_deref().unwrap_or("")),
                md(row.bother.as_deref().unwrap_or("")),
                markdown_enough(row.valid, row.answered, row.parts),
            ));
        }
    }
    if !s.free_text.is_empty() {
        out.push_str("\n## In the client's own words\n\n");
        for t in &s.free_text {
            out.push_str(&format!(
                "- {} ({}.{}): \"{}\"\n",
                md(t.question.as_deref().unwrap_or(&t.item)),
                md(&t.questionnaire),
                md(&t.item),
                md(&t.answer)
            ));
        }
    }
    for q in &s.questionnaires {
        markdown_questionnaire(&mut out, q);
    }
    out.push('\n');
    out
}

/// The title, where the session comes from, the safety screen and what to ask first.
fn markdown_head(out: &mut String, s: &SessionReport) {
    out.push_str(&format!(
        "# confide intake report: {}\n\n",
        s.reference
            .as_deref()
            .map(md)
            .unwrap_or("no reference".into())
    ));
    if let Some(f) = &s.file {
        out.push_str(&format!("- File: {}\n", md(f)));
    }
    out.push_str(&format!(
        "- Date: {}\n- Session: {}\n- Recorded by: {} {}, language {}\n\n",
        md(&s.created),
        md(&s.id),
        md(&s.recorded_by.name),
        md(&s.recorded_by.version),
        md(&s.language)
    ));
    out.push_str(&format!(
        "**Safety screen: {}**\n",
        md(&s.safety_screen.text)
    ));
    if let Some(prompt) = risk_prompt(s) {
        out.push_str(&format!("\n> {}\n", md(prompt)));
    }
    if let Some(note) = partner_absent_words(s) {
        out.push_str(&format!("\n> {}\n", md(&note)));
    }
}

/// The flags, most urgent first, then those deferred.
fn markdown_flags(out: &mut String, s: &SessionReport) {
    let flag = |f: &FlagEntry| {
        format!(
            "- **{}** ({}): {}\n",
            level_label(&f.level),
            md(&f.questionnaire),
            md(&f.clinician)
        )
    };
    out.push_str("\n## Flags\n\n");
    if s.flags.is_empty() {
        out.push_str("None raised.\n");
    }
    let (listed, deferred) = listed_and_deferred(s);
    for f in listed {
        out.push_str(&flag(f));
    }
    if !deferred.is_empty() {
        out.push_str(&format!("\n### {}\n\n", md(DEFERRED_HEADING)));
        for words in deferred_words(s) {
            out.push_str(&format!("{}\n\n", md(&words)));
        }
        for f in deferred {
            out.push_str(&flag(f));
        }
    }
}

/// Whether a questionnaire is a validated instrument, in words; `None` when its definition
/// is not available here.
fn validation_words(q: &QuestionnaireReport) -> Option<String> {
    match (q.validated?, &q.citation) {
        (true, Some(citation)) => Some(format!("Validated instrument: {citation}.")),
        (true, None) => Some("Validated instrument.".into()),
        (false, _) => Some("Not a validated instrument: a screening aid, not a diagnosis.".into()),
    }
}

/// One questionnaire: the definition check, notes, the scales and every answer.
fn markdown_questionnaire(out: &mut String, q: &QuestionnaireReport) {
    out.push_str(&format!(
        "\n## {} ({} {})\n\n",
        md(&q.title),
        md(&q.id),
        md(&q.version)
    ));
    out.push_str(&format!("{}.\n", md(&definition_words(q))));
    if let Some(line) = validation_words(q) {
        out.push_str(&format!("\n{}\n", md(&line)));
    }
    for n in &q.notes {
        out.push_str(&format!("\n> Note: {}\n", md(n)));
    }
    if !q.taken {
        out.push_str("\nNot taken: the topic did not apply, so nothing was asked.\n");
        return;
    }
    if !q.scales.is_empty() {
        out.push_str("\n| Scale | Value | Range | Band | Valid |\n|---|---|---|---|---|\n");
        for sc in &q.scales {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                md(&sc.title),
                sc.value.map_or("n/a".into(), num),
                markdown_range(sc.min, sc.max),
                md(sc
                    .band_label
                    .as_deref()
                    .or(sc.band.as_deref())
                    .unwrap_or("")),
                markdown_enough(sc.valid, sc.answered, sc.parts),
            ));
        }
    }
    out.push_str("\n| Item | Question | Answer |\n|---|---|---|\n");
    for a in &q.answers {
        let answer = match a.status {
            AnswerStatus::Answered => md(&a.display),
            _ => format!("*{}*", md(&a.display)),
        };
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            md(&a.item),
            md(a.text.as_deref().unwrap_or("")),
            answer
        ));
    }
}

/// A scale's range in a table cell.
fn markdown_range(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("{} to {}", num(a), num(b)),
        _ => "unknown".into(),
    }
}

/// Whether enough was answered for a value, in a table cell.
fn markdown_enough(valid: bool, answered: usize, parts: usize) -> String {
    if valid {
        format!("yes ({answered} of {parts})")
    } else {
        format!("no ({answered} of {parts})")
    }
}

pub(crate) fn markdown_failures(failures: &[Failure]) -> String {
    if failures.is_empty() {
        return String::new();
    }
    let mut out = String::from("## Files that could not be read\n\n");
    for f in failures {
        out.push_str(&format!("- {}: {}\n", md(&f.file), md(&f.error)));
    }
    out.push('\n');
    out
}

pub(crate) fn markdown_summary(groups: &[ReferenceGroup]) -> String {
    let mut out = markdown_summary_head();
    for g in groups {
        out.push_str(&markdown_summary_group(g));
    }
    out.push_str(&markdown_summary_end(groups.iter().any(unjudged)));
    out
}

pub(crate) fn markdown_summary_head() -> String {
    "## Summary by reference\n\n| Reference | Date | Session | Scores |\n|---|---|---|---|\n"
        .to_owned()
}

pub(crate) fn markdown_summary_group(g: &ReferenceGroup) -> String {
    let mut out = String::new();
    for p in &g.sessions {
        let scores: Vec<String> = p
            .scores
            .iter()
            .map(|(k, v)| {
                let d = p
                    .change
                    .get(k)
                    .copied()
                    .flatten()
                    .map_or(String::new(), |d| {
                        format!(" ({:+}{})", d, md(&reliable_words(p, k)))
                    });
                format!("{} {}{}", md(k), v.map_or("n/a".into(), num), d)
            })
            .collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            g.reference.as_deref().map(md).unwrap_or_default(),
            md(&p.created),
            md(&p.id.chars().take(8).collect::<String>()),
            scores.join(", ")
        ));
    }
    out
}

pub(crate) fn markdown_summary_end(unjudged: bool) -> String {
    if unjudged {
        format!("\n{}\n\n", md(UNJUDGED_NOTE))
    } else {
        "\n".to_owned()
    }
}

pub(crate) fn markdown_footer() -> String {
    format!("*{}*\n", md(CLINICAL_NOTE))
}

#[cfg(test)]
mod tests {
    use super::{filler, question_line};

    #[test]
    fn a_remembered_question_is_wrapped_as_the_first_time_and_for_its_width() {
        let long = "Over the past 4 weeks, how often did worry about how you would do get in the way of enjoying sex with a partner? (worry)";
        for width in [80, 40, 80, 100] {
            let fresh = filler(width)(long, "    ", "    ");
            assert!(fresh.lines().all(|l| l.chars().count() <= width.max(40)));
            assert_eq!(question_line(long, width), fresh);
            assert_eq!(question_line(long, width), fresh);
        }
        assert_eq!(question_line("Short? (s)", 80), "    Short? (s)");
    }
}
