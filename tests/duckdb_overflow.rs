//! `warrant run --engine duckdb` on integer overflows: it stops exactly
//! when some binding of all a rule's atoms has a computation that
//! overflows and no other condition of that binding fails (a condition
//! reading the overflowed value neither holds nor fails), with the
//! engine's `warrant::overflow` naming the rule and the computation; a sum
//! overflows only when its total does; among equal values of two kinds,
//! `min` and `max` keep the integer.
//!
//! The rows printed and every diagnostic are snapshotted (the summary's
//! time left out), and the native engine prints the same rows (in its
//! order) or the same diagnostic.

use std::process::{Command, Output};

#[path = "common/duckdb.rs"]
mod duckdb_common;

fn run(file: &str, engine: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_warrant"))
        .args(["run", "--no-provenance", "--engine", engine, file])
        .env("NO_COLOR", "1")
        .output()
        .expect("runs")
}

/// Stdout's lines sorted, and stderr without the summary line.
fn comparable(out: &Output) -> (Vec<String>, String) {
    let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    lines.sort();
    let err = String::from_utf8_lossy(&out.stderr);
    let err: Vec<&str> = err.lines().filter(|l| !l.starts_with("derived ")).collect();
    (lines, err.join("\n"))
}

/// Exit code, stdout and stderr, the summary's time cut.
fn shown(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr);
    let err: Vec<String> = err
        .lines()
        .map(|l| match l.rsplit_once(" · ") {
            Some((s, t)) if l.starts_with("derived ") && t.ends_with(" s") => s.to_string(),
            _ => l.to_string(),
        })
        .collect();
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        err.join("\n")
    )
}

/// Runs `tests/data/sql/overflow/NAME.wr` through DuckDB (when there is
/// one), snapshots it, and compares it with the native engine.
fn check(name: &str, exit: i32) {
    check_file(&format!("tests/data/sql/overflow/{name}.wr"), name, exit);
}

fn check_file(file: &str, name: &str, exit: i32) {
    if duckdb_common::program().is_none() {
        return;
    }
    let out = run(file, "duckdb");
    assert_eq!(out.status.code(), Some(exit), "{}", shown(&out));
    insta::assert_snapshot!(name, shown(&out));
    let native = run(file, "native");
    assert_eq!(native.status.code(), Some(exit), "{}", shown(&native));
    assert_eq!(comparable(&native), comparable(&out));
}

#[test]
fn an_overflow_before_an_atom_without_rows_stops_nothing() {
    check("empty_later_atom", 0);
}

#[test]
fn an_overflow_in_a_binding_of_all_atoms_stops() {
    check("later_atom_with_rows", 1);
}

#[test]
fn a_comparison_reading_the_overflowed_value_does_not_fail() {
    check("comparison_reads_overflow", 1);
}

#[test]
fn a_failing_comparison_rules_the_overflow_out() {
    check("comparison_fails", 0);
}

#[test]
fn an_overflowed_value_read_by_nothing_stops() {
    check("unread_overflow", 1);
}

#[test]
fn a_sum_overflows_only_when_its_total_does() {
    check("sum_total_fits", 0);
}

#[test]
fn min_and_max_keep_the_integer_among_equal_values() {
    check("min_int_and_dec", 0);
}

#[test]
fn recursion_that_overflows_stops_with_the_engines_diagnostic() {
    check_file("tests/data/arith/overflow.wr", "recursion", 1);
}

#[test]
fn a_conflict_that_overflows_on_a_complete_binding_stops() {
    check_file("tests/data/arith/conflict_overflow.wr", "conflict", 1);
}

#[test]
fn an_overflow_in_an_aggregates_body_stops_when_the_rule_completes() {
    check_file(
        "tests/data/arith/aggregate_overflow_stops.wr",
        "aggregate_body",
        1,
    );
}

/// The guard of a rule, as `export --sql` writes it: one commented query.
#[test]
fn the_sql_of_an_overflow_guard() {
    let out = Command::new(env!("CARGO_BIN_EXE_warrant"))
        .args([
            "export",
            "--sql",
            "tests/data/sql/overflow/comparison_reads_overflow.wr",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let sql = String::from_utf8_lossy(&out.stdout);
    let start = sql
        .find("-- rule `negative`, overflow guard")
        .expect("a guard");
    let end = start + sql[start..].find("LIMIT 1;").expect("its end") + "LIMIT 1;".len();
    insta::assert_snapshot!(&sql[start..end]);
}
