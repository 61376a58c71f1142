//! Goal-directed queries: `warrant query` with constants in the pattern
//! computes only what the answers need (`engine::demand`), and answers as
//! the whole model does, on the rule base and through the binary.

use std::sync::Arc;

use assert_cmd::Command;
use warrant::engine::demand::{Goal, evaluate_goals};
use warrant::engine::{EvalOptions, evaluate};
use warrant::ir::{PredId, Value};

fn warrant() -> Command {
    let mut cmd = Command::cargo_bin("warrant").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    cmd
}

fn run(args: &[&str]) -> (i32, String) {
    let out = warrant().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[path = "common/goal_answers.rs"]
mod goal_answers;
use goal_answers::answers;

const SG: &str = "tests/data/demand/sg.wr";

/// The lines of an output, header first, the answers sorted (demand may
/// list them in another order).
fn sorted(out: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = out.lines().collect();
    if lines.len() > 1 {
        lines[1..].sort_unstable();
    }
    lines
}

#[test]
fn query_with_constants_answers_as_the_whole_model() {
    for pattern in [
        "sg(37, Y)",
        "sg(X, 37)",
        "sg(37, 40)",
        "sg(37, 99999)",
        "sg(X, Y)",
    ] {
        for format in ["text", "json"] {
            let (code, demand) = run(&["query", SG, pattern, "--format", format]);
            let (code_full, full) = run(&["query", SG, pattern, "--format", format, "--no-demand"]);
            assert_eq!((code, code_full), (0, 0), "{pattern}");
            if format == "text" {
                assert_eq!(sorted(&demand), sorted(&full), "{pattern}");
            } else {
                let mut d: serde_json::Value = serde_json::from_str(&demand).unwrap();
                let mut f: serde_json::Value = serde_json::from_str(&full).unwrap();
                for v in [&mut d, &mut f] {
                    if let Some(rows) = v["rows"].as_array_mut() {
                        rows.sort_by_key(|r| r.to_string());
                    }
                }
                assert_eq!(d, f, "{pattern}");
            }
        }
    }
    let (_, out) = run(&["query", SG, "sg(37, Y)"]);
    insta::assert_snapshot!(out);
}

#[test]
fn explain_with_constants_gives_the_whole_models_proof() {
    for atom in ["sg(37, 40)", "sg(37, Y)", "sg(37, 9)"] {
        for format in ["text", "json", "dot"] {
            let demand = run(&["explain", SG, atom, "--format", format]);
            let full = run(&["explain", SG, atom, "--format", format, "--no-demand"]);
            assert_eq!(demand, full, "{atom} {format}");
        }
    }
}

/// Every scenario of the rule base, every predicate with rows, each
/// argument of a few rows bound in turn: the same answers by demand.
#[test]
fn rule_base_queries_answer_as_the_whole_model() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/kim-simon-2021/scenarios");
    let mut scenarios: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    scenarios.sort();
    let (mut asked, mut by_demand) = (0, 0);
    for path in scenarios {
        let program = Arc::new(warrant::Program::load(&[&path]).unwrap());
        let full = evaluate(&program, &EvalOptions::default()).unwrap();
        for p in 0..program.preds.len() {
            let pred = PredId(p as u32);
            let rows: Vec<Vec<Value>> = full
                .rows(pred)
                .step_by(37)
                .take(3)
                .map(|(_, r, _)| r.iter().map(|&v| full.values().get(v).clone()).collect())
                .collect();
            for row in rows {
                for c in 0..row.len() {
                    let mut args = vec![None; row.len()];
                    args[c] = Some(row[c].clone());
                    let goal = Goal { pred, args };
                    let d = evaluate_goals(
                        &program,
                        &EvalOptions::default(),
                        std::slice::from_ref(&goal),
                    )
                    .unwrap();
                    assert_eq!(
                        answers(&d.model, &goal),
                        answers(&full, &goal),
                        "{}: {goal:?}",
                        path.display()
                    );
                    asked += 1;
                    by_demand += usize::from(d.strategy.is_ok());
                }
            }
        }
    }
    assert!(
        asked > 500 && by_demand > 100,
        "{asked} asked, {by_demand} by demand"
    );
}

/// Conclusions of the rule base's scenarios, explained from a model
/// computed by demand for each: a proof of the same likelihood and height
/// as from the whole model, with the same rule at its root, and most often
/// the same proof (where a row has two equally likely, equally short
/// derivations, each evaluation keeps the one it found first).
#[test]
fn rule_base_proofs_by_demand_are_the_whole_models() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/kim-simon-2021/scenarios");
    let mut scenarios: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    scenarios.sort();
    let (mut explained, mut same) = (0, 0);
    for path in scenarios.iter().step_by(3) {
        let program = Arc::new(warrant::Program::load(&[path]).unwrap());
        let full = evaluate(&program, &EvalOptions::default()).unwrap();
        for p in 0..program.preds.len() {
            let pred = PredId(p as u32);
            let rows: Vec<(u32, Vec<Value>)> = full
                .rows(pred)
                .filter(|(id, _, _)| {
                    matches!(
                        full.derivation(pred, *id),
                        Some(warrant::engine::Derivation::Rule { .. })
                    )
                })
                .step_by(11)
                .map(|(id, r, _)| {
                    (
                        id,
                        r.iter().map(|&v| full.values().get(v).clone()).collect(),
                    )
                })
                .collect();
            for (id, row) in rows {
                let goal = Goal {
                    pred,
                    args: row.into_iter().map(Some).collect(),
                };
                let d = evaluate_goals(
                    &program,
                    &EvalOptions::default(),
                    std::slice::from_ref(&goal),
                )
                .unwrap();
                let got = d.model.matching(pred, &goal.pattern(&d.model));
                let [got] = got[..] else {
                    panic!("{}: {goal:?} answered {got:?}", path.display());
                };
                let text = |m: &warrant::engine::Model, id| {
                    warrant::render::text::proof(
                        &warrant::explain::explain(m, pred, id).unwrap(),
                        false,
                    )
                };
                let root = |m: &warrant::engine::Model, id| match m.derivation(pred, id) {
                    Some(warrant::engine::Derivation::Rule { rule, height, .. }) => {
                        Some((rule, height))
                    }
                    _ => None,
                };
                assert_eq!(
                    root(&d.model, got),
                    root(&full, id),
                    "{}: {goal:?}",
                    path.display()
                );
                assert_eq!(d.model.likelihood(pred, got), full.likelihood(pred, id));
                explained += 1;
                same += usize::from(text(&d.model, got) == text(&full, id));
            }
        }
    }
    assert!(explained > 100, "only {explained} proofs compared");
    assert!(
        same * 10 > explained * 8,
        "{same} of {explained} proofs the same"
    );
    eprintln!("{same} of {explained} proofs the same");
}
