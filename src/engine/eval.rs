//! The evaluation loop: semi-naive, stratum by stratum, over join plans.

use crate::ir;
use crate::likelihood::Likelihood;

use super::plan::{self, ColOp, Negation, Operand, Plan, Source, Step};
use super::relation::{INF, Inserted, NIL, Relation};

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
    },
    Conflict(&'a mut Vec<RawHit>),
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
            vars: Vec::new(),
            prem: Vec::new(),
            key: Vec::new(),
            pend: Vec::with_capacity(PENDING),
            pend_words: Vec::new(),
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
        let local = if rel.prov { rel.tag_index(tag) } else { 0 };
        if let Inserted::New(_) = rel.insert(row, lik, 0, local, &[origin]) {
            self.total_rows += 1;
            if self.total_rows > self.max_rows {
                self.overflow = Some(pred);
            }
        }
    }

    /// Evaluates one stratum to its fixpoint.
    ///
    /// With provenance, ties in likelihood go to the derivation of least
    /// proof height. A row's recorded height can go stale when one of its
    /// premises later rises in likelihood with a higher proof (the
    /// derivation through it is then no longer as short as recorded); the
    /// relation notes it, and the stratum's heights are then recomputed
    /// from scratch over the final likelihoods: every derived row's height
    /// is reset to unknown and the rules run again to a fixpoint in which
    /// only a lower height counts as an improvement.
    pub fn stratum(&mut self, rules: &[RuleRef], preds: &[usize]) {
        let mut in_stratum = vec![false; self.rels.len()];
        for &p in preds {
            if let Some(x) = in_stratum.get_mut(p) {
                *x = true;
            }
        }
        for r in rules {
            for h in r.heads {
                if let Some(x) = in_stratum.get_mut(h.pred) {
                    *x = true;
                }
            }
        }
        let members: Vec<usize> = (0..self.rels.len()).filter(|&p| in_stratum[p]).collect();
        for &p in &members {
            self.rels[p].stale = false;
        }
        self.fixpoint(rules, &members, &in_stratum);
        if self.overflow.is_some() {
            return;
        }
        if self.provenance && members.iter().any(|&p| self.rels[p].stale) {
            for &p in &members {
                let rel = &mut self.rels[p];
                rel.stale = false;
                for i in 0..rel.len as usize {
                    if rel.tags[rel.tag.get(i) as usize] < TAG_BASE {
                        rel.height.set(i, INF);
                    }
                }
            }
            self.fixpoint(rules, &members, &in_stratum);
        }
        for &p in &members {
            self.rels[p].clear_delta();
        }
    }

    fn fixpoint(&mut self, rules: &[RuleRef], members: &[usize], in_stratum: &[bool]) {
        for &p in members {
            self.rels[p].clear_delta();
        }
        // Round 1: every rule over everything.
        for r in rules {
            let plan = plan::compile(&r.rule.body, None, &mut self.rels);
            self.run_rule(r, &plan);
            if self.overflow.is_some() {
                return;
            }
        }
        for &p in members {
            self.rels[p].close_round();
        }
        // Later rounds: one variant per recursive atom with a delta.
        loop {
            if members.iter().all(|&p| self.rels[p].delta_is_empty()) {
                break;
            }
            for r in rules {
                for (i, atom) in r.rule.body.atoms.iter().enumerate() {
                    let p = atom.pred.0 as usize;
                    if !in_stratum.get(p).copied().unwrap_or(false) || self.rels[p].delta_is_empty()
                    {
                        continue;
                    }
                    let plan = plan::compile(&r.rule.body, Some(i), &mut self.rels);
                    self.run_rule(r, &plan);
                    if self.overflow.is_some() {
                        return;
                    }
                }
            }
            for &p in members {
                self.rels[p].close_round();
            }
        }
    }

    fn run_rule(&mut self, r: &RuleRef, plan: &Plan) {
        let mut sink = Sink::Rule {
            heads: r.heads,
            likelihood: r.rule.likelihood.units(),
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
            if self.overflow.is_some() {
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
                if ir::compare(&self.values, self.scales, a, *op, b, *kind) {
                    self.run(plan, sink, step + 1, lik, height);
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
            Sink::Rule { heads, likelihood } => {
                let lik = lik.min(*likelihood);
                let height = height.saturating_add(1);
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
            Sink::Conflict(hits) => hits.push(RawHit {
                bindings: self.vars[..plan.vars].to_vec(),
                premises: self.prem[..plan.atoms].to_vec(),
                lik,
            }),
        }
    }
}
