//! The open documents: their text as the editor has it, edits applied.

use std::path::PathBuf;
use std::sync::Arc;

use indexmap::IndexMap;
use lsp_types::{TextDocumentContentChangeEvent, Uri};
use warrant::syntax::{Overlay, file_key};

use super::position::{Encoding, LineIndex, uri_to_path};

/// One open document.
#[derive(Debug)]
pub struct Document {
    /// Its file on disk (it may not exist yet, or any more).
    pub path: PathBuf,
    pub text: Arc<str>,
}

/// Every open `file:` document, in the order they were opened.
#[derive(Debug, Default)]
pub struct Documents {
    open: IndexMap<Uri, Document>,
}

impl Documents {
    /// Opens (or reopens) a document. Documents that are not files (an
    /// unsaved "untitled:" buffer) have no path to import from and are
    /// not kept: `false`.
    pub fn open(&mut self, uri: Uri, text: String) -> bool {
        let Some(path) = uri_to_path(&uri) else {
            return false;
        };
        self.open.insert(
            uri,
            Document {
                path,
                text: text.into(),
            },
        );
        true
    }

    pub fn close(&mut self, uri: &Uri) {
        self.open.shift_remove(uri);
    }

    /// Applies an editor's changes in order: a change with a range replaces
    /// that range, one without replaces the whole text. `false` for a
    /// document that is not open.
    pub fn change(
        &mut self,
        uri: &Uri,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) -> bool {
        let Some(doc) = self.open.get_mut(uri) else {
            return false;
        };
        let mut text = doc.text.to_string();
        for change in changes {
            match change.range {
                Some(range) => {
                    let index = LineIndex::new(&text, encoding);
                    let start = index.offset(range.start);
                    let end = index.offset(range.end).max(start);
                    text.replace_range(start..end, &change.text);
                }
                None => text = change.text,
            }
        }
        doc.text = text.into();
        true
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.open.get(uri)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Uri, &Document)> {
        self.open.iter()
    }

    /// The open texts, for the loader to read before the disk.
    pub fn overlay(&self) -> Overlay {
        self.open
            .values()
            .map(|doc| (file_key(&doc.path), doc.text.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn edit(range: Option<((u32, u32), (u32, u32))>, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|((l1, c1), (l2, c2))| {
                Range::new(Position::new(l1, c1), Position::new(l2, c2))
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn edits_apply_in_order() {
        let mut docs = Documents::default();
        let uri: Uri = "file:///tmp/a.wr".parse().unwrap();
        assert!(docs.open(uri.clone(), "ally(japn, us).\n".into()));
        let changes = vec![
            edit(Some(((0, 5), (0, 9))), "japan"),
            edit(Some(((1, 0), (1, 0))), "é(x).\n"),
            edit(Some(((2, 0), (2, 0))), "b(y).\n"),
        ];
        assert!(docs.change(&uri, changes, Encoding::Utf16));
        assert_eq!(
            &*docs.get(&uri).unwrap().text,
            "ally(japan, us).\né(x).\nb(y).\n"
        );
        assert!(docs.change(&uri, vec![edit(None, "x")], Encoding::Utf16));
        assert_eq!(&*docs.get(&uri).unwrap().text, "x");
        docs.close(&uri);
        assert!(!docs.change(&uri, vec![edit(None, "y")], Encoding::Utf16));
    }

    #[test]
    fn untitled_buffers_are_not_kept() {
        let mut docs = Documents::default();
        assert!(!docs.open("untitled:Untitled-1".parse().unwrap(), String::new()));
        assert!(docs.overlay().is_empty());
    }
}
