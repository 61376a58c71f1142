//! Inputs read from Parquet (`--input-parquet PRED=PATH`) mean what the
//! same fields mean in a CSV file: random inputs are written both as CSV
//! and, through DuckDB's `COPY … (FORMAT parquet)`, as Parquet with typed
//! (`BIGINT`, `INTEGER`, `DOUBLE`, `DECIMAL`, `DATE`, `BOOLEAN`) and string
//! columns; the native engine on the CSV and DuckDB on the Parquet give the
//! same rows and likelihoods. The files' problems are diagnostics.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use warrant::engine::{EvalOptions, evaluate};
use warrant::export::sql::readback::Readback;
use warrant::export::sql::{self, Dialect, duckdb};
use warrant::ir::{Input, InputFormat, InputRows, PredId, Program, Value};

#[path = "common/duckdb.rs"]
mod duckdb_common;
#[path = "common/rng.rs"]
mod rng;

use rng::Rng;

type Rows = HashMap<(String, Vec<Value>), u16>;

/// How a Parquet column stores its values.
#[derive(Clone, Copy, Debug)]
enum Storage {
    Varchar,
    Bigint,
    Integer,
    Double,
    Decimal,
    Date,
    Boolean,
}

impl Storage {
    fn sql(self) -> &'static str {
        match self {
            Storage::Varchar => "VARCHAR",
            Storage::Bigint => "BIGINT",
            Storage::Integer => "INTEGER",
            Storage::Double => "DOUBLE",
            Storage::Decimal => "DECIMAL(6,2)",
            Storage::Date => "DATE",
            Storage::Boolean => "BOOLEAN",
        }
    }

    /// Fields of this storage, as a CSV file holds the same value ("" is
    /// an empty cell, NULL in Parquet). Typed values are written as Warrant
    /// prints them, so that the CSV reads them as the same value.
    fn fields(self, kind: &str) -> &'static [&'static str] {
        match (self, kind) {
            (Storage::Bigint, _) => &[
                "7",
                "-12",
                "0",
                "9223372036854775807",
                "-9223372036854775808",
                "",
            ],
            (Storage::Integer, _) => &["7", "-12", "0", "2147483647", ""],
            (Storage::Double, _) => &[
                "0.5",
                "2.0",
                "-7.25",
                "0.1",
                "0.30000000000000004",
                "1.0",
                "",
            ],
            (Storage::Decimal, _) => &["1.5", "-2.25", "0.0", "10.25", "3.0", ""],
            (Storage::Date, _) => &["2024-01-02", "1999-12-31", ""],
            (Storage::Boolean, _) => &["true", "false", ""],
            (Storage::Varchar, "int") => &["007", "-3", "0", "12", "", "-0"],
            (Storage::Varchar, "decimal") => &["1", "0.5", "1.50", "007", "-2.25", "", "0.0"],
            (Storage::Varchar, "number") => &["1", "0.5", "007", "-0.0", "", "12.50"],
            (Storage::Varchar, "scale") => &["low", "high"],
            (Storage::Varchar, _) => &[
                "7",
                "-12",
                "0",
                "-0",
                "007",
                "+5",
                "1.50",
                "0.5",
                "2.0",
                "-0.0",
                "1e5",
                " a ",
                "FRA",
                "9223372036854775808",
                "x,y",
                "he said \"hi\"",
                "",
                "é ü 漢",
                "line\nbreak",
                "crlf\r\nx",
                "10.25",
                "3.",
                "inf",
                "it's",
            ],
        }
    }
}

/// The storages a column of this kind may have in the Parquet file.
fn storages(kind: &str) -> &'static [Storage] {
    use Storage::*;
    match kind {
        "any" => &[Varchar, Varchar, Bigint, Double, Decimal, Date, Boolean],
        "text" => &[Varchar, Varchar, Bigint, Double, Date],
        "int" => &[Varchar, Bigint, Integer],
        "decimal" | "number" => &[Varchar, Bigint, Double, Decimal],
        _ => &[Varchar],
    }
}

fn csv_field(rng: &mut Rng, f: &str) -> String {
    if f.contains([',', '"', '\n', '\r']) || rng.chance(20) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_string()
    }
}

/// A SQL string literal; a carriage return as `chr(13)`, which DuckDB's
/// command-line program would drop from a script's line.
fn sql_string(f: &str) -> String {
    format!(
        "'{}'",
        f.replace('\'', "''").replace('\r', "' || chr(13) || '")
    )
}

