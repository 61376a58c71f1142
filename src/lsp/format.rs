//! Formatting a document through `warrant fmt`'s formatter.

use lsp_types::{DocumentFormattingParams, TextEdit};
use warrant::source::FileId;
use warrant::syntax::{format::format_module, parse_module};

use super::position::LineIndex;
use super::session::Session;

/// One edit replacing the whole text with its canonical layout; nothing
/// for a document that does not parse (its text would be lost) or is
/// already formatted.
pub fn formatting(
    session: &mut Session,
    params: DocumentFormattingParams,
) -> Option<Vec<TextEdit>> {
    let doc = session.documents.get(&params.text_document.uri)?;
    let text = &*doc.text;
    let (module, errors) = parse_module(FileId(0), text);
    if !errors.is_empty() {
        return None;
    }
    let formatted = format_module(text, &module);
    if formatted == text {
        return Some(Vec::new());
    }
    let index = LineIndex::new(text, session.encoding);
    Some(vec![TextEdit::new(index.range(0, text.len()), formatted)])
}
