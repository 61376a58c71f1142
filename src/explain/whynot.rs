//! Why not: for a ground atom that was not derived, every rule whose
//! conclusion could produce it and, for each, what failed under the atom's
//! bindings.
//!
//! The body of each such rule is searched as a bounded backtracking join over
//! the model, conditions in the order written (comparisons as soon as their
//! variables are bound, exceptions last). Every dead end of the search is a
//! partial match; the few with the most conditions met are kept.

use std::collections::HashMap;

use super::{
    Binding, Proof, compare, explain, extend_values, pattern_of, pattern_text_vars, term_value,
};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::engine::{Model, PatternArg, RowId};
use crate::ir::{self, Arg, PredId, Program, RuleId, Value, ValueId, Values};
use crate::source::Location;
use crate::syntax::ast;

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
        let mut s = Search {
            program,
            model,
            values: &values,
            rule,
            index: &mut index,
            steps: 0,
            truncated: false,
            partials: 0,
            best: Vec::new(),
            blocked: false,
            applies: false,
            collect: None,
        };
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

/// Hash indexes over the model's rows, by predicate and bound columns,
/// built on first use.
/// Rows by the values of some columns.
type ColumnIndex = HashMap<Vec<ValueId>, Vec<RowId>>;

/// A rule instance: the rule and its premise rows, in body order.
pub(crate) type Instance = (RuleId, Vec<(PredId, RowId)>);

#[derive(Default)]
pub(crate) struct Index {
    maps: HashMap<(PredId, Vec<usize>), ColumnIndex>,
    /// Column sets looked up once already: the first look-up goes through
    /// `Model::matching` (an engine index or a scan); a second builds an
    /// index, so a single why-not on a large model costs one scan.
    seen: std::collections::HashSet<(PredId, Vec<usize>)>,
}

impl Index {
    fn lookup(&mut self, model: &Model, pred: PredId, pattern: &[PatternArg]) -> Vec<RowId> {
        let cols: Vec<usize> = pattern
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(a, PatternArg::Value(_)))
            .map(|(c, _)| c)
            .collect();
        let key: Vec<ValueId> = pattern
            .iter()
            .filter_map(|a| match a {
                PatternArg::Value(v) => Some(*v),
                _ => None,
            })
            .collect();
        let rows: Vec<RowId> = if cols.is_empty() {
            (0..model.len(pred) as RowId).collect()
        } else if cols.len() == pattern.len() {
            model.lookup(pred, &key).into_iter().collect()
        } else if !self.maps.contains_key(&(pred, cols.clone()))
            && self.seen.insert((pred, cols.clone()))
        {
            let only_values: Vec<PatternArg> = pattern
                .iter()
                .map(|a| match a {
                    PatternArg::Value(v) => PatternArg::Value(*v),
                    _ => PatternArg::Any,
                })
                .collect();
            model.matching(pred, &only_values)
        } else {
            let map = self.maps.entry((pred, cols.clone())).or_insert_with(|| {
                let mut m: ColumnIndex = HashMap::new();
                for (id, row, _) in model.rows(pred) {
                    m.entry(cols.iter().map(|&c| row[c]).collect())
                        .or_default()
                        .push(id);
                }
                m
            });
            map.get(&key).cloned().unwrap_or_default()
        };
        // Repeated unbound variables must agree.
        let repeated = pattern
            .iter()
            .enumerate()
            .any(|(i, a)| matches!(a, PatternArg::Var(_)) && pattern[..i].contains(a));
        if !repeated {
            return rows;
        }
        rows.into_iter()
            .filter(|&id| {
                let Some(row) = model.row(pred, id) else {
                    return false;
                };
                pattern.iter().enumerate().all(|(i, a)| match a {
                    PatternArg::Var(_) => pattern[..i]
                        .iter()
                        .position(|b| b == a)
                        .is_none_or(|j| row[j] == row[i]),
                    _ => true,
                })
            })
            .collect()
    }
}

