//! The report as CSV: one row per session, a column per scale and its band, safe to open in
//! a spreadsheet (cells that a spreadsheet would read as a formula are neutralised).

use std::collections::HashMap;

use super::clinician::{Report, ScaleEntry, SessionReport};
use crate::model::untrusted::is_forbidden_char;

/// Quotes a cell for CSV and neutralises formula triggers (`=`, `+`, `-`, `@`, tab, CR) by
/// prefixing a single quote, as OWASP recommends. Control characters become spaces and
/// direction overrides are dropped, so a cell cannot reorder what a reader sees.
pub(crate) fn cell(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .filter(|&c| !is_forbidden_char(c) || c.is_control())
        .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
        .collect();
    let neutral = if cleaned.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cleaned}")
    } else {
        cleaned
    };
    if neutral.contains([',', '"', '\n', '\r'])
        || neutral.starts_with(' ')
        || neutral.ends_with(' ')
    {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// Appends [`cell`]`(s)` to `out`, without building it apart when there is nothing to
/// change (the usual case: ids, dates, codes, band names).
fn push_cell(out: &mut String, s: &str) {
    let plain = !s.starts_with(['=', '+', '-', '@', ' '])
        && !s.ends_with(' ')
        && s.chars()
            .all(|c| !c.is_control() && !is_forbidden_char(c) && c != ',' && c != '"');
    if plain {
        out.push_str(s);
    } else {
        out.push_str(&cell(s));
    }
}

/// Appends a number cell: plain, never neutralised (a negative number stays a number);
/// empty for no value. The same text as `range::display(v, 2)`.
fn push_number(out: &mut String, v: Option<f64>) {
    use std::fmt::Write as _;
    let Some(v) = v else { return };
    let start = out.len();
    let _ = write!(out, "{v:.2}");
    if out[start..].contains('.') {
        let kept = out[start..]
            .trim_end_matches('0')
            .trim_end_matches('.')
            .len();
        out.truncate(start + kept);
    }
}

/// The scale columns of a report, `questionnaire.scale`, in order, and where each is.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    names: Vec<String>,
    index: HashMap<String, usize>,
}

impl Columns {
    /// Columns in the order given; a name given twice keeps its first place.
    fn new(names: impl IntoIterator<Item = String>) -> Columns {
        let mut columns = Columns::default();
        for name in names {
            if !columns.index.contains_key(&name) {
                columns.index.insert(name.clone(), columns.names.len());
                columns.names.push(name);
            }
        }
        columns
    }
}

/// The scale columns for every questionnaire of a catalog, in catalog order.
pub fn columns(catalog: &crate::model::catalog::Catalog) -> Columns {
    Columns::new(catalog.entries.iter().flat_map(|e| {
        e.q()
            .scales
            .iter()
            .map(move |s| format!("{}.{}", e.q().id, s.id))
    }))
}

