//! A conflict that holds, with the proofs of its sides, as text.

use std::fmt::Write as _;

use super::{bindings, citation_lines, comparison, exception};
use crate::explain::ConflictExplanation;
use crate::render::paint::Paint;

/// A conflict: its name and description, bindings, then the proof of each
/// side.
pub fn conflict(c: &ConflictExplanation, color: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    let head = match &c.description {
        Some(d) => format!("conflict `{}`: {d}", c.name),
        None => format!("conflict `{}`", c.name),
    };
    let _ = writeln!(out, "{} ({})", p.bold(&head), c.at);
    if !c.bindings.is_empty() {
        let _ = writeln!(out, "  where {}", bindings(&c.bindings));
    }
    for x in &c.citations {
        for line in citation_lines(x) {
            let _ = writeln!(out, "  {line}");
        }
    }
    for x in &c.comparisons {
        let _ = writeln!(out, "  {}", comparison(x, &p));
    }
    for x in &c.exceptions {
        let _ = writeln!(out, "  {}", exception(x, &p));
    }
    let _ = writeln!(out, "  its least likely side is {}", c.likelihood);
    out.push('\n');
    out.push_str(&super::proof(&c.proof, color));
    out
}
