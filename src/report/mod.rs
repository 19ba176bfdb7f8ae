//! What people read: the client summary, and (later) the clinician report and exports.

pub mod resources;
pub mod summary;
