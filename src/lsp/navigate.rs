//! Go to definition and find references.

use lsp_types::{GotoDefinitionParams, GotoDefinitionResponse, Location, ReferenceParams};
use warrant::source::Span;

use super::index::{Role, Symbol};
use super::session::Session;
use super::{Cursor, location};

pub fn definition(
    session: &mut Session,
    params: GotoDefinitionParams,
) -> Option<GotoDefinitionResponse> {
    let cursor = Cursor::new(session, &params.text_document_position_params)?;
    let world = &cursor.world;
    let symbol = &world.index.at(cursor.file, cursor.offset)?.symbol;
    let spans = match symbol {
        // A `use` path leads to the start of the file it names.
        Symbol::Import(file) => vec![Span::new(*file, 0, 0)],
        _ => world.index.definitions(symbol),
    };
    let locations: Vec<Location> = spans
        .into_iter()
        .filter_map(|s| location(world, s, session.encoding))
        .collect();
    (!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations))
}

pub fn references(session: &mut Session, params: ReferenceParams) -> Option<Vec<Location>> {
    let cursor = Cursor::new(session, &params.text_document_position)?;
    let world = &cursor.world;
    let symbol = &world.index.at(cursor.file, cursor.offset)?.symbol;
    let with_declaration = params.context.include_declaration;
    Some(
        world
            .index
            .references(symbol)
            .filter(|o| with_declaration || o.role != Role::Declaration)
            .filter_map(|o| location(world, o.span, session.encoding))
            .collect(),
    )
}
