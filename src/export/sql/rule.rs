//! One rule conclusion (or conflict body) → one `SELECT`.
//!
//! Each positive atom is a table in `FROM` (aliased `a0`, `a1`, …); a
//! variable is bound by its first occurrence and every later occurrence is
//! an equality; a comparison calls `w_order`; an `unless` removes the
//! binding when a certain row matches and otherwise caps the likelihood at
//! 10000 minus the likelihood of the most likely matching row.
//!
//! Compiled for an overflow guard ([`Mode::Guard`], see [`super::guard`]),
//! a condition reading a value that overflowed neither holds nor fails.

use crate::ir::{Arg, Atom, Body, CompareKind, CompareOp, PredId, Program};
use crate::likelihood::Likelihood;

use super::values::{column, ident, literal};
use super::{aggregate, arith};

/// Where an atom's rows come from: a predicate's own table, or the tagged
/// table of a recursive stratum (filtered on the predicate's tag).
pub enum TableRef<'a> {
    Table(String),
    Tagged { table: &'a str, tag: usize },
}

/// What a body is compiled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Its derivations: a binding whose computation fails derives nothing.
    Rule,
    /// Its overflow guard: the bindings where a computation overflowed and
    /// no other condition failed (a condition reading an overflowed value
    /// neither holds nor fails).
    Guard,
}

/// The parts of a body's `SELECT`.
pub struct BodySql {
    pub mode: Mode,
    /// `FROM` items, one per positive atom.
    pub from: Vec<String>,
    /// Joins: equalities of shared variables and constants.
    pub conditions: Vec<String>,
    /// Comparisons, exceptions, computed values that must not be NULL.
    pub filters: Vec<String>,
    /// The `FROM` items that are atoms: index, alias and arity.
    pub atoms: Vec<(usize, String, usize)>,
    /// For the guard: whether each computed variable overflowed (`None`
    /// for one that cannot, and for variables atoms bind).
    pub poison: Vec<Option<String>>,
    /// For the guard: whether each assignment or aggregate overflowed, and
    /// the computation as the engine shows it (a SQL text).
    pub overflows: Vec<(String, String)>,
    /// Likelihood terms taken the least of (premises and graded exceptions).
    pub likelihoods: Vec<String>,
    /// The expression binding each variable.
    pub vars: Vec<Option<String>>,
}

/// Compiles a body; `table` says where each positive atom reads from.
pub fn body(
    program: &Program,
    body: &Body,
    table: &dyn Fn(PredId) -> TableRef<'static>,
) -> BodySql {
    body_within(program, body, body.vars.len(), "", Mode::Rule, table)
}

/// Compiles a body for its overflow guard (see [`Mode::Guard`]).
pub fn guard_body(
    program: &Program,
    body: &Body,
    table: &dyn Fn(PredId) -> TableRef<'static>,
) -> BodySql {
    body_within(program, body, body.vars.len(), "", Mode::Guard, table)
}

