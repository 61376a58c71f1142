//! Printing a model: `warrant run` results, `warrant query` tables and the
//! evaluation summary, as text or JSON.
//!
//! # `warrant run --format json`
//!
//! ```text
//! {
//!   "predicates": [                      // declaration order; only non-empty ones
//!     {
//!       "name": "hedges",
//!       "arity": 1,
//!       "derived": true,                 // some rule concludes it
//!       "rows": [                        // insertion order
//!         {
//!           "row": "hedges(japan)",      // as printed in text output
//!           "args": ["japan"],           // symbols and strings as JSON strings,
//!                                        // integers and decimals as numbers
//!           "likelihood": { "word": "likely", "probability": 0.55 },
//!           "rule": "allies_hedge",      // the rule of the recorded derivation;
//!                                        // null for facts, input rows, or
//!                                        // without provenance
//!           "reason": "…"                // only with --explain
//!         }
//!       ]
//!     }
//!   ],
//!   "conflicts": [                       // conflict declaration order
//!     {
//!       "name": "resource_competition",
//!       "description": "allies … compete" | null,
//!       "bindings": { "R1": "europe", "R2": "east_asia" },  // variable → value
//!       "premises": ["prioritises(us, europe)", "prioritises(us, east_asia)"],
//!       "likelihood": { "word": "…", "probability": 1.0 }  // weakest premise
//!     }
//!   ]
//! }
//! ```
//!
//! Without `--all`, only predicates that some rule concludes are listed
//! (with all their rows, stated ones included); `--all` lists every
//! predicate that has rows.
//!
//! # `warrant query --format json`
//!
//! ```text
//! {
//!   "predicate": "threat",
//!   "columns": ["R", "L"],               // the pattern's variables, first-seen order
//!   "rows": [                            // one per distinct binding, insertion order
//!     { "values": ["china", "high"],     // in column order, typed as above
//!       "likelihood": { "word": "likely", "probability": 0.55 } }   // best row
//!   ]
//! }
//! ```

use std::fmt::Write as _;

use serde_json::{Value as Json, json};

use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::ir::{PredId, Program, Value, ValueId};
use crate::likelihood::Likelihood;
use crate::syntax::ast;

use super::{Derivation, Model, PatternArg, RowId};

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// A one-line reason for a row (the `--explain` hook): `None` for no reason.
pub type Reasons<'a> = &'a dyn Fn(PredId, RowId) -> Option<String>;

/// The explanation of a conflict that holds: text, and JSON for the
/// `"explanation"` field (the `explain` stage provides it).
pub type ConflictDetail<'a> = &'a dyn Fn(&super::ConflictHit) -> Option<(String, Json)>;

/// How `warrant run` prints.
#[derive(Clone, Copy, Default)]
pub struct RenderOptions<'a> {
    pub format: Format,
    /// List base predicates (facts and input rows) too.
    pub all: bool,
    /// With `--explain`: a reason per row, printed after it.
    pub reasons: Option<Reasons<'a>>,
    /// Explanations of both sides of each conflict, printed instead of the
    /// one-line summary.
    pub conflicts: Option<ConflictDetail<'a>>,
}

/// A value as JSON: symbols and strings as strings, numbers as numbers.
pub fn value_json(v: &Value) -> Json {
    match v {
        Value::Symbol(s) | Value::Str(s) => Json::from(s.to_string()),
        Value::Int(i) => Json::from(*i),
        Value::Dec(d) => serde_json::Number::from_f64(*d).map_or(Json::Null, Json::Number),
    }
}

fn value_text(model: &Model, id: ValueId) -> String {
    model
        .value(id)
        .map_or_else(|| "?".to_string(), Value::to_string)
}

fn row_text(program: &Program, model: &Model, pred: PredId, row: &[ValueId]) -> String {
    let args: Vec<String> = row.iter().map(|&v| value_text(model, v)).collect();
    format!("{}({})", program.pred(pred).name, args.join(", "))
}

/// Predicates concluded by some rule.
fn derived_preds(program: &Program) -> Vec<bool> {
    let mut d = vec![false; program.preds.len()];
    for r in &program.rules {
        for h in &r.heads {
            if let Some(x) = d.get_mut(h.pred.0 as usize) {
                *x = true;
            }
        }
    }
    d
}

fn shown_preds(program: &Program, model: &Model, all: bool) -> Vec<PredId> {
    let derived = derived_preds(program);
    (0..program.preds.len().min(model.preds()))
        .map(|p| PredId(p as u32))
        .filter(|&p| (all || derived[p.0 as usize]) && model.len(p) > 0)
        .collect()
}

