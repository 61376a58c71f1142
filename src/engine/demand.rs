//! Goal-directed evaluation: a query with constants (`sg(5, Y)`) computes
//! only the rows its answers can depend on, by a demand (magic-set)
//! rewriting of the program.
//!
//! **What is demanded.** The goal `p(5, Y)` asks for the rows of `p` whose
//! first argument is `5`: the *adornment* `bf` (bound, free) of `p`, and a
//! demand predicate `demand:p/bf` holding `5`. Each rule that concludes
//! `p` runs with one more condition, the demand on its conclusion's bound
//! arguments; its body atoms, read left to right, pass bindings sideways:
//! an atom of a derived predicate is demanded with the arguments that are
//! constants or bound by the demand and the atoms before it, and a demand
//! rule derives that demand from the same prefix (atoms, and the
//! assignments and comparisons it can compute). Demand for a predicate
//! with nothing bound runs its rules unconditionally.
//!
//! **What is computed in full.** A predicate read by `unless` or inside an
//! aggregate, and everything it depends on, is evaluated in full in its
//! original stratum, before the demanded part: an exception or a count over
//! a partial relation would be wrong, and graded exceptions read the exact
//! likelihood of the exception. The demanded predicates and the demand
//! predicates then form one last stratum, which is positive apart from
//! reading those complete lower predicates, so the rewriting always
//! stratifies. Predicates the goal does not depend on are not evaluated;
//! conflicts are not evaluated.
//!
//! **Why the answers are the full model's.** Every rule instance concluding
//! a demanded row passes its demand condition, and every atom of it is
//! demanded in turn, so a demanded row gets every derivation it has in the
//! full model (likelihood: max over derivations, min along each) — and
//! only true derivations, since the demand condition adds no premise.
//! Demand rows are certain, of proof height 0, and weigh nothing in a
//! derivation (`Sink::Rule::demand`), and each rewritten rule records its
//! derivation as the original rule's, so proofs read back in the original
//! program with the same likelihood and height as in the full model. The
//! proof is the same one unless two derivations tie on both, where the
//! first found is kept, which may differ.
//!
//! **Fallbacks** (the full model, never a partial one): no goal has a
//! constant, every goal's predicate is computed in full (read by `unless`
//! or an aggregate), a rule records premise row ids (a wildcard in a
//! positive atom, which `check` forbids), or the demand evaluation met an
//! integer overflow (reported as the full evaluation reports it).
//! Warnings (divisions by zero, comparisons of mixed kinds) count what the
//! demand evaluation met.
//!
//! **Overflow.** An overflow stops evaluation on a binding of a whole body
//! (`eval/complete.rs`). A rewritten rule's body is the original's plus the
//! demand condition, and demand rules compute nothing (they keep only the
//! assignments their conclusion reads, and a demand reads atoms'
//! variables, never computed ones): so a demand evaluation stops only
//! where the full one does, and it stops wherever the full one does on a
//! binding whose conclusion is demanded. It does not stop for an overflow
//! on a binding whose conclusion no goal needs.
//!
//! Rows of the returned model outside the goals' patterns may be missing
//! or less likely than in the full model: read only the goals' answers.

mod adorn;
mod deps;
mod rewrite;

use std::sync::Arc;

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{PredId, Program, RuleId, Value};

use super::{EvalOptions, Model, PatternArg, Rewritten, evaluate, evaluate_as};
use rewrite::{Rewriting, rewrite};

/// A query atom: a predicate and, per argument, a constant or nothing
/// (a variable or `_`).
#[derive(Clone, Debug)]
pub struct Goal {
    pub pred: PredId,
    pub args: Vec<Option<Value>>,
}

impl Goal {
    /// The goal of a query pattern (`sg(5, Y)`); `None` when the predicate
    /// is unknown or the arity wrong (resolving the query reports it).
    pub fn of_pattern(program: &Program, atom: &crate::syntax::ast::Atom) -> Option<Goal> {
        let pred = program.pred_id(&atom.pred.text)?;
        (program.pred(pred).arity == atom.args.len()).then(|| Goal {
            pred,
            args: atom.args.iter().map(super::query::pattern_value).collect(),
        })
    }

