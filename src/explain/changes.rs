//! What a second world changes against a first, as plain data: the
//! conclusions gained, lost or changed in likelihood, the conflicts gained
//! and lost, each world's retractions, and for each change the facts it
//! traces to. `warrant diff` and `warrant report` both read this one
//! comparison; `render` only writes it.

use indexmap::IndexMap;

use super::step::bindings_of;
use super::{Binding, assumptions};
use crate::engine::{Derivation, Model, RowId};
use crate::ir::PredId;
use crate::likelihood::Likelihood;

/// Which rows the comparison takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compared {
    /// Rows of the predicates some rule concludes (what `run` lists).
    Conclusions,
    /// Every row: the facts stated, given or loaded too (`diff --all`).
    All,
}

/// The changes from a base world to another.
#[derive(Clone, Debug, PartialEq)]
pub struct Changes {
    /// The base world's `retract` items, as written.
    pub retracted_base: Vec<String>,
    /// The other world's `retract` items, as written.
    pub retracted_other: Vec<String>,
    /// Rows in the other world only, in its order (predicate, then row).
    pub gained: Vec<Change>,
    /// Rows in the base world only, in its order.
    pub lost: Vec<Change>,
    /// Rows in both with a different likelihood, in the base world's order.
    pub changed: Vec<Change>,
    /// Conflicts that hold in the other world only, in its order, each once.
    pub conflicts_gained: Vec<HeldConflict>,
    /// Conflicts that hold in the base world only, in its order, each once.
    pub conflicts_lost: Vec<HeldConflict>,
}

/// One row that differs between the worlds.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// The row as printed: `hedges(japan)`.
    pub atom: String,
    /// Where it stands in the base world (`None`: gained).
    pub base: Option<Held>,
    /// Where it stands in the other world (`None`: lost).
    pub other: Option<Held>,
    /// Why it changed (its causes), as far as the worlds tell: empty when no reason is
    /// found.
    pub because: Vec<Cause>,
}

/// A row in one world.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Held {
    pub pred: PredId,
    pub row: RowId,
    pub likelihood: Likelihood,
}

/// One cause of a change of a row. A new kind of reason is a new variant here;
/// every renderer of `because` matches on it.
#[derive(Clone, Debug, PartialEq)]
pub enum Cause {
    /// A base fact (stated, given or loaded, after retraction) that differs
    /// between the worlds, and that the row's best proof rests on in a world
    /// where it holds, or that an exception of its proof in the other world
    /// matches (a row gained because an exception's facts were taken away).
    Fact { shift: Shift, atom: String },
    /// A row matching a graded exception of the row's best proof (in either
    /// world) whose likelihood differs between the worlds: the cap it puts
    /// on the conclusion moved with it. `None`: the row does not hold there.
    Exception {
        atom: String,
        base: Option<Likelihood>,
        other: Option<Likelihood>,
    },
}

/// Which way a fact moved from the base world to the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shift {
    /// Added or raised in likelihood in the other world (`+ fact`).
    Up,
    /// Missing or lowered in likelihood in the other world (`- fact`).
    Down,
}

/// A conflict that holds, known by its name and named bindings.
#[derive(Clone, Debug, PartialEq)]
pub struct HeldConflict {
    pub name: String,
    pub bindings: Vec<Binding>,
}

/// One world, read for the comparison.
struct World<'m> {
    model: &'m Model,
    /// Rows compared, keyed by their text, in predicate order.
    rows: IndexMap<String, Held>,
    conflicts: Vec<HeldConflict>,
    /// Its base facts (stated, given or loaded, after retraction) and their
    /// likelihood.
    facts: IndexMap<String, Likelihood>,
    retracted: Vec<String>,
}

/// Compares two evaluated worlds.
pub fn changes(base: &Model, other: &Model, compared: Compared) -> Changes {
    let (base, other) = (world(base, compared), world(other, compared));
    let change = |atom: &str, b: Option<Held>, o: Option<Held>| Change {
        atom: atom.to_string(),
        base: b,
        other: o,
        because: traces(&base, &other, atom),
    };
    let gained = other
        .rows
        .iter()
        .filter(|(k, _)| !base.rows.contains_key(*k))
        .map(|(k, &o)| change(k, None, Some(o)))
        .collect();
    let lost = base
        .rows
        .iter()
        .filter(|(k, _)| !other.rows.contains_key(*k))
        .map(|(k, &b)| change(k, Some(b), None))
        .collect();
    let changed = base
        .rows
        .iter()
        .filter_map(|(k, &b)| {
            let o = *other.rows.get(k)?;
            (o.likelihood != b.likelihood).then(|| change(k, Some(b), Some(o)))
        })
        .collect();
    let only = |a: &World, b: &World| {
        let mut out: Vec<HeldConflict> = Vec::new();
        for c in &a.conflicts {
            if !b.conflicts.contains(c) && !out.contains(c) {
                out.push(c.clone());
            }
        }
        out
    };
    Changes {
        conflicts_gained: only(&other, &base),
        conflicts_lost: only(&base, &other),
        gained,
        lost,
        changed,
        retracted_base: base.retracted,
        retracted_other: other.retracted,
    }
}

