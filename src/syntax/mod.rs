//! Parsing: files to the typed AST ([`ast`]), with spans.
//!
//! [`load`] reads the files and folders a user names, follows `use` imports,
//! and parses every file item by item so that all syntax errors of a run are
//! reported together. Nothing here resolves names: that is `check`'s job.

pub mod ast;
mod fast_fact;
pub mod format;
mod parser;

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Sources, Span};
pub use parser::{parse_atom, parse_conjunction, parse_module};

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
    /// The files the user named (folders expanded), in order; the others
    /// were only imported.
    pub given: Vec<FileId>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Texts that the loader reads instead of the disk: an editor's open
/// buffers, whose unsaved edits must be seen by every file that `use`s them.
/// Keyed by [`file_key`]; a buffer whose file is not (or no longer) on disk
/// still loads.
pub type Overlay = HashMap<PathBuf, Arc<str>>;

/// The key that identifies a file in an [`Overlay`]: its canonical path, or
/// when it is not on disk, its absolute path with `.` and `..` folded.
pub fn file_key(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        let absolute = std::env::current_dir()
            .map(|dir| dir.join(path))
            .unwrap_or_else(|_| path.to_path_buf());
        normalize(&absolute)
    })
}

/// Loads and parses the named files and folders and everything they import.
pub fn load(paths: &[PathBuf]) -> Parsed {
    load_with_overlay(paths, &Overlay::new())
}

