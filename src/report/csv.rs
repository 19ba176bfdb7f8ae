//! The report as CSV: one row per session, a column per scale and its band, safe to open in
//! a spreadsheet (cells that a spreadsheet would read as a formula are neutralised).

use std::collections::{HashMap, HashSet};

use super::clinician::{Report, SessionReport};

/// Quotes a cell for CSV and neutralises formula triggers (`=`, `+`, `-`, `@`, tab, CR) by
/// prefixing a single quote, as OWASP recommends. Control characters become spaces and
/// direction overrides are dropped, so a cell cannot reorder what a reader sees.
pub fn cell(s: &str) -> String {
    use crate::model::validate::is_forbidden_char;
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

/// A number cell: plain, never neutralised (a negative number stays a number).
fn number(v: Option<f64>) -> String {
    v.map(|v| crate::model::range::display(v, 2))
        .unwrap_or_default()
}

/// The scale columns for every questionnaire of a catalog, in catalog order.
pub fn columns(catalog: &crate::model::catalog::Catalog) -> Vec<String> {
    catalog
        .entries
        .iter()
        .flat_map(|e| {
            e.q()
                .scales
                .iter()
                .map(move |s| format!("{}.{}", e.q().id, s.id))
        })
        .collect()
}

/// The header row, CRLF-terminated (RFC 4180). Scores of questionnaires without a column
/// go to `other_scores`.
pub fn header(columns: &[String]) -> String {
    let mut header = vec![
        "file".to_string(),
        "session".into(),
        "created".into(),
        "reference".into(),
        "urgent".into(),
        "flags".into(),
    ];
    for c in columns {
        header.push(c.clone());
        header.push(format!("{c}.band"));
    }
    header.push("other_scores".into());
    let mut out = header.iter().map(|h| cell(h)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

/// One session's row, CRLF-terminated.
pub fn row(s: &SessionReport, columns: &[String]) -> String {
    let mut row = vec![
        cell(s.file.as_deref().unwrap_or("")),
        cell(&s.id),
        cell(&s.created),
        cell(s.reference.as_deref().unwrap_or("")),
        s.flags
            .iter()
            .filter(|f| f.level == "urgent")
            .count()
            .to_string(),
        cell(
            &s.flags
                .iter()
                .map(|f| format!("{}.{} ({})", f.questionnaire, f.id, f.level))
                .collect::<Vec<_>>()
                .join("; "),
        ),
    ];
    let scales: Vec<(String, &super::clinician::ScaleEntry)> = s
        .questionnaires
        .iter()
        .flat_map(|q| {
            q.scales
                .iter()
                .map(move |sc| (format!("{}.{}", q.id, sc.id), sc))
        })
        .collect();
    // Maps keep this linear: a forged intake can name a hundred thousand scales.
    let mut first: HashMap<&str, &super::clinician::ScaleEntry> = HashMap::new();
    for (k, sc) in &scales {
        first.entry(k.as_str()).or_insert(sc);
    }
    let is_column: HashSet<&str> = columns.iter().map(String::as_str).collect();
    for c in columns {
        match first.get(c.as_str()) {
            Some(sc) => {
                row.push(number(sc.value));
                row.push(cell(sc.band.as_deref().unwrap_or("")));
            }
            None => {
                row.push(String::new());
                row.push(String::new());
            }
        }
    }
    let other: Vec<String> = scales
        .iter()
        .filter(|(k, _)| !is_column.contains(k.as_str()))
        .map(|(k, sc)| format!("{k}={}", number(sc.value)))
        .collect();
    row.push(cell(&other.join("; ")));
    let mut out = row.join(",");
    out.push_str("\r\n");
    out
}

/// The whole report as CSV, with a column for every scale that occurs in it.
pub fn render(report: &Report) -> String {
    let mut columns: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for s in &report.sessions {
        for q in &s.questionnaires {
            for sc in &q.scales {
                let key = format!("{}.{}", q.id, sc.id);
                if seen.insert(key.clone()) {
                    columns.push(key);
                }
            }
        }
    }
    let mut out = header(&columns);
    for s in &report.sessions {
        out.push_str(&row(s, &columns));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::cell;

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
