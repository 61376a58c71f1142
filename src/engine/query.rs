//! Query patterns (`threat(china, R, _)`) resolved against a model, and
//! their answers as a table of value ids: one row per distinct binding.

use std::collections::HashMap;

use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::ir::{PredId, Value, ValueId};
use crate::likelihood::Likelihood;
use crate::syntax::ast;

use super::{Model, PatternArg, RowId};

/// A query pattern resolved against a program and model.
#[derive(Clone, Debug)]
pub struct Query {
    pub pred: PredId,
    pub args: Vec<PatternArg>,
    /// Names of the variables, indexed by `PatternArg::Var`.
    pub vars: Vec<String>,
}

/// Resolves a parsed atom (`threat(china, R, _)`) to a query. Variables
/// starting with `_` match anything and make no column. A constant that
/// appears nowhere in the model simply matches nothing.
pub fn resolve_query(model: &Model, atom: &ast::Atom) -> Result<Query, Diagnostic> {
    let program = model.program();
    let Some(pred) = program.pred_id(&atom.pred.text) else {
        let mut d = Diagnostic::error(
            Code::UnknownPredicate,
            format!("no predicate `{}`", atom.pred.text),
        );
        if let Some(s) = did_you_mean(
            &atom.pred.text,
            program.preds.iter().map(|p| p.name.as_str()),
        ) {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        return Err(d);
    };
    let p = program.pred(pred);
    if p.arity != atom.args.len() {
        return Err(Diagnostic::error(
            Code::ArityMismatch,
            format!(
                "`{}` takes {} argument{}, the query gives {}",
                p.name,
                p.arity,
                if p.arity == 1 { "" } else { "s" },
                atom.args.len()
            ),
        ));
    }
    let mut vars: Vec<String> = Vec::new();
    let args = atom
        .args
        .iter()
        .map(|t| match (t, pattern_value(t)) {
            (_, Some(v)) => PatternArg::Value(model.values().lookup(&v).unwrap_or(super::NIL)),
            (ast::Term::Var(n), None) if !n.text.starts_with('_') => {
                let i = vars.iter().position(|x| *x == n.text).unwrap_or_else(|| {
                    vars.push(n.text.clone());
                    vars.len() - 1
                });
                PatternArg::Var(i as u32)
            }
            // `_X`, or an expression, which cannot stand in a query atom
            // (the grammar has none there): anything matches it.
            _ => PatternArg::Any,
        })
        .collect();
    Ok(Query { pred, args, vars })
}

/// The constant a term of a pattern stands for; `None` for a variable.
pub(crate) fn pattern_value(term: &ast::Term) -> Option<Value> {
    Some(match term {
        ast::Term::Var(_) | ast::Term::Expr(_) => return None,
        ast::Term::Symbol(n) => Value::Text(n.text.as_str().into()),
        ast::Term::Str(s) => Value::Text(s.value.as_str().into()),
        ast::Term::Int { value, .. } => Value::Int(*value),
        ast::Term::Dec { value, .. } => Value::Dec(*value),
    })
}

/// The answers to a query: one per distinct binding of its variables, with
/// the best likelihood among the matching rows, in insertion order.
///
/// When every argument of the pattern is a variable or a constant, each
/// matching row is its own binding, and the table keeps only the row ids
/// (four bytes a row); the bindings are read from the model as they are
/// listed. A wildcard can make rows share a binding: then the distinct
/// bindings are collected up front.
#[derive(Clone, Debug)]
pub struct QueryTable {
    pub pred: PredId,
    pub columns: Vec<String>,
    answers: Answers,
}

#[derive(Clone, Debug)]
enum Answers {
    /// The matching rows; `first[c]` is the argument position of column `c`.
    Rows { ids: Vec<RowId>, first: Vec<usize> },
    /// Distinct bindings with their best likelihood and the first row
    /// that has it.
    Grouped(Vec<(Vec<ValueId>, Likelihood, RowId)>),
}

impl QueryTable {
    /// How many answers.
    pub fn len(&self) -> usize {
        match &self.answers {
            Answers::Rows { ids, .. } => ids.len(),
            Answers::Grouped(rows) => rows.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The answers: the values of the columns, and the likelihood.
    pub fn rows<'a>(
        &'a self,
        model: &'a Model,
    ) -> impl Iterator<Item = (Vec<ValueId>, Likelihood)> + 'a {
        self.answers(model).map(|(values, l, _)| (values, l))
    }

    /// The answers with the row of the pattern's predicate each was read
    /// from (of several rows that give one binding, the first of the best
    /// likelihood): what an answer's proof starts from.
    pub fn answers<'a>(
        &'a self,
        model: &'a Model,
    ) -> Box<dyn Iterator<Item = (Vec<ValueId>, Likelihood, RowId)> + 'a> {
        match &self.answers {
            Answers::Rows { ids, first } => Box::new(ids.iter().filter_map(move |&id| {
                let row = model.row(self.pred, id)?;
                let l = model.likelihood(self.pred, id)?;
                Some((first.iter().map(|&c| row[c]).collect(), l, id))
            })),
            Answers::Grouped(rows) => Box::new(rows.iter().cloned()),
        }
    }
}

/// Answers a query from the model.
pub fn query_table(model: &Model, query: &Query) -> QueryTable {
    let ids = model.matching(query.pred, &query.args);
    let answers = if query.args.contains(&PatternArg::Any) {
        Answers::Grouped(grouped(model, query, ids))
    } else {
        // Each variable has a first position (variables are numbered in
        // order of first appearance).
        let mut first = vec![0; query.vars.len()];
        for (c, a) in query.args.iter().enumerate().rev() {
            if let PatternArg::Var(v) = *a
                && let Some(slot) = first.get_mut(v as usize)
            {
                *slot = c;
            }
        }
        Answers::Rows { ids, first }
    };
    QueryTable {
        pred: query.pred,
        columns: query.vars.clone(),
        answers,
    }
}

fn grouped(
    model: &Model,
    query: &Query,
    ids: Vec<RowId>,
) -> Vec<(Vec<ValueId>, Likelihood, RowId)> {
    let mut rows: Vec<(Vec<ValueId>, Likelihood, RowId)> = Vec::new();
    let mut seen: HashMap<Vec<ValueId>, usize> = HashMap::new();
    for id in ids {
        let (Some(row), Some(l)) = (model.row(query.pred, id), model.likelihood(query.pred, id))
        else {
            continue;
        };
        let mut vals = vec![0; query.vars.len()];
        for (c, a) in query.args.iter().enumerate() {
            if let PatternArg::Var(v) = *a
                && let Some(slot) = vals.get_mut(v as usize)
            {
                *slot = row[c];
            }
        }
        match seen.get(&vals) {
            Some(&i) if l > rows[i].1 => (rows[i].1, rows[i].2) = (l, id),
            Some(_) => {}
            None => {
                seen.insert(vals.clone(), rows.len());
                rows.push((vals, l, id));
            }
        }
    }
    rows
}
