//! Why not: for a ground atom that was not derived, every rule whose
//! conclusion could produce it and, for each, what failed under the atom's
//! bindings.
//!
//! The body of each such rule is searched as a bounded backtracking join over
//! the model, conditions in the order written (comparisons as soon as their
//! variables are bound, exceptions last). Every dead end of the search is a
//! partial match; the few with the most conditions met are kept.

mod candidate;
mod index;
mod instances;
mod search;

use std::borrow::Cow;

use super::{Binding, Proof, explain, extend_values, pattern_text_vars, term_value};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::engine::Model;
use crate::ir::{self, Arg, PredId, RuleId, Value, ValueId, Values};
use crate::source::Location;
use crate::syntax::ast;
pub(crate) use index::Index;
pub(crate) use instances::instances;
use search::Search;

/// How many partial matches to keep per rule.
const CLOSEST: usize = 3;
/// Rows tried per rule before the search gives up (and says so).
const STEP_LIMIT: usize = 200_000;

/// The answer to "why not `atom`?".
#[derive(Clone, Debug, PartialEq)]
pub struct WhyNot {
    /// The atom asked about, as printed.
    pub atom: String,
    pub outcome: Outcome,
    /// Constants of the atom that appear nowhere in the rules or the model,
    /// with a suggestion where one is close.
    pub notes: Vec<String>,
}

/// What was found.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The atom holds after all: its proof.
    Derived(Box<Proof>),
    /// Some rules could conclude it; none did. One attempt per rule with a
    /// conclusion that unifies with the atom (its first), in program order.
    NotDerived { attempts: Vec<Attempt> },
    /// Nothing could ever produce it: no rule concludes it and no fact
    /// states it (or the predicate does not exist).
    NoRule {
        reason: String,
        /// A predicate name the user may have meant.
        suggestion: Option<String>,
    },
}

/// One rule that could have concluded the atom.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    pub rule: RuleId,
    pub name: String,
    pub at: Location,
    /// Which of the rule's conclusions unifies with the atom (the first,
    /// when several do; the search tries each).
    pub head: usize,
    /// What the atom fixes: that head's variables and their values.
    pub head_bindings: Vec<Binding>,
    pub status: AttemptStatus,
    /// The closest partial matches, most conditions met first.
    pub candidates: Vec<Candidate>,
    /// How many partial matches the search met in all.
    pub partial_matches: usize,
    /// The search stopped at its step limit: closer matches may exist.
    pub truncated: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptStatus {
    /// Some condition failed under every binding.
    Failed,
    /// Every condition held for some binding, but an `unless` exception
    /// was derived and blocked the rule.
    Blocked,
    /// Every condition and exception held for some binding: the rule
    /// applies (only possible when the model was not evaluated with this
    /// rule, e.g. restricted to some files).
    Applies,
}

/// One partial match of a rule body.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Named variables bound so far.
    pub bindings: Vec<Binding>,
    /// Every condition of the rule, in the order written.
    pub conditions: Vec<Condition>,
    /// How many conditions were met.
    pub met: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CondKind {
    Atom,
    Comparison,
    Exception,
    /// `N = A + B`: a value computed (or, when already bound, tested).
    Computation,
    /// `N = count { … }`: the detail says what it counted; the proof holds
    /// the rows counted.
    Aggregate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CondStatus {
    Met,
    Failed,
    NotReached,
}

/// One condition of a rule under a candidate's bindings.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub kind: CondKind,
    /// As written: `ally(A, us)`, `L >= moderate`, `reassured(A)`.
    pub text: String,
    pub at: Location,
    pub status: CondStatus,
    /// What was seen: `matched ally(japan, us)`, `no row matches
    /// ally(korea, us)`, `low >= moderate is false`, `reassured(germany)
    /// was derived`.
    pub detail: String,
    /// For an exception that blocked the rule: the proof of what was derived.
    pub proof: Option<Box<Proof>>,
}

impl WhyNot {
    pub fn is_derived(&self) -> bool {
        matches!(self.outcome, Outcome::Derived(_))
    }
}

