//! Tables: stated and input rows, then each stratum's derived predicates.

use crate::diagnostics::Diagnostic;
use crate::ir::{Atom, PredId, Program, RuleId, ValueId};
use crate::likelihood::Likelihood;

use super::guard;
use super::inputs;
use super::recursive;
use super::rule::{self, TableRef};
use super::values::{column, ident, is_value, literal};

/// Writes the base rows, the strata and the conflict views.
pub fn compile_strata(program: &Program, sql: &mut String) -> Result<(), Vec<Diagnostic>> {
    inputs::input_tables(program, sql)?;
    for scale in &program.scales {
        let arms: Vec<String> = scale
            .values
            .iter()
            .enumerate()
            .map(|(rank, &v)| format!("WHEN {} THEN {rank}", is_value(&program.values, "x", v)))
            .collect();
        sql.push_str(&format!(
            "\n-- Scale {}: the rank of a value, NULL outside it.\nCREATE MACRO {}(x) AS CASE {} END;\n",
            scale.name,
            ident(&format!("w_rank_{}", scale.name)),
            arms.join(" ")
        ));
    }
    // Every (rule, conclusion) is computed with its conclusion's stratum (a
    // rule with conclusions in several strata reads only lower ones).
    let mut stratum_of = vec![0usize; program.preds.len()];
    for (s, st) in program.strata.iter().enumerate() {
        for p in &st.preds {
            stratum_of[p.0 as usize] = s;
        }
    }
    let mut created = vec![false; program.preds.len()];
    for (s, st) in program.strata.iter().enumerate() {
        let heads: Vec<(RuleId, usize)> = heads_into(program, &st.preds);
        let in_stratum = |p: PredId| stratum_of[p.0 as usize] == s && st.preds.contains(&p);
        if recursive::is_recursive(program, &heads, &in_stratum) {
            recursive::recursive_stratum(program, s, &st.preds, &heads, &in_stratum, sql);
        } else {
            for &p in &st.preds {
                let mine: Vec<(RuleId, usize)> = heads
                    .iter()
                    .copied()
                    .filter(|&(r, h)| program.rule(r).heads[h].pred == p)
                    .collect();
                plain_table(program, p, &mine, sql);
            }
        }
        for &p in &st.preds {
            created[p.0 as usize] = true;
        }
        overflow_guards(program, &heads, sql);
    }
    // Predicates outside every stratum (none in a checked program) still get a table.
    for (i, done) in created.iter().enumerate() {
        if !done {
            plain_table(program, PredId(i as u32), &[], sql);
        }
    }
    conflicts(program, sql);
    Ok(())
}

/// The (rule, conclusion) pairs concluding one of `preds`, in rule order.
fn heads_into(program: &Program, preds: &[PredId]) -> Vec<(RuleId, usize)> {
    let mut out = Vec::new();
    for (r, rule) in program.rules.iter().enumerate() {
        for (h, head) in rule.heads.iter().enumerate() {
            if preds.contains(&head.pred) {
                out.push((RuleId(r as u32), h));
            }
        }
    }
    out
}

/// The stated facts of `pred` (after retractions) and its zero-column
/// inputs' rows; the `max` that follows keeps the most likely statement.
fn base_rows(program: &Program, pred: PredId) -> Vec<(Vec<ValueId>, Likelihood)> {
    let kept = |row: &[ValueId]| !program.retractions.iter().any(|r| r.matches(pred, row));
    let mut rows: Vec<(Vec<ValueId>, Likelihood)> = program
        .facts
        .iter()
        .filter(|f| f.pred == pred && kept(&f.row))
        .map(|f| (f.row.clone(), f.likelihood))
        .collect();
    // Inputs with columns are read by `read_csv`; a zero-column input
    // holds one certain row when its file has a line.
    let zero_column = program
        .inputs
        .iter()
        .filter(|i| i.pred == pred && !inputs::from_file(program, i));
    for input in zero_column {
        if !input.rows.lines.is_empty() {
            rows.push((Vec::new(), Likelihood::CERTAIN));
        }
    }
    rows
}

/// `SELECT`s of base rows as a `VALUES` list (with a tag column when given).
pub(super) fn values_select(
    program: &Program,
    pred: PredId,
    tag: Option<usize>,
    width: usize,
) -> Option<String> {
    let rows = base_rows(program, pred);
    if rows.is_empty() {
        return None;
    }
    let arity = program.pred(pred).arity;
    let mut names: Vec<String> = Vec::new();
    if tag.is_some() {
        names.push("tag".into());
    }
    names.extend((0..width).map(column));
    names.push("likelihood".into());
    let tuples: Vec<String> = rows
        .iter()
        .map(|(row, l)| {
            let mut items: Vec<String> = Vec::new();
            if let Some(t) = tag {
                items.push(t.to_string());
            }
            items.extend(row.iter().map(|&v| literal(&program.values, v)));
            items.extend((arity..width).map(|_| "CAST(NULL AS wv)".to_string()));
            items.push(l.units().to_string());
            format!("({})", items.join(", "))
        })
        .collect();
    Some(format!(
        "SELECT * FROM (VALUES\n      {}) AS stated({})",
        tuples.join(",\n      "),
        names.join(", ")
    ))
}

