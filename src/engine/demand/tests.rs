//! Demand evaluation on hand-written programs, against the full model.

use std::sync::Arc;

use super::*;
use crate::engine::PatternArg;

/// Loads rule text through a temporary file.
fn program(text: &str) -> Arc<Program> {
    let dir = std::env::temp_dir().join(format!(
        "warrant-demand-{}-{:x}",
        std::process::id(),
        crate::hash::hash_one(text)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("p.wr");
    std::fs::write(&path, text).unwrap();
    let p = Program::load(&[&path]).unwrap_or_else(|e| panic!("{e:?}"));
    let _ = std::fs::remove_dir_all(&dir);
    Arc::new(p)
}

fn goal(program: &Program, pred: &str, args: &[Option<Value>]) -> Goal {
    Goal {
        pred: program.pred_id(pred).unwrap(),
        args: args.to_vec(),
    }
}

/// The rows matching the goal, as text with likelihood units, and each
/// row's proof height.
fn answers(model: &Model, g: &Goal) -> Vec<(String, u16, Option<u32>)> {
    let mut out: Vec<_> = model
        .matching(g.pred, &g.pattern(model))
        .into_iter()
        .map(|id| {
            let row = model.row(g.pred, id).unwrap();
            (
                model.format_row(g.pred, row),
                model.likelihood(g.pred, id).unwrap().units(),
                model.height(g.pred, id),
            )
        })
        .collect();
    out.sort();
    out
}

fn same_as_full(p: &Arc<Program>, g: &Goal) -> Demanded {
    let full = evaluate(p, &EvalOptions::default()).unwrap();
    let demanded = evaluate_goals(p, &EvalOptions::default(), std::slice::from_ref(g)).unwrap();
    assert_eq!(answers(&demanded.model, g), answers(&full, g));
    demanded
}

fn int(i: i64) -> Option<Value> {
    Some(Value::Int(i))
}

const SG: &str = "
pred parent(child: int, parent: int).
rule siblings when parent(X, P), parent(Y, P), X != Y then sg(X, Y).
rule cousins when parent(X, A), sg(A, B), parent(Y, B) then sg(X, Y) [likely].
";

fn tree(depth: u32) -> String {
    let mut s = SG.to_string();
    for i in 2..(1 << depth) {
        s.push_str(&format!("parent({i}, {}).\n", i / 2));
    }
    s
}

#[test]
fn same_generation_computes_only_the_ancestors_generations() {
    let p = program(&tree(8));
    let g = goal(&p, "sg", &[int(5), None]);
    let d = same_as_full(&p, &g);
    assert!(d.strategy.is_ok());
    let sg = p.pred_id("sg").unwrap();
    // 5's generation (3 others), its parent's (1) and no more.
    assert_eq!(d.model.len(sg), 4);
    let full = evaluate(&p, &EvalOptions::default()).unwrap();
    assert!(full.len(sg) > 1000);
    // A miss, and a goal with the constant second.
    same_as_full(&p, &goal(&p, "sg", &[int(5), int(99999)]));
    same_as_full(&p, &goal(&p, "sg", &[None, int(6)]));
}

#[test]
fn transitive_closure_both_ways_and_non_linear() {
    let mut text = String::from(
        "rule base when edge(X, Y) then path(X, Y).
         rule step when path(X, Y), edge(Y, Z) then path(X, Z) [very likely].
         rule twice when hop(X, Y), hop(Y, Z) then hop(X, Z).
         rule hop1 when edge(X, Y) then hop(X, Y) [likely].\n",
    );
    for i in 0..30 {
        text.push_str(&format!("edge({i}, {}).\n", i + 1));
    }
    text.push_str("edge(30, 0) [unlikely].\n");
    let p = program(&text);
    for pred in ["path", "hop"] {
        for args in [[int(3), None], [None, int(3)], [int(3), int(7)]] {
            let d = same_as_full(&p, &goal(&p, pred, &args));
            assert!(d.strategy.is_ok());
        }
    }
}

#[test]
fn negated_and_aggregated_predicates_are_computed_in_full() {
    let p = program(
        "rule r when a(X), b(X) then c(X).
         rule s when c(X) unless d(X) then e(X) [likely].
         rule t when a(X) then d(X) [unlikely].
         rule u when a(X), N = count { b(Y), Y < X } then f(X, N).
         a(1). a(2). a(3). b(1). b(2) [likely]. b(3).",
    );
    for pred in ["e", "c"] {
        same_as_full(&p, &goal(&p, pred, &[int(2)]));
    }
    let d = same_as_full(&p, &goal(&p, "d", &[int(2)]));
    assert_eq!(d.strategy.unwrap_err(), FullReason::ComputedInFull);
    same_as_full(&p, &goal(&p, "f", &[int(3), None]));
}

#[test]
fn arithmetic_passes_demand_on_computed_values() {
    let p = program(
        "rule up when n(X), X < 20, Y = X + 1 then n(Y).
         rule dbl when n(X), Y = X * 2 then m(Y, X).
         n(0).",
    );
    for args in [[int(12), None], [None, int(12)], [int(12), int(6)]] {
        same_as_full(&p, &goal(&p, "m", &args));
    }
    same_as_full(&p, &goal(&p, "n", &[int(7)]));
}

#[test]
fn without_a_constant_the_full_model_is_computed() {
    let p = program(&tree(4));
    let d = same_as_full(&p, &goal(&p, "sg", &[None, None]));
    assert_eq!(d.strategy.unwrap_err(), FullReason::NothingBound);
}

#[test]
fn proofs_read_back_as_the_original_rules() {
    let p = program(&tree(6));
    let g = goal(&p, "sg", &[int(40), None]);
    let d = same_as_full(&p, &g);
    let sg = p.pred_id("sg").unwrap();
    let forty = d.model.values().lookup(&Value::Int(40)).unwrap();
    let pattern = [PatternArg::Value(forty), PatternArg::Any];
    for id in d.model.matching(sg, &pattern) {
        let Some(crate::engine::Derivation::Rule { rule, premises, .. }) =
            d.model.derivation(sg, id)
        else {
            panic!("a derived row without its rule");
        };
        let rule = p.rule(rule);
        assert_eq!(premises.len(), rule.body.atoms.len());
        for (premise, atom) in premises.iter().zip(&rule.body.atoms) {
            assert_eq!(premise.pred, atom.pred);
            assert!(d.model.row(premise.pred, premise.row).is_some());
        }
    }
}

#[test]
fn several_goals_each_answer_as_the_whole_model() {
    let p = program(&format!(
        "{}\nrule up when parent(X, Y) then anc(X, Y).\nrule up2 when parent(X, Y), anc(Y, Z) then anc(X, Z).",
        tree(6)
    ));
    let goals = [
        goal(&p, "sg", &[int(40), None]),
        goal(&p, "anc", &[None, None]),
        goal(&p, "anc", &[int(33), None]),
    ];
    let full = evaluate(&p, &EvalOptions::default()).unwrap();
    let d = evaluate_goals(&p, &EvalOptions::default(), &goals).unwrap();
    assert!(d.strategy.is_ok());
    for g in &goals {
        assert_eq!(answers(&d.model, g), answers(&full, g));
    }
}

#[test]
fn retractions_and_graded_exceptions_hold_under_demand() {
    let p = program(
        "rule base when edge(X, Y) then path(X, Y).
         rule step when path(X, Y), edge(Y, Z) unless closed(Z) then path(X, Z) [likely].
         rule shut when flagged(Z) then closed(Z).
         edge(1, 2). edge(2, 3). edge(3, 4). edge(4, 5). edge(2, 6).
         flagged(4) [unlikely]. flagged(6).
         retract edge(3, 4).
         edge(3, 7). edge(7, 4).",
    );
    for args in [[int(1), None], [None, int(5)], [int(2), int(4)]] {
        let d = same_as_full(&p, &goal(&p, "path", &args));
        assert!(d.strategy.is_ok());
    }
}

/// The overflow rule under demand. A query stops exactly as the full
/// model does for the bindings it needs: `huge(3, N)` needs `reach(3, 4)`,
/// whose `N` overflows with `big(3)` holding. A query that does not need
/// that binding (`huge(1, N)`: `big(1)` fails wherever `N` overflows) is
/// answered although the full model stops.
#[test]
fn demand_stops_on_an_overflow_where_the_full_model_does_for_what_it_needs() {
    let p = program(
        "a(1, 2). a(2, 3). a(3, 4). big(3).
         rule reach when a(X, Y) then reach(X, Y).
         rule further when reach(X, Y), a(Y, Z) then reach(X, Z).
         rule huge when reach(X, Y), N = Y * 9223372036854775807, big(X) then huge(X, N).",
    );
    assert!(evaluate(&p, &EvalOptions::default()).is_err());
    let run = |g: Goal| evaluate_goals(&p, &EvalOptions::default(), &[g]);
    let needed = run(goal(&p, "huge", &[int(3), None])).unwrap_err();
    assert_eq!(needed[0].code, Code::Overflow);
    let answered = run(goal(&p, "huge", &[int(1), None])).unwrap();
    assert!(answered.strategy.is_ok(), "{:?}", answered.strategy);
    let huge = p.pred_id("huge").unwrap();
    assert!(answered.model.rows(huge).next().is_none());
}
