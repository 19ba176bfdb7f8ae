//! The clinician report as HTML: a page group per intake, then the files that could not
//! be read, the summary by reference (with a trend chart per scale of a reference seen
//! more than once) and the clinical note; the couple view (`html::couple`) may follow.
//! Written a part at a time, as the other formats.

use maud::{Markup, html};

use super::{Scales, element_id, page, trend_figure, value_figure, when};
use crate::model::response::AnswerStatus;
use crate::report::change::{self, Change};
use crate::report::clinician::{
    CLINICAL_NOTE, Failure, FlagEntry, QuestionnaireReport, ReferenceGroup, ScreenStatus,
    SessionReport,
};
use crate::report::clinician_text::{
    DEFERRED_HEADING, UNJUDGED_NOTE, deferred_words, definition_words, level_label,
    listed_and_deferred, num, partner_absent_words, risk_prompt,
};

/// The start of the report page: its head and title.
pub(crate) fn begin(generated: &str) -> String {
    let mut out = super::begin("confide intake report");
    let header = html! {
        header {
            h1 { "confide intake report" }
            p.note { "Made " (when(generated)) " by confide " (env!("CARGO_PKG_VERSION")) ". " (CLINICAL_NOTE) }
        }
    };
    out.push_str(&super::text_of(header));
    out.push('\n');
    out
}

fn reference(s: &SessionReport) -> String {
    s.reference
        .as_deref()
        .map_or_else(|| "no reference".to_owned(), |r| format!("reference {r}"))
}

/// One intake: a page group of its own.
pub(crate) fn session(s: &SessionReport, scales: &Scales) -> String {
    let id8: String = s.id.chars().take(8).collect();
    let running = format!(
        "confide intake report \u{b7} {} \u{b7} {} \u{b7} session {id8}",
        reference(s),
        when(&s.created)
    );
    let body = html! {
        h2 { "Intake, " (reference(s)) ", " (when(&s.created)) }
        dl.facts {
            @if let Some(f) = &s.file { dt { "File" } dd { (f) } }
            dt { "Reference" } dd { (s.reference.as_deref().unwrap_or("(none)")) }
            dt { "Date" } dd { (when(&s.created)) }
            dt { "Session" } dd { (s.id) }
            dt { "Recorded by" } dd { (s.recorded_by.name) " " (s.recorded_by.version) ", language " (s.language) }
        }
        (screen(s))
        (flags(s))
        (overview(s, scales))
        @if !s.free_text.is_empty() {
            h3 { "In the client's own words" }
            @for t in &s.free_text {
                figure.quote {
                    blockquote { (t.answer) }
                    figcaption.note { (t.question.as_deref().unwrap_or(&t.item)) " (" (t.questionnaire) "." (t.item) ")" }
                }
            }
        }
        h3 { "Details" }
        @for q in &s.questionnaires {
            (questionnaire(q))
        }
    };
    let mut out = super::text_of(page(&running, body));
    out.push('\n');
    out
}

fn screen(s: &SessionReport) -> Markup {
    let class = match s.safety_screen.status {
        ScreenStatus::Screened => "screen screened",
        ScreenStatus::Raised => "screen raised",
        ScreenStatus::Declined => "screen declined",
        ScreenStatus::NotAsked => "screen not_asked",
    };
    html! {
        div class=(class) {
            p { strong { "Safety screen: " (s.safety_screen.text) } }
            @if let Some(prompt) = risk_prompt(s) { p { (prompt) } }
            @if let Some(note) = partner_absent_words(s) { p { (note) } }
        }
    }
}

fn flag(f: &FlagEntry) -> Markup {
    html! {
        div class=(format!("flag {}", f.level.known().map_or("other", |l| l.as_str()))) {
            span.level { (level_label(&f.level)) } " [" (f.questionnaire) "] " (f.clinician)
        }
    }
}

fn flags(s: &SessionReport) -> Markup {
    let (listed, deferred) = listed_and_deferred(s);
    html! {
        h3 { "Flags" }
        @if s.flags.is_empty() { p { "None raised." } }
        @for f in listed { (flag(f)) }
        @if !deferred.is_empty() {
            h3 { (DEFERRED_HEADING) }
            @for words in deferred_words(s) { p { (words) } }
            @for f in deferred { (flag(f)) }
        }
    }
}

