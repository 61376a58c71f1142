//! The engine: evaluates a checked [`ir::Program`] into a [`Model`].
//!
//! Evaluation is stratified and semi-naive over interned rows. A relation is
//! an insertion-ordered set of fixed-width `u32` rows, so a row's index is
//! its stable [`RowId`]; hash indexes on the bound columns of each join are
//! built on first use and kept up to date as rows arrive. Every rule with
//! `k` recursive body atoms runs as `k` delta variants per round; the join
//! order is chosen greedily from what is bound, and comparisons and `unless`
//! exceptions run as soon as their variables are bound.
//!
//! Likelihood is possibilistic: a derivation is as likely as the least
//! likely of its rule and premises, a row as likely as its best derivation.
//! A row counts as new in a round when it appears or its likelihood rises.
//! With provenance on (the default) the engine records, for every row, the
//! derivation that gave it its likelihood; among equally likely derivations
//! the one of least proof height (facts have height 0, a derivation one more
//! than its highest premise).
//!
//! Values compare by identity in joins (`1` and `1.0` are different values
//! to a join); a comparison compares as [`ir::compare`] says (numbers by
//! value, so `1 = 1.0` holds).
//!
//! ```
//! use warrant::engine::{Derivation, EvalOptions, evaluate};
//!
//! let program = warrant::Program::load(&["tests/data/engine/hedging.wr"]).unwrap();
//! let model = evaluate(&program, &EvalOptions::default()).unwrap();
//! let hedges = program.pred_id("hedges").unwrap();
//! for (id, row, likelihood) in model.rows(hedges) {
//!     println!("{} {likelihood}", model.format_row(&program, hedges, row));
//!     if let Some(Derivation::Rule { rule, premises, .. }) = model.derivation(hedges, id) {
//!         assert_eq!(program.rule(rule).name, "allies_hedge");
//!         assert_eq!(premises.len(), 2);
//!     }
//! }
//! assert_eq!(model.len(hedges), 2);
//! ```

pub mod builder;
mod eval;
mod plan;
mod query;
mod relation;

use std::time::{Duration, Instant};

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{self, Arg, FactOrigin, PredId, Program, RuleId, Value, ValueId, Values};
use crate::likelihood::Likelihood;
use crate::source::FileId;

use eval::{HeadPlan, RawHit, RuleRef, Sink, State, TAG_BASE, TAG_GIVEN, TAG_INPUT, TAG_STATED};
use plan::Operand;
use relation::{NIL, Relation};

pub use query::{Query, QueryTable, query_table, resolve_query};

/// A row's index in its relation: stable, in insertion order.
pub type RowId = u32;

/// The default row limit: 50 million rows over all predicates.
pub const DEFAULT_MAX_ROWS: usize = 50_000_000;

/// How to evaluate.
#[derive(Clone, Debug)]
pub struct EvalOptions {
    /// Record the derivation of every row (default on).
    pub provenance: bool,
    /// Stop with `warrant::row_limit` when the model grows past this many
    /// rows in total (facts and input rows included).
    pub max_rows: usize,
    /// Facts added to the program's (a test's `given` facts). Their values
    /// must be interned in the program's value table.
    pub extra_facts: Vec<ir::Fact>,
    /// When set, only the facts, inputs, rules and conflicts declared in
    /// these files take part (the world a test's file sees).
    pub files: Option<Vec<FileId>>,
    /// Retractions added to those of the program's files that take part (a
    /// test's `without`).
    pub extra_retractions: Vec<ir::Retraction>,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            provenance: true,
            max_rows: DEFAULT_MAX_ROWS,
            extra_facts: Vec::new(),
            files: None,
            extra_retractions: Vec::new(),
        }
    }
}

/// Where a base row came from (its first statement, or the one that gave it
/// its likelihood when it is stated more than once).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FactSource {
    /// `program.facts[i]`.
    Stated(usize),
    /// `options.extra_facts[i]` (a test's `given`).
    Given(usize),
    /// Row `row` (1-based, header included) of the file of `program.inputs[input]`.
    Input { input: usize, row: usize },
}

