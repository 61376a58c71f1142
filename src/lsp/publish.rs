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
/// they point.
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
        .collect()
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
