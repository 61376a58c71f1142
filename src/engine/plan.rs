//! Join plans: a rule body (or conflict body) compiled into a sequence of
//! steps, with the atom order chosen greedily from what is bound.

use crate::ir::{self, Arg, CompareKind, CompareOp};

use super::relation::Relation;

/// A value known when a step runs: a bound variable or a constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Operand {
    Var(u32),
    Const(u32),
}

/// What to do with one column of a row that a step reads.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ColOp {
    /// First occurrence of a variable: bind it.
    Bind(u32, u32),
    /// Already bound: the column must equal it.
    Check(u32, u32),
    /// The column must equal a constant.
    Const(u32, u32),
}

/// Which rows of a relation a step reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// The previous round's delta.
    Delta,
    /// Every row that existed when the round started.
    Full,
}

#[derive(Clone, Debug)]
pub(crate) enum Step {
    /// Iterate rows of `pred` (delta or full), binding/checking columns.
    Scan {
        atom: usize,
        pred: usize,
        source: Source,
        cols: Vec<ColOp>,
    },
    /// Look the bound columns up in an index, then bind/check the rest.
    Probe {
        atom: usize,
        pred: usize,
        index: usize,
        key: Vec<Operand>,
        cols: Vec<ColOp>,
    },
    /// Every column bound: one lookup in the row set.
    Lookup {
        atom: usize,
        pred: usize,
        row: Vec<Operand>,
    },
    Compare {
        lhs: Operand,
        op: CompareOp,
        rhs: Operand,
        kind: CompareKind,
    },
    /// `unless`: no row of `pred` matches (a matching row less than
    /// certain caps the likelihood instead).
    NotExists { pred: usize, how: Negation },
    /// `V = expr`: computes and binds `var`.
    Assign { var: u32, expr: ir::Expr },
    /// An aggregate over a sub-plan.
    Aggregate(Box<AggregateStep>),
}

/// `N = count { … }`: runs `plan` with the variables bound so far, groups
/// its matches by `group_out` (the group variables nothing else binds),
/// and binds `result` (and `group_out`) once per group.
#[derive(Clone, Debug)]
pub(crate) struct AggregateStep {
    pub op: ir::AggregateOp,
    pub result: u32,
    pub target: Option<u32>,
    pub group_out: Vec<u32>,
    /// Matches below this likelihood are not counted.
    pub floor: u16,
    pub plan: Plan,
    /// The variables bound before it that its sub-body reads.
    pub reads: Vec<u32>,
}

#[derive(Clone, Debug)]
pub(crate) enum Negation {
    /// No wildcard: one lookup.
    Row(Vec<Operand>),
    /// Some columns are wildcards: an index on the others.
    Index(usize, Vec<Operand>),
    /// Every column is a wildcard: the relation is empty.
    Empty,
}

#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub steps: Vec<Step>,
    /// Number of positive atoms (premise slots recorded).
    pub atoms: usize,
    /// Premise slots used, aggregates' sub-plans included (theirs follow
    /// the body's own).
    pub slots: usize,
    pub vars: usize,
}

fn operand(arg: Arg) -> Option<Operand> {
    match arg {
        Arg::Var(v) => Some(Operand::Var(v)),
        Arg::Const(c) => Some(Operand::Const(c)),
        Arg::Wildcard => None,
    }
}

fn arg_bound(arg: &Arg, bound: &[bool]) -> bool {
    match arg {
        Arg::Var(v) => bound.get(*v as usize).copied().unwrap_or(false),
        Arg::Const(_) => true,
        Arg::Wildcard => false,
    }
}

/// Compiles a body. `delta` names the positive atom that reads the delta
/// (it goes first); the others read the full relations as they were when
/// the round started.
pub(crate) fn compile(body: &ir::Body, delta: Option<usize>, rels: &mut [Relation]) -> Plan {
    let nvars = body
        .vars
        .len()
        .max(max_var(body).map_or(0, |v| v as usize + 1));
    compile_within(body, delta, rels, vec![false; nvars], 0)
}

