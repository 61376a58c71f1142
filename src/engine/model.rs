//! What an evaluation produces: the [`Model`] (rows, likelihoods,
//! derivations, conflicts) and the records that read a derivation back.

use std::sync::Arc;
use std::time::Duration;

use crate::ir::{self, Arg, FactOrigin, PredId, Program, RuleId, Value, ValueId, Values};
use crate::likelihood::Likelihood;

use super::RowId;
use super::eval::{TAG_GIVEN, TAG_INPUT, TAG_STATED};
use super::relation::{NIL, Relation};

/// Where a base row came from (its first statement, or the one that gave it
/// its likelihood when it is stated more than once).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FactSource {
    /// `program.facts[i]`.
    Stated(usize),
    /// `options.extra_facts[i]` (a test's `given`).
    Given(usize),
    /// Row `row` (1-based, header included) of the file of `program.inputs[input]`.
    Input { input: usize, row: usize },
}

/// A premise of a derivation: a row of a relation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Premise {
    pub pred: PredId,
    pub row: RowId,
}

/// How a row got its likelihood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Derivation {
    /// By a rule: which rule, which of its heads, and the rows matched by
    /// its positive body atoms, in body order. The bindings follow from
    /// these and the head.
    Rule {
        rule: RuleId,
        head: usize,
        premises: Vec<Premise>,
        /// The values of the rule's variables that the conclusion and the
        /// record give (by `VarId`; computed values included, premises'
        /// variables too unless an atom has a wildcard).
        bindings: Vec<Option<ValueId>>,
        /// Proof height: 1 + the highest premise's height.
        height: u32,
    },
    /// A base row: a stated fact, a test's given fact or an input row.
    Fact {
        source: FactSource,
        origin: FactOrigin,
    },
}

/// A conflict that holds on the final model.
#[derive(Clone, Debug)]
pub struct ConflictHit {
    /// Index into `program.conflicts`.
    pub conflict: usize,
    /// The value of each variable of the conflict's body (indexed by `VarId`).
    pub bindings: Vec<ValueId>,
    /// The rows matched by the body's positive atoms, in body order.
    pub premises: Vec<Premise>,
    /// The least likelihood among the premises.
    pub likelihood: Likelihood,
}

/// Counts and times of one evaluation.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Rows per predicate (indexed like `program.preds`).
    pub rows: Vec<usize>,
    /// Rows inserted by rules, per predicate.
    pub derived: Vec<usize>,
    pub strata: usize,
    /// Time to load `input` files.
    pub load_time: Duration,
    /// Time of the whole evaluation (loading included).
    pub eval_time: Duration,
    /// Heap bytes held by the relations and their indexes.
    pub bytes: usize,
}

impl Stats {
    pub fn total_rows(&self) -> usize {
        self.rows.iter().sum()
    }

    pub fn total_derived(&self) -> usize {
        self.derived.iter().sum()
    }
}

/// One argument of a query pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatternArg {
    /// A variable, numbered from 0; the same number twice means equal values.
    Var(u32),
    /// A constant (a value id of [`Model::values`]).
    Value(ValueId),
    /// Anything.
    Any,
}

/// The evaluated program: every row of every predicate with its likelihood
/// and (with provenance) its derivation, and the conflicts that hold.
#[derive(Clone, Debug)]
pub struct Model {
    /// The program evaluated: its predicates, rules, facts and inputs name
    /// what the rows and derivations hold.
    pub(super) program: Arc<Program>,
    pub(super) values: Values,
    pub(super) rels: Vec<Relation>,
    /// Derivation tag → how to read its records.
    pub(super) recipes: Vec<Recipe>,
    /// The facts added to the program's (a test's `given` facts).
    pub(super) given: Vec<ir::Fact>,
    pub(super) conflicts: Vec<ConflictHit>,
    pub(super) provenance: bool,
    pub(super) stats: Stats,
    /// Warnings of the evaluation (divisions by zero).
    pub(super) warnings: Vec<crate::diagnostics::Diagnostic>,
}

