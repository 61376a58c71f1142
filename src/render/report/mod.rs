//! `warrant report`: one document a colleague can open without Warrant —
//! every conclusion of one or more worlds with its proof, its key
//! assumptions, the conflicts that hold and (for two worlds) what changed.
//!
//! [`build`] gathers the data from the `explain` stage (one proof forest per
//! world, so a sub-proof shared by many conclusions is built and shown once
//! and linked by anchor); [`html`] and [`markdown`] write it. Graphs are
//! optional data: the caller runs Graphviz on [`World::dot`] and hands the
//! SVGs back (the library never starts a process).
//!
//! Likelihood is printed as its ICD 203 word with the number; nothing here
//! prints analytic confidence.

mod anchor;
mod changes;
pub mod html;
pub mod markdown;
mod say;

use std::collections::HashSet;

use crate::engine::{Model, RowId};
use crate::explain::{self, Assumptions, ConflictExplanation, NodeKind, Proof};
use crate::ir::{PredId, Program};

pub use anchor::anchor;
pub use changes::{Change, Changes, Side};

/// What the report says about how it was made (the header).
#[derive(Clone, Debug)]
pub struct Meta {
    /// When the run happened, as the caller wants it printed (a fixed value
    /// makes the document reproducible).
    pub date: String,
    /// Warrant's version.
    pub version: String,
    /// Whether proof graphs are included, and if not, why.
    pub graphs: Graphs,
}

/// Whether the document carries a graph of each proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Graphs {
    /// Each conclusion's proof is drawn (inline SVG).
    Included,
    /// Left out on request (`--no-graphs`).
    Skipped,
    /// Graphviz could not be run: the reason, printed in the document.
    Unavailable(String),
}

/// A world given to [`build`]: its root file (as the user named it), its
/// program and its evaluated model (with provenance).
pub struct WorldInput<'a> {
    pub path: String,
    pub program: &'a Program,
    pub model: &'a Model,
    /// How many rule files make the world (the root and what it uses).
    pub files: usize,
}

/// The whole document.
#[derive(Clone, Debug)]
pub struct Report {
    pub meta: Meta,
    pub worlds: Vec<World>,
    /// With exactly two worlds: what the second gains, loses and changes
    /// against the first.
    pub changes: Option<Changes>,
}

/// One world: its conclusions by predicate, its conflicts.
#[derive(Clone, Debug)]
pub struct World {
    pub path: String,
    /// Prefixed to every anchor of this world (empty for a single world).
    pub prefix: String,
    /// Declared sources: name and title.
    pub sources: Vec<(String, String)>,
    /// Rule files loaded (the root and everything it uses).
    pub files: usize,
    pub groups: Vec<Group>,
    pub conflicts: Vec<ConflictExplanation>,
    /// The proofs of every conclusion as one forest: each node once.
    pub proof: Proof,
    /// Anchor of each node of `proof` that is a conclusion of the report
    /// (indexed by node id − 1).
    pub anchors: Vec<Option<String>>,
    /// Every conclusion's anchor, to link atoms of other proofs (a
    /// conflict's sides) to their entries.
    pub anchor_set: HashSet<String>,
    /// Proof graphs attached, and how many conclusions could have had one.
    pub graphs_drawn: usize,
    pub graphs_eligible: usize,
}

/// The conclusions of one predicate.
#[derive(Clone, Debug)]
pub struct Group {
    pub pred: String,
    /// The predicate's documentation from its `pred` declaration.
    pub doc: Option<String>,
    pub conclusions: Vec<Conclusion>,
}

/// One conclusion: a root of its world's proof forest.
#[derive(Clone, Debug)]
pub struct Conclusion {
    /// Its node in [`World::proof`].
    pub node: usize,
    pub anchor: String,
    /// Key assumptions (`None` without a recorded derivation). Its `proof`
    /// field is emptied: the forest has it.
    pub assumptions: Option<Assumptions>,
    /// An SVG drawing of the proof, when graphs are included.
    pub graph: Option<String>,
}

impl World {
    /// The anchor of a proof node that is a conclusion of this world.
    pub fn anchor_of(&self, node: usize) -> Option<&str> {
        self.anchors.get(node.checked_sub(1)?)?.as_deref()
    }

