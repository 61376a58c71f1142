//! Aggregates: a sub-plan's matches grouped, counted, summed or ranged,
//! then the rest of the plan run once per group.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::arith::{self, ArithError};
use crate::ir::{self, AggregateOp, Value};
use crate::likelihood::Likelihood;

use super::{ArithFault, Sink, State};
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
        let (mut words, mut liks) = (Vec::new(), Vec::new());
        let mut local = Sink::Matches {
            group: &a.group_out,
            target: a.target,
            words: &mut words,
            liks: &mut liks,
        };
        self.run(&a.plan, &mut local, 0, u16::MAX, 0);
        if self.stopped() {
            return;
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
        let mut results = Vec::with_capacity(groups.len());
        for (key, members) in &groups {
            let target = |i: usize| words[i * width + width - 1];
            let value = match a.op {
                AggregateOp::Count => Some(Value::Int(members.len() as i64)),
                AggregateOp::Sum => {
                    let mut sum = Ok(Value::Int(0));
                    for &i in members {
                        sum = sum.and_then(|s| {
                            arith::binary(ir::ArithOp::Add, &s, self.values.get(target(i)))
                        });
                    }
                    match sum {
                        Ok(v) => Some(v),
                        Err(ArithError::Overflow) => {
                            if self.fault.is_none() {
                                self.fault = Some(ArithFault {
                                    rule: self.current,
                                    computation: format!("the sum of {} values", members.len()),
                                });
                            }
                            return;
                        }
                        Err(_) => None,
                    }
                }
                AggregateOp::Min | AggregateOp::Max => {
                    let want = if a.op == AggregateOp::Min {
                        Ordering::Less
                    } else {
                        Ordering::Greater
                    };
                    let mut best: Option<u32> = None;
                    let mut comparable = true;
                    for &i in members {
                        let v = target(i);
                        best = match best {
                            None => Some(v),
                            Some(b) => match ir::order(self.values.get(v), self.values.get(b)) {
                                Some(o) if o == want => Some(v),
                                Some(_) => Some(b),
                                None => {
                                    comparable = false;
                                    Some(b)
                                }
                            },
                        };
                    }
                    best.filter(|_| comparable)
                        .map(|b| self.values.get(b).clone())
                }
            };
            let Some(value) = value else { continue };
            let glik = members
                .iter()
                .map(|&i| liks[i])
                .min()
                .unwrap_or(Likelihood::SCALE);
            results.push((key.to_vec(), value, glik));
        }
        for (key, value, glik) in results {
            let id = self.values.intern(value);
            self.vars[a.result as usize] = id;
            for (&g, &v) in a.group_out.iter().zip(&key) {
                self.vars[g as usize] = v;
            }
            self.run(plan, sink, step + 1, lik.min(glik), height);
            if self.stopped() {
                return;
            }
        }
    }
}
