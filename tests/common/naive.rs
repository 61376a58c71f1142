//! The differential oracle: naive evaluation of a [`RandomProgram`] from
//! its own data (not the library's parse, check or lowering), level by
//! level, every rule over every binding of its atoms until nothing
//! changes, with the semantics of `docs/language.md` and the oracle's
//! values ([`super::oracle`]).
//!
//! A binding derives when every condition holds. The rule of
//! `docs/language.md` for faults: an overflow stops evaluation exactly
//! when some binding of all a rule's atoms has an overflowing computation
//! and no other condition of it fails (a condition reading an overflowed
//! value neither holds nor fails; a division by zero, a wrong kind, a
//! failing comparison or a certain exception fails it) — the oracle says
//! the overflow *must* happen, and otherwise that it cannot, whatever
//! bindings of fewer atoms compute. A division by zero is warned of when
//! some binding has one and nothing else fails; when the binding also
//! overflows, or fails, the oracle says it *may* be.

// Each test crate uses part of it.
#![allow(dead_code)]

use std::collections::HashMap;

use warrant::ir::{AggregateOp, CompareOp, Value};

use super::oracle::{self, Fail};
use super::random_program::{Agg, AtomT, Cond, Ex, RandomProgram, RuleT, Term};

/// A relation: rows and their likelihoods in ten-thousandths.
pub type Rel = HashMap<Vec<Value>, u16>;

const CERTAIN: u16 = 10_000;

/// Whether a fault must, may or cannot happen in any evaluation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    #[default]
    Never,
    May,
    Must,
}

/// What the oracle found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// By the program's predicate index.
    pub rels: Vec<Rel>,
    pub overflow: Fault,
    pub division_by_zero: Fault,
    /// A binding of some of a rule's atoms (not all) has an overflowing
    /// computation: an evaluation that computes early meets it (whether
    /// it stops is `overflow`'s to say).
    pub partial_overflow: bool,
    /// A `min`/`max` aggregate met equal values of different kinds
    /// (`2` and `2.0`): the integer is kept.
    pub kinds_tied: bool,
    /// Stopped: the model grew past the oracle's limit.
    pub too_large: bool,
    /// Derivations a less than certain exception weakened.
    pub weakened: usize,
    /// Bindings a certain exception removed.
    pub blocked: usize,
    /// Aggregate results computed, and matches a floor left out.
    pub aggregate_results: usize,
    pub below_floor: usize,
    /// Rows derived by rules that compute (`=`, expressions in
    /// conclusions), and by rules with an aggregate.
    pub derived_computing: usize,
    pub derived_aggregating: usize,
}

/// The oracle gives up past this many rows (a naive join of three large
/// recursive relations takes too long to be a test).
const MAX_ROWS: usize = 4000;

/// The failures of a computation: every operand is computed, so one
/// expression may fail in several ways (and the engine, computing in its
/// own order, may meet any of them first).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Fails {
    overflow: bool,
    division_by_zero: bool,
    /// A wrong kind.
    other: bool,
    /// A variable without a value (not bound yet, or an aggregate gave
    /// nothing): the computation is not made.
    missing: bool,
}

impl Fails {
    fn one(f: Fail) -> Fails {
        Fails {
            overflow: f == Fail::Overflow,
            division_by_zero: f == Fail::DivisionByZero,
            other: f == Fail::Kind,
            missing: false,
        }
    }

    fn or(self, o: Fails) -> Fails {
        Fails {
            overflow: self.overflow || o.overflow,
            division_by_zero: self.division_by_zero || o.division_by_zero,
            other: self.other || o.other,
            missing: self.missing || o.missing,
        }
    }
}

type Computed = Result<Value, Fails>;
type Env = HashMap<String, Computed>;

