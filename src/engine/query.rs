//! Query patterns (`threat(china, R, _)`) resolved against a model, and
//! their answers as a table of value ids: one row per distinct binding.

use std::collections::HashMap;

use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::ir::{PredId, Value, ValueId};
use crate::likelihood::Likelihood;
use crate::syntax::ast;

use super::{Model, PatternArg};

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
        .map(|t| {
            let v = match t {
                // An expression cannot stand in a query atom (the grammar
                // has none there); anything matches it.
                ast::Term::Var(n) if n.text.starts_with('_') => return PatternArg::Any,
                ast::Term::Expr(_) => return PatternArg::Any,
                ast::Term::Var(n) => {
                    let i = vars.iter().position(|x| *x == n.text).unwrap_or_else(|| {
                        vars.push(n.text.clone());
                        vars.len() - 1
                    });
                    return PatternArg::Var(i as u32);
                }
                ast::Term::Symbol(n) => Value::Text(n.text.as_str().into()),
                ast::Term::Str(s) => Value::Text(s.value.as_str().into()),
                ast::Term::Int { value, .. } => Value::Int(*value),
                ast::Term::Dec { value, .. } => Value::Dec(*value),
            };
            PatternArg::Value(model.values().lookup(&v).unwrap_or(super::NIL))
        })
        .collect();
    Ok(Query { pred, args, vars })
}

/// The rows of a query: one per distinct binding of its variables, with
/// the best likelihood among the matching rows.
#[derive(Clone, Debug)]
pub struct QueryTable {
    pub pred: PredId,
    pub columns: Vec<String>,
    pub rows: Vec<(Vec<ValueId>, Likelihood)>,
}

/// Answers a query from the model.
pub fn query_table(model: &Model, query: &Query) -> QueryTable {
    let ids = model.matching(query.pred, &query.args);
    let mut rows: Vec<(Vec<ValueId>, Likelihood)> = Vec::new();
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
            Some(&i) => rows[i].1 = rows[i].1.max(l),
            None => {
                seen.insert(vals.clone(), rows.len());
                rows.push((vals, l));
            }
        }
    }
    QueryTable {
        pred: query.pred,
        columns: query.vars.clone(),
        rows,
    }
}
