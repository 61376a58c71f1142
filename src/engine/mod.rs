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
//! let program = std::sync::Arc::new(warrant::Program::load(&["tests/data/engine/hedging.wr"]).unwrap());
//! let model = evaluate(&program, &EvalOptions::default()).unwrap();
//! let hedges = program.pred_id("hedges").unwrap();
//! for (id, row, likelihood) in model.rows(hedges) {
//!     println!("{} {likelihood}", model.format_row(hedges, row));
//!     if let Some(Derivation::Rule { rule, premises, .. }) = model.derivation(hedges, id) {
//!         assert_eq!(program.rule(rule).name, "allies_hedge");
//!         assert_eq!(premises.len(), 2);
//!     }
//! }
//! assert_eq!(model.len(hedges), 2);
//! ```

pub mod builder;
pub mod demand;
mod eval;
mod external;
mod model;
mod plan;
mod query;
mod relation;
mod validate;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{self, Arg, FactOrigin, InputRows, Program, RuleId, ValueId};
use crate::likelihood::Likelihood;
use crate::source::FileId;

use eval::{HeadPlan, RawHit, RuleRef, Sink, State, TAG_GIVEN, TAG_INPUT, TAG_STATED};
use model::{Recipe, recipe};
use plan::Operand;
use relation::{NIL, Relation};
use validate::validate;

pub use external::{ExternalOptions, ExternalRow, model_from_rows};
pub use model::{ConflictHit, Derivation, FactSource, Model, PatternArg, Premise, Stats};

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
    /// Stop with `warrant::timeout` once this moment has passed (the
    /// clock is read between rules and every few thousand join steps).
    pub deadline: Option<Instant>,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            provenance: true,
            max_rows: DEFAULT_MAX_ROWS,
            extra_facts: Vec::new(),
            files: None,
            extra_retractions: Vec::new(),
            deadline: None,
        }
    }
}

/// Evaluates a program: adds its facts and the rows `check` read from its
/// `input` files, runs its rules stratum by stratum to the fixpoint, then
/// evaluates its conflicts. The model keeps the program (shared, not
/// copied).
///
/// Errors: `warrant::row_limit` when the model grows past
/// [`EvalOptions::max_rows`]; `warrant::timeout` when
/// [`EvalOptions::deadline`] passes; `warrant::overflow`.
pub fn evaluate(program: &Arc<Program>, options: &EvalOptions) -> Result<Model, Vec<Diagnostic>> {
    evaluate_as(program, options, None)
}

/// How the rules of a program rewritten for demand (see [`demand`]) read
/// back as the original program's.
pub(crate) struct Rewritten<'a> {
    pub original: &'a Program,
    /// Per rule of the rewritten program, the original rule it runs (with
    /// a demand condition added); `None` for a rule that derives demand.
    pub origin: &'a [Option<RuleId>],
    /// The demand predicates are those from this index on.
    pub demand_from: usize,
}

/// [`evaluate`], where a rewritten program's derivations are recorded as
/// its original rules' (so that they read back without the demand).
fn evaluate_as(
    program: &Arc<Program>,
    options: &EvalOptions,
    rewritten: Option<&Rewritten>,
) -> Result<Model, Vec<Diagnostic>> {
    let start = Instant::now();
    validate(program, &options.extra_facts).map_err(|d| vec![d])?;
    let values = program.values.clone();
    let loaded = select_inputs(program, options);
    let load_time = start.elapsed();

    let Layout {
        recipes,
        rels,
        head_plans,
    } = lay_out(program, options, &loaded, rewritten);
    let mut state = State::new(
        rels,
        values,
        &program.scales,
        options.provenance,
        options.max_rows,
    );
    state.demand_from = rewritten.map_or(usize::MAX, |r| r.demand_from);
    state.deadline = options.deadline;
    add_base_rows(&mut state, program, options, loaded);
    run_strata(&mut state, program, options, &head_plans);
    if let Some(f) = &state.fault {
        return Err(vec![overflow(program, f)]);
    }
    if let Some(p) = state.overflow {
        return Err(vec![row_limit(program, options, &state, p)]);
    }
    if let Some(rule) = state.timed_out {
        return Err(vec![timeout(program, rule)]);
    }
    let conflicts = find_conflicts(&mut state, program, options);
    if let Some(f) = &state.fault {
        return Err(vec![overflow(program, f)]);
    }
    if state.timed_out.is_some() {
        return Err(vec![timeout(program, None)]);
    }
    let warnings = division_warning(&state)
        .into_iter()
        .chain(mixed_kinds_warning(&state))
        .collect();

    let rels = state.rels;
    let values = state.values;
    let stats = Stats {
        rows: rels.iter().map(|r| r.len as usize).collect(),
        derived: rels.iter().map(|r| r.derived as usize).collect(),
        strata: program.strata.len(),
        load_time,
        eval_time: start.elapsed(),
        bytes: rels.iter().map(Relation::bytes).sum(),
    };
    Ok(Model {
        program: Arc::clone(program),
        values,
        rels,
        recipes,
        given: options.extra_facts.clone(),
        conflicts,
        provenance: options.provenance,
        stats,
        warnings,
    })
}

