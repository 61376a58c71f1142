//! One rule conclusion (or conflict body) → one `SELECT`.
//!
//! Each positive atom is a table in `FROM` (aliased `a0`, `a1`, …); a
//! variable is bound by its first occurrence and every later occurrence is
//! an equality; a comparison calls `w_order`; an `unless` removes the
//! binding when a certain row matches and otherwise caps the likelihood at
//! 10000 minus the likelihood of the most likely matching row.

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

/// The parts of a body's `SELECT`.
pub struct BodySql {
    /// `FROM` items, one per positive atom.
    pub from: Vec<String>,
    /// Joins: equalities of shared variables and constants.
    pub conditions: Vec<String>,
    /// Comparisons, exceptions, computed values that must not be NULL.
    pub filters: Vec<String>,
    /// The `FROM` items that are atoms: index, alias and arity.
    pub atoms: Vec<(usize, String, usize)>,
    /// The values computed (every operation of an assignment, aggregate
    /// results).
    pub computed: Vec<String>,
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
    body_within(program, body, body.vars.len(), "", table)
}

/// Compiles a body whose variables are numbered below `nvars` (an
/// aggregate's sub-body is numbered in its rule's), its aliases prefixed.
pub fn body_within(
    program: &Program,
    body: &Body,
    nvars: usize,
    prefix: &str,
    table: &dyn Fn(PredId) -> TableRef<'static>,
) -> BodySql {
    let mut out = BodySql {
        from: Vec::new(),
        conditions: Vec::new(),
        filters: Vec::new(),
        atoms: Vec::new(),
        computed: Vec::new(),
        likelihoods: Vec::new(),
        vars: vec![None; nvars.max(body.vars.len())],
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
        if cmp.op == CompareOp::Contains {
            out.filters.push(format!(
                "coalesce(union_tag({l}) = 't' AND union_tag({r}) = 't' \
                 AND contains(union_extract({l}, 't'), union_extract({r}, 't')), false)"
            ));
            continue;
        }
        out.filters.push(holds(&order, cmp.op));
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
        out.filters
            .push(format!("NOT EXISTS (SELECT 1 FROM {from} WHERE {certain})"));
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
            let e = arith::expr(
                program,
                &out.vars,
                &a.expr,
                &alias,
                &mut out.from,
                &mut out.computed,
            );
            out.filters.push(format!("{e} IS NOT NULL"));
            out.vars[a.var as usize] = Some(e);
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

    /// Statements that compute every value the body computes, so that
    /// DuckDB meets every integer overflow the engine could meet whatever
    /// order the engine evaluates the body in (it then stops the script):
    /// over the rows its atoms join (comparisons, exceptions and NULL
    /// checks left out), and once more with no atom rows at all (the
    /// engine computes what reads no atom before joining any). `None` when
    /// the body computes nothing.
    pub fn overflow_guard(&self, what: &str) -> Option<String> {
        if self.computed.is_empty() {
            return None;
        }
        let counts: Vec<String> = self
            .computed
            .iter()
            .map(|e| format!("count({e})"))
            .collect();
        let select = format!("SELECT {} AS n", counts.join(" + "));
        let mut joined = select.clone();
        if !self.from.is_empty() {
            joined.push_str(&format!(" FROM {}", self.from.join(", ")));
        }
        if !self.conditions.is_empty() {
            joined.push_str(&format!(" WHERE {}", self.conditions.join(" AND ")));
        }
        let mut alone = select;
        if !self.from.is_empty() {
            let from: Vec<String> = self
                .from
                .iter()
                .enumerate()
                .map(|(i, item)| match self.atoms.iter().find(|a| a.0 == i) {
                    Some((_, alias, arity)) => {
                        let mut cols: Vec<String> = (0..*arity)
                            .map(|j| format!("CAST(NULL AS wv) AS {}", column(j)))
                            .collect();
                        cols.push("CAST(NULL AS INTEGER) AS likelihood".into());
                        cols.push("CAST(NULL AS INTEGER) AS tag".into());
                        format!("(SELECT {}) AS {alias}", cols.join(", "))
                    }
                    None => item.clone(),
                })
                .collect();
            alone.push_str(&format!(" FROM {}", from.join(", ")));
        }
        Some(format!(
            "-- {what}: every value computed over the rows its conditions join, and over none, whatever the engine's order\n\
             SELECT n FROM ({joined}) AS guard WHERE n < 0;\n\
             SELECT n FROM ({alone}) AS guard WHERE n < 0;\n"
        ))
    }
}
