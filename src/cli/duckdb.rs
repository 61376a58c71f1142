//! `warrant run --engine duckdb`: the script of `export --sql` run by
//! DuckDB's command-line program, its rows read back into a model (without
//! derivations) that the same renderers print.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use warrant::diagnostics::{Code, Diagnostic};
use warrant::engine::{ExternalRow, Model, model_from_rows};
use warrant::export::sql::{self, Dialect, duckdb};

use super::Format;

/// Compiles, runs DuckDB and builds the model; prints the diagnostics and
/// returns the exit code on failure (2 when DuckDB cannot be run or
/// explanations are asked for, 1 when the program cannot be compiled or
/// its evaluation fails).
pub fn evaluate(
    program: &Arc<warrant::Program>,
    explain: bool,
    max_rows: usize,
    duckdb_path: Option<&Path>,
) -> Result<Model, u8> {
    let fail = |diags: Vec<Diagnostic>, code: u8| {
        super::emit(&diags, &program.sources, Format::Text);
        Err(code)
    };
    if explain {
        let d = Diagnostic::error(
            Code::NotExplainable,
            "`--engine duckdb` computes rows and likelihoods, not derivations: there is nothing to explain",
        )
        .with_help(
            "drop --explain, or explain a conclusion with the native engine: \
             `warrant explain FILE 'ATOM'`",
        );
        return fail(vec![d], super::EXIT_USAGE);
    }
    let started = Instant::now();
    let script = match sql::compile(program, Dialect::DuckDb) {
        Ok(s) => s,
        Err(diags) => return fail(diags, super::EXIT_FAILED),
    };
    let mut text = script.sql;
    text.push_str(&sql::rows_query(program, &script.preds, None));
    let path = duckdb::program_path(duckdb_path);
    let rows = match duckdb::run(&path, &text) {
        Ok(rows) => rows,
        Err(d) => {
            let code = if d.code == Code::Duckdb {
                super::EXIT_USAGE
            } else {
                super::EXIT_FAILED
            };
            return fail(vec![duckdb::label_overflow(program, d)], code);
        }
    };
    let rows = rows.into_iter().map(|r| ExternalRow {
        pred: r.pred,
        values: r.values,
        likelihood: r.likelihood,
    });
    model_from_rows(program, rows, max_rows, started).or_else(|d| fail(d, super::EXIT_FAILED))
}
