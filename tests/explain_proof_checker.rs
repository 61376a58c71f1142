//! An independent proof checker (`tests/common/proof_check.rs`), run over
//! every row of random programs: every node is a row of the model with its
//! likelihood, every fact is stated, every rule step is a valid instance of
//! its rule under bindings re-derived from the premises (body atoms match,
//! comparisons hold, no `unless` atom is in the model), and every
//! likelihood is the minimum of the rule's and the premises'. The values a
//! step shows it computed (`=` results, aggregates' results, counted rows,
//! floors, graded exceptions' caps) are checked against the oracle, and
//! every weakest link against the likelihood it is said to hold the
//! conclusion down to. Why-not reports and key assumptions are checked
//! against naive evaluation on the same programs.

use std::sync::Arc;
use warrant::engine::{EvalOptions, Model, evaluate};
use warrant::explain::{self, AttemptStatus, NodeKind, Outcome};
use warrant::ir::{PredId, Program, Value};
use warrant::render;

#[path = "common/failed_conditions.rs"]
mod failed_conditions;
#[path = "common/ir_eval.rs"]
mod ir_eval;
#[path = "common/oracle.rs"]
mod oracle;
#[path = "common/proof_check.rs"]
mod proof_check;
#[path = "common/random_program.rs"]
mod random_program;
#[path = "common/rng.rs"]
mod rng;
use ir_eval::unify;
use proof_check::{check_proof, check_weakest_links};
use random_program::{Features, generate};
use rng::Rng;

/// The random program of a seed (`tests/common/random_program.rs`), checked.
fn program(seed: u64, features: &Features) -> Arc<Program> {
    Arc::new(generate(seed, features).program())
}

/// Random programs without huge constants evaluate (an overflow of
/// arithmetic on their small values is rare, and skipped).
fn evaluate_ok(program: &Arc<Program>) -> Option<Model> {
    match evaluate(program, &EvalOptions::default()) {
        Ok(model) => Some(model),
        Err(d) => {
            assert!(
                d.iter()
                    .all(|d| d.code == warrant::diagnostics::Code::Overflow),
                "{d:?}"
            );
            None
        }
    }
}

/// Every feature of the generator except huge constants.
const FEATURES: Features = Features {
    overflow: 0,
    ..Features::ALL
};

#[test]
fn every_proof_of_random_programs_checks() {
    let (mut programs, mut proofs, mut steps) = (0, 0, 0);
    // Rule steps that compute (`=`, expressions) and that aggregate.
    let (mut computing, mut aggregating) = (0, 0);
    for seed in 0..1100u64 {
        let program = program(seed, &FEATURES);
        let Some(model) = evaluate_ok(&program) else {
            continue;
        };
        programs += 1;
        for p in 0..program.preds.len() {
            let pred = PredId(p as u32);
            for (id, _, _) in model.rows(pred) {
                let proof = explain::explain(&model, pred, id).expect("a row of the model");
                check_proof(&model, &proof, &format!("seed {seed}"));
                check_weakest_links(&proof, &format!("seed {seed}"));
                // Rendering never panics, and JSON round-trips.
                let _ = render::text::proof(&proof, true);
                let _ = render::dot::proof(&proof);
                let j = serde_json::to_string(&render::json::proof(&proof)).expect("prints");
                let _: serde_json::Value = serde_json::from_str(&j).expect("parses back");
                proofs += 1;
                for n in &proof.nodes {
                    if let NodeKind::Rule(step) = &n.kind {
                        steps += 1;
                        let body = &program.rule(step.rule).body;
                        computing += usize::from(!body.assignments.is_empty());
                        aggregating += usize::from(!body.aggregates.is_empty());
                    }
                }
            }
        }
    }
    eprintln!(
        "{programs} programs, {proofs} proofs, {steps} rule steps \
         ({computing} computing, {aggregating} aggregating)"
    );
    assert!(
        programs >= 1000 && proofs > 5000 && steps > 800 && computing > 300 && aggregating > 300,
        "the generator should produce work: {programs} programs, {proofs} proofs, {steps} steps \
         ({computing} computing, {aggregating} aggregating)"
    );
}

