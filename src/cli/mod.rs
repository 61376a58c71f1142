//! Command-line interface: argument parsing, loading, and picking a renderer.
//! Every command is a thin layer over the library.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};

use warrant::diagnostics::{self, Code, Diagnostic, Style};
use warrant::source::Sources;

mod assumptions;
mod check;
mod conjunction;
mod diff;
mod duckdb;
mod explain;
mod export;
mod fmt;
mod parquet;
mod query;
mod report;
mod run;
mod test;
mod why_not;

/// Exit codes: 0 ok; 1 the rules have errors, a test failed or a check
/// failed; 2 usage or I/O error.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "warrant",
    version,
    about = "A rules-based assessment engine: rules, scenarios, and conclusions you can defend",
    long_about = None,
    after_help = "Exit codes: 0 ok; 1 the rules have errors, a test failed or a check failed; 2 usage or I/O error.\nColour only on a terminal, never with NO_COLOR."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check rule files for errors and print a summary
    Check(check::Args),
    /// Derive every conclusion, with its likelihood, and the conflicts that hold
    Run(run::Args),
    /// Print the rows that match a pattern, one column per variable
    Query(query::Args),
    /// Run the `test` blocks of rule files
    Test(test::Args),
    /// Rewrite rule files in the canonical layout (--check: only report)
    Fmt(fmt::Args),
    /// Compare two scenarios: conclusions gained, lost or changed in likelihood
    Diff(diff::Args),
    /// Explain a conclusion: its proof, with rules, sources and premises (text, json or dot)
    Explain(explain::Args),
    /// Explain why an atom was not derived: which conditions of which rules failed
    #[command(name = "why-not")]
    WhyNot(why_not::Args),
    /// List the key assumptions of a conclusion: the facts and exceptions it rests on
    Assumptions(assumptions::Args),
    /// Write a report to share: every conclusion with its proof, the conflicts, the changes (HTML or Markdown)
    Report(report::Args),
    /// Write the program as a SQL script that computes every conclusion (DuckDB)
    Export(export::Args),
    /// Serve the Language Server Protocol on stdin/stdout, for editors
    Lsp,
}

/// Output format of commands that print results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// When the command started: `--timeout` counts from here.
static STARTED: OnceLock<Instant> = OnceLock::new();

pub fn main() -> ExitCode {
    STARTED.get_or_init(Instant::now);
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    EXIT_OK
                }
                _ => EXIT_USAGE,
            });
        }
    };
    let code = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Run(args) => run::run(args),
        Command::Query(args) => query::run(args),
        Command::Test(args) => test::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Explain(args) => explain::run(args),
        Command::WhyNot(args) => why_not::run(args),
        Command::Assumptions(args) => assumptions::run(args),
        Command::Report(args) => report::run(args),
        Command::Export(args) => export::run(args),
        Command::Lsp => crate::lsp::serve(),
    };
    ExitCode::from(code)
}

/// Colour on stderr only on a terminal, never with `NO_COLOR`.
pub fn stderr_style() -> Style {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100);
    Style { color, width }
}

/// Whether stdout is a terminal that may be coloured.
pub fn stdout_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Prints diagnostics: graphical on stderr, or (JSON) an array on stdout.
pub fn emit(diags: &[Diagnostic], sources: &Sources, format: Format) {
    match format {
        Format::Text => {
            let style = stderr_style();
            let mut err = std::io::stderr().lock();
            // Text is for reading: repeats are counted, not all printed.
            let shown = diagnostics::bounded(diags, sources, diagnostics::SHOWN_PER_FILE);
            for d in &shown {
                let _ = write!(err, "{}", diagnostics::render(d, sources, style));
            }
        }
        Format::Json => {
            print_json(&warrant::render::json::diagnostics(diags, sources));
        }
    }
}

pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> u8 {
    to_stdout(|out| warrant::render::json::write(out, value))
}

/// Runs a writer on buffered stdout. A closed pipe (`warrant run … | head`)
/// ends the output quietly; another write error is reported, exit code 2.
/// Returns the exit code of the writing: 0 or 2.
pub fn to_stdout(
    write: impl FnOnce(&mut std::io::BufWriter<std::io::StdoutLock<'static>>) -> std::io::Result<()>,
) -> u8 {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            let d = Diagnostic::error(
                diagnostics::Code::Io,
                format!("cannot write the output: {e}"),
            );
            emit(&[d], &Sources::new(), Format::Text);
            EXIT_USAGE
        }
    }
}

