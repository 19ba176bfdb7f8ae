//! Charts as inline SVG: a scale's value within its range with the bands shaded and
//! labelled, and a scale over time with the bands behind the line and each point dated.
//!
//! Every chart is an image with a title and a description (`role="img"`, `<title>`,
//! `<desc>`), and the page puts its numbers in a table beside it. Text from data goes into
//! the SVG through maud, which escapes it; coordinates are numbers formatted here.

use maud::{Markup, html};

use crate::model::range::display;

/// A band of a scale, as drawn: from `lo` to `hi` along the range.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BandSpan {
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) label: String,
    /// The values it holds, in words: `1 to 4`.
    pub(crate) values: String,
}

/// What a chart is called and says, for people who cannot see it.
pub(crate) struct Labels<'a> {
    /// Unique in the page: the title's and description's ids start with it.
    pub(crate) id: &'a str,
    pub(crate) title: &'a str,
    pub(crate) desc: &'a str,
}

fn n(v: f64) -> String {
    format!("{v:.1}")
}

/// A number for a label: at most one decimal, as every report shows scores.
pub(crate) fn value_text(v: f64) -> String {
    display(v, 1)
}

/// The bands drawn in a range, each meeting the next. On a scale of whole numbers a band
/// holds its values from half a step below its lowest to half a step above its highest
/// (so a band of one value, 0 to 0, still shows); otherwise it runs from where the previous
/// one ended (or the range's start) to its own end. Clipped to the range; empty ones are
/// left out.
pub(crate) fn spans(
    min: f64,
    max: f64,
    integral: bool,
    bands: &[(Option<f64>, f64, String)],
) -> Vec<BandSpan> {
    let mut out = Vec::new();
    let mut previous: Option<f64> = None;
    for (band_min, band_max, label) in bands {
        let top = band_max.min(max);
        let (lo, hi, first) = if integral {
            let first = band_min.unwrap_or_else(|| previous.map_or(min, |p| p + 1.0));
            (first - 0.5, band_max + 0.5, first.max(min))
        } else {
            let first = previous.unwrap_or(min);
            (first, *band_max, first)
        };
        let (lo, hi) = (lo.clamp(min, max), hi.clamp(min, max));
        if hi > lo {
            out.push(BandSpan {
                lo,
                hi,
                label: label.clone(),
                values: if first == top {
                    value_text(top)
                } else {
                    format!("{} to {}", value_text(first), value_text(top))
                },
            });
        }
        previous = Some(*band_max);
    }
    out
}

const RANGE_W: f64 = 600.0;
const RANGE_LEFT: f64 = 40.0;
const RANGE_RIGHT: f64 = 560.0;

/// A scale's value within its range: the bands as shaded regions with their labels under
/// them (in two rows, so that neighbours do not overlap), the value as a marker.
pub(crate) fn range(
    labels: &Labels,
    value: Option<f64>,
    min: f64,
    max: f64,
    bands: &[BandSpan],
) -> Markup {
    let x = across(min, max);
    let body = html! {
            rect.track x=(n(RANGE_LEFT)) y="24" width=(n(RANGE_RIGHT - RANGE_LEFT)) height="20" {}
            @for (i, b) in bands.iter().enumerate() {
                rect class=(format!("band band-{}", i % 4)) x=(n(x(b.lo))) y="24"
                    width=(n((x(b.hi) - x(b.lo)).max(1.0))) height="20" {}
                text.band-label x=(n((x(b.lo) + x(b.hi)) / 2.0)) y=(if i % 2 == 0 { "58" } else { "72" })
                    text-anchor="middle" { (b.label) }
            }
            text.axis x=(n(RANGE_LEFT - 6.0)) y="38" text-anchor="end" { (value_text(min)) }
            text.axis x=(n(RANGE_RIGHT + 6.0)) y="38" text-anchor="start" { (value_text(max)) }
            @if let Some(v) = value {
                line.marker x1=(n(x(v))) x2=(n(x(v))) y1="18" y2="50" {}
                text.value x=(n(x(v))) y="14" text-anchor="middle" { (value_text(v)) }
            }
    };
    frame("range", RANGE_W, 80.0, labels, body)
}

