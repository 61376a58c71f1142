//! What a checked rule's computations give on a model, by the oracle's
//! values ([`super::oracle`]) rather than the engine's: `=` bindings,
//! expressions of comparisons and conclusions (hidden variables), and
//! aggregates over the model's rows. The proof checker completes a rule's
//! bindings with it to judge a step.

// Each test crate uses part of it.
#![allow(dead_code)]

use warrant::engine::Model;
use warrant::ir::{AggregateOp, Arg, Body, Expr, Rule, Value};
use warrant::likelihood::Likelihood;

use super::oracle::{self, Fail};

/// Bindings by `VarId`, as value ids of the model.
pub type Binding = Vec<Option<u32>>;

fn arg(model: &Model, b: &Binding, a: Arg) -> Option<Value> {
    match a {
        Arg::Var(v) => b[v as usize].and_then(|id| model.value(id).cloned()),
        Arg::Const(c) => model.value(c).cloned(),
        Arg::Wildcard => None,
    }
}

/// An expression's value; `Err(Kind)` also for an unbound variable.
pub fn expr(model: &Model, b: &Binding, e: &Expr) -> Result<Value, Fail> {
    match e {
        Expr::Arg(a) => arg(model, b, *a).ok_or(Fail::Kind),
        Expr::Neg(x) => oracle::negate(&expr(model, b, x)?),
        Expr::Binary(op, x, y) => oracle::binary(*op, &expr(model, b, x)?, &expr(model, b, y)?),
        Expr::Call(f, args) => {
            let vals = args
                .iter()
                .map(|a| expr(model, b, a))
                .collect::<Result<Vec<_>, _>>()?;
            oracle::call(*f, &vals)
        }
    }
}

/// Binds `args` to `row`; false on a clash with a constant or a binding.
pub fn unify(args: &[Arg], row: &[u32], b: &mut Binding) -> bool {
    if args.len() != row.len() {
        return false;
    }
    for (a, &v) in args.iter().zip(row) {
        match *a {
            Arg::Const(c) if c != v => return false,
            Arg::Var(x) => match b[x as usize] {
                Some(w) if w != v => return false,
                _ => b[x as usize] = Some(v),
            },
            _ => {}
        }
    }
    true
}

/// Sets `var` to `value` (interned in the model); false when the model
/// has no such value (no row could hold it) or `var` holds another.
fn set(model: &Model, b: &mut Binding, var: u32, value: &Value) -> bool {
    let Some(id) = model.values().lookup(value) else {
        return false;
    };
    match b[var as usize] {
        Some(w) => w == id,
        None => {
            b[var as usize] = Some(id);
            true
        }
    }
}

/// Computes the `=` bindings of a body in rounds (each once what it reads
/// is bound); false when one fails or disagrees with a value already bound.
fn assign(model: &Model, body: &Body, b: &mut Binding) -> bool {
    let mut pending: Vec<_> = body.assignments.iter().collect();
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for a in pending {
            let mut reads = Vec::new();
            a.expr.vars(&mut reads);
            if reads.iter().any(|&v| b[v as usize].is_none()) {
                rest.push(a);
                continue;
            }
            match expr(model, b, &a.expr) {
                Ok(v) if set(model, b, a.var, &v) => {}
                _ => return false,
            }
        }
        pending = rest;
        if pending.len() == before {
            return false;
        }
    }
    true
}

/// Whether a body's comparisons hold (every variable bound).
fn comparisons_hold(model: &Model, body: &Body, b: &Binding) -> bool {
    body.comparisons.iter().all(|c| {
        let id = |a: Arg| match a {
            Arg::Var(v) => b[v as usize],
            Arg::Const(k) => Some(k),
            Arg::Wildcard => None,
        };
        match (id(c.lhs), id(c.rhs)) {
            (Some(l), Some(r)) => {
                oracle::compare_values(model.program(), l, c.op, r, c.kind, |v| {
                    model.value(v).cloned().unwrap_or(Value::Int(i64::MIN))
                })
            }
            _ => false,
        }
    })
}