/// A premise of a derivation: a row of a relation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Premise {
    pub pred: PredId,
    pub row: RowId,
}

/// How a row got its likelihood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Derivation {
    /// By a rule: which rule, which of its heads, and the rows matched by
    /// its positive body atoms, in body order. The bindings follow from
    /// these and the head.
    Rule {
        rule: RuleId,
        head: usize,
        premises: Vec<Premise>,
        /// The values of the rule's variables that the conclusion and the
        /// record give (by `VarId`; computed values included, premises'
        /// variables too unless an atom has a wildcard).
        bindings: Vec<Option<ValueId>>,
        /// Proof height: 1 + the highest premise's height.
        height: u32,
    },
    /// A base row: a stated fact, a test's given fact or an input row.
    Fact {
        source: FactSource,
        origin: FactOrigin,
    },
}

/// A conflict that holds on the final model.
#[derive(Clone, Debug)]
pub struct ConflictHit {
    /// Index into `program.conflicts`.
    pub conflict: usize,
    /// The value of each variable of the conflict's body (indexed by `VarId`).
    pub bindings: Vec<ValueId>,
    /// The rows matched by the body's positive atoms, in body order.
    pub premises: Vec<Premise>,
    /// The least likelihood among the premises.
    pub likelihood: Likelihood,
}

/// Counts and times of one evaluation.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Rows per predicate (indexed like `program.preds`).
    pub rows: Vec<usize>,
    /// Rows inserted by rules, per predicate.
    pub derived: Vec<usize>,
    pub strata: usize,
    /// Time to load `input` files.
    pub load_time: Duration,
    /// Time of the whole evaluation (loading included).
    pub eval_time: Duration,
    /// Heap bytes held by the relations and their indexes.
    pub bytes: usize,
}

impl Stats {
    pub fn total_rows(&self) -> usize {
        self.rows.iter().sum()
    }

    pub fn total_derived(&self) -> usize {
        self.derived.iter().sum()
    }
}

/// One argument of a query pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatternArg {
    /// A variable, numbered from 0; the same number twice means equal values.
    Var(u32),
    /// A constant (a value id of [`Model::values`]).
    Value(ValueId),
    /// Anything.
    Any,
}

/// The evaluated program: every row of every predicate with its likelihood
/// and (with provenance) its derivation, and the conflicts that hold.
#[derive(Clone, Debug)]
pub struct Model {
    values: Values,
    rels: Vec<Relation>,
    /// Derivation tag → how to read its records.
    recipes: Vec<Recipe>,
    facts: Vec<ir::Fact>,
    given: Vec<ir::Fact>,
    inputs: Vec<ir::Input>,
    conflicts: Vec<ConflictHit>,
    provenance: bool,
    stats: Stats,
    /// Warnings of the evaluation (divisions by zero).
    warnings: Vec<Diagnostic>,
}

/// How the record of a (rule, head) derivation reads back into premises.
#[derive(Clone, Debug)]
struct Recipe {
    rule: RuleId,
    head: u32,
    /// The positive body atoms.
    atoms: Vec<(PredId, Vec<Arg>)>,
    head_args: Vec<Arg>,
    /// The variables recorded, or `None` when premise row ids are.
    stored: Option<Vec<u32>>,
    nvars: usize,
}

