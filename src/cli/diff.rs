//! `warrant diff BASE OTHER`: what changes between two scenarios — the
//! conclusions gained, lost, or changed in likelihood, and the conflicts.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use indexmap::IndexMap;
use serde_json::json;

use warrant::engine::{Derivation, Model, RowId};
use warrant::explain;
use warrant::ir::PredId;
use warrant::likelihood::Likelihood;

use super::Format;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The scenario to compare against (a file or folder)
    #[arg(value_name = "BASE")]
    base: std::path::PathBuf,
    /// The scenario to compare (a file or folder)
    #[arg(value_name = "OTHER")]
    other: std::path::PathBuf,
    #[command(flatten)]
    eval: super::EvalArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Compare the facts given or loaded too, not only conclusions
    #[arg(long)]
    all: bool,
}

/// Conclusions of one scenario, keyed by their text in predicate order.
struct World {
    rows: IndexMap<String, (Likelihood, PredId, RowId)>,
    conflicts: BTreeSet<String>,
    /// Its base facts (stated, given or loaded, after retraction) and their
    /// likelihood.
    facts: IndexMap<String, Likelihood>,
    /// Its `retract` items, as written.
    retracted: Vec<String>,
    model: Model,
}

fn world(path: &std::path::Path, args: &Args) -> Result<World, u8> {
    let program = super::load_program(&[path.to_path_buf()])?;
    super::one_world(&program, "diff")?;
    let model = super::evaluate(&program, &args.eval)?;
    Ok(collect(model, args.all))
}

/// The facts that differ between two worlds and that a conclusion's best
/// proof rests on (in the world where it holds): `+ fact` added or raised
/// in `other`, `- fact` missing or lowered there.
fn traces(base: &World, other: &World, row: &str) -> Vec<String> {
    let mut out = Vec::new();
    let leaves = |w: &World| -> Vec<String> {
        w.rows
            .get(row)
            .and_then(|&(_, p, r)| explain::assumptions(&w.model, p, r))
            .map(|a| a.facts.iter().map(|f| f.atom.to_string()).collect())
            .unwrap_or_default()
    };
    for f in leaves(other) {
        if base.facts.get(&f) != other.facts.get(&f) {
            let sign = if base.facts.get(&f) < other.facts.get(&f) {
                "+"
            } else {
                "-"
            };
            out.push(format!("{sign} {f}"));
        }
    }
    for f in leaves(base) {
        let entry = format!("- {f}");
        if base.facts.get(&f) != other.facts.get(&f) && !out.contains(&entry) {
            out.push(entry);
        }
    }
    // A conclusion gained because an exception's facts were taken away.
    if let Some(a) = other
        .rows
        .get(row)
        .and_then(|&(_, p, r)| explain::assumptions(&other.model, p, r))
    {
        for e in &a.exceptions {
            for f in base.facts.keys() {
                let entry = format!("- {f}");
                if !other.facts.contains_key(f)
                    && matches_pattern(&e.atom, f)
                    && !out.contains(&entry)
                {
                    out.push(entry);
                }
            }
        }
    }
    out
}

/// Whether a printed atom matches a printed pattern whose `_` arguments
/// match anything: `p(a, _)` matches `p(a, b)`.
fn matches_pattern(pattern: &str, atom: &str) -> bool {
    let split = |s: &str| -> Option<(String, Vec<String>)> {
        let (name, rest) = s.split_once('(')?;
        let args = rest.strip_suffix(')')?;
        Some((
            name.to_string(),
            args.split(", ").map(str::to_string).collect(),
        ))
    };
    match (split(pattern), split(atom)) {
        (Some((p, pa)), Some((a, aa))) => {
            p == a && pa.len() == aa.len() && pa.iter().zip(&aa).all(|(x, y)| x == "_" || x == y)
        }
        _ => false,
    }
}

