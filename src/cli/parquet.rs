//! `--input-parquet PRED=PATH` (of `export --sql` and `run --engine
//! duckdb`): a predicate's rows read by DuckDB from Parquet files instead
//! of its `input` files, which are then neither looked for nor read.

use std::path::PathBuf;
use std::sync::Arc;

use warrant::diagnostics::{Code, Diagnostic, did_you_mean};
use warrant::ir::{Input, InputFormat, InputRows};

use super::Format;

#[derive(clap::Args, Debug, Default)]
pub struct ParquetArgs {
    /// Read PRED's rows from Parquet (a file or glob, e.g. events=data/*.parquet)
    /// with DuckDB instead of its `input` files; repeat for more predicates or files
    #[arg(long = "input-parquet", value_name = "PRED=PATH")]
    pub input_parquet: Vec<String>,
}

impl ParquetArgs {
    pub fn is_empty(&self) -> bool {
        self.input_parquet.is_empty()
    }
}

/// Loads and checks like [`super::load_program`]; the predicates named by
/// `--input-parquet` take their rows from the Parquet files given (their
/// declared `input`s left out). Usage errors (exit 2): `PRED=PATH` malformed,
/// an unknown predicate, one without arguments, a local path no file
/// matches. A URL (`s3://…`) is left for DuckDB to find.
pub fn load(paths: &[PathBuf], args: &ParquetArgs) -> Result<Arc<warrant::Program>, u8> {
    if args.is_empty() {
        return super::load_program(paths);
    }
    let usage = |d: Diagnostic| {
        super::emit(&[d], &warrant::source::Sources::default(), Format::Text);
        super::EXIT_USAGE
    };
    let mut given: Vec<(String, String)> = Vec::new();
    for arg in &args.input_parquet {
        match arg.split_once('=') {
            Some((pred, path)) if !pred.trim().is_empty() && !path.is_empty() => {
                given.push((pred.trim().to_string(), path.to_string()));
            }
            _ => {
                return Err(usage(
                    Diagnostic::error(
                        Code::Usage,
                        format!("`--input-parquet {arg}`: expected PRED=PATH"),
                    )
                    .with_help("e.g. `--input-parquet events=data/events/*.parquet`"),
                ));
            }
        }
    }
    let mut preds: Vec<String> = given.iter().map(|(p, _)| p.clone()).collect();
    preds.sort();
    preds.dedup();
    let loaded = warrant::load_with_inputs_elsewhere(paths, &preds);
    super::emit(&loaded.diagnostics, &loaded.sources, Format::Text);
    let Some(mut program) = loaded.program else {
        return Err(super::exit_code(&loaded.diagnostics, false).max(super::EXIT_FAILED));
    };
    for (name, path) in given {
        let Some(id) = program.pred_id(&name) else {
            let mut d = Diagnostic::error(
                Code::UnknownPredicate,
                format!("`--input-parquet {name}=…`: no predicate `{name}`"),
            );
            if let Some(s) = did_you_mean(&name, program.preds.iter().map(|p| p.name.as_str())) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            return Err(usage(d));
        };
        let pred = program.pred(id);
        if pred.arity == 0 {
            return Err(usage(
                Diagnostic::error(
                    Code::Usage,
                    format!("`--input-parquet {name}=…`: `{name}` has no arguments to read"),
                )
                .with_help("state it as a fact instead"),
            ));
        }
        if let Err(d) = matches_a_file(&path) {
            return Err(usage(d));
        }
        let span = pred.decl.unwrap_or(pred.first_seen);
        program.inputs.push(Input {
            pred: id,
            path: PathBuf::from(path),
            format: InputFormat::Parquet,
            header: true,
            span,
            rows: InputRows::default(),
        });
    }
    Ok(Arc::new(program))
}

/// That a local path or glob names at least one file (`warrant::io`).
fn matches_a_file(path: &str) -> Result<(), Diagnostic> {
    if path.contains("://") {
        return Ok(()); // a URL: DuckDB's to reach
    }
    let found = glob::glob(path)
        .map_err(|e| {
            Diagnostic::error(
                Code::Usage,
                format!("`--input-parquet …={path}`: not a valid glob: {e}"),
            )
        })?
        .filter_map(Result::ok)
        .any(|p| p.is_file());
    if found {
        return Ok(());
    }
    Err(Diagnostic::error(
        Code::Io,
        format!("`--input-parquet …={path}`: no file matches `{path}`"),
    )
    .with_help("the path is relative to where `warrant` runs; `*` matches within a folder, `**` across folders"))
}

/// `--input-parquet` with the native engine: a usage error.
pub fn native_refusal() -> Diagnostic {
    Diagnostic::error(
        Code::Usage,
        "`--input-parquet` rows are read by DuckDB: the native engine reads CSV and TSV files only",
    )
    .with_help("add `--engine duckdb`, or convert the files to CSV for the native engine")
}
