//! The arithmetic of the language: what `+ - * / %`, unary minus and the
//! built-in functions compute. The engine evaluates rule bodies with it and
//! the explainer shows the values it computed; both call this one place.
//!
//! Integers are 64-bit and never wrap: a result out of range is
//! [`ArithError::Overflow`]. An integer with a decimal gives a decimal; a
//! decimal result that is not finite is an overflow too. `/` on two
//! integers truncates toward zero and `%` takes the sign of the dividend
//! (`-7 / 2 = -3`, `-7 % 2 = -1`). Dividing by zero is
//! [`ArithError::DivisionByZero`]. An operand of the wrong kind (a text in
//! arithmetic, a number in `len`) is [`ArithError::Kind`]: that binding
//! derives nothing.

use std::cmp::Ordering;

use crate::ir::{ArithOp, Function, Value, order};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithError {
    Overflow,
    DivisionByZero,
    /// An operand of a kind the operation does not take.
    Kind,
}

impl std::fmt::Display for ArithError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ArithError::Overflow => "the result is out of range",
            ArithError::DivisionByZero => "division by zero",
            ArithError::Kind => "an operand of the wrong kind",
        })
    }
}

/// A decimal result, or an overflow when it is not finite.
fn dec(x: f64) -> Result<Value, ArithError> {
    if x.is_finite() {
        // -0.0 and 0.0 are one value.
        Ok(Value::Dec(if x == 0.0 { 0.0 } else { x }))
    } else {
        Err(ArithError::Overflow)
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match *v {
        Value::Int(i) => Some(i as f64),
        Value::Dec(d) => Some(d),
        _ => None,
    }
}

/// `a op b`.
pub fn binary(op: ArithOp, a: &Value, b: &Value) -> Result<Value, ArithError> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        let (x, y) = (*x, *y);
        if matches!(op, ArithOp::Div | ArithOp::Rem) && y == 0 {
            return Err(ArithError::DivisionByZero);
        }
        let r = match op {
            ArithOp::Add => x.checked_add(y),
            ArithOp::Sub => x.checked_sub(y),
            ArithOp::Mul => x.checked_mul(y),
            ArithOp::Div => x.checked_div(y),
            ArithOp::Rem => x.checked_rem(y),
        };
        return r.map(Value::Int).ok_or(ArithError::Overflow);
    }
    let (Some(x), Some(y)) = (as_f64(a), as_f64(b)) else {
        return Err(ArithError::Kind);
    };
    match op {
        ArithOp::Add => dec(x + y),
        ArithOp::Sub => dec(x - y),
        ArithOp::Mul => dec(x * y),
        ArithOp::Div if y == 0.0 => Err(ArithError::DivisionByZero),
        ArithOp::Div => dec(x / y),
        // `%` is for integers; `check` rejects it on decimals.
        ArithOp::Rem => Err(ArithError::Kind),
    }
}

/// `-a`.
pub fn negate(a: &Value) -> Result<Value, ArithError> {
    match *a {
        Value::Int(i) => i.checked_neg().map(Value::Int).ok_or(ArithError::Overflow),
        Value::Dec(d) => dec(-d),
        _ => Err(ArithError::Kind),
    }
}

/// A built-in function applied to its arguments.
pub fn call(f: Function, args: &[Value]) -> Result<Value, ArithError> {
    if args.len() != f.arity() {
        return Err(ArithError::Kind);
    }
    let text = |v: &Value| v.as_text().map(str::to_string).ok_or(ArithError::Kind);
    match f {
        Function::Min | Function::Max => {
            let want = if f == Function::Min {
                Ordering::Greater
            } else {
                Ordering::Less
            };
            match order(&args[0], &args[1]) {
                Some(o) if o == want => Ok(args[1].clone()),
                Some(_) => Ok(args[0].clone()),
                None => Err(ArithError::Kind),
            }
        }
        Function::Abs => match args[0] {
            Value::Int(i) => i.checked_abs().map(Value::Int).ok_or(ArithError::Overflow),
            Value::Dec(d) => dec(d.abs()),
            _ => Err(ArithError::Kind),
        },
        Function::Len => {
            let n = text(&args[0])?.chars().count();
            i64::try_from(n)
                .map(Value::Int)
                .map_err(|_| ArithError::Overflow)
        }
        Function::Concat => Ok(Value::Text(
            (text(&args[0])? + &text(&args[1])?).into_boxed_str(),
        )),
        Function::Lower => Ok(Value::Text(text(&args[0])?.to_lowercase().into_boxed_str())),
        Function::Upper => Ok(Value::Text(text(&args[0])?.to_uppercase().into_boxed_str())),
    }
}

