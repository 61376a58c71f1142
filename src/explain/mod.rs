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
mod changes;
mod whynot;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use crate::diagnostics::Diagnostic;
use crate::engine::{ConflictHit, Derivation, FactSource, Model, PatternArg, RowId};
use crate::ir::{
    self, Arg, CompareKind, CompareOp, FactOrigin, PredId, Program, RuleId, TemplatePiece, Value,
    ValueId, Values,
};
use crate::likelihood::Likelihood;
use crate::source::{FileId, Location, Span};
use crate::syntax::ast;

pub use assumptions::{Assumed, AssumedFact, AssumptionFinder, Assumptions, assumptions};
pub use changes::{Cause, Change, Changes, Compared, Held, HeldConflict, Shift, changes};
pub use whynot::{
    Attempt, AttemptStatus, Candidate, CondKind, CondStatus, Condition, Outcome, WhyNot, why_not,
    why_not_values,
};

// ------------------------------------------------------------------ data

/// A ground atom as printed: `ally(japan, us)`.
#[derive(Clone, Debug, PartialEq)]
pub struct GroundAtom {
    pub pred: String,
    pub args: Vec<Value>,
}

impl fmt::Display for GroundAtom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.pred)?;
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{a}")?;
        }
        f.write_str(")")
    }
}

/// A variable of a rule and the value it took.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    pub name: String,
    pub value: Value,
}

/// A rule's `cite` clause, resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Citation {
    /// The source's name (`kim_simon_2021`).
    pub source: String,
    /// The source's title as declared.
    pub title: String,
    pub section: String,
    pub quote: Option<String>,
    pub at: Location,
}

/// A comparison of a rule body with the values it compared.
#[derive(Clone, Debug, PartialEq)]
pub struct ComparisonCheck {
    /// As written: `L >= moderate`.
    pub text: String,
    pub left: Value,
    pub op: CompareOp,
    pub right: Value,
    pub holds: bool,
    pub at: Location,
}

/// An `unless` exception under a rule's bindings: `reassured(japan)`.
#[derive(Clone, Debug, PartialEq)]
pub struct ExceptionCheck {
    /// The atom under the bindings; `_` for a wildcard.
    pub atom: String,
    /// Whether some row matches it. In a proof only a less than certain
    /// one can: it weakens the conclusion instead of removing it.
    pub derived: bool,
    /// The most likely matching row and its likelihood, when one matches.
    pub matched: Option<(GroundAtom, Likelihood)>,
    pub at: Location,
}

impl ExceptionCheck {
    /// The cap this exception puts on the conclusion (1 − p), when a less
    /// than certain row matches it.
    pub fn cap(&self) -> Option<Likelihood> {
        self.matched.as_ref().and_then(|(_, p)| p.exception_cap())
    }

    /// Whether it removes the conclusion: a certain row matches.
    pub fn blocks(&self) -> bool {
        self.derived && self.cap().is_none()
    }
}

/// Where a base row comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// A fact stated in a rule file.
    Stated { at: Location },
    /// A test's `given` fact.
    Given { at: Location },
    /// A row of an input file (1-based, header included).
    Input {
        file: String,
        row: usize,
        directive: Location,
    },
}

/// A rule application: one step of a proof.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleStep {
    pub rule: RuleId,
    pub name: String,
    pub at: Location,
    /// The rule's own qualifier.
    pub qualifier: Likelihood,
    /// Which of the rule's conclusions this is.
    pub head: usize,
    /// Named variables (not `_…`) and their values, in the rule's order.
    pub bindings: Vec<Binding>,
    /// The `because` sentence with the bindings filled in.
    pub because: Option<String>,
    pub citations: Vec<Citation>,
    /// Node ids of the premises, in body order.
    pub premises: Vec<usize>,
    pub comparisons: Vec<ComparisonCheck>,
    pub exceptions: Vec<ExceptionCheck>,
}

/// How a node of a proof holds.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// A base row: a fact or an input row.
    Fact(Origin),
    /// Concluded by a rule.
    Rule(Box<RuleStep>),
    /// In the model, but no derivation was recorded (evaluated without
    /// provenance).
    Unrecorded,
}

