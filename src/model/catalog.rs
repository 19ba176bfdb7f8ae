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
    pub fn describe(&self) -> String {
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

    pub fn ids(&self) -> Vec<&str> {
        self.entries.iter().map(|e| e.q().id.as_str()).collect()
    }

    /// Checks references between questionnaires (`other.item`) for one definition.
    pub fn check_references(&self, q: &Questionnaire) -> Vec<Problem> {
        let ids = self.ids();
        let lookup = |id: &str| self.get(id).map(Entry::q);
        check_references(q, &lookup, &ids)
    }
}
