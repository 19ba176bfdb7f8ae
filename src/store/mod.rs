//! Everything on disk: where files live, reading questionnaire folders, and (later) the
//! encrypted vault.

pub mod paths;
pub mod questionnaires;
