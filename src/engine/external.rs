//! A model from rows computed elsewhere (`warrant run --engine duckdb`):
//! the base rows are added as [`evaluate`](super::evaluate) adds them, in
//! the same order; every other row is inserted as given, the most likely
//! kept; then the conflicts are found on the result as the engine finds
//! them. The model has no provenance: nothing in it can be explained.

use std::cmp::Ordering;
use std::sync::Arc;
use std::time::Instant;

use crate::diagnostics::Diagnostic;
use crate::ir::{ArithOp, Body, CompareKind, CompareOp, Expr, InputFormat, PredId, Program, Value};
use crate::likelihood::Likelihood;
use crate::source::FileId;

use super::eval::RuleRef;
use super::eval::State;
use super::relation::Inserted;
use super::{
    EvalOptions, Model, Stats, add_base_rows, division_warning, file_ok, find_conflicts, lay_out,
    mixed_kinds_warning, overflow, plan, row_limit, select_inputs,
};

/// One row computed elsewhere: its predicate, values and likelihood.
#[derive(Clone, Debug, PartialEq)]
pub struct ExternalRow {
    pub pred: PredId,
    pub values: Vec<Value>,
    pub likelihood: Likelihood,
}

/// How a model is built from rows computed elsewhere.
#[derive(Clone, Debug)]
pub struct ExternalOptions {
    /// [`EvalOptions::max_rows`].
    pub max_rows: usize,
    /// The world's files ([`EvalOptions::files`]): its base rows and
    /// conflicts are the ones added and found.
    pub files: Option<Vec<FileId>>,
    /// When the evaluation began, for the summary.
    pub started: Instant,
    /// Warnings of the evaluation, kept in the model.
    pub warnings: Vec<Diagnostic>,
}

/// Builds the model of `program` (the world of `external.files`) from
/// `rows`, which hold every row of every predicate (base rows may be left
/// out: they are added from the program). The first error among `rows`
/// stops the building and is returned.
///
/// Errors: `warrant::row_limit` past [`EvalOptions::max_rows`].
pub fn model_from_rows(
    program: &Arc<Program>,
    rows: impl IntoIterator<Item = Result<ExternalRow, Diagnostic>>,
    external: ExternalOptions,
) -> Result<Model, Vec<Diagnostic>> {
    let (max_rows, started) = (external.max_rows, external.started);
    let options = EvalOptions {
        provenance: false,
        max_rows,
        files: external.files,
        ..Default::default()
    };
    let loaded = select_inputs(program, &options);
    let load_time = started.elapsed();
    let layout = lay_out(program, &options, &loaded, None);
    let mut state = State::new(
        layout.rels,
        program.values.clone(),
        &program.scales,
        false,
        max_rows,
    );
    add_base_rows(&mut state, program, &options, loaded);
    // Each predicate's rows are inserted sorted by value, whatever order
    // they come in: a predicate's consecutive rows are held as value ids
    // until another predicate's row comes.
    let mut held = Held::default();
    for row in rows {
        let row = row.map_err(|d| vec![d])?;
        let p = row.pred.0 as usize;
        if held.pred != Some(p) {
            insert_held(&mut state, &mut held, program, &options)?;
            held.pred = Some(p);
        }
        if state
            .rels
            .get(p)
            .is_none_or(|r| r.arity != row.values.len())
        {
            continue;
        }
        for v in row.values {
            held.ids.push(state.values.intern(v));
        }
        held.liks.push(row.likelihood.units());
    }
    insert_held(&mut state, &mut held, program, &options)?;
    for r in &mut state.rels {
        r.clear_delta();
    }
    count_faults(&mut state, program, &options);
    let conflicts = find_conflicts(&mut state, program, &options);
    if let Some(f) = &state.fault {
        return Err(vec![overflow(program, f)]);
    }
    let mut warnings = external.warnings;
    warnings.extend(division_warning(&state));
    warnings.extend(mixed_kinds_warning(&state));
    let rels = state.rels;
    let stats = Stats {
        rows: rels.iter().map(|r| r.len as usize).collect(),
        derived: rels.iter().map(|r| r.derived as usize).collect(),
        strata: program.strata.len(),
        load_time,
        eval_time: started.elapsed(),
        bytes: rels.iter().map(super::relation::Relation::bytes).sum(),
    };
    Ok(Model {
        program: Arc::clone(program),
        values: state.values,
        rels,
        recipes: layout.recipes,
        given: Vec::new(),
        conflicts,
        provenance: false,
        stats,
        warnings,
    })
}

/// Rows of one predicate waiting to be inserted: their value ids one row
/// after the other, and their likelihoods.
#[derive(Default)]
struct Held {
    pred: Option<usize>,
    ids: Vec<u32>,
    liks: Vec<u16>,
}