/// How the record of a (rule, head) derivation reads back into premises.
#[derive(Clone, Debug)]
pub(super) struct Recipe {
    pub(super) rule: RuleId,
    pub(super) head: u32,
    /// The positive body atoms.
    pub(super) atoms: Vec<(PredId, Vec<Arg>)>,
    pub(super) head_args: Vec<Arg>,
    /// The variables recorded, or `None` when premise row ids are.
    pub(super) stored: Option<Vec<u32>>,
    pub(super) nvars: usize,
}

/// What a (rule, head) derivation records: the values of the body
/// variables the head does not fix (the premises are found again from the
/// bindings), or the premise row ids when an atom has a wildcard.
pub(super) fn recipe(rule_id: RuleId, rule: &ir::Rule, head: usize) -> Recipe {
    let h = &rule.heads[head];
    let mut nvars = rule.body.vars.len();
    let mut stored = Vec::new();
    let mut ids = false;
    for a in &rule.body.atoms {
        for arg in &a.args {
            match *arg {
                Arg::Var(v) => {
                    nvars = nvars.max(v as usize + 1);
                    if !h.args.contains(arg) && !stored.contains(&v) {
                        stored.push(v);
                    }
                }
                Arg::Wildcard => ids = true,
                Arg::Const(_) => {}
            }
        }
    }
    for arg in &h.args {
        if let Arg::Var(v) = *arg {
            nvars = nvars.max(v as usize + 1);
        }
    }
    // Values computed by arithmetic and aggregates (and the groups an
    // aggregate binds) are recorded too: explanations show them.
    let mut computed: Vec<u32> = rule.body.assignments.iter().map(|a| a.var).collect();
    for a in &rule.body.aggregates {
        computed.push(a.result);
        computed.extend(&a.group);
    }
    for v in computed {
        nvars = nvars.max(v as usize + 1);
        if !h.args.contains(&Arg::Var(v)) && !stored.contains(&v) {
            stored.push(v);
        }
    }
    stored.sort_unstable();
    Recipe {
        rule: rule_id,
        head: head as u32,
        atoms: rule
            .body
            .atoms
            .iter()
            .map(|a| (a.pred, a.args.clone()))
            .collect(),
        head_args: h.args.clone(),
        stored: (!ids).then_some(stored),
        nvars,
    }
}

impl Recipe {
    pub(super) fn words(&self) -> usize {
        self.stored.as_ref().map_or(self.atoms.len(), Vec::len)
    }
}

impl Model {
    /// The program this model is of.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The shared handle of the program, for callers that keep it.
    pub fn program_arc(&self) -> &Arc<Program> {
        &self.program
    }

    /// Warnings of the evaluation (`warrant::division_by_zero`).
    pub fn warnings(&self) -> &[crate::diagnostics::Diagnostic] {
        &self.warnings
    }

    /// The value table: the program's values and those loaded from inputs.
    pub fn values(&self) -> &Values {
        &self.values
    }

    /// A value by id (`None` when out of range).
    pub fn value(&self, id: ValueId) -> Option<&Value> {
        ((id as usize) < self.values.len()).then(|| self.values.get(id))
    }

    /// `pred(a, b)` with the values of a row (values loaded from inputs
    /// included, which `Program::format_row` does not know).
    pub fn format_row(&self, pred: PredId, row: &[ValueId]) -> String {
        let args: Vec<String> = row
            .iter()
            .map(|&v| {
                self.value(v)
                    .map_or_else(|| "?".to_string(), Value::to_string)
            })
            .collect();
        let name = self
            .program
            .preds
            .get(pred.0 as usize)
            .map_or("?", |p| p.name.as_str());
        format!("{name}({})", args.join(", "))
    }

