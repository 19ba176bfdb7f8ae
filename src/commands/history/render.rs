//! The three forms of `confide history`: a text table with sparkline trends, stable JSON
//! (`confide.history/1`, documented in docs/storage.md) and CSV safe to open in a
//! spreadsheet.

use serde::Serialize;

use super::{HISTORY_FORMAT, History, Trend, band_label};
use crate::model::catalog::Catalog;
use crate::model::response::ScoreRecord;
use crate::report::change::{self, Reliable, ScaleNorms, Verdict};
use crate::report::clinician_text::UNJUDGED_NOTE;
use crate::term::sanitize;
use crate::term::style::Style;

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// A session without a number for the scale ("not enough answers").
const GAP: char = '·';
/// Most sessions drawn in one sparkline (the latest), so that a trend fits 80 columns.
const SPARK_WIDTH: usize = 24;

/// The history as text, at most `width` columns (80 at most): each session with its
/// scales, then a sparkline per scale and whether its change is reliable.
pub(super) fn text(
    h: &History,
    catalog: &Catalog,
    lang: &str,
    style: Style,
    width: usize,
) -> String {
    let width = width.clamp(40, 80);
    let n = h.sessions.len();
    let mut out = format!(
        "{} saved session{}, oldest first\n",
        n,
        if n == 1 { "" } else { "s" }
    );
    for block in Table::of(h, catalog, lang).blocks {
        out.push('\n');
        out.push_str(&block.render(style, width));
    }
    if !h.trends.is_empty() {
        out.push('\n');
        out.push_str(&style.bold("Trends, oldest to newest"));
        out.push('\n');
        out.push_str(&trend_lines(&h.trends, &h.norms, width));
    }
    out
}

/// A session's first line: when, which session, which questionnaires.
#[derive(Debug, Clone, Default)]
struct Head {
    date: String,
    session: String,
    questionnaires: String,
}

/// A line of a session's scales.
#[derive(Debug, Clone, Default)]
struct Row {
    scale: String,
    value: String,
    band: String,
}

/// One session of the table: its head line and a row per scale.
struct Block {
    head: Head,
    rows: Vec<Row>,
}

/// Columns of a session's rows: indent, scale, value (right-aligned), band, two spaces
/// apart.
const INDENT: &str = "  ";
const GAP_COLUMNS: usize = 2;

