//! The test suite's own copy of the language's comparison rule, written
//! independently of `warrant::ir::compare` on purpose: the differential and
//! proof-checker tests judge the engine and the explainer against it.
//!
//! Numbers compare by value (the test values are small, so `f64` is exact),
//! texts by their characters, values of one scale by rank; two values of
//! different kinds are unequal and unordered.

use std::cmp::Ordering;

use warrant::ir::{CompareKind, CompareOp, Program, Value};

/// What a comparison of two value ids decides, by the oracle.
pub fn compare(program: &Program, a: u32, op: CompareOp, b: u32, kind: CompareKind) -> bool {
    compare_values(program, a, op, b, kind, |id| program.values.get(id).clone())
}

/// As [`compare`], reading values through `value` (for values a model
/// added to the program's table).
pub fn compare_values(
    program: &Program,
    a: u32,
    op: CompareOp,
    b: u32,
    kind: CompareKind,
    value: impl Fn(u32) -> Value,
) -> bool {
    let order: Option<Ordering> = match kind {
        CompareKind::Scale(s) => {
            let vals = &program.scales[s.0 as usize].values;
            let ra = vals.iter().position(|&v| v == a);
            let rb = vals.iter().position(|&v| v == b);
            match (ra, rb) {
                (Some(x), Some(y)) => Some(x.cmp(&y)),
                _ => None,
            }
        }
        CompareKind::Value => {
            let text = |v: &Value| match v {
                Value::Text(s) => Some(s.to_string()),
                _ => None,
            };
            let (x, y) = (value(a), value(b));
            match (x.as_number(), y.as_number()) {
                (Some(p), Some(q)) => p.partial_cmp(&q),
                (None, None) => match (text(&x), text(&y)) {
                    (Some(s), Some(t)) => Some(s.cmp(&t)),
                    _ => None,
                },
                _ => None,
            }
        }
    };
    let equal = order == Some(Ordering::Equal);
    match (op, order) {
        (CompareOp::Eq, _) => equal,
        (CompareOp::Ne, _) => !equal,
        (_, None) => false,
        (CompareOp::Lt, Some(o)) => o == Ordering::Less,
        (CompareOp::Le, Some(o)) => o != Ordering::Greater,
        (CompareOp::Gt, Some(o)) => o == Ordering::Greater,
        (CompareOp::Ge, Some(o)) => o != Ordering::Less,
    }
}
