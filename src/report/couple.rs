//! The couple view of a report: when the intakes of both partners of a couple invited with
//! `confide invite --couple` (references `CODE-1` and `CODE-2`) are present, safety first
//! when either partner's screen raised something in any intake, then their latest scales
//! side by side, and the difference in desire (not interpreted when safety comes first).
//! The report writes the view before both partners' intakes. Only the therapist reads a
//! report; nothing here is ever shown to a partner. The HTML of the view is in
//! `html::couple`, from the same values and words.

use std::collections::BTreeMap;

use serde::Serialize;

use super::clinician::{Point, ScreenStatus, SessionReport};
use super::markdown::escape;
use crate::model::response::AnswerStatus;
use crate::term::sanitize;
use crate::term::style::Style;

/// The suffixes of the two linked references of a couple.
pub(crate) const PARTNERS: [&str; 2] = ["-1", "-2"];

/// The desire scale compared between partners.
pub(crate) const DESIRE: &str = "desire.desire";

/// What the couple view needs of one intake: its safety screen, and the person's own
/// answers about desire.
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    pub(crate) status: ScreenStatus,
    /// The screen in words (`screened, nothing raised`, `raised: ...`).
    pub(crate) text: String,
    /// Each raised safety flag in the clinician's words: the first sentence of its
    /// clinician text.
    pub(crate) concerns: Vec<String>,
    /// The person's own answers about desire ([`OWN_REPORTS`]): what each is, and the
    /// answer in words.
    pub(crate) desire: Vec<OwnReport>,
}

/// The answers of the desire questionnaire the couple view quotes: the difference from the
/// partner, the tension it causes, the bother, and the change from what is usual and for
/// how long. Each with what the view calls it.
const OWN_REPORTS: [(&str, &str); 5] = [
    ("gap", "gap"),
    ("gap_tension", "tension"),
    ("bother", "bother"),
    ("change", "desire compared with usual"),
    ("since", "for"),
];

impl Facts {
    pub(crate) fn of(s: &SessionReport) -> Facts {
        let desire = s
            .questionnaires
            .iter()
            .filter(|q| DESIRE.split_once('.').is_some_and(|(id, _)| q.id == id))
            .flat_map(|q| {
                OWN_REPORTS.iter().filter_map(|(item, name)| {
                    let a = q.answers.iter().find(|a| a.item == *item)?;
                    (a.status == AnswerStatus::Answered).then(|| OwnReport {
                        about: (*name).to_owned(),
                        answer: a.display.clone(),
                    })
                })
            })
            .collect();
        Facts {
            status: s.safety_screen.status,
            text: s.safety_screen.text.clone(),
            concerns: s
                .flags
                .iter()
                .filter(|f| f.safety)
                .map(|f| first_sentence(&f.clinician))
                .collect(),
            desire,
        }
    }
}

/// The first sentence of a text (up to the first full stop followed by a space).
fn first_sentence(text: &str) -> String {
    match text.find(". ") {
        Some(i) => text[..=i].to_owned(),
        None => text.to_owned(),
    }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Couple {
    /// The reference of the couple, without the partner's suffix.
    pub(crate) couple: String,
    pub(crate) partners: [Partner; 2],
    /// Partner 2's desire score minus partner 1's, when both have one.
    pub(crate) desire_difference: Option<f64>,
    /// Either partner's safety screen raised something, in any of their intakes in the
    /// report: the view puts safety first, and the difference in desire is not interpreted.
    pub(crate) safety_first: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Partner {
    pub(crate) reference: String,
    pub(crate) session: String,
    pub(crate) created: String,
    pub(crate) scores: BTreeMap<String, Option<f64>>,
    /// The screen of the latest intake, in words.
    pub(crate) safety_screen: String,
    #[serde(skip)]
    pub(crate) screen: Option<ScreenStatus>,
    /// Every intake of this partner in the report whose screen raised something, oldest
    /// first (the latest screen alone may hide an earlier concern).
    pub(crate) raised: Vec<Raised>,
    /// The partner's own answers about desire in the latest intake.
    pub(crate) desire: Vec<OwnReport>,
}

/// One of a partner's own answers about desire: what it is about (`gap`, `tension`,
/// `bother`, `desire compared with usual`, `for`), and the answer in words.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OwnReport {
    pub(crate) about: String,
    pub(crate) answer: String,
}

/// An intake whose safety screen raised something.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Raised {
    pub(crate) created: String,
    pub(crate) session: String,
    pub(crate) concerns: Vec<String>,
}

