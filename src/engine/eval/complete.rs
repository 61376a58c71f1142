//! The completion check: whether an integer overflow (or a division by
//! zero) met on a partial binding belongs to a binding of the whole body.
//!
//! **The rule** (docs/language.md, "Arithmetic"): an overflow stops
//! evaluation exactly when some binding of all the body's atoms has an
//! overflowing computation and no other condition of that binding fails.
//! A condition reading an overflowed value, directly or through another
//! computation, neither holds nor fails; a division by zero, a wrong kind,
//! a failing comparison or a certain exception makes the binding fail; a
//! graded exception does not.
//!
//! **How.** A plan places a computation as soon as what it reads is bound,
//! so it may overflow before later atoms are matched. There the binding
//! does not stop evaluation: the rest of the plan runs from the next step
//! with the overflowed variable *unknown* — a step that reads an unknown
//! variable is passed over (an assignment or aggregate reading one makes
//! its own variables unknown), a later overflow makes its variable unknown
//! too, anything else runs as usual and may fail the binding. Reaching
//! the end is a binding of the whole body by the rule: only then is the
//! fault set, which stops everything. Atoms never read an unknown
//! variable: `check` binds `=` only to variables no positive atom binds,
//! and an aggregate's result and free group variables likewise.
//!
//! **Why this is the rule whatever the plan order.** A completed check is
//! a binding of every atom over the relations as they are, which only grow
//! within a stratum (lower strata, read by `unless` and aggregates, are
//! final), with the same conditions deciding: the rule holds on the final
//! relations. Conversely, take a binding the rule says stops evaluation.
//! Semi-naive evaluation enumerates every binding of the final relations
//! in some variant and round (its newest row as the delta, the others in
//! the full relations of that round) in that variant's plan order, as far
//! as the plan gets: every step before the first overflow holds (none
//! reads an unknown value, and the binding has no failing condition), and
//! from the first overflow on the check runs over the same relations, so
//! it completes. Where a binding is met first, and in what order, moves
//! nothing but the moment evaluation stops.
//!
//! Divisions by zero use the same check: one is counted (warned of) only
//! when its binding completes, with the divided variable unknown.

use crate::arith::{self, ArithError};
use crate::engine::plan::{Negation, Operand, Plan, Step};
use crate::engine::relation::NIL;
use crate::ir;

use super::faults::arg_value;
use super::{ArithFault, Sink, State};

/// What a running check looks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum Purpose {
    /// No check is running.
    #[default]
    None,
    /// An overflow: at the end, stop evaluation (or, in an aggregate's
    /// sub-plan, mark the match as overflowed).
    Overflow,
    /// A division by zero: at the end, note that it counts.
    Division,
}

/// The state of the completion check.
#[derive(Default)]
pub(super) struct Completion {
    pub purpose: Purpose,
    /// Whether the running check reached the end of the plan.
    pub found: bool,
    /// By variable: its computation overflowed (or read such a value).
    pub unknown: Vec<bool>,
}

/// What an aggregate's sub-plan saves of the enclosing check: the
/// sub-plan's matches are enumerated afresh.
pub(super) struct Saved(Purpose, bool);

