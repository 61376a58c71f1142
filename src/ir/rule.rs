//! Rules and conflicts: bodies of atoms, comparisons, assignments and
//! aggregates over numbered variables; heads; `because` templates; citations.

use super::{AggregateOp, ArithOp, CompareKind, CompareOp, PredId, SourceId, ValueId, VarId};
use crate::likelihood::Likelihood;
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arg {
    Var(VarId),
    Const(ValueId),
    /// `_`: any value (only in `unless` atoms and test expectations).
    Wildcard,
}

#[derive(Clone, Debug)]
pub struct Atom {
    pub pred: PredId,
    pub args: Vec<Arg>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Comparison {
    pub lhs: Arg,
    pub op: CompareOp,
    pub rhs: Arg,
    pub kind: CompareKind,
    pub span: Span,
}

/// A built-in function of expressions (see `docs/language.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Function {
    /// `min(a, b)`, `max(a, b)`: the lesser / greater by [`order`].
    Min,
    Max,
    /// `abs(n)`
    Abs,
    /// `len(t)`: the number of characters of a text.
    Len,
    /// `concat(a, b)`: two texts joined.
    Concat,
    /// `lower(t)`, `upper(t)`
    Lower,
    Upper,
}

impl Function {
    pub const ALL: [Function; 7] = [
        Function::Min,
        Function::Max,
        Function::Abs,
        Function::Len,
        Function::Concat,
        Function::Lower,
        Function::Upper,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Function::Min => "min",
            Function::Max => "max",
            Function::Abs => "abs",
            Function::Len => "len",
            Function::Concat => "concat",
            Function::Lower => "lower",
            Function::Upper => "upper",
        }
    }

    pub fn arity(self) -> usize {
        match self {
            Function::Min | Function::Max | Function::Concat => 2,
            _ => 1,
        }
    }

    pub fn from_name(name: &str) -> Option<Function> {
        Function::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// An arithmetic expression over a rule's variables and constants.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Arg(Arg),
    Neg(Box<Expr>),
    Binary(ArithOp, Box<Expr>, Box<Expr>),
    Call(Function, Vec<Expr>),
}

impl Expr {
    /// The variables the expression reads, in order of first use.
    pub fn vars(&self, out: &mut Vec<VarId>) {
        match self {
            Expr::Arg(Arg::Var(v)) => {
                if !out.contains(v) {
                    out.push(*v);
                }
            }
            Expr::Arg(_) => {}
            Expr::Neg(e) => e.vars(out),
            Expr::Binary(_, a, b) => {
                a.vars(out);
                b.vars(out);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.vars(out)),
        }
    }
}

/// `N = A + B`: binds `var` (unbound until then) to the value of `expr`.
/// `check` orders a body's assignments so that each reads only variables
/// bound by atoms or by earlier assignments.
#[derive(Clone, Debug)]
pub struct Assignment {
    pub var: VarId,
    pub expr: Expr,
    pub span: Span,
}

/// `N = count { reason(A, R) } [likely]`: the matches of `body` (distinct
/// combinations of rows for its atoms) at or above `floor`, grouped by
/// `group` (the variables the sub-body shares with the rest of the rule),
/// counted or with their `target` summed, least or greatest; the result
/// is bound to `result`, as likely as the least likely match counted.
#[derive(Clone, Debug)]
pub struct Aggregate {
    pub op: AggregateOp,
    pub result: VarId,
    pub target: Option<VarId>,
    /// Atoms, comparisons and assignments; its variables are numbered in
    /// the enclosing body (its `vars` is empty).
    pub body: Body,
    pub group: Vec<VarId>,
    pub floor: Option<Likelihood>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePiece {
    Text(String),
    Var(VarId),
}

#[derive(Clone, Debug)]
pub struct Cite {
    pub source: SourceId,
    pub section: String,
    pub quote: Option<String>,
    pub span: Span,
}

/// The conditions of a rule or conflict: positive atoms, comparisons and
/// `unless` exceptions, each in the order written. A variable is bound by a
/// positive atom; comparisons and exceptions only read bound variables.
#[derive(Clone, Debug, Default)]
pub struct Body {
    /// Variable names, indexed by `VarId`.
    pub vars: Vec<String>,
    pub atoms: Vec<Atom>,
    pub comparisons: Vec<Comparison>,
    pub exceptions: Vec<Atom>,
    /// Variables bound by arithmetic, in an order in which each reads
    /// only variables already bound.
    pub assignments: Vec<Assignment>,
    pub aggregates: Vec<Aggregate>,
}

impl Body {
    /// Whether a variable gets its value from an assignment or aggregate
    /// (rather than from an atom).
    pub fn computed(&self, v: VarId) -> bool {
        self.assignments.iter().any(|a| a.var == v) || self.aggregates.iter().any(|a| a.result == v)
    }
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub name: String,
    pub span: Span,
    pub body: Body,
    /// One or more conclusions, all drawn from the same bindings.
    pub heads: Vec<Atom>,
    pub likelihood: Likelihood,
    pub because: Option<Vec<TemplatePiece>>,
    pub cites: Vec<Cite>,
    /// Index into `Program::strata`.
    pub stratum: usize,
}

#[derive(Clone, Debug)]
pub struct Conflict {
    pub name: String,
    pub description: Option<String>,
    pub span: Span,
    pub body: Body,
    pub cites: Vec<Cite>,
}
