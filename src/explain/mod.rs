//! Explanations: why a conclusion holds (proof trees), why another does not
//! (failed premises), and which assumptions a conclusion rests on.
//!
//! Everything here reads the [`Program`] and the evaluated [`Model`]; nothing
//! re-evaluates. A [`Proof`] is rebuilt from the derivation the engine
//! recorded for each row (the one that gave the row its likelihood; among
//! equally likely ones the shortest), so an explanation costs time in the
//! size of the proof, not of the model.
//!
//! A proof is plain data: the [`render`](crate::render) layer turns it into
//! text (a tree an analyst reads top-down), JSON or Graphviz DOT. Proofs are
//! built without recursion on the proof depth, so a proof thousands of steps
//! deep does not overflow the stack.
//!
//! ```
//! use warrant::engine::{evaluate, EvalOptions};
//! let dir = std::env::temp_dir().join(format!("warrant-doc-explain-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let file = dir.join("hedge.wr");
//! std::fs::write(&file, r#"
//! scale level: low < moderate < high.
//! pred reassured(country).
//! ally(japan, us).
//! commitment_doubt(us, high) [likely].
//! rule allies_hedge
//!   when commitment_doubt(us, L), L >= moderate, ally(A, us)
//!   unless reassured(A)
//!   then hedges(A) [likely]
//!   because "{A} hedges: doubt about the US commitment is {L}".
//! "#).unwrap();
//! let program = std::sync::Arc::new(warrant::Program::load(&[&file]).unwrap());
//! let model = evaluate(&program, &EvalOptions::default()).unwrap();
//!
//! // Why: one proof per row matching the pattern.
//! let proofs = model.explain("hedges(A)").unwrap();
//! assert_eq!(proofs.len(), 1);
//! let text = warrant::render::text::proof(&proofs[0], false);
//! assert!(text.contains("japan hedges: doubt about the US commitment is high"));
//! assert!(text.contains("no `reassured(japan)` was derived"));
//!
//! // Why not: which condition failed.
//! let why = model.why_not("hedges(korea)").unwrap();
//! assert!(!why.is_derived());
//! assert!(warrant::render::text::why_not(&why, false).contains("ally(korea, us)"));
//! # std::fs::remove_dir_all(&dir).ok();
//! ```

mod assumptions;
mod build;
mod changes;
pub(crate) mod compute;
mod conflict;
mod necessity;
mod proof;
mod reason;
mod step;
mod weakest;
mod whynot;

use std::borrow::Cow;

use crate::diagnostics::Diagnostic;
use crate::engine::{FactSource, Model, PatternArg};
use crate::ir::{
    self, Arg, CompareKind, CompareOp, FactOrigin, PredId, Program, Value, ValueId, Values,
};
use crate::source::Span;
use crate::syntax::ast;

pub use assumptions::{
    Assumed, AssumedFact, AssumptionFinder, Assumptions, Undecided, Weakening, assumptions,
};
pub use build::{
    explain, explain_all, explain_atom, explain_pattern, explain_premises, matching_rows,
    parse_query_atom,
};
pub use changes::{Cause, Change, Changes, Compared, Held, HeldConflict, Shift, changes};
pub use conflict::{ConflictExplanation, explain_conflict};
pub use proof::{
    AggregateCheck, AggregateMatch, BelowFloor, Binding, Citation, ComparisonCheck, Computation,
    ExceptionCheck, GroundAtom, Node, NodeKind, Origin, Proof, RuleStep,
};
pub use reason::{Reason, reason};
pub use weakest::WeakLink;
pub use whynot::{
    Attempt, AttemptStatus, Candidate, CondKind, CondStatus, Condition, Outcome, WhyNot, why_not,
    why_not_values,
};

// ------------------------------------------------------------------ Model-level API

/// Explanations straight from a model.
impl Model {
    /// Explains every row matching `atom` (`hedges(A)` or a ground atom):
    /// one [`Proof`] per row, in insertion order; empty when nothing
    /// matches. See [`explain_atom`].
    pub fn explain(&self, atom: &str) -> Result<Vec<Proof>, Diagnostic> {
        explain_atom(self, atom)
    }

    /// Why a ground atom was not derived (or its proof, if it was). See
    /// [`why_not`].
    pub fn why_not(&self, atom: &str) -> Result<WhyNot, Diagnostic> {
        let atom = parse_query_atom(self.program(), atom)?;
        why_not(self, &atom)
    }
}

// ------------------------------------------------------------------ helpers shared by submodules

/// Binds the variables of `args` still unbound to the values of `row`.
pub(crate) fn bind_atom(b: &mut [Option<ValueId>], args: &[Arg], row: &[ValueId]) {
    for (a, &v) in args.iter().zip(row) {
        if let Arg::Var(x) = *a
            && let Some(slot) = b.get_mut(x as usize)
            && slot.is_none()
        {
            *slot = Some(v);
        }
    }
}

