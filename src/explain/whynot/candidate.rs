//! A partial match as a report: every condition of the rule, in the order
//! written, marked met, failed or not reached, with what was seen.

use super::search::{Cond, Search, Trace};
use super::{Candidate, CondKind, CondStatus, Condition, bindings_in};
use crate::arith;
use crate::engine::RowId;
use crate::explain::{
    AggregateCheck, ExceptionCheck, compute, explain, explain_all, ground_atom, pattern_text_vars,
};
use crate::ir::{self, Arg, PredId, ValueId};

impl Search<'_, '_> {
    pub(super) fn candidate(&self, t: &Trace, met: usize) -> Candidate {
        let body = &self.rule.body;
        let sources = &self.program.sources;
        let mut order: Vec<(u32, Cond)> = Vec::new();
        order.extend(
            body.atoms
                .iter()
                .enumerate()
                .map(|(i, a)| (a.span.start, Cond::Atom(i))),
        );
        order.extend(
            body.comparisons
                .iter()
                .enumerate()
                .map(|(i, c)| (c.span.start, Cond::Cmp(i))),
        );
        order.extend(
            body.exceptions
                .iter()
                .enumerate()
                .map(|(i, e)| (e.span.start, Cond::Exc(i))),
        );
        // Named assignments and every aggregate are conditions of their
        // own; an expression computed inside a comparison is shown there.
        order.extend(
            body.assignments
                .iter()
                .enumerate()
                .filter(|&(i, _)| self.shown_computation(i))
                .map(|(i, a)| (a.span.start, Cond::Assign(i))),
        );
        order.extend(
            body.aggregates
                .iter()
                .enumerate()
                .map(|(i, a)| (a.span.start, Cond::Agg(i))),
        );
        order.sort_by_key(|&(s, _)| s);
        let text =
            |a: &ir::Atom| pattern_text_vars(self.program, &self.values, a, t.binding, &body.vars);
        let side = |a: Arg| match crate::explain::arg_value(a, t.binding) {
            Some(v) => crate::explain::value_text(&self.values, v),
            None => match a {
                Arg::Var(x) => body.vars.get(x as usize).cloned().unwrap_or_default(),
                _ => "_".into(),
            },
        };
        let conditions = order
            .into_iter()
            .map(|(_, c)| match c {
                Cond::Atom(i) => {
                    let a = &body.atoms[i];
                    let (status, detail) = match t.atoms[i] {
                        Some(Ok(row)) => (
                            CondStatus::Met,
                            match self.model.row(a.pred, row) {
                                Some(r) => format!(
                                    "matched `{}` ({})",
                                    self.model.format_row(a.pred, r),
                                    self.model
                                        .likelihood(a.pred, row)
                                        .map_or_else(String::new, |l| l.to_string())
                                ),
                                None => "matched".to_string(),
                            },
                        ),
                        Some(Err(())) => {
                            (CondStatus::Failed, format!("no row matches `{}`", text(a)))
                        }
                        None => (CondStatus::NotReached, format!("would need `{}`", text(a))),
                    };
                    Condition {
                        kind: CondKind::Atom,
                        text: sources.slice(a.span).to_string(),
                        at: sources.location(a.span),
                        status,
                        detail,
                        proof: None,
                    }
                }
                Cond::Cmp(i) => {
                    let comp = &body.comparisons[i];
                    // A side computed by a hidden `=` (an expression) is
                    // shown as written.
                    let side = |a: Arg| match crate::explain::arg_value(a, t.binding) {
                        Some(v) => crate::explain::value_text(&self.values, v),
                        None => match a {
                            Arg::Var(x) => body.vars.get(x as usize).map_or_else(String::new, |n| {
                                n.strip_prefix("_=").unwrap_or(n).to_string()
                            }),
                            _ => "_".into(),
                        },
                    };
                    let shown =
                        format!("{} {} {}", side(comp.lhs), comp.op.symbol(), side(comp.rhs));
                    // A side whose expression failed (a division by zero, a
                    // value of the wrong kind) fails the comparison.
                    let uncomputable = [comp.lhs, comp.rhs].into_iter().find_map(|a| {
                        let Arg::Var(x) = a else { return None };
                        let j = body.assignments.iter().position(|s| s.var == x)?;
                        let hidden = body.vars.get(x as usize).is_some_and(|n| n.starts_with('_'));
                        (hidden && t.comps.get(j) == Some(&Some(false))).then_some(a)
                    });
                    let (status, detail) = match (t.cmps[i], uncomputable) {
                        (Some(true), _) => (CondStatus::Met, shown),
                        (Some(false), _) => (CondStatus::Failed, format!("{shown} is false")),
                        (None, Some(a)) => (
                            CondStatus::Failed,
                            format!("{} cannot be computed", side(a)),
                        ),
                        (None, None) => (CondStatus::NotReached, shown),
                    };
                    Condition {
                        kind: CondKind::Comparison,
                        text: sources.slice(comp.span).to_string(),
                        at: sources.location(comp.span),
                        status,
                        detail,
                        proof: None,
                    }
                }
                Cond::Assign(i) => {
                    let a = &body.assignments[i];
                    let name = body.vars.get(a.var as usize).cloned().unwrap_or_default();
                    let values = arith::display(&a.expr, &|x| {
                        crate::explain::arg_value(x, t.binding)
                            .and_then(|id| self.values.try_get(id).cloned())
                    });
                    let (status, detail) = match t.comps.get(i).copied().flatten() {
                        // An expression of the conclusion has no name.
                        Some(true) if name.starts_with('_') => (
                            CondStatus::Met,
                            format!("{values} = {}", side(Arg::Var(a.var))),
                        ),
                        Some(true) => (
                            CondStatus::Met,
                            format!("{name} = {values} = {}", side(Arg::Var(a.var))),
                        ),
                        Some(false) => (
                            CondStatus::Failed,
                            match crate::explain::arg_value(Arg::Var(a.var), t.binding) {
                                Some(v) => format!(
                                    "{values} is not {}",
                                    crate::explain::value_text(&self.values, v)
                                ),
                                None => format!("{values} cannot be computed"),
                            },
                        ),
                        None if name.starts_with('_') => (CondStatus::NotReached, values),
                        None => (CondStatus::NotReached, format!("{name} = {values}")),
                    };
                    Condition {
                        kind: CondKind::Computation,
                        text: sources.slice(a.span).to_string(),
                        at: sources.location(a.span),
                        status,
                        detail,
                        proof: None,
                    }
                }
                Cond::Agg(i) => {
                    let agg = &body.aggregates[i];
                    let k = body.assignments.len() + i;
                    let written = sources.slice(agg.span).to_string();
                    let (status, detail, proof) = match t.comps.get(k).copied().flatten() {
                        Some(ok) => {
                            let (counted, below, _) = compute::matches(self.model, agg, t.binding);
                            let rows: Vec<(PredId, RowId)> = counted
                                .iter()
                                .take(AggregateCheck::SHOWN)
                                .flat_map(|m| m.rows.clone())
                                .collect();
                            (
                                if ok {
                                    CondStatus::Met
                                } else {
                                    CondStatus::Failed
                                },
                                if counted.is_empty() && self.binds_own_group(agg) {
                                    "no match here, so no value".to_string()
                                } else {
                                    self.aggregate_detail(agg, &counted, &below, t.binding)
                                },
                                explain_all(self.model, &rows).map(Box::new),
                            )
                        }
                        None => (
                            CondStatus::NotReached,
                            "needs its group bound".to_string(),
                            None,
                        ),
                    };
                    Condition {
                        kind: CondKind::Aggregate,
                        text: written,
                        at: sources.location(agg.span),
                        status,
                        detail,
                        proof,
                    }
                }
                Cond::Exc(i) => {
                    let e = &body.exceptions[i];
                    let shown = text(e);
                    let (status, detail, proof) = match t.excs[i] {
                        Some(None) => (CondStatus::Met, format!("no `{shown}` was derived"), None),
                        Some(Some(row)) if !self.blocks(i, t.excs[i]) => {
                            let check = ExceptionCheck {
                                atom: shown.clone(),
                                derived: true,
                                matched: self.model.row(e.pred, row).and_then(|r| {
                                    Some((
                                        ground_atom(self.model, e.pred, r),
                                        self.model.likelihood(e.pred, row)?,
                                    ))
                                }),
                                at: sources.location(e.span),
                            };
                            (
                                CondStatus::Met,
                                match (&check.matched, check.cap()) {
                                    (Some((row, p)), Some(cap)) => format!(
                                        "weakened by `{row}`, {p}: the conclusion is capped at {cap}"
                                    ),
                                    _ => format!("`{shown}` was derived"),
                                },
                                None,
                            )
                        }
                        Some(Some(row)) => (
                            CondStatus::Failed,
                            format!(
                                "`{}` was derived",
                                self.model
                                    .row(e.pred, row)
                                    .map_or(shown.clone(), |r| self.model.format_row(e.pred, r))
                            ),
                            explain(self.model, e.pred, row).map(Box::new),
                        ),
                        None => (CondStatus::NotReached, format!("needs no `{shown}`"), None),
                    };
                    Condition {
                        kind: CondKind::Exception,
                        text: sources.slice(e.span).to_string(),
                        at: sources.location(e.span),
                        status,
                        detail,
                        proof,
                    }
                }
            })
            .collect();
        Candidate {
            bindings: bindings_in(&self.values, &body.vars, t.binding),
            conditions,
            met,
        }
    }