pub fn evaluate(p: &RandomProgram) -> Outcome {
    let mut out = Outcome {
        rels: vec![HashMap::new(); p.preds.len()],
        ..Outcome::default()
    };
    for (pred, row, lik) in &p.facts {
        let e = out.rels[*pred].entry(row.clone()).or_insert(0);
        *e = (*e).max(*lik);
    }
    let top = p.preds.iter().map(|x| x.level).max().unwrap_or(0);
    for level in 1..=top {
        let rules: Vec<&RuleT> = p
            .rules
            .iter()
            .filter(|r| p.preds[r.heads[0].0].level == level)
            .collect();
        loop {
            // Faults and counts of the last round only: it sees every
            // binding of the final relations.
            let mut round = Outcome::default();
            let mut derived: Vec<(usize, Vec<Value>, u16)> = Vec::new();
            for r in &rules {
                fire(&out.rels, r, None, &mut round, &mut derived);
            }
            let mut changed = false;
            for (pred, row, lik) in derived {
                let e = out.rels[pred].entry(row).or_insert(0);
                if lik > *e {
                    *e = lik;
                    changed = true;
                }
            }
            if out.rels.iter().map(HashMap::len).sum::<usize>() > MAX_ROWS {
                out.too_large = true;
                return out;
            }
            if !changed {
                out.overflow = out.overflow.max(round.overflow);
                out.division_by_zero = out.division_by_zero.max(round.division_by_zero);
                out.kinds_tied |= round.kinds_tied;
                out.weakened += round.weakened;
                out.blocked += round.blocked;
                out.aggregate_results += round.aggregate_results;
                out.below_floor += round.below_floor;
                out.derived_computing += round.derived_computing;
                out.derived_aggregating += round.derived_aggregating;
                // Whether a binding of fewer atoms overflows (the engine
                // computes as soon as what a computation reads is bound):
                // it must not stop evaluation unless `overflow` says so.
                for r in &rules {
                    let n = r
                        .conds
                        .iter()
                        .filter(|c| matches!(c, Cond::Atom(_)))
                        .count();
                    for mask in 0..(1usize << n) - 1 {
                        let subset: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
                        let mut probe = Outcome::default();
                        fire(&out.rels, r, Some(&subset), &mut probe, &mut Vec::new());
                        out.partial_overflow |= probe.overflow != Fault::Never;
                    }
                }
                break;
            }
        }
    }
    out
}

fn term_value(t: &Term, env: &Env) -> Option<Computed> {
    match t {
        Term::Var(v) => Some(env.get(v).cloned().unwrap_or(Err(Fails {
            missing: true,
            ..Fails::default()
        }))),
        Term::Const(c) => Some(Ok(c.clone())),
        Term::Wild => None,
    }
}

/// Applies `f` to operands that all succeeded; otherwise the failures of
/// all of them.
fn apply(operands: Vec<Computed>, f: impl FnOnce(&[Value]) -> Result<Value, Fail>) -> Computed {
    let mut fails = Fails::default();
    let mut ok = Vec::new();
    for o in operands {
        match o {
            Ok(v) => ok.push(v),
            Err(e) => fails = fails.or(e),
        }
    }
    if fails != Fails::default() {
        return Err(fails);
    }
    f(&ok).map_err(Fails::one)
}

fn eval(e: &Ex, env: &Env) -> Computed {
    match e {
        Ex::Term(t) => term_value(t, env).expect("no `_` in expressions"),
        Ex::Neg(x) => apply(vec![eval(x, env)], |v| oracle::negate(&v[0])),
        Ex::Bin(op, a, b) => apply(vec![eval(a, env), eval(b, env)], |v| {
            oracle::binary(*op, &v[0], &v[1])
        }),
        Ex::Call(f, args) => apply(args.iter().map(|a| eval(a, env)).collect(), |v| {
            oracle::call(*f, v)
        }),
    }
}

/// Every binding of `atoms` extending `env`, with the least likelihood of
/// the rows matched (one per combination of rows).
fn join(rels: &[Rel], atoms: &[&AtomT], env: Env, lik: u16) -> Vec<(Env, u16)> {
    let mut partial = vec![(env, lik)];
    for a in atoms {
        let mut next = Vec::new();
        for (env, lik) in &partial {
            'rows: for (row, &l) in &rels[a.pred] {
                let mut env = env.clone();
                for (t, v) in a.args.iter().zip(row) {
                    match t {
                        Term::Wild => {}
                        Term::Const(c) => {
                            if c != v {
                                continue 'rows;
                            }
                        }
                        Term::Var(x) => match env.get(x) {
                            Some(Ok(w)) if w != v => continue 'rows,
                            Some(_) => {}
                            None => {
                                env.insert(x.clone(), Ok(v.clone()));
                            }
                        },
                    }
                }
                next.push((env, (*lik).min(l)));
            }
        }
        partial = next;
    }
    partial
}