/// What a (rule, head) derivation records: the values of the body
/// variables the head does not fix (the premises are found again from the
/// bindings), or the premise row ids when an atom has a wildcard.
fn recipe(rule_id: RuleId, rule: &ir::Rule, head: usize) -> Recipe {
    let h = &rule.heads[head];
    let mut nvars = rule.body.vars.len();
    let mut stored = Vec::new();
    let mut ids = false;
    for a in &rule.body.atoms {
        for arg in &a.args {
            match *arg {
                Arg::Var(v) => {
                    nvars = nvars.max(v as usize + 1);
                    if !h.args.contains(arg) && !stored.contains(&v) {
                        stored.push(v);
                    }
                }
                Arg::Wildcard => ids = true,
                Arg::Const(_) => {}
            }
        }
    }
    for arg in &h.args {
        if let Arg::Var(v) = *arg {
            nvars = nvars.max(v as usize + 1);
        }
    }
    // Values computed by arithmetic and aggregates (and the groups an
    // aggregate binds) are recorded too: explanations show them.
    let mut computed: Vec<u32> = rule.body.assignments.iter().map(|a| a.var).collect();
    for a in &rule.body.aggregates {
        computed.push(a.result);
        computed.extend(&a.group);
    }
    for v in computed {
        nvars = nvars.max(v as usize + 1);
        if !h.args.contains(&Arg::Var(v)) && !stored.contains(&v) {
            stored.push(v);
        }
    }
    stored.sort_unstable();
    Recipe {
        rule: rule_id,
        head: head as u32,
        atoms: rule
            .body
            .atoms
            .iter()
            .map(|a| (a.pred, a.args.clone()))
            .collect(),
        head_args: h.args.clone(),
        stored: (!ids).then_some(stored),
        nvars,
    }
}

impl Recipe {
    fn words(&self) -> usize {
        self.stored.as_ref().map_or(self.atoms.len(), Vec::len)
    }
}

fn file_ok(files: &Option<Vec<FileId>>, file: FileId) -> bool {
    files.as_ref().is_none_or(|fs| fs.contains(&file))
}

fn internal(message: String) -> Diagnostic {
    Diagnostic::error(Code::Internal, message)
        .with_help("this is a bug in Warrant's checker or engine; please report it")
}

/// Checks the IR invariants the engine relies on, so that a malformed
/// program is a diagnostic rather than a panic.
fn validate(program: &Program, extra: &[ir::Fact]) -> Result<(), Diagnostic> {
    let npred = program.preds.len();
    let nval = program.values.len() as u32;
    let atom_ok = |a: &ir::Atom, nvars: usize, what: &str| -> Result<(), Diagnostic> {
        let Some(p) = program.preds.get(a.pred.0 as usize) else {
            return Err(internal(format!(
                "{what}: unknown predicate id {}",
                a.pred.0
            )));
        };
        if p.arity != a.args.len() {
            return Err(internal(format!(
                "{what}: `{}` has {} arguments, declared with {}",
                p.name,
                a.args.len(),
                p.arity
            )));
        }
        for arg in &a.args {
            match *arg {
                Arg::Var(v) if v as usize >= nvars => {
                    return Err(internal(format!("{what}: variable {v} out of range")));
                }
                Arg::Const(c) if c >= nval => {
                    return Err(internal(format!("{what}: value {c} out of range")));
                }
                _ => {}
            }
        }
        Ok(())
    };
    let body_ok = |b: &ir::Body, what: &str| -> Result<(), Diagnostic> {
        let n = b.vars.len();
        for a in b.atoms.iter().chain(&b.exceptions) {
            atom_ok(a, n, what)?;
        }
        for c in &b.comparisons {
            for arg in [c.lhs, c.rhs] {
                match arg {
                    Arg::Var(v) if v as usize >= n => {
                        return Err(internal(format!("{what}: variable {v} out of range")));
                    }
                    Arg::Const(k) if k >= nval => {
                        return Err(internal(format!("{what}: value {k} out of range")));
                    }
                    _ => {}
                }
            }
            if let ir::CompareKind::Scale(s) = c.kind
                && s.0 as usize >= program.scales.len()
            {
                return Err(internal(format!("{what}: scale {} out of range", s.0)));
            }
        }
        Ok(())
    };
    for r in &program.rules {
        let what = format!("rule `{}`", r.name);
        body_ok(&r.body, &what)?;
        for h in &r.heads {
            atom_ok(h, r.body.vars.len(), &what)?;
            if h.args.contains(&Arg::Wildcard) {
                return Err(internal(format!("{what}: a wildcard in a conclusion")));
            }
        }
    }
    for c in &program.conflicts {
        body_ok(&c.body, &format!("conflict `{}`", c.name))?;
    }
    for f in program.facts.iter().chain(extra) {
        let Some(p) = program.preds.get(f.pred.0 as usize) else {
            return Err(internal(format!(
                "a fact of unknown predicate id {}",
                f.pred.0
            )));
        };
        if p.arity != f.row.len() || f.row.iter().any(|&v| v >= nval) {
            return Err(internal(format!("a malformed fact of `{}`", p.name)));
        }
    }
    for i in &program.inputs {
        if i.pred.0 as usize >= npred {
            return Err(internal(format!(
                "an input of unknown predicate id {}",
                i.pred.0
            )));
        }
    }
    if program.rules.len() >= TAG_BASE as usize / 64 {
        return Err(internal("too many rules".into()));
    }
    Ok(())
}

