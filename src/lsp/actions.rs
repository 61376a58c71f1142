//! Code actions: the checker's did-you-mean as a one-click fix.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, TextEdit, WorkspaceEdit,
};

use super::Cursor;
use super::position::{LineIndex, span_range};
use super::publish::convert;
use super::session::Session;

/// A fix for every diagnostic of the document with a suggestion that
/// touches the requested range.
pub fn code_actions(
    session: &mut Session,
    params: CodeActionParams,
) -> Option<Vec<CodeActionOrCommand>> {
    let at = lsp_types::TextDocumentPositionParams {
        text_document: params.text_document.clone(),
        position: params.range.start,
    };
    let cursor = Cursor::new(session, &at)?;
    let world = &cursor.world;
    let sources = &world.parsed.sources;
    let index = LineIndex::new(&sources.get(cursor.file).text, session.encoding);
    let (start, end) = (
        index.offset(params.range.start),
        index.offset(params.range.end),
    );
    let actions = world
        .diagnostics
        .iter()
        .filter_map(|d| Some((d, d.suggestion.as_ref()?)))
        .filter(|(_, s)| {
            s.span.file == cursor.file
                && s.span.start as usize <= end
                && start <= s.span.end as usize
        })
        .map(|(diagnostic, suggestion)| {
            let edit = TextEdit::new(
                span_range(sources, suggestion.span, session.encoding),
                suggestion.replacement.clone(),
            );
            // `changes` is keyed by URI in lsp-types; a URI caches its parsed
            // parts, which clippy takes for interior mutability.
            #[allow(clippy::mutable_key_type)]
            let changes = HashMap::from([(params.text_document.uri.clone(), vec![edit])]);
            CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Replace with `{}`", suggestion.replacement),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![convert(world, diagnostic, session.encoding)]),
                edit: Some(WorkspaceEdit::new(changes)),
                is_preferred: Some(true),
                ..Default::default()
            })
        })
        .collect();
    Some(actions)
}
