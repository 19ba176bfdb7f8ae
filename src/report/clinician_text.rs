//! The clinician report as text (for the terminal) and as Markdown.

use std::cell::RefCell;
use std::collections::HashMap;

use super::clinician::{
    CLINICAL_NOTE, DefinitionCheck, OverviewRow, QuestionnaireReport, Report, ScaleEntry,
    ScreenStatus, SessionReport, short,
};
use crate::model::response::AnswerStatus;
use crate::term::sanitize;
use crate::term::style::Style;

fn num(v: f64) -> String {
    crate::model::range::display(v, 1)
}

fn level_label(level: &str) -> String {
    match level {
        "urgent" => "URGENT".into(),
        "see-a-clinician" => "SEE A CLINICIAN".into(),
        "suggestion" => "SUGGESTION".into(),
        "note" => "NOTE".into(),
        other => sanitize::line(other).to_uppercase(),
    }
}

fn definition_words(q: &QuestionnaireReport) -> String {
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

/// The heading of flags whose advice a raised safety flag withholds.
pub const DEFERRED_HEADING: &str = "Deferred until safety and pressure are assessed";
/// What the deferred flags mean.
pub const DEFERRED_NOTE: &str = "Couple-based, communication and assertiveness work is contraindicated while the client reports coercion, pressure or fear of a partner; reconsider only after an individual assessment of safety and with the client's independent agreement. Medical, mood and anxiety assessments are not deferred.";

/// What a report asks of the clinician first, given the safety screen and the flags.
pub fn risk_prompt(s: &SessionReport) -> Option<&'static str> {
    if s.flags.iter().any(|f| f.level == "urgent") {
        Some(
            "Urgent flags: assess risk and safety at first contact, before any other work. Couple-based work is contraindicated while the client reports coercion or fear of a partner.",
        )
    } else if s.safety_screen.status == ScreenStatus::Raised {
        Some("A safety concern was raised: ask about it, and about safety, before any couple work.")
    } else if matches!(s.safety_screen.status, ScreenStatus::Declined) {
        Some(
            "The safety questions were not answered: ask about safety in private, with no partner present, and confirm a safe way and time to contact the client before any follow-up.",
        )
    } else {
        None
    }
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
pub fn separator(width: usize) -> String {
    format!("\n{}\n\n", "=".repeat(width.clamp(40, 72)))
}

/// One session's report.
pub fn session(s: &SessionReport, width: usize, style: Style) -> String {
    let mut out = String::new();
    session_text(&mut out, s, width, style);
    out
}

/// The files that could not be read (empty when there are none).
pub fn failures(failures: &[super::clinician::Failure], width: usize, style: Style) -> String {
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
pub fn footer(width: usize) -> String {
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

fn session_text(out: &mut String, s: &SessionReport, width: usize, style: Style) {
    let fill = &filler(width);
    out.push_str(&style.bold("confide intake report"));
    out.push('\n');
    if let Some(f) = &s.file {
        out.push_str(&format!("File:       {}\n", sanitize::line(f)));
    }
    out.push_str(&format!(
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
    out.push('\n');
    let screen = format!("Safety screen: {}", s.safety_screen.text);
    let painted = match s.safety_screen.status {
        ScreenStatus::Raised => style.red(&screen),
        ScreenStatus::Declined | ScreenStatus::NotAsked => style.yellow(&screen),
        ScreenStatus::Screened => screen.clone(),
    };
    out.push_str(&fill(&screen, "", "  ").replacen(&screen, &painted, 1));
    out.push('\n');
    if let Some(prompt) = risk_prompt(s) {
        out.push_str(&fill(prompt, "  ", "  "));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&style.bold("Flags"));
    out.push('\n');
    if s.flags.is_empty() {
        out.push_str("  none raised\n");
    }
    for f in s.flags.iter().filter(|f| !f.deferred) {
        let label = level_label(&f.level);
        let painted = match f.level.as_str() {
            "urgent" => style.red(&label),
            "see-a-clinician" => style.yellow(&label),
            _ => label.clone(),
        };
        let body = fill(
            &format!("{label} [{}] {}", f.questionnaire, f.clinician),
            "  ",
            "    ",
        );
        out.push_str(&body.replacen(&label, &painted, 1));
        out.push('\n');
    }
    if s.flags.iter().any(|f| f.deferred) {
        out.push('\n');
        out.push_str(&style.bold(DEFERRED_HEADING));
        out.push('\n');
        out.push_str(&fill(DEFERRED_NOTE, "  ", "  "));
        out.push('\n');
        for f in s.flags.iter().filter(|f| f.deferred) {
            out.push_str(&fill(
                &format!(
                    "{} [{}] {}",
                    level_label(&f.level),
                    f.questionnaire,
                    f.clinician
                ),
                "  ",
                "    ",
            ));
            out.push('\n');
        }
    }
    if !s.overview.is_empty() {
        out.push('\n');
        out.push_str(&style.bold("Overview"));
        out.push('\n');
        for row in &s.overview {
            out.push_str(&fill(&overview_words(row), "  ", "    "));
            out.push('\n');
        }
    }
    if !s.free_text.is_empty() {
        out.push('\n');
        out.push_str(&style.bold("In the client's own words"));
        out.push('\n');
        for t in &s.free_text {
            out.push_str(&fill(
                &format!(
                    "{} ({}.{}): \"{}\"",
                    t.question.as_deref().unwrap_or(&t.item),
                    t.questionnaire,
                    t.item,
                    t.answer
                ),
                "  ",
                "    ",
            ));
            out.push('\n');
        }
    }
    out.push('\n');
    out.push_str(&style.bold("Details"));
    out.push('\n');
    for q in &s.questionnaires {
        out.push('\n');
        out.push_str(&style.bold(&format!(
            "{} ({} {}, {})",
            sanitize::line(&q.title),
            sanitize::line(&q.id),
            sanitize::line(&q.version),
            definition_words(q)
        )));
        out.push('\n');
        for n in &q.notes {
            out.push_str(&fill(&format!("Note: {n}"), "  ", "    "));
            out.push('\n');
        }
        if !q.taken {
            out.push_str("  Not taken: the topic did not apply, so nothing was asked.\n");
            continue;
        }
        if !q.scales.is_empty() {
            out.push_str("  Scales\n");
            for sc in &q.scales {
                out.push_str(&fill(
                    &format!("{}: {}", sc.title, scale_words(sc)),
                    "    ",
                    "      ",
                ));
                out.push('\n');
            }
        }
        out.push_str("  Answers\n");
        for a in &q.answers {
            let question = a.text.as_deref().unwrap_or(&a.item);
            out.push_str(&question_line(&format!("{} ({})", question, a.item), width));
            out.push('\n');
            let answer = match a.status {
                AnswerStatus::Answered => a.display.clone(),
                _ => format!("[{}]", a.display),
            };
            out.push_str(&fill(&answer, "      -> ", "         "));
            out.push('\n');
        }
        let free: Vec<_> = q
            .answers
            .iter()
            .filter(|a| a.kind.as_deref() == Some("text") && a.status == AnswerStatus::Answered)
            .collect();
        if !free.is_empty() {
            out.push_str("  Free text\n");
            for a in free {
                out.push_str(&fill(
                    &format!("{}: \"{}\"", a.item, a.display),
                    "    ",
                    "      ",
                ));
                out.push('\n');
            }
        }
    }
}

/// The table of sessions grouped by reference, with change between intakes.
pub fn summary_text(groups: &[super::clinician::ReferenceGroup], style: Style) -> String {
    let mut out = String::new();
    out.push_str(&style.bold("Summary by reference"));
    out.push('\n');
    for g in groups {
        out.push_str(&format!(
            "  {}\n",
            g.reference
                .as_deref()
                .map(sanitize::line)
                .unwrap_or("(no reference)".into())
        ));
        for p in &g.sessions {
            let scores: Vec<String> = p
                .scores
                .iter()
                .map(|(k, v)| {
                    let value = v.map_or("n/a".into(), num);
                    match p.change.get(k).copied().flatten() {
                        Some(d) if d > 0.0 => format!("{k} {value} (+{})", num(d)),
                        Some(d) if d < 0.0 => format!("{k} {value} ({})", num(d)),
                        Some(_) => format!("{k} {value} (no change)"),
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
pub fn markdown_session(s: &SessionReport) -> String {
    let mut out = String::new();
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
    out.push_str("\n## Flags\n\n");
    if s.flags.is_empty() {
        out.push_str("None raised.\n");
    }
    for f in s.flags.iter().filter(|f| !f.deferred) {
        out.push_str(&format!(
            "- **{}** ({}): {}\n",
            level_label(&f.level),
            md(&f.questionnaire),
            md(&f.clinician)
        ));
    }
    if s.flags.iter().any(|f| f.deferred) {
        out.push_str(&format!(
            "\n### {}\n\n{}\n\n",
            md(DEFERRED_HEADING),
            md(DEFERRED_NOTE)
        ));
        for f in s.flags.iter().filter(|f| f.deferred) {
            out.push_str(&format!(
                "- **{}** ({}): {}\n",
                level_label(&f.level),
                md(&f.questionnaire),
                md(&f.clinician)
            ));
        }
    }
    if !s.overview.is_empty() {
        out.push_str("\n## Overview\n\n| Questionnaire | Scale | Value | Range | Band | Bother | Enough answered |\n|---|---|---|---|---|---|---|\n");
        for row in &s.overview {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                md(&row.questionnaire_title),
                md(&row.scale_title),
                row.value.map_or("n/a".into(), num),
                match (row.min, row.max) {
                    (Some(a), Some(b)) => format!("{} to {}", num(a), num(b)),
                    _ => "unknown".into(),
                },
                md(row.band_label.as_deref().unwrap_or("")),
                md(row.bother.as_deref().unwrap_or("")),
                if row.valid {
                    format!("yes ({} of {})", row.answered, row.parts)
                } else {
                    format!("no ({} of {})", row.answered, row.parts)
                }
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
        out.push_str(&format!(
            "\n## {} ({} {})\n\n",
            md(&q.title),
            md(&q.id),
            md(&q.version)
        ));
        out.push_str(&format!("{}.\n", md(&definition_words(q))));
        for n in &q.notes {
            out.push_str(&format!("\n> Note: {}\n", md(n)));
        }
        if !q.taken {
            out.push_str("\nNot taken: the topic did not apply, so nothing was asked.\n");
            continue;
        }
        if !q.scales.is_empty() {
            out.push_str("\n| Scale | Value | Range | Band | Valid |\n|---|---|---|---|---|\n");
            for sc in &q.scales {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} |\n",
                    md(&sc.title),
                    sc.value.map_or("n/a".into(), num),
                    match (sc.min, sc.max) {
                        (Some(a), Some(b)) => format!("{} to {}", num(a), num(b)),
                        _ => "unknown".into(),
                    },
                    md(sc
                        .band_label
                        .as_deref()
                        .or(sc.band.as_deref())
                        .unwrap_or("")),
                    if sc.valid {
                        format!("yes ({} of {})", sc.answered, sc.parts)
                    } else {
                        format!("no ({} of {})", sc.answered, sc.parts)
                    }
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
    out.push('\n');
    out
}

pub fn markdown_failures(failures: &[super::clinician::Failure]) -> String {
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

pub fn markdown_summary(groups: &[super::clinician::ReferenceGroup]) -> String {
    let mut out = String::from(
        "## Summary by reference\n\n| Reference | Date | Session | Scores |\n|---|---|---|---|\n",
    );
    for g in groups {
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
                        .map_or(String::new(), |d| format!(" ({:+})", d));
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
    }
    out.push('\n');
    out
}

pub fn markdown_footer() -> String {
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