/// Why a ground atom (parsed) was not derived. Errors: `warrant::not_ground`
/// when the atom has variables.
pub fn why_not(model: &Model, atom: &ast::Atom) -> Result<WhyNot, Diagnostic> {
    let program = model.program();
    let mut args = Vec::with_capacity(atom.args.len());
    for t in &atom.args {
        match term_value(t) {
            Some(v) => args.push(v),
            None => {
                return Err(Diagnostic::error(
                    Code::NotGround,
                    format!(
                        "why-not needs a ground atom; `{}` is a variable",
                        match t {
                            ast::Term::Var(n) => n.text.as_str(),
                            _ => "?",
                        }
                    ),
                )
                .with_help("name a value for every argument, e.g. `hedges(japan)`; use `explain` or `query` for patterns"));
            }
        }
    }
    let text = format!(
        "{}({})",
        atom.pred.text,
        args.iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    match program.pred_id(&atom.pred.text) {
        Some(p) => Ok(why_not_values(model, p, &args)),
        None => Ok(WhyNot {
            atom: text,
            outcome: Outcome::NoRule {
                reason: format!("there is no predicate `{}`", atom.pred.text),
                suggestion: did_you_mean(
                    &atom.pred.text,
                    program.preds.iter().map(|p| p.name.as_str()),
                )
                .map(str::to_string),
            },
            notes: constant_notes(model, &args),
        }),
    }
}

/// Why `pred(args…)` was not derived.
pub fn why_not_values(model: &Model, pred: PredId, args: &[Value]) -> WhyNot {
    let program = model.program();
    let name = program
        .preds
        .get(pred.0 as usize)
        .map_or("?", |p| p.name.as_str());
    let atom = format!(
        "{name}({})",
        args.iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let notes = constant_notes(model, args);
    let Some(p) = program.preds.get(pred.0 as usize) else {
        return WhyNot {
            atom,
            outcome: Outcome::NoRule {
                reason: "there is no such predicate".into(),
                suggestion: None,
            },
            notes,
        };
    };
    if p.arity != args.len() {
        return WhyNot {
            atom,
            outcome: Outcome::NoRule {
                reason: format!(
                    "`{name}` takes {} argument{}, not {}",
                    p.arity,
                    if p.arity == 1 { "" } else { "s" },
                    args.len()
                ),
                suggestion: None,
            },
            notes,
        };
    }
    let (values, ids) = extend_values(model, args);
    if let Some(row) = model.lookup(pred, &ids)
        && let Some(proof) = explain(model, pred, row)
    {
        return WhyNot {
            atom,
            outcome: Outcome::Derived(Box::new(proof)),
            notes,
        };
    }

    let mut attempts = Vec::new();
    let mut concluding: Vec<String> = Vec::new();
    let mut index = Index::default();
    for (r, rule) in program.rules.iter().enumerate() {
        // One search per rule: every conclusion that unifies with the atom
        // seeds it, so a rule concluding the predicate twice (`then
        // linked(A, B), linked(B, A)`) is one attempt, not two.
        let mut s = Search::new(model, Cow::Borrowed(&values), rule, &mut index, false);
        let mut first: Option<(usize, Vec<Option<ValueId>>)> = None;
        for (h, head) in rule.heads.iter().enumerate() {
            if head.pred != pred {
                continue;
            }
            let Some(seed) = unify(head, &ids, rule.body.vars.len()) else {
                concluding.push(format!(
                    "`{}` concludes `{}`",
                    rule.name,
                    pattern_text_vars(program, &values, head, &[], &rule.body.vars)
                ));
                continue;
            };
            s.run(seed.clone());
            first.get_or_insert((h, seed));
        }
        let Some((head, seed)) = first else {
            continue;
        };
        let status = if s.applies {
            AttemptStatus::Applies
        } else if s.blocked {
            AttemptStatus::Blocked
        } else {
            AttemptStatus::Failed
        };
        attempts.push(Attempt {
            rule: RuleId(r as u32),
            name: rule.name.clone(),
            at: program.sources.location(rule.span),
            head,
            head_bindings: bindings_in(&values, &rule.body.vars, &seed),
            status,
            candidates: s.best.into_iter().map(|(_, c)| c).collect(),
            partial_matches: s.partials,
            truncated: s.truncated,
        });
    }
    if !attempts.is_empty() {
        return WhyNot {
            atom,
            outcome: Outcome::NotDerived { attempts },
            notes,
        };
    }
    let reason = if concluding.is_empty() {
        format!("no rule concludes `{name}`, and no fact or input row states `{atom}`")
    } else {
        format!(
            "no fact states it, and no rule concludes it with these arguments ({})",
            concluding.join("; ")
        )
    };
    WhyNot {
        atom,
        outcome: Outcome::NoRule {
            reason,
            suggestion: None,
        },
        notes,
    }
}

/// Notes for constants that appear nowhere in the model.
fn constant_notes(model: &Model, args: &[Value]) -> Vec<String> {
    let values = model.values();
    let mut notes = Vec::new();
    for v in args {
        if values.lookup(v).is_some() {
            continue;
        }
        let Value::Text(text) = v else {
            notes.push(format!("`{v}` appears nowhere in the rules or the data"));
            continue;
        };
        let candidates = (0..values.len() as u32).filter_map(|i| match values.get(i) {
            Value::Text(s) => Some(&**s),
            _ => None,
        });
        let mut note = format!("`{v}` appears nowhere in the rules or the data");
        if let Some(s) = did_you_mean(text, candidates) {
            let shown = Value::Text(s.into());
            note.push_str(&format!("; did you mean `{shown}`?"));
        }
        notes.push(note);
    }
    notes
}

fn bindings_in(values: &Values, vars: &[String], b: &[Option<ValueId>]) -> Vec<Binding> {
    vars.iter()
        .zip(b)
        .filter(|(n, _)| !n.starts_with('_'))
        .filter_map(|(n, v)| {
            let v = (*v)?;
            ((v as usize) < values.len()).then(|| Binding {
                name: n.clone(),
                value: values.get(v).clone(),
            })
        })
        .collect()
}

/// Unifies a rule's conclusion with a ground row: the variable bindings it
/// forces, or `None` when a constant or a repeated variable disagrees.
fn unify(head: &ir::Atom, row: &[ValueId], nvars: usize) -> Option<Vec<Option<ValueId>>> {
    if head.args.len() != row.len() {
        return None;
    }
    let mut b = vec![None; nvars];
    for (a, &v) in head.args.iter().zip(row) {
        match *a {
            Arg::Const(c) if c != v => return None,
            Arg::Const(_) | Arg::Wildcard => {}
            Arg::Var(x) => {
                let slot = b.get_mut(x as usize)?;
                match *slot {
                    Some(w) if w != v => return None,
                    _ => *slot = Some(v),
                }
            }
        }
    }
    Some(b)
}
