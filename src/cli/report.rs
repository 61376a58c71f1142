//! `warrant report WORLD… [-o FILE] [--format html|md]`: one document with
//! every conclusion, its proof and key assumptions, the conflicts that hold
//! and, for two worlds, what the second changes against the first.
//!
//! Graphs come from Graphviz when `dot` is installed: one `dot` process per
//! world draws every proof; when it is missing the report says so (and so
//! does stderr).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use warrant::diagnostics::{Code, Diagnostic};
use warrant::render::report::{self, Graphs, Meta, WorldInput};
use warrant::source::Sources;

/// Document format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// One self-contained HTML page
    Html,
    /// Markdown with collapsible <details> blocks
    Md,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Root files of the worlds to report, or folders (each root file in one is a world); with two worlds, also what the second changes against the first
    #[arg(required = true, value_name = "WORLD")]
    worlds: Vec<PathBuf>,
    /// Write the report to this file (default: standard output)
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Document format (default: from the output file's extension, else html)
    #[arg(long, value_enum)]
    format: Option<ReportFormat>,
    /// The date printed as the run's (default: SOURCE_DATE_EPOCH if set, else now)
    #[arg(long, value_name = "TEXT")]
    date: Option<String>,
    /// Leave out the proof graphs (drawn with Graphviz when it is installed)
    #[arg(long)]
    no_graphs: bool,
    /// Stop when the model grows past this many rows
    #[arg(long, value_name = "N", default_value_t = warrant::engine::DEFAULT_MAX_ROWS)]
    max_rows: usize,
    /// Stop evaluating once the command has run this long, e.g. 30s, 2m
    #[arg(long, value_name = "DURATION", value_parser = super::parse_duration)]
    timeout: Option<std::time::Duration>,
}

pub fn run(args: Args) -> u8 {
    let format =
        args.format
            .unwrap_or_else(|| match args.output.as_deref().and_then(Path::extension) {
                Some(e) if e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown") => {
                    ReportFormat::Md
                }
                _ => ReportFormat::Html,
            });
    let date = match run_date(args.date.as_deref()) {
        Ok(d) => d,
        Err(d) => {
            super::emit(&[d], &Sources::new(), super::Format::Text);
            return super::EXIT_USAGE;
        }
    };
    let eval = super::EvalArgs {
        no_provenance: false,
        max_rows: args.max_rows,
        timeout: args.timeout,
    };
    // Each path is loaded on its own; a folder with several root files is
    // several worlds, each evaluated apart (never merged).
    let mut loaded = Vec::new();
    for path in &args.worlds {
        let program = match super::load_program(std::slice::from_ref(path)) {
            Ok(p) => p,
            Err(code) => return code,
        };
        if program.roots.len() <= 1 {
            let model = match super::evaluate(&program, &eval) {
                Ok(m) => m,
                Err(code) => return code,
            };
            let files = program.sources.len();
            loaded.push((
                path.to_string_lossy().replace('\\', "/"),
                program,
                model,
                files,
            ));
            continue;
        }
        for (root, files) in program.worlds() {
            let count = files.len();
            let model = match super::evaluate_world(&program, &eval, Some(files)) {
                Ok(m) => m,
                Err(code) => return code,
            };
            let name = program.sources.get(root).name();
            loaded.push((name, program.clone(), model, count));
        }
    }
    let inputs: Vec<WorldInput> = loaded
        .iter()
        .map(|(path, program, model, files)| WorldInput {
            path: path.clone(),
            program,
            model,
            files: *files,
        })
        .collect();
    // Graphs only go into HTML; Markdown renderers do not take inline SVG.
    let graphs = if args.no_graphs || format == ReportFormat::Md {
        Graphs::Skipped
    } else {
        graphviz_status()
    };
    if let Graphs::Unavailable(why) = &graphs {
        eprintln!("warning: the report has no proof graphs: {why}");
    }
    let meta = Meta {
        date,
        version: env!("CARGO_PKG_VERSION").to_string(),
        graphs: graphs.clone(),
    };
    let mut doc = report::build(&inputs, meta);
    if graphs == Graphs::Included {
        for (i, input) in inputs.iter().enumerate() {
            let Some(world) = doc.worlds.get(i) else {
                continue;
            };
            let offered = world.dot(input);
            let (places, dots): (Vec<usize>, Vec<String>) = offered.graphs.into_iter().unzip();
            match draw(&dots) {
                Ok(svgs) => {
                    doc.set_graphs(i, places.into_iter().zip(svgs).collect(), offered.eligible)
                }
                Err(why) => {
                    eprintln!("warning: the report has no proof graphs: {why}");
                    doc.meta.graphs = Graphs::Unavailable(why);
                }
            }
        }
    }
    let text = match format {
        ReportFormat::Html => report::html::html(&doc),
        ReportFormat::Md => report::markdown::markdown(&doc),
    };
    match &args.output {
        None => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
        }
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                let d =
                    Diagnostic::error(Code::Io, format!("cannot write {}: {e}", path.display()))
                        .with_path(path)
                        .with_help("check that the folder exists and is writable");
                super::emit(&[d], &Sources::new(), super::Format::Text);
                return super::EXIT_USAGE;
            }
            let shown: usize = doc.worlds.iter().map(report::World::len).sum();
            eprintln!(
                "wrote {} ({shown} conclusion{})",
                path.display(),
                if shown == 1 { "" } else { "s" }
            );
        }
    }
    super::EXIT_OK
}

