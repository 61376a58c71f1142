//! `warrant run --engine duckdb`: the script of `export --sql` run by
//! DuckDB's command-line program, its rows read back into a model (without
//! derivations) that the same renderers print.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use warrant::diagnostics::{Code, Diagnostic};
use warrant::engine::{ExternalOptions, ExternalRow, Model, model_from_rows};
use warrant::export::sql::readback::Readback;
use warrant::export::sql::{self, Dialect, duckdb};
use warrant::source::FileId;

use super::Format;

/// What `run --engine duckdb` was asked for.
pub struct Options<'a> {
    pub explain: bool,
    pub max_rows: usize,
    /// `--duckdb PATH`.
    pub program: Option<&'a Path>,
    /// The end of `--timeout`.
    pub deadline: Option<Instant>,
}

/// How often (in rows) reading back looks at the deadline.
const DEADLINE_EVERY: usize = 1 << 16;

/// Compiles the world of `files` (every file when `None`), runs DuckDB and
/// builds the model; prints its warnings, or the diagnostics and returns
/// the exit code on failure (2 when DuckDB cannot be run or explanations
/// are asked for, 1 when the program cannot be compiled, its evaluation
/// fails or the time limit passes).
pub fn evaluate(
    program: &Arc<warrant::Program>,
    files: Option<Vec<FileId>>,
    options: &Options,
) -> Result<Model, u8> {
    let fail = |diags: Vec<Diagnostic>| {
        let code = if diags.iter().any(|d| d.code == Code::Duckdb) {
            super::EXIT_USAGE
        } else {
            super::EXIT_FAILED
        };
        super::emit(&diags, &program.sources, Format::Text);
        Err(code)
    };
    if options.explain {
        let d = Diagnostic::error(
            Code::NotExplainable,
            "`--engine duckdb` computes rows and likelihoods, not derivations: there is nothing to explain",
        )
        .with_help(
            "drop --explain, or explain a conclusion with the native engine: \
             `warrant explain FILE 'ATOM'`",
        );
        super::emit(&[d], &program.sources, Format::Text);
        return Err(super::EXIT_USAGE);
    }
    let started = Instant::now();
    let compiled = match &files {
        Some(files) => sql::compile_world(program, files, Dialect::DuckDb),
        None => sql::compile(program, Dialect::DuckDb),
    };
    let script = match compiled {
        Ok(s) => s,
        Err(diags) => return fail(diags),
    };
    let mut readback = match Readback::new() {
        Ok(r) => r,
        Err(d) => return fail(vec![d]),
    };
    let mut text = script.sql;
    text.push_str(&readback.copy_rows(program, &script.preds, 0));
    let path = duckdb::program_path(options.program);
    if let Err(d) = duckdb::run(&path, &text, options.deadline) {
        return fail(vec![duckdb::label_overflow(program, d)]);
    }
    drop(text);
    let deadline = options.deadline;
    let rows = readback.rows().enumerate().map(|(i, r)| {
        if i % DEADLINE_EVERY == 0 && deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(duckdb::timed_out("while Warrant read DuckDB's rows back"));
        }
        r.map(|r| ExternalRow {
            pred: r.pred,
            values: r.values,
            likelihood: r.likelihood,
        })
    });
    let external = ExternalOptions {
        max_rows: options.max_rows,
        files,
        started,
        warnings: Vec::new(),
    };
    match model_from_rows(program, rows, external) {
        Ok(model) => {
            super::emit(model.warnings(), &program.sources, Format::Text);
            Ok(model)
        }
        Err(diags) => fail(diags),
    }
}
