//! The overflow guard of a rule or conflict: a query that stops the
//! script, as the engine stops, when an integer overflow decides it.
//!
//! The rule (docs/language.md): evaluation stops on an overflow exactly
//! when some binding of all the body's atoms has a computation that
//! overflows and no other condition of that binding fails. A condition
//! reading an overflowed value (directly or through another computation)
//! neither holds nor fails; a division by zero, an operand of the wrong
//! kind, a comparison that does not hold and a certain exception make the
//! binding fail; a graded exception does not. That does not depend on the
//! order conditions are evaluated in, so DuckDB, joining in its own order,
//! decides as the engine does.
//!
//! The rule's own query derives nothing from a binding that overflows (its
//! value is NULL); the guard runs after the rule's stratum, over its final
//! tables: the body compiled in [`Mode::Guard`] (each computed value with
//! its `o`, "overflowed"), kept to the bindings where one overflowed. One
//! such binding raises `warrant overflow: COMPUTATION is outside the 64-bit
//! integer range in rule `NAME`` with the values it computed from, which
//! `run --engine duckdb` reports as the engine's `warrant::overflow`.

use crate::ir::{Body, Program};

use super::rule::{self, Mode, TableRef};
use super::values::{ident, string};

/// The guard statement of a body (`what`: "rule `NAME`" or "conflict
/// `NAME`"), or `None` when nothing it computes can overflow.
pub fn guard(program: &Program, body: &Body, what: &str) -> Option<String> {
    let sql = rule::guard_body(program, body, &|p| {
        TableRef::Table(ident(&program.pred(p).name))
    });
    debug_assert_eq!(sql.mode, Mode::Guard);
    if sql.overflows.is_empty() {
        return None;
    }
    let arms: Vec<String> = sql
        .overflows
        .iter()
        .map(|(o, shown)| format!("WHEN {o} THEN {shown}"))
        .collect();
    let message = format!(
        "'warrant overflow: ' || coalesce(CASE {} END, 'a value') || {}",
        arms.join(" "),
        string(&format!(" is outside the 64-bit integer range in {what}"))
    );
    let any: Vec<&str> = sql.overflows.iter().map(|(o, _)| o.as_str()).collect();
    let mut wheres = sql.wheres();
    wheres.push(format!("({})", any.join(" OR ")));
    let mut q = format!("SELECT error({message}) AS overflow");
    if !sql.from.is_empty() {
        q.push_str(&format!("\n    FROM {}", sql.from.join(", ")));
    }
    q.push_str(&format!("\n    WHERE {}", wheres.join("\n      AND ")));
    Some(format!(
        "-- {what}, overflow guard: stops when a binding of all its atoms overflows and no other condition fails\n\
         {q}\n    LIMIT 1;\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Overlay, file_key, load_with_overlay};

    fn program(source: &str) -> Program {
        let path = std::path::PathBuf::from("guard-test.wr");
        let mut overlay = Overlay::new();
        overlay.insert(file_key(&path), std::sync::Arc::from(source));
        let (program, diagnostics) = crate::check_parsed(&load_with_overlay(&[path], &overlay));
        program.unwrap_or_else(|| panic!("{diagnostics:?}"))
    }

    fn guard_of(source: &str) -> Option<String> {
        let p = program(source);
        guard(&p, &p.rules[0].body, "rule `r`")
    }

    #[test]
    fn a_body_that_computes_nothing_has_no_guard() {
        assert_eq!(guard_of("b(1).\nrule r when b(X), X > 0 then c(X)."), None);
        // `count` and `len` never overflow.
        assert_eq!(
            guard_of("b(1).\nrule r when b(X), N = count { b(_) } then c(X, N)."),
            None
        );
    }

    #[test]
    fn a_comparison_reading_a_computed_value_holds_or_reads_an_overflow() {
        let g = guard_of("b(1).\nrule r when b(X), N = X * 2, N > 0 then c(N).").expect("guarded");
        assert!(g.starts_with("-- rule `r`, overflow guard"), "{g}");
        assert!(g.contains("w_overflowed(w_nums("), "{g}");
        assert!(
            g.contains("(coalesce(w_order(x0_0.v, CAST(0::BIGINT AS wv)) > 0, false) OR x0_0.o)"),
            "{g}"
        );
        assert!(g.contains("in rule `r`"), "{g}");
    }

    #[test]
    fn a_sum_is_guarded_by_its_total() {
        let g =
            guard_of("b(1).\nrule r when b(X), S = sum Y { b(Y) } then c(X, S).").expect("guarded");
        assert!(g.contains("AS sum_overflows"), "{g}");
        assert!(g.contains("'the sum of ' || n || ' values'"), "{g}");
    }
}
