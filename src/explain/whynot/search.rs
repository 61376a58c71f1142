//! The bounded backtracking search over a rule body: every dead end is a
//! partial match, ranked by how many conditions it met.

use std::borrow::Cow;

use super::index::Index;
use super::{CLOSEST, Candidate, STEP_LIMIT};
use crate::arith;
use crate::engine::{Model, PatternArg, RowId};
use crate::explain::{compare, compute, pattern_of};
use crate::ir::{self, Arg, Program, Value, ValueId, Values};
use crate::likelihood::Likelihood;

/// A reference to one condition of a rule body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cond {
    Atom(usize),
    Cmp(usize),
    Exc(usize),
    /// An assignment, by index.
    Assign(usize),
    /// An aggregate, by index.
    Agg(usize),
}

pub(super) struct Search<'a, 'i> {
    pub(super) program: &'a Program,
    pub(super) model: &'a Model,
    /// The model's values, extended with values computed on the way.
    pub(super) values: Cow<'a, Values>,
    pub(super) rule: &'a ir::Rule,
    pub(super) index: &'i mut Index,
    pub(super) steps: usize,
    pub(super) truncated: bool,
    pub(super) partials: usize,
    /// (order of discovery, candidate), best first.
    pub(super) best: Vec<(usize, Candidate)>,
    pub(super) blocked: bool,
    pub(super) applies: bool,
    /// When set, complete matches (exceptions absent) are collected here
    /// instead of partial matches being ranked.
    pub(super) collect: Option<Vec<Vec<RowId>>>,
}

/// The evaluation state at a dead end.
pub(super) struct Trace<'t> {
    pub(super) binding: &'t [Option<ValueId>],
    /// Per atom: the matched row, or `Err(())` for the atom that failed.
    pub(super) atoms: &'t [Option<Result<RowId, ()>>],
    /// Per comparison: whether it held (evaluated ones only).
    pub(super) cmps: &'t [Option<bool>],
    /// Per exception: the first matching row, if derived (evaluated ones only).
    pub(super) excs: &'t [Option<Option<RowId>>],
    /// Per computation (assignments, then aggregates): whether it gave a
    /// value that fits (evaluated ones only).
    pub(super) comps: &'t [Option<bool>],
}

impl<'a, 'i> Search<'a, 'i> {
    /// A search over `rule`'s body; with `collect`, complete matches are
    /// collected instead of dead ends ranked.
    pub(super) fn new(
        model: &'a Model,
        values: Cow<'a, Values>,
        rule: &'a ir::Rule,
        index: &'i mut Index,
        collect: bool,
    ) -> Self {
        Search {
            program: model.program(),
            model,
            values,
            rule,
            index,
            steps: 0,
            truncated: false,
            partials: 0,
            best: Vec::new(),
            blocked: false,
            applies: false,
            collect: collect.then(Vec::new),
        }
    }

