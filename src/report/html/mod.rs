//! HTML output: the clinician report (`report --format html`), the person's summary
//! (`show --format html`) and history (`history --format html`).
//!
//! Each is one self-contained file: inline CSS and inline SVG, no script, no image, no
//! link to anything outside, and a Content-Security-Policy that forbids them all but the
//! one style block (allowed by its hash). A print stylesheet makes the browser's print to
//! PDF give clean pages: each intake starts a page, tables and charts are not cut, and a
//! header row repeated on every page carries the reference and the date.
//!
//! Markup is written with maud, whose `html!` escapes every value it is given: text from
//! records and questionnaires can never become markup. Nothing here uses `PreEscaped` on
//! data; the only raw text is the style sheet below, which is a constant.

mod chart;
pub(crate) mod clinician;
pub(crate) mod couple;
pub(crate) mod person;

use std::collections::HashMap;

use base64::Engine;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use sha2::{Digest, Sha256};

use crate::model::catalog::Catalog;
use crate::model::range::scale_range;
use crate::model::response::Response;
use crate::report::clinician::Report;
use crate::report::summary::{Options, Part};
use chart::BandSpan;

/// The style sheet of every page, for the screen and for print.
const CSS: &str = r#"
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --accent: #0b5394; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: var(--ink); background: #fff; margin: 0 auto; padding: 1.5rem; max-width: 56rem; line-height: 1.45; font-size: 15px; }
h1 { font-size: 1.6rem; margin: 0 0 .4rem; }
h2 { font-size: 1.25rem; margin: 1.4rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.1rem 0 .4rem; }
p { margin: .4rem 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 .8rem; font-size: .92rem; }
th, td { border: 1px solid var(--line); padding: .25rem .45rem; text-align: left; vertical-align: top; }
thead th { background: #f3f5f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.when, th.when { white-space: nowrap; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; margin: .5rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.screen { padding: .5rem .7rem; border-left: 4px solid var(--line); background: #f6f8fa; margin: .6rem 0; }
.screen.raised, .flag.urgent { border-color: #b42318; background: #fdecea; }
.screen.declined, .screen.not_asked, .flag.see-a-clinician { border-color: #b54708; background: #fff4e5; }
.flag { padding: .35rem .6rem; border-left: 4px solid var(--accent); background: #f0f5fb; margin: .35rem 0; }
.level { font-weight: bold; text-transform: uppercase; font-size: .85rem; letter-spacing: .02em; }
.note { color: var(--muted); font-size: .92rem; }
blockquote { margin: .4rem 0; padding: .3rem .7rem; border-left: 3px solid var(--line); }
figure.chart { margin: .6rem 0 1rem; }
figure.chart figcaption { font-weight: bold; margin-bottom: .2rem; }
svg { width: 100%; height: auto; display: block; font-family: inherit; }
svg .track { fill: #f3f5f7; stroke: #8c959f; stroke-width: 1; }
svg .band-0 { fill: #dbe9f6; }
svg .band-1 { fill: #b7d3ee; }
svg .band-2 { fill: #8fb8e2; }
svg .band-3 { fill: #6a9fd4; }
svg .band { stroke: #fff; stroke-width: 1; }
svg text { font-size: 12px; fill: var(--ink); }
svg .band-label, svg .axis, svg .date, svg .gap { font-size: 11px; fill: #3d444d; }
svg .value { font-weight: bold; }
svg .marker { stroke: #b42318; stroke-width: 3; }
svg .line { fill: none; stroke: #b42318; stroke-width: 2; }
svg .point { fill: #b42318; }
table.frame, table.frame > thead > tr > td, table.frame > tbody > tr > td { border: 0; padding: 0; margin: 0; width: 100%; font-size: inherit; }
table.frame > thead > tr > td { color: var(--muted); font-size: .8rem; padding-bottom: .4rem; border-bottom: 1px solid var(--line); }
section.page { margin-bottom: 2.5rem; }
@media screen { section.page + section.page { border-top: 3px double var(--line); padding-top: 1.2rem; } }
@page { size: A4; margin: 14mm 12mm 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  section.page + section.page { break-before: page; }
  table.frame > thead { display: table-header-group; }
  table:not(.frame), table:not(.frame) tr, figure, .flag, .screen, blockquote, dl.facts { break-inside: avoid; }
  h1, h2, h3, figcaption { break-after: avoid; }
  table.long { break-inside: auto; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The Content-Security-Policy of every page: nothing may load or run; the one style
/// block is allowed by its hash, so no other style can apply either.
fn csp() -> String {
    let hash = Sha256::digest(CSS.as_bytes());
    let b64 = base64::engine::general_purpose::STANDARD.encode(hash);
    format!(
        "default-src 'none'; style-src 'sha256-{b64}'; img-src 'none'; font-src 'none'; connect-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
    )
}

/// Markup as text, with the characters a viewer would act on rather than show (control
/// characters, direction overrides and isolates) replaced by U+FFFD, as every other
/// output does. confide's own markup has none, so this touches only text from data.
pub(crate) fn text_of(m: Markup) -> String {
    crate::term::sanitize::text(&m.into_string()).into_owned()
}

/// The start of a page, up to and including `<body>`; [`end`] closes it.
pub(crate) fn begin(title: &str) -> String {
    let head = html! {
        (DOCTYPE)
        meta charset="utf-8";
        meta http-equiv="Content-Security-Policy" content=(csp());
        meta name="viewport" content="width=device-width, initial-scale=1";
        meta name="referrer" content="no-referrer";
        meta name="generator" content=(format!("confide {}", env!("CARGO_PKG_VERSION")));
        title { (title) }
        // The one raw text of the page: the constant style sheet above.
        style { (PreEscaped(CSS)) }
    };
    // maud closes what it opens, so the two elements that stay open while a report is
    // streamed are written as fixed text around it.
    let head = text_of(head);
    let (doctype, rest) = head.split_at(head.find("<meta").unwrap_or(0));
    format!("{doctype}<html lang=\"en\"><head>{rest}</head><body>\n")
}

/// The end of a page.
pub(crate) fn end() -> &'static str {
    "</body></html>\n"
}

/// A page section whose first row, repeated at the top of every printed page, says what
/// the section is: `running` (the reference and the date, for instance). It starts a
/// printed page when it follows another.
pub(crate) fn page(running: &str, body: Markup) -> Markup {
    html! {
        section.page {
            table.frame role="presentation" {
                thead { tr { td { (running) } } }
                tbody { tr { td { (body) } } }
            }
        }
    }
}

/// A time from a record (`2026-11-25T09:00:00Z`) as people read it: `2026-11-25 09:00 UTC`;
/// anything else as written.
pub(crate) fn when(created: &str) -> String {
    match (created.get(..16), created.get(10..11)) {
        (Some(minute), Some("T")) if created.ends_with('Z') => {
            format!("{} UTC", minute.replacen('T', " ", 1))
        }
        _ => created.to_owned(),
    }
}

/// The date of a record's time: `2026-11-25`.
pub(crate) fn day(created: &str) -> String {
    match created.get(..10) {
        Some(d) if created.get(10..11) == Some("T") => d.to_owned(),
        _ => created.to_owned(),
    }
}

/// An id for elements of the page made from `parts`: letters and digits only, the same
/// for the same parts.
pub(crate) fn element_id(prefix: &str, parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    let d = h.finalize();
    let hex: String = d.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("{prefix}{hex}")
}

/// What charts need of a scale: its title, its range and its bands.
#[derive(Debug, Clone)]
pub(crate) struct ScaleInfo {
    pub(crate) title: String,
    pub(crate) range: Option<(f64, f64)>,
    pub(crate) bands: Vec<BandSpan>,
}

/// Every scale of a catalog, by `questionnaire.scale`, for charts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scales {
    by_key: HashMap<String, ScaleInfo>,
}

impl Scales {
    pub(crate) fn of(catalog: &Catalog, lang: &str) -> Scales {
        let mut by_key = HashMap::new();
        for e in &catalog.entries {
            let q = e.q();
            let qt = q.title.resolve(lang, &q.language);
            for (i, s) in q.scales.iter().enumerate() {
                let st = s.title.resolve(lang, &q.language);
                let full = scale_range(q, i);
                let range = full.map(|r| (r.min, r.max));
                let integral = full.is_some_and(|r| r.integral);
                let bands = range.map_or_else(Vec::new, |(min, max)| {
                    let defined: Vec<(Option<f64>, f64, String)> = s
                        .bands
                        .iter()
                        .map(|b| (b.min, b.max, b.label.resolve(lang, &q.language).to_owned()))
                        .collect();
                    chart::spans(min, max, integral, &defined)
                });
                let title = if qt == st {
                    st.to_owned()
                } else {
                    format!("{qt}: {st}")
                };
                by_key.insert(
                    format!("{}.{}", q.id, s.id),
                    ScaleInfo {
                        title,
                        range,
                        bands,
                    },
                );
            }
        }
        Scales { by_key }
    }

    pub(crate) fn get(&self, questionnaire: &str, scale: &str) -> Option<&ScaleInfo> {
        self.by_key.get(&format!("{questionnaire}.{scale}"))
    }

    pub(crate) fn by_key(&self, key: &str) -> Option<&ScaleInfo> {
        self.by_key.get(key)
    }
}

/// A scale's value in its range as a figure: the chart, titled and described, with a
/// caption. Without a known range, nothing is drawn (the table says the numbers).
pub(crate) fn value_figure(
    id: &str,
    title: &str,
    value: Option<f64>,
    band: Option<&str>,
    info: Option<&ScaleInfo>,
) -> Markup {
    let Some((min, max)) = info.and_then(|i| i.range) else {
        return html! {};
    };
    let bands = info.map_or(&[][..], |i| i.bands.as_slice());
    let shown = match value {
        Some(v) => format!(
            "{} on a range from {} to {}",
            chart::value_text(v),
            chart::value_text(min),
            chart::value_text(max)
        ),
        None => format!(
            "no value (not enough answers); the range is {} to {}",
            chart::value_text(min),
            chart::value_text(max)
        ),
    };
    let band_words = band.map_or(String::new(), |b| {
        format!(", in the band \u{201c}{b}\u{201d}")
    });
    let regions: Vec<String> = bands
        .iter()
        .map(|b| format!("{} ({})", b.label, b.values))
        .collect();
    let desc = if regions.is_empty() {
        format!("{title}: {shown}{band_words}.")
    } else {
        format!(
            "{title}: {shown}{band_words}. Bands: {}.",
            regions.join("; ")
        )
    };
    let labels = chart::Labels {
        id,
        title,
        desc: &desc,
    };
    html! {
        figure.chart {
            figcaption { (title) ": " (value.map_or("no value".to_owned(), chart::value_text)) @if let Some(b) = band { " (" (b) ")" } }
            (chart::range(&labels, value, min, max, bands))
        }
    }
}

/// A scale over time as a figure: the chart, titled and described.
pub(crate) fn trend_figure(
    id: &str,
    title: &str,
    points: &[(String, Option<f64>)],
    info: Option<&ScaleInfo>,
) -> Markup {
    let values: Vec<f64> = points.iter().filter_map(|(_, v)| *v).collect();
    let (min, max) = info.and_then(|i| i.range).unwrap_or_else(|| {
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if lo.is_finite() {
            (lo.min(0.0), hi.max(lo + 1.0))
        } else {
            (0.0, 1.0)
        }
    });
    let bands = info.map_or(&[][..], |i| i.bands.as_slice());
    let said: Vec<String> = points
        .iter()
        .map(|(d, v)| {
            format!(
                "{d}: {}",
                v.map_or("no value".to_owned(), chart::value_text)
            )
        })
        .collect();
    let desc = format!(
        "{title} over {} sessions, oldest first, on a range from {} to {}: {}.",
        points.len(),
        chart::value_text(min),
        chart::value_text(max),
        said.join("; ")
    );
    let labels = chart::Labels {
        id,
        title,
        desc: &desc,
    };
    let pts: Vec<chart::TrendPoint> = points
        .iter()
        .map(|(d, v)| chart::TrendPoint {
            date: d.clone(),
            value: *v,
        })
        .collect();
    html! {
        figure.chart {
            figcaption { (title) ", over time" }
            (chart::trend(&labels, &pts, min, max, bands))
        }
    }
}

/// The whole clinician report as one page, for a report built in memory
/// ([`crate::report::clinician::build`]); `confide report` writes the same a part at a time.
pub fn report_page(report: &Report, catalog: &Catalog, lang: &str) -> String {
    let scales = Scales::of(catalog, lang);
    let mut out = clinician::begin(&report.generated);
    for s in &report.sessions {
        out.push_str(&clinician::session(s, &scales));
    }
    out.push_str(&clinician::failures(&report.failures));
    if report.sessions.len() > 1 {
        out.push_str(&clinician::summary_begin(&report.generated));
        for g in &report.summary {
            out.push_str(&clinician::summary_group(g, &scales));
        }
        let unjudged = report
            .summary
            .iter()
            .any(crate::report::clinician_text::unjudged);
        out.push_str(&clinician::summary_end(unjudged));
    }
    out.push_str(&clinician::end());
    out
}

/// A session's summary as one page, as `show --format html` prints it.
pub fn summary_page(
    record: &Response,
    parts: &[Part],
    opts: &Options,
    catalog: &Catalog,
    missing: Option<&str>,
) -> String {
    let about = person::About {
        id: &record.id,
        created: &record.created,
        reference: record.reference.as_deref(),
    };
    person::summary_page(
        &about,
        parts,
        opts,
        &Scales::of(catalog, opts.lang),
        missing,
    )
}

/// The page of a session kept from `confide together`: the person's own answers.
pub(crate) fn own_answers_page(
    record: &Response,
    title: &str,
    note: &str,
    rows: &[(String, String)],
) -> String {
    let about = person::About {
        id: &record.id,
        created: &record.created,
        reference: record.reference.as_deref(),
    };
    person::own_answers_page(&about, title, note, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_exactly_the_style_sheet_and_nothing_else() {
        let page = begin("T <x>");
        assert!(
            page.starts_with("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"),
            "{page}"
        );
        assert!(page.contains("<title>T &lt;x&gt;</title>"));
        let policy = csp();
        assert!(policy.starts_with("default-src 'none'; style-src 'sha256-"));
        assert!(page.contains(&policy));
        assert!(!page.contains("http:") && !page.contains("https:") && !page.contains("<script"));
    }

    #[test]
    fn times_are_shown_to_the_minute_in_utc() {
        assert_eq!(when("2026-11-25T09:00:59Z"), "2026-11-25 09:00 UTC");
        assert_eq!(when("yesterday"), "yesterday");
        assert_eq!(day("2026-11-25T09:00:59Z"), "2026-11-25");
    }
}
