//! The derivation check of the differential test: every recorded
//! derivation of a model justifies its row's likelihood, and every recorded
//! proof is a shortest one (programs of atoms, comparisons and exceptions),
//! judged by the oracle's comparison (`super::oracle`) over the model's rows.

use std::collections::HashMap;

use warrant::engine::{Derivation, Model};
use warrant::ir::{Arg, PredId, Program};
use warrant::likelihood::Likelihood;

use super::oracle::compare;

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
pub fn tree_height(model: &Model, pred: PredId, row: u32, depth: usize) -> u32 {
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
pub fn check_derivations(seed: u64, program: &Program, model: &Model) {
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