/// The bindings of a rule that satisfy its atoms and comparisons (not its
/// exceptions) and conclude `row` by head `h`: naive enumeration.
fn naive_matches(
    model: &Model,
    rule: &warrant::ir::Rule,
    h: usize,
    row: &[u32],
) -> Vec<Vec<Option<u32>>> {
    let mut start = vec![None; rule.body.vars.len()];
    if !unify(&rule.heads[h].args, row, &mut start) {
        return Vec::new();
    }
    let mut partial = vec![start];
    for atom in &rule.body.atoms {
        let mut next = Vec::new();
        for b in &partial {
            for (_, r, _) in model.rows(atom.pred) {
                let mut nb = b.clone();
                if unify(&atom.args, r, &mut nb) {
                    next.push(nb);
                }
            }
        }
        partial = next;
    }
    partial
        .iter()
        .flat_map(|b| ir_eval::complete(model, rule, b))
        .map(|(b, _)| b)
        .filter(|b| ir_eval::holds(model, &rule.body, b))
        .collect()
}

/// Why-not and key assumptions search every kind of condition: atoms,
/// comparisons, exceptions, `=` bindings and aggregates.
const SEARCHED: Features = FEATURES;

#[test]
fn why_not_agrees_with_naive_matching() {
    let mut checked = 0;
    let mut blocked = 0;
    let mut marks = failed_conditions::Checked::default();
    for seed in 0..300u64 {
        let program = program(seed, &SEARCHED);
        let Some(model) = evaluate_ok(&program) else {
            continue;
        };
        let mut rng = Rng(seed ^ 0x5eed);
        let domain: Vec<Value> = (0..6)
            .map(Value::Int)
            .chain([Value::Text("s".into()), Value::Int(99)])
            .collect();
        for p in 0..program.preds.len() {
            let pred = PredId(p as u32);
            let arity = program.pred(pred).arity;
            for _ in 0..6 {
                let args: Vec<Value> = (0..arity)
                    .map(|_| domain[rng.below(domain.len())].clone())
                    .collect();
                let w = explain::why_not_values(&model, pred, &args);
                let ids: Option<Vec<u32>> = args.iter().map(|v| model.values().lookup(v)).collect();
                let present = ids.as_ref().and_then(|r| model.lookup(pred, r));
                let ctx = format!("seed {seed}: why not {}", w.atom);
                match (&w.outcome, present) {
                    (Outcome::Derived(proof), Some(_)) => check_proof(&model, proof, &ctx),
                    (Outcome::Derived(_), None) => panic!("{ctx}: claims derived"),
                    (_, Some(_)) => panic!("{ctx}: derived, but not said so"),
                    (Outcome::NoRule { .. }, None) => {
                        assert!(
                            !program
                                .rules
                                .iter()
                                .any(|r| r.heads.iter().any(|h| h.pred == pred
                                    && ids.as_ref().is_some_and(|row| unify(
                                        &h.args,
                                        row,
                                        &mut vec![None; r.body.vars.len()]
                                    )))),
                            "{ctx}: a rule could conclude it"
                        );
                    }
                    (Outcome::NotDerived { attempts }, None) => {
                        for a in attempts {
                            let rule = program.rule(a.rule);
                            let row = ids.clone().unwrap_or_default();
                            // One attempt per rule: any of its conclusions
                            // of the predicate may give the row.
                            let matches = if ids.is_some() {
                                (0..rule.heads.len())
                                    .filter(|&h| rule.heads[h].pred == pred)
                                    .flat_map(|h| naive_matches(&model, rule, h, &row))
                                    .collect()
                            } else {
                                Vec::new()
                            };
                            match a.status {
                                AttemptStatus::Applies => panic!(
                                    "{ctx}: rule {} applies, yet nothing was derived",
                                    a.name
                                ),
                                AttemptStatus::Failed => assert!(
                                    matches.is_empty(),
                                    "{ctx}: rule {} has a match",
                                    a.name
                                ),
                                AttemptStatus::Blocked => {
                                    blocked += 1;
                                    assert!(
                                        !matches.is_empty(),
                                        "{ctx}: rule {} blocked without a match",
                                        a.name
                                    );
                                    let c = &a.candidates[0];
                                    let failed: Vec<_> = c
                                        .conditions
                                        .iter()
                                        .filter(|k| k.status == explain::CondStatus::Failed)
                                        .collect();
                                    assert!(
                                        !failed.is_empty()
                                            && failed
                                                .iter()
                                                .all(|k| k.kind == explain::CondKind::Exception),
                                        "{ctx}: blocked by exceptions only"
                                    );
                                    for k in failed {
                                        let proof = k
                                            .proof
                                            .as_ref()
                                            .expect("a blocking exception has a proof");
                                        check_proof(&model, proof, &ctx);
                                    }
                                }
                            }
                            for c in &a.candidates {
                                failed_conditions::check(
                                    &model,
                                    rule,
                                    (pred, &args),
                                    c,
                                    &mut marks,
                                    &ctx,
                                );
                                assert!(c.met <= c.conditions.len(), "{ctx}: met count");
                                assert_eq!(
                                    c.met,
                                    c.conditions
                                        .iter()
                                        .filter(|k| k.status == explain::CondStatus::Met)
                                        .count(),
                                    "{ctx}: met count matches the marks"
                                );
                            }
                            // Closest first.
                            assert!(
                                a.candidates.windows(2).all(|w| w[0].met >= w[1].met),
                                "{ctx}: order"
                            );
                        }
                    }
                }
                checked += 1;
            }
        }
    }
    eprintln!("{checked} atoms checked, {blocked} blocked attempts, marks recomputed: {marks:?}");
    assert!(
        checked > 1000 && blocked > 5,
        "{checked} atoms checked, {blocked} blocked attempts"
    );
    assert!(
        marks.atoms > 3000
            && marks.comparisons > 1000
            && marks.computations > 2000
            && marks.aggregates > 500,
        "too few marks recomputed: {marks:?}"
    );
}

