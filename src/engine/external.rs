//! A model from rows computed elsewhere (`warrant run --engine duckdb`):
//! the base rows are added as [`evaluate`](super::evaluate) adds them, in
//! the same order; every other row is inserted as given, the most likely
//! kept; then the conflicts are found on the result as the engine finds
//! them. The model has no provenance: nothing in it can be explained.

use std::sync::Arc;
use std::time::Instant;

use crate::diagnostics::Diagnostic;
use crate::ir::{PredId, Program, Value};
use crate::likelihood::Likelihood;
use crate::source::FileId;

use super::eval::State;
use super::relation::Inserted;
use super::{
    EvalOptions, Model, Stats, add_base_rows, find_conflicts, lay_out, overflow, row_limit,
    select_inputs,
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
    let mut ids = Vec::new();
    for row in rows {
        let row = row.map_err(|d| vec![d])?;
        let p = row.pred.0 as usize;
        ids.clear();
        ids.extend(row.values.into_iter().map(|v| state.values.intern(v)));
        let Some(rel) = state.rels.get_mut(p) else {
            continue;
        };
        if rel.arity != ids.len() {
            continue;
        }
        if let Inserted::New(_) = rel.insert(&ids, row.likelihood.units(), 0, 0, &[]) {
            rel.derived += 1;
            state.total_rows += 1;
            if state.total_rows > max_rows {
                return Err(vec![row_limit(program, &options, &state, p)]);
            }
        }
    }
    for r in &mut state.rels {
        r.clear_delta();
    }
    let conflicts = find_conflicts(&mut state, program, &options);
    if let Some(f) = &state.fault {
        return Err(vec![overflow(program, f)]);
    }
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
        warnings: external.warnings,
    })
}
