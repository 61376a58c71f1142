//! The weakest link of a proof: what limits how likely its conclusion is.
//!
//! A rule step's conclusion is as likely as the least of its rule's
//! rating, its premises, its aggregates (each as likely as the least
//! likely match counted) and the caps its graded exceptions put on it.
//! Whatever equals the conclusion's likelihood limits it; a limiting
//! premise that was itself concluded is followed down to what limits it in
//! turn, unless the step's own rule rating limits it (then nothing below can
//! raise it). The ends of these paths are the weakest links: the stated
//! facts, rule ratings and exceptions an analyst would have to firm up (or
//! refute) for the conclusion to become more likely.

use super::{NodeKind, Proof};
use crate::likelihood::Likelihood;

/// One weakest link of a conclusion.
#[derive(Clone, Debug, PartialEq)]
pub enum WeakLink {
    /// A base row (fact or input row), by node id.
    Fact(usize),
    /// The rating of the rule that concluded this node.
    Rating(usize),
    /// The exception `index` of this node's rule step caps it.
    Exception { node: usize, index: usize },
    /// A row whose derivation was not recorded.
    Unrecorded(usize),
}

impl WeakLink {
    /// The node the link belongs to.
    pub fn node(&self) -> usize {
        match *self {
            WeakLink::Fact(n)
            | WeakLink::Rating(n)
            | WeakLink::Unrecorded(n)
            | WeakLink::Exception { node: n, .. } => n,
        }
    }
}

impl Proof {
    /// The weakest links of the conclusion `root` (a node id), in proof
    /// order; empty when it is certain. Several links mean each of them
    /// holds the conclusion down on its own.
    pub fn weakest_links(&self, root: usize) -> Vec<WeakLink> {
        let Some(r) = self.node(root) else {
            return Vec::new();
        };
        let level = r.likelihood;
        if level >= Likelihood::CERTAIN {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut seen = vec![false; self.nodes.len() + 1];
        let mut stack = vec![root];
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut seen[id], true) {
                continue;
            }
            let Some(n) = self.node(id) else { continue };
            if n.likelihood != level {
                continue;
            }
            let step = match &n.kind {
                NodeKind::Fact(_) => {
                    out.push(WeakLink::Fact(id));
                    continue;
                }
                NodeKind::Unrecorded => {
                    out.push(WeakLink::Unrecorded(id));
                    continue;
                }
                NodeKind::Rule(step) => step,
            };
            for (index, e) in step.exceptions.iter().enumerate() {
                if e.cap() == Some(level) {
                    out.push(WeakLink::Exception { node: id, index });
                }
            }
            if step.qualifier == level {
                // The rule's own rating holds this step down whatever its
                // premises are: what lies below cannot raise it.
                out.push(WeakLink::Rating(id));
                continue;
            }
            let mut next: Vec<usize> = step.premises.clone();
            for a in step.aggregates.iter().filter(|a| a.likelihood == level) {
                for m in a.counted.iter().filter(|m| m.likelihood == level) {
                    next.extend(&m.rows);
                }
            }
            // Depth first, in proof order.
            stack.extend(next.into_iter().rev().filter(|&c| c != id));
        }
        out.sort_by_key(WeakLink::node);
        out.dedup();
        out
    }
}
