//! Worlds and retraction through the binary: several root files are several
//! worlds, `retract` and `without` take facts back, and commands that answer
//! about one world say so when given several.

use assert_cmd::Command;

fn warrant(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("warrant")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const SCENARIOS: &str = "tests/data/worlds/scenarios";

#[test]
fn a_folder_of_scenarios_is_one_world_each() {
    let (code, out, err) = warrant(&["run", SCENARIOS]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);
    // One summary per world, each under its file.
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(err.lines().all(|l| l.starts_with(SCENARIOS)), "{err}");
}

#[test]
fn json_is_a_list_of_worlds() {
    let (code, out, err) = warrant(&["run", "--format", "json", SCENARIOS]);
    assert_eq!(code, 0, "{err}");
    let worlds: serde_json::Value = serde_json::from_str(&out).unwrap();
    let worlds = worlds.as_array().unwrap();
    assert_eq!(worlds.len(), 2);
    assert_eq!(worlds[0]["world"], format!("{SCENARIOS}/baseline.wr"));
    assert_eq!(worlds[1]["world"], format!("{SCENARIOS}/korea_leaves.wr"));
    let rows = |w: &serde_json::Value| w["predicates"][0]["rows"].as_array().unwrap().len();
    assert_eq!((rows(&worlds[0]), rows(&worlds[1])), (2, 1));
}

#[test]
fn one_root_prints_as_before() {
    let (code, out, _) = warrant(&["run", &format!("{SCENARIOS}/korea_leaves.wr")]);
    assert_eq!(code, 0);
    assert!(!out.contains("== world"), "{out}");
    assert!(
        out.contains("hedges(japan)") && !out.contains("hedges(korea)"),
        "{out}"
    );
    let (_, json, _) = warrant(&[
        "run",
        "--format",
        "json",
        &format!("{SCENARIOS}/korea_leaves.wr"),
    ]);
    assert!(json.trim_start().starts_with('{'), "{json}");
}

#[test]
fn commands_about_one_world_refuse_several() {
    for cmd in [
        vec!["explain", SCENARIOS, "hedges(japan)"],
        vec!["why-not", SCENARIOS, "hedges(korea)"],
        vec!["query", SCENARIOS, "hedges(X)"],
        vec!["assumptions", SCENARIOS, "hedges(japan)"],
    ] {
        let (code, out, err) = warrant(&cmd);
        assert_eq!(code, 2, "{cmd:?}: {err}");
        assert!(out.is_empty());
        assert!(err.contains("warrant::several_worlds"), "{err}");
        assert!(
            err.contains("baseline.wr") && err.contains("korea_leaves.wr"),
            "{err}"
        );
    }
    let (_, _, err) = warrant(&["explain", SCENARIOS, "hedges(japan)"]);
    insta::assert_snapshot!(err);
}

#[test]
fn test_runs_the_tests_of_the_files_given() {
    // korea_leaves.wr imports model.wr; model's test is not run.
    let (code, out, err) = warrant(&["test", &format!("{SCENARIOS}/korea_leaves.wr")]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("both allies hedge"), "{out}");
    assert!(
        out.contains("ok    without korea only japan hedges"),
        "{out}"
    );
    assert!(out.contains("ok    without doubt nobody hedges"), "{out}");
    // Named, model.wr's test runs in model's world (Korea still an ally).
    let (code, out, _) = warrant(&["test", "tests/data/worlds"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ok    both allies hedge"), "{out}");
}

#[test]
fn retract_and_without_survive_fmt() {
    let (code, out, err) = warrant(&["fmt", "--check", &format!("{SCENARIOS}/korea_leaves.wr")]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn diff_says_which_changed_facts_each_change_traces_to() {
    let base = format!("{SCENARIOS}/baseline.wr");
    let other = format!("{SCENARIOS}/korea_leaves.wr");
    let (code, out, err) = warrant(&["diff", &base, &other]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);
    let (_, json, _) = warrant(&["diff", "--format", "json", &base, &other]);
    let j: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(j["retracted"]["other"][0], "retract ally(korea, _)");
    assert_eq!(j["lost"][0]["row"], "hedges(korea)");
    assert_eq!(j["lost"][0]["because"][0], "- ally(korea, us)");
}

#[test]
fn explain_and_assumptions_show_what_the_world_retracted() {
    let world = format!("{SCENARIOS}/korea_leaves.wr");
    for cmd in ["explain", "assumptions"] {
        let (code, out, err) = warrant(&[cmd, &world, "hedges(japan)"]);
        assert_eq!(code, 0, "{err}");
        assert!(
            out.ends_with("\nthis world retracts: retract ally(korea, _)\n"),
            "{cmd}: {out}"
        );
        let (code, out, err) = warrant(&[cmd, &world, "hedges(japan)", "--format", "json"]);
        assert_eq!(code, 0, "{err}");
        let j: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        let retracted = if cmd == "explain" {
            &j["retracted"]
        } else {
            &j[0]["retracted"]
        };
        assert_eq!(
            retracted,
            &serde_json::json!(["retract ally(korea, _)"]),
            "{cmd}: {out}"
        );
    }
}

#[test]
fn a_conclusion_gained_by_retracting_an_exception_traces_to_it() {
    let (code, out, err) = warrant(&[
        "diff",
        "tests/data/worlds/exception/tense.wr",
        "tests/data/worlds/exception/calm.wr",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("+ adjusts(japan, us)  almost certain (1.00)\n    because - threat(north_korea, japan)\n"),
        "{out}"
    );
}
