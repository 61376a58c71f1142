//! Conflict explanations: the proofs of every side of a conflict that holds.

use super::step::{bindings_of, citations, comparisons, exceptions};
use super::{Binding, Citation, ComparisonCheck, ExceptionCheck, Proof, explain_all};
use crate::engine::{ConflictHit, Model, RowId};
use crate::ir::{PredId, ValueId};
use crate::likelihood::Likelihood;
use crate::source::Location;

/// A conflict that holds, with the proofs of both (all) its sides.
#[derive(Clone, Debug, PartialEq)]
pub struct ConflictExplanation {
    pub name: String,
    pub description: Option<String>,
    pub at: Location,
    /// Named variables and their values.
    pub bindings: Vec<Binding>,
    /// The least likely side.
    pub likelihood: Likelihood,
    pub citations: Vec<Citation>,
    pub comparisons: Vec<ComparisonCheck>,
    pub exceptions: Vec<ExceptionCheck>,
    /// One root per premise of the conflict (its sides), in body order,
    /// sharing sub-proofs.
    pub proof: Proof,
}

/// Explains a conflict reported by the engine: both sides' proofs.
/// `None` when the hit does not name a conflict of the program.
pub fn explain_conflict(model: &Model, hit: &ConflictHit) -> Option<ConflictExplanation> {
    let program = model.program();
    let c = program.conflicts.get(hit.conflict)?;
    let binding: Vec<Option<ValueId>> = hit.bindings.iter().map(|&v| Some(v)).collect();
    let rows: Vec<(PredId, RowId)> = hit.premises.iter().map(|p| (p.pred, p.row)).collect();
    let proof = explain_all(model, &rows).unwrap_or(Proof {
        roots: Vec::new(),
        nodes: Vec::new(),
    });
    Some(ConflictExplanation {
        name: c.name.clone(),
        description: c.description.clone(),
        at: program.sources.location(c.span),
        bindings: bindings_of(model, &c.body.vars, &binding),
        likelihood: hit.likelihood,
        citations: citations(program, &c.cites),
        comparisons: comparisons(model, &c.body, &binding),
        exceptions: exceptions(model, &c.body, &binding),
        proof,
    })
}
