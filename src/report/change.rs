//! Reliable change: whether the difference between two scores of a scale is larger than
//! measurement error, by the reliable change index of Jacobson and Truax (1991).
//!
//! RCI = (x2 - x1) / S_diff, where S_diff = sqrt(2) * SE and SE = SD * sqrt(1 - r), with the
//! standard deviation SD and reliability r that the scale declares in its `norms`. A change
//! whose RCI is beyond 1.96 either way is reliable at the 5% level; the scale says which
//! way is better. A scale without norms gives the raw difference only: its change cannot
//! be judged reliable.

use std::collections::HashMap;

use serde::Serialize;

use crate::model::catalog::Catalog;
use crate::model::questionnaire::{Better, Norms};

/// The RCI beyond which a change is reliable (two-sided, 5%).
pub(crate) const THRESHOLD: f64 = 1.96;

/// What a change between two valid scores amounts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Beyond 1.96, in the direction the scale calls better.
    ReliableImprovement,
    /// Beyond 1.96, in the other direction.
    ReliableDeterioration,
    /// Within measurement error.
    NotReliable,
    /// The scale declares no norms: the change cannot be judged reliable.
    CannotJudge,
}

impl Verdict {
    /// The verdict in words.
    pub(crate) fn words(self) -> &'static str {
        match self {
            Verdict::ReliableImprovement => "reliable improvement",
            Verdict::ReliableDeterioration => "reliable deterioration",
            Verdict::NotReliable => "not a reliable change",
            Verdict::CannotJudge => "cannot be judged reliable (no norms)",
        }
    }
}

/// A change between two valid scores, judged.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Change {
    /// The later score minus the earlier one.
    pub difference: f64,
    /// The reliable change index, when the scale has norms.
    pub rci: Option<f64>,
    pub verdict: Verdict,
}

/// The change of a scale since the previous session and since the first, where both
/// sessions had a valid score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Reliable {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_previous: Option<Change>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_first: Option<Change>,
}

/// The reliable change index of a change from `before` to `after`.
pub fn rci(before: f64, after: f64, norms: &Norms) -> f64 {
    let se = norms.sd * (1.0 - norms.reliability).sqrt();
    let s_diff = std::f64::consts::SQRT_2 * se;
    (after - before) / s_diff
}

/// The change from `before` to `after`, judged with the scale's norms when it has them.
pub fn judge(before: f64, after: f64, norms: Option<&Norms>) -> Change {
    let difference = crate::model::range::round(after - before);
    let Some(norms) = norms else {
        return Change {
            difference,
            rci: None,
            verdict: Verdict::CannotJudge,
        };
    };
    let index = rci(before, after, norms);
    let better = match norms.better {
        Better::Lower => index < 0.0,
        Better::Higher => index > 0.0,
    };
    let verdict = if index.abs() <= THRESHOLD {
        Verdict::NotReliable
    } else if better {
        Verdict::ReliableImprovement
    } else {
        Verdict::ReliableDeterioration
    };
    Change {
        difference,
        rci: Some((index * 100.0).round() / 100.0),
        verdict,
    }
}

/// The norms of every scale of a catalog, by `questionnaire.scale`.
#[derive(Debug, Clone, Default)]
pub struct ScaleNorms {
    by_key: HashMap<String, Norms>,
}

impl ScaleNorms {
    pub fn of(catalog: &Catalog) -> ScaleNorms {
        let mut by_key = HashMap::new();
        for e in &catalog.entries {
            let q = e.q();
            for s in &q.scales {
                if let Some(n) = &s.norms {
                    by_key.insert(format!("{}.{}", q.id, s.id), n.clone());
                }
            }
        }
        ScaleNorms { by_key }
    }

    /// The norms of `questionnaire.scale`, if it declares them.
    pub fn get(&self, key: &str) -> Option<&Norms> {
        self.by_key.get(key)
    }

    /// The norms of a scale named by questionnaire and scale ids.
    pub fn of_scale(&self, questionnaire: &str, scale: &str) -> Option<&Norms> {
        self.by_key.get(&format!("{questionnaire}.{scale}"))
    }
}

/// A change in words for people: `-6 (RCI -2.45, reliable improvement)`, or `+2 (cannot be
/// judged reliable (no norms))`.
pub(crate) fn words(c: &Change) -> String {
    let d = signed(c.difference);
    match c.rci {
        Some(r) => format!("{d} (RCI {}, {})", signed(r), c.verdict.words()),
        None => format!("{d} ({})", c.verdict.words()),
    }
}

/// A number with its sign, at most two decimals: `+2`, `-2.45`, `0`.
pub(crate) fn signed(v: f64) -> String {
    let s = crate::model::range::display(v.abs(), 2);
    if v > 0.0 && s != "0" {
        format!("+{s}")
    } else if v < 0.0 && s != "0" {
        format!("-{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(sd: f64, r: f64, better: Better) -> Norms {
        Norms {
            sd,
            reliability: r,
            better,
            source: "a fixture".into(),
        }
    }

    #[test]
    fn the_index_divides_the_difference_by_the_standard_error_of_a_difference() {
        // SD 5, r 0.84: SE = 5 * 0.4 = 2, S_diff = 2.828..., a change of 6 is 2.12.
        let n = norms(5.0, 0.84, Better::Lower);
        let r = rci(10.0, 16.0, &n);
        assert!((r - 6.0 / (2.0 * 2f64.sqrt())).abs() < 1e-12, "{r}");
        assert!((rci(16.0, 10.0, &n) + r).abs() < 1e-12);
    }

    #[test]
    fn a_change_beyond_1_96_is_reliable_in_the_direction_the_scale_calls_better() {
        let lower = norms(5.0, 0.84, Better::Lower);
        assert_eq!(
            judge(16.0, 10.0, Some(&lower)).verdict,
            Verdict::ReliableImprovement
        );
        assert_eq!(
            judge(10.0, 16.0, Some(&lower)).verdict,
            Verdict::ReliableDeterioration
        );
        let higher = norms(5.0, 0.84, Better::Higher);
        assert_eq!(
            judge(10.0, 16.0, Some(&higher)).verdict,
            Verdict::ReliableImprovement
        );
        // 5 / 2.83 = 1.77: within measurement error either way.
        let small = judge(10.0, 15.0, Some(&higher));
        assert_eq!(small.verdict, Verdict::NotReliable);
        assert_eq!(small.rci, Some(1.77));
        assert_eq!(small.difference, 5.0);
    }

    #[test]
    fn without_norms_a_change_cannot_be_judged_and_only_the_difference_is_given() {
        let c = judge(3.0, 7.5, None);
        assert_eq!(c.verdict, Verdict::CannotJudge);
        assert_eq!(c.rci, None);
        assert_eq!(c.difference, 4.5);
        assert_eq!(words(&c), "+4.5 (cannot be judged reliable (no norms))");
        let n = norms(5.0, 0.84, Better::Lower);
        assert_eq!(
            words(&judge(16.0, 10.0, Some(&n))),
            "-6 (RCI -2.12, reliable improvement)"
        );
    }
}
