//! `warrant run PATH...`: derive every conclusion and print it, with the
//! conflicts that hold; a summary goes to stderr.

use warrant::engine::render;
use warrant::explain;

use super::{Format, Paths};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    paths: Paths,
    #[command(flatten)]
    eval: super::EvalArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also list the facts given or loaded, not only conclusions
    #[arg(long)]
    all: bool,
    /// Follow each conclusion with a one-line reason
    #[arg(long)]
    explain: bool,
}

pub fn run(args: Args) -> u8 {
    let program = match super::load_program(&args.paths.paths) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let model = match super::evaluate(&program, &args.eval) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let reason = |pred, row| Some(explain::reason(&model, pred, row));
    let color = args.format == Format::Text && super::stdout_color();
    // Each conflict is shown with the proofs of both its sides.
    let conflict = |hit: &warrant::engine::ConflictHit| {
        let c = explain::explain_conflict(&model, hit)?;
        Some((
            explain::render::conflict_text(&c, color),
            explain::render::conflict_json(&c),
        ))
    };
    let opts = render::RenderOptions {
        format: super::engine_format(args.format),
        all: args.all,
        reasons: (args.explain && model.has_provenance()).then_some(&reason as render::Reasons),
        conflicts: model
            .has_provenance()
            .then_some(&conflict as render::ConflictDetail),
    };
    print!("{}", render::render_run(&model, &opts));
    eprintln!("{}", render::render_summary(&model));
    super::EXIT_OK
}
