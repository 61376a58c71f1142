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
