//! A recursive stratum: the rows of all its predicates in one table,
//! tagged by predicate, computed by one `WITH RECURSIVE`.

use crate::diagnostics::Diagnostic;
use crate::ir::{PredId, Program, RuleId};

use super::inputs;
use super::not_compilable;
use super::rule::{self, TableRef};
use super::strata::{create_table, insert_max, rule_comment, values_select};
use super::values::{column, ident};

/// Whether a stratum's rules read its own predicates, or the rules that
/// cannot be compiled.
pub(super) fn is_recursive(
    program: &Program,
    heads: &[(RuleId, usize)],
    in_stratum: &dyn Fn(PredId) -> bool,
) -> Result<bool, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut recursive = false;
    for &(r, _) in heads {
        let rule = program.rule(r);
        let n = rule
            .body
            .atoms
            .iter()
            .filter(|a| in_stratum(a.pred))
            .count();
        if n > 1 {
            let atom = rule.body.atoms.iter().filter(|a| in_stratum(a.pred)).nth(1);
            errors.push(not_compilable(
                &rule.name,
                atom.map_or(rule.span, |a| a.span),
                "a second condition on a predicate of its own recursion (non-linear recursion; write it with one)",
            ));
        }
        recursive |= n > 0;
    }
    if errors.is_empty() {
        Ok(recursive)
    } else {
        Err(errors)
    }
}

/// A recursive stratum: one `WITH RECURSIVE` over all its predicates.
pub(super) fn recursive_stratum(
    program: &Program,
    s: usize,
    preds: &[PredId],
    heads: &[(RuleId, usize)],
    in_stratum: &dyn Fn(PredId) -> bool,
    sql: &mut String,
) {
    let width = preds
        .iter()
        .map(|&p| program.pred(p).arity)
        .max()
        .unwrap_or(0);
    let tag_of = |p: PredId| preds.iter().position(|&q| q == p).unwrap_or(0);
    let table = ident(&format!("warrant stratum {s}"));
    let names: Vec<String> = preds
        .iter()
        .map(|&p| program.pred(p).name.clone())
        .collect();
    sql.push_str(&format!(
        "\n-- Stratum {s}, recursive: {} (tag = position in this list).\n",
        names.join(", ")
    ));
    let mut cols: Vec<String> = vec!["tag".into()];
    cols.extend((0..width).map(column));
    cols.push("likelihood".into());
    let mut base: Vec<String> = Vec::new();
    // A typed empty row keeps the column types when nothing else is stated.
    let mut empty = vec!["CAST(NULL AS INTEGER) AS tag".to_string()];
    empty.extend((0..width).map(|j| format!("CAST(NULL AS wv) AS {}", column(j))));
    empty.push("CAST(NULL AS INTEGER) AS likelihood".into());
    base.push(format!("  SELECT {} WHERE false", empty.join(", ")));
    for &p in preds {
        if let Some(v) = values_select(program, p, Some(tag_of(p)), width) {
            base.push(format!(
                "  -- stated rows of {}\n  {v}",
                program.pred(p).name
            ));
        }
        for v in inputs::input_selects(program, p, Some(tag_of(p)), width) {
            base.push(format!(
                "  -- input rows of {}\n  {v}",
                program.pred(p).name
            ));
        }
    }
    let mut steps: Vec<String> = Vec::new();
    for &(r, h) in heads {
        let rule = program.rule(r);
        let head = &rule.heads[h];
        let is_recursive = rule.body.atoms.iter().any(|a| in_stratum(a.pred));
        let body = rule::body(program, &rule.body, &|p| {
            if in_stratum(p) {
                TableRef::Tagged {
                    table: "s",
                    tag: tag_of(p),
                }
            } else {
                TableRef::Table(ident(&program.pred(p).name))
            }
        });
        let select = rule::select(
            program,
            &body,
            head,
            rule.likelihood,
            width,
            Some(tag_of(head.pred)),
        );
        let part = format!("{}\n  {select}", rule_comment(program, r, head));
        if is_recursive {
            steps.push(part);
        } else {
            base.push(part);
        }
    }
    // `base UNION (steps)`: DuckDB splits a recursive CTE at its top-level
    // UNION, so the starting rows and the recursive steps are grouped.
    let mut cte = format!(
        "  SELECT * FROM (\n{}\n  ) AS start",
        base.join("\n  UNION ALL\n")
    );
    if !steps.is_empty() {
        cte.push_str(&format!(
            "\n  UNION (\n{}\n  )",
            steps.join("\n  UNION ALL\n")
        ));
    }
    sql.push_str(&format!(
        "CREATE TABLE {table} AS\nWITH RECURSIVE s({}) AS (\n{cte}\n)\nSELECT * FROM s;\n",
        cols.join(", ")
    ));
    for &p in preds {
        sql.push_str(&format!("-- {}\n", program.pred(p).name));
        create_table(program, p, sql);
        insert_max(
            program,
            p,
            &format!("{table} WHERE tag = {}", tag_of(p)),
            sql,
        );
    }
}