fn collect(model: Model, all: bool) -> World {
    let program = model.program();
    let mut facts = IndexMap::new();
    for p in 0..model.preds() {
        let pred = PredId(p as u32);
        for (id, row, likelihood) in model.rows(pred) {
            if matches!(model.derivation(pred, id), Some(Derivation::Fact { .. })) {
                facts.insert(model.format_row(pred, row), likelihood);
            }
        }
    }
    let retracted = program
        .retractions
        .iter()
        .map(|r| program.format_retraction(r))
        .collect();
    let mut concluded = vec![false; program.preds.len()];
    for rule in &program.rules {
        for head in &rule.heads {
            concluded[head.pred.0 as usize] = true;
        }
    }
    let mut rows = IndexMap::new();
    for (p, shown) in concluded.iter().enumerate() {
        let pred = warrant::ir::PredId(p as u32);
        if !(all || *shown) || p >= model.preds() {
            continue;
        }
        for (id, row, likelihood) in model.rows(pred) {
            rows.insert(model.format_row(pred, row), (likelihood, pred, id));
        }
    }
    let conflicts = model
        .conflicts()
        .iter()
        .map(|hit| {
            let c = &program.conflicts[hit.conflict];
            let bindings: Vec<String> = c
                .body
                .vars
                .iter()
                .zip(&hit.bindings)
                .filter(|(name, _)| !name.starts_with('_'))
                .map(|(name, &v)| format!("{name}={}", model.values().get(v)))
                .collect();
            format!("{} ({})", c.name, bindings.join(", "))
        })
        .collect();
    World {
        rows,
        conflicts,
        facts,
        retracted,
        model,
    }
}

pub fn run(args: Args) -> u8 {
    let base = match world(&args.base, &args) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let other = match world(&args.other, &args) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let gained: Vec<(&String, &Likelihood)> = other
        .rows
        .iter()
        .filter(|(k, _)| !base.rows.contains_key(*k))
        .map(|(k, (l, _, _))| (k, l))
        .collect();
    let lost: Vec<(&String, &Likelihood)> = base
        .rows
        .iter()
        .filter(|(k, _)| !other.rows.contains_key(*k))
        .map(|(k, (l, _, _))| (k, l))
        .collect();
    let changed: Vec<(&String, Likelihood, Likelihood)> = base
        .rows
        .iter()
        .filter_map(|(k, &(b, _, _))| {
            other
                .rows
                .get(k)
                .filter(|&&(o, _, _)| o != b)
                .map(|&(o, _, _)| (k, b, o))
        })
        .collect();
    let because = |k: &str| traces(&base, &other, k);
    let conflicts_gained: Vec<&String> = other.conflicts.difference(&base.conflicts).collect();
    let conflicts_lost: Vec<&String> = base.conflicts.difference(&other.conflicts).collect();
    match args.format {
        Format::Json => {
            let row = |(k, l): &(&String, &Likelihood)| json!({ "row": k, "likelihood": l, "because": because(k) });
            super::print_json(&json!({
                "base": args.base.to_string_lossy(),
                "other": args.other.to_string_lossy(),
                "retracted": { "base": base.retracted, "other": other.retracted },
                "gained": gained.iter().map(row).collect::<Vec<_>>(),
                "lost": lost.iter().map(row).collect::<Vec<_>>(),
                "changed": changed.iter().map(|(k, b, o)| json!({ "row": k, "base": b, "other": o, "because": because(k) })).collect::<Vec<_>>(),
                "conflicts_gained": conflicts_gained,
                "conflicts_lost": conflicts_lost,
            }));
        }
        Format::Text => {
            let mut out = String::new();
            let _ = writeln!(out, "{} → {}", args.base.display(), args.other.display());
            for (name, w) in [("base", &base), ("other", &other)] {
                for r in &w.retracted {
                    let _ = writeln!(out, "  {name}: {r}");
                }
            }
            let traced = |out: &mut String, k: &str| {
                let t = because(k);
                if !t.is_empty() {
                    let _ = writeln!(out, "    because {}", t.join(", "));
                }
            };
            for (k, l) in &gained {
                let _ = writeln!(out, "+ {k}  {l}");
                traced(&mut out, k);
            }
            for (k, l) in &lost {
                let _ = writeln!(out, "- {k}  {l}");
                traced(&mut out, k);
            }
            for (k, b, o) in &changed {
                let _ = writeln!(out, "~ {k}  {b} → {o}");
                traced(&mut out, k);
            }
            for c in &conflicts_gained {
                let _ = writeln!(out, "+ conflict {c}");
            }
            for c in &conflicts_lost {
                let _ = writeln!(out, "- conflict {c}");
            }
            let _ = writeln!(
                out,
                "{} gained, {} lost, {} changed; conflicts {} gained, {} lost",
                gained.len(),
                lost.len(),
                changed.len(),
                conflicts_gained.len(),
                conflicts_lost.len()
            );
            print!("{out}");
        }
    }
    super::EXIT_OK
}
