//! The proof checker of tests/explain_proof_checker.rs: a proof verified
//! independently of the explainer (every node a row of the model with its
//! likelihood, every rule step a valid instance of its rule under bindings
//! re-derived from its premises, every computed value against the oracle,
//! every weakest link against the likelihood it holds the conclusion to).

// Each test crate uses part of it.
#![allow(dead_code)]

use warrant::engine::Model;
use warrant::explain::{self, NodeKind, Origin, Proof};
use warrant::ir::{AggregateOp, Arg, Value};
use warrant::likelihood::Likelihood;

use super::ir_eval::{self, unify};
use super::oracle;

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
pub fn check_proof(model: &Model, proof: &Proof, ctx: &str) {
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
                // Computed variables (`=`, expressions, aggregates) from the
                // oracle's arithmetic and the model's rows; the variables
                // shown pick the group of an aggregate that binds one.
                let shown = |c: &ir_eval::Binding| {
                    step.bindings.iter().all(|bd| {
                        let x = rule.body.vars.iter().position(|v| *v == bd.name);
                        x.is_some_and(|x| {
                            c[x].and_then(|id| model.value(id))
                                .is_some_and(|v| *v == bd.value)
                        })
                    })
                };
                // Of several (an aggregate's groups), the recorded one
                // gives the node its likelihood.
                let capped = |c: &ir_eval::Binding, l: Likelihood| {
                    rule.body.exceptions.iter().fold(l, |l, e| {
                        match most_likely_match(model, e, c)
                            .and_then(|p| Likelihood::from_units(10_000 - p.units()))
                        {
                            Some(cap) => l.min(cap),
                            None => l,
                        }
                    })
                };
                let unblocked = |c: &ir_eval::Binding| {
                    rule.body
                        .exceptions
                        .iter()
                        .all(|e| most_likely_match(model, e, c) != Some(Likelihood::CERTAIN))
                };
                let completions: Vec<_> = ir_eval::complete(model, rule, &b)
                    .into_iter()
                    .filter(|(c, _)| {
                        shown(c) && ir_eval::holds(model, &rule.body, c) && unblocked(c)
                    })
                    .collect();
                assert!(
                    !completions.is_empty(),
                    "{ctx}: no computation of the rule's bindings makes its comparisons hold"
                );
                let (b, aggregated) = completions
                    .iter()
                    .find(|(c, l)| capped(c, least.min(*l)) == n.likelihood)
                    .unwrap_or(&completions[0])
                    .clone();
                least = least.min(aggregated);
                check_computed(model, proof, step, rule, &b, &ctx);
                // An aggregate's own variables (not in its group) are bound
                // only inside it.
                let local = |x: usize| {
                    rule.body.aggregates.iter().any(|a| {
                        let mut inner = Vec::new();
                        for atom in &a.body.atoms {
                            for arg in &atom.args {
                                if let Arg::Var(v) = arg {
                                    inner.push(*v as usize);
                                }
                            }
                        }
                        inner.extend(a.body.assignments.iter().map(|s| s.var as usize));
                        inner.contains(&x) && !a.group.contains(&(x as u32))
                    })
                };
                assert!(
                    b.iter().enumerate().all(|(x, v)| v.is_some() || local(x)),
                    "{ctx}: a variable is left unbound"
                );
                // A comparison of a computed value the derivation does not
                // record (an aggregate's hidden result, a variable no
                // conclusion uses) is not shown.
                if rule.body.aggregates.is_empty() && rule.body.assignments.is_empty() {
                    assert_eq!(
                        step.comparisons.len(),
                        rule.body.comparisons.len(),
                        "{ctx}: comparisons shown"
                    );
                } else {
                    assert!(
                        step.comparisons.len() <= rule.body.comparisons.len(),
                        "{ctx}: comparisons shown"
                    );
                }
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
                    // An exception on a variable no atom binds (computed, or
                    // bound by an aggregate) is shown with `_` where the
                    // derivation did not record its value.
                    let computed = |a: &Arg| matches!(a, Arg::Var(v) if !rule.body.atoms.iter().any(|x| x.args.contains(&Arg::Var(*v))));
                    if !e.args.iter().any(computed) {
                        assert_eq!(
                            shown.matched.as_ref().map(|m| m.1),
                            p,
                            "{ctx}: the exception's likelihood shown"
                        );
                    }
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

/// The values a step says it computed, against the oracle's completion
/// `b` of the rule's bindings: each `=` result; each aggregate's result,
/// the rows it lists as counted (each a match of the aggregate's body under
/// the group, at or above the floor, as likely as its least likely row),
/// their number and what they fold to; the matches below the floor; and
/// each graded exception's cap (1 − the matching row's likelihood).
fn check_computed(
    model: &Model,
    proof: &Proof,
    step: &explain::RuleStep,
    rule: &warrant::ir::Rule,
    b: &ir_eval::Binding,
    ctx: &str,
) {
    let value = |x: u32| b[x as usize].and_then(|id| model.value(id).cloned());
    for c in &step.computations {
        let a = rule
            .body
            .assignments
            .iter()
            .find(|a| {
                let name = &rule.body.vars[a.var as usize];
                name.strip_prefix("_=").unwrap_or(name) == c.var
            })
            .unwrap_or_else(|| panic!("{ctx}: computation of an unknown `{}`", c.var));
        assert_eq!(
            value(a.var),
            Some(c.result.clone()),
            "{ctx}: `{}` computed",
            c.var
        );
    }
    assert_eq!(
        step.aggregates.len(),
        rule.body.aggregates.len(),
        "{ctx}: aggregates shown"
    );
    for (shown, agg) in step.aggregates.iter().zip(&rule.body.aggregates) {
        let ctx = format!("{ctx}: aggregate {}", shown.text);
        assert_eq!(shown.floor, agg.floor, "{ctx}: floor");
        if let Some(v) = value(agg.result) {
            assert_eq!(shown.result.as_ref(), Some(&v), "{ctx}: result");
        }
        // Each counted match: rows of the body's atoms under the group.
        let mut targets = Vec::new();
        for m in &shown.counted {
            assert_eq!(m.rows.len(), agg.body.atoms.len(), "{ctx}: a row per atom");
            let mut mb: ir_eval::Binding = vec![None; b.len()];
            for &g in &agg.group {
                mb[g as usize] = b[g as usize];
            }
            let mut least = Likelihood::CERTAIN;
            for (atom, &id) in agg.body.atoms.iter().zip(&m.rows) {
                let node = proof
                    .node(id)
                    .unwrap_or_else(|| panic!("{ctx}: counted row [{id}] missing"));
                let row: Vec<u32> = node
                    .atom
                    .args
                    .iter()
                    .map(|v| model.values().lookup(v).expect("a value of the model"))
                    .collect();
                assert_eq!(node.pred, atom.pred, "{ctx}: counted row's predicate");
                assert!(
                    unify(&atom.args, &row, &mut mb),
                    "{ctx}: counted row [{id}] does not match the aggregate's body"
                );
                least = least.min(node.likelihood);
            }
            assert_eq!(
                m.likelihood, least,
                "{ctx}: a match is as likely as its rows"
            );
            assert!(
                agg.floor.is_none_or(|f| m.likelihood >= f),
                "{ctx}: a match below the floor was counted"
            );
            if agg.target.is_some() {
                targets.push(m.target.clone().expect("a target"));
            }
        }
        for m in &shown.below_floor {
            assert!(
                agg.floor.is_some_and(|f| m.likelihood < f),
                "{ctx}: a match at or above the floor was left out"
            );
        }
        assert_eq!(
            shown.likelihood,
            shown
                .counted
                .iter()
                .map(|m| m.likelihood)
                .min()
                .unwrap_or(Likelihood::CERTAIN),
            "{ctx}: the aggregate is as likely as its least likely match"
        );
        if shown.counted_total == shown.counted.len() {
            // Every match is listed: the result folds from them.
            let folded = match agg.op {
                AggregateOp::Count => Some(Value::Int(shown.counted_total as i64)),
                AggregateOp::Sum => targets
                    .iter()
                    .try_fold(Value::Int(0), |s, t| {
                        oracle::binary(warrant::ir::ArithOp::Add, &s, t)
                    })
                    .ok(),
                AggregateOp::Min | AggregateOp::Max => {
                    let want = if agg.op == AggregateOp::Min {
                        std::cmp::Ordering::Less
                    } else {
                        std::cmp::Ordering::Greater
                    };
                    targets
                        .iter()
                        .try_fold(None::<Value>, |best, t| match best {
                            None => Some(Some(t.clone())),
                            Some(x) => match oracle::order(t, &x)? {
                                o if o == want => Some(Some(t.clone())),
                                _ => Some(Some(x)),
                            },
                        })
                        .flatten()
                }
            };
            match (&folded, &shown.result) {
                // `min`/`max` may keep either of equal values (`2`, `2.0`).
                (Some(f), Some(r)) => assert_eq!(
                    oracle::order(f, r),
                    Some(std::cmp::Ordering::Equal),
                    "{ctx}: {f} folded from the rows, {r} shown"
                ),
                (None, None) => {}
                _ => panic!("{ctx}: folded {folded:?}, shown {:?}", shown.result),
            }
        }
    }
    for e in &step.exceptions {
        if let Some((_, p)) = &e.matched
            && p.units() < 10_000
        {
            assert_eq!(
                e.cap().map(Likelihood::units),
                Some(10_000 - p.units()),
                "{ctx}: the cap of a graded exception"
            );
        }
    }
}

/// Each weakest link of a proof's root holds it down: a fact or an
/// unrecorded row as likely as the root, a rating equal to it, or an
/// exception that caps at it.
pub fn check_weakest_links(proof: &Proof, ctx: &str) {
    for &r in &proof.roots {
        let level = proof.node(r).expect("a root").likelihood;
        let links = proof.weakest_links(r);
        assert_eq!(
            links.is_empty(),
            level == Likelihood::CERTAIN,
            "{ctx}: a conclusion less than certain has a weakest link"
        );
        for l in links {
            let n = proof.node(l.node()).expect("a node");
            let at = match (&l, &n.kind) {
                (explain::WeakLink::Fact(_) | explain::WeakLink::Unrecorded(_), _) => n.likelihood,
                (explain::WeakLink::Rating(_), NodeKind::Rule(s)) => s.qualifier,
                (explain::WeakLink::Exception { index, .. }, NodeKind::Rule(s)) => {
                    s.exceptions[*index].cap().expect("a graded exception")
                }
                _ => panic!("{ctx}: a link of the wrong kind of node"),
            };
            assert_eq!(at, level, "{ctx}: {l:?} does not hold the conclusion down");
        }
    }
}
