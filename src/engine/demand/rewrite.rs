//! The rewriting as a whole: which predicates the goals need, which are
//! computed in full (read by `unless` or an aggregate, and what they read),
//! and the rewritten program's strata.

use std::collections::HashMap;

use crate::ir::{self, PredId, Program, Rule, RuleId, Stratum};
use crate::likelihood::Likelihood;

use super::super::model::recipe;
use super::adorn::{DemandRules, Mask, needed_copies};
use super::deps::{closure, deps};
use super::{FullReason, Goal};

/// A rewritten program, which of the original rules each of its rules
/// runs, and the demand facts of the goals.
pub(super) struct Rewriting {
    pub program: Program,
    pub origin: Vec<Option<RuleId>>,
    pub seeds: Vec<ir::Fact>,
}

/// Rewrites the program for the goals, or says why the full model is
/// needed.
pub(super) fn rewrite(program: &Program, goals: &[Goal]) -> Result<Rewriting, FullReason> {
    if goals.iter().all(|g| g.args.iter().all(Option::is_none)) {
        return Err(FullReason::NothingBound);
    }
    let deps = deps(program);
    let relevant = closure(&deps, goals.iter().map(|g| g.pred));
    let negated = (0..program.preds.len())
        .filter(|&p| relevant[p] && deps.negated[p])
        .map(|p| PredId(p as u32));
    let full = closure(&deps, negated);
    let is_full = |p: PredId| full[p.0 as usize];
    if goals.iter().all(|g| is_full(g.pred)) {
        return Err(FullReason::ComputedInFull);
    }
    let runs_full = |r: &Rule| r.heads.iter().any(|h| is_full(h.pred));
    for (i, rule) in program.rules.iter().enumerate() {
        let needed = rule.heads.iter().any(|h| relevant[h.pred.0 as usize]);
        if needed
            && (0..rule.heads.len()).any(|h| recipe(RuleId(i as u32), rule, h).stored.is_none())
        {
            return Err(FullReason::PremiseIds);
        }
    }

    let mut out = Program::clone(program);
    out.conflicts.clear();
    out.tests.clear();
    let mut rules: Vec<Rule> = Vec::new();
    let mut origin: Vec<Option<RuleId>> = Vec::new();
    // The predicates and rules computed in full keep their strata.
    let mut strata: Vec<Stratum> = Vec::new();
    for (s, st) in program.strata.iter().enumerate() {
        let mut stratum = Stratum {
            preds: st.preds.iter().copied().filter(|&p| is_full(p)).collect(),
            rules: Vec::new(),
        };
        for &r in &st.rules {
            let rule = program.rule(r);
            if runs_full(rule) {
                stratum.rules.push(RuleId(rules.len() as u32));
                let mut rule = rule.clone();
                rule.stratum = s;
                rules.push(rule);
                origin.push(Some(r));
            }
        }
        strata.push(stratum);
    }

    let last = strata.len();
    let mut demand = DemandRules {
        program,
        deps: &deps,
        full: &full,
        out: &mut out,
        stratum: last,
        masks: HashMap::new(),
        queue: Vec::new(),
        copies: Vec::new(),
        rules: Vec::new(),
    };
    let mut seeds = Vec::new();
    for g in goals {
        if is_full(g.pred) {
            continue;
        }
        let mask: Mask = g.args.iter().map(Option::is_some).collect();
        let Some(d) = demand.demand(g.pred, &mask, program.pred(g.pred).first_seen) else {
            continue;
        };
        let row = g
            .args
            .iter()
            .flatten()
            .map(|v| demand.out.values.intern(v.clone()))
            .collect();
        seeds.push(ir::Fact {
            pred: d,
            row,
            likelihood: Likelihood::CERTAIN,
            origin: ir::FactOrigin::Stated(program.pred(g.pred).first_seen),
        });
    }
    while let Some((p, mask)) = demand.queue.pop() {
        demand.adorn(p, &mask, &runs_full);
    }
    let DemandRules {
        copies,
        rules: demand_rules,
        ..
    } = demand;
    let mut stratum = Stratum {
        preds: (0..out.preds.len())
            .filter(|&p| p >= program.preds.len() || (relevant[p] && !full[p]))
            .map(|p| PredId(p as u32))
            .collect(),
        rules: Vec::new(),
    };
    for (rule, o) in needed_copies(copies)
        .into_iter()
        .map(|c| (c.rule, Some(c.origin)))
        .chain(demand_rules.into_iter().map(|r| (r, None)))
    {
        stratum.rules.push(RuleId(rules.len() as u32));
        rules.push(rule);
        origin.push(o);
    }
    strata.push(stratum);
    out.rules = rules;
    out.strata = strata;
    Ok(Rewriting {
        program: out,
        origin,
        seeds,
    })
}