/// Compiles a body whose variables in `bound` are bound before it runs,
/// with its premise slots from `offset` on (an aggregate's sub-body).
fn compile_within(
    body: &ir::Body,
    delta: Option<usize>,
    rels: &mut [Relation],
    mut bound: Vec<bool>,
    offset: usize,
) -> Plan {
    let nvars = bound.len();
    let mut placed_atom = vec![false; body.atoms.len()];
    let mut placed = Placed {
        cmp: vec![false; body.comparisons.len()],
        neg: vec![false; body.exceptions.len()],
        assign: vec![false; body.assignments.len()],
        agg: vec![false; body.aggregates.len()],
        slots: offset + body.atoms.len(),
    };
    // Variables the body's own atoms and assignments bind: an aggregate
    // waits for those of its group variables.
    let mut bound_here = vec![false; nvars];
    for a in &body.atoms {
        for arg in &a.args {
            if let Arg::Var(v) = arg
                && let Some(b) = bound_here.get_mut(*v as usize)
            {
                *b = true;
            }
        }
    }
    for a in &body.assignments {
        if let Some(b) = bound_here.get_mut(a.var as usize) {
            *b = true;
        }
    }
    let mut steps = Vec::new();

    place_filters(body, &mut bound, &bound_here, &mut placed, rels, &mut steps);
    let mut first = delta;
    for _ in 0..body.atoms.len() {
        let pick = match first.take() {
            Some(d) => d,
            None => {
                // Most bound columns first (an atom sharing a variable with
                // what is bound beats a cross product whatever its size);
                // then the smaller relation; then body order.
                let mut best: Option<(usize, usize, usize)> = None;
                for (i, atom) in body.atoms.iter().enumerate() {
                    if placed_atom[i] {
                        continue;
                    }
                    let nb = atom.args.iter().filter(|a| arg_bound(a, &bound)).count();
                    let size = rels.get(atom.pred.0 as usize).map_or(0, |r| r.len as usize);
                    let better = match best {
                        None => true,
                        Some((_, bn, bs)) => {
                            (nb > 0 && bn == 0)
                                || ((nb > 0) == (bn > 0) && (nb > bn || (nb == bn && size < bs)))
                        }
                    };
                    if better {
                        best = Some((i, nb, size));
                    }
                }
                match best {
                    Some((i, _, _)) => i,
                    None => break,
                }
            }
        };
        placed_atom[pick] = true;
        let slot = offset + pick;
        let atom = &body.atoms[pick];
        let pred = atom.pred.0 as usize;
        let is_delta = delta == Some(pick);
        // Key columns: bound args (only when probing the full relation).
        let mut key_cols = Vec::new();
        let mut key = Vec::new();
        let mut cols = Vec::new();
        let mut seen_here: Vec<u32> = Vec::new();
        for (c, arg) in atom.args.iter().enumerate() {
            let c = c as u32;
            match *arg {
                Arg::Var(v) if bound.get(v as usize).copied().unwrap_or(false) => {
                    if is_delta {
                        cols.push(ColOp::Check(c, v));
                    } else {
                        key_cols.push(c);
                        key.push(Operand::Var(v));
                    }
                }
                Arg::Var(v) => {
                    if seen_here.contains(&v) {
                        cols.push(ColOp::Check(c, v));
                    } else {
                        seen_here.push(v);
                        cols.push(ColOp::Bind(c, v));
                    }
                }
                Arg::Const(k) => {
                    if is_delta {
                        cols.push(ColOp::Const(c, k));
                    } else {
                        key_cols.push(c);
                        key.push(Operand::Const(k));
                    }
                }
                // A wildcard in a positive atom (check forbids it): any value.
                Arg::Wildcard => {}
            }
        }
        let arity = rels.get(pred).map_or(0, |r| r.arity);
        let step = if is_delta {
            Step::Scan {
                atom: slot,
                pred,
                source: Source::Delta,
                cols,
            }
        } else if key_cols.is_empty() {
            Step::Scan {
                atom: slot,
                pred,
                source: Source::Full,
                cols,
            }
        } else if key_cols.len() == arity && cols.is_empty() {
            Step::Lookup {
                atom: slot,
                pred,
                row: key,
            }
        } else {
            let index = rels[pred].index(&key_cols);
            Step::Probe {
                atom: slot,
                pred,
                index,
                key,
                cols,
            }
        };
        steps.push(step);
        for v in seen_here {
            if let Some(b) = bound.get_mut(v as usize) {
                *b = true;
            }
        }
        place_filters(body, &mut bound, &bound_here, &mut placed, rels, &mut steps);
    }
    // Anything left reads an unbound variable (check forbids it); place it
    // anyway so that it fails rather than being ignored.
    for (i, a) in body.assignments.iter().enumerate() {
        if !placed.assign[i] {
            steps.push(Step::Assign {
                var: a.var,
                expr: a.expr.clone(),
            });
        }
    }
    for (i, c) in body.comparisons.iter().enumerate() {
        if !placed.cmp[i] {
            steps.push(compare_step(c));
        }
    }
    for (i, e) in body.exceptions.iter().enumerate() {
        if !placed.neg[i] {
            steps.push(negation_step(e, rels));
        }
    }
    Plan {
        steps,
        atoms: body.atoms.len(),
        slots: placed.slots,
        vars: nvars,
    }
}

/// Which filters of a body are placed so far, and the premise slots used.
struct Placed {
    cmp: Vec<bool>,
    neg: Vec<bool>,
    assign: Vec<bool>,
    agg: Vec<bool>,
    slots: usize,
}

fn max_var(body: &ir::Body) -> Option<u32> {
    let mut vars = Vec::new();
    body_vars(body, &mut vars);
    vars.into_iter().max()
}

