//! Warrant: a rules-based assessment engine.
//!
//! The pipeline runs one way: [`syntax`] parses files into an AST with spans,
//! [`check`] resolves and checks it into the IR ([`ir::Program`]), the
//! [`engine`] evaluates the IR into a model, [`explain`] rebuilds proofs from
//! the model, and [`render`] prints them. The CLI (`src/cli`) sits on top.

pub mod diagnostics;
pub mod ir;
pub mod likelihood;
pub mod source;
pub mod syntax;
