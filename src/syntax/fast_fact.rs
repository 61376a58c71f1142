//! A fast path for the plain facts that make up most of a large file:
//! `edge(n1, n2).`, `name("Text", -3, X).` on their own.
//!
//! The grammar (`grammar/warrant.pest`) still decides what parses: this
//! accepts only a strict subset of what its `fact` rule accepts — names,
//! variables, integers and strings without escapes, separated by spaces or
//! tabs, no comment, no qualifier — and builds the same AST the parser
//! would. Anything else (`None`) goes to pest. A test in `parser` checks
//! that both give the same result on random text.

use super::ast::{Atom, Fact, Name, Term, Text};
use crate::source::{FileId, Span};

/// The plain fact at the start of `text` (after blanks), and the length
/// of the text up to its full stop; `offset` is where `text` starts.
pub(super) fn fast_fact(file: FileId, text: &str, offset: usize) -> Option<(Fact, usize)> {
    let bytes = text.as_bytes();
    let span = |start: usize, end: usize| Span::new(file, offset + start, offset + end);
    let name = |start: usize, end: usize| Name {
        text: text[start..end].to_string(),
        span: span(start, end),
    };
    let mut i = skip(bytes, 0, b" \t\r\n");
    let start = i;
    if !bytes.get(i)?.is_ascii_lowercase() {
        return None;
    }
    i = ident_end(bytes, i);
    let pred = name(start, i);
    i = skip(bytes, i, b" \t");
    if bytes.get(i) != Some(&b'(') {
        return None;
    }
    i = skip(bytes, i + 1, b" \t");
    let mut args = Vec::new();
    if bytes.get(i) != Some(&b')') {
        loop {
            let t = i;
            let c = *bytes.get(i)?;
            let term = if c.is_ascii_uppercase() || c == b'_' {
                i = ident_end(bytes, i);
                Term::Var(name(t, i))
            } else if c.is_ascii_lowercase() {
                i = ident_end(bytes, i);
                Term::Symbol(name(t, i))
            } else if c.is_ascii_digit() || c == b'-' {
                i += usize::from(c == b'-');
                let digits = i;
                while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                // A decimal (`1.5`) is left to the parser.
                if i == digits || bytes.get(i) == Some(&b'.') {
                    return None;
                }
                let value = text[t..i].parse::<i64>().ok()?;
                Term::Int {
                    value,
                    span: span(t, i),
                }
            } else if c == b'"' {
                let len = text[i + 1..].find(['"', '\\', '\n'])?;
                if bytes[i + 1 + len] != b'"' {
                    return None; // an escape or a line break: the parser's
                }
                i += len + 2;
                Term::Str(Text {
                    value: text[t + 1..i - 1].to_string(),
                    span: span(t, i),
                })
            } else {
                return None;
            };
            args.push(term);
            i = skip(bytes, i, b" \t");
            match bytes.get(i)? {
                b',' => i = skip(bytes, i + 1, b" \t"),
                b')' => break,
                _ => return None,
            }
        }
    }
    let atom_end = i + 1;
    i = skip(bytes, atom_end, b" \t");
    if bytes.get(i) != Some(&b'.') {
        return None;
    }
    let end = i + 1;
    let fact = Fact {
        atom: Atom {
            pred,
            args,
            span: span(start, atom_end),
        },
        qualifier: None,
        span: span(start, end),
    };
    Some((fact, end))
}

fn skip(bytes: &[u8], mut i: usize, blanks: &[u8]) -> usize {
    while bytes.get(i).is_some_and(|b| blanks.contains(b)) {
        i += 1;
    }
    i
}

fn ident_end(bytes: &[u8], mut i: usize) -> usize {
    while bytes
        .get(i)
        .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_')
    {
        i += 1;
    }
    i
}
