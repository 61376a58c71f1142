//! Conditions, comparisons, conclusions and arithmetic expressions
//! (operators, calls, aggregates).

use pest::iterators::Pair;

use super::Rule;
use super::build::{Builder, kids};
use crate::source::Span;
use crate::syntax::ast::*;

/// The built-in test `contains(T, P)` is written as an atom; it is a
/// comparison. Any other atom stays one.
pub(super) fn contains_test(atom: Atom) -> Condition {
    if atom.pred.text != "contains" {
        return Condition::Atom(atom);
    }
    let Atom { pred, args, span } = atom;
    match <[Term; 2]>::try_from(args) {
        Ok([lhs, rhs]) => Condition::Compare(Comparison {
            lhs,
            op: CompareOp::Contains,
            rhs,
            span,
        }),
        Err(args) => Condition::Atom(Atom { pred, args, span }),
    }
}

impl Builder<'_> {
    pub(super) fn conditions(&mut self, pair: Pair<Rule>) -> Vec<Condition> {
        kids(pair)
            .filter_map(|c| match c.as_rule() {
                Rule::atom => Some(contains_test(self.atom(c))),
                Rule::comparison => self.comparison(c).map(Condition::Compare),
                _ => None,
            })
            .collect()
    }

    pub(super) fn comparison(&mut self, pair: Pair<Rule>) -> Option<Comparison> {
        let start = self.span(&pair);
        let mut inner = kids(pair);
        let lhs = self.expr(inner.next()?)?;
        let op = match inner.next()?.as_str() {
            "=" => CompareOp::Eq,
            "!=" => CompareOp::Ne,
            "<" => CompareOp::Lt,
            "<=" => CompareOp::Le,
            ">" => CompareOp::Gt,
            _ => CompareOp::Ge,
        };
        let rhs = self.expr(inner.next()?)?;
        let span = Span::new(self.file, start.start as usize, rhs.span().end as usize);
        Some(Comparison { lhs, op, rhs, span })
    }

    /// A conclusion: an atom whose arguments may be expressions.
    pub(super) fn head_atom(&mut self, pair: Pair<Rule>) -> Option<Atom> {
        let span = self.span(&pair);
        let mut inner = kids(pair);
        let pred = self.name(inner.next()?);
        let mut args = Vec::new();
        if let Some(exprs) = inner.next() {
            for e in kids(exprs) {
                args.push(self.expr(e)?);
            }
        }
        Some(Atom { pred, args, span })
    }

    /// `expr`, `product`, `unary` or a primary, as a term: a plain term
    /// when there is no operator, else a [`Term::Expr`].
    pub(super) fn expr(&mut self, pair: Pair<Rule>) -> Option<Term> {
        match pair.as_rule() {
            Rule::expr | Rule::product => {
                let mut inner = kids(pair);
                let mut lhs = self.expr(inner.next()?)?;
                while let Some(op) = inner.next() {
                    let op = match op.as_str() {
                        "+" => ArithOp::Add,
                        "-" => ArithOp::Sub,
                        "*" => ArithOp::Mul,
                        "/" => ArithOp::Div,
                        _ => ArithOp::Rem,
                    };
                    let rhs = self.expr(inner.next()?)?;
                    let span = Span::new(
                        self.file,
                        lhs.span().start as usize,
                        rhs.span().end as usize,
                    );
                    lhs = Term::Expr(Box::new(Expr {
                        kind: ExprKind::Binary(op, lhs, rhs),
                        span,
                    }));
                }
                Some(lhs)
            }
            Rule::unary => {
                let mut negs = Vec::new();
                let mut term = None;
                for p in kids(pair) {
                    if p.as_rule() == Rule::neg {
                        negs.push(self.span(&p));
                    } else {
                        term = Some(self.expr(p)?);
                    }
                }
                let mut term = term?;
                for at in negs.into_iter().rev() {
                    let span = Span::new(self.file, at.start as usize, term.span().end as usize);
                    term = Term::Expr(Box::new(Expr {
                        kind: ExprKind::Neg(term),
                        span,
                    }));
                }
                Some(term)
            }
            Rule::paren => {
                let span = self.span(&pair);
                match self.expr(kids(pair).next()?)? {
                    // The parentheses belong to the expression they group.
                    Term::Expr(mut e) => {
                        e.span = span;
                        Some(Term::Expr(e))
                    }
                    t => Some(t),
                }
            }
            Rule::call => {
                let span = self.span(&pair);
                let mut inner = kids(pair);
                let name = self.name(inner.next()?);
                let mut args = Vec::new();
                for e in inner {
                    args.push(self.expr(e)?);
                }
                Some(Term::Expr(Box::new(Expr {
                    kind: ExprKind::Call(name, args),
                    span,
                })))
            }
            Rule::aggregate => {
                let span = self.tight_span(&pair);
                let mut op = AggregateOp::Count;
                let mut target = None;
                let mut body = Vec::new();
                let mut floor = None;
                for p in kids(pair) {
                    match p.as_rule() {
                        Rule::aggregate_op => {
                            op = match p.as_str() {
                                "sum" => AggregateOp::Sum,
                                "min" => AggregateOp::Min,
                                "max" => AggregateOp::Max,
                                _ => AggregateOp::Count,
                            }
                        }
                        Rule::variable => target = Some(self.name(p)),
                        Rule::aggregate_body => body = self.conditions(p),
                        Rule::qualifier => floor = Some(self.qualifier(p)),
                        _ => {}
                    }
                }
                Some(Term::Expr(Box::new(Expr {
                    kind: ExprKind::Aggregate(Aggregate {
                        op,
                        target,
                        body,
                        floor,
                    }),
                    span,
                })))
            }
            _ => Some(self.term(pair)),
        }
    }
}
