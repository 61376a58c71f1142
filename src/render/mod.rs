//! Output: every result Warrant prints, as text, JSON or Graphviz DOT.
//!
//! This is the last stage of the pipeline. It reads plain data — the
//! checked [`Program`](crate::Program), the evaluated
//! [`Model`](crate::engine::Model) and the explanations built by
//! [`explain`](crate::explain) — and turns it into bytes. Nothing below this
//! layer formats output, and nothing here evaluates or explains: a renderer
//! that needs an explanation (a conflict's proofs, a row's one-line reason)
//! asks `explain` for the data and prints it.
//!
//! - [`text`]: what an analyst reads — `run` and `query` tables, proof trees,
//!   why-not reports, key assumptions, conflicts, diffs.
//! - [`json`]: the same as JSON, built from `#[derive(Serialize)]` structs;
//!   the schemas are written once, in `docs/json.md`.
//! - [`dot`]: a proof as a Graphviz graph.
//! - [`report`]: `warrant report`, one document to share (HTML or Markdown).
//!
//! Results of `run` and `query` are written to an [`std::io::Write`] row by
//! row, so printing a model holds no more than one row of output at a time.
//! Likelihood is always printed as the ICD 203 word with its number
//! (`likely (0.55)`).

pub mod dot;
pub mod export;
pub mod json;
mod paint;
pub mod report;
pub mod text;

#[cfg(test)]
mod tests;

/// Nesting depth at which a JSON proof branch is cut and continued apart
/// (in the `continued` list, referred to by node id), so deep proofs render
/// in linear time without deep recursion.
pub const MAX_NESTING: usize = 32;

use crate::engine::Model;
use crate::ir::PredId;

/// Text made safe for HTML content and attribute values (the report's page,
/// a DOT graph's HTML-like labels).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Appends a value as `Value`'s `Display` writes it; integers (the bulk of
/// large models) and symbols without going through the formatter.
pub(crate) fn push_value(out: &mut String, v: &crate::ir::Value) {
    match v {
        crate::ir::Value::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
        crate::ir::Value::Text(s) if crate::ir::is_symbol(s) => out.push_str(s),
        v => {
            use std::fmt::Write as _;
            // Writing into a String cannot fail.
            let _ = write!(out, "{v}");
        }
    }
}

/// The predicates `run` lists, in declaration order: those some rule
/// concludes (every one with `all`), and of those only the ones with rows
/// unless `with_empty`.
pub fn run_predicates(model: &Model, all: bool, with_empty: bool) -> Vec<PredId> {
    let program = model.program();
    let derived = program.concluded_preds();
    (0..program.preds.len().min(model.preds()))
        .map(|p| PredId(p as u32))
        .filter(|&p| (all || derived[p.0 as usize]) && (with_empty || model.len(p) > 0))
        .collect()
}
