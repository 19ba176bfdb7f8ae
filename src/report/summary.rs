//! The client summary: for each questionnaire, flags first, then what the answers suggest,
//! what is common, what often helps, and when and whom to ask; the provenance line last.
//! Urgent flags from any questionnaire come before everything, with support resources.
//!
//! The summary is built as a small document and then written as wrapped text or Markdown,
//! so `take`, `show` and the tests share one implementation.

use crate::model::questionnaire::{FlagLevel, ProvenanceKind, Questionnaire};
use crate::model::text::Text;
use crate::scoring::Scored;
use crate::term::sanitize;
use crate::term::style::Style;

use super::resources::{Resources, render_entry, select};

/// One questionnaire's results.
pub struct Part<'a> {
    pub q: &'a Questionnaire,
    pub scored: &'a Scored,
    /// False when the questionnaire did not apply and nothing was asked.
    pub taken: bool,
}

/// How to write the summary.
pub struct Options<'a> {
    pub lang: &'a str,
    pub width: usize,
    pub style: Style,
    pub resources: &'a Resources,
    /// The country whose support services are shown (ISO 3166-1 alpha-2); `None` shows the
    /// services that work anywhere and how to choose a country.
    pub country: Option<String>,
}

/// A block of the summary document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Title(String),
    Heading(String),
    Subheading(String),
    Para(String),
    Bullets(Vec<String>),
    Flag(FlagLevel, String),
}

pub fn flag_label(level: FlagLevel) -> &'static str {
    match level {
        FlagLevel::Urgent => "Urgent",
        FlagLevel::SeeAClinician => "See a clinician",
        FlagLevel::Suggestion => "Suggestion",
        FlagLevel::Note => "Note",
    }
}

/// The provenance line of a questionnaire.
pub fn provenance_line(q: &Questionnaire) -> String {
    match q.provenance.kind {
        ProvenanceKind::Original => "These questions are a screening aid written for confide, not a validated clinical instrument, and this is not a diagnosis. For a full assessment, talk to a qualified professional.".into(),
        ProvenanceKind::PublicDomain | ProvenanceKind::Licensed => format!(
            "These questions come from {}. A screening result is not a diagnosis; for a full assessment, talk to a qualified professional.",
            q.provenance.citation.as_deref().unwrap_or("a published questionnaire")
        ),
    }
}

/// Builds the summary document.
pub fn document(parts: &[Part], opts: &Options) -> Vec<Block> {
    let lang = opts.lang;
    let t = |q: &Questionnaire, text: &Text| {
        sanitize::text(text.resolve(lang, &q.language)).into_owned()
    };
    let mut doc = vec![Block::Title("Your summary".into())];

    let urgent: Vec<(&Questionnaire, String)> = parts
        .iter()
        .flat_map(|p| {
            p.scored
                .flags
                .iter()
                .filter(|f| f.level == FlagLevel::Urgent)
                .map(move |f| (p.q, t(p.q, &p.q.flags[f.index].message)))
        })
        .collect();
    if !urgent.is_empty() {
        doc.push(Block::Heading("Please read this first".into()));
        for (_, message) in &urgent {
            doc.push(Block::Flag(FlagLevel::Urgent, message.clone()));
        }
        let r = opts.resources;
        doc.push(Block::Subheading("Support you can reach now".into()));
        doc.push(Block::Para(sanitize::text(&r.intro).into_owned()));
        let selected = select(r, opts.country.as_deref(), &[]);
        for (group, entries) in &selected.groups {
            doc.push(Block::Subheading(
                sanitize::line(&group.region).into_owned(),
            ));
            doc.push(Block::Bullets(
                entries.iter().map(|e| render_entry(e)).collect(),
            ));
        }
        if let Some(note) = selected.note {
            doc.push(Block::Para(note));
        }
    }

    for part in parts {
        let q = part.q;
        doc.push(Block::Heading(t(q, &q.title)));
        if !part.taken {
            doc.push(Block::Para(
                "You said this topic does not concern you right now, so these questions were not asked.".into(),
            ));
            continue;
        }
        let mut flags: Vec<_> = part
            .scored
            .flags
            .iter()
            .filter(|f| f.level != FlagLevel::Urgent)
            .collect();
        flags.sort_by_key(|f| std::cmp::Reverse(f.level));
        for f in flags {
            doc.push(Block::Flag(f.level, t(q, &q.flags[f.index].message)));
        }
        let mut suggest = Vec::new();
        for (scale, score) in q.scales.iter().zip(&part.scored.scales) {
            match score.band {
                Some(b) => {
                    let band = &scale.bands[b];
                    let summary = match score.variant {
                        Some(v) => &band.variants[v].summary,
                        None => &band.summary,
                    };
                    suggest.push((format!("{}: {}", t(q, &scale.title), t(q, &band.label)), t(q, summary)));
                }
                None => suggest.push((
                    t(q, &scale.title),
                    "There were not enough answers here to say more. That is fine: you choose what to share."
                        .into(),
                )),
            }
        }
        if !suggest.is_empty() {
            doc.push(Block::Subheading("What your answers suggest".into()));
            for (head, text) in suggest {
                doc.push(Block::Para(format!("{head}. {text}")));
            }
        }
        if let Some(g) = &q.guidance {
            for (title, list) in [
                ("What is common", &g.what_is_common),
                ("What often helps", &g.what_helps),
                ("When to talk to someone", &g.when_to_seek_help),
            ] {
                if !list.is_empty() {
                    doc.push(Block::Subheading(title.into()));
                    doc.push(Block::Bullets(list.iter().map(|x| t(q, x)).collect()));
                }
            }
        }
        doc.push(Block::Para(provenance_line(q)));
    }
    doc
}

