//! Random stratified programs, written as Warrant source text, for the
//! differential oracle, the proof checker and the SQL differential test.
//!
//! Predicates sit on levels: base predicates (level 0) have facts, derived
//! ones (levels 1–3) have rules. A rule's positive atoms read its own level
//! or lower (recursion), its `unless` atoms and aggregates strictly lower
//! ones, so every program stratifies. [`Features`] sets how often rules use
//! recursion, comparisons, negation, arithmetic, functions, aggregates and
//! floors. Facts take likelihoods below certain, so `unless` atoms often
//! match less than certain rows (graded exceptions).
//!
//! Every program passes `check` and terminates: a recursive rule (one with
//! an atom on its own level) computes its conclusions only with `+ - min max
//! abs` and unary minus, each value bounded by a comparison, over values
//! that are multiples of ½ (division in values is by the constant 2), so
//! recursion reaches finitely many values. Division by a variable, `%` and
//! huge constants (overflow) appear only in comparisons.
//!
//! The program is kept as data ([`RandomProgram`]) so that the oracle can
//! evaluate it without the library's parser, checker or lowering.

// Each test crate uses part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use warrant::ir::{AggregateOp, ArithOp, CompareOp, Function, Program, Value};

#[path = "random_program/generate.rs"]
mod generate;
#[path = "random_program/source.rs"]
mod source;
pub use generate::generate;

/// How often each feature appears, in percent.
#[derive(Clone, Copy, Debug)]
pub struct Features {
    /// Rules whose first atom is on the rule's own level.
    pub recursion: usize,
    /// Rules with comparisons.
    pub comparison: usize,
    /// Rules with an `unless` exception.
    pub negation: usize,
    /// Rules that compute: `N = …` bindings, expressions in comparisons
    /// and conclusions.
    pub arithmetic: usize,
    /// Expressions that call a built-in function.
    pub functions: usize,
    /// Rules with an aggregate.
    pub aggregates: usize,
    /// Aggregates with a likelihood floor.
    pub floors: usize,
    /// Arithmetic comparisons that multiply by a huge constant.
    pub overflow: usize,
    /// `N = A * 2^62` bindings in rules that are not recursive: they
    /// overflow (|A| ≥ 2) on bindings of the atoms that bind `A`, which the
    /// rule's other atoms and conditions may or may not complete.
    pub huge_bindings: usize,
    /// Integers of base facts near the 64-bit limits (sums that leave the
    /// range, or leave it and come back).
    pub huge_facts: usize,
}

impl Features {
    /// Atoms, comparisons, negation and recursion: the language before
    /// arithmetic.
    pub const CLASSIC: Features = Features {
        recursion: 40,
        comparison: 50,
        negation: 40,
        arithmetic: 0,
        functions: 0,
        aggregates: 0,
        floors: 0,
        overflow: 0,
        huge_bindings: 0,
        huge_facts: 0,
    };

    /// Everything.
    pub const ALL: Features = Features {
        recursion: 40,
        comparison: 35,
        negation: 30,
        arithmetic: 35,
        functions: 25,
        aggregates: 30,
        floors: 40,
        overflow: 4,
        huge_bindings: 0,
        huge_facts: 0,
    };

    /// Everything, and many computations that overflow on some bindings.
    pub const OVERFLOWING: Features = Features {
        arithmetic: 60,
        huge_bindings: 40,
        huge_facts: 8,
        ..Features::ALL
    };

    pub const fn without_negation(self) -> Features {
        Features {
            negation: 0,
            ..self
        }
    }
}

/// A term of an atom.
#[derive(Clone, Debug, PartialEq)]
pub enum Term {
    Var(String),
    Const(Value),
    /// `_`
    Wild,
}

/// An expression.
#[derive(Clone, Debug)]
pub enum Ex {
    Term(Term),
    Neg(Box<Ex>),
    Bin(ArithOp, Box<Ex>, Box<Ex>),
    Call(Function, Vec<Ex>),
}

#[derive(Clone, Debug)]
pub struct AtomT {
    pub pred: usize,
    pub args: Vec<Term>,
}

/// `lhs op rhs`, a test.
#[derive(Clone, Debug)]
pub struct Test {
    pub lhs: Ex,
    pub op: CompareOp,
    pub rhs: Ex,
}