/// How a binding's conditions went.
#[derive(Clone, Copy, Default)]
struct Status {
    fails: bool,
    overflow: bool,
    division_by_zero: bool,
}

impl Status {
    fn see(&mut self, r: &Computed) {
        if let Err(e) = r
            && !e.missing
        {
            self.overflow |= e.overflow;
            self.division_by_zero |= e.division_by_zero;
            self.fails |= e.other;
        }
    }

    /// Records what the binding says about faults; whether it derives.
    fn settle(&self, out: &mut Outcome) -> bool {
        let must = |other: bool| if other { Fault::May } else { Fault::Must };
        if self.overflow {
            let f = must(self.fails || self.division_by_zero);
            out.overflow = out.overflow.max(f);
        }
        if self.division_by_zero {
            let f = must(self.fails || self.overflow);
            out.division_by_zero = out.division_by_zero.max(f);
        }
        !(self.fails || self.overflow || self.division_by_zero)
    }
}

fn test(lhs: &Ex, op: CompareOp, rhs: &Ex, env: &Env, status: &mut Status) {
    let (a, b) = (eval(lhs, env), eval(rhs, env));
    status.see(&a);
    status.see(&b);
    if let (Ok(a), Ok(b)) = (a, b)
        && !oracle::holds(op, &a, &b)
    {
        status.fails = true;
    }
}

