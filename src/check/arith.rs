//! Pass 3, with [`super::lower`]: comparisons, arithmetic and aggregates of
//! a rule or conflict body, lowered to `ir::Comparison`s,
//! `ir::Assignment`s and `ir::Aggregate`s.
//!
//! `=` binds a variable when one side is a variable that no positive atom
//! binds and everything the other side reads is bound (by atoms, or by
//! earlier bindings: they are found in rounds, so `B = A + 1, C = B * 2`
//! may be written in any order); otherwise it tests equality. Every other
//! side that is not a plain variable or constant is computed into a hidden
//! variable (named `_=…`, never shown as a binding) before it is compared.
//! An aggregate is lowered wherever it stands, into a hidden variable
//! unless it is bound directly (`N = count { … }`).

use super::Checker;
use super::scope::{Place, Scope, wildcard};
use super::types::{VarTypes, meet};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::ir::{self, AggregateOp, Arg, ColumnType, Function, VarId};
use crate::source::Span;
use crate::syntax::ast::{self, Condition, ExprKind, Term};

/// Variable names a term reads, aggregates' sub-bodies excluded (an
/// aggregate can run whatever is bound).
fn read_names<'a>(term: &'a Term, out: &mut Vec<&'a str>) {
    match term {
        Term::Var(n) => out.push(&n.text),
        Term::Expr(e) => match &e.kind {
            ExprKind::Neg(t) => read_names(t, out),
            ExprKind::Binary(_, a, b) => {
                read_names(a, out);
                read_names(b, out);
            }
            ExprKind::Call(_, args) => args.iter().for_each(|a| read_names(a, out)),
            ExprKind::Aggregate(_) => {}
        },
        _ => {}
    }
}

/// Every aggregate in a term, outermost first.
pub(super) fn aggregates_in<'a>(term: &'a Term, out: &mut Vec<&'a ast::Aggregate>) {
    if let Term::Expr(e) = term {
        match &e.kind {
            ExprKind::Neg(t) => aggregates_in(t, out),
            ExprKind::Binary(_, a, b) => {
                aggregates_in(a, out);
                aggregates_in(b, out);
            }
            ExprKind::Call(_, args) => args.iter().for_each(|a| aggregates_in(a, out)),
            ExprKind::Aggregate(agg) => {
                out.push(agg);
                for c in &agg.body {
                    condition_aggregates(c, out);
                }
            }
        }
    }
}

/// Every aggregate in a condition.
pub(super) fn condition_aggregates<'a>(c: &'a Condition, out: &mut Vec<&'a ast::Aggregate>) {
    if let Condition::Compare(c) = c {
        aggregates_in(&c.lhs, out);
        aggregates_in(&c.rhs, out);
    }
}

fn plain_var(term: &Term) -> Option<&ast::Name> {
    match term {
        Term::Var(n) if !wildcard(&n.text) => Some(n),
        _ => None,
    }
}