/// Evaluates a program: loads its `input` files, runs its rules stratum by
/// stratum to the fixpoint, then evaluates its conflicts.
///
/// Errors: `warrant::input` for a bad input file (nothing is loaded from
/// it), `warrant::row_limit` when the model grows past
/// [`EvalOptions::max_rows`].
pub fn evaluate(program: &Program, options: &EvalOptions) -> Result<Model, Vec<Diagnostic>> {
    let start = Instant::now();
    validate(program, &options.extra_facts).map_err(|d| vec![d])?;
    let files = &options.files;
    let values = program.values.clone();

    // Inputs first: every file is checked whole before any row is used.
    // `check` read the input files; their rows are in the program.
    let loaded: Vec<(usize, &ir::InputRows)> = program
        .inputs
        .iter()
        .enumerate()
        .filter(|(_, inp)| file_ok(files, inp.span.file))
        .map(|(i, inp)| (i, &inp.rows))
        .collect();
    let load_time = start.elapsed();

    // Derivation tags and record widths: one word for a base row's
    // origin, and as many as the widest rule record of the predicate.
    let mut recipes = Vec::new();
    let mut width = vec![0usize; program.preds.len()];
    for f in program.facts.iter().chain(&options.extra_facts) {
        width[f.pred.0 as usize] = 1;
    }
    for (i, _) in &loaded {
        width[program.inputs[*i].pred.0 as usize] = 1;
    }
    for (r, rule) in program.rules.iter().enumerate() {
        for (h, head) in rule.heads.iter().enumerate() {
            let rc = recipe(RuleId(r as u32), rule, h);
            let w = &mut width[head.pred.0 as usize];
            *w = (*w).max(rc.words());
            recipes.push(rc);
        }
    }
    let mut rels: Vec<Relation> = program
        .preds
        .iter()
        .zip(&width)
        .map(|(p, &w)| Relation::new(p.arity, options.provenance, w))
        .collect();
    // Each rule's conclusions, with their tags local to the head relation.
    let mut head_plans: Vec<Vec<HeadPlan>> = Vec::with_capacity(program.rules.len());
    let mut tag = 0u32;
    for rule in &program.rules {
        let mut hs = Vec::with_capacity(rule.heads.len());
        for head in &rule.heads {
            let p = head.pred.0 as usize;
            let rc = &recipes[tag as usize];
            hs.push(HeadPlan {
                pred: p,
                args: head
                    .args
                    .iter()
                    .map(|a| match *a {
                        Arg::Var(v) => Operand::Var(v),
                        Arg::Const(c) => Operand::Const(c),
                        Arg::Wildcard => Operand::Const(NIL),
                    })
                    .collect(),
                tag: if options.provenance {
                    rels[p].tag_index(tag)
                } else {
                    0
                },
                stored: rc.stored.clone(),
            });
            tag += 1;
        }
        head_plans.push(hs);
    }
    let mut state = State::new(
        rels,
        values,
        &program.scales,
        options.provenance,
        options.max_rows,
    );

    // Retractions of the world, by predicate: stated facts and input rows
    // that match one are taken back before evaluation.
    let mut retracted: Vec<Vec<&ir::Retraction>> = vec![Vec::new(); program.preds.len()];
    for r in program
        .retractions
        .iter()
        .filter(|r| file_ok(files, r.span.file))
        .chain(&options.extra_retractions)
    {
        if let Some(list) = retracted.get_mut(r.pred.0 as usize) {
            list.push(r);
        }
    }
    let taken_back = |p: usize, row: &[ValueId]| {
        retracted[p]
            .iter()
            .any(|r| r.matches(ir::PredId(p as u32), row))
    };
    for (i, f) in program.facts.iter().enumerate() {
        let file = match &f.origin {
            FactOrigin::Stated(s) => s.file,
            FactOrigin::Input { directive, .. } => directive.file,
        };
        if file_ok(files, file) && !taken_back(f.pred.0 as usize, &f.row) {
            state.add_base(
                f.pred.0 as usize,
                &f.row,
                f.likelihood.units(),
                TAG_STATED,
                i as u32,
            );
        }
    }
    for (i, f) in options.extra_facts.iter().enumerate() {
        state.add_base(
            f.pred.0 as usize,
            &f.row,
            f.likelihood.units(),
            TAG_GIVEN,
            i as u32,
        );
    }
    for (i, l) in &loaded {
        let p = program.inputs[*i].pred.0 as usize;
        state.rels[p].reserve(l.lines.len());
    }
    for (i, l) in &loaded {
        let inp = &program.inputs[*i];
        let p = inp.pred.0 as usize;
        let arity = program.preds[p].arity;
        let check = !retracted[p].is_empty();
        for (r, &line) in l.lines.iter().enumerate() {
            let row = &l.data[r * arity..(r + 1) * arity];
            if check && taken_back(p, row) {
                continue;
            }
            state.add_base(
                p,
                row,
                Likelihood::CERTAIN.units(),
                TAG_INPUT | *i as u32,
                line,
            );
        }
    }
    drop(loaded);
    // Base rows are complete: every relation's rows are visible to joins.
    for r in &mut state.rels {
        r.clear_delta();
    }

    // Rules per stratum: the stratum's list, plus any rule whose own
    // stratum index names it; rules with an index past the end run last.
    let nstrata = program.strata.len();
    let mut by_stratum: Vec<Vec<usize>> = program
        .strata
        .iter()
        .map(|s| s.rules.iter().map(|r| r.0 as usize).collect())
        .collect();
    by_stratum.push(Vec::new());
    for (r, rule) in program.rules.iter().enumerate() {
        let s = rule.stratum.min(nstrata);
        if !by_stratum[s].contains(&r) && !by_stratum.iter().any(|l| l.contains(&r)) {
            by_stratum[s].push(r);
        }
    }
    for (s, list) in by_stratum.iter().enumerate() {
        if state.stopped() {
            break;
        }
        let rules: Vec<RuleRef> = list
            .iter()
            .filter_map(|&r| {
                program.rules.get(r).map(|rule| RuleRef {
                    rule,
                    heads: &head_plans[r],
                })
            })
            .filter(|r| file_ok(files, r.rule.span.file))
            .collect();
        let preds: Vec<usize> = program
            .strata
            .get(s)
            .map(|st| {
                st.preds
                    .iter()
                    .map(|p| p.0 as usize)
                    .filter(|&p| p < program.preds.len())
                    .collect()
            })
            .unwrap_or_default();
        if rules.is_empty() {
            continue;
        }
        state.stratum(&rules, &preds);
    }
    if let Some(f) = &state.fault {
        return Err(vec![overflow_diagnostic(program, f)]);
    }
    if let Some(p) = state.overflow {
        let pred = &program.preds[p];
        let rows = state.rels[p].len;
        let mut d = Diagnostic::error(
            Code::RowLimit,
            format!(
                "evaluation stopped: the model passed {} rows while `{}` grew to {} rows",
                options.max_rows, pred.name, rows
            ),
        )
        .with_help(
            "raise the limit with --max-rows, or look for a rule that derives without bound",
        );
        // Point at the rules that conclude the predicate that grew.
        let rule_spans: Vec<_> = program
            .rules
            .iter()
            .filter(|r| r.heads.iter().any(|h| h.pred.0 as usize == p))
            .map(|r| r.span)
            .collect();
        if rule_spans.is_empty() {
            d = d.with_label(pred.first_seen, format!("`{}` is declared here", pred.name));
        } else {
            for s in rule_spans {
                d = d.with_label(s, format!("this rule concludes `{}`", pred.name));
            }
        }
        return Err(vec![d]);
    }

    // Conflicts, over the final model.
    let mut conflicts = Vec::new();
    for (ci, c) in program.conflicts.iter().enumerate() {
        if !file_ok(files, c.span.file) {
            continue;
        }
        let plan = plan::compile(&c.body, None, &mut state.rels);
        let mut hits: Vec<RawHit> = Vec::new();
        state.run_plan(&plan, &mut Sink::Conflict(&mut hits));
        // A symmetric conflict (`R1 != R2`) matches the same rows in both
        // orders; it is one tension, reported once (first match kept).
        let mut seen: std::collections::HashSet<Vec<Premise>> = std::collections::HashSet::new();
        for h in hits {
            let premises: Vec<Premise> = h
                .premises
                .iter()
                .zip(&c.body.atoms)
                .map(|(&row, a)| Premise { pred: a.pred, row })
                .collect();
            let mut key = premises.clone();
            key.sort_by_key(|p| (p.pred, p.row));
            if !seen.insert(key) {
                continue;
            }
            conflicts.push(ConflictHit {
                conflict: ci,
                bindings: h.bindings,
                premises,
                likelihood: Likelihood::from_units(h.lik.min(Likelihood::SCALE))
                    .unwrap_or(Likelihood::CERTAIN),
            });
        }
    }

    if let Some(f) = &state.fault {
        return Err(vec![overflow_diagnostic(program, f)]);
    }
    let mut warnings = Vec::new();
    if state.divisions_by_zero > 0 {
        let n = state.divisions_by_zero;
        let mut d = Diagnostic::warning(
            Code::DivisionByZero,
            format!(
                "{n} division{} by zero derived nothing",
                if n == 1 { "" } else { "s" }
            ),
        )
        .with_help(
            "a division by zero leaves that binding out; test the divisor first, e.g. `D != 0`",
        );
        for &r in &state.division_rules {
            d = d.with_label(r, "this rule divided by zero");
        }
        warnings.push(d);
    }
    let rels = state.rels;
    let values = state.values;
    let stats = Stats {
        rows: rels.iter().map(|r| r.len as usize).collect(),
        derived: rels.iter().map(|r| r.derived as usize).collect(),
        strata: nstrata,
        load_time,
        eval_time: start.elapsed(),
        bytes: rels.iter().map(Relation::bytes).sum(),
    };
    Ok(Model {
        values,
        rels,
        recipes,
        facts: program.facts.clone(),
        given: options.extra_facts.clone(),
        inputs: program.inputs.clone(),
        conflicts,
        provenance: options.provenance,
        stats,
        warnings,
    })
}

