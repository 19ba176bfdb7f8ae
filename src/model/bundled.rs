//! The questionnaires compiled into the binary, in the order they are taken.

/// File name and contents of each bundled questionnaire (from `questionnaires/`).
pub const BUNDLED: &[(&str, &str)] = &[(
    "example.json",
    include_str!("../../questionnaires/example.json"),
)];
