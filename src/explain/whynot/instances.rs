//! Every complete rule instance concluding a row (what key assumptions
//! read): the why-not search, collecting matches instead of ranking dead
//! ends.

use std::borrow::Cow;

use super::index::Index;
use super::search::Search;
use super::unify;
use crate::engine::{Model, RowId};
use crate::ir::{PredId, RuleId, ValueId};

/// A rule instance: the rule and its premise rows, in body order.
pub(crate) type Instance = (RuleId, Vec<(PredId, RowId)>);

/// Every rule instance that concludes `pred(row)` over the model: the rule
/// and the premise rows of each complete match (exceptions absent). `None`
/// when the search hit its step limit.
pub(crate) fn instances(
    model: &Model,
    index: &mut Index,
    pred: PredId,
    row: &[ValueId],
) -> Option<Vec<Instance>> {
    let program = model.program();
    let mut out = Vec::new();
    for (r, rule) in program.rules.iter().enumerate() {
        for head in &rule.heads {
            if head.pred != pred {
                continue;
            }
            let Some(seed) = unify(head, row, rule.body.vars.len()) else {
                continue;
            };
            let mut s = Search::new(model, Cow::Borrowed(model.values()), rule, index, true);
            s.run(seed);
            if s.truncated {
                return None;
            }
            for m in s.collect.unwrap_or_default() {
                let prem = rule
                    .body
                    .atoms
                    .iter()
                    .zip(m)
                    .map(|(a, id)| (a.pred, id))
                    .collect();
                out.push((RuleId(r as u32), prem));
            }
        }
    }
    Some(out)
}
