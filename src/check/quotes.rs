//! Checked sources: a `source` that names its text file (`from "…"`) has
//! every quote cited from it looked up in that text
//! (`warrant::quote_not_found`, with the closest passage as help).
//!
//! Quote and text are compared after normalising whitespace (any run is
//! one space), quote marks (curly and straight are one) and dashes (hyphen,
//! en dash, em dash, minus are one); `...` or `…` in a quote stands for
//! text left out, so the pieces around it must occur in order.

use std::path::Path;

use super::Checker;
use crate::diagnostics::{Code, Diagnostic};
use crate::hash::HashMap;
use crate::ir::SourceId;
use crate::syntax::ast;

/// Text with whitespace, quote marks and dashes in one form each (a dash
/// takes no space around it: `a - b` is `a—b`).
pub(super) fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
            | '\u{2212}' => '-',
            c if c.is_whitespace() => {
                space = !out.is_empty() && !out.ends_with('-');
                continue;
            }
            c => c,
        };
        if c == '-' {
            space = false;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

/// The pieces of a quote between its ellipses (`…`, or three dots or
/// more; a fourth dot is the full stop before), normalised.
fn pieces(quote: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut piece = String::new();
    let mut chars = quote.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{2026}' {
            out.push(std::mem::take(&mut piece));
            continue;
        }
        if c != '.' {
            piece.push(c);
            continue;
        }
        let mut dots = 1;
        while chars.peek() == Some(&'.') {
            chars.next();
            dots += 1;
        }
        if dots < 3 {
            piece.extend(std::iter::repeat_n('.', dots));
            continue;
        }
        if dots > 3 {
            piece.push('.');
        }
        out.push(std::mem::take(&mut piece));
    }
    out.push(piece);
    out.iter()
        .map(|p| normalise(p))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Whether every piece occurs in `text`, in order.
fn occurs(text: &str, pieces: &[String]) -> bool {
    let mut from = 0;
    for p in pieces {
        match text[from..].find(p.as_str()) {
            Some(i) => from += i + p.len(),
            None => return false,
        }
    }
    true
}

/// The passage of `text` most like `quote`: each pair of neighbouring
/// words of the quote found in the text votes for where the quote would
/// start.
fn closest(text: &str, quote: &str) -> Option<String> {
    let words: Vec<&str> = quote.split(' ').collect();
    let mut offsets = Vec::with_capacity(words.len());
    let mut at = 0;
    for w in &words {
        offsets.push(at);
        at += w.len() + 1;
    }
    let mut votes: HashMap<usize, usize> = HashMap::default();
    for (i, window) in words.windows(2.min(words.len())).enumerate() {
        let shingle = window.join(" ");
        for (pos, _) in text.match_indices(shingle.as_str()).take(20) {
            if let Some(start) = pos.checked_sub(offsets[i]) {
                *votes.entry(start).or_default() += 1;
            }
        }
    }
    let (&start, _) = votes
        .iter()
        .max_by_key(|&(&s, &n)| (n, std::cmp::Reverse(s)))?;
    // Whole words: from the first word start at or after `start` to the
    // end of the word the quote's length reaches into.
    let at_word = |i: usize| i == 0 || text[..i].ends_with(' ');
    let mut begin = start.min(text.len());
    while begin < text.len() && (!text.is_char_boundary(begin) || !at_word(begin)) {
        begin += 1;
    }
    let mut end = (begin + quote.len()).min(text.len());
    while end < text.len() && (!text.is_char_boundary(end) || !text[end..].starts_with(' ')) {
        end += 1;
    }
    Some(text[begin..end].to_string())
}

impl<'a> Checker<'a> {
    /// Reads the text of every source that names one; an unreadable file
    /// is an error at its `from`.
    pub(super) fn read_source_texts(&mut self) {
        let mut texts = Vec::new();
        for item in self.items() {
            let ast::Item::Source(s) = item else { continue };
            let Some(file) = &s.file else { continue };
            let Some(&id) = self.source_index.get(s.name.text.as_str()) else {
                continue;
            };
            let declaring = &self.parsed.sources.get(s.span.file).path;
            let path = declaring
                .parent()
                .unwrap_or(Path::new(""))
                .join(&file.value);
            match std::fs::read_to_string(&path) {
                Ok(text) => texts.push((id, normalise(&text))),
                Err(e) => self.error(
                    Diagnostic::error(
                        Code::Io,
                        format!("cannot read the text of source `{}`: {e}", s.name.text),
                    )
                    .with_label(file.span, "no readable text file here")
                    .with_help("the path is relative to the folder of this rule file"),
                ),
            }
        }
        for (id, text) in texts {
            self.source_texts.insert(id, text);
        }
    }

    /// `warrant::quote_not_found` when a cited source has a text and the
    /// quote is not in it.
    pub(super) fn check_quote(&mut self, source: SourceId, cite: &ast::Cite) {
        let (Some(text), Some(quote)) = (self.source_texts.get(&source), &cite.quote) else {
            return;
        };
        let parts = pieces(&quote.value);
        if occurs(text, &parts) {
            return;
        }
        let missing = parts
            .iter()
            .find(|p| !text.contains(p.as_str()))
            .cloned()
            .unwrap_or_default();
        let help = match closest(text, &missing) {
            Some(passage) => format!("the closest passage of the source reads: \"{passage}\""),
            None => "no part of this quote occurs in the source's text: check the source and \
                     the quote"
                .to_string(),
        };
        let name = &self.sources[source.0 as usize].name;
        let d = Diagnostic::error(
            Code::QuoteNotFound,
            format!("the quote is not in the text of source `{name}`"),
        )
        .with_label(quote.span, "not found in the source's text")
        .with_help(help);
        self.error(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_folds_spaces_quotes_and_dashes() {
        assert_eq!(
            normalise("  The \u{201C}specter\u{201D}\n of   US\u{2014}retrenchment\u{2019}s "),
            "The \"specter\" of US-retrenchment's"
        );
    }

    #[test]
    fn ellipses_leave_text_out_in_order() {
        let text = normalise("One two three. Four five six. Seven eight.");
        assert!(occurs(&text, &pieces("One two ... five six")));
        assert!(occurs(&text, &pieces("two three.\u{2026}Seven")));
        assert!(!occurs(&text, &pieces("five six ... One two")));
        assert!(!occurs(&text, &pieces("One two four")));
    }

    #[test]
    fn the_closest_passage_is_where_most_of_the_quote_is() {
        let text =
            normalise("Allies hedge when the patron wavers. Rivals probe when allies hedge.");
        let got = closest(&text, "Rivals probe where allies hedge.").unwrap();
        assert_eq!(got, "Rivals probe when allies hedge.");
    }
}
