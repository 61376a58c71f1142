//! Which predicates the rules read: per predicate, what the rules
//! concluding it read, and which are read by `unless` or an aggregate.

use crate::ir::{Body, PredId, Program};

/// The predicates of the rules' bodies, per head predicate, and those read
/// by `unless` or an aggregate.
pub(super) struct Deps {
    /// `reads[p]`: every predicate a rule concluding `p` reads.
    pub reads: Vec<Vec<PredId>>,
    /// Read by an exception or inside an aggregate, in some rule.
    pub negated: Vec<bool>,
    /// Concluded by some rule.
    pub derived: Vec<bool>,
}

fn body_preds(body: &Body, all: &mut Vec<PredId>, negated: &mut Vec<PredId>) {
    all.extend(body.atoms.iter().map(|a| a.pred));
    for e in &body.exceptions {
        all.push(e.pred);
        negated.push(e.pred);
    }
    for agg in &body.aggregates {
        let mut inner = Vec::new();
        body_preds(&agg.body, &mut inner, negated);
        negated.extend(&inner);
        all.extend(inner);
    }
}

pub(super) fn deps(program: &Program) -> Deps {
    let n = program.preds.len();
    let mut d = Deps {
        reads: vec![Vec::new(); n],
        negated: vec![false; n],
        derived: vec![false; n],
    };
    for rule in &program.rules {
        let (mut all, mut neg) = (Vec::new(), Vec::new());
        body_preds(&rule.body, &mut all, &mut neg);
        for h in &rule.heads {
            let p = h.pred.0 as usize;
            d.derived[p] = true;
            d.reads[p].extend(&all);
            for &q in &neg {
                d.negated[q.0 as usize] = true;
            }
        }
    }
    d
}

/// `from` and every predicate they read, transitively.
pub(super) fn closure(deps: &Deps, from: impl IntoIterator<Item = PredId>) -> Vec<bool> {
    let mut seen = vec![false; deps.reads.len()];
    let mut stack: Vec<PredId> = from.into_iter().collect();
    while let Some(p) = stack.pop() {
        if std::mem::replace(&mut seen[p.0 as usize], true) {
            continue;
        }
        stack.extend(&deps.reads[p.0 as usize]);
    }
    seen
}
