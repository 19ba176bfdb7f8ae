//! The couple view of the clinician report as HTML: a page group per couple, before both
//! partners' intakes (as in text). Safety first, in a red box, when either partner raised
//! the screen; otherwise each partner's screen in words. Then both partners' latest scales
//! side by side in a table, the desire of both drawn in its range (not when safety comes
//! first: the difference is then not interpreted) and the desire difference, for the
//! therapist only. Values and words are those of the text view
//! ([`crate::report::couple`]).

use maud::{Markup, html};

use super::{Scales, chart, element_id, page, when};
use crate::report::couple::{self, Couple, DESIRE, Partner};

/// Every couple's view, a page group each; nothing when there is no couple.
pub(crate) fn couples(couples: &[Couple], scales: &Scales, generated: &str) -> String {
    couples.iter().map(|c| one(c, scales, generated)).collect()
}

fn partner_name(p: &Partner, n: usize) -> String {
    format!("{} (partner {n})", p.reference)
}

fn one(c: &Couple, scales: &Scales, generated: &str) -> String {
    let running = format!(
        "confide intake report \u{b7} couple {} \u{b7} made {}",
        c.couple,
        when(generated)
    );
    let [a, b] = &c.partners;
    let body = html! {
        h2 { "Couple " (c.couple) }
        p.note {
            "For the therapist only: nothing of this view is shown to either partner. \
             Each partner's latest intake; their intakes follow."
        }
        @for s in couple::safety_words(c) {
            @if s.text.starts_with("SAFETY FIRST") {
                div.flag.urgent { p { strong { (s.text) } } }
            } @else {
                p { (s.text) }
            }
            @if !s.bullets.is_empty() {
                ul { @for b in &s.bullets { li { (b) } } }
            }
        }
        dl.facts {
            @for (i, p) in c.partners.iter().enumerate() {
                dt { "Partner " (i + 1) }
                dd {
                    (p.reference) ", " (when(&p.created)) ", session "
                    (p.session.chars().take(8).collect::<String>())
                }
            }
        }
        table {
            caption.note { "The scales of couple " (c.couple) ", side by side" }
            thead { tr {
                th scope="col" { "Scale" }
                th.num scope="col" { (partner_name(a, 1)) }
                th.num scope="col" { (partner_name(b, 2)) }
            } }
            tbody {
                @for k in couple::scales(c) {
                    tr {
                        th scope="row" {
                            @match scales.by_key(k) {
                                Some(info) => { (info.title) " " span.note { "(" (k) ")" } }
                                None => { (k) }
                            }
                        }
                        td.num { (couple::num(a.scores.get(k).copied().flatten())) }
                        td.num { (couple::num(b.scores.get(k).copied().flatten())) }
                    }
                }
            }
        }
        @if !c.safety_first { (desire_figure(c, scales)) }
        p { strong { "Desire difference: " } (couple::difference_words(c)) "." }
        @if let Some(own) = couple::own_reports_words(c) { p { (own) } }
    };
    let mut out = super::text_of(page(&running, body));
    out.push('\n');
    out
}

/// The desire of both partners, each on a track of the scale's range with its bands; nothing
/// when the range is not known or neither partner has the scale (the table says the numbers).
fn desire_figure(c: &Couple, scales: &Scales) -> Markup {
    let info = scales.by_key(DESIRE);
    let Some((min, max)) = info.and_then(|i| i.range) else {
        return html! {};
    };
    if !c.partners.iter().any(|p| p.scores.contains_key(DESIRE)) {
        return html! {};
    }
    let title = format!(
        "{}, both partners",
        info.map_or(DESIRE, |i| i.title.as_str())
    );
    let names: Vec<String> = c
        .partners
        .iter()
        .enumerate()
        .map(|(i, p)| partner_name(p, i + 1))
        .collect();
    let values: Vec<Option<f64>> = c
        .partners
        .iter()
        .map(|p| p.scores.get(DESIRE).copied().flatten())
        .collect();
    let said: Vec<String> = names
        .iter()
        .zip(&values)
        .map(|(n, v)| format!("{n} {}", v.map_or("no value".to_owned(), chart::value_text)))
        .collect();
    let bands = info.map_or(&[][..], |i| i.bands.as_slice());
    let regions: Vec<String> = bands
        .iter()
        .map(|b| format!("{} ({})", b.label, b.values))
        .collect();
    let mut desc = format!(
        "{title}, on a range from {} to {}: {}. Desire difference: {}.",
        chart::value_text(min),
        chart::value_text(max),
        said.join("; "),
        couple::difference_words(c)
    );
    if !regions.is_empty() {
        desc.push_str(&format!(" Bands: {}.", regions.join("; ")));
    }
    let rows: Vec<chart::Row> = names
        .iter()
        .zip(&values)
        .map(|(n, v)| chart::Row {
            label: n,
            value: *v,
        })
        .collect();
    let labels = chart::Labels {
        id: &element_id("c", &[&c.couple, DESIRE]),
        title: &title,
        desc: &desc,
    };
    html! {
        figure.chart {
            figcaption { (title) }
            (chart::rows(&labels, &rows, min, max, bands))
        }
    }
}
