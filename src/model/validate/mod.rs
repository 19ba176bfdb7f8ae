//! The validation pass: every rule of `confide.questionnaire/1` that the shape of the JSON
//! cannot express, each reported with its JSON path. All problems are collected.

mod conditions;
mod items;
mod norms;
mod scales;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use super::problem::{Problem, join};
use super::questionnaire::{FlagLevel, GuidanceEntry, ProvenanceKind, Questionnaire};
use super::text::Text;

pub(crate) use conditions::check_references;

/// Size limits that keep hostile or mistaken files from exhausting memory or patience.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    pub(crate) max_items: usize,
    pub(crate) max_options: usize,
    pub(crate) max_option_sets: usize,
    pub(crate) max_scales: usize,
    pub(crate) max_bands: usize,
    pub(crate) max_flags: usize,
    pub(crate) max_clauses: usize,
    pub(crate) max_text_chars: usize,
    pub(crate) max_text_answer: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_items: 200,
            max_options: 50,
            max_option_sets: 50,
            max_scales: 50,
            max_bands: 20,
            max_flags: 100,
            max_clauses: 50,
            max_text_chars: 10_000,
            max_text_answer: 10_000,
        }
    }
}

/// Checks a parsed questionnaire and returns every problem found.
pub(crate) fn validate(q: &Questionnaire, limits: &Limits) -> Vec<Problem> {
    let mut v = Validator {
        q,
        limits,
        problems: Vec::new(),
        ranges: crate::model::range::scale_ranges(q),
        scale_items: conditions::all_scale_items(q),
    };
    v.header();
    v.option_sets();
    v.items();
    v.scales();
    v.flags();
    v.guidance();
    v.problems
}

pub(crate) struct Validator<'a> {
    pub(crate) q: &'a Questionnaire,
    pub(crate) limits: &'a Limits,
    pub(crate) problems: Vec<Problem>,
    /// The range of each scale, worked out once: conditions may name a scale many times.
    pub(crate) ranges: Vec<Option<crate::model::range::ScaleRange>>,
    /// The indexes of the items each scale combines, directly or through other scales.
    pub(crate) scale_items: Vec<Vec<usize>>,
}

