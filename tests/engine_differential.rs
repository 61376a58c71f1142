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
use warrant::engine::{Derivation, EvalOptions, Model, evaluate};
use warrant::ir::{Arg, PredId, Program, Value};
use warrant::likelihood::Likelihood;

#[path = "common/naive.rs"]
mod naive;
#[path = "common/oracle.rs"]
mod oracle;
#[path = "common/random_program.rs"]
mod random_program;
#[path = "common/rng.rs"]
mod rng;
use naive::Fault;
use oracle::compare;
use random_program::{Features, generate};

/// Rows of the model, by value ids.
type Rel = HashMap<Vec<u32>, u16>;

fn arg_value(a: Arg, binding: &[Option<u32>]) -> u32 {
    match a {
        Arg::Var(v) => binding[v as usize].unwrap(),
        Arg::Const(c) => c,
        Arg::Wildcard => unreachable!(),
    }
}

/// Every binding of a body's variables that satisfies it, with the least
/// likelihood of the premises.
fn bindings(
    program: &Program,
    rels: &[Rel],
    body: &warrant::ir::Body,
) -> Vec<(Vec<Option<u32>>, u16)> {
    let mut out = Vec::new();
    let start = vec![None; body.vars.len()];
    fn go(
        program: &Program,
        rels: &[Rel],
        body: &warrant::ir::Body,
        i: usize,
        b: Vec<Option<u32>>,
        lik: u16,
        out: &mut Vec<(Vec<Option<u32>>, u16)>,
    ) {
        if i == body.atoms.len() {
            for c in &body.comparisons {
                let (x, y) = (arg_value(c.lhs, &b), arg_value(c.rhs, &b));
                if !compare(program, x, c.op, y, c.kind) {
                    return;
                }
            }
            // Graded exceptions: the most likely match caps at 1 - p; a
            // certain one removes the binding.
            let mut lik = lik;
            for e in &body.exceptions {
                let p = rels[e.pred.0 as usize]
                    .iter()
                    .filter(|(row, _)| {
                        e.args.iter().zip(row.iter()).all(|(a, &v)| match a {
                            Arg::Wildcard => true,
                            a => arg_value(*a, &b) == v,
                        })
                    })
                    .map(|(_, &l)| l)
                    .max();
                match p {
                    Some(10_000) => return,
                    Some(p) => lik = lik.min(10_000 - p),
                    None => {}
                }
            }
            out.push((b, lik));
            return;
        }
        let atom = &body.atoms[i];
        let mut rows: Vec<(&Vec<u32>, &u16)> = rels[atom.pred.0 as usize].iter().collect();
        rows.sort();
        'rows: for (row, &l) in rows {
            let mut nb = b.clone();
            for (a, &v) in atom.args.iter().zip(row) {
                match *a {
                    Arg::Const(c) if c != v => continue 'rows,
                    Arg::Var(x) => match nb[x as usize] {
                        Some(w) if w != v => continue 'rows,
                        _ => nb[x as usize] = Some(v),
                    },
                    _ => {}
                }
            }
            go(program, rels, body, i + 1, nb, lik.min(l), out);
        }
    }
    go(program, rels, body, 0, start, u16::MAX, &mut out);
    out
}

