//! `warrant diff` as text: each world's retractions, then every row gained
//! (`+`), lost (`-`) or changed in likelihood (`~`) with the facts it traces
//! to, the conflicts gained and lost, and a count of each.

use std::fmt::Write as _;

use crate::explain::{Cause, Changes, HeldConflict, Shift};
use crate::likelihood::Likelihood;

/// The changes from `base` to `other` (the worlds as the user named them).
pub fn changes(base: &str, other: &str, c: &Changes) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{base} → {other}");
    for (name, retracted) in [("base", &c.retracted_base), ("other", &c.retracted_other)] {
        for r in retracted {
            let _ = writeln!(out, "  {name}: {r}");
        }
    }
    let because = |out: &mut String, causes: &[Cause]| {
        if !causes.is_empty() {
            let causes: Vec<String> = causes.iter().map(cause).collect();
            let _ = writeln!(out, "    because {}", causes.join(", "));
        }
    };
    for ch in &c.gained {
        if let Some(o) = &ch.other {
            let _ = writeln!(out, "+ {}  {}", ch.atom, o.likelihood);
            because(&mut out, &ch.because);
        }
    }
    for ch in &c.lost {
        if let Some(b) = &ch.base {
            let _ = writeln!(out, "- {}  {}", ch.atom, b.likelihood);
            because(&mut out, &ch.because);
        }
    }
    for ch in &c.changed {
        if let (Some(b), Some(o)) = (&ch.base, &ch.other) {
            let _ = writeln!(out, "~ {}  {} → {}", ch.atom, b.likelihood, o.likelihood);
            because(&mut out, &ch.because);
        }
    }
    let (conflicts_gained, conflicts_lost) = (
        diff_conflicts(&c.conflicts_gained),
        diff_conflicts(&c.conflicts_lost),
    );
    for x in &conflicts_gained {
        let _ = writeln!(out, "+ conflict {x}");
    }
    for x in &conflicts_lost {
        let _ = writeln!(out, "- conflict {x}");
    }
    let _ = writeln!(
        out,
        "{} gained, {} lost, {} changed; conflicts {} gained, {} lost",
        c.gained.len(),
        c.lost.len(),
        c.changed.len(),
        conflicts_gained.len(),
        conflicts_lost.len()
    );
    out
}

/// One cause of a change: `+ fact` (added or raised in the other world),
/// `- fact` (missing or lowered there), `~ exception row: before → after`
/// (a graded exception of its proof that moved, and its cap with it).
pub fn cause(c: &Cause) -> String {
    match c {
        Cause::Fact { shift, atom } => {
            let sign = match shift {
                Shift::Up => '+',
                Shift::Down => '-',
            };
            format!("{sign} {atom}")
        }
        Cause::Exception { atom, base, other } => {
            let held = |l: &Option<Likelihood>| match l {
                Some(l) => l.to_string(),
                None => "absent".to_string(),
            };
            format!("~ exception {atom}: {} → {}", held(base), held(other))
        }
    }
}

/// Conflicts as `diff` lists them: `name (X=a, Y=b)`, in the order of that
/// text.
pub fn diff_conflicts(list: &[HeldConflict]) -> Vec<String> {
    let mut texts: Vec<String> = list
        .iter()
        .map(|c| {
            let bindings: Vec<String> = c
                .bindings
                .iter()
                .map(|b| format!("{}={}", b.name, b.value))
                .collect();
            format!("{} ({})", c.name, bindings.join(", "))
        })
        .collect();
    texts.sort();
    texts.dedup();
    texts
}
