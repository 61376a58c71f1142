//! pest pairs to AST, one top-level item at a time, with error recovery.
//!
//! `scan` finds where items start and tokens end in the raw text, `error`
//! puts pest's errors in an analyst's words, `build` (with `items` and
//! `expr`) turns pairs into AST nodes.

mod build;
mod error;
mod expr;
mod items;
mod scan;
#[cfg(test)]
mod tests;

use pest::Parser;

use super::ast::*;
use super::fast_fact::fast_fact;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};
use build::Builder;
use error::{error_offset, parse_error};
use scan::{MAX_NESTING, blanks_len, resume_point, tail, too_deep};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/warrant.pest"]
struct WarrantParser;

/// Bounds pest's recursion so that no input can overflow the stack. The
/// grammar has no recursive rule, so a real file never comes near it.
const CALL_LIMIT: usize = 10_000_000;

fn limit_calls() {
    pest::set_call_limit(std::num::NonZeroUsize::new(CALL_LIMIT));
}

/// Parses a whole file. Returns every item that parsed and a diagnostic for
/// every item that did not; after an error it resumes at the next line that
/// starts a top-level item, so one mistake does not hide the next.
pub fn parse_module(file: FileId, text: &str) -> (Module, Vec<Diagnostic>) {
    parse_module_with(file, text, parse_item, true)
}

/// [`parse_module`] with the function that parses one item, and with or
/// without the fast path for plain facts (tests compare the ways).
fn parse_module_with(
    file: FileId,
    text: &str,
    parse_item: ItemParser,
    fast_facts: bool,
) -> (Module, Vec<Diagnostic>) {
    limit_calls();
    let mut items = Vec::new();
    let mut broken = Vec::new();
    let mut diags = Vec::new();
    // One item per parse: measured faster than one parse of the whole file
    // (pest's token queue for a large file is costly), and the same loop
    // recovers after errors.
    let mut pos = 0;
    // Parentheses nest in expressions; pest recurses once per level, so
    // the text is parsed only up to a place nested too deeply.
    let mut deep = too_deep(text, 0);
    while pos < text.len() {
        let stop = deep.unwrap_or(text.len());
        if pos >= stop {
            diags.push(
                Diagnostic::error(Code::Parse, "parentheses nested too deeply")
                    .with_label(
                        Span::new(file, stop, stop + 1),
                        format!("more than {MAX_NESTING} levels deep here"),
                    )
                    .with_help("split the expression: bind a part to a variable with `=`"),
            );
            match resume_point(text, stop + 1) {
                Some(next) => {
                    pos = next;
                    deep = too_deep(text, pos);
                    continue;
                }
                None => break,
            }
        }
        let bounded = &text[..stop];
        let rest = &bounded[pos..];
        if fast_facts && let Some((fact, end)) = fast_fact(file, rest, pos) {
            items.push(Item::Fact(fact));
            pos += end;
            continue;
        }
        let (window, parsed) = parse_item(bounded, pos);
        match parsed {
            Ok(mut pairs) => {
                let Some(item_at) = pairs.next() else { break };
                let Some(inner) = item_at.into_inner().next() else {
                    break;
                };
                if inner.as_rule() == Rule::end_of_input {
                    if window < rest.len() {
                        // Only blanks and comments up to the next item.
                        pos += window;
                        continue;
                    }
                    break;
                }
                let end = inner.as_span().end();
                let mut b = Builder {
                    file,
                    offset: pos,
                    diags: &mut diags,
                };
                if let Some(item) = b.item(inner) {
                    items.push(item);
                }
                if end == 0 {
                    break; // cannot happen (an item is never empty); guards the loop
                }
                pos += end;
            }
            Err(err) => {
                let at = pos + error_offset(&err).min(rest.len());
                if deep.is_some() && at >= stop {
                    // Cut short at the deep place: reported there.
                    pos = stop;
                    continue;
                }
                diags.push(parse_error(file, pos, rest, err));
                // The failed item starts at its first token.
                let item_start = pos + blanks_len(rest);
                // Resume at the next line that starts an item, from the error
                // on: a line the error only cut short (a missing `.`) is parsed
                // again, a line with an error inside is skipped. Always move
                // past the failed item's first character, so the loop ends.
                let next = resume_point(text, at.max(item_start + 1));
                broken.push(Span::new(file, item_start, next.unwrap_or(text.len())));
                match next {
                    Some(next) => pos = next,
                    None => break,
                }
            }
        }
    }
    (
        Module {
            file,
            items,
            broken,
        },
        diags,
    )
}