    /// What an aggregate counted: its value, how many matches and how
    /// likely the least, the rows counted and those below its floor (what
    /// would count if firmed up).
    fn aggregate_detail(
        &self,
        agg: &ir::Aggregate,
        counted: &[compute::Match],
        below: &[compute::Match],
        binding: &[Option<ValueId>],
    ) -> String {
        let body = &self.rule.body;
        let name = body
            .vars
            .get(agg.result as usize)
            .map_or("?", String::as_str);
        let name = name.strip_prefix("_=").unwrap_or(name);
        let value = crate::explain::arg_value(Arg::Var(agg.result), binding).map_or_else(
            || "nothing".to_string(),
            |v| crate::explain::value_text(&self.values, v),
        );
        let rows = |ms: &[compute::Match]| -> String {
            let shown: Vec<String> = ms
                .iter()
                .take(AggregateCheck::SHOWN)
                .map(|m| {
                    let atoms: Vec<String> = m
                        .rows
                        .iter()
                        .filter_map(|&(p, r)| {
                            Some(format!(
                                "`{}`",
                                self.model.format_row(p, self.model.row(p, r)?)
                            ))
                        })
                        .collect();
                    format!("{} · {}", atoms.join(", "), m.likelihood)
                })
                .collect();
            let mut s = shown.join("; ");
            if ms.len() > AggregateCheck::SHOWN {
                s.push_str(&format!(" and {} more", ms.len() - AggregateCheck::SHOWN));
            }
            s
        };
        let n = counted.len();
        let mut s = format!(
            "{name} = {value}: counted {n} match{}",
            if n == 1 { "" } else { "es" }
        );
        if let Some(f) = agg.floor {
            s.push_str(&format!(" at or above {}", f.word()));
        }
        if n > 0 {
            s.push_str(&format!(" ({})", rows(counted)));
        }
        if !below.is_empty() {
            s.push_str(&format!(
                "; less likely than {}, not counted: {}",
                agg.floor.map_or("the floor", |f| f.word()),
                rows(below)
            ));
        }
        s
    }
}
