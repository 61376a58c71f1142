//! One-line reasons (`warrant run --explain`).

use super::compute::complete;
use super::step::{bind_rule, rule_step};
use super::{
    AggregateCheck, Computation, ExceptionCheck, GroundAtom, Origin, ground_atom, origin_of,
};
use crate::engine::{Derivation, Model, RowId};
use crate::ir::{PredId, ValueId};

/// Why a row holds, in one line (`warrant run --explain`): the rule and
/// the premises of its recorded derivation, or where a base row comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// Concluded by the rule `name` from these premises (body order),
    /// with the values it computed and the exceptions that weakened it.
    Rule {
        name: String,
        premises: Vec<GroundAtom>,
        computations: Vec<Computation>,
        /// Its aggregates (their counted matches without rows: a one-line
        /// reason has no proof to point into).
        aggregates: Vec<AggregateCheck>,
        /// Exceptions a less than certain row matched: each caps the
        /// conclusion.
        weakened_by: Vec<ExceptionCheck>,
    },
    /// A base row.
    Fact(Origin),
    /// The row is not in the model.
    NotInModel,
    /// Evaluated without provenance: nothing was recorded.
    Unrecorded,
}

/// The one-line reason for a row.
pub fn reason(model: &Model, pred: PredId, row: RowId) -> Reason {
    let program = model.program();
    match model.derivation(pred, row) {
        Some(Derivation::Rule {
            rule,
            head,
            premises,
            bindings,
            ..
        }) => {
            let Some(r) = program.rules.get(rule.0 as usize) else {
                return Reason::Unrecorded;
            };
            let rows: Vec<Option<&[ValueId]>> =
                premises.iter().map(|p| model.row(p.pred, p.row)).collect();
            let values = model.row(pred, row).unwrap_or_default();
            let mut binding = bind_rule(r, head, values, &rows);
            complete(model, &r.body, &bindings, &mut binding);
            let (step, _) = rule_step(model, rule, head, &binding);
            Reason::Rule {
                name: r.name.clone(),
                premises: premises
                    .iter()
                    .filter_map(|p| Some(ground_atom(model, p.pred, model.row(p.pred, p.row)?)))
                    .collect(),
                computations: step.computations,
                aggregates: step.aggregates,
                weakened_by: step
                    .exceptions
                    .into_iter()
                    .filter(|e| e.cap().is_some())
                    .collect(),
            }
        }
        Some(Derivation::Fact { source, origin }) => {
            Reason::Fact(origin_of(program, &source, &origin))
        }
        None if model.row(pred, row).is_none() => Reason::NotInModel,
        None => Reason::Unrecorded,
    }
}