impl State<'_> {
    /// Leaves a running check for an aggregate's sub-plan.
    pub(super) fn enter_sub_plan(&mut self) -> Saved {
        let saved = Saved(self.completion.purpose, self.completion.found);
        self.completion.purpose = Purpose::None;
        saved
    }

    pub(super) fn leave_sub_plan(&mut self, saved: Saved) {
        self.completion.purpose = saved.0;
        self.completion.found = saved.1;
    }

    /// During a check, a step that reads an unknown variable: passed over,
    /// what it binds unknown. True when it handled the step.
    pub(super) fn passed_over(
        &mut self,
        plan: &Plan,
        sink: &mut Sink,
        step: usize,
        lik: u16,
        height: u32,
    ) -> bool {
        let unknown = &self.completion.unknown;
        let reads = |o: &Operand| matches!(*o, Operand::Var(v) if unknown[v as usize]);
        let binds: &[u32] = match &plan.steps[step] {
            Step::Compare { lhs, rhs, .. } if reads(lhs) || reads(rhs) => &[],
            Step::NotExists {
                how: Negation::Row(ops) | Negation::Index(_, ops),
                ..
            } if ops.iter().any(reads) => &[],
            Step::Assign { var, expr } => {
                let mut vars = Vec::new();
                expr.vars(&mut vars);
                if !vars.iter().any(|&v| unknown[v as usize]) {
                    return false;
                }
                // Computed with the unknown values as overflows: a division
                // by zero or a wrong kind elsewhere in it still fails.
                let f = {
                    let (vals, vars) = (&self.values, &self.vars);
                    arith::failures(expr, &|a| match a {
                        ir::Arg::Var(v) if unknown[v as usize] => None,
                        _ => arg_value(vals, vars, a),
                    })
                };
                if f.kind || (f.division_by_zero && self.completion.purpose == Purpose::Overflow) {
                    return true;
                }
                self.with_unknown(plan, sink, step + 1, lik, height, &[*var]);
                return true;
            }
            Step::Aggregate(a) if a.reads.iter().any(|&v| unknown[v as usize]) => {
                let mut vars = a.group_out.clone();
                vars.push(a.result);
                self.with_unknown(plan, sink, step + 1, lik, height, &vars);
                return true;
            }
            _ => return false,
        };
        self.with_unknown(plan, sink, step + 1, lik, height, binds);
        true
    }

    /// Runs the plan from `step` with `vars` unknown.
    fn with_unknown(
        &mut self,
        plan: &Plan,
        sink: &mut Sink,
        step: usize,
        lik: u16,
        height: u32,
        vars: &[u32],
    ) {
        for &v in vars {
            self.completion.unknown[v as usize] = true;
        }
        self.run(plan, sink, step, lik, height);
        for &v in vars {
            self.completion.unknown[v as usize] = false;
        }
    }

    /// An assignment (step `step`) that failed with `e`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn assign_failed(
        &mut self,
        plan: &Plan,
        sink: &mut Sink,
        step: usize,
        var: u32,
        expr: &ir::Expr,
        e: ArithError,
        lik: u16,
        height: u32,
    ) {
        // The failure met first may hide others (`A * B + C / 0`).
        let f = if e == ArithError::Kind {
            arith::Failures {
                kind: true,
                ..arith::Failures::default()
            }
        } else {
            let (vals, vars) = (&self.values, &self.vars);
            arith::failures(expr, &|a| arg_value(vals, vars, a))
        };
        if f.kind {
            return;
        }
        let purpose = self.completion.purpose;
        if f.division_by_zero {
            match purpose {
                Purpose::None => {
                    self.completion.purpose = Purpose::Division;
                    self.completion.found = false;
                    self.with_unknown(plan, sink, step + 1, lik, height, &[var]);
                    let found = self.completion.found;
                    self.completion.purpose = Purpose::None;
                    if found {
                        self.division_by_zero();
                    }
                }
                Purpose::Division => self.with_unknown(plan, sink, step + 1, lik, height, &[var]),
                Purpose::Overflow => {}
            }
            return;
        }
        self.overflowed(plan, sink, step + 1, lik, height, &[var], |s| {
            arith::display(expr, &|a| arg_value(&s.values, &s.vars, a))
        });
    }

    /// A computation overflowed, leaving `vars` unknown: the rest of the
    /// plan from `step` decides whether evaluation stops. `computation`
    /// says what overflowed; it reads only what is bound before `step`,
    /// which the check leaves as it is.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn overflowed(
        &mut self,
        plan: &Plan,
        sink: &mut Sink,
        step: usize,
        lik: u16,
        height: u32,
        vars: &[u32],
        computation: impl FnOnce(&Self) -> String,
    ) {
        if self.completion.purpose != Purpose::None {
            // A second overflow of the binding being checked.
            self.with_unknown(plan, sink, step, lik, height, vars);
            return;
        }
        self.completion.purpose = Purpose::Overflow;
        self.completion.found = false;
        self.with_unknown(plan, sink, step, lik, height, vars);
        self.completion.purpose = Purpose::None;
        if !self.completion.found {
            return;
        }
        let text = computation(self);
        match sink {
            Sink::Matches { .. } => {
                self.member_fault.get_or_insert(ArithFault {
                    rule: self.current,
                    computation: text,
                });
            }
            _ => {
                if let Some(f) = &mut self.fault {
                    f.computation = text;
                }
            }
        }
    }

    /// The end of the plan during a check: the binding completes.
    pub(super) fn completed(&mut self, sink: &mut Sink, lik: u16) {
        self.completion.found = true;
        if self.completion.purpose == Purpose::Division {
            return;
        }
        match sink {
            // An aggregate's match: its group's value is unknown.
            Sink::Matches {
                group,
                target,
                words,
                liks,
                overflowed,
            } => {
                for &g in group.iter() {
                    words.push(self.vars[g as usize]);
                }
                words.push(match *target {
                    Some(t) if !self.completion.unknown[t as usize] => self.vars[t as usize],
                    _ => NIL,
                });
                liks.push(lik);
                overflowed.push(liks.len() - 1);
            }
            // Stops evaluation; `overflowed` says what overflowed.
            _ => {
                if self.fault.is_none() {
                    self.fault = Some(ArithFault {
                        rule: self.current,
                        computation: String::new(),
                    });
                }
            }
        }
    }
}
