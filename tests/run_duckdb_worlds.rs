//! `warrant run --engine duckdb` on several root files: each is its own
//! world, as in the native engine (its own rules, facts, inputs,
//! retractions and conflicts), printed under `== world: FILE ==`, as a JSON
//! list, or under `--output-dir DIR/<stem>/`. The texts of the fixture
//! (quotes, commas, a line break, non-ASCII, an apostrophe) also check that
//! values come back from DuckDB exactly.

use std::path::Path;
use std::process::{Command, Output};

#[path = "common/duckdb.rs"]
mod duckdb_common;

const NORTH: &str = "tests/data/duckdb_worlds/north.wr";
const SOUTH: &str = "tests/data/duckdb_worlds/south.wr";

fn warrant(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_warrant"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("runs")
}

/// Runs natively (without provenance: conflicts print alike) and through
/// DuckDB with the same arguments; both succeed.
fn both(args: &[&str]) -> (Output, Output) {
    let mut native = vec!["run", "--no-provenance"];
    native.extend(args);
    let mut duck = vec!["run", "--engine", "duckdb"];
    duck.extend(args);
    let (n, d) = (warrant(&native), warrant(&duck));
    for o in [&n, &d] {
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    (n, d)
}

/// Each world's section of the text output: its heading, then its lines
/// sorted (rows within a predicate may come in another order).
fn worlds(out: &Output) -> Vec<(String, Vec<String>)> {
    let text = String::from_utf8_lossy(&out.stdout);
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.lines() {
        if line.starts_with("== world: ") {
            sections.push((line.to_string(), Vec::new()));
        } else if let Some((_, lines)) = sections.last_mut() {
            lines.push(line.to_string());
        }
    }
    for (_, lines) in &mut sections {
        lines.sort();
    }
    sections
}

/// The worlds' summaries on stderr, without their times.
fn summaries(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(".wr: derived "))
        .map(|l| l.rsplit_once(" · ").map_or(l, |(s, _)| s).to_string())
        .collect()
}

#[test]
fn each_world_prints_the_same_rows_under_its_heading() {
    if duckdb_common::program().is_none() {
        return;
    }
    let (n, d) = both(&["--all", NORTH, SOUTH]);
    let (wn, wd) = (worlds(&n), worlds(&d));
    assert_eq!(wn.len(), 2);
    assert_eq!(wn, wd);
    // The worlds differ: what one states, the other does not see.
    assert!(wn[0].1.iter().any(|l| l.contains("closed(\"Saint-Gall\")")));
    assert!(!wn[1].1.iter().any(|l| l.contains("closed(")));
    assert!(
        wn[1]
            .1
            .iter()
            .any(|l| l.contains("reach(\"Zürich\", \"l'Aquila\")"))
    );
    assert_eq!(summaries(&n).len(), 2);
    assert_eq!(summaries(&n), summaries(&d));
}

#[test]
fn duckdb_lists_each_predicates_rows_by_value() {
    if duckdb_common::program().is_none() {
        return;
    }
    // Integers, then decimals, then texts, each in its own order: a fixed
    // order whatever order DuckDB wrote the rows in.
    let out = warrant(&["run", "--engine", "duckdb", "--all", NORTH, SOUTH]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn json_is_a_list_of_the_same_worlds() {
    if duckdb_common::program().is_none() {
        return;
    }
    let (n, d) = both(&["--format", "json", "--all", NORTH, SOUTH]);
    let normal = |o: &Output| {
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        for world in v.as_array_mut().expect("a list of worlds") {
            let run = world;
            for p in run["predicates"].as_array_mut().expect("predicates") {
                let rows = p["rows"].as_array_mut().expect("rows");
                rows.sort_by_key(|r| r["row"].to_string());
            }
            for c in run["conflicts"].as_array_mut().expect("conflicts") {
                c["premises"] = serde_json::Value::Null;
                c["bindings"] = serde_json::Value::Null;
            }
        }
        v
    };
    let (jn, jd) = (normal(&n), normal(&d));
    assert_eq!(jn.as_array().map(Vec::len), Some(2));
    assert_eq!(jn, jd);
}

#[test]
fn output_dir_has_a_folder_per_world_with_the_same_files() {
    if duckdb_common::program().is_none() {
        return;
    }
    let root = std::env::temp_dir().join(format!("warrant-duckdb-worlds-{}", std::process::id()));
    let (dn, dd) = (root.join("native"), root.join("duckdb"));
    let (dn_s, dd_s) = (dn.to_string_lossy(), dd.to_string_lossy());
    both(&["--all", NORTH, SOUTH, "--output-dir", &dn_s]);
    both(&["--all", NORTH, SOUTH, "--output-dir", &dd_s]);
    for world in ["north", "south"] {
        let mut names: Vec<String> = std::fs::read_dir(dn.join(world))
            .expect("a folder per world")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert!(names.contains(&"reach.csv".to_string()), "{names:?}");
        let read = |dir: &Path, name: &str| {
            let text = std::fs::read_to_string(dir.join(world).join(name)).expect("file");
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            lines[1..].sort();
            lines
        };
        for name in &names {
            assert_eq!(read(&dn, name), read(&dd, name), "{world}/{name}");
        }
    }
    let _ = std::fs::remove_dir_all(&root);
}