impl Block {
    /// The head line (questionnaires wrapped under themselves), then each scale row, the
    /// scale and band wrapped in their columns so that no line passes `width`.
    fn render(&self, style: Style, width: usize) -> String {
        let lead = format!("{}  {}", self.head.date, self.head.session);
        let mut out = style.bold(&lead);
        if !self.head.questionnaires.is_empty() {
            let under = " ".repeat(lead.chars().count() + 2);
            let qs = crate::term::wrap::fill(&self.head.questionnaires, width, &under, &under);
            out.push_str("  ");
            out.push_str(&qs[under.len()..]);
        }
        out.push('\n');
        let value_w = self
            .rows
            .iter()
            .map(|r| r.value.chars().count())
            .max()
            .unwrap_or(0);
        let scale_max = self
            .rows
            .iter()
            .map(|r| r.scale.chars().count())
            .max()
            .unwrap_or(0);
        let band_max = self
            .rows
            .iter()
            .map(|r| r.band.chars().count())
            .max()
            .unwrap_or(0);
        let fixed = INDENT.len() + value_w + 2 * GAP_COLUMNS;
        let room = width.saturating_sub(fixed);
        // The band keeps what it needs, up to half the room; the scale takes the rest.
        let band_w = band_max.min(room / 2).max(1);
        let scale_w = scale_max.min(room.saturating_sub(band_w)).max(1);
        let band_w = room.saturating_sub(scale_w).max(1).min(band_max.max(1));
        for r in &self.rows {
            let scale = cell_lines(&r.scale, scale_w);
            let band = cell_lines(&r.band, band_w);
            for i in 0..scale.len().max(band.len()) {
                let s = scale.get(i).map_or("", String::as_str);
                let v = if i == 0 { r.value.as_str() } else { "" };
                let b = band.get(i).map_or("", String::as_str);
                let line = format!(
                    "{INDENT}{s}{}  {}{v}  {b}",
                    " ".repeat(scale_w.saturating_sub(s.chars().count())),
                    " ".repeat(value_w.saturating_sub(v.chars().count())),
                );
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
        out
    }
}

/// A cell's text in lines of at most `width` columns (words longer than that are split).
fn cell_lines(text: &str, width: usize) -> Vec<String> {
    if text.chars().count() <= width {
        return vec![text.to_owned()];
    }
    textwrap::wrap(text, width)
        .into_iter()
        .map(std::borrow::Cow::into_owned)
        .collect()
}

/// Every session, oldest first, with a row per scale.
struct Table {
    blocks: Vec<Block>,
}

impl Table {
    fn of(h: &History, catalog: &Catalog, lang: &str) -> Table {
        let safe = |c: &str| sanitize::line(c).into_owned();
        let mut blocks = Vec::new();
        for s in &h.sessions {
            let date = s
                .created
                .get(..16)
                .map(|d| d.replace('T', " "))
                .unwrap_or_else(|| s.file.display_time());
            let qs: Vec<&str> = s
                .record
                .questionnaires
                .iter()
                .map(|q| q.id.as_str())
                .collect();
            let head = Head {
                date: safe(&date),
                session: safe(s.file.id8()),
                questionnaires: safe(&qs.join(", ")),
            };
            let mut rows = Vec::new();
            for q in &s.record.questionnaires {
                for score in &q.scores {
                    let (value, band) = value_and_band(catalog, lang, &q.id, score);
                    rows.push(Row {
                        scale: safe(&scale_label(h, &q.id, &score.scale)),
                        value: safe(&value),
                        band: safe(&band),
                    });
                }
            }
            if rows.is_empty() {
                rows.push(Row {
                    scale: "-".into(),
                    ..Row::default()
                });
            }
            blocks.push(Block { head, rows });
        }
        Table { blocks }
    }
}

/// A scale's name as the trends call it.
pub(super) fn scale_label(h: &History, questionnaire: &str, scale: &str) -> String {
    h.trends
        .iter()
        .find(|t| t.questionnaire == questionnaire && t.scale == scale)
        .map(|t| t.label.clone())
        .unwrap_or_else(|| format!("{questionnaire}.{scale}"))
}

/// A score's value and band label, or a dash and why there is none.
fn value_and_band(
    catalog: &Catalog,
    lang: &str,
    questionnaire: &str,
    score: &ScoreRecord,
) -> (String, String) {
    match (score.valid, score.value) {
        (true, Some(v)) => (
            number(v),
            score
                .band
                .as_deref()
                .map(|b| band_label(catalog, questionnaire, &score.scale, b, lang))
                .unwrap_or_default(),
        ),
        _ => ("-".to_owned(), "not enough answers".to_owned()),
    }
}

/// Two lines per scale: its name, then a sparkline and the latest change; for a scale with
/// norms, whether the change since the previous session and since the first is reliable.
/// Changes of scales without norms are said once, at the end, to be raw differences.
fn trend_lines(trends: &[Trend], norms: &ScaleNorms, width: usize) -> String {
    let sw = trends
        .iter()
        .map(|t| t.points.len().min(SPARK_WIDTH + 1))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    let mut unjudged = false;
    for t in trends {
        out.push_str(&crate::term::wrap::fill(
            &sanitize::line(&t.label),
            width,
            "",
            "  ",
        ));
        out.push('\n');
        let spark = sparkline(t);
        out.push_str(&format!(
            "  {spark}{}  {}\n",
            " ".repeat(sw.saturating_sub(spark.chars().count())),
            describe_change(t)
        ));
        let reliable = t.reliable(norms.of_scale(&t.questionnaire, &t.scale));
        for (when, c) in [
            ("since the previous session", reliable.since_previous),
            ("since the first session", reliable.since_first),
        ] {
            let Some(c) = c else { continue };
            if c.verdict == Verdict::CannotJudge {
                unjudged = true;
                continue;
            }
            let line = format!("{when}: {}", change::words(&c));
            out.push_str(&crate::term::wrap::fill(&line, width, "  ", "    "));
            out.push('\n');
        }
    }
    if unjudged {
        out.push_str(&crate::term::wrap::fill(UNJUDGED_NOTE, width, "", ""));
        out.push('\n');
    }
    out
}

/// The latest value and its change, in words.
fn describe_change(t: &Trend) -> String {
    let Some(latest) = t.latest() else {
        return "-  (not enough answers in the latest session)".into();
    };
    let valid = t.points.iter().filter(|(_, v)| v.is_some()).count();
    let change = match t.change() {
        Some(c) if c.abs() < 1e-9 => "no change since the previous session".to_owned(),
        Some(c) if c > 0.0 => format!("+{} since the previous session", number(c)),
        Some(c) => format!("-{} since the previous session", number(-c)),
        None if valid == 1 && t.points.len() == 1 => "first session".to_owned(),
        None => "no number the previous time".to_owned(),
    };
    format!("{}  ({change})", number(latest))
}

/// One character per session (the last `SPARK_WIDTH`), scaled to the scale's possible
/// range when known, else to the values seen.
fn sparkline(t: &Trend) -> String {
    let values: Vec<Option<f64>> = t.points.iter().map(|(_, v)| *v).collect();
    let skip = values.len().saturating_sub(SPARK_WIDTH);
    let shown = &values[skip..];
    let seen: Vec<f64> = shown.iter().flatten().copied().collect();
    let (lo, hi) = t.range.unwrap_or_else(|| {
        let lo = seen.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = seen.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lo, hi)
    });
    // NaN bounds (no values) and a flat range both draw the middle bar.
    let spread = hi > lo;
    let mut out = String::new();
    if skip > 0 {
        out.push('…');
    }
    for v in shown {
        out.push(match v {
            None => GAP,
            Some(_) if !spread => SPARKS[3],
            Some(v) => {
                let f = ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
                SPARKS[((f * 7.0).round() as usize).min(7)]
            }
        });
    }
    out
}

/// `12`, or `2.5` for a fractional value.
fn number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

#[derive(Serialize)]
struct JsonHistory<'a> {
    format: &'static str,
    sessions: Vec<JsonSession<'a>>,
    trends: Vec<JsonTrend<'a>>,
    unreadable: Vec<JsonUnreadable>,
}

