//! The answers of a query goal in a model, comparable across models: each
//! matching row as text, with its likelihood (units) and the height of its
//! recorded proof.

use warrant::engine::demand::Goal;
use warrant::engine::{Derivation, Model};
use warrant::ir::PredId;

pub type Answer = (String, u16, Option<u32>);

/// Sorted, since a demand model may hold them in another order.
pub fn answers(model: &Model, goal: &Goal) -> Vec<Answer> {
    let mut out: Vec<Answer> = model
        .matching(goal.pred, &goal.pattern(model))
        .into_iter()
        .filter_map(|id| {
            let row = model.row(goal.pred, id)?;
            Some((
                model.format_row(goal.pred, row),
                model.likelihood(goal.pred, id)?.units(),
                proof_height(model, goal.pred, id, 0),
            ))
        })
        .collect();
    out.sort();
    out
}

/// The height of the proof tree recorded for a row (facts 0); `None` past
/// a depth no finite proof here reaches (a cycle).
pub fn proof_height(model: &Model, pred: PredId, row: u32, depth: usize) -> Option<u32> {
    if depth > 200 {
        return None;
    }
    match model.derivation(pred, row)? {
        Derivation::Fact { .. } => Some(0),
        Derivation::Rule { premises, .. } => {
            let mut h = 0;
            for p in premises {
                h = h.max(proof_height(model, p.pred, p.row, depth + 1)?);
            }
            Some(h + 1)
        }
    }
}
