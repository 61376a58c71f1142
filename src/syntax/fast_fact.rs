//! A fast path for the plain facts that make up most of a large file:
//! `edge(n1, n2).`, `name("Text", -3, X).` on their own.
//!
//! The grammar (`grammar/warrant.pest`) still decides what parses: this
//! accepts only a strict subset of what its `fact` rule accepts — names,
//! variables, integers and strings without escapes, a likelihood in
//! brackets, separated by spaces or tabs, no comment — and builds the same
//! AST the parser
//! would. Anything else (`None`) goes to pest. A test in `parser` checks
//! that both give the same result on random text.

use super::ast::{Atom, Fact, Name, Qualifier, QualifierValue, Term, Text};
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
                i = digits_end(bytes, i);
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
    let mut qualifier = None;
    if bytes.get(i) == Some(&b'[') {
        let (q, after) = fast_qualifier(text, i)?;
        qualifier = Some(Qualifier {
            value: q,
            span: span(i, after),
        });
        i = skip(bytes, after, b" \t");
    }
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
        qualifier,
        span: span(start, end),
    };
    Some((fact, end))
}

/// A likelihood in brackets at `open` (`[0.7]`, `[very likely]`): its
/// value as the parser gives it, and where it ends.
fn fast_qualifier(text: &str, open: usize) -> Option<(QualifierValue, usize)> {
    let bytes = text.as_bytes();
    let mut i = skip(bytes, open + 1, b" \t");
    let start = i;
    let value = if bytes.get(i)?.is_ascii_digit() || bytes[i] == b'-' {
        i += usize::from(bytes[i] == b'-');
        let digits = i;
        i = digits_end(bytes, i);
        if i == digits {
            return None;
        }
        if bytes.get(i) == Some(&b'.') {
            let fraction = i + 1;
            i = digits_end(bytes, fraction);
            if i == fraction {
                return None;
            }
        }
        QualifierValue::Number(text[start..i].parse::<f64>().ok()?)
    } else if bytes[i].is_ascii_alphabetic() {
        // Words separated by spaces (not tabs), as the grammar's
        // `likelihood_word` takes them.
        i = alpha_end(bytes, i);
        loop {
            let next = skip(bytes, i, b" ");
            if next > i && bytes.get(next).is_some_and(u8::is_ascii_alphabetic) {
                i = alpha_end(bytes, next);
            } else {
                break;
            }
        }
        QualifierValue::Words(text[start..i].to_string())
    } else {
        return None;
    };
    i = skip(bytes, i, b" \t");
    (bytes.get(i) == Some(&b']')).then_some((value, i + 1))
}

fn digits_end(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

fn alpha_end(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
        i += 1;
    }
    i
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
