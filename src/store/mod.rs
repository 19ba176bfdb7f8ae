//! Everything on disk: where files live, reading questionnaire folders, age encryption,
//! atomic private writes, and the encrypted vault of sessions and drafts.

pub mod atomic;
pub mod crypto;
pub mod draft;
pub mod paths;
pub mod questionnaires;
pub mod regular;
pub mod sessions;
pub mod vault;
