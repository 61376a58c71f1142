//! `warrant query PATH... 'PATTERN'`: the rows that match a pattern such as
//! `hedges(A)` or `threat(china, R, _)`, one column per variable; or the
//! answers of a conjunction such as `edge(X, Y), edge(Y, Z), X != Z`
//! (`super::conjunction`), one column per named variable.

use warrant::{engine, explain, render};

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
    /// Follow each answer with its proof (for a conjunction, the proofs of
    /// the rows it matched)
    #[arg(long, conflicts_with = "no_provenance")]
    explain: bool,
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
    match warrant::syntax::parse_atom(file, &args.pattern) {
        Ok(atom) => answer(&program, &atom, &args, Shape::Atom),
        Err(_) => conjunction(&program, &args),
    }
}

/// What the answers are of, which decides their JSON shape.
#[derive(Clone, Copy)]
enum Shape {
    Atom,
    Conjunction,
}

/// A pattern that is not one atom: a conjunction, checked and evaluated as
/// a rule's body (`super::conjunction`), its conclusion then queried.
fn conjunction(loaded: &warrant::Program, args: &Args) -> u8 {
    let root = loaded.roots.first().copied();
    let (program, head) = match super::conjunction::load(&args.paths.paths, root, &args.pattern) {
        Ok(loaded) => loaded,
        Err((diagnostics, sources)) => {
            super::emit(&diagnostics, &sources, Format::Text);
            return super::EXIT_USAGE;
        }
    };
    answer(
        &std::sync::Arc::new(program),
        &head,
        args,
        Shape::Conjunction,
    )
}

/// Evaluates what the atom needs and prints the rows matching it.
fn answer(
    program: &std::sync::Arc<warrant::Program>,
    atom: &warrant::syntax::ast::Atom,
    args: &Args,
    shape: Shape,
) -> u8 {
    let model = match super::evaluate_for(program, &args.eval, &[atom], !args.no_demand) {
        Ok((m, _)) => m,
        Err(code) => return code,
    };
    let query = match engine::resolve_query(&model, atom) {
        Ok(q) => q,
        Err(d) => {
            super::emit(&[d], &program.sources, Format::Text);
            return super::EXIT_USAGE;
        }
    };
    let table = engine::query_table(&model, &query);
    if args.explain {
        return explained(&model, &table, args.format, shape);
    }
    match (args.format, shape) {
        (Format::Text, _) => super::to_stdout(|out| render::text::query(out, &model, &table)),
        (Format::Json, Shape::Atom) => super::print_json(&render::json::query(&model, &table)),
        (Format::Json, Shape::Conjunction) => {
            super::print_json(&render::json::conjunction_query(&model, &table))
        }
    }
}

/// The answers, each with its proof: an atom's row's own, or the proofs of
/// the rows a conjunction's answer matched (its made-up conclusion left
/// out).
fn explained(
    model: &engine::Model,
    table: &engine::QueryTable,
    format: Format,
    shape: Shape,
) -> u8 {
    let proofs: Vec<Option<explain::Proof>> = table
        .answers(model)
        .map(|(_, _, row)| match shape {
            Shape::Atom => explain::explain(model, table.pred, row),
            Shape::Conjunction => explain::explain_premises(model, table.pred, row),
        })
        .collect();
    match (format, shape) {
        (Format::Text, _) => super::to_stdout(|out| {
            render::text::query_explained(out, model, table, &proofs, super::stdout_color())
        }),
        (Format::Json, Shape::Atom) => {
            super::print_json(&render::json::query(model, table).with_proofs(&proofs))
        }
        (Format::Json, Shape::Conjunction) => {
            super::print_json(&render::json::conjunction_query(model, table).with_proofs(&proofs))
        }
    }
}
