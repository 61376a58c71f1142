//! The warnings of an evaluation (`warrant::division_by_zero`,
//! `warrant::never_holds` for comparisons of values of different kinds)
//! with `run --engine duckdb`: the same programs warn, naming the same
//! rules, as with the native engine. The numbers counted may differ:
//! DuckDB's mode evaluates each such rule once over the final rows, the
//! engine counts during its rounds (a binding met again, or conditions
//! checked in another order).

use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Instant;

use warrant::diagnostics::{Code, Diagnostic};
use warrant::engine::{EvalOptions, ExternalOptions, ExternalRow, evaluate, model_from_rows};
use warrant::export::sql::readback::{Readback, ResultRow};
use warrant::export::sql::{self, Dialect, duckdb};
use warrant::ir::Program;

#[path = "common/duckdb.rs"]
mod duckdb_common;
#[path = "common/random_program.rs"]
mod random_program;
use random_program::Features;
#[path = "common/rng.rs"]
mod rng;

/// A warning as compared: its code, the rules it names, and its count.
type Warning = (Code, Vec<String>, usize);

fn warnings(diags: &[Diagnostic]) -> Vec<Warning> {
    diags
        .iter()
        .map(|d| {
            let mut rules: Vec<String> = d.labels.iter().map(|l| format!("{:?}", l.span)).collect();
            rules.sort();
            let count = d
                .message
                .split(' ')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            (d.code, rules, count)
        })
        .collect()
}

/// Runs each program in a schema of one DuckDB script and builds its
/// model from the rows read back; `None` when the script stops (a program
/// DuckDB refuses), for the caller to try the programs one by one.
fn duckdb_warnings(programs: &[Arc<Program>]) -> Option<Vec<Vec<Warning>>> {
    let path = duckdb_common::program()?;
    let mut script = String::new();
    let mut readback = Readback::new().expect("a temporary folder");
    for (i, program) in programs.iter().enumerate() {
        let compiled = sql::compile(program, Dialect::DuckDb).expect("compiles");
        script.push_str(&format!("CREATE SCHEMA p{i};\nSET schema = 'p{i}';\n"));
        script.push_str(&compiled.sql);
        script.push_str(&readback.copy_rows(program, &compiled.preds, i));
    }
    duckdb::run(&path, &script, None).ok()?;
    let mut rows: Vec<Vec<ResultRow>> = vec![Vec::new(); programs.len()];
    for r in readback.rows() {
        let r = r.unwrap_or_else(|d| panic!("{}", d.message));
        rows[r.batch].push(r);
    }
    let models = programs.iter().zip(rows).map(|(program, rows)| {
        let rows = rows.into_iter().map(|r| {
            Ok(ExternalRow {
                pred: r.pred,
                values: r.values,
                likelihood: r.likelihood,
            })
        });
        let external = ExternalOptions {
            max_rows: warrant::engine::DEFAULT_MAX_ROWS,
            files: None,
            started: Instant::now(),
            warnings: Vec::new(),
        };
        let model = model_from_rows(program, rows, external)
            .unwrap_or_else(|d| panic!("{:?}", d.first().map(|d| &d.message)));
        warnings(model.warnings())
    });
    Some(models.collect())
}

#[test]
fn random_programs_warn_alike() {
    if duckdb_common::program().is_none() {
        return;
    }
    // Programs the engine evaluates and the script compiles.
    let mut programs = Vec::new();
    let mut native = Vec::new();
    let mut seed = 3_000_000u64;
    while programs.len() < 160 {
        let program = Arc::new(random_program::generate(seed, &Features::ALL).program());
        seed += 1;
        if sql::compile(&program, Dialect::DuckDb).is_err() {
            continue;
        }
        let Ok(model) = evaluate(&program, &EvalOptions::default()) else {
            continue;
        };
        native.push((seed - 1, warnings(model.warnings())));
        programs.push(program);
    }
    let mut compared = 0;
    let mut warned = [0usize; 2];
    for (chunk, natives) in programs.chunks(40).zip(native.chunks(40)) {
        let duck: Vec<Option<Vec<Warning>>> = match duckdb_warnings(chunk) {
            Some(all) => all.into_iter().map(Some).collect(),
            // A program DuckDB refuses (an overflow it meets) stops the
            // script: the others run alone.
            None => (chunk.iter())
                .map(|p| duckdb_warnings(std::slice::from_ref(p)).map(|mut w| w.remove(0)))
                .collect(),
        };
        for ((seed, n), d) in natives.iter().zip(duck) {
            let Some(d) = d else { continue };
            compared += 1;
            assert_eq!(n.len(), d.len(), "seed {seed}: native {n:?}, DuckDB {d:?}");
            for (nw, dw) in n.iter().zip(&d) {
                assert_eq!((nw.0, &nw.1), (dw.0, &dw.1), "seed {seed}");
                assert!(1 <= dw.2 && 1 <= nw.2, "seed {seed}: {nw:?} {dw:?}");
                warned[usize::from(nw.0 == Code::NeverHolds)] += 1;
            }
        }
    }
    eprintln!(
        "{compared} programs compared; division warnings {}, mixed-kind warnings {}",
        warned[0], warned[1]
    );
    assert!(compared >= 120, "{compared}");
    // The seeds are fixed: these are what the generator gives, kept as a
    // floor so that a change of generator cannot empty the test.
    assert!(
        warned[0] >= 5,
        "too few programs divide by zero: {warned:?}"
    );
    assert!(
        warned[1] >= 20,
        "too few programs compare kinds: {warned:?}"
    );
}

fn warrant(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_warrant"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("runs")
}

/// Stderr without the summary lines (their times differ).
fn warnings_printed(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.contains(" · "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_cli_prints_the_same_warnings() {
    if duckdb_common::program().is_none() {
        return;
    }
    for files in [
        vec!["tests/data/duckdb_worlds/south.wr"],
        vec![
            "tests/data/duckdb_worlds/north.wr",
            "tests/data/duckdb_worlds/south.wr",
        ],
        vec!["tests/data/duckdb_warnings/mixed.wr"],
    ] {
        let mut native = vec!["run", "--quiet"];
        native.extend(&files);
        let mut duck = vec!["run", "--quiet", "--engine", "duckdb"];
        duck.extend(&files);
        let (n, d) = (warrant(&native), warrant(&duck));
        assert_eq!(n.status.code(), Some(0));
        assert_eq!(d.status.code(), Some(0));
        let printed = warnings_printed(&d);
        assert!(printed.contains("warrant::"), "{files:?}: {printed}");
        assert_eq!(warnings_printed(&n), printed, "{files:?}");
    }
}
