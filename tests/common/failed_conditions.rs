//! Why-not's marks, recomputed from the model's rows and the oracle's
//! arithmetic rather than the search's: under a candidate's bindings, each
//! atom marked failed matches no row, each comparison marked failed is
//! false, each computation gives (met) or does not give (failed) the value
//! bound, and each aggregate recomputed over the rows gives (met) or does
//! not give (failed) its result — so a threshold on it (`N >= 2`) is
//! judged on the value the rows really give.

// Each test crate uses part of it.
#![allow(dead_code)]

use std::collections::HashMap;

use warrant::engine::Model;
use warrant::explain::{Candidate, CondKind, CondStatus};
use warrant::ir::{Arg, CompareKind, Expr, PredId, Rule, Value};

use super::ir_eval;
use super::oracle;

/// How many marks were recomputed, by kind, and how many could not be
/// (a side or an input the candidate does not show).
#[derive(Debug, Default)]
pub struct Checked {
    pub atoms: usize,
    pub comparisons: usize,
    pub computations: usize,
    pub aggregates: usize,
    pub undecided: usize,
}

/// A condition of a rule's body, in the order why-not shows them.
#[derive(Clone, Copy)]
enum Part {
    Atom(usize),
    Comparison(usize),
    Exception(usize),
    Computation(usize),
    Aggregate(usize),
}

/// The conditions as written: atoms, comparisons, exceptions, `=`
/// bindings and aggregates, by where they start.
fn parts(rule: &Rule) -> Vec<(Part, CondKind)> {
    let body = &rule.body;
    let mut order: Vec<(u32, Part, CondKind)> = Vec::new();
    for (i, a) in body.atoms.iter().enumerate() {
        order.push((a.span.start, Part::Atom(i), CondKind::Atom));
    }
    for (i, c) in body.comparisons.iter().enumerate() {
        order.push((c.span.start, Part::Comparison(i), CondKind::Comparison));
    }
    for (i, e) in body.exceptions.iter().enumerate() {
        order.push((e.span.start, Part::Exception(i), CondKind::Exception));
    }
    // An expression a comparison reads is shown in the comparison; any
    // other (a conclusion's argument) is a computation of its own.
    let read = |x: u32| {
        body.comparisons
            .iter()
            .any(|c| c.lhs == Arg::Var(x) || c.rhs == Arg::Var(x))
    };
    for (i, a) in body.assignments.iter().enumerate() {
        if !body.vars[a.var as usize].starts_with('_') || !read(a.var) {
            order.push((a.span.start, Part::Computation(i), CondKind::Computation));
        }
    }
    for (i, a) in body.aggregates.iter().enumerate() {
        order.push((a.span.start, Part::Aggregate(i), CondKind::Aggregate));
    }
    order.sort_by_key(|&(s, _, _)| s);
    order.into_iter().map(|(_, p, k)| (p, k)).collect()
}

/// A candidate's bindings: named variables as shown; hidden ones (an
/// expression's value) computed from them.
struct Scope<'a> {
    model: &'a Model,
    rule: &'a Rule,
    named: Vec<Option<Value>>,
}

/// An expression's value: `Err(None)` when an input is not bound.
type Computed = Result<Value, Option<oracle::Fail>>;

impl Scope<'_> {
    fn var(&self, x: u32) -> Option<Value> {
        if let Some(v) = &self.named[x as usize] {
            return Some(v.clone());
        }
        let a = self.rule.body.assignments.iter().find(|a| a.var == x)?;
        if !self.rule.body.vars[x as usize].starts_with('_') {
            return None;
        }
        self.eval(&a.expr).ok()
    }

    /// A comparison's side: a value, or a hidden variable's expression.
    fn side(&self, a: Arg) -> Computed {
        if let Arg::Var(x) = a
            && self.named[x as usize].is_none()
            && self.rule.body.vars[x as usize].starts_with('_')
            && let Some(s) = self.rule.body.assignments.iter().find(|s| s.var == x)
        {
            return self.eval(&s.expr);
        }
        self.arg(a).ok_or(None)
    }

    fn arg(&self, a: Arg) -> Option<Value> {
        match a {
            Arg::Var(x) => self.var(x),
            Arg::Const(k) => self.model.value(k).cloned(),
            Arg::Wildcard => None,
        }
    }

    fn eval(&self, e: &Expr) -> Computed {
        match e {
            Expr::Arg(a) => self.arg(*a).ok_or(None),
            Expr::Neg(x) => oracle::negate(&self.eval(x)?).map_err(Some),
            Expr::Binary(op, x, y) => {
                oracle::binary(*op, &self.eval(x)?, &self.eval(y)?).map_err(Some)
            }
            Expr::Call(f, args) => {
                let vals = args
                    .iter()
                    .map(|a| self.eval(a))
                    .collect::<Result<Vec<_>, _>>()?;
                oracle::call(*f, &vals).map_err(Some)
            }
        }
    }

    /// The bindings but `except` as value ids of the model; `None` when
    /// one is a value no row holds.
    fn ids(&self, except: u32) -> Option<ir_eval::Binding> {
        self.named
            .iter()
            .enumerate()
            .map(|(x, v)| match v {
                Some(v) if x != except as usize => self.model.values().lookup(v).map(Some),
                _ => Some(None),
            })
            .collect()
    }
}

