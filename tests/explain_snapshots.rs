//! Snapshot tests of explanations on real rule files: proofs (text, JSON,
//! DOT), why-not reports for each kind of failure, key assumptions,
//! one-line reasons and conflicts.

use std::sync::Arc;

use warrant::Program;
use warrant::engine::{EvalOptions, Model, evaluate};
use warrant::explain::{self, Proof};
use warrant::render;

const HEDGING: &str = "tests/data/explain/hedging.wr";
const CHAIN: &str = "tests/data/explain/chain/chain.wr";
const KIM_SIMON: &str = "rules/kim-simon-2021/scenarios/baseline_2021.wr";

fn load(path: &str) -> Model {
    let program = match Program::load(&[path]) {
        Ok(p) => Arc::new(p),
        Err(report) => panic!("{path} does not check:\n{report}"),
    };
    match evaluate(&program, &EvalOptions::default()) {
        Ok(m) => m,
        Err(d) => panic!("{path} does not evaluate: {d:?}"),
    }
}

/// Every match of a pattern, as one proof.
fn proof(model: &Model, atom: &str) -> Proof {
    let program = model.program();
    let parsed = explain::parse_query_atom(program, atom).expect("atom parses");
    let rows = explain::matching_rows(model, &parsed).expect("pattern resolves");
    explain::explain_all(model, &rows).expect("some row matches")
}

fn json<T: serde::Serialize>(v: &T) -> String {
    render::json::to_string(v)
}

fn why_not(model: &Model, atom: &str) -> explain::WhyNot {
    model.why_not(atom).expect("a ground atom")
}

#[test]
fn hedging_proof() {
    let model = load(HEDGING);
    let p = proof(&model, "worried(P, A)");
    insta::assert_snapshot!("hedging_proof_text", render::text::proof(&p, false));
    insta::assert_snapshot!("hedging_proof_json", json(&render::json::proof(&p)));
    insta::assert_snapshot!("hedging_proof_dot", render::dot::proof(&p));
}

#[test]
fn pattern_with_several_matches_shares_sub_proofs() {
    let model = load(HEDGING);
    let p = proof(&model, "hedges(A)");
    assert_eq!(p.roots.len(), 2);
    insta::assert_snapshot!("hedging_pattern_text", render::text::proof(&p, false));
}

#[test]
fn colour_only_when_asked() {
    let model = load(HEDGING);
    let p = proof(&model, "worried(P, A)");
    assert!(!render::text::proof(&p, false).contains('\x1b'));
    assert!(render::text::proof(&p, true).contains("\x1b[1m"));
}

#[test]
fn input_rows_and_deep_branches() {
    let model = load(CHAIN);
    let p = proof(&model, "path(1, 16)");
    insta::assert_snapshot!("chain_proof_text", render::text::proof(&p, false));
    insta::assert_snapshot!("chain_proof_dot", render::dot::proof(&p));
    let p = proof(&model, "path(1, 3)");
    insta::assert_snapshot!("chain_short_proof_json", json(&render::json::proof(&p)));
}

#[test]
fn why_not_exception_blocked() {
    let model = load(HEDGING);
    let w = why_not(&model, "hedges(germany)");
    assert!(
        matches!(&w.outcome, explain::Outcome::NotDerived { attempts } if attempts[0].status == explain::AttemptStatus::Blocked)
    );
    insta::assert_snapshot!("why_not_blocked_text", render::text::why_not(&w, false));
    insta::assert_snapshot!("why_not_blocked_json", json(&render::json::why_not(&w)));
}

#[test]
fn why_not_comparison_false() {
    let model = load(HEDGING);
    let w = why_not(&model, "arms(korea)");
    insta::assert_snapshot!("why_not_comparison_text", render::text::why_not(&w, false));
}

#[test]
fn why_not_no_matching_fact() {
    let model = load(HEDGING);
    // `worried(us, korea)`: korea hedges but does not arm.
    let w = why_not(&model, "worried(us, korea)");
    insta::assert_snapshot!("why_not_no_fact_text", render::text::why_not(&w, false));
    insta::assert_snapshot!("why_not_no_fact_json", json(&render::json::why_not(&w)));
}

#[test]
fn why_not_misspelt_constant_and_predicate() {
    let model = load(HEDGING);
    let w = why_not(&model, "hedges(japn)");
    assert!(w.notes.iter().any(|n| n.contains("did you mean `japan`")));
    insta::assert_snapshot!(
        "why_not_misspelt_constant_text",
        render::text::why_not(&w, false)
    );
    let w = why_not(&model, "hedgs(japan)");
    assert!(
        matches!(&w.outcome, explain::Outcome::NoRule { suggestion: Some(s), .. } if s == "hedges")
    );
    insta::assert_snapshot!(
        "why_not_misspelt_predicate_text",
        render::text::why_not(&w, false)
    );
    insta::assert_snapshot!(
        "why_not_misspelt_predicate_json",
        json(&render::json::why_not(&w))
    );
}