/// `warrant::overflow`: the rule and the computation that left the range.
fn overflow_diagnostic(program: &Program, f: &eval::ArithFault) -> Diagnostic {
    let rule = f
        .rule
        .and_then(|s| program.rules.iter().find(|r| r.span == s));
    let name = rule.map_or_else(|| "a rule".to_string(), |r| format!("rule `{}`", r.name));
    let mut d = Diagnostic::error(
        Code::Overflow,
        format!(
            "evaluation stopped: {} is outside the 64-bit integer range in {name}",
            f.computation
        ),
    )
    .with_help(
        "integers range from -9223372036854775808 to 9223372036854775807; bound the recursion \
         (e.g. `N < 90`) or compute with decimals",
    );
    if let Some(r) = rule {
        d = d.with_label(r.span, format!("`{}` computed {}", r.name, f.computation));
    }
    d
}

impl Model {
    /// The value table: the program's values and those loaded from inputs.
    pub fn values(&self) -> &Values {
        &self.values
    }

    /// A value by id (`None` when out of range).
    pub fn value(&self, id: ValueId) -> Option<&Value> {
        ((id as usize) < self.values.len()).then(|| self.values.get(id))
    }

    /// `pred(a, b)` with the values of a row (values loaded from inputs
    /// included, which `Program::format_row` does not know).
    pub fn format_row(&self, program: &Program, pred: PredId, row: &[ValueId]) -> String {
        let args: Vec<String> = row
            .iter()
            .map(|&v| {
                self.value(v)
                    .map_or_else(|| "?".to_string(), Value::to_string)
            })
            .collect();
        let name = program
            .preds
            .get(pred.0 as usize)
            .map_or("?", |p| p.name.as_str());
        format!("{name}({})", args.join(", "))
    }

