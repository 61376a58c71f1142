//! Differential test of `warrant export --sql`: the native engine and
//! DuckDB running the exported script agree row for row and likelihood for
//! likelihood — on random stratified programs (one DuckDB process per batch
//! of programs, a schema per program), on the shipped rule base's
//! scenarios, and on a snapshot of the SQL of a small program.
//!
//! Without a `duckdb` program the DuckDB parts are skipped with a loud
//! message, except under `CI`, where they fail.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use warrant::diagnostics::Code;
use warrant::engine::{EvalOptions, evaluate};
use warrant::export::sql::{self, Dialect, duckdb};
use warrant::ir::{PredId, Program, Value};

#[path = "common/duckdb.rs"]
mod duckdb_common;
#[path = "common/random_program.rs"]
mod random_program;
use random_program::Features;
#[path = "common/rng.rs"]
mod rng;

/// Rows of every predicate: (predicate, values) → likelihood units.
type Rows = HashMap<(String, Vec<Value>), u16>;

fn duckdb_program() -> Option<PathBuf> {
    duckdb_common::program()
}

fn native_rows(program: &Arc<Program>) -> Rows {
    let model = evaluate(program, &EvalOptions::default()).expect("evaluates");
    let mut rows = Rows::new();
    for (p, pred) in program.preds.iter().enumerate() {
        for (_, row, lik) in model.rows(PredId(p as u32)) {
            let values = row.iter().map(|&v| model.values().get(v).clone()).collect();
            rows.insert((pred.name.clone(), values), lik.units());
        }
    }
    rows
}

/// Runs several programs through one DuckDB process, a schema each; the
/// rows of each, by position.
fn duckdb_rows(duckdb_path: &Path, programs: &[Arc<Program>]) -> Vec<Rows> {
    let mut script = String::new();
    for (i, program) in programs.iter().enumerate() {
        let compiled = sql::compile(program, Dialect::DuckDb).expect("compiles");
        script.push_str(&format!("CREATE SCHEMA p{i};\nSET schema = 'p{i}';\n"));
        script.push_str(&compiled.sql);
        script.push_str(&sql::rows_query(program, &compiled.preds, Some(i)));
    }
    let rows = duckdb::run(duckdb_path, &script).unwrap_or_else(|d| panic!("{}", d.message));
    let mut out = vec![Rows::new(); programs.len()];
    for r in rows {
        let name = programs[r.batch].pred(r.pred).name.clone();
        out[r.batch].insert((name, r.values), r.likelihood.units());
    }
    out
}

fn assert_same(what: &str, native: &Rows, duck: &Rows) {
    let mut diffs = Vec::new();
    for (k, l) in native {
        match duck.get(k) {
            Some(d) if d == l => {}
            other => diffs.push(format!("{k:?}: native {l}, duckdb {other:?}")),
        }
    }
    for (k, d) in duck {
        if !native.contains_key(k) {
            diffs.push(format!("{k:?}: duckdb {d}, not native"));
        }
    }
    diffs.sort();
    assert!(
        diffs.is_empty(),
        "{what}: engines differ:\n{}",
        diffs.join("\n")
    );
}

#[test]
fn random_programs_agree_with_the_engine() {
    let Some(path) = duckdb_program() else { return };
    let mut compared = 0;
    let mut refused = 0;
    let mut seed = 0u64;
    while compared < 520 {
        let mut batch = Vec::new();
        while batch.len() < 130 {
            let program = Arc::new(random_program::generate(seed, &Features::CLASSIC).program());
            seed += 1;
            match sql::compile(&program, Dialect::DuckDb) {
                Ok(_) => batch.push((seed - 1, program)),
                Err(diags) => {
                    // Only non-linear recursion is refused in these programs.
                    assert!(diags.iter().all(|d| d.message.contains("non-linear")));
                    refused += 1;
                }
            }
        }
        let programs: Vec<Arc<Program>> = batch.iter().map(|(_, p)| p.clone()).collect();
        let duck = duckdb_rows(&path, &programs);
        for ((s, program), duck) in batch.iter().zip(&duck) {
            assert_same(&format!("seed {s}"), &native_rows(program), duck);
            compared += 1;
        }
    }
    eprintln!("{compared} random programs agree ({refused} refused as non-linear)");
}

