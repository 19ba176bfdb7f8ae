//! The client summary: for each questionnaire, flags first, then what the answers suggest,
//! what is common, what often helps, and when and whom to ask; the provenance line last.
//! Urgent flags from any questionnaire come before everything, with support resources.
//!
//! The summary is built as a small document and then written as wrapped text or Markdown,
//! so `take`, `show` and the tests share one implementation.

use crate::model::questionnaire::{
    Flag, FlagLevel, Guidance, GuidanceEntry, ProvenanceKind, Questionnaire, SupportKind,
};
use crate::model::text::Text;
use crate::scoring::Scored;
use crate::term::sanitize;
use crate::term::style::Style;

use super::resources::{Entry, Resources, render_entry, select};

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
pub(crate) enum Block {
    Title(String),
    Heading(String),
    Subheading(String),
    Para(String),
    Bullets(Vec<String>),
    Flag(FlagLevel, String),
    /// A line that sets what follows apart from the questionnaires.
    Rule,
    /// Where a page with charts shows the scores (after anything urgent, before the
    /// questionnaires); text and Markdown show nothing here.
    Scores,
}

pub(crate) fn flag_label(level: FlagLevel) -> &'static str {
    match level {
        FlagLevel::Urgent => "Urgent",
        FlagLevel::SeeAClinician => "See a clinician",
        FlagLevel::Suggestion => "Suggestion",
        FlagLevel::Note => "Note",
    }
}

/// The provenance line of a questionnaire.
fn provenance_line(q: &Questionnaire) -> String {
    match q.provenance.kind {
        ProvenanceKind::Original => "These questions are a screening aid written for confide, not a validated clinical instrument, and this is not a diagnosis. For a full assessment, talk to a qualified professional.".into(),
        ProvenanceKind::PublicDomain | ProvenanceKind::Licensed if q.provenance.validated => format!(
            "These questions come from {}, a validated screening questionnaire. A screening result is not a diagnosis; for a full assessment, talk to a qualified professional.",
            q.provenance.citation.as_deref().unwrap_or("a published questionnaire")
        ),
        ProvenanceKind::PublicDomain | ProvenanceKind::Licensed => format!(
            "These questions come from {}. A screening result is not a diagnosis; for a full assessment, talk to a qualified professional.",
            q.provenance.citation.as_deref().unwrap_or("a published questionnaire")
        ),
    }
}

/// What raised flags withhold from the person's summary, across every questionnaire of
/// the session: the tags, and the line shown once in their place.
struct Withheld<'a> {
    tags: std::collections::BTreeSet<&'a str>,
    /// The `instead` line of the most urgent raised flag that has one (and is not itself
    /// withheld), with that flag.
    instead: Option<(String, &'a Flag)>,
}

