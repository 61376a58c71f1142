//! `warrant why-not PATH... 'ATOM'`: why a ground atom was not derived —
//! every rule that could conclude it, and which of its conditions failed.

use std::io::Write as _;

use warrant::{explain, render};

use super::Format;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    target: super::explain::Target,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Exit 0 when the atom was derived after all (its proof is shown), 1 when
/// it was not, 2 for a usage error (an atom with variables).
pub fn run(args: Args) -> u8 {
    let (atom, model) = match super::explain::prepare(&args.target, "why-not") {
        Ok(x) => x,
        Err(code) => return code,
    };
    let program = model.program();
    let report = match explain::why_not(&model, &atom) {
        Ok(w) => w,
        Err(d) => {
            super::emit(&[d], &program.sources, Format::Text);
            return super::EXIT_USAGE;
        }
    };
    let code = match args.format {
        Format::Text => {
            let text = render::text::why_not(&report, super::stdout_color());
            super::to_stdout(|out| out.write_all(text.as_bytes()))
        }
        Format::Json => super::print_json(&render::json::why_not(&report)),
    };
    if code != super::EXIT_OK {
        return code;
    }
    if report.is_derived() {
        super::EXIT_OK
    } else {
        super::EXIT_FAILED
    }
}