/// The exit code for a run with these diagnostics: 2 when a file could not
/// be read, 1 for other errors (and warnings under `--deny-warnings`), else 0.
pub fn exit_code(diags: &[Diagnostic], deny_warnings: bool) -> u8 {
    if diags.iter().any(|d| d.code == Code::Io) {
        EXIT_USAGE
    } else if diags.iter().any(|d| d.is_error() || deny_warnings) {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

/// Paths given on the command line.
#[derive(clap::Args, Debug)]
pub struct Paths {
    /// Rule files, or folders (every .wr file below them, in sorted order)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Options of every command that evaluates.
#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// Do not record derivations (faster, less memory; nothing to explain)
    #[arg(long)]
    pub no_provenance: bool,
    /// Stop when the model grows past this many rows
    #[arg(long, value_name = "N", default_value_t = warrant::engine::DEFAULT_MAX_ROWS)]
    pub max_rows: usize,
    /// Stop evaluating once the command has run this long, e.g. 30s, 2m, 1h 30m
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

/// A duration as people write it: `30s`, `2m`, `1h 30m`, `500ms`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text)
        .map_err(|e| format!("{e}; write a number and a unit, e.g. 30s, 2m or 1h 30m"))
}

/// The moment a `--timeout` measured from the command's start ends.
pub fn deadline(timeout: Option<Duration>) -> Option<Instant> {
    let started = *STARTED.get_or_init(Instant::now);
    timeout.and_then(|t| started.checked_add(t))
}

/// Loads and checks; prints the diagnostics (warnings too) on stderr.
/// On errors, returns the exit code.
pub fn load_program(paths: &[PathBuf]) -> Result<Arc<warrant::Program>, u8> {
    let loaded = warrant::load(paths);
    emit(&loaded.diagnostics, &loaded.sources, Format::Text);
    match loaded.program {
        Some(p) => Ok(Arc::new(p)),
        None => Err(exit_code(&loaded.diagnostics, false).max(EXIT_FAILED)),
    }
}

/// For commands that answer about one world (`explain`, `why-not`,
/// `query`, `assumptions`): a usage error naming the roots when the files
/// given make several worlds.
pub fn one_world(program: &warrant::Program, command: &str) -> Result<(), u8> {
    if program.roots.len() <= 1 {
        return Ok(());
    }
    let names: Vec<String> = program
        .roots
        .iter()
        .map(|&r| program.sources.get(r).name())
        .collect();
    let d = Diagnostic::error(
        Code::SeveralWorlds,
        format!(
            "`{command}` answers about one world, but these files are {} separate worlds: {}",
            names.len(),
            names.join(", ")
        ),
    )
    .with_help(format!(
        "give one scenario file (and nothing it does not import), e.g. `warrant {command} {} …`",
        names[0]
    ));
    emit(&[d], &program.sources, Format::Text);
    Err(EXIT_USAGE)
}

/// What the world took back, as a closing note of `explain` and
/// `assumptions`: `this world retracts: retract ally(korea, _)`; empty
/// when it retracts nothing.
pub fn retracted_note(program: &warrant::Program) -> String {
    let list = retracted(program);
    if list.is_empty() {
        return String::new();
    }
    format!("\nthis world retracts: {}\n", list.join(", "))
}

/// The world's `retract` items as written, for the JSON of `explain` and
/// `assumptions`.
pub fn retracted(program: &warrant::Program) -> Vec<String> {
    program
        .retractions
        .iter()
        .map(|r| program.format_retraction(r))
        .collect()
}

/// Evaluates; prints the diagnostics of a failed evaluation, and the
/// warnings of a successful one.
pub fn evaluate(
    program: &Arc<warrant::Program>,
    args: &EvalArgs,
) -> Result<warrant::engine::Model, u8> {
    evaluate_world(program, args, None)
}

/// Evaluates what the answers to these patterns need (see
/// `warrant::engine::demand`), or with `demand` off the whole model; prints
/// diagnostics as [`evaluate`] does. Also says whether the model is partial
/// (computed by demand).
pub fn evaluate_for(
    program: &Arc<warrant::Program>,
    args: &EvalArgs,
    patterns: &[&warrant::syntax::ast::Atom],
    demand: bool,
) -> Result<(warrant::engine::Model, bool), u8> {
    use warrant::engine::demand;
    let goals: Option<Vec<demand::Goal>> = patterns
        .iter()
        .map(|a| demand::Goal::of_pattern(program, a))
        .collect();
    let Some(goals) = goals.filter(|_| demand) else {
        return evaluate(program, args).map(|m| (m, false));
    };
    let options = eval_options(args, None);
    let demanded = demand::evaluate_goals(program, &options, &goals);
    let partial = matches!(&demanded, Ok(d) if d.strategy.is_ok());
    finish_evaluation(program, demanded.map(|d| d.model)).map(|m| (m, partial))
}

/// Evaluates the world of these files (all files when `None`).
pub fn evaluate_world(
    program: &Arc<warrant::Program>,
    args: &EvalArgs,
    files: Option<Vec<warrant::source::FileId>>,
) -> Result<warrant::engine::Model, u8> {
    let options = eval_options(args, files);
    finish_evaluation(program, warrant::engine::evaluate(program, &options))
}

/// The evaluation options the arguments ask for.
fn eval_options(
    args: &EvalArgs,
    files: Option<Vec<warrant::source::FileId>>,
) -> warrant::engine::EvalOptions {
    warrant::engine::EvalOptions {
        provenance: !args.no_provenance,
        max_rows: args.max_rows,
        files,
        deadline: deadline(args.timeout),
        ..Default::default()
    }
}

/// Prints the warnings of a successful evaluation, the diagnostics of a
/// failed one.
fn finish_evaluation(
    program: &warrant::Program,
    result: Result<warrant::engine::Model, Vec<Diagnostic>>,
) -> Result<warrant::engine::Model, u8> {
    match result {
        Ok(model) => {
            // Warnings of the evaluation (divisions by zero) on stderr.
            emit(model.warnings(), &program.sources, Format::Text);
            Ok(model)
        }
        Err(diags) => {
            emit(&diags, &program.sources, Format::Text);
            Err(EXIT_FAILED)
        }
    }
}

/// Parses an atom typed on the command line; its diagnostics point into it.
pub fn parse_pattern(
    program: &warrant::Program,
    text: &str,
) -> Result<warrant::syntax::ast::Atom, u8> {
    let mut sources = program.sources.clone();
    let file = sources.add(PathBuf::from("<pattern>"), text.to_string());
    warrant::syntax::parse_atom(file, text).map_err(|d| {
        emit(&[d], &sources, Format::Text);
        EXIT_USAGE
    })
}
