//! fourmi: offline survey field work.
//!
//! Layers, from the bottom: [`expr`] (the XLSForm expression language), [`form`] (questionnaires:
//! model, readers, checks, compilation), [`interview`] (a form being filled; pure) and [`cli`]
//! (the command line). See `docs/architecture.md`.

#![warn(missing_docs)]

pub mod cli;
pub mod expr;
pub mod form;
pub mod interview;
pub mod store;
