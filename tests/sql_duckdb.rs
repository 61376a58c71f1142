//! Differential test of `warrant export --sql`: the native engine and
//! DuckDB running the exported script agree row for row and likelihood for
//! likelihood — on random stratified programs (one DuckDB process per batch
//! of programs, a schema per program; with arithmetic, functions and
//! aggregates too), on the shipped rule base's scenarios (conflict views
//! included), on the benchmark workloads' shapes, and on a snapshot of the
//! SQL of a small program.
//!
//! Without a `duckdb` program the DuckDB parts are skipped with a loud
//! message, except under `CI`, where they fail.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use warrant::diagnostics::Code;
use warrant::engine::{EvalOptions, evaluate};
use warrant::export::sql::readback::Readback;
use warrant::export::sql::{self, Dialect, duckdb};
use warrant::ir::{PredId, Program, Value};

#[path = "common/duckdb.rs"]
mod duckdb_common;
#[path = "common/naive.rs"]
mod naive;
#[path = "common/oracle.rs"]
mod oracle;
#[path = "common/random_program.rs"]
mod random_program;
use naive::Fault;
use random_program::Features;
#[path = "common/rng.rs"]
mod rng;

/// Rows of every predicate: (predicate, values) → likelihood units.
type Rows = HashMap<(String, Vec<Value>), u16>;

fn duckdb_program() -> Option<PathBuf> {
    duckdb_common::program()
}

/// Rows of every predicate, and every conflict that holds as
/// `conflict NAME` with the sorted values of its variables (a symmetric
/// conflict's two orders are one key).
fn native_rows(program: &Arc<Program>) -> Rows {
    let model = evaluate(program, &EvalOptions::default()).expect("evaluates");
    let mut rows = Rows::new();
    for (p, pred) in program.preds.iter().enumerate() {
        for (_, row, lik) in model.rows(PredId(p as u32)) {
            let values = row.iter().map(|&v| model.values().get(v).clone()).collect();
            rows.insert((pred.name.clone(), values), lik.units());
        }
    }
    for hit in model.conflicts() {
        let c = &program.conflicts[hit.conflict];
        let values = conflict_vars(&c.body)
            .iter()
            .map(|&v| model.values().get(hit.bindings[v as usize]).clone())
            .collect();
        rows.insert(
            (format!("conflict {}", c.name), sorted(values)),
            hit.likelihood.units(),
        );
    }
    rows
}

/// The variables a conflict's view has a column of: those its atoms,
/// assignments and aggregates bind.
fn conflict_vars(body: &warrant::ir::Body) -> Vec<u32> {
    let mut vars: Vec<u32> = Vec::new();
    let mut add = |v: u32| {
        if !vars.contains(&v) {
            vars.push(v);
        }
    };
    for a in &body.atoms {
        for arg in &a.args {
            if let warrant::ir::Arg::Var(v) = arg {
                add(*v);
            }
        }
    }
    body.assignments.iter().for_each(|a| add(a.var));
    for a in &body.aggregates {
        add(a.result);
        a.group.iter().for_each(|&g| add(g));
    }
    vars.sort_unstable();
    vars
}

fn sorted(mut values: Vec<Value>) -> Vec<Value> {
    values.sort_by_key(|v| format!("{v:?}"));
    values
}

/// Conflicts are read back with a predicate index from here on.
const CONFLICTS: u32 = 1_000_000;

/// A query listing every row of every conflict view of a program.
fn conflicts_query(program: &Program, batch: usize, readback: &mut Readback) -> String {
    program
        .conflicts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut cols: Vec<String> = conflict_vars(&c.body)
                .iter()
                .map(|&v| format!("w_show(\"{}\")", c.body.vars[v as usize]))
                .collect();
            cols.push("likelihood".into());
            let select = format!("SELECT {} FROM \"conflict {}\"", cols.join(", "), c.name);
            readback.copy_query(&select, batch, PredId(CONFLICTS + i as u32))
        })
        .collect()
}