/// One random table: its CSV text and the DuckDB statement writing it as
/// Parquet to `parquet`. `columns` are (header name, kind); `header` says
/// whether the CSV has a header row.
fn table(
    rng: &mut Rng,
    columns: &[(&str, &str)],
    header: bool,
    first: &[(usize, &str)],
    parquet: &Path,
) -> (String, String) {
    let stored: Vec<Storage> = columns
        .iter()
        .map(|(_, kind)| {
            let s = storages(kind);
            s[rng.below(s.len())]
        })
        .collect();
    let mut csv = String::new();
    if header {
        let names: Vec<String> = columns.iter().map(|(n, _)| csv_field(rng, n)).collect();
        csv.push_str(&names.join(","));
        csv.push('\n');
    }
    let mut tuples = Vec::new();
    for r in 0..3 + rng.below(20) {
        let mut fields = Vec::new();
        let mut literals = Vec::new();
        for (c, (_, kind)) in columns.iter().enumerate() {
            let pool = stored[c].fields(kind);
            let mut f = pool[rng.below(pool.len())];
            while r == 0 && f.is_empty() {
                f = pool[rng.below(pool.len())]; // the first row loads (a retraction matches it)
            }
            if let Some((_, v)) = first.iter().find(|(i, _)| r == 0 && *i == c) {
                f = v;
            }
            fields.push(csv_field(rng, f));
            let empty_as_null =
                f.is_empty() && (!matches!(stored[c], Storage::Varchar) || rng.chance(50));
            literals.push(if empty_as_null {
                "NULL".to_string()
            } else {
                sql_string(f)
            });
        }
        csv.push_str(&fields.join(","));
        csv.push_str(if rng.chance(10) { "\r\n" } else { "\n" });
        tuples.push(format!("({})", literals.join(", ")));
    }
    let raw: Vec<String> = (0..columns.len()).map(|c| format!("v{c}")).collect();
    let typed: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(c, (name, _))| {
            format!(
                "CAST(v{c} AS {}) AS \"{}\"",
                stored[c].sql(),
                name.replace('"', "\"\"")
            )
        })
        .collect();
    let copy = format!(
        "COPY (SELECT {} FROM (VALUES {}) t({})) TO {} (FORMAT parquet);\n",
        typed.join(", "),
        tuples.join(", "),
        raw.join(", "),
        sql_string(&parquet.to_string_lossy())
    );
    (csv, copy)
}

/// Writes one case: a world reading `typed` (named, typed parameters, by
/// header) and `plain` (positional) from CSV, the same rows as Parquet.
/// Returns the world's path and the statements writing the Parquet files.
fn write_case(dir: &Path, seed: u64) -> (PathBuf, String) {
    let mut rng = Rng(seed);
    std::fs::create_dir_all(dir).expect("dir");
    let mut columns = vec![
        ("A", "any"),
        ("b", "text"),
        (" C ", "int"),
        ("D!", "decimal"),
        ("e", "number"),
        ("Level", "scale"),
    ];
    for i in (1..columns.len()).rev() {
        columns.swap(i, rng.below(i + 1));
    }
    let level = columns.iter().position(|(n, _)| *n == "Level").unwrap_or(0);
    let (typed_csv, typed_copy) = table(
        &mut rng,
        &columns,
        true,
        &[(level, "high")],
        &dir.join("typed.parquet"),
    );
    std::fs::write(dir.join("typed.csv"), typed_csv).expect("write");
    let (plain_csv, plain_copy) = table(
        &mut rng,
        &[("x", "any"), ("y", "any")],
        false,
        &[],
        &dir.join("plain.parquet"),
    );
    std::fs::write(dir.join("plain.csv"), plain_csv).expect("write");
    let program = "scale level: low < high.\n\
         pred typed(a, b: text, c: int, d: decimal, e: number, level: level).\n\
         input typed from \"typed.csv\" with header.\n\
         input plain from \"plain.csv\".\n\
         retract typed(_, _, _, _, _, high).\n\
         rule copy when typed(A, B, C, D, E, L), plain(X, Y) then both(A, B, C, D, E, L, X, Y) [likely].\n\
         rule small when typed(A, _, C, _, _, _), C < 10 then small(A, C).\n\
         rule same when plain(X, Y), typed(X, _, _, _, _, _) then same(X, Y) [roughly even chance].\n";
    let path = dir.join("case.wr");
    std::fs::write(&path, program).expect("write");
    (path, format!("{typed_copy}{plain_copy}"))
}

