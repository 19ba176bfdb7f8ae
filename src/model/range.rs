//! The values a scale can take, worked out from its definition alone.
//!
//! Used at load time to check that bands cover every reachable value, and by reports to show
//! a score against its range.

use super::questionnaire::{Item, ItemIndex, Method, Questionnaire, Scale};

/// Lowest and highest reachable value of a scale, and whether every value is whole.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScaleRange {
    pub min: f64,
    pub max: f64,
    /// True when the scale only takes whole numbers, so bands step by 1.
    pub(crate) integral: bool,
}

/// The range of scale `index`, or `None` if the scale refers to something unusable.
pub fn scale_range(q: &Questionnaire, index: usize) -> Option<ScaleRange> {
    scale_ranges(q).get(index).copied().flatten()
}

/// The range of every scale, in order. A scale may combine only earlier scales, so one pass
/// that reuses the ranges already worked out is enough; working each combined scale out
/// again from the start took time exponential in the number of scales.
pub fn scale_ranges(q: &Questionnaire) -> Vec<Option<ScaleRange>> {
    asked_ranges(q, &|_| true)
}

/// The range of every scale over the items that were asked (`asked` says which), in order.
/// A route that leaves items out cannot reach the full range, and a score is prorated over
/// the items asked only, so this is the range a person's score was taken from.
pub(crate) fn asked_ranges(
    q: &Questionnaire,
    asked: &dyn Fn(&str) -> bool,
) -> Vec<Option<ScaleRange>> {
    let items = ItemIndex::new(q);
    let mut ranges: Vec<Option<ScaleRange>> = Vec::with_capacity(q.scales.len());
    for (index, scale) in q.scales.iter().enumerate() {
        let range = range_of(q, &items, index, scale, &ranges, asked);
        ranges.push(range);
    }
    ranges
}

/// The fewest answered parts for a score when `asked` parts were asked: `min_answered` (all
/// of them by default), and never fewer than half of those asked, so that a score is never
/// made up mostly of answers that were not given.
pub(crate) fn needed_parts(scale: &Scale, asked: usize) -> usize {
    scale
        .min_answered
        .unwrap_or(asked)
        .max(asked.div_ceil(2))
        .max(1)
}

/// The range of one scale, given the ranges of the scales before it.
fn range_of(
    q: &Questionnaire,
    items: &ItemIndex,
    index: usize,
    scale: &Scale,
    earlier: &[Option<ScaleRange>],
    asked: &dyn Fn(&str) -> bool,
) -> Option<ScaleRange> {
    let mut parts: Vec<(f64, f64, bool)> = Vec::new();
    if !scale.items.is_empty() && !scale.scales.is_empty() {
        return None;
    }
    for id in scale.items.iter().filter(|id| asked(id)) {
        let item = items.get(id)?;
        let (lo, hi) = q.item_range(item)?;
        let integral = match item {
            Item::Number(n) => n.decimals == 0 && is_whole(n.min) && is_whole(n.max),
            _ => true,
        };
        parts.push((lo, hi, integral));
    }
    for id in &scale.scales {
        let (j, _) = q.scale(id)?;
        if j >= index {
            return None;
        }
        let r = (*earlier.get(j)?)?;
        parts.push((r.min, r.max, r.integral));
    }
    combine(scale, &parts)
}

fn combine(scale: &Scale, parts: &[(f64, f64, bool)]) -> Option<ScaleRange> {
    let n = parts.len();
    if n == 0 || !scale.factor.is_finite() {
        return None;
    }
    let m = needed_parts(scale, n).min(n);
    let mut mins: Vec<f64> = parts.iter().map(|p| p.0).collect();
    let mut maxs: Vec<f64> = parts.iter().map(|p| p.1).collect();
    mins.sort_by(f64::total_cmp);
    maxs.sort_by(|a, b| b.total_cmp(a));
    let all_integral = parts.iter().all(|p| p.2);
    let (lo, hi, integral) = match (scale.method, scale.prorate && m < n) {
        (Method::Sum, false) => {
            // The smallest sum takes the m smallest minimums plus any further negative ones.
            let lo: f64 =
                mins[..m].iter().sum::<f64>() + mins[m..].iter().filter(|v| **v < 0.0).sum::<f64>();
            let hi: f64 =
                maxs[..m].iter().sum::<f64>() + maxs[m..].iter().filter(|v| **v > 0.0).sum::<f64>();
            (lo, hi, all_integral)
        }
        (Method::Sum, true) => {
            let lo = mins[..m].iter().sum::<f64>() / m as f64 * n as f64;
            let hi = maxs[..m].iter().sum::<f64>() / m as f64 * n as f64;
            (lo.min(mins.iter().sum()), hi.max(maxs.iter().sum()), false)
        }
        (Method::Mean, _) => {
            let lo = mins[..m].iter().sum::<f64>() / m as f64;
            let hi = maxs[..m].iter().sum::<f64>() / m as f64;
            (lo, hi, all_integral && n == 1)
        }
    };
    let (a, b) = (lo * scale.factor, hi * scale.factor);
    let integral = integral && is_whole(scale.factor);
    Some(ScaleRange {
        min: round(a.min(b)),
        max: round(a.max(b)),
        integral,
    })
}

/// Rounds away floating-point noise (0.30000000000000004) to 6 decimals.
pub(crate) fn round(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

pub(crate) fn is_whole(v: f64) -> bool {
    v.is_finite() && v.fract() == 0.0
}

/// A score for people to read: at most `decimals` places, no trailing zeros (`28.6`, `15`).
pub(crate) fn display(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::display;

    #[test]
    fn scores_are_shown_with_few_decimals_and_no_trailing_zeros() {
        assert_eq!(display(28.571429, 1), "28.6");
        assert_eq!(display(15.0, 1), "15");
        assert_eq!(display(0.25, 2), "0.25");
        assert_eq!(display(-1.5, 1), "-1.5");
    }
}
