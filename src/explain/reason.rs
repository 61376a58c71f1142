//! One-line reasons (`warrant run --explain`).

use super::{GroundAtom, Origin, ground_atom, origin_of};
use crate::engine::{Derivation, Model, RowId};
use crate::ir::PredId;

/// Why a row holds, in one line (`warrant run --explain`): the rule and
/// the premises of its recorded derivation, or where a base row comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// Concluded by the rule `name` from these premises (body order).
    Rule {
        name: String,
        premises: Vec<GroundAtom>,
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
        Some(Derivation::Rule { rule, premises, .. }) => Reason::Rule {
            name: program
                .rules
                .get(rule.0 as usize)
                .map_or_else(|| "?".to_string(), |r| r.name.clone()),
            premises: premises
                .iter()
                .filter_map(|p| Some(ground_atom(model, p.pred, model.row(p.pred, p.row)?)))
                .collect(),
        },
        Some(Derivation::Fact { source, origin }) => {
            Reason::Fact(origin_of(program, &source, &origin))
        }
        None if model.row(pred, row).is_none() => Reason::NotInModel,
        None => Reason::Unrecorded,
    }
}
