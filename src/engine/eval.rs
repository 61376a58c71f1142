//! The evaluation loop: semi-naive, stratum by stratum, over join plans.

use std::cmp::Ordering;

use crate::ir::{self, CompareKind, CompareOp};

use super::plan::{self, ColOp, Negation, Operand, Plan, Source, Step};
use super::relation::{Inserted, NIL, Relation};

/// Derivation tags: below `TAG_BASE` a (rule, head) number; base rows carry
/// one of these with the fact index or input row as their first premise.
pub(crate) const TAG_BASE: u32 = 0x8000_0000;
pub(crate) const TAG_STATED: u32 = 0x8000_0000;
pub(crate) const TAG_GIVEN: u32 = 0x8000_0001;
pub(crate) const TAG_INPUT: u32 = 0xC000_0000;

/// Per value id: its number (NaN when not a number) and its rank in each
/// scale (`u32::MAX` when not in it).
pub(crate) struct CompareTables {
    pub nums: Vec<f64>,
    pub ranks: Vec<Vec<u32>>,
}

impl CompareTables {
    pub fn new(values: &ir::Values, scales: &[ir::Scale]) -> CompareTables {
        let nums = (0..values.len())
            .map(|i| values.get(i as u32).as_number().unwrap_or(f64::NAN))
            .collect();
        let ranks = scales
            .iter()
            .map(|s| {
                let mut r = vec![u32::MAX; values.len()];
                for (rank, &v) in s.values.iter().enumerate() {
                    if let Some(slot) = r.get_mut(v as usize) {
                        *slot = rank as u32;
                    }
                }
                r
            })
            .collect();
        CompareTables { nums, ranks }
    }

    fn num(&self, v: u32) -> f64 {
        self.nums.get(v as usize).copied().unwrap_or(f64::NAN)
    }

    pub fn holds(&self, a: u32, op: CompareOp, b: u32, kind: CompareKind) -> bool {
        match kind {
            CompareKind::Identity => {
                let (x, y) = (self.num(a), self.num(b));
                let numeric = !x.is_nan() && !y.is_nan();
                match op {
                    CompareOp::Eq => a == b || (numeric && x == y),
                    CompareOp::Ne => !(a == b || (numeric && x == y)),
                    _ if numeric => x.partial_cmp(&y).is_some_and(|o| op.holds(o)),
                    _ => a == b && op.holds(Ordering::Equal),
                }
            }
            CompareKind::Numeric => {
                let (x, y) = (self.num(a), self.num(b));
                x.partial_cmp(&y).is_some_and(|o| op.holds(o))
            }
            CompareKind::Scale(s) => {
                let Some(r) = self.ranks.get(s.0 as usize) else {
                    return false;
                };
                match (r.get(a as usize), r.get(b as usize)) {
                    (Some(&x), Some(&y)) if x != u32::MAX && y != u32::MAX => op.holds(x.cmp(&y)),
                    _ => false,
                }
            }
        }
    }
}

/// A conflict that holds: its bindings and premises.
#[derive(Clone, Debug)]
pub(crate) struct RawHit {
    pub bindings: Vec<u32>,
    pub premises: Vec<u32>,
    pub lik: u16,
}

/// Where a plan's matches go.
pub(crate) enum Sink<'a> {
    Rule {
        heads: &'a [ir::Atom],
        likelihood: u16,
        tag: u32,
    },
    Conflict(&'a mut Vec<RawHit>),
}

pub(crate) struct State<'t> {
    pub rels: Vec<Relation>,
    pub tables: &'t CompareTables,
    pub provenance: bool,
    pub total_rows: usize,
    pub max_rows: usize,
    /// Set when the row limit was passed: the predicate that grew.
    pub overflow: Option<usize>,
    vars: Vec<u32>,
    prem: Vec<u32>,
    key: Vec<u32>,
    row: Vec<u32>,
    deriv: Vec<u32>,
}

impl<'t> State<'t> {
    pub fn new(
        rels: Vec<Relation>,
        tables: &'t CompareTables,
        provenance: bool,
        max_rows: usize,
    ) -> Self {
        let total_rows = rels.iter().map(|r| r.len as usize).sum();
        State {
            rels,
            tables,
            provenance,
            total_rows,
            max_rows,
            overflow: None,
            vars: Vec::new(),
            prem: Vec::new(),
            key: Vec::new(),
            row: Vec::new(),
            deriv: Vec::new(),
        }
    }

