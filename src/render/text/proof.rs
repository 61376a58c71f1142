//! A proof as a text tree an analyst reads top-down.

use std::collections::VecDeque;
use std::fmt::Write as _;

use super::{citation_lines, comparison, exception, origin};
use crate::explain::{Node, NodeKind, Proof};
use crate::render::paint::Paint;

/// Text trees are cut at this nesting depth, to keep lines readable; the
/// deeper branch continues as its own block after the tree.
const TEXT_NESTING: usize = 12;

/// A proof as a tree: each conclusion, its `because` sentence, the rule
/// (`file:line`), citations, comparisons and exceptions, then its premises
/// as children; a sub-proof used twice is shown once and referred to by
/// its `[id]` after. Rendered without recursion deeper than
/// [`TEXT_NESTING`], so a proof thousands of steps deep renders in linear
/// time.
pub fn proof(proof: &Proof, color: bool) -> String {
    let mut t = Tree {
        proof,
        paint: Paint { on: color },
        out: String::new(),
        placed: vec![false; proof.nodes.len() + 1],
        queue: VecDeque::new(),
    };
    for &r in &proof.roots {
        if let Some(slot) = t.placed.get_mut(r)
            && !*slot
        {
            *slot = true;
            t.queue.push_back(r);
        }
    }
    let mut first = true;
    while let Some(id) = t.queue.pop_front() {
        if !first {
            t.out.push('\n');
        }
        first = false;
        t.node(id, "", "", 0);
    }
    t.out
}

struct Tree<'p> {
    proof: &'p Proof,
    paint: Paint,
    out: String,
    /// Printed in full, or queued to be.
    placed: Vec<bool>,
    queue: VecDeque<usize>,
}

impl Tree<'_> {
    fn header(&self, n: &Node) -> String {
        format!(
            "{} {} · {}",
            self.paint.dim(&format!("[{}]", n.id)),
            self.paint.bold(&n.atom.to_string()),
            n.likelihood
        )
    }

    /// Recursion is bounded by `TEXT_NESTING`: deeper branches are queued.
    fn node(&mut self, id: usize, first: &str, rest: &str, depth: usize) {
        let Some(n) = self.proof.node(id) else { return };
        let _ = writeln!(self.out, "{first}{}", self.header(n));
        let premises = n.premises();
        let detail = format!(
            "{rest}{}",
            if premises.is_empty() {
                "    "
            } else {
                "│   "
            }
        );
        for line in details(n, &self.paint) {
            let _ = writeln!(self.out, "{detail}{line}");
        }
        for (i, &c) in premises.iter().enumerate() {
            let last = i + 1 == premises.len();
            let cfirst = format!("{rest}{}", if last { "└── " } else { "├── " });
            let crest = format!("{rest}{}", if last { "    " } else { "│   " });
            let Some(child) = self.proof.node(c) else {
                continue;
            };
            let placed = self.placed.get(c).copied().unwrap_or(true);
            if placed {
                let _ = writeln!(
                    self.out,
                    "{cfirst}{} · {} {}",
                    child.atom,
                    child.likelihood,
                    self.paint.dim(&format!("(see [{c}])"))
                );
            } else if depth + 1 >= TEXT_NESTING && !child.premises().is_empty() {
                self.placed[c] = true;
                self.queue.push_back(c);
                let _ = writeln!(
                    self.out,
                    "{cfirst}{} {}",
                    self.header(child),
                    self.paint.dim("(continued below)")
                );
            } else {
                self.placed[c] = true;
                self.node(c, &cfirst, &crest, depth + 1);
            }
        }
    }
}

/// The lines under a node's header.
fn details(n: &Node, p: &Paint) -> Vec<String> {
    let mut lines = Vec::new();
    match &n.kind {
        NodeKind::Fact(o) => lines.push(origin(o)),
        NodeKind::Unrecorded => {
            lines.push("no derivation recorded (evaluated without provenance)".into())
        }
        NodeKind::Rule(step) => {
            if let Some(b) = &step.because {
                lines.push(b.clone());
            } else if !step.bindings.is_empty() {
                lines.push(format!("with {}", super::bindings(&step.bindings)));
            }
            lines.push(format!(
                "by rule {} ({}), rated {}",
                p.rule(&format!("`{}`", step.name)),
                step.at,
                step.qualifier
            ));
            for c in &step.citations {
                lines.extend(citation_lines(c));
            }
            for c in &step.comparisons {
                lines.push(comparison(c, p));
            }
            for e in &step.exceptions {
                lines.push(exception(e, p));
            }
        }
    }
    lines
}