    /// Whether derivations were recorded.
    pub fn has_provenance(&self) -> bool {
        self.provenance
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Warnings of the evaluation (`warrant::division_by_zero`).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The conflicts that hold, by conflict then in the order found.
    pub fn conflicts(&self) -> &[ConflictHit] {
        &self.conflicts
    }

    /// Number of predicates.
    pub fn preds(&self) -> usize {
        self.rels.len()
    }

    /// Number of rows of a predicate.
    pub fn len(&self, pred: PredId) -> usize {
        self.rels.get(pred.0 as usize).map_or(0, |r| r.len as usize)
    }

    /// Whether the model has no rows at all.
    pub fn is_empty(&self) -> bool {
        self.rels.iter().all(|r| r.len == 0)
    }

    /// One row's values.
    pub fn row(&self, pred: PredId, row: RowId) -> Option<&[ValueId]> {
        let r = self.rels.get(pred.0 as usize)?;
        (row < r.len).then(|| r.row(row))
    }

    /// Every row of a predicate, in insertion order: id, values, likelihood.
    pub fn rows(&self, pred: PredId) -> impl Iterator<Item = (RowId, &[ValueId], Likelihood)> + '_ {
        let rel = self.rels.get(pred.0 as usize);
        let n = rel.map_or(0, |r| r.len);
        (0..n).filter_map(move |id| {
            let r = rel?;
            Some((id, r.row(id), lik(r.lik[id as usize])))
        })
    }