/// Recomputes every mark of a candidate of `rule` that can be, for the
/// atom `pred(asked…)`; panics with `ctx` on one that
/// disagrees.
pub fn check(
    model: &Model,
    rule: &Rule,
    (pred, asked): (PredId, &[Value]),
    c: &Candidate,
    checked: &mut Checked,
    ctx: &str,
) {
    let body = &rule.body;
    let parts = parts(rule);
    assert_eq!(
        parts.iter().map(|p| p.1).collect::<Vec<_>>(),
        c.conditions.iter().map(|k| k.kind).collect::<Vec<_>>(),
        "{ctx}: the conditions of rule {}",
        rule.name
    );
    let mut named = vec![None; body.vars.len()];
    for b in &c.bindings {
        let x = body
            .vars
            .iter()
            .position(|v| *v == b.name)
            .unwrap_or_else(|| panic!("{ctx}: `{}` is no variable of the rule", b.name));
        named[x] = Some(b.value.clone());
    }
    // What the asked atom fixes of the conclusion's expressions (hidden,
    // so not among the bindings shown): the search tries each conclusion
    // of the predicate, and one expression may stand in several places.
    let mut asked_for: Vec<Vec<Value>> = vec![Vec::new(); body.vars.len()];
    for h in rule.heads.iter().filter(|h| h.pred == pred) {
        for (a, v) in h.args.iter().zip(asked) {
            if let Arg::Var(x) = *a
                && body.vars[x as usize].starts_with('_')
            {
                asked_for[x as usize].push(v.clone());
            }
        }
    }
    let scope = Scope { model, rule, named };
    for ((part, _), k) in parts.iter().zip(&c.conditions) {
        let ctx = format!("{ctx}: rule {}: `{}` ({})", rule.name, k.text, k.detail);
        let failed = k.status == CondStatus::Failed;
        match *part {
            Part::Atom(i) if failed => {
                let atom = &body.atoms[i];
                let matches = model.rows(atom.pred).any(|(_, row, _)| {
                    let mut local: HashMap<u32, u32> = HashMap::new();
                    atom.args.iter().zip(row).all(|(a, &id)| match *a {
                        Arg::Const(k) => k == id,
                        Arg::Wildcard => true,
                        Arg::Var(x) => match scope.var(x) {
                            Some(v) => model.value(id) == Some(&v),
                            None => *local.entry(x).or_insert(id) == id,
                        },
                    })
                });
                assert!(!matches, "{ctx}: a row matches the atom marked failed");
                checked.atoms += 1;
            }
            Part::Comparison(i) if failed => {
                let cmp = &body.comparisons[i];
                let (l, r) = (scope.side(cmp.lhs), scope.side(cmp.rhs));
                // A side whose expression fails fails the comparison.
                if matches!(l, Err(Some(_))) || matches!(r, Err(Some(_))) {
                    checked.comparisons += 1;
                    continue;
                }
                let (Ok(l), Ok(r)) = (l, r) else {
                    checked.undecided += 1;
                    continue;
                };
                let holds = match cmp.kind {
                    CompareKind::Scale(_) => {
                        let (Some(li), Some(ri)) =
                            (model.values().lookup(&l), model.values().lookup(&r))
                        else {
                            checked.undecided += 1;
                            continue;
                        };
                        oracle::compare_values(model.program(), li, cmp.op, ri, cmp.kind, |id| {
                            model.value(id).cloned().unwrap_or(Value::Int(i64::MIN))
                        })
                    }
                    CompareKind::Value => oracle::holds(cmp.op, &l, &r),
                };
                assert!(!holds, "{ctx}: {l} {} {r} holds", cmp.op.symbol());
                checked.comparisons += 1;
            }
            Part::Computation(i) if k.status != CondStatus::NotReached => {
                let a = &body.assignments[i];
                let bound = scope.named[a.var as usize].as_ref();
                let gives = match scope.eval(&a.expr) {
                    Err(None) => {
                        checked.undecided += 1;
                        continue;
                    }
                    Err(Some(_)) => false,
                    // The candidate does not say which conclusion it tried:
                    // met, the expression needs a value; failed, a value
                    // other than one the asked atom fixes.
                    Ok(v) if body.vars[a.var as usize].starts_with('_') => {
                        !failed || asked_for[a.var as usize].iter().all(|w| *w == v)
                    }
                    Ok(v) => bound.is_some_and(|b| *b == v),
                };
                assert_eq!(gives, !failed, "{ctx}: computed {:?}", scope.eval(&a.expr));
                checked.computations += 1;
            }
            Part::Aggregate(i) if k.status != CondStatus::NotReached => {
                let agg = &body.aggregates[i];
                let Some(ids) = scope.ids(agg.result) else {
                    checked.undecided += 1;
                    continue;
                };
                let result = scope.named[agg.result as usize].as_ref();
                let gives = ir_eval::aggregate(model, body, agg, &ids)
                    .into_iter()
                    .filter(|(bound, _, _)| {
                        bound
                            .iter()
                            .zip(&ids)
                            .all(|(g, b)| g.is_none() || b.is_none() || g == b)
                    })
                    .any(|(_, values, _)| match result {
                        Some(r) => values.contains(r),
                        None => !values.is_empty(),
                    });
                assert_eq!(
                    gives, !failed,
                    "{ctx}: the rows give {result:?} or not (bindings {:?})",
                    c.bindings
                );
                checked.aggregates += 1;
            }
            _ => {}
        }
    }
}
