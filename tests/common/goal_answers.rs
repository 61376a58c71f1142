//! The answers of a query goal in a model, comparable across models: each
//! matching row as text, with its likelihood (units) and proof height.

use warrant::engine::Model;
use warrant::engine::demand::Goal;

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
                model.height(goal.pred, id),
            ))
        })
        .collect();
    out.sort();
    out
}
