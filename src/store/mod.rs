//! Everything on disk: where files live, reading questionnaire folders, age encryption and
//! the fingerprints of recipients, atomic private writes, and the encrypted vault of
//! sessions and drafts.

pub mod atomic;
pub mod crypto;
pub mod draft;
pub mod fingerprint;
pub mod paths;
pub mod questionnaires;
pub mod regular;
pub mod sessions;
pub mod vault;
