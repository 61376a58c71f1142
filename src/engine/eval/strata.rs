//! Semi-naive evaluation of one stratum: every rule over everything, then
//! rounds of one variant per recursive atom with new rows, to a fixpoint.

use super::{RuleRef, State, TAG_BASE};
use crate::engine::plan;
use crate::engine::relation::INF;

impl State<'_> {
    /// Evaluates one stratum to its fixpoint.
    ///
    /// With provenance, ties in likelihood go to the derivation of least
    /// proof height. A row's recorded height can go stale when one of its
    /// premises later rises in likelihood with a higher proof (the
    /// derivation through it is then no longer as short as recorded); the
    /// relation notes it, and the stratum's heights are then recomputed
    /// from scratch over the final likelihoods: every derived row's height
    /// is reset to unknown and the rules run again to a fixpoint in which
    /// only a lower height counts as an improvement.
    pub fn stratum(&mut self, rules: &[RuleRef], preds: &[usize]) {
        let mut in_stratum = vec![false; self.rels.len()];
        for &p in preds {
            if let Some(x) = in_stratum.get_mut(p) {
                *x = true;
            }
        }
        for r in rules {
            for h in r.heads {
                if let Some(x) = in_stratum.get_mut(h.pred) {
                    *x = true;
                }
            }
        }
        let members: Vec<usize> = (0..self.rels.len()).filter(|&p| in_stratum[p]).collect();
        for &p in &members {
            self.rels[p].stale = false;
        }
        self.fixpoint(rules, &members, &in_stratum);
        if self.stopped() {
            return;
        }
        if self.provenance && members.iter().any(|&p| self.rels[p].stale) {
            // Only rows this stratum's rules derived are re-derived below: a
            // rule with several conclusions may have put rows into a member
            // predicate from an earlier stratum, and their heights are final.
            for &p in &members {
                let ours: Vec<u32> = rules
                    .iter()
                    .flat_map(|r| r.heads.iter().filter(|h| h.pred == p).map(|h| h.tag))
                    .collect();
                let rel = &mut self.rels[p];
                rel.stale = false;
                for i in 0..rel.len as usize {
                    let tag = rel.tag.get(i);
                    if rel.tags[tag as usize] < TAG_BASE && ours.contains(&tag) {
                        rel.height.set(i, INF);
                    }
                }
            }
            self.fixpoint(rules, &members, &in_stratum);
        }
        for &p in &members {
            self.rels[p].clear_delta();
        }
    }

    fn fixpoint(&mut self, rules: &[RuleRef], members: &[usize], in_stratum: &[bool]) {
        for &p in members {
            self.rels[p].clear_delta();
        }
        // Round 1: every rule over everything.
        for r in rules {
            let plan = plan::compile(&r.rule.body, None, &mut self.rels);
            self.run_rule(r, &plan);
            if self.stopped() || self.check_deadline() {
                return;
            }
        }
        for &p in members {
            self.rels[p].close_round();
        }
        // Later rounds: one variant per recursive atom with a delta.
        loop {
            if members.iter().all(|&p| self.rels[p].delta_is_empty()) {
                break;
            }
            for r in rules {
                for (i, atom) in r.rule.body.atoms.iter().enumerate() {
                    let p = atom.pred.0 as usize;
                    if !in_stratum.get(p).copied().unwrap_or(false) || self.rels[p].delta_is_empty()
                    {
                        continue;
                    }
                    let plan = plan::compile(&r.rule.body, Some(i), &mut self.rels);
                    self.run_rule(r, &plan);
                    if self.stopped() || self.check_deadline() {
                        return;
                    }
                }
            }
            for &p in members {
                self.rels[p].close_round();
            }
        }
    }
}