    /// The id of a row, if it was derived or stated.
    pub fn lookup(&self, pred: PredId, row: &[ValueId]) -> Option<RowId> {
        let r = self.rels.get(pred.0 as usize)?;
        if r.arity != row.len() {
            return None;
        }
        let id = r.find(row);
        (id != NIL).then_some(id)
    }

    pub fn likelihood(&self, pred: PredId, row: RowId) -> Option<Likelihood> {
        let r = self.rels.get(pred.0 as usize)?;
        r.lik.get(row as usize).map(|&l| lik(l))
    }

    /// Proof height of a row (0 for base rows); `None` without provenance.
    pub fn height(&self, pred: PredId, row: RowId) -> Option<u32> {
        let r = self.rels.get(pred.0 as usize)?;
        (r.prov && row < r.len).then(|| r.height.get(row as usize))
    }

    /// The derivation that gave a row its likelihood; `None` without
    /// provenance or for an unknown row.
    pub fn derivation(&self, pred: PredId, row: RowId) -> Option<Derivation> {
        let r = self.rels.get(pred.0 as usize)?;
        if !r.prov || row >= r.len {
            return None;
        }
        let i = row as usize;
        let rec = r.deriv.get(i);
        let tag = *r.tags.get(r.tag.get(i) as usize)?;
        let first = rec.first().copied().unwrap_or(NIL) as usize;
        if tag == TAG_STATED {
            let f = self.facts.get(first)?;
            return Some(Derivation::Fact {
                source: FactSource::Stated(first),
                origin: f.origin.clone(),
            });
        }
        if tag == TAG_GIVEN {
            let f = self.given.get(first)?;
            return Some(Derivation::Fact {
                source: FactSource::Given(first),
                origin: f.origin.clone(),
            });
        }
        if tag & TAG_INPUT == TAG_INPUT {
            let input = (tag & !TAG_INPUT) as usize;
            let inp = self.inputs.get(input)?;
            return Some(Derivation::Fact {
                source: FactSource::Input { input, row: first },
                origin: FactOrigin::Input {
                    directive: inp.span,
                    path: inp.path.clone(),
                    row: first,
                },
            });
        }
        let rc = self.recipes.get(tag as usize)?;
        // The bindings the head and the record give.
        let mut b = vec![NIL; rc.nvars];
        for (arg, &v) in rc.head_args.iter().zip(r.row(row)) {
            if let Arg::Var(x) = *arg {
                b[x as usize] = v;
            }
        }
        let premises = match &rc.stored {
            None => rec
                .iter()
                .zip(&rc.atoms)
                .map(|(&id, (pred, _))| Premise {
                    pred: *pred,
                    row: id,
                })
                .collect(),
            Some(vars) => {
                // Rebuild the bindings, then find each premise row.
                for (&x, &v) in vars.iter().zip(rec) {
                    b[x as usize] = v;
                }
                rc.atoms
                    .iter()
                    .map(|(pred, args)| {
                        let key: Vec<u32> = args
                            .iter()
                            .map(|a| match *a {
                                Arg::Var(x) => b[x as usize],
                                Arg::Const(c) => c,
                                Arg::Wildcard => NIL,
                            })
                            .collect();
                        let id = self
                            .rels
                            .get(pred.0 as usize)
                            .filter(|p| p.arity == key.len())
                            .map_or(NIL, |p| p.find(&key));
                        Premise {
                            pred: *pred,
                            row: id,
                        }
                    })
                    .collect()
            }
        };
        Some(Derivation::Rule {
            rule: rc.rule,
            head: rc.head as usize,
            premises,
            bindings: b.into_iter().map(|v| (v != NIL).then_some(v)).collect(),
            height: r.height.get(i),
        })
    }

