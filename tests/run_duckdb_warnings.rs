//! The warnings of an evaluation (`warrant::division_by_zero`,
//! `warrant::never_holds` for comparisons of values of different kinds)
//! with `run --engine duckdb`: the same programs warn, naming the same
//! rules, as with the native engine. DuckDB's mode runs each such rule once
//! over the final rows with the plan of the engine's first round: a
//! division by zero counts on a binding of the whole body, in both modes,
//! and a rule that is not recursive is run exactly as the engine runs it.
//! A recursive rule is run by the engine in later rounds with other plans,
//! which may meet comparisons of values of different kinds on partial
//! bindings that the first round's plan does not: there only what the
//! native engine warns of is asked of DuckDB's mode.

use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Instant;

use warrant::diagnostics::{Code, Diagnostic};
use warrant::engine::{EvalOptions, ExternalOptions, ExternalRow, evaluate, model_from_rows};
use warrant::export::sql::readback::{Readback, ResultRow};
use warrant::export::sql::{self, Dialect, duckdb};
use warrant::ir::Program;
use warrant::source::Span;

#[path = "common/duckdb.rs"]
mod duckdb_common;
#[path = "common/random_program.rs"]
mod random_program;
use random_program::Features;
#[path = "common/rng.rs"]
mod rng;

/// A warning as compared: its code, the rules it names (by span), and
/// its count.
type Warning = (Code, Vec<Span>, usize);

fn warnings(diags: &[Diagnostic]) -> Vec<Warning> {
    diags
        .iter()
        .map(|d| {
            let mut rules: Vec<Span> = d.labels.iter().map(|l| l.span).collect();
            rules.sort_by_key(|s| (s.file.0, s.start));
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

/// Whether the rule at `span` reads a predicate of its own stratum.
fn recursive(program: &Program, span: Span) -> bool {
    program.rules.iter().any(|r| {
        r.span == span
            && (r.body.atoms.iter()).any(|a| program.strata[r.stratum].preds.contains(&a.pred))
    })
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
    while programs.len() < 400 {
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
    // Programs where the engine named a recursive rule DuckDB's mode did not.
    let mut partial = 0;
    for (chunk, natives) in programs.chunks(40).zip(native.chunks(40)) {
        let duck: Vec<Option<Vec<Warning>>> = match duckdb_warnings(chunk) {
            Some(all) => all.into_iter().map(Some).collect(),
            // A program DuckDB refuses (an overflow it meets) stops the
            // script: the others run alone.
            None => (chunk.iter())
                .map(|p| duckdb_warnings(std::slice::from_ref(p)).map(|mut w| w.remove(0)))
                .collect(),
        };
        for (((seed, n), d), program) in natives.iter().zip(duck).zip(chunk) {
            let Some(d) = d else { continue };
            compared += 1;
            let of = |ws: &[Warning], code: Code| ws.iter().find(|w| w.0 == code).cloned();
            // Divisions by zero: the same rules in both modes.
            let (nd, dd) = (of(n, Code::DivisionByZero), of(&d, Code::DivisionByZero));
            assert_eq!(
                nd.as_ref().map(|w| &w.1),
                dd.as_ref().map(|w| &w.1),
                "seed {seed}"
            );
            warned[0] += usize::from(dd.is_some());
            // Comparisons of different kinds: the same rules, but for
            // recursive rules only those the engine names too.
            let (nm, dm) = (of(n, Code::NeverHolds), of(&d, Code::NeverHolds));
            let rules = |w: &Option<Warning>, keep_recursive: bool| -> Vec<Span> {
                (w.iter().flat_map(|w| w.1.iter().copied()))
                    .filter(|&s| keep_recursive || !recursive(program, s))
                    .collect()
            };
            assert_eq!(rules(&nm, false), rules(&dm, false), "seed {seed}");
            let native_all = rules(&nm, true);
            for s in rules(&dm, true) {
                assert!(
                    native_all.contains(&s),
                    "seed {seed}: {s:?} only with DuckDB"
                );
            }
            warned[1] += usize::from(dm.is_some());
            partial += usize::from(rules(&nm, true) != rules(&dm, true));
            for w in n.iter().chain(&d) {
                assert!(w.2 >= 1, "seed {seed}: {w:?}");
            }
        }
    }
    eprintln!(
        "{compared} programs compared; division warnings {}, mixed-kind warnings {}; \
         a recursive rule named natively only: {partial}",
        warned[0], warned[1]
    );
    assert!(compared >= 300, "{compared}");
    // The seeds are fixed: these are what the generator gives, kept as a
    // floor so that a change of generator cannot empty the test.
    assert!(
        warned[0] >= 8,
        "too few programs divide by zero: {warned:?}"
    );
    assert!(
        warned[1] >= 60,
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
