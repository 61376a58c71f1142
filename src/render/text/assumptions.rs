//! Key assumptions of a conclusion as text.

use std::fmt::Write as _;

use crate::explain::{AssumedFact, Assumptions, Undecided};
use crate::render::paint::Paint;

/// Key assumptions: the facts the conclusion rests on (in every proof, or
/// in its best proof only) and the exceptions assumed absent.
pub fn assumptions(a: &Assumptions, color: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        p.bold(&format!("Key assumptions of {} · {}", a.atom, a.likelihood))
    );
    match a.undecided {
        Some(Undecided::SearchBound) => {
            let _ = writeln!(
                out,
                "note: too many alternative proofs to search them all; whether a fact is in every proof is undecided"
            );
        }
        Some(Undecided::Computed) => {
            let _ = writeln!(
                out,
                "note: a rule on the way computes values (arithmetic or an aggregate); whether a fact is in every proof is undecided"
            );
        }
        None => {}
    }
    let _ = writeln!(out, "\nfacts ({}):", a.facts.len());
    if a.facts.is_empty() {
        let _ = writeln!(out, "  none");
    }
    let label = |f: &AssumedFact| match f.necessary {
        Some(true) => "in every proof",
        Some(false) => "best proof only",
        None => "in the best proof",
    };
    let width = a
        .facts
        .iter()
        .map(|f| f.atom.to_string().chars().count())
        .max()
        .unwrap_or(0);
    let lw = a.facts.iter().map(|f| label(f).len()).max().unwrap_or(0);
    for f in &a.facts {
        let atom = f.atom.to_string();
        let l = label(f);
        let mut line = format!(
            "  {}{}  {atom}{}  {}",
            if f.necessary == Some(true) {
                p.bold(l)
            } else {
                l.to_string()
            },
            " ".repeat(lw - l.len()),
            " ".repeat(width - atom.chars().count()),
            f.likelihood
        );
        if let Some(o) = &f.origin {
            let _ = write!(line, ", {}", super::origin(o));
        }
        if f.caps_likelihood {
            let _ = write!(line, "; caps the conclusion's likelihood");
        }
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "\nassumed absent ({}):", a.exceptions.len());
    if a.exceptions.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for e in &a.exceptions {
        let mut line = format!(
            "  no `{}` was derived: assumed by rule {} for `{}` ({})",
            e.atom,
            p.rule(&format!("`{}`", e.rule)),
            e.for_atom,
            e.at
        );
        match e.could_be_derived_by.as_slice() {
            [] => line.push_str("; no rule concludes it, only a fact could"),
            rules => {
                let names: Vec<String> = rules.iter().map(|r| format!("`{r}`")).collect();
                let _ = write!(line, "; would fail if {} fired", names.join(" or "));
            }
        }
        let _ = writeln!(out, "{line}");
    }
    if !a.weakened_by.is_empty() {
        let _ = writeln!(out, "\nweakened by ({}):", a.weakened_by.len());
        for w in &a.weakened_by {
            let said = match (&w.check.matched, w.check.cap()) {
                (Some((row, l)), Some(cap)) => {
                    format!("`{row}`, {l}, caps `{}` at {cap}", w.for_atom)
                }
                _ => format!("`{}` was derived", w.check.atom),
            };
            let _ = writeln!(
                out,
                "  {said}: the `unless` of rule {} ({})",
                p.rule(&format!("`{}`", w.rule)),
                w.check.at
            );
        }
    }
    out
}