    pub(super) fn run(&mut self, seed: Vec<Option<ValueId>>) {
        let body = &self.rule.body;
        let n = body.atoms.len();
        let mut binding = seed;
        // At which level (number of atoms matched) each comparison becomes
        // evaluable, and which variables each atom binds.
        let mut bound: Vec<bool> = binding.iter().map(Option::is_some).collect();
        let mut binds_at: Vec<Vec<u32>> = Vec::with_capacity(n);
        let mut level_of_var: Vec<usize> = vec![usize::MAX; body.vars.len()];
        for (x, b) in bound.iter().enumerate() {
            if *b {
                level_of_var[x] = 0;
            }
        }
        // The order atoms are joined in: as written (so that "not reached"
        // means what a reader expects), or, when only complete matches are
        // wanted, most-bound first.
        let order: Vec<usize> = if self.collect.is_some() {
            let mut known = bound.clone();
            let mut left: Vec<usize> = (0..n).collect();
            let mut order = Vec::with_capacity(n);
            while !left.is_empty() {
                let score = |i: usize| {
                    body.atoms[i]
                        .args
                        .iter()
                        .filter(|a| match **a {
                            Arg::Var(x) => known.get(x as usize).copied().unwrap_or(false),
                            _ => true,
                        })
                        .count()
                };
                let mut best = 0;
                for k in 1..left.len() {
                    // Most bound columns first; among equals, the smaller
                    // relation.
                    let (a, b) = (left[k], left[best]);
                    let size = |i: usize| self.model.len(body.atoms[i].pred);
                    if (score(a), std::cmp::Reverse(size(a)))
                        > (score(b), std::cmp::Reverse(size(b)))
                    {
                        best = k;
                    }
                }
                let i = left.remove(best);
                for a in &body.atoms[i].args {
                    if let Arg::Var(x) = *a
                        && let Some(slot) = known.get_mut(x as usize)
                    {
                        *slot = true;
                    }
                }
                order.push(i);
            }
            order
        } else {
            (0..n).collect()
        };
        for (level, &i) in order.iter().enumerate() {
            let a = &body.atoms[i];
            let mut here = Vec::new();
            for arg in &a.args {
                if let Arg::Var(x) = *arg
                    && let Some(slot) = bound.get_mut(x as usize)
                    && !*slot
                {
                    *slot = true;
                    here.push(x);
                    level_of_var[x as usize] = level + 1;
                }
            }
            binds_at.push(here);
        }
        let cmp_level: Vec<usize> = body
            .comparisons
            .iter()
            .map(|c| {
                [c.lhs, c.rhs]
                    .iter()
                    .map(|a| match *a {
                        Arg::Var(x) => level_of_var.get(x as usize).copied().unwrap_or(usize::MAX),
                        _ => 0,
                    })
                    .max()
                    .unwrap_or(0)
            })
            .collect();

        let mut atoms: Vec<Option<Result<RowId, ()>>> = vec![None; n];
        let mut cmps: Vec<Option<bool>> = vec![None; body.comparisons.len()];
        let excs: Vec<Option<Option<RowId>>> = vec![None; body.exceptions.len()];

        // Level 0: comparisons on constants and the atom's own values.
        if !self.check_cmps(0, &cmp_level, &binding, &mut cmps) {
            self.record(&Trace {
                binding: &binding,
                atoms: &atoms,
                cmps: &cmps,
                excs: &excs,
                comps: &[],
            });
            return;
        }
        // Frames: for atom i, the candidate rows and the next one to try.
        let mut frames: Vec<(Vec<RowId>, usize)> = Vec::new();
        let mut descend = true;
        loop {
            let level = frames.len();
            if descend {
                descend = false;
                if level == n {
                    self.finish(&binding, &atoms, &cmps);
                    // Backtrack from a complete match.
                } else {
                    let Some(atom) = order.get(level).and_then(|&i| body.atoms.get(i)) else {
                        break;
                    };
                    let level = order[level];
                    let pattern = pattern_of(atom, &binding);
                    let mut rows = self.index.lookup(self.model, atom.pred, &pattern);
                    let budget = STEP_LIMIT.saturating_sub(self.steps);
                    if rows.len() > budget {
                        rows.truncate(budget);
                        self.truncated = true;
                    }
                    if rows.is_empty() {
                        atoms[level] = Some(Err(()));
                        self.record(&Trace {
                            binding: &binding,
                            atoms: &atoms,
                            cmps: &cmps,
                            excs: &excs,
                            comps: &[],
                        });
                        atoms[level] = None;
                    } else {
                        frames.push((rows, 0));
                        continue;
                    }
                }
            }
            // Advance the deepest frame to its next row.
            let Some(i) = frames.len().checked_sub(1) else {
                break;
            };
            let (rows, next) = &mut frames[i];
            // Undo what the previous row of this frame bound.
            for &x in &binds_at[i] {
                binding[x as usize] = None;
            }
            for (c, &l) in cmp_level.iter().enumerate() {
                if l == i + 1 {
                    cmps[c] = None;
                }
            }
            let ai = order[i];
            atoms[ai] = None;
            if *next >= rows.len() || self.steps >= STEP_LIMIT {
                if *next < rows.len() {
                    self.truncated = true;
                }
                frames.pop();
                continue;
            }
            let row_id = rows[*next];
            *next += 1;
            self.steps += 1;
            let Some(row) = self.model.row(body.atoms[ai].pred, row_id) else {
                continue;
            };
            for (a, &v) in body.atoms[ai].args.iter().zip(row) {
                if let Arg::Var(x) = *a
                    && binding[x as usize].is_none()
                {
                    binding[x as usize] = Some(v);
                }
            }
            atoms[ai] = Some(Ok(row_id));
            if self.check_cmps(i + 1, &cmp_level, &binding, &mut cmps) {
                descend = true;
            } else {
                self.record(&Trace {
                    binding: &binding,
                    atoms: &atoms,
                    cmps: &cmps,
                    excs: &excs,
                    comps: &[],
                });
            }
        }
    }

    /// Evaluates the comparisons that become evaluable at `level`, in
    /// written order, stopping at the first that fails.
    fn check_cmps(
        &self,
        level: usize,
        cmp_level: &[usize],
        binding: &[Option<ValueId>],
        cmps: &mut [Option<bool>],
    ) -> bool {
        for (c, comp) in self.rule.body.comparisons.iter().enumerate() {
            if cmp_level[c] != level {
                continue;
            }
            let (Some(l), Some(r)) = (
                crate::explain::arg_value(comp.lhs, binding),
                crate::explain::arg_value(comp.rhs, binding),
            ) else {
                continue;
            };
            let ok = compare(&self.values, self.program, l, comp.op, r, comp.kind);
            cmps[c] = Some(ok);
            if !ok {
                return false;
            }
        }
        true
    }

