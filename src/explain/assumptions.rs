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

use std::collections::HashSet;
use std::rc::Rc;

use super::necessity::necessary;
use super::whynot::{Index, instances};
use super::{ExceptionCheck, GroundAtom, NodeKind, Origin, Proof, explain};
use crate::engine::{Derivation, Model, RowId};
use crate::hash::HashMap;
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
    /// The exceptions that hold less than certainly in the best proof: no
    /// assumption of absence, but each caps the step it is of.
    pub weakened_by: Vec<Weakening>,
    /// Whether every proof was searched (so `AssumedFact::necessary` is
    /// decided).
    pub complete: bool,
    /// Why not, when it was not.
    pub undecided: Option<Undecided>,
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
    /// The rows of ancestor graphs searched so far: the rows asked share
    /// most of their ancestors (on a chain, `path(0, 9)`'s are `path(0, 8)`'s
    /// and one more), so each is searched once.
    ancestors: HashMap<(PredId, RowId), Option<Rc<Ancestor>>>,
}

/// Why necessity was left undecided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Undecided {
    /// Too many alternative proofs to search them all.
    SearchBound,
    /// A rule on the way computes values (arithmetic or an aggregate),
    /// which the search for alternative proofs does not evaluate.
    Computed,
}

/// A graded exception that holds in the best proof.
#[derive(Clone, Debug, PartialEq)]
pub struct Weakening {
    /// The exception with the most likely row matching it.
    pub check: ExceptionCheck,
    /// The rule whose step it weakens, and that step's conclusion.
    pub rule: String,
    pub for_atom: String,
}

/// A row of an ancestor graph.
struct Ancestor {
    base: bool,
    /// The premises of each rule instance that concludes the row.
    instances: Vec<Vec<(PredId, RowId)>>,
}

/// Ancestor rows kept between rows asked (then forgotten, to bound memory).
const ANCESTORS_KEPT: usize = 1 << 20;

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
            ancestors: HashMap::default(),
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
    necessary: Result<HashSet<usize>, Undecided>,
) -> Option<Assumptions> {
    let (necessary, undecided) = match necessary {
        Ok(s) => (Some(s), None),
        Err(u) => (None, Some(u)),
    };
    let program = model.program();
    let root = proof.root()?;
    let conclusion = root.likelihood;
    let mut facts = Vec::new();
    let mut exceptions: Vec<Assumed> = Vec::new();
    let mut weakened_by: Vec<Weakening> = Vec::new();
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
                    // A proof step holds, so a matched exception only
                    // weakened it: it is not assumed absent.
                    if e.derived {
                        weakened_by.push(Weakening {
                            check: e.clone(),
                            rule: step.name.clone(),
                            for_atom: n.atom.to_string(),
                        });
                        continue;
                    }
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
        weakened_by,
        complete: necessary.is_some(),
        undecided,
        proof,
    })
}

impl AssumptionFinder<'_> {
    /// A row of an ancestor graph (shared by every row asked): whether it
    /// is a base row, and the premises of every rule instance concluding
    /// it; `None` when it is not in the model or its search was cut short.
    fn ancestor(&mut self, key: (PredId, RowId)) -> Option<Rc<Ancestor>> {
        if let Some(node) = self.ancestors.get(&key) {
            return node.clone();
        }
        if self.ancestors.len() >= ANCESTORS_KEPT {
            self.ancestors.clear();
        }
        let model = self.model;
        let (p, r) = key;
        let node = model.row(p, r).and_then(|values| {
            let base = matches!(model.derivation(p, r), Some(Derivation::Fact { .. }))
                || self.stated.contains(&(p, values.to_vec()));
            let instances = instances(model, &mut self.index, p, values)?
                .into_iter()
                .map(|(_, prem)| prem)
                .collect();
            Some(Rc::new(Ancestor { base, instances }))
        });
        self.ancestors.insert(key, node.clone());
        node
    }

    /// The ids of the fact nodes of `proof` that every proof of the root
    /// uses, or why that is undecided.
    fn necessity(
        &mut self,
        proof: &Proof,
        pred: PredId,
        row: RowId,
    ) -> Result<HashSet<usize>, Undecided> {
        // Predicates some rule concludes with arithmetic or an aggregate.
        let program = self.model.program();
        let mut computing = vec![false; program.preds.len()];
        for rule in &program.rules {
            if !rule.body.assignments.is_empty() || !rule.body.aggregates.is_empty() {
                for h in &rule.heads {
                    if let Some(c) = computing.get_mut(h.pred.0 as usize) {
                        *c = true;
                    }
                }
            }
        }
        let mut ids: HashMap<(PredId, RowId), usize> = HashMap::default();
        let mut keys: Vec<(PredId, RowId)> = vec![(pred, row)];
        ids.insert((pred, row), 0);
        let mut base: Vec<bool> = Vec::new();
        // Instances: (head index, premise indexes).
        let mut inst: Vec<(usize, Vec<usize>)> = Vec::new();
        // Rows are numbered in the order met; `keys[i]` is searched when `i`
        // is reached, so `keys` is the queue.
        let mut i = 0;
        while i < keys.len() {
            if keys.len() > ROW_LIMIT {
                return Err(Undecided::SearchBound);
            }
            // The instance search does not evaluate arithmetic or
            // aggregates, so it would find instances that do not hold:
            // necessity through such a rule stays undecided.
            if computing.get(keys[i].0.0 as usize) == Some(&true) {
                return Err(Undecided::Computed);
            }
            let node = self.ancestor(keys[i]).ok_or(Undecided::SearchBound)?;
            base.push(node.base);
            for prem in node.instances.iter() {
                let mut ps: Vec<usize> = prem
                    .iter()
                    .map(|&k| {
                        *ids.entry(k).or_insert_with(|| {
                            keys.push(k);
                            keys.len() - 1
                        })
                    })
                    .collect();
                ps.sort_unstable();
                ps.dedup();
                inst.push((i, ps));
            }
            i += 1;
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
        Ok(out)
    }
}
