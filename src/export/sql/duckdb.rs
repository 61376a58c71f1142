//! Running a script through DuckDB's command-line program and reading its
//! rows back.
//!
//! The `duckdb` program (e.g. from `pip install duckdb-cli`) reads the
//! script on stdin and prints the final query as JSON. A child process
//! keeps DuckDB's C++ out of Warrant's build (the `duckdb` crate's bundled
//! build compiles all of it).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{PredId, Value};
use crate::likelihood::Likelihood;

use super::values::parse_shown;

/// One row read back: the batch index (0 unless batched), the predicate
/// (its index in the program), its values and likelihood.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultRow {
    pub batch: usize,
    pub pred: PredId,
    pub values: Vec<Value>,
    pub likelihood: Likelihood,
}

/// A row as the rows query prints it.
#[derive(serde::Deserialize)]
struct Printed {
    #[serde(default)]
    batch: usize,
    pred: u32,
    row: Vec<String>,
    likelihood: u16,
}

/// The DuckDB program to run: `explicit`, else `$WARRANT_DUCKDB`, else
/// `duckdb` on the `PATH`.
pub fn program_path(explicit: Option<&Path>) -> PathBuf {
    explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("WARRANT_DUCKDB").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("duckdb"))
}

/// Runs `script` (whose last statements are rows queries) and reads the
/// rows back as DuckDB prints them. `warrant::duckdb` when DuckDB cannot be
/// started or prints something unexpected; an error of the script itself is
/// `warrant::overflow` when an overflow guard stops it,
/// `warrant::not_compilable` when the script refuses a result (`upper` of
/// a non-ASCII text, a sum of decimals whose rounding depends on the
/// order), else `warrant::duckdb`.
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
    // Writing and reading stderr on other threads: DuckDB may print before
    // it has read everything.
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(script.as_bytes());
        }
    });
    let mut stderr_pipe = child.stderr.take();
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(e) = stderr_pipe.as_mut() {
            let _ = e.read_to_string(&mut text);
        }
        text
    });
    let parsed = match child.stdout.take() {
        Some(out) => parse_from(std::io::BufReader::with_capacity(1 << 16, out)),
        None => Ok(Vec::new()),
    };
    let status = child
        .wait()
        .map_err(|e| Diagnostic::error(Code::Duckdb, format!("DuckDB failed: {e}")))?;
    let _ = writer.join();
    let stderr = errors.join().unwrap_or_default();
    if !status.success() || !stderr.trim().is_empty() {
        return Err(script_error(stderr.trim()));
    }
    parsed
}

/// The diagnostic of an error DuckDB reported while running the script.
/// An overflow guard's stop (`warrant overflow: …`) is the engine's
/// `warrant::overflow`: the guards decide as the engine does. A refusal
/// (`warrant cannot compute: …`, or an overflow DuckDB met itself) is
/// `warrant::not_compilable`; anything else `warrant::duckdb`.
fn script_error(message: &str) -> Diagnostic {
    let after = |marker: &str| {
        message
            .find(marker)
            .map(|at| message[at + marker.len()..].lines().next().unwrap_or(""))
    };
    if let Some(what) = after("warrant overflow: ") {
        return Diagnostic::error(Code::Overflow, format!("evaluation stopped: {what}")).with_help(
            "integers range from -9223372036854775808 to 9223372036854775807; bound the recursion \
             (e.g. `N < 90`) or compute with decimals",
        );
    }
    let refusal = |what: &str| {
        Diagnostic::error(
            Code::NotCompilable,
            format!("DuckDB cannot compute this as Warrant does: {what}"),
        )
        .with_help("evaluate it with the native engine (`warrant run` without --engine)")
    };
    if message.contains("Overflow") {
        let detail = message.lines().next().unwrap_or("");
        return refusal(&format!("it met an integer overflow ({detail})"));
    }
    // The checks of Parquet inputs (`parquet.rs`): the files do not fit the predicate.
    if let Some(what) = after("warrant input: ") {
        return Diagnostic::error(Code::Input, what.to_string()).with_help(
            "--input-parquet takes each parameter's column by name (or by position when the \
             `pred` declaration names none) and reads it by the parameter's type",
        );
    }
    if let Some(what) = after("warrant cannot compute: ") {
        return refusal(what);
    }
    Diagnostic::error(Code::Duckdb, format!("DuckDB reported an error: {message}"))
}

/// An overflow guard's `warrant::overflow` labelled at its rule, as the
/// engine labels it (the rule and the computation); other diagnostics as
/// they are.
pub fn label_overflow(program: &crate::ir::Program, d: Diagnostic) -> Diagnostic {
    const RANGE: &str = " is outside the 64-bit integer range in rule `";
    if d.code != Code::Overflow {
        return d;
    }
    let Some((computation, name)) = d
        .message
        .strip_prefix("evaluation stopped: ")
        .and_then(|m| m.rsplit_once(RANGE))
        .and_then(|(c, n)| Some((c.to_string(), n.strip_suffix('`')?.to_string())))
    else {
        return d;
    };
    match program.rules.iter().find(|r| r.name == name) {
        Some(r) => d.with_label(r.span, format!("`{name}` computed {computation}")),
        None => d,
    }
}

/// Parses DuckDB's JSON output of rows queries (one array per query).
pub fn parse(json: &str) -> Result<Vec<ResultRow>, Diagnostic> {
    parse_from(json.as_bytes())
}

fn parse_from(reader: impl std::io::Read) -> Result<Vec<ResultRow>, Diagnostic> {
    let bad =
        |what: &str| Diagnostic::error(Code::Duckdb, format!("unexpected DuckDB output: {what}"));
    let mut rows = Vec::new();
    let stream = serde_json::Deserializer::from_reader(reader).into_iter::<Vec<Printed>>();
    for array in stream {
        for item in array.map_err(|e| bad(&e.to_string()))? {
            let likelihood = Likelihood::from_units(item.likelihood)
                .ok_or_else(|| bad("likelihood out of range"))?;
            let values = item
                .row
                .iter()
                .map(|v| parse_shown(v).ok_or_else(|| bad("a value")))
                .collect::<Result<Vec<_>, _>>()?;
            rows.push(ResultRow {
                batch: item.batch,
                pred: PredId(item.pred),
                values,
                likelihood,
            });
        }
    }
    Ok(rows)
}
