//! Running a script through DuckDB's command-line program and reading its
//! rows back.
//!
//! The `duckdb` program (e.g. from `pip install duckdb-cli`) reads the
//! script on stdin and prints the final query as JSON. A child process
//! keeps DuckDB's C++ out of Warrant's build (the `duckdb` crate's bundled
//! build compiles all of it).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::Value;
use crate::likelihood::Likelihood;

use super::values::parse_shown;

/// One row read back: the batch index (0 unless batched), the predicate's
/// name, its values and likelihood.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultRow {
    pub batch: usize,
    pub pred: String,
    pub values: Vec<Value>,
    pub likelihood: Likelihood,
}

/// The DuckDB program to run: `explicit`, else `$WARRANT_DUCKDB`, else
/// `duckdb` on the `PATH`.
pub fn program_path(explicit: Option<&Path>) -> PathBuf {
    explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("WARRANT_DUCKDB").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("duckdb"))
}

/// Runs `script` (whose last statement is a rows query) and parses its JSON.
pub fn run(duckdb: &Path, script: &str) -> Result<Vec<ResultRow>, Diagnostic> {
    let mut child = Command::new(duckdb)
        .args(["-json", "-bail", "-noheader"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            Diagnostic::error(
                Code::Duckdb,
                format!("cannot start DuckDB (`{}`): {e}", duckdb.display()),
            )
            .with_help(
                "install DuckDB's command-line program (`pip install duckdb-cli`), \
                 or name it with --duckdb PATH or WARRANT_DUCKDB",
            )
        })?;
    let mut stdin = child.stdin.take();
    let script = script.to_string();
    // Writing on another thread: DuckDB may print before it has read everything.
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(script.as_bytes());
        }
    });
    let out = child
        .wait_with_output()
        .map_err(|e| Diagnostic::error(Code::Duckdb, format!("DuckDB failed: {e}")))?;
    let _ = writer.join();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() || !stderr.trim().is_empty() {
        return Err(Diagnostic::error(
            Code::Duckdb,
            format!("DuckDB reported an error: {}", stderr.trim()),
        ));
    }
    parse(&String::from_utf8_lossy(&out.stdout))
}

/// Parses DuckDB's JSON output of rows queries (one array per query).
pub fn parse(json: &str) -> Result<Vec<ResultRow>, Diagnostic> {
    let bad =
        |what: &str| Diagnostic::error(Code::Duckdb, format!("unexpected DuckDB output: {what}"));
    let mut rows = Vec::new();
    let stream = serde_json::Deserializer::from_str(json).into_iter::<serde_json::Value>();
    for array in stream {
        let array = array.map_err(|e| bad(&e.to_string()))?;
        let Some(items) = array.as_array() else {
            return Err(bad("not an array"));
        };
        for item in items {
            let pred = item["pred"]
                .as_str()
                .ok_or_else(|| bad("no pred"))?
                .to_string();
            let batch = item
                .get("batch")
                .and_then(serde_json::Value::as_u64)
                .unwrap_or(0) as usize;
            let units = item["likelihood"]
                .as_u64()
                .ok_or_else(|| bad("no likelihood"))?;
            let likelihood = u16::try_from(units)
                .ok()
                .and_then(Likelihood::from_units)
                .ok_or_else(|| bad("likelihood out of range"))?;
            let values = item["row"]
                .as_array()
                .ok_or_else(|| bad("no row"))?
                .iter()
                .map(|v| {
                    v.as_str()
                        .and_then(parse_shown)
                        .ok_or_else(|| bad("a value"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            rows.push(ResultRow {
                batch,
                pred,
                values,
                likelihood,
            });
        }
    }
    Ok(rows)
}
