//! The typed syntax tree. Every node carries the [`Span`] it was parsed from;
//! nothing here is resolved or checked (that is `check`'s job).

use crate::source::{FileId, Span};

/// One parsed file.
#[derive(Debug, Clone)]
pub struct Module {
    pub file: FileId,
    pub items: Vec<Item>,
    /// The text of each item that failed to parse (from its first character
    /// to where parsing resumed), so that `check` does not report what it
    /// would have declared as missing.
    pub broken: Vec<Span>,
}

#[derive(Debug, Clone)]
pub enum Item {
    Use(Use),
    Scale(ScaleDecl),
    Pred(PredDecl),
    Source(SourceDecl),
    Input(InputDecl),
    Fact(Fact),
    Retract(Retract),
    Rule(Rule),
    Conflict(Conflict),
    Test(Test),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Use(x) => x.span,
            Item::Scale(x) => x.span,
            Item::Pred(x) => x.span,
            Item::Source(x) => x.span,
            Item::Input(x) => x.span,
            Item::Fact(x) => x.span,
            Item::Retract(x) => x.span,
            Item::Rule(x) => x.span,
            Item::Conflict(x) => x.span,
            Item::Test(x) => x.span,
        }
    }
}

/// An identifier (predicate, rule, scale, source, symbol or variable name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// A string literal with its escapes resolved; `span` covers the quotes.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub value: String,
    pub span: Span,
}

/// `use "path.wr".` — the path is relative to the file that says it.
#[derive(Debug, Clone)]
pub struct Use {
    pub path: Text,
    pub span: Span,
}

/// `scale level: low < moderate < high.`
#[derive(Debug, Clone)]
pub struct ScaleDecl {
    pub name: Name,
    pub values: Vec<Name>,
    pub span: Span,
}

/// `pred ally(country, patron) "doc".` — a parameter may name its type:
/// `doubt: level` (a scale), or `int`, `decimal`, `number`, `symbol`, `string`.
#[derive(Debug, Clone)]
pub struct PredDecl {
    pub name: Name,
    pub params: Vec<Param>,
    pub doc: Option<Text>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: Name,
    pub ty: Option<Name>,
    pub span: Span,
}

/// `source kim_simon_2021 "Kim & Simón, …".`
#[derive(Debug, Clone)]
pub struct SourceDecl {
    pub name: Name,
    pub title: Text,
    /// `from "article.txt"`: the source's text, against which quotes are checked.
    pub file: Option<Text>,
    pub span: Span,
}

/// `input edge from "edges.csv" with header.`
#[derive(Debug, Clone)]
pub struct InputDecl {
    pub pred: Name,
    pub path: Text,
    pub header: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    Var(Name),
    Symbol(Name),
    Str(Text),
    Int {
        value: i64,
        span: Span,
    },
    Dec {
        value: f64,
        span: Span,
    },
    /// Arithmetic, a function call or an aggregate (only in comparisons and
    /// conclusions; `check` rejects it elsewhere).
    Expr(Box<Expr>),
}

impl Term {
    pub fn span(&self) -> Span {
        match self {
            Term::Var(n) | Term::Symbol(n) => n.span,
            Term::Str(t) => t.span,
            Term::Int { span, .. } | Term::Dec { span, .. } => *span,
            Term::Expr(e) => e.span,
        }
    }
}

/// An expression built from terms: `A + B * 2`, `-X`, `len(T)`, or an
/// aggregate `count { reason(A, R) } [likely]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `-X`
    Neg(Term),
    /// `A + B`
    Binary(ArithOp, Term, Term),
    /// `min(A, B)`: a built-in function (resolved by `check`).
    Call(Name, Vec<Term>),
    Aggregate(Aggregate),
}

/// The arithmetic operators, by precedence: `* / %` bind tighter than `+ -`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum ArithOp {
    #[serde(rename = "+")]
    Add,
    #[serde(rename = "-")]
    Sub,
    #[serde(rename = "*")]
    Mul,
    #[serde(rename = "/")]
    Div,
    #[serde(rename = "%")]
    Rem,
}

impl ArithOp {
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
            ArithOp::Rem => "%",
        }
    }

    /// 1 for `+ -`, 2 for `* / %`.
    pub fn precedence(self) -> u8 {
        match self {
            ArithOp::Add | ArithOp::Sub => 1,
            ArithOp::Mul | ArithOp::Div | ArithOp::Rem => 2,
        }
    }
}

/// `count`, `sum`, `min`, `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AggregateOp {
    Count,
    Sum,
    Min,
    Max,
}

impl AggregateOp {
    pub fn keyword(self) -> &'static str {
        match self {
            AggregateOp::Count => "count",
            AggregateOp::Sum => "sum",
            AggregateOp::Min => "min",
            AggregateOp::Max => "max",
        }
    }
}

