//! `warrant assumptions PATH... 'ATOM'`: the key assumptions of a
//! conclusion — the facts it rests on (marked when every proof needs them)
//! and the exceptions its proof assumed absent.

use warrant::explain::{self, render};

use super::Format;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    target: super::explain::Target,
    /// Output format (json: an array, one entry per match)
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: Args) -> u8 {
    let (atom, model) = match super::explain::prepare(&args.target) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let program = model.program();
    let rows = match explain::matching_rows(&model, &atom) {
        Ok(r) => r,
        Err(d) => {
            super::emit(&[d], &program.sources, Format::Text);
            return super::EXIT_USAGE;
        }
    };
    let all: Vec<explain::Assumptions> = rows
        .iter()
        .filter_map(|&(p, r)| explain::assumptions(&model, p, r))
        .collect();
    match args.format {
        Format::Json => {
            super::print_json(&serde_json::Value::Array(
                all.iter().map(render::assumptions_json).collect(),
            ));
        }
        Format::Text if all.is_empty() => {
            super::explain::not_derived(&model, &atom, &args.target.atom, &args.target.paths);
        }
        Format::Text => {
            let color = super::stdout_color();
            let blocks: Vec<String> = all
                .iter()
                .map(|a| render::assumptions_text(a, color))
                .collect();
            print!("{}", blocks.join("\n"));
        }
    }
    if all.is_empty() {
        super::EXIT_FAILED
    } else {
        super::EXIT_OK
    }
}
