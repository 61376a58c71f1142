//! Look-ups over the model for the why-not search: column indexes built on
//! first use, and every complete rule instance concluding a row.

use std::collections::HashMap;

use super::search::Search;
use super::unify;
use crate::engine::{Model, PatternArg, RowId};
use crate::ir::{PredId, RuleId, ValueId};

/// Hash indexes over the model's rows, by predicate and bound columns,
/// built on first use.
/// Rows by the values of some columns.
type ColumnIndex = HashMap<Vec<ValueId>, Vec<RowId>>;

/// A rule instance: the rule and its premise rows, in body order.
pub(crate) type Instance = (RuleId, Vec<(PredId, RowId)>);

#[derive(Default)]
pub(crate) struct Index {
    maps: HashMap<(PredId, Vec<usize>), ColumnIndex>,
    /// Column sets looked up once already: the first look-up goes through
    /// `Model::matching` (an engine index or a scan); a second builds an
    /// index, so a single why-not on a large model costs one scan.
    seen: std::collections::HashSet<(PredId, Vec<usize>)>,
}

impl Index {
    pub(super) fn lookup(
        &mut self,
        model: &Model,
        pred: PredId,
        pattern: &[PatternArg],
    ) -> Vec<RowId> {
        let cols: Vec<usize> = pattern
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(a, PatternArg::Value(_)))
            .map(|(c, _)| c)
            .collect();
        let key: Vec<ValueId> = pattern
            .iter()
            .filter_map(|a| match a {
                PatternArg::Value(v) => Some(*v),
                _ => None,
            })
            .collect();
        let rows: Vec<RowId> = if cols.is_empty() {
            (0..model.len(pred) as RowId).collect()
        } else if cols.len() == pattern.len() {
            model.lookup(pred, &key).into_iter().collect()
        } else if !self.maps.contains_key(&(pred, cols.clone()))
            && self.seen.insert((pred, cols.clone()))
        {
            let only_values: Vec<PatternArg> = pattern
                .iter()
                .map(|a| match a {
                    PatternArg::Value(v) => PatternArg::Value(*v),
                    _ => PatternArg::Any,
                })
                .collect();
            model.matching(pred, &only_values)
        } else {
            let map = self.maps.entry((pred, cols.clone())).or_insert_with(|| {
                let mut m: ColumnIndex = HashMap::new();
                for (id, row, _) in model.rows(pred) {
                    m.entry(cols.iter().map(|&c| row[c]).collect())
                        .or_default()
                        .push(id);
                }
                m
            });
            map.get(&key).cloned().unwrap_or_default()
        };
        // Repeated unbound variables must agree.
        let repeated = pattern
            .iter()
            .enumerate()
            .any(|(i, a)| matches!(a, PatternArg::Var(_)) && pattern[..i].contains(a));
        if !repeated {
            return rows;
        }
        rows.into_iter()
            .filter(|&id| {
                let Some(row) = model.row(pred, id) else {
                    return false;
                };
                pattern.iter().enumerate().all(|(i, a)| match a {
                    PatternArg::Var(_) => pattern[..i]
                        .iter()
                        .position(|b| b == a)
                        .is_none_or(|j| row[j] == row[i]),
                    _ => true,
                })
            })
            .collect()
    }
}

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
            let mut s = Search {
                program,
                model,
                values: std::borrow::Cow::Borrowed(model.values()),
                rule,
                index: &mut *index,
                steps: 0,
                truncated: false,
                partials: 0,
                best: Vec::new(),
                blocked: false,
                applies: false,
                collect: Some(Vec::new()),
            };
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
