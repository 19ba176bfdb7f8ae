//! Rules for a scale's norms: the figures the reliable change index divides by.

use super::Validator;
use crate::model::problem::join;
use crate::model::questionnaire::Norms;

impl Validator<'_> {
    /// Checks the norms of the scale at `base`: a standard deviation above 0, a reliability
    /// from 0 up to (not including) 1, and where the figures come from.
    pub(super) fn norms(&mut self, base: &str, norms: &Norms) {
        let base = join(base, "norms");
        if !norms.sd.is_finite() || norms.sd <= 0.0 {
            self.problem(
                join(&base, "sd"),
                "sd must be a standard deviation greater than 0",
            );
        }
        // A reliability of 1 would make every change, however small, reliable.
        if !norms.reliability.is_finite() || !(0.0..1.0).contains(&norms.reliability) {
            self.problem(
                join(&base, "reliability"),
                "reliability must be at least 0 and less than 1",
            );
        }
        self.plain_string(&join(&base, "source"), &norms.source);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::model::load::questionnaire_from_value;

    /// The problems of a one-scale questionnaire whose scale has these norms.
    fn problems(norms: Value) -> Vec<String> {
        let q = json!({
            "format": "confide.questionnaire/1", "id": "n", "version": "1.0.0",
            "language": "en", "title": "N", "description": "N",
            "provenance": {"kind": "original", "citation": null, "license": "MIT"},
            "items": [{"id": "a", "type": "single_choice", "text": "A?",
              "options": [{"value": 0, "label": "No"}, {"value": 4, "label": "Yes"}]}],
            "scales": [{"id": "s", "title": "S", "items": ["a"], "method": "sum",
              "bands": [{"id": "low", "max": 2, "label": "Low", "summary": "Low."},
                        {"id": "high", "max": 4, "label": "High", "summary": "High."}],
              "norms": norms}],
            "guidance": {"what_helps": ["Rest."], "when_to_seek_help": ["Ask."], "references": []}
        });
        match questionnaire_from_value(q) {
            Ok(_) => Vec::new(),
            Err(problems) => problems.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn norms_with_a_standard_deviation_a_reliability_and_a_source_are_valid() {
        let ok = json!({"sd": 4.2, "reliability": 0.85, "better": "lower", "source": "a fixture"});
        assert_eq!(problems(ok), Vec::<String>::new());
    }

    #[test]
    fn a_standard_deviation_of_0_is_rejected() {
        let p = problems(json!({"sd": 0, "reliability": 0.8, "better": "lower", "source": "x"}));
        assert!(p.iter().any(|p| p.contains("/scales/0/norms/sd")), "{p:?}");
    }

    #[test]
    fn a_reliability_of_1_or_outside_0_to_1_is_rejected() {
        for r in [1.0, -0.1, 1.5] {
            let p = problems(json!({"sd": 3, "reliability": r, "better": "higher", "source": "x"}));
            assert!(
                p.iter().any(|p| p.contains("/scales/0/norms/reliability")),
                "{r}: {p:?}"
            );
        }
    }

    #[test]
    fn norms_without_a_source_or_with_an_unknown_direction_are_rejected() {
        let p = problems(json!({"sd": 3, "reliability": 0.8, "better": "lower", "source": " "}));
        assert!(
            p.iter().any(|p| p.contains("/scales/0/norms/source")),
            "{p:?}"
        );
        let p = problems(json!({"sd": 3, "reliability": 0.8, "better": "up", "source": "x"}));
        assert!(!p.is_empty());
        let p = problems(json!({"sd": 3, "reliability": 0.8, "better": "lower"}));
        assert!(!p.is_empty());
    }
}