type ItemParse<'t> = Result<pest::iterators::Pairs<'t, Rule>, pest::error::Error<Rule>>;
type ItemParser = for<'t> fn(&'t str, usize) -> (usize, ItemParse<'t>);

/// Parses the item at `pos` (or the blanks and comments before the end of
/// the file). Returns the length of the text parsed with the result.
///
/// The parse is given the text up to the next line that starts an item, not
/// the rest of the file: pest's error takes time linear in the text after
/// the error, so a file with an error on every line would take quadratic
/// time. The shorter text gives the same result unless the parse reached
/// its end (the item goes on past that line, or a block comment is open
/// there); then the rest of the file is parsed.
fn parse_item(text: &str, pos: usize) -> (usize, ItemParse<'_>) {
    let rest = &text[pos..];
    let item_start = pos + blanks_len(rest);
    let window = resume_point(text, item_start + 1).map_or(rest.len(), |end| end - pos);
    if window < rest.len() {
        let short = &rest[..window];
        match WarrantParser::parse(Rule::item_at, short) {
            Ok(pairs) => return (window, Ok(pairs)),
            Err(err) => {
                let (last_token, open_comment) = tail(short);
                if error_offset(&err) < last_token && !open_comment {
                    return (window, Err(err));
                }
            }
        }
    }
    (rest.len(), WarrantParser::parse(Rule::item_at, rest))
}

/// Parses one atom, as typed on the command line (`hedges(A)`).
pub fn parse_atom(file: FileId, text: &str) -> Result<Atom, Diagnostic> {
    limit_calls();
    match WarrantParser::parse(Rule::atom_query, text) {
        Ok(mut pairs) => {
            let mut diags = Vec::new();
            let mut b = Builder {
                file,
                offset: 0,
                diags: &mut diags,
            };
            let atom = pairs
                .next()
                .and_then(|p| p.into_inner().find(|p| p.as_rule() == Rule::atom))
                .map(|p| b.atom(p));
            match (atom, diags.into_iter().next()) {
                (_, Some(d)) => Err(d),
                (Some(a), None) => Ok(a),
                (None, None) => Err(Diagnostic::error(Code::Parse, "expected an atom")),
            }
        }
        Err(err) => Err(parse_error(file, 0, text, err)),
    }
}

/// Parses a conjunction of conditions, as typed on the command line
/// (`war_risk(A, B, R), R >= high`).
pub fn parse_conjunction(file: FileId, text: &str) -> Result<Vec<Condition>, Diagnostic> {
    limit_calls();
    if let Some(stop) = too_deep(text, 0) {
        return Err(
            Diagnostic::error(Code::Parse, "parentheses nested too deeply")
                .with_label(
                    Span::new(file, stop, stop + 1),
                    format!("more than {MAX_NESTING} levels deep here"),
                )
                .with_help("split the expression: bind a part to a variable with `=`"),
        );
    }
    match WarrantParser::parse(Rule::conjunction_query, text) {
        Ok(mut pairs) => {
            let mut diags = Vec::new();
            let mut b = Builder {
                file,
                offset: 0,
                diags: &mut diags,
            };
            let conditions = pairs.next().map(|p| b.conditions(p)).unwrap_or_default();
            match diags.into_iter().next() {
                Some(d) => Err(d),
                None if conditions.is_empty() => {
                    Err(Diagnostic::error(Code::Parse, "expected a condition"))
                }
                None => Ok(conditions),
            }
        }
        Err(err) => Err(parse_error(file, 0, text, err)),
    }
}

// The AST's rule type shares its name with pest's generated `Rule` enum.
type Rule_ = super::ast::Rule;