    /// The goal as a pattern over a model's rows (a constant the model
    /// has no value for matches nothing).
    pub fn pattern(&self, model: &Model) -> Vec<PatternArg> {
        self.args
            .iter()
            .map(|a| match a {
                Some(v) => PatternArg::Value(model.values().lookup(v).unwrap_or(super::NIL)),
                None => PatternArg::Any,
            })
            .collect()
    }
}

/// Why a goal-directed evaluation computed the full model instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FullReason {
    /// No goal has a constant: every row is asked for.
    NothingBound,
    /// Every goal's predicate is read by `unless` or an aggregate, so it
    /// is computed in full anyway.
    ComputedInFull,
    /// A rule records the row ids of its premises (a wildcard in a
    /// positive atom), which a rewritten rule cannot reproduce.
    PremiseIds,
    /// The demand evaluation stopped on an integer overflow.
    Overflow,
}

/// The model a goal-directed evaluation gives, and how it was computed.
#[derive(Clone, Debug)]
pub struct Demanded {
    pub model: Model,
    /// `Ok(n)`: by demand, with `n` demand predicates; `Err`: the full
    /// model, and why.
    pub strategy: Result<usize, FullReason>,
}

/// Evaluates what the goals need: their answers (the rows of each goal's
/// predicate that match its constants) are those of [`evaluate`], with the
/// same likelihoods and proofs of the same likelihood and height.
///
/// Errors: those of [`evaluate`] (the row limit, an integer overflow) met
/// on the way; a rule the goals do not need cannot cause one.
pub fn evaluate_goals(
    program: &Arc<Program>,
    options: &EvalOptions,
    goals: &[Goal],
) -> Result<Demanded, Vec<Diagnostic>> {
    let rewriting = match rewrite(program, goals) {
        Ok(r) => r,
        Err(reason) => {
            return Ok(Demanded {
                model: evaluate(program, options)?,
                strategy: Err(reason),
            });
        }
    };
    let Rewriting {
        program: rewritten,
        origin,
        seeds,
    } = rewriting;
    let demand_from = program.preds.len();
    let ndemand = rewritten.preds.len() - demand_from;
    let mut opts = options.clone();
    opts.extra_facts.extend(seeds);
    let how = Rewritten {
        original: program,
        origin: &origin,
        demand_from,
    };
    match evaluate_as(&Arc::new(rewritten), &opts, Some(&how)) {
        Ok(model) => Ok(Demanded {
            model: restore(model, program, options, &origin),
            strategy: Ok(ndemand),
        }),
        // Demand rules may compute on bindings the program's own rules
        // never reach (they read the body left to right): an overflow
        // there is not the program's, so the full model decides.
        Err(d) if d.iter().any(|d| d.code == Code::Overflow) => Ok(Demanded {
            model: evaluate(program, options)?,
            strategy: Err(FullReason::Overflow),
        }),
        Err(d) => Err(d),
    }
}

/// The model of a rewritten program as a model of the original: the
/// demand predicates and the records of demand rules dropped (both come
/// last), the original program and given facts back.
fn restore(
    mut model: Model,
    program: &Arc<Program>,
    options: &EvalOptions,
    origin: &[Option<RuleId>],
) -> Model {
    let n = program.preds.len();
    let kept_tags: usize = model
        .program
        .rules
        .iter()
        .zip(origin)
        .filter(|(_, o)| o.is_some())
        .map(|(r, _)| r.heads.len())
        .sum();
    model.rels.truncate(n);
    model.recipes.truncate(kept_tags);
    model.stats.rows.truncate(n);
    model.stats.derived.truncate(n);
    model.stats.bytes = model
        .rels
        .iter()
        .map(super::relation::Relation::bytes)
        .sum();
    model.stats.strata = program.strata.len();
    model.given = options.extra_facts.clone();
    model.program = Arc::clone(program);
    model
}

#[cfg(test)]
mod tests;