/// One atom of a proof.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// 1-based, in the order the proof is first read (depth first).
    pub id: usize,
    pub pred: PredId,
    pub row: RowId,
    pub atom: GroundAtom,
    pub likelihood: Likelihood,
    /// Proof height (0 for facts); `None` without provenance.
    pub height: Option<u32>,
    pub kind: NodeKind,
}

impl Node {
    /// Node ids of the premises (none for facts).
    pub fn premises(&self) -> &[usize] {
        match &self.kind {
            NodeKind::Rule(step) => &step.premises,
            _ => &[],
        }
    }
}

/// A proof: a graph of nodes, each atom once; `roots` are the conclusions
/// explained (one for [`explain`], one per side for a conflict). A sub-proof
/// used twice is one node referred to twice.
#[derive(Clone, Debug, PartialEq)]
pub struct Proof {
    pub roots: Vec<usize>,
    /// `nodes[i].id == i + 1`.
    pub nodes: Vec<Node>,
}

impl Proof {
    /// A node by id.
    pub fn node(&self, id: usize) -> Option<&Node> {
        id.checked_sub(1).and_then(|i| self.nodes.get(i))
    }

    /// The first root: the conclusion of a single explanation.
    pub fn root(&self) -> Option<&Node> {
        self.roots.first().and_then(|&id| self.node(id))
    }

    /// Proof depth (longest path from a root to a leaf, in rule steps);
    /// computed without recursion.
    pub fn depth(&self) -> usize {
        // Nodes are numbered depth-first from the roots, and a recorded
        // derivation's premises are strictly lower, so a reverse pass works;
        // guard anyway against malformed input with a bounded iteration.
        let mut depth = vec![0usize; self.nodes.len()];
        for (i, n) in self.nodes.iter().enumerate().rev() {
            let d = n
                .premises()
                .iter()
                .filter(|&&p| p > n.id)
                .filter_map(|&p| depth.get(p - 1))
                .max()
                .map_or(0, |d| d + 1);
            depth[i] = d;
        }
        self.roots
            .iter()
            .filter_map(|&r| depth.get(r.wrapping_sub(1)))
            .copied()
            .max()
            .unwrap_or(0)
    }
}

// ------------------------------------------------------------------ building

/// The proof of a row: its recorded derivation, and its premises' in turn.
/// `None` when the row is not in the model.
pub fn explain(model: &Model, pred: PredId, row: RowId) -> Option<Proof> {
    explain_all(model, &[(pred, row)])
}

/// One proof for several rows (a forest with shared sub-proofs numbered
/// once). Rows not in the model are skipped; `None` when none is.
pub fn explain_all(model: &Model, rows: &[(PredId, RowId)]) -> Option<Proof> {
    let mut b = Builder::new(model);
    let mut roots = Vec::new();
    for &(p, r) in rows {
        if let Some(id) = b.build(p, r)
            && !roots.contains(&id)
        {
            roots.push(id);
        }
    }
    (!roots.is_empty()).then_some(Proof {
        roots,
        nodes: b.nodes,
    })
}

/// Explains every row matching a pattern (`hedges(A)`, `ally(japan, us)`),
/// one proof per row in insertion order; an empty list when nothing matches.
///
/// Errors: `warrant::parse`, `warrant::unknown_predicate` (with did-you-mean),
/// `warrant::arity_mismatch`. Diagnostics of this function carry no spans (the atom
/// text is not one of the program's files).
pub fn explain_atom(model: &Model, atom: &str) -> Result<Vec<Proof>, Diagnostic> {
    let program = model.program();
    let atom = parse_query_atom(program, atom)?;
    explain_pattern(model, &atom)
}

/// [`explain_atom`] for an atom already parsed.
pub fn explain_pattern(model: &Model, atom: &ast::Atom) -> Result<Vec<Proof>, Diagnostic> {
    let rows = matching_rows(model, atom)?;
    Ok(rows
        .into_iter()
        .filter_map(|(p, r)| explain(model, p, r))
        .collect())
}