fn rows_of(program: &Program, model: &warrant::engine::Model) -> Rows {
    let mut rows = Rows::new();
    for (p, pred) in program.preds.iter().enumerate() {
        for (_, row, lik) in model.rows(PredId(p as u32)) {
            let values = row.iter().map(|&v| model.values().get(v).clone()).collect();
            rows.insert((pred.name.clone(), values), lik.units());
        }
    }
    rows
}

/// The world with `typed` and `plain` read from the case's Parquet files,
/// as `--input-parquet` builds it.
fn parquet_world(file: &Path) -> Program {
    let preds = ["plain".to_string(), "typed".to_string()];
    let loaded = warrant::load_with_inputs_elsewhere(&[file], &preds);
    let mut program = loaded
        .program
        .unwrap_or_else(|| panic!("{file:?}: {:?}", loaded.diagnostics));
    for name in preds {
        let pred = program.pred_id(&name).expect("declared");
        program.inputs.push(Input {
            pred,
            path: file.with_file_name(format!("{name}.parquet")),
            format: InputFormat::Parquet,
            header: true,
            span: program.pred(pred).first_seen,
            rows: InputRows::default(),
        });
    }
    program
}

/// The rows, printed and sorted; `-0.0` as `0.0`, which the engine interns
/// as one value (shown as whichever it met first).
fn sorted(rows: &Rows) -> Vec<String> {
    let mut v: Vec<String> = rows
        .iter()
        .map(|r| format!("{r:?}").replace("Dec(-0.0)", "Dec(0.0)"))
        .collect();
    v.sort();
    v
}

#[test]
fn random_parquet_inputs_mean_what_their_csv_means() {
    let Some(duck) = duckdb_common::program() else {
        return;
    };
    let root = std::env::temp_dir().join(format!("warrant-sql-parquet-{}", std::process::id()));
    let mut cases = Vec::new();
    let mut copies = String::new();
    for seed in 0..100 {
        let (file, copy) = write_case(&root.join(seed.to_string()), seed);
        cases.push(file);
        copies.push_str(&copy);
    }
    let status = Command::new(&duck)
        .arg("-bail")
        .stdin(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("piped")
                .write_all(copies.as_bytes())?;
            child.wait()
        })
        .expect("duckdb writes the Parquet files");
    assert!(status.success(), "COPY … (FORMAT parquet) failed");
    let mut script = String::new();
    let mut parquet = Vec::new();
    let mut readback = Readback::new().unwrap_or_else(|d| panic!("{}", d.message));
    for (i, file) in cases.iter().enumerate() {
        let program = Arc::new(parquet_world(file));
        let compiled = sql::compile(&program, Dialect::DuckDb).expect("compiles");
        script.push_str(&format!("CREATE SCHEMA p{i};\nSET schema = 'p{i}';\n"));
        script.push_str(&compiled.sql);
        script.push_str(&readback.copy_rows(&program, &compiled.preds, i));
        parquet.push(program);
    }
    duckdb::run(&duck, &script, None).unwrap_or_else(|d| panic!("{}", d.message));
    let mut from_parquet = vec![Rows::new(); cases.len()];
    for r in readback.rows() {
        let r = r.unwrap_or_else(|d| panic!("{}", d.message));
        let name = parquet[r.batch].pred(r.pred).name.clone();
        from_parquet[r.batch].insert((name, r.values), r.likelihood.units());
    }
    let mut derived = 0;
    for (seed, file) in cases.iter().enumerate() {
        let loaded = warrant::load(&[file]);
        let program = Arc::new(
            loaded
                .program
                .unwrap_or_else(|| panic!("seed {seed}: {:?}", loaded.diagnostics)),
        );
        let model = evaluate(&program, &EvalOptions::default()).expect("evaluates");
        let native = rows_of(&program, &model);
        derived += native.keys().filter(|(p, _)| p == "both").count();
        let (native, parquet) = (sorted(&native), sorted(&from_parquet[seed]));
        let only = |a: &[String], b: &[String]| -> Vec<String> {
            a.iter().filter(|r| !b.contains(r)).cloned().collect()
        };
        assert!(
            native == parquet,
            "seed {seed}: only native {:?}, only from Parquet {:?}",
            only(&native, &parquet),
            only(&parquet, &native)
        );
    }
    assert!(derived > 500, "the inputs join: {derived} rows of `both`");
    let _ = std::fs::remove_dir_all(&root);
}

fn warrant(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_warrant"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .expect("runs")
}

