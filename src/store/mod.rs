//! Everything on disk: where files live, reading questionnaire folders, age encryption and
//! the fingerprints of recipients, atomic private writes, the encrypted vault of sessions
//! and drafts, and the leftovers of interrupted writes.

pub mod atomic;
pub mod crypto;
pub mod draft;
pub mod fingerprint;
pub mod leftovers;
pub mod paths;
pub mod questionnaires;
pub mod regular;
pub mod sessions;
pub mod vault;
