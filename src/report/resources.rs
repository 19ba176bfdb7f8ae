//! Support resources shown with urgent flags: a bundled file (`resources/support.json`) that a
//! therapist or organisation can replace with their own `support.json` in the config folder.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::load::{deserialize_at, json_from_bytes};
use crate::model::problem::Problem;
use crate::model::untrusted::is_forbidden_char;
use crate::term::sanitize;

const RESOURCES_FORMAT: &str = "confide.resources/1";
/// The largest resources file read.
pub(crate) const MAX_BYTES: usize = 256 * 1024;
const BUNDLED: &str = include_str!("../../resources/support.json");

/// Places to turn to, grouped by region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    format: String,
    pub(crate) intro: String,
    pub(crate) groups: Vec<Group>,
}

/// The services of one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Group {
    /// The name shown above the entries, such as "United Kingdom".
    pub(crate) region: String,
    /// The ISO 3166-1 alpha-2 code of the country these services are for, in capitals
    /// (`GB`); absent for services that work anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) country: Option<String>,
    /// The emergency number of the country (`999`), shown above its services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) emergency: Option<String>,
    pub(crate) entries: Vec<Entry>,
}

/// One service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entry {
    pub(crate) name: String,
    pub(crate) contact: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) about: Option<String>,
    /// What the service helps with; empty for general support.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) kinds: Vec<Kind>,
    /// Where in the country it works, when not everywhere ("Wales only").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) area: Option<String>,
    /// The address of the organisation's own page that gives this contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) source: Option<String>,
    /// When the contact was last checked against `source`, as YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) checked: Option<String>,
}

/// What a service helps with: the same kinds a questionnaire's flag names in `resources`.
pub(crate) use crate::model::questionnaire::SupportKind as Kind;

/// Parses and checks a resources file.
fn parse(bytes: &[u8]) -> Result<Resources, Vec<Problem>> {
    let value = json_from_bytes(bytes, MAX_BYTES)?;
    let format = crate::model::format::Format::new(RESOURCES_FORMAT, "a support resources file");
    format.check(&value).map_err(|m| vec![m.problem()])?;
    let r: Resources = deserialize_at(&value, "").map_err(|p| vec![p])?;
    let mut problems = Vec::new();
    if r.groups.iter().all(|g| g.entries.is_empty()) {
        problems.push(Problem::at("/groups", "there are no resources"));
    }
    let mut texts = vec![("/intro".to_string(), r.intro.as_str())];
    for (g, group) in r.groups.iter().enumerate() {
        texts.push((format!("/groups/{g}/region"), &group.region));
        if let Some(number) = &group.emergency {
            texts.push((format!("/groups/{g}/emergency"), number));
            if group.country.is_none() {
                problems.push(Problem::at(
                    format!("/groups/{g}/emergency"),
                    "an emergency number belongs to a country: give the group's `country`",
                ));
            }
        }
        if let Some(country) = &group.country
            && let Some(message) = country_problem(country)
        {
            problems.push(Problem::at(format!("/groups/{g}/country"), message));
        }
        for (e, entry) in group.entries.iter().enumerate() {
            let at = format!("/groups/{g}/entries/{e}");
            texts.push((format!("{at}/name"), &entry.name));
            texts.push((format!("{at}/contact"), &entry.contact));
            if let Some(area) = &entry.area {
                texts.push((format!("{at}/area"), area));
            }
            if let Some(source) = &entry.source
                && !is_web_address(source)
            {
                problems.push(Problem::at(
                    format!("{at}/source"),
                    "expected the address of a web page, starting with https://",
                ));
            }
            if let Some(checked) = &entry.checked
                && parse_date(checked).is_none()
            {
                problems.push(Problem::at(
                    format!("{at}/checked"),
                    "expected a date written YYYY-MM-DD, such as 2026-11-30",
                ));
            }
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

/// What is wrong with the `country` of a group, if anything.
fn country_problem(code: &str) -> Option<&'static str> {
    if code == "UK" {
        Some("use `GB` for the United Kingdom (ISO 3166-1 alpha-2)")
    } else if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        None
    } else {
        Some("expected a country code of two capital letters (ISO 3166-1 alpha-2), such as `GB`")
    }
}

/// A country code as given by a person (`gb`, `GB`, `uk`): two ASCII letters, in capitals,
/// with `UK` taken as `GB`. `None` when it is not two letters.
pub(crate) fn country_code(code: &str) -> Option<String> {
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let code = code.to_ascii_uppercase();
    Some(if code == "UK" { "GB".into() } else { code })
}

/// An absolute http(s) address with a host and no spaces.
fn is_web_address(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty()
            && host.contains('.')
            && !s.chars().any(|c| c.is_whitespace() || is_forbidden_char(c))
    })
}