/// A folder with a world whose `event` input exists only as Parquet files
/// (written by DuckDB from `selects`, one file each).
fn parquet_only(name: &str, duck: &Path, selects: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("warrant-parquet-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("w.wr"),
        "scale level: low < high.\n\
         pred event(user, kind: text, amount: int, lvl: level).\n\
         input event from \"events.csv\" with header.\n\
         rule big when event(U, K, A, L), A > 5 then big(U, K, L) [likely].\n",
    )
    .expect("write");
    let script: String = selects
        .iter()
        .map(|(file, select)| format!("COPY ({select}) TO '{file}' (FORMAT parquet);\n"))
        .collect();
    let out = Command::new(duck)
        .args(["-bail", "-c", &script])
        .current_dir(&dir)
        .output()
        .expect("duckdb");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

#[test]
fn a_world_whose_input_is_only_parquet_runs_on_duckdb_and_exports() {
    let Some(duck) = duckdb_common::program() else {
        return;
    };
    let dir = parquet_only(
        "only",
        &duck,
        &[
            (
                "part-1.parquet",
                "SELECT 'ann' AS \"User\", 'a \"q\"' AS Kind, 7 AS amount, 'high' AS lvl",
            ),
            // Another column order, and an integer stored as text.
            (
                "part-2.parquet",
                "SELECT 'bob' AS \"User\", '9' AS amount, 'low' AS lvl, NULL AS kind",
            ),
        ],
    );
    let out = warrant(
        &dir,
        &[
            "run",
            "--engine",
            "duckdb",
            "--input-parquet",
            "event=part-*.parquet",
            "w.wr",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout), @r#"
    big (2 rows)
      big(ann, "a \"q\"", high)  likely (0.55)
      big(bob, "", low)          likely (0.55)
    "#);
    // The Parquet rows are the input's, not derived: the summary counts
    // only `big`'s, as the native engine counts a CSV input's.
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(summary.starts_with("derived 2 rows (big 2)"), "{summary}");
    let out = warrant(
        &dir,
        &[
            "export",
            "--sql",
            "--input-parquet",
            "event=part-*.parquet",
            "w.wr",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let script = String::from_utf8_lossy(&out.stdout);
    assert!(
        script.contains("read_parquet('part-*.parquet', union_by_name = true)"),
        "{script}"
    );
    assert!(
        !script.contains("events.csv"),
        "the declared CSV file is not read"
    );
    // The native engine cannot read Parquet: a usage error, not empty rows.
    let out = warrant(
        &dir,
        &["run", "--input-parquet", "event=part-*.parquet", "w.wr"],
    );
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("native_refusal", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn parquet_files_that_do_not_fit_are_diagnostics() {
    let Some(duck) = duckdb_common::program() else {
        return;
    };
    let dir = parquet_only(
        "bad",
        &duck,
        &[
            (
                "no_column.parquet",
                "SELECT 'x' AS \"user\", 'k' AS kind, 'low' AS lvl",
            ),
            (
                "double.parquet",
                "SELECT 'x' AS \"user\", 'k' AS kind, 2.5::DOUBLE AS amount, 'low' AS lvl",
            ),
            (
                "list.parquet",
                "SELECT 'x' AS \"user\", [1, 2] AS kind, 3 AS amount, 'low' AS lvl",
            ),
            (
                "value.parquet",
                "SELECT 'x' AS \"user\", 'k' AS kind, '3 apples' AS amount, 'low' AS lvl",
            ),
            (
                "scale.parquet",
                "SELECT 'x' AS \"user\", 'k' AS kind, 3 AS amount, 'medium' AS lvl",
            ),
        ],
    );
    for (name, code) in [
        ("missing", 2),
        ("no_column", 1),
        ("double", 1),
        ("list", 1),
        ("value", 1),
        ("scale", 1),
    ] {
        let arg = format!("event={name}.parquet");
        let out = warrant(
            &dir,
            &["run", "--engine", "duckdb", "--input-parquet", &arg, "w.wr"],
        );
        assert_eq!(out.status.code(), Some(code), "{name}");
        insta::assert_snapshot!(name, String::from_utf8_lossy(&out.stderr));
    }
    let given = ["--input-parquet", "event=value.parquet", "--input-parquet"];
    for (arg, name) in [("evnt=x.parquet", "unknown_pred"), ("event", "no_path")] {
        let out = warrant(
            &dir,
            &[&["export", "--sql"], &given[..], &[arg, "w.wr"]].concat(),
        );
        assert_eq!(out.status.code(), Some(2), "{name}");
        insta::assert_snapshot!(name, String::from_utf8_lossy(&out.stderr));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
