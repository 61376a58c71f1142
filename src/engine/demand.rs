//! Goal-directed evaluation: a query with constants (`sg(5, Y)`) computes
//! only the rows its answers can depend on, by a demand (magic-set)
//! rewriting of the program.
//!
//! **What is demanded.** The goal `p(5, Y)` asks for the rows of `p` whose
//! first argument is `5`: the *adornment* `bf` (bound, free) of `p`, and a
//! demand predicate `demand:p/bf` holding `5`. Each rule that concludes
//! `p` runs with one more condition, the demand on its conclusion's bound
//! arguments; its body atoms, read left to right, pass bindings sideways:
//! an atom of a derived predicate is demanded with the arguments that are
//! constants or bound by the demand and the atoms before it, and a demand
//! rule derives that demand from the same prefix (atoms, and the
//! assignments and comparisons it can compute). Demand for a predicate
//! with nothing bound runs its rules unconditionally.
//!
//! **What is computed in full.** A predicate read by `unless` or inside an
//! aggregate, and everything it depends on, is evaluated in full in its
//! original stratum, before the demanded part: an exception or a count over
//! a partial relation would be wrong, and graded exceptions read the exact
//! likelihood of the exception. The demanded predicates and the demand
//! predicates then form one last stratum, which is positive apart from
//! reading those complete lower predicates, so the rewriting always
//! stratifies. Predicates the goal does not depend on are not evaluated;
//! conflicts are not evaluated.
//!
//! **Why the answers are the full model's.** Every rule instance concluding
//! a demanded row passes its demand condition, and every atom of it is
//! demanded in turn, so a demanded row gets every derivation it has in the
//! full model (likelihood: max over derivations, min along each) — and
//! only true derivations, since the demand condition adds no premise.
//! Demand rows are certain, of proof height 0, and weigh nothing in a
//! derivation (`Sink::Rule::demand`), and each rewritten rule records its
//! derivation as the original rule's, so proofs read back in the original
//! program with the same likelihood and height as in the full model. The
//! proof is the same one unless two derivations tie on both, where the
//! first found is kept, which may differ.
//!
//! **Fallbacks** (the full model, never a partial one): no goal has a
//! constant, every goal's predicate is computed in full (read by `unless`
//! or an aggregate), or a rule records premise row ids (a wildcard in a
//! positive atom, which `check` forbids).
//!
//! Rows of the returned model outside the goals' patterns may be missing
//! or less likely than in the full model: read only the goals' answers.

use std::collections::HashMap;
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::ir::{self, Arg, Atom, Body, PredId, Program, Rule, RuleId, Stratum, Value, VarId};
use crate::likelihood::Likelihood;
use crate::source::Span;

use super::model::recipe;
use super::{EvalOptions, Model, PatternArg, Rewritten, evaluate, evaluate_as};

/// A query atom: a predicate and, per argument, a constant or nothing
/// (a variable or `_`).
#[derive(Clone, Debug)]
pub struct Goal {
    pub pred: PredId,
    pub args: Vec<Option<Value>>,
}

impl Goal {
    /// The goal of a query pattern (`sg(5, Y)`); `None` when the predicate
    /// is unknown or the arity wrong (resolving the query reports it).
    pub fn of_pattern(program: &Program, atom: &crate::syntax::ast::Atom) -> Option<Goal> {
        let pred = program.pred_id(&atom.pred.text)?;
        (program.pred(pred).arity == atom.args.len()).then(|| Goal {
            pred,
            args: atom.args.iter().map(super::query::pattern_value).collect(),
        })
    }

    /// The goal as a pattern over a model's rows (a constant the model
    /// has no value for matches nothing).
    pub fn pattern(&self, model: &Model) -> Vec<PatternArg> {
        self.args
            .iter()
            .map(|a| match a {
                Some(v) => PatternArg::Value(model.values().lookup(v).unwrap_or(super::NIL)),
                None => PatternArg::Any,
            })
            .collect()
    }
}

/// Why a goal-directed evaluation computed the full model instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FullReason {
    /// No goal has a constant: every row is asked for.
    NothingBound,
    /// Every goal's predicate is read by `unless` or an aggregate, so it
    /// is computed in full anyway.
    ComputedInFull,
    /// A rule records the row ids of its premises (a wildcard in a
    /// positive atom), which a rewritten rule cannot reproduce.
    PremiseIds,
}

/// The model a goal-directed evaluation gives, and how it was computed.
#[derive(Clone, Debug)]
pub struct Demanded {
    pub model: Model,
    /// `Ok(n)`: by demand, with `n` demand predicates; `Err`: the full
    /// model, and why.
    pub strategy: Result<usize, FullReason>,
}