pub(super) fn create_table(program: &Program, pred: PredId, sql: &mut String) {
    let p = program.pred(pred);
    let mut cols: Vec<String> = (0..p.arity).map(|j| format!("{} wv", column(j))).collect();
    cols.push("likelihood INTEGER".into());
    sql.push_str(&format!(
        "CREATE TABLE {} ({});\n",
        ident(&p.name),
        cols.join(", ")
    ));
}

/// Fills a table with the most likely of `sources` per row.
pub(super) fn insert_max(program: &Program, pred: PredId, from: &str, sql: &mut String) {
    let p = program.pred(pred);
    let cols: Vec<String> = (0..p.arity).map(column).collect();
    let mut select = cols.clone();
    select.push("max(likelihood)".into());
    let group = if cols.is_empty() {
        String::new()
    } else {
        format!(" GROUP BY {}", cols.join(", "))
    };
    sql.push_str(&format!(
        "INSERT INTO {} SELECT {} FROM {from}{group} HAVING max(likelihood) IS NOT NULL;\n",
        ident(&p.name),
        select.join(", "),
    ));
}

/// The comment naming a rule above its `SELECT`.
pub(super) fn rule_comment(program: &Program, r: RuleId, head: &Atom) -> String {
    let rule = program.rule(r);
    format!("  -- rule {} → {}", rule.name, program.pred(head.pred).name)
}

/// A predicate with no recursion: its rows and every derivation, the most likely per row.
fn plain_table(program: &Program, pred: PredId, heads: &[(RuleId, usize)], sql: &mut String) {
    let arity = program.pred(pred).arity;
    sql.push_str(&format!("\n-- {}\n", program.pred(pred).name));
    create_table(program, pred, sql);
    let mut parts: Vec<String> = Vec::new();
    if let Some(v) = values_select(program, pred, None, arity) {
        parts.push(format!("  -- stated rows\n  {v}"));
    }
    for v in inputs::input_selects(program, pred, None, arity) {
        parts.push(format!("  -- input rows\n  {v}"));
    }
    for &(r, h) in heads {
        let rule = program.rule(r);
        let head = &rule.heads[h];
        let body = rule::body(program, &rule.body, &|p| {
            TableRef::Table(ident(&program.pred(p).name))
        });
        let select = rule::select(program, &body, head, rule.likelihood, arity, None);
        parts.push(format!("{}\n  {select}", rule_comment(program, r, head)));
    }
    if parts.is_empty() {
        return;
    }
    let from = format!("(\n{}\n) AS derivations", parts.join("\n  UNION ALL\n"));
    insert_max(program, pred, &from, sql);
}

/// The overflow guard of each rule of a stratum that computes, over the
/// stratum's final tables (see [`guard`]).
fn overflow_guards(program: &Program, heads: &[(RuleId, usize)], sql: &mut String) {
    let mut done: Vec<RuleId> = Vec::new();
    for &(r, _) in heads {
        if done.contains(&r) {
            continue;
        }
        done.push(r);
        let rule = program.rule(r);
        if let Some(g) = guard::guard(program, &rule.body, &format!("rule `{}`", rule.name)) {
            sql.push_str(&g);
        }
    }
}

/// Each conflict as a view of its bindings and the least premise likelihood.
fn conflicts(program: &Program, sql: &mut String) {
    for c in &program.conflicts {
        let body = rule::body(program, &c.body, &|p| {
            TableRef::Table(ident(&program.pred(p).name))
        });
        if let Some(g) = guard::guard(program, &c.body, &format!("conflict `{}`", c.name)) {
            sql.push_str(&g);
        }
        let mut cols: Vec<String> = Vec::new();
        for (v, name) in c.body.vars.iter().enumerate() {
            if let Some(e) = &body.vars[v] {
                cols.push(format!("{e} AS {}", ident(name)));
            }
        }
        let mut terms = vec![Likelihood::SCALE.to_string()];
        terms.extend(body.likelihoods.iter().cloned());
        cols.push(format!(
            "CAST(least({}) AS INTEGER) AS likelihood",
            terms.join(", ")
        ));
        let mut q = format!("SELECT {}", cols.join(", "));
        if !body.from.is_empty() {
            q.push_str(&format!("\n    FROM {}", body.from.join(", ")));
        }
        let wheres = body.wheres();
        if !wheres.is_empty() {
            q.push_str(&format!("\n    WHERE {}", wheres.join("\n      AND ")));
        }
        sql.push_str(&format!(
            "\n-- conflict {}\nCREATE VIEW {} AS\n  {q};\n",
            c.name,
            ident(&format!("conflict {}", c.name)),
        ));
    }
}
