//! The test suite's own copy of what values mean — comparison, arithmetic,
//! the built-in functions — written from `docs/language.md`, independently
//! of `warrant::ir::compare` and `warrant::arith` on purpose: the
//! differential and proof-checker tests judge the engine and the explainer
//! against it.
//!
//! Numbers compare by value (an integer with a decimal exactly), texts by
//! their characters, values of one scale by rank; two values of different
//! kinds are unequal and unordered. Integers are 64-bit and never wrap;
//! `/` truncates toward zero and `%` takes the dividend's sign; an integer
//! with a decimal gives a decimal; a decimal that is not finite is an
//! overflow; `%` is for integers.

// Each test crate uses part of it.
#![allow(dead_code)]

use std::cmp::Ordering;

use warrant::ir::{ArithOp, CompareKind, CompareOp, Function, Program, Value};

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
        CompareKind::Value if op == CompareOp::Contains => {
            return holds(op, &value(a), &value(b));
        }
        CompareKind::Value => order(&value(a), &value(b)),
    };
    decide(op, order)
}

/// Whether `a op b` holds: `contains` on two texts, the others by
/// [`order`].
pub fn holds(op: CompareOp, a: &Value, b: &Value) -> bool {
    match (op, a, b) {
        (CompareOp::Contains, Value::Text(x), Value::Text(y)) => x.contains(&**y),
        (CompareOp::Contains, _, _) => false,
        _ => decide(op, order(a, b)),
    }
}

/// Whether `op` holds between two values of the given order.
pub fn decide(op: CompareOp, order: Option<Ordering>) -> bool {
    let equal = order == Some(Ordering::Equal);
    match (op, order) {
        (CompareOp::Eq, _) => equal,
        (CompareOp::Ne, _) => !equal,
        (_, None) => false,
        (CompareOp::Lt, Some(o)) => o == Ordering::Less,
        (CompareOp::Le, Some(o)) => o != Ordering::Greater,
        (CompareOp::Gt, Some(o)) => o == Ordering::Greater,
        (CompareOp::Ge, Some(o)) => o != Ordering::Less,
        // Not an order: see [`holds`].
        (CompareOp::Contains, _) => false,
    }
}

/// An integer against a decimal, exactly (no rounding of the integer).
fn int_dec(i: i64, d: f64) -> Option<Ordering> {
    if d.is_nan() {
        return None;
    }
    // Every i64 lies strictly inside ±2^63.
    if d >= 9_223_372_036_854_775_808.0 {
        return Some(Ordering::Less);
    }
    if d < -9_223_372_036_854_775_808.0 {
        return Some(Ordering::Greater);
    }
    let whole = d.floor();
    match (i as i128).cmp(&(whole as i128)) {
        Ordering::Equal if d > whole => Some(Ordering::Less),
        o => Some(o),
    }
}

/// The order of two plain values (no scales): numbers by value, texts by
/// characters, `None` across kinds.
pub fn order(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Dec(x), Value::Dec(y)) => x.partial_cmp(y),
        (Value::Int(x), Value::Dec(y)) => int_dec(*x, *y),
        (Value::Dec(x), Value::Int(y)) => int_dec(*y, *x).map(Ordering::reverse),
        (Value::Text(x), Value::Text(y)) => Some(x.chars().cmp(y.chars())),
        _ => None,
    }
}

/// Why a computation gives no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fail {
    /// Out of the 64-bit range (or not finite): stops evaluation.
    Overflow,
    /// Derives nothing, counted in a warning.
    DivisionByZero,
    /// An operand of the wrong kind: derives nothing.
    Kind,
}

fn decimal(x: f64) -> Result<Value, Fail> {
    if !x.is_finite() {
        Err(Fail::Overflow)
    } else if x == 0.0 {
        Ok(Value::Dec(0.0))
    } else {
        Ok(Value::Dec(x))
    }
}

fn number(v: &Value) -> Result<f64, Fail> {
    match v {
        Value::Int(i) => Ok(*i as f64),
        Value::Dec(d) => Ok(*d),
        Value::Text(_) => Err(Fail::Kind),
    }
}

/// `a op b`.
pub fn binary(op: ArithOp, a: &Value, b: &Value) -> Result<Value, Fail> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => {
            let (x, y) = (*x as i128, *y as i128);
            let r = match op {
                ArithOp::Add => x + y,
                ArithOp::Sub => x - y,
                ArithOp::Mul => x * y,
                ArithOp::Div | ArithOp::Rem if y == 0 => return Err(Fail::DivisionByZero),
                // i128 division truncates toward zero; the remainder
                // follows the dividend's sign.
                ArithOp::Div => x / y,
                ArithOp::Rem => x % y,
            };
            i64::try_from(r).map(Value::Int).map_err(|_| Fail::Overflow)
        }
        _ => {
            let (x, y) = (number(a)?, number(b)?);
            match op {
                ArithOp::Add => decimal(x + y),
                ArithOp::Sub => decimal(x - y),
                ArithOp::Mul => decimal(x * y),
                ArithOp::Div if y == 0.0 => Err(Fail::DivisionByZero),
                ArithOp::Div => decimal(x / y),
                ArithOp::Rem => Err(Fail::Kind),
            }
        }
    }
}

/// `-a`.
pub fn negate(a: &Value) -> Result<Value, Fail> {
    match a {
        Value::Int(i) => binary(ArithOp::Sub, &Value::Int(0), &Value::Int(*i)),
        Value::Dec(d) => decimal(-d),
        Value::Text(_) => Err(Fail::Kind),
    }
}

fn text(v: &Value) -> Result<&str, Fail> {
    match v {
        Value::Text(t) => Ok(t),
        _ => Err(Fail::Kind),
    }
}

/// A built-in function. `min`/`max` of two equal values give the first.
pub fn call(f: Function, args: &[Value]) -> Result<Value, Fail> {
    match (f, args) {
        (Function::Min | Function::Max, [a, b]) => {
            let o = order(a, b).ok_or(Fail::Kind)?;
            let second = if f == Function::Min {
                o == Ordering::Greater
            } else {
                o == Ordering::Less
            };
            Ok(if second { b.clone() } else { a.clone() })
        }
        (Function::Abs, [a]) => match order(a, &Value::Int(0)) {
            Some(Ordering::Less) => negate(a),
            Some(_) => Ok(a.clone()),
            None => Err(Fail::Kind),
        },
        (Function::Len, [a]) => Ok(Value::Int(text(a)?.chars().count() as i64)),
        (Function::Concat, [a, b]) => Ok(Value::Text(format!("{}{}", text(a)?, text(b)?).into())),
        (Function::Lower, [a]) => Ok(Value::Text(text(a)?.to_lowercase().into())),
        (Function::Upper, [a]) => Ok(Value::Text(text(a)?.to_uppercase().into())),
        _ => Err(Fail::Kind),
    }
}