/// The rows of the model that match a parsed pattern, in insertion order.
pub fn matching_rows(model: &Model, atom: &ast::Atom) -> Result<Vec<(PredId, RowId)>, Diagnostic> {
    let q = crate::engine::resolve_query(model, atom)?;
    Ok(model
        .matching(q.pred, &q.args)
        .into_iter()
        .map(|r| (q.pred, r))
        .collect())
}

/// Parses an atom given as text, for library callers. The diagnostic on a
/// parse error keeps its message and help but drops its labels (they would
/// point into a file the program does not have).
pub fn parse_query_atom(program: &Program, text: &str) -> Result<ast::Atom, Diagnostic> {
    let file = FileId(program.sources.len() as u32);
    crate::syntax::parse_atom(file, text).map_err(|mut d| {
        d.labels.clear();
        d
    })
}

type Frame = (usize, Vec<(PredId, RowId)>, usize);

struct Builder<'a> {
    program: &'a Program,
    model: &'a Model,
    seen: HashMap<(PredId, RowId), usize>,
    nodes: Vec<Node>,
}

impl<'a> Builder<'a> {
    fn new(model: &'a Model) -> Self {
        Builder {
            program: model.program(),
            model,
            seen: HashMap::new(),
            nodes: Vec::new(),
        }
    }

    /// Depth-first with an explicit stack, numbering nodes in the order
    /// they are first met.
    fn build(&mut self, pred: PredId, row: RowId) -> Option<usize> {
        if let Some(&id) = self.seen.get(&(pred, row)) {
            return Some(id);
        }
        let (root, premises) = self.make(pred, row)?;
        // (node id, its premise rows, the next premise to link)
        let mut stack: Vec<Frame> = vec![(root, premises, 0)];
        while let Some(top) = stack.last_mut() {
            let Some(&(p, r)) = top.1.get(top.2) else {
                stack.pop();
                continue;
            };
            top.2 += 1;
            let parent = top.0;
            let child = match self.seen.get(&(p, r)) {
                Some(&c) => c,
                None => match self.make(p, r) {
                    Some((c, prem)) => {
                        stack.push((c, prem, 0));
                        c
                    }
                    None => continue,
                },
            };
            if let Some(NodeKind::Rule(step)) = self.nodes.get_mut(parent - 1).map(|n| &mut n.kind)
            {
                step.premises.push(child);
            }
        }
        Some(root)
    }

    /// Creates the node of a row (premises not yet linked); returns its id
    /// and the premise rows to visit.
    fn make(&mut self, pred: PredId, row: RowId) -> Option<(usize, Vec<(PredId, RowId)>)> {
        let (program, model) = (self.program, self.model);
        let values = model.row(pred, row)?;
        let likelihood = model.likelihood(pred, row)?;
        let atom = ground_atom(model, pred, values);
        let mut premises = Vec::new();
        let kind = match model.derivation(pred, row) {
            None => NodeKind::Unrecorded,
            Some(Derivation::Fact { source, origin }) => {
                NodeKind::Fact(origin_of(program, &source, &origin))
            }
            Some(Derivation::Rule {
                rule,
                head,
                premises: prem,
                ..
            }) => match program.rules.get(rule.0 as usize) {
                None => NodeKind::Unrecorded,
                Some(r) => {
                    premises = prem.iter().map(|p| (p.pred, p.row)).collect();
                    let rows: Vec<Option<&[ValueId]>> =
                        prem.iter().map(|p| model.row(p.pred, p.row)).collect();
                    let binding = bind_rule(r, head, values, &rows);
                    NodeKind::Rule(Box::new(rule_step(model, rule, head, &binding)))
                }
            },
        };
        let id = self.nodes.len() + 1;
        self.nodes.push(Node {
            id,
            pred,
            row,
            atom,
            likelihood,
            height: model.height(pred, row),
            kind,
        });
        self.seen.insert((pred, row), id);
        Some((id, premises))
    }
}

