//! Everything on disk: where files live, reading questionnaire folders, age encryption and
//! the fingerprints of recipients, atomic private writes, the encrypted vault of sessions
//! and drafts, and the leftovers of interrupted writes.

pub(crate) mod atomic;
pub mod crypto;
pub(crate) mod draft;
pub mod fingerprint;
pub(crate) mod leftovers;
pub(crate) mod paths;
pub(crate) mod questionnaires;
pub(crate) mod regular;
pub mod sessions;
pub mod vault;
