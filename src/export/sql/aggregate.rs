//! An aggregate (`N = count { … } [floor]`, `sum`, `min`, `max`) as a
//! `LATERAL` subquery over its sub-body's matches, as the engine computes
//! it.
//!
//! A match is one combination of rows of the sub-body's atoms, as likely
//! as the least likely of them; matches below the floor count for
//! nothing. The group variables the rest of the rule binds are fixed (the
//! subquery is correlated on them, and without other group variables it
//! always gives one row: `count` and `sum` of nothing are 0, `min` and
//! `max` of nothing NULL); the others are grouped by, one row per group
//! with matches. The result is as likely as the least likely match counted.
//!
//! Where the engine's result depends on the order it meets the matches,
//! the script stops (`warrant cannot compute`) instead of guessing: a sum
//! of integers whose positive or negative part leaves the 64-bit range
//! (some order overflows), a sum of decimals that float addition may round
//! differently in another order, a least or greatest value that is both an
//! integer and a decimal equal to it.

use crate::ir::{Aggregate, AggregateOp, PredId, Program};
use crate::likelihood::Likelihood;

use super::rule::{self, BodySql, TableRef};

/// Adds aggregate `a` (its subquery aliased `alias`) to a body: binds its
/// result and the group variables the rule does not bind.
pub fn aggregate(
    program: &Program,
    a: &Aggregate,
    alias: &str,
    bound_here: &[bool],
    table: &dyn Fn(PredId) -> TableRef<'static>,
    out: &mut BodySql,
) {
    let sub = rule::body_within(
        program,
        &a.body,
        out.vars.len(),
        &format!("{alias}_"),
        table,
    );
    // The matches: the group variables, the target and the likelihood.
    let mut cols: Vec<String> = a
        .group
        .iter()
        .map(|&g| {
            format!(
                "{} AS v{g}",
                rule::arg(program, &sub.vars, crate::ir::Arg::Var(g))
            )
        })
        .collect();
    let target = a.target.map_or_else(
        || "CAST(NULL AS wv)".to_string(),
        |t| rule::arg(program, &sub.vars, crate::ir::Arg::Var(t)),
    );
    cols.push(format!("{target} AS t"));
    let mut terms = vec![Likelihood::SCALE.to_string()];
    terms.extend(sub.likelihoods.iter().cloned());
    cols.push(format!("least({}) AS lik", terms.join(", ")));
    let mut matches = format!("SELECT {}", cols.join(", "));
    if !sub.from.is_empty() {
        matches.push_str(&format!(" FROM {}", sub.from.join(", ")));
    }
    let wheres = sub.wheres();
    if !wheres.is_empty() {
        matches.push_str(&format!(" WHERE {}", wheres.join(" AND ")));
    }
    let (fixed, free): (Vec<u32>, Vec<u32>) =
        a.group.iter().partition(|&&g| bound_here[g as usize]);
    let floor = a.floor.map_or(0, Likelihood::units);
    let mut filter = vec![format!("m.lik >= {floor}")];
    for &g in &fixed {
        let outer = rule::arg(program, &out.vars, crate::ir::Arg::Var(g));
        filter.push(format!("m.v{g} = {outer}"));
    }
    let mut select: Vec<String> = free.iter().map(|g| format!("m.v{g} AS v{g}")).collect();
    select.push(format!("{} AS result", result(a.op)));
    select.push(format!(
        "CAST(coalesce(min(m.lik), {}) AS INTEGER) AS lik",
        Likelihood::SCALE
    ));
    let group = if free.is_empty() {
        String::new()
    } else {
        let by: Vec<String> = free.iter().map(|g| format!("m.v{g}")).collect();
        format!(" GROUP BY {}", by.join(", "))
    };
    out.from.push(format!(
        "LATERAL (SELECT {} FROM ({matches}) AS m WHERE {}{group}) AS {alias}",
        select.join(", "),
        filter.join(" AND ")
    ));
    for &g in &free {
        out.vars[g as usize] = Some(format!("{alias}.v{g}"));
    }
    out.vars[a.result as usize] = Some(format!("{alias}.result"));
    out.filters.push(format!("{alias}.result IS NOT NULL"));
    out.computed.push(format!("{alias}.result"));
    out.likelihoods.push(format!("{alias}.lik"));
}

/// The aggregate's value over the matches `m` (target `m.t`), NULL when
/// it derives nothing.
fn result(op: AggregateOp) -> String {
    let tagged = |tag: &str| format!("count(*) FILTER (WHERE union_tag(m.t) = '{tag}')");
    let ints = "union_extract(m.t, 'i')";
    let decs = "union_extract(m.t, 'd')";
    match op {
        AggregateOp::Count => "CAST(count(*) AS wv)".to_string(),
        AggregateOp::Sum => format!(
            "CASE WHEN {texts} > 0 THEN NULL
      WHEN {d} = 0 THEN CASE
        WHEN coalesce(sum({ints}), 0) NOT BETWEEN {min} AND {max}
          THEN error('warrant overflow: the sum of ' || count(*) || ' values')
        WHEN coalesce(sum({ints}) FILTER (WHERE {ints} > 0), 0) > {max}
          OR coalesce(sum({ints}) FILTER (WHERE {ints} < 0), 0) < {min}
          THEN error('warrant cannot compute: whether a sum overflows depends on the order of its values')
        ELSE CAST(CAST(coalesce(sum({ints}), 0) AS BIGINT) AS wv) END
      WHEN count(*) = 1 OR (bool_and(w_num(m.t) * 1024 = floor(w_num(m.t) * 1024))
                            AND sum(abs(w_num(m.t))) < 4e12)
        THEN w_dec(sum(w_num(m.t)))
      ELSE error('warrant cannot compute: a sum of decimals that another order of addition rounds differently') END",
            texts = tagged("t"),
            d = tagged("d"),
            min = i64::MIN,
            max = i64::MAX,
        ),
        AggregateOp::Min | AggregateOp::Max => {
            let (f, first, word) = if op == AggregateOp::Min {
                ("min", "<", "least")
            } else {
                ("max", ">", "greatest")
            };
            let (i, d) = (format!("{f}({ints})"), format!("{f}({decs})"));
            let order = format!("w_order(w_of({i}), w_of({d}))");
            let second = if first == "<" { ">" } else { "<" };
            format!(
                "CASE WHEN {texts} > 0 AND count(*) > {texts} THEN NULL
      WHEN {texts} > 0 THEN w_of({f}(union_extract(m.t, 't')))
      WHEN {d} IS NULL THEN w_of({i})
      WHEN {i} IS NULL THEN w_of({d})
      WHEN {order} {first} 0 THEN w_of({i})
      WHEN {order} {second} 0 THEN w_of({d})
      ELSE error('warrant cannot compute: the {word} value is an integer and a decimal equal to it') END",
                texts = tagged("t"),
            )
        }
    }
}