/// `warrant::overflow`: the rule and the computation that left the range.
fn overflow(program: &Program, f: &eval::ArithFault) -> Diagnostic {
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

/// `warrant::division_by_zero`: how many divisions by zero derived
/// nothing, and in which rules.
fn division_warning(state: &State) -> Option<Diagnostic> {
    let n = state.divisions_by_zero;
    if n == 0 {
        return None;
    }
    let mut d = Diagnostic::warning(
        Code::DivisionByZero,
        format!(
            "{n} division{} by zero derived nothing",
            if n == 1 { "" } else { "s" }
        ),
    )
    .with_help("a division by zero leaves that binding out; test the divisor first, e.g. `D != 0`");
    for &r in &state.division_rules {
        d = d.with_label(r, "this rule divided by zero");
    }
    Some(d)
}

/// `warrant::never_holds` as a warning: comparisons between values of
/// different kinds met during evaluation (where `check` could not know the
/// types), and in which rules.
fn mixed_kinds_warning(state: &State) -> Option<Diagnostic> {
    let n = state.mixed_comparisons;
    if n == 0 {
        return None;
    }
    let mut d = Diagnostic::warning(
        Code::NeverHolds,
        format!(
            "{n} comparison{} between a text and a number never held",
            if n == 1 { "" } else { "s" }
        ),
    )
    .with_help(
        "texts and numbers are never equal nor ordered; declare the column's type \
         (`pred p(x: int)`) so `check` can tell, or compare values of one kind",
    );
    for &r in &state.mixed_rules {
        d = d.with_label(r, "this rule compared values of different kinds");
    }
    Some(d)
}

/// The `input` files the evaluation sees (`check` read their rows into
/// the program).
fn select_inputs<'p>(program: &'p Program, options: &EvalOptions) -> Vec<(usize, &'p InputRows)> {
    program
        .inputs
        .iter()
        .enumerate()
        .filter(|(_, inp)| file_ok(&options.files, inp.span.file))
        .map(|(i, inp)| (i, &inp.rows))
        .collect()
}

/// The relations, how their derivation records read back, and each rule's
/// conclusions, laid out before any row is added.
struct Layout {
    /// Derivation tag → recipe, one per (rule, head) in rule order.
    recipes: Vec<Recipe>,
    rels: Vec<Relation>,
    /// Per rule, its conclusions with their tags local to the head relation.
    head_plans: Vec<Vec<HeadPlan>>,
}