/// Whether a session's reference is a partner's of a couple (`CODE-1` or `CODE-2`).
pub(crate) fn is_partner(p: &Point) -> bool {
    p.reference
        .as_deref()
        .is_some_and(|r| PARTNERS.iter().any(|s| r.ends_with(s)))
}

/// The reference of the other partner: `CODE-2` for `CODE-1`, and the reverse.
pub(crate) fn other_partner(reference: &str) -> Option<String> {
    let [one, two] = PARTNERS;
    if let Some(base) = reference.strip_suffix(one) {
        Some(format!("{base}{two}"))
    } else {
        reference
            .strip_suffix(two)
            .map(|base| format!("{base}{one}"))
    }
}

/// Every couple whose two partners both have an intake, by reference; each partner's
/// latest intake, and every raised screen of either.
pub(crate) fn couples(points: &[Point]) -> Vec<Couple> {
    let mut by_reference: BTreeMap<&str, Vec<&Point>> = BTreeMap::new();
    for p in points {
        if let Some(r) = p.reference.as_deref() {
            by_reference.entry(r).or_default().push(p);
        }
    }
    for list in by_reference.values_mut() {
        list.sort_by(|a, b| (&a.created, &a.id).cmp(&(&b.created, &b.id)));
    }
    let mut out = Vec::new();
    for (r, first) in &by_reference {
        let Some(base) = r.strip_suffix(PARTNERS[0]) else {
            continue;
        };
        let Some(second) = by_reference.get(format!("{base}{}", PARTNERS[1]).as_str()) else {
            continue;
        };
        let partner = |all: &[&Point]| {
            let p = all[all.len() - 1];
            Partner {
                reference: p.reference.clone().unwrap_or_default(),
                session: p.id.clone(),
                created: p.created.clone(),
                scores: p.scores.clone(),
                safety_screen: p
                    .couple
                    .as_ref()
                    .map(|s| s.text.clone())
                    .unwrap_or_default(),
                screen: p.couple.as_ref().map(|s| s.status),
                desire: p
                    .couple
                    .as_ref()
                    .map(|s| s.desire.clone())
                    .unwrap_or_default(),
                raised: all
                    .iter()
                    .filter_map(|q| {
                        let s = q.couple.as_ref()?;
                        (s.status == ScreenStatus::Raised).then(|| Raised {
                            created: q.created.clone(),
                            session: q.id.clone(),
                            concerns: s.concerns.clone(),
                        })
                    })
                    .collect(),
            }
        };
        let partners = [partner(first), partner(second)];
        let desire = |p: &Partner| p.scores.get(DESIRE).copied().flatten();
        out.push(Couple {
            couple: (*base).to_owned(),
            desire_difference: desire(&partners[1])
                .zip(desire(&partners[0]))
                .map(|(b, a)| b - a),
            safety_first: partners.iter().any(|p| !p.raised.is_empty()),
            partners,
        });
    }
    out
}

/// A score as the couple view shows it: a whole number, or one decimal; `n/a` for none.
pub(crate) fn num(v: Option<f64>) -> String {
    match v {
        Some(v) if v.fract() == 0.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
        None => "n/a".to_owned(),
    }
}