/// The bindings of a rule's variables from its head row and premise rows.
pub(crate) fn bind_rule(
    rule: &ir::Rule,
    head: usize,
    head_row: &[ValueId],
    premises: &[Option<&[ValueId]>],
) -> Vec<Option<ValueId>> {
    let mut b = vec![None; rule.body.vars.len()];
    for (atom, row) in rule.body.atoms.iter().zip(premises) {
        if let Some(row) = row {
            bind_atom(&mut b, &atom.args, row);
        }
    }
    if let Some(h) = rule.heads.get(head) {
        bind_atom(&mut b, &h.args, head_row);
    }
    b
}

fn bind_atom(b: &mut [Option<ValueId>], args: &[Arg], row: &[ValueId]) {
    for (a, &v) in args.iter().zip(row) {
        if let Arg::Var(x) = *a
            && let Some(slot) = b.get_mut(x as usize)
            && slot.is_none()
        {
            *slot = Some(v);
        }
    }
}

fn rule_step(model: &Model, rule: RuleId, head: usize, binding: &[Option<ValueId>]) -> RuleStep {
    let program = model.program();
    let r = program.rule(rule);
    RuleStep {
        rule,
        name: r.name.clone(),
        at: program.sources.location(r.span),
        qualifier: r.likelihood,
        head,
        bindings: bindings_of(model, &r.body.vars, binding),
        because: r
            .because
            .as_ref()
            .map(|t| fill_template(model, &r.body.vars, t, binding)),
        citations: citations(program, &r.cites),
        premises: Vec::new(),
        comparisons: comparisons(model, &r.body, binding),
        exceptions: exceptions(model, &r.body, binding),
    }
}

pub(crate) fn bindings_of(
    model: &Model,
    vars: &[String],
    binding: &[Option<ValueId>],
) -> Vec<Binding> {
    vars.iter()
        .zip(binding)
        .filter(|(name, _)| !name.starts_with('_'))
        .filter_map(|(name, v)| {
            Some(Binding {
                name: name.clone(),
                value: model.value((*v)?)?.clone(),
            })
        })
        .collect()
}

/// A `because` template with its variables replaced by their values
/// (strings without their quotes: the sentence is prose).
pub(crate) fn fill_template(
    model: &Model,
    vars: &[String],
    template: &[TemplatePiece],
    binding: &[Option<ValueId>],
) -> String {
    let mut s = String::new();
    for piece in template {
        match piece {
            TemplatePiece::Text(t) => s.push_str(t),
            TemplatePiece::Var(x) => match binding
                .get(*x as usize)
                .copied()
                .flatten()
                .and_then(|v| model.value(v))
            {
                Some(Value::Text(t)) => s.push_str(t),
                Some(v) => s.push_str(&v.to_string()),
                None => {
                    s.push('{');
                    s.push_str(vars.get(*x as usize).map_or("?", String::as_str));
                    s.push('}');
                }
            },
        }
    }
    s
}

pub(crate) fn citations(program: &Program, cites: &[ir::Cite]) -> Vec<Citation> {
    cites
        .iter()
        .map(|c| {
            let src = program.source_decls.get(c.source.0 as usize);
            Citation {
                source: src.map_or_else(String::new, |s| s.name.clone()),
                title: src.map_or_else(String::new, |s| s.title.clone()),
                section: c.section.clone(),
                quote: c.quote.clone(),
                at: program.sources.location(c.span),
            }
        })
        .collect()
}

fn comparisons(
    model: &Model,
    body: &ir::Body,
    binding: &[Option<ValueId>],
) -> Vec<ComparisonCheck> {
    let program = model.program();
    body.comparisons
        .iter()
        .filter_map(|c| {
            let l = arg_value(c.lhs, binding)?;
            let r = arg_value(c.rhs, binding)?;
            Some(ComparisonCheck {
                text: program.sources.slice(c.span).to_string(),
                left: model.value(l)?.clone(),
                op: c.op,
                right: model.value(r)?.clone(),
                holds: compare(model.values(), program, l, c.op, r, c.kind),
                at: program.sources.location(c.span),
            })
        })
        .collect()
}