/// A calendar date written exactly YYYY-MM-DD.
fn parse_date(s: &str) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let shape = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    shape.then(|| time::Date::parse(s, &format).ok()).flatten()
}

/// The groups and entries to show for a country and the kinds of help wanted.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Selected<'a> {
    /// Each group with its entries to show, in the order of the file: groups that work
    /// anywhere first, then the country's own. Groups left with no entries are not listed.
    pub(crate) groups: Vec<(&'a Group, Vec<&'a Entry>)>,
    /// How to choose a country, when none was chosen or the chosen one has no group.
    pub(crate) note: Option<String>,
}

/// Groups that work anywhere, then the country's group(s), each filtered to entries whose kinds
/// intersect `kinds` (an entry with no kinds always shows; `kinds` empty = all entries).
/// When `country` is None or has no group: the anywhere groups plus a `note` telling how to choose a country.
///
/// `country` is read as [`country_code`] reads it. A file with no country groups at all (as
/// written before groups had countries) gets no note: everything in it is shown.
pub(crate) fn select<'a>(r: &'a Resources, country: Option<&str>, kinds: &[Kind]) -> Selected<'a> {
    let country = country.and_then(country_code);
    let wanted = |e: &Entry| {
        kinds.is_empty() || e.kinds.is_empty() || e.kinds.iter().any(|k| kinds.contains(k))
    };
    let anywhere = r.groups.iter().filter(|g| g.country.is_none());
    let local: Vec<&Group> = r
        .groups
        .iter()
        .filter(|g| g.country.is_some() && g.country == country)
        .collect();
    let mut listed: Vec<&str> = Vec::new();
    for c in r.groups.iter().filter_map(|g| g.country.as_deref()) {
        if !listed.contains(&c) {
            listed.push(c);
        }
    }
    let note = (local.is_empty() && !listed.is_empty()).then(|| choose_note(country, &listed));
    let groups = anywhere
        .chain(local)
        .map(|g| {
            (
                g,
                g.entries.iter().filter(|e| wanted(e)).collect::<Vec<_>>(),
            )
        })
        .filter(|(_, entries)| !entries.is_empty())
        .collect();
    Selected { groups, note }
}

/// The note shown without a country's group: how to choose one, and which the list has.
fn choose_note(country: Option<String>, listed: &[&str]) -> String {
    let listed: Vec<String> = listed
        .iter()
        .map(|c| sanitize::line(c).into_owned())
        .collect();
    let have = match listed.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    let how = "run confide with --country CODE (for example --country GB), or set CONFIDE_COUNTRY.";
    match country {
        Some(c) => format!(
            "There are no services listed here for {c}. To see services for another country, {how} This list has services for {have}."
        ),
        None => {
            format!("To see services for your country, {how} This list has services for {have}.")
        }
    }
}

/// One entry as one line of text: "Name (area): contact. About".
pub(crate) fn render_entry(e: &Entry) -> String {
    let mut s = sanitize::line(&e.name).into_owned();
    if let Some(area) = &e.area {
        s.push_str(" (");
        s.push_str(&sanitize::line(area));
        s.push(')');
    }
    s.push_str(": ");
    s.push_str(&sanitize::line(&e.contact));
    if let Some(about) = &e.about {
        s.push_str(". ");
        s.push_str(&sanitize::line(about));
    }
    s
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

/// `support.json` from the config folder, and why it was passed over for the bundled
/// resources when it was.
pub(crate) struct Loaded {
    pub(crate) resources: Resources,
    pub(crate) ignored: Option<Ignored>,
}

/// A `support.json` that is there but not used: the bundled resources are shown instead.
#[derive(Debug)]
pub(crate) struct Ignored {
    path: PathBuf,
    why: Unusable,
}

#[derive(Debug)]
enum Unusable {
    /// It was read, but it is not a valid resources file.
    Invalid(Vec<Problem>),
    /// It could not be read (not a regular file, no permission, ...).
    Unreadable(std::io::Error),
}

impl fmt::Display for Ignored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.why {
            Unusable::Invalid(problems) => write!(
                f,
                "ignoring {path}: {}; using the bundled support resources",
                problems
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            ),
            Unusable::Unreadable(e) => write!(
                f,
                "cannot read {path}: {}; using the bundled support resources",
                crate::error::describe_io(e)
            ),
        }
    }
}

