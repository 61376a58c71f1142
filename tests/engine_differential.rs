//! Differential test: random stratified programs (recursion, negation
//! against lower strata, comparisons, arithmetic, functions, aggregates
//! with floors, graded exceptions, likelihoods on facts and rules) are
//! written as source, checked and evaluated by the library, and evaluated
//! from the generator's own data by a naive oracle (`tests/common/naive.rs`);
//! rows and likelihoods must agree exactly, overflow must stop evaluation
//! exactly when the oracle says it must, and division by zero must be
//! warned about. On programs without arithmetic and aggregates, every
//! recorded derivation must also justify its row's likelihood and recorded
//! proofs must be shortest.

use std::collections::HashMap;
use std::sync::Arc;

use proptest::prelude::*;
use warrant::diagnostics::Code;
use warrant::engine::{EvalOptions, Model, evaluate};
use warrant::ir::{PredId, Program, Value};

#[path = "common/derivations.rs"]
mod derivations;
#[path = "common/naive.rs"]
mod naive;
#[path = "common/oracle.rs"]
mod oracle;
#[path = "common/random_program.rs"]
mod random_program;
#[path = "common/rng.rs"]
mod rng;
use derivations::{check_derivations, tree_height};
use naive::Fault;
use random_program::{Features, generate};

/// The model's rows of a predicate, as values.
fn values_of(model: &Model, pred: Option<PredId>) -> naive::Rel {
    let Some(pred) = pred else {
        return naive::Rel::new();
    };
    model
        .rows(pred)
        .map(|(_, row, l)| {
            let row = row
                .iter()
                .map(|&v| model.value(v).expect("a value of the model").clone())
                .collect();
            (row, l.units())
        })
        .collect()
}

/// What the random programs covered: programs per feature used, and
/// how the oracle's verdicts went.
#[derive(Debug, Default)]
struct Tally {
    programs: usize,
    compared: usize,
    rows: usize,
    features: HashMap<&'static str, usize>,
}

impl Tally {
    fn count(&mut self, feature: &'static str, yes: bool) {
        if yes {
            *self.features.entry(feature).or_default() += 1;
        }
    }

    fn get(&self, feature: &str) -> usize {
        self.features.get(feature).copied().unwrap_or(0)
    }
}

/// Checks one program against the oracle; adds what it covered to `tally`.
fn check(seed: u64, features: &Features, tally: &mut Tally) {
    let generated = generate(seed, features);
    let program = Arc::new(generated.program());
    let want = naive::evaluate(&generated);
    tally.programs += 1;
    let u = generated.uses();
    for (name, used) in [
        ("recursion", u.recursion),
        ("comparison", u.comparison),
        ("negation", u.negation),
        ("assignment", u.assignment),
        ("arithmetic", u.arithmetic),
        ("division", u.division),
        ("functions", u.functions),
        ("text functions", u.text_functions),
        ("contains", u.contains),
        ("expressions in conclusions", u.head_expressions),
        ("count", u.count),
        ("sum", u.sum),
        ("min", u.min),
        ("max", u.max),
        ("floor", u.floor),
        ("aggregate in a comparison", u.aggregate_in_comparison),
        ("grouped aggregate", u.grouped_aggregate),
    ] {
        tally.count(name, used);
    }
    if want.too_large {
        tally.count("skipped: too large for the oracle", true);
        return;
    }
    let model = match evaluate(&program, &EvalOptions::default()) {
        Ok(model) => {
            assert_ne!(
                want.overflow,
                Fault::Must,
                "seed {seed}: an overflow must stop evaluation\n{}",
                generated.source
            );
            tally.count(
                "not stopped though a partial binding overflowed",
                want.partial_overflow,
            );
            model
        }
        Err(diagnostics) => {
            // Only a binding of all a rule's atoms on which nothing else
            // fails stops evaluation, whatever the plan computes first.
            assert_eq!(
                want.overflow,
                Fault::Must,
                "seed {seed}: stopped, but no whole binding overflows: {diagnostics:?}\n{}",
                generated.source
            );
            assert!(
                diagnostics.iter().all(|d| d.code == Code::Overflow),
                "seed {seed}: {diagnostics:?}"
            );
            tally.count("stopped by an overflow", true);
            return;
        }
    };
    let warned = model
        .warnings()
        .iter()
        .any(|d| d.code == Code::DivisionByZero);
    match want.division_by_zero {
        Fault::Must => assert!(
            warned,
            "seed {seed}: no division-by-zero warning\n{}",
            generated.source
        ),
        Fault::Never => assert!(
            !warned,
            "seed {seed}: a division-by-zero warning\n{}",
            generated.source
        ),
        Fault::May => {}
    }
    tally.count("division by zero warned", warned);
    tally.count("min/max over equal values of two kinds", want.kinds_tied);
    let plain = evaluate(
        &program,
        &EvalOptions {
            provenance: false,
            ..Default::default()
        },
    )
    .expect("evaluates as with provenance");
    for (p, rel) in want.rels.iter().enumerate() {
        let pred = program.pred_id(&generated.preds[p].name);
        for m in [&model, &plain] {
            assert_eq!(
                &values_of(m, pred),
                rel,
                "seed {seed}: predicate {}\n{}",
                generated.preds[p].name,
                generated.source
            );
        }
    }
    tally.compared += 1;
    tally.rows += model.stats().total_derived();
    tally.count("weakened by an exception", want.weakened > 0);
    tally.count("removed by a certain exception", want.blocked > 0);
    tally.count("aggregate results", want.aggregate_results > 0);
    tally.count("matches below a floor", want.below_floor > 0);
    tally.count("derived by computing", want.derived_computing > 0);
    tally.count("derived through an aggregate", want.derived_aggregating > 0);
    // The stored height, which ranks derivations of equal likelihood, is
    // the height of the recorded proof tree (a rule concluding into a later
    // stratum once left rows at "unknown" after a height recomputation).
    for p in 0..program.preds.len() {
        let pred = PredId(p as u32);
        for (id, row, _) in model.rows(pred) {
            assert_eq!(
                model.height(pred, id),
                Some(tree_height(&model, pred, id, 0)),
                "seed {seed}: {} has a stored height other than its proof's",
                model.format_row(pred, row)
            );
        }
    }
    let classic = program
        .rules
        .iter()
        .all(|r| r.body.assignments.is_empty() && r.body.aggregates.is_empty());
    if classic {
        check_derivations(seed, &program, &model);
        tally.count("derivations and proof heights checked", true);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, .. ProptestConfig::default() })]
    #[test]
    fn engine_matches_naive_evaluation(seed in any::<u64>()) {
        check(seed, &Features::ALL, &mut Tally::default());
    }
}