/// Every variable a body mentions, its aggregates' included.
fn body_vars(body: &ir::Body, vars: &mut Vec<u32>) {
    let atoms = body.atoms.iter().chain(&body.exceptions);
    for a in atoms.flat_map(|a| a.args.iter()) {
        if let Arg::Var(v) = a {
            vars.push(*v);
        }
    }
    for c in &body.comparisons {
        for a in [c.lhs, c.rhs] {
            if let Arg::Var(v) = a {
                vars.push(v);
            }
        }
    }
    for a in &body.assignments {
        vars.push(a.var);
        a.expr.vars(vars);
    }
    for a in &body.aggregates {
        vars.push(a.result);
        vars.extend(a.target);
        vars.extend(&a.group);
        body_vars(&a.body, vars);
    }
}

fn compare_step(c: &ir::Comparison) -> Step {
    Step::Compare {
        lhs: operand(c.lhs).unwrap_or(Operand::Const(u32::MAX)),
        op: c.op,
        rhs: operand(c.rhs).unwrap_or(Operand::Const(u32::MAX)),
        kind: c.kind,
    }
}

fn negation_step(e: &ir::Atom, rels: &mut [Relation]) -> Step {
    let pred = e.pred.0 as usize;
    let mut key_cols = Vec::new();
    let mut key = Vec::new();
    for (c, arg) in e.args.iter().enumerate() {
        if let Some(o) = operand(*arg) {
            key_cols.push(c as u32);
            key.push(o);
        }
    }
    let how = if key.len() == e.args.len() {
        Negation::Row(key)
    } else if key.is_empty() {
        Negation::Empty
    } else {
        Negation::Index(rels[pred].index(&key_cols), key)
    };
    Step::NotExists { pred, how }
}

/// Places every filter whose variables are bound: comparisons, exceptions,
/// assignments (which bind their variable, so this repeats until nothing
/// more can be placed) and aggregates (once the group variables the body
/// binds elsewhere are bound).
fn place_filters(
    body: &ir::Body,
    bound: &mut [bool],
    bound_here: &[bool],
    placed: &mut Placed,
    rels: &mut [Relation],
    steps: &mut Vec<Step>,
) {
    let is_bound = |bound: &[bool], v: u32| bound.get(v as usize).copied().unwrap_or(false);
    let set = |bound: &mut [bool], v: u32| {
        if let Some(b) = bound.get_mut(v as usize) {
            *b = true;
        }
    };
    loop {
        let mut more = false;
        for (i, c) in body.comparisons.iter().enumerate() {
            if !placed.cmp[i] && arg_ready(&c.lhs, bound) && arg_ready(&c.rhs, bound) {
                placed.cmp[i] = true;
                steps.push(compare_step(c));
            }
        }
        for (i, e) in body.exceptions.iter().enumerate() {
            if !placed.neg[i] && e.args.iter().all(|a| arg_ready(a, bound)) {
                placed.neg[i] = true;
                steps.push(negation_step(e, rels));
            }
        }
        for (i, a) in body.assignments.iter().enumerate() {
            let mut reads = Vec::new();
            a.expr.vars(&mut reads);
            if !placed.assign[i] && reads.iter().all(|&v| is_bound(bound, v)) {
                placed.assign[i] = true;
                steps.push(Step::Assign {
                    var: a.var,
                    expr: a.expr.clone(),
                });
                set(bound, a.var);
                more = true;
            }
        }
        for (i, a) in body.aggregates.iter().enumerate() {
            let waits = a.group.iter().any(|&g| {
                bound_here.get(g as usize).copied().unwrap_or(false) && !is_bound(bound, g)
            });
            if placed.agg[i] || waits {
                continue;
            }
            placed.agg[i] = true;
            let group_out: Vec<u32> = a
                .group
                .iter()
                .copied()
                .filter(|&g| !is_bound(bound, g))
                .collect();
            let plan = compile_within(&a.body, None, rels, bound.to_vec(), placed.slots);
            let mut reads = Vec::new();
            body_vars(&a.body, &mut reads);
            reads.retain(|&v| is_bound(bound, v));
            reads.sort_unstable();
            reads.dedup();
            placed.slots = placed.slots.max(plan.slots);
            steps.push(Step::Aggregate(Box::new(AggregateStep {
                op: a.op,
                result: a.result,
                target: a.target,
                group_out: group_out.clone(),
                floor: a.floor.map_or(0, |l| l.units()),
                plan,
                reads,
            })));
            set(bound, a.result);
            for g in group_out {
                set(bound, g);
            }
            more = true;
        }
        if !more {
            break;
        }
    }
}

/// Bound, constant or wildcard.
fn arg_ready(arg: &Arg, bound: &[bool]) -> bool {
    match arg {
        Arg::Var(v) => bound.get(*v as usize).copied().unwrap_or(false),
        Arg::Const(_) | Arg::Wildcard => true,
    }
}
