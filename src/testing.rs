//! Running `test` blocks, and rule coverage.
//!
//! A test's world is what its file sees — the rules and facts of its own file
//! and of everything it imports — plus its `given` facts. Facts of other
//! files (another scenario, say) take no part. Each test is evaluated on its
//! own, so tests cannot leak into each other.

use std::sync::Arc;
use std::time::Instant;

use crate::diagnostics::Diagnostic;
use crate::engine::{self, Derivation, EvalOptions, Model, PatternArg, RowId};
use crate::ir::{Arg, Expect, PredId, Program, RuleId, Test};
use crate::likelihood::Likelihood;
use crate::source::Location;

/// What went wrong with one expectation.
#[derive(Debug, Clone)]
pub enum Failure {
    /// `expect ATOM` but no row matches.
    Missing { expect: usize },
    /// Derived, but less likely than required.
    TooUnlikely {
        expect: usize,
        row: RowId,
        got: Likelihood,
        wanted: Likelihood,
    },
    /// Derived, but its best derivation is not by the rule named (`None`:
    /// it is a stated fact).
    WrongRule {
        expect: usize,
        row: RowId,
        got: Option<RuleId>,
        wanted: RuleId,
    },
    /// `expect not ATOM` but these rows match.
    Unexpected { expect: usize, rows: Vec<RowId> },
    /// `expect conflict NAME` but it does not hold, or `expect not conflict
    /// NAME` but it holds (`hits`: indexes into `model.conflicts()`).
    Conflict {
        expect: usize,
        negated: bool,
        hits: Vec<usize>,
    },
}

impl Failure {
    /// Index of the expectation in the test (in `expects`, or for
    /// `Failure::Conflict` in `conflicts`).
    pub fn expectation(&self) -> usize {
        match *self {
            Failure::Missing { expect }
            | Failure::TooUnlikely { expect, .. }
            | Failure::WrongRule { expect, .. }
            | Failure::Unexpected { expect, .. }
            | Failure::Conflict { expect, .. } => expect,
        }
    }
}

/// The result of one test.
#[derive(Debug)]
pub struct Outcome {
    /// Index into `program.tests`.
    pub test: usize,
    pub location: Location,
    /// Empty when the test passed.
    pub failures: Vec<Failure>,
    /// The evaluation itself failed (e.g. a row limit); the test fails.
    pub errors: Vec<Diagnostic>,
    /// The model the expectations were checked against.
    pub model: Option<Model>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.errors.is_empty()
    }
}

/// The results of a test run.
#[derive(Debug)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
    /// For every rule: whether some test's world gave it a conclusion (as
    /// that conclusion's best derivation).
    pub fired: Vec<bool>,
}

impl Report {
    pub fn passed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.passed()).count()
    }

    pub fn failed(&self) -> usize {
        self.outcomes.len() - self.passed()
    }

    /// Rules that no test made fire, in program order.
    pub fn uncovered(&self) -> Vec<RuleId> {
        self.fired
            .iter()
            .enumerate()
            .filter(|&(_, &f)| !f)
            .map(|(i, _)| RuleId(i as u32))
            .collect()
    }
}

/// Runs the tests of the named files whose names contain `filter` (all
/// when `None`), each evaluation stopping at `deadline` (`warrant::timeout`).
pub fn run(program: &Arc<Program>, filter: Option<&str>, deadline: Option<Instant>) -> Report {
    let mut fired = vec![false; program.rules.len()];
    let outcomes = program
        .tests
        .iter()
        .enumerate()
        // The tests of the files named, not of the files they import.
        .filter(|(_, t)| program.given.is_empty() || program.given.contains(&t.file))
        .filter(|(_, t)| filter.is_none_or(|f| t.name.contains(f)))
        .map(|(i, test)| {
            let outcome = run_one(program, i, test, deadline);
            if let Some(model) = &outcome.model {
                mark_fired(model, &mut fired);
            }
            outcome
        })
        .collect();
    Report { outcomes, fired }
}

