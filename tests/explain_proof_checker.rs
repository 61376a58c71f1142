//! An independent proof checker, run over every row of random programs:
//! every node is a row of the model with its likelihood, every fact is
//! stated, every rule step is a valid instance of its rule under bindings
//! re-derived from the premises (body atoms match, comparisons hold, no
//! `unless` atom is in the model), and every likelihood is the minimum of
//! the rule's and the premises'. Why-not reports and key assumptions are
//! checked against naive evaluation on the same programs.

use std::sync::Arc;
use warrant::engine::builder::{Cond, ProgramBuilder, T};
use warrant::engine::{EvalOptions, Model, evaluate};
use warrant::explain::{self, AttemptStatus, NodeKind, Origin, Outcome, Proof};
use warrant::ir::{Arg, CompareKind, CompareOp, PredId, Program, Value};
use warrant::likelihood::Likelihood;
use warrant::render;

// ---------------------------------------------------------------- random programs

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;
#[path = "common/oracle.rs"]
mod oracle;
use oracle::compare;

const VARS: [&str; 4] = ["A", "B", "C", "D"];
const LIKS: [f64; 5] = [0.1, 0.3, 0.55, 0.8, 1.0];

fn value(rng: &mut Rng, domain: usize) -> Value {
    let i = rng.below(domain);
    match rng.below(10) {
        0 => Value::Dec(i as f64),
        1 => Value::Text("s".into()),
        _ => Value::Int(i as i64),
    }
}

fn lik(rng: &mut Rng) -> Likelihood {
    Likelihood::from_probability(LIKS[rng.below(LIKS.len())]).expect("in range")
}

/// A random stratified program: base predicates with facts, derived
/// predicates on levels, rules with 1–3 atoms, maybe a comparison, maybe an
/// `unless` on a lower level (never with `negation: false`).
fn generate(seed: u64, negation: bool) -> Program {
    let mut rng = Rng(seed);
    let domain = 3 + rng.below(3);
    let mut b = ProgramBuilder::new();
    let mut preds: Vec<(PredId, usize, usize)> = Vec::new();
    for i in 0..2 + rng.below(2) {
        let arity = 1 + rng.below(2);
        let p = b.pred(&format!("b{i}"), arity);
        preds.push((p, arity, 0));
        for _ in 0..rng.below(8) {
            let row = (0..arity).map(|_| value(&mut rng, domain)).collect();
            let l = lik(&mut rng);
            b.fact(p, row, l);
        }
    }
    let nbase = preds.len();
    for i in 0..2 + rng.below(3) {
        let arity = rng.below(3);
        let level = 1 + rng.below(3);
        let p = b.pred(&format!("d{i}"), arity);
        preds.push((p, arity, level));
        if rng.chance(20) {
            let row = (0..arity).map(|_| value(&mut rng, domain)).collect();
            b.fact(p, row, Likelihood::from_probability(0.3).expect("in range"));
        }
    }
    let derived: Vec<(PredId, usize, usize)> = preds[nbase..].to_vec();
    for r in 0..2 + rng.below(5) {
        let (hp, harity, hlevel) = derived[rng.below(derived.len())];
        let positive: Vec<(PredId, usize, usize)> =
            preds.iter().copied().filter(|p| p.2 <= hlevel).collect();
        let lower: Vec<(PredId, usize, usize)> =
            preds.iter().copied().filter(|p| p.2 < hlevel).collect();
        let mut conds = Vec::new();
        let mut bound: Vec<&'static str> = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let (p, arity, _) = positive[rng.below(positive.len())];
            let ts: Vec<T> = (0..arity)
                .map(|_| {
                    if rng.chance(80) {
                        T::V(VARS[rng.below(VARS.len())])
                    } else {
                        T::C(value(&mut rng, domain))
                    }
                })
                .collect();
            for t in &ts {
                if let T::V(v) = t
                    && !bound.contains(v)
                {
                    bound.push(v);
                }
            }
            conds.push(Cond::Atom(p, ts));
        }
        let bterm = |rng: &mut Rng, bound: &[&'static str]| -> T {
            if !bound.is_empty() && rng.chance(75) {
                T::V(bound[rng.below(bound.len())])
            } else {
                T::C(value(rng, domain))
            }
        };
        if rng.chance(50) {
            let ops = [
                CompareOp::Eq,
                CompareOp::Ne,
                CompareOp::Lt,
                CompareOp::Le,
                CompareOp::Gt,
                CompareOp::Ge,
            ];
            let op = ops[rng.below(ops.len())];
            let kind = CompareKind::Value;
            let l = bterm(&mut rng, &bound);
            let rr = bterm(&mut rng, &bound);
            conds.push(Cond::Cmp(l, op, rr, kind));
        }
        if negation && !lower.is_empty() && rng.chance(50) {
            let (p, arity, _) = lower[rng.below(lower.len())];
            let ts = (0..arity)
                .map(|_| {
                    if rng.chance(25) {
                        T::W
                    } else {
                        bterm(&mut rng, &bound)
                    }
                })
                .collect();
            conds.push(Cond::Unless(p, ts));
        }
        let heads = vec![(
            hp,
            (0..harity)
                .map(|_| bterm(&mut rng, &bound))
                .collect::<Vec<_>>(),
        )];
        let l = lik(&mut rng);
        b.rule(&format!("r{r}"), &conds, &heads, l);
    }
    b.finish().expect("levels make programs stratified")
}

