//! `--timeout`: evaluation that passes its deadline stops with
//! `warrant::timeout`, names where it was, and prints no partial results.

use std::sync::Arc;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use warrant::engine::{EvalOptions, evaluate};

/// Counts without end: only a limit stops it.
const COUNTING: &str = "tests/data/timeout/counting.wr";
/// Finishes at once.
const QUICK: &str = "tests/data/timeout/quick.wr";

fn warrant() -> Command {
    let mut cmd = Command::cargo_bin("warrant").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    cmd
}

fn output(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn run_stops_at_the_deadline_naming_the_rule_and_prints_nothing() {
    let (code, out, err) = output(warrant().args(["run", COUNTING, "--timeout", "200ms"]));
    assert_eq!(code, 1, "{err}");
    assert_eq!(out, "", "no partial model on stdout");
    insta::assert_snapshot!("timeout_run", err);
}

#[test]
fn every_evaluating_command_takes_a_timeout() {
    let commands: [&[&str]; 7] = [
        &["run", COUNTING, "--format", "json"],
        &["query", COUNTING, "number(N)"],
        &["explain", COUNTING, "number(0)"],
        &["why-not", COUNTING, "number(-1)"],
        &["assumptions", COUNTING, "number(0)"],
        &["diff", COUNTING, QUICK],
        &["report", COUNTING],
    ];
    for args in commands {
        let (code, out, err) = output(warrant().args(args).args(["--timeout", "100ms"]));
        assert_eq!(code, 1, "{args:?}: {err}");
        assert_eq!(out, "", "{args:?} printed a partial result");
        assert!(err.contains("warrant::timeout"), "{args:?}: {err}");
        assert!(err.contains("running rule `next`"), "{args:?}: {err}");
    }
}

#[test]
fn output_dir_gets_no_files_from_a_stopped_evaluation() {
    let dir = std::env::temp_dir().join(format!("warrant-timeout-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    let (code, _, err) = output(
        warrant()
            .args(["run", COUNTING, "--timeout", "100ms"])
            .arg("--output-dir")
            .arg(&dir),
    );
    assert_eq!(code, 1, "{err}");
    let files = std::fs::read_dir(&dir).map_or(0, |d| d.count());
    assert_eq!(files, 0, "files written from an unfinished model");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_test_block_that_times_out_fails_with_the_reason() {
    let (code, out, err) = output(warrant().args(["test", COUNTING, "--timeout", "100ms"]));
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!("timeout_test", out);
}

#[test]
fn a_run_within_its_time_limit_is_unchanged() {
    let (code, with, _) = output(warrant().args(["run", QUICK, "--timeout", "10m"]));
    assert_eq!(code, 0);
    let (_, without, _) = output(warrant().args(["run", QUICK]));
    assert_eq!(with, without);
    assert!(with.contains("number(10)"), "{with}");
}

#[test]
fn a_duration_that_cannot_be_read_is_a_usage_error() {
    let (code, out, err) = output(warrant().args(["run", QUICK, "--timeout", "soon"]));
    assert_eq!(code, 2);
    assert_eq!(out, "");
    insta::assert_snapshot!("timeout_bad_duration", err);
}

/// A long transitive closure, stopped by a deadline already passed: the
/// library reports `warrant::timeout` at its first look at the clock.
#[test]
fn the_library_stops_a_long_transitive_closure() {
    let dir = std::env::temp_dir().join(format!("warrant-timeout-tc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from(
        "pred edge(a: int, b: int).\npred path(a: int, b: int).\n\
         rule base when edge(X, Y) then path(X, Y).\n\
         rule step when path(X, Y), edge(Y, Z) then path(X, Z).\n",
    );
    for i in 0..3000 {
        text.push_str(&format!("edge({i}, {}).\n", i + 1));
    }
    let file = dir.join("tc.wr");
    std::fs::write(&file, text).unwrap();
    let program = Arc::new(warrant::Program::load(&[&file]).unwrap());

    let started = Instant::now();
    let err = evaluate(
        &program,
        &EvalOptions {
            deadline: Some(Instant::now()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.len(), 1);
    assert_eq!(err[0].code, "warrant::timeout");
    assert!(
        err[0].message.contains("rule `base`") || err[0].message.contains("rule `step`"),
        "{}",
        err[0].message
    );
    // 4.5 million rows take seconds in a debug build; the stop is at once.
    assert!(started.elapsed() < Duration::from_secs(3));

    // A deadline far away changes nothing.
    let far = evaluate(
        &program,
        &EvalOptions {
            deadline: Some(Instant::now() + Duration::from_secs(3600)),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(far.stats().total_derived(), 3000 * 3001 / 2);
    std::fs::remove_dir_all(&dir).ok();
}
