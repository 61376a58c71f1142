//! The typed syntax tree. Every node carries the [`Span`] it was parsed from;
//! nothing here is resolved or checked (that is `check`'s job).

use crate::source::{FileId, Span};

pub use crate::operator::{AggregateOp, ArithOp, CompareOp};

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
    /// The conditions of a `warrant query` conjunction, made a rule whose
    /// conclusion holds the query's named variables: its diagnostics speak
    /// of the query, and of no conclusion (none was written).
    pub query: bool,
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
