//! The person's own summary as HTML (`show --format html`): the summary every other
//! format shows, then each scale's value drawn within its range, with the numbers in a
//! table.

use maud::{Markup, html};

use super::{Scales, element_id, page, value_figure, when};
use crate::model::range::scale_range;
use crate::report::clinician_text::num;
use crate::report::summary::{self, Block, Part};

/// Who and when the page is about.
pub(crate) struct About<'a> {
    pub(crate) id: &'a str,
    pub(crate) created: &'a str,
    pub(crate) reference: Option<&'a str>,
}

/// The whole page of a session's summary. `missing` says which questionnaires could not
/// be summarised, if any.
pub(crate) fn summary_page(
    about: &About,
    parts: &[Part],
    opts: &summary::Options,
    scales: &Scales,
    missing: Option<&str>,
) -> String {
    let id8: String = about.id.chars().take(8).collect();
    let running = format!(
        "Your confide summary \u{b7} {}{} \u{b7} session {id8}",
        when(about.created),
        about
            .reference
            .map_or(String::new(), |r| format!(" \u{b7} reference {r}"))
    );
    let blocks = summary::blocks(parts, opts);
    let body = html! {
        @for b in &blocks {
            @if *b == Block::Scores {
                (scores(parts, opts.lang, scales, about.id))
            }
            (block(b))
            @if matches!(b, Block::Title(_)) {
                p.note {
                    "Session " (about.id) " of " (when(about.created))
                    @if let Some(r) = about.reference { ", reference " (r) }
                    ". Bring this summary to an appointment if you like: it is yours to share or keep."
                }
            }
        }
        @if let Some(note) = missing { p.note { (note) } }
    };
    let mut out = super::begin("Your confide summary");
    out.push_str(&super::text_of(page(&running, body)));
    out.push('\n');
    out.push_str(super::end());
    out
}

/// The page of a session kept from `confide together`: the person's own answers, each
/// question with what they chose. `title` and `note` are the words the other formats use.
pub(crate) fn own_answers_page(
    about: &About,
    title: &str,
    note: &str,
    rows: &[(String, String)],
) -> String {
    let id8: String = about.id.chars().take(8).collect();
    let running = format!(
        "{title} \u{b7} {} \u{b7} session {id8}",
        when(about.created)
    );
    let body = html! {
        h1 { (title) }
        p.note { "Session " (about.id) " of " (when(about.created)) ". " (note) }
        dl.answers {
            @for (question, answer) in rows {
                dt { (question) }
                dd { (answer) }
            }
        }
    };
    let mut out = super::begin(title);
    out.push_str(&super::text_of(page(&running, body)));
    out.push('\n');
    out.push_str(super::end());
    out
}

fn block(b: &Block) -> Markup {
    html! {
        @match b {
            Block::Title(s) => h1 { (s) },
            Block::Heading(s) => h2 { (s) },
            Block::Subheading(s) => h3 { (s) },
            Block::Para(s) => p { (s) },
            Block::Bullets(items) => ul { @for i in items { li { (i) } } },
            Block::Flag(level, s) => div class=(format!("flag {}", level.as_str())) {
                span.level { (summary::flag_label(*level)) ":" } " " (s)
            },
            Block::Rule => hr;
            Block::Scores => {},
        }
    }
}

/// Each scale of the questionnaires taken: a table of values, then each drawn in its range.
fn scores(parts: &[Part], lang: &str, scales: &Scales, session: &str) -> Markup {
    struct Row {
        key: (String, String),
        title: String,
        value: Option<f64>,
        range: Option<(f64, f64)>,
        band: Option<String>,
    }
    let rows: Vec<Row> = parts
        .iter()
        .filter(|p| p.taken)
        .flat_map(|p| {
            let q = p.q;
            let qt = q.title.resolve(lang, &q.language);
            q.scales
                .iter()
                .zip(&p.scored.scales)
                .enumerate()
                .map(move |(i, (s, sc))| {
                    let st = s.title.resolve(lang, &q.language);
                    Row {
                        key: (q.id.clone(), s.id.clone()),
                        title: if qt == st {
                            st.to_owned()
                        } else {
                            format!("{qt}: {st}")
                        },
                        value: sc.value,
                        range: scale_range(q, i).map(|r| (r.min, r.max)),
                        band: sc
                            .band
                            .map(|b| s.bands[b].label.resolve(lang, &q.language).to_owned()),
                    }
                })
        })
        .collect();
    if rows.is_empty() {
        return html! {};
    }
    html! {
        h2 { "Your scores" }
        p { "Each score is drawn within the values it can take, with its bands shaded and named." }
        table {
            thead { tr {
                th scope="col" { "Scale" } th.num scope="col" { "Value" } th scope="col" { "Range" } th scope="col" { "Band" }
            } }
            tbody {
                @for r in &rows {
                    tr {
                        th scope="row" { (r.title) }
                        td.num { (r.value.map_or("not enough answers".into(), num)) }
                        td { (r.range.map_or("unknown".into(), |(a, b)| format!("{} to {}", num(a), num(b)))) }
                        td { (r.band.as_deref().unwrap_or("")) }
                    }
                }
            }
        }
        @for r in &rows {
            (value_figure(
                &element_id("v", &[session, &r.key.0, &r.key.1]),
                &r.title,
                r.value,
                r.band.as_deref(),
                scales.get(&r.key.0, &r.key.1),
            ))
        }
    }
}