/// Evaluates what the goals need: their answers (the rows of each goal's
/// predicate that match its constants) are those of [`evaluate`], with the
/// same likelihoods and proofs of the same likelihood and height.
///
/// Errors: those of [`evaluate`] (the row limit, an integer overflow) met
/// on the way; a rule the goals do not need cannot cause one.
pub fn evaluate_goals(
    program: &Arc<Program>,
    options: &EvalOptions,
    goals: &[Goal],
) -> Result<Demanded, Vec<Diagnostic>> {
    let rewriting = match rewrite(program, goals) {
        Ok(r) => r,
        Err(reason) => {
            return Ok(Demanded {
                model: evaluate(program, options)?,
                strategy: Err(reason),
            });
        }
    };
    let Rewriting {
        program: rewritten,
        origin,
        seeds,
    } = rewriting;
    let demand_from = program.preds.len();
    let ndemand = rewritten.preds.len() - demand_from;
    let mut opts = options.clone();
    opts.extra_facts.extend(seeds);
    let how = Rewritten {
        original: program,
        origin: &origin,
        demand_from,
    };
    let model = evaluate_as(&Arc::new(rewritten), &opts, Some(&how))?;
    Ok(Demanded {
        model: restore(model, program, options, &origin),
        strategy: Ok(ndemand),
    })
}

/// The model of a rewritten program as a model of the original: the
/// demand predicates and the records of demand rules dropped (both come
/// last), the original program and given facts back.
fn restore(
    mut model: Model,
    program: &Arc<Program>,
    options: &EvalOptions,
    origin: &[Option<RuleId>],
) -> Model {
    let n = program.preds.len();
    let kept_tags: usize = model
        .program
        .rules
        .iter()
        .zip(origin)
        .filter(|(_, o)| o.is_some())
        .map(|(r, _)| r.heads.len())
        .sum();
    model.rels.truncate(n);
    model.recipes.truncate(kept_tags);
    model.stats.rows.truncate(n);
    model.stats.derived.truncate(n);
    model.stats.bytes = model
        .rels
        .iter()
        .map(super::relation::Relation::bytes)
        .sum();
    model.stats.strata = program.strata.len();
    model.given = options.extra_facts.clone();
    model.program = Arc::clone(program);
    model
}

/// A rewritten program, which of the original rules each of its rules
/// runs, and the demand facts of the goals.
struct Rewriting {
    program: Program,
    origin: Vec<Option<RuleId>>,
    seeds: Vec<ir::Fact>,
}

/// An adornment: per argument, whether it is bound.
type Mask = Vec<bool>;

/// The predicates of the rules' bodies, per head predicate, and those read
/// by `unless` or an aggregate.
struct Deps {
    /// `reads[p]`: every predicate a rule concluding `p` reads.
    reads: Vec<Vec<PredId>>,
    /// Read by an exception or inside an aggregate, in some rule.
    negated: Vec<bool>,
    /// Concluded by some rule.
    derived: Vec<bool>,
}

fn body_preds(body: &Body, all: &mut Vec<PredId>, negated: &mut Vec<PredId>) {
    all.extend(body.atoms.iter().map(|a| a.pred));
    for e in &body.exceptions {
        all.push(e.pred);
        negated.push(e.pred);
    }
    for agg in &body.aggregates {
        let mut inner = Vec::new();
        body_preds(&agg.body, &mut inner, negated);
        negated.extend(&inner);
        all.extend(inner);
    }
}

fn deps(program: &Program) -> Deps {
    let n = program.preds.len();
    let mut d = Deps {
        reads: vec![Vec::new(); n],
        negated: vec![false; n],
        derived: vec![false; n],
    };
    for rule in &program.rules {
        let (mut all, mut neg) = (Vec::new(), Vec::new());
        body_preds(&rule.body, &mut all, &mut neg);
        for h in &rule.heads {
            let p = h.pred.0 as usize;
            d.derived[p] = true;
            d.reads[p].extend(&all);
            for &q in &neg {
                d.negated[q.0 as usize] = true;
            }
        }
    }
    d
}

/// `from` and every predicate they read, transitively.
fn closure(deps: &Deps, from: impl IntoIterator<Item = PredId>) -> Vec<bool> {
    let mut seen = vec![false; deps.reads.len()];
    let mut stack: Vec<PredId> = from.into_iter().collect();
    while let Some(p) = stack.pop() {
        if std::mem::replace(&mut seen[p.0 as usize], true) {
            continue;
        }
        stack.extend(&deps.reads[p.0 as usize]);
    }
    seen
}