/// 1,200 programs with every feature; each feature must be used by a
/// minimum number of them, so coverage cannot silently drop.
#[test]
fn random_programs_agree_with_the_oracle() {
    let mut tally = Tally::default();
    for seed in 0..1200 {
        check(seed, &Features::ALL, &mut tally);
    }
    let mut names: Vec<_> = tally.features.keys().copied().collect();
    names.sort();
    eprintln!(
        "{} programs, {} compared, {} rows derived",
        tally.programs, tally.compared, tally.rows
    );
    for n in &names {
        eprintln!("{:>6}  {n}", tally.get(n));
    }
    assert!(tally.compared >= 1000, "{tally:?}");
    assert!(tally.rows > 4000, "only {} rows derived", tally.rows);
    for (feature, least) in [
        ("recursion", 300),
        ("comparison", 300),
        ("negation", 300),
        ("assignment", 300),
        ("arithmetic", 300),
        ("division", 100),
        ("functions", 150),
        ("text functions", 50),
        ("contains", 50),
        ("expressions in conclusions", 150),
        ("count", 100),
        ("sum", 100),
        ("min", 100),
        ("max", 100),
        ("floor", 100),
        ("aggregate in a comparison", 100),
        ("grouped aggregate", 150),
        ("weakened by an exception", 150),
        ("removed by a certain exception", 100),
        ("aggregate results", 300),
        ("matches below a floor", 50),
        ("division by zero warned", 30),
        ("stopped by an overflow", 5),
        ("min/max over equal values of two kinds", 5),
        ("derived by computing", 200),
        ("derived through an aggregate", 200),
    ] {
        let n = tally.get(feature);
        assert!(n >= least, "{feature}: {n} programs, fewer than {least}");
    }
    let skipped = tally.get("skipped: too large for the oracle");
    assert!(skipped * 20 < tally.programs, "{skipped} programs skipped");
}

