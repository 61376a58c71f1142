//! `warrant fmt PATH...`: rewrite rule files in the canonical layout, or
//! with `--check` list the files that are not formatted.

use warrant::diagnostics::{Code, Diagnostic};
use warrant::source::Sources;
use warrant::syntax::{self, format::format_module};

use super::{Format, Paths};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    paths: Paths,
    /// Change nothing; list the files that would change and exit 1 if any
    #[arg(long)]
    check: bool,
}

pub fn run(args: Args) -> u8 {
    let (files, mut diags) = syntax::expand_paths(&args.paths.paths);
    let mut sources = Sources::new();
    let mut unformatted = Vec::new();
    let mut rewritten = 0;
    for path in files {
        let text = match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(t)) => t,
            Ok(Err(_)) => {
                diags.push(
                    Diagnostic::error(Code::Io, format!("{} is not valid UTF-8", path.display()))
                        .with_path(&path),
                );
                continue;
            }
            Err(e) => {
                diags.push(
                    Diagnostic::error(Code::Io, format!("cannot read {}: {e}", path.display()))
                        .with_path(&path),
                );
                continue;
            }
        };
        let file = sources.add(path.clone(), text.clone());
        let (module, errors) = syntax::parse_module(file, &text);
        if !errors.is_empty() {
            // Never rewrite a file that does not parse: its text would be lost.
            diags.extend(errors);
            continue;
        }
        let formatted = format_module(&text, &module);
        if formatted == text {
            continue;
        }
        if args.check {
            unformatted.push(path);
        } else if let Err(e) = std::fs::write(&path, formatted) {
            diags.push(
                Diagnostic::error(Code::Io, format!("cannot write {}: {e}", path.display()))
                    .with_path(&path),
            );
        } else {
            rewritten += 1;
        }
    }
    super::emit(&diags, &sources, Format::Text);
    for path in &unformatted {
        println!("not formatted: {}", path.display());
    }
    if !args.check && rewritten > 0 {
        eprintln!(
            "formatted {rewritten} file{}",
            if rewritten == 1 { "" } else { "s" }
        );
    }
    let code = super::exit_code(&diags, false);
    if code != super::EXIT_OK {
        code
    } else if unformatted.is_empty() {
        super::EXIT_OK
    } else {
        super::EXIT_FAILED
    }
}