/// Inserts the held rows sorted by value (integers, then decimals, then
/// texts; each by its own order), and empties `held`.
fn insert_held(
    state: &mut State,
    held: &mut Held,
    program: &Program,
    options: &EvalOptions,
) -> Result<(), Vec<Diagnostic>> {
    let Some(p) = held.pred.take() else {
        return Ok(());
    };
    let arity = state.rels[p].arity;
    // Each value's rank among the values these rows use: rows then sort
    // by comparing integers.
    let mut used = held.ids.clone();
    used.sort_unstable();
    used.dedup();
    used.sort_by(|&a, &b| value_order(state.values.get(a), state.values.get(b)));
    let mut rank = vec![0u32; state.values.len()];
    for (r, &id) in used.iter().enumerate() {
        rank[id as usize] = r as u32;
    }
    let ranks: Vec<u32> = held.ids.iter().map(|&id| rank[id as usize]).collect();
    let row = |i: u32| i as usize * arity..(i as usize + 1) * arity;
    let mut order: Vec<u32> = (0..held.liks.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| ranks[row(a)].cmp(&ranks[row(b)]));
    let read = read_elsewhere(program, options, p);
    let rel = &mut state.rels[p];
    for i in order {
        let lik = held.liks[i as usize];
        if let Inserted::New(_) = rel.insert(&held.ids[row(i)], lik, 0, 0, &[]) {
            rel.derived += u64::from(!read);
            state.total_rows += 1;
            if state.total_rows > options.max_rows {
                return Err(vec![row_limit(program, options, state, p)]);
            }
        }
    }
    held.ids.clear();
    held.liks.clear();
    Ok(())
}

/// Whether predicate `p`'s rows are read by DuckDB from Parquet and no
/// rule of the world concludes it: its rows are input rows, not derived
/// ones (the summary counts them as the engine counts an input's rows).
fn read_elsewhere(program: &Program, options: &EvalOptions, p: usize) -> bool {
    let is_p = |pred: PredId| pred.0 as usize == p;
    let in_world = |span: crate::source::Span| file_ok(&options.files, span.file);
    (program.inputs.iter())
        .any(|i| is_p(i.pred) && i.format == InputFormat::Parquet && in_world(i.span))
        && !(program.rules.iter()).any(|r| in_world(r.span) && r.heads.iter().any(|h| is_p(h.pred)))
}

/// Integers, then decimals, then texts; each kind by its own order.
fn value_order(a: &Value, b: &Value) -> Ordering {
    let kind = |v: &Value| match v {
        Value::Int(_) => 0,
        Value::Dec(_) => 1,
        Value::Text(_) => 2,
    };
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Dec(x), Value::Dec(y)) => x.total_cmp(y),
        (Value::Text(x), Value::Text(y)) => x.cmp(y),
        _ => kind(a).cmp(&kind(b)),
    }
}

/// Runs each rule of the world that can divide by zero or compare values
/// of different kinds once over the final rows, deriving nothing: the
/// engine's counters of those faults fill in as during an evaluation, so
/// the same warnings name the same rules. Each binding of the final rows
/// is counted once, where the engine counts each time it evaluates one
/// (again when a row it read becomes more likely), so the numbers may be
/// smaller.
fn count_faults(state: &mut State, program: &Program, options: &EvalOptions) {
    let rules = (program.rules.iter())
        .filter(|r| file_ok(&options.files, r.span.file) && may_fault(&r.body));
    for rule in rules {
        let plan = plan::compile(&rule.body, None, &mut state.rels);
        state.run_rule(&RuleRef { rule, heads: &[] }, &plan);
    }
}

/// Whether a body (its aggregates' included) divides, or compares values
/// whose kinds `check` did not fix (the engine counts those comparisons
/// when they fail on values of different kinds).
fn may_fault(body: &Body) -> bool {
    fn divides(e: &Expr) -> bool {
        match e {
            Expr::Arg(_) => false,
            Expr::Neg(e) => divides(e),
            Expr::Binary(op, a, b) => {
                matches!(op, ArithOp::Div | ArithOp::Rem) || divides(a) || divides(b)
            }
            Expr::Call(_, args) => args.iter().any(divides),
        }
    }
    body.assignments.iter().any(|a| divides(&a.expr))
        || (body.comparisons.iter()).any(|c| c.op != CompareOp::Ne && c.kind == CompareKind::Value)
        || body.aggregates.iter().any(|a| may_fault(&a.body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_sort_by_kind_then_by_value() {
        let mut values = vec![
            Value::Text("b".into()),
            Value::Dec(2.5),
            Value::Int(10),
            Value::Text("B".into()),
            Value::Dec(-1.0),
            Value::Int(-3),
            Value::Text("é".into()),
        ];
        values.sort_by(value_order);
        assert_eq!(
            values,
            vec![
                Value::Int(-3),
                Value::Int(10),
                Value::Dec(-1.0),
                Value::Dec(2.5),
                Value::Text("B".into()),
                Value::Text("b".into()),
                Value::Text("é".into()),
            ]
        );
    }
}
