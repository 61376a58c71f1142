//! Explanations of the steps that weigh: arithmetic with its values, an
//! aggregate with the rows it counted and its floor, graded exceptions
//! ("weakened by …") and the weakest link — through the real binary, in
//! every output format.

use assert_cmd::Command;

const WEIGHING: &str = "tests/data/explain/weighing.wr";
const REPORT_BASE: &str = "tests/data/report/base.wr";

fn warrant(args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("warrant")
        .expect("the binary")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn stdout(args: &[&str]) -> String {
    let (code, out) = warrant(args);
    assert_eq!(code, 0, "{args:?} exits 0:\n{out}");
    out
}

#[test]
fn an_aggregate_shows_the_rows_it_counted_and_its_floor() {
    let text = stdout(&["explain", WEIGHING, "cooperates(japan)"]);
    assert!(text.contains("counted N = count { reason_for(A, _) } [likely] = 3"));
    assert!(text.contains("counted for N: 3 matches counted, each at least likely"));
    assert!(text.contains("not counted, less likely than likely: `reason_for(japan, culture)`"));
    insta::assert_snapshot!("weighing_aggregate_text", text);

    let json = stdout(&["explain", WEIGHING, "cooperates(japan)", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let agg = &v["proof"]["roots"][0]["aggregates"][0];
    assert_eq!(agg["result"], 3);
    assert_eq!(agg["counted_total"], 3);
    assert_eq!(
        agg["below_floor"][0]["rows"][0],
        "reason_for(japan, culture)"
    );
    insta::assert_snapshot!("weighing_aggregate_json", json);

    let dot = stdout(&["explain", WEIGHING, "cooperates(japan)", "--format", "dot"]);
    assert!(dot.contains("n5 -> r1 [style=dashed, label=\"counted for N\"];"));
    insta::assert_snapshot!("weighing_aggregate_dot", dot);
}

#[test]
fn arithmetic_shows_its_values_and_a_graded_exception_its_cap() {
    let text = stdout(&["explain", WEIGHING, "invests(japan, T)"]);
    assert!(text.contains("computed T = 3 + 4 = 7"));
    assert!(text.contains("checked T * 2 >= 10: 14 >= 10"));
    assert!(text.contains(
        "weakened by `distrusts(japan, korea)`, unlikely (0.20): capped at very likely (0.80)  ◀ weakest link"
    ));
    insta::assert_snapshot!("weighing_arithmetic_text", text);

    let json = stdout(&["explain", WEIGHING, "invests(japan, T)", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let root = &v["proof"]["roots"][0];
    assert_eq!(root["computations"][0]["values"], "3 + 4");
    assert_eq!(root["computations"][0]["result"], 7);
    assert_eq!(root["exceptions"][0]["cap"]["probability"], 0.8);
    assert_eq!(v["proof"]["weakest_links"][0]["kind"], "exception");
    insta::assert_snapshot!("weighing_arithmetic_json", json);

    let dot = stdout(&["explain", WEIGHING, "invests(japan, T)", "--format", "dot"]);
    assert!(dot.contains("computed T = 3 + 4 = 7"));
    assert!(dot.contains("capped at very likely (0.80) ◀ weakest link"));
}

#[test]
fn run_explain_gives_values_counts_and_caps_in_one_line() {
    let text = stdout(&["run", "--explain", WEIGHING]);
    assert!(text.contains(
        "— by rule `good_reasons` from `country(japan)`; N = count { reason_for(A, _) } [likely] = 3"
    ));
    assert!(text.contains(
        "T = 3 + 4 = 7; T * 2 = 7 * 2 = 14; weakened by `distrusts(japan, korea)`, unlikely (0.20): capped at very likely (0.80)"
    ));
}

#[test]
fn the_weakest_link_is_the_least_likely_fact_or_the_rating() {
    // A fact limits: the least likely row counted.
    let text = stdout(&["explain", WEIGHING, "cooperates(japan)"]);
    assert!(text.contains("[5] reason_for(japan, technology) · likely (0.55)  ◀ weakest link"));
    assert!(text.contains(
        "Weakest link: [5] `reason_for(japan, technology)` · likely (0.55), stated at tests/data/explain/weighing.wr:15"
    ));
    // The rule's own rating limits: nothing below can raise the conclusion.
    let text = stdout(&[
        "explain",
        "rules/kim-simon-2021/scenarios/baseline_2021.wr",
        "robust_ties_warranted(european_allies, east_asian_allies)",
    ]);
    assert!(text.contains(
        "Weakest link: rule `good_reasons_for_robust_ties` itself, rated very likely (0.80)"
    ));
    assert!(text.contains("counted N = count { reason_for_cooperation(G1, G2, _) } [likely] = 3"));
    // A sub-proof shared by a premise and the counted rows' proofs is
    // printed once and referred to after.
    assert!(text.contains(
        "interregional_pair(european_allies, east_asian_allies) · almost certain (1.00) (see [2])"
    ));
}

/// Regression: with a graded exception, `assumptions` listed the exception
/// that holds as "assumed absent", and marked facts needed by every proof
/// "best proof only" (the search for other proofs dropped every instance
/// a weakening exception matched).
#[test]
fn assumptions_with_a_graded_exception() {
    let text = stdout(&["assumptions", REPORT_BASE, "hedges(germany)"]);
    assert!(!text.contains("best proof only"), "{text}");
    assert!(text.contains("in every proof  commitment_doubt(us, high)"));
    assert!(text.contains("assumed absent (0):\n  none"));
    assert!(text.contains(
        "`reassured(germany)`, very likely (0.80), caps `hedges(germany)` at unlikely (0.20)"
    ));
    insta::assert_snapshot!("weighing_assumptions_text", text);

    let json = stdout(&[
        "assumptions",
        REPORT_BASE,
        "hedges(germany)",
        "--format",
        "json",
    ]);
    let all: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    // One object per matching row.
    let v = &all[0];
    assert_eq!(v["exceptions"].as_array().map(Vec::len), Some(0));
    assert_eq!(v["weakened_by"][0]["atom"], "reassured(germany)");
    assert_eq!(v["weakened_by"][0]["cap"]["probability"], 0.2);
    assert!(
        v["facts"]
            .as_array()
            .expect("facts")
            .iter()
            .all(|f| f["necessary"] == true)
    );
}

#[test]
fn assumptions_through_a_computing_rule_leave_necessity_undecided() {
    let text = stdout(&["assumptions", WEIGHING, "cooperates(japan)"]);
    assert!(text.contains("note: a rule on the way computes values"));
    assert!(!text.contains("best proof only"));
}

/// `why-not` on a threshold over a count: the count reached, the rows
/// counted (with their proofs) and those below the floor; a computation
/// that the conclusion's own value contradicts.
#[test]
fn why_not_a_count_below_its_threshold() {
    let (code, text) = warrant(&["why-not", WEIGHING, "cooperates(korea)"]);
    assert_eq!(code, 1);
    assert!(text.contains("no binding met every condition"), "{text}");
    assert!(text.contains(
        "✓ count { reason_for(A, _) } [likely]  N = 1: counted 1 match at or above likely (`reason_for(korea, trade)` · likely (0.55))"
    ));
    assert!(text.contains("✗ N >= 2                               1 >= 2 is false"));
    insta::assert_snapshot!("weighing_why_not_count_text", text);

    let (_, json) = warrant(&["why-not", WEIGHING, "cooperates(korea)", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let conds = &v["attempts"][0]["candidates"][0]["conditions"];
    assert_eq!(conds[1]["kind"], "aggregate");
    assert_eq!(conds[1]["status"], "met");
    assert_eq!(
        conds[1]["proof"]["roots"][0]["atom"],
        "reason_for(korea, trade)"
    );
    assert_eq!(conds[2]["status"], "failed");

    // The conclusion fixes T = 8; the body computes 3 + 4.
    let (code, text) = warrant(&["why-not", WEIGHING, "invests(japan, 8)"]);
    assert_eq!(code, 1);
    assert!(
        text.contains("✗ T = B + C                   3 + 4 is not 8"),
        "{text}"
    );
    // A comparison over a computed value is evaluated, not "not reached".
    let (_, text) = warrant(&["why-not", WEIGHING, "invests(korea, 3)"]);
    assert!(
        text.contains("✓ T = B + C                   T = 2 + 1 = 3"),
        "{text}"
    );
    assert!(
        text.contains("✗ T * 2 >= 10                 6 >= 10 is false"),
        "{text}"
    );
}

/// `diff` says why a conclusion's likelihood changed when a graded
/// exception of its proof moved (here: taken back by a `retract`).
#[test]
fn diff_lists_a_conclusion_an_exception_weakened() {
    const TRUSTED: &str = "tests/data/explain/weighing_trusted.wr";
    let text = stdout(&["diff", WEIGHING, TRUSTED]);
    assert!(text.contains("~ invests(japan, 7)  very likely (0.80) → almost certain (0.95)"));
    assert!(text.contains("because ~ exception distrusts(japan, korea): unlikely (0.20) → absent"));
    insta::assert_snapshot!("weighing_diff_text", text);
    let json = stdout(&["diff", TRUSTED, WEIGHING, "--format", "json"]);
    assert!(json.contains("\"~ exception distrusts(japan, korea): absent → unlikely (0.20)\""));
    insta::assert_snapshot!("weighing_diff_json", json);
}

const COMPUTED: &str = "tests/data/explain/whynot_computed.wr";

/// Why-not on rules that compute: the conclusion's expression is a
/// condition of its own, a comparison whose expression cannot be computed
/// fails, and an aggregate that binds its own group gives nothing (not a
/// count of 0) where the group has no match.
#[test]
fn why_not_judges_what_a_rule_computes() {
    let mut shown = String::new();
    for atom in [
        "per_thousand(japan, 7)",
        "oversized(japan)",
        "reasons(korea, 0)",
    ] {
        let (code, out) = warrant(&["why-not", COMPUTED, atom]);
        assert_eq!(code, 1, "{atom} is not derived:\n{out}");
        shown.push_str(&out);
        shown.push('\n');
    }
    assert!(shown.contains("✗ N / 1000      50000 / 1000 is not 7"));
    assert!(shown.contains("N / (len(T) - 6) cannot be computed"));
    assert!(shown.contains("no match here, so no value"));
    insta::assert_snapshot!("whynot_computed_text", shown);
    let (_, json) = warrant(&["why-not", COMPUTED, "reasons(korea, 0)", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let candidate = &v["attempts"][0]["candidates"][0];
    assert_eq!(candidate["met"], 0, "{json}");
    assert_eq!(candidate["conditions"][0]["status"], "failed", "{json}");
}
