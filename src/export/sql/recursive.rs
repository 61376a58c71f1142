//! A recursive stratum: the rows of all its predicates in one table,
//! tagged by predicate, computed by one `WITH RECURSIVE`.
//!
//! When every rule reads at most one predicate of the stratum (linear
//! recursion), the CTE is over (row, likelihood) with `UNION`: each step
//! joins the rows new in the last step, set semantics ends it (the
//! likelihoods of a program are finitely many), and the most likely per
//! row is taken afterwards. A rule reading two or more (non-linear or
//! mutual recursion) must also join a new row with an older one, which
//! such a CTE cannot see. Then the CTE is `USING KEY (tag, columns)`: its
//! table holds the most likely row per key, `recurring.s` reads the whole
//! table and `s` the rows new or more likely in the last step. Each rule
//! is computed once per condition on the stratum, that condition on `s`
//! and the others on `recurring.s` (semi-naive evaluation), and only
//! rows more likely than the table's are kept: they replace the table's
//! and feed the next step, and a step with none ends the recursion (a
//! row's likelihood only grows, among finitely many).

use crate::ir::{PredId, Program, RuleId};

use super::inputs;
use super::rule::{self, TableRef};
use super::strata::{create_table, insert_max, rule_comment, values_select};
use super::values::{column, ident};

/// How many conditions of a rule read predicates of its own stratum.
fn conditions_in_stratum(
    program: &Program,
    r: RuleId,
    in_stratum: &dyn Fn(PredId) -> bool,
) -> usize {
    let rule = program.rule(r);
    rule.body
        .atoms
        .iter()
        .filter(|a| in_stratum(a.pred))
        .count()
}

/// Whether a stratum's rules read its own predicates.
pub(super) fn is_recursive(
    program: &Program,
    heads: &[(RuleId, usize)],
    in_stratum: &dyn Fn(PredId) -> bool,
) -> bool {
    heads
        .iter()
        .any(|&(r, _)| conditions_in_stratum(program, r, in_stratum) > 0)
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
    let keyed = heads
        .iter()
        .any(|&(r, _)| conditions_in_stratum(program, r, in_stratum) > 1);
    sql.push_str(&format!(
        "\n-- Stratum {s}, recursive{}: {} (tag = position in this list).\n",
        if keyed { ", non-linear" } else { "" },
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
        // Every condition on the stratum reads the whole table in a keyed
        // CTE (all but one, swapped below), the last step's rows otherwise.
        let recursive_table = if keyed { "recurring.s" } else { "s" };
        let body = || {
            rule::body(program, &rule.body, &|p| {
                if in_stratum(p) {
                    TableRef::Tagged {
                        table: recursive_table,
                        tag: tag_of(p),
                    }
                } else {
                    TableRef::Table(ident(&program.pred(p).name))
                }
            })
        };
        let comment = rule_comment(program, r, head);
        let select = |body: &rule::BodySql| {
            rule::select(
                program,
                body,
                head,
                rule.likelihood,
                width,
                Some(tag_of(head.pred)),
            )
        };
        let recursive: Vec<usize> = (0..rule.body.atoms.len())
            .filter(|&i| in_stratum(rule.body.atoms[i].pred))
            .collect();
        if recursive.is_empty() {
            base.push(format!("{comment}\n  {}", select(&body())));
        } else if !keyed {
            steps.push(format!("{comment}\n  {}", select(&body())));
        } else {
            for &i in &recursive {
                let mut variant = body();
                let (from, alias, _) = &variant.atoms[i];
                variant.from[*from] = format!("s AS {alias}");
                steps.push(format!(
                    "{comment} (condition {} on the last step's rows)\n  {}",
                    i + 1,
                    select(&variant)
                ));
            }
        }
    }
    let cte = if keyed {
        keyed_cte(preds, program, width, &base, &steps)
    } else {
        union_cte(&base, &steps)
    };
    sql.push_str(&format!(
        "CREATE TABLE {table} AS\nWITH RECURSIVE s({}){} AS (\n{cte}\n)\nSELECT * FROM s;\n",
        cols.join(", "),
        if keyed {
            format!(" USING KEY ({})", cols[..cols.len() - 1].join(", "))
        } else {
            String::new()
        }
    ));
    for &p in preds {
        sql.push_str(&format!("-- {}\n", program.pred(p).name));
        create_table(program, p, sql);
        let rows = format!("{table} WHERE tag = {}", tag_of(p));
        if keyed {
            // One row per key already, the most likely.
            let mut cols: Vec<String> = (0..program.pred(p).arity).map(column).collect();
            cols.push("likelihood".into());
            sql.push_str(&format!(
                "INSERT INTO {} SELECT {} FROM {rows};\n",
                ident(&program.pred(p).name),
                cols.join(", ")
            ));
        } else {
            insert_max(program, p, &rows, sql);
        }
    }
}

/// `base UNION (steps)` over (row, likelihood).
fn union_cte(base: &[String], steps: &[String]) -> String {
    // DuckDB splits a recursive CTE at its top-level UNION, so the
    // starting rows and the recursive steps are grouped.
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
    cte
}

/// The most likely starting row per key, `UNION ALL` the most likely
/// derivation per key of each step where it is more likely than the
/// table's row (a `USING KEY` CTE keeps the last row of a key it is given,
/// so each part gives one per key).
fn keyed_cte(
    preds: &[PredId],
    program: &Program,
    width: usize,
    base: &[String],
    steps: &[String],
) -> String {
    let mut key: Vec<String> = vec!["tag".into()];
    key.extend((0..width).map(column));
    let key = key.join(", ");
    // Columns past a predicate's arity are NULL, which `=` never matches:
    // compared through a stand-in value there (a column is either always
    // a value or always NULL within one tag, so no two keys meet).
    let narrowest = preds
        .iter()
        .map(|&p| program.pred(p).arity)
        .min()
        .unwrap_or(0);
    let mut same = vec!["known.tag = step.tag".to_string()];
    for j in 0..width {
        let c = column(j);
        same.push(if j < narrowest {
            format!("known.{c} = step.{c}")
        } else {
            format!("coalesce(known.{c}, CAST(''::VARCHAR AS wv)) = coalesce(step.{c}, CAST(''::VARCHAR AS wv))")
        });
    }
    format!(
        "  SELECT {key}, max(likelihood) AS likelihood FROM (\n{}\n  ) AS start GROUP BY {key}\n  \
         UNION ALL\n  \
         SELECT * FROM (\n  SELECT {key}, max(likelihood) AS likelihood FROM (\n{}\n  ) AS derived GROUP BY {key}\n  ) AS step\n  \
         -- only rows more likely than so far: none left ends the recursion\n  \
         WHERE NOT EXISTS (SELECT 1 FROM recurring.s AS known\n    WHERE {}\n      AND known.likelihood >= step.likelihood)",
        base.join("\n  UNION ALL\n"),
        steps.join("\n  UNION ALL\n"),
        same.join("\n      AND ")
    )
}
