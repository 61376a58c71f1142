//! `warrant lsp`: a language server on stdin/stdout.
//!
//! Each open file is checked in its world (the file and everything it
//! `use`s) by the same code as `warrant check`, reading open buffers before
//! the disk, so an unsaved edit is seen by the files that import it.
//!
//! - [`transport`]: frames on the wire, tolerant of bad ones;
//! - [`server`]: the loop, dispatch, debounced diagnostics; [`session`]:
//!   what the handlers see (the open documents and the worlds built from
//!   them);
//! - [`documents`]: the open buffers; [`world`]: a checked world;
//!   [`index`]: its names and where they occur; [`position`]: offsets,
//!   positions and URIs;
//! - one file per feature: [`publish`] (diagnostics), [`hover`],
//!   [`navigate`] (definition, references), [`complete`], [`symbols`],
//!   [`format`], [`actions`] (did-you-mean fixes).

mod actions;
mod builtins;
mod capabilities;
mod complete;
mod documents;
mod format;
mod hover;
mod index;
mod navigate;
mod position;
mod publish;
mod server;
mod session;
mod symbols;
mod transport;
mod world;

use std::rc::Rc;

use lsp_types::{Location, TextDocumentPositionParams};
use warrant::source::{FileId, Span};

use position::{path_to_uri, span_range};
use session::Session;
use world::World;

/// Serves on stdin/stdout until the client says `exit` or goes away.
pub fn serve() -> u8 {
    let incoming = transport::stdin_reader();
    server::run(incoming, Box::new(std::io::stdout()))
}

/// A position in a document, resolved in its world.
pub struct Cursor {
    pub world: Rc<World>,
    pub file: FileId,
    pub offset: usize,
}

impl Cursor {
    pub fn new(session: &mut Session, at: &TextDocumentPositionParams) -> Option<Cursor> {
        let uri = &at.text_document.uri;
        let world = session.world(uri)?;
        let path = match session.documents.get(uri) {
            Some(doc) => doc.path.clone(),
            None => position::uri_to_path(uri)?,
        };
        let file = world.file(&path)?;
        let text = &world.parsed.sources.get(file).text;
        let offset = position::LineIndex::new(text, session.encoding).offset(at.position);
        Some(Cursor {
            world,
            file,
            offset,
        })
    }
}

/// Where a span is, as the protocol says it.
pub fn location(world: &World, span: Span, encoding: position::Encoding) -> Option<Location> {
    let sources = &world.parsed.sources;
    let uri = path_to_uri(&sources.get(span.file).path)?;
    Some(Location::new(uri, span_range(sources, span, encoding)))
}
