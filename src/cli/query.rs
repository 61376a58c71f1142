//! `warrant query PATH... 'PATTERN'`: the rows that match a pattern such as
//! `hedges(A)` or `threat(china, R, _)`, one column per variable.

use warrant::{engine, render};

use super::{Format, Paths};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    paths: Paths,
    /// The pattern: an atom whose variables become columns, e.g. 'hedges(A)'
    #[arg(value_name = "PATTERN")]
    pattern: String,
    #[command(flatten)]
    eval: super::EvalArgs,
    /// Compute the whole model even when the pattern has constants (by
    /// default only what its answers depend on is computed)
    #[arg(long)]
    no_demand: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: Args) -> u8 {
    let program = match super::load_program(&args.paths.paths) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Err(code) = super::one_world(&program, "query") {
        return code;
    }
    let atom = match super::parse_pattern(&program, &args.pattern) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let model = match super::evaluate_for(&program, &args.eval, &[&atom], !args.no_demand) {
        Ok((m, _)) => m,
        Err(code) => return code,
    };
    let query = match engine::resolve_query(&model, &atom) {
        Ok(q) => q,
        Err(d) => {
            super::emit(&[d], &program.sources, Format::Text);
            return super::EXIT_USAGE;
        }
    };
    let table = engine::query_table(&model, &query);
    match args.format {
        Format::Text => super::to_stdout(|out| render::text::query(out, &model, &table)),
        Format::Json => super::print_json(&render::json::query(&model, &table)),
    }
}