    /// Whether derivations were recorded.
    pub fn has_provenance(&self) -> bool {
        self.provenance
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// The conflicts that hold, by conflict then in the order found.
    pub fn conflicts(&self) -> &[ConflictHit] {
        &self.conflicts
    }

    /// Number of predicates.
    pub fn preds(&self) -> usize {
        self.rels.len()
    }

    /// Number of rows of a predicate.
    pub fn len(&self, pred: PredId) -> usize {
        self.rels.get(pred.0 as usize).map_or(0, |r| r.len as usize)
    }

    /// Whether the model has no rows at all.
    pub fn is_empty(&self) -> bool {
        self.rels.iter().all(|r| r.len == 0)
    }

    /// One row's values.
    pub fn row(&self, pred: PredId, row: RowId) -> Option<&[ValueId]> {
        let r = self.rels.get(pred.0 as usize)?;
        (row < r.len).then(|| r.row(row))
    }

    /// Every row of a predicate, in insertion order: id, values, likelihood.
    pub fn rows(&self, pred: PredId) -> impl Iterator<Item = (RowId, &[ValueId], Likelihood)> + '_ {
        let rel = self.rels.get(pred.0 as usize);
        let n = rel.map_or(0, |r| r.len);
        (0..n).filter_map(move |id| {
            let r = rel?;
            Some((id, r.row(id), lik(r.lik[id as usize])))
        })
    }

    /// The id of a row, if it was derived or stated.
    pub fn lookup(&self, pred: PredId, row: &[ValueId]) -> Option<RowId> {
        let r = self.rels.get(pred.0 as usize)?;
        if r.arity != row.len() {
            return None;
        }
        let id = r.find(row);
        (id != NIL).then_some(id)
    }

    pub fn likelihood(&self, pred: PredId, row: RowId) -> Option<Likelihood> {
        let r = self.rels.get(pred.0 as usize)?;
        r.lik.get(row as usize).map(|&l| lik(l))
    }

    /// Proof height of a row (0 for base rows); `None` without provenance.
    pub fn height(&self, pred: PredId, row: RowId) -> Option<u32> {
        let r = self.rels.get(pred.0 as usize)?;
        (r.prov && row < r.len).then(|| r.height.get(row as usize))
    }

    /// The rule of the derivation that gave a row its likelihood; `None`
    /// for a base row, without provenance or for an unknown row. Cheaper
    /// than [`Model::derivation`], which also finds the premises.
    pub fn rule_of(&self, pred: PredId, row: RowId) -> Option<RuleId> {
        let r = self.rels.get(pred.0 as usize)?;
        if !r.prov || row >= r.len {
            return None;
        }
        let tag = *r.tags.get(r.tag.get(row as usize) as usize)?;
        if tag == TAG_STATED || tag == TAG_GIVEN || tag & TAG_INPUT == TAG_INPUT {
            return None;
        }
        self.recipes.get(tag as usize).map(|rc| rc.rule)
    }

