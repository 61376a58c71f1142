//! `warrant run PATH...`: derive every conclusion and print it, with the
//! conflicts that hold; a summary goes to stderr. `--output-dir` writes one
//! file per predicate instead, `--only` picks predicates, `--quiet` prints
//! the summary alone.

use std::path::{Path, PathBuf};

use warrant::diagnostics::{Code, Diagnostic, did_you_mean};
use warrant::engine::Model;
use warrant::ir::PredId;
use warrant::render::{self, export::TableFormat};

use super::{Format, Paths};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    paths: Paths,
    #[command(flatten)]
    eval: super::EvalArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also list the facts given or loaded, not only conclusions
    #[arg(long)]
    all: bool,
    /// Follow each conclusion with a one-line reason
    #[arg(long)]
    explain: bool,
    /// Only these predicates (comma-separated or repeated), whether concluded or given
    #[arg(long, value_name = "PRED", value_delimiter = ',')]
    only: Vec<String>,
    /// Print nothing but the summary line (on stderr)
    #[arg(long, conflicts_with_all = ["explain", "format"])]
    quiet: bool,
    /// Write each predicate's rows to DIR/PRED.csv (or .tsv, .jsonl) instead of printing them
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Format of the files written by --output-dir
    #[arg(long, value_enum, default_value_t = OutputFormat::Csv, requires = "output_dir")]
    output_format: OutputFormat,
    /// What computes the rows: Warrant's engine, or DuckDB running the script
    /// of `export --sql` (same rows and likelihoods; nothing to explain)
    #[arg(long, value_enum, default_value_t = Engine::Native)]
    engine: Engine,
    /// The DuckDB program for --engine duckdb (default: $WARRANT_DUCKDB, else `duckdb`)
    #[arg(long, value_name = "PATH")]
    duckdb: Option<PathBuf>,
    #[command(flatten)]
    parquet: super::parquet::ParquetArgs,
}

/// What computes the rows of `run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// Warrant's engine (with derivations to explain)
    Native,
    /// DuckDB's command-line program (`pip install duckdb-cli`)
    Duckdb,
}

/// Format of the files of `--output-dir`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Comma-separated, a header row, the likelihood as word and number
    Csv,
    /// Tab-separated, likewise
    Tsv,
    /// JSON Lines: one object per row
    Jsonl,
}

impl OutputFormat {
    fn table(self) -> TableFormat {
        match self {
            OutputFormat::Csv => TableFormat::Csv,
            OutputFormat::Tsv => TableFormat::Tsv,
            OutputFormat::Jsonl => TableFormat::Jsonl,
        }
    }
}

pub fn run(args: Args) -> u8 {
    if args.engine == Engine::Native && !args.parquet.is_empty() {
        let d = super::parquet::native_refusal();
        super::emit(&[d], &warrant::source::Sources::default(), Format::Text);
        return super::EXIT_USAGE;
    }
    let program = match super::parquet::load(&args.paths.paths, &args.parquet) {
        Ok(p) => p,
        Err(code) => return code,
    };
    // Named predicates are checked before the (possibly long) evaluation.
    let only = match named(&program, &args.only) {
        Ok(only) => only,
        Err(d) => {
            super::emit(&[d], &program.sources, Format::Text);
            return super::EXIT_USAGE;
        }
    };
    let duckdb = super::duckdb::Options {
        explain: args.explain,
        max_rows: args.eval.max_rows,
        program: args.duckdb.as_deref(),
        deadline: super::deadline(args.eval.timeout),
    };
    // The world of these files (every file when `None`), by the engine asked for.
    let evaluate = |files: Option<Vec<warrant::source::FileId>>| match args.engine {
        Engine::Native => super::evaluate_world(&program, &args.eval, files),
        Engine::Duckdb => super::duckdb::evaluate(&program, files, &duckdb),
    };
    if program.roots.len() <= 1 {
        let model = match evaluate(None) {
            Ok(m) => m,
            Err(code) => return code,
        };
        return run_world(&args, &model, only, args.output_dir.clone(), None);
    }
    // Several root files: each is a world, evaluated and printed on its own.
    let worlds = program.worlds();
    let mut models = Vec::with_capacity(worlds.len());
    for (root, files) in worlds {
        match evaluate(Some(files)) {
            Ok(m) => models.push((program.sources.get(root).name(), m)),
            Err(code) => return code,
        }
    }
    if args.format == Format::Json && args.output_dir.is_none() && !args.quiet {
        let preds: Vec<Vec<PredId>> = models
            .iter()
            .map(|(_, model)| {
                only.clone()
                    .unwrap_or_else(|| render::run_predicates(model, args.all, false))
            })
            .collect();
        let runs: Vec<render::json::WorldRun> = models
            .iter()
            .zip(&preds)
            .map(|((name, model), preds)| render::json::WorldRun {
                world: name.clone(),
                run: render::json::run(model, preds, args.explain),
            })
            .collect();
        let code = super::print_json(&runs);
        for (name, model) in &models {
            eprintln!("{name}: {}", render::text::summary(model));
        }
        return code;
    }
    let mut code = super::EXIT_OK;
    for (i, (name, model)) in models.iter().enumerate() {
        if !args.quiet {
            let _ = super::to_stdout(|out| render::text::world_heading(out, name, i == 0));
        }
        let dir = args.output_dir.as_ref().map(|d| d.join(world_stem(name)));
        code = code.max(run_world(&args, model, only.clone(), dir, Some(name)));
    }
    code
}