/// 600 programs in which many computations overflow on bindings of some
/// of a rule's atoms: evaluation stops exactly when a binding of all of
/// them overflows with no other condition failing (the oracle's `Must`),
/// whatever order the engine's plans compute in; both outcomes are
/// common.
#[test]
fn overflow_stops_exactly_on_whole_bindings() {
    let mut tally = Tally::default();
    for seed in 0..600 {
        check(5_000_000 + seed, &Features::OVERFLOWING, &mut tally);
    }
    let (stopped, partial) = (
        tally.get("stopped by an overflow"),
        tally.get("not stopped though a partial binding overflowed"),
    );
    eprintln!(
        "{stopped} stopped, {partial} not stopped though a partial binding overflowed, {} compared",
        tally.compared
    );
    assert!(stopped >= 100, "{stopped} programs stopped by an overflow");
    assert!(
        partial >= 100,
        "{partial} programs not stopped though a partial binding overflowed"
    );
    assert!(tally.compared >= 200, "{tally:?}");
}

/// The language before arithmetic, as before: derivations and proof
/// heights are checked on every program.
#[test]
fn classic_programs_agree_with_the_oracle() {
    let mut tally = Tally::default();
    for seed in 0..300 {
        check(seed, &Features::CLASSIC, &mut tally);
    }
    assert_eq!(
        tally.get("derivations and proof heights checked"),
        tally.compared
    );
    assert!(tally.compared >= 290 && tally.rows > 1000, "{tally:?}");
}

#[test]
fn same_rows_whatever_the_fact_order() {
    for seed in 0..50 {
        let program = Arc::new(generate(seed, &Features::ALL).program());
        let mut reversed = Program::clone(&program);
        reversed.facts.reverse();
        reversed.rules.reverse();
        let n = reversed.rules.len() as u32;
        for s in &mut reversed.strata {
            for r in &mut s.rules {
                r.0 = n - 1 - r.0;
            }
        }
        let (Ok(a), Ok(b)) = (
            evaluate(&program, &EvalOptions::default()),
            evaluate(&Arc::new(reversed), &EvalOptions::default()),
        ) else {
            continue; // stopped by an overflow
        };
        for p in 0..program.preds.len() {
            let pred = PredId(p as u32);
            let mut x: Vec<_> = values_of(&a, Some(pred)).into_iter().collect();
            let mut y: Vec<_> = values_of(&b, Some(pred)).into_iter().collect();
            let key = |r: &(Vec<Value>, u16)| format!("{:?}", r);
            x.sort_by_key(key);
            y.sort_by_key(key);
            assert_eq!(x, y, "seed {seed}");
        }
        // And the same input twice gives identical models.
        let c = evaluate(&program, &EvalOptions::default()).expect("evaluated before");
        for p in 0..program.preds.len() {
            let pred = PredId(p as u32);
            assert!(a.rows(pred).eq(c.rows(pred)));
            for (id, _, _) in a.rows(pred) {
                assert_eq!(a.derivation(pred, id), c.derivation(pred, id));
            }
        }
    }
}

/// `SEED=n cargo test --test engine_differential debug_seed -- --ignored --nocapture`
#[test]
#[ignore]
fn debug_seed() {
    let seed: u64 = std::env::var("SEED").unwrap().parse().unwrap();
    let features = features_from_env();
    let generated = generate(seed, &features);
    println!("{}", generated.source);
    let want = naive::evaluate(&generated);
    for (p, rel) in want.rels.iter().enumerate() {
        let mut rows: Vec<String> = rel.iter().map(|(r, l)| format!("{r:?} {l}")).collect();
        rows.sort();
        println!("{}: {}", generated.preds[p].name, rows.join("; "));
    }
    println!(
        "overflow {:?}, division by zero {:?}",
        want.overflow, want.division_by_zero
    );
}

/// The features `FEATURES` names (`monotone`, `classic`, `overflowing`;
/// by default all).
fn features_from_env() -> Features {
    match std::env::var("FEATURES").as_deref() {
        Ok("monotone") => Features {
            aggregates: 0,
            overflow: 0,
            ..Features::ALL.without_negation()
        },
        Ok("classic") => Features::CLASSIC,
        Ok("overflowing") => Features::OVERFLOWING,
        _ => Features::ALL,
    }
}

/// More seeds than the suite runs, for hunting (`FEATURES` as for
/// `debug_seed`):
/// `START=10000 SWEEP=20000 cargo test --test engine_differential sweep -- --ignored --nocapture`
#[test]
#[ignore]
fn sweep() {
    let n: u64 = std::env::var("SWEEP").map_or(5000, |s| s.parse().expect("a number"));
    let start: u64 = std::env::var("START").map_or(10_000, |s| s.parse().expect("a number"));
    let features = features_from_env();
    let mut tally = Tally::default();
    for seed in start..start + n {
        check(seed, &features, &mut tally);
    }
    eprintln!("{} programs, {} compared", tally.programs, tally.compared);
}
