//! Column types and comparison kinds.
//!
//! A column's type comes from its `pred` declaration ([`ColumnType::Any`]
//! when undeclared). Types are sets of values: a scale's values are symbols,
//! integers and decimals are numbers. Two types conflict when no value has
//! both ([`meet`] is `None`).
//!
//! A comparison's [`CompareKind`] is decided from its two sides: a side typed
//! by a scale (a variable of a scale-typed column, or a constant that is a
//! value of exactly one scale) makes it `Scale`; otherwise it is `Value`,
//! and [`crate::ir::order`] decides at run time (numbers by value, texts
//! lexicographically, different kinds never ordered). Sides whose types
//! are known to be of different kinds are an error here.

use super::Checker;
use crate::diagnostics::{Code, Diagnostic};
use crate::hash::HashMap;
use crate::ir::{ColumnType, CompareKind, CompareOp, ScaleId};
use crate::source::Span;
use crate::syntax::ast::{self, Term};

/// The values two types have in common, as a type; `None` if none.
pub(super) fn meet(a: ColumnType, b: ColumnType) -> Option<ColumnType> {
    use ColumnType::*;
    match (a, b) {
        (Any, t) | (t, Any) => Some(t),
        (Scale(s), Scale(t)) => (s == t).then_some(a),
        (Scale(s), Text) | (Text, Scale(s)) => Some(Scale(s)),
        (Number, n @ (Int | Decimal | Number)) | (n @ (Int | Decimal), Number) => Some(n),
        (Int, Int) | (Decimal, Decimal) | (Text, Text) => Some(a),
        _ => None,
    }
}

fn is_numeric(t: ColumnType) -> bool {
    matches!(
        t,
        ColumnType::Int | ColumnType::Decimal | ColumnType::Number
    )
}

/// A variable's type, from the first typed column it occurs in.
pub(super) struct VarType<'a> {
    pub ty: ColumnType,
    pub pred: &'a str,
}
/// The types of the variables of one scope, by name.
pub(super) type VarTypes<'a> = HashMap<&'a str, VarType<'a>>;

/// One side of a comparison, as far as types go.
struct Side<'t> {
    ty: ColumnType,
    /// For a variable: its name and the predicate that typed it.
    var: Option<(&'t str, Option<&'t str>)>,
    /// For a constant symbol: the scales it is a value of.
    scales: Vec<ScaleId>,
    /// A constant symbol that is a value of several scales.
    ambiguous: bool,
    text: &'t str,
    span: Span,
}

impl Side<'_> {
    fn scale(&self) -> Option<ScaleId> {
        match self.ty {
            ColumnType::Scale(s) => Some(s),
            _ => None,
        }
    }
}

impl<'a> Checker<'a> {
    /// "a value of scale `level`", "an integer", …
    pub(super) fn describe(&self, ty: ColumnType) -> String {
        match ty {
            ColumnType::Any => "any value".into(),
            ColumnType::Scale(s) => format!("a value of scale `{}`", self.scale_name(s)),
            ColumnType::Int => "an integer".into(),
            ColumnType::Decimal => "a decimal".into(),
            ColumnType::Number => "a number".into(),
            ColumnType::Text => "text".into(),
        }
    }

    pub(super) fn scale_name(&self, s: ScaleId) -> &str {
        self.scales
            .get(s.0 as usize)
            .map_or("?", |s| s.name.as_str())
    }

    /// The values of a scale in order: `low < moderate < high`.
    pub(super) fn scale_listing(&self, s: ScaleId) -> String {
        let Some(scale) = self.scales.get(s.0 as usize) else {
            return String::new();
        };
        scale
            .values
            .iter()
            .map(|&v| self.values.get(v).to_string())
            .collect::<Vec<_>>()
            .join(" < ")
    }