/// Every scale of either partner, in order.
pub(crate) fn scales(c: &Couple) -> Vec<&String> {
    let mut keys: Vec<&String> = c.partners.iter().flat_map(|p| p.scores.keys()).collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The desire difference in words, after `Desire difference: `.
pub(crate) fn difference_words(c: &Couple) -> String {
    let [a, b] = &c.partners;
    match c.desire_difference {
        _ if c.safety_first => {
            "not interpreted, because a safety concern was raised (see above)".to_owned()
        }
        None => "not available (a desire score is missing)".to_owned(),
        Some(0.0) => "none on the desire scale".to_owned(),
        Some(d) => format!(
            "{} lower for {} than for {} on the desire scale (a screening scale, not a validated measure of discrepancy). Desire discrepancy is among the most common presenting concerns in couple sex therapy: treat it as a difference between the partners, not a deficit of the partner with lower desire, and assess each partner's distress",
            num(Some(d.abs())),
            if d < 0.0 { &b.reference } else { &a.reference },
            if d < 0.0 { &a.reference } else { &b.reference },
        ),
    }
}

/// Each partner's own answers about desire, and what they ask of the therapist; `None`
/// when safety comes first (the difference is then not interpreted) or neither answered.
pub(crate) fn own_reports_words(c: &Couple) -> Option<String> {
    if c.safety_first || c.partners.iter().all(|p| p.desire.is_empty()) {
        return None;
    }
    let each: Vec<String> = c
        .partners
        .iter()
        .filter(|p| !p.desire.is_empty())
        .map(|p| {
            let said: Vec<String> = p
                .desire
                .iter()
                .map(|r| format!("{} \"{}\"", r.about, r.answer))
                .collect();
            format!("{} {}", p.reference, said.join(", "))
        })
        .collect();
    Some(format!(
        "Own reports (desire questionnaire): {}. Where a partner reports desire lower than usual for them, with distress, assess that individually too (medical, hormonal, mood and medication contributors) alongside any couple work.",
        each.join("; ")
    ))
}

/// A paragraph of the safety part of the couple view, with the bullet lines under it.
pub(crate) struct Said {
    pub(crate) text: String,
    pub(crate) bullets: Vec<String>,
}

fn said(text: String) -> Said {
    Said {
        text,
        bullets: Vec::new(),
    }
}

/// What the couple view says about safety, before the scores: the same words in every
/// format. When either partner raised the screen (in any intake), "safety first": who
/// raised what, that couple work is contraindicated, what not to disclose, and that the
/// scores are for individual assessment; otherwise that a negative screen does not rule
/// out coercion.
pub(crate) fn safety_words(c: &Couple) -> Vec<Said> {
    let mut out = Vec::new();
    let raised: Vec<&Partner> = c.partners.iter().filter(|p| !p.raised.is_empty()).collect();
    let other = |p: &Partner| -> &Partner {
        if std::ptr::eq(p, &c.partners[0]) {
            &c.partners[1]
        } else {
            &c.partners[0]
        }
    };
    for p in &raised {
        let latest = p.raised.last().is_some_and(|r| r.session == p.session);
        let when = match (p.raised.as_slice(), latest) {
            ([_], true) => "in the latest intake".to_owned(),
            (list, _) => {
                let dates: Vec<&str> = list.iter().map(|r| r.created.as_str()).collect();
                let mut w = format!("in the intake of {}", dates.join(", "));
                if !latest {
                    w.push_str(&format!("; not in the latest, of {}", p.created));
                }
                w
            }
        };
        let mut concerns: Vec<String> = Vec::new();
        for r in &p.raised {
            for k in &r.concerns {
                if !concerns.contains(k) {
                    concerns.push(k.clone());
                }
            }
        }
        out.push(Said {
            text: format!(
                "SAFETY FIRST (for the therapist only): the safety screen of {} raised something {when}:",
                p.reference
            ),
            bullets: concerns,
        });
        out.push(said(format!(
            "The partner meant may be {o}. Couple-based work is contraindicated: do not start or continue joint sessions, and assess {r} alone first, with no partner present, and agree a safe way to contact them. Do not disclose anything from {r}'s intake to {o}, in a session, letter, message or invoice, including that this screen raised anything. Couple and communication suggestions in both partners' intakes are deferred.",
            r = p.reference,
            o = other(p).reference
        )));
    }
    for p in c.partners.iter().filter(|p| p.raised.is_empty()) {
        out.push(said(match p.screen {
            Some(ScreenStatus::Screened) if raised.is_empty() => format!(
                "Safety screen of {}: nothing raised. A negative screen does not rule out coercion: see each partner alone at least once before joint work.",
                p.reference
            ),
            Some(ScreenStatus::Screened) => format!(
                "{} reported no concern about their own safety. This screen asks only about a person's own safety; it does not assess whether they use pressure or control.",
                p.reference
            ),
            _ => format!(
                "Safety screen of {}: {}. Ask about safety individually before any joint session.",
                p.reference, p.safety_screen
            ),
        }));
    }
    if !raised.is_empty() {
        let names: Vec<&str> = raised.iter().map(|p| p.reference.as_str()).collect();
        out.push(said(format!(
            "The scores below are for individual assessment only. The low desire, worry, avoidance or pain of {} may be a response to coercion or fear: do not read the difference between the partners as a desire discrepancy, and do not use these scores in joint work.",
            names.join(" and ")
        )));
    }
    out
}

/// The couple view as text.
pub(crate) fn text(couples: &[Couple], style: Style, width: usize) -> String {
    let fill = |t: &str, first: &str, rest: &str| {
        crate::term::wrap::fill(&sanitize::line(t), width, first, rest)
    };
    let mut out = String::new();
    for c in couples {
        out.push_str(&format!(
            "\n{}\n",
            style.bold(&format!("Couple {}", sanitize::line(&c.couple)))
        ));
        for s in safety_words(c) {
            let line = fill(&s.text, "  ", "  ");
            out.push_str(&if s.text.starts_with("SAFETY FIRST") {
                style.bold(&line)
            } else {
                line
            });
            out.push('\n');
            for b in &s.bullets {
                out.push_str(&fill(b, "    - ", "      "));
                out.push('\n');
            }
            out.push('\n');
        }
        let [a, b] = &c.partners;
        out.push_str(&format!(
            "  {:<28} {:>12} {:>12}\n",
            "scale",
            sanitize::line(&a.reference),
            sanitize::line(&b.reference)
        ));
        for k in scales(c) {
            out.push_str(&format!(
                "  {:<28} {:>12} {:>12}\n",
                sanitize::line(k),
                num(a.scores.get(k).copied().flatten()),
                num(b.scores.get(k).copied().flatten())
            ));
        }
        out.push_str(&fill(
            &format!("Desire difference: {}.", difference_words(c)),
            "  ",
            "  ",
        ));
        out.push('\n');
        if let Some(own) = own_reports_words(c) {
            out.push_str(&fill(&own, "  ", "  "));
            out.push('\n');
        }
    }
    out
}

/// The couple view as Markdown.
pub(crate) fn markdown(couples: &[Couple]) -> String {
    let mut out = String::new();
    for c in couples {
        let [a, b] = &c.partners;
        out.push_str(&format!("\n## Couple {}\n\n", escape(&c.couple)));
        for s in safety_words(c) {
            if s.text.starts_with("SAFETY FIRST") {
                out.push_str(&format!("**{}**\n\n", escape(&s.text)));
            } else {
                out.push_str(&format!("{}\n\n", escape(&s.text)));
            }
            for b in &s.bullets {
                out.push_str(&format!("- {}\n", escape(b)));
            }
            if !s.bullets.is_empty() {
                out.push('\n');
            }
        }
        out.push_str(&format!(
            "| scale | {} | {} |\n|---|---|---|\n",
            escape(&a.reference),
            escape(&b.reference)
        ));
        for k in scales(c) {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                escape(k),
                num(a.scores.get(k).copied().flatten()),
                num(b.scores.get(k).copied().flatten())
            ));
        }
        out.push_str(&format!(
            "\nDesire difference: {}.\n",
            escape(&difference_words(c))
        ));
        if let Some(own) = own_reports_words(c) {
            out.push_str(&format!("\n{}\n", escape(&own)));
        }
    }
    out
}