/// Every rule instance that concludes `pred(row)` over the model: the rule
/// and the premise rows of each complete match (exceptions absent). `None`
/// when the search hit its step limit.
pub(crate) fn instances(
    model: &Model,
    index: &mut Index,
    pred: PredId,
    row: &[ValueId],
) -> Option<Vec<Instance>> {
    let program = model.program();
    let mut out = Vec::new();
    for (r, rule) in program.rules.iter().enumerate() {
        for head in &rule.heads {
            if head.pred != pred {
                continue;
            }
            let Some(seed) = unify(head, row, rule.body.vars.len()) else {
                continue;
            };
            let mut s = Search {
                program,
                model,
                values: model.values(),
                rule,
                index: &mut *index,
                steps: 0,
                truncated: false,
                partials: 0,
                best: Vec::new(),
                blocked: false,
                applies: false,
                collect: Some(Vec::new()),
            };
            s.run(seed);
            if s.truncated {
                return None;
            }
            for m in s.collect.unwrap_or_default() {
                let prem = rule
                    .body
                    .atoms
                    .iter()
                    .zip(m)
                    .map(|(a, id)| (a.pred, id))
                    .collect();
                out.push((RuleId(r as u32), prem));
            }
        }
    }
    Some(out)
}

/// A reference to one condition of a rule body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cond {
    Atom(usize),
    Cmp(usize),
    Exc(usize),
}

struct Search<'a, 'i> {
    program: &'a Program,
    model: &'a Model,
    values: &'a Values,
    rule: &'a ir::Rule,
    index: &'i mut Index,
    steps: usize,
    truncated: bool,
    partials: usize,
    /// (order of discovery, candidate), best first.
    best: Vec<(usize, Candidate)>,
    blocked: bool,
    applies: bool,
    /// When set, complete matches (exceptions absent) are collected here
    /// instead of partial matches being ranked.
    collect: Option<Vec<Vec<RowId>>>,
}

/// The evaluation state at a dead end.
struct Trace<'t> {
    binding: &'t [Option<ValueId>],
    /// Per atom: the matched row, or `Err(())` for the atom that failed.
    atoms: &'t [Option<Result<RowId, ()>>],
    /// Per comparison: whether it held (evaluated ones only).
    cmps: &'t [Option<bool>],
    /// Per exception: the first matching row, if derived (evaluated ones only).
    excs: &'t [Option<Option<RowId>>],
}

