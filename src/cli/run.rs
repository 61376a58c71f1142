//! `warrant run PATH...`: derive every conclusion and print it, with the
//! conflicts that hold; a summary goes to stderr.

use warrant::render;

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
    let code = match args.format {
        Format::Text => {
            let opts = render::text::RunOptions {
                all: args.all,
                explain: args.explain,
                color: super::stdout_color(),
            };
            super::to_stdout(|out| render::text::run(out, &program, &model, &opts))
        }
        Format::Json => {
            super::print_json(&render::json::run(&program, &model, args.all, args.explain))
        }
    };
    eprintln!("{}", render::text::summary(&program, &model));
    code
}