fn run_one(
    program: &Arc<Program>,
    index: usize,
    test: &Test,
    deadline: Option<Instant>,
) -> Outcome {
    let location = program.sources.location(test.span);
    let options = EvalOptions {
        extra_facts: test.given.clone(),
        extra_retractions: test.without.clone(),
        files: Some(program.visible_files(test.file)),
        deadline,
        ..EvalOptions::default()
    };
    let model = match engine::evaluate(program, &options) {
        Ok(m) => m,
        Err(errors) => {
            return Outcome {
                test: index,
                location,
                failures: Vec::new(),
                errors,
                model: None,
            };
        }
    };
    let mut failures: Vec<Failure> = test
        .expects
        .iter()
        .enumerate()
        .filter_map(|(i, e)| check_expect(&model, i, e))
        .collect();
    for (i, e) in test.conflicts.iter().enumerate() {
        let hits: Vec<usize> = model
            .conflicts()
            .iter()
            .enumerate()
            .filter(|(_, h)| h.conflict == e.conflict)
            .map(|(k, _)| k)
            .collect();
        if hits.is_empty() != e.negated {
            failures.push(Failure::Conflict {
                expect: i,
                negated: e.negated,
                hits,
            });
        }
    }
    Outcome {
        test: index,
        location,
        failures,
        errors: Vec::new(),
        model: Some(model),
    }
}

/// The rows of the model that an expectation's atom matches.
pub fn matching_rows(model: &Model, expect: &Expect) -> Vec<RowId> {
    let pattern: Vec<PatternArg> = expect
        .atom
        .args
        .iter()
        .map(|a| match *a {
            Arg::Var(v) => PatternArg::Var(v),
            // A constant the model never saw matches nothing.
            Arg::Const(c) => PatternArg::Value(c),
            Arg::Wildcard => PatternArg::Any,
        })
        .collect();
    model.matching(expect.atom.pred, &pattern)
}

fn check_expect(model: &Model, index: usize, expect: &Expect) -> Option<Failure> {
    let rows = matching_rows(model, expect);
    let pred = expect.atom.pred;
    if expect.negated {
        return (!rows.is_empty()).then_some(Failure::Unexpected {
            expect: index,
            rows,
        });
    }
    if rows.is_empty() {
        return Some(Failure::Missing { expect: index });
    }
    // Among the matching rows, the best one decides (a pattern passes when
    // some row meets every requirement).
    let meets = |row: RowId| {
        let likely = expect
            .at_least
            .is_none_or(|w| model.likelihood(pred, row).is_some_and(|l| l >= w));
        let by = expect
            .by_rule
            .is_none_or(|r| rule_of(model, pred, row) == Some(r));
        likely && by
    };
    if rows.iter().any(|&r| meets(r)) {
        return None;
    }
    let row = rows[0];
    if let Some(wanted) = expect.at_least {
        let got = model.likelihood(pred, row).unwrap_or(wanted);
        if got < wanted {
            return Some(Failure::TooUnlikely {
                expect: index,
                row,
                got,
                wanted,
            });
        }
    }
    let wanted = expect.by_rule?;
    Some(Failure::WrongRule {
        expect: index,
        row,
        got: rule_of(model, pred, row),
        wanted,
    })
}

/// The rule of a row's best derivation; `None` for base rows.
pub fn rule_of(model: &Model, pred: PredId, row: RowId) -> Option<RuleId> {
    match model.derivation(pred, row)? {
        Derivation::Rule { rule, .. } => Some(rule),
        Derivation::Fact { .. } => None,
    }
}

fn mark_fired(model: &Model, fired: &mut [bool]) {
    let program = model.program();
    for p in 0..program.preds.len().min(model.preds()) {
        let pred = PredId(p as u32);
        for (row, _, _) in model.rows(pred) {
            if let Some(rule) = rule_of(model, pred, row)
                && let Some(f) = fired.get_mut(rule.0 as usize)
            {
                *f = true;
            }
        }
    }
}
