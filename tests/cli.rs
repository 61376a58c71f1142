//! The `warrant` binary on real rule files: exit codes, streams, formats.

use assert_cmd::Command;

fn warrant() -> Command {
    let mut cmd = Command::cargo_bin("warrant").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    cmd
}

const HEDGING: &str = "tests/data/cli/hedging.wr";

fn stdout(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn check_clean_prints_a_summary() {
    let (code, out, err) = stdout(warrant().args(["check", HEDGING]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 file"), "{out}");
    assert!(
        out.contains("2 strata") || out.contains("stratum") || out.contains("strata"),
        "{out}"
    );
}

#[test]
fn check_reports_every_error_with_exit_1() {
    let (code, out, err) = stdout(warrant().args(["check", "tests/data/cli/errors.wr"]));
    assert_eq!(code, 1);
    assert!(out.is_empty(), "results only on stdout: {out}");
    for c in [
        "warrant::unknown_predicate",
        "warrant::duplicate_rule",
        "warrant::arity_mismatch",
        "warrant::unsafe_variable",
    ] {
        assert!(err.contains(c), "missing {c} in:\n{err}");
    }
    assert!(err.contains("did you mean"), "{err}");
    assert!(
        !err.contains('\u{1b}'),
        "no colour under NO_COLOR or off a terminal"
    );
}

#[test]
fn check_json_lists_diagnostics_on_stdout() {
    let (code, out, _) =
        stdout(warrant().args(["check", "--format", "json", "tests/data/cli/errors.wr"]));
    assert_eq!(code, 1);
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first = &list.as_array().unwrap()[0];
    for field in [
        "severity", "code", "message", "file", "line", "column", "start", "end", "labels", "help",
    ] {
        assert!(first.get(field).is_some(), "missing {field} in {first}");
    }
    assert_eq!(first["file"], "tests/data/cli/errors.wr");
}

#[test]
fn missing_files_and_bad_usage_exit_2() {
    let (code, _, err) = stdout(warrant().args(["check", "no/such/file.wr"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("warrant::io") && err.contains("no/such/file.wr"),
        "{err}"
    );
    let (code, _, _) = stdout(warrant().args(["frobnicate"]));
    assert_eq!(code, 2);
    let (code, _, _) = stdout(warrant().args(["check"]));
    assert_eq!(code, 2);
}

#[test]
fn run_prints_conclusions_and_conflicts() {
    let (code, out, err) = stdout(warrant().args(["run", HEDGING]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("hedges(japan)"), "{out}");
    assert!(
        out.contains("likely (0.55)"),
        "min of the rule (very likely) and the fact (likely): {out}"
    );
    assert!(
        !out.contains("hedges(germany)"),
        "the exception holds for Germany: {out}"
    );
    assert!(out.contains("resource_competition"), "{out}");
    assert!(err.contains("derived"), "summary on stderr: {err}");
}

#[test]
fn run_json_is_valid_and_deterministic() {
    let (code, first, _) = stdout(warrant().args(["run", "--format", "json", HEDGING]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert!(
        v["predicates"].is_array() && v["conflicts"].is_array(),
        "{v}"
    );
    let (_, second, _) = stdout(warrant().args(["run", "--format", "json", HEDGING]));
    assert_eq!(first, second);
}

#[test]
fn query_prints_a_table_even_when_empty() {
    let (code, out, _) = stdout(warrant().args(["query", HEDGING, "hedges(A)"]));
    assert_eq!(code, 0);
    assert!(out.contains('A') && out.contains("japan"), "{out}");
    let (code, out, _) = stdout(warrant().args(["query", HEDGING, "hedges(korea)"]));
    assert_eq!(code, 0);
    assert!(!out.contains("korea"), "{out}");
    let (code, _, err) = stdout(warrant().args(["query", HEDGING, "hedges(A"]));
    assert_eq!(code, 2);
    assert!(err.contains("warrant::parse"), "{err}");
}

#[test]
fn test_command_reports_passes_and_failures() {
    let (code, out, _) = stdout(warrant().args(["test", HEDGING]));
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.lines().last(), Some("1 passed, 0 failed"));
    let (code, out, _) = stdout(warrant().args(["test", "tests/data/cli/failing.wr"]));
    assert_eq!(code, 1);
    assert_eq!(out.lines().last(), Some("1 passed, 4 failed"), "{out}");
    assert!(
        out.contains("expected `conflict both`, but it does not hold"),
        "{out}"
    );
    assert!(out.contains("is only unlikely (0.20)"), "{out}");
    assert!(out.contains("was not derived"), "{out}");
    assert!(out.contains("but derived hedges(japan)"), "{out}");
    assert!(out.contains("failing.wr:"), "locations: {out}");
    let (code, out, _) =
        stdout(warrant().args(["test", "--filter", "passes", "tests/data/cli/failing.wr"]));
    assert_eq!(code, 0);
    assert_eq!(out.lines().last(), Some("1 passed, 0 failed"));
}

#[test]
fn test_coverage_lists_rules_no_test_fired() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("coverage");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cov.wr");
    std::fs::write(&file, "a(x).\nrule fires when a(X) then b(X).\nrule idle when c(X) then d(X).\npred c(x).\ntest \"t\" { expect b(x). }\n").unwrap();
    let (code, out, _) = stdout(warrant().arg("test").arg("--coverage").arg(&file));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 of 2 rules"), "{out}");
    assert!(out.contains("not fired: idle"), "{out}");
    assert!(!out.contains("not fired: fires"), "{out}");
}

#[test]
fn fmt_check_and_rewrite() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fmt");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("messy.wr");
    std::fs::write(
        &file,
        "ally( japan,us ).\nrule r when ally(A,us) then hedges(A)[likely].\n",
    )
    .unwrap();
    let (code, out, _) = stdout(warrant().arg("fmt").arg("--check").arg(&file));
    assert_eq!(code, 1);
    assert!(out.contains("not formatted"), "{out}");
    let (code, _, _) = stdout(warrant().arg("fmt").arg(&file));
    assert_eq!(code, 0);
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        text,
        "ally(japan, us).\nrule r\n  when ally(A, us)\n  then hedges(A) [likely].\n"
    );
    let (code, _, _) = stdout(warrant().arg("fmt").arg("--check").arg(&file));
    assert_eq!(code, 0);
    // A file that does not parse is never rewritten.
    std::fs::write(&file, "ally(japan\n").unwrap();
    let (code, _, err) = stdout(warrant().arg("fmt").arg(&file));
    assert_eq!(code, 1);
    assert!(err.contains("warrant::parse"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "ally(japan\n");
}

#[test]
fn diff_shows_what_a_scenario_changes() {
    let (code, out, _) = stdout(warrant().args([
        "diff",
        "tests/data/cli/scenario_a.wr",
        "tests/data/cli/scenario_b.wr",
    ]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("- hedges(japan)"), "{out}");
    assert!(out.contains("0 gained, 1 lost, 0 changed"), "{out}");
}

/// The shipped rule base checks without a warning, and every test in it
/// passes with every rule covered.
#[test]
fn the_rule_base_checks_and_its_tests_pass_with_full_coverage() {
    let (code, out, err) = stdout(warrant().args(["check", "--deny-warnings", "rules/"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("rules"), "{out}");
    let (code, out, _) = stdout(warrant().args(["test", "--coverage", "rules/"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("(100%)"), "{out}");
    let last = out.lines().last().unwrap_or_default();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
}

/// The README's main command: the baseline scenario with a reason per
/// conclusion, and the conflicts with both sides' proofs.
#[test]
fn the_baseline_scenario_runs_with_reasons() {
    let (code, out, err) = stdout(warrant().args([
        "run",
        "--explain",
        "rules/kim-simon-2021/scenarios/baseline_2021.wr",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("— by rule `"), "{out}");
    assert!(out.contains("conflict `"), "{out}");
    assert!(
        out.contains("Greater Security Cooperation"),
        "citations are shown: {out}"
    );
}

/// What an analyst sees when tests fail: the expectation, what was derived,
/// the why-not of a missing conclusion and the proof of an unexpected one.
#[test]
fn test_failures_snapshot() {
    let (code, out, _) = stdout(warrant().args(["test", "tests/data/cli/failing.wr"]));
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

/// `run` as text and as JSON on a small model, conflicts included.
#[test]
fn run_snapshots() {
    let (_, text, _) = stdout(warrant().args(["run", "--explain", HEDGING]));
    insta::assert_snapshot!("run_text", text);
    let (_, json, _) = stdout(warrant().args(["run", "--format", "json", HEDGING]));
    insta::assert_snapshot!("run_json", json);
}

#[test]
fn conflict_bindings_leave_out_anonymous_variables() {
    let file = "tests/data/cli/conflict_anonymous.wr";
    for args in [
        ["run", "--format", "json", file].as_slice(),
        ["run", "--format", "json", "--no-provenance", file].as_slice(),
    ] {
        let (code, out, err) = stdout(warrant().args(args));
        assert_eq!(code, 0, "{err}");
        let j: serde_json::Value = serde_json::from_str(&out).unwrap();
        let conflicts = j["conflicts"].as_array().expect("a list of conflicts");
        assert_eq!(conflicts.len(), 1, "{out}");
        for c in conflicts {
            let names: Vec<&String> = c["bindings"].as_object().unwrap().keys().collect();
            assert_eq!(names, ["A", "P", "Q"], "{args:?}: {c}");
        }
    }
}

#[test]
fn repeated_diagnostics_are_counted_beyond_fifty_per_file() {
    let dir = std::env::temp_dir().join(format!("warrant-cli-many-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("many.wr");
    // Every line lacks its full stop: 2,000 parse errors.
    std::fs::write(&file, "p(a) q(b)\n".repeat(2000)).unwrap();
    let (code, _, err) = stdout(warrant().args(["check"]).arg(&file));
    assert_eq!(code, 1);
    let headers = err.lines().filter(|l| *l == "warrant::parse").count();
    assert_eq!(headers, 51, "{err}");
    assert!(
        err.contains("… and 1,950 more `warrant::parse` in "),
        "{err}"
    );
    // JSON lists every one.
    let (_, out, _) = stdout(warrant().args(["check", "--format", "json"]).arg(&file));
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j.as_array().map(Vec::len), Some(2000));
    let _ = std::fs::remove_dir_all(&dir);
}