impl Search<'_, '_> {
    fn run(&mut self, seed: Vec<Option<ValueId>>) {
        let body = &self.rule.body;
        let n = body.atoms.len();
        let mut binding = seed;
        // At which level (number of atoms matched) each comparison becomes
        // evaluable, and which variables each atom binds.
        let mut bound: Vec<bool> = binding.iter().map(Option::is_some).collect();
        let mut binds_at: Vec<Vec<u32>> = Vec::with_capacity(n);
        let mut level_of_var: Vec<usize> = vec![usize::MAX; body.vars.len()];
        for (x, b) in bound.iter().enumerate() {
            if *b {
                level_of_var[x] = 0;
            }
        }
        // The order atoms are joined in: as written (so that "not reached"
        // means what a reader expects), or, when only complete matches are
        // wanted, most-bound first.
        let order: Vec<usize> = if self.collect.is_some() {
            let mut known = bound.clone();
            let mut left: Vec<usize> = (0..n).collect();
            let mut order = Vec::with_capacity(n);
            while !left.is_empty() {
                let score = |i: usize| {
                    body.atoms[i]
                        .args
                        .iter()
                        .filter(|a| match **a {
                            Arg::Var(x) => known.get(x as usize).copied().unwrap_or(false),
                            _ => true,
                        })
                        .count()
                };
                let mut best = 0;
                for k in 1..left.len() {
                    // Most bound columns first; among equals, the smaller
                    // relation.
                    let (a, b) = (left[k], left[best]);
                    let size = |i: usize| self.model.len(body.atoms[i].pred);
                    if (score(a), std::cmp::Reverse(size(a)))
                        > (score(b), std::cmp::Reverse(size(b)))
                    {
                        best = k;
                    }
                }
                let i = left.remove(best);
                for a in &body.atoms[i].args {
                    if let Arg::Var(x) = *a
                        && let Some(slot) = known.get_mut(x as usize)
                    {
                        *slot = true;
                    }
                }
                order.push(i);
            }
            order
        } else {
            (0..n).collect()
        };
        for (level, &i) in order.iter().enumerate() {
            let a = &body.atoms[i];
            let mut here = Vec::new();
            for arg in &a.args {
                if let Arg::Var(x) = *arg
                    && let Some(slot) = bound.get_mut(x as usize)
                    && !*slot
                {
                    *slot = true;
                    here.push(x);
                    level_of_var[x as usize] = level + 1;
                }
            }
            binds_at.push(here);
        }
        let cmp_level: Vec<usize> = body
            .comparisons
            .iter()
            .map(|c| {
                [c.lhs, c.rhs]
                    .iter()
                    .map(|a| match *a {
                        Arg::Var(x) => level_of_var.get(x as usize).copied().unwrap_or(usize::MAX),
                        _ => 0,
                    })
                    .max()
                    .unwrap_or(0)
            })
            .collect();

        let mut atoms: Vec<Option<Result<RowId, ()>>> = vec![None; n];
        let mut cmps: Vec<Option<bool>> = vec![None; body.comparisons.len()];
        let excs: Vec<Option<Option<RowId>>> = vec![None; body.exceptions.len()];

        // Level 0: comparisons on constants and the atom's own values.
        if !self.check_cmps(0, &cmp_level, &binding, &mut cmps) {
            self.record(&Trace {
                binding: &binding,
                atoms: &atoms,
                cmps: &cmps,
                excs: &excs,
            });
            return;
        }
        // Frames: for atom i, the candidate rows and the next one to try.
        let mut frames: Vec<(Vec<RowId>, usize)> = Vec::new();
        let mut descend = true;
        loop {
            let level = frames.len();
            if descend {
                descend = false;
                if level == n {
                    self.finish(&binding, &atoms, &cmps);
                    // Backtrack from a complete match.
                } else {
                    let Some(atom) = order.get(level).and_then(|&i| body.atoms.get(i)) else {
                        break;
                    };
                    let level = order[level];
                    let pattern = pattern_of(atom, &binding);
                    let mut rows = self.index.lookup(self.model, atom.pred, &pattern);
                    let budget = STEP_LIMIT.saturating_sub(self.steps);
                    if rows.len() > budget {
                        rows.truncate(budget);
                        self.truncated = true;
                    }
                    if rows.is_empty() {
                        atoms[level] = Some(Err(()));
                        self.record(&Trace {
                            binding: &binding,
                            atoms: &atoms,
                            cmps: &cmps,
                            excs: &excs,
                        });
                        atoms[level] = None;
                    } else {
                        frames.push((rows, 0));
                        continue;
                    }
                }
            }
            // Advance the deepest frame to its next row.
            let Some(i) = frames.len().checked_sub(1) else {
                break;
            };
            let (rows, next) = &mut frames[i];
            // Undo what the previous row of this frame bound.
            for &x in &binds_at[i] {
                binding[x as usize] = None;
            }
            for (c, &l) in cmp_level.iter().enumerate() {
                if l == i + 1 {
                    cmps[c] = None;
                }
            }
            let ai = order[i];
            atoms[ai] = None;
            if *next >= rows.len() || self.steps >= STEP_LIMIT {
                if *next < rows.len() {
                    self.truncated = true;
                }
                frames.pop();
                continue;
            }
            let row_id = rows[*next];
            *next += 1;
            self.steps += 1;
            let Some(row) = self.model.row(body.atoms[ai].pred, row_id) else {
                continue;
            };
            for (a, &v) in body.atoms[ai].args.iter().zip(row) {
                if let Arg::Var(x) = *a
                    && binding[x as usize].is_none()
                {
                    binding[x as usize] = Some(v);
                }
            }
            atoms[ai] = Some(Ok(row_id));
            if self.check_cmps(i + 1, &cmp_level, &binding, &mut cmps) {
                descend = true;
            } else {
                self.record(&Trace {
                    binding: &binding,
                    atoms: &atoms,
                    cmps: &cmps,
                    excs: &excs,
                });
            }
        }
    }