/// An aggregate of `body` under `b` (the group variables the body's atoms
/// bind are bound): for each group, the bindings of the group variables
/// the aggregate binds, the values it may give (one, or for `min`/`max`
/// every value equal to the extreme, since which of `2` and `2.0` is kept
/// is the evaluation order's choice) and its likelihood. A group variable
/// the aggregate binds that `b` already holds (from a conclusion) selects
/// its group.
pub fn aggregate(
    model: &Model,
    body: &Body,
    agg: &warrant::ir::Aggregate,
    b: &Binding,
) -> Vec<(Binding, Vec<Value>, Likelihood)> {
    let fixed = |g: u32| body.atoms.iter().any(|a| a.args.contains(&Arg::Var(g)));
    // The sub-body sees the group's fixed variables, nothing else.
    let mut start = vec![None; b.len()];
    for &g in &agg.group {
        if fixed(g) {
            start[g as usize] = b[g as usize];
        }
    }
    let free: Vec<u32> = agg.group.iter().copied().filter(|&g| !fixed(g)).collect();
    let mut partial = vec![(start, Likelihood::CERTAIN)];
    for atom in &agg.body.atoms {
        let mut next = Vec::new();
        for (pb, l) in &partial {
            for (_, row, rl) in model.rows(atom.pred) {
                let mut nb = pb.clone();
                if unify(&atom.args, row, &mut nb) {
                    next.push((nb, (*l).min(rl)));
                }
            }
        }
        partial = next;
    }
    // Each group: its key, and its members' targets and likelihoods.
    type Group = (Vec<Option<u32>>, Vec<(Option<Value>, Likelihood)>);
    let mut groups: Vec<Group> = Vec::new();
    for (mut m, l) in partial {
        if !assign(model, &agg.body, &mut m) || !comparisons_hold(model, &agg.body, &m) {
            continue;
        }
        if agg.floor.is_some_and(|f| l < f) {
            continue;
        }
        let key: Vec<Option<u32>> = free.iter().map(|&g| m[g as usize]).collect();
        let target = agg.target.and_then(|t| arg(model, &m, Arg::Var(t)));
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push((target, l)),
            None => groups.push((key, vec![(target, l)])),
        }
    }
    if groups.is_empty() && free.is_empty() {
        groups.push((Vec::new(), Vec::new()));
    }
    let mut out = Vec::new();
    for (key, members) in groups {
        if free
            .iter()
            .zip(&key)
            .any(|(&g, k)| b[g as usize].is_some_and(|w| Some(w) != *k))
        {
            continue;
        }
        let lik = members
            .iter()
            .map(|m| m.1)
            .min()
            .unwrap_or(Likelihood::CERTAIN);
        let targets: Vec<Value> = members.iter().filter_map(|m| m.0.clone()).collect();
        let values = match agg.op {
            AggregateOp::Count => vec![Value::Int(members.len() as i64)],
            AggregateOp::Sum => match targets.iter().try_fold(Value::Int(0), |s, t| {
                oracle::binary(warrant::ir::ArithOp::Add, &s, t)
            }) {
                Ok(v) => vec![v],
                Err(_) => continue,
            },
            AggregateOp::Min | AggregateOp::Max => {
                let want = if agg.op == AggregateOp::Min {
                    std::cmp::Ordering::Less
                } else {
                    std::cmp::Ordering::Greater
                };
                let Some(first) = targets.first() else {
                    continue;
                };
                if targets.iter().any(|t| oracle::order(t, first).is_none()) {
                    continue;
                }
                let best = targets.iter().fold(first, |best, t| {
                    if oracle::order(t, best) == Some(want) {
                        t
                    } else {
                        best
                    }
                });
                targets
                    .iter()
                    .filter(|t| oracle::order(t, best) == Some(std::cmp::Ordering::Equal))
                    .fold(Vec::new(), |mut vs, t| {
                        if !vs.contains(t) {
                            vs.push(t.clone());
                        }
                        vs
                    })
            }
        };
        let mut bound = vec![None; b.len()];
        for (&g, v) in free.iter().zip(key) {
            bound[g as usize] = v;
        }
        out.push((bound, values, lik));
    }
    out
}

/// Every completion of a rule's bindings from its atoms (and whatever
/// else is already bound, e.g. by its conclusion) through its aggregates
/// and `=` bindings, with the least likelihood of the aggregates; none
/// where a computation fails or disagrees with what is bound.
pub fn complete(model: &Model, rule: &Rule, b: &Binding) -> Vec<(Binding, Likelihood)> {
    complete_body(model, &rule.body, b)
}

/// [`complete`] for a body.
pub fn complete_body(model: &Model, body: &Body, b: &Binding) -> Vec<(Binding, Likelihood)> {
    let mut partial = vec![(b.clone(), Likelihood::CERTAIN)];
    for agg in &body.aggregates {
        let mut next = Vec::new();
        for (pb, l) in &partial {
            for (bound, values, al) in aggregate(model, body, agg, pb) {
                for v in &values {
                    let mut nb = pb.clone();
                    let consistent = bound.iter().enumerate().all(|(i, x)| match x {
                        Some(id) => {
                            nb[i].is_none_or(|w| w == *id) && {
                                nb[i] = Some(*id);
                                true
                            }
                        }
                        None => true,
                    });
                    if consistent && set(model, &mut nb, agg.result, v) {
                        next.push((nb, (*l).min(al)));
                    }
                }
            }
        }
        partial = next;
    }
    partial.retain_mut(|(pb, _)| assign(model, body, pb));
    partial
}

/// Whether a completed binding satisfies a body's comparisons.
pub fn holds(model: &Model, body: &Body, b: &Binding) -> bool {
    comparisons_hold(model, body, b)
}