    /// Adds a base row (fact or input row).
    pub fn add_base(&mut self, pred: usize, row: &[u32], lik: u16, tag: u32, origin: u32) {
        if self.overflow.is_some() {
            return;
        }
        let Some(rel) = self.rels.get_mut(pred) else {
            return;
        };
        if rel.arity != row.len() {
            return;
        }
        if let Inserted::New(_) = rel.insert(row, lik, 0, &[tag, origin]) {
            self.total_rows += 1;
            if self.total_rows > self.max_rows {
                self.overflow = Some(pred);
            }
        }
    }

    /// Evaluates one stratum to its fixpoint.
    pub fn stratum(&mut self, rules: &[(&ir::Rule, u32)], preds: &[usize]) {
        let mut in_stratum = vec![false; self.rels.len()];
        for &p in preds {
            if let Some(x) = in_stratum.get_mut(p) {
                *x = true;
            }
        }
        for &(rule, _) in rules {
            for h in &rule.heads {
                if let Some(x) = in_stratum.get_mut(h.pred.0 as usize) {
                    *x = true;
                }
            }
        }
        let members: Vec<usize> = (0..self.rels.len()).filter(|&p| in_stratum[p]).collect();
        for &p in &members {
            self.rels[p].clear_delta();
        }
        // Round 1: every rule over everything.
        for &(rule, tag) in rules {
            let plan = plan::compile(&rule.body, None, &mut self.rels);
            self.run_rule(rule, tag, &plan);
            if self.overflow.is_some() {
                return;
            }
        }
        for &p in &members {
            self.rels[p].close_round();
        }
        // Later rounds: one variant per recursive atom with a delta.
        loop {
            if members.iter().all(|&p| self.rels[p].delta_is_empty()) {
                break;
            }
            for &(rule, tag) in rules {
                for (i, atom) in rule.body.atoms.iter().enumerate() {
                    let p = atom.pred.0 as usize;
                    if !in_stratum.get(p).copied().unwrap_or(false) || self.rels[p].delta_is_empty()
                    {
                        continue;
                    }
                    let plan = plan::compile(&rule.body, Some(i), &mut self.rels);
                    self.run_rule(rule, tag, &plan);
                    if self.overflow.is_some() {
                        return;
                    }
                }
            }
            for &p in &members {
                self.rels[p].close_round();
            }
        }
        for &p in &members {
            self.rels[p].clear_delta();
        }
    }

    fn run_rule(&mut self, rule: &ir::Rule, tag: u32, plan: &Plan) {
        let mut sink = Sink::Rule {
            heads: &rule.heads,
            likelihood: rule.likelihood.units(),
            tag,
        };
        self.run_plan(plan, &mut sink);
    }

    pub fn run_plan(&mut self, plan: &Plan, sink: &mut Sink) {
        if self.vars.len() < plan.vars {
            self.vars.resize(plan.vars, 0);
        }
        if self.prem.len() < plan.atoms {
            self.prem.resize(plan.atoms, NIL);
        }
        self.prem[..plan.atoms].fill(NIL);
        self.run(plan, sink, 0, u16::MAX, 0);
    }

    #[inline(always)]
    fn operand(&self, o: Operand) -> u32 {
        match o {
            Operand::Var(v) => self.vars[v as usize],
            Operand::Const(c) => c,
        }
    }

    fn fill_key(&mut self, ops: &[Operand]) {
        self.key.clear();
        for &o in ops {
            let v = self.operand(o);
            self.key.push(v);
        }
    }

