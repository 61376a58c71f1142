//! `warrant run` and `warrant query` results as JSON. Rows are serialized
//! straight from the model as the output is written: nothing holds more
//! than one row.

use std::fmt;

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

use super::{JsonValue, proof};
use crate::engine::{ConflictHit, Model, QueryTable, RowId};
use crate::explain::{self, Proof};
use crate::ir::{PredId, Program, ValueId};
use crate::likelihood::Likelihood;
use crate::render::text;

/// The `warrant run` output (schema in `docs/json.md`).
#[derive(Serialize)]
pub struct RunJson<'a> {
    predicates: Predicates<'a>,
    conflicts: Conflicts<'a>,
}

/// One world of a `warrant run` over several root files: the root's name
/// and its results (schema in `docs/json.md`).
#[derive(Serialize)]
pub struct WorldRun<'a> {
    pub world: String,
    #[serde(flatten)]
    pub run: RunJson<'a>,
}

/// `warrant run --format json`: the predicates `preds` (see
/// [`run_predicates`](crate::render::run_predicates)), their rows with their likelihood and rule,
/// and a one-line reason per row when `explain` is set and derivations
/// were recorded; then the conflicts, each with the proofs of its sides
/// when derivations were recorded.
pub fn run<'a>(model: &'a Model, preds: &'a [PredId], explain: bool) -> RunJson<'a> {
    let program = model.program();
    let at = At { program, model };
    RunJson {
        predicates: Predicates {
            at,
            preds,
            derived: program.concluded_preds(),
            reasons: explain && model.has_provenance(),
        },
        conflicts: Conflicts { at },
    }
}

/// What every lazily serialized part reads.
#[derive(Clone, Copy)]
pub(super) struct At<'a> {
    pub(super) program: &'a Program,
    pub(super) model: &'a Model,
}

struct Predicates<'a> {
    at: At<'a>,
    preds: &'a [PredId],
    derived: Vec<bool>,
    reasons: bool,
}

#[derive(Serialize)]
struct PredicateJson<'a> {
    name: &'a str,
    arity: usize,
    derived: bool,
    rows: Rows<'a>,
}

impl Serialize for Predicates<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.preds.len()))?;
        for &p in self.preds {
            let pred = self.at.program.pred(p);
            seq.serialize_element(&PredicateJson {
                name: &pred.name,
                arity: pred.arity,
                derived: self.derived.get(p.0 as usize).copied().unwrap_or(false),
                rows: Rows {
                    at: self.at,
                    pred: p,
                    reasons: self.reasons,
                },
            })?;
        }
        seq.end()
    }
}

struct Rows<'a> {
    at: At<'a>,
    pred: PredId,
    reasons: bool,
}

#[derive(Serialize)]
struct RowJson<'a> {
    row: RowText<'a>,
    args: Args<'a>,
    likelihood: Likelihood,
    rule: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let At { model, .. } = self.at;
        let mut seq = s.serialize_seq(Some(model.len(self.pred)))?;
        for (id, row, likelihood) in model.rows(self.pred) {
            seq.serialize_element(&RowJson {
                row: RowText {
                    at: self.at,
                    pred: self.pred,
                    row,
                },
                args: Args { model, row },
                likelihood,
                rule: rule_of(model, self.pred, id),
                reason: self
                    .reasons
                    .then(|| text::reason(&explain::reason(model, self.pred, id))),
            })?;
        }
        seq.end()
    }
}

pub(super) fn rule_of(model: &Model, pred: PredId, row: RowId) -> Option<&str> {
    let rule = model.rule_of(pred, row)?;
    model
        .program()
        .rules
        .get(rule.0 as usize)
        .map(|r| r.name.as_str())
}

/// `pred(a, b)` as printed in text, written into the JSON string directly.
struct RowText<'a> {
    at: At<'a>,
    pred: PredId,
    row: &'a [ValueId],
}

impl fmt::Display for RowText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self
            .at
            .program
            .preds
            .get(self.pred.0 as usize)
            .map_or("?", |p| p.name.as_str());
        f.write_str(name)?;
        f.write_str("(")?;
        for (i, &v) in self.row.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match self.at.model.value(v) {
                Some(v) => write!(f, "{v}")?,
                None => f.write_str("?")?,
            }
        }
        f.write_str(")")
    }
}

