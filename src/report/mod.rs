//! What people read: the client summary, the clinician report and its exports.

pub mod change;
pub mod clinician;
pub mod clinician_text;
pub mod couple;
pub mod csv;
pub mod fhir;
mod grouped;
pub mod html;
pub mod markdown;
pub mod resources;
pub mod summary;
