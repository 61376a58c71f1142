//! The one comparison semantics: how two values order, and whether `a op b`
//! holds under a comparison's kind. The engine and the explainer both call
//! it.

use std::cmp::Ordering;

use super::{CompareOp, Scale, ScaleId, Value, ValueId, Values};

/// How a comparison compares its two sides; decided by `check` from types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareKind {
    /// By the values' own kinds ([`order`]): numbers by value, texts
    /// lexicographically, different kinds never ordered nor equal.
    Value,
    /// Both sides values of one scale, compared by rank; a value outside
    /// the scale is ordered with nothing.
    Scale(ScaleId),
}

/// The order of two values: numbers by value (an integer and a decimal
/// exactly, without rounding the integer), texts lexicographically by
/// their characters, and `None` for values of different kinds. This is the
/// one definition of comparison in Warrant; the engine and the explainer
/// both call it.
pub fn order(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Dec(x), Value::Dec(y)) => x.partial_cmp(y),
        (Value::Int(x), Value::Dec(y)) => int_dec_order(*x, *y),
        (Value::Dec(x), Value::Int(y)) => int_dec_order(*y, *x).map(Ordering::reverse),
        _ => match (a.as_text(), b.as_text()) {
            (Some(x), Some(y)) => Some(x.cmp(y)),
            _ => None,
        },
    }
}

/// An integer against a decimal, exactly: through `i128` when the decimal
/// is integral and in range, else by the decimal's side of the integer.
fn int_dec_order(i: i64, d: f64) -> Option<Ordering> {
    if d.is_nan() {
        return None;
    }
    let floor = d.floor();
    if (-1.8e19..=1.8e19).contains(&floor) {
        let f = floor as i128;
        return Some(match (i as i128).cmp(&f) {
            Ordering::Equal if d > floor => Ordering::Less,
            o => o,
        });
    }
    Some(if d > 0.0 {
        Ordering::Less
    } else {
        Ordering::Greater
    })
}

/// Whether two values are of kinds that are never ordered nor equal (a
/// text and a number): a comparison between them never holds, whatever the
/// operator but `!=`.
pub fn kinds_differ(values: &Values, a: ValueId, b: ValueId) -> bool {
    match (values.try_get(a), values.try_get(b)) {
        (Some(x), Some(y)) => x.as_text().is_some() != y.as_text().is_some(),
        _ => false,
    }
}

/// Whether `a op b` holds under `kind`: `=` when the order is `Equal`,
/// `!=` whenever it is not (values of different kinds are unequal, so
/// `X != 2` holds for every `X` that is not the number 2), and an ordering
/// only when the values are ordered at all.
pub fn compare(
    values: &Values,
    scales: &[Scale],
    a: ValueId,
    op: CompareOp,
    b: ValueId,
    kind: CompareKind,
) -> bool {
    let ord = match kind {
        // A value is equal to itself (interning makes equal values one id,
        // except an integer and an equal decimal).
        CompareKind::Value if a == b => Some(Ordering::Equal),
        CompareKind::Value => match (values.try_get(a), values.try_get(b)) {
            (Some(x), Some(y)) => order(x, y),
            _ => None,
        },
        CompareKind::Scale(s) => scales
            .get(s.0 as usize)
            .and_then(|sc| Some(sc.rank(a)?.cmp(&sc.rank(b)?))),
    };
    match op {
        CompareOp::Ne => ord != Some(Ordering::Equal),
        CompareOp::Contains => {
            let text = |v| values.try_get(v).and_then(Value::as_text);
            matches!((text(a), text(b)), (Some(x), Some(y)) if x.contains(y))
        }
        _ => ord.is_some_and(|o| op.holds(o)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn int(i: i64) -> Value {
        Value::Int(i)
    }

    #[test]
    fn numbers_order_by_value_and_exactly() {
        assert_eq!(order(&int(1), &Value::Dec(1.0)), Some(Ordering::Equal));
        assert_eq!(order(&int(2), &Value::Dec(1.5)), Some(Ordering::Greater));
        assert_eq!(order(&Value::Dec(-0.5), &int(0)), Some(Ordering::Less));
        // 2^53 + 1 is not equal to the decimal 2^53, although `as f64` says so.
        let big = (1i64 << 53) + 1;
        assert_eq!(
            order(&int(big), &Value::Dec((1u64 << 53) as f64)),
            Some(Ordering::Greater)
        );
        assert_eq!(
            order(&int(i64::MAX), &Value::Dec(1e300)),
            Some(Ordering::Less)
        );
    }

    #[test]
    fn texts_order_lexicographically_and_kinds_never_mix() {
        let sym = |s: &str| Value::Text(s.into());
        assert_eq!(order(&sym("alpha"), &sym("beta")), Some(Ordering::Less));
        assert_eq!(
            order(&sym("abc"), &Value::Text("abc".into())),
            Some(Ordering::Equal)
        );
        assert_eq!(order(&sym("abc"), &int(2)), None);
    }

    #[test]
    fn not_equal_holds_across_kinds_and_ordering_does_not() {
        let mut values = Values::default();
        let two = values.intern(int(2));
        let two_dec = values.intern(Value::Dec(2.0));
        let text = values.intern(Value::Text("two".into()));
        let japan = values.intern(Value::Text("Japan".into()));
        let pan = values.intern(Value::Text("pan".into()));
        let cmp = |a, op, b| compare(&values, &[], a, op, b, CompareKind::Value);
        assert!(cmp(text, CompareOp::Ne, two));
        assert!(!cmp(text, CompareOp::Eq, two));
        assert!(!cmp(text, CompareOp::Lt, two) && !cmp(text, CompareOp::Ge, two));
        assert!(cmp(two_dec, CompareOp::Eq, two) && !cmp(two_dec, CompareOp::Ne, two));
        assert!(cmp(two, CompareOp::Le, two));
        // `contains` on texts only.
        assert!(cmp(japan, CompareOp::Contains, pan) && !cmp(pan, CompareOp::Contains, japan));
        assert!(!cmp(two, CompareOp::Contains, two) && !cmp(text, CompareOp::Contains, two));
    }

    #[test]
    fn scale_values_order_by_rank_and_outsiders_by_nothing() {
        let mut values = Values::default();
        let low = values.intern(Value::Text("low".into()));
        let high = values.intern(Value::Text("high".into()));
        let other = values.intern(Value::Text("other".into()));
        let scale = Scale {
            name: "level".into(),
            values: vec![low, high],
            span: Span::new(FileId(0), 0, 0),
        };
        let kind = CompareKind::Scale(ScaleId(0));
        let cmp = |a, op, b| compare(&values, std::slice::from_ref(&scale), a, op, b, kind);
        assert!(cmp(low, CompareOp::Lt, high));
        assert!(!cmp(other, CompareOp::Lt, high) && !cmp(other, CompareOp::Ge, high));
        assert!(cmp(other, CompareOp::Ne, high));
    }
}