/// The resources to show, given `support.json` at `path` as it was read: the file when it
/// is valid, the bundled resources when there is none, and the bundled resources with why
/// when it is unreadable or invalid.
pub(crate) fn from_file(path: &Path, read: std::io::Result<Vec<u8>>) -> Loaded {
    let why = match read {
        Ok(bytes) => match parse(&bytes) {
            Ok(resources) => {
                return Loaded {
                    resources,
                    ignored: None,
                };
            }
            Err(problems) => Unusable::Invalid(problems),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Loaded {
                resources: bundled(),
                ignored: None,
            };
        }
        Err(e) => Unusable::Unreadable(e),
    };
    Loaded {
        resources: bundled(),
        ignored: Some(Ignored {
            path: path.to_owned(),
            why,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled_file() -> Resources {
        parse(BUNDLED.as_bytes()).unwrap()
    }

    /// The one-line texts shown for `country` and `kinds`, grouped by region.
    fn shown(r: &Resources, country: Option<&str>, kinds: &[Kind]) -> Vec<(String, Vec<String>)> {
        select(r, country, kinds)
            .groups
            .iter()
            .map(|(g, entries)| {
                (
                    g.region.clone(),
                    entries.iter().map(|e| render_entry(e)).collect(),
                )
            })
            .collect()
    }

    fn all_text(r: &Resources, country: Option<&str>, kinds: &[Kind]) -> String {
        shown(r, country, kinds)
            .into_iter()
            .map(|(region, lines)| format!("{region}\n{}\n", lines.join("\n")))
            .collect()
    }

    #[test]
    fn the_bundled_resources_are_valid() {
        let r = bundled_file();
        assert!(r.groups.iter().any(|g| !g.entries.is_empty()));
        assert_eq!(bundled(), r);
    }

    #[test]
    fn every_bundled_entry_names_its_source_and_when_it_was_checked() {
        let r = bundled_file();
        for (g, group) in r.groups.iter().enumerate() {
            for (e, entry) in group.entries.iter().enumerate() {
                let at = format!("/groups/{g}/entries/{e} ({})", entry.name);
                let source = entry.source.as_deref().unwrap_or_else(|| {
                    panic!("{at} has no source: every bundled contact needs the page it came from")
                });
                assert!(
                    source.starts_with("https://") && is_web_address(source),
                    "{at}: the source is not an https address: {source}"
                );
                let checked = entry
                    .checked
                    .as_deref()
                    .unwrap_or_else(|| panic!("{at} has no `checked` date"));
                assert!(
                    parse_date(checked).is_some(),
                    "{at}: `{checked}` is not a date"
                );
            }
        }
    }

    #[test]
    fn the_bundled_resources_cover_the_countries_they_name() {
        let r = bundled_file();
        let countries: Vec<_> = r.groups.iter().map(|g| g.country.as_deref()).collect();
        assert_eq!(
            countries,
            [
                None,
                Some("US"),
                Some("GB"),
                Some("IE"),
                Some("CA"),
                Some("AU"),
                Some("NZ")
            ]
        );
        // Find A Helpline shows whatever kind of help is asked for.
        for kind in [Kind::Crisis, Kind::DomesticAbuse, Kind::SexualViolence] {
            assert!(
                all_text(&r, Some("ZZ"), &[kind]).contains("Find A Helpline"),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn a_country_shows_the_groups_that_work_anywhere_then_its_own() {
        let r = bundled_file();
        let gb = shown(&r, Some("GB"), &[]);
        let regions: Vec<_> = gb.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(regions, ["Anywhere", "United Kingdom"]);
        let text = all_text(&r, Some("GB"), &[]);
        assert!(text.contains("Samaritans: 116 123"), "{text}");
        assert!(
            text.contains("National Domestic Abuse Helpline (for women): 0808 2000 247"),
            "{text}"
        );
        assert!(
            text.contains("Live Fear Free Helpline (Wales only): 0808 80 10 800"),
            "{text}"
        );
        assert!(!text.contains("988"), "{text}");
        assert_eq!(select(&r, Some("GB"), &[]).note, None);

        let ie = all_text(&r, Some("IE"), &[]);
        assert!(ie.contains("Samaritans: 116 123"), "{ie}");
        assert!(!ie.contains("United Kingdom"), "{ie}");
    }

    #[test]
    fn a_country_code_is_read_in_any_case_and_uk_is_gb() {
        let r = bundled_file();
        for code in ["gb", "Gb", "UK", "uk"] {
            assert_eq!(
                shown(&r, Some(code), &[]),
                shown(&r, Some("GB"), &[]),
                "{code}"
            );
        }
        assert_eq!(country_code("uk").as_deref(), Some("GB"));
        assert_eq!(country_code("nz").as_deref(), Some("NZ"));
        for bad in ["", "G", "GBR", "1x", "g-", "ÉÉ"] {
            assert_eq!(country_code(bad), None, "{bad}");
        }
    }

    #[test]
    fn without_a_known_country_only_the_anywhere_group_shows_with_a_note() {
        let r = bundled_file();
        for country in [None, Some("ZZ"), Some("1x")] {
            let s = select(&r, country, &[]);
            let regions: Vec<_> = s.groups.iter().map(|(g, _)| g.region.as_str()).collect();
            assert_eq!(regions, ["Anywhere"], "{country:?}");
            let note = s.note.unwrap();
            assert!(
                note.contains("--country CODE (for example --country GB)"),
                "{note}"
            );
            assert!(note.contains("CONFIDE_COUNTRY"), "{note}");
            assert!(note.contains("US, GB, IE, CA, AU and NZ"), "{note}");
        }
        let note = select(&r, Some("zz"), &[]).note.unwrap();
        assert!(
            note.starts_with("There are no services listed here for ZZ."),
            "{note}"
        );
        let note = select(&r, None, &[]).note.unwrap();
        assert!(
            note.starts_with("To see services for your country, run confide"),
            "{note}"
        );
    }

    #[test]
    fn kinds_filter_the_entries_and_an_entry_without_kinds_always_shows() {
        let r = bundled_file();
        let text = all_text(&r, Some("GB"), &[Kind::SexualViolence]);
        assert!(text.contains("Rape Crisis Scotland"), "{text}");
        assert!(text.contains("Live Fear Free"), "{text}");
        assert!(!text.contains("Samaritans"), "{text}");
        assert!(!text.contains("National Domestic Abuse Helpline"), "{text}");
        // Emergency services has no kinds.
        assert!(text.contains("Emergency services"), "{text}");
        let text = all_text(&r, Some("GB"), &[Kind::Crisis, Kind::DomesticAbuse]);
        assert!(text.contains("Samaritans"), "{text}");
        assert!(text.contains("National Domestic Abuse Helpline"), "{text}");
        assert!(!text.contains("Rape Crisis Scotland"), "{text}");
        // A group left with nothing to show is not listed.
        let other = shown(&r, Some("GB"), &[Kind::Other]);
        let regions: Vec<_> = other.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(regions, ["Anywhere"]);
    }

    const OLD_SHAPE: &[u8] = br#"{
        "format": "confide.resources/1",
        "intro": "Our practice can help.",
        "groups": [
            {"region": "Our practice", "entries": [
                {"name": "Front desk", "contact": "0100 000 000", "about": "Weekdays."}
            ]},
            {"region": "Out of hours", "entries": [
                {"name": "Duty line", "contact": "0100 000 001"}
            ]}
        ]
    }"#;

    #[test]
    fn a_file_without_countries_still_loads_and_shows_everything_without_a_note() {
        let r = parse(OLD_SHAPE).unwrap();
        for country in [None, Some("GB"), Some("ZZ")] {
            let s = select(&r, country, &[Kind::Crisis]);
            assert_eq!(s.note, None);
            assert_eq!(
                shown(&r, country, &[]),
                [
                    (
                        "Our practice".to_string(),
                        vec!["Front desk: 0100 000 000. Weekdays.".to_string()]
                    ),
                    (
                        "Out of hours".to_string(),
                        vec!["Duty line: 0100 000 001".to_string()]
                    ),
                ]
            );
        }
    }

    #[test]
    fn an_entry_is_one_line_with_its_area() {
        let e = Entry {
            name: "Line\nfeed".into(),
            contact: "0800\u{1b}[31m".into(),
            about: Some("About it.".into()),
            kinds: Vec::new(),
            area: Some("North only".into()),
            source: None,
            checked: None,
        };
        assert_eq!(
            render_entry(&e),
            "Line feed (North only): 0800\u{FFFD}[31m. About it."
        );
    }

    fn problems(json: &str) -> Vec<String> {
        parse(json.as_bytes())
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn with_group(group: &str) -> String {
        format!(r#"{{"format": "confide.resources/1", "intro": "x", "groups": [{group}]}}"#)
    }

    #[test]
    fn the_new_fields_are_checked_with_their_paths() {
        let p = problems(&with_group(
            r#"{"region": "R", "country": "gb", "entries": [
                {"name": "N", "contact": "C", "area": " ", "source": "www.example.org",
                 "checked": "30/11/2026"},
                {"name": "N", "contact": "C", "checked": "2026-02-30"}
            ]}"#,
        ));
        let joined = p.join("\n");
        for expected in [
            "/groups/0/country",
            "/groups/0/entries/0/source",
            "/groups/0/entries/0/checked",
            "/groups/0/entries/1/checked",
            "/groups/0/entries/0/area",
        ] {
            assert!(joined.contains(expected), "{expected} in {joined}");
        }
        assert_eq!(p.len(), 5, "{joined}");
        assert!(joined.contains("two capital letters"), "{joined}");
        assert!(joined.contains("YYYY-MM-DD"), "{joined}");

        let p = problems(&with_group(
            r#"{"region": "R", "country": "UK", "entries": [{"name": "N", "contact": "C"}]}"#,
        ));
        assert!(p[0].contains("use `GB` for the United Kingdom"), "{p:?}");

        let p = problems(&with_group(
            r#"{"region": "R", "entries": [{"name": "N", "contact": "C", "kinds": ["crisis", "stalking"]}]}"#,
        ));
        assert!(p[0].contains("/groups/0/entries/0/kinds/1"), "{p:?}");
        assert!(p[0].contains("unknown value `stalking`"), "{p:?}");
    }

    #[test]
    fn dates_and_addresses_must_be_exact() {
        for good in ["2026-11-30", "2024-02-29"] {
            assert!(parse_date(good).is_some(), "{good}");
        }
        for bad in [
            "2026-11-31",
            "2023-02-29",
            "2026-1-30",
            "+2026-11-30",
            "2026-11-30 ",
            "20261130",
            "",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
        for good in ["https://www.samaritans.org/", "http://example.org/a?b#c"] {
            assert!(is_web_address(good), "{good}");
        }
        for bad in [
            "samaritans.org",
            "https://",
            "https:///x",
            "https://exa mple.org",
            "ftp://example.org",
            "https://localhost/",
        ] {
            assert!(!is_web_address(bad), "{bad}");
        }
    }

    #[test]
    fn a_support_file_that_cannot_be_used_is_passed_over_with_why() {
        let path = Path::new("/config/support.json");
        let missing = from_file(path, Err(std::io::ErrorKind::NotFound.into()));
        assert!(missing.ignored.is_none());
        assert_eq!(missing.resources, bundled());

        let own = from_file(path, Ok(OLD_SHAPE.to_vec()));
        assert!(own.ignored.is_none());
        assert_eq!(own.resources.intro, "Our practice can help.");

        let empty = br#"{"format": "confide.resources/1", "intro": "x", "groups": []}"#;
        let invalid = from_file(path, Ok(empty.to_vec()));
        assert_eq!(invalid.resources, bundled());
        assert_eq!(
            invalid.ignored.unwrap().to_string(),
            "ignoring /config/support.json: /groups: there are no resources; using the bundled support resources"
        );

        let unreadable = from_file(path, Err(std::io::ErrorKind::PermissionDenied.into()));
        assert_eq!(unreadable.resources, bundled());
        let why = unreadable.ignored.unwrap().to_string();
        assert!(
            why.starts_with("cannot read /config/support.json: ")
                && why.ends_with("; using the bundled support resources"),
            "{why}"
        );
    }

    #[test]
    fn a_resources_file_with_an_unknown_field_is_refused() {
        let e =
            parse(br#"{"format": "confide.resources/1", "intro": "x", "groups": [], "extra": 1}"#)
                .unwrap_err();
        assert!(e[0].to_string().contains("unknown field `extra`"));
        let p = problems(&with_group(
            r#"{"region": "R", "entries": [{"name": "N", "contact": "C", "phone": "1"}]}"#,
        ));
        assert!(
            p[0].contains("/groups/0/entries/0") && p[0].contains("unknown field `phone`"),
            "{p:?}"
        );
    }
}