#[test]
fn why_not_no_rule_at_all() {
    let model = load(HEDGING);
    let w = why_not(&model, "ally(france, us)");
    assert!(matches!(w.outcome, explain::Outcome::NoRule { .. }));
    insta::assert_snapshot!("why_not_no_rule_text", render::text::why_not(&w, false));
    let w = why_not(&model, "hedges(japan, us)");
    assert!(matches!(w.outcome, explain::Outcome::NoRule { .. }));
    assert!(render::text::verdict(&w).contains("takes 1 argument"));
}

#[test]
fn why_not_already_derived() {
    let model = load(HEDGING);
    let w = why_not(&model, "hedges(japan)");
    assert!(w.is_derived());
    insta::assert_snapshot!("why_not_derived_text", render::text::why_not(&w, false));
}

#[test]
fn why_not_needs_a_ground_atom() {
    let model = load(HEDGING);
    let e = model.why_not("hedges(A)").expect_err("a pattern");
    assert_eq!(e.code, "warrant::not_ground");
    let e = model.why_not("hedges(").expect_err("does not parse");
    assert_eq!(e.code, "warrant::parse");
}

#[test]
fn why_not_closest_bindings() {
    // Many candidates for B; only the closest few are shown.
    let dir = std::env::temp_dir().join(format!("warrant-explain-closest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("closest.wr");
    let mut text = String::from(
        "rule r when link(A, B), weight(B, W), W > 10, colour(B, red) then good(A).\n",
    );
    for i in 0..40 {
        text.push_str(&format!("link(a, n{i}).\nweight(n{i}, {}).\n", i));
    }
    text.push_str("colour(n35, blue).\ncolour(n3, red).\n");
    std::fs::write(&file, text).expect("write");
    let model = load(file.to_str().expect("utf-8 path"));
    let w = why_not(&model, "good(a)");
    let rendered = render::text::why_not(&w, false);
    std::fs::remove_dir_all(&dir).ok();
    let explain::Outcome::NotDerived { attempts } = &w.outcome else {
        panic!("not derived expected")
    };
    let a = &attempts[0];
    assert_eq!(a.candidates.len(), 3);
    assert_eq!(a.partial_matches, 40);
    // The closest: n35 passes the weight test and fails only on colour.
    assert_eq!(a.candidates[0].met, 3);
    insta::assert_snapshot!(
        "why_not_closest_text",
        rendered.replace(&dir.display().to_string(), "<tmp>")
    );
}

#[test]
fn hedging_assumptions() {
    let model = load(HEDGING);
    let p = model.program().pred_id("worried").expect("pred");
    let row = model.matching(
        p,
        &[
            warrant::engine::PatternArg::Any,
            warrant::engine::PatternArg::Any,
        ],
    )[0];
    let a = explain::assumptions(&model, p, row).expect("in the model");
    assert!(a.complete);
    assert!(a.facts.iter().all(|f| f.necessary == Some(true)));
    assert_eq!(a.exceptions.len(), 1);
    insta::assert_snapshot!(
        "hedging_assumptions_text",
        render::text::assumptions(&a, false)
    );
    insta::assert_snapshot!(
        "hedging_assumptions_json",
        json(&render::json::assumptions(&a, &[]))
    );
}

#[test]
fn reasons_for_every_row() {
    let mut out = String::new();
    for path in [HEDGING, CHAIN] {
        let model = load(path);
        for p in 0..model.program().preds.len() {
            let pred = warrant::ir::PredId(p as u32);
            for (id, row, _) in model.rows(pred).take(4) {
                out.push_str(&format!(
                    "{}  — {}\n",
                    model.format_row(pred, row),
                    render::text::reason(&explain::reason(&model, pred, id))
                ));
            }
        }
    }
    insta::assert_snapshot!("reasons", out);
}

#[test]
fn conflict_with_both_sides() {
    let model = load(HEDGING);
    let hits = model.conflicts();
    assert_eq!(hits.len(), 1);
    let c = explain::explain_conflict(&model, &hits[0]).expect("a conflict");
    assert_eq!(c.proof.roots.len(), 2);
    insta::assert_snapshot!("conflict_text", render::text::conflict(&c, false));
    insta::assert_snapshot!("conflict_json", json(&render::json::conflict(&c)));
}

#[test]
fn kim_simon_rule_base() {
    let model = load(KIM_SIMON);
    let p = proof(
        &model,
        "should_pursue(european_allies, east_asian_allies, deterrence_dialogue)",
    );
    insta::assert_snapshot!("kim_simon_proof_text", render::text::proof(&p, false));
    insta::assert_snapshot!("kim_simon_proof_json", json(&render::json::proof(&p)));
    insta::assert_snapshot!("kim_simon_proof_dot", render::dot::proof(&p));
    let pred = model.program().pred_id("should_pursue").expect("pred");
    let row = p.roots[0];
    let node = p.node(row).expect("root");
    let a = explain::assumptions(&model, pred, node.row).expect("assumptions");
    insta::assert_snapshot!(
        "kim_simon_assumptions_text",
        render::text::assumptions(&a, false)
    );
    let w = why_not(&model, "routine_pressure(us, european_allies)");
    insta::assert_snapshot!("kim_simon_why_not_text", render::text::why_not(&w, false));
    insta::assert_snapshot!("kim_simon_why_not_json", json(&render::json::why_not(&w)));
}
