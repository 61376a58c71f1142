//! Differential test of goal-directed evaluation: on random programs (the
//! shared generator in `tests/common`), a random query pattern with
//! constants is answered by demand (`engine::demand::evaluate_goals`) and
//! by the full model. The answers must be the same rows with the same
//! likelihoods and proof heights, and each answer's recorded derivation
//! must be a valid proof in the original program: its rule, premises that
//! hold with the full model's likelihoods, and exceptions, giving exactly
//! the answer's likelihood.

use std::sync::Arc;

use proptest::prelude::*;
use warrant::engine::demand::{Goal, evaluate_goals};
use warrant::engine::{Derivation, EvalOptions, Model, evaluate};
use warrant::ir::{Arg, PredId, Program, Value};
use warrant::likelihood::Likelihood;

#[path = "common/goal_answers.rs"]
mod goal_answers;
#[path = "common/random_program.rs"]
mod random_program;
use goal_answers::answers;
#[path = "common/rng.rs"]
mod rng;
use random_program::generate;
use rng::Rng;

/// A random pattern over `pred`: each argument a value of a row of the
/// full model (a likely hit), any value of the program (maybe a miss), or
/// free; at least one constant.
fn pattern(rng: &mut Rng, program: &Program, full: &Model, pred: PredId) -> Goal {
    let arity = program.pred(pred).arity;
    let rows: Vec<Vec<u32>> = full.rows(pred).map(|(_, r, _)| r.to_vec()).collect();
    let row = (!rows.is_empty()).then(|| &rows[rng.below(rows.len())]);
    let mut args: Vec<Option<Value>> = (0..arity)
        .map(|c| match (rng.below(4), row) {
            (0 | 1, Some(row)) => Some(full.values().get(row[c]).clone()),
            (0..=2, _) => Some(
                program
                    .values
                    .get(rng.below(program.values.len()) as u32)
                    .clone(),
            ),
            _ => None,
        })
        .collect();
    if arity > 0 && args.iter().all(Option::is_none) {
        let c = rng.below(arity);
        args[c] = Some(Value::Int(rng.below(5) as i64));
    }
    Goal { pred, args }
}

/// The likelihood of a row of `model` in `full`, found by its values.
fn full_likelihood(full: &Model, model: &Model, pred: PredId, row: &[u32]) -> Option<Likelihood> {
    let ids: Option<Vec<u32>> = row
        .iter()
        .map(|&v| full.values().lookup(model.values().get(v)))
        .collect();
    let id = full.lookup(pred, &ids?)?;
    full.likelihood(pred, id)
}

/// The answer's derivation is a proof in the original program whose
/// likelihood, computed from the full model's, is the answer's.
fn check_proof(seed: u64, full: &Model, model: &Model, pred: PredId, id: u32) {
    let program = model.program();
    let lik = model.likelihood(pred, id).unwrap();
    let row = model.row(pred, id).unwrap();
    let Derivation::Rule {
        rule,
        head,
        premises,
        ..
    } = model.derivation(pred, id).unwrap()
    else {
        return;
    };
    let r = program.rule(rule);
    assert_eq!(premises.len(), r.body.atoms.len(), "seed {seed}");
    let mut binding: Vec<Option<u32>> = vec![None; r.body.vars.len()];
    let mut got = r.likelihood;
    for (a, prem) in r.body.atoms.iter().zip(&premises) {
        assert_eq!(a.pred, prem.pred, "seed {seed}");
        let prow = model.row(prem.pred, prem.row).unwrap();
        let l = full_likelihood(full, model, prem.pred, prow)
            .unwrap_or_else(|| panic!("seed {seed}: a premise the full model lacks"));
        assert_eq!(
            model.likelihood(prem.pred, prem.row),
            Some(l),
            "seed {seed}"
        );
        got = got.min(l);
        for (arg, &v) in a.args.iter().zip(prow) {
            match *arg {
                Arg::Var(x) => {
                    assert!(binding[x as usize].is_none_or(|w| w == v), "seed {seed}");
                    binding[x as usize] = Some(v);
                }
                Arg::Const(c) => assert_eq!(c, v, "seed {seed}"),
                Arg::Wildcard => {}
            }
        }
    }
    for e in &r.body.exceptions {
        let p = full
            .rows(e.pred)
            .filter(|(_, erow, _)| {
                e.args.iter().zip(erow.iter()).all(|(a, &v)| match *a {
                    Arg::Wildcard => true,
                    Arg::Const(c) => full.values().get(c) == model.values().get(c) && c == v,
                    Arg::Var(x) => binding[x as usize]
                        .is_some_and(|b| full.values().lookup(model.values().get(b)) == Some(v)),
                })
            })
            .map(|(_, _, l)| l)
            .max();
        if let Some(p) = p {
            got = got.min(Likelihood::from_units(10_000 - p.units()).expect("not removed"));
        }
    }
    let hrow: Vec<u32> = r.heads[head]
        .args
        .iter()
        .map(|a| match *a {
            Arg::Var(x) => binding[x as usize].unwrap(),
            Arg::Const(c) => c,
            Arg::Wildcard => unreachable!("check forbids a wildcard in a conclusion"),
        })
        .collect();
    assert_eq!(hrow, row, "seed {seed}");
    assert_eq!(
        got, lik,
        "seed {seed}: the proof does not give the likelihood"
    );
}

/// One program, three patterns (mostly over predicates rules conclude);
/// returns how many were answered by demand with some answer derived by a
/// rule.
fn check(seed: u64) -> usize {
    let program = Arc::new(generate(seed));
    let full = evaluate(&program, &EvalOptions::default()).unwrap();
    let mut rng = Rng(seed ^ 0x5eed);
    let mut by_demand = 0;
    for _ in 0..3 {
        let derived: Vec<PredId> = program
            .rules
            .iter()
            .flat_map(|r| r.heads.iter().map(|h| h.pred))
            .collect();
        let pred = if rng.chance(80) {
            derived[rng.below(derived.len())]
        } else {
            PredId(rng.below(program.preds.len()) as u32)
        };
        let goal = pattern(&mut rng, &program, &full, pred);
        let demanded = evaluate_goals(
            &program,
            &EvalOptions::default(),
            std::slice::from_ref(&goal),
        )
        .unwrap();
        let model = &demanded.model;
        assert_eq!(
            answers(model, &goal),
            answers(&full, &goal),
            "seed {seed}: {goal:?}"
        );
        let pattern = goal.pattern(model);
        let mut derived_answer = false;
        for id in model.matching(goal.pred, &pattern) {
            check_proof(seed, &full, model, goal.pred, id);
            derived_answer |= matches!(
                model.derivation(goal.pred, id),
                Some(Derivation::Rule { .. })
            );
        }
        by_demand += usize::from(demanded.strategy.is_ok() && derived_answer);
    }
    by_demand
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, .. ProptestConfig::default() })]
    #[test]
    fn demand_answers_match_the_full_model(seed in any::<u64>()) {
        check(seed);
    }
}

#[test]
fn fixed_seeds_mostly_by_demand() {
    let by_demand: usize = (0..300).map(check).sum();
    // The test must exercise the rewriting, not only its fallbacks.
    assert!(
        by_demand > 250,
        "only {by_demand} of 900 patterns by demand"
    );
    eprintln!("{by_demand} of 900 patterns answered by demand with derived answers");
}
