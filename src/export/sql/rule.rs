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
    pub conditions: Vec<String>,
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
    let mut out = BodySql {
        from: Vec::new(),
        conditions: Vec::new(),
        likelihoods: Vec::new(),
        vars: vec![None; body.vars.len()],
    };
    for (i, atom) in body.atoms.iter().enumerate() {
        let alias = format!("a{i}");
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
            out.conditions.push(format!(
                "coalesce(union_tag({l}) = 't' AND union_tag({r}) = 't' \
                 AND contains(union_extract({l}, 't'), union_extract({r}, 't')), false)"
            ));
            continue;
        }
        out.conditions.push(holds(&order, cmp.op));
    }
    for (k, atom) in body.exceptions.iter().enumerate() {
        let matching = exception_match(program, &out.vars, atom, &format!("e{k}"));
        let from = format!("{} AS e{k}", ident(&program.pred(atom.pred).name));
        let filter = if matching.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", matching.join(" AND "))
        };
        let certain = if matching.is_empty() {
            format!("e{k}.likelihood = {}", Likelihood::SCALE)
        } else {
            format!(
                "{} AND e{k}.likelihood = {}",
                matching.join(" AND "),
                Likelihood::SCALE
            )
        };
        out.conditions
            .push(format!("NOT EXISTS (SELECT 1 FROM {from} WHERE {certain})"));
        out.likelihoods.push(format!(
            "{} - coalesce((SELECT max(e{k}.likelihood) FROM {from}{filter}), 0)",
            Likelihood::SCALE
        ));
    }
    out
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
    if !sql.conditions.is_empty() {
        s.push_str(&format!(
            "\n    WHERE {}",
            sql.conditions.join("\n      AND ")
        ));
    }
    s
}
