//! Adornments and sideways information passing: for a predicate demanded
//! with some arguments bound, its rules with the demand as a condition, and
//! the demand rules of their body atoms, read left to right.

use std::collections::HashMap;

use crate::ir::{self, Arg, Atom, Body, PredId, Program, Rule, RuleId, VarId};
use crate::likelihood::Likelihood;
use crate::source::Span;

use super::deps::Deps;

/// An adornment: per argument, whether it is bound.
pub(super) type Mask = Vec<bool>;

/// The demand predicates, rewritten rules and demand rules made so far,
/// and the adornments still to process.
pub(super) struct DemandRules<'a> {
    pub program: &'a Program,
    pub deps: &'a Deps,
    pub full: &'a [bool],
    pub out: &'a mut Program,
    /// The rewritten rules' stratum.
    pub stratum: usize,
    /// (predicate, adornment) → its demand predicate (`None`: nothing
    /// bound, every row asked for).
    pub masks: HashMap<(PredId, Mask), Option<PredId>>,
    pub queue: Vec<(PredId, Mask)>,
    /// Original rules with a demand condition, and which rule each runs.
    pub copies: Vec<Copy>,
    /// Rules that derive demand.
    pub rules: Vec<Rule>,
}

impl DemandRules<'_> {
    /// The demand predicate of `p` under `mask`, made (and queued) on first
    /// use; `None` when nothing is bound.
    pub fn demand(&mut self, p: PredId, mask: &Mask, span: Span) -> Option<PredId> {
        if let Some(&d) = self.masks.get(&(p, mask.clone())) {
            return d;
        }
        let d = mask.contains(&true).then(|| {
            let name = format!(
                "demand:{}/{}",
                self.program.pred(p).name,
                mask.iter()
                    .map(|&b| if b { 'b' } else { 'f' })
                    .collect::<String>()
            );
            let arity = mask.iter().filter(|&&b| b).count();
            self.out.preds.push(ir::Predicate {
                name,
                arity,
                params: vec![
                    ir::Param {
                        name: None,
                        ty: ir::ColumnType::Any,
                    };
                    arity
                ],
                doc: None,
                decl: None,
                first_seen: span,
            });
            PredId(self.out.preds.len() as u32 - 1)
        });
        self.masks.insert((p, mask.clone()), d);
        self.queue.push((p, mask.clone()));
        d
    }

    /// The rules concluding `p`, each with the demand for `p` under `mask`
    /// as a condition, and the demand rules of their body atoms.
    pub fn adorn(&mut self, p: PredId, mask: &Mask, runs_full: &dyn Fn(&Rule) -> bool) {
        let d = self.masks.get(&(p, mask.clone())).copied().flatten();
        let program = self.program;
        for (r, rule) in program.rules.iter().enumerate() {
            if runs_full(rule) {
                continue;
            }
            for (h, head) in rule.heads.iter().enumerate() {
                if head.pred != p {
                    continue;
                }
                self.adorn_rule(RuleId(r as u32), rule, h, mask, d);
            }
        }
    }

    fn adorn_rule(&mut self, id: RuleId, rule: &Rule, h: usize, mask: &Mask, d: Option<PredId>) {
        let body = &rule.body;
        let in_atoms = |v: VarId| body.atoms.iter().any(|a| a.args.contains(&Arg::Var(v)));
        let mut bound = vec![false; var_count(rule)];
        // The demand condition: the conclusion's bound arguments. A value
        // computed by the body cannot be read from the demand (its
        // assignment would overwrite it): any value stands there.
        let guard = d.map(|d| Atom {
            pred: d,
            args: rule.heads[h]
                .args
                .iter()
                .zip(mask)
                .filter(|(_, b)| **b)
                .map(|(a, _)| match *a {
                    Arg::Var(v) if in_atoms(v) => {
                        bound[v as usize] = true;
                        Arg::Var(v)
                    }
                    Arg::Const(c) => Arg::Const(c),
                    _ => Arg::Wildcard,
                })
                .collect(),
            span: rule.span,
        });
        let mut copy = rule.clone();
        copy.stratum = self.stratum;
        copy.body.atoms.extend(guard.clone());
        self.copies.push(Copy {
            guarded: guard.is_some(),
            rule: copy,
            origin: id,
        });

        let mut assigned = vec![false; body.assignments.len()];
        assign_ready(body, &mut bound, &mut assigned);
        for (i, atom) in body.atoms.iter().enumerate() {
            let q = atom.pred;
            if !self.full[q.0 as usize] && self.deps.derived[q.0 as usize] {
                let amask: Mask = atom
                    .args
                    .iter()
                    .map(|a| match *a {
                        Arg::Var(v) => bound[v as usize],
                        Arg::Const(_) => true,
                        Arg::Wildcard => false,
                    })
                    .collect();
                if let Some(dq) = self.demand(q, &amask, rule.span) {
                    let head = Atom {
                        pred: dq,
                        args: atom
                            .args
                            .iter()
                            .zip(&amask)
                            .filter(|(_, b)| **b)
                            .map(|(a, _)| *a)
                            .collect(),
                        span: atom.span,
                    };
                    // `demand:p(X) when demand:p(X)` adds nothing.
                    let trivial = i == 0
                        && guard
                            .as_ref()
                            .is_some_and(|g| g.args == head.args && g.pred == dq);
                    if !trivial {
                        let prefix = demand_body(body, i, guard.as_ref(), &head, &assigned);
                        self.rules.push(Rule {
                            name: format!("{}#demand{}", rule.name, self.rules.len()),
                            span: rule.span,
                            body: prefix,
                            heads: vec![head],
                            likelihood: Likelihood::CERTAIN,
                            because: None,
                            cites: Vec::new(),
                            stratum: self.stratum,
                        });
                    }
                }
            }
            for a in &atom.args {
                if let Arg::Var(v) = *a {
                    bound[v as usize] = true;
                }
            }
            assign_ready(body, &mut bound, &mut assigned);
        }
    }
}

