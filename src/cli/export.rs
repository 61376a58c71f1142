//! `warrant export --sql [--dialect duckdb] PATH...`: the program as a SQL
//! script that computes every predicate and conflict (see
//! `warrant::export::sql`).

use std::io::Write;

use warrant::export::sql::{self, Dialect};

use super::{Format, Paths};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    paths: Paths,
    /// Write the program as a SQL script (the one export there is)
    #[arg(long, required = true)]
    sql: bool,
    /// SQL dialect of the script
    #[arg(long, value_enum, default_value_t = DialectArg::Duckdb)]
    dialect: DialectArg,
    #[command(flatten)]
    parquet: super::parquet::ParquetArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DialectArg {
    /// DuckDB (recursive CTEs, UNION types, macros)
    Duckdb,
}

pub fn run(args: Args) -> u8 {
    let program = match super::parquet::load(&args.paths.paths, &args.parquet) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let DialectArg::Duckdb = args.dialect;
    match sql::compile(&program, Dialect::DuckDb) {
        Ok(script) => super::to_stdout(|out| out.write_all(script.sql.as_bytes())),
        Err(diags) => {
            super::emit(&diags, &program.sources, Format::Text);
            super::EXIT_FAILED
        }
    }
}
