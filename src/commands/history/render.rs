//! The three forms of `confide history`: a text table with sparkline trends, stable JSON
//! (`confide.history/1`, documented in docs/storage.md) and CSV safe to open in a
//! spreadsheet.

use serde::Serialize;

use super::{HISTORY_FORMAT, History, Trend, band_label};
use crate::model::catalog::Catalog;
use crate::model::response::ScoreRecord;
use crate::term::sanitize;
use crate::term::style::Style;

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// A session without a number for the scale ("not enough answers").
const GAP: char = '·';
/// Most sessions drawn in one sparkline.
const SPARK_WIDTH: usize = 40;

/// The history as text: the session table, then a sparkline per scale.
pub(super) fn text(h: &History, catalog: &Catalog, lang: &str, style: Style) -> String {
    let n = h.sessions.len();
    let mut out = format!(
        "{} saved session{}, oldest first\n\n",
        n,
        if n == 1 { "" } else { "s" }
    );
    out.push_str(&Table::of(h, catalog, lang).render(style));
    if !h.trends.is_empty() {
        out.push('\n');
        out.push_str(&style.bold("Trends, oldest to newest"));
        out.push('\n');
        out.push_str(&trend_lines(&h.trends));
    }
    out
}

/// The cells of one line of the session table, by column.
#[derive(Debug, Clone, Default)]
struct Columns<T> {
    date: T,
    session: T,
    questionnaires: T,
    scale: T,
    value: T,
    band: T,
}

/// A line of the session table.
type Row = Columns<String>;

impl Row {
    /// A row of untrusted cells, made safe for one line each.
    fn safe(self) -> Row {
        let safe = |c: String| sanitize::line(&c).into_owned();
        Columns {
            date: safe(self.date),
            session: safe(self.session),
            questionnaires: safe(self.questionnaires),
            scale: safe(self.scale),
            value: safe(self.value),
            band: safe(self.band),
        }
    }
}

impl Columns<usize> {
    /// Widens each column to fit `row`.
    fn fit(&mut self, row: &Row) {
        let fit = |w: &mut usize, c: &str| *w = (*w).max(c.chars().count());
        fit(&mut self.date, &row.date);
        fit(&mut self.session, &row.session);
        fit(&mut self.questionnaires, &row.questionnaires);
        fit(&mut self.scale, &row.scale);
        fit(&mut self.value, &row.value);
        fit(&mut self.band, &row.band);
    }
}

/// The session table: a row per scale of each session, oldest first; a session's date, id
/// and questionnaires on its first row only.
struct Table {
    rows: Vec<Row>,
}

impl Table {
    fn header() -> Row {
        Columns {
            date: "date (UTC)".into(),
            session: "session".into(),
            questionnaires: "questionnaires".into(),
            scale: "scale".into(),
            value: "value".into(),
            band: "band".into(),
        }
    }

    fn of(h: &History, catalog: &Catalog, lang: &str) -> Table {
        let mut rows = Vec::new();
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
            let mut lead = Row {
                date,
                session: s.file.id8().to_owned(),
                questionnaires: qs.join(", "),
                ..Row::default()
            };
            let mut any = false;
            for q in &s.record.questionnaires {
                for score in &q.scores {
                    let (value, band) = value_and_band(catalog, lang, &q.id, score);
                    rows.push(Row {
                        scale: scale_label(h, &q.id, &score.scale),
                        value,
                        band,
                        // The session's own cells go on its first row only.
                        ..std::mem::take(&mut lead)
                    });
                    any = true;
                }
            }
            if !any {
                rows.push(Row {
                    scale: "-".into(),
                    ..lead
                });
            }
        }
        Table {
            rows: rows.into_iter().map(Row::safe).collect(),
        }
    }

    /// The header in bold, then every row; columns as wide as their widest cell, two
    /// spaces apart, values right-aligned.
    fn render(&self, style: Style) -> String {
        let header = Table::header();
        let mut widths = Columns::<usize>::default();
        widths.fit(&header);
        for r in &self.rows {
            widths.fit(r);
        }
        let mut out = style.bold(&line(&header, &widths));
        out.push('\n');
        for r in &self.rows {
            out.push_str(&line(r, &widths));
            out.push('\n');
        }
        out
    }
}

/// One line of the table, without trailing blanks.
fn line(row: &Row, widths: &Columns<usize>) -> String {
    let pad = |c: &str, w: usize| " ".repeat(w.saturating_sub(c.chars().count()));
    let mut out = String::new();
    for (cell, width) in [
        (&row.date, widths.date),
        (&row.session, widths.session),
        (&row.questionnaires, widths.questionnaires),
        (&row.scale, widths.scale),
    ] {
        out.push_str(cell);
        out.push_str(&pad(cell, width));
        out.push_str("  ");
    }
    out.push_str(&pad(&row.value, widths.value));
    out.push_str(&row.value);
    out.push_str("  ");
    out.push_str(&row.band);
    out.trim_end().to_owned()
}

/// A scale's name as the trends call it.
fn scale_label(h: &History, questionnaire: &str, scale: &str) -> String {
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

/// A line per scale: its name, a sparkline and the latest change, in aligned columns.
fn trend_lines(trends: &[Trend]) -> String {
    let lw = trends
        .iter()
        .map(|t| sanitize::line(&t.label).chars().count())
        .max()
        .unwrap_or(0);
    let sw = trends
        .iter()
        .map(|t| t.points.len().min(SPARK_WIDTH + 1))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for t in trends {
        let label = sanitize::line(&t.label);
        let spark = sparkline(t);
        out.push_str(&format!(
            "{label}{}  {spark}{}  {}\n",
            " ".repeat(lw - label.chars().count()),
            " ".repeat(sw.saturating_sub(spark.chars().count())),
            describe_change(t)
        ));
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