/// A rule of the program as the rewritten program runs it.
pub(super) struct Copy {
    pub rule: Rule,
    pub origin: RuleId,
    /// With a demand condition (else it runs unconditionally).
    pub guarded: bool,
}

/// The copies worth running: a rule that runs unconditionally once needs
/// no other copy.
pub(super) fn needed_copies(copies: Vec<Copy>) -> Vec<Copy> {
    let mut free: Vec<RuleId> = copies
        .iter()
        .filter(|c| !c.guarded)
        .map(|c| c.origin)
        .collect();
    free.sort_unstable();
    free.dedup();
    let mut kept = Vec::new();
    for c in copies {
        let runs_free = free.binary_search(&c.origin).is_ok();
        if runs_free && (c.guarded || kept.iter().any(|k: &Copy| k.origin == c.origin)) {
            continue;
        }
        kept.push(c);
    }
    kept
}

/// How many variables a rule's body numbers (its names, or more).
fn var_count(rule: &Rule) -> usize {
    let mut n = rule.body.vars.len();
    let mut see = |a: &Arg| {
        if let Arg::Var(v) = *a {
            n = n.max(v as usize + 1);
        }
    };
    for a in rule
        .body
        .atoms
        .iter()
        .chain(&rule.body.exceptions)
        .chain(&rule.heads)
    {
        a.args.iter().for_each(&mut see);
    }
    for c in &rule.body.comparisons {
        see(&c.lhs);
        see(&c.rhs);
    }
    for a in &rule.body.assignments {
        n = n.max(a.var as usize + 1);
    }
    for a in &rule.body.aggregates {
        n = n.max(a.result as usize + 1);
        for &g in &a.group {
            n = n.max(g as usize + 1);
        }
    }
    n
}

/// Marks the assignments whose inputs are bound (and binds their
/// variables), until none more can run.
fn assign_ready(body: &Body, bound: &mut [bool], assigned: &mut [bool]) {
    loop {
        let mut more = false;
        for (i, a) in body.assignments.iter().enumerate() {
            let mut reads = Vec::new();
            a.expr.vars(&mut reads);
            if !assigned[i] && reads.iter().all(|&v| bound.get(v as usize) == Some(&true)) {
                assigned[i] = true;
                if let Some(b) = bound.get_mut(a.var as usize) {
                    *b = true;
                }
                more = true;
            }
        }
        if !more {
            break;
        }
    }
}

/// The body of a demand rule for atom `i`, `head` its conclusion: the
/// demand condition, the atoms before `i`, the assignments that compute
/// the conclusion's values, and the comparisons and exceptions these bind
/// (the filters the rule applies to the same bindings).
fn demand_body(
    body: &Body,
    i: usize,
    guard: Option<&Atom>,
    head: &Atom,
    assigned: &[bool],
) -> Body {
    let mut avail = vec![false; body.vars.len()];
    let set = |a: &Arg, avail: &mut Vec<bool>| {
        if let Arg::Var(v) = *a {
            if avail.len() <= v as usize {
                avail.resize(v as usize + 1, false);
            }
            avail[v as usize] = true;
        }
    };
    for a in guard.into_iter().chain(&body.atoms[..i]) {
        a.args.iter().for_each(|arg| set(arg, &mut avail));
    }
    // Only the assignments the conclusion needs, so that no arithmetic
    // runs that the rule itself would not run on these bindings.
    let mut needed = vec![false; body.assignments.len()];
    let mut wanted: Vec<VarId> = head
        .args
        .iter()
        .filter_map(|a| match *a {
            Arg::Var(v) => Some(v),
            _ => None,
        })
        .collect();
    while let Some(v) = wanted.pop() {
        for (k, a) in body.assignments.iter().enumerate() {
            if a.var == v && assigned[k] && !needed[k] {
                needed[k] = true;
                a.expr.vars(&mut wanted);
            }
        }
    }
    let assignments: Vec<ir::Assignment> = body
        .assignments
        .iter()
        .zip(&needed)
        .filter(|(_, n)| **n)
        .map(|(a, _)| a.clone())
        .collect();
    for a in &assignments {
        set(&Arg::Var(a.var), &mut avail);
    }
    let ready = |a: &Arg| match *a {
        Arg::Var(v) => avail.get(v as usize) == Some(&true),
        Arg::Const(_) | Arg::Wildcard => true,
    };
    Body {
        vars: body.vars.clone(),
        atoms: guard.into_iter().chain(&body.atoms[..i]).cloned().collect(),
        comparisons: body
            .comparisons
            .iter()
            .filter(|c| ready(&c.lhs) && ready(&c.rhs))
            .cloned()
            .collect(),
        exceptions: body
            .exceptions
            .iter()
            .filter(|e| e.args.iter().all(ready))
            .cloned()
            .collect(),
        assignments,
        aggregates: Vec::new(),
    }
}