    /// The derivation that gave a row its likelihood; `None` without
    /// provenance or for an unknown row.
    pub fn derivation(&self, pred: PredId, row: RowId) -> Option<Derivation> {
        let r = self.rels.get(pred.0 as usize)?;
        if !r.prov || row >= r.len {
            return None;
        }
        let i = row as usize;
        let rec = r.deriv.get(i);
        let tag = *r.tags.get(r.tag.get(i) as usize)?;
        let first = rec.first().copied().unwrap_or(NIL) as usize;
        if tag == TAG_STATED {
            let f = self.program.facts.get(first)?;
            return Some(Derivation::Fact {
                source: FactSource::Stated(first),
                origin: f.origin.clone(),
            });
        }
        if tag == TAG_GIVEN {
            let f = self.given.get(first)?;
            return Some(Derivation::Fact {
                source: FactSource::Given(first),
                origin: f.origin.clone(),
            });
        }
        if tag & TAG_INPUT == TAG_INPUT {
            let input = (tag & !TAG_INPUT) as usize;
            let inp = self.program.inputs.get(input)?;
            return Some(Derivation::Fact {
                source: FactSource::Input { input, row: first },
                origin: FactOrigin::Input {
                    directive: inp.span,
                    path: inp.path.clone(),
                    row: first,
                },
            });
        }
        let rc = self.recipes.get(tag as usize)?;
        // The bindings the head and the record give.
        let mut b = vec![NIL; rc.nvars];
        for (arg, &v) in rc.head_args.iter().zip(r.row(row)) {
            if let Arg::Var(x) = *arg {
                b[x as usize] = v;
            }
        }
        let premises = match &rc.stored {
            None => rec
                .iter()
                .zip(&rc.atoms)
                .map(|(&id, (pred, _))| Premise {
                    pred: *pred,
                    row: id,
                })
                .collect(),
            Some(vars) => {
                // Rebuild the bindings, then find each premise row.
                for (&x, &v) in vars.iter().zip(rec) {
                    b[x as usize] = v;
                }
                rc.atoms
                    .iter()
                    .map(|(pred, args)| {
                        let key: Vec<u32> = args
                            .iter()
                            .map(|a| match *a {
                                Arg::Var(x) => b[x as usize],
                                Arg::Const(c) => c,
                                Arg::Wildcard => NIL,
                            })
                            .collect();
                        let id = self
                            .rels
                            .get(pred.0 as usize)
                            .filter(|p| p.arity == key.len())
                            .map_or(NIL, |p| p.find(&key));
                        Premise {
                            pred: *pred,
                            row: id,
                        }
                    })
                    .collect()
            }
        };
        Some(Derivation::Rule {
            rule: rc.rule,
            head: rc.head as usize,
            premises,
            bindings: b.into_iter().map(|v| (v != NIL).then_some(v)).collect(),
            height: r.height.get(i),
        })
    }

    /// Rows of `pred` matching a pattern (constants, variables, wildcards),
    /// in insertion order. Uses the row set when every argument is a
    /// constant, an existing index on the constant columns when there is
    /// one, and a scan otherwise.
    pub fn matching(&self, pred: PredId, pattern: &[PatternArg]) -> Vec<RowId> {
        let Some(r) = self.rels.get(pred.0 as usize) else {
            return Vec::new();
        };
        if r.arity != pattern.len() {
            return Vec::new();
        }
        let consts: Vec<(u32, u32)> = pattern
            .iter()
            .enumerate()
            .filter_map(|(c, a)| match a {
                PatternArg::Value(v) => Some((c as u32, *v)),
                _ => None,
            })
            .collect();
        let matches = |id: u32| -> bool {
            let row = r.row(id);
            let mut seen: Vec<(u32, u32)> = Vec::new();
            for (c, a) in pattern.iter().enumerate() {
                match *a {
                    PatternArg::Value(v) if row[c] != v => return false,
                    PatternArg::Var(x) => match seen.iter().find(|(y, _)| *y == x) {
                        Some(&(_, v)) if v != row[c] => return false,
                        Some(_) => {}
                        None => seen.push((x, row[c])),
                    },
                    _ => {}
                }
            }
            true
        };
        if consts.len() == pattern.len() {
            let row: Vec<u32> = consts.iter().map(|&(_, v)| v).collect();
            let id = r.find(&row);
            return if id == NIL { Vec::new() } else { vec![id] };
        }
        let cols: Vec<u32> = consts.iter().map(|&(c, _)| c).collect();
        if !cols.is_empty()
            && let Some(ix) = r.existing_index(&cols)
        {
            let key: Vec<u32> = consts.iter().map(|&(_, v)| v).collect();
            let mut out = Vec::new();
            let mut id = r.index_head(ix, &key);
            while id != NIL {
                if matches(id) {
                    out.push(id);
                }
                id = r.index_next(ix, id);
            }
            out.reverse();
            return out;
        }
        (0..r.len).filter(|&id| matches(id)).collect()
    }
}

pub(super) fn lik(units: u16) -> Likelihood {
    Likelihood::from_units(units.min(Likelihood::SCALE)).unwrap_or(Likelihood::CERTAIN)
}
