#![doc = include_str!("../README.md")]
// The pipeline runs one way: `syntax` parses files into an AST with spans,
// `check` resolves and checks it into the IR (`ir::Program`), the `engine`
// evaluates the IR into a model, `explain` rebuilds proofs from the model, and
// `render` prints all of it (text, JSON, DOT). The CLI (`src/cli`, in the
// binary) sits on top.

// pest's generated parser names `alloc` when pest is built without `std`.
extern crate alloc;

pub mod arith;
pub mod check;
pub mod diagnostics;
pub mod engine;
pub mod explain;
pub mod export;
mod hash;
pub mod input;
pub mod ir;
pub mod likelihood;
pub mod operator;
pub mod render;
pub mod source;
pub mod syntax;
pub mod testing;

pub use ir::Program;

use std::path::Path;

use diagnostics::Diagnostic;
use source::Sources;

/// The result of loading and checking files: the program when there are no
/// errors, and every diagnostic (errors and warnings) in a stable order.
#[derive(Debug)]
pub struct Loaded {
    pub sources: Sources,
    pub program: Option<Program>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads files and folders, follows imports, parses and checks everything.
/// All problems are reported together, not only the first.
pub fn load<P: AsRef<Path>>(paths: &[P]) -> Loaded {
    load_with_inputs_elsewhere(paths, &[])
}

/// [`load`], leaving out the `input` declarations of the predicates named
/// in `preds` (see [`check::check_with`]): the caller adds their inputs
/// (`ir::InputFormat::Parquet`, which the native engine cannot evaluate).
pub fn load_with_inputs_elsewhere<P: AsRef<Path>>(paths: &[P], preds: &[String]) -> Loaded {
    let paths: Vec<_> = paths.iter().map(|p| p.as_ref().to_path_buf()).collect();
    let parsed = syntax::load(&paths);
    let checked = check::check_with(&parsed, preds);
    let (program, diagnostics) = merge_checked(&parsed, checked);
    Loaded {
        sources: parsed.sources,
        program,
        diagnostics,
    }
}

/// Checks parsed files: every diagnostic, the parser's and the checker's,
/// in a stable order, and the program when there is no error. `warrant
/// check` and `warrant lsp` (on files loaded through an overlay) both come
/// here.
pub fn check_parsed(parsed: &syntax::Parsed) -> (Option<Program>, Vec<Diagnostic>) {
    merge_checked(parsed, check::check(parsed))
}

/// The parser's and the checker's diagnostics in a stable order, and the
/// program when there is no error.
fn merge_checked(
    parsed: &syntax::Parsed,
    checked: check::Checked,
) -> (Option<Program>, Vec<Diagnostic>) {
    let mut diagnostics = parsed.diagnostics.clone();
    diagnostics.extend(checked.diagnostics);
    diagnostics::sort(&mut diagnostics);
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    (if failed { None } else { checked.program }, diagnostics)
}

/// Errors that stopped a program from loading, with the files they point into.
#[derive(Debug)]
pub struct Report {
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let style = diagnostics::Style {
            color: false,
            width: 100,
        };
        for d in &self.diagnostics {
            f.write_str(&diagnostics::render(d, &self.sources, style))?;
        }
        Ok(())
    }
}

impl std::error::Error for Report {}

impl Program {
    /// Loads and checks rule files (or folders of them).
    ///
    /// ```
    /// let program = warrant::Program::load(&["rules/kim-simon-2021/vocabulary.wr"]).unwrap();
    /// assert!(program.pred_id("ally").is_some());
    /// ```
    pub fn load<P: AsRef<Path>>(paths: &[P]) -> Result<Program, Report> {
        let loaded = load(paths);
        match loaded.program {
            Some(program) => Ok(program),
            None => Err(Report {
                sources: loaded.sources,
                diagnostics: loaded.diagnostics,
            }),
        }
    }
}