/// A world's folder under `--output-dir`: its root file's name without `.wr`.
fn world_stem(name: &str) -> String {
    std::path::Path::new(name)
        .file_stem()
        .map_or_else(|| name.to_string(), |s| s.to_string_lossy().into_owned())
}

/// Prints (or writes) one world's results; the summary goes to stderr.
fn run_world(
    args: &Args,
    model: &Model,
    only: Option<Vec<PredId>>,
    output_dir: Option<PathBuf>,
    world: Option<&str>,
) -> u8 {
    let code = if let Some(dir) = &output_dir {
        let preds = only.unwrap_or_else(|| render::run_predicates(model, args.all, true));
        let code = write_files(dir, args.output_format.table(), model, &preds);
        if code != super::EXIT_OK || args.quiet {
            code
        } else {
            // The rows went to files; the conflicts still print.
            eprintln!(
                "wrote {} file{} to {}",
                preds.len(),
                if preds.len() == 1 { "" } else { "s" },
                dir.display()
            );
            print(args, model, &[])
        }
    } else if args.quiet {
        super::EXIT_OK
    } else {
        let preds = only.unwrap_or_else(|| render::run_predicates(model, args.all, false));
        print(args, model, &preds)
    };
    match world {
        Some(name) => eprintln!("{name}: {}", render::text::summary(model)),
        None => eprintln!("{}", render::text::summary(model)),
    }
    code
}

/// The rows of `preds` and the conflicts, on stdout.
fn print(args: &Args, model: &Model, preds: &[PredId]) -> u8 {
    match args.format {
        Format::Text if preds.is_empty() && args.output_dir.is_some() => {
            super::to_stdout(|out| render::text::conflicts(out, model, super::stdout_color()))
        }
        Format::Text => {
            let opts = render::text::RunOptions {
                explain: args.explain,
                color: super::stdout_color(),
            };
            super::to_stdout(|out| render::text::run(out, model, preds, &opts))
        }
        Format::Json => {
            super::to_stdout(|out| render::json::write_run(out, model, preds, args.explain))
        }
    }
}

/// The predicates named by `--only`, in the order given (`None` without).
fn named(program: &warrant::Program, names: &[String]) -> Result<Option<Vec<PredId>>, Diagnostic> {
    if names.is_empty() {
        return Ok(None);
    }
    let mut preds = Vec::with_capacity(names.len());
    for name in names {
        let name = name.trim();
        let Some(p) = program.pred_id(name) else {
            let mut d = Diagnostic::error(
                Code::UnknownPredicate,
                format!("`--only {name}`: no predicate `{name}`"),
            );
            if let Some(s) = did_you_mean(name, program.preds.iter().map(|p| p.name.as_str())) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            return Err(d);
        };
        if !preds.contains(&p) {
            preds.push(p);
        }
    }
    Ok(Some(preds))
}

/// Writes `DIR/PRED.ext` for each predicate; the directory is created if
/// missing. A file that cannot be written is a `warrant::io` error (exit 2).
fn write_files(dir: &Path, format: TableFormat, model: &Model, preds: &[PredId]) -> u8 {
    let program = model.program();
    let fail = |path: &Path, e: std::io::Error| {
        let d = Diagnostic::error(Code::Io, format!("cannot write `{}`: {e}", path.display()))
            .with_path(path);
        super::emit(&[d], &program.sources, Format::Text);
        super::EXIT_USAGE
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        return fail(dir, e);
    }
    for &p in preds {
        let path = dir.join(format!("{}.{}", program.pred(p).name, format.extension()));
        let written = std::fs::File::create(&path).and_then(|file| {
            let out = std::io::BufWriter::with_capacity(1 << 16, file);
            render::export::predicate(out, model, p, format)
        });
        if let Err(e) = written {
            return fail(&path, e);
        }
    }
    super::EXIT_OK
}
