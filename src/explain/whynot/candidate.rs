//! A partial match as a report: every condition of the rule, in the order
//! written, marked met, failed or not reached, with what was seen.

use super::search::{Cond, Search, Trace};
use super::{Candidate, CondKind, CondStatus, Condition, bindings_in};
use crate::explain::{ExceptionCheck, explain, ground_atom, pattern_text_vars};
use crate::ir::{self, Arg};

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
        order.sort_by_key(|&(s, _)| s);
        let text =
            |a: &ir::Atom| pattern_text_vars(self.program, self.values, a, t.binding, &body.vars);
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
                    let side = |a: Arg| match crate::explain::arg_value(a, t.binding) {
                        Some(v) => crate::explain::value_text(self.values, v),
                        None => match a {
                            Arg::Var(x) => body.vars.get(x as usize).cloned().unwrap_or_default(),
                            _ => "_".into(),
                        },
                    };
                    let shown =
                        format!("{} {} {}", side(comp.lhs), comp.op.symbol(), side(comp.rhs));
                    let (status, detail) = match t.cmps[i] {
                        Some(true) => (CondStatus::Met, shown),
                        Some(false) => (CondStatus::Failed, format!("{shown} is false")),
                        None => (CondStatus::NotReached, shown),
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
            bindings: bindings_in(self.values, &body.vars, t.binding),
            conditions,
            met,
        }
    }
}
