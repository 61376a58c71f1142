//! Non-linear and mutual recursion through DuckDB: `warrant run --engine
//! duckdb` prints the native engine's rows and likelihoods on transitive
//! closure written non-linearly (a chain, random graphs with likelihoods),
//! same generation, mutual recursion over predicates of different
//! arities, a graded exception on a lower stratum, and arithmetic in the
//! recursion. (tests/sql_duckdb.rs compares random programs, non-linear
//! ones among them.)

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

#[path = "common/duckdb.rs"]
mod duckdb_common;
#[path = "common/rng.rs"]
mod rng;

/// Every row `run --format json` prints, with its probability.
fn rows(file: &Path, engine: &str) -> BTreeMap<String, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_warrant"))
        .args([
            "run",
            "--no-provenance",
            "--format",
            "json",
            "--engine",
            engine,
        ])
        .arg(file)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{engine} on {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut rows = BTreeMap::new();
    for pred in json["predicates"].as_array().expect("predicates") {
        for row in pred["rows"].as_array().expect("rows") {
            let text = row["row"].as_str().expect("row").to_string();
            let probability = row["likelihood"]["probability"].to_string();
            assert!(
                rows.insert(text, probability).is_none(),
                "a row printed twice"
            );
        }
    }
    rows
}

/// DuckDB's rows are the engine's; how many there are.
fn same_rows(file: &Path) -> usize {
    let native = rows(file, "native");
    let duck = rows(file, "duckdb");
    let differ: Vec<String> = native
        .iter()
        .filter(|(row, l)| duck.get(*row) != Some(l))
        .map(|(row, l)| format!("{row}: native {l}, duckdb {:?}", duck.get(row)))
        .chain(
            duck.iter()
                .filter(|(row, _)| !native.contains_key(*row))
                .map(|(row, l)| format!("{row}: duckdb {l}, not native")),
        )
        .collect();
    assert!(
        differ.is_empty(),
        "{}: engines differ:\n{}",
        file.display(),
        differ.join("\n")
    );
    native.len()
}

/// Writes a program to a fresh folder of the temp dir.
fn write_program(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("warrant-sql-recursion-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join(name);
    std::fs::write(&file, text).expect("write program");
    file
}

const NON_LINEAR_CLOSURE: &str = "rule base when edge(X, Y) then path(X, Y).\n\
     rule join when path(X, Y), path(Y, Z) then path(X, Z) [0.95].\n";

#[test]
fn transitive_closure_on_a_chain() {
    if duckdb_common::program().is_none() {
        return;
    }
    let n = 30;
    let mut text: String = (0..n).map(|i| format!("edge({i}, {}).\n", i + 1)).collect();
    text.push_str(NON_LINEAR_CLOSURE);
    let file = write_program("chain.wr", &text);
    // Every pair of the chain's n + 1 nodes (the JSON lists derived rows).
    assert_eq!(same_rows(&file), n * (n + 1) / 2);
}

#[test]
fn transitive_closure_on_random_graphs_with_likelihoods() {
    if duckdb_common::program().is_none() {
        return;
    }
    let words = [" [likely]", " [0.6]", " [very likely]", " [0.3]"];
    let mut rng = rng::Rng(14);
    for graph in 0..4 {
        let mut text = String::new();
        for _ in 0..40 {
            let (a, b) = (rng.below(20), rng.below(20));
            // Half the edges certain, the others graded.
            let word = if rng.chance(50) {
                ""
            } else {
                words[rng.below(words.len())]
            };
            text.push_str(&format!("edge({a}, {b}){word}.\n"));
        }
        text.push_str(NON_LINEAR_CLOSURE);
        // A path is as likely as its best chain of joins: a longer chain of
        // likelier edges can beat a short one of doubtful edges.
        text.push_str("rule shortcut when edge(X, Y), edge(Y, Z) then path(X, Z) [0.5].\n");
        let file = write_program(&format!("graph{graph}.wr"), &text);
        assert!(same_rows(&file) > 100, "graph {graph}");
    }
}

#[test]
fn same_generation_mutual_recursion_exceptions_and_arithmetic() {
    if duckdb_common::program().is_none() {
        return;
    }
    // (file, rows the engine derives)
    let files = [
        ("same_generation.wr", 20),
        ("mutual.wr", 66),
        ("exception.wr", 16),
        ("distance.wr", 11),
    ];
    for (file, count) in files {
        let path = Path::new("tests/data/sql/recursion").join(file);
        assert_eq!(same_rows(&path), count, "{file}");
    }
}
