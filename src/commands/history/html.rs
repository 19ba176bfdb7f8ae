//! `history --format html`: every session and each scale over time, as one page to print
//! or keep. A trend chart per scale (bands behind, each point dated) with its numbers in a
//! table, and whether the latest change is reliable.

use maud::html;

use super::{History, Trend, band_label};
use crate::model::catalog::Catalog;
use crate::report::change::{self, Verdict};
use crate::report::clinician_text::UNJUDGED_NOTE;
use crate::report::html::{self, Scales, day, element_id, page, trend_figure, when};

/// The whole page.
pub(super) fn page_of(h: &History, catalog: &Catalog, lang: &str, generated: &str) -> String {
    let scales = Scales::of(catalog, lang);
    let n = h.sessions.len();
    let running = format!(
        "Your confide history \u{b7} {n} session{} \u{b7} made {}",
        if n == 1 { "" } else { "s" },
        when(generated)
    );
    let mut unjudged = false;
    let trends: Vec<maud::Markup> = h
        .trends
        .iter()
        .map(|t| {
            let (markup, cannot) = trend(h, t, &scales);
            unjudged |= cannot;
            markup
        })
        .collect();
    let body = html! {
        h1 { "Your history" }
        p { (n) " saved session" @if n != 1 { "s" } ", oldest first." }
        @if n > 0 {
            h2 { "Sessions" }
            table.long {
                thead { tr {
                    th scope="col" { "Date" } th scope="col" { "Session" } th scope="col" { "Scale" }
                    th.num scope="col" { "Value" } th scope="col" { "Band" }
                } }
                tbody {
                    @for s in &h.sessions {
                        @let scores: Vec<_> = s.record.questionnaires.iter().flat_map(|q| q.scores.iter().map(move |sc| (q, sc))).collect();
                        @if scores.is_empty() {
                            tr { td.when { (when(&s.created)) } td { (s.file.id8()) } th scope="row" { "-" } td.num {} td {} }
                        }
                        @for (q, sc) in &scores {
                            tr {
                                td.when { (when(&s.created)) }
                                td { (s.file.id8()) }
                                th scope="row" { (super::render::scale_label(h, &q.id, &sc.scale)) }
                                @match (sc.valid, sc.value) {
                                    (true, Some(v)) => {
                                        td.num { (html_number(v)) }
                                        td { (sc.band.as_deref().map(|b| band_label(catalog, &q.id, &sc.scale, b, lang)).unwrap_or_default()) }
                                    },
                                    _ => { td.num { "-" } td { "not enough answers" } },
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !trends.is_empty() {
            h2 { "Trends, oldest to newest" }
            @for t in &trends { (t) }
            @if unjudged { p.note { (UNJUDGED_NOTE) } }
        }
        @if !h.unreadable.is_empty() {
            h2 { "Sessions that could not be read" }
            ul { @for (f, e) in &h.unreadable { li { (f.path.display().to_string()) ": " (e.message) } } }
        }
    };
    let mut out = html::begin("Your confide history");
    out.push_str(&html::text_of(page(&running, body)));
    out.push('\n');
    out.push_str(html::end());
    out
}

fn html_number(v: f64) -> String {
    crate::model::range::display(v, 1)
}

/// One scale over time: its chart, its numbers, and whether the latest change is
/// reliable. Also says whether that change cannot be judged (no norms).
fn trend(h: &History, t: &Trend, scales: &Scales) -> (maud::Markup, bool) {
    let info = scales.get(&t.questionnaire, &t.scale);
    let points: Vec<(String, Option<f64>)> = t
        .points
        .iter()
        .map(|(i, v)| (day(&h.sessions[*i].created), *v))
        .collect();
    let reliable = t.reliable(h.norms.of_scale(&t.questionnaire, &t.scale));
    let judged: Vec<(&str, change::Change)> = [
        ("since the previous session", reliable.since_previous),
        ("since the first session", reliable.since_first),
    ]
    .into_iter()
    .filter_map(|(w, c)| c.map(|c| (w, c)))
    .collect();
    let cannot = judged
        .iter()
        .any(|(_, c)| c.verdict == Verdict::CannotJudge);
    let mut previous: Option<f64> = None;
    let rows: Vec<(String, String, String, String)> = t
        .points
        .iter()
        .map(|(i, v)| {
            let s = &h.sessions[*i];
            let change = match (previous, v) {
                (Some(p), Some(v)) => change::signed(crate::model::range::round(v - p)),
                _ => String::new(),
            };
            if v.is_some() {
                previous = *v;
            } else {
                previous = None;
            }
            (
                when(&s.created),
                s.file.id8().to_owned(),
                v.map_or("-".into(), html_number),
                change,
            )
        })
        .collect();
    let markup = html! {
        h3 { (t.label) }
        @if t.points.len() > 1 || info.is_some_and(|i| i.range.is_some()) {
            (trend_figure(&element_id("t", &[&t.questionnaire, &t.scale]), &t.label, &points, info))
        }
        table {
            caption.note { (t.label) ", each session" }
            thead { tr {
                th scope="col" { "Date" } th scope="col" { "Session" } th.num scope="col" { "Value" }
                th.num scope="col" { "Change since the previous session" }
            } }
            tbody {
                @for (date, id, value, change) in &rows {
                    tr { th.when scope="row" { (date) } td { (id) } td.num { (value) } td.num { (change) } }
                }
            }
        }
        @for (when, c) in &judged {
            @if c.verdict != Verdict::CannotJudge {
                p { "Latest change " (when) ": " (change::words(c)) "." }
            }
        }
    };
    (markup, cannot)
}
