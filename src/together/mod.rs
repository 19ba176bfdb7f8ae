//! `confide together`: what a couple both want, without showing what only one wants.
//!
//! `psi` is the private set intersection, pure. `message` is the files the partners
//! exchange, and `wishes` turns answers into the elements of the intersection and back.

pub(crate) mod message;
pub(crate) mod psi;
pub(crate) mod wishes;
