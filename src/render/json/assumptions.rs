//! Key assumptions as JSON.

use serde::Serialize;

use super::{ExceptionJson, OriginJson};
use crate::explain::{Assumed, AssumedFact, Assumptions};
use crate::likelihood::Likelihood;

#[derive(Serialize)]
pub struct AssumptionsJson<'a> {
    atom: String,
    likelihood: Likelihood,
    complete: bool,
    facts: Vec<FactJson<'a>>,
    exceptions: Vec<AssumedJson<'a>>,
    /// Exceptions that hold less than certainly: each caps a step.
    weakened_by: Vec<WeakenedJson<'a>>,
    /// What the world took back (`retract` items as written): the
    /// conclusion rests on their absence too.
    retracted: &'a [String],
}

#[derive(Serialize)]
struct FactJson<'a> {
    atom: String,
    likelihood: Likelihood,
    origin: Option<OriginJson<'a>>,
    necessary: Option<bool>,
    caps_likelihood: bool,
}

#[derive(Serialize)]
struct AssumedJson<'a> {
    atom: &'a str,
    rule: &'a str,
    file: &'a str,
    line: usize,
    #[serde(rename = "for")]
    for_atom: &'a str,
    could_be_derived_by: &'a [String],
}

#[derive(Serialize)]
struct WeakenedJson<'a> {
    #[serde(flatten)]
    exception: ExceptionJson<'a>,
    rule: &'a str,
    #[serde(rename = "for")]
    for_atom: &'a str,
}

/// Key assumptions as JSON (schema in `docs/json.md`); `retracted` lists
/// the world's `retract` items as written.
pub fn assumptions<'a>(a: &'a Assumptions, retracted: &'a [String]) -> AssumptionsJson<'a> {
    AssumptionsJson {
        atom: a.atom.to_string(),
        likelihood: a.likelihood,
        complete: a.complete,
        facts: a.facts.iter().map(fact).collect(),
        exceptions: a.exceptions.iter().map(assumed).collect(),
        weakened_by: a
            .weakened_by
            .iter()
            .map(|w| WeakenedJson {
                exception: ExceptionJson::of(&w.check),
                rule: &w.rule,
                for_atom: &w.for_atom,
            })
            .collect(),
        retracted,
    }
}

fn fact(f: &AssumedFact) -> FactJson<'_> {
    FactJson {
        atom: f.atom.to_string(),
        likelihood: f.likelihood,
        origin: f.origin.as_ref().map(OriginJson::of),
        necessary: f.necessary,
        caps_likelihood: f.caps_likelihood,
    }
}

fn assumed(e: &Assumed) -> AssumedJson<'_> {
    AssumedJson {
        atom: &e.atom,
        rule: &e.rule,
        file: &e.at.file,
        line: e.at.line,
        for_atom: &e.for_atom,
        could_be_derived_by: &e.could_be_derived_by,
    }
}