/// Compiles a body whose variables are numbered below `nvars` (an
/// aggregate's sub-body is numbered in its rule's), its aliases prefixed.
pub fn body_within(
    program: &Program,
    body: &Body,
    nvars: usize,
    prefix: &str,
    mode: Mode,
    table: &dyn Fn(PredId) -> TableRef<'static>,
) -> BodySql {
    let nvars = nvars.max(body.vars.len());
    let mut out = BodySql {
        mode,
        from: Vec::new(),
        conditions: Vec::new(),
        filters: Vec::new(),
        atoms: Vec::new(),
        poison: vec![None; nvars],
        overflows: Vec::new(),
        likelihoods: Vec::new(),
        vars: vec![None; nvars],
    };
    for (i, atom) in body.atoms.iter().enumerate() {
        let alias = format!("{prefix}a{i}");
        out.atoms
            .push((out.from.len(), alias.clone(), atom.args.len()));
        match table(atom.pred) {
            TableRef::Table(name) => out.from.push(format!("{name} AS {alias}")),
            TableRef::Tagged { table, tag } => {
                out.from.push(format!("{table} AS {alias}"));
                out.conditions.push(format!("{alias}.tag = {tag}"));
            }
        }
        for (j, arg) in atom.args.iter().enumerate() {
            let col = format!("{alias}.{}", column(j));
            match *arg {
                Arg::Var(v) => match &out.vars[v as usize] {
                    Some(bound) => out.conditions.push(format!("{col} = {bound}")),
                    None => out.vars[v as usize] = Some(col),
                },
                Arg::Const(c) => out
                    .conditions
                    .push(format!("{col} = {}", literal(&program.values, c))),
                Arg::Wildcard => {}
            }
        }
        out.likelihoods.push(format!("{alias}.likelihood"));
    }
    computed(program, body, prefix, table, &mut out);
    for cmp in &body.comparisons {
        let (l, r) = (
            arg(program, &out.vars, cmp.lhs),
            arg(program, &out.vars, cmp.rhs),
        );
        let order = match cmp.kind {
            CompareKind::Value => format!("w_order({l}, {r})"),
            CompareKind::Scale(s) => {
                let name = ident(&format!("w_rank_{}", program.scales[s.0 as usize].name));
                format!("w_sign({name}({l}), {name}({r}))")
            }
        };
        let test = if cmp.op == CompareOp::Contains {
            format!(
                "coalesce(union_tag({l}) = 't' AND union_tag({r}) = 't' \
                 AND contains(union_extract({l}, 't'), union_extract({r}, 't')), false)"
            )
        } else {
            holds(&order, cmp.op)
        };
        let poisons = [poison(&out, cmp.lhs), poison(&out, cmp.rhs)];
        out.filters.push(unless_poisoned(test, &poisons));
    }
    for (k, atom) in body.exceptions.iter().enumerate() {
        let e = format!("{prefix}e{k}");
        let matching = exception_match(program, &out.vars, atom, &e);
        let from = format!("{} AS {e}", ident(&program.pred(atom.pred).name));
        let filter = if matching.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", matching.join(" AND "))
        };
        let certain = if matching.is_empty() {
            format!("{e}.likelihood = {}", Likelihood::SCALE)
        } else {
            format!(
                "{} AND {e}.likelihood = {}",
                matching.join(" AND "),
                Likelihood::SCALE
            )
        };
        let poisons: Vec<Option<String>> = atom.args.iter().map(|&a| poison(&out, a)).collect();
        out.filters.push(unless_poisoned(
            format!("NOT EXISTS (SELECT 1 FROM {from} WHERE {certain})"),
            &poisons,
        ));
        out.likelihoods.push(format!(
            "{} - coalesce((SELECT max({e}.likelihood) FROM {from}{filter}), 0)",
            Likelihood::SCALE
        ));
    }
    out
}

/// Binds the variables of assignments and aggregates, each once what it
/// reads is bound: an assignment's variable is its expression (and it
/// must not be NULL), an aggregate is a `LATERAL` subquery.
fn computed(
    program: &Program,
    body: &Body,
    prefix: &str,
    table: &dyn Fn(PredId) -> TableRef<'static>,
    out: &mut BodySql,
) {
    // Variables the body's atoms and assignments bind: an aggregate's
    // group variables among them are fixed by the rule, the others bound
    // by the aggregate (as the engine's plan decides).
    let mut bound_here = vec![false; out.vars.len()];
    for a in &body.atoms {
        for arg in &a.args {
            if let Arg::Var(v) = *arg {
                bound_here[v as usize] = true;
            }
        }
    }
    for a in &body.assignments {
        bound_here[a.var as usize] = true;
    }
    let mut assigned = vec![false; body.assignments.len()];
    let mut aggregated = vec![false; body.aggregates.len()];
    loop {
        let mut more = false;
        for (i, a) in body.assignments.iter().enumerate() {
            let mut reads = Vec::new();
            a.expr.vars(&mut reads);
            if assigned[i] || !reads.iter().all(|&v| out.vars[v as usize].is_some()) {
                continue;
            }
            assigned[i] = true;
            let alias = format!("{prefix}x{i}");
            let e = arith::expr(program, out, &a.expr, &alias);
            if out.mode == Mode::Rule {
                out.filters.push(format!("{} IS NOT NULL", e.value));
            }
            if let Some(p) = &e.poison {
                let shown = arith::shown(program, out, &a.expr);
                out.overflows.push((p.clone(), shown));
            }
            out.vars[a.var as usize] = Some(e.value);
            out.poison[a.var as usize] = e.poison;
            more = true;
        }
        for (k, a) in body.aggregates.iter().enumerate() {
            let waits = a
                .group
                .iter()
                .any(|&g| bound_here[g as usize] && out.vars[g as usize].is_none());
            if aggregated[k] || waits {
                continue;
            }
            aggregated[k] = true;
            aggregate::aggregate(
                program,
                a,
                &format!("{prefix}g{k}"),
                &bound_here,
                table,
                out,
            );
            more = true;
        }
        if !more {
            break;
        }
    }
}

