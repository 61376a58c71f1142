//! `warrant diff BASE OTHER`: what changes between two scenarios — the
//! conclusions gained, lost, or changed in likelihood, and the conflicts.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use indexmap::IndexMap;
use serde_json::json;

use warrant::engine::Model;
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
    rows: IndexMap<String, Likelihood>,
    conflicts: BTreeSet<String>,
}

fn world(path: &std::path::Path, args: &Args) -> Result<World, u8> {
    let program = super::load_program(&[path.to_path_buf()])?;
    let model = super::evaluate(&program, &args.eval)?;
    Ok(collect(&model, args.all))
}

fn collect(model: &Model, all: bool) -> World {
    let program = model.program();
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
        for (_, row, likelihood) in model.rows(pred) {
            rows.insert(model.format_row(pred, row), likelihood);
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
    World { rows, conflicts }
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
        .collect();
    let lost: Vec<(&String, &Likelihood)> = base
        .rows
        .iter()
        .filter(|(k, _)| !other.rows.contains_key(*k))
        .collect();
    let changed: Vec<(&String, Likelihood, Likelihood)> = base
        .rows
        .iter()
        .filter_map(|(k, &b)| other.rows.get(k).filter(|&&o| o != b).map(|&o| (k, b, o)))
        .collect();
    let conflicts_gained: Vec<&String> = other.conflicts.difference(&base.conflicts).collect();
    let conflicts_lost: Vec<&String> = base.conflicts.difference(&other.conflicts).collect();
    match args.format {
        Format::Json => {
            let row = |(k, l): &(&String, &Likelihood)| json!({ "row": k, "likelihood": l });
            super::print_json(&json!({
                "base": args.base.to_string_lossy(),
                "other": args.other.to_string_lossy(),
                "gained": gained.iter().map(row).collect::<Vec<_>>(),
                "lost": lost.iter().map(row).collect::<Vec<_>>(),
                "changed": changed.iter().map(|(k, b, o)| json!({ "row": k, "base": b, "other": o })).collect::<Vec<_>>(),
                "conflicts_gained": conflicts_gained,
                "conflicts_lost": conflicts_lost,
            }));
        }
        Format::Text => {
            let mut out = String::new();
            let _ = writeln!(out, "{} → {}", args.base.display(), args.other.display());
            for (k, l) in &gained {
                let _ = writeln!(out, "+ {k}  {l}");
            }
            for (k, l) in &lost {
                let _ = writeln!(out, "- {k}  {l}");
            }
            for (k, b, o) in &changed {
                let _ = writeln!(out, "~ {k}  {b} → {o}");
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
