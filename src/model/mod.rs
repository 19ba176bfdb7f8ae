//! Questionnaire and response types, parsing and validation. Pure: no I/O, no terminal.

pub mod answer;
pub mod answers_file;
pub mod bundled;
pub mod catalog;
pub(crate) mod condition;
mod de;
pub mod fhir;
pub(crate) mod format;
pub mod invitation;
pub mod load;
pub(crate) mod problem;
pub mod questionnaire;
pub mod range;
pub mod response;
pub mod text;
pub mod untrusted;
pub mod validate;
