//! Proofs and conflicts as JSON (`explain`, and inside `why-not`, `run`).

use std::collections::VecDeque;

use serde::Serialize;

use super::{
    Bindings, CitationJson, ComparisonJson, ComputationJson, ExceptionJson, JsonValue, OriginJson,
};
use crate::explain::{ConflictExplanation, NodeKind, Proof, WeakLink};
use crate::likelihood::Likelihood;
use crate::render::MAX_NESTING;

/// A proof: its roots in full, then the sub-proofs cut at nesting depth
/// [`MAX_NESTING`].
#[derive(Serialize)]
pub struct ProofJson<'a> {
    roots: Vec<NodeJson<'a>>,
    continued: Vec<NodeJson<'a>>,
    /// What limits each root's likelihood (none for a certain one).
    weakest_links: Vec<WeakLinkJson>,
}

/// One weakest link: a fact (or unrecorded row), a rule's own rating, or
/// an exception that caps a step.
#[derive(Serialize)]
struct WeakLinkJson {
    /// The root it limits.
    root: usize,
    kind: &'static str,
    /// The node it belongs to (the fact, or the step the rating or the
    /// exception is of).
    node: usize,
    atom: String,
    likelihood: Likelihood,
    /// For an exception: its index among the step's exceptions.
    exception: Option<usize>,
}

#[derive(Serialize)]
struct NodeJson<'a> {
    id: usize,
    atom: String,
    predicate: &'a str,
    args: Vec<JsonValue<'a>>,
    likelihood: Likelihood,
    height: Option<u32>,
    #[serde(flatten)]
    kind: KindJson<'a>,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum KindJson<'a> {
    Fact {
        origin: OriginJson<'a>,
    },
    Rule {
        rule: RuleJson<'a>,
        because: Option<&'a str>,
        bindings: Bindings<'a>,
        citations: Vec<CitationJson<'a>>,
        computations: Vec<ComputationJson<'a>>,
        comparisons: Vec<ComparisonJson<'a>>,
        exceptions: Vec<ExceptionJson<'a>>,
        premises: Vec<PremiseJson<'a>>,
        /// After the premises: their rows are placed in that order.
        aggregates: Vec<AggregateJson<'a>>,
    },
    Unrecorded,
}

#[derive(Serialize)]
struct AggregateJson<'a> {
    variable: &'a str,
    text: &'a str,
    op: &'static str,
    floor: Option<Likelihood>,
    result: Option<JsonValue<'a>>,
    likelihood: Likelihood,
    counted_total: usize,
    counted: Vec<CountedJson<'a>>,
    below_floor_total: usize,
    below_floor: Vec<BelowFloorJson>,
    file: &'a str,
    line: usize,
}

#[derive(Serialize)]
struct CountedJson<'a> {
    likelihood: Likelihood,
    target: Option<JsonValue<'a>>,
    rows: Vec<PremiseJson<'a>>,
}

#[derive(Serialize)]
struct BelowFloorJson {
    rows: Vec<String>,
    likelihood: Likelihood,
}

#[derive(Serialize)]
struct RuleJson<'a> {
    name: &'a str,
    file: &'a str,
    line: usize,
    likelihood: Likelihood,
}

#[derive(Serialize)]
#[serde(untagged)]
enum PremiseJson<'a> {
    Node(Box<NodeJson<'a>>),
    /// A node given in full elsewhere: shared (`continued: false`) or cut
    /// at the nesting limit (`true`).
    Ref {
        #[serde(rename = "ref")]
        id: usize,
        atom: String,
        likelihood: Likelihood,
        continued: bool,
    },
}

/// A proof as JSON (schema in `docs/json.md`). Nesting is bounded by
/// [`MAX_NESTING`].
pub fn proof(proof: &Proof) -> ProofJson<'_> {
    let mut b = Builder {
        proof,
        placed: vec![false; proof.nodes.len() + 1],
        queue: VecDeque::new(),
    };
    let mut roots = Vec::new();
    for &r in &proof.roots {
        if let Some(slot) = b.placed.get_mut(r)
            && !*slot
        {
            *slot = true;
            roots.push(r);
        }
    }
    let weakest_links = roots
        .iter()
        .flat_map(|&r| {
            proof
                .weakest_links(r)
                .into_iter()
                .filter_map(move |l| weak_link(proof, r, &l))
        })
        .collect();
    let roots = roots.into_iter().filter_map(|r| b.node(r, 0)).collect();
    let mut continued = Vec::new();
    while let Some(id) = b.queue.pop_front() {
        continued.extend(b.node(id, 0));
    }
    ProofJson {
        roots,
        continued,
        weakest_links,
    }
}

fn weak_link(proof: &Proof, root: usize, l: &WeakLink) -> Option<WeakLinkJson> {
    let n = proof.node(l.node())?;
    let (kind, likelihood, exception) = match *l {
        WeakLink::Fact(_) => ("fact", n.likelihood, None),
        WeakLink::Unrecorded(_) => ("unrecorded", n.likelihood, None),
        WeakLink::Rating(_) => match &n.kind {
            NodeKind::Rule(s) => ("rating", s.qualifier, None),
            _ => return None,
        },
        WeakLink::Exception { index, .. } => match &n.kind {
            NodeKind::Rule(s) => ("exception", s.exceptions.get(index)?.cap()?, Some(index)),
            _ => return None,
        },
    };
    Some(WeakLinkJson {
        root,
        kind,
        node: n.id,
        atom: n.atom.to_string(),
        likelihood,
        exception,
    })
}

