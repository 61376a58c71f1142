//! Pass 3's constants: likelihood qualifiers, and the values written in
//! facts and atoms, checked against their column's declared type and scale
//! and interned.

use super::Checker;
use super::types::meet;
use crate::diagnostics::{Code, Diagnostic, Help, did_you_mean, edit_distance};
use crate::ir::{self, ColumnType, PredId, Value, ValueId};
use crate::likelihood::Likelihood;
use crate::syntax::ast::{self, QualifierValue, Term};

impl<'a> Checker<'a> {
    pub(super) fn likelihood(&mut self, q: Option<&ast::Qualifier>) -> Likelihood {
        let Some(q) = q else {
            return Likelihood::CERTAIN;
        };
        let terms = "The ICD 203 terms are: almost no chance, very unlikely, unlikely, \
                     roughly even chance, likely, very likely, almost certain \
                     (or a probability such as 0.7)";
        match &q.value {
            QualifierValue::Number(p) => Likelihood::from_probability(*p).unwrap_or_else(|| {
                self.error(
                    Diagnostic::error(
                        Code::UnknownLikelihood,
                        "a likelihood must be a probability above 0 and at most 1",
                    )
                    .with_label(q.span, "outside (0, 1]")
                    .with_help(
                        "write a probability such as 0.7, or an ICD 203 term such as `likely`",
                    ),
                );
                Likelihood::CERTAIN
            }),
            QualifierValue::Words(w) => Likelihood::from_word(w).unwrap_or_else(|| {
                let folded = w.split_whitespace().collect::<Vec<_>>().join(" ");
                // A stricter bound than usual: `probably not` must not
                // suggest `probably`, which means the opposite.
                let lower = folded.to_lowercase();
                let close = did_you_mean(&lower, Likelihood::all_words())
                    .filter(|s| edit_distance(&lower, s) <= (lower.chars().count() / 5).max(1));
                let help = Help {
                    text: match close {
                        Some(s) => format!("did you mean `{s}`? {terms}"),
                        None => terms.to_string(),
                    },
                    // The label covers the brackets.
                    replacement: close.map(|s| format!("[{s}]")),
                };
                self.error(
                    Diagnostic::error(
                        Code::UnknownLikelihood,
                        format!("`{folded}` is not a likelihood"),
                    )
                    .with_label(q.span, "not an ICD 203 term")
                    .with_help(help),
                );
                Likelihood::CERTAIN
            }),
        }
    }

    /// A constant in column `col` of `pred`: checked against the column's
    /// declared type and interned. An integer in a `decimal` column becomes
    /// a decimal, so that it joins with the decimals of that column.
    pub(super) fn constant(&mut self, term: &'a Term, pred: PredId, col: usize) -> ValueId {
        let ty = self.pred(pred).column_type(col);
        let id = match term {
            Term::Int { value, .. } if ty == ColumnType::Decimal => {
                self.values.intern(Value::Dec(*value as f64))
            }
            _ => self.term_value(term),
        };
        let found = match term {
            Term::Symbol(_) | Term::Str(_) => ColumnType::Text,
            Term::Int { .. } => ColumnType::Int,
            Term::Dec { .. } => ColumnType::Decimal,
            Term::Var(_) | Term::Expr(_) => ColumnType::Any,
        };
        let fits = match (ty, found) {
            (ColumnType::Scale(s), ColumnType::Text) => {
                if !self.scales[s.0 as usize].values.contains(&id) {
                    self.unknown_scale_value(term, pred, col, s);
                }
                true
            }
            (ColumnType::Decimal, ColumnType::Int) => true,
            (want, got) => meet(want, got).is_some(),
        };
        if !fits {
            let p = self.pred(pred);
            let (name, type_span) = (p.name, p.type_spans.get(col).copied().flatten());
            let mut d = Diagnostic::error(
                Code::TypeMismatch,
                format!(
                    "column {} of `{name}` holds {}, not {}",
                    col + 1,
                    self.describe(ty),
                    self.describe(found)
                ),
            )
            .with_label(term.span(), format!("{} here", self.describe(found)));
            if let Some(s) = type_span {
                d = d.with_label(s, "the column's type is declared here");
            }
            let help = match ty {
                ColumnType::Scale(s) => format!(
                    "write a value of `{}`: {}",
                    self.scale_name(s),
                    self.scale_listing(s)
                ),
                _ => format!("write {} here", self.describe(ty)),
            };
            self.error(d.with_help(help));
        }
        id
    }

    /// The interned value of a constant term. Symbols and strings go
    /// through caches keyed by the AST's text, so that the common case (a
    /// value seen before) allocates nothing.
    pub(super) fn term_value(&mut self, term: &'a Term) -> ValueId {
        match term {
            Term::Symbol(n) => self.text(&n.text),
            Term::Str(t) => self.text(&t.value),
            Term::Int { value, .. } => match self.int_cache.get(value) {
                Some(&v) => v,
                None => {
                    let v = self.values.intern(Value::Int(*value));
                    self.int_cache.insert(*value, v);
                    v
                }
            },
            Term::Dec { value, .. } => self.values.intern(Value::Dec(*value)),
            // Not a constant; callers handle variables and expressions
            // first (the grammar allows expressions only where they do).
            Term::Var(n) => self.text(&n.text),
            Term::Expr(_) => self.text("?"),
        }
    }

    pub(super) fn unknown_scale_value(
        &mut self,
        term: &Term,
        pred: PredId,
        col: usize,
        s: ir::ScaleId,
    ) {
        let scale = self.scale_name(s).to_string();
        let text = self.parsed.sources.slice(term.span());
        let help = self.scale_value_help(s, text);
        let p = self.pred(pred);
        let mut d = Diagnostic::error(
            Code::UnknownScaleValue,
            format!("`{text}` is not a value of scale `{scale}`"),
        )
        .with_label(
            term.span(),
            format!(
                "column {} of `{}` holds values of `{scale}`",
                col + 1,
                p.name
            ),
        );
        if let Some(ts) = p.type_spans.get(col).copied().flatten() {
            d = d.with_label(ts, format!("typed `{scale}` here"));
        }
        self.error(d.with_help(help));
    }
}
