//! A proof as a Graphviz graph.

use std::fmt::Write as _;

use crate::explain::{NodeKind, Proof};
use crate::render::text;

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A label from lines (escaped, joined with DOT's centred line break).
fn label(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| escape(l))
        .collect::<Vec<_>>()
        .join("\\n")
}

/// A proof as a Graphviz graph: atoms are nodes (`n<id>`; facts filled
/// grey notes, conclusions rounded boxes, the explained conclusions bold),
/// each rule application a small ellipse (`r<id>`, labelled with the rule,
/// its `file:line`, comparisons and exceptions) with edges from its
/// premises and to its conclusion. Ids follow the proof's node ids, so the
/// output is deterministic.
pub fn proof(proof: &Proof) -> String {
    let mut out = String::new();
    out.push_str("digraph proof {\n");
    out.push_str("  rankdir=BT;\n");
    out.push_str("  node [fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("  edge [color=\"#555555\"];\n");
    for n in &proof.nodes {
        let root = proof.roots.contains(&n.id);
        let mut lines = vec![n.atom.to_string(), n.likelihood.to_string()];
        let style = match &n.kind {
            NodeKind::Fact(o) => {
                lines.push(text::origin(o));
                "shape=note, style=filled, fillcolor=\"#eeeeee\"".to_string()
            }
            NodeKind::Unrecorded => "shape=box, style=dashed".to_string(),
            NodeKind::Rule(_) => format!(
                "shape=box, style=\"rounded{}\"",
                if root { ",bold" } else { "" }
            ),
        };
        let _ = writeln!(out, "  n{} [{style}, label=\"{}\"];", n.id, label(&lines));
    }
    for n in &proof.nodes {
        let NodeKind::Rule(step) = &n.kind else {
            continue;
        };
        let mut lines = vec![step.name.clone(), step.at.to_string()];
        lines.extend(step.comparisons.iter().map(text::comparison_shown));
        lines.extend(step.exceptions.iter().map(|e| format!("unless {}", e.atom)));
        let mut attrs = format!("shape=ellipse, fontsize=9, label=\"{}\"", label(&lines));
        if let Some(b) = &step.because {
            let _ = write!(attrs, ", tooltip=\"{}\"", escape(b));
        }
        let _ = writeln!(out, "  r{} [{attrs}];", n.id);
        let _ = writeln!(out, "  r{0} -> n{0};", n.id);
        for &p in &step.premises {
            let _ = writeln!(out, "  n{p} -> r{};", n.id);
        }
    }
    out.push_str("}\n");
    out
}
