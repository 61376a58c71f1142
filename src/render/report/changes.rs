//! What a second world gains, loses and changes against a first, as the
//! report shows it: the comparison `warrant diff` makes
//! ([`explain::changes`](crate::explain::changes), conclusions only), each
//! change linked to its entries in the worlds' proofs, and why a lost
//! conclusion is no longer derived.

use std::collections::HashMap;

use super::anchor::conflict_anchor;
use super::say;
use super::{World, WorldInput};
use crate::engine::RowId;
use crate::explain::{self, Compared, HeldConflict, WhyNot};
use crate::ir::PredId;
use crate::likelihood::Likelihood;

/// The changes from the first world to the second.
#[derive(Clone, Debug)]
pub struct Changes {
    pub base: String,
    pub other: String,
    /// Derived in the second world only.
    pub gained: Vec<Change>,
    /// Derived in the first world only (with the second's why-not).
    pub lost: Vec<Change>,
    /// Derived in both, with a different likelihood.
    pub changed: Vec<Change>,
    /// Conflicts that hold in the second world only: text and anchor there.
    pub conflicts_gained: Vec<(String, String)>,
    /// Conflicts that hold in the first world only: text and anchor there.
    pub conflicts_lost: Vec<(String, String)>,
}

/// One conclusion that differs, as it stands in each world where it holds.
#[derive(Clone, Debug)]
pub struct Change {
    pub atom: String,
    pub base: Option<Side>,
    pub other: Option<Side>,
    /// For a lost conclusion: why the second world does not derive it.
    pub why_not: Option<WhyNot>,
}

/// A conclusion in one world.
#[derive(Clone, Debug, PartialEq)]
pub struct Side {
    pub likelihood: Likelihood,
    pub anchor: String,
    /// Its node in the world's proof forest.
    pub node: usize,
}

/// Where each conclusion of a world stands in its proof forest, by row.
fn sides(world: &World) -> HashMap<(PredId, RowId), (usize, &str)> {
    world
        .groups
        .iter()
        .flat_map(|g| &g.conclusions)
        .filter_map(|c| {
            let n = world.proof.node(c.node)?;
            Some(((n.pred, n.row), (c.node, c.anchor.as_str())))
        })
        .collect()
}

/// A conflict's text and its anchor in a world.
fn conflict(world: &World, c: &HeldConflict) -> (String, String) {
    let text = match say::bindings(&c.bindings) {
        Some(b) => format!("{} ({b})", c.name),
        None => c.name.clone(),
    };
    let anchor = format!("{}{}", world.prefix, conflict_anchor(&c.name, &c.bindings));
    (text, anchor)
}

pub(super) fn compare(a: &WorldInput, wa: &World, b: &WorldInput, wb: &World) -> Changes {
    let found = explain::changes(a.model, b.model, Compared::Conclusions);
    let (in_a, in_b) = (sides(wa), sides(wb));
    let side = |sides: &HashMap<(PredId, RowId), (usize, &str)>, held: Option<explain::Held>| {
        let held = held?;
        let &(node, anchor) = sides.get(&(held.pred, held.row))?;
        Some(Side {
            likelihood: held.likelihood,
            anchor: anchor.to_string(),
            node,
        })
    };
    let change = |ch: &explain::Change| Change {
        atom: ch.atom.clone(),
        base: side(&in_a, ch.base),
        other: side(&in_b, ch.other),
        why_not: None,
    };
    Changes {
        base: wa.path.clone(),
        other: wb.path.clone(),
        gained: found
            .gained
            .iter()
            .map(change)
            .filter(|c| c.other.is_some())
            .collect(),
        lost: found
            .lost
            .iter()
            .map(|ch| Change {
                why_not: why_not_in(b, &ch.atom),
                ..change(ch)
            })
            .filter(|c| c.base.is_some())
            .collect(),
        changed: found
            .changed
            .iter()
            .map(change)
            .filter(|c| c.base.is_some() && c.other.is_some())
            .collect(),
        conflicts_gained: found
            .conflicts_gained
            .iter()
            .map(|c| conflict(wb, c))
            .collect(),
        conflicts_lost: found
            .conflicts_lost
            .iter()
            .map(|c| conflict(wa, c))
            .collect(),
    }
}

/// Why the other world does not derive an atom printed in the first.
fn why_not_in(world: &WorldInput, atom: &str) -> Option<WhyNot> {
    world.model.why_not(atom).ok()
}
