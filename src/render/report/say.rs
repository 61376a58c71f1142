//! What the report says about a check, a citation, an assumption, a
//! conflict and a change, as plain data: decided once here, so that the
//! HTML and the Markdown writer only choose how to write it.

use super::{Changes, Report, World};
use crate::explain::{
    Assumed, Binding, Citation, ComparisonCheck, CondStatus, ExceptionCheck, Node, NodeKind,
    Outcome, Proof, RuleStep, WhyNot,
};
use crate::likelihood::Likelihood;
use crate::render::text;

/// Said of a rule step or a conflict whose derivation was not recorded.
pub const UNRECORDED: &str = "No derivation recorded (evaluated without provenance).";

/// Said of a key assumption that bounds the conclusion's likelihood.
pub const CAPS: &str = "— caps how likely the conclusion is";

/// Said under a key assumptions list whose search stopped early.
pub const INCOMPLETE: &str = "Not every proof was searched: necessity is undecided.";

/// One line of a step's checks.
pub enum Check<'a> {
    /// A comparison: as written, the values it compared (when they differ
    /// from what is written), and whether it held.
    Compared {
        text: &'a str,
        values: Option<String>,
        holds: bool,
    },
    /// An exception that matched a less than certain row: the row, its
    /// likelihood, and the cap it puts on the conclusion.
    Weakened {
        row: String,
        likelihood: Likelihood,
        cap: Likelihood,
        at: String,
    },
    /// An exception that holds (and so is no assumption).
    Derived { atom: &'a str },
    /// An exception no row matched.
    Absent { atom: &'a str, at: String },
}

/// A step's comparisons, then its exceptions, in that order.
pub fn checks<'a>(
    comparisons: &'a [ComparisonCheck],
    exceptions: &'a [ExceptionCheck],
) -> Vec<Check<'a>> {
    let compared = comparisons.iter().map(|c| {
        let values = text::comparison_values(c);
        Check::Compared {
            text: &c.text,
            values: (values != c.text).then_some(values),
            holds: c.holds,
        }
    });
    let excepted = exceptions.iter().map(|e| match (&e.matched, e.cap()) {
        (Some((row, p)), Some(cap)) => Check::Weakened {
            row: row.to_string(),
            likelihood: *p,
            cap,
            at: e.at.to_string(),
        },
        _ if e.derived => Check::Derived { atom: &e.atom },
        _ => Check::Absent {
            atom: &e.atom,
            at: e.at.to_string(),
        },
    });
    compared.chain(excepted).collect()
}

/// What a step computed, one line each: `N = 3 + 4 = 7`, and for each
/// aggregate its result, how many matches it counted and the matches left
/// below its floor.
pub fn computed(step: &RuleStep) -> Vec<String> {
    let mut lines = Vec::new();
    for a in &step.aggregates {
        lines.push(format!(
            "Counted {}: {}",
            text::aggregate_shown(a),
            text::aggregate_counted(a)
        ));
        if a.below_floor_total > 0 {
            let rows: Vec<String> = a
                .below_floor
                .iter()
                .map(|m| {
                    let r: Vec<String> = m.rows.iter().map(ToString::to_string).collect();
                    format!("{} ({})", r.join(", "), m.likelihood)
                })
                .collect();
            lines.push(format!(
                "Not counted, less likely than {}: {}",
                a.floor.map_or("the floor", |f| f.word()),
                rows.join("; ")
            ));
        }
    }
    for c in &step.computations {
        lines.push(format!("Computed {}", text::computation_shown(c)));
    }
    lines
}

/// What limits a conclusion's likelihood, one line per weakest link
/// (none for a certain conclusion).
pub fn weakest(proof: &Proof, root: usize) -> Vec<String> {
    proof
        .weakest_links(root)
        .iter()
        .map(|l| text::weak_link(proof, l, false))
        .collect()
}

/// A citation's title: the source's declared title, or its name without one.
pub fn citation_title(c: &Citation) -> &str {
    if c.title.is_empty() {
        &c.source
    } else {
        &c.title
    }
}

