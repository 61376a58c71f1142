//! What a proof is: nodes (facts and rule steps) with what each step
//! checked, as plain data for the renderers.

use std::fmt;

use crate::engine::RowId;
use crate::ir::{AggregateOp, CompareOp, PredId, RuleId, Value};
use crate::likelihood::Likelihood;
use crate::source::Location;

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

/// A value a rule step computed: `N = A + B` with `3 + 4 = 7`.
#[derive(Clone, Debug, PartialEq)]
pub struct Computation {
    /// The variable bound (`N`), or, for an expression computed inside a
    /// comparison or a conclusion, the expression as written (`A + B`).
    pub var: String,
    /// The expression with the values it read: `3 + 4`.
    pub values: String,
    /// What it computed.
    pub result: Value,
    pub at: Location,
}

/// An aggregate of a rule step: `N = count { reason(A, R) } [likely]`,
/// with the matches it counted.
#[derive(Clone, Debug, PartialEq)]
pub struct AggregateCheck {
    /// The variable bound (`N`), or the aggregate as written when it
    /// stands inside a comparison.
    pub var: String,
    /// As written: `count { reason(A, R) } [likely]`.
    pub text: String,
    pub op: AggregateOp,
    /// Matches less likely than this are not counted.
    pub floor: Option<Likelihood>,
    /// What it computed; `None` for a `min`/`max` of nothing.
    pub result: Option<Value>,
    /// As likely as the least likely match counted; certain when none is.
    pub likelihood: Likelihood,
    /// The matches counted, in the model's order (at most
    /// [`AggregateCheck::SHOWN`]); their rows are nodes of the proof.
    pub counted: Vec<AggregateMatch>,
    /// How many matches were counted in all.
    pub counted_total: usize,
    /// Matches below the floor: they would count if they were more likely
    /// (at most [`AggregateCheck::SHOWN`]).
    pub below_floor: Vec<BelowFloor>,
    pub below_floor_total: usize,
    pub at: Location,
}

impl AggregateCheck {
    /// How many matches of each kind are listed.
    pub const SHOWN: usize = 50;
}

/// One match an aggregate counted: a row per atom of its body.
#[derive(Clone, Debug, PartialEq)]
pub struct AggregateMatch {
    /// Node ids of its rows, in the aggregate body's order.
    pub rows: Vec<usize>,
    pub likelihood: Likelihood,
    /// The value summed, or compared by `min`/`max`.
    pub target: Option<Value>,
}

/// A match an aggregate did not count: less likely than its floor.
#[derive(Clone, Debug, PartialEq)]
pub struct BelowFloor {
    pub rows: Vec<GroundAtom>,
    pub likelihood: Likelihood,
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
    /// Values computed by arithmetic, in the order computed.
    pub computations: Vec<Computation>,
    pub aggregates: Vec<AggregateCheck>,
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

    /// Node ids of the premises, then of the rows its aggregates counted
    /// (in order; a row counted twice is listed twice).
    pub fn children(&self) -> Vec<usize> {
        let mut out = self.premises().to_vec();
        if let NodeKind::Rule(step) = &self.kind {
            for a in &step.aggregates {
                for m in &a.counted {
                    out.extend(&m.rows);
                }
            }
        }
        out
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
                .children()
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
