//! Building proofs: each row's recorded derivation, and its premises' in
//! turn, numbered depth first without recursion.

use std::collections::HashMap;

use super::compute::complete;
use super::step::{bind_rule, rule_step};
use super::{Node, NodeKind, Proof, ground_atom, origin_of};
use crate::diagnostics::Diagnostic;
use crate::engine::{Derivation, Model, RowId};
use crate::ir::{PredId, Program, ValueId};
use crate::source::FileId;
use crate::syntax::ast;

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

/// The proofs of the rows a derived row's rule matched, as one forest:
/// what a `warrant query` conjunction's answer rests on (its conclusion is
/// made, not written, so it is left out). `None` when the row has no
/// recorded rule derivation.
pub fn explain_premises(model: &Model, pred: PredId, row: RowId) -> Option<Proof> {
    let Derivation::Rule { premises, .. } = model.derivation(pred, row)? else {
        return None;
    };
    let rows: Vec<(PredId, RowId)> = premises.iter().map(|p| (p.pred, p.row)).collect();
    // A conjunction of comparisons alone matched no row: an empty forest.
    Some(explain_all(model, &rows).unwrap_or(Proof {
        roots: Vec::new(),
        nodes: Vec::new(),
    }))
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

/// Where a child row is linked in its parent's step.
#[derive(Clone, Copy)]
enum Slot {
    Premise,
    /// Aggregate `.0`, counted match `.1`.
    Counted(usize, usize),
}

/// The rows a node links to, each with its slot.
type Children = Vec<((PredId, RowId), Slot)>;

/// (node id, its children, the next child to link)
type Frame = (usize, Children, usize);

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
        let mut stack: Vec<Frame> = vec![(root, premises, 0)];
        while let Some(top) = stack.last_mut() {
            let Some(&((p, r), slot)) = top.1.get(top.2) else {
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
                match slot {
                    Slot::Premise => step.premises.push(child),
                    Slot::Counted(a, m) => {
                        if let Some(m) = step
                            .aggregates
                            .get_mut(a)
                            .and_then(|a| a.counted.get_mut(m))
                        {
                            m.rows.push(child);
                        }
                    }
                }
            }
        }
        Some(root)
    }

    /// Creates the node of a row (children not yet linked); returns its id
    /// and the rows to visit: premises, then the rows its aggregates counted.
    fn make(&mut self, pred: PredId, row: RowId) -> Option<(usize, Children)> {
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
                bindings: recorded,
                ..
            }) => match program.rules.get(rule.0 as usize) {
                None => NodeKind::Unrecorded,
                Some(r) => {
                    premises = prem
                        .iter()
                        .map(|p| ((p.pred, p.row), Slot::Premise))
                        .collect();
                    let rows: Vec<Option<&[ValueId]>> =
                        prem.iter().map(|p| model.row(p.pred, p.row)).collect();
                    let mut binding = bind_rule(r, head, values, &rows);
                    complete(model, &r.body, &recorded, &mut binding);
                    let (step, counted) = rule_step(model, rule, head, &binding);
                    for (a, matches) in counted.into_iter().enumerate() {
                        for (m, rows) in matches.into_iter().enumerate() {
                            premises.extend(rows.into_iter().map(|k| (k, Slot::Counted(a, m))));
                        }
                    }
                    NodeKind::Rule(Box::new(step))
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