    /// Number of conclusions.
    pub fn len(&self) -> usize {
        self.groups.iter().map(|g| g.conclusions.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.iter().all(|g| g.conclusions.is_empty())
    }

    /// The graphs to draw, for the caller: the best proof of each
    /// conclusion that takes more than one rule step (a single step reads
    /// fully in text), in document order, at most [`MAX_GRAPHS`]; each with
    /// the conclusion's index in document order. [`Report::set_graphs`]
    /// takes the drawings back.
    pub fn dot(&self, input: &WorldInput) -> Graphable {
        let mut graphs = Vec::new();
        let mut eligible = 0;
        for (i, c) in self.groups.iter().flat_map(|g| &g.conclusions).enumerate() {
            let Some(n) = self.proof.node(c.node) else {
                continue;
            };
            let Some(proof) = explain::explain(input.model, n.pred, n.row) else {
                continue;
            };
            let steps = proof
                .nodes
                .iter()
                .filter(|n| matches!(n.kind, NodeKind::Rule(_)))
                .count();
            if steps < 2 {
                continue;
            }
            eligible += 1;
            if graphs.len() < MAX_GRAPHS {
                graphs.push((i, crate::render::dot::proof(&proof)));
            }
        }
        Graphable { graphs, eligible }
    }
}

/// Graphs are drawn for at most this many conclusions per world, so that a
/// large world still gives a document a browser opens quickly.
pub const MAX_GRAPHS: usize = 300;

/// What [`World::dot`] offers to draw.
#[derive(Clone, Debug, Default)]
pub struct Graphable {
    /// (conclusion index in document order, DOT text).
    pub graphs: Vec<(usize, String)>,
    /// Conclusions whose proof takes more than one rule step.
    pub eligible: usize,
}

impl Report {
    /// Attaches drawn graphs to the conclusions of world `w`: each SVG with
    /// the conclusion index [`World::dot`] gave it; `eligible` is how many
    /// conclusions could have had one.
    pub fn set_graphs(&mut self, w: usize, svgs: Vec<(usize, String)>, eligible: usize) {
        let Some(world) = self.worlds.get_mut(w) else {
            return;
        };
        world.graphs_eligible = eligible;
        world.graphs_drawn = svgs.len();
        let mut slots: Vec<&mut Conclusion> = world
            .groups
            .iter_mut()
            .flat_map(|g| &mut g.conclusions)
            .collect();
        for (i, svg) in svgs {
            if let Some(c) = slots.get_mut(i) {
                c.graph = Some(svg);
            }
        }
    }
}

/// Gathers the report of one or more worlds.
pub fn build(worlds: &[WorldInput], meta: Meta) -> Report {
    let many = worlds.len() > 1;
    let built: Vec<World> = worlds
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let prefix = if many {
                format!("w{}.", i + 1)
            } else {
                String::new()
            };
            world(w, prefix)
        })
        .collect();
    let changes = match (worlds, built.as_slice()) {
        ([a, b], [wa, wb]) => Some(changes::compare(a, wa, b, wb)),
        _ => None,
    };
    Report {
        meta,
        worlds: built,
        changes,
    }
}

fn world(input: &WorldInput, prefix: String) -> World {
    let (program, model) = (input.program, input.model);
    // The predicates some rule concludes: the ones a report lists (as `run`
    // does without `--all`).
    let shown = program.concluded_preds();
    let mut rows: Vec<(PredId, RowId)> = Vec::new();
    let mut preds: Vec<PredId> = Vec::new();
    for (p, &listed) in shown.iter().enumerate().take(model.preds()) {
        let pred = PredId(p as u32);
        if !listed || model.len(pred) == 0 {
            continue;
        }
        preds.push(pred);
        rows.extend(model.rows(pred).map(|(id, _, _)| (pred, id)));
    }
    let proof = explain::explain_all(model, &rows).unwrap_or(Proof {
        roots: Vec::new(),
        nodes: Vec::new(),
    });
    let mut anchors: Vec<Option<String>> = vec![None; proof.nodes.len()];
    // Roots follow `rows` in order (a row is a root once).
    let mut roots = proof.roots.iter().copied();
    let mut groups: Vec<Group> = Vec::new();
    for pred in preds {
        let decl = program.pred(pred);
        let mut conclusions = Vec::new();
        for _ in 0..model.len(pred) {
            let Some(node) = roots.next() else { break };
            let Some(n) = proof.node(node) else { continue };
            let anchor = format!("{prefix}{}", anchor(&n.atom));
            anchors[node - 1] = Some(anchor.clone());
            let assumptions = explain::assumptions(model, n.pred, n.row).map(|mut a| {
                a.proof = Proof {
                    roots: Vec::new(),
                    nodes: Vec::new(),
                };
                a
            });
            conclusions.push(Conclusion {
                node,
                anchor,
                assumptions,
                graph: None,
            });
        }
        groups.push(Group {
            pred: decl.name.clone(),
            doc: decl.doc.clone(),
            conclusions,
        });
    }
    let conflicts = model
        .conflicts()
        .iter()
        .filter_map(|hit| explain::explain_conflict(model, hit))
        .collect();
    World {
        path: input.path.clone(),
        prefix,
        sources: program
            .source_decls
            .iter()
            .map(|s| (s.name.clone(), s.title.clone()))
            .collect(),
        files: input.files,
        groups,
        conflicts,
        proof,
        anchor_set: anchors.iter().flatten().cloned().collect(),
        anchors,
        graphs_drawn: 0,
        graphs_eligible: 0,
    }
}

/// The ICD 203 scale, lowest first: word and band as published.
pub const SCALE: [(&str, &str); 7] = [
    ("almost no chance", "0.01–0.05"),
    ("very unlikely", "0.05–0.20"),
    ("unlikely", "0.20–0.45"),
    ("roughly even chance", "0.45–0.55"),
    ("likely", "0.55–0.80"),
    ("very likely", "0.80–0.95"),
    ("almost certain", "0.95–0.99"),
];

/// What `necessary` says of a fact, in the report's words.
pub fn necessity(necessary: Option<bool>) -> &'static str {
    match necessary {
        Some(true) => "in every proof",
        Some(false) => "best proof only",
        None => "undecided (search bound reached)",
    }
}

/// `[likely]` as a CSS class name: `likely`, `very-likely`, …
pub fn band_class(word: &str) -> String {
    word.replace(' ', "-")
}
