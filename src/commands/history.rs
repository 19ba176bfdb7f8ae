//! `confide history [--format text|json|csv|html]`: every saved session with its scale values and
//! bands, and a trend per scale. One passphrase, one scrypt; then the sessions are decrypted
//! in parallel. A file that cannot be read is reported on stderr with its name, the rest are
//! still shown, and the exit code then says what went wrong (4 for a damaged file).

mod html;
mod render;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::Settings;
use super::access::Access;
use crate::cli::HistoryFormat;
use crate::error::{Error, Kind, Result};
use crate::model::catalog::Catalog;
use crate::model::questionnaire::Norms;
use crate::model::range::scale_range;
use crate::model::response::Response;
use crate::report::change::{self, Reliable, ScaleNorms};
use crate::store::sessions::{SessionFile, is_for_another_key};
use crate::term;

/// `format` of `--format json`.
const HISTORY_FORMAT: &str = "confide.history/1";

/// Sessions as shown: oldest first.
struct History {
    sessions: Vec<Session>,
    /// One per scale, in order of first appearance.
    trends: Vec<Trend>,
    unreadable: Vec<(SessionFile, Error)>,
    /// The norms of the scales that declare them, to judge change.
    norms: ScaleNorms,
}

struct Session {
    file: SessionFile,
    /// UTC, RFC 3339, from the record.
    created: String,
    record: Response,
}

/// One scale over time.
struct Trend {
    questionnaire: String,
    scale: String,
    /// For text: "Desire" or "Questionnaire: Scale".
    label: String,
    /// Lowest and highest possible value, when the definition is known.
    range: Option<(f64, f64)>,
    /// (session index, value) for each session that has this scale; `None` = not enough
    /// answers.
    points: Vec<(usize, Option<f64>)>,
}

impl Trend {
    /// The latest value minus the one before it, when both are numbers.
    fn change(&self) -> Option<f64> {
        match self.points.as_slice() {
            [.., (_, Some(prev)), (_, Some(last))] => Some(last - prev),
            _ => None,
        }
    }

    fn latest(&self) -> Option<f64> {
        self.points.last().and_then(|(_, v)| *v)
    }

    /// The latest value's change since the previous session and since the first valid
    /// value, each judged with the scale's norms (when both values are numbers).
    fn reliable(&self, norms: Option<&Norms>) -> Reliable {
        let latest = self.latest();
        let previous = match self.points.as_slice() {
            [.., (_, prev), _] => *prev,
            _ => None,
        };
        let first = self
            .points
            .iter()
            .take(self.points.len().saturating_sub(1))
            .find_map(|(_, v)| *v);
        let judge = |before: Option<f64>| match (before, latest) {
            (Some(b), Some(l)) => Some(change::judge(b, l, norms)),
            _ => None,
        };
        Reliable {
            since_previous: judge(previous),
            since_first: judge(first),
        }
    }
}

pub(super) fn run(settings: &Settings, format: HistoryFormat) -> Result<()> {
    let access = Access::new(settings)?;
    // Leftovers that may be whole sessions are checked once the key is unlocked.
    let waiting = access.tidy(None).waiting;
    let mut files = access.vault.list_sessions()?;
    if files.is_empty() && waiting == 0 {
        let empty = History {
            sessions: Vec::new(),
            trends: Vec::new(),
            unreadable: Vec::new(),
            norms: ScaleNorms::default(),
        };
        return match format {
            HistoryFormat::Text => term::println(
                "No saved sessions yet. `confide take` answers questionnaires and saves them.",
            ),
            _ => print(settings, &empty, format, &Catalog::default()),
        };
    }
    let ids = access.unlock()?;
    if waiting > 0 {
        access.tidy(Some(&ids));
        files = access.vault.list_sessions()?;
    }
    let results = access.vault.read_sessions(files, &ids);
    drop(ids);
    let catalog = settings.catalog()?;
    let history = build(results, &catalog, &settings.lang);
    print(settings, &history, format, &catalog)?;
    report_unreadable(&history.unreadable)
}

fn print(settings: &Settings, h: &History, format: HistoryFormat, catalog: &Catalog) -> Result<()> {
    let text = match format {
        HistoryFormat::Text => {
            render::text(h, catalog, &settings.lang, settings.style, term::width())
        }
        HistoryFormat::Json => render::json(h),
        HistoryFormat::Csv => render::csv(h),
        HistoryFormat::Html => {
            html::page_of(h, catalog, &settings.lang, &crate::clock::now_rfc3339())
        }
    };
    term::print(&text)
}

