//! Parsing: files to the typed AST ([`ast`]), with spans.
//!
//! [`load`] reads the files and folders a user names, follows `use` imports,
//! and parses every file item by item so that all syntax errors of a run are
//! reported together. Nothing here resolves names: that is `check`'s job.

pub mod ast;
pub mod format;
mod parser;

use std::path::{Component, Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Sources, Span};
pub use parser::{parse_atom, parse_module};

/// The extension of rule files; a folder means every such file below it.
pub const EXTENSION: &str = "wr";

/// Every file of a run, parsed.
#[derive(Debug, Default)]
pub struct Parsed {
    pub sources: Sources,
    /// One module per file, indexed by `FileId`.
    pub modules: Vec<ast::Module>,
    /// For each file, the files it imports, with the span of each `use`.
    pub imports: Vec<Vec<(FileId, Span)>>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Loads and parses the named files and folders and everything they import.
pub fn load(paths: &[PathBuf]) -> Parsed {
    let mut parsed = Parsed::default();
    let mut canonical: Vec<PathBuf> = Vec::new();
    let mut queue: Vec<PathBuf> = Vec::new();
    for path in paths {
        match expand(path) {
            Ok(files) if files.is_empty() => parsed.diagnostics.push(
                Diagnostic::error(
                    Code::Io,
                    format!("no .{EXTENSION} files in {}", path.display()),
                )
                .with_path(path),
            ),
            Ok(files) => queue.extend(files),
            Err(diag) => parsed.diagnostics.push(diag),
        }
    }
    // Files named on the command line, in order; imports are appended as met.
    // Import edges are kept by canonical path until every file has its id.
    let mut edges: Vec<Vec<(PathBuf, Span)>> = Vec::new();
    let mut next = 0;
    while next < queue.len() {
        let path = queue[next].clone();
        next += 1;
        let Some(Some(id)) = read_file(&path, &mut parsed, &mut canonical) else {
            continue; // unreadable (reported) or already loaded
        };
        let text = parsed.sources.get(id).text.clone();
        let (module, diags) = parse_module(id, &text);
        parsed.diagnostics.extend(diags);
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut uses = Vec::new();
        for item in &module.items {
            if let ast::Item::Use(u) = item {
                let target = normalize(&base.join(&u.path.value));
                match std::fs::canonicalize(&target) {
                    Ok(canon) if target.is_file() => {
                        uses.push((canon, u.path.span));
                        queue.push(target);
                    }
                    _ => parsed
                        .diagnostics
                        .push(import_not_found(&target, u.path.span)),
                }
            }
        }
        parsed.modules.push(module);
        edges.push(uses);
    }
    parsed.imports = edges
        .into_iter()
        .map(|uses| {
            uses.into_iter()
                .filter_map(|(canon, span)| {
                    let i = canonical.iter().position(|k| *k == canon)?;
                    Some((FileId(i as u32), span))
                })
                .collect()
        })
        .collect();
    report_import_cycles(&mut parsed);
    parsed
}

/// Reads one file into `sources`. `None`: unreadable (a diagnostic was
/// pushed); `Some(None)`: already loaded; `Some(Some(id))`: new.
fn read_file(
    path: &Path,
    parsed: &mut Parsed,
    canonical: &mut Vec<PathBuf>,
) -> Option<Option<FileId>> {
    let canon = match std::fs::canonicalize(path) {
        Ok(c) => c,
        Err(e) => {
            parsed.diagnostics.push(io_error(path, &e));
            return None;
        }
    };
    if canonical.contains(&canon) {
        return Some(None);
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            parsed.diagnostics.push(io_error(path, &e));
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            parsed.diagnostics.push(
                Diagnostic::error(
                    Code::Io,
                    format!(
                        "{} is not valid UTF-8 (at byte {})",
                        display(path),
                        e.utf8_error().valid_up_to()
                    ),
                )
                .with_path(path)
                .with_help("save the file as UTF-8"),
            );
            return None;
        }
    };
    canonical.push(canon);
    Some(Some(parsed.sources.add(path.to_path_buf(), text)))
}