/// Evaluates an expression, reading arguments through `arg`
/// (`None`: an unbound variable, which `check` rules out).
pub fn eval(
    expr: &crate::ir::Expr,
    arg: &dyn Fn(crate::ir::Arg) -> Option<Value>,
) -> Result<Value, ArithError> {
    use crate::ir::Expr;
    match expr {
        Expr::Arg(a) => arg(*a).ok_or(ArithError::Kind),
        Expr::Neg(e) => negate(&eval(e, arg)?),
        Expr::Binary(op, a, b) => binary(*op, &eval(a, arg)?, &eval(b, arg)?),
        Expr::Call(f, args) => {
            let vals = args
                .iter()
                .map(|a| eval(a, arg))
                .collect::<Result<Vec<_>, _>>()?;
            call(*f, &vals)
        }
    }
}

/// An expression with the values of its arguments: `3 + 4 * 2`, with the
/// parentheses its precedence needs; `?` for an unknown argument.
pub fn display(expr: &crate::ir::Expr, arg: &dyn Fn(crate::ir::Arg) -> Option<Value>) -> String {
    fn go(e: &crate::ir::Expr, outer: u8, arg: &dyn Fn(crate::ir::Arg) -> Option<Value>) -> String {
        use crate::ir::Expr;
        match e {
            Expr::Arg(a) => match arg(*a) {
                Some(v @ (Value::Int(_) | Value::Dec(_)))
                    if outer > 0 && v.to_string().starts_with('-') =>
                {
                    format!("({v})")
                }
                Some(v) => v.to_string(),
                None => "?".to_string(),
            },
            Expr::Neg(x) => format!("-{}", go(x, 3, arg)),
            Expr::Binary(op, a, b) => {
                let p = op.precedence();
                let text = format!("{} {} {}", go(a, p, arg), op.symbol(), go(b, p + 1, arg));
                if p < outer { format!("({text})") } else { text }
            }
            Expr::Call(f, args) => {
                let args: Vec<String> = args.iter().map(|a| go(a, 0, arg)).collect();
                format!("{}({})", f.name(), args.join(", "))
            }
        }
    }
    go(expr, 0, arg)
}