/// Fires a rule on every binding of its atoms, deriving its conclusions;
/// with a `subset` of its atoms, only notes the faults of the conditions
/// those atoms bind everything for (and derives nothing).
fn fire(
    rels: &[Rel],
    rule: &RuleT,
    subset: Option<&[usize]>,
    out: &mut Outcome,
    derived: &mut Vec<(usize, Vec<Value>, u16)>,
) {
    let all: Vec<&AtomT> = rule
        .conds
        .iter()
        .filter_map(|c| match c {
            Cond::Atom(a) => Some(a),
            _ => None,
        })
        .collect();
    let atoms: Vec<&AtomT> = match subset {
        Some(s) => s.iter().map(|&i| all[i]).collect(),
        None => all.clone(),
    };
    let full = subset.is_none();
    // Variables the rule's atoms bind: an aggregate's group is fixed by
    // them before it runs.
    let atom_vars: Vec<&str> = all
        .iter()
        .flat_map(|a| a.args.iter())
        .filter_map(|t| match t {
            Term::Var(v) => Some(v.as_str()),
            _ => None,
        })
        .collect();
    let mut bindings = join(rels, &atoms, Env::new(), rule.likelihood);
    if !full && bindings.len() > 20_000 {
        // Too many to look at for a tally.
        bindings.clear();
    }
    for (mut env, lik) in bindings {
        // `=` bindings, in the order written (each reads what is before it).
        for c in &rule.conds {
            if let Cond::Assign(v, e) = c {
                let r = eval(e, &env);
                if !matches!(&r, Err(f) if f.missing) {
                    env.insert(v.clone(), r);
                }
            }
        }
        // Aggregates, each result (and the group it binds) a binding.
        let mut envs = vec![(env, lik, Status::default())];
        for c in &rule.conds {
            let (agg, result) = match c {
                Cond::Aggregate(v, a) => (a, Some(v)),
                Cond::AggregateTest(a, ..) => (a, None),
                _ => continue,
            };
            let mut next = Vec::new();
            for (env, lik, mut status) in envs {
                let group = rule.group(agg);
                if group
                    .iter()
                    .any(|g| atom_vars.contains(&g.as_str()) && !env.contains_key(g))
                {
                    // Not run before its group is bound.
                    next.push((env, lik, status));
                    continue;
                }
                let results = aggregate(rels, rule, agg, &env, out);
                if results.is_empty() {
                    status.fails = true;
                    // Still settled below: a fault of the other conditions
                    // may happen.
                    next.push((env, lik, status));
                    continue;
                }
                for (bound, value, l) in results {
                    let mut env = env.clone();
                    env.extend(bound.into_iter().map(|(k, v)| (k, Ok(v))));
                    let mut status = status;
                    // A sum out of range: an overflowed value.
                    status.see(&value);
                    match (c, result) {
                        (_, Some(v)) => {
                            env.insert(v.clone(), value);
                        }
                        (Cond::AggregateTest(_, op, rhs), None) => {
                            let b = eval(rhs, &env);
                            status.see(&b);
                            if let (Ok(a), Ok(b)) = (value, b)
                                && !oracle::holds(*op, &a, &b)
                            {
                                status.fails = true;
                            }
                        }
                        _ => unreachable!(),
                    }
                    next.push((env, lik.min(l), status));
                }
            }
            envs = next;
        }
        for (env, mut lik, mut status) in envs {
            for c in &rule.conds {
                match c {
                    Cond::Assign(_, e) => {
                        let r = eval(e, &env);
                        status.see(&r);
                    }
                    Cond::Test(t) => test(&t.lhs, t.op, &t.rhs, &env, &mut status),
                    Cond::Unless(a) => {
                        let args: Vec<Option<Computed>> =
                            a.args.iter().map(|t| term_value(t, &env)).collect();
                        if let Some(e) = args.iter().flatten().find(|r| r.is_err()) {
                            status.see(e);
                            continue;
                        }
                        let p = rels[a.pred]
                            .iter()
                            .filter(|(row, _)| {
                                args.iter()
                                    .zip(row.iter())
                                    .all(|(x, v)| x.as_ref().is_none_or(|x| x.as_ref() == Ok(v)))
                            })
                            .map(|(_, &l)| l)
                            .max();
                        match p {
                            Some(CERTAIN) => {
                                status.fails = true;
                                out.blocked += usize::from(full);
                            }
                            Some(p) => {
                                if full && CERTAIN - p < lik {
                                    out.weakened += 1;
                                }
                                lik = lik.min(CERTAIN - p);
                            }
                            None => {}
                        }
                    }
                    _ => {}
                }
            }
            let heads: Vec<(usize, Vec<Computed>)> = rule
                .heads
                .iter()
                .map(|(pred, args)| (*pred, args.iter().map(|e| eval(e, &env)).collect()))
                .collect();
            for (_, args) in &heads {
                args.iter().for_each(|a| status.see(a));
            }
            if !full {
                status.fails = true;
            }
            if status.settle(out) {
                let computes = rule.conds.iter().any(|c| matches!(c, Cond::Assign(..)))
                    || rule
                        .heads
                        .iter()
                        .any(|h| h.1.iter().any(|a| !matches!(a, Ex::Term(_))));
                let aggregates = rule
                    .conds
                    .iter()
                    .any(|c| matches!(c, Cond::Aggregate(..) | Cond::AggregateTest(..)));
                out.derived_computing += usize::from(computes);
                out.derived_aggregating += usize::from(aggregates);
                for (pred, args) in heads {
                    let row = args.into_iter().flatten().collect();
                    derived.push((pred, row, lik));
                }
            }
        }
    }
}

/// One result of an aggregate: the variables it binds (its group's that
/// nothing else binds), its value (an overflow when a sum leaves the
/// range) and its likelihood.
type AggregateResult = (Vec<(String, Value)>, Computed, u16);

/// A group's key, its members' targets and likelihoods, and whether a
/// member's computation overflowed.
type Group = (Vec<Value>, Vec<(Option<Value>, u16)>, bool);