// ---------------------------------------------------------------- the checker

/// Binds `args` to `row`; false on a clash with a constant or a binding.
fn unify(args: &[Arg], row: &[u32], b: &mut [Option<u32>]) -> bool {
    if args.len() != row.len() {
        return false;
    }
    for (a, &v) in args.iter().zip(row) {
        match *a {
            Arg::Const(c) if c != v => return false,
            Arg::Var(x) => match b[x as usize] {
                Some(w) if w != v => return false,
                _ => b[x as usize] = Some(v),
            },
            _ => {}
        }
    }
    true
}

/// The likelihood of the most likely row of the model matching an atom
/// under complete bindings.
fn most_likely_match(
    model: &Model,
    atom: &warrant::ir::Atom,
    b: &[Option<u32>],
) -> Option<Likelihood> {
    model
        .rows(atom.pred)
        .filter(|(_, row, _)| {
            atom.args.iter().zip(row.iter()).all(|(a, &v)| match *a {
                Arg::Wildcard => true,
                Arg::Const(c) => c == v,
                Arg::Var(x) => b[x as usize] == Some(v),
            })
        })
        .map(|(_, _, l)| l)
        .max()
}

/// Verifies a proof independently; panics with the reason otherwise.
fn check_proof(model: &Model, proof: &Proof, ctx: &str) {
    let program = model.program();
    assert!(!proof.roots.is_empty(), "{ctx}: a proof without a root");
    let ids = |n: &explain::Node| -> Vec<u32> {
        n.atom
            .args
            .iter()
            .map(|v| {
                model
                    .values()
                    .lookup(v)
                    .unwrap_or_else(|| panic!("{ctx}: value {v} not in the model"))
            })
            .collect()
    };
    for (i, n) in proof.nodes.iter().enumerate() {
        let ctx = format!("{ctx}: node [{}] {}", n.id, n.atom);
        assert_eq!(n.id, i + 1, "{ctx}: ids are positions");
        assert_eq!(program.pred(n.pred).name, n.atom.pred, "{ctx}: predicate");
        let row = ids(n);
        // The node is a row of the model, with the model's likelihood.
        assert_eq!(
            model.lookup(n.pred, &row),
            Some(n.row),
            "{ctx}: not in the model"
        );
        assert_eq!(
            model.likelihood(n.pred, n.row),
            Some(n.likelihood),
            "{ctx}: likelihood"
        );
        match &n.kind {
            NodeKind::Fact(origin) => {
                assert!(
                    matches!(origin, Origin::Stated { .. }),
                    "{ctx}: random programs state their facts"
                );
                assert!(
                    program
                        .facts
                        .iter()
                        .any(|f| f.pred == n.pred && f.row == row && f.likelihood == n.likelihood),
                    "{ctx}: no such fact with this likelihood"
                );
                assert_eq!(n.height, Some(0), "{ctx}: facts have height 0");
            }
            NodeKind::Unrecorded => panic!("{ctx}: evaluated with provenance, yet unrecorded"),
            NodeKind::Rule(step) => {
                let rule = program.rule(step.rule);
                assert_eq!(rule.name, step.name, "{ctx}: rule name");
                assert_eq!(
                    step.premises.len(),
                    rule.body.atoms.len(),
                    "{ctx}: one premise per body atom"
                );
                let mut b = vec![None; rule.body.vars.len()];
                let mut least = rule.likelihood;
                let mut height = 0;
                for (atom, &pid) in rule.body.atoms.iter().zip(&step.premises) {
                    let p = proof
                        .node(pid)
                        .unwrap_or_else(|| panic!("{ctx}: premise [{pid}] missing"));
                    assert_eq!(
                        atom.pred, p.pred,
                        "{ctx}: premise [{pid}] has the wrong predicate"
                    );
                    assert!(
                        unify(&atom.args, &ids(p), &mut b),
                        "{ctx}: premise [{pid}] does not match its atom"
                    );
                    least = least.min(p.likelihood);
                    height = height.max(p.height.unwrap_or(0) + 1);
                }
                assert!(
                    unify(&rule.heads[step.head].args, &row, &mut b),
                    "{ctx}: the conclusion does not match the rule's head under the bindings"
                );
                assert!(
                    b.iter().all(Option::is_some),
                    "{ctx}: a variable is left unbound"
                );
                for c in &rule.body.comparisons {
                    let v = |a: Arg| match a {
                        Arg::Const(k) => k,
                        Arg::Var(x) => b[x as usize].unwrap_or(u32::MAX),
                        Arg::Wildcard => panic!("wildcard in a comparison"),
                    };
                    assert!(
                        compare(program, v(c.lhs), c.op, v(c.rhs), c.kind),
                        "{ctx}: a comparison is false"
                    );
                }
                assert_eq!(
                    step.comparisons.len(),
                    rule.body.comparisons.len(),
                    "{ctx}: comparisons shown"
                );
                assert!(
                    step.comparisons.iter().all(|c| c.holds),
                    "{ctx}: a shown comparison is false"
                );
                for (e, shown) in rule.body.exceptions.iter().zip(&step.exceptions) {
                    // The most likely matching row caps the conclusion at
                    // 1 - p; a certain one would have removed it.
                    let p = most_likely_match(model, e, &b);
                    assert_ne!(
                        p,
                        Some(Likelihood::CERTAIN),
                        "{ctx}: a certain `unless` atom is in the model"
                    );
                    assert_eq!(
                        shown.matched.as_ref().map(|m| m.1),
                        p,
                        "{ctx}: the exception's likelihood shown"
                    );
                    if let Some(p) = p {
                        let cap = Likelihood::from_units(10_000 - p.units()).expect("p < 1");
                        least = least.min(cap);
                    }
                }
                assert_eq!(
                    step.exceptions.len(),
                    rule.body.exceptions.len(),
                    "{ctx}: exceptions shown"
                );
                assert_eq!(
                    n.likelihood, least,
                    "{ctx}: likelihood is not the min along the proof"
                );
                if rule.body.atoms.is_empty() {
                    height = 1;
                }
                assert_eq!(n.height, Some(height.max(1)), "{ctx}: height");
                for bd in &step.bindings {
                    let x = rule
                        .body
                        .vars
                        .iter()
                        .position(|v| *v == bd.name)
                        .expect("a variable of the rule");
                    assert_eq!(
                        b[x].map(|v| model.values().get(v).clone()),
                        Some(bd.value.clone()),
                        "{ctx}: binding of {}",
                        bd.name
                    );
                }
            }
        }
    }
}

