//! The evaluation loop: semi-naive, stratum by stratum, over join plans.
//! Here the join machine (a plan's steps, row by row, and the conclusions
//! it emits); `strata` runs a stratum's rounds, `aggregate` groups,
//! `faults` counts what arithmetic and comparisons run into, and
//! `complete` decides whether an overflow stops evaluation.

use std::time::Instant;

use crate::arith;
use crate::ir;
use crate::likelihood::Likelihood;
use crate::source::Span;

use super::plan::{ColOp, Negation, Operand, Plan, Source, Step};
use super::relation::{Inserted, NIL, Relation};

mod aggregate;
mod complete;
mod faults;
mod strata;

pub(crate) use faults::ArithFault;
use faults::arg_value;

/// Derivation tags: below `TAG_BASE` a (rule, head) number; base rows carry
/// one of these with the fact index or input row as their first premise.
pub(crate) const TAG_BASE: u32 = 0x8000_0000;
pub(crate) const TAG_STATED: u32 = 0x8000_0000;
pub(crate) const TAG_GIVEN: u32 = 0x8000_0001;
pub(crate) const TAG_INPUT: u32 = 0xC000_0000;

/// A conflict that holds: its bindings and premises.
#[derive(Clone, Debug)]
pub(crate) struct RawHit {
    pub bindings: Vec<u32>,
    pub premises: Vec<u32>,
    pub lik: u16,
}

/// One conclusion of a rule, ready to emit.
#[derive(Clone, Debug)]
pub(crate) struct HeadPlan {
    pub pred: usize,
    pub args: Vec<Operand>,
    /// The derivation tag's index in the head relation's `tags`.
    pub tag: u32,
    /// The variables whose values are recorded (the body variables the
    /// head does not fix), or `None` to record the premise row ids.
    pub stored: Option<Vec<u32>>,
}

/// Where a plan's matches go.
pub(crate) enum Sink<'a> {
    Rule {
        heads: &'a [HeadPlan],
        likelihood: u16,
        /// The heads are demand predicates (see `engine::demand`): their
        /// rows say what is asked for, not what holds, so they are certain
        /// and of height 0, and weigh nothing as premises.
        demand: bool,
    },
    Conflict(&'a mut Vec<RawHit>),
    /// An aggregate's sub-plan: per match, the values of the group
    /// variables it binds and of its target, and its likelihood.
    Matches {
        group: &'a [u32],
        target: Option<u32>,
        words: &'a mut Vec<u32>,
        liks: &'a mut Vec<u16>,
        /// Matches whose computation overflowed (see `complete`).
        overflowed: &'a mut Vec<usize>,
    },
}

pub(crate) struct State<'t> {
    pub rels: Vec<Relation>,
    /// The program's values and those loaded or computed since.
    pub values: ir::Values,
    pub scales: &'t [ir::Scale],
    pub provenance: bool,
    pub total_rows: usize,
    pub max_rows: usize,
    /// Set when the row limit was passed: the predicate that grew.
    pub overflow: Option<usize>,
    /// Set when integer arithmetic overflowed (on a binding of a whole
    /// body, see `complete`).
    pub fault: Option<ArithFault>,
    /// The completion check under way, if any.
    completion: complete::Completion,
    /// The first overflow met in an aggregate's sub-plan on a whole match.
    member_fault: Option<ArithFault>,
    /// When evaluation must stop (`--timeout`), and calls of `run` left
    /// before the clock is read again.
    pub deadline: Option<Instant>,
    clock_countdown: u32,
    /// Set when the deadline passed: the rule being run then, if any.
    pub timed_out: Option<Option<Span>>,
    /// Divisions by zero (each derives nothing), and the rules they were in.
    pub divisions_by_zero: usize,
    pub division_rules: Vec<Span>,
    /// Comparisons between values of different kinds (which never hold),
    /// and the rules they were in: `check` rejects them where types are
    /// known, so these come from untyped columns.
    pub mixed_comparisons: usize,
    pub mixed_rules: Vec<Span>,
    /// Predicates from this index on are demand predicates (see
    /// `engine::demand`); `usize::MAX` when there are none.
    pub demand_from: usize,
    /// The rule being run (for diagnostics).
    current: Option<Span>,
    vars: Vec<u32>,
    prem: Vec<u32>,
    key: Vec<u32>,
    /// Conclusions waiting to be inserted (their set slots prefetched):
    /// `(pred, tag, likelihood, height, hash, record length)`, and their
    /// rows and records one after the other in `pend_words`.
    pend: Vec<(u32, u32, u16, u32, u64, u32)>,
    pend_words: Vec<u32>,
}