    /// Evaluates the comparisons that become evaluable at `level`, in
    /// written order, stopping at the first that fails.
    fn check_cmps(
        &self,
        level: usize,
        cmp_level: &[usize],
        binding: &[Option<ValueId>],
        cmps: &mut [Option<bool>],
    ) -> bool {
        for (c, comp) in self.rule.body.comparisons.iter().enumerate() {
            if cmp_level[c] != level {
                continue;
            }
            let (Some(l), Some(r)) = (
                super::arg_value(comp.lhs, binding),
                super::arg_value(comp.rhs, binding),
            ) else {
                continue;
            };
            let ok = compare(self.values, self.program, l, comp.op, r, comp.kind);
            cmps[c] = Some(ok);
            if !ok {
                return false;
            }
        }
        true
    }

    /// Every atom matched and every comparison held: the exceptions decide.
    fn finish(
        &mut self,
        binding: &[Option<ValueId>],
        atoms: &[Option<Result<RowId, ()>>],
        cmps: &[Option<bool>],
    ) {
        let excs: Vec<Option<Option<RowId>>> = self
            .rule
            .body
            .exceptions
            .iter()
            .map(|e| {
                let pattern = pattern_of(e, binding);
                Some(self.model.matching(e.pred, &pattern).first().copied())
            })
            .collect();
        if excs.iter().any(|e| matches!(e, Some(Some(_)))) {
            self.blocked = true;
        } else {
            self.applies = true;
            if let Some(out) = &mut self.collect {
                out.push(
                    atoms
                        .iter()
                        .filter_map(|a| a.and_then(Result::ok))
                        .collect(),
                );
            }
        }
        self.record(&Trace {
            binding,
            atoms,
            cmps,
            excs: &excs,
        });
    }

    fn met(t: &Trace) -> usize {
        t.atoms.iter().filter(|a| matches!(a, Some(Ok(_)))).count()
            + t.cmps.iter().filter(|c| **c == Some(true)).count()
            + t.excs.iter().filter(|e| matches!(e, Some(None))).count()
    }

    fn record(&mut self, t: &Trace) {
        self.partials += 1;
        if self.collect.is_some() {
            return;
        }
        // The search stops at the first failure; every later condition that
        // the bindings so far already decide is evaluated too, so that
        // "not reached" means only "needs a variable still unbound".
        let body = &self.rule.body;
        let mut atoms = t.atoms.to_vec();
        for (i, a) in body.atoms.iter().enumerate() {
            // A `_` is a variable of its own that nothing else needs: any
            // value will do.
            let pattern: Vec<PatternArg> = pattern_of(a, t.binding)
                .into_iter()
                .map(|p| match p {
                    PatternArg::Var(x) if body.vars.get(x as usize).is_some_and(|n| n == "_") => {
                        PatternArg::Any
                    }
                    p => p,
                })
                .collect();
            if atoms[i].is_none() && !pattern.iter().any(|p| matches!(p, PatternArg::Var(_))) {
                let rows = self.index.lookup(self.model, a.pred, &pattern);
                atoms[i] = Some(rows.first().copied().ok_or(()));
            }
        }
        let mut cmps = t.cmps.to_vec();
        for (c, comp) in body.comparisons.iter().enumerate() {
            if let (None, Some(l), Some(r)) = (
                cmps[c],
                super::arg_value(comp.lhs, t.binding),
                super::arg_value(comp.rhs, t.binding),
            ) {
                cmps[c] = Some(compare(self.values, self.program, l, comp.op, r, comp.kind));
            }
        }
        let t = &Trace {
            binding: t.binding,
            atoms: &atoms,
            cmps: &cmps,
            excs: t.excs,
        };
        let met = Self::met(t);
        if self.best.len() >= CLOSEST && self.best.iter().all(|(_, c)| c.met >= met) {
            return;
        }
        let cand = self.candidate(t, met);
        if self.best.iter().any(|(_, c)| *c == cand) {
            return;
        }
        let order = self.partials;
        self.best.push((order, cand));
        self.best
            .sort_by(|a, b| b.1.met.cmp(&a.1.met).then(a.0.cmp(&b.0)));
        self.best.truncate(CLOSEST);
    }

