//! `warrant query PATH... 'PATTERN'`: the rows that match a pattern such as
//! `hedges(A)` or `threat(china, R, _)`, one column per variable; or the
//! answers of a conjunction such as `edge(X, Y), edge(Y, Z), X != Z`
//! (`super::conjunction`), one column per named variable.

use warrant::{engine, render};

use super::{Format, Paths};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    paths: Paths,
    /// The pattern: an atom whose variables become columns, e.g. 'hedges(A)',
    /// or a conjunction of atoms and comparisons, e.g. 'edge(X, Y), Y > 2'
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
    let mut sources = program.sources.clone();
    let file = sources.add("<pattern>".into(), args.pattern.clone());
    let Ok(atom) = warrant::syntax::parse_atom(file, &args.pattern) else {
        return conjunction(&args);
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

/// A pattern that is not one atom: a conjunction, checked and evaluated as
/// a rule's body (`super::conjunction`).
fn conjunction(args: &Args) -> u8 {
    let program = match super::load_program(&args.paths.paths) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let root = program.roots.first().copied();
    let (program, head) = match super::conjunction::load(&args.paths.paths, root, &args.pattern) {
        Ok(loaded) => loaded,
        Err((diagnostics, sources)) => {
            super::emit(&diagnostics, &sources, Format::Text);
            return super::EXIT_USAGE;
        }
    };
    let program = std::sync::Arc::new(program);
    let model = match super::evaluate_for(&program, &args.eval, &[&head], !args.no_demand) {
        Ok((m, _)) => m,
        Err(code) => return code,
    };
    let query = match engine::resolve_query(&model, &head) {
        Ok(q) => q,
        Err(d) => {
            super::emit(&[d], &program.sources, Format::Text);
            return super::EXIT_USAGE;
        }
    };
    let table = engine::query_table(&model, &query);
    match args.format {
        Format::Text => super::to_stdout(|out| render::text::query(out, &model, &table)),
        Format::Json => super::print_json(&render::json::conjunction_query(&model, &table)),
    }
}
