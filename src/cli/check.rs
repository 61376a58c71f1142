//! `warrant check PATH...`: report every problem, or a one-line summary.

use super::{Format, Paths, emit, exit_code};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    paths: Paths,
    /// How to print diagnostics (json: an array on stdout)
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    deny_warnings: bool,
}

pub fn run(args: Args) -> u8 {
    let loaded = warrant::load(&args.paths.paths);
    emit(&loaded.diagnostics, &loaded.sources, args.format);
    let code = exit_code(&loaded.diagnostics, args.deny_warnings);
    if let (Some(program), Format::Text, super::EXIT_OK) = (&loaded.program, args.format, code) {
        println!("{}", warrant::check::summary(program));
    }
    code
}
