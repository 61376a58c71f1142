//! `input` files read by DuckDB (`read_csv` in the exported script) mean
//! what they mean to `check`: random CSV and TSV files of tricky fields
//! (non-canonical numbers, quotes, spaces, empty cells, out-of-range
//! integers) in untyped and typed columns chosen by header, with a
//! retraction, give the same rows and likelihoods natively and in DuckDB.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use warrant::engine::{EvalOptions, evaluate};
use warrant::export::sql::readback::Readback;
use warrant::export::sql::{self, Dialect, duckdb};
use warrant::ir::{PredId, Program, Value};

#[path = "common/duckdb.rs"]
mod duckdb_common;
#[path = "common/rng.rs"]
mod rng;

use rng::Rng;

type Rows = HashMap<(String, Vec<Value>), u16>;

/// Fields an untyped or `text` column may hold.
const ANY: [&str; 28] = [
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
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "00.5",
    "0.10",
    "x,y",
    "he said \"hi\"",
    "",
    "é",
    "1.0",
    "10.25",
    "3.",
    ".5",
    "-7.25",
    "inf",
];
const INT: [&str; 6] = ["007", "-3", "0", "12", "", "-0"];
const DECIMAL: [&str; 7] = ["1", "0.5", "1.50", "007", "-2.25", "", "0.0"];
const NUMBER: [&str; 6] = ["1", "0.5", "007", "-0.0", "", "12.50"];

fn pick<'a>(rng: &mut Rng, from: &[&'a str]) -> &'a str {
    from[rng.below(from.len())]
}

/// A CSV field, quoted when it must be (and sometimes when it need not).
fn csv_field(rng: &mut Rng, f: &str) -> String {
    if f.contains('"') && !f.contains(',') && rng.chance(30) {
        // A quote inside an unquoted field is a character of the field.
        return format!("x{f}");
    }
    if f.contains([',', '"']) || rng.chance(20) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_string()
    }
}

/// Writes one case: a program with a header-selected, typed input and an
/// untyped positional one, CSV or TSV. Returns the program's path.
fn write_case(dir: &Path, seed: u64) -> std::path::PathBuf {
    let mut rng = Rng(seed);
    std::fs::create_dir_all(dir).expect("dir");
    let tsv = rng.chance(30);
    let ext = if tsv { "tsv" } else { "csv" };
    // Header: shuffled columns, names in other spellings, one ignored.
    let mut header = ["A", "b", " C ", "D!", "e", "ignored"];
    for i in (1..header.len()).rev() {
        header.swap(i, rng.below(i + 1));
    }
    let mut typed = String::new();
    typed.push_str(&header.join(if tsv { "\t" } else { "," }));
    typed.push('\n');
    let rows = 5 + rng.below(20);
    for r in 0..rows {
        let fields: Vec<String> = header
            .iter()
            .map(|h| {
                let f = match *h {
                    "A" if r == 0 => "gone",
                    "A" | "ignored" => pick(&mut rng, &ANY),
                    "b" => pick(&mut rng, &ANY),
                    " C " => pick(&mut rng, &INT),
                    "D!" => pick(&mut rng, &DECIMAL),
                    _ => pick(&mut rng, &NUMBER),
                };
                let f = if r == 0 && f.is_empty() { "1" } else { f };
                if tsv {
                    f.replace(',', ";")
                } else {
                    csv_field(&mut rng, f)
                }
            })
            .collect();
        typed.push_str(&fields.join(if tsv { "\t" } else { "," }));
        typed.push_str(if rng.chance(10) { "\r\n" } else { "\n" });
        if rng.chance(5) {
            typed.push('\n'); // a blank line holds no row
        }
    }
    std::fs::write(dir.join(format!("typed.{ext}")), typed).expect("write");
    let mut plain = String::new();
    for _ in 0..3 + rng.below(10) {
        let (a, b) = (pick(&mut rng, &ANY), pick(&mut rng, &ANY));
        if tsv {
            plain.push_str(&format!(
                "{}\t{}\n",
                a.replace(',', ";"),
                b.replace(',', ";")
            ));
        } else {
            let (a, b) = (csv_field(&mut rng, a), csv_field(&mut rng, b));
            plain.push_str(&format!("{a},{b}\n"));
        }
    }
    std::fs::write(dir.join(format!("plain.{ext}")), plain).expect("write");
    let program = format!(
        "pred typed(a, b: text, c: int, d: decimal, e: number).\n\
         input typed from \"typed.{ext}\" with header.\n\
         input plain from \"plain.{ext}\".\n\
         retract typed(gone, _, _, _, _).\n\
         rule copy when typed(A, B, C, D, E), plain(X, Y) then both(A, B, C, D, E, X, Y) [likely].\n\
         rule small when typed(A, _, C, _, _), C < 10 then small(A, C).\n"
    );
    let path = dir.join("case.wr");
    std::fs::write(&path, program).expect("write");
    path
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

#[test]
fn random_input_files_mean_the_same_in_duckdb() {
    let Some(path) = duckdb_common::program() else {
        return;
    };
    let root = std::env::temp_dir().join(format!("warrant-sql-inputs-{}", std::process::id()));
    let mut programs = Vec::new();
    for seed in 0..120 {
        let file = write_case(&root.join(seed.to_string()), seed);
        let loaded = warrant::load(&[&file]);
        let program = loaded
            .program
            .unwrap_or_else(|| panic!("seed {seed}: {:?}", loaded.diagnostics));
        programs.push(Arc::new(program));
    }
    let mut script = String::new();
    let mut readback = Readback::new().unwrap_or_else(|d| panic!("{}", d.message));
    for (i, program) in programs.iter().enumerate() {
        let compiled = sql::compile(program, Dialect::DuckDb).expect("compiles");
        script.push_str(&format!("CREATE SCHEMA p{i};\nSET schema = 'p{i}';\n"));
        script.push_str(&compiled.sql);
        script.push_str(&readback.copy_rows(program, &compiled.preds, i));
    }
    duckdb::run(&path, &script, None).unwrap_or_else(|d| panic!("{}", d.message));
    let mut duck = vec![Rows::new(); programs.len()];
    for r in readback.rows() {
        let r = r.unwrap_or_else(|d| panic!("{}", d.message));
        let name = programs[r.batch].pred(r.pred).name.clone();
        duck[r.batch].insert((name, r.values), r.likelihood.units());
    }
    let mut loaded_rows = 0;
    for (seed, (program, duck)) in programs.iter().zip(&duck).enumerate() {
        let native = native_rows(program);
        loaded_rows += native.len();
        let mut native_sorted: Vec<_> = native.iter().collect();
        let mut duck_sorted: Vec<_> = duck.iter().collect();
        native_sorted.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
        duck_sorted.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
        assert_eq!(native_sorted, duck_sorted, "seed {seed}");
    }
    assert!(loaded_rows > 1000, "the files load rows: {loaded_rows}");
    let _ = std::fs::remove_dir_all(&root);
}
