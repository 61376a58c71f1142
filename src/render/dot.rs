//! A proof as a Graphviz graph.

use std::fmt::Write as _;

use crate::explain::{NodeKind, Proof, RuleStep, WeakLink};
use crate::render::escape_html as html;
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

/// Width, in characters, at which a rule step's prose is wrapped.
const WRAP: usize = 56;

/// Greedy word wrap; a word longer than the width keeps its own line.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The label of a rule step: the argument itself, so that the drawing can
/// be read without the terminal — the `because` sentence in bold, the rule
/// and where it stands, each cited passage in italics with its source and
/// section, then what the step checked and which exceptions it assumed
/// absent or was weakened by. Lines are left-aligned.
fn step_label(step: &RuleStep, id: usize, links: &[WeakLink]) -> String {
    let mut lines: Vec<String> = Vec::new();
    if let Some(b) = &step.because {
        lines.extend(wrap(b, WRAP).iter().map(|l| format!("<B>{}</B>", html(l))));
    }
    let by = format!("by rule {}, rated {}", step.name, step.qualifier);
    lines.extend(wrap(&by, WRAP).iter().map(|l| html(l)));
    if links.contains(&WeakLink::Rating(id)) {
        lines.push(format!("<B>{}</B>", html("◀ weakest link: this rating")));
    }
    lines.push(html(&format!("at {}", step.at)));
    for c in &step.citations {
        if let Some(q) = &c.quote {
            let quoted = format!("“{q}”");
            lines.extend(
                wrap(&quoted, WRAP)
                    .iter()
                    .map(|l| format!("<I>{}</I>", html(l))),
            );
        }
        let title = if c.title.is_empty() {
            &c.source
        } else {
            &c.title
        };
        let from = format!("— {title}, “{}”", c.section);
        lines.extend(wrap(&from, WRAP).iter().map(|l| html(l)));
    }
    for a in &step.aggregates {
        let counted = format!(
            "counted {} ({})",
            text::aggregate_shown(a),
            text::aggregate_counted(a)
        );
        lines.extend(wrap(&counted, WRAP).iter().map(|l| html(l)));
    }
    for c in &step.computations {
        let computed = format!("computed {}", text::computation_shown(c));
        lines.extend(wrap(&computed, WRAP).iter().map(|l| html(l)));
    }
    for c in &step.comparisons {
        let checked = format!("checked {}", text::comparison_shown(c));
        lines.extend(wrap(&checked, WRAP).iter().map(|l| html(l)));
    }
    for (index, e) in step.exceptions.iter().enumerate() {
        let mut said = match text::weakened(e) {
            Some(w) => w,
            None if e.derived => format!("but {} was derived", e.atom),
            None => format!("unless {}: none derived", e.atom),
        };
        if links.contains(&WeakLink::Exception { node: id, index }) {
            said.push_str(" ◀ weakest link");
        }
        lines.extend(wrap(&said, WRAP).iter().map(|l| html(l)));
    }
    let mut label = String::from("<");
    for l in &lines {
        label.push_str(l);
        label.push_str("<BR ALIGN=\"LEFT\"/>");
    }
    label.push('>');
    label
}

/// A proof as a Graphviz graph that carries the argument: atoms are nodes
/// (`n<id>`; facts filled grey notes with where they were stated,
/// conclusions rounded boxes, the explained conclusions bold), and each rule
/// application is a tinted box (`r<id>`) whose label reads as the step of
/// the argument (see [`step_label`]), with edges from its premises and to
/// its conclusion. Ids follow the proof's node ids, so the output is
/// deterministic.
pub fn proof(proof: &Proof) -> String {
    let links: Vec<WeakLink> = proof
        .roots
        .iter()
        .flat_map(|&r| proof.weakest_links(r))
        .collect();
    let mut out = String::new();
    out.push_str("digraph proof {\n");
    out.push_str("  rankdir=BT;\n");
    out.push_str("  node [fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("  edge [color=\"#555555\"];\n");
    for n in &proof.nodes {
        let root = proof.roots.contains(&n.id);
        let mut lines = vec![n.atom.to_string(), n.likelihood.to_string()];
        let weakest = links
            .iter()
            .any(|l| matches!(l, WeakLink::Fact(i) | WeakLink::Unrecorded(i) if *i == n.id));
        let mut style = match &n.kind {
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
        if weakest {
            lines.push("◀ weakest link".to_string());
            style.push_str(", color=\"#b03a2e\", penwidth=2");
        }
        let _ = writeln!(out, "  n{} [{style}, label=\"{}\"];", n.id, label(&lines));
    }
    for n in &proof.nodes {
        let NodeKind::Rule(step) = &n.kind else {
            continue;
        };
        let mut attrs = format!(
            "shape=box, style=\"rounded,filled\", fillcolor=\"#eef3fa\", color=\"#9fb3cf\", fontsize=10, label={}",
            step_label(step, n.id, &links)
        );
        if let Some(b) = &step.because {
            let _ = write!(attrs, ", tooltip=\"{}\"", escape(b));
        }
        let _ = writeln!(out, "  r{} [{attrs}];", n.id);
        let _ = writeln!(out, "  r{0} -> n{0};", n.id);
        for &p in &step.premises {
            let _ = writeln!(out, "  n{p} -> r{};", n.id);
        }
        for a in &step.aggregates {
            for p in a.counted.iter().flat_map(|m| &m.rows) {
                let _ = writeln!(
                    out,
                    "  n{p} -> r{} [style=dashed, label=\"counted for {}\"];",
                    n.id,
                    escape(&a.var)
                );
            }
        }
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_word_boundaries() {
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("unbreakable_word x", 4), vec!["unbreakable_word", "x"]);
        assert!(wrap("   ", 10).is_empty());
    }

    #[test]
    fn html_labels_hold_markup_as_text() {
        assert_eq!(html("<b> & \"x\""), "&lt;b&gt; &amp; &quot;x&quot;");
    }
}
