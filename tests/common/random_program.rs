//! Random stratified programs for the differential tests: base and
//! derived predicates at levels (so every program stratifies), recursion,
//! `unless` against lower levels, comparisons, likelihoods on facts and
//! rules, values of mixed kinds (integers, decimals equal to integers, a
//! symbol).

use warrant::engine::builder::{Cond, ProgramBuilder, T};
use warrant::ir::{CompareKind, CompareOp, PredId, Program, Value};
use warrant::likelihood::Likelihood;

use super::rng::Rng;

const VARS: [&str; 4] = ["A", "B", "C", "D"];
const LIKS: [f64; 5] = [0.1, 0.3, 0.55, 0.8, 1.0];

fn value(rng: &mut Rng, domain: usize) -> Value {
    let i = rng.below(domain);
    // Mostly integers; some decimals equal to integers (1.0 = 1 under
    // comparisons but not under joins) and a symbol.
    match rng.below(20) {
        0 => Value::Dec(i as f64),
        1 => Value::Text("s".into()),
        _ => Value::Int(i as i64),
    }
}

fn term(rng: &mut Rng, domain: usize) -> T {
    if rng.chance(90) {
        T::V(VARS[rng.below(VARS.len())])
    } else {
        T::C(value(rng, domain))
    }
}

/// The program of a seed.
pub fn generate(seed: u64) -> Program {
    let mut rng = Rng(seed);
    let domain = 3 + rng.below(2);
    let mut b = ProgramBuilder::new();
    let nbase = 2 + rng.below(2);
    let nderived = 2 + rng.below(3);
    // (pred, arity, level); base preds have level 0.
    let mut preds: Vec<(PredId, usize, usize)> = Vec::new();
    for i in 0..nbase {
        let arity = 1 + rng.below(2);
        let p = b.pred(&format!("b{i}"), arity);
        preds.push((p, arity, 0));
        for _ in 0..4 + rng.below(10) {
            let row = (0..arity).map(|_| value(&mut rng, domain)).collect();
            let l = Likelihood::from_probability(LIKS[rng.below(LIKS.len())]).unwrap();
            b.fact(p, row, l);
        }
    }
    for i in 0..nderived {
        let arity = if rng.chance(10) { 0 } else { 1 + rng.below(2) };
        let level = 1 + rng.below(3);
        let p = b.pred(&format!("d{i}"), arity);
        preds.push((p, arity, level));
        // Derived predicates may have facts too.
        if rng.chance(20) {
            let row = (0..arity).map(|_| value(&mut rng, domain)).collect();
            b.fact(p, row, Likelihood::from_probability(0.3).unwrap());
        }
    }
    let derived: Vec<(PredId, usize, usize)> = preds[nbase..].to_vec();
    let nrules = 3 + rng.below(6);
    for r in 0..nrules {
        // The first rules seed each derived predicate from base ones.
        let seeding = r < derived.len();
        let (hp, harity, hlevel) = if seeding {
            derived[r]
        } else {
            derived[rng.below(derived.len())]
        };
        let positive: Vec<&(PredId, usize, usize)> =
            preds.iter().filter(|p| p.2 <= hlevel).collect();
        let lower: Vec<&(PredId, usize, usize)> = preds.iter().filter(|p| p.2 < hlevel).collect();
        let mut conds = Vec::new();
        let natoms = 1 + rng.below(3);
        let mut bound: Vec<&'static str> = Vec::new();
        let same: Vec<&(PredId, usize, usize)> = derived.iter().filter(|p| p.2 == hlevel).collect();
        for k in 0..natoms {
            // Often a recursive atom first.
            let (p, arity, _) = if seeding && k == 0 {
                preds[rng.below(nbase)]
            } else if k == 0 && rng.chance(40) {
                *same[rng.below(same.len())]
            } else {
                *positive[rng.below(positive.len())]
            };
            let ts: Vec<T> = (0..arity).map(|_| term(&mut rng, domain)).collect();
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
        if !lower.is_empty() && rng.chance(35) {
            let (p, arity, _) = *lower[rng.below(lower.len())];
            let ts = (0..arity)
                .map(|_| {
                    if rng.chance(15) {
                        T::W
                    } else {
                        bterm(&mut rng, &bound)
                    }
                })
                .collect();
            conds.push(Cond::Unless(p, ts));
        }
        let mut heads = vec![(
            hp,
            (0..harity)
                .map(|_| bterm(&mut rng, &bound))
                .collect::<Vec<_>>(),
        )];
        if rng.chance(15) {
            // A second head at the same level.
            let same: Vec<_> = derived.iter().filter(|p| p.2 == hlevel).collect();
            let (p2, a2, _) = *same[rng.below(same.len())];
            heads.push((p2, (0..a2).map(|_| bterm(&mut rng, &bound)).collect()));
        }
        let l = Likelihood::from_probability(LIKS[rng.below(LIKS.len())]).unwrap();
        b.rule(&format!("r{r}"), &conds, &heads, l);
    }
    // Levels guarantee stratification.
    b.finish().expect("generated programs are stratified")
}
