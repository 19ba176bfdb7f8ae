//! The questionnaires compiled into the binary, in the order they are taken.

/// File name and contents of each bundled questionnaire (from `questionnaires/`).
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "context.json",
        include_str!("../../questionnaires/context.json"),
    ),
    ("mood.json", include_str!("../../questionnaires/mood.json")),
    (
        "desire.json",
        include_str!("../../questionnaires/desire.json"),
    ),
    (
        "response.json",
        include_str!("../../questionnaires/response.json"),
    ),
    (
        "anxiety.json",
        include_str!("../../questionnaires/anxiety.json"),
    ),
    ("pain.json", include_str!("../../questionnaires/pain.json")),
    (
        "communication.json",
        include_str!("../../questionnaires/communication.json"),
    ),
];

#[cfg(test)]
mod tests {
    use super::BUNDLED;

    #[test]
    fn every_file_in_the_questionnaires_folder_is_bundled_and_nothing_else() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/questionnaires");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".json"))
            .collect();
        files.sort();
        let mut bundled: Vec<String> = BUNDLED.iter().map(|(n, _)| n.to_string()).collect();
        bundled.sort();
        assert_eq!(files, bundled);
    }

    #[test]
    fn every_bundled_questionnaire_is_valid_and_their_references_resolve() {
        let catalog =
            crate::model::catalog::Catalog::bundled().unwrap_or_else(|(n, p)| panic!("{n}: {p:?}"));
        assert_eq!(
            catalog.ids(),
            vec![
                "context",
                "mood",
                "desire",
                "response",
                "anxiety",
                "pain",
                "communication"
            ]
        );
        for e in &catalog.entries {
            assert_eq!(catalog.check_references(e.q()), vec![], "{}", e.q().id);
        }
    }

    /// The start-up path skips validation, so this is where bundled files are validated in
    /// full, and where that path is shown to give the same definitions and hashes.
    #[test]
    fn every_bundled_questionnaire_passes_full_validation_and_the_fast_path_agrees() {
        use crate::model::load::{Loaded, questionnaire_from_bytes};
        for (name, text) in BUNDLED {
            let full = questionnaire_from_bytes(text.as_bytes())
                .unwrap_or_else(|p| panic!("{name}: {p:?}"));
            let fast = Loaded::bundled(text).unwrap_or_else(|p| panic!("{name}: {p:?}"));
            assert_eq!(
                serde_json::to_value(&fast.questionnaire).unwrap(),
                serde_json::to_value(&full.questionnaire).unwrap(),
                "{name}"
            );
            assert_eq!(fast.sha256(), full.sha256(), "{name}");
            assert_eq!(fast.sha256().len(), 64, "{name}");
            assert_eq!(fast.value(), full.value(), "{name}");
        }
    }

    #[test]
    fn a_bundled_file_that_does_not_parse_is_reported_with_its_problems() {
        let problems = crate::model::load::Loaded::bundled("{\"format\": 1}").unwrap_err();
        assert!(!problems.is_empty());
        let problems = crate::model::load::Loaded::bundled("{").unwrap_err();
        assert!(
            problems[0].message.contains("ends too early"),
            "{problems:?}"
        );
    }
}