/// The header row, CRLF-terminated (RFC 4180). Scores of questionnaires without a column
/// go to `other_scores`.
pub(crate) fn header(columns: &Columns) -> String {
    let mut header = vec![
        "file".to_string(),
        "session".into(),
        "created".into(),
        "reference".into(),
        "urgent".into(),
        "flags".into(),
        "safety_screen".into(),
    ];
    for c in &columns.names {
        header.push(c.clone());
        header.push(format!("{c}.band"));
    }
    header.push("other_scores".into());
    let mut out = header.iter().map(|h| cell(h)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

/// One session's row, CRLF-terminated. A scale given twice in a session (only a forged
/// file can) fills its column with the first; scales without a column go, in order, to
/// `other_scores`. Linear in the size of the session: a forged intake can name a hundred
/// thousand scales.
pub fn row(s: &SessionReport, columns: &Columns) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(256 + 16 * columns.names.len());
    push_cell(&mut out, s.file.as_deref().unwrap_or(""));
    out.push(',');
    push_cell(&mut out, &s.id);
    out.push(',');
    push_cell(&mut out, &s.created);
    out.push(',');
    push_cell(&mut out, s.reference.as_deref().unwrap_or(""));
    out.push(',');
    let urgent = s.flags.iter().filter(|f| f.level.is_urgent()).count();
    let _ = write!(out, "{urgent},");
    let flags = s
        .flags
        .iter()
        .map(|f| format!("{}.{} ({})", f.questionnaire, f.id, f.level))
        .collect::<Vec<_>>()
        .join("; ");
    push_cell(&mut out, &flags);
    out.push(',');
    push_cell(&mut out, &s.safety_screen.text);
    let mut cells: Vec<Option<&ScaleEntry>> = vec![None; columns.names.len()];
    let mut other = String::new();
    let mut key = String::new();
    for q in &s.questionnaires {
        for sc in &q.scales {
            key.clear();
            let _ = write!(key, "{}.{}", q.id, sc.id);
            match columns.index.get(&key) {
                Some(&i) => {
                    cells[i].get_or_insert(sc);
                }
                None => {
                    if !other.is_empty() {
                        other.push_str("; ");
                    }
                    other.push_str(&key);
                    other.push('=');
                    push_number(&mut other, sc.value);
                }
            }
        }
    }
    for sc in cells {
        out.push(',');
        if let Some(sc) = sc {
            push_number(&mut out, sc.value);
            out.push(',');
            push_cell(&mut out, sc.band.as_deref().unwrap_or(""));
        } else {
            out.push(',');
        }
    }
    out.push(',');
    push_cell(&mut out, &other);
    out.push_str("\r\n");
    out
}

/// The whole report as CSV, with a column for every scale that occurs in it.
pub fn render(report: &Report) -> String {
    let columns = Columns::new(report.sessions.iter().flat_map(|s| {
        s.questionnaires
            .iter()
            .flat_map(|q| q.scales.iter().map(move |sc| format!("{}.{}", q.id, sc.id)))
    }));
    let mut out = header(&columns);
    for s in &report.sessions {
        out.push_str(&row(s, &columns));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{cell, push_cell, push_number};

    #[test]
    fn cells_appended_in_place_are_the_cells_built_apart() {
        let samples = [
            "",
            "A-1042",
            "2026-11-25T08:15:00Z",
            "a, b",
            "\"quoted\"",
            "=1+1",
            "+1",
            "-2",
            "@x",
            "\tx",
            "\rx",
            " lead",
            "trail ",
            "in side",
            "line\nbreak",
            "é ü 中文",
            "A-\u{202e}2401",
            "\u{2067}=1+1\u{2069}",
            "\u{200b}",
            "x\u{7f}y",
            "-",
            "=",
            "intakes/confide-intake-2023-11-14-7bb7438e.age",
            "ctx.strain=3; d.x=",
        ];
        for s in samples {
            let mut out = String::from("prefix,");
            push_cell(&mut out, s);
            assert_eq!(out, format!("prefix,{}", cell(s)), "{s:?}");
        }
    }

    #[test]
    fn numbers_appended_in_place_read_as_displayed_scores() {
        for v in [
            0.0, 1.0, -1.5, 28.571429, 15.0, 0.25, 0.005, 1e9, -0.0, 2.999,
        ] {
            let mut out = String::new();
            push_number(&mut out, Some(v));
            assert_eq!(out, crate::model::range::display(v, 2), "{v}");
        }
        let mut out = String::from("x");
        push_number(&mut out, None);
        assert_eq!(out, "x");
    }

    #[test]
    fn formula_triggers_are_neutralised() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
    }

    #[test]
    fn ordinary_text_is_left_alone_and_commas_are_quoted() {
        assert_eq!(cell("A-1042"), "A-1042");
        assert_eq!(cell("a, b"), "\"a, b\"");
        assert_eq!(cell("line\nbreak"), "line break");
    }

    #[test]
    fn direction_overrides_are_dropped() {
        assert_eq!(cell("A-\u{202e}2401"), "A-2401");
        assert_eq!(cell("\u{2067}=1+1\u{2069}"), "'=1+1");
    }
}
