//! Aggregates: a sub-plan's matches grouped, counted, summed or ranged,
//! then the rest of the plan run once per group. A group whose sum leaves
//! the integer range, or with a match whose computation overflowed, has
//! no value: the rest of the plan then decides, as for any overflow, whether
//! evaluation stops (see `complete`).

use std::collections::HashMap;

use crate::arith::{self, ArithError};
use crate::ir::{AggregateOp, Value};
use crate::likelihood::Likelihood;

use super::{Sink, State};
use crate::engine::plan::{AggregateStep, Plan};

impl State<'_> {
    /// Runs an aggregate's sub-plan, then the rest of the plan once per
    /// group with the aggregate's result bound.
    pub(super) fn aggregate(
        &mut self,
        plan: &Plan,
        sink: &mut Sink,
        step: usize,
        a: &AggregateStep,
        lik: u16,
        height: u32,
    ) {
        let (mut words, mut liks, mut overflowed) = (Vec::new(), Vec::new(), Vec::new());
        let mut local = Sink::Matches {
            group: &a.group_out,
            target: a.target,
            words: &mut words,
            liks: &mut liks,
            overflowed: &mut overflowed,
        };
        let saved = self.enter_sub_plan();
        self.run(&a.plan, &mut local, 0, u16::MAX, 0);
        self.leave_sub_plan(saved);
        let member_fault = self.member_fault.take();
        if self.stopped() {
            return;
        }
        let mut over = vec![false; liks.len()];
        for i in overflowed {
            over[i] = true;
        }
        // Groups in the order first met; matches below the floor count
        // for nothing (and make no group).
        let width = a.group_out.len() + 1;
        let mut groups: Vec<(&[u32], Vec<usize>)> = Vec::new();
        let mut index: HashMap<&[u32], usize> = HashMap::new();
        for (i, &l) in liks.iter().enumerate() {
            if l < a.floor {
                continue;
            }
            let key = &words[i * width..i * width + a.group_out.len()];
            let g = *index.entry(key).or_insert_with(|| {
                groups.push((key, Vec::new()));
                groups.len() - 1
            });
            groups[g].1.push(i);
        }
        if groups.is_empty() && a.group_out.is_empty() {
            groups.push((&[], Vec::new()));
        }
        // Per group its value, or what overflowed: a match's computation
        // or the sum.
        let mut results = Vec::with_capacity(groups.len());
        for (key, members) in &groups {
            let target = |i: usize| self.values.get(words[i * width + width - 1]);
            let value = if members.iter().any(|&i| over[i]) {
                Err(member_fault
                    .as_ref()
                    .map_or_else(String::new, |f| f.computation.clone()))
            } else {
                let value = match a.op {
                    AggregateOp::Count => Ok(Value::Int(members.len() as i64)),
                    AggregateOp::Sum => arith::sum(members.iter().map(|&i| target(i))),
                    AggregateOp::Min | AggregateOp::Max => {
                        arith::extreme(a.op, members.iter().map(|&i| target(i)))
                            .ok_or(ArithError::Kind)
                    }
                };
                match value {
                    Ok(v) => Ok(v),
                    Err(ArithError::Overflow) => {
                        Err(format!("the sum of {} values", members.len()))
                    }
                    Err(_) => continue,
                }
            };
            let glik = members
                .iter()
                .map(|&i| liks[i])
                .min()
                .unwrap_or(Likelihood::SCALE);
            results.push((key.to_vec(), value, glik));
        }
        for (key, value, glik) in results {
            for (&g, &v) in a.group_out.iter().zip(&key) {
                self.vars[g as usize] = v;
            }
            match value {
                Ok(value) => {
                    let id = self.values.intern(value);
                    self.vars[a.result as usize] = id;
                    self.run(plan, sink, step + 1, lik.min(glik), height);
                }
                Err(computation) => {
                    let vars = [a.result];
                    self.overflowed(plan, sink, step + 1, lik.min(glik), height, &vars, |_| {
                        computation
                    });
                }
            }
            if self.stopped() {
                return;
            }
        }
    }
}