struct Builder<'a> {
    proof: &'a Proof,
    placed: Vec<bool>,
    queue: VecDeque<usize>,
}

impl<'a> Builder<'a> {
    /// A premise or counted row: in full the first time, a reference after
    /// (or when cut at the nesting limit).
    fn child(&mut self, c: usize, depth: usize) -> Option<PremiseJson<'a>> {
        let child = self.proof.node(c)?;
        let reference = |continued: bool| PremiseJson::Ref {
            id: c,
            atom: child.atom.to_string(),
            likelihood: child.likelihood,
            continued,
        };
        if self.placed.get(c).copied().unwrap_or(true) {
            Some(reference(false))
        } else if depth + 1 >= MAX_NESTING && !child.children().is_empty() {
            self.placed[c] = true;
            self.queue.push_back(c);
            Some(reference(true))
        } else {
            self.placed[c] = true;
            self.node(c, depth + 1)
                .map(|n| PremiseJson::Node(Box::new(n)))
        }
    }

    /// Recursion is bounded by `MAX_NESTING`.
    fn node(&mut self, id: usize, depth: usize) -> Option<NodeJson<'a>> {
        let n = self.proof.node(id)?;
        let kind = match &n.kind {
            NodeKind::Fact(origin) => KindJson::Fact {
                origin: OriginJson::of(origin),
            },
            NodeKind::Unrecorded => KindJson::Unrecorded,
            NodeKind::Rule(step) => {
                let premises = step
                    .premises
                    .iter()
                    .filter_map(|&c| self.child(c, depth))
                    .collect();
                let aggregates = step
                    .aggregates
                    .iter()
                    .map(|a| AggregateJson {
                        variable: &a.var,
                        text: &a.text,
                        op: a.op.keyword(),
                        floor: a.floor,
                        result: a.result.as_ref().map(JsonValue),
                        likelihood: a.likelihood,
                        counted_total: a.counted_total,
                        counted: a
                            .counted
                            .iter()
                            .map(|m| CountedJson {
                                likelihood: m.likelihood,
                                target: m.target.as_ref().map(JsonValue),
                                rows: m
                                    .rows
                                    .iter()
                                    .filter_map(|&c| self.child(c, depth))
                                    .collect(),
                            })
                            .collect(),
                        below_floor_total: a.below_floor_total,
                        below_floor: a
                            .below_floor
                            .iter()
                            .map(|m| BelowFloorJson {
                                rows: m.rows.iter().map(ToString::to_string).collect(),
                                likelihood: m.likelihood,
                            })
                            .collect(),
                        file: &a.at.file,
                        line: a.at.line,
                    })
                    .collect();
                KindJson::Rule {
                    rule: RuleJson {
                        name: &step.name,
                        file: &step.at.file,
                        line: step.at.line,
                        likelihood: step.qualifier,
                    },
                    because: step.because.as_deref(),
                    bindings: Bindings(&step.bindings),
                    citations: step.citations.iter().map(CitationJson::of).collect(),
                    computations: step.computations.iter().map(ComputationJson::of).collect(),
                    comparisons: step.comparisons.iter().map(ComparisonJson::of).collect(),
                    exceptions: step.exceptions.iter().map(ExceptionJson::of).collect(),
                    premises,
                    aggregates,
                }
            }
        };
        Some(NodeJson {
            id: n.id,
            atom: n.atom.to_string(),
            predicate: &n.atom.pred,
            args: n.atom.args.iter().map(JsonValue).collect(),
            likelihood: n.likelihood,
            height: n.height,
            kind,
        })
    }
}

/// `warrant explain --format json`: the pattern asked about and the proof
/// of every match (`null` when nothing matches).
#[derive(Serialize)]
pub struct ExplainJson<'a> {
    query: &'a str,
    proof: Option<ProofJson<'a>>,
    retracted: Vec<String>,
}

/// `retracted`: the world's `retract` items as written.
pub fn explain<'a>(
    query: &'a str,
    p: Option<&'a Proof>,
    retracted: Vec<String>,
) -> ExplainJson<'a> {
    ExplainJson {
        query,
        proof: p.map(proof),
        retracted,
    }
}

/// A conflict with the proofs of its sides.
#[derive(Serialize)]
pub struct ConflictJson<'a> {
    name: &'a str,
    description: Option<&'a str>,
    file: &'a str,
    line: usize,
    bindings: Bindings<'a>,
    likelihood: Likelihood,
    citations: Vec<CitationJson<'a>>,
    comparisons: Vec<ComparisonJson<'a>>,
    exceptions: Vec<ExceptionJson<'a>>,
    sides: ProofJson<'a>,
}

pub fn conflict(c: &ConflictExplanation) -> ConflictJson<'_> {
    ConflictJson {
        name: &c.name,
        description: c.description.as_deref(),
        file: &c.at.file,
        line: c.at.line,
        bindings: Bindings(&c.bindings),
        likelihood: c.likelihood,
        citations: c.citations.iter().map(CitationJson::of).collect(),
        comparisons: c.comparisons.iter().map(ComparisonJson::of).collect(),
        exceptions: c.exceptions.iter().map(ExceptionJson::of).collect(),
        sides: proof(&c.proof),
    }
}