#[test]
fn rule_base_scenarios_agree_with_the_engine() {
    let Some(path) = duckdb_program() else { return };
    let mut files: Vec<PathBuf> = std::fs::read_dir("rules/kim-simon-2021/scenarios")
        .expect("scenarios folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "wr"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    // The rule base counts reasons (aggregates), which the export refuses
    // rather than compiling wrongly: a scenario is either compiled and
    // compared, or refused for exactly its aggregate rules.
    let mut compiled = Vec::new();
    for file in &files {
        let program = Arc::new(Program::load(&[file]).expect("scenario loads"));
        match sql::compile(&program, Dialect::DuckDb) {
            Ok(_) => compiled.push((file.clone(), program)),
            Err(errors) => {
                let with_aggregates: Vec<&str> = program
                    .rules
                    .iter()
                    .filter(|r| !r.body.aggregates.is_empty())
                    .map(|r| r.name.as_str())
                    .collect();
                assert!(
                    !with_aggregates.is_empty(),
                    "{}: refused, yet no aggregate",
                    file.display()
                );
                for d in &errors {
                    assert_eq!(
                        d.code,
                        Code::NotCompilable,
                        "{}: {}",
                        file.display(),
                        d.message
                    );
                    assert!(
                        with_aggregates
                            .iter()
                            .any(|name| d.message.contains(&format!("`{name}`"))),
                        "{}: refused for something else than an aggregate: {}",
                        file.display(),
                        d.message
                    );
                }
            }
        }
    }
    let programs: Vec<Arc<Program>> = compiled.iter().map(|(_, p)| p.clone()).collect();
    let duck = duckdb_rows(&path, &programs);
    for ((file, program), duck) in compiled.iter().zip(&duck) {
        let native = native_rows(program);
        assert!(!native.is_empty());
        assert_same(&file.display().to_string(), &native, duck);
    }
}

#[test]
fn sql_of_a_small_program() {
    let out = Command::new(env!("CARGO_BIN_EXE_warrant"))
        .args(["export", "--sql", "tests/data/engine/hedging.wr"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

/// Writes `rows` as a headerless CSV file.
fn write_csv(path: &Path, rows: &[Vec<u32>]) {
    let text: String = rows
        .iter()
        .map(|r| {
            format!(
                "{}\n",
                r.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
            )
        })
        .collect();
    std::fs::write(path, text).expect("write csv");
}

/// A workload: its folder, its program in benches/workloads, its input files.
type Workload = (
    &'static str,
    &'static str,
    Vec<(&'static str, Vec<Vec<u32>>)>,
);

#[test]
fn benchmark_workloads_agree_at_small_sizes() {
    let Some(path) = duckdb_program() else { return };
    let root = std::env::temp_dir().join(format!("warrant-sql-workloads-{}", std::process::id()));
    let mut rng = rng::Rng(7);
    let mut pairs = |n: usize, domain: usize| -> Vec<Vec<u32>> {
        (0..n)
            .map(|_| vec![rng.below(domain) as u32, rng.below(domain) as u32])
            .collect()
    };
    // (folder, program, files): the shapes of benches/workloads.rs, small.
    let chain: Vec<Vec<u32>> = (0..40).map(|i| vec![i, i + 1]).collect();
    let tree: Vec<Vec<u32>> = (2..64).map(|i| vec![i, i / 2]).collect();
    let nodes: Vec<Vec<u32>> = (0..80).map(|i| vec![i]).collect();
    let workloads: Vec<Workload> = vec![
        ("chain", "tc.wr", vec![("edges.csv", chain)]),
        ("random", "tc.wr", vec![("edges.csv", pairs(60, 40))]),
        ("tree", "sg.wr", vec![("parent.csv", tree)]),
        (
            "neg",
            "neg.wr",
            vec![
                ("nodes.csv", nodes),
                ("edges.csv", pairs(90, 80)),
                ("root.csv", vec![vec![0]]),
            ],
        ),
        (
            "join3",
            "join3.wr",
            vec![
                ("r.csv", pairs(150, 60)),
                ("s.csv", pairs(150, 60)),
                ("t.csv", pairs(150, 60)),
            ],
        ),
    ];
    let mut programs = Vec::new();
    for (dir, program, files) in &workloads {
        let d = root.join(dir);
        std::fs::create_dir_all(&d).expect("temp dir");
        for (name, rows) in files {
            write_csv(&d.join(name), rows);
        }
        std::fs::copy(
            Path::new("benches/workloads").join(program),
            d.join(program),
        )
        .expect("copy");
        programs.push(Arc::new(
            Program::load(&[d.join(program)]).expect("workload loads"),
        ));
    }
    let duck = duckdb_rows(&path, &programs);
    for (((dir, ..), program), duck) in workloads.iter().zip(&programs).zip(&duck) {
        let native = native_rows(program);
        assert!(native.len() > 40, "{dir}: a workload derives rows");
        assert_same(dir, &native, duck);
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn non_linear_recursion_is_refused_by_name() {
    let out = Command::new(env!("CARGO_BIN_EXE_warrant"))
        .args(["export", "--sql", "tests/data/sql/nonlinear.wr"])
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no SQL is printed");
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr));
}

#[test]
fn arithmetic_is_refused_by_name() {
    let out = Command::new(env!("CARGO_BIN_EXE_warrant"))
        .args(["export", "--sql", "tests/data/arith/overflow.wr"])
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no SQL is printed");
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr));
}