/// Rewrites the program for the goals, or says why the full model is
/// needed.
fn rewrite(program: &Program, goals: &[Goal]) -> Result<Rewriting, FullReason> {
    if goals.iter().all(|g| g.args.iter().all(Option::is_none)) {
        return Err(FullReason::NothingBound);
    }
    let deps = deps(program);
    let relevant = closure(&deps, goals.iter().map(|g| g.pred));
    let negated = (0..program.preds.len())
        .filter(|&p| relevant[p] && deps.negated[p])
        .map(|p| PredId(p as u32));
    let full = closure(&deps, negated);
    let is_full = |p: PredId| full[p.0 as usize];
    if goals.iter().all(|g| is_full(g.pred)) {
        return Err(FullReason::ComputedInFull);
    }
    let runs_full = |r: &Rule| r.heads.iter().any(|h| is_full(h.pred));
    for (i, rule) in program.rules.iter().enumerate() {
        let needed = rule.heads.iter().any(|h| relevant[h.pred.0 as usize]);
        if needed
            && (0..rule.heads.len()).any(|h| recipe(RuleId(i as u32), rule, h).stored.is_none())
        {
            return Err(FullReason::PremiseIds);
        }
    }

    let mut out = Program::clone(program);
    out.conflicts.clear();
    out.tests.clear();
    let mut rules: Vec<Rule> = Vec::new();
    let mut origin: Vec<Option<RuleId>> = Vec::new();
    // The predicates and rules computed in full keep their strata.
    let mut strata: Vec<Stratum> = Vec::new();
    for (s, st) in program.strata.iter().enumerate() {
        let mut stratum = Stratum {
            preds: st.preds.iter().copied().filter(|&p| is_full(p)).collect(),
            rules: Vec::new(),
        };
        for &r in &st.rules {
            let rule = program.rule(r);
            if runs_full(rule) {
                stratum.rules.push(RuleId(rules.len() as u32));
                let mut rule = rule.clone();
                rule.stratum = s;
                rules.push(rule);
                origin.push(Some(r));
            }
        }
        strata.push(stratum);
    }

    let last = strata.len();
    let mut demand = DemandRules {
        program,
        deps: &deps,
        full: &full,
        out: &mut out,
        stratum: last,
        masks: HashMap::new(),
        queue: Vec::new(),
        copies: Vec::new(),
        rules: Vec::new(),
    };
    let mut seeds = Vec::new();
    for g in goals {
        if is_full(g.pred) {
            continue;
        }
        let mask: Mask = g.args.iter().map(Option::is_some).collect();
        let Some(d) = demand.demand(g.pred, &mask, program.pred(g.pred).first_seen) else {
            continue;
        };
        let row = g
            .args
            .iter()
            .flatten()
            .map(|v| demand.out.values.intern(v.clone()))
            .collect();
        seeds.push(ir::Fact {
            pred: d,
            row,
            likelihood: Likelihood::CERTAIN,
            origin: ir::FactOrigin::Stated(program.pred(g.pred).first_seen),
        });
    }
    while let Some((p, mask)) = demand.queue.pop() {
        demand.adorn(p, &mask, &runs_full);
    }
    let DemandRules {
        copies,
        rules: demand_rules,
        ..
    } = demand;
    let mut stratum = Stratum {
        preds: (0..out.preds.len())
            .filter(|&p| p >= program.preds.len() || (relevant[p] && !full[p]))
            .map(|p| PredId(p as u32))
            .collect(),
        rules: Vec::new(),
    };
    for (rule, o) in copies
        .into_iter()
        .map(|(r, o)| (r, Some(o)))
        .chain(demand_rules.into_iter().map(|r| (r, None)))
    {
        stratum.rules.push(RuleId(rules.len() as u32));
        rules.push(rule);
        origin.push(o);
    }
    strata.push(stratum);
    out.rules = rules;
    out.strata = strata;
    Ok(Rewriting {
        program: out,
        origin,
        seeds,
    })
}

/// The demand predicates, rewritten rules and demand rules made so far,
/// and the adornments still to process.
struct DemandRules<'a> {
    program: &'a Program,
    deps: &'a Deps,
    full: &'a [bool],
    out: &'a mut Program,
    /// The rewritten rules' stratum.
    stratum: usize,
    /// (predicate, adornment) → its demand predicate (`None`: nothing
    /// bound, every row asked for).
    masks: HashMap<(PredId, Mask), Option<PredId>>,
    queue: Vec<(PredId, Mask)>,
    /// Original rules with a demand condition, and which rule each runs.
    copies: Vec<(Rule, RuleId)>,
    /// Rules that derive demand.
    rules: Vec<Rule>,
}

impl DemandRules<'_> {
    /// The demand predicate of `p` under `mask`, made (and queued) on first
    /// use; `None` when nothing is bound.
    fn demand(&mut self, p: PredId, mask: &Mask, span: Span) -> Option<PredId> {
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
    fn adorn(&mut self, p: PredId, mask: &Mask, runs_full: &dyn Fn(&Rule) -> bool) {
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
        self.copies.push((copy, id));

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
                        let prefix = demand_body(body, i, guard.as_ref(), &bound, &assigned);
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

/// The body of a demand rule for atom `i`: the demand condition, the atoms
/// before `i`, and the assignments and comparisons they bind.
fn demand_body(
    body: &Body,
    i: usize,
    guard: Option<&Atom>,
    bound: &[bool],
    assigned: &[bool],
) -> Body {
    let ready = |a: &Arg| match *a {
        Arg::Var(v) => bound.get(v as usize) == Some(&true),
        Arg::Const(_) => true,
        Arg::Wildcard => false,
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
        exceptions: Vec::new(),
        assignments: body
            .assignments
            .iter()
            .zip(assigned)
            .filter(|(_, a)| **a)
            .map(|(a, _)| a.clone())
            .collect(),
        aggregates: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
