//! What a rule step computed: the values of its assignments (`N = A + B`)
//! and its aggregates (`N = count { … }`) with the matches they counted,
//! read back from the model under the step's bindings.
//!
//! The engine records the values it computed when it can (see
//! `engine::model::recipe`); what it did not record is computed again here
//! with the same arithmetic ([`crate::arith`]). An aggregate reads only
//! lower strata, which the final model holds complete, so its matches are
//! found again by a join over the model.

use super::{AggregateCheck, BelowFloor, Computation, ground_atom, pattern_of};
use crate::arith;
use crate::engine::{Model, RowId};
use crate::ir::{self, Arg, PredId, Value, ValueId};
use crate::likelihood::Likelihood;

/// The rows of each match an aggregate counted (premise rows to link).
pub(crate) type CountedRows = Vec<Vec<(PredId, RowId)>>;

/// Matches of an aggregate body enumerated before the search gives up.
const MATCH_LIMIT: usize = 100_000;

/// A match of an aggregate body: its rows (body order), likelihood and
/// target value.
pub(crate) struct Match {
    pub rows: Vec<(PredId, RowId)>,
    pub likelihood: Likelihood,
    pub target: Option<ValueId>,
}

/// Completes a step's bindings: values the engine recorded first, then
/// assignments and aggregates computed from what is bound, until nothing
/// more can be.
pub(crate) fn complete(
    model: &Model,
    body: &ir::Body,
    recorded: &[Option<ValueId>],
    b: &mut [Option<ValueId>],
) {
    for (slot, v) in b.iter_mut().zip(recorded) {
        if slot.is_none() {
            *slot = *v;
        }
    }
    loop {
        let mut progress = false;
        for a in &body.assignments {
            if bound(b, a.var) {
                continue;
            }
            let mut reads = Vec::new();
            a.expr.vars(&mut reads);
            if reads.iter().all(|&v| bound(b, v))
                && let Ok(v) = arith::eval(&a.expr, &|x| arg(model, b, x))
                && let Some(id) = model.values().lookup(&v)
            {
                b[a.var as usize] = Some(id);
                progress = true;
            }
        }
        for agg in &body.aggregates {
            if bound(b, agg.result) || !agg.group.iter().all(|&g| bound(b, g)) {
                continue;
            }
            let (counted, _, _) = matches(model, agg, b);
            if let Some(v) = result(model, agg.op, &counted)
                && let Some(id) = model.values().lookup(&v)
            {
                b[agg.result as usize] = Some(id);
                progress = true;
            }
        }
        if !progress {
            return;
        }
    }
}

fn bound(b: &[Option<ValueId>], v: u32) -> bool {
    b.get(v as usize).copied().flatten().is_some()
}

fn arg(model: &Model, b: &[Option<ValueId>], a: Arg) -> Option<Value> {
    super::arg_value(a, b).and_then(|id| model.value(id).cloned())
}

/// The name a computed variable is shown by: its own, or for a hidden one
/// (`_=A + B`) the expression it stands for.
fn shown_name(vars: &[String], v: u32) -> String {
    let name = vars.get(v as usize).map_or("?", String::as_str);
    name.strip_prefix("_=").unwrap_or(name).to_string()
}

/// The values a step's assignments computed, in the order computed.
pub(crate) fn computations(
    model: &Model,
    body: &ir::Body,
    b: &[Option<ValueId>],
) -> Vec<Computation> {
    let sources = &model.program().sources;
    body.assignments
        .iter()
        .filter_map(|a| {
            let result = model.value(b.get(a.var as usize).copied().flatten()?)?;
            Some(Computation {
                var: shown_name(&body.vars, a.var),
                values: arith::display(&a.expr, &|x| arg(model, b, x)),
                result: result.clone(),
                at: sources.location(a.span),
            })
        })
        .collect()
}