impl<'a> Withheld<'a> {
    fn new(parts: &[Part<'a>], lang: &str) -> Withheld<'a> {
        let mut raised: Vec<(&'a Questionnaire, &'a Flag, FlagLevel)> =
            raised_flags(parts).collect();
        raised.sort_by_key(|(_, _, level)| std::cmp::Reverse(*level));
        let tags: std::collections::BTreeSet<&str> = raised
            .iter()
            .flat_map(|(_, f, _)| f.withholds.iter().map(String::as_str))
            .collect();
        let hidden = |f: &Flag| f.tags.iter().any(|t| tags.contains(t.as_str()));
        let instead = raised
            .iter()
            .filter(|(_, f, _)| !hidden(f))
            .find_map(|(q, f, _)| {
                f.instead.as_ref().map(|t| {
                    (
                        sanitize::text(t.resolve(lang, &q.language)).into_owned(),
                        *f,
                    )
                })
            });
        Withheld { tags, instead }
    }

    fn hides(&self, tags: &[String]) -> bool {
        tags.iter().any(|t| self.tags.contains(t.as_str()))
    }

    /// Whether anything is withheld: the summary is then shortened to what fits everyone.
    fn active(&self) -> bool {
        !self.tags.is_empty()
    }
}

/// Every raised flag of the questionnaires taken, with its questionnaire and level.
fn raised_flags<'a>(
    parts: &[Part<'a>],
) -> impl Iterator<Item = (&'a Questionnaire, &'a Flag, FlagLevel)> {
    parts
        .iter()
        .filter(|p| p.taken)
        .flat_map(|p| {
            let q = p.q;
            p.scored
                .flags
                .iter()
                .map(move |f| (q, &q.flags[f.index], f.level))
        })
        .collect::<Vec<_>>()
        .into_iter()
}

/// General crisis lines come after the other services of a list: they suit everyone, but
/// they are not what abuse or sexual violence need first. Everything else keeps its place.
fn kind_rank(e: &Entry) -> u8 {
    let crisis_only = !e.kinds.is_empty() && e.kinds.iter().all(|k| *k == SupportKind::Crisis);
    u8::from(crisis_only)
}

/// The support services of `kinds` (every kind when empty) for the person's country, as
/// summary blocks: the emergency number where the list has one, then each group with its
/// services (abuse and sexual-violence services first), then how to choose a country when
/// none is known.
fn resource_blocks(opts: &Options, kinds: &[SupportKind]) -> Vec<Block> {
    let selected = select(opts.resources, opts.country.as_deref(), kinds);
    let mut doc = Vec::new();
    for (group, _) in &selected.groups {
        if let Some(number) = &group.emergency {
            doc.push(Block::Para(format!(
                "In {}, call {} in an emergency.",
                sanitize::line(&with_article(&group.region)),
                sanitize::line(number)
            )));
        }
    }
    for (group, entries) in &selected.groups {
        doc.push(Block::Subheading(
            sanitize::line(&group.region).into_owned(),
        ));
        let mut entries = entries.clone();
        entries.sort_by_key(|e| kind_rank(e));
        doc.push(Block::Bullets(
            entries.iter().map(|e| render_entry(e)).collect(),
        ));
    }
    if let Some(note) = selected.note {
        doc.push(Block::Para(note));
    }
    doc
}

/// "the United Kingdom", "Ireland": countries whose names take an article in English.
fn with_article(region: &str) -> String {
    let takes_the = ["United ", "Netherlands", "Philippines", "Czech Republic"];
    if takes_the.iter().any(|p| region.starts_with(p)) {
        format!("the {region}")
    } else {
        region.to_owned()
    }
}

/// Joins clauses as English does: "a", "a and b", "a, b and c".
fn join_clauses(clauses: &[String]) -> String {
    match clauses {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The summary document, for renderers outside this module (HTML).
pub(crate) fn blocks(parts: &[Part], opts: &Options) -> Vec<Block> {
    document(parts, opts)
}

/// Builds the summary document.
fn document(parts: &[Part], opts: &Options) -> Vec<Block> {
    let withheld = Withheld::new(parts, opts.lang);
    let mut wanted_kinds: Vec<SupportKind> = raised_flags(parts)
        .filter(|(_, f, _)| !withheld.hides(&f.tags))
        .flat_map(|(_, f, _)| f.resources.iter().copied())
        .collect();
    wanted_kinds.sort();
    wanted_kinds.dedup();
    let mut doc = Document {
        blocks: vec![Block::Title("Your summary".into())],
        opts,
        withheld,
        wanted_kinds,
        instead_shown: false,
        resources_shown: false,
    };
    doc.urgent(parts);
    doc.blocks.push(Block::Scores);

    for part in parts {
        doc.part(part);
    }
    doc.provenance(parts);
    doc.blocks
}

/// The summary document as it is built.
struct Document<'a> {
    blocks: Vec<Block>,
    opts: &'a Options<'a>,
    withheld: Withheld<'a>,
    /// Every kind of support any raised flag (not withheld) asks for.
    wanted_kinds: Vec<SupportKind>,
    /// Whether the line that stands for withheld advice has been shown.
    instead_shown: bool,
    /// Whether support services have been listed.
    resources_shown: bool,
}

impl Document<'_> {
    /// `text` in the person's language, made safe to print.
    fn t(&self, q: &Questionnaire, text: &Text) -> String {
        sanitize::text(text.resolve(self.opts.lang, &q.language)).into_owned()
    }

    /// Every urgent flag of the session, in one calm block: what was said, the line that
    /// stands for what is withheld, then support.
    fn urgent(&mut self, parts: &[Part]) {
        let urgent: Vec<(&Questionnaire, &Flag)> = raised_flags(parts)
            .filter(|(_, f, level)| *level == FlagLevel::Urgent && !self.withheld.hides(&f.tags))
            .map(|(q, f, _)| (q, f))
            .collect();
        if urgent.is_empty() {
            return;
        }
        self.resources_shown = true;
        self.blocks
            .push(Block::Heading("Please read this first".into()));
        if let [(q, flag)] = urgent.as_slice() {
            let message = self.t(q, &flag.message);
            self.blocks.push(Block::Para(message));
        } else {
            let said: Vec<String> = urgent
                .iter()
                .filter_map(|(q, f)| f.said.as_ref().map(|s| format!("that {}", self.t(q, s))))
                .collect();
            if !said.is_empty() {
                self.blocks
                    .push(Block::Para(format!("You said {}.", join_clauses(&said))));
            }
            for (q, f) in urgent.iter().filter(|(_, f)| f.said.is_none()) {
                let message = self.t(q, &f.message);
                self.blocks.push(Block::Para(message));
            }
        }
        if let Some((line, _)) = &self.withheld.instead {
            self.blocks.push(Block::Para(line.clone()));
            self.instead_shown = true;
        }
        self.blocks
            .push(Block::Subheading("Support you can reach now".into()));
        self.blocks.push(Block::Para(
            sanitize::text(&self.opts.resources.intro).into_owned(),
        ));
        self.blocks.extend(resource_blocks(self.opts, &[]));
    }

    /// One questionnaire: its flags, what the answers suggest and its guidance.
    fn part(&mut self, part: &Part) {
        let q = part.q;
        let title = self.t(q, &q.title);
        self.blocks.push(Block::Heading(title));
        if !part.taken {
            self.blocks.push(Block::Para(
                "You said this topic does not concern you right now, so these questions were not asked.".into(),
            ));
            return;
        }
        self.flags(part);
        self.suggestions(part);
        if let Some(g) = &q.guidance {
            self.guidance(q, g, &part.scored.guidance_off);
        }
    }

    /// The flags of a questionnaire but urgent ones (shown first), most serious first; the
    /// line for withheld advice under the flag it belongs to, and support under the first
    /// flag that asks for it.
    fn flags(&mut self, part: &Part) {
        let q = part.q;
        let mut flags: Vec<_> = part
            .scored
            .flags
            .iter()
            .filter(|f| f.level != FlagLevel::Urgent)
            .collect();
        flags.sort_by_key(|f| std::cmp::Reverse(f.level));
        for f in flags {
            let flag = &q.flags[f.index];
            if self.withheld.hides(&flag.tags) {
                continue;
            }
            let message = self.t(q, &flag.message);
            self.blocks.push(Block::Flag(f.level, message));
            if let Some((line, owner)) = &self.withheld.instead
                && !self.instead_shown
                && std::ptr::eq(*owner, flag)
            {
                self.blocks.push(Block::Para(line.clone()));
                self.instead_shown = true;
            }
            if !flag.resources.is_empty() && !self.resources_shown {
                // Once, under the first flag that asks for services: every kind any
                // raised flag asks for.
                self.resources_shown = true;
                self.blocks
                    .push(Block::Subheading("Support, if you want it".into()));
                self.blocks
                    .extend(resource_blocks(self.opts, &self.wanted_kinds));
            }
        }
    }

    /// Where the questions come from, once at the end: one line when every questionnaire
    /// taken shares it, otherwise each line once, naming the questionnaires it is about.
    fn provenance(&mut self, parts: &[Part]) {
        let mut lines: Vec<(String, Vec<String>)> = Vec::new();
        for part in parts.iter().filter(|p| p.taken) {
            let line = provenance_line(part.q);
            let title = self.t(part.q, &part.q.title);
            match lines.iter_mut().find(|(l, _)| *l == line) {
                Some((_, titles)) => titles.push(title),
                None => lines.push((line, vec![title])),
            }
        }
        if lines.is_empty() {
            return;
        }
        self.blocks.push(Block::Rule);
        let one = lines.len() == 1;
        for (line, titles) in lines {
            if one {
                self.blocks.push(Block::Para(line));
            } else {
                self.blocks
                    .push(Block::Para(format!("{}: {line}", titles.join(", "))));
            }
        }
    }

    /// "What your answers suggest": each scale's band, or the variant that fits.
    fn suggestions(&mut self, part: &Part) {
        let q = part.q;
        let mut suggest = Vec::new();
        // A scale none of whose questions were asked (a route passed them by) has nothing
        // to say, not "not enough answers".
        for (scale, score) in q
            .scales
            .iter()
            .zip(&part.scored.scales)
            .filter(|(_, s)| s.parts > 0)
        {
            match score.band {
                Some(b) => {
                    let band = &scale.bands[b];
                    let variant = score
                        .variants
                        .iter()
                        .copied()
                        .find(|&v| !self.withheld.hides(&band.variants[v].tags));
                    let summary = match variant {
                        Some(v) => &band.variants[v].summary,
                        None => &band.summary,
                    };
                    suggest.push((
                        format!("{}: {}", self.t(q, &scale.title), self.t(q, &band.label)),
                        self.t(q, summary),
                    ));
                }
                None => suggest.push((
                    self.t(q, &scale.title),
                    "There were not enough answers here to say more. That is fine: you choose what to share."
                        .into(),
                )),
            }
        }
        if !suggest.is_empty() {
            self.blocks
                .push(Block::Subheading("What your answers suggest".into()));
            for (head, text) in suggest {
                self.blocks.push(Block::Para(format!("{head}. {text}")));
            }
        }
    }

    /// The guidance of a questionnaire. While something is withheld for the person's
    /// safety, the summary keeps to what fits everyone: the general advice of "what is
    /// common" and "what often helps" is left out, and "when to talk to someone" stays.
    /// Entries whose `when` is false (`off`, by section key and index) are left out.
    fn guidance(&mut self, q: &Questionnaire, g: &Guidance, off: &[(&str, usize)]) {
        let sections: &[(&str, &str, &Vec<GuidanceEntry>)] = if self.withheld.active() {
            &[(
                "When to talk to someone",
                "when_to_seek_help",
                &g.when_to_seek_help,
            )]
        } else {
            &[
                ("What is common", "what_is_common", &g.what_is_common),
                ("What often helps", "what_helps", &g.what_helps),
                (
                    "When to talk to someone",
                    "when_to_seek_help",
                    &g.when_to_seek_help,
                ),
            ]
        };
        for (title, key, list) in sections {
            let bullets: Vec<String> = list
                .iter()
                .enumerate()
                .filter(|(i, _)| !off.contains(&(*key, *i)))
                .filter(|(_, entry)| !self.withheld.hides(entry.tags()))
                .map(|(_, entry)| self.t(q, entry.text()))
                .collect();
            if !bullets.is_empty() {
                self.blocks.push(Block::Subheading((*title).into()));
                self.blocks.push(Block::Bullets(bullets));
            }
        }
    }
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
    for block in doc.iter().filter(|b| **b != Block::Scores) {
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
            Block::Rule => {
                out.push('\n');
                out.push_str(&"-".repeat(width.min(72)));
                out.push('\n');
            }
            Block::Scores => {}
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
    let esc = super::markdown::escape;
    let mut out = String::new();
    for block in &doc {
        match block {
            Block::Title(s) => out.push_str(&format!("# {}\n", esc(s))),
            Block::Heading(s) => out.push_str(&format!("\n## {}\n", esc(s))),
            Block::Subheading(s) => out.push_str(&format!("\n### {}\n\n", esc(s))),
            Block::Rule => out.push_str("\n---\n"),
            Block::Scores => {}
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

impl Rescored<'_> {
    /// The parts as the renderers take them.
    pub fn summary_parts(&self) -> Vec<Part<'_>> {
        self.parts
            .iter()
            .map(|(q, s, taken)| Part {
                q,
                scored: s,
                taken: *taken,
            })
            .collect()
    }
}

/// How a questionnaire that cannot be summarised is named: its id and version come from the
/// record, which may have been forged, so they are shortened and made safe to print.
fn missing_name(rec: &crate::model::response::QuestionnaireRecord) -> String {
    use crate::model::untrusted::truncate;
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::answer::Answer;
    use crate::model::load::questionnaire_from_value;

    /// One 0-2 item `unsafe`, one `talk` item; a band variant, a guidance entry and a flag
    /// about a partner (tagged `partner`); a safety flag that withholds `partner`.
    fn q() -> Questionnaire {
        let v = json!({
            "format": "confide.questionnaire/1", "id": "w", "version": "1.0.0", "language": "en",
            "title": "W", "description": "W", "provenance": {"kind": "original"},
            "items": [
                {"id": "unsafe", "type": "single_choice", "text": "Unsafe?", "tags": ["safety"],
                 "options": [{"value": 0, "label": "No"}, {"value": 1, "label": "Yes"}]},
                {"id": "talk", "type": "single_choice", "text": "Talk?",
                 "options": [{"value": 0, "label": "Easy"}, {"value": 2, "label": "Hard"}]}
            ],
            "scales": [{"id": "t", "title": "Talking", "items": ["talk"], "method": "sum",
                "bands": [{"id": "easy", "max": 1, "label": "Easy", "summary": "Talking is easy."},
                          {"id": "hard", "max": 2, "label": "Hard", "summary": "Talking is hard.",
                           "variants": [{"when": {"all": [{"item": "talk", "op": "=", "value": 2}]},
                                         "summary": "Practise with your partner.", "tags": ["partner"]}]}]}],
            "flags": [
                {"id": "unsafe", "level": "urgent", "tags": ["safety"], "withholds": ["partner"],
                 "instead": "You deserve to be safe.", "said": "you feel unsafe",
                 "when": {"all": [{"item": "unsafe", "op": "=", "value": 1}]},
                 "message": "You feel unsafe."},
                {"id": "couple", "level": "suggestion", "tags": ["partner"],
                 "when": {"all": [{"item": "talk", "op": "=", "value": 2}]},
                 "message": "A couples therapist can help you both."}
            ],
            "guidance": {"what_helps": ["Go slowly.",
                {"text": "Pick a calm moment with your partner.", "tags": ["partner"]},
                {"text": "Talking gets easier with practice.",
                 "when": {"all": [{"scale": "t", "op": ">=", "value": 2}]}}]}
        });
        questionnaire_from_value(v).unwrap().questionnaire
    }

    fn summary(unsafe_answer: i64) -> String {
        summary_with(unsafe_answer, 2)
    }

    fn summary_with(unsafe_answer: i64, talk: i64) -> String {
        let q = q();
        let answers = [
            ("unsafe".to_string(), Answer::Choice(unsafe_answer)),
            ("talk".to_string(), Answer::Choice(talk)),
        ]
        .into_iter()
        .collect();
        let scored = crate::scoring::score(&q, &answers, &crate::scoring::Earlier::new());
        let resources = crate::report::resources::bundled();
        let opts = Options {
            lang: "en",
            width: 1000,
            style: Style::plain(),
            resources: &resources,
            country: Some("US".into()),
        };
        render_text(
            &[Part {
                q: &q,
                scored: &scored,
                taken: true,
            }],
            &opts,
        )
    }

    #[test]
    fn without_a_safety_flag_the_partner_texts_are_shown() {
        let text = summary(0);
        assert!(text.contains("Practise with your partner."), "{text}");
        assert!(
            text.contains("A couples therapist can help you both."),
            "{text}"
        );
        assert!(
            text.contains("Pick a calm moment with your partner."),
            "{text}"
        );
        assert!(!text.contains("You deserve to be safe."), "{text}");
        assert!(!text.contains("Please read this first"), "{text}");
    }

    #[test]
    fn a_guidance_entry_with_when_is_shown_only_while_its_condition_holds() {
        let practice = "Talking gets easier with practice.";
        let hard = summary_with(0, 2);
        assert!(hard.contains(practice), "{hard}");
        let easy = summary_with(0, 0);
        assert!(!easy.contains(practice), "{easy}");
        assert!(easy.contains("Go slowly."), "{easy}");
    }

    #[test]
    fn a_safety_flag_withholds_every_partner_text_and_says_instead_once() {
        let text = summary(1);
        for partner in [
            "Practise with your partner.",
            "A couples therapist can help you both.",
            "Pick a calm moment with your partner.",
        ] {
            assert!(!text.contains(partner), "{partner} in:\n{text}");
        }
        assert_eq!(text.matches("You deserve to be safe.").count(), 1, "{text}");
        // The band summary stands in for the withheld variant; general advice waits too.
        assert!(text.contains("Talking: Hard. Talking is hard."), "{text}");
        assert!(!text.contains("Go slowly."), "{text}");
        assert_eq!(text.matches("Please read this first").count(), 1, "{text}");
        assert!(text.contains("You feel unsafe."), "{text}");
        assert!(!text.contains("Urgent:"), "{text}");
    }
}