fn world(model: &Model, compared: Compared) -> World<'_> {
    let program = model.program();
    let mut facts = IndexMap::new();
    for p in 0..model.preds() {
        let pred = PredId(p as u32);
        for (id, row, likelihood) in model.rows(pred) {
            if matches!(model.derivation(pred, id), Some(Derivation::Fact { .. })) {
                facts.insert(model.format_row(pred, row), likelihood);
            }
        }
    }
    let retracted = program
        .retractions
        .iter()
        .map(|r| program.format_retraction(r))
        .collect();
    let concluded = program.concluded_preds();
    let mut rows = IndexMap::new();
    for (p, &shown) in concluded.iter().enumerate().take(model.preds()) {
        if !(shown || compared == Compared::All) {
            continue;
        }
        let pred = PredId(p as u32);
        for (row, values, likelihood) in model.rows(pred) {
            let held = Held {
                pred,
                row,
                likelihood,
            };
            rows.insert(model.format_row(pred, values), held);
        }
    }
    let conflicts = model
        .conflicts()
        .iter()
        .filter_map(|hit| {
            let c = program.conflicts.get(hit.conflict)?;
            let binding: Vec<_> = hit.bindings.iter().map(|&v| Some(v)).collect();
            Some(HeldConflict {
                name: c.name.clone(),
                bindings: bindings_of(model, &c.body.vars, &binding),
            })
        })
        .collect();
    World {
        model,
        rows,
        conflicts,
        facts,
        retracted,
    }
}

/// The facts that differ between two worlds and that a row's best proof
/// rests on (in the world where it holds): up if added or raised in
/// `other`, down if missing or lowered there; then the base facts taken
/// away that an exception of its proof in `other` matches.
fn traces(base: &World, other: &World, row: &str) -> Vec<Cause> {
    let mut out: Vec<Cause> = Vec::new();
    let found = |w: &World| {
        w.rows
            .get(row)
            .and_then(|h| assumptions(w.model, h.pred, h.row))
    };
    let (in_base, in_other) = (found(base), found(other));
    let leaves = |a: &Option<super::Assumptions>| -> Vec<String> {
        a.iter()
            .flat_map(|a| &a.facts)
            .map(|f| f.atom.to_string())
            .collect()
    };
    let differs = |f: &String| base.facts.get(f) != other.facts.get(f);
    let shift = |f: &String| {
        if base.facts.get(f) < other.facts.get(f) {
            Shift::Up
        } else {
            Shift::Down
        }
    };
    // A fact both proofs rest on is listed once, the way it moved.
    for f in leaves(&in_other).iter().chain(&leaves(&in_base)) {
        if differs(f) {
            push_once(&mut out, shift(f), f);
        }
    }
    // Graded exceptions that weaken the row in either world and moved.
    for w in in_other.iter().chain(&in_base).flat_map(|a| &a.weakened_by) {
        let Some((row, _)) = &w.check.matched else {
            continue;
        };
        let (b, o) = (
            likelihood_of(base.model, row),
            likelihood_of(other.model, row),
        );
        let atom = row.to_string();
        let there = out
            .iter()
            .any(|c| matches!(c, Cause::Exception { atom: a, .. } if *a == atom));
        if b != o && !there {
            out.push(Cause::Exception {
                atom,
                base: b,
                other: o,
            });
        }
    }
    // A stated exception that moved is said once, as an exception.
    let moved: Vec<String> = out
        .iter()
        .filter_map(|c| match c {
            Cause::Exception { atom, .. } => Some(atom.clone()),
            Cause::Fact { .. } => None,
        })
        .collect();
    out.retain(|c| !matches!(c, Cause::Fact { atom, .. } if moved.contains(atom)));
    for e in in_other.iter().flat_map(|a| &a.exceptions) {
        for f in base.facts.keys() {
            if !other.facts.contains_key(f) && matches_pattern(&e.atom, f) {
                push_once(&mut out, Shift::Down, f);
            }
        }
    }
    out
}

