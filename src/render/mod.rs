//! Rendering: turns what `explain` and the engine produce into documents.
//! The report (`warrant report`) is HTML or Markdown.

pub mod report;
