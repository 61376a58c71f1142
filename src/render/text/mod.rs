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
pub use results::{RunOptions, conflicts, query, run, summary};
pub use why_not::{verdict, why_not};

use crate::explain::{Binding, Citation, ComparisonCheck, ExceptionCheck, Origin, Reason};
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
        Reason::Rule { name, premises } if premises.is_empty() => format!("by rule `{name}`"),
        Reason::Rule { name, premises } => {
            let from: Vec<String> = premises.iter().map(|a| format!("`{a}`")).collect();
            format!("by rule `{name}` from {}", from.join(", "))
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
    if e.derived {
        p.bad(&format!("but `{}` was derived", e.atom))
    } else {
        format!("no `{}` was derived", e.atom)
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
