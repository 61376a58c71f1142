//! Proofs and conflicts as JSON (`explain`, and inside `why-not`, `run`).

use std::collections::VecDeque;

use serde::Serialize;

use super::{Bindings, CitationJson, ComparisonJson, ExceptionJson, JsonValue, OriginJson};
use crate::explain::{ConflictExplanation, NodeKind, Proof};
use crate::likelihood::Likelihood;
use crate::render::MAX_NESTING;

/// A proof: its roots in full, then the sub-proofs cut at nesting depth
/// [`MAX_NESTING`].
#[derive(Serialize)]
pub struct ProofJson<'a> {
    roots: Vec<NodeJson<'a>>,
    continued: Vec<NodeJson<'a>>,
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
        comparisons: Vec<ComparisonJson<'a>>,
        exceptions: Vec<ExceptionJson<'a>>,
        premises: Vec<PremiseJson<'a>>,
    },
    Unrecorded,
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
    let roots = roots.into_iter().filter_map(|r| b.node(r, 0)).collect();
    let mut continued = Vec::new();
    while let Some(id) = b.queue.pop_front() {
        continued.extend(b.node(id, 0));
    }
    ProofJson { roots, continued }
}

struct Builder<'a> {
    proof: &'a Proof,
    placed: Vec<bool>,
    queue: VecDeque<usize>,
}

impl<'a> Builder<'a> {
    /// Recursion is bounded by `MAX_NESTING`.
    fn node(&mut self, id: usize, depth: usize) -> Option<NodeJson<'a>> {
        let n = self.proof.node(id)?;
        let kind = match &n.kind {
            NodeKind::Fact(origin) => KindJson::Fact {
                origin: OriginJson::of(origin),
            },
            NodeKind::Unrecorded => KindJson::Unrecorded,
            NodeKind::Rule(step) => {
                let mut premises = Vec::new();
                for &c in &step.premises {
                    let Some(child) = self.proof.node(c) else {
                        continue;
                    };
                    let reference = |continued: bool| PremiseJson::Ref {
                        id: c,
                        atom: child.atom.to_string(),
                        likelihood: child.likelihood,
                        continued,
                    };
                    if self.placed.get(c).copied().unwrap_or(true) {
                        premises.push(reference(false));
                    } else if depth + 1 >= MAX_NESTING && !child.premises().is_empty() {
                        self.placed[c] = true;
                        self.queue.push_back(c);
                        premises.push(reference(true));
                    } else {
                        self.placed[c] = true;
                        if let Some(node) = self.node(c, depth + 1) {
                            premises.push(PremiseJson::Node(Box::new(node)));
                        }
                    }
                }
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
                    comparisons: step.comparisons.iter().map(ComparisonJson::of).collect(),
                    exceptions: step.exceptions.iter().map(ExceptionJson::of).collect(),
                    premises,
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