impl Serialize for RowText<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A row's values, typed; `null` for an id out of range.
struct Args<'a> {
    model: &'a Model,
    row: &'a [ValueId],
}

impl Serialize for Args<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.row.iter().map(|&v| self.model.value(v).map(JsonValue)))
    }
}

/// The conflicts that hold, each explained when derivations were recorded.
pub(super) struct Conflicts<'a> {
    pub(super) at: At<'a>,
}

#[derive(Serialize)]
struct ConflictHitJson<'a> {
    name: &'a str,
    description: Option<&'a str>,
    bindings: HitBindings<'a>,
    premises: Vec<String>,
    likelihood: Likelihood,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<proof::ConflictJson<'a>>,
}

impl Serialize for Conflicts<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let At { program, model } = self.at;
        let mut seq = s.serialize_seq(None)?;
        for h in model.conflicts() {
            let Some(c) = program.conflicts.get(h.conflict) else {
                continue;
            };
            // Explained only with provenance: the proofs of both sides.
            let explained = model
                .has_provenance()
                .then(|| explain::explain_conflict(model, h))
                .flatten();
            let premises = h
                .premises
                .iter()
                .filter_map(|p| Some(model.format_row(p.pred, model.row(p.pred, p.row)?)))
                .collect();
            seq.serialize_element(&ConflictHitJson {
                name: &c.name,
                description: c.description.as_deref(),
                bindings: HitBindings {
                    names: &c.body.vars,
                    hit: h,
                    model,
                },
                premises,
                likelihood: h.likelihood,
                explanation: explained.as_ref().map(proof::conflict),
            })?;
        }
        seq.end()
    }
}

/// A conflict's named variables and their values (`_` and `_…` ones are
/// anonymous: left out, as in the text form and in explanations).
struct HitBindings<'a> {
    names: &'a [String],
    hit: &'a ConflictHit,
    model: &'a Model,
}

impl Serialize for HitBindings<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for (name, &v) in self.names.iter().zip(&self.hit.bindings) {
            if name.starts_with('_') {
                continue;
            }
            m.serialize_entry(name, &self.model.value(v).map(JsonValue))?;
        }
        m.end()
    }
}

/// The `warrant query` output (schema in `docs/json.md`).
#[derive(Serialize)]
pub struct QueryJson<'a> {
    predicate: Option<&'a str>,
    columns: &'a [String],
    rows: QueryRows<'a>,
}

struct QueryRows<'a> {
    model: &'a Model,
    table: &'a QueryTable,
    /// With `--explain`: one proof per answer, in table order.
    proofs: Option<&'a [Option<Proof>]>,
}

#[derive(Serialize)]
struct QueryRowJson<'a> {
    values: Args<'a>,
    likelihood: Likelihood,
    /// Only with `--explain`: the answer's proof, or `null`.
    #[serde(skip_serializing_if = "Option::is_none")]
    proof: Option<Option<proof::ProofJson<'a>>>,
}

impl<'a> QueryJson<'a> {
    /// Each row with its proof (`proofs`: one per answer, in table order).
    pub fn with_proofs(mut self, proofs: &'a [Option<Proof>]) -> Self {
        self.rows.proofs = Some(proofs);
        self
    }
}

impl Serialize for QueryRows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.table.len()))?;
        for (n, (values, likelihood)) in self.table.rows(self.model).enumerate() {
            let proof = self
                .proofs
                .map(|ps| ps.get(n).and_then(Option::as_ref).map(proof::proof));
            seq.serialize_element(&QueryRowJson {
                values: Args {
                    model: self.model,
                    row: &values,
                },
                likelihood,
                proof,
            })?;
        }
        seq.end()
    }
}

pub fn query<'a>(model: &'a Model, table: &'a QueryTable) -> QueryJson<'a> {
    let program = model.program();
    QueryJson {
        predicate: program
            .preds
            .get(table.pred.0 as usize)
            .map(|p| p.name.as_str()),
        columns: &table.columns,
        rows: QueryRows {
            model,
            table,
            proofs: None,
        },
    }
}

/// The `warrant query` output of a conjunction: no one predicate, so
/// `"predicate": null`; the columns are the conjunction's named variables.
pub fn conjunction_query<'a>(model: &'a Model, table: &'a QueryTable) -> QueryJson<'a> {
    QueryJson {
        predicate: None,
        columns: &table.columns,
        rows: QueryRows {
            model,
            table,
            proofs: None,
        },
    }
}