/// The results of an aggregate under `env`: the values it binds (its
/// group's variables that nothing else binds), its value and likelihood.
fn aggregate(
    rels: &[Rel],
    rule: &RuleT,
    agg: &Agg,
    env: &Env,
    out: &mut Outcome,
) -> Vec<AggregateResult> {
    let group = rule.group(agg);
    // The sub-body sees the group's variables the rest of the rule binds,
    // nothing else.
    let fixed: Env = group
        .iter()
        .filter_map(|g| env.get(g).map(|v| (g.clone(), v.clone())))
        .collect();
    let free: Vec<&String> = group.iter().filter(|g| !env.contains_key(*g)).collect();
    let atoms: Vec<&AtomT> = agg.atoms.iter().collect();
    // Groups in first-met order; each member a (target, likelihood).
    let mut groups: Vec<Group> = Vec::new();
    for (m, l) in join(rels, &atoms, fixed, CERTAIN) {
        let mut st = Status::default();
        for t in &agg.tests {
            test(&t.lhs, t.op, &t.rhs, &m, &mut st);
        }
        if st.division_by_zero {
            // Not generated (inner arithmetic divides by nothing); the
            // match is not counted.
            out.division_by_zero = out.division_by_zero.max(Fault::May);
        }
        if st.fails || st.division_by_zero {
            continue;
        }
        if agg.floor.is_some_and(|f| l < f) {
            out.below_floor += 1;
            continue;
        }
        // A counted match that overflows leaves its group without a value.
        let key: Vec<Value> = free.iter().filter_map(|g| m[*g].clone().ok()).collect();
        let target = agg.target.as_ref().and_then(|t| m[t].clone().ok());
        match groups.iter_mut().find(|(k, ..)| *k == key) {
            Some((_, members, over)) => {
                members.push((target, l));
                *over |= st.overflow;
            }
            None => groups.push((key, vec![(target, l)], st.overflow)),
        }
    }
    if groups.is_empty() && free.is_empty() {
        groups.push((Vec::new(), Vec::new(), false));
    }
    let mut results = Vec::new();
    for (key, members, over) in groups {
        let lik = members.iter().map(|m| m.1).min().unwrap_or(CERTAIN);
        let targets: Vec<Value> = members.iter().filter_map(|m| m.0.clone()).collect();
        let value = match agg.op {
            _ if over => Err(Fail::Overflow),
            AggregateOp::Count => Ok(Value::Int(members.len() as i64)),
            AggregateOp::Sum => sum(&targets),
            AggregateOp::Min | AggregateOp::Max => extreme(&targets, agg.op, out),
        };
        let value = match value {
            Ok(v) => {
                out.aggregate_results += 1;
                Ok(v)
            }
            Err(Fail::Overflow) => Err(Fails::one(Fail::Overflow)),
            Err(_) => continue,
        };
        let bound = free.iter().map(|g| (*g).clone()).zip(key).collect();
        results.push((bound, value, lik));
    }
    results
}

/// The sum of numbers, whatever their order: integers exactly (only a
/// total outside the 64-bit range overflows), with decimals a decimal.
fn sum(values: &[Value]) -> Result<Value, Fail> {
    let (mut ints, mut decs, mut decimal) = (0i128, 0.0f64, false);
    for v in values {
        match v {
            Value::Int(i) => ints += i128::from(*i),
            Value::Dec(d) => {
                decs += d;
                decimal = true;
            }
            _ => return Err(Fail::Kind),
        }
    }
    if !decimal {
        return i64::try_from(ints)
            .map(Value::Int)
            .map_err(|_| Fail::Overflow);
    }
    let total = ints as f64 + decs;
    if total.is_finite() {
        Ok(Value::Dec(if total == 0.0 { 0.0 } else { total }))
    } else {
        Err(Fail::Overflow)
    }
}

/// The least or greatest value (of equal values of two kinds, the
/// integer): none of nothing or of texts mixed with numbers.
fn extreme(values: &[Value], op: AggregateOp, out: &mut Outcome) -> Result<Value, Fail> {
    let want = if op == AggregateOp::Min {
        std::cmp::Ordering::Less
    } else {
        std::cmp::Ordering::Greater
    };
    let mut best: Option<&Value> = None;
    for v in values {
        best = match best {
            None => Some(v),
            Some(b) => match oracle::order(v, b) {
                None => return Err(Fail::Kind),
                Some(o) if o == want => Some(v),
                Some(_) => Some(b),
            },
        };
    }
    let mut best = best.ok_or(Fail::Kind)?;
    let tied = |v: &&Value| oracle::order(v, best) == Some(std::cmp::Ordering::Equal) && *v != best;
    if let Some(other) = values.iter().find(tied) {
        out.kinds_tied = true;
        if matches!(other, Value::Int(_)) {
            best = other;
        }
    }
    if values.iter().any(|v| oracle::order(v, best).is_none()) {
        return Err(Fail::Kind);
    }
    Ok(best.clone())
}