/// How likely a row is in a world; `None` when it does not hold there.
fn likelihood_of(model: &Model, atom: &super::GroundAtom) -> Option<Likelihood> {
    let pred = model.program().pred_id(&atom.pred)?;
    let ids: Option<Vec<_>> = atom.args.iter().map(|v| model.values().lookup(v)).collect();
    let row = model.lookup(pred, &ids?)?;
    model.likelihood(pred, row)
}

/// Adds a reason unless that fact is there already.
fn push_once(out: &mut Vec<Cause>, shift: Shift, atom: &str) {
    let there = out.iter().any(|r| match r {
        Cause::Fact { shift: s, atom: a } => *s == shift && a == atom,
        Cause::Exception { atom: a, .. } => a == atom,
    });
    if !there {
        out.push(Cause::Fact {
            shift,
            atom: atom.to_string(),
        });
    }
}

/// Whether a printed atom matches a printed pattern whose `_` arguments
/// match anything: `p(a, _)` matches `p(a, b)`.
fn matches_pattern(pattern: &str, atom: &str) -> bool {
    let split = |s: &str| -> Option<(String, Vec<String>)> {
        let (name, rest) = s.split_once('(')?;
        let args = rest.strip_suffix(')')?;
        Some((
            name.to_string(),
            args.split(", ").map(str::to_string).collect(),
        ))
    };
    match (split(pattern), split(atom)) {
        (Some((p, pa)), Some((a, aa))) => {
            p == a && pa.len() == aa.len() && pa.iter().zip(&aa).all(|(x, y)| x == "_" || x == y)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::engine::builder::{Cond, ProgramBuilder, T};
    use crate::engine::{EvalOptions, evaluate};
    use crate::ir::Value;

    /// `a(X) unless calm(X) then b(X)`, a conflict on every `b(X)`, and the
    /// given facts of `a` and `calm`.
    fn world(a: &[(&str, f64)], calm: &[&str]) -> Model {
        let mut p = ProgramBuilder::new();
        let (pa, pcalm, pb) = (p.pred("a", 1), p.pred("calm", 1), p.pred("b", 1));
        let l = |x: f64| Likelihood::from_probability(x).unwrap();
        for &(x, likelihood) in a {
            p.fact(pa, vec![Value::Text(x.into())], l(likelihood));
        }
        for &x in calm {
            p.fact(pcalm, vec![Value::Text(x.into())], Likelihood::CERTAIN);
        }
        let x = || vec![T::V("X")];
        p.rule(
            "r",
            &[Cond::Atom(pa, x()), Cond::Unless(pcalm, x())],
            &[(pb, x())],
            Likelihood::CERTAIN,
        );
        p.conflict("c", None, &[Cond::Atom(pb, x())]);
        let program = Arc::new(p.finish().unwrap());
        evaluate(&program, &EvalOptions::default()).unwrap()
    }

    fn summary(list: &[Change]) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = list
            .iter()
            .map(|c| {
                let causes = c
                    .because
                    .iter()
                    .map(|c| match c {
                        Cause::Fact { shift, atom } => format!("{shift:?} {atom}"),
                        Cause::Exception { atom, base, other } => {
                            format!("Exception {atom} {base:?} -> {other:?}")
                        }
                    })
                    .collect();
                (c.atom.clone(), causes)
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn each_change_traces_to_the_facts_that_moved() {
        let base = world(&[("x", 1.0), ("y", 1.0), ("w", 1.0)], &["w"]);
        let other = world(&[("y", 0.8), ("z", 1.0), ("w", 1.0)], &[]);
        let c = changes(&base, &other, Compared::Conclusions);
        let s = |x: &str, causes: &[&str]| {
            (
                x.to_string(),
                causes.iter().map(|c| c.to_string()).collect(),
            )
        };
        assert_eq!(
            summary(&c.gained),
            vec![s("b(w)", &["Down calm(w)"]), s("b(z)", &["Up a(z)"])]
        );
        assert_eq!(summary(&c.lost), vec![s("b(x)", &["Down a(x)"])]);
        assert_eq!(summary(&c.changed), vec![s("b(y)", &["Down a(y)"])]);
        let changed = &c.changed[0];
        assert_eq!(
            changed.base.map(|h| h.likelihood),
            Some(Likelihood::CERTAIN)
        );
        assert!(
            changed
                .other
                .is_some_and(|h| h.likelihood < Likelihood::CERTAIN)
        );
        let names = |list: &[HeldConflict]| -> Vec<String> {
            let mut v: Vec<String> = list
                .iter()
                .map(|c| c.bindings[0].value.to_string())
                .collect();
            v.sort();
            v
        };
        assert_eq!(names(&c.conflicts_gained), ["w", "z"]);
        assert_eq!(names(&c.conflicts_lost), ["x"]);
        // `All` compares the facts too: `a(x)` is lost, `calm(w)` lost.
        let all = changes(&base, &other, Compared::All);
        let lost: Vec<String> = summary(&all.lost).into_iter().map(|(a, _)| a).collect();
        assert_eq!(lost, ["a(x)", "b(x)", "calm(w)"]);
    }

    /// `b(x)` unless `calm(x)`, which is derived from `signal(x)` at `p`.
    fn graded_world(signal: Option<f64>) -> Model {
        let mut p = ProgramBuilder::new();
        let (pa, psignal) = (p.pred("a", 1), p.pred("signal", 1));
        let (pcalm, pb) = (p.pred("calm", 1), p.pred("b", 1));
        p.fact(pa, vec![Value::Text("x".into())], Likelihood::CERTAIN);
        if let Some(l) = signal {
            let l = Likelihood::from_probability(l).unwrap();
            p.fact(psignal, vec![Value::Text("x".into())], l);
        }
        let x = || vec![T::V("X")];
        let certain = Likelihood::CERTAIN;
        p.rule(
            "calming",
            &[Cond::Atom(psignal, x())],
            &[(pcalm, x())],
            certain,
        );
        let body = [Cond::Atom(pa, x()), Cond::Unless(pcalm, x())];
        p.rule("r", &body, &[(pb, x())], certain);
        let program = Arc::new(p.finish().unwrap());
        evaluate(&program, &EvalOptions::default()).unwrap()
    }

    #[test]
    fn a_change_traces_to_a_graded_exception_that_moved() {
        let l = |x: f64| Some(Likelihood::from_probability(x).unwrap());
        let base = graded_world(Some(0.2));
        let exception = |base, other| Cause::Exception {
            atom: "calm(x)".into(),
            base,
            other,
        };
        // The exception rises: the conclusion falls with its cap.
        let c = changes(&base, &graded_world(Some(0.55)), Compared::Conclusions);
        let b = |c: &Changes| {
            let b = c.changed.iter().find(|ch| ch.atom == "b(x)");
            b.map(|ch| ch.because.clone())
        };
        assert_eq!(b(&c), Some(vec![exception(l(0.2), l(0.55))]), "{c:?}");
        // The exception's own change traces to its fact, listed once.
        let calm = c.changed.iter().find(|ch| ch.atom == "calm(x)").unwrap();
        let up = Cause::Fact {
            shift: Shift::Up,
            atom: "signal(x)".into(),
        };
        assert_eq!(calm.because, vec![up]);
        // The exception goes: the conclusion is certain again.
        let c = changes(&base, &graded_world(None), Compared::Conclusions);
        assert_eq!(b(&c), Some(vec![exception(l(0.2), None)]));
        // It comes: the conclusion is weakened.
        let c = changes(&graded_world(None), &base, Compared::Conclusions);
        assert_eq!(b(&c), Some(vec![exception(None, l(0.2))]));
    }

    #[test]
    fn the_same_world_changes_nothing() {
        let base = world(&[("x", 1.0), ("y", 0.8)], &["x"]);
        let same = world(&[("x", 1.0), ("y", 0.8)], &["x"]);
        let c = changes(&base, &same, Compared::All);
        assert!(c.gained.is_empty() && c.lost.is_empty() && c.changed.is_empty());
        assert!(c.conflicts_gained.is_empty() && c.conflicts_lost.is_empty());
    }

    #[test]
    fn a_pattern_matches_atoms_its_underscores_allow() {
        assert!(matches_pattern("p(a, _)", "p(a, b)"));
        assert!(matches_pattern("p()", "p()"));
        assert!(!matches_pattern("p(a, _)", "p(b, b)"));
        assert!(!matches_pattern("p(a, _)", "p(a)"));
        assert!(!matches_pattern("p(_)", "q(a)"));
    }
}
