//! What arithmetic and comparisons count or stop evaluation on: divisions
//! by zero and comparisons of values of different kinds (counted, with
//! their rules), integer overflow (stops, with the computation shown; when,
//! `complete` decides).

use crate::ir::{self, Arg, Value};
use crate::source::Span;

use super::State;

/// Arithmetic that stopped evaluation: the rule and the computation.
#[derive(Clone, Debug)]
pub(crate) struct ArithFault {
    pub rule: Option<Span>,
    /// The expression with its operands' values: `9223372036854775807 + 1`.
    pub computation: String,
}

impl State<'_> {
    /// Counts a comparison between values of different kinds.
    pub(super) fn mixed_comparison(&mut self) {
        self.mixed_comparisons += 1;
        if let Some(r) = self.current
            && !self.mixed_rules.contains(&r)
        {
            self.mixed_rules.push(r);
        }
    }

    /// Counts a division by zero (of a binding that completes, see
    /// `complete`).
    pub(super) fn division_by_zero(&mut self) {
        self.divisions_by_zero += 1;
        if let Some(r) = self.current
            && !self.division_rules.contains(&r)
        {
            self.division_rules.push(r);
        }
    }
}

/// The value of an argument under the current bindings.
pub(super) fn arg_value(values: &ir::Values, vars: &[u32], a: Arg) -> Option<Value> {
    let id = match a {
        Arg::Var(v) => *vars.get(v as usize)?,
        Arg::Const(c) => c,
        Arg::Wildcard => return None,
    };
    values.try_get(id).cloned()
}
