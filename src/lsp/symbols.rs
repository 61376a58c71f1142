//! The outline of a document: its scales, predicates, sources, rules,
//! conflicts and tests.

use lsp_types::{DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, SymbolKind};
use warrant::source::Span;
use warrant::syntax::ast::{Item, Name};

use super::Cursor;
use super::position::{Encoding, span_range};
use super::session::Session;
use super::world::World;

pub fn document_symbols(
    session: &mut Session,
    params: DocumentSymbolParams,
) -> Option<DocumentSymbolResponse> {
    let at = lsp_types::TextDocumentPositionParams {
        text_document: params.text_document,
        position: lsp_types::Position::new(0, 0),
    };
    let cursor = Cursor::new(session, &at)?;
    let world = &cursor.world;
    let module = world.parsed.modules.get(cursor.file.0 as usize)?;
    let symbol = |name: &Name, detail: Option<String>, kind, item: Span| {
        symbol(
            world,
            session.encoding,
            &name.text,
            detail,
            kind,
            item,
            name.span,
        )
    };
    let mut outline = Vec::new();
    for item in &module.items {
        let entry = match item {
            Item::Scale(s) => {
                let mut entry = symbol(&s.name, None, SymbolKind::ENUM, s.span);
                let values = s
                    .values
                    .iter()
                    .map(|v| symbol(v, None, SymbolKind::ENUM_MEMBER, v.span))
                    .collect();
                entry.children = Some(values);
                entry
            }
            Item::Pred(p) => {
                let params: Vec<&str> = p.params.iter().map(|x| x.name.text.as_str()).collect();
                let detail = format!("({})", params.join(", "));
                symbol(&p.name, Some(detail), SymbolKind::FUNCTION, p.span)
            }
            Item::Source(s) => symbol(
                &s.name,
                Some(s.title.value.clone()),
                SymbolKind::CONSTANT,
                s.span,
            ),
            Item::Rule(r) => symbol(&r.name, Some("rule".into()), SymbolKind::METHOD, r.span),
            Item::Conflict(c) => {
                symbol(&c.name, Some("conflict".into()), SymbolKind::EVENT, c.span)
            }
            Item::Test(t) => {
                let name = Name {
                    text: t.name.value.clone(),
                    span: t.name.span,
                };
                symbol(&name, Some("test".into()), SymbolKind::MODULE, t.span)
            }
            Item::Use(_) | Item::Input(_) | Item::Fact(_) | Item::Retract(_) => continue,
        };
        outline.push(entry);
    }
    Some(DocumentSymbolResponse::Nested(outline))
}

fn symbol(
    world: &World,
    encoding: Encoding,
    name: &str,
    detail: Option<String>,
    kind: SymbolKind,
    item: Span,
    selection: Span,
) -> DocumentSymbol {
    let sources = &world.parsed.sources;
    #[allow(deprecated)] // `deprecated` is a required field of the type, superseded by `tags`
    DocumentSymbol {
        name: name.to_string(),
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: span_range(sources, item, encoding),
        selection_range: span_range(sources, selection, encoding),
        children: None,
    }
}
