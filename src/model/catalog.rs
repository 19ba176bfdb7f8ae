//! The questionnaires available to a command: bundled ones first, then custom files.

use std::path::PathBuf;

use super::bundled::BUNDLED;
use super::load::Loaded;
use super::problem::Problem;
use super::questionnaire::Questionnaire;
use super::validate::check_references;

/// Where a questionnaire came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Bundled,
    File(PathBuf),
    /// Embedded in an invitation.
    Invitation,
}

impl Source {
    pub(crate) fn describe(&self) -> String {
        match self {
            Source::Bundled => "bundled".into(),
            Source::File(p) => p.display().to_string(),
            Source::Invitation => "invitation".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub loaded: Loaded,
    pub source: Source,
}

impl Entry {
    pub fn q(&self) -> &Questionnaire {
        &self.loaded.questionnaire
    }
}

/// An ordered set of questionnaires with distinct ids.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub entries: Vec<Entry>,
}

impl Catalog {
    /// The bundled questionnaires. They are validated by the test suite, not at every start
    /// (`Loaded::bundled`), so a problem here is a build defect; it is still reported, never
    /// a panic.
    pub fn bundled() -> Result<Catalog, (String, Vec<Problem>)> {
        let mut catalog = Catalog::default();
        for (name, text) in BUNDLED {
            let loaded = Loaded::bundled(text).map_err(|p| (name.to_string(), p))?;
            catalog.entries.push(Entry {
                loaded,
                source: Source::Bundled,
            });
        }
        Ok(catalog)
    }

    /// Adds a questionnaire; an id already present is refused with the reason.
    pub fn add(&mut self, entry: Entry) -> Result<(), String> {
        if let Some(existing) = self.get(&entry.q().id) {
            return Err(format!(
                "questionnaire id `{}` is already used by {}",
                entry.q().id,
                match &existing.source {
                    Source::Bundled => "a bundled questionnaire".to_string(),
                    other => other.describe(),
                }
            ));
        }
        self.entries.push(entry);
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.q().id == id)
    }

    pub(crate) fn ids(&self) -> Vec<&str> {
        self.entries.iter().map(|e| e.q().id.as_str()).collect()
    }

    /// `ids` plus, with `dependencies`, every questionnaire they refer to (transitively),
    /// in catalog order except that a questionnaire comes after those it refers to. Ids not
    /// in the catalog are left out.
    pub(crate) fn ordered(&self, ids: &[String], dependencies: bool) -> Vec<&Entry> {
        let mut wanted: Vec<String> = ids
            .iter()
            .filter(|id| self.get(id).is_some())
            .cloned()
            .collect();
        if dependencies {
            let mut i = 0;
            while i < wanted.len() {
                if let Some(e) = self.get(&wanted[i]) {
                    for dep in e.q().references() {
                        if self.get(&dep).is_some() && !wanted.contains(&dep) {
                            wanted.push(dep);
                        }
                    }
                }
                i += 1;
            }
        }
        let chosen: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| wanted.contains(&e.q().id))
            .collect();
        fn visit<'e>(
            e: &'e Entry,
            chosen: &[&'e Entry],
            ordered: &mut Vec<&'e Entry>,
            depth: usize,
        ) {
            // Depth bounds a cycle of references, which validation does not forbid across files.
            if ordered.iter().any(|o| o.q().id == e.q().id) || depth > chosen.len() {
                return;
            }
            for dep in e.q().references() {
                if let Some(d) = chosen.iter().find(|c| c.q().id == dep) {
                    visit(d, chosen, ordered, depth + 1);
                }
            }
            if !ordered.iter().any(|o| o.q().id == e.q().id) {
                ordered.push(e);
            }
        }
        let mut ordered = Vec::with_capacity(chosen.len());
        for e in &chosen {
            visit(e, &chosen, &mut ordered, 0);
        }
        ordered
    }

    /// Checks references between questionnaires (`other.item`) for one definition.
    pub fn check_references(&self, q: &Questionnaire) -> Vec<Problem> {
        let ids = self.ids();
        let lookup = |id: &str| self.get(id).map(Entry::q);
        check_references(q, &lookup, &ids)
    }
}