/// `count { … } [floor]`, `sum X { … }`, `min X { … }`, `max X { … }`.
#[derive(Clone, Debug)]
pub struct Agg {
    pub op: AggregateOp,
    pub target: Option<String>,
    pub atoms: Vec<AtomT>,
    pub tests: Vec<Test>,
    /// In ten-thousandths.
    pub floor: Option<u16>,
}

#[derive(Clone, Debug)]
pub enum Cond {
    Atom(AtomT),
    /// `N = expr`, `N` bound nowhere else.
    Assign(String, Ex),
    /// `R = aggregate`.
    Aggregate(String, Agg),
    /// `aggregate op expr`.
    AggregateTest(Agg, CompareOp, Ex),
    Test(Test),
    Unless(AtomT),
}

#[derive(Clone, Debug)]
pub struct RuleT {
    pub name: String,
    pub conds: Vec<Cond>,
    pub heads: Vec<(usize, Vec<Ex>)>,
    /// In ten-thousandths.
    pub likelihood: u16,
}

#[derive(Clone, Debug)]
pub struct PredT {
    pub name: String,
    pub arity: usize,
    pub level: usize,
}

/// A generated program: as data, and as source text.
#[derive(Clone, Debug)]
pub struct RandomProgram {
    pub seed: u64,
    pub preds: Vec<PredT>,
    /// Predicate, row, likelihood in ten-thousandths.
    pub facts: Vec<(usize, Vec<Value>, u16)>,
    pub rules: Vec<RuleT>,
    pub source: String,
}

/// Which features a program uses (by its text).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Uses {
    pub recursion: bool,
    pub comparison: bool,
    pub negation: bool,
    pub assignment: bool,
    pub arithmetic: bool,
    pub division: bool,
    pub functions: bool,
    pub text_functions: bool,
    pub contains: bool,
    pub head_expressions: bool,
    pub count: bool,
    pub sum: bool,
    pub min: bool,
    pub max: bool,
    pub floor: bool,
    pub aggregate_in_comparison: bool,
    pub grouped_aggregate: bool,
    pub overflow_constant: bool,
}

/// 2^62: doubling it overflows.
pub(super) const HUGE: i64 = 4_611_686_018_427_387_904;

fn term_vars<'a>(t: &'a Term, out: &mut Vec<&'a str>) {
    if let Term::Var(v) = t {
        out.push(v);
    }
}

/// The variables an expression reads.
pub fn ex_vars<'a>(e: &'a Ex, out: &mut Vec<&'a str>) {
    match e {
        Ex::Term(t) => term_vars(t, out),
        Ex::Neg(x) => ex_vars(x, out),
        Ex::Bin(_, a, b) => {
            ex_vars(a, out);
            ex_vars(b, out);
        }
        Ex::Call(_, args) => args.iter().for_each(|a| ex_vars(a, out)),
    }
}

impl Agg {
    /// The variables of the sub-body and the target.
    pub fn vars(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for a in &self.atoms {
            a.args.iter().for_each(|t| term_vars(t, &mut out));
        }
        for t in &self.tests {
            ex_vars(&t.lhs, &mut out);
            ex_vars(&t.rhs, &mut out);
        }
        out.extend(self.target.as_deref());
        out
    }
}

impl RuleT {
    /// An aggregate's group, as the language defines it: the variables of
    /// its sub-body that the rest of the rule also uses (the target
    /// excepted), in order of first use in the sub-body.
    pub fn group(&self, agg: &Agg) -> Vec<String> {
        let mut outside: Vec<&str> = Vec::new();
        for c in &self.conds {
            match c {
                Cond::Atom(a) | Cond::Unless(a) => {
                    a.args.iter().for_each(|t| term_vars(t, &mut outside))
                }
                Cond::Assign(v, e) => {
                    outside.push(v);
                    ex_vars(e, &mut outside);
                }
                Cond::Aggregate(v, a) => {
                    outside.push(v);
                    if !std::ptr::eq(a, agg) {
                        outside.extend(a.vars());
                    }
                }
                Cond::AggregateTest(a, _, e) => {
                    ex_vars(e, &mut outside);
                    if !std::ptr::eq(a, agg) {
                        outside.extend(a.vars());
                    }
                }
                Cond::Test(t) => {
                    ex_vars(&t.lhs, &mut outside);
                    ex_vars(&t.rhs, &mut outside);
                }
            }
        }
        for (_, args) in &self.heads {
            args.iter().for_each(|e| ex_vars(e, &mut outside));
        }
        let mut group: Vec<String> = Vec::new();
        for v in agg.vars() {
            if outside.contains(&v)
                && Some(v) != agg.target.as_deref()
                && !group.iter().any(|g| g == v)
            {
                group.push(v.to_string());
            }
        }
        group
    }
}