/// Where a value of `min..=max` lies across a range track (clamped to it).
fn across(min: f64, max: f64) -> impl Fn(f64) -> f64 {
    let span = (max - min).max(f64::EPSILON);
    move |v: f64| RANGE_LEFT + (v.clamp(min, max) - min) / span * (RANGE_RIGHT - RANGE_LEFT)
}

/// An SVG chart: an image titled and described in words (`<title>`, `<desc>`, named by
/// `aria-labelledby`), `width` by `height`, holding `body`.
fn frame(class: &str, width: f64, height: f64, labels: &Labels, body: Markup) -> Markup {
    let title_id = format!("{}-t", labels.id);
    let desc_id = format!("{}-d", labels.id);
    html! {
        svg class=(class) viewBox=(format!("0 0 {width} {height}")) role="img"
            aria-labelledby=(format!("{title_id} {desc_id}")) {
            title id=(title_id) { (labels.title) }
            desc id=(desc_id) { (labels.desc) }
            (body)
        }
    }
}

/// One row of a chart of values side by side: whose value it is, and the value (`None`:
/// not enough answers).
pub(crate) struct Row<'a> {
    pub(crate) label: &'a str,
    pub(crate) value: Option<f64>,
}

/// The height of one row of [`rows`]: its label above, then its track.
const ROW_H: f64 = 46.0;

/// Values of one scale side by side (both partners of a couple, for instance): a track per
/// row with the bands shaded, its label and value above it and the value as a marker; the
/// bands labelled once, under the last track.
pub(crate) fn rows(
    labels: &Labels,
    rows: &[Row],
    min: f64,
    max: f64,
    bands: &[BandSpan],
) -> Markup {
    let x = across(min, max);
    let track = |i: usize| 22.0 + ROW_H * i as f64;
    let below = track(rows.len().saturating_sub(1)) + 18.0;
    let height = below + 32.0;
    let body = html! {
            @for (i, r) in rows.iter().enumerate() {
                @let y = track(i);
                text.value x=(n(RANGE_LEFT)) y=(n(y - 6.0)) text-anchor="start" {
                    (r.label) ": " (r.value.map_or("no value".to_owned(), value_text))
                }
                rect.track x=(n(RANGE_LEFT)) y=(n(y)) width=(n(RANGE_RIGHT - RANGE_LEFT)) height="18" {}
                @for (j, b) in bands.iter().enumerate() {
                    rect class=(format!("band band-{}", j % 4)) x=(n(x(b.lo))) y=(n(y))
                        width=(n((x(b.hi) - x(b.lo)).max(1.0))) height="18" {}
                }
                text.axis x=(n(RANGE_LEFT - 6.0)) y=(n(y + 13.0)) text-anchor="end" { (value_text(min)) }
                text.axis x=(n(RANGE_RIGHT + 6.0)) y=(n(y + 13.0)) text-anchor="start" { (value_text(max)) }
                @if let Some(v) = r.value {
                    line.marker x1=(n(x(v))) x2=(n(x(v))) y1=(n(y - 3.0)) y2=(n(y + 21.0)) {}
                }
            }
            @for (j, b) in bands.iter().enumerate() {
                text.band-label x=(n((x(b.lo) + x(b.hi)) / 2.0))
                    y=(n(below + if j % 2 == 0 { 14.0 } else { 28.0 })) text-anchor="middle" { (b.label) }
            }
    };
    frame("rows", RANGE_W, height, labels, body)
}

/// One point of a trend: its date as shown, and its value (`None`: not enough answers).
pub(crate) struct TrendPoint {
    pub(crate) date: String,
    pub(crate) value: Option<f64>,
}

