//! The couple view of a report: when the intakes of both partners of a couple invited with
//! `confide invite --couple` (references `CODE-1` and `CODE-2`) are present, their latest
//! scales side by side, the difference in desire, and each partner's safety screen. Only
//! the therapist reads a report; nothing here is ever shown to a partner. The HTML of the
//! view is in `html::couple`, from the same values and words.

use std::collections::BTreeMap;

use serde::Serialize;

use super::clinician::Point;
use super::markdown::escape;
use crate::term::sanitize;
use crate::term::style::Style;

/// The suffixes of the two linked references of a couple.
pub(crate) const PARTNERS: [&str; 2] = ["-1", "-2"];

/// The desire scale compared between partners.
pub(crate) const DESIRE: &str = "desire.desire";

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Couple {
    /// The reference of the couple, without the partner's suffix.
    pub(crate) couple: String,
    pub(crate) partners: [Partner; 2],
    /// Partner 2's desire score minus partner 1's, when both have one.
    pub(crate) desire_difference: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Partner {
    pub(crate) reference: String,
    pub(crate) session: String,
    pub(crate) created: String,
    pub(crate) scores: BTreeMap<String, Option<f64>>,
    pub(crate) safety_screen: String,
}

/// Whether a session's reference is a partner's of a couple (`CODE-1` or `CODE-2`).
pub(crate) fn is_partner(p: &Point) -> bool {
    p.reference
        .as_deref()
        .is_some_and(|r| PARTNERS.iter().any(|s| r.ends_with(s)))
}

/// Every couple whose two partners both have an intake, by reference; each partner's
/// latest intake.
pub(crate) fn couples(points: &[Point]) -> Vec<Couple> {
    let mut latest: BTreeMap<&str, &Point> = BTreeMap::new();
    for p in points {
        let Some(r) = p.reference.as_deref() else {
            continue;
        };
        let newer = latest
            .get(r)
            .is_none_or(|q| (&q.created, &q.id) < (&p.created, &p.id));
        if newer {
            latest.insert(r, p);
        }
    }
    let mut out = Vec::new();
    for (r, first) in &latest {
        let Some(base) = r.strip_suffix(PARTNERS[0]) else {
            continue;
        };
        let Some(second) = latest.get(format!("{base}{}", PARTNERS[1]).as_str()) else {
            continue;
        };
        let partner = |p: &Point| Partner {
            reference: p.reference.clone().unwrap_or_default(),
            session: p.id.clone(),
            created: p.created.clone(),
            scores: p.scores.clone(),
            safety_screen: p.safety.clone(),
        };
        let desire = |p: &Point| p.scores.get(DESIRE).copied().flatten();
        out.push(Couple {
            couple: base.to_owned(),
            desire_difference: desire(second).zip(desire(first)).map(|(b, a)| b - a),
            partners: [partner(first), partner(second)],
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
    match c.desire_difference {
        None => "not available (a desire score is missing)".to_owned(),
        Some(0.0) => "none on the desire scale".to_owned(),
        Some(d) => format!(
            "{} on the desire scale (partner 2 minus partner 1); a difference in desire is common and is no one's fault",
            num(Some(d))
        ),
    }
}

/// The couple view as text.
pub(crate) fn text(couples: &[Couple], style: Style) -> String {
    let mut out = String::new();
    for c in couples {
        out.push_str(&format!(
            "\n{}\n",
            style.bold(&format!("Couple {}", sanitize::line(&c.couple)))
        ));
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
        out.push_str(&format!("  Desire difference: {}\n", difference_words(c)));
        for p in &c.partners {
            out.push_str(&format!(
                "  Safety screen of {} (for the therapist only): {}\n",
                sanitize::line(&p.reference),
                sanitize::line(&p.safety_screen)
            ));
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
        out.push_str(&format!("\n- Desire difference: {}\n", difference_words(c)));
        for p in &c.partners {
            out.push_str(&format!(
                "- Safety screen of {} (for the therapist only): {}\n",
                escape(&p.reference),
                escape(&p.safety_screen)
            ));
        }
    }
    out
}