/// An argument's expression: its variable's binding or a literal.
pub fn arg(program: &Program, vars: &[Option<String>], a: Arg) -> String {
    match a {
        Arg::Var(v) => vars[v as usize]
            .clone()
            // Checked programs bind every variable in a positive atom.
            .unwrap_or_else(|| "NULL".into()),
        Arg::Const(c) => literal(&program.values, c),
        Arg::Wildcard => "NULL".into(),
    }
}

/// Whether an argument overflowed, for the guard (`None`: it cannot).
pub fn poison(out: &BodySql, a: Arg) -> Option<String> {
    match a {
        Arg::Var(v) => out.poison[v as usize].clone(),
        _ => None,
    }
}

/// A condition that holds, or (for the guard) reads an overflowed value.
fn unless_poisoned(test: String, poisons: &[Option<String>]) -> String {
    let flags: Vec<&String> = poisons.iter().flatten().collect();
    if flags.is_empty() {
        return test;
    }
    let flags: Vec<&str> = flags.iter().map(|f| f.as_str()).collect();
    format!("({test} OR {})", flags.join(" OR "))
}

fn exception_match(
    program: &Program,
    vars: &[Option<String>],
    atom: &Atom,
    alias: &str,
) -> Vec<String> {
    atom.args
        .iter()
        .enumerate()
        .filter(|(_, a)| !matches!(a, Arg::Wildcard))
        .map(|(j, &a)| format!("{alias}.{} = {}", column(j), arg(program, vars, a)))
        .collect()
}

/// Whether `op` holds of an order (NULL when the values are not ordered).
fn holds(order: &str, op: CompareOp) -> String {
    match op {
        CompareOp::Eq => format!("coalesce({order} = 0, false)"),
        CompareOp::Ne => format!("NOT coalesce({order} = 0, false)"),
        CompareOp::Lt => format!("coalesce({order} < 0, false)"),
        CompareOp::Le => format!("coalesce({order} <= 0, false)"),
        CompareOp::Gt => format!("coalesce({order} > 0, false)"),
        CompareOp::Ge => format!("coalesce({order} >= 0, false)"),
        // Compiled on the texts by the caller; no order decides it.
        CompareOp::Contains => "false".to_string(),
    }
}

/// `SELECT` of one conclusion: the head's columns (padded with NULLs to
/// `width`, after a `tag` column when `tag` is given) and the likelihood.
pub fn select(
    program: &Program,
    sql: &BodySql,
    head: &Atom,
    rule_likelihood: Likelihood,
    width: usize,
    tag: Option<usize>,
) -> String {
    let mut cols: Vec<String> = Vec::new();
    if let Some(t) = tag {
        cols.push(format!("{t} AS tag"));
    }
    for j in 0..width {
        let e = head.args.get(j).map_or_else(
            || "CAST(NULL AS wv)".to_string(),
            |&a| arg(program, &sql.vars, a),
        );
        cols.push(format!("{e} AS {}", column(j)));
    }
    let mut terms = vec![rule_likelihood.units().to_string()];
    terms.extend(sql.likelihoods.iter().cloned());
    cols.push(format!(
        "CAST(least({}) AS INTEGER) AS likelihood",
        terms.join(", ")
    ));
    let mut s = format!("SELECT {}", cols.join(", "));
    if !sql.from.is_empty() {
        s.push_str(&format!("\n    FROM {}", sql.from.join(", ")));
    }
    let wheres = sql.wheres();
    if !wheres.is_empty() {
        s.push_str(&format!("\n    WHERE {}", wheres.join("\n      AND ")));
    }
    s
}

impl BodySql {
    /// Every condition: joins, then comparisons and exceptions.
    pub fn wheres(&self) -> Vec<String> {
        self.conditions
            .iter()
            .chain(&self.filters)
            .cloned()
            .collect()
    }
}
