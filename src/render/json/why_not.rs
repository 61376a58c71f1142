//! Why-not reports as JSON.

use serde::Serialize;

use super::Bindings;
use super::proof::{ProofJson, proof};
use crate::explain::{
    Attempt, AttemptStatus, Candidate, CondKind, CondStatus, Condition, Outcome, WhyNot,
};

#[derive(Serialize)]
pub struct WhyNotJson<'a> {
    atom: &'a str,
    outcome: &'static str,
    summary: String,
    notes: &'a [String],
    #[serde(flatten)]
    fields: OutcomeJson<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum OutcomeJson<'a> {
    Derived {
        proof: ProofJson<'a>,
    },
    NoRule {
        reason: &'a str,
        suggestion: Option<&'a str>,
    },
    NotDerived {
        attempts: Vec<AttemptJson<'a>>,
    },
}

#[derive(Serialize)]
struct AttemptJson<'a> {
    rule: &'a str,
    file: &'a str,
    line: usize,
    head: usize,
    status: &'static str,
    bindings: Bindings<'a>,
    partial_matches: usize,
    truncated: bool,
    candidates: Vec<CandidateJson<'a>>,
}

#[derive(Serialize)]
struct CandidateJson<'a> {
    met: usize,
    bindings: Bindings<'a>,
    conditions: Vec<ConditionJson<'a>>,
}

#[derive(Serialize)]
struct ConditionJson<'a> {
    kind: &'static str,
    text: &'a str,
    file: &'a str,
    line: usize,
    status: &'static str,
    detail: &'a str,
    proof: Option<ProofJson<'a>>,
}

/// A why-not report as JSON (schema in `docs/json.md`).
pub fn why_not(w: &WhyNot) -> WhyNotJson<'_> {
    let (outcome, fields) = match &w.outcome {
        Outcome::Derived(p) => ("derived", OutcomeJson::Derived { proof: proof(p) }),
        Outcome::NoRule { reason, suggestion } => (
            "no_rule",
            OutcomeJson::NoRule {
                reason,
                suggestion: suggestion.as_deref(),
            },
        ),
        Outcome::NotDerived { attempts } => (
            "not_derived",
            OutcomeJson::NotDerived {
                attempts: attempts.iter().map(attempt).collect(),
            },
        ),
    };
    WhyNotJson {
        atom: &w.atom,
        outcome,
        summary: crate::render::text::verdict(w),
        notes: &w.notes,
        fields,
    }
}

fn attempt(a: &Attempt) -> AttemptJson<'_> {
    AttemptJson {
        rule: &a.name,
        file: &a.at.file,
        line: a.at.line,
        head: a.head,
        status: match a.status {
            AttemptStatus::Failed => "failed",
            AttemptStatus::Blocked => "blocked",
            AttemptStatus::Applies => "applies",
        },
        bindings: Bindings(&a.head_bindings),
        partial_matches: a.partial_matches,
        truncated: a.truncated,
        candidates: a.candidates.iter().map(candidate).collect(),
    }
}

fn candidate(c: &Candidate) -> CandidateJson<'_> {
    CandidateJson {
        met: c.met,
        bindings: Bindings(&c.bindings),
        conditions: c.conditions.iter().map(condition).collect(),
    }
}

fn condition(k: &Condition) -> ConditionJson<'_> {
    ConditionJson {
        kind: match k.kind {
            CondKind::Atom => "atom",
            CondKind::Comparison => "comparison",
            CondKind::Exception => "exception",
            CondKind::Computation => "computation",
            CondKind::Aggregate => "aggregate",
        },
        text: &k.text,
        file: &k.at.file,
        line: k.at.line,
        status: match k.status {
            CondStatus::Met => "met",
            CondStatus::Failed => "failed",
            CondStatus::NotReached => "not_reached",
        },
        detail: &k.detail,
        proof: k.proof.as_deref().map(proof),
    }
}