fn exceptions(model: &Model, body: &ir::Body, binding: &[Option<ValueId>]) -> Vec<ExceptionCheck> {
    let program = model.program();
    body.exceptions
        .iter()
        .map(|a| {
            let pattern = pattern_of(a, binding);
            let rows = model.matching(a.pred, &pattern);
            // The most likely match decides the cap (first one on a tie).
            let mut best: Option<(RowId, Likelihood)> = None;
            for id in rows.iter().copied() {
                if let Some(l) = model.likelihood(a.pred, id)
                    && best.is_none_or(|(_, b)| l > b)
                {
                    best = Some((id, l));
                }
            }
            let matched = best.and_then(|(id, l)| {
                let row = model.row(a.pred, id)?;
                Some((ground_atom(model, a.pred, row), l))
            });
            ExceptionCheck {
                atom: pattern_text(program, model.values(), a, binding),
                derived: !rows.is_empty(),
                matched,
                at: program.sources.location(a.span),
            }
        })
        .collect()
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

fn origin_of(program: &Program, source: &FactSource, origin: &FactOrigin) -> Origin {
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

// ------------------------------------------------------------------ one-line reasons

/// Why a row holds, in one line (`warrant run --explain`): the rule and
/// the premises of its recorded derivation, or where a base row comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// Concluded by the rule `name` from these premises (body order).
    Rule {
        name: String,
        premises: Vec<GroundAtom>,
    },
    /// A base row.
    Fact(Origin),
    /// The row is not in the model.
    NotInModel,
    /// Evaluated without provenance: nothing was recorded.
    Unrecorded,
}

/// The one-line reason for a row.
pub fn reason(model: &Model, pred: PredId, row: RowId) -> Reason {
    let program = model.program();
    match model.derivation(pred, row) {
        Some(Derivation::Rule { rule, premises, .. }) => Reason::Rule {
            name: program
                .rules
                .get(rule.0 as usize)
                .map_or_else(|| "?".to_string(), |r| r.name.clone()),
            premises: premises
                .iter()
                .filter_map(|p| Some(ground_atom(model, p.pred, model.row(p.pred, p.row)?)))
                .collect(),
        },
        Some(Derivation::Fact { source, origin }) => {
            Reason::Fact(origin_of(program, &source, &origin))
        }
        None if model.row(pred, row).is_none() => Reason::NotInModel,
        None => Reason::Unrecorded,
    }
}

// ------------------------------------------------------------------ conflicts

/// A conflict that holds, with the proofs of both (all) its sides.
#[derive(Clone, Debug, PartialEq)]
pub struct ConflictExplanation {
    pub name: String,
    pub description: Option<String>,
    pub at: Location,
    /// Named variables and their values.
    pub bindings: Vec<Binding>,
    /// The least likely side.
    pub likelihood: Likelihood,
    pub citations: Vec<Citation>,
    pub comparisons: Vec<ComparisonCheck>,
    pub exceptions: Vec<ExceptionCheck>,
    /// One root per premise of the conflict (its sides), in body order,
    /// sharing sub-proofs.
    pub proof: Proof,
}

/// Explains a conflict reported by the engine: both sides' proofs.
/// `None` when the hit does not name a conflict of the program.
pub fn explain_conflict(model: &Model, hit: &ConflictHit) -> Option<ConflictExplanation> {
    let program = model.program();
    let c = program.conflicts.get(hit.conflict)?;
    let binding: Vec<Option<ValueId>> = hit.bindings.iter().map(|&v| Some(v)).collect();
    let rows: Vec<(PredId, RowId)> = hit.premises.iter().map(|p| (p.pred, p.row)).collect();
    let proof = explain_all(model, &rows).unwrap_or(Proof {
        roots: Vec::new(),
        nodes: Vec::new(),
    });
    Some(ConflictExplanation {
        name: c.name.clone(),
        description: c.description.clone(),
        at: program.sources.location(c.span),
        bindings: bindings_of(model, &c.body.vars, &binding),
        likelihood: hit.likelihood,
        citations: citations(program, &c.cites),
        comparisons: comparisons(model, &c.body, &binding),
        exceptions: exceptions(model, &c.body, &binding),
        proof,
    })
}

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
