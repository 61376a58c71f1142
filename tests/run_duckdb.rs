//! `warrant run --engine duckdb`: the same rows and likelihoods as the
//! native engine in every output format of `run` (rows sorted by value
//! instead of in derivation order, conflicts without proofs as with
//! `--no-provenance`), and its diagnostics: explanations asked for, DuckDB
//! missing.

use std::path::Path;
use std::process::{Command, Output};

#[path = "common/duckdb.rs"]
mod duckdb_common;

fn warrant(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_warrant"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs")
}

/// Stdout's lines up to the conflicts, sorted (the row order is allowed
/// to differ), and the conflicts' heading. A symmetric conflict is
/// reported once, with the bindings of whichever order is met first, so
/// its lines may differ.
fn rows(out: &Output) -> (Vec<String>, Option<String>) {
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let cut = text.find("\nconflicts (").unwrap_or(text.len());
    let mut lines: Vec<String> = text[..cut].lines().map(str::to_string).collect();
    lines.sort();
    (lines, text[cut..].lines().nth(1).map(str::to_string))
}

/// The summary line without its time.
fn summary(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr);
    let last = err.lines().last().unwrap_or("").to_string();
    last.rsplit_once(" · ")
        .map_or(last.clone(), |(s, _)| s.to_string())
}

/// Runs natively (without provenance: conflicts print alike) and through
/// DuckDB with the same extra arguments; both succeed.
fn both(file: &str, extra: &[&str]) -> (Output, Output) {
    let mut native = vec!["run", "--no-provenance", file];
    native.extend(extra);
    let mut duck = vec!["run", "--engine", "duckdb", file];
    duck.extend(extra);
    let (n, d) = (warrant(&native), warrant(&duck));
    assert_eq!(
        n.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&n.stderr)
    );
    assert_eq!(
        d.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&d.stderr)
    );
    (n, d)
}

/// Files with rules, inputs, scales, exceptions, recursion and a conflict
/// whose two orders are one tension (so which is printed does not depend
/// on row order).
const FILES: [&str; 3] = [
    "tests/data/engine/hedging.wr",
    "tests/data/explain/chain/chain.wr",
    "tests/data/report/base.wr",
];

#[test]
fn text_output_has_the_same_rows() {
    if duckdb_common::program().is_none() {
        return;
    }
    for file in FILES {
        let (n, d) = both(file, &["--all"]);
        assert_eq!(rows(&n), rows(&d), "{file}");
        assert_eq!(summary(&n), summary(&d), "{file}");
    }
}

#[test]
fn json_output_has_the_same_rows_and_conflicts() {
    if duckdb_common::program().is_none() {
        return;
    }
    for file in FILES {
        let (n, d) = both(file, &["--format", "json"]);
        let normal = |o: &Output| {
            let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
            for p in v["predicates"].as_array_mut().expect("predicates") {
                let rows = p["rows"].as_array_mut().expect("rows");
                rows.sort_by_key(|r| r["row"].to_string());
            }
            let conflicts = v["conflicts"].as_array_mut().expect("conflicts");
            for c in conflicts.iter_mut() {
                let mut premises: Vec<String> = c["premises"]
                    .as_array()
                    .expect("premises")
                    .iter()
                    .map(|p| p.to_string())
                    .collect();
                premises.sort();
                c["premises"] = serde_json::json!(premises);
                c["bindings"] = serde_json::Value::Null;
            }
            conflicts.sort_by_key(|c| c.to_string());
            v
        };
        assert_eq!(normal(&n), normal(&d), "{file}");
    }
}

#[test]
fn only_and_quiet_work_alike() {
    if duckdb_common::program().is_none() {
        return;
    }
    let (n, d) = both(FILES[0], &["--only", "linked,ally"]);
    assert_eq!(rows(&n), rows(&d));
    assert!(String::from_utf8_lossy(&d.stdout).contains("ally(japan, us)"));
    let (n, d) = both(FILES[0], &["--quiet"]);
    assert!(d.stdout.is_empty());
    assert_eq!(summary(&n), summary(&d));
}

#[test]
fn output_dir_files_have_the_same_rows() {
    if duckdb_common::program().is_none() {
        return;
    }
    let root = std::env::temp_dir().join(format!("warrant-run-duckdb-{}", std::process::id()));
    for format in ["csv", "tsv", "jsonl"] {
        let dn = root.join(format!("native-{format}"));
        let dd = root.join(format!("duckdb-{format}"));
        let (dn_s, dd_s) = (dn.to_string_lossy(), dd.to_string_lossy());
        let n = warrant(&[
            "run",
            FILES[0],
            "--all",
            "--output-dir",
            &dn_s,
            "--output-format",
            format,
        ]);
        let d = warrant(&[
            "run",
            "--engine",
            "duckdb",
            FILES[0],
            "--all",
            "--output-dir",
            &dd_s,
            "--output-format",
            format,
        ]);
        assert_eq!(n.status.code(), Some(0));
        assert_eq!(d.status.code(), Some(0));
        let mut names: Vec<String> = std::fs::read_dir(&dn)
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert!(names.len() >= 4, "{names:?}");
        for name in names {
            let read = |dir: &Path| {
                let text = std::fs::read_to_string(dir.join(&name)).expect("file");
                let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
                // The header (csv, tsv) stays first; the rows are compared as a set.
                let head = if format == "jsonl" { 0 } else { 1 };
                lines[head..].sort();
                lines
            };
            assert_eq!(read(&dn), read(&dd), "{format} {name}");
        }
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn explanations_are_refused_plainly() {
    let out = warrant(&["run", "--engine", "duckdb", "--explain", FILES[0]]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_missing_duckdb_says_how_to_install_it() {
    let out = Command::new(env!("CARGO_BIN_EXE_warrant"))
        .args(["run", "--engine", "duckdb", FILES[0]])
        .env("NO_COLOR", "1")
        .env("WARRANT_DUCKDB", "/nonexistent/duckdb")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    // The OS's wording of "not found" is left out of the snapshot.
    let first = err
        .lines()
        .take_while(|l| !l.contains("cannot start"))
        .count();
    assert!(err.contains("warrant::duckdb"), "{err}");
    assert!(err.contains("pip install duckdb-cli"), "{err}");
    assert!(err.contains("/nonexistent/duckdb"), "{err}");
    assert!(first < err.lines().count());
}