fn range_words(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("{} to {}", num(a), num(b)),
        _ => "unknown".into(),
    }
}

fn enough(valid: bool, answered: usize, parts: usize) -> String {
    format!(
        "{} ({answered} of {parts})",
        if valid { "yes" } else { "no" }
    )
}

/// The overview: a table of every scale, then each scale's value drawn in its range.
fn overview(s: &SessionReport, scales: &Scales) -> Markup {
    if s.overview.is_empty() {
        return html! {};
    }
    html! {
        h3 { "Overview" }
        @for b in &s.overall_bother {
            p { "Overall sexual bother (" (b.questionnaire) "." (b.item) "): " strong { (b.answer) } }
        }
        table {
            thead { tr {
                th scope="col" { "Questionnaire" } th scope="col" { "Scale" } th.num scope="col" { "Value" }
                th scope="col" { "Range" } th scope="col" { "Band" } th scope="col" { "Bother" } th scope="col" { "Enough answered" }
            } }
            tbody {
                @for row in &s.overview {
                    tr {
                        td { (row.questionnaire_title) }
                        th scope="row" { (row.scale_title) }
                        td.num { (row.value.map_or("n/a".into(), num)) }
                        td { (range_words(row.min, row.max)) }
                        td { (row.band_label.as_deref().unwrap_or("")) }
                        td { (row.bother.as_deref().unwrap_or("")) }
                        td { (enough(row.valid, row.answered, row.parts)) }
                    }
                }
            }
        }
        @for row in &s.overview {
            @let title = if row.questionnaire_title == row.scale_title { row.scale_title.clone() } else { format!("{}: {}", row.questionnaire_title, row.scale_title) };
            (value_figure(
                &element_id("v", &[&s.id, s.file.as_deref().unwrap_or(""), &row.questionnaire, &row.scale]),
                &title,
                row.value,
                row.band_label.as_deref(),
                scales.get(&row.questionnaire, &row.scale),
            ))
        }
    }
}

fn questionnaire(q: &QuestionnaireReport) -> Markup {
    html! {
        h3 { (q.title) " (" (q.id) " " (q.version) ")" }
        p.note { (definition_words(q)) "." }
        @for n in &q.notes { p.note { "Note: " (n) } }
        @if !q.taken {
            p { "Not taken: the topic did not apply, so nothing was asked." }
        } @else {
            @if !q.scales.is_empty() {
                table {
                    caption.note { "Scales of " (q.title) }
                    thead { tr {
                        th scope="col" { "Scale" } th.num scope="col" { "Value" } th scope="col" { "Range" }
                        th scope="col" { "Band" } th scope="col" { "Enough answered" }
                    } }
                    tbody {
                        @for sc in &q.scales {
                            tr {
                                th scope="row" { (sc.title) }
                                td.num { (sc.value.map_or("n/a".into(), num)) }
                                td { (range_words(sc.min, sc.max)) }
                                td { (sc.band_label.as_deref().or(sc.band.as_deref()).unwrap_or("")) }
                                td { (enough(sc.valid, sc.answered, sc.parts)) }
                            }
                        }
                    }
                }
            }
            table.long {
                caption.note { "Answers to " (q.title) }
                thead { tr { th scope="col" { "Item" } th scope="col" { "Question" } th scope="col" { "Answer" } } }
                tbody {
                    @for a in &q.answers {
                        tr {
                            td { (a.item) }
                            th scope="row" { (a.text.as_deref().unwrap_or("")) }
                            @if a.status == AnswerStatus::Answered { td { (a.display) } } @else { td { em { (a.display) } } }
                        }
                    }
                }
            }
        }
    }
}

/// The files that could not be read (nothing when there are none).
pub(crate) fn failures(failures: &[Failure]) -> String {
    if failures.is_empty() {
        return String::new();
    }
    let body = html! {
        section.failures {
            h2 { "Files that could not be read" }
            table {
                thead { tr { th scope="col" { "File" } th scope="col" { "Why" } th.num scope="col" { "Exit code" } } }
                tbody {
                    @for f in failures {
                        tr { th scope="row" { (f.file) } td { (f.error) } td.num { (f.exit_code) } }
                    }
                }
            }
        }
    };
    let mut out = super::text_of(body);
    out.push('\n');
    out
}