/// The rule files the user named: files as given, folders expanded to every
/// `.wr` file below them in sorted order. Unreadable paths are diagnostics.
pub fn expand_paths(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for path in paths {
        match expand(path) {
            Ok(found) => files.extend(found),
            Err(d) => diags.push(d),
        }
    }
    (files, diags)
}

/// A file, or every rule file below a folder in sorted order.
fn expand(path: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut dirs = vec![path.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| io_error(&dir, &e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io_error(&dir, &e))?;
            let p = entry.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == EXTENSION) {
                files.push(p);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Removes `.` and folds `name/..` so that paths read well in messages.
fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.iter().collect()
}

fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn io_error(path: &Path, err: &std::io::Error) -> Diagnostic {
    let what = match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => err.to_string(),
    };
    Diagnostic::error(Code::Io, format!("cannot read {}: {what}", display(path))).with_path(path)
}

fn import_not_found(target: &Path, span: Span) -> Diagnostic {
    let mut diag = Diagnostic::error(
        Code::ImportNotFound,
        format!("imported file {} does not exist", display(target)),
    )
    .with_label(span, "no file at this path");
    // Suggest a rule file of a similar name in the same folder.
    let dir = target.parent().unwrap_or(Path::new("."));
    let wanted = target.file_name().map(|n| n.to_string_lossy().to_string());
    let names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".wr"))
        .collect();
    let close = wanted
        .as_deref()
        .and_then(|w| crate::diagnostics::did_you_mean(w, names.iter().map(String::as_str)));
    diag = match close {
        Some(c) => diag.with_help(format!(
            "did you mean \"{c}\"? (paths are relative to the importing file)"
        )),
        None => diag.with_help("paths in `use` are relative to the file that imports them"),
    };
    diag
}

/// Reports every import cycle once, at the `use` that closes it, with each
/// step of the cycle labelled.
fn report_import_cycles(parsed: &mut Parsed) {
    let n = parsed.imports.len();
    let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut stack: Vec<(FileId, Span)> = Vec::new();
    let mut diags = Vec::new();
    for start in 0..n {
        if state[start] == 0 {
            visit(
                FileId(start as u32),
                parsed,
                &mut state,
                &mut stack,
                &mut diags,
            );
        }
    }
    parsed.diagnostics.extend(diags);
}

fn visit(
    file: FileId,
    parsed: &Parsed,
    state: &mut [u8],
    stack: &mut Vec<(FileId, Span)>,
    diags: &mut Vec<Diagnostic>,
) {
    state[file.0 as usize] = 1;
    for &(target, span) in &parsed.imports[file.0 as usize] {
        let Some(s) = state.get(target.0 as usize).copied() else {
            continue;
        };
        if s == 1 {
            // The cycle: the uses on the stack from `target` on, then this one.
            let from = stack
                .iter()
                .position(|&(f, _)| f == target)
                .unwrap_or(stack.len());
            let mut steps: Vec<Span> = stack[from..].iter().map(|&(_, s)| s).collect();
            steps.push(span);
            let names: Vec<String> = steps
                .iter()
                .map(|s| s.file)
                .chain(std::iter::once(target))
                .map(|f| parsed.sources.get(f).name())
                .collect();
            let mut d = Diagnostic::error(
                Code::ImportCycle,
                format!("files import each other in a cycle: {}", names.join(" → ")),
            )
            .with_label(span, "this import closes the cycle");
            for &s in steps.iter().rev().skip(1) {
                d = d.with_label(s, "imported here");
            }
            diags.push(d.with_help("remove one of these `use` lines; shared declarations can live in a file both import"));
        } else if s == 0 {
            stack.push((file, span));
            visit(target, parsed, state, stack, diags);
            stack.pop();
        }
    }
    state[file.0 as usize] = 2;
}