    /// The values the rule computes under `binding` (assignments in
    /// order, aggregates once their group is bound), interned: the binding
    /// completed, and per computation whether it fits (`false`: an
    /// arithmetic error, or a value other than one already bound).
    /// The comparisons still open (`None`) that the full binding decides.
    fn decide_comparisons(
        &self,
        cmps: &[Option<bool>],
        full: &[Option<ValueId>],
    ) -> Vec<Option<bool>> {
        let comparisons = &self.rule.body.comparisons;
        let decide = |(open, comp): (&Option<bool>, &crate::ir::Comparison)| {
            open.or_else(|| {
                let l = crate::explain::arg_value(comp.lhs, full)?;
                let r = crate::explain::arg_value(comp.rhs, full)?;
                Some(compare(
                    &self.values,
                    self.program,
                    l,
                    comp.op,
                    r,
                    comp.kind,
                ))
            })
        };
        cmps.iter().zip(comparisons).map(decide).collect()
    }

    pub(super) fn compute(
        &mut self,
        binding: &[Option<ValueId>],
    ) -> (Vec<Option<ValueId>>, Vec<Option<bool>>) {
        let body = &self.rule.body;
        let mut b = binding.to_vec();
        let n = body.assignments.len();
        let mut comps: Vec<Option<bool>> = vec![None; n + body.aggregates.len()];
        loop {
            let mut progress = false;
            for (i, a) in body.assignments.iter().enumerate() {
                if comps[i].is_some() {
                    continue;
                }
                let mut reads = Vec::new();
                a.expr.vars(&mut reads);
                if !reads
                    .iter()
                    .all(|&v| b.get(v as usize).copied().flatten().is_some())
                {
                    continue;
                }
                let values = &self.values;
                let value = arith::eval(&a.expr, &|x| {
                    crate::explain::arg_value(x, &b).and_then(|id| values.try_get(id).cloned())
                });
                comps[i] = Some(match value {
                    Ok(v) => self.fits(&mut b, a.var, v),
                    Err(_) => false,
                });
                progress = true;
            }
            for (j, agg) in body.aggregates.iter().enumerate() {
                if comps[n + j].is_some()
                    || !agg
                        .group
                        .iter()
                        .all(|&g| b.get(g as usize).copied().flatten().is_some())
                {
                    continue;
                }
                let (counted, _, _) = compute::matches(self.model, agg, &b);
                let result = if counted.is_empty() && self.binds_own_group(agg) {
                    None
                } else {
                    compute::result(self.model, agg.op, &counted)
                };
                comps[n + j] = Some(match result {
                    Some(v) => self.fits(&mut b, agg.result, v),
                    None => false,
                });
                progress = true;
            }
            if !progress {
                return (b, comps);
            }
        }
    }

    /// Whether an aggregate binds a variable of its group itself (one in
    /// no atom of the rest of the body): such a group exists only where it
    /// has a match, so none gives no result, not a count of 0.
    pub(super) fn binds_own_group(&self, agg: &ir::Aggregate) -> bool {
        let atoms = &self.rule.body.atoms;
        agg.group
            .iter()
            .any(|&g| !atoms.iter().any(|a| a.args.contains(&Arg::Var(g))))
    }

    /// Binds `var` to `v`, or checks that it already has that value.
    fn fits(&mut self, b: &mut [Option<ValueId>], var: u32, v: Value) -> bool {
        let id = match self.values.lookup(&v) {
            Some(id) => id,
            None => self.values.to_mut().intern(v),
        };
        match b.get_mut(var as usize) {
            Some(slot @ None) => {
                *slot = Some(id);
                true
            }
            Some(Some(w)) => *w == id,
            None => false,
        }
    }