/// The start of the summary by reference: a page group whose rows are written a
/// reference at a time, closed by [`summary_end`].
pub(crate) fn summary_begin(generated: &str) -> String {
    let running = format!(
        "confide intake report \u{b7} summary by reference \u{b7} made {}",
        when(generated)
    );
    let head = html! { thead { tr { td { (running) } } } h2 { "Summary by reference" } };
    let head = super::text_of(head);
    // The heading goes inside the frame's body cell.
    let (thead, h2) = head.split_at(head.find("<h2>").unwrap_or(head.len()));
    format!(
        "<section class=\"page summary\"><table class=\"frame\" role=\"presentation\">{thead}<tbody><tr><td>{h2}\n"
    )
}

/// One reference's sessions: a table of every score with its change, whether that change
/// is reliable, and for a reference seen more than once, a trend chart per scale.
pub(crate) fn summary_group(g: &ReferenceGroup, scales: &Scales) -> String {
    let name = g
        .reference
        .as_deref()
        .map_or_else(|| "No reference".to_owned(), |r| format!("Reference {r}"));
    let of_whom = g
        .reference
        .as_deref()
        .map_or_else(|| "no reference".to_owned(), |r| format!("reference {r}"));
    let keys: Vec<&String> = {
        let mut keys: Vec<&String> = g.sessions.iter().flat_map(|p| p.scores.keys()).collect();
        keys.sort();
        keys.dedup();
        keys
    };
    let judged = |c: Option<Change>| c.map_or(String::new(), |c| change::words(&c));
    let body = html! {
        h3 { (name) }
        table {
            thead { tr {
                th scope="col" { "Date" } th scope="col" { "Session" } th scope="col" { "Scale" } th.num scope="col" { "Value" }
                th scope="col" { "Since the previous intake" } th scope="col" { "Since the first" }
            } }
            tbody {
                @for p in &g.sessions {
                    @for (k, v) in &p.scores {
                        @let r = p.reliable_change.get(k);
                        tr {
                            td.when { (when(&p.created)) }
                            td { (p.id.chars().take(8).collect::<String>()) }
                            th scope="row" { (scales.by_key(k).map_or(k.as_str(), |i| i.title.as_str())) }
                            td.num { (v.map_or("n/a".into(), num)) }
                            td { (judged(r.and_then(|r| r.since_previous))) }
                            td { (judged(r.and_then(|r| r.since_first))) }
                        }
                    }
                }
            }
        }
        @if g.sessions.len() > 1 {
            @for k in &keys {
                @let points: Vec<(String, Option<f64>)> = g.sessions.iter()
                    .filter_map(|p| p.scores.get(*k).map(|v| (super::day(&p.created), *v)))
                    .collect();
                @if points.len() > 1 {
                    @let info = scales.by_key(k);
                    (trend_figure(
                        &element_id("t", &[g.reference.as_deref().unwrap_or(""), k]),
                        &format!("{}, {of_whom}", info.map_or(k.as_str(), |i| i.title.as_str())),
                        &points,
                        info,
                    ))
                }
            }
        }
    };
    let mut out = super::text_of(body);
    out.push('\n');
    out
}

/// The end of the summary by reference; says, when a change of a scale without norms was
/// shown, that it cannot be judged reliable.
pub(crate) fn summary_end(unjudged: bool) -> String {
    let note = html! { @if unjudged { p.note { (UNJUDGED_NOTE) } } };
    format!(
        "{}</td></tr></tbody></table></section>\n",
        super::text_of(note)
    )
}

/// The clinical note the report ends with, and the end of the page.
pub(crate) fn end() -> String {
    format!("{}{}", footer(), super::end())
}

/// The clinical note the report ends with; `confide report` writes the couple view after it.
pub(crate) fn footer() -> String {
    let note = html! { footer { p.note { (CLINICAL_NOTE) } } };
    format!("{}\n", super::text_of(note))
}