#[derive(Serialize)]
struct JsonSession<'a> {
    id: &'a str,
    record_id: &'a str,
    created: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<&'a str>,
    questionnaires: Vec<JsonQuestionnaire<'a>>,
}

#[derive(Serialize)]
struct JsonQuestionnaire<'a> {
    id: &'a str,
    version: &'a str,
    scores: Vec<JsonScore<'a>>,
    flags: &'a [crate::model::response::FlagRecord],
}

#[derive(Serialize)]
struct JsonScore<'a> {
    scale: &'a str,
    value: Option<f64>,
    band: Option<&'a str>,
    valid: bool,
}

#[derive(Serialize)]
struct JsonTrend<'a> {
    questionnaire: &'a str,
    scale: &'a str,
    /// One per session that has the scale: (session id, value or null).
    points: Vec<JsonPoint<'a>>,
    latest: Option<f64>,
    change: Option<f64>,
    /// The latest change since the previous session and since the first, judged reliable
    /// or not, where both scores are valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    reliable_change: Option<Reliable>,
}

#[derive(Serialize)]
struct JsonPoint<'a> {
    session: &'a str,
    value: Option<f64>,
}

#[derive(Serialize)]
struct JsonUnreadable {
    file: String,
    error: String,
}

pub(super) fn json(h: &History) -> String {
    let doc = JsonHistory {
        format: HISTORY_FORMAT,
        sessions: h
            .sessions
            .iter()
            .map(|s| JsonSession {
                id: &s.file.id,
                record_id: &s.record.id,
                created: &s.created,
                reference: s.record.reference.as_deref(),
                questionnaires: s
                    .record
                    .questionnaires
                    .iter()
                    .map(|q| JsonQuestionnaire {
                        id: &q.id,
                        version: &q.version,
                        scores: q
                            .scores
                            .iter()
                            .map(|sc| JsonScore {
                                scale: &sc.scale,
                                value: if sc.valid { sc.value } else { None },
                                band: if sc.valid { sc.band.as_deref() } else { None },
                                valid: sc.valid,
                            })
                            .collect(),
                        flags: &q.flags,
                    })
                    .collect(),
            })
            .collect(),
        trends: h
            .trends
            .iter()
            .map(|t| JsonTrend {
                questionnaire: &t.questionnaire,
                scale: &t.scale,
                points: t
                    .points
                    .iter()
                    .map(|(i, v)| JsonPoint {
                        session: &h.sessions[*i].file.id,
                        value: *v,
                    })
                    .collect(),
                latest: t.latest(),
                change: t.change(),
                reliable_change: Some(t.reliable(h.norms.of_scale(&t.questionnaire, &t.scale)))
                    .filter(|r| r.since_previous.is_some() || r.since_first.is_some()),
            })
            .collect(),
        unreadable: h
            .unreadable
            .iter()
            .map(|(f, e)| JsonUnreadable {
                file: f.path.display().to_string(),
                error: e.message.clone(),
            })
            .collect(),
    };
    let mut s = crate::term::json::to_string(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// One row per session; a value and a band column per `questionnaire.scale`.
pub(super) fn csv(h: &History) -> String {
    let mut header: Vec<String> = vec!["session".into(), "created".into(), "questionnaires".into()];
    for t in &h.trends {
        header.push(format!("{}.{}", t.questionnaire, t.scale));
        header.push(format!("{}.{}.band", t.questionnaire, t.scale));
    }
    let mut out = csv_row(&header);
    for s in &h.sessions {
        let qs: Vec<&str> = s
            .record
            .questionnaires
            .iter()
            .map(|q| q.id.as_str())
            .collect();
        let mut row: Vec<String> = vec![s.file.id.clone(), s.created.clone(), qs.join(";")];
        for t in &h.trends {
            let score = s
                .record
                .questionnaire(&t.questionnaire)
                .and_then(|q| q.scores.iter().find(|sc| sc.scale == t.scale));
            match score {
                Some(sc) if sc.valid => {
                    row.push(sc.value.map(number).unwrap_or_default());
                    row.push(sc.band.clone().unwrap_or_default());
                }
                Some(_) => {
                    row.push(String::new());
                    row.push("not enough answers".into());
                }
                None => {
                    row.push(String::new());
                    row.push(String::new());
                }
            }
        }
        out.push_str(&csv_row(&row));
    }
    out
}

fn csv_row(cells: &[String]) -> String {
    let mut line = cells
        .iter()
        .map(|c| csv_cell(c))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// A CSV cell, quoted when needed and safe to open in a spreadsheet (the report's rules).
fn csv_cell(cell: &str) -> String {
    crate::report::csv::cell(cell)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trend(points: &[Option<f64>], range: Option<(f64, f64)>) -> Trend {
        Trend {
            questionnaire: "q".into(),
            scale: "s".into(),
            label: "S".into(),
            range,
            points: points.iter().copied().enumerate().collect(),
        }
    }

    #[test]
    fn a_sparkline_spans_the_scale_range_and_marks_gaps() {
        let t = trend(&[Some(0.0), Some(4.0), None, Some(8.0)], Some((0.0, 8.0)));
        assert_eq!(sparkline(&t), "▁▅·█");
        let flat = trend(&[Some(3.0), Some(3.0)], None);
        assert_eq!(sparkline(&flat), "▄▄");
        let long: Vec<Option<f64>> = (0..50).map(|i| Some(f64::from(i))).collect();
        let s = sparkline(&trend(&long, None));
        assert_eq!(s.chars().count(), SPARK_WIDTH + 1);
        assert!(s.starts_with('…') && s.ends_with('█'));
    }

    #[test]
    fn change_is_described_against_the_previous_session() {
        assert_eq!(
            describe_change(&trend(&[Some(3.0), Some(5.0)], None)),
            "5  (+2 since the previous session)"
        );
        assert_eq!(
            describe_change(&trend(&[Some(5.0), Some(2.5)], None)),
            "2.5  (-2.5 since the previous session)"
        );
        assert_eq!(
            describe_change(&trend(&[Some(5.0), Some(5.0)], None)),
            "5  (no change since the previous session)"
        );
        assert_eq!(
            describe_change(&trend(&[Some(5.0)], None)),
            "5  (first session)"
        );
        assert_eq!(
            describe_change(&trend(&[Some(5.0), None], None)),
            "-  (not enough answers in the latest session)"
        );
    }

    #[test]
    fn csv_cells_that_could_run_as_formulas_are_defused() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("12"), "12");
    }
}
