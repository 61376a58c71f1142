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
//! A sum of integers is exact (`HUGEINT`): it overflows when its total
//! leaves the 64-bit range, whatever the order of its values. A sum of
//! decimals that float addition may round differently in another order
//! stops the script (`warrant cannot compute`) instead of guessing. Among
//! a least or greatest integer and a decimal equal to it, the integer wins.
//!
//! Compiled for the guard, the aggregate's result overflowed (`o`, the
//! result NULL) when its sum does or a match counted read an overflowed
//! value; a group variable the rule binds to an overflowed value fixes
//! nothing (its join is relaxed, as the oracle's is).

use crate::ir::{Aggregate, AggregateOp, PredId, Program};
use crate::likelihood::Likelihood;

use super::rule::{self, BodySql, Mode, TableRef};

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
        out.mode,
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
    let guard = out.mode == Mode::Guard;
    // For the guard: whether a match read an overflowed value.
    let sub_poison: Vec<&str> = sub.overflows.iter().map(|(p, _)| p.as_str()).collect();
    if guard {
        let o = if sub_poison.is_empty() {
            "false".to_string()
        } else {
            sub_poison.join(" OR ")
        };
        cols.push(format!("{o} AS o"));
        if !sub.overflows.is_empty() {
            let arms: Vec<String> = sub
                .overflows
                .iter()
                .map(|(o, shown)| format!("WHEN {o} THEN {shown}"))
                .collect();
            cols.push(format!("CASE {} END AS shown", arms.join(" ")));
        }
    }
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
        match rule::poison(out, crate::ir::Arg::Var(g)) {
            Some(p) => {
                filter.push(format!("({p} OR m.v{g} = {outer})"));
            }
            None => filter.push(format!("m.v{g} = {outer}")),
        }
    }
    let mut select: Vec<String> = free.iter().map(|g| format!("m.v{g} AS v{g}")).collect();
    select.push(format!("{} AS result", result(a.op)));
    select.push(format!(
        "CAST(coalesce(min(m.lik), {}) AS INTEGER) AS lik",
        Likelihood::SCALE
    ));
    // For the guard: whether the result overflowed (its sum, or a value a
    // match counted read), then the result is NULL.
    let mut poisons: Vec<&str> = Vec::new();
    if guard && a.op == AggregateOp::Sum {
        select.push(format!("{} AS sum_overflows", sum_overflows()));
        poisons.push("sum_overflows");
    }
    if guard && !sub_poison.is_empty() {
        select.push("coalesce(bool_or(m.o), false) AS counted_overflowed".to_string());
        select.push("min(m.shown) FILTER (WHERE m.o) AS counted_shown".to_string());
        poisons.push("counted_overflowed");
    }
    if !poisons.is_empty() {
        select.push("count(*) AS n".to_string());
    }
    let group = if free.is_empty() {
        String::new()
    } else {
        let by: Vec<String> = free.iter().map(|g| format!("m.v{g}")).collect();
        format!(" GROUP BY {}", by.join(", "))
    };
    let mut lateral = format!(
        "SELECT {} FROM ({matches}) AS m WHERE {}{group}",
        select.join(", "),
        filter.join(" AND ")
    );
    if !poisons.is_empty() {
        let o = poisons.join(" OR ");
        let counted = if sub_poison.is_empty() {
            "NULL"
        } else {
            "counted_shown"
        };
        let shown = if a.op == AggregateOp::Sum {
            format!(
                "CASE WHEN sum_overflows THEN 'the sum of ' || n || ' values' ELSE {counted} END"
            )
        } else {
            counted.to_string()
        };
        lateral = format!(
            "SELECT * REPLACE (CASE WHEN {o} THEN NULL ELSE result END AS result), {o} AS o, \
             {shown} AS shown FROM ({lateral})"
        );
    }
    out.from.push(format!("LATERAL ({lateral}) AS {alias}"));
    for &g in &free {
        out.vars[g as usize] = Some(format!("{alias}.v{g}"));
    }
    out.vars[a.result as usize] = Some(format!("{alias}.result"));
    if poisons.is_empty() {
        out.filters.push(format!("{alias}.result IS NOT NULL"));
    } else {
        let o = format!("{alias}.o");
        out.filters
            .push(format!("({alias}.result IS NOT NULL OR {o})"));
        out.poison[a.result as usize] = Some(o.clone());
        out.overflows.push((o, format!("{alias}.shown")));
    }
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
      WHEN {d} = 0 THEN w_int(coalesce(sum({ints}), 0))
      WHEN count(*) = 1 OR (bool_and(w_num(m.t) * 1024 = floor(w_num(m.t) * 1024))
                            AND sum(abs(w_num(m.t))) < 4e12)
        THEN w_dec(sum(w_num(m.t)))
      ELSE error('warrant cannot compute: a sum of decimals that another order of addition rounds differently') END",
            texts = tagged("t"),
            d = tagged("d"),
        ),
        AggregateOp::Min | AggregateOp::Max => {
            let (f, first) = if op == AggregateOp::Min {
                ("min", "<")
            } else {
                ("max", ">")
            };
            let (i, d) = (format!("{f}({ints})"), format!("{f}({decs})"));
            let order = format!("w_order(w_of({i}), w_of({d}))");
            // `1` and `1.0`: the integer.
            format!(
                "CASE WHEN {texts} > 0 AND count(*) > {texts} THEN NULL
      WHEN {texts} > 0 THEN w_of({f}(union_extract(m.t, 't')))
      WHEN {d} IS NULL THEN w_of({i})
      WHEN {i} IS NULL THEN w_of({d})
      WHEN {order} {first}= 0 THEN w_of({i})
      WHEN {order} IS NOT NULL THEN w_of({d}) END",
                texts = tagged("t"),
            )
        }
    }
}

/// Whether a sum over the matches `m` leaves the 64-bit range: integers
/// only, summed exactly.
fn sum_overflows() -> String {
    format!(
        "coalesce(count(*) FILTER (WHERE union_tag(m.t) <> 'i') = 0 \
         AND coalesce(sum(union_extract(m.t, 'i')), 0) NOT BETWEEN {} AND {}, false)",
        i64::MIN,
        i64::MAX
    )
}
