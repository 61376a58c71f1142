//! A world: an open file and every file it `use`s, loaded through the open
//! buffers, checked by the same code as `warrant check`, and indexed.

use std::path::{Path, PathBuf};

use warrant::diagnostics::Diagnostic;
use warrant::source::FileId;
use warrant::syntax::{self, Overlay, Parsed, file_key};

use super::index::Index;

pub struct World {
    pub parsed: Parsed,
    /// The parser's and the checker's diagnostics, as `warrant check` has them.
    pub diagnostics: Vec<Diagnostic>,
    pub index: Index,
    /// The [`file_key`] of each file, by `FileId`.
    keys: Vec<PathBuf>,
}

impl World {
    pub fn load(path: &Path, overlay: &Overlay) -> World {
        let parsed = syntax::load_with_overlay(&[path.to_path_buf()], overlay);
        let (_, diagnostics) = warrant::check_parsed(&parsed);
        let index = Index::build(&parsed);
        let keys = parsed
            .sources
            .iter()
            .map(|(_, f)| file_key(&f.path))
            .collect();
        World {
            parsed,
            diagnostics,
            index,
            keys,
        }
    }

    /// The id of a file in this world.
    pub fn file(&self, path: &Path) -> Option<FileId> {
        let key = file_key(path);
        let at = self.keys.iter().position(|k| *k == key)?;
        Some(FileId(at as u32))
    }

    /// Whether this world read the file with this [`file_key`].
    pub fn reads(&self, key: &Path) -> bool {
        self.keys.iter().any(|k| k == key)
    }
}