/// A step's aggregates with what they counted; each counted match's rows
/// are returned beside, for the proof to link as nodes (the matches' `rows`
/// are left empty).
pub(crate) fn aggregates(
    model: &Model,
    body: &ir::Body,
    b: &[Option<ValueId>],
) -> Vec<(AggregateCheck, CountedRows)> {
    let program = model.program();
    body.aggregates
        .iter()
        .map(|agg| {
            let (counted, below, _) = matches(model, agg, b);
            let computed = result(model, agg.op, &counted);
            // The engine's value when it recorded one.
            let result = super::arg_value(Arg::Var(agg.result), b)
                .and_then(|id| model.value(id).cloned())
                .or(computed);
            let text = program.sources.slice(agg.span).to_string();
            let var = shown_name(&body.vars, agg.result);
            let rows = counted
                .iter()
                .take(AggregateCheck::SHOWN)
                .map(|m| m.rows.clone())
                .collect();
            let check = AggregateCheck {
                var,
                text,
                op: agg.op,
                floor: agg.floor,
                result,
                likelihood: counted
                    .iter()
                    .map(|m| m.likelihood)
                    .min()
                    .unwrap_or(Likelihood::CERTAIN),
                counted: counted
                    .iter()
                    .take(AggregateCheck::SHOWN)
                    .map(|m| super::AggregateMatch {
                        rows: Vec::new(),
                        likelihood: m.likelihood,
                        target: m.target.and_then(|t| model.value(t).cloned()),
                    })
                    .collect(),
                counted_total: counted.len(),
                below_floor: below
                    .iter()
                    .take(AggregateCheck::SHOWN)
                    .map(|m| BelowFloor {
                        rows: m
                            .rows
                            .iter()
                            .filter_map(|&(p, r)| Some(ground_atom(model, p, model.row(p, r)?)))
                            .collect(),
                        likelihood: m.likelihood,
                    })
                    .collect(),
                below_floor_total: below.len(),
                at: program.sources.location(agg.span),
            };
            (check, rows)
        })
        .collect()
}

/// What an aggregate computes over the matches it counted.
pub(crate) fn result(model: &Model, op: ir::AggregateOp, counted: &[Match]) -> Option<Value> {
    let targets: Vec<&Value> = counted
        .iter()
        .map(|m| m.target.and_then(|t| model.value(t)))
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default();
    if op != ir::AggregateOp::Count && targets.len() != counted.len() {
        return None;
    }
    // `count` reads only how many there are.
    let zero = Value::Int(0);
    let values: Vec<&Value> = if op == ir::AggregateOp::Count {
        vec![&zero; counted.len()]
    } else {
        targets
    };
    arith::aggregate(op, &values).ok().flatten()
}

/// The matches of an aggregate's body under the bindings of its group:
/// those at or above the floor, those below it, and whether the search
/// saw them all.
pub(crate) fn matches(
    model: &Model,
    agg: &ir::Aggregate,
    b: &[Option<ValueId>],
) -> (Vec<Match>, Vec<Match>, bool) {
    // Only the group is bound from outside: the body's other variables
    // are its own.
    let mut local: Vec<Option<ValueId>> = vec![None; b.len()];
    for &g in &agg.group {
        if let Some(slot) = local.get_mut(g as usize) {
            *slot = b.get(g as usize).copied().flatten();
        }
    }
    let mut all = Vec::new();
    let mut rows = Vec::new();
    let complete = join(
        model, &agg.body, agg.target, 0, &mut local, &mut rows, &mut all,
    );
    let (counted, below) = all
        .into_iter()
        .partition(|m| agg.floor.is_none_or(|f| m.likelihood >= f));
    (counted, below, complete)
}

/// Backtracking join of a body's atoms over the model; comparisons and
/// assignments are checked once every atom is matched. Returns false when
/// it stopped at [`MATCH_LIMIT`].
fn join(
    model: &Model,
    body: &ir::Body,
    target: Option<u32>,
    level: usize,
    b: &mut Vec<Option<ValueId>>,
    rows: &mut Vec<(PredId, RowId)>,
    out: &mut Vec<Match>,
) -> bool {
    let Some(atom) = body.atoms.get(level) else {
        let mut full = b.clone();
        for a in &body.assignments {
            match arith::eval(&a.expr, &|x| arg(model, &full, x))
                .ok()
                .and_then(|v| model.values().lookup(&v))
            {
                Some(id) => full[a.var as usize] = Some(id),
                None => return true,
            }
        }
        let holds = body.comparisons.iter().all(|c| {
            match (
                super::arg_value(c.lhs, &full),
                super::arg_value(c.rhs, &full),
            ) {
                (Some(l), Some(r)) => {
                    super::compare(model.values(), model.program(), l, c.op, r, c.kind)
                }
                _ => false,
            }
        });
        if holds {
            let likelihood = rows
                .iter()
                .filter_map(|&(p, r)| model.likelihood(p, r))
                .min()
                .unwrap_or(Likelihood::CERTAIN);
            out.push(Match {
                rows: rows.clone(),
                likelihood,
                target: target.and_then(|t| full.get(t as usize).copied().flatten()),
            });
        }
        return out.len() < MATCH_LIMIT;
    };
    let pattern = pattern_of(atom, b);
    for id in model.matching(atom.pred, &pattern) {
        let Some(row) = model.row(atom.pred, id) else {
            continue;
        };
        let before = b.clone();
        super::bind_atom(b, &atom.args, row);
        rows.push((atom.pred, id));
        let go_on = join(model, body, target, level + 1, b, rows, out);
        rows.pop();
        *b = before;
        if !go_on {
            return false;
        }
    }
    true
}