impl Validator<'_> {
    pub(crate) fn problem(&mut self, path: impl Into<String>, message: impl Into<String>) {
        // Messages quote ids and values from the file in backticks; a hostile file can make
        // those as long as it likes, so each is cut (ids that could be valid are never cut).
        let message = cut_quoted(&message.into(), 70);
        self.problems.push(Problem::at(path, message));
    }

    fn header(&mut self) {
        let q = self.q;
        self.id("/id", &q.id, "questionnaire id");
        if let Err(e) = semver::Version::parse(&q.version) {
            self.problem(
                "/version",
                format!(
                    "`{}` is not a semantic version such as 1.0.0 ({})",
                    truncate(&q.version, 40),
                    truncate(&e.to_string(), 80)
                ),
            );
        }
        if !is_language_tag(&q.language) {
            self.problem(
                "/language",
                format!(
                    "`{}` is not a language tag such as `en` or `pt-BR`",
                    truncate(&q.language, 40)
                ),
            );
        }
        self.text("/title", &q.title);
        self.text("/description", &q.description);
        if let Some(t) = &q.recall_period {
            self.text("/recall_period", t);
        }
        if let Some(t) = &q.intro {
            self.text("/intro", t);
        }
        if let Some(cond) = &q.applies_when {
            self.condition("/applies_when", cond, None);
            for (path, clause) in cond.comparisons() {
                let local = clause
                    .item
                    .as_deref()
                    .or(clause.scale.as_deref())
                    .is_some_and(|r| !r.contains('.'));
                if local {
                    self.problem(
                        format!("/applies_when{path}"),
                        "applies_when can only refer to other questionnaires (`questionnaire_id.item_id`)",
                    );
                }
            }
        }
        self.provenance();
    }

    /// A questionnaire that is not original cites its source, and a licensed one names its
    /// license.
    fn provenance(&mut self) {
        let p = &self.q.provenance;
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        match p.kind {
            ProvenanceKind::Original => {
                if p.validated {
                    self.problem(
                        "/provenance/validated",
                        "a questionnaire written for confide cannot be marked validated: `validated` is for a published instrument, cited in `citation`",
                    );
                }
            }
            ProvenanceKind::PublicDomain => {
                if blank(&p.citation) {
                    self.problem(
                        "/provenance/citation",
                        "a public-domain questionnaire must cite its source",
                    );
                }
            }
            ProvenanceKind::Licensed => {
                if blank(&p.citation) {
                    self.problem(
                        "/provenance/citation",
                        "a licensed questionnaire must cite its source",
                    );
                }
                if blank(&p.license) {
                    self.problem(
                        "/provenance/license",
                        "a licensed questionnaire must name its license",
                    );
                }
            }
        }
    }

    fn flags(&mut self) {
        let q = self.q;
        if q.flags.len() > self.limits.max_flags {
            self.problem(
                "/flags",
                format!(
                    "{} flags; the limit is {}",
                    q.flags.len(),
                    self.limits.max_flags
                ),
            );
            return;
        }
        let mut seen = HashMap::new();
        for (i, flag) in q.flags.iter().enumerate() {
            let base = join("/flags", i);
            self.id(&join(&base, "id"), &flag.id, "flag id");
            self.duplicate(&mut seen, &flag.id, &base, "flag id");
            if parse_level(&flag.level).is_none() {
                self.problem(
                    join(&base, "level"),
                    format!(
                        "unknown flag level `{}`; expected note, suggestion, see-a-clinician or urgent",
                        flag.level
                    ),
                );
            }
            self.condition(&join(&base, "when"), &flag.when, None);
            self.text(&join(&base, "message"), &flag.message);
            for (key, text) in [
                ("said", &flag.said),
                ("clinician", &flag.clinician),
                ("instead", &flag.instead),
            ] {
                if let Some(text) = text {
                    self.text(&join(&base, key), text);
                }
            }
            self.tags(&join(&base, "tags"), &flag.tags);
            self.tags(&join(&base, "withholds"), &flag.withholds);
            match (flag.withholds.is_empty(), flag.instead.is_some()) {
                (false, false) => self.problem(
                    join(&base, "withholds"),
                    "a flag that withholds texts needs `instead`: the line the person reads in their place",
                ),
                (true, true) => self.problem(
                    join(&base, "instead"),
                    "`instead` replaces withheld texts, so it needs `withholds`",
                ),
                _ => {}
            }
            if let Some(t) = flag.withholds.iter().position(|t| flag.tags.contains(t)) {
                self.problem(
                    join(&join(&base, "withholds"), t),
                    format!(
                        "the flag is tagged `{}` itself, so it would withhold itself",
                        flag.withholds[t]
                    ),
                );
            }
            let mut kinds = flag.resources.clone();
            kinds.sort();
            kinds.dedup();
            if kinds.len() != flag.resources.len() {
                self.problem(
                    join(&base, "resources"),
                    "a kind of resource is listed twice",
                );
            }
        }
    }

    /// Checks a list of tags: each an id of at most 32 characters, none twice, at most 16.
    pub(crate) fn tags(&mut self, path: &str, tags: &[String]) {
        if tags.len() > 16 {
            self.problem(path, format!("{} tags; the limit is 16", tags.len()));
            return;
        }
        for (i, tag) in tags.iter().enumerate() {
            let at = join(path, i);
            if !is_id(tag) || tag.len() > 32 {
                self.problem(
                    at,
                    format!(
                        "`{}` is not a valid tag: use 1 to 32 lowercase letters, digits, `_` or `-`, starting with a letter",
                        truncate(tag, 70)
                    ),
                );
            } else if tags[..i].contains(tag) {
                self.problem(at, format!("tag `{tag}` is given twice"));
            }
        }
    }

    fn guidance(&mut self) {
        let Some(g) = &self.q.guidance else { return };
        for (key, list) in [
            ("what_is_common", &g.what_is_common),
            ("what_helps", &g.what_helps),
            ("when_to_seek_help", &g.when_to_seek_help),
        ] {
            for (i, entry) in list.iter().enumerate() {
                let path = join(&join("/guidance", key), i);
                match entry {
                    GuidanceEntry::Plain(t) => self.text(&path, t),
                    GuidanceEntry::Tagged(t) => {
                        self.text(&join(&path, "text"), &t.text);
                        if t.tags.is_empty() && t.when.is_none() {
                            self.problem(
                                join(&path, "tags"),
                                "give at least one tag or a `when` condition, or write the entry as a plain text",
                            );
                        }
                        self.tags(&join(&path, "tags"), &t.tags);
                        if let Some(when) = &t.when {
                            self.condition(&join(&path, "when"), when, None);
                        }
                    }
                }
            }
        }
        for (i, r) in g.references.iter().enumerate() {
            let path = join("/guidance/references", i);
            self.plain_string(&path, r);
        }
    }

    /// Checks an id: lowercase letters, digits, `_` and `-`, starting with a letter.
    pub(crate) fn id(&mut self, path: &str, id: &str, what: &str) {
        if !is_id(id) {
            self.problem(
                path,
                format!(
                    "`{}` is not a valid {what}: use 1 to 64 lowercase letters, digits, `_` or `-`, starting with a letter",
                    truncate(id, 70)
                ),
            );
        }
    }

    /// Records `id` as seen at `base`, reporting a duplicate.
    pub(crate) fn duplicate(
        &mut self,
        seen: &mut HashMap<String, String>,
        id: &str,
        base: &str,
        what: &str,
    ) {
        if let Some(first) = seen.get(id) {
            self.problem(
                join(base, "id"),
                format!(
                    "duplicate {what} `{}` (first used at {first})",
                    truncate(id, 70)
                ),
            );
        } else {
            seen.insert(id.to_owned(), base.to_owned());
        }
    }

    /// Checks a text field: not empty, within the size limit, free of control characters,
    /// and, for a language map, with an entry in the questionnaire's language.
    pub(crate) fn text(&mut self, path: &str, text: &Text) {
        if let Text::Map(map) = text {
            if map.is_empty() {
                self.problem(path, "a text map needs at least one language");
                return;
            }
            if !map.contains_key(&self.q.language) {
                self.problem(
                    path,
                    format!(
                        "text has no `{}` entry, the questionnaire's language",
                        self.q.language
                    ),
                );
            }
            for key in map.keys() {
                if !is_language_tag(key) {
                    self.problem(
                        join(path, key),
                        format!("`{}` is not a language tag", truncate(key, 40)),
                    );
                }
            }
        }
        for (lang, s) in text.all() {
            let p = match lang {
                Some(l) => join(path, l),
                None => path.to_owned(),
            };
            self.plain_string(&p, s);
        }
    }

    fn plain_string(&mut self, path: &str, s: &str) {
        if s.trim().is_empty() {
            self.problem(path, "text is empty");
        }
        let chars = s.chars().count();
        if chars > self.limits.max_text_chars {
            self.problem(
                path,
                format!(
                    "text is {chars} characters long; the limit is {}",
                    self.limits.max_text_chars
                ),
            );
        }
        if let Some(c) = s.chars().find(|c| is_forbidden_char(*c)) {
            self.problem(
                path,
                format!(
                    "text contains the control character U+{:04X}; remove it (terminal escapes and direction overrides are not allowed)",
                    c as u32
                ),
            );
        }
    }
}

pub use super::untrusted::{is_forbidden_char, truncate};

pub(crate) fn parse_level(s: &str) -> Option<FlagLevel> {
    FlagLevel::ALL.into_iter().find(|l| l.as_str() == s)
}

pub(crate) fn is_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some('a'..='z'))
        && id.len() <= 64
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_' | '-'))
}

/// A simple BCP 47 check: a 2 or 3 letter language, then subtags of 2 to 8 letters or digits.
pub(crate) fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Cuts every `quoted` part of a message to `n` characters.
fn cut_quoted(message: &str, n: usize) -> String {
    let mut out = String::with_capacity(message.len().min(1024));
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(&truncate(part, n));
        } else {
            out.push_str(part);
        }
    }
    out
}
