//! What a second world gains, loses and changes against a first: the same
//! comparison as `warrant diff` (conclusions keyed by their text, predicates
//! some rule concludes), with the reasons beside each change — the proof of
//! what is gained or changed, and why a lost conclusion is no longer derived.

use std::collections::HashMap;

use super::anchor::conflict_anchor;
use super::{World, WorldInput};
use crate::explain::WhyNot;
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

/// Every conclusion of a world: its text and where it stands, in order.
fn conclusions(world: &World) -> Vec<(String, Side)> {
    world
        .groups
        .iter()
        .flat_map(|g| &g.conclusions)
        .filter_map(|c| {
            let n = world.proof.node(c.node)?;
            let side = Side {
                likelihood: n.likelihood,
                anchor: c.anchor.clone(),
                node: c.node,
            };
            Some((n.atom.to_string(), side))
        })
        .collect()
}

fn conflicts(world: &World) -> Vec<(String, String)> {
    world
        .conflicts
        .iter()
        .map(|c| {
            let bindings: Vec<String> = c
                .bindings
                .iter()
                .map(|b| format!("{} = {}", b.name, b.value))
                .collect();
            let text = if bindings.is_empty() {
                c.name.clone()
            } else {
                format!("{} ({})", c.name, bindings.join(", "))
            };
            (text, format!("{}{}", world.prefix, conflict_anchor(c)))
        })
        .collect()
}

pub(super) fn compare(wa: &World, b: &WorldInput, wb: &World) -> Changes {
    let (ca, cb) = (conclusions(wa), conclusions(wb));
    let in_a: HashMap<&str, usize> = ca
        .iter()
        .enumerate()
        .map(|(i, c)| (c.0.as_str(), i))
        .collect();
    let in_b: HashMap<&str, usize> = cb
        .iter()
        .enumerate()
        .map(|(i, c)| (c.0.as_str(), i))
        .collect();
    let mut changes = Changes {
        base: wa.path.clone(),
        other: wb.path.clone(),
        gained: Vec::new(),
        lost: Vec::new(),
        changed: Vec::new(),
        conflicts_gained: Vec::new(),
        conflicts_lost: Vec::new(),
    };
    for (atom, side) in &cb {
        if !in_a.contains_key(atom.as_str()) {
            changes.gained.push(Change {
                atom: atom.clone(),
                base: None,
                other: Some(side.clone()),
                why_not: None,
            });
        }
    }
    for (atom, side) in &ca {
        match in_b.get(atom.as_str()).map(|&i| &cb[i].1) {
            None => changes.lost.push(Change {
                atom: atom.clone(),
                base: Some(side.clone()),
                other: None,
                why_not: why_not_in(b, atom),
            }),
            Some(other) if other.likelihood != side.likelihood => changes.changed.push(Change {
                atom: atom.clone(),
                base: Some(side.clone()),
                other: Some(other.clone()),
                why_not: None,
            }),
            Some(_) => {}
        }
    }
    let (xa, xb) = (conflicts(wa), conflicts(wb));
    changes.conflicts_gained = xb
        .iter()
        .filter(|x| !xa.iter().any(|y| y.0 == x.0))
        .cloned()
        .collect();
    changes.conflicts_lost = xa
        .iter()
        .filter(|x| !xb.iter().any(|y| y.0 == x.0))
        .cloned()
        .collect();
    changes
}

/// Why the other world does not derive an atom printed in the first.
fn why_not_in(world: &WorldInput, atom: &str) -> Option<WhyNot> {
    world.model.why_not(atom).ok()
}
