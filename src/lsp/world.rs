//! A world: an open file and every file it `use`s, loaded through the open
//! buffers, checked by the same code as `warrant check`, and indexed.

use std::path::Path;

use warrant::diagnostics::Diagnostic;
use warrant::source::FileId;
use warrant::syntax::{self, Overlay, Parsed, file_key};

use super::index::Index;

pub struct World {
    pub parsed: Parsed,
    /// The parser's and the checker's diagnostics, as `warrant check` has them.
    pub diagnostics: Vec<Diagnostic>,
    pub index: Index,
}

impl World {
    pub fn load(path: &Path, overlay: &Overlay) -> World {
        let parsed = syntax::load_with_overlay(&[path.to_path_buf()], overlay);
        let (_, diagnostics) = warrant::check_parsed(&parsed);
        let index = Index::build(&parsed);
        World {
            parsed,
            diagnostics,
            index,
        }
    }

    /// The id of a file in this world.
    pub fn file(&self, path: &Path) -> Option<FileId> {
        let key = file_key(path);
        self.parsed
            .sources
            .iter()
            .find(|(_, f)| file_key(&f.path) == key)
            .map(|(id, _)| id)
    }
}
