//! `warrant diff BASE OTHER`: what changes between two scenarios — the
//! conclusions gained, lost, or changed in likelihood, and the conflicts.

use warrant::engine::Model;
use warrant::explain::{self, Compared};
use warrant::render::{json, text};

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

fn world(path: &std::path::Path, args: &Args) -> Result<Model, u8> {
    let program = super::load_program(&[path.to_path_buf()])?;
    super::one_world(&program, "diff")?;
    super::evaluate(&program, &args.eval)
}

pub fn run(args: Args) -> u8 {
    let base = match world(&args.base, &args) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let other = match world(&args.other, &args) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let compared = if args.all {
        Compared::All
    } else {
        Compared::Conclusions
    };
    let changes = explain::changes(&base, &other, compared);
    let (base, other) = (args.base.to_string_lossy(), args.other.to_string_lossy());
    match args.format {
        Format::Json => super::print_json(&json::changes(&base, &other, &changes)),
        Format::Text => {
            let out = text::changes(&base, &other, &changes);
            super::to_stdout(|w| std::io::Write::write_all(w, out.as_bytes()))
        }
    }
}