/// The summary as text wrapped to `opts.width`, coloured only when `opts.style` says so.
pub fn render_text(parts: &[Part], opts: &Options) -> String {
    let doc = document(parts, opts);
    let width = opts.width.max(20);
    let style = opts.style;
    let fill =
        |text: &str, first: &str, rest: &str| crate::term::wrap::fill(text, width, first, rest);
    let mut out = String::new();
    let mut previous: Option<&Block> = None;
    for block in &doc {
        // A paragraph or flag after a list or paragraph gets a blank line before it.
        if matches!(block, Block::Para(_) | Block::Flag(..))
            && matches!(previous, Some(Block::Bullets(_) | Block::Para(_)))
        {
            out.push('\n');
        }
        previous = Some(block);
        match block {
            Block::Title(s) => {
                out.push_str(&style.bold(s));
                out.push('\n');
                out.push_str(&"=".repeat(s.chars().count()));
                out.push('\n');
            }
            Block::Heading(s) => {
                out.push('\n');
                out.push_str(&style.bold(s));
                out.push('\n');
                out.push_str(&"-".repeat(s.chars().count().min(width)));
                out.push('\n');
            }
            Block::Subheading(s) => {
                out.push('\n');
                out.push_str(&style.bold(s));
                out.push('\n');
            }
            Block::Para(s) => {
                out.push_str(&fill(s, "", ""));
                out.push('\n');
            }
            Block::Bullets(items) => {
                for item in items {
                    out.push_str(&fill(item, "- ", "  "));
                    out.push('\n');
                }
            }
            Block::Flag(level, s) => {
                let label = format!("{}:", flag_label(*level));
                let painted = match level {
                    FlagLevel::Urgent => style.red(&label),
                    FlagLevel::SeeAClinician => style.yellow(&label),
                    _ => style.bold(&label),
                };
                // Wrap without the colour codes, then paint the label.
                let text = fill(&format!("{label} {s}"), "", "  ");
                out.push_str(&text.replacen(&label, &painted, 1));
                out.push('\n');
            }
        }
    }
    out
}

/// The summary as Markdown.
pub fn render_markdown(parts: &[Part], opts: &Options) -> String {
    let doc = document(parts, opts);
    let esc = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('*', "\\*")
            .replace('_', "\\_")
            .replace('<', "&lt;")
    };
    let mut out = String::new();
    for block in &doc {
        match block {
            Block::Title(s) => out.push_str(&format!("# {}\n", esc(s))),
            Block::Heading(s) => out.push_str(&format!("\n## {}\n", esc(s))),
            Block::Subheading(s) => out.push_str(&format!("\n### {}\n\n", esc(s))),
            Block::Para(s) => out.push_str(&format!("\n{}\n", esc(s))),
            Block::Bullets(items) => {
                for item in items {
                    out.push_str(&format!("- {}\n", esc(item)));
                }
            }
            Block::Flag(level, s) => {
                out.push_str(&format!("\n> **{}:** {}\n", flag_label(*level), esc(s)))
            }
        }
    }
    out
}

/// A saved session scored again with the definitions available now, for `show`.
pub struct Rescored<'a> {
    /// Each questionnaire whose definition matches the one answered, scored again.
    pub parts: Vec<(&'a Questionnaire, Scored, bool)>,
    /// Ids of questionnaires answered with a definition that is not available here.
    pub missing: Vec<String>,
}

/// How a questionnaire that cannot be summarised is named: its id and version come from the
/// record, which may have been forged, so they are shortened and made safe to print.
fn missing_name(rec: &crate::model::response::QuestionnaireRecord) -> String {
    use crate::model::validate::truncate;
    let name = format!("{} {}", truncate(&rec.id, 64), truncate(&rec.version, 20));
    sanitize::line(&name).into_owned()
}

/// Scores a saved session again. A questionnaire whose definition is not available (or
/// differs from the one answered) cannot be summarised and is listed in `missing`.
pub fn rescore<'a>(
    response: &crate::model::response::Response,
    catalog: &'a crate::model::catalog::Catalog,
) -> Rescored<'a> {
    let mut parts: Vec<(&Questionnaire, Scored, bool)> = Vec::new();
    let mut missing = Vec::new();
    for rec in &response.questionnaires {
        let def = catalog
            .get(&rec.id)
            .filter(|e| e.loaded.sha256() == rec.sha256);
        let Some(entry) = def else {
            missing.push(missing_name(rec));
            continue;
        };
        let q = entry.q();
        match crate::scoring::record::answers_from_record(q, rec) {
            Ok(answers) => {
                let earlier: crate::scoring::Earlier =
                    parts.iter().map(|(_, s, _)| (s.id.as_str(), s)).collect();
                let scored = crate::scoring::score(q, &answers, &earlier);
                let taken = rec
                    .answers
                    .iter()
                    .any(|a| a.status != crate::model::response::AnswerStatus::NotAsked);
                parts.push((q, scored, taken));
            }
            Err(_) => missing.push(missing_name(rec)),
        }
    }
    Rescored { parts, missing }
}

/// The note for questionnaires that could not be summarised again.
pub fn missing_note(missing: &[String]) -> Option<String> {
    (!missing.is_empty()).then(|| {
        format!(
            "Not shown: {} was answered with a questionnaire version that is not available here, so it cannot be summarised again. `confide show --format json` shows the saved scores.",
            missing.join(", ")
        )
    })
}
