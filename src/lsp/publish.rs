//! The checker's diagnostics as the protocol's: one list per open file.

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Position, Range,
};
use warrant::diagnostics::{Diagnostic, Severity};
use warrant::source::FileId;

use super::position::{Encoding, path_to_uri, span_range};
use super::world::World;

/// The diagnostics of `world` that belong to `file`: those whose primary
/// label is there, and those with no place at all (an unreadable import),
/// which go at its top. Labels become related information, in whatever file
/// they point. Errors in the files it imports are summed up at each `use`.
pub fn diagnostics_for(
    world: &World,
    file: FileId,
    encoding: Encoding,
) -> Vec<lsp_types::Diagnostic> {
    world
        .diagnostics
        .iter()
        .filter(|d| d.primary_span().is_none_or(|s| s.file == file))
        .map(|d| convert(world, d, encoding))
        .chain(imported_errors(world, file, encoding))
        .collect()
}

/// One error at each `use` of `file` through which errors in other files
/// are reached (directly or through their own imports), listing them as
/// related information: the file's world does not run while they stand.
fn imported_errors(world: &World, file: FileId, encoding: Encoding) -> Vec<lsp_types::Diagnostic> {
    let imports = &world.parsed.imports;
    let sources = &world.parsed.sources;
    let Some(uses) = imports.get(file.0 as usize) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut claimed = vec![file];
    for &(target, use_span) in uses {
        // The files reached through this `use` and no earlier one.
        let mut reached = Vec::new();
        let mut stack = vec![target];
        while let Some(f) = stack.pop() {
            if claimed.contains(&f) {
                continue;
            }
            claimed.push(f);
            reached.push(f);
            stack.extend(
                imports
                    .get(f.0 as usize)
                    .into_iter()
                    .flatten()
                    .map(|&(t, _)| t),
            );
        }
        let errors: Vec<(&Diagnostic, warrant::source::Span)> = world
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .filter_map(|d| Some((d, d.primary_span()?)))
            .filter(|(_, span)| reached.contains(&span.file))
            .collect();
        if errors.is_empty() {
            continue;
        }
        let related = errors
            .iter()
            .filter_map(|(d, span)| {
                let uri = path_to_uri(&sources.get(span.file).path)?;
                Some(DiagnosticRelatedInformation {
                    location: Location::new(uri, span_range(sources, *span, encoding)),
                    message: d.message.clone(),
                })
            })
            .collect();
        let count = errors.len();
        out.push(lsp_types::Diagnostic {
            range: span_range(sources, use_span, encoding),
            severity: Some(DiagnosticSeverity::ERROR),
            source: Some("warrant".to_string()),
            message: format!(
                "{count} error{} in {} or the files it imports",
                if count == 1 { "" } else { "s" },
                sources.get(target).name()
            ),
            related_information: Some(related),
            ..Default::default()
        });
    }
    out
}

pub fn convert(world: &World, diag: &Diagnostic, encoding: Encoding) -> lsp_types::Diagnostic {
    let sources = &world.parsed.sources;
    let range = diag.primary_span().map_or_else(
        || Range::new(Position::new(0, 0), Position::new(0, 0)),
        |span| span_range(sources, span, encoding),
    );
    let mut message = diag.message.clone();
    if let Some(primary) = diag.labels.first().filter(|l| !l.message.is_empty()) {
        message.push_str(&format!("\n{}", primary.message));
    }
    if let Some(help) = &diag.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = diag
        .labels
        .iter()
        .skip(1)
        .filter_map(|label| {
            let uri = path_to_uri(&sources.get(label.span.file).path)?;
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri, span_range(sources, label.span, encoding)),
                message: if label.message.is_empty() {
                    "see also".to_string()
                } else {
                    label.message.clone()
                },
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range,
        severity: Some(match diag.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(diag.code.to_string())),
        source: Some("warrant".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}
