//! Proofs thousands of steps deep: building, rendering (text, JSON, DOT),
//! why-not and key assumptions run without recursion on the proof depth, so
//! they work on a small stack.

use std::sync::Arc;
use warrant::Program;
use warrant::engine::builder::{Cond, ProgramBuilder, T, int};
use warrant::engine::{EvalOptions, evaluate};
use warrant::explain;
use warrant::ir::Value;
use warrant::likelihood::Likelihood;
use warrant::render;

/// `reach(1)`, `edge(i, i+1)` for i < n, `reach(Y) :- reach(X), edge(X, Y)`:
/// the proof of `reach(n)` is n - 1 rule steps deep.
fn chain(n: i64) -> Program {
    let mut b = ProgramBuilder::new();
    let reach = b.pred("reach", 1);
    let edge = b.pred("edge", 2);
    b.fact(reach, vec![Value::Int(1)], Likelihood::CERTAIN);
    for i in 1..n {
        b.fact(
            edge,
            vec![Value::Int(i), Value::Int(i + 1)],
            Likelihood::CERTAIN,
        );
    }
    b.rule(
        "step",
        &[
            Cond::Atom(reach, vec![T::V("X")]),
            Cond::Atom(edge, vec![T::V("X"), T::V("Y")]),
        ],
        &[(reach, vec![T::V("Y")])],
        Likelihood::CERTAIN,
    );
    let _ = int(0);
    b.finish().expect("stratified")
}

/// Runs `f` on a thread with a 256 KiB stack: deep recursion would overflow.
fn small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no stack overflow or panic");
}

#[test]
fn a_proof_2000_steps_deep() {
    small_stack(|| {
        let program = Arc::new(chain(2001));
        let model = evaluate(&program, &EvalOptions::default()).expect("evaluates");
        let proofs = model.explain("reach(2001)").expect("pattern");
        let proof = &proofs[0];
        assert_eq!(proof.depth(), 2000);
        assert_eq!(proof.nodes.len(), 1 + 2000 + 2000);

        let text = render::text::proof(proof, false);
        assert!(text.contains("(continued below)"));
        let longest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(longest < 120, "lines stay short: {longest}");
        assert!(text.contains("[4001] edge(2000, 2001)") || text.contains("edge(2000, 2001)"));

        let json = serde_json::to_string(&render::json::proof(proof)).expect("prints");
        // serde_json parses with a nesting limit of 128: cut branches keep
        // the output within it.
        let back: serde_json::Value = serde_json::from_str(&json).expect("parses back");
        assert!(!back["continued"].as_array().expect("array").is_empty());

        let dot = render::dot::proof(proof);
        assert_eq!(dot.matches(" -> ").count(), 2000 * 3);

        let a = explain::assumptions(
            &model,
            program.pred_id("reach").expect("pred"),
            proof.nodes[0].row,
        )
        .expect("assumptions");
        assert!(a.complete);
        assert_eq!(a.facts.len(), 2001);
        assert!(a.facts.iter().all(|f| f.necessary == Some(true)));

        let w = model.why_not("reach(2002)").expect("ground");
        assert!(!w.is_derived());
        let _ = render::text::why_not(&w, false);
    });
}

#[test]
fn a_shared_deep_proof_is_printed_once() {
    small_stack(|| {
        let program = Arc::new(chain(500));
        let model = evaluate(&program, &EvalOptions::default()).expect("evaluates");
        // Every row at once: a forest where each proof reuses the one before.
        let proofs = model.explain("reach(X)").expect("pattern");
        assert_eq!(proofs.len(), 500);
        let rows: Vec<_> = model
            .rows(program.pred_id("reach").expect("pred"))
            .map(|(id, _, _)| (program.pred_id("reach").expect("pred"), id))
            .collect();
        let forest = explain::explain_all(&model, &rows).expect("forest");
        assert_eq!(forest.nodes.len(), 500 + 499);
        let text = render::text::proof(&forest, false);
        assert_eq!(text.matches("by rule `step`").count(), 499);
    });
}
