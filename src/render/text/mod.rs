//! Text output: what an analyst reads in a terminal. Colour (ANSI) only
//! where a function takes `color: bool` and it is true.

mod assumptions;
mod changes;
mod conflict;
mod proof;
mod results;
mod why_not;

pub use assumptions::assumptions;
pub use changes::{cause, changes, diff_conflicts};
pub use conflict::conflict;
pub use proof::proof;
pub use results::{RunOptions, conflicts, query, query_explained, run, summary};
pub use why_not::{verdict, why_not};

use std::fmt::Write as _;

use crate::explain::{
    AggregateCheck, Binding, Citation, ComparisonCheck, Computation, ExceptionCheck, NodeKind,
    Origin, Proof, Reason, WeakLink,
};
use crate::ir::Value;
use crate::likelihood::Likelihood;
use crate::render::paint::Paint;

/// Where a base row comes from: `stated at s.wr:3`, `loaded from edges.csv row 3`.
pub fn origin(o: &Origin) -> String {
    match o {
        Origin::Stated { at } => format!("stated at {at}"),
        Origin::Given { at } => format!("given at {at}"),
        Origin::Input { file, row, .. } => format!("loaded from {file} row {row}"),
    }
}

/// A one-line reason (`warrant run --explain`): "by rule `allies_hedge`
/// from `commitment_doubt(us, high)`, `ally(japan, us)`", "stated at
/// scenario.wr:3", "loaded from edges.csv row 3".
pub fn reason(r: &Reason) -> String {
    match r {
        Reason::Rule {
            name,
            premises,
            computations,
            aggregates,
            weakened_by,
        } => {
            let mut s = format!("by rule `{name}`");
            if !premises.is_empty() {
                let from: Vec<String> = premises.iter().map(|a| format!("`{a}`")).collect();
                let _ = write!(s, " from {}", from.join(", "));
            }
            for a in aggregates {
                let _ = write!(s, "; {}", aggregate_shown(a));
            }
            for c in computations {
                let _ = write!(s, "; {}", computation_shown(c));
            }
            for e in weakened_by {
                if let Some(w) = weakened(e) {
                    let _ = write!(s, "; {w}");
                }
            }
            s
        }
        Reason::Fact(o) => origin(o),
        Reason::NotInModel => "not in the model".to_string(),
        Reason::Unrecorded => "no derivation recorded (evaluated without provenance)".to_string(),
    }
}

