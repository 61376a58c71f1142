//! Key assumptions: what a conclusion rests on (the Key Assumptions Check of
//! structured analysis).
//!
//! Two kinds: the base facts of its best proof, each marked whether it
//! appears in *every* proof of the conclusion (so that the conclusion falls
//! if that fact is false), and every `unless` whose absence the best proof
//! assumed (negation as failure: an assumption that something is not the
//! case).
//!
//! "Every proof" is decided over the rule instances the model supports: the
//! ancestors of the conclusion are searched (all complete matches of every
//! rule that could conclude each of them), then which facts of the best
//! proof every derivation of the conclusion uses (all at once, over that
//! graph: `explain::necessity`). Rules that only an absent fact would block
//! are not considered (removing a fact never enables a rule here). The
//! search is bounded; past the bound, necessity is left undecided.

use std::collections::{HashMap, HashSet, VecDeque};

use super::necessity::necessary;
use super::whynot::{Index, instances};
use super::{GroundAtom, NodeKind, Origin, Proof, explain};
use crate::engine::{Derivation, Model, RowId};
use crate::ir::PredId;
use crate::likelihood::Likelihood;
use crate::source::Location;

/// Rows of the ancestor graph to explore before giving up on necessity.
const ROW_LIMIT: usize = 50_000;

/// The key assumptions of one conclusion.
#[derive(Clone, Debug, PartialEq)]
pub struct Assumptions {
    pub atom: GroundAtom,
    pub likelihood: Likelihood,
    /// The base facts of the best proof, in proof order.
    pub facts: Vec<AssumedFact>,
    /// The exceptions the best proof assumed absent, in proof order.
    pub exceptions: Vec<Assumed>,
    /// Whether every proof was searched (so `AssumedFact::necessary` is
    /// decided).
    pub complete: bool,
    /// The best proof itself.
    pub proof: Proof,
}

/// A base fact the conclusion rests on.
#[derive(Clone, Debug, PartialEq)]
pub struct AssumedFact {
    pub atom: GroundAtom,
    pub likelihood: Likelihood,
    pub origin: Option<Origin>,
    /// In every proof of the conclusion (`None`: undecided, search bound hit).
    pub necessary: Option<bool>,
    /// Its likelihood is the conclusion's (and less than certain): it caps
    /// how likely the conclusion is.
    pub caps_likelihood: bool,
}

/// An `unless` exception assumed absent.
#[derive(Clone, Debug, PartialEq)]
pub struct Assumed {
    /// The exception under the rule's bindings: `reassured(japan)`.
    pub atom: String,
    /// The rule that assumed it, and where the `unless` is written.
    pub rule: String,
    pub at: Location,
    /// The conclusion of that rule step.
    pub for_atom: String,
    /// Rules that conclude the exception's predicate: what would have to
    /// fire for the assumption to fail.
    pub could_be_derived_by: Vec<String>,
}

/// The key assumptions of a row; `None` when it is not in the model. For
/// many rows of one model, an [`AssumptionFinder`] shares its look-up
/// tables between them.
pub fn assumptions(model: &Model, pred: PredId, row: RowId) -> Option<Assumptions> {
    AssumptionFinder::new(model).assumptions(pred, row)
}

/// Finds the key assumptions of rows of one model. The tables it builds
/// (stated facts by row, column indexes of the relations searched) serve
/// every row asked, so asking for all rows of a pattern costs one build,
/// not one per row.
pub struct AssumptionFinder<'m> {
    model: &'m Model,
    /// Stated facts, by row, so that a row both stated and derived counts
    /// as a base row.
    stated: HashSet<(PredId, Vec<u32>)>,
    index: Index,
}

impl<'m> AssumptionFinder<'m> {
    pub fn new(model: &'m Model) -> Self {
        let stated = model
            .program()
            .facts
            .iter()
            .map(|f| (f.pred, f.row.clone()))
            .collect();
        AssumptionFinder {
            model,
            stated,
            index: Index::default(),
        }
    }

    /// The key assumptions of a row; `None` when it is not in the model.
    pub fn assumptions(&mut self, pred: PredId, row: RowId) -> Option<Assumptions> {
        let model = self.model;
        let proof = explain(model, pred, row)?;
        let necessary = self.necessity(&proof, pred, row);
        summarize(model, proof, necessary)
    }
}