fn evaluate_ok(program: &Arc<Program>) -> Model {
    evaluate(program, &EvalOptions::default()).expect("random programs evaluate")
}

#[test]
fn every_proof_of_random_programs_checks() {
    let mut proofs = 0;
    let mut steps = 0;
    for seed in 0..1000u64 {
        let program = Arc::new(generate(seed, true));
        let model = evaluate_ok(&program);
        for p in 0..program.preds.len() {
            let pred = PredId(p as u32);
            for (id, _, _) in model.rows(pred) {
                let proof = explain::explain(&model, pred, id).expect("a row of the model");
                check_proof(&model, &proof, &format!("seed {seed}"));
                // Rendering never panics, and JSON round-trips.
                let _ = render::text::proof(&proof, true);
                let _ = render::dot::proof(&proof);
                let j = serde_json::to_string(&render::json::proof(&proof)).expect("prints");
                let _: serde_json::Value = serde_json::from_str(&j).expect("parses back");
                proofs += 1;
                steps += proof
                    .nodes
                    .iter()
                    .filter(|n| matches!(n.kind, NodeKind::Rule(_)))
                    .count();
            }
        }
    }
    assert!(
        proofs > 5000 && steps > 800,
        "the generator should produce work: {proofs} proofs, {steps} steps"
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
    let program = model.program();
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
        .into_iter()
        .filter(|b| {
            rule.body.comparisons.iter().all(|c| {
                let v = |a: Arg| match a {
                    Arg::Const(k) => Some(k),
                    Arg::Var(x) => b[x as usize],
                    Arg::Wildcard => None,
                };
                match (v(c.lhs), v(c.rhs)) {
                    (Some(l), Some(r)) => compare(program, l, c.op, r, c.kind),
                    _ => false,
                }
            })
        })
        .collect()
}

#[test]
fn why_not_agrees_with_naive_matching() {
    let mut checked = 0;
    let mut blocked = 0;
    for seed in 0..300u64 {
        let program = Arc::new(generate(seed, true));
        let model = evaluate_ok(&program);
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
                            let matches = if ids.is_some() {
                                naive_matches(&model, rule, a.head, &row)
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
    assert!(
        checked > 1000 && blocked > 5,
        "{checked} atoms checked, {blocked} blocked attempts"
    );
}

#[test]
fn necessary_facts_agree_with_re_evaluation() {
    // Without negation, a fact is in every proof exactly when removing it
    // loses the conclusion.
    let mut decided = 0;
    for seed in 0..150u64 {
        let program = Arc::new(generate(seed, false));
        let model = evaluate_ok(&program);
        for p in 0..program.preds.len() {
            let pred = PredId(p as u32);
            for (id, row, _) in model.rows(pred).take(3) {
                let a = explain::assumptions(&model, pred, id).expect("a row of the model");
                assert!(
                    a.complete,
                    "seed {seed}: small programs are searched completely"
                );
                for f in &a.facts {
                    let vals: Vec<u32> = f
                        .atom
                        .args
                        .iter()
                        .map(|v| model.values().lookup(v).expect("in model"))
                        .collect();
                    let mut without = Program::clone(&program);
                    without.facts.retain(|x| {
                        !(x.pred.0 as usize
                            == program
                                .pred_id(&f.atom.pred)
                                .map_or(usize::MAX, |p| p.0 as usize)
                            && x.row == vals)
                    });
                    let m2 = evaluate_ok(&Arc::new(without));
                    let still = m2.lookup(pred, row).is_some();
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
    assert!(decided > 300, "{decided} facts decided");
}
