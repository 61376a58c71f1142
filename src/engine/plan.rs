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
    /// `unless`: no row of `pred` matches.
    NotExists { pred: usize, how: Negation },
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
    /// Number of positive atoms (premise slots).
    pub atoms: usize,
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
    let mut bound = vec![false; nvars];
    let mut placed_atom = vec![false; body.atoms.len()];
    let mut placed_cmp = vec![false; body.comparisons.len()];
    let mut placed_neg = vec![false; body.exceptions.len()];
    let mut steps = Vec::new();

    place_filters(
        body,
        &bound,
        &mut placed_cmp,
        &mut placed_neg,
        rels,
        &mut steps,
    );
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
                atom: pick,
                pred,
                source: Source::Delta,
                cols,
            }
        } else if key_cols.is_empty() {
            Step::Scan {
                atom: pick,
                pred,
                source: Source::Full,
                cols,
            }
        } else if key_cols.len() == arity && cols.is_empty() {
            Step::Lookup {
                atom: pick,
                pred,
                row: key,
            }
        } else {
            let index = rels[pred].index(&key_cols);
            Step::Probe {
                atom: pick,
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
        place_filters(
            body,
            &bound,
            &mut placed_cmp,
            &mut placed_neg,
            rels,
            &mut steps,
        );
    }
    // Anything left reads an unbound variable (check forbids it); place it
    // anyway so that it fails rather than being ignored.
    for (i, c) in body.comparisons.iter().enumerate() {
        if !placed_cmp[i] {
            steps.push(compare_step(c));
        }
    }
    for (i, e) in body.exceptions.iter().enumerate() {
        if !placed_neg[i] {
            steps.push(negation_step(e, rels));
        }
    }
    Plan {
        steps,
        atoms: body.atoms.len(),
        vars: nvars,
    }
}

fn max_var(body: &ir::Body) -> Option<u32> {
    let atoms = body.atoms.iter().chain(&body.exceptions);
    let from_atoms = atoms.flat_map(|a| a.args.iter());
    let from_cmp = body.comparisons.iter().flat_map(|c| [&c.lhs, &c.rhs]);
    from_atoms
        .chain(from_cmp)
        .filter_map(|a| match a {
            Arg::Var(v) => Some(*v),
            _ => None,
        })
        .max()
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

fn place_filters(
    body: &ir::Body,
    bound: &[bool],
    placed_cmp: &mut [bool],
    placed_neg: &mut [bool],
    rels: &mut [Relation],
    steps: &mut Vec<Step>,
) {
    for (i, c) in body.comparisons.iter().enumerate() {
        if !placed_cmp[i] && arg_ready(&c.lhs, bound) && arg_ready(&c.rhs, bound) {
            placed_cmp[i] = true;
            steps.push(compare_step(c));
        }
    }
    for (i, e) in body.exceptions.iter().enumerate() {
        if !placed_neg[i] && e.args.iter().all(|a| arg_ready(a, bound)) {
            placed_neg[i] = true;
            steps.push(negation_step(e, rels));
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
