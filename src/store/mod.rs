//! Everything on disk: where files live, reading questionnaire folders, age encryption,
//! atomic private writes, the encrypted vault of sessions and drafts, and the leftovers of
//! interrupted writes.

pub mod atomic;
pub mod crypto;
pub mod draft;
pub mod leftovers;
pub mod paths;
pub mod questionnaires;
pub mod sessions;
pub mod vault;
