//! fourmi: offline survey field work.
//!
//! Layers, from the bottom: [`expr`] (the XLSForm expression language), [`form`] (questionnaires:
//! model, readers, checks, compilation), [`interview`] (a form being filled; pure), [`store`] (the
//! encrypted database), and on top [`cli`] (the command line) and [`ui`] (the desktop app, with its
//! words in [`i18n`]). See `docs/architecture.md`.

#![warn(missing_docs)]
// Nothing read from outside may make fourmi panic: no slicing a string by byte positions, no
// unwrap (the readers of outside bytes also deny indexing that could panic; see their modules).
#![deny(clippy::string_slice, clippy::unwrap_used)]

pub mod batch;
pub mod cli;
pub mod demo;
pub mod errors;
pub mod expr;
pub mod flat;
pub mod form;
#[doc(hidden)]
pub mod fuzzing;
pub mod i18n;
pub mod interview;
pub mod limits;
pub mod store;
pub mod tables;
#[cfg(feature = "app")]
pub mod ui;
