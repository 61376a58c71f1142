//! Look-ups over the model for the why-not search: column indexes built on
//! first use.

use std::collections::HashMap;

use crate::engine::{Model, PatternArg, RowId};
use crate::ir::{PredId, ValueId};

/// Hash indexes over the model's rows, by predicate and bound columns,
/// built on first use.
/// Rows by the values of some columns.
type ColumnIndex = HashMap<Vec<ValueId>, Vec<RowId>>;

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