/// Minimal proof height among the derivations that give each row its
/// likelihood (base rows with that likelihood: 0).
fn min_heights(program: &Program, rels: &[Rel]) -> Vec<HashMap<Vec<u32>, u32>> {
    let mut h: Vec<HashMap<Vec<u32>, u32>> = vec![HashMap::new(); rels.len()];
    for f in &program.facts {
        if rels[f.pred.0 as usize].get(&f.row) == Some(&f.likelihood.units()) {
            h[f.pred.0 as usize].insert(f.row.clone(), 0);
        }
    }
    loop {
        let mut changed = false;
        for rule in &program.rules {
            for (binding, body_lik) in bindings(program, rels, &rule.body) {
                // The body's likelihood includes the exceptions' caps.
                let mut lik = rule.likelihood.units().min(body_lik);
                let mut height = 0u32;
                let mut ok = true;
                for a in &rule.body.atoms {
                    let row: Vec<u32> = a.args.iter().map(|x| arg_value(*x, &binding)).collect();
                    lik = lik.min(rels[a.pred.0 as usize][&row]);
                    match h[a.pred.0 as usize].get(&row) {
                        Some(&ph) => height = height.max(ph),
                        None => ok = false,
                    }
                }
                if !ok {
                    continue;
                }
                for hd in &rule.heads {
                    let row: Vec<u32> = hd.args.iter().map(|x| arg_value(*x, &binding)).collect();
                    if rels[hd.pred.0 as usize][&row] != lik {
                        continue;
                    }
                    let e = h[hd.pred.0 as usize].entry(row).or_insert(u32::MAX);
                    if height + 1 < *e {
                        *e = height + 1;
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    h
}

/// The height of the recorded proof tree of a row.
fn tree_height(model: &Model, pred: PredId, row: u32, depth: usize) -> u32 {
    assert!(depth < 10_000, "cycle in recorded proofs");
    match model.derivation(pred, row).unwrap() {
        Derivation::Fact { .. } => 0,
        Derivation::Rule { premises, .. } => {
            1 + premises
                .iter()
                .map(|p| tree_height(model, p.pred, p.row, depth + 1))
                .max()
                .unwrap_or(0)
        }
    }
}

/// Every recorded derivation justifies its row's likelihood and every
/// recorded proof is a shortest one among the best derivations (for
/// programs of atoms, comparisons and exceptions).
fn check_derivations(seed: u64, program: &Program, model: &Model) {
    let rels: Vec<Rel> = (0..program.preds.len())
        .map(|p| {
            model
                .rows(PredId(p as u32))
                .map(|(_, row, l)| (row.to_vec(), l.units()))
                .collect()
        })
        .collect();
    let heights = min_heights(program, &rels);
    for (p, heights) in heights.iter().enumerate() {
        let pred = PredId(p as u32);
        for (id, row, l) in model.rows(pred) {
            match model.derivation(pred, id).unwrap() {
                Derivation::Fact { source, .. } => {
                    let warrant::engine::FactSource::Stated(i) = source else {
                        panic!("unexpected source")
                    };
                    let f = &program.facts[i];
                    assert_eq!(
                        (f.pred, &f.row[..], f.likelihood),
                        (pred, row, l),
                        "seed {seed}"
                    );
                }
                Derivation::Rule {
                    rule,
                    head,
                    premises,
                    ..
                } => {
                    let r = program.rule(rule);
                    assert_eq!(premises.len(), r.body.atoms.len());
                    let mut binding = vec![None; r.body.vars.len()];
                    let mut lik = r.likelihood;
                    for (a, prem) in r.body.atoms.iter().zip(&premises) {
                        assert_eq!(a.pred, prem.pred);
                        let prow = model.row(prem.pred, prem.row).unwrap();
                        lik = lik.min(model.likelihood(prem.pred, prem.row).unwrap());
                        for (arg, &v) in a.args.iter().zip(prow) {
                            match *arg {
                                Arg::Var(x) => {
                                    assert!(binding[x as usize].is_none_or(|w| w == v));
                                    binding[x as usize] = Some(v);
                                }
                                Arg::Const(c) => assert_eq!(c, v),
                                Arg::Wildcard => {}
                            }
                        }
                    }
                    // Graded exceptions cap the derivation at 1 - p.
                    for e in &r.body.exceptions {
                        let p = model
                            .rows(e.pred)
                            .filter(|(_, erow, _)| {
                                e.args.iter().zip(erow.iter()).all(|(a, &v)| match *a {
                                    Arg::Wildcard => true,
                                    Arg::Const(c) => c == v,
                                    Arg::Var(x) => binding[x as usize] == Some(v),
                                })
                            })
                            .map(|(_, _, l)| l)
                            .max();
                        if let Some(p) = p {
                            let cap = Likelihood::from_units(10_000 - p.units())
                                .expect("a certain exception removes the row");
                            lik = lik.min(cap);
                        }
                    }
                    let h = &r.heads[head];
                    assert_eq!(h.pred, pred);
                    let hrow: Vec<u32> = h.args.iter().map(|a| arg_value(*a, &binding)).collect();
                    assert_eq!(hrow, row, "seed {seed}");
                    assert_eq!(
                        lik, l,
                        "seed {seed}: derivation does not give the likelihood"
                    );
                }
            }
            let th = tree_height(model, pred, id, 0);
            let best = heights.get(row).copied();
            assert_eq!(
                Some(th),
                best,
                "seed {seed}: {} not a shortest proof",
                model.format_row(pred, row)
            );
        }
    }
}

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
    let features = match std::env::var("FEATURES").as_deref() {
        Ok("monotone") => Features {
            aggregates: 0,
            overflow: 0,
            ..Features::ALL.without_negation()
        },
        Ok("classic") => Features::CLASSIC,
        _ => Features::ALL,
    };
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

/// More seeds than the suite runs, for hunting:
/// `START=10000 SWEEP=20000 cargo test --test engine_differential sweep -- --ignored --nocapture`
#[test]
#[ignore]
fn sweep() {
    let n: u64 = std::env::var("SWEEP").map_or(5000, |s| s.parse().expect("a number"));
    let start: u64 = std::env::var("START").map_or(10_000, |s| s.parse().expect("a number"));
    let mut tally = Tally::default();
    for seed in start..start + n {
        check(seed, &Features::ALL, &mut tally);
    }
    eprintln!("{} programs, {} compared", tally.programs, tally.compared);
}