/// Derivation tags and record widths: one word for a base row's origin,
/// and as many as the widest rule record of the predicate.
fn lay_out(
    program: &Program,
    options: &EvalOptions,
    loaded: &[(usize, &InputRows)],
    rewritten: Option<&Rewritten>,
) -> Layout {
    let mut recipes = Vec::new();
    let mut width = vec![0usize; program.preds.len()];
    for f in program.facts.iter().chain(&options.extra_facts) {
        width[f.pred.0 as usize] = 1;
    }
    for (i, _) in loaded {
        width[program.inputs[*i].pred.0 as usize] = 1;
    }
    for (r, rule) in program.rules.iter().enumerate() {
        let origin = rewritten.and_then(|w| Some((w.original, (*w.origin.get(r)?)?)));
        for (h, head) in rule.heads.iter().enumerate() {
            let rc = match origin {
                Some((original, o)) => recipe(o, original.rule(o), h),
                None => recipe(RuleId(r as u32), rule, h),
            };
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
    Layout {
        recipes,
        rels,
        head_plans,
    }
}

/// Adds the stated facts, the given facts and the input rows, then makes
/// every relation's rows visible to joins.
fn add_base_rows(
    state: &mut State,
    program: &Program,
    options: &EvalOptions,
    loaded: Vec<(usize, &InputRows)>,
) {
    // Retractions of the world, by predicate: stated facts and input rows
    // that match one are taken back before evaluation.
    let mut retracted: Vec<Vec<&ir::Retraction>> = vec![Vec::new(); program.preds.len()];
    for r in program
        .retractions
        .iter()
        .filter(|r| file_ok(&options.files, r.span.file))
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
        if file_ok(&options.files, file) && !taken_back(f.pred.0 as usize, &f.row) {
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
            // The set slot a row lands in is a cache miss: ask for the one
            // of a row a few ahead while this one is inserted.
            if let Some(ahead) = l.data.get((r + 8) * arity..(r + 9) * arity) {
                let rel = &state.rels[p];
                rel.prefetch(rel.hash(ahead));
            }
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
    for r in &mut state.rels {
        r.clear_delta();
    }
}

/// Runs each stratum's rules to its fixpoint, in order, until done or the
/// row limit stops it.
fn run_strata(
    state: &mut State,
    program: &Program,
    options: &EvalOptions,
    head_plans: &[Vec<HeadPlan>],
) {
    for (s, list) in rules_by_stratum(program).iter().enumerate() {
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
            .filter(|r| file_ok(&options.files, r.rule.span.file))
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
}

/// Rules per stratum: the stratum's list, plus any rule whose own stratum
/// index names it; rules with an index past the end run last.
fn rules_by_stratum(program: &Program) -> Vec<Vec<usize>> {
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
    by_stratum
}

/// `warrant::row_limit`, pointing at the rules that conclude the predicate
/// that grew.
fn row_limit(program: &Program, options: &EvalOptions, state: &State, p: usize) -> Diagnostic {
    let pred = &program.preds[p];
    let rows = state.rels[p].len;
    let mut d = Diagnostic::error(
        Code::RowLimit,
        format!(
            "evaluation stopped: the model passed {} rows while `{}` grew to {} rows",
            options.max_rows, pred.name, rows
        ),
    )
    .with_help("raise the limit with --max-rows, or look for a rule that derives without bound");
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
    d
}

/// `warrant::timeout`: where evaluation was when the deadline passed (the
/// rule and its stratum, or the conflicts, matched after every stratum).
fn timeout(program: &Program, rule: Option<crate::source::Span>) -> Diagnostic {
    let rule = rule.and_then(|s| program.rules.iter().find(|r| r.span == s));
    let place = match rule {
        Some(r) => format!(
            "in stratum {} of {}, running rule `{}`",
            r.stratum + 1,
            program.strata.len().max(r.stratum + 1),
            r.name
        ),
        None => "while matching the conflicts".to_string(),
    };
    let mut d = Diagnostic::error(
        Code::Timeout,
        format!("evaluation stopped: the time limit passed {place}"),
    )
    .with_help(
        "an unfinished model is never printed; raise the limit with --timeout, or look for \
         a rule that derives more than expected (`--max-rows N` names the predicate that grows)",
    );
    if let Some(r) = rule {
        d = d.with_label(r.span, format!("`{}` was running", r.name));
    }
    d
}

/// The conflicts that hold on the final model. A symmetric conflict
/// (`R1 != R2`) matches the same rows in both orders; it is one tension,
/// reported once (first match kept).
fn find_conflicts(state: &mut State, program: &Program, options: &EvalOptions) -> Vec<ConflictHit> {
    let mut conflicts = Vec::new();
    for (ci, c) in program.conflicts.iter().enumerate() {
        if !file_ok(&options.files, c.span.file) {
            continue;
        }
        let plan = plan::compile(&c.body, None, &mut state.rels);
        let mut hits: Vec<RawHit> = Vec::new();
        state.run_plan(&plan, &mut Sink::Conflict(&mut hits));
        let mut seen: HashSet<Vec<Premise>> = HashSet::new();
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
    conflicts
}

fn file_ok(files: &Option<Vec<FileId>>, file: FileId) -> bool {
    files.as_ref().is_none_or(|fs| fs.contains(&file))
}

#[cfg(test)]
mod tests;