/// How many conclusions wait before they are inserted. Insertion is
/// deferred within a round only, in order: rows new in a round are not
/// read before the next one, so only the moment an in-place improvement
/// becomes visible moves, which semi-naive evaluation does not rely on.
const PENDING: usize = 16;

/// How many calls of `run` go between two readings of the clock (a
/// reading costs about as much as a few hundred joined rows).
const CLOCK_EVERY: u32 = 4096;

/// How many rows ahead a scan prefetches the index slot its next step
/// probes.
const AHEAD: u32 = 8;

/// A rule of a stratum with its conclusions.
pub(crate) struct RuleRef<'a> {
    pub rule: &'a ir::Rule,
    pub heads: &'a [HeadPlan],
}

impl<'t> State<'t> {
    pub fn new(
        rels: Vec<Relation>,
        values: ir::Values,
        scales: &'t [ir::Scale],
        provenance: bool,
        max_rows: usize,
    ) -> Self {
        let total_rows = rels.iter().map(|r| r.len as usize).sum();
        State {
            rels,
            values,
            scales,
            provenance,
            total_rows,
            max_rows,
            overflow: None,
            fault: None,
            completion: complete::Completion::default(),
            member_fault: None,
            deadline: None,
            clock_countdown: CLOCK_EVERY,
            timed_out: None,
            divisions_by_zero: 0,
            division_rules: Vec::new(),
            mixed_comparisons: 0,
            mixed_rules: Vec::new(),
            demand_from: usize::MAX,
            current: None,
            vars: Vec::new(),
            prem: Vec::new(),
            key: Vec::new(),
            pend: Vec::with_capacity(PENDING),
            pend_words: Vec::new(),
        }
    }

    /// Whether evaluation must stop (row limit, arithmetic overflow or
    /// deadline).
    #[inline]
    pub fn stopped(&self) -> bool {
        self.overflow.is_some() || self.fault.is_some() || self.timed_out.is_some()
    }

    /// Reads the clock every `CLOCK_EVERY` calls; true (and the rule noted)
    /// once the deadline has passed.
    #[inline]
    fn out_of_time(&mut self) -> bool {
        self.clock_countdown -= 1;
        if self.clock_countdown > 0 {
            return false;
        }
        self.clock_countdown = CLOCK_EVERY;
        self.check_deadline()
    }