/// The pattern of an atom under (possibly partial) bindings: bound
/// variables and constants as values, wildcards and unbound variables as
/// anything.
pub(crate) fn pattern_of(atom: &ir::Atom, binding: &[Option<ValueId>]) -> Vec<PatternArg> {
    atom.args
        .iter()
        .map(|a| match *a {
            Arg::Const(c) => PatternArg::Value(c),
            Arg::Wildcard => PatternArg::Any,
            // An unbound variable, numbered by variable so that the same
            // variable twice must match equal values.
            Arg::Var(x) => binding
                .get(x as usize)
                .copied()
                .flatten()
                .map_or(PatternArg::Var(x), PatternArg::Value),
        })
        .collect()
}

/// `ally(A, us)` under bindings: bound variables replaced by their values,
/// unbound ones by their names, wildcards as `_`.
pub(crate) fn pattern_text(
    program: &Program,
    values: &Values,
    atom: &ir::Atom,
    binding: &[Option<ValueId>],
) -> String {
    pattern_text_vars(program, values, atom, binding, &[])
}

pub(crate) fn pattern_text_vars(
    program: &Program,
    values: &Values,
    atom: &ir::Atom,
    binding: &[Option<ValueId>],
    vars: &[String],
) -> String {
    let args: Vec<String> = atom
        .args
        .iter()
        .map(|a| match *a {
            Arg::Const(c) => value_text(values, c),
            Arg::Wildcard => "_".to_string(),
            Arg::Var(x) => match binding.get(x as usize).copied().flatten() {
                Some(v) => value_text(values, v),
                None => vars.get(x as usize).cloned().unwrap_or_else(|| "_".into()),
            },
        })
        .collect();
    let name = program
        .preds
        .get(atom.pred.0 as usize)
        .map_or("?", |p| p.name.as_str());
    format!("{name}({})", args.join(", "))
}

pub(crate) fn value_text(values: &Values, id: ValueId) -> String {
    if (id as usize) < values.len() {
        values.get(id).to_string()
    } else {
        "?".to_string()
    }
}

pub(crate) fn arg_value(a: Arg, binding: &[Option<ValueId>]) -> Option<ValueId> {
    match a {
        Arg::Const(c) => Some(c),
        Arg::Var(x) => binding.get(x as usize).copied().flatten(),
        Arg::Wildcard => None,
    }
}

/// Whether a comparison holds: [`ir::compare`], as the engine decides it.
pub(crate) fn compare(
    values: &Values,
    program: &Program,
    a: ValueId,
    op: CompareOp,
    b: ValueId,
    kind: CompareKind,
) -> bool {
    ir::compare(values, &program.scales, a, op, b, kind)
}

pub(crate) fn ground_atom(model: &Model, pred: PredId, row: &[ValueId]) -> GroundAtom {
    let program = model.program();
    GroundAtom {
        pred: program
            .preds
            .get(pred.0 as usize)
            .map_or_else(|| "?".to_string(), |p| p.name.clone()),
        args: row
            .iter()
            .map(|&v| model.value(v).cloned().unwrap_or(Value::Text("?".into())))
            .collect(),
    }
}

pub(crate) fn origin_of(program: &Program, source: &FactSource, origin: &FactOrigin) -> Origin {
    let loc = |s: Span| program.sources.location(s);
    match (source, origin) {
        (
            _,
            FactOrigin::Input {
                directive,
                path,
                row,
            },
        ) => Origin::Input {
            file: path.to_string_lossy().replace('\\', "/"),
            row: *row,
            directive: loc(*directive),
        },
        (FactSource::Given(_), FactOrigin::Stated(s)) => Origin::Given { at: loc(*s) },
        (_, FactOrigin::Stated(s)) => Origin::Stated { at: loc(*s) },
    }
}

/// A local value table: the model's, extended with constants of a query
/// that appear nowhere in the model (so they can be bound and shown, and
/// match nothing).
pub(crate) fn extend_values<'m>(
    model: &'m Model,
    extra: &[Value],
) -> (Cow<'m, Values>, Vec<ValueId>) {
    let base = model.values();
    if extra.iter().all(|v| base.lookup(v).is_some()) {
        let ids = extra.iter().filter_map(|v| base.lookup(v)).collect();
        return (Cow::Borrowed(base), ids);
    }
    let mut values = base.clone();
    let ids = extra.iter().map(|v| values.intern(v.clone())).collect();
    (Cow::Owned(values), ids)
}

/// An AST term as a value; `None` for a variable.
pub(crate) fn term_value(t: &ast::Term) -> Option<Value> {
    Some(match t {
        ast::Term::Var(_) | ast::Term::Expr(_) => return None,
        ast::Term::Symbol(n) => Value::Text(n.text.as_str().into()),
        ast::Term::Str(s) => Value::Text(s.value.as_str().into()),
        ast::Term::Int { value, .. } => Value::Int(*value),
        ast::Term::Dec { value, .. } => Value::Dec(*value),
    })
}