/// Which rules could conclude an exception assumed absent.
pub fn derivable_by(e: &Assumed) -> String {
    if e.could_be_derived_by.is_empty() {
        "no rule concludes it".to_string()
    } else {
        format!(
            "rules that could conclude it: {}",
            e.could_be_derived_by.join(", ")
        )
    }
}

/// A conflict's bindings as `A = japan, B = us` (`None` without any).
pub fn bindings(bindings: &[Binding]) -> Option<String> {
    let b: Vec<String> = bindings
        .iter()
        .map(|b| format!("{} = {}", b.name, b.value))
        .collect();
    (!b.is_empty()).then(|| b.join(", "))
}

/// A piece of a sentence: text, or a name the formats show as code.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece<'a> {
    Text(String),
    Code(&'a str),
}

/// How a premise was reached: its rule's sentence, else "by rule `name`";
/// where a base fact comes from; or that nothing was recorded.
pub fn premise(n: &Node) -> Vec<Piece<'_>> {
    match &n.kind {
        NodeKind::Fact(o) => vec![Piece::Text(text::origin(o))],
        NodeKind::Rule(s) => match &s.because {
            Some(b) => vec![Piece::Text(b.clone())],
            None => by_rule(&s.name),
        },
        NodeKind::Unrecorded => vec![Piece::Text("no derivation recorded".to_string())],
    }
}

/// Why a conclusion holds in a world (beside a change): "by rule `name`",
/// with its sentence after a colon, or how it was stated; nothing when no
/// derivation was recorded.
pub fn reason(world: Option<&World>, node: usize) -> Vec<Piece<'_>> {
    let Some(n) = world.and_then(|w| w.proof.node(node)) else {
        return Vec::new();
    };
    match &n.kind {
        NodeKind::Rule(s) => {
            let mut said = by_rule(&s.name);
            if let Some(b) = &s.because {
                said.push(Piece::Text(format!(": {b}")));
            }
            said
        }
        NodeKind::Fact(o) => vec![Piece::Text(text::origin(o))],
        NodeKind::Unrecorded => Vec::new(),
    }
}

/// "by rule `name`".
fn by_rule(name: &str) -> Vec<Piece<'_>> {
    vec![Piece::Text("by rule ".to_string()), Piece::Code(name)]
}

/// The closest attempt of one rule at a lost conclusion.
pub struct Attempt<'a> {
    pub rule: &'a str,
    pub at: String,
    /// `None` when the rule got no candidate at all.
    pub best: Option<Closest<'a>>,
}

/// A rule's closest candidate: how many conditions it met, of how many,
/// and the ones not met (as written, and what was seen).
pub struct Closest<'a> {
    pub met: usize,
    pub of: usize,
    pub failed: Vec<(&'a str, &'a str)>,
}

/// Each rule's closest attempt, when the conclusion is not derived.
pub fn attempts(w: &WhyNot) -> Option<Vec<Attempt<'_>>> {
    let Outcome::NotDerived { attempts } = &w.outcome else {
        return None;
    };
    let said = attempts.iter().map(|at| Attempt {
        rule: &at.name,
        at: at.at.to_string(),
        best: at.candidates.first().map(|best| {
            let failed = best
                .conditions
                .iter()
                .filter(|k| k.status != CondStatus::Met)
                .map(|k| (k.text.as_str(), k.detail.as_str()))
                .collect();
            Closest {
                met: best.met,
                of: best.conditions.len(),
                failed,
            }
        }),
    });
    Some(said.collect())
}

impl Changes {
    /// `2 gained, 1 lost, 0 changed in likelihood; conflicts 0 gained, 1 lost.`
    pub fn summary(&self) -> String {
        format!(
            "{} gained, {} lost, {} changed in likelihood; conflicts {} gained, {} lost.",
            self.gained.len(),
            self.lost.len(),
            self.changed.len(),
            self.conflicts_gained.len(),
            self.conflicts_lost.len()
        )
    }
}

impl Report {
    /// Every world's declared sources (name, title), each once, in order.
    pub fn sources(&self) -> Vec<&(String, String)> {
        let mut sources: Vec<&(String, String)> = Vec::new();
        for s in self.worlds.iter().flat_map(|w| &w.sources) {
            if !sources.contains(&s) {
                sources.push(s);
            }
        }
        sources
    }
}