/// `A = japan, L = high`.
fn bindings(b: &[Binding]) -> String {
    b.iter()
        .map(|b| format!("{} = {}", b.name, b.value))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `source: Title, “Section”` and the quote on its own line.
fn citation_lines(c: &Citation) -> Vec<String> {
    let title = if c.title.is_empty() {
        &c.source
    } else {
        &c.title
    };
    let mut lines = vec![format!("source: {title}, “{}”", c.section)];
    if let Some(q) = &c.quote {
        lines.push(format!("  \"{q}\""));
    }
    lines
}

/// `high >= moderate`: a comparison with its values.
pub fn comparison_values(c: &ComparisonCheck) -> String {
    format!("{} {} {}", c.left, c.op.symbol(), c.right)
}

/// A comparison as written, with its values when they differ from the text.
pub fn comparison_shown(c: &ComparisonCheck) -> String {
    let values = comparison_values(c);
    if values == c.text {
        values
    } else {
        format!("{}: {values}", c.text)
    }
}

fn comparison(c: &ComparisonCheck, p: &Paint) -> String {
    let shown = comparison_shown(c);
    if c.holds {
        format!("checked {shown}")
    } else {
        p.bad(&format!("checked {shown}: FALSE"))
    }
}

fn exception(e: &ExceptionCheck, p: &Paint) -> String {
    match weakened(e) {
        Some(w) => w,
        None if e.derived => p.bad(&format!("but `{}` was derived", e.atom)),
        None => format!("no `{}` was derived", e.atom),
    }
}

/// `weakened by `reassured(germany)`, very likely (0.80): capped at
/// unlikely (0.20)`, for an exception a less than certain row matched.
pub fn weakened(e: &ExceptionCheck) -> Option<String> {
    let ((row, p), cap) = (e.matched.as_ref()?, e.cap()?);
    Some(format!("weakened by `{row}`, {p}: capped at {cap}"))
}

/// `N = 3 + 4 = 7`; `N = 7` when nothing was computed but a copy.
pub fn computation_shown(c: &Computation) -> String {
    let result = c.result.to_string();
    if c.values == result {
        format!("{} = {result}", c.var)
    } else {
        format!("{} = {} = {result}", c.var, c.values)
    }
}

/// `N = count { reason(A, B, _) } [likely] = 3`; for an aggregate inside a
/// comparison, `count { … } = 3`.
pub fn aggregate_shown(a: &AggregateCheck) -> String {
    let result = a
        .result
        .as_ref()
        .map_or_else(|| "nothing".to_string(), Value::to_string);
    if a.var == a.text {
        format!("{} = {result}", a.text)
    } else {
        format!("{} = {} = {result}", a.var, a.text)
    }
}

/// How many matches an aggregate counted, and against which floor:
/// `3 matches counted, each at least likely`.
pub fn aggregate_counted(a: &AggregateCheck) -> String {
    let n = a.counted_total;
    let mut s = format!("{n} match{} counted", if n == 1 { "" } else { "es" });
    if let Some(f) = a.floor {
        let _ = write!(s, ", each at least {}", f.word());
    }
    if n > 0 && a.likelihood < Likelihood::CERTAIN {
        let _ = write!(s, "; the least likely is {}", a.likelihood);
    }
    s
}

/// A weakest link in one line: what it is and how it limits the
/// conclusion. `ids`: refer to nodes by their `[id]` (as the text tree
/// numbers them).
pub fn weak_link(proof: &Proof, link: &WeakLink, ids: bool) -> String {
    let node = proof.node(link.node());
    let level = proof
        .root()
        .map_or_else(String::new, |r| r.likelihood.to_string());
    let at = |id: usize| {
        if ids {
            format!("[{id}] ")
        } else {
            String::new()
        }
    };
    match (link, node) {
        (WeakLink::Fact(id), Some(n)) => {
            let from = match &n.kind {
                NodeKind::Fact(o) => format!(", {}", origin(o)),
                _ => String::new(),
            };
            format!("{}`{}` · {}{from}", at(*id), n.atom, n.likelihood)
        }
        (WeakLink::Unrecorded(id), Some(n)) => {
            format!(
                "[{id}] `{}` · {} (no derivation recorded)",
                n.atom, n.likelihood
            )
        }
        (WeakLink::Rating(id), Some(n)) => match &n.kind {
            NodeKind::Rule(step) => format!(
                "rule `{}` itself, rated {}: firming up its premises cannot make {}`{}` more likely",
                step.name,
                step.qualifier,
                at(*id),
                n.atom
            ),
            _ => at(*id),
        },
        (WeakLink::Exception { node: id, index }, Some(n)) => match &n.kind {
            NodeKind::Rule(step) => match step.exceptions.get(*index) {
                Some(e) => match (&e.matched, e.cap()) {
                    (Some((row, p)), Some(cap)) => format!(
                        "`{row}`, {p}: the exception `unless {}` of rule `{}` caps {}`{}` at {cap}",
                        e.atom,
                        step.name,
                        at(*id),
                        n.atom
                    ),
                    _ => format!(
                        "the exception `unless {}` of rule `{}` for {}`{}`",
                        e.atom,
                        step.name,
                        at(*id),
                        n.atom
                    ),
                },
                None => at(*id),
            },
            _ => at(*id),
        },
        (_, None) => format!("the conclusion is {level}"),
    }
}

/// `1234567` → `1,234,567`.
fn group(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The heading of one world when a run has several: `== world: FILE ==`.
pub fn world_heading<W: std::io::Write>(
    out: &mut W,
    name: &str,
    first: bool,
) -> std::io::Result<()> {
    if !first {
        out.write_all(b"\n")?;
    }
    writeln!(out, "== world: {name} ==")
}
