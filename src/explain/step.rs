//! One rule step of a proof: the rule's bindings under a derivation, its
//! `because` sentence, citations, and what it checked (comparisons,
//! exceptions).

use super::compute::CountedRows;
use super::{
    Binding, Citation, ComparisonCheck, ExceptionCheck, RuleStep, arg_value, bind_atom, compare,
    ground_atom, pattern_of, pattern_text,
};
use crate::engine::{Model, RowId};
use crate::ir::{self, Program, RuleId, TemplatePiece, Value, ValueId};
use crate::likelihood::Likelihood;

/// The bindings of a rule's variables from its head row and premise rows.
pub(crate) fn bind_rule(
    rule: &ir::Rule,
    head: usize,
    head_row: &[ValueId],
    premises: &[Option<&[ValueId]>],
) -> Vec<Option<ValueId>> {
    let mut b = vec![None; rule.body.vars.len()];
    for (atom, row) in rule.body.atoms.iter().zip(premises) {
        if let Some(row) = row {
            bind_atom(&mut b, &atom.args, row);
        }
    }
    if let Some(h) = rule.heads.get(head) {
        bind_atom(&mut b, &h.args, head_row);
    }
    b
}

/// A rule step under complete bindings, and for each of its aggregates
/// the rows of each match it counted (to be linked as nodes).
pub(crate) fn rule_step(
    model: &Model,
    rule: RuleId,
    head: usize,
    binding: &[Option<ValueId>],
) -> (RuleStep, Vec<CountedRows>) {
    let program = model.program();
    let r = program.rule(rule);
    let (aggregates, counted) = super::compute::aggregates(model, &r.body, binding)
        .into_iter()
        .unzip();
    let step = RuleStep {
        rule,
        name: r.name.clone(),
        at: program.sources.location(r.span),
        qualifier: r.likelihood,
        head,
        bindings: bindings_of(model, &r.body.vars, binding),
        because: r
            .because
            .as_ref()
            .map(|t| fill_template(model, &r.body.vars, t, binding)),
        citations: citations(program, &r.cites),
        premises: Vec::new(),
        computations: super::compute::computations(model, &r.body, binding),
        aggregates,
        comparisons: comparisons(model, &r.body, binding),
        exceptions: exceptions(model, &r.body, binding),
    };
    (step, counted)
}

pub(crate) fn bindings_of(
    model: &Model,
    vars: &[String],
    binding: &[Option<ValueId>],
) -> Vec<Binding> {
    vars.iter()
        .zip(binding)
        .filter(|(name, _)| !name.starts_with('_'))
        .filter_map(|(name, v)| {
            Some(Binding {
                name: name.clone(),
                value: model.value((*v)?)?.clone(),
            })
        })
        .collect()
}

/// A `because` template with its variables replaced by their values
/// (strings without their quotes: the sentence is prose).
pub(crate) fn fill_template(
    model: &Model,
    vars: &[String],
    template: &[TemplatePiece],
    binding: &[Option<ValueId>],
) -> String {
    let mut s = String::new();
    for piece in template {
        match piece {
            TemplatePiece::Text(t) => s.push_str(t),
            TemplatePiece::Var(x) => match binding
                .get(*x as usize)
                .copied()
                .flatten()
                .and_then(|v| model.value(v))
            {
                Some(Value::Text(t)) => s.push_str(t),
                Some(v) => s.push_str(&v.to_string()),
                None => {
                    s.push('{');
                    s.push_str(vars.get(*x as usize).map_or("?", String::as_str));
                    s.push('}');
                }
            },
        }
    }
    s
}

pub(crate) fn citations(program: &Program, cites: &[ir::Cite]) -> Vec<Citation> {
    cites
        .iter()
        .map(|c| {
            let src = program.source_decls.get(c.source.0 as usize);
            Citation {
                source: src.map_or_else(String::new, |s| s.name.clone()),
                title: src.map_or_else(String::new, |s| s.title.clone()),
                section: c.section.clone(),
                quote: c.quote.clone(),
                at: program.sources.location(c.span),
            }
        })
        .collect()
}

pub(crate) fn comparisons(
    model: &Model,
    body: &ir::Body,
    binding: &[Option<ValueId>],
) -> Vec<ComparisonCheck> {
    let program = model.program();
    body.comparisons
        .iter()
        .filter_map(|c| {
            let l = arg_value(c.lhs, binding)?;
            let r = arg_value(c.rhs, binding)?;
            Some(ComparisonCheck {
                text: program.sources.slice(c.span).to_string(),
                left: model.value(l)?.clone(),
                op: c.op,
                right: model.value(r)?.clone(),
                holds: compare(model.values(), program, l, c.op, r, c.kind),
                at: program.sources.location(c.span),
            })
        })
        .collect()
}

pub(crate) fn exceptions(
    model: &Model,
    body: &ir::Body,
    binding: &[Option<ValueId>],
) -> Vec<ExceptionCheck> {
    let program = model.program();
    body.exceptions
        .iter()
        .map(|a| {
            let pattern = pattern_of(a, binding);
            let rows = model.matching(a.pred, &pattern);
            // The most likely match decides the cap (first one on a tie).
            let mut best: Option<(RowId, Likelihood)> = None;
            for id in rows.iter().copied() {
                if let Some(l) = model.likelihood(a.pred, id)
                    && best.is_none_or(|(_, b)| l > b)
                {
                    best = Some((id, l));
                }
            }
            let matched = best.and_then(|(id, l)| {
                let row = model.row(a.pred, id)?;
                Some((ground_atom(model, a.pred, row), l))
            });
            ExceptionCheck {
                atom: pattern_text(program, model.values(), a, binding),
                derived: !rows.is_empty(),
                matched,
                at: program.sources.location(a.span),
            }
        })
        .collect()
}