    fn candidate(&self, t: &Trace, met: usize) -> Candidate {
        let body = &self.rule.body;
        let sources = &self.program.sources;
        let mut order: Vec<(u32, Cond)> = Vec::new();
        order.extend(
            body.atoms
                .iter()
                .enumerate()
                .map(|(i, a)| (a.span.start, Cond::Atom(i))),
        );
        order.extend(
            body.comparisons
                .iter()
                .enumerate()
                .map(|(i, c)| (c.span.start, Cond::Cmp(i))),
        );
        order.extend(
            body.exceptions
                .iter()
                .enumerate()
                .map(|(i, e)| (e.span.start, Cond::Exc(i))),
        );
        order.sort_by_key(|&(s, _)| s);
        let text =
            |a: &ir::Atom| pattern_text_vars(self.program, self.values, a, t.binding, &body.vars);
        let conditions = order
            .into_iter()
            .map(|(_, c)| match c {
                Cond::Atom(i) => {
                    let a = &body.atoms[i];
                    let (status, detail) = match t.atoms[i] {
                        Some(Ok(row)) => (
                            CondStatus::Met,
                            match self.model.row(a.pred, row) {
                                Some(r) => format!(
                                    "matched `{}` ({})",
                                    self.model.format_row(a.pred, r),
                                    self.model
                                        .likelihood(a.pred, row)
                                        .map_or_else(String::new, |l| l.to_string())
                                ),
                                None => "matched".to_string(),
                            },
                        ),
                        Some(Err(())) => {
                            (CondStatus::Failed, format!("no row matches `{}`", text(a)))
                        }
                        None => (CondStatus::NotReached, format!("would need `{}`", text(a))),
                    };
                    Condition {
                        kind: CondKind::Atom,
                        text: sources.slice(a.span).to_string(),
                        at: sources.location(a.span),
                        status,
                        detail,
                        proof: None,
                    }
                }
                Cond::Cmp(i) => {
                    let comp = &body.comparisons[i];
                    let side = |a: Arg| match super::arg_value(a, t.binding) {
                        Some(v) => super::value_text(self.values, v),
                        None => match a {
                            Arg::Var(x) => body.vars.get(x as usize).cloned().unwrap_or_default(),
                            _ => "_".into(),
                        },
                    };
                    let shown =
                        format!("{} {} {}", side(comp.lhs), comp.op.symbol(), side(comp.rhs));
                    let (status, detail) = match t.cmps[i] {
                        Some(true) => (CondStatus::Met, shown),
                        Some(false) => (CondStatus::Failed, format!("{shown} is false")),
                        None => (CondStatus::NotReached, shown),
                    };
                    Condition {
                        kind: CondKind::Comparison,
                        text: sources.slice(comp.span).to_string(),
                        at: sources.location(comp.span),
                        status,
                        detail,
                        proof: None,
                    }
                }
                Cond::Exc(i) => {
                    let e = &body.exceptions[i];
                    let shown = text(e);
                    let (status, detail, proof) = match t.excs[i] {
                        Some(None) => (CondStatus::Met, format!("no `{shown}` was derived"), None),
                        Some(Some(row)) => (
                            CondStatus::Failed,
                            format!(
                                "`{}` was derived",
                                self.model
                                    .row(e.pred, row)
                                    .map_or(shown.clone(), |r| self.model.format_row(e.pred, r))
                            ),
                            explain(self.model, e.pred, row).map(Box::new),
                        ),
                        None => (CondStatus::NotReached, format!("needs no `{shown}`"), None),
                    };
                    Condition {
                        kind: CondKind::Exception,
                        text: sources.slice(e.span).to_string(),
                        at: sources.location(e.span),
                        status,
                        detail,
                        proof,
                    }
                }
            })
            .collect();
        Candidate {
            bindings: bindings_in(self.values, &body.vars, t.binding),
            conditions,
            met,
        }
    }
}
