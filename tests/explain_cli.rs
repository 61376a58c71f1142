//! `warrant explain`, `why-not` and `assumptions` on the command line:
//! output on stdout, exit codes (0 derived, 1 not derived, 2 usage).

use assert_cmd::Command;

const HEDGING: &str = "tests/data/explain/hedging.wr";

fn warrant(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("warrant")
        .expect("the binary")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn explain_formats_and_exit_codes() {
    let (code, out, _) = warrant(&["explain", HEDGING, "hedges(A)"]);
    assert_eq!(code, 0);
    assert!(out.contains("[1] hedges(korea)") && out.contains("hedges(japan)"));
    assert!(!out.contains('\x1b'));

    let (code, out, _) = warrant(&["explain", HEDGING, "hedges(japan)", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["proof"]["roots"][0]["atom"], "hedges(japan)");

    let (code, out, _) = warrant(&["explain", HEDGING, "hedges(japan)", "--format", "dot"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("digraph proof {"));

    let (code, out, _) = warrant(&["explain", HEDGING, "hedges(germany)"]);
    assert_eq!(code, 1);
    assert!(out.contains("exception blocked it") && out.contains("why-not"));

    let (code, _, err) = warrant(&["explain", HEDGING, "hedgs(A)"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `hedges`"));

    let (code, _, _) = warrant(&["explain", HEDGING, "hedges("]);
    assert_eq!(code, 2);
    let (code, _, _) = warrant(&["explain", "tests/data/explain/missing.wr", "hedges(A)"]);
    assert_eq!(code, 2);
}

#[test]
fn why_not_exit_codes() {
    let (code, out, _) = warrant(&["why-not", HEDGING, "hedges(germany)"]);
    assert_eq!(code, 1);
    assert!(out.contains("✗ unless reassured(A)"));
    let (code, out, _) = warrant(&["why-not", HEDGING, "hedges(japan)"]);
    assert_eq!(code, 0);
    assert!(out.contains("was derived"));
    let (code, out, _) = warrant(&["why-not", HEDGING, "arms(korea)", "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["outcome"], "not_derived");
    let (code, _, err) = warrant(&["why-not", HEDGING, "hedges(A)"]);
    assert_eq!(code, 2);
    assert!(err.contains("warrant::not_ground"));
}

#[test]
fn assumptions_command() {
    let (code, out, _) = warrant(&["assumptions", HEDGING, "worried(us, japan)"]);
    assert_eq!(code, 0);
    assert!(out.contains("in every proof") && out.contains("no `reassured(japan)` was derived"));
    let (code, out, _) = warrant(&["assumptions", HEDGING, "worried(P, A)", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v[0]["atom"], "worried(us, japan)");
    let (code, _, _) = warrant(&["assumptions", HEDGING, "worried(us, korea)"]);
    assert_eq!(code, 1);
}

const REACHED: &str = "tests/data/explain/whynot_reached.wr";

/// The statuses of the closest candidate's conditions, in written order.
fn statuses(v: &serde_json::Value, attempt: usize, candidate: usize) -> Vec<String> {
    v["attempts"][attempt]["candidates"][candidate]["conditions"]
        .as_array()
        .expect("conditions")
        .iter()
        .map(|c| format!("{} {}", c["status"].as_str().unwrap_or("?"), c["text"]))
        .collect()
}

#[test]
fn why_not_evaluates_conditions_after_a_failed_comparison() {
    let (code, out, _) = warrant(&["why-not", REACHED, "escalates(alpha)", "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    // `L >= high` fails first; the conditions its bindings decide are still
    // checked, and only those needing the unbound `B` are not reached.
    assert_eq!(
        statuses(&v, 0, 0),
        [
            "met \"tension(A, L)\"",
            "failed \"L >= high\"",
            "met \"L < moderate\"",
            "met \"arms(A)\"",
            "failed \"rival(A, _)\"",
            "not_reached \"rival(A, B)\"",
            "not_reached \"arms(B)\"",
        ]
    );
    assert_eq!(v["attempts"][0]["candidates"][0]["met"], 3);
    let (_, text, _) = warrant(&["why-not", REACHED, "escalates(alpha)"]);
    assert!(text.contains("3 of 7 conditions met"), "{text}");
}

#[test]
fn why_not_lists_a_rule_with_two_conclusions_once() {
    let (code, out, _) = warrant(&[
        "why-not",
        REACHED,
        "linked(alpha, beta)",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let attempts = v["attempts"].as_array().expect("attempts");
    assert_eq!(attempts.len(), 1, "{out}");
    assert_eq!(attempts[0]["rule"], "aligned");
    // Both conclusions seeded the one search: `linked(alpha, beta)` as
    // `linked(A, B)` and as `linked(B, A)`.
    assert_eq!(attempts[0]["partial_matches"], 2);
    let (_, text, _) = warrant(&["why-not", REACHED, "linked(alpha, beta)"]);
    assert!(text.contains("(1 rule tried)"), "{text}");
    assert!(text.contains("with A = beta, B = alpha"), "{text}");
}