/// The assumptions read off the best proof, with the necessary facts.
fn summarize(
    model: &Model,
    proof: Proof,
    necessary: Option<HashSet<usize>>,
) -> Option<Assumptions> {
    let program = model.program();
    let root = proof.root()?;
    let conclusion = root.likelihood;
    let mut facts = Vec::new();
    let mut exceptions: Vec<Assumed> = Vec::new();
    for n in &proof.nodes {
        match &n.kind {
            NodeKind::Fact(origin) => facts.push(AssumedFact {
                atom: n.atom.clone(),
                likelihood: n.likelihood,
                origin: Some(origin.clone()),
                necessary: necessary.as_ref().map(|s| s.contains(&n.id)),
                caps_likelihood: n.likelihood == conclusion && conclusion < Likelihood::CERTAIN,
            }),
            NodeKind::Unrecorded => facts.push(AssumedFact {
                atom: n.atom.clone(),
                likelihood: n.likelihood,
                origin: None,
                necessary: None,
                caps_likelihood: n.likelihood == conclusion && conclusion < Likelihood::CERTAIN,
            }),
            NodeKind::Rule(step) => {
                let Some(rule) = program.rules.get(step.rule.0 as usize) else {
                    continue;
                };
                for (e, atom) in step.exceptions.iter().zip(&rule.body.exceptions) {
                    let a = Assumed {
                        atom: e.atom.clone(),
                        rule: step.name.clone(),
                        at: e.at.clone(),
                        for_atom: n.atom.to_string(),
                        could_be_derived_by: program
                            .rules
                            .iter()
                            .filter(|r| r.heads.iter().any(|h| h.pred == atom.pred))
                            .map(|r| r.name.clone())
                            .collect(),
                    };
                    if !exceptions
                        .iter()
                        .any(|x| x.atom == a.atom && x.rule == a.rule)
                    {
                        exceptions.push(a);
                    }
                }
            }
        }
    }
    Some(Assumptions {
        atom: root.atom.clone(),
        likelihood: conclusion,
        facts,
        exceptions,
        complete: necessary.is_some(),
        proof,
    })
}

impl AssumptionFinder<'_> {
    /// The ids of the fact nodes of `proof` that every proof of the root uses;
    /// `None` when the search bound was hit.
    fn necessity(&mut self, proof: &Proof, pred: PredId, row: RowId) -> Option<HashSet<usize>> {
        let model = self.model;
        let stated = &self.stated;
        let mut ids: HashMap<(PredId, RowId), usize> = HashMap::new();
        let mut keys: Vec<(PredId, RowId)> = Vec::new();
        let mut base: Vec<bool> = Vec::new();
        // Instances: (head index, premise indexes).
        let mut inst: Vec<(usize, Vec<usize>)> = Vec::new();
        let index = &mut self.index;
        let mut queue: VecDeque<usize> = VecDeque::new();
        let mut intern = |k: (PredId, RowId),
                          keys: &mut Vec<(PredId, RowId)>,
                          base: &mut Vec<bool>,
                          queue: &mut VecDeque<usize>|
         -> usize {
            if let Some(&i) = ids.get(&k) {
                return i;
            }
            let i = keys.len();
            ids.insert(k, i);
            keys.push(k);
            let is_base = matches!(model.derivation(k.0, k.1), Some(Derivation::Fact { .. }))
                || model
                    .row(k.0, k.1)
                    .is_some_and(|r| stated.contains(&(k.0, r.to_vec())));
            base.push(is_base);
            queue.push_back(i);
            i
        };
        intern((pred, row), &mut keys, &mut base, &mut queue);
        while let Some(i) = queue.pop_front() {
            if keys.len() > ROW_LIMIT {
                return None;
            }
            let (p, r) = keys[i];
            let values = model.row(p, r)?.to_vec();
            for (_, prem) in instances(model, index, p, &values)? {
                let mut ps: Vec<usize> = prem
                    .into_iter()
                    .map(|k| intern(k, &mut keys, &mut base, &mut queue))
                    .collect();
                ps.sort_unstable();
                ps.dedup();
                inst.push((i, ps));
            }
        }
        let facts: Vec<(usize, usize)> = proof
            .nodes
            .iter()
            .filter(|n| matches!(n.kind, NodeKind::Fact(_)))
            .filter_map(|n| Some((n.id, *ids.get(&(n.pred, n.row))?)))
            .collect();
        let rows: Vec<usize> = facts.iter().map(|&(_, i)| i).collect();
        let needed = necessary(&base, &inst, 0, &rows);
        let out = facts
            .iter()
            .zip(needed)
            .filter(|(_, needed)| *needed)
            .map(|(&(id, _), _)| id)
            .collect();
        Some(out)
    }
}
