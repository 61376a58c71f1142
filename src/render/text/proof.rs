//! A proof as a text tree an analyst reads top-down.

use std::collections::VecDeque;
use std::fmt::Write as _;

use super::{citation_lines, comparison, exception, origin};
use crate::explain::{Node, NodeKind, Proof, WeakLink};
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
    tree(proof, color, true)
}

/// A proof as a tree; `summary`: say what its weakest link is under it
/// (a proof nested in another report leaves that out).
pub(super) fn tree(proof: &Proof, color: bool, summary: bool) -> String {
    let links: Vec<WeakLink> = proof
        .roots
        .iter()
        .flat_map(|&r| proof.weakest_links(r))
        .collect();
    let mut t = Tree {
        proof,
        paint: Paint { on: color },
        out: String::new(),
        placed: vec![false; proof.nodes.len() + 1],
        queue: VecDeque::new(),
        links: &links,
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
    // What to firm up: said once, under a single conclusion's tree.
    if summary && proof.roots.len() == 1 && !links.is_empty() {
        let p = t.paint;
        let _ = writeln!(
            t.out,
            "\n{} {}",
            p.bold(if links.len() == 1 {
                "Weakest link:"
            } else {
                "Weakest links (each holds the conclusion down):"
            }),
            if links.len() == 1 {
                super::weak_link(proof, &links[0], true)
            } else {
                String::new()
            }
        );
        if links.len() > 1 {
            for l in &links {
                let _ = writeln!(t.out, "  {}", super::weak_link(proof, l, true));
            }
        }
    }
    t.out
}

/// A child line of a node: a premise or counted row (a node id), or the
/// heading of an aggregate's counted rows.
enum Child {
    Node(usize),
    Counted(usize),
}

struct Tree<'p> {
    proof: &'p Proof,
    paint: Paint,
    out: String,
    /// Printed in full, or queued to be.
    placed: Vec<bool>,
    queue: VecDeque<usize>,
    links: &'p [WeakLink],
}

impl Tree<'_> {
    fn header(&self, n: &Node) -> String {
        let weakest = self
            .links
            .iter()
            .any(|l| matches!(l, WeakLink::Fact(i) | WeakLink::Unrecorded(i) if *i == n.id));
        format!(
            "{} {} · {}{}",
            self.paint.dim(&format!("[{}]", n.id)),
            self.paint.bold(&n.atom.to_string()),
            n.likelihood,
            if weakest {
                self.paint.bad("  ◀ weakest link")
            } else {
                String::new()
            }
        )
    }

    /// Recursion is bounded by `TEXT_NESTING`: deeper branches are queued.
    fn node(&mut self, id: usize, first: &str, rest: &str, depth: usize) {
        let Some(n) = self.proof.node(id) else { return };
        let _ = writeln!(self.out, "{first}{}", self.header(n));
        let mut children: Vec<Child> = n.premises().iter().map(|&c| Child::Node(c)).collect();
        if let NodeKind::Rule(step) = &n.kind {
            for (a, agg) in step.aggregates.iter().enumerate() {
                if !agg.counted.is_empty() {
                    children.push(Child::Counted(a));
                }
            }
        }
        let detail = format!(
            "{rest}{}",
            if children.is_empty() {
                "    "
            } else {
                "│   "
            }
        );
        for line in details(n, &self.paint, self.links) {
            let _ = writeln!(self.out, "{detail}{line}");
        }
        for (i, c) in children.iter().enumerate() {
            let last = i + 1 == children.len();
            let cfirst = format!("{rest}{}", if last { "└── " } else { "├── " });
            let crest = format!("{rest}{}", if last { "    " } else { "│   " });
            match *c {
                Child::Node(c) => self.child(c, &cfirst, &crest, depth),
                Child::Counted(a) => self.counted(n, a, &cfirst, &crest, depth),
            }
        }
    }

    /// The rows an aggregate counted, under a heading, each as a child.
    fn counted(&mut self, n: &Node, a: usize, first: &str, rest: &str, depth: usize) {
        let NodeKind::Rule(step) = &n.kind else {
            return;
        };
        let Some(agg) = step.aggregates.get(a) else {
            return;
        };
        let mut heading = format!("counted for {}: {}", agg.var, super::aggregate_counted(agg));
        if agg.counted_total > agg.counted.len() {
            let _ = write!(heading, " (the first {} shown)", agg.counted.len());
        }
        let _ = writeln!(self.out, "{first}{}", self.paint.dim(&heading));
        let rows: Vec<usize> = agg.counted.iter().flat_map(|m| m.rows.clone()).collect();
        for (i, &c) in rows.iter().enumerate() {
            let last = i + 1 == rows.len();
            let cfirst = format!("{rest}{}", if last { "└── " } else { "├── " });
            let crest = format!("{rest}{}", if last { "    " } else { "│   " });
            self.child(c, &cfirst, &crest, depth);
        }
    }

    /// One child node: in full the first time, referred to after.
    fn child(&mut self, c: usize, cfirst: &str, crest: &str, depth: usize) {
        let Some(child) = self.proof.node(c) else {
            return;
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
        } else if depth + 1 >= TEXT_NESTING && !child.children().is_empty() {
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
            self.node(c, cfirst, crest, depth + 1);
        }
    }
}

/// The lines under a node's header.
fn details(n: &Node, p: &Paint, links: &[WeakLink]) -> Vec<String> {
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
            let rating_limits = links.contains(&WeakLink::Rating(n.id));
            lines.push(format!(
                "by rule {} ({}), rated {}{}",
                p.rule(&format!("`{}`", step.name)),
                step.at,
                step.qualifier,
                if rating_limits {
                    p.bad("  ◀ weakest link")
                } else {
                    String::new()
                }
            ));
            for c in &step.citations {
                lines.extend(citation_lines(c));
            }
            for a in &step.aggregates {
                lines.push(format!("counted {}", super::aggregate_shown(a)));
                if a.below_floor_total > 0 {
                    lines.push(format!(
                        "not counted, less likely than {}: {}{}",
                        a.floor.map_or("the floor", |f| f.word()),
                        a.below_floor
                            .iter()
                            .map(|m| {
                                let rows: Vec<String> =
                                    m.rows.iter().map(|r| format!("`{r}`")).collect();
                                format!("{} · {}", rows.join(", "), m.likelihood)
                            })
                            .collect::<Vec<_>>()
                            .join("; "),
                        if a.below_floor_total > a.below_floor.len() {
                            format!(" and {} more", a.below_floor_total - a.below_floor.len())
                        } else {
                            String::new()
                        }
                    ));
                }
            }
            for c in &step.computations {
                lines.push(format!("computed {}", super::computation_shown(c)));
            }
            for c in &step.comparisons {
                lines.push(comparison(c, p));
            }
            for (i, e) in step.exceptions.iter().enumerate() {
                let limits = links.contains(&WeakLink::Exception {
                    node: n.id,
                    index: i,
                });
                let mut line = exception(e, p);
                if limits {
                    line.push_str(&p.bad("  ◀ weakest link"));
                }
                lines.push(line);
            }
        }
    }
    lines
}
