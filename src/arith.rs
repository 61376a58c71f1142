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
        AggregateOp::Sum => sum(values.iter().copied()).map(Some),
        AggregateOp::Min | AggregateOp::Max => Ok(extreme(op, values.iter().copied())),
    }
}

/// The sum of `values`, whatever their order: integers are added exactly
/// (in 128 bits, which no number of 64-bit values that fits in memory can
/// leave), so only a total outside the 64-bit range is an overflow, never a
/// partial sum; with decimals among them the total is a decimal. A text is
/// [`ArithError::Kind`].
pub fn sum<'a>(values: impl IntoIterator<Item = &'a Value>) -> Result<Value, ArithError> {
    let (mut ints, mut decs, mut decimal) = (0i128, 0.0f64, false);
    for v in values {
        match *v {
            Value::Int(i) => ints += i128::from(i),
            Value::Dec(d) => {
                decs += d;
                decimal = true;
            }
            _ => return Err(ArithError::Kind),
        }
    }
    if decimal {
        dec(ints as f64 + decs)
    } else {
        i64::try_from(ints)
            .map(Value::Int)
            .map_err(|_| ArithError::Overflow)
    }
}

/// The least (`min`) or greatest (`max`) of `values`, whatever their
/// order: of equal values of two kinds (`1` and `1.0`) the integer; `None`
/// for nothing, or for values that do not order (texts with numbers).
pub fn extreme<'a>(
    op: crate::ir::AggregateOp,
    values: impl IntoIterator<Item = &'a Value>,
) -> Option<Value> {
    let want = if op == crate::ir::AggregateOp::Min {
        Ordering::Less
    } else {
        Ordering::Greater
    };
    let mut best: Option<&Value> = None;
    for v in values {
        best = match best {
            None => Some(v),
            Some(b) => match order(v, b)? {
                o if o == want => Some(v),
                Ordering::Equal if matches!(v, Value::Int(_)) => Some(v),
                _ => Some(b),
            },
        };
    }
    best.cloned()
}

/// What the failing parts of an expression run into, every one of them:
/// each operand is computed, an operation with a failing operand is not
/// (`(A * B) / 0`, when `A * B` overflows, is only an overflow), so an
/// overflow in one operand does not hide a division by zero or a wrong
/// kind in another (`A * B + C / 0` is both).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Failures {
    pub overflow: bool,
    pub division_by_zero: bool,
    pub kind: bool,
}

impl Failures {
    fn of(e: ArithError) -> Failures {
        Failures {
            overflow: e == ArithError::Overflow,
            division_by_zero: e == ArithError::DivisionByZero,
            kind: e == ArithError::Kind,
        }
    }

    fn or(self, o: Failures) -> Failures {
        Failures {
            overflow: self.overflow || o.overflow,
            division_by_zero: self.division_by_zero || o.division_by_zero,
            kind: self.kind || o.kind,
        }
    }
}

/// The failures of an expression (none when it computes), reading
/// arguments through `arg`; `None` is a value unknown because its own
/// computation overflowed, which counts as an overflow.
pub fn failures(expr: &crate::ir::Expr, arg: &dyn Fn(crate::ir::Arg) -> Option<Value>) -> Failures {
    use crate::ir::Expr;
    fn all(
        es: &[&Expr],
        arg: &dyn Fn(crate::ir::Arg) -> Option<Value>,
    ) -> Result<Vec<Value>, Failures> {
        let mut fails = Failures::default();
        let mut vals = Vec::with_capacity(es.len());
        for e in es {
            match go(e, arg) {
                Ok(v) => vals.push(v),
                Err(f) => fails = fails.or(f),
            }
        }
        if fails == Failures::default() {
            Ok(vals)
        } else {
            Err(fails)
        }
    }
    fn go(e: &Expr, arg: &dyn Fn(crate::ir::Arg) -> Option<Value>) -> Result<Value, Failures> {
        match e {
            Expr::Arg(a) => arg(*a).ok_or(Failures {
                overflow: true,
                ..Failures::default()
            }),
            Expr::Neg(x) => negate(&go(x, arg)?).map_err(Failures::of),
            Expr::Binary(op, a, b) => {
                let v = all(&[a, b], arg)?;
                binary(*op, &v[0], &v[1]).map_err(Failures::of)
            }
            Expr::Call(f, args) => {
                let es: Vec<&Expr> = args.iter().collect();
                call(*f, &all(&es, arg)?).map_err(Failures::of)
            }
        }
    }
    go(expr, arg).err().unwrap_or_default()
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
    fn sums_overflow_only_when_the_total_does() {
        let (big, one, minus) = (int(i64::MAX), int(1), int(-1));
        // Whatever the order, a partial sum past the range does not count.
        assert_eq!(sum([&big, &one, &minus]), Ok(big.clone()));
        assert_eq!(sum([&minus, &big, &one]), Ok(big.clone()));
        assert_eq!(sum([&big, &one]), Err(ArithError::Overflow));
        assert_eq!(sum([&int(i64::MIN), &minus, &one]), Ok(int(i64::MIN)));
        assert_eq!(
            sum([&big, &one, &Value::Dec(0.5)]),
            Ok(Value::Dec(i64::MAX as f64 + 1.5))
        );
        assert_eq!(sum([&one, &Value::Text("x".into())]), Err(ArithError::Kind));
    }

    #[test]
    fn of_equal_values_of_two_kinds_the_integer_is_kept() {
        use crate::ir::AggregateOp::{Max, Min};
        let (i, d) = (int(1), Value::Dec(1.0));
        for op in [Min, Max] {
            assert_eq!(extreme(op, [&i, &d]), Some(int(1)));
            assert_eq!(extreme(op, [&d, &i]), Some(int(1)));
        }
        assert_eq!(
            extreme(Min, [&d, &Value::Dec(0.5), &i]),
            Some(Value::Dec(0.5))
        );
        assert_eq!(extreme(Max, [&int(2), &Value::Dec(2.0), &i]), Some(int(2)));
    }

    #[test]
    fn failures_are_every_operand_s() {
        use crate::ir::{Arg, Expr};
        let big = Expr::Arg(Arg::Var(0));
        let zero = Expr::Arg(Arg::Var(1));
        let times = |a: Expr, b: Expr| Expr::Binary(ArithOp::Mul, Box::new(a), Box::new(b));
        let by = |a: Expr, b: Expr| Expr::Binary(ArithOp::Div, Box::new(a), Box::new(b));
        let plus = |a: Expr, b: Expr| Expr::Binary(ArithOp::Add, Box::new(a), Box::new(b));
        let arg = |a: Arg| match a {
            Arg::Var(0) => Some(int(i64::MAX)),
            Arg::Var(1) => Some(int(0)),
            _ => None,
        };
        let over = times(big.clone(), big.clone());
        let only_overflow = Failures {
            overflow: true,
            ..Failures::default()
        };
        assert_eq!(failures(&over, &arg), only_overflow);
        assert_eq!(
            failures(&by(over.clone(), zero.clone()), &arg),
            only_overflow
        );
        let both = plus(over, by(big.clone(), zero));
        assert_eq!(
            failures(&both, &arg),
            Failures {
                overflow: true,
                division_by_zero: true,
                kind: false
            }
        );
        // An unknown value counts as an overflow.
        assert_eq!(failures(&Expr::Arg(Arg::Var(7)), &arg), only_overflow);
        assert_eq!(failures(&big, &arg), Failures::default());
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
