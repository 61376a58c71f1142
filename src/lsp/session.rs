//! What the handlers see: the open documents, and each file's world built
//! from them, kept while no file it reads changes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use lsp_types::Uri;
use warrant::syntax::{Overlay, file_key};

use super::documents::Documents;
use super::position::{Encoding, uri_to_path};
use super::world::World;

/// What the handlers see: the documents and the worlds built from them.
pub struct Session {
    pub encoding: Encoding,
    /// Whether the client takes snippets in completions.
    pub snippets: bool,
    pub documents: Documents,
    /// Bumped by every change to a document: worlds of an older generation
    /// are stale unless none of the files they read changed since.
    generation: u64,
    /// Each generation's change: the file that changed, or `None` when any
    /// file may have (a save, a file opened).
    changes: Vec<(u64, Option<PathBuf>)>,
    overlay: (u64, Rc<Overlay>),
    worlds: HashMap<Uri, (u64, Rc<World>)>,
    /// The document edited last: its diagnostics are published first.
    pub edited: Option<Uri>,
}

impl Session {
    pub fn new() -> Session {
        Session {
            encoding: Encoding::Utf16,
            snippets: false,
            documents: Documents::default(),
            generation: 1,
            changes: Vec::new(),
            overlay: (0, Rc::default()),
            worlds: HashMap::new(),
            edited: None,
        }
    }

    /// Starts a new generation: `file` changed, or any file may have
    /// (`None`).
    pub fn changed(&mut self, file: Option<&Path>) {
        self.generation += 1;
        if self.changes.len() >= 4096 {
            // Worlds older than this are rebuilt rather than tracked further.
            self.changes.clear();
            self.changes.push((self.generation, None));
        } else {
            self.changes.push((self.generation, file.map(file_key)));
        }
    }

    /// Whether a world built at `generation` reads none of the files that
    /// changed since.
    fn still_true(&self, generation: u64, world: &World) -> bool {
        self.changes
            .iter()
            .filter(|(g, _)| *g > generation)
            .all(|(_, file)| file.as_ref().is_some_and(|f| !world.reads(f)))
            && self
                .changes
                .first()
                .is_some_and(|(g, _)| *g <= generation + 1)
    }

    /// Closes a document: its world goes, and files that import it read it
    /// from disk again.
    pub fn close(&mut self, uri: &Uri) {
        let path = self.documents.get(uri).map(|d| d.path.clone());
        self.documents.close(uri);
        self.worlds.remove(uri);
        self.changed(path.as_deref());
    }

    /// The world of a document (open or on disk), built afresh when any
    /// document changed since; `None` for a URI that is not a file.
    pub fn world(&mut self, uri: &Uri) -> Option<Rc<World>> {
        if let Some((generation, world)) = self.worlds.get(uri) {
            if *generation == self.generation {
                return Some(world.clone());
            }
            if self.still_true(*generation, world) {
                let world = world.clone();
                self.worlds
                    .insert(uri.clone(), (self.generation, world.clone()));
                return Some(world);
            }
        }
        let path = match self.documents.get(uri) {
            Some(doc) => doc.path.clone(),
            None => uri_to_path(uri)?,
        };
        if self.overlay.0 != self.generation {
            self.overlay = (self.generation, Rc::new(self.documents.overlay()));
        }
        let world = Rc::new(World::load(&path, &self.overlay.1));
        self.worlds
            .insert(uri.clone(), (self.generation, world.clone()));
        Some(world)
    }
}