/// The run's date: `--date` as given, else `SOURCE_DATE_EPOCH` (seconds
/// since 1970, for reproducible documents), else the clock; as UTC.
fn run_date(given: Option<&str>) -> Result<String, Diagnostic> {
    if let Some(d) = given {
        return Ok(d.to_string());
    }
    let seconds = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v.trim().parse::<i64>().map_err(|_| {
            Diagnostic::error(
                Code::Usage,
                format!("SOURCE_DATE_EPOCH is `{v}`, not a number of seconds"),
            )
            .with_help("set it to seconds since 1970-01-01 UTC, e.g. SOURCE_DATE_EPOCH=1700000000, or pass --date")
        })?,
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
    };
    Ok(utc(seconds))
}

/// `2026-11-29 09:40 UTC` from seconds since the epoch (the civil-from-days
/// calendar computation).
fn utc(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60
    )
}

/// Whether Graphviz's `dot` can be run.
fn graphviz_status() -> Graphs {
    match Command::new("dot")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(s) if s.success() => Graphs::Included,
        Ok(_) => Graphs::Unavailable("Graphviz's `dot -V` failed".into()),
        Err(_) => Graphs::Unavailable(
            "Graphviz (`dot`) is not installed; install it (e.g. `apt-get install graphviz`) to draw each proof"
                .into(),
        ),
    }
}

/// Draws graphs with one `dot -Tsvg` process: it reads the graphs one after
/// another and writes one SVG document each. Returns the `<svg>` elements.
fn draw(graphs: &[String]) -> Result<Vec<String>, String> {
    if graphs.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run Graphviz's `dot`: {e}"))?;
    let input = graphs.concat();
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| "cannot write to Graphviz's `dot`".to_string())?;
    // Write from another thread: `dot` writes as it reads, and both pipes
    // must drain for it to finish.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| format!("Graphviz's `dot` failed: {e}"))?;
    let written = writer
        .join()
        .map_err(|_| "Graphviz's input failed".to_string())?;
    if let Err(e) = written {
        return Err(format!("cannot write to Graphviz's `dot`: {e}"));
    }
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "Graphviz's `dot` failed: {}",
            err.lines().next().unwrap_or("no message")
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let svgs = split_svgs(&text);
    if svgs.len() != graphs.len() {
        return Err(format!(
            "Graphviz drew {} of {} graphs",
            svgs.len(),
            graphs.len()
        ));
    }
    Ok(svgs)
}

/// The `<svg>…</svg>` elements of concatenated SVG documents, without their
/// XML prologue, doctype and comments (they may not stand inside HTML).
fn split_svgs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("<svg") {
        let Some(len) = rest[start..].find("</svg>") else {
            break;
        };
        let end = start + len + "</svg>".len();
        out.push(rest[start..end].to_string());
        rest = &rest[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc(1_700_000_000), "2023-11-14 22:13 UTC");
        assert_eq!(utc(-86_400), "1969-12-31 00:00 UTC");
    }

    #[test]
    fn svgs_are_split_and_stripped() {
        let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<!-- a -->\n<svg a=\"1\"><g/></svg>\n<?xml?><svg b=\"2\"></svg>\n";
        assert_eq!(
            split_svgs(text),
            vec!["<svg a=\"1\"><g/></svg>", "<svg b=\"2\"></svg>"]
        );
    }
}