const TREND_W: f64 = 640.0;
const PLOT_LEFT: f64 = 48.0;
const PLOT_RIGHT: f64 = 470.0;
const PLOT_TOP: f64 = 16.0;
const PLOT_BOTTOM: f64 = 176.0;

/// A scale over time: the bands as stripes behind, labelled on the right; a line through
/// the valid values (broken where one is missing), each point marked with its value and
/// dated under the plot.
pub(crate) fn trend(
    labels: &Labels,
    points: &[TrendPoint],
    min: f64,
    max: f64,
    bands: &[BandSpan],
) -> Markup {
    let span = (max - min).max(f64::EPSILON);
    let y = |v: f64| PLOT_BOTTOM - (v.clamp(min, max) - min) / span * (PLOT_BOTTOM - PLOT_TOP);
    let step = if points.len() > 1 {
        (PLOT_RIGHT - PLOT_LEFT - 24.0) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| {
        if points.len() > 1 {
            PLOT_LEFT + 12.0 + step * i as f64
        } else {
            (PLOT_LEFT + PLOT_RIGHT) / 2.0
        }
    };
    // Runs of consecutive valid points, each drawn as one line.
    let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (i, p) in points.iter().enumerate() {
        match p.value {
            Some(v) => runs
                .last_mut()
                .into_iter()
                .for_each(|r| r.push((x(i), y(v)))),
            None => runs.push(Vec::new()),
        }
    }
    let polylines: Vec<String> = runs
        .iter()
        .filter(|r| r.len() > 1)
        .map(|r| {
            r.iter()
                .map(|(a, b)| format!("{},{}", n(*a), n(*b)))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    // Dates are turned to fit; past 16 points only every other one is written.
    let every = points.len().div_ceil(16).max(1);
    let height = PLOT_BOTTOM + 84.0;
    let body = html! {
            rect.track x=(n(PLOT_LEFT)) y=(n(PLOT_TOP)) width=(n(PLOT_RIGHT - PLOT_LEFT))
                height=(n(PLOT_BOTTOM - PLOT_TOP)) {}
            @for (i, b) in bands.iter().enumerate() {
                rect class=(format!("band band-{}", i % 4)) x=(n(PLOT_LEFT)) y=(n(y(b.hi)))
                    width=(n(PLOT_RIGHT - PLOT_LEFT)) height=(n((y(b.lo) - y(b.hi)).max(1.0))) {}
                text.band-label x=(n(PLOT_RIGHT + 6.0)) y=(n((y(b.lo) + y(b.hi)) / 2.0 + 4.0))
                    text-anchor="start" { (b.label) }
            }
            text.axis x=(n(PLOT_LEFT - 6.0)) y=(n(PLOT_BOTTOM + 4.0)) text-anchor="end" { (value_text(min)) }
            text.axis x=(n(PLOT_LEFT - 6.0)) y=(n(PLOT_TOP + 4.0)) text-anchor="end" { (value_text(max)) }
            @for line in &polylines {
                polyline.line points=(line) {}
            }
            @for (i, p) in points.iter().enumerate() {
                @if let Some(v) = p.value {
                    circle.point cx=(n(x(i))) cy=(n(y(v))) r="4" {}
                    text.value x=(n(x(i))) y=(n(y(v) - 8.0)) text-anchor="middle" { (value_text(v)) }
                } @else {
                    text.gap x=(n(x(i))) y=(n(PLOT_BOTTOM - 6.0)) text-anchor="middle" { "no value" }
                }
                @if i % every == 0 || i + 1 == points.len() {
                    text.date x=(n(x(i))) y=(n(PLOT_BOTTOM + 14.0)) text-anchor="end"
                        transform=(format!("rotate(-35 {} {})", n(x(i)), n(PLOT_BOTTOM + 14.0))) { (p.date) }
                }
            }
    };
    frame("trend", TREND_W, height, labels, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_continue_each_other_within_the_range() {
        let bands = vec![
            (None, 6.0, "Low".to_owned()),
            (Some(7.0), 14.0, "Mid".to_owned()),
            (None, 30.0, "High".to_owned()),
        ];
        let got = |integral| -> Vec<(f64, f64, String)> {
            spans(0.0, 20.0, integral, &bands)
                .into_iter()
                .map(|b| (b.lo, b.hi, b.label))
                .collect()
        };
        let s = |a: f64, b: f64, l: &str| (a, b, l.to_owned());
        assert_eq!(
            got(false),
            [
                s(0.0, 6.0, "Low"),
                s(6.0, 14.0, "Mid"),
                s(14.0, 20.0, "High")
            ]
        );
        assert_eq!(
            got(true),
            [
                s(0.0, 6.5, "Low"),
                s(6.5, 14.5, "Mid"),
                s(14.5, 20.0, "High")
            ]
        );
        let one = vec![
            (None, 0.0, "None".to_owned()),
            (Some(1.0), 20.0, "Some".to_owned()),
        ];
        let drawn = spans(0.0, 20.0, true, &one);
        assert_eq!(
            (drawn[0].lo, drawn[0].hi),
            (0.0, 0.5),
            "a band of one value shows"
        );
        assert_eq!((drawn[1].lo, drawn[1].hi), (0.5, 20.0));
    }

    #[test]
    fn a_chart_carries_its_title_description_and_value_as_text() {
        let labels = Labels {
            id: "c1",
            title: "Desire <b>",
            desc: "12 of 0 to 20",
        };
        let svg = range(&labels, Some(12.0), 0.0, 20.0, &[]).into_string();
        assert!(svg.contains(r#"aria-labelledby="c1-t c1-d""#), "{svg}");
        assert!(
            svg.contains("<title id=\"c1-t\">Desire &lt;b&gt;</title>"),
            "{svg}"
        );
        assert!(svg.contains(">12</text>"), "{svg}");
        let points = [
            TrendPoint {
                date: "2026-01-01".into(),
                value: Some(3.0),
            },
            TrendPoint {
                date: "2026-02-01".into(),
                value: None,
            },
            TrendPoint {
                date: "2026-03-01".into(),
                value: Some(5.0),
            },
            TrendPoint {
                date: "2026-04-01".into(),
                value: Some(8.0),
            },
        ];
        let svg = trend(&labels, &points, 0.0, 20.0, &[]).into_string();
        assert_eq!(
            svg.matches("<polyline").count(),
            1,
            "the gap breaks the line: {svg}"
        );
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains(">2026-02-01</text>") && svg.contains(">no value</text>"));
    }

    #[test]
    fn values_side_by_side_get_a_track_each_with_their_label_and_a_marker_when_known() {
        let labels = Labels {
            id: "p1",
            title: "Desire, both partners",
            desc: "C7-1: 12; C7-2: no value",
        };
        let bands = spans(
            0.0,
            20.0,
            true,
            &[(None, 9.0, "Low".into()), (None, 20.0, "High".into())],
        );
        let svg = rows(
            &labels,
            &[
                Row {
                    label: "C7-1 <b>",
                    value: Some(12.0),
                },
                Row {
                    label: "C7-2",
                    value: None,
                },
            ],
            0.0,
            20.0,
            &bands,
        )
        .into_string();
        assert!(svg.contains(r#"aria-labelledby="p1-t p1-d""#), "{svg}");
        assert!(svg.contains(">C7-1 &lt;b&gt;: 12</text>"), "{svg}");
        assert!(svg.contains(">C7-2: no value</text>"), "{svg}");
        assert_eq!(svg.matches("class=\"track\"").count(), 2, "{svg}");
        assert_eq!(svg.matches("<line").count(), 1, "one marker: {svg}");
        assert_eq!(
            svg.matches(">Low</text>").count(),
            1,
            "bands named once: {svg}"
        );
    }
}
