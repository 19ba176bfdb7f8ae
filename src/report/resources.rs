//! Support resources shown with urgent flags: a bundled file (`resources/support.json`) that a
//! therapist or organisation can replace with their own `support.json` in the config folder.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::load::{deserialize_at, json_from_bytes};
use crate::model::problem::Problem;
use crate::model::validate::is_forbidden_char;

pub const RESOURCES_FORMAT: &str = "confide.resources/1";
const BUNDLED: &str = include_str!("../../resources/support.json");

/// Places to turn to, grouped by region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    pub format: String,
    pub intro: String,
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub region: String,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub name: String,
    pub contact: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
}

/// Parses and checks a resources file.
pub fn parse(bytes: &[u8]) -> Result<Resources, Vec<Problem>> {
    let value = json_from_bytes(bytes, 256 * 1024)?;
    let r: Resources = deserialize_at(&value, "").map_err(|p| vec![p])?;
    let mut problems = Vec::new();
    if r.format != RESOURCES_FORMAT {
        problems.push(Problem::at(
            "/format",
            format!("expected `{RESOURCES_FORMAT}`"),
        ));
    }
    if r.groups.iter().all(|g| g.entries.is_empty()) {
        problems.push(Problem::at("/groups", "there are no resources"));
    }
    let mut texts = vec![("/intro".to_string(), r.intro.as_str())];
    for (g, group) in r.groups.iter().enumerate() {
        texts.push((format!("/groups/{g}/region"), &group.region));
        for (e, entry) in group.entries.iter().enumerate() {
            texts.push((format!("/groups/{g}/entries/{e}/name"), &entry.name));
            texts.push((format!("/groups/{g}/entries/{e}/contact"), &entry.contact));
        }
    }
    for (path, text) in texts {
        if text.trim().is_empty() {
            problems.push(Problem::at(path, "text is empty"));
        } else if text.chars().any(is_forbidden_char) {
            problems.push(Problem::at(path, "text contains a control character"));
        }
    }
    if problems.is_empty() {
        Ok(r)
    } else {
        Err(problems)
    }
}

/// The bundled resources.
pub fn bundled() -> Resources {
    // Checked by a test; an unreadable bundle would be a build defect.
    parse(BUNDLED.as_bytes()).unwrap_or_else(|_| Resources {
        format: RESOURCES_FORMAT.into(),
        intro: "If you are in danger now, call your local emergency number.".into(),
        groups: Vec::new(),
    })
}

/// `support.json` from the config folder if present and valid (a warning otherwise),
/// else the bundled resources.
pub fn load(config_dir: Option<&Path>) -> Resources {
    let Some(path) = config_dir.map(|c| c.join("support.json")) else {
        return bundled();
    };
    match crate::store::questionnaires::read_limited(&path, 256 * 1024) {
        Ok(bytes) => match parse(&bytes) {
            Ok(r) => r,
            Err(problems) => {
                crate::term::warn(&format!(
                    "ignoring {}: {}; using the bundled support resources",
                    path.display(),
                    problems
                        .first()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                ));
                bundled()
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bundled(),
        Err(e) => {
            crate::term::warn(&format!(
                "cannot read {}: {}; using the bundled support resources",
                path.display(),
                crate::error::describe_io(&e)
            ));
            bundled()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_resources_are_valid() {
        let r = parse(BUNDLED.as_bytes()).unwrap();
        assert!(r.groups.iter().any(|g| !g.entries.is_empty()));
    }

    #[test]
    fn a_resources_file_with_an_unknown_field_is_refused() {
        let e =
            parse(br#"{"format": "confide.resources/1", "intro": "x", "groups": [], "extra": 1}"#)
                .unwrap_err();
        assert!(e[0].to_string().contains("unknown field `extra`"));
    }
}
