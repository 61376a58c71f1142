//! `warrant explain PATH... 'ATOM'`: the proof of every conclusion matching
//! the atom (`hedges(japan)` or a pattern such as `hedges(A)`), as a text
//! tree, JSON or a Graphviz graph.

use warrant::explain;
use warrant::render;

use std::io::Write as _;

use super::Paths;

/// Output format of `explain`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
    Dot,
}

/// What `explain`, `why-not` and `assumptions` take: the files, the atom
/// in question and the row limit of the evaluation.
#[derive(clap::Args, Debug)]
pub struct Target {
    #[command(flatten)]
    pub paths: Paths,
    /// The atom: ground, e.g. 'hedges(japan)', or (explain, assumptions) a pattern whose every match is examined, e.g. 'hedges(A)'
    #[arg(value_name = "ATOM")]
    pub atom: String,
    /// Stop when the model grows past this many rows
    #[arg(long, value_name = "N", default_value_t = warrant::engine::DEFAULT_MAX_ROWS)]
    pub max_rows: usize,
    /// Stop evaluating once the command has run this long, e.g. 30s, 2m
    #[arg(long, value_name = "DURATION", value_parser = super::parse_duration)]
    pub timeout: Option<std::time::Duration>,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    target: Target,
    /// Output format (dot: a Graphviz graph of the proof)
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    format: ExplainFormat,
    /// Compute the whole model even when the atom has constants (by
    /// default only what its proofs depend on is computed)
    #[arg(long)]
    no_demand: bool,
}

/// Loads, parses the atom and evaluates with provenance.
pub fn prepare(
    target: &Target,
    command: &str,
) -> Result<(warrant::syntax::ast::Atom, warrant::engine::Model), u8> {
    prepare_for(target, command, false).map(|(atom, model, _)| (atom, model))
}

/// [`prepare`], with `demand` computing only what the rows matching the
/// atom depend on (their proofs are complete; other rows may be missing);
/// says whether it did.
fn prepare_for(
    target: &Target,
    command: &str,
    demand: bool,
) -> Result<(warrant::syntax::ast::Atom, warrant::engine::Model, bool), u8> {
    let program = super::load_program(&target.paths.paths)?;
    super::one_world(&program, command)?;
    let parsed = super::parse_pattern(&program, &target.atom)?;
    let eval = super::EvalArgs {
        no_provenance: false,
        max_rows: target.max_rows,
        timeout: target.timeout,
    };
    let (model, partial) = super::evaluate_for(&program, &eval, &[&parsed], demand)?;
    Ok((parsed, model, partial))
}

/// Prints "not derived" with a hint towards `why-not` (and its one-line
/// verdict when the atom is ground).
pub fn not_derived(
    model: &warrant::engine::Model,
    atom: &warrant::syntax::ast::Atom,
    text: &str,
    paths: &Paths,
) {
    match explain::why_not(model, atom) {
        Ok(w) => {
            println!("{}", render::text::verdict(&w));
            for n in &w.notes {
                println!("note: {n}");
            }
            let shown: Vec<String> = paths
                .paths
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            println!(
                "hint: `warrant why-not {} '{}'` shows which conditions failed",
                shown.join(" "),
                text.trim()
            );
        }
        Err(_) => println!("no conclusion matches `{}`", text.trim()),
    }
}

pub fn run(args: Args) -> u8 {
    let (atom, model, partial) = match prepare_for(&args.target, "explain", !args.no_demand) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let program = model.program();
    let rows = match explain::matching_rows(&model, &atom) {
        Ok(r) => r,
        Err(d) => {
            super::emit(&[d], &program.sources, super::Format::Text);
            return super::EXIT_USAGE;
        }
    };
    let proof = explain::explain_all(&model, &rows);
    let code = match (&proof, args.format) {
        (Some(proof), ExplainFormat::Text) => {
            let mut text = render::text::proof(proof, super::stdout_color());
            text.push_str(&super::retracted_note(model.program()));
            super::to_stdout(|out| out.write_all(text.as_bytes()))
        }
        (Some(proof), ExplainFormat::Dot) => {
            super::to_stdout(|out| out.write_all(render::dot::proof(proof).as_bytes()))
        }
        (proof, ExplainFormat::Json) => super::print_json(&render::json::explain(
            args.target.atom.trim(),
            proof.as_ref(),
            super::retracted(model.program()),
        )),
        (None, _) if !partial => {
            not_derived(&model, &atom, &args.target.atom, &args.target.paths);
            super::EXIT_OK
        }
        // Why-not reads rows the atom does not depend on: the whole model.
        (None, _) => match prepare(&args.target, "explain") {
            Ok((atom, model)) => {
                not_derived(&model, &atom, &args.target.atom, &args.target.paths);
                super::EXIT_OK
            }
            Err(code) => code,
        },
    };
    if code != super::EXIT_OK {
        return code;
    }
    if rows.is_empty() {
        super::EXIT_FAILED
    } else {
        super::EXIT_OK
    }
}