/// Each unreadable file on its own line, then one error whose exit code is the most serious
/// kind among them (damaged before cannot-decrypt). Sessions encrypted to another key are
/// counted and named as such, not as damaged.
fn report_unreadable(unreadable: &[(SessionFile, Error)]) -> Result<()> {
    if unreadable.is_empty() {
        return Ok(());
    }
    for (_, e) in unreadable {
        term::eprintln(&format!(
            "confide: error: {}",
            term::sanitize::line(&e.message)
        ));
    }
    let kind = if unreadable.iter().any(|(_, e)| e.kind == Kind::Damaged) {
        Kind::Damaged
    } else {
        unreadable[0].1.kind
    };
    let n = unreadable.len();
    let foreign = unreadable
        .iter()
        .filter(|(_, e)| is_for_another_key(e))
        .count();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let message = if foreign == n {
        format!(
            "{n} saved session{} {} encrypted to another key, not yours; the others are shown above",
            plural(n),
            if n == 1 { "is" } else { "are" }
        )
    } else if foreign > 0 {
        format!(
            "{n} saved sessions could not be read ({foreign} encrypted to another key, not yours; {} damaged or unreadable); the others are shown above",
            n - foreign
        )
    } else {
        format!(
            "{n} saved session{} could not be read; the others are shown above",
            plural(n)
        )
    };
    let hint = if foreign == n {
        "they were saved while recipient.txt held someone else's key, and only that key can open them; the rest of your history stays readable"
    } else if foreign > 0 {
        "sessions encrypted to another key were saved while recipient.txt held that key, and only it can open them; a damaged file can be moved out of the sessions folder"
    } else {
        "a damaged file can be moved out of the sessions folder; the rest of your history stays readable"
    };
    Err(Error::new(kind, message).with_hint(hint))
}

/// Orders sessions, collects trends and labels.
fn build(
    results: Vec<crate::store::sessions::ReadResult>,
    catalog: &Catalog,
    lang: &str,
) -> History {
    let mut sessions = Vec::new();
    let mut unreadable = Vec::new();
    for r in results {
        match r {
            Ok((file, record)) => {
                let created = OffsetDateTime::parse(&record.created, &Rfc3339)
                    .ok()
                    .and_then(|t| t.to_offset(time::UtcOffset::UTC).format(&Rfc3339).ok())
                    .unwrap_or_else(|| record.created.clone());
                sessions.push(Session {
                    file,
                    created,
                    record,
                });
            }
            Err(pair) => unreadable.push(pair),
        }
    }
    // File names already sort by time; the record's own time decides between equal names.
    sessions.sort_by(|a, b| a.created.cmp(&b.created).then(a.file.id.cmp(&b.file.id)));

    let mut trends: Vec<Trend> = Vec::new();
    for (i, s) in sessions.iter().enumerate() {
        for q in &s.record.questionnaires {
            for score in &q.scores {
                let pos = trends
                    .iter()
                    .position(|t| t.questionnaire == q.id && t.scale == score.scale);
                let t = match pos {
                    Some(p) => &mut trends[p],
                    None => {
                        let (label, range) = describe_scale(catalog, &q.id, &score.scale, lang);
                        trends.push(Trend {
                            questionnaire: q.id.clone(),
                            scale: score.scale.clone(),
                            label,
                            range,
                            points: Vec::new(),
                        });
                        let last = trends.len() - 1;
                        &mut trends[last]
                    }
                };
                let value = if score.valid { score.value } else { None };
                t.points.push((i, value));
            }
        }
    }
    History {
        sessions,
        trends,
        unreadable,
        norms: ScaleNorms::of(catalog),
    }
}

/// A readable name and the possible range of a scale, from its definition when known.
fn describe_scale(
    catalog: &Catalog,
    questionnaire: &str,
    scale: &str,
    lang: &str,
) -> (String, Option<(f64, f64)>) {
    let Some(entry) = catalog.get(questionnaire) else {
        return (format!("{questionnaire}.{scale}"), None);
    };
    let q = entry.q();
    let Some((index, s)) = q.scale(scale) else {
        return (format!("{questionnaire}.{scale}"), None);
    };
    let qt = q.title.resolve(lang, &q.language);
    let st = s.title.resolve(lang, &q.language);
    let label = if qt == st {
        st.to_owned()
    } else {
        format!("{qt}: {st}")
    };
    let range = scale_range(q, index).map(|r| (r.min, r.max));
    (label, range)
}

/// The label of a band of a scale, from the definition when known, else its id.
fn band_label(
    catalog: &Catalog,
    questionnaire: &str,
    scale: &str,
    band: &str,
    lang: &str,
) -> String {
    catalog
        .get(questionnaire)
        .and_then(|e| {
            let q = e.q();
            let (_, s) = q.scale(scale)?;
            let b = s.bands.iter().find(|b| b.id == band)?;
            Some(b.label.resolve(lang, &q.language).to_owned())
        })
        .unwrap_or_else(|| band.to_owned())
}
