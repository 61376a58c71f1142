//! `warrant assumptions PATH... 'ATOM'`: the key assumptions of a
//! conclusion — the facts it rests on (marked when every proof needs them)
//! and the exceptions its proof assumed absent.

use std::io::Write as _;

use warrant::{explain, render};

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
    let (atom, model) = match super::explain::prepare(&args.target, "assumptions") {
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
    let code = match args.format {
        Format::Json => {
            let list: Vec<_> = all.iter().map(render::json::assumptions).collect();
            super::print_json(&list)
        }
        Format::Text if all.is_empty() => {
            super::explain::not_derived(&model, &atom, &args.target.atom, &args.target.paths);
            super::EXIT_OK
        }
        Format::Text => {
            let color = super::stdout_color();
            let blocks: Vec<String> = all
                .iter()
                .map(|a| render::text::assumptions(a, color))
                .collect();
            let text = blocks.join("\n") + &super::retracted_note(program);
            super::to_stdout(|out| out.write_all(text.as_bytes()))
        }
    };
    if code != super::EXIT_OK {
        return code;
    }
    if all.is_empty() {
        super::EXIT_FAILED
    } else {
        super::EXIT_OK
    }
}