fn rule_of(program: &Program, model: &Model, pred: PredId, row: RowId) -> Option<String> {
    match model.derivation(pred, row)? {
        Derivation::Rule { rule, .. } => program.rules.get(rule.0 as usize).map(|r| r.name.clone()),
        Derivation::Fact { .. } => None,
    }
}

/// The `warrant run` output as JSON (schema in the module docs).
pub fn run_json(program: &Program, model: &Model, opts: &RenderOptions) -> Json {
    let derived = derived_preds(program);
    let preds: Vec<Json> = shown_preds(program, model, opts.all)
        .into_iter()
        .map(|p| {
            let rows: Vec<Json> = model
                .rows(p)
                .map(|(id, row, l)| {
                    let mut o = json!({
                        "row": row_text(program, model, p, row),
                        "args": row.iter().map(|&v| model.value(v).map_or(Json::Null, value_json)).collect::<Vec<_>>(),
                        "likelihood": l,
                        "rule": rule_of(program, model, p, id),
                    });
                    if let Some(reasons) = opts.reasons {
                        o["reason"] = Json::from(reasons(p, id));
                    }
                    o
                })
                .collect();
            let pr = program.pred(p);
            json!({
                "name": pr.name,
                "arity": pr.arity,
                "derived": derived[p.0 as usize],
                "rows": rows,
            })
        })
        .collect();
    let conflicts: Vec<Json> = model
        .conflicts()
        .iter()
        .filter_map(|h| {
            let c = program.conflicts.get(h.conflict)?;
            let mut bindings = serde_json::Map::new();
            for (name, &v) in c.body.vars.iter().zip(&h.bindings) {
                bindings.insert(name.clone(), model.value(v).map_or(Json::Null, value_json));
            }
            let premises: Vec<String> = h
                .premises
                .iter()
                .filter_map(|p| Some(row_text(program, model, p.pred, model.row(p.pred, p.row)?)))
                .collect();
            let mut o = json!({
                "name": c.name,
                "description": c.description,
                "bindings": bindings,
                "premises": premises,
                "likelihood": h.likelihood,
            });
            if let Some((_, explanation)) = opts.conflicts.and_then(|f| f(h)) {
                o["explanation"] = explanation;
            }
            Some(o)
        })
        .collect();
    json!({ "predicates": preds, "conflicts": conflicts })
}

/// The `warrant run` output: conclusions grouped by predicate in
/// declaration order, each with its likelihood, then the conflicts.
pub fn render_run(program: &Program, model: &Model, opts: &RenderOptions) -> String {
    if opts.format == Format::Json {
        let mut s =
            serde_json::to_string_pretty(&run_json(program, model, opts)).unwrap_or_default();
        s.push('\n');
        return s;
    }
    let mut out = String::new();
    let preds = shown_preds(program, model, opts.all);
    if preds.is_empty() {
        out.push_str("no conclusions\n");
    }
    for (i, p) in preds.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let n = model.len(*p);
        let _ = writeln!(
            out,
            "{} ({} row{})",
            program.pred(*p).name,
            group(n),
            if n == 1 { "" } else { "s" }
        );
        let lines: Vec<(String, Likelihood, RowId)> = model
            .rows(*p)
            .map(|(id, row, l)| (row_text(program, model, *p, row), l, id))
            .collect();
        let w = lines
            .iter()
            .map(|(t, _, _)| t.chars().count())
            .max()
            .unwrap_or(0);
        for (t, l, id) in lines {
            let pad = w - t.chars().count();
            let _ = write!(out, "  {t}{}  {l}", " ".repeat(pad));
            if let Some(reason) = opts.reasons.and_then(|r| r(*p, id)) {
                let _ = write!(out, "  — {reason}");
            }
            out.push('\n');
        }
    }
    let hits = model.conflicts();
    if !hits.is_empty() {
        let _ = writeln!(out, "\nconflicts ({})", hits.len());
        for h in hits {
            let Some(c) = program.conflicts.get(h.conflict) else {
                continue;
            };
            if let Some((text, _)) = opts.conflicts.and_then(|f| f(h)) {
                out.push('\n');
                for line in text.lines() {
                    if line.is_empty() {
                        out.push('\n');
                    } else {
                        let _ = writeln!(out, "  {line}");
                    }
                }
                continue;
            }
            match &c.description {
                Some(d) => {
                    let _ = writeln!(out, "  {}: {d}", c.name);
                }
                None => {
                    let _ = writeln!(out, "  {}", c.name);
                }
            }
            let b: Vec<String> = c
                .body
                .vars
                .iter()
                .zip(&h.bindings)
                .filter(|(name, _)| !name.starts_with('_'))
                .map(|(name, &v)| format!("{name} = {}", value_text(model, v)))
                .collect();
            if !b.is_empty() {
                let _ = writeln!(out, "    {}", b.join(", "));
            }
            let prem: Vec<String> = h
                .premises
                .iter()
                .filter_map(|p| Some(row_text(program, model, p.pred, model.row(p.pred, p.row)?)))
                .collect();
            if !prem.is_empty() {
                let _ = writeln!(out, "    on {}  {}", prem.join(", "), h.likelihood);
            }
        }
    }
    out
}