#[test]
fn necessary_facts_agree_with_re_evaluation() {
    // Without negation, a fact is in every proof exactly when removing it
    // loses the conclusion. Necessity over a rule that computes (an `=`,
    // an aggregate) is left undecided, and said so.
    let (mut decided, mut undecided) = (0, 0);
    for seed in 0..300u64 {
        let program = program(seed, &SEARCHED.without_negation());
        let Some(model) = evaluate_ok(&program) else {
            continue;
        };
        for p in 0..program.preds.len() {
            let pred = PredId(p as u32);
            for (id, row, _) in model.rows(pred).take(3) {
                let a = explain::assumptions(&model, pred, id).expect("a row of the model");
                if !a.complete {
                    assert_eq!(
                        a.undecided,
                        Some(explain::Undecided::Computed),
                        "seed {seed}: small programs are searched completely"
                    );
                    assert!(
                        a.facts.iter().all(|f| f.necessary.is_none()),
                        "seed {seed}: undecided, yet a fact is marked"
                    );
                    undecided += a.facts.len();
                    continue;
                }
                // Computed values may be numbered differently in another
                // model: the row by its values.
                let values: Vec<Value> = row
                    .iter()
                    .map(|&v| model.value(v).expect("in model").clone())
                    .collect();
                for f in &a.facts {
                    let fact_pred = program.pred_id(&f.atom.pred).expect("a predicate");
                    let vals: Vec<u32> = f
                        .atom
                        .args
                        .iter()
                        .map(|v| program.values.lookup(v).expect("a stated value"))
                        .collect();
                    // Every statement of it (a fact may be stated twice).
                    let mut without = Program::clone(&program);
                    without
                        .facts
                        .retain(|x| !(x.pred == fact_pred && x.row == vals));
                    let m2 = evaluate_ok(&Arc::new(without)).expect("evaluated with the fact");
                    let still = values
                        .iter()
                        .map(|v| m2.values().lookup(v))
                        .collect::<Option<Vec<u32>>>()
                        .is_some_and(|r| m2.lookup(pred, &r).is_some());
                    assert_eq!(
                        f.necessary,
                        Some(!still),
                        "seed {seed}: {} for {}",
                        f.atom,
                        a.atom
                    );
                    decided += 1;
                }
            }
        }
    }
    eprintln!("{decided} facts decided, {undecided} left undecided");
    assert!(
        decided > 1000 && undecided > 500,
        "{decided} facts decided, {undecided} left undecided"
    );
}