    /// Reads the clock now; true (and the rule noted) once the deadline has
    /// passed.
    pub fn check_deadline(&mut self) -> bool {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            self.timed_out = Some(self.current);
        }
        self.timed_out.is_some()
    }

    /// Adds a base row (fact or input row).
    pub fn add_base(&mut self, pred: usize, row: &[u32], lik: u16, tag: u32, origin: u32) {
        if self.stopped() {
            return;
        }
        let Some(rel) = self.rels.get_mut(pred) else {
            return;
        };
        if rel.arity != row.len() {
            return;
        }
        let local = if rel.prov { rel.tag_index(tag) } else { 0 };
        if let Inserted::New(_) = rel.insert(row, lik, 0, local, &[origin]) {
            self.total_rows += 1;
            if self.total_rows > self.max_rows {
                self.overflow = Some(pred);
            }
        }
    }

    pub fn run_rule(&mut self, r: &RuleRef, plan: &Plan) {
        self.current = Some(r.rule.span);
        let mut sink = Sink::Rule {
            heads: r.heads,
            likelihood: r.rule.likelihood.units(),
            demand: r.heads.first().is_some_and(|h| h.pred >= self.demand_from),
        };
        self.run_plan(plan, &mut sink);
    }

    /// Runs a conflict's plan (`span`: the conflict's, for diagnostics).
    pub fn run_conflict(&mut self, span: Span, plan: &Plan, hits: &mut Vec<RawHit>) {
        self.current = Some(span);
        self.run_plan(plan, &mut Sink::Conflict(hits));
    }

    pub fn run_plan(&mut self, plan: &Plan, sink: &mut Sink) {
        if self.vars.len() < plan.vars {
            self.vars.resize(plan.vars, 0);
        }
        if self.prem.len() < plan.slots {
            self.prem.resize(plan.slots, NIL);
        }
        if self.completion.unknown.len() < plan.vars {
            self.completion.unknown.resize(plan.vars, false);
        }
        self.prem[..plan.slots].fill(NIL);
        self.run(plan, sink, 0, u16::MAX, 0);
        self.flush();
    }

    /// Inserts the pending conclusions, in order.
    fn flush(&mut self) {
        let mut at = 0;
        for i in 0..self.pend.len() {
            let (p, tag, lik, height, h, m) = self.pend[i];
            let rel = &mut self.rels[p as usize];
            let n = rel.arity;
            let row = &self.pend_words[at..at + n];
            let rec = &self.pend_words[at + n..at + n + m as usize];
            at += n + m as usize;
            if self.overflow.is_some() || self.fault.is_some() {
                continue;
            }
            if let Inserted::New(_) = rel.insert_hashed(row, h, lik, height, tag, rec) {
                rel.derived += 1;
                self.total_rows += 1;
                if self.total_rows > self.max_rows {
                    self.overflow = Some(p as usize);
                }
            }
        }
        self.pend.clear();
        self.pend_words.clear();
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
        if self.stopped() || self.out_of_time() {
            return;
        }
        let checking = self.completion.purpose != complete::Purpose::None;
        let Some(s) = plan.steps.get(step) else {
            if checking {
                self.completed(sink, lik);
            } else {
                self.emit(plan, sink, lik, height);
            }
            return;
        };
        if checking && self.passed_over(plan, sink, step, lik, height) {
            return;
        }
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
                // When the next step probes an index with a key taken from
                // these rows, fetch the index slot a few rows ahead.
                let ahead = self.probe_ahead(plan, step, cols);
                for id in lo..hi {
                    if let Some((p2, ix, srcs)) = &ahead
                        && id + AHEAD < hi
                    {
                        let rel = &self.rels[*pred];
                        let row = rel.row(id + AHEAD);
                        let key = |i: usize| match srcs[i] {
                            Operand::Var(c) => row[c as usize],
                            Operand::Const(k) => k,
                        };
                        self.rels[*p2].indexes[*ix].prefetch(srcs.len(), key);
                    }
                    self.visit(plan, sink, step, *atom, *pred, cols, id, lik, height);
                    if self.stopped() {
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
                        if self.stopped() {
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
                if ir::compare(&self.values, self.scales, a, *op, b, *kind) {
                    self.run(plan, sink, step + 1, lik, height);
                } else if *op != ir::CompareOp::Ne
                    && matches!(kind, ir::CompareKind::Value)
                    && ir::kinds_differ(&self.values, a, b)
                {
                    self.mixed_comparison();
                }
            }
            Step::NotExists { pred, how } => {
                // A graded exception: the likelihood `p` of the most likely
                // matching row caps the conclusion at 1 - p; a certain one
                // (p = 1) removes it; no match leaves it as it is.
                let rel = &self.rels[*pred];
                let p = match how {
                    Negation::Empty => rel.lik[..rel.len as usize].iter().copied().max(),
                    Negation::Row(ops) => {
                        self.fill_key(ops);
                        let rel = &self.rels[*pred];
                        let id = rel.find(&self.key);
                        (id != NIL).then(|| rel.lik[id as usize])
                    }
                    Negation::Index(ix, ops) => {
                        self.fill_key(ops);
                        let rel = &self.rels[*pred];
                        let mut id = rel.index_head(*ix, &self.key);
                        let mut best = None;
                        while id != NIL {
                            best = best.max(Some(rel.lik[id as usize]));
                            id = rel.index_next(*ix, id);
                        }
                        best
                    }
                };
                match p {
                    None => self.run(plan, sink, step + 1, lik, height),
                    Some(p) if p < Likelihood::SCALE => {
                        let cap = Likelihood::SCALE - p;
                        self.run(plan, sink, step + 1, lik.min(cap), height);
                    }
                    Some(_) => {}
                }
            }
            Step::Assign { var, expr } => {
                let result = {
                    let (vals, vars) = (&self.values, &self.vars);
                    arith::eval(expr, &|a| arg_value(vals, vars, a))
                };
                match result {
                    Ok(v) => {
                        self.vars[*var as usize] = self.values.intern(v);
                        self.run(plan, sink, step + 1, lik, height);
                    }
                    Err(e) => self.assign_failed(plan, sink, step, *var, expr, e, lik, height),
                }
            }
            Step::Aggregate(a) => self.aggregate(plan, sink, step, a, lik, height),
        }
    }

    /// For a scan followed by an index probe: the probed relation, the
    /// index, and where each key word comes from in a scanned row
    /// (`Var(c)`: column `c`; `Const(k)`: a value fixed during the scan).
    fn probe_ahead(
        &self,
        plan: &Plan,
        step: usize,
        cols: &[ColOp],
    ) -> Option<(usize, usize, Vec<Operand>)> {
        let Some(Step::Probe {
            pred, index, key, ..
        }) = plan.steps.get(step + 1)
        else {
            return None;
        };
        let srcs = key
            .iter()
            .map(|o| match *o {
                Operand::Var(v) => cols
                    .iter()
                    .find_map(|c| match *c {
                        ColOp::Bind(c, w) if w == v => Some(Operand::Var(c)),
                        _ => None,
                    })
                    .unwrap_or(Operand::Const(self.vars[v as usize])),
                Operand::Const(k) => Operand::Const(k),
            })
            .collect();
        Some((*pred, *index, srcs))
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
            height.max(rel.height.get(id as usize))
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
                demand,
            } => {
                let (lik, height) = if *demand {
                    (Likelihood::SCALE, 0)
                } else {
                    (lik.min(*likelihood), height.saturating_add(1))
                };
                for head in heads.iter() {
                    let start = self.pend_words.len();
                    for a in &head.args {
                        let v = match *a {
                            Operand::Var(v) => self.vars[v as usize],
                            Operand::Const(c) => c,
                        };
                        self.pend_words.push(v);
                    }
                    let h = self.rels[head.pred].hash(&self.pend_words[start..]);
                    let mut m = 0;
                    if self.provenance {
                        match &head.stored {
                            Some(vs) => {
                                for &v in vs {
                                    self.pend_words.push(self.vars[v as usize]);
                                }
                                m = vs.len();
                            }
                            None => {
                                self.pend_words.extend_from_slice(&self.prem[..plan.atoms]);
                                m = plan.atoms;
                            }
                        }
                    }
                    let rel = &self.rels[head.pred];
                    if rel.arity != head.args.len() {
                        self.pend_words.truncate(start);
                        continue;
                    }
                    rel.prefetch(h);
                    self.pend
                        .push((head.pred as u32, head.tag, lik, height, h, m as u32));
                }
                if self.pend.len() >= PENDING {
                    self.flush();
                }
            }
            Sink::Matches {
                group,
                target,
                words,
                liks,
                ..
            } => {
                for &g in group.iter() {
                    words.push(self.vars[g as usize]);
                }
                words.push(target.map_or(NIL, |t| self.vars[t as usize]));
                liks.push(lik);
            }
            Sink::Conflict(hits) => hits.push(RawHit {
                bindings: self.vars[..plan.vars].to_vec(),
                premises: self.prem[..plan.atoms].to_vec(),
                lik,
            }),
        }
    }
}