    fn run(&mut self, plan: &Plan, sink: &mut Sink, step: usize, lik: u16, height: u32) {
        if self.overflow.is_some() {
            return;
        }
        let Some(s) = plan.steps.get(step) else {
            self.emit(plan, sink, lik, height);
            return;
        };
        match s {
            Step::Scan {
                atom,
                pred,
                source,
                cols,
            } => {
                let (lo, hi) = {
                    let rel = &self.rels[*pred];
                    match source {
                        Source::Delta => (rel.delta_lo, rel.delta_hi),
                        Source::Full => (0, rel.round_start),
                    }
                };
                for id in lo..hi {
                    self.visit(plan, sink, step, *atom, *pred, cols, id, lik, height);
                    if self.overflow.is_some() {
                        return;
                    }
                }
                if *source == Source::Delta {
                    let n = self.rels[*pred].delta_improved.len();
                    for i in 0..n {
                        let id = self.rels[*pred].delta_improved[i];
                        self.visit(plan, sink, step, *atom, *pred, cols, id, lik, height);
                    }
                }
            }
            Step::Probe {
                atom,
                pred,
                index,
                key,
                cols,
            } => {
                let rel = &self.rels[*pred];
                let limit = rel.round_start;
                let vars = &self.vars;
                let mut id = rel.index_head_with(*index, key.len(), |i| match key[i] {
                    Operand::Var(v) => vars[v as usize],
                    Operand::Const(c) => c,
                });
                while id != NIL {
                    if id < limit {
                        self.visit(plan, sink, step, *atom, *pred, cols, id, lik, height);
                        if self.overflow.is_some() {
                            return;
                        }
                    }
                    id = self.rels[*pred].index_next(*index, id);
                }
            }
            Step::Lookup { atom, pred, row } => {
                self.fill_key(row);
                let rel = &self.rels[*pred];
                let id = rel.find(&self.key);
                if id != NIL && id < rel.round_start {
                    self.visit(plan, sink, step, *atom, *pred, &[], id, lik, height);
                }
            }
            Step::Compare { lhs, op, rhs, kind } => {
                let (a, b) = (self.operand(*lhs), self.operand(*rhs));
                if self.tables.holds(a, *op, b, *kind) {
                    self.run(plan, sink, step + 1, lik, height);
                }
            }
            Step::NotExists { pred, how } => {
                let exists = match how {
                    Negation::Empty => self.rels[*pred].len > 0,
                    Negation::Row(ops) => {
                        self.fill_key(ops);
                        self.rels[*pred].find(&self.key) != NIL
                    }
                    Negation::Index(ix, ops) => {
                        self.fill_key(ops);
                        self.rels[*pred].index_head(*ix, &self.key) != NIL
                    }
                };
                if !exists {
                    self.run(plan, sink, step + 1, lik, height);
                }
            }
        }
    }

    /// Matches row `id` of `pred` against `cols`; on success goes on with
    /// the next step.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn visit(
        &mut self,
        plan: &Plan,
        sink: &mut Sink,
        step: usize,
        atom: usize,
        pred: usize,
        cols: &[ColOp],
        id: u32,
        lik: u16,
        height: u32,
    ) {
        let rel = &self.rels[pred];
        let row = rel.row(id);
        let vars = &mut self.vars;
        for op in cols {
            match *op {
                ColOp::Bind(c, v) => vars[v as usize] = row[c as usize],
                ColOp::Check(c, v) => {
                    if vars[v as usize] != row[c as usize] {
                        return;
                    }
                }
                ColOp::Const(c, k) => {
                    if row[c as usize] != k {
                        return;
                    }
                }
            }
        }
        let l = lik.min(rel.lik[id as usize]);
        let h = if self.provenance {
            height.max(rel.height[id as usize])
        } else {
            0
        };
        self.prem[atom] = id;
        self.run(plan, sink, step + 1, l, h);
    }

    fn emit(&mut self, plan: &Plan, sink: &mut Sink, lik: u16, height: u32) {
        match sink {
            Sink::Rule {
                heads,
                likelihood,
                tag,
            } => {
                let lik = lik.min(*likelihood);
                let height = height.saturating_add(1);
                if self.provenance {
                    self.deriv.resize(1 + plan.atoms, NIL);
                    self.deriv[1..].copy_from_slice(&self.prem[..plan.atoms]);
                }
                for (h, head) in heads.iter().enumerate() {
                    let p = head.pred.0 as usize;
                    let Some(rel) = self.rels.get_mut(p) else {
                        continue;
                    };
                    if rel.arity != head.args.len() {
                        continue;
                    }
                    self.row.resize(head.args.len(), NIL);
                    for (slot, a) in self.row.iter_mut().zip(&head.args) {
                        *slot = match *a {
                            ir::Arg::Var(v) => self.vars.get(v as usize).copied().unwrap_or(NIL),
                            ir::Arg::Const(c) => c,
                            ir::Arg::Wildcard => NIL,
                        };
                    }
                    let deriv: &[u32] = if self.provenance {
                        self.deriv[0] = *tag + h as u32;
                        // Records are as wide as the widest rule of the
                        // predicate; shorter ones are padded on insert.
                        &self.deriv
                    } else {
                        &[]
                    };
                    if let Inserted::New(_) = rel.insert(&self.row, lik, height, deriv) {
                        rel.derived += 1;
                        self.total_rows += 1;
                        if self.total_rows > self.max_rows {
                            self.overflow = Some(p);
                            return;
                        }
                    }
                }
            }
            Sink::Conflict(hits) => hits.push(RawHit {
                bindings: self.vars[..plan.vars].to_vec(),
                premises: self.prem[..plan.atoms].to_vec(),
                lik,
            }),
        }
    }
}