impl RandomProgram {
    /// The program through the library's parser and checker; panics with
    /// the diagnostics when it does not check (a fault of the generator or
    /// of the checker).
    pub fn program(&self) -> Program {
        let path = PathBuf::from(format!("random-{}.wr", self.seed));
        let mut overlay = warrant::syntax::Overlay::new();
        overlay.insert(
            warrant::syntax::file_key(&path),
            Arc::from(self.source.as_str()),
        );
        let parsed = warrant::syntax::load_with_overlay(&[path], &overlay);
        let (program, diagnostics) = warrant::check_parsed(&parsed);
        match program {
            Some(p) => p,
            None => panic!(
                "seed {}: the generated program does not check:\n{}\n{}",
                self.seed,
                self.source,
                warrant::Report {
                    sources: parsed.sources,
                    diagnostics: diagnostics.into_iter().filter(|d| d.is_error()).collect(),
                }
            ),
        }
    }

    /// The features the program's text uses.
    pub fn uses(&self) -> Uses {
        let mut u = Uses::default();
        fn ex(e: &Ex, u: &mut Uses) {
            match e {
                Ex::Term(Term::Const(Value::Int(HUGE))) => u.overflow_constant = true,
                Ex::Term(_) => {}
                Ex::Neg(x) => {
                    u.arithmetic = true;
                    ex(x, u);
                }
                Ex::Bin(op, a, b) => {
                    u.arithmetic = true;
                    u.division |= matches!(op, ArithOp::Div | ArithOp::Rem);
                    ex(a, u);
                    ex(b, u);
                }
                Ex::Call(f, args) => {
                    u.functions = true;
                    u.text_functions |= matches!(
                        f,
                        Function::Len | Function::Concat | Function::Lower | Function::Upper
                    );
                    args.iter().for_each(|a| ex(a, u));
                }
            }
        }
        fn agg(a: &Agg, u: &mut Uses) {
            match a.op {
                AggregateOp::Count => u.count = true,
                AggregateOp::Sum => u.sum = true,
                AggregateOp::Min => u.min = true,
                AggregateOp::Max => u.max = true,
            }
            u.floor |= a.floor.is_some();
            for t in &a.tests {
                ex(&t.lhs, u);
                ex(&t.rhs, u);
            }
        }
        for r in &self.rules {
            let level = self.preds[r.heads[0].0].level;
            for c in &r.conds {
                match c {
                    Cond::Atom(a) => u.recursion |= self.preds[a.pred].level == level,
                    Cond::Assign(_, e) => {
                        u.assignment = true;
                        ex(e, &mut u);
                    }
                    Cond::Aggregate(_, a) => {
                        agg(a, &mut u);
                        u.grouped_aggregate |= !r.group(a).is_empty();
                    }
                    Cond::AggregateTest(a, _, e) => {
                        agg(a, &mut u);
                        u.grouped_aggregate |= !r.group(a).is_empty();
                        u.aggregate_in_comparison = true;
                        ex(e, &mut u);
                    }
                    Cond::Test(t) => {
                        u.comparison = true;
                        u.contains |= t.op == CompareOp::Contains;
                        ex(&t.lhs, &mut u);
                        ex(&t.rhs, &mut u);
                    }
                    Cond::Unless(_) => u.negation = true,
                }
            }
            for (_, args) in &r.heads {
                for a in args {
                    u.head_expressions |= !matches!(a, Ex::Term(_));
                    ex(a, &mut u);
                }
            }
        }
        u
    }
}
