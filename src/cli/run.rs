//! `warrant run PATH...`: derive every conclusion and print it, with the
//! conflicts that hold; a summary goes to stderr.

use warrant::engine::render;

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
    let opts = render::RenderOptions {
        format: super::engine_format(args.format),
        all: args.all,
        reasons: None,
    };
    print!("{}", render::render_run(&program, &model, &opts));
    eprintln!("{}", render::render_summary(&program, &model));
    super::EXIT_OK
}