impl<'a> Checker<'a> {
    /// Lowers the comparisons of a body (after its atoms), binding by `=`
    /// where it can.
    pub(super) fn lower_comparisons(
        &mut self,
        comparisons: &[&'a ast::Comparison],
        scope: &mut Scope<'a>,
        body: &mut ir::Body,
    ) {
        // Variables bound so far: by the positive atoms, then by bindings.
        let mut known: Vec<&'a str> = Vec::new();
        for a in &body.atoms {
            for arg in &a.args {
                if let Arg::Var(v) = arg {
                    known.push(scope.name(*v));
                }
            }
        }
        let mut pending: Vec<&'a ast::Comparison> = comparisons.to_vec();
        loop {
            let mut progress = false;
            let mut rest = Vec::new();
            for c in pending {
                if let Some((target, value)) = self.binding_of(c, &known) {
                    let var = scope.occurs(&target.text, target.span, Place::Assign);
                    self.lower_binding(var, value, c.span, scope, body);
                    known.push(&target.text);
                    let mut aggs = Vec::new();
                    aggregates_in(value, &mut aggs);
                    for agg in aggs {
                        for cond in &agg.body {
                            if let Condition::Atom(a) = cond {
                                for t in &a.args {
                                    if let Term::Var(n) = t {
                                        known.push(&n.text);
                                    }
                                }
                            }
                        }
                    }
                    progress = true;
                } else {
                    rest.push(c);
                }
            }
            pending = rest;
            if !progress || pending.is_empty() {
                break;
            }
        }
        for c in pending {
            self.lower_comparison_test(c, scope, body);
        }
    }

    /// `V = expr` (or `expr = V`) where `V` is not yet bound and `expr`
    /// reads only bound variables: the variable and what it is bound to.
    fn binding_of(
        &self,
        c: &'a ast::Comparison,
        known: &[&'a str],
    ) -> Option<(&'a ast::Name, &'a Term)> {
        if c.op != ast::CompareOp::Eq {
            return None;
        }
        let ready = |t: &'a Term| {
            let mut names = Vec::new();
            read_names(t, &mut names);
            names.iter().all(|n| known.contains(n))
        };
        for (side, other) in [(&c.lhs, &c.rhs), (&c.rhs, &c.lhs)] {
            if let Some(n) = plain_var(side)
                && !known.contains(&n.text.as_str())
                && ready(other)
            {
                return Some((n, other));
            }
        }
        None
    }

    /// Binds `var` to `value`: an aggregate's result, or an assignment.
    fn lower_binding(
        &mut self,
        var: VarId,
        value: &'a Term,
        span: Span,
        scope: &mut Scope<'a>,
        body: &mut ir::Body,
    ) {
        if let Term::Expr(e) = value
            && let ExprKind::Aggregate(agg) = &e.kind
        {
            let lowered = self.lower_aggregate(agg, e.span, var, scope);
            body.aggregates.push(lowered);
            return;
        }
        let expr = self.lower_expr(value, scope, body);
        body.assignments.push(ir::Assignment { var, expr, span });
    }

    /// A comparison that tests: each side an argument, expressions
    /// computed into hidden variables first.
    fn lower_comparison_test(
        &mut self,
        c: &'a ast::Comparison,
        scope: &mut Scope<'a>,
        body: &mut ir::Body,
    ) {
        let kind = self.compare_kind(c, &scope.types);
        let lhs = self.operand(&c.lhs, scope, body);
        let rhs = self.operand(&c.rhs, scope, body);
        body.comparisons.push(ir::Comparison {
            lhs,
            op: c.op,
            rhs,
            kind,
            span: c.span,
        });
    }

    /// A side of a comparison or an argument of a conclusion, as an
    /// argument: expressions are computed into a hidden variable.
    pub(super) fn operand(
        &mut self,
        term: &'a Term,
        scope: &mut Scope<'a>,
        body: &mut ir::Body,
    ) -> Arg {
        match term {
            Term::Expr(e) => {
                let var = scope.hidden(self.parsed.sources.slice(e.span));
                self.lower_binding(var, term, e.span, scope, body);
                Arg::Var(var)
            }
            _ => self.compare_arg(term, scope),
        }
    }

    /// An expression; aggregates inside it become hidden variables.
    fn lower_expr(
        &mut self,
        term: &'a Term,
        scope: &mut Scope<'a>,
        body: &mut ir::Body,
    ) -> ir::Expr {
        let Term::Expr(e) = term else {
            return ir::Expr::Arg(self.compare_arg(term, scope));
        };
        match &e.kind {
            ExprKind::Neg(t) => {
                self.want_number(t, "`-`", scope);
                ir::Expr::Neg(Box::new(self.lower_expr(t, scope, body)))
            }
            ExprKind::Binary(op, a, b) => {
                let what = format!("`{}`", op.symbol());
                self.want_number(a, &what, scope);
                self.want_number(b, &what, scope);
                if *op == ast::ArithOp::Rem {
                    for t in [a, b] {
                        if matches!(self.expr_type(t, &scope.types), ColumnType::Decimal) {
                            self.error(
                                Diagnostic::error(
                                    Code::TypeMismatch,
                                    "`%` takes integers, not decimals",
                                )
                                .with_label(t.span(), "a decimal")
                                .with_help("the remainder is defined on integers only"),
                            );
                        }
                    }
                }
                ir::Expr::Binary(
                    *op,
                    Box::new(self.lower_expr(a, scope, body)),
                    Box::new(self.lower_expr(b, scope, body)),
                )
            }
            ExprKind::Call(name, args) => {
                let Some(f) = Function::from_name(&name.text) else {
                    let names = Function::ALL.map(Function::name);
                    let help = match did_you_mean(&name.text, names) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "the functions are {}; a condition on a predicate is written \
                             on its own, like `ally(A, us)`",
                            names.map(|n| format!("`{n}`")).join(", ")
                        ),
                    };
                    self.error(
                        Diagnostic::error(
                            Code::UnknownFunction,
                            format!("unknown function `{}`", name.text),
                        )
                        .with_label(name.span, "not a built-in function")
                        .with_help(help),
                    );
                    // Its arguments still count as uses of their variables.
                    for a in args {
                        self.lower_expr(a, scope, body);
                    }
                    return ir::Expr::Arg(Arg::Wildcard);
                };
                if args.len() != f.arity() {
                    self.error(
                        Diagnostic::error(
                            Code::ArityMismatch,
                            format!(
                                "`{}` takes {} argument{}, not {}",
                                f.name(),
                                f.arity(),
                                if f.arity() == 1 { "" } else { "s" },
                                args.len()
                            ),
                        )
                        .with_label(e.span, "called here")
                        .with_help(function_help(f)),
                    );
                }
                for a in args {
                    self.check_function_arg(f, a, scope);
                }
                let lowered = args
                    .iter()
                    .map(|a| self.lower_expr(a, scope, body))
                    .collect();
                ir::Expr::Call(f, lowered)
            }
            ExprKind::Aggregate(_) => {
                let var = scope.hidden(self.parsed.sources.slice(e.span));
                self.lower_binding(var, term, e.span, scope, body);
                ir::Expr::Arg(Arg::Var(var))
            }
        }
    }

    fn check_function_arg(&mut self, f: Function, a: &'a Term, scope: &Scope<'a>) {
        let ty = self.expr_type(a, &scope.types);
        let wants_text = matches!(
            f,
            Function::Len | Function::Concat | Function::Lower | Function::Upper
        );
        let bad = match ty {
            ColumnType::Any => false,
            ColumnType::Int | ColumnType::Decimal | ColumnType::Number => wants_text,
            ColumnType::Text => f == Function::Abs,
            ColumnType::Scale(_) => f != Function::Min && f != Function::Max,
        };
        if bad {
            let want = if wants_text { "a text" } else { "a number" };
            self.error(
                Diagnostic::error(
                    Code::TypeMismatch,
                    format!("`{}` takes {want}, not {}", f.name(), self.describe(ty)),
                )
                .with_label(a.span(), self.describe(ty))
                .with_help(function_help(f)),
            );
        }
    }

    /// Reports an operand of arithmetic known not to be a number.
    fn want_number(&mut self, t: &Term, what: &str, scope: &Scope<'a>) {
        let ty = self.expr_type(t, &scope.types);
        if matches!(ty, ColumnType::Text | ColumnType::Scale(_)) {
            let from = match t {
                Term::Var(n) => scope
                    .types
                    .get(n.text.as_str())
                    .map(|v| format!(" (from `{}`)", v.pred))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            self.error(
                Diagnostic::error(
                    Code::TypeMismatch,
                    format!("{what} needs numbers, not {}", self.describe(ty)),
                )
                .with_label(t.span(), format!("{}{from}", self.describe(ty)))
                .with_help("arithmetic is on integers and decimals only"),
            );
        }
    }

    /// What a term evaluates to, as far as the checker knows.
    pub(super) fn expr_type(&self, term: &Term, types: &VarTypes<'a>) -> ColumnType {
        match term {
            Term::Var(n) => types.get(n.text.as_str()).map_or(ColumnType::Any, |t| t.ty),
            Term::Symbol(_) => ColumnType::Text,
            Term::Str(_) => ColumnType::Text,
            Term::Int { .. } => ColumnType::Int,
            Term::Dec { .. } => ColumnType::Decimal,
            Term::Expr(e) => match &e.kind {
                ExprKind::Neg(t) => number_type(self.expr_type(t, types)),
                ExprKind::Binary(_, a, b) => {
                    match (self.expr_type(a, types), self.expr_type(b, types)) {
                        (ColumnType::Int, ColumnType::Int) => ColumnType::Int,
                        (ColumnType::Decimal, _) | (_, ColumnType::Decimal) => ColumnType::Decimal,
                        _ => ColumnType::Number,
                    }
                }
                ExprKind::Call(name, args) => match Function::from_name(&name.text) {
                    Some(Function::Len) => ColumnType::Int,
                    Some(Function::Concat | Function::Lower | Function::Upper) => ColumnType::Text,
                    Some(Function::Abs) => args.first().map_or(ColumnType::Number, |a| {
                        number_type(self.expr_type(a, types))
                    }),
                    Some(Function::Min | Function::Max) => {
                        let tys: Vec<ColumnType> =
                            args.iter().map(|a| self.expr_type(a, types)).collect();
                        match tys[..] {
                            [a, b] => meet(a, b).unwrap_or(ColumnType::Any),
                            _ => ColumnType::Any,
                        }
                    }
                    None => ColumnType::Any,
                },
                ExprKind::Aggregate(agg) => match (agg.op, &agg.target) {
                    (AggregateOp::Count, _) => ColumnType::Int,
                    (_, Some(t)) => {
                        let ty = types.get(t.text.as_str()).map_or(ColumnType::Any, |v| v.ty);
                        if agg.op == AggregateOp::Sum {
                            number_type(ty)
                        } else {
                            ty
                        }
                    }
                    (_, None) => ColumnType::Any,
                },
            },
        }
    }

    /// `count { … }`, `sum X { … }`, …: its sub-body lowered with the
    /// enclosing scope (its `group` is filled in by [`Checker::group_aggregates`]).
    fn lower_aggregate(
        &mut self,
        agg: &'a ast::Aggregate,
        span: Span,
        result: VarId,
        scope: &mut Scope<'a>,
    ) -> ir::Aggregate {
        let mut sub = ir::Body::default();
        let mut tests = Vec::new();
        for cond in &agg.body {
            match cond {
                Condition::Atom(a) => {
                    let atom = self.lower_args(a, Place::When, scope);
                    sub.atoms.push(atom);
                }
                Condition::Compare(c) => tests.push(c),
            }
        }
        // Inside an aggregate, comparisons test (they bind nothing).
        for c in tests {
            self.lower_comparison_test(c, scope, &mut sub);
        }
        let target = match (&agg.op, &agg.target) {
            (AggregateOp::Count, None) => None,
            (AggregateOp::Count, Some(t)) => {
                self.error(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        "`count` counts rows and takes no variable",
                    )
                    .with_label(t.span, "not needed")
                    .with_help("write `count { … }`; to add values up, write `sum X { … }`"),
                );
                None
            }
            (op, None) => {
                self.error(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        format!("`{}` needs the variable it aggregates", op.keyword()),
                    )
                    .with_label(span, "no variable after the keyword")
                    .with_help(format!(
                        "name a variable of the body: `{} C {{ cost(P, C) }}`",
                        op.keyword()
                    )),
                );
                None
            }
            (op, Some(t)) => {
                if *op == AggregateOp::Sum {
                    self.want_number(&Term::Var(t.clone()), "`sum`", scope);
                }
                Some(scope.occurs(&t.text, t.span, Place::Compare))
            }
        };
        ir::Aggregate {
            op: agg.op,
            result,
            target,
            body: sub,
            group: Vec::new(),
            floor: agg.floor.as_ref().map(|q| self.likelihood(Some(q))),
            span,
        }
    }

    /// Fills in each aggregate's group: the variables of its sub-body that
    /// the rest of the rule (conditions, exceptions, conclusions, other
    /// aggregates) also uses.
    pub(super) fn group_aggregates(body: &mut ir::Body, heads: &[ir::Atom]) {
        let atom_vars = |atoms: &[ir::Atom], out: &mut Vec<VarId>| {
            for a in atoms {
                for arg in &a.args {
                    if let Arg::Var(v) = arg {
                        out.push(*v);
                    }
                }
            }
        };
        let body_vars = |b: &ir::Body, out: &mut Vec<VarId>| {
            atom_vars(&b.atoms, out);
            atom_vars(&b.exceptions, out);
            for c in &b.comparisons {
                for arg in [c.lhs, c.rhs] {
                    if let Arg::Var(v) = arg {
                        out.push(v);
                    }
                }
            }
            for a in &b.assignments {
                out.push(a.var);
                a.expr.vars(out);
            }
        };
        let mut outside = Vec::new();
        body_vars(body, &mut outside);
        atom_vars(heads, &mut outside);
        for a in &body.aggregates {
            outside.push(a.result);
        }
        let inner: Vec<Vec<VarId>> = body
            .aggregates
            .iter()
            .map(|a| {
                let mut v = Vec::new();
                body_vars(&a.body, &mut v);
                v.extend(a.target);
                v
            })
            .collect();
        for (i, agg) in body.aggregates.iter_mut().enumerate() {
            let mut group: Vec<VarId> = Vec::new();
            for &v in &inner[i] {
                let elsewhere = outside.contains(&v)
                    || inner
                        .iter()
                        .enumerate()
                        .any(|(j, vs)| j != i && vs.contains(&v));
                if elsewhere && Some(v) != agg.target && !group.contains(&v) {
                    group.push(v);
                }
            }
            agg.group = group;
        }
    }
}

fn number_type(t: ColumnType) -> ColumnType {
    match t {
        ColumnType::Int | ColumnType::Decimal => t,
        _ => ColumnType::Number,
    }
}

fn function_help(f: Function) -> String {
    match f {
        Function::Min | Function::Max => format!(
            "`{}(A, B)` is the {} of two numbers or two texts",
            f.name(),
            if f == Function::Min {
                "lesser"
            } else {
                "greater"
            }
        ),
        Function::Abs => "`abs(N)` is the absolute value of a number".into(),
        Function::Len => "`len(T)` is the number of characters of a text".into(),
        Function::Concat => "`concat(A, B)` joins two texts".into(),
        Function::Lower | Function::Upper => format!("`{}(T)` changes a text's case", f.name()),
    }
}