/// Runs several programs through one DuckDB process, a schema each; the
/// rows of each, by position.
fn duckdb_rows(duckdb_path: &Path, programs: &[Arc<Program>]) -> Vec<Rows> {
    try_duckdb_rows(duckdb_path, programs).unwrap_or_else(|d| panic!("{}", d.message))
}

fn try_duckdb_rows(
    duckdb_path: &Path,
    programs: &[Arc<Program>],
) -> Result<Vec<Rows>, warrant::diagnostics::Diagnostic> {
    let mut script = String::new();
    let mut readback = Readback::new()?;
    for (i, program) in programs.iter().enumerate() {
        let compiled = sql::compile(program, Dialect::DuckDb).expect("compiles");
        script.push_str(&format!("CREATE SCHEMA p{i};\nSET schema = 'p{i}';\n"));
        script.push_str(&compiled.sql);
        script.push_str(&readback.copy_rows(program, &compiled.preds, i));
        script.push_str(&conflicts_query(program, i, &mut readback));
    }
    duckdb::run(duckdb_path, &script, None)?;
    let mut out = vec![Rows::new(); programs.len()];
    for r in readback.rows() {
        let r = r?;
        let program = &programs[r.batch];
        let key = match r.pred.0.checked_sub(CONFLICTS) {
            Some(c) => (
                format!("conflict {}", program.conflicts[c as usize].name),
                sorted(r.values),
            ),
            None => (program.pred(r.pred).name.clone(), r.values),
        };
        // A symmetric conflict's two orders: the same key and likelihood.
        out[r.batch].insert(key, r.likelihood.units());
    }
    Ok(out)
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

/// Whether a rule of the program reads two or more predicates of its
/// conclusion's stratum (non-linear or mutual recursion).
fn non_linear(program: &Program) -> bool {
    program.strata.iter().any(|st| {
        program.rules.iter().any(|r| {
            r.heads.iter().any(|h| st.preds.contains(&h.pred))
                && r.body
                    .atoms
                    .iter()
                    .filter(|a| st.preds.contains(&a.pred))
                    .count()
                    > 1
        })
    })
}

#[test]
fn random_programs_agree_with_the_engine() {
    let Some(path) = duckdb_program() else { return };
    let (mut compared, mut non_linear_compared) = (0, 0);
    let mut seed = 0u64;
    while compared < 520 {
        let mut batch = Vec::new();
        while batch.len() < 130 {
            let program = Arc::new(random_program::generate(seed, &Features::CLASSIC).program());
            batch.push((seed, program));
            seed += 1;
        }
        let programs: Vec<Arc<Program>> = batch.iter().map(|(_, p)| p.clone()).collect();
        let duck = duckdb_rows(&path, &programs);
        for ((s, program), duck) in batch.iter().zip(&duck) {
            assert_same(&format!("seed {s}"), &native_rows(program), duck);
            compared += 1;
            non_linear_compared += usize::from(non_linear(program));
        }
    }
    eprintln!("{compared} random programs agree ({non_linear_compared} with non-linear recursion)");
    assert!(non_linear_compared >= 100, "{non_linear_compared}");
}

/// The native result of a program: its rows, or the code of the error
/// that stopped it (an overflow).
fn native_result(program: &Arc<Program>) -> Result<Rows, Code> {
    match evaluate(program, &EvalOptions::default()) {
        Ok(_) => Ok(native_rows(program)),
        Err(d) => Err(d[0].code),
    }
}

/// What the DuckDB run of one program that stopped says: an overflow, or
/// that its result depends on an order (a refusal at run time).
fn stopped(d: &warrant::diagnostics::Diagnostic) -> Code {
    assert!(
        matches!(d.code, Code::Overflow | Code::NotCompilable),
        "DuckDB failed otherwise: {}",
        d.message
    );
    d.code
}

/// Each program's DuckDB result: one process for them all, and when a
/// program stops it, the halves again, down to the programs that stop.
fn duckdb_results(path: &Path, programs: &[Arc<Program>]) -> Vec<Result<Rows, Code>> {
    match try_duckdb_rows(path, programs) {
        Ok(rows) => rows.into_iter().map(Ok).collect(),
        Err(d) if programs.len() == 1 => vec![Err(stopped(&d))],
        Err(_) => {
            let (a, b) = programs.split_at(programs.len() / 2);
            let mut out = duckdb_results(path, a);
            out.extend(duckdb_results(path, b));
            out
        }
    }
}

/// What a run of random programs compared.
#[derive(Default)]
struct Tally {
    compared: usize,
    /// Stopped by an overflow, in DuckDB and the engine, as the oracle
    /// says they must.
    overflows: usize,
    /// Gave rows although a binding of some (not all) of a rule's atoms
    /// overflows.
    partial_overflows: usize,
    /// Refused by DuckDB at run time (a sum of decimals whose rounding
    /// depends on the order, the case of a non-ASCII text).
    order_refused: usize,
    /// Compared with the oracle's rows too.
    with_oracle: usize,
    uses: random_program::Uses,
}

impl Tally {
    fn summary(&self) -> String {
        format!(
            "{} random programs compared: {} stopped by an overflow in both engines as the oracle \
             says they must, {} gave rows although a binding of some of a rule's atoms overflows, \
             {} refused by DuckDB at run time, {} also compared with the oracle's rows",
            self.compared,
            self.overflows,
            self.partial_overflows,
            self.order_refused,
            self.with_oracle,
        )
    }
}

/// The oracle's rows, keyed as the engines' are.
fn oracle_rows(generated: &random_program::RandomProgram, want: &naive::Outcome) -> Rows {
    let mut rows = Rows::new();
    for (p, rel) in want.rels.iter().enumerate() {
        for (row, &lik) in rel {
            rows.insert((generated.preds[p].name.clone(), row.clone()), lik);
        }
    }
    rows
}

/// Runs `count` random programs from `seed` on the engine, on DuckDB and
/// through the oracle. Both engines stop on an overflow exactly when the
/// oracle says evaluation must stop (some binding of all a rule's atoms
/// overflows and no other condition fails); otherwise they give the same
/// rows, the oracle's.
fn compare_random(
    path: &Path,
    features: &Features,
    mut seed: u64,
    count: usize,
    batch_size: usize,
) -> Tally {
    let mut t = Tally::default();
    while t.compared < count {
        let mut batch = Vec::new();
        while batch.len() < batch_size.min(count - t.compared) {
            let generated = random_program::generate(seed, features);
            let program = Arc::new(generated.program());
            seed += 1;
            if let Err(d) = sql::compile(&program, Dialect::DuckDb) {
                panic!("seed {}: {}", seed - 1, d[0].message);
            }
            let u = generated.uses();
            t.uses.count |= u.count;
            t.uses.sum |= u.sum;
            t.uses.min |= u.min;
            t.uses.max |= u.max;
            t.uses.floor |= u.floor;
            t.uses.division |= u.division;
            t.uses.text_functions |= u.text_functions;
            t.uses.grouped_aggregate |= u.grouped_aggregate;
            t.uses.overflow_constant |= u.overflow_constant;
            batch.push((seed - 1, generated, program));
        }
        let programs: Vec<Arc<Program>> = batch.iter().map(|(_, _, p)| p.clone()).collect();
        let ducks = duckdb_results(path, &programs);
        for ((s, generated, program), duck) in batch.iter().zip(&ducks) {
            let want = naive::evaluate(generated);
            let must = want.overflow == Fault::Must;
            let native = native_result(program);
            let source = &generated.source;
            match (duck, &native) {
                (Err(Code::Overflow), Err(Code::Overflow)) => {
                    assert!(
                        must || want.too_large,
                        "seed {s}: both engines stopped on an overflow the oracle says need not \
                         stop evaluation\n{source}"
                    );
                    t.overflows += 1;
                }
                (Err(Code::NotCompilable), _) => t.order_refused += 1,
                (Ok(d), Ok(n)) => {
                    assert!(
                        !must,
                        "seed {s}: the oracle says an overflow must stop evaluation, both engines \
                         gave rows\n{source}"
                    );
                    assert_same(&format!("seed {s}"), n, d);
                    t.partial_overflows += usize::from(want.partial_overflow);
                    if !want.too_large {
                        assert_same(
                            &format!("seed {s} (oracle)"),
                            &oracle_rows(generated, &want),
                            d,
                        );
                        t.with_oracle += 1;
                    }
                }
                (d, n) => panic!(
                    "seed {s}: DuckDB {:?}, the engine {:?} (the oracle: overflow {:?})\n{source}",
                    d.as_ref().map(|_| "rows"),
                    n.as_ref().map(|_| "rows"),
                    want.overflow
                ),
            }
            t.compared += 1;
        }
    }
    t
}

#[test]
fn random_programs_with_arithmetic_and_aggregates_agree_with_the_engine() {
    let Some(path) = duckdb_program() else { return };
    let t = compare_random(&path, &Features::ALL, 1_000_000, 520, 130);
    eprintln!("{}", t.summary());
    // The programs compared use what the generator offers.
    let used = t.uses;
    assert!(
        used.count && used.sum && used.min && used.max && used.floor,
        "{used:?}"
    );
    assert!(
        used.division && used.text_functions && used.grouped_aggregate,
        "{used:?}"
    );
    assert!(t.overflows > 0, "{}", t.summary());
    assert!(t.with_oracle * 10 > t.compared * 9, "{}", t.summary());
    assert!(
        t.order_refused * 20 < t.compared,
        "{} of {} refused at run time",
        t.order_refused,
        t.compared
    );
}

/// Programs with many computations that overflow on some bindings (of
/// all a rule's atoms, or of some only) and sums near the 64-bit limits.
#[test]
fn random_programs_that_overflow_stop_both_engines_exactly_when_they_must() {
    let Some(path) = duckdb_program() else { return };
    // Small batches: a batch that a program stops is run again in halves.
    let t = compare_random(&path, &Features::OVERFLOWING, 2_000_000, 52, 13);
    eprintln!("{}", t.summary());
    // Both ways: stopped, and rows although a partial binding overflows.
    assert!(t.overflows * 10 > t.compared, "{}", t.summary());
    assert!(t.partial_overflows > 0, "{}", t.summary());
    assert!(t.with_oracle * 4 > t.compared, "{}", t.summary());
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
    // Every scenario compiles: the rule base's aggregates (counting
    // reasons) and arithmetic included.
    let mut compiled = Vec::new();
    for file in &files {
        let program = Arc::new(Program::load(&[file]).expect("scenario loads"));
        assert!(
            program.rules.iter().any(|r| !r.body.aggregates.is_empty()),
            "{}: the rule base aggregates",
            file.display()
        );
        if let Err(d) = sql::compile(&program, Dialect::DuckDb) {
            panic!("{}: {}", file.display(), d[0].message);
        }
        compiled.push((file.clone(), program));
    }
    let programs: Vec<Arc<Program>> = compiled.iter().map(|(_, p)| p.clone()).collect();
    let duck = duckdb_rows(&path, &programs);
    let mut conflicts = 0;
    for ((file, program), duck) in compiled.iter().zip(&duck) {
        let native = native_rows(program);
        assert!(!native.is_empty());
        conflicts += native
            .keys()
            .filter(|(n, _)| n.starts_with("conflict "))
            .count();
        assert_same(&file.display().to_string(), &native, duck);
    }
    // The conflict views are compared too, and some conflicts hold.
    assert!(conflicts > 0);
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