/// `1234567` → `1,234,567`.
fn group(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The summary line for stderr: rows derived (the predicates with the most
/// rows first, five at most), strata, time.
pub fn render_summary(program: &Program, model: &Model) -> String {
    let st = model.stats();
    let mut per: Vec<(usize, &str)> = st
        .derived
        .iter()
        .enumerate()
        .filter(|&(_, &n)| n > 0)
        .filter_map(|(p, &n)| Some((n, program.preds.get(p)?.name.as_str())))
        .collect();
    // Most rows first; ties in declaration order (the sort is stable).
    per.sort_by_key(|&(n, _)| std::cmp::Reverse(n));
    let total = st.total_derived();
    let mut s = format!(
        "derived {} row{}",
        group(total),
        if total == 1 { "" } else { "s" }
    );
    if !per.is_empty() {
        let shown: Vec<String> = per
            .iter()
            .take(5)
            .map(|(n, name)| format!("{name} {}", group(*n)))
            .collect();
        let more = per.len().saturating_sub(5);
        let _ = write!(s, " ({}", shown.join(", "));
        if more > 0 {
            let _ = write!(
                s,
                ", and {more} more predicate{}",
                if more == 1 { "" } else { "s" }
            );
        }
        s.push(')');
    }
    let _ = write!(
        s,
        " · {} {} · {:.3} s",
        st.strata,
        if st.strata == 1 { "stratum" } else { "strata" },
        st.eval_time.as_secs_f64()
    );
    s
}

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
pub fn resolve_query(
    program: &Program,
    model: &Model,
    atom: &ast::Atom,
) -> Result<Query, Diagnostic> {
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
                ast::Term::Symbol(n) => Value::Symbol(n.text.as_str().into()),
                ast::Term::Str(s) => Value::Str(s.value.as_str().into()),
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

pub fn query_table(model: &Model, query: &Query) -> QueryTable {
    let ids = model.matching(query.pred, &query.args);
    let mut rows: Vec<(Vec<ValueId>, Likelihood)> = Vec::new();
    let mut seen: std::collections::HashMap<Vec<ValueId>, usize> = std::collections::HashMap::new();
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

/// A query table as text (aligned columns, then the likelihood; the header
/// alone when nothing matches) or JSON (schema in the module docs).
pub fn render_query(
    program: &Program,
    model: &Model,
    table: &QueryTable,
    format: Format,
) -> String {
    if format == Format::Json {
        let rows: Vec<Json> = table
            .rows
            .iter()
            .map(|(vals, l)| {
                json!({
                    "values": vals.iter().map(|&v| model.value(v).map_or(Json::Null, value_json)).collect::<Vec<_>>(),
                    "likelihood": l,
                })
            })
            .collect();
        let j = json!({
            "predicate": program.preds.get(table.pred.0 as usize).map(|p| p.name.clone()),
            "columns": table.columns,
            "rows": rows,
        });
        let mut s = serde_json::to_string_pretty(&j).unwrap_or_default();
        s.push('\n');
        return s;
    }
    let mut header: Vec<String> = table.columns.clone();
    header.push("likelihood".into());
    let body: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|(vals, l)| {
            let mut r: Vec<String> = vals.iter().map(|&v| value_text(model, v)).collect();
            r.push(l.to_string());
            r
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in &body {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in std::iter::once(&header).chain(&body) {
        let last = r.len() - 1;
        for (i, c) in r.iter().enumerate() {
            if i == last {
                out.push_str(c);
            } else {
                out.push_str(c);
                out.push_str(&" ".repeat(widths[i] - c.chars().count() + 2));
            }
        }
        out.push('\n');
    }
    out
}
