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
mod diagnose;
mod eval;
mod external;
mod init;
mod model;
mod plan;
mod query;
mod relation;
mod validate;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use crate::diagnostics::Diagnostic;
use crate::ir::{self, Program, RuleId};
use crate::likelihood::Likelihood;
use crate::source::FileId;

use diagnose::{division_warning, mixed_kinds_warning, overflow, row_limit, timeout};
use eval::{HeadPlan, RawHit, RuleRef, State};
use init::{Layout, add_base_rows, lay_out, select_inputs};
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
        state.run_conflict(c.span, &plan, &mut hits);
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
