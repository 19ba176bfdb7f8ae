//! The three forms of `confide history`: a text table with sparkline trends, stable JSON
//! (`confide.history/1`, documented in docs/storage.md) and CSV safe to open in a
//! spreadsheet.

use serde::Serialize;

use super::{HISTORY_FORMAT, History, Trend, band_label};
use crate::model::catalog::Catalog;
use crate::term::sanitize;
use crate::term::style::Style;

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// A session without a number for the scale ("not enough answers").
const GAP: char = '·';
/// Most sessions drawn in one sparkline.
const SPARK_WIDTH: usize = 40;

pub fn text(h: &History, catalog: &Catalog, lang: &str, style: Style) -> String {
    let mut rows: Vec<[String; 6]> = Vec::new();
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
        let mut first = [date, s.file.id8().to_owned(), qs.join(", ")];
        let mut any = false;
        for q in &s.record.questionnaires {
            for score in &q.scores {
                let label = h
                    .trends
                    .iter()
                    .find(|t| t.questionnaire == q.id && t.scale == score.scale)
                    .map(|t| t.label.clone())
                    .unwrap_or_else(|| format!("{}.{}", q.id, score.scale));
                let (value, band) = match (score.valid, score.value) {
                    (true, Some(v)) => (
                        number(v),
                        score
                            .band
                            .as_deref()
                            .map(|b| band_label(catalog, &q.id, &score.scale, b, lang))
                            .unwrap_or_default(),
                    ),
                    _ => ("-".to_owned(), "not enough answers".to_owned()),
                };
                let lead = std::mem::take(&mut first);
                rows.push([
                    lead[0].clone(),
                    lead[1].clone(),
                    lead[2].clone(),
                    label,
                    value,
                    band,
                ]);
                any = true;
            }
        }
        if !any {
            let lead = std::mem::take(&mut first);
            rows.push([
                lead[0].clone(),
                lead[1].clone(),
                lead[2].clone(),
                "-".into(),
                String::new(),
                String::new(),
            ]);
        }
    }
    let header = [
        "date (UTC)",
        "session",
        "questionnaires",
        "scale",
        "value",
        "band",
    ];
    let mut widths = header.map(|h| h.chars().count());
    let rows: Vec<[String; 6]> = rows
        .into_iter()
        .map(|r| r.map(|c| sanitize::line(&c).into_owned()))
        .collect();
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: [&str; 6]| {
        let mut out = String::new();
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            let pad = w.saturating_sub(c.chars().count());
            if i == 4 {
                out.push_str(&" ".repeat(pad));
                out.push_str(c);
            } else {
                out.push_str(c);
                if i < 5 {
                    out.push_str(&" ".repeat(pad));
                }
            }
            if i < 5 {
                out.push_str("  ");
            }
        }
        out.trim_end().to_owned()
    };
    let n = h.sessions.len();
    let mut out = format!(
        "{} saved session{}, oldest first\n\n",
        n,
        if n == 1 { "" } else { "s" }
    );
    out.push_str(&style.bold(&line(header)));
    out.push('\n');
    for r in &rows {
        out.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]]));
        out.push('\n');
    }
    if !h.trends.is_empty() {
        out.push('\n');
        out.push_str(&style.bold("Trends, oldest to newest"));
        out.push('\n');
        let lw = h
            .trends
            .iter()
            .map(|t| sanitize::line(&t.label).chars().count())
            .max()
            .unwrap_or(0);
        let sw = h
            .trends
            .iter()
            .map(|t| t.points.len().min(SPARK_WIDTH + 1))
            .max()
            .unwrap_or(0);
        for t in &h.trends {
            let label = sanitize::line(&t.label);
            let spark = sparkline(t);
            out.push_str(&format!(
                "{label}{}  {spark}{}  {}\n",
                " ".repeat(lw - label.chars().count()),
                " ".repeat(sw.saturating_sub(spark.chars().count())),
                describe_change(t)
            ));
        }
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
pub fn sparkline(t: &Trend) -> String {
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
pub fn number(v: f64) -> String {
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

pub fn json(h: &History) -> String {
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
pub fn csv(h: &History) -> String {
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
pub fn csv_cell(cell: &str) -> String {
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