/// `sum C { cost(P, C) } [likely]`: the rows of the sub-body, grouped by
/// the variables it shares with the rest of the rule, counted (or their
/// `C` summed, least or greatest), among the rows at or above the floor.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    pub op: AggregateOp,
    /// The variable summed or compared (`None` for `count`).
    pub target: Option<Name>,
    /// Atoms and comparisons.
    pub body: Vec<Condition>,
    pub floor: Option<Qualifier>,
}

/// `ally(A, us)`
#[derive(Debug, Clone, PartialEq)]
pub struct Atom {
    pub pred: Name,
    pub args: Vec<Term>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum CompareOp {
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    /// `contains(T, P)`: the text `T` contains the text `P` (written as a
    /// call, it is a test like the others).
    #[serde(rename = "contains")]
    Contains,
}

impl CompareOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Contains => "contains",
        }
    }

    /// Whether the operator needs an order (not just equality).
    pub fn is_ordering(self) -> bool {
        !matches!(self, CompareOp::Eq | CompareOp::Ne)
    }

    /// Applies the operator to the result of comparing left with right.
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CompareOp::Eq => ord == Equal,
            CompareOp::Ne => ord != Equal,
            CompareOp::Lt => ord == Less,
            CompareOp::Le => ord != Greater,
            CompareOp::Gt => ord == Greater,
            CompareOp::Ge => ord != Less,
            // Decided on the texts, not by an order (see `ir::compare`).
            CompareOp::Contains => false,
        }
    }
}

/// `L >= moderate`
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub lhs: Term,
    pub op: CompareOp,
    pub rhs: Term,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Atom(Atom),
    Compare(Comparison),
}

/// How likely a fact, or a rule's conclusion given its conditions, is.
#[derive(Debug, Clone, PartialEq)]
pub enum QualifierValue {
    /// A number as written (checked to lie in (0, 1] by `check`).
    Number(f64),
    /// Words as written, e.g. `very likely` (checked against ICD 203 by `check`).
    Words(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Qualifier {
    pub value: QualifierValue,
    pub span: Span,
}

/// `ally(japan, us).` or `commitment_doubt(us, high) [likely].`
#[derive(Debug, Clone)]
pub struct Fact {
    pub atom: Atom,
    pub qualifier: Option<Qualifier>,
    pub span: Span,
}

/// `retract ally(japan, _).` in a scenario, or `without ally(japan, _).` in
/// a test: takes back the stated facts and input rows that match.
#[derive(Debug, Clone)]
pub struct Retract {
    pub atom: Atom,
    pub span: Span,
}

/// A piece of a `because` template: literal text or a `{Variable}`.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePiece {
    Text(String),
    Var(Name),
}

/// `because "{A} hedges: doubt is {L}"`, split into pieces.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub pieces: Vec<TemplatePiece>,
    pub span: Span,
}

/// `cite kim_simon_2021 "The Stage": "quote"`
#[derive(Debug, Clone)]
pub struct Cite {
    pub source: Name,
    pub section: Text,
    pub quote: Option<Text>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub name: Name,
    pub when: Vec<Condition>,
    pub unless: Vec<Atom>,
    pub then: Vec<Atom>,
    pub qualifier: Option<Qualifier>,
    pub because: Option<Template>,
    pub cites: Vec<Cite>,
    pub span: Span,
}

/// A tension to flag when its conditions hold together.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub name: Name,
    pub description: Option<Text>,
    pub when: Vec<Condition>,
    pub unless: Vec<Atom>,
    pub cites: Vec<Cite>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Test {
    pub name: Text,
    pub given: Vec<Fact>,
    /// `without ATOM.`: facts of the test's world taken back.
    pub without: Vec<Retract>,
    pub expects: Vec<Expect>,
    /// `expect conflict NAME.` and `expect not conflict NAME.`
    pub conflicts: Vec<ExpectConflict>,
    pub span: Span,
}

/// `expect conflict resource_competition.`: the conflict holds (negated: it
/// holds for no bindings).
#[derive(Debug, Clone)]
pub struct ExpectConflict {
    pub negated: bool,
    pub name: Name,
    pub span: Span,
}

/// `expect hedges(japan) [likely] by allies_hedge.` or `expect not hedges(germany).`
#[derive(Debug, Clone)]
pub struct Expect {
    pub negated: bool,
    pub atom: Atom,
    /// The least likelihood the conclusion must have.
    pub at_least: Option<Qualifier>,
    /// The rule that must have produced the conclusion.
    pub by_rule: Option<Name>,
    pub span: Span,
}