/// What an aggregate computes from the values of the matches it counted
/// (their targets; for `count` only their number matters): `count` and
/// `sum` of nothing are 0; `min` and `max` of nothing, or of values that
/// do not order, are `None`.
pub fn aggregate(
    op: crate::ir::AggregateOp,
    values: &[&Value],
) -> Result<Option<Value>, ArithError> {
    use crate::ir::AggregateOp;
    match op {
        AggregateOp::Count => i64::try_from(values.len())
            .map(|n| Some(Value::Int(n)))
            .map_err(|_| ArithError::Overflow),
        AggregateOp::Sum => {
            let mut sum = Value::Int(0);
            for v in values {
                sum = binary(ArithOp::Add, &sum, v)?;
            }
            Ok(Some(sum))
        }
        AggregateOp::Min | AggregateOp::Max => {
            let want = if op == AggregateOp::Min {
                Ordering::Less
            } else {
                Ordering::Greater
            };
            let mut best: Option<&Value> = None;
            for &v in values {
                best = match best {
                    None => Some(v),
                    Some(b) => match order(v, b) {
                        Some(o) if o == want => Some(v),
                        Some(_) => Some(b),
                        None => return Ok(None),
                    },
                };
            }
            Ok(best.cloned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(i: i64) -> Value {
        Value::Int(i)
    }

    #[test]
    fn aggregates_fold_their_values() {
        use crate::ir::AggregateOp;
        let (a, b) = (int(3), Value::Dec(1.5));
        assert_eq!(aggregate(AggregateOp::Count, &[&a, &b]), Ok(Some(int(2))));
        assert_eq!(
            aggregate(AggregateOp::Sum, &[&a, &b]),
            Ok(Some(Value::Dec(4.5)))
        );
        assert_eq!(aggregate(AggregateOp::Sum, &[]), Ok(Some(int(0))));
        assert_eq!(aggregate(AggregateOp::Min, &[&a, &b]), Ok(Some(b.clone())));
        assert_eq!(aggregate(AggregateOp::Max, &[&a, &b]), Ok(Some(a.clone())));
        assert_eq!(aggregate(AggregateOp::Max, &[]), Ok(None));
        let t = Value::Text("x".into());
        assert_eq!(aggregate(AggregateOp::Min, &[&a, &t]), Ok(None));
        let big = int(i64::MAX);
        assert_eq!(
            aggregate(AggregateOp::Sum, &[&big, &a]),
            Err(ArithError::Overflow)
        );
    }

    #[test]
    fn integers_are_checked_and_truncate() {
        assert_eq!(binary(ArithOp::Add, &int(3), &int(4)), Ok(int(7)));
        assert_eq!(binary(ArithOp::Div, &int(-7), &int(2)), Ok(int(-3)));
        assert_eq!(binary(ArithOp::Rem, &int(-7), &int(2)), Ok(int(-1)));
        assert_eq!(
            binary(ArithOp::Add, &int(i64::MAX), &int(1)),
            Err(ArithError::Overflow)
        );
        assert_eq!(
            binary(ArithOp::Div, &int(i64::MIN), &int(-1)),
            Err(ArithError::Overflow)
        );
        assert_eq!(
            binary(ArithOp::Rem, &int(1), &int(0)),
            Err(ArithError::DivisionByZero)
        );
        assert_eq!(negate(&int(i64::MIN)), Err(ArithError::Overflow));
    }

    #[test]
    fn decimals_mix_and_stay_finite() {
        assert_eq!(
            binary(ArithOp::Mul, &int(2), &Value::Dec(1.5)),
            Ok(Value::Dec(3.0))
        );
        assert_eq!(
            binary(ArithOp::Div, &Value::Dec(1.0), &int(0)),
            Err(ArithError::DivisionByZero)
        );
        assert_eq!(
            binary(ArithOp::Mul, &Value::Dec(1e300), &Value::Dec(1e300)),
            Err(ArithError::Overflow)
        );
        assert_eq!(
            binary(ArithOp::Add, &Value::Text("a".into()), &int(1)),
            Err(ArithError::Kind)
        );
    }

    #[test]
    fn functions() {
        let s = |t: &str| Value::Text(t.into());
        assert_eq!(
            call(Function::Min, &[int(3), Value::Dec(2.5)]),
            Ok(Value::Dec(2.5))
        );
        assert_eq!(call(Function::Max, &[int(3), int(3)]), Ok(int(3)));
        assert_eq!(
            call(Function::Min, &[int(3), s("a")]),
            Err(ArithError::Kind)
        );
        assert_eq!(call(Function::Abs, &[int(-4)]), Ok(int(4)));
        assert_eq!(
            call(Function::Len, &[Value::Text("héllo".into())]),
            Ok(int(5))
        );
        assert_eq!(
            call(Function::Concat, &[s("ab"), Value::Text("cd".into())]),
            Ok(Value::Text("abcd".into()))
        );
        assert_eq!(
            call(Function::Upper, &[s("ab")]),
            Ok(Value::Text("AB".into()))
        );
        assert_eq!(call(Function::Len, &[int(1)]), Err(ArithError::Kind));
    }
}
