//! `warrant diff --format json`: the schema "diff" in `docs/json.md`.

use serde::Serialize;

use crate::explain::{Change, Changes};
use crate::likelihood::Likelihood;
use crate::render::text;

#[derive(Serialize)]
pub struct ChangesJson<'a> {
    base: &'a str,
    other: &'a str,
    retracted: Retracted<'a>,
    gained: Vec<RowJson<'a>>,
    lost: Vec<RowJson<'a>>,
    changed: Vec<ChangedJson<'a>>,
    conflicts_gained: Vec<String>,
    conflicts_lost: Vec<String>,
}

#[derive(Serialize)]
struct Retracted<'a> {
    base: &'a [String],
    other: &'a [String],
}

/// A row gained or lost, with its likelihood in the world that has it.
#[derive(Serialize)]
struct RowJson<'a> {
    row: &'a str,
    likelihood: Likelihood,
    because: Vec<String>,
}

/// A row whose likelihood changed.
#[derive(Serialize)]
struct ChangedJson<'a> {
    row: &'a str,
    base: Likelihood,
    other: Likelihood,
    because: Vec<String>,
}

/// The changes from `base` to `other` (the worlds as the user named them).
pub fn changes<'a>(base: &'a str, other: &'a str, c: &'a Changes) -> ChangesJson<'a> {
    let because = |ch: &Change| ch.because.iter().map(text::cause).collect();
    let row = |ch: &'a Change, held: Option<Likelihood>| {
        held.map(|likelihood| RowJson {
            row: &ch.atom,
            likelihood,
            because: because(ch),
        })
    };
    ChangesJson {
        base,
        other,
        retracted: Retracted {
            base: &c.retracted_base,
            other: &c.retracted_other,
        },
        gained: c
            .gained
            .iter()
            .filter_map(|ch| row(ch, ch.other.map(|o| o.likelihood)))
            .collect(),
        lost: c
            .lost
            .iter()
            .filter_map(|ch| row(ch, ch.base.map(|b| b.likelihood)))
            .collect(),
        changed: c
            .changed
            .iter()
            .filter_map(|ch| {
                Some(ChangedJson {
                    row: &ch.atom,
                    base: ch.base?.likelihood,
                    other: ch.other?.likelihood,
                    because: because(ch),
                })
            })
            .collect(),
        conflicts_gained: text::diff_conflicts(&c.conflicts_gained),
        conflicts_lost: text::diff_conflicts(&c.conflicts_lost),
    }
}