    /// Every atom matched and every comparison it could check held: the
    /// computations and the comparisons that read them, then the
    /// exceptions, decide.
    fn finish(
        &mut self,
        binding: &[Option<ValueId>],
        atoms: &[Option<Result<RowId, ()>>],
        cmps: &[Option<bool>],
    ) {
        let (full, comps) = self.compute(binding);
        let cmps = self.decide_comparisons(cmps, &full);
        if comps.iter().chain(&cmps).any(|c| *c != Some(true)) {
            let excs = vec![None; self.rule.body.exceptions.len()];
            self.record(&Trace {
                binding: &full,
                atoms,
                cmps: &cmps,
                excs: &excs,
                comps: &comps,
            });
            return;
        }
        let binding = &full[..];
        let cmps = &cmps[..];
        let excs: Vec<Option<Option<RowId>>> = self
            .rule
            .body
            .exceptions
            .iter()
            .map(|e| {
                // The most likely matching row decides (first on a tie).
                let pattern = pattern_of(e, binding);
                let mut best: Option<(RowId, Likelihood)> = None;
                for id in self.model.matching(e.pred, &pattern) {
                    if let Some(l) = self.model.likelihood(e.pred, id)
                        && best.is_none_or(|(_, b)| l > b)
                    {
                        best = Some((id, l));
                    }
                }
                Some(best.map(|(id, _)| id))
            })
            .collect();
        // A certain match removes the conclusion; a less than certain one
        // only caps it (a graded exception), so the rule still applies.
        if excs.iter().enumerate().any(|(i, e)| self.blocks(i, *e)) {
            self.blocked = true;
        } else {
            self.applies = true;
            if let Some(out) = &mut self.collect {
                out.push(
                    atoms
                        .iter()
                        .filter_map(|a| a.and_then(Result::ok))
                        .collect(),
                );
            }
        }
        self.record(&Trace {
            binding,
            atoms,
            cmps,
            excs: &excs,
            comps: &comps,
        });
    }

    /// Whether exception `i`, evaluated to `e`, removes the conclusion: a
    /// certain row matched it.
    pub(super) fn blocks(&self, i: usize, e: Option<Option<RowId>>) -> bool {
        let Some(Some(row)) = e else { return false };
        self.rule
            .body
            .exceptions
            .get(i)
            .and_then(|x| self.model.likelihood(x.pred, row))
            .is_some_and(|l| l >= Likelihood::CERTAIN)
    }

    /// Whether assignment `i` is a condition of its own: a named `=`, or
    /// an expression no comparison reads (a conclusion's or an exception's
    /// argument). An expression a comparison reads is shown there.
    pub(super) fn shown_computation(&self, i: usize) -> bool {
        let body = &self.rule.body;
        let Some(a) = body.assignments.get(i) else {
            return false;
        };
        let hidden = body
            .vars
            .get(a.var as usize)
            .is_some_and(|n| n.starts_with('_'));
        !hidden
            || !body
                .comparisons
                .iter()
                .any(|c| c.lhs == Arg::Var(a.var) || c.rhs == Arg::Var(a.var))
    }

    /// How many of the conditions shown are met.
    fn met(&self, t: &Trace) -> usize {
        let n = self.rule.body.assignments.len();
        t.atoms.iter().filter(|a| matches!(a, Some(Ok(_)))).count()
            + t.cmps.iter().filter(|c| **c == Some(true)).count()
            + (t.comps.iter().enumerate())
                .filter(|&(i, c)| *c == Some(true) && (i >= n || self.shown_computation(i)))
                .count()
            + t.excs
                .iter()
                .enumerate()
                .filter(|&(i, e)| e.is_some() && !self.blocks(i, *e))
                .count()
    }

    fn record(&mut self, t: &Trace) {
        self.partials += 1;
        if self.collect.is_some() {
            return;
        }
        // The search stops at the first failure; every later condition that
        // the bindings so far already decide is evaluated too, so that
        // "not reached" means only "needs a variable still unbound".
        let body = &self.rule.body;
        let mut atoms = t.atoms.to_vec();
        for (i, a) in body.atoms.iter().enumerate() {
            // A `_` is a variable of its own that nothing else needs: any
            // value will do.
            let pattern: Vec<PatternArg> = pattern_of(a, t.binding)
                .into_iter()
                .map(|p| match p {
                    PatternArg::Var(x) if body.vars.get(x as usize).is_some_and(|n| n == "_") => {
                        PatternArg::Any
                    }
                    p => p,
                })
                .collect();
            if atoms[i].is_none() && !pattern.iter().any(|p| matches!(p, PatternArg::Var(_))) {
                let rows = self.index.lookup(self.model, a.pred, &pattern);
                atoms[i] = Some(rows.first().copied().ok_or(()));
            }
        }
        // What the bindings so far let the rule compute.
        let (full, comps) = if t.comps.iter().any(Option::is_some) {
            (t.binding.to_vec(), t.comps.to_vec())
        } else {
            self.compute(t.binding)
        };
        let cmps = self.decide_comparisons(t.cmps, &full);
        let t = &Trace {
            binding: &full,
            atoms: &atoms,
            cmps: &cmps,
            excs: t.excs,
            comps: &comps,
        };
        let met = self.met(t);
        if self.best.len() >= CLOSEST && self.best.iter().all(|(_, c)| c.met >= met) {
            return;
        }
        let cand = self.candidate(t, met);
        if self.best.iter().any(|(_, c)| *c == cand) {
            return;
        }
        let order = self.partials;
        self.best.push((order, cand));
        self.best
            .sort_by(|a, b| b.1.met.cmp(&a.1.met).then(a.0.cmp(&b.0)));
        self.best.truncate(CLOSEST);
    }
}