    /// The type of a constant term on its own (a symbol of exactly one scale
    /// is a value of that scale).
    fn side<'t>(&self, term: &'t Term, types: &'t VarTypes<'a>) -> Side<'t> {
        let mut side = Side {
            ty: ColumnType::Any,
            var: None,
            scales: Vec::new(),
            ambiguous: false,
            text: self.parsed.sources.slice(term.span()),
            span: term.span(),
        };
        match term {
            Term::Var(n) => {
                if let Some(t) = types.get(n.text.as_str()) {
                    side.ty = t.ty;
                    side.var = Some((&n.text, Some(t.pred)));
                } else {
                    side.var = Some((&n.text, None));
                }
            }
            Term::Symbol(_) | Term::Str(_) => {
                let text = match term {
                    Term::Symbol(n) => n.text.as_str(),
                    Term::Str(t) => t.value.as_str(),
                    _ => "",
                };
                side.scales = self
                    .text_cache
                    .get(text)
                    .and_then(|v| self.value_scales.get(v))
                    .cloned()
                    .unwrap_or_default();
                side.ty = match side.scales[..] {
                    [s] => ColumnType::Scale(s),
                    _ => ColumnType::Text,
                };
                side.ambiguous = side.scales.len() > 1;
            }
            Term::Int { .. } => side.ty = ColumnType::Int,
            Term::Dec { .. } => side.ty = ColumnType::Decimal,
            Term::Expr(_) => side.ty = self.expr_type(term, types),
        }
        side
    }

    fn side_label(&self, side: &Side) -> String {
        match side.var {
            Some((name, Some(pred))) => {
                format!("`{name}` is {} (from `{pred}`)", self.describe(side.ty))
            }
            Some((name, None)) => format!("`{name}` can be any value"),
            None => format!("`{}` is {}", side.text, self.describe(side.ty)),
        }
    }

    /// Two sides of different kinds: `=` and orderings never hold
    /// (`warrant::never_holds`); `!=` always does (`warrant::type_mismatch`).
    fn compare_mismatch(&mut self, op: CompareOp, l: &Side, r: &Side, help: &str) {
        let (code, message) = if op == CompareOp::Ne {
            (
                Code::TypeMismatch,
                format!(
                    "`!=` always holds between {} and {}",
                    self.describe(l.ty),
                    self.describe(r.ty)
                ),
            )
        } else {
            (
                Code::NeverHolds,
                format!(
                    "`{} {} {}` can never hold: it compares {} with {}",
                    l.text,
                    op.symbol(),
                    r.text,
                    self.describe(l.ty),
                    self.describe(r.ty)
                ),
            )
        };
        let d = Diagnostic::error(code, message)
            .with_label(l.span, self.side_label(l))
            .with_label(r.span, self.side_label(r))
            .with_help(help.to_string());
        self.error(d);
    }

    /// Decides how a comparison compares, reporting sides that cannot be
    /// compared. `types` must hold the variables' column types.
    pub(super) fn compare_kind(
        &mut self,
        c: &ast::Comparison,
        types: &VarTypes<'a>,
    ) -> CompareKind {
        let l = self.side(&c.lhs, types);
        let r = self.side(&c.rhs, types);
        if c.op == CompareOp::Contains {
            // Texts (a scale's values are texts); a number never holds.
            for side in [&l, &r] {
                if is_numeric(side.ty) {
                    self.error(
                        Diagnostic::error(
                            Code::TypeMismatch,
                            "`contains` takes text, not a number",
                        )
                        .with_label(side.span, self.side_label(side))
                        .with_help(
                            "`contains(T, P)` holds when the text `T` contains the text `P`",
                        ),
                    );
                }
            }
            return CompareKind::Value;
        }
        match (l.scale(), r.scale()) {
            (Some(a), Some(b)) if a != b => {
                let help = format!(
                    "`{}` and `{}` are different scales: their values do not compare",
                    self.scale_name(a),
                    self.scale_name(b)
                );
                self.compare_mismatch(c.op, &l, &r, &help);
                CompareKind::Scale(a)
            }
            (Some(s), _) => {
                self.fits_scale(c.op, &l, &r, s);
                CompareKind::Scale(s)
            }
            (None, Some(s)) => {
                self.fits_scale(c.op, &r, &l, s);
                CompareKind::Scale(s)
            }
            (None, None) => self.unscaled_kind(c, &l, &r),
        }
    }

    /// `other` is compared with `typed`, a value of scale `s`.
    fn fits_scale(&mut self, op: CompareOp, typed: &Side, other: &Side, s: ScaleId) {
        let (first, second) = if typed.span.start <= other.span.start {
            (typed, other)
        } else {
            (other, typed)
        };
        match other.ty {
            ColumnType::Any | ColumnType::Scale(_) => {}
            ColumnType::Text if other.var.is_some() => {}
            ColumnType::Text if other.scales.contains(&s) => {}
            ColumnType::Text => {
                let scale = self.scale_name(s).to_string();
                let help = self.scale_value_help(s, other.text);
                self.error(
                    Diagnostic::error(
                        Code::UnknownScaleValue,
                        format!("`{}` is not a value of scale `{scale}`", other.text),
                    )
                    .with_label(other.span, format!("not a value of `{scale}`"))
                    .with_label(typed.span, self.side_label(typed))
                    .with_help(help),
                );
            }
            _ => {
                let help = if is_numeric(other.ty) {
                    "a scale is an order of names, not of numbers: compare with a value of the scale"
                        .to_string()
                } else {
                    format!(
                        "compare with a value of scale `{}`: {}",
                        self.scale_name(s),
                        self.scale_listing(s)
                    )
                };
                self.compare_mismatch(op, first, second, &help);
            }
        }
    }

    fn unscaled_kind(&mut self, c: &ast::Comparison, l: &Side, r: &Side) -> CompareKind {
        let untyped = |s: &Side| s.ty == ColumnType::Any;
        if is_numeric(l.ty) || is_numeric(r.ty) {
            let ok = |s: &Side| untyped(s) || is_numeric(s.ty);
            if !(ok(l) && ok(r)) {
                self.compare_mismatch(c.op, l, r, "numbers compare only with numbers");
            }
            return CompareKind::Value;
        }
        if !c.op.is_ordering() {
            if meet(l.ty, r.ty).is_none() {
                self.compare_mismatch(
                    c.op,
                    l,
                    r,
                    "values of different kinds are never equal: text is not a number",
                );
            }
            return CompareKind::Value;
        }
        let open = |s: &Side| untyped(s) || s.ambiguous;
        if (l.ambiguous && open(r)) || (r.ambiguous && open(l)) {
            let side = if l.ambiguous { l } else { r };
            let names: Vec<String> = side
                .scales
                .iter()
                .map(|&s| format!("`{}`", self.scale_name(s)))
                .collect();
            self.error(
                Diagnostic::error(
                    Code::TypeMismatch,
                    format!(
                        "`{}` is a value of several scales, so `{}` cannot tell which order to use",
                        side.text,
                        c.op.symbol()
                    ),
                )
                .with_label(side.span, format!("a value of {}", names.join(" and ")))
                .with_label(
                    if side.span == l.span { r.span } else { l.span },
                    "its type is not declared",
                )
                .with_help(
                    "declare the type of the column the variable comes from, e.g. \
                     `pred doubt(patron, level: level).`",
                ),
            );
            return CompareKind::Value;
        }
        CompareKind::Value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColumnType::*;

    #[test]
    fn meet_is_intersection() {
        assert_eq!(meet(Any, Int), Some(Int));
        assert_eq!(meet(Number, Decimal), Some(Decimal));
        assert_eq!(meet(Int, Decimal), None);
        assert_eq!(meet(Scale(ScaleId(0)), Text), Some(Scale(ScaleId(0))));
        assert_eq!(meet(Scale(ScaleId(0)), Scale(ScaleId(1))), None);
        assert_eq!(meet(Text, Text), Some(Text));
        assert_eq!(meet(Scale(ScaleId(0)), Int), None);
    }
}