    /// Rows of `pred` matching a pattern (constants, variables, wildcards),
    /// in insertion order. Uses the row set when every argument is a
    /// constant, an existing index on the constant columns when there is
    /// one, and a scan otherwise.
    pub fn matching(&self, pred: PredId, pattern: &[PatternArg]) -> Vec<RowId> {
        let Some(r) = self.rels.get(pred.0 as usize) else {
            return Vec::new();
        };
        if r.arity != pattern.len() {
            return Vec::new();
        }
        let consts: Vec<(u32, u32)> = pattern
            .iter()
            .enumerate()
            .filter_map(|(c, a)| match a {
                PatternArg::Value(v) => Some((c as u32, *v)),
                _ => None,
            })
            .collect();
        let matches = |id: u32| -> bool {
            let row = r.row(id);
            let mut seen: Vec<(u32, u32)> = Vec::new();
            for (c, a) in pattern.iter().enumerate() {
                match *a {
                    PatternArg::Value(v) if row[c] != v => return false,
                    PatternArg::Var(x) => match seen.iter().find(|(y, _)| *y == x) {
                        Some(&(_, v)) if v != row[c] => return false,
                        Some(_) => {}
                        None => seen.push((x, row[c])),
                    },
                    _ => {}
                }
            }
            true
        };
        if consts.len() == pattern.len() {
            let row: Vec<u32> = consts.iter().map(|&(_, v)| v).collect();
            let id = r.find(&row);
            return if id == NIL { Vec::new() } else { vec![id] };
        }
        let cols: Vec<u32> = consts.iter().map(|&(c, _)| c).collect();
        if !cols.is_empty()
            && let Some(ix) = r.existing_index(&cols)
        {
            let key: Vec<u32> = consts.iter().map(|&(_, v)| v).collect();
            let mut out = Vec::new();
            let mut id = r.index_head(ix, &key);
            while id != NIL {
                if matches(id) {
                    out.push(id);
                }
                id = r.index_next(ix, id);
            }
            out.reverse();
            return out;
        }
        (0..r.len).filter(|&id| matches(id)).collect()
    }
}

fn lik(units: u16) -> Likelihood {
    Likelihood::from_units(units.min(Likelihood::SCALE)).unwrap_or(Likelihood::CERTAIN)
}

#[cfg(test)]
mod tests;