/// [`load`], reading a file from `overlay` when it holds it and from the
/// disk otherwise.
pub fn load_with_overlay(paths: &[PathBuf], overlay: &Overlay) -> Parsed {
    let mut parsed = Parsed::default();
    // Every file loaded, by its canonical path (or overlay key): a look-up
    // per `use`, so loading stays linear in the number of files.
    let mut canonical: HashMap<PathBuf, FileId> = HashMap::new();
    let mut queue: Vec<PathBuf> = Vec::new();
    for path in paths {
        if overlay.contains_key(&file_key(path)) {
            queue.push(path.clone());
            continue;
        }
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
    let named = queue.len();
    let mut next = 0;
    while next < queue.len() {
        let path = queue[next].clone();
        next += 1;
        let Some(Some(id)) = read_file(&path, overlay, &mut parsed, &mut canonical) else {
            continue; // unreadable (reported) or already loaded
        };
        if next <= named {
            parsed.given.push(id);
        }
        let text = parsed.sources.get(id).text.clone();
        let (module, diags) = parse_module(id, &text);
        parsed.diagnostics.extend(diags);
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut uses = Vec::new();
        for item in &module.items {
            if let ast::Item::Use(u) = item {
                let target = normalize(&base.join(&u.path.value));
                let key = file_key(&target);
                if overlay.contains_key(&key) || target.is_file() {
                    uses.push((key, u.path.span));
                    queue.push(target);
                } else {
                    parsed.diagnostics.push(import_not_found(&target, &u.path));
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
                .filter_map(|(canon, span)| Some((*canonical.get(&canon)?, span)))
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
    overlay: &Overlay,
    parsed: &mut Parsed,
    canonical: &mut HashMap<PathBuf, FileId>,
) -> Option<Option<FileId>> {
    let key = file_key(path);
    if let Some(text) = overlay.get(&key) {
        if canonical.contains_key(&key) {
            return Some(None);
        }
        let id = parsed.sources.add(path.to_path_buf(), text.clone());
        canonical.insert(key, id);
        return Some(Some(id));
    }
    let canon = match std::fs::canonicalize(path) {
        Ok(c) => c,
        Err(e) => {
            parsed.diagnostics.push(io_error(path, &e));
            return None;
        }
    };
    if canonical.contains_key(&canon) {
        return Some(None);
    }
    // Reading a pipe or a device could block for ever or never end.
    match std::fs::metadata(&canon) {
        Ok(meta) if !meta.is_file() => {
            parsed.diagnostics.push(not_a_file(path));
            return None;
        }
        Ok(_) => {}
        Err(e) => {
            parsed.diagnostics.push(io_error(path, &e));
            return None;
        }
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
    let id = parsed.sources.add(path.to_path_buf(), text);
    canonical.insert(canon, id);
    Some(Some(id))
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

/// A path that exists but is no regular file (a pipe, a socket, a device).
pub fn not_a_file(path: &Path) -> Diagnostic {
    Diagnostic::error(
        Code::Io,
        format!("cannot read {}: not a regular file", display(path)),
    )
    .with_path(path)
    .with_help("name a rule file; pipes and devices are not read")
}

fn import_not_found(target: &Path, written: &ast::Text) -> Diagnostic {
    let span = written.span;
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
        Some(c) => diag.with_help(crate::diagnostics::Help {
            text: format!("did you mean \"{c}\"? (paths are relative to the importing file)"),
            // The path as written, with the close file's name in its place.
            replacement: Some(format!(
                "\"{}\"",
                display(&Path::new(&written.value).with_file_name(c))
            )),
        }),
        None => diag.with_help("paths in `use` are relative to the file that imports them"),
    };
    diag
}

/// Reports every import cycle once, at the `use` that closes it, with each
/// step of the cycle labelled. A depth-first search with its own stack, so
/// that a chain of any number of files cannot overflow the thread's stack.
fn report_import_cycles(parsed: &mut Parsed) {
    let n = parsed.imports.len();
    let mut state = vec![Visit::New; n];
    let mut diags = Vec::new();
    // The files being visited, each with the index of its next import and
    // the `use` that led to it.
    let mut path: Vec<(FileId, usize, Option<Span>)> = Vec::new();
    for start in 0..n {
        if state[start] != Visit::New {
            continue;
        }
        state[start] = Visit::OnPath;
        path.push((FileId(start as u32), 0, None));
        while let Some(&mut (file, ref mut next, _)) = path.last_mut() {
            let Some(&(target, span)) = parsed.imports[file.0 as usize].get(*next) else {
                state[file.0 as usize] = Visit::Done;
                path.pop();
                continue;
            };
            *next += 1;
            match state.get(target.0 as usize) {
                Some(Visit::New) => {
                    state[target.0 as usize] = Visit::OnPath;
                    path.push((target, 0, Some(span)));
                }
                Some(Visit::OnPath) => diags.push(import_cycle(parsed, &path, target, span)),
                Some(Visit::Done) | None => {}
            }
        }
    }
    parsed.diagnostics.extend(diags);
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    New,
    OnPath,
    Done,
}

/// The cycle closed by `span` (a `use` of `target`, which is on `path`):
/// the uses on the path from `target` on, then this one.
fn import_cycle(
    parsed: &Parsed,
    path: &[(FileId, usize, Option<Span>)],
    target: FileId,
    span: Span,
) -> Diagnostic {
    let from = path
        .iter()
        .position(|&(f, _, _)| f == target)
        .unwrap_or(path.len());
    // The use that led to each file after `target`, then the closing one.
    let mut steps: Vec<Span> = path
        .iter()
        .skip(from + 1)
        .filter_map(|&(_, _, via)| via)
        .collect();
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
    d.with_help(
        "remove one of these `use` lines; shared declarations can live in a file both import",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;

    /// A fresh folder under the system's temporary folder.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("warrant-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("the temporary folder is writable");
        dir
    }

    #[test]
    fn overlay_text_wins_over_the_disk_and_is_seen_through_use() {
        let dir = scratch("overlay");
        std::fs::write(dir.join("main.wr"), "use \"lib.wr\".\nb(x).\n").unwrap();
        std::fs::write(dir.join("lib.wr"), "a(x).\n").unwrap();
        let mut overlay = Overlay::new();
        overlay.insert(file_key(&dir.join("lib.wr")), Arc::from("c(y).\n"));
        // A buffer never saved: imported, and there only in the overlay.
        overlay.insert(file_key(&dir.join("new.wr")), Arc::from("d(z).\n"));
        let parsed = load_with_overlay(&[dir.join("main.wr")], &overlay);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let texts: Vec<&str> = parsed.sources.iter().map(|(_, f)| &*f.text).collect();
        assert_eq!(texts, ["use \"lib.wr\".\nb(x).\n", "c(y).\n"]);

        std::fs::write(dir.join("main.wr"), "use \"new.wr\".\n").unwrap();
        let parsed = load_with_overlay(&[dir.join("main.wr")], &overlay);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        assert_eq!(&*parsed.sources.get(FileId(1)).text, "d(z).\n");
        assert_eq!(parsed.imports[0].len(), 1);

        // Without the overlay the loader reads the disk, where new.wr is not.
        let parsed = load(&[dir.join("main.wr")]);
        assert_eq!(parsed.diagnostics[0].code, Code::ImportNotFound);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
