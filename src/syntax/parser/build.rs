//! The builder of AST nodes from pest pairs, and the leaves it builds:
//! names, atoms, terms, qualifiers, citations, strings and `because`
//! templates. Items are in `items`, conditions and expressions in `expr`.

use pest::iterators::Pair;

use super::Rule;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::syntax::ast::*;

/// Builds AST nodes from pairs; spans are shifted by `offset` because each
/// item is parsed from a slice of the file.
pub(super) struct Builder<'d> {
    pub(super) file: FileId,
    pub(super) offset: usize,
    pub(super) diags: &'d mut Vec<Diagnostic>,
}

/// Children of a pair without the punctuation tokens.
pub(super) fn kids(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| {
        !matches!(
            p.as_rule(),
            Rule::dot
                | Rule::comma
                | Rule::lparen
                | Rule::rparen
                | Rule::colon
                | Rule::lt
                | Rule::lbracket
                | Rule::rbracket
                | Rule::lbrace
                | Rule::rbrace
        )
    })
}

impl Builder<'_> {
    pub(super) fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, self.offset + s.start(), self.offset + s.end())
    }

    /// The span from the start of `pair` to the end of its last child:
    /// without the blanks and comments pest keeps at the end of a rule
    /// that ends in an optional part (`count { … } [likely]?`).
    pub(super) fn tight_span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        let end = pair
            .clone()
            .into_inner()
            .last()
            .map_or(s.end(), |p| p.as_span().end());
        Span::new(self.file, self.offset + s.start(), self.offset + end)
    }

    pub(super) fn name(&self, pair: Pair<Rule>) -> Name {
        Name {
            text: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    pub(super) fn atom(&mut self, pair: Pair<Rule>) -> Atom {
        let span = self.span(&pair);
        let mut inner = kids(pair);
        let pred = inner.next().map(|n| self.name(n)).unwrap_or(Name {
            text: String::new(),
            span,
        });
        let args = inner
            .next()
            .map(|terms| kids(terms).map(|t| self.term(t)).collect())
            .unwrap_or_default();
        Atom { pred, args, span }
    }

    pub(super) fn term(&mut self, pair: Pair<Rule>) -> Term {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::variable => Term::Var(self.name(pair)),
            Rule::string => Term::Str(self.text(pair)),
            Rule::integer => {
                match pair.as_str().parse::<i64>() {
                    Ok(value) => Term::Int { value, span },
                    Err(_) => {
                        self.diags.push(
                        Diagnostic::error(Code::Parse, "this number is too large")
                            .with_label(span, "outside the range of a 64-bit integer")
                            .with_help("integers range from -9223372036854775808 to 9223372036854775807"),
                    );
                        Term::Int { value: 0, span }
                    }
                }
            }
            Rule::decimal => Term::Dec {
                // The grammar admits only digits and one point, which always parse.
                value: pair.as_str().parse::<f64>().unwrap_or(0.0),
                span,
            },
            _ => Term::Symbol(self.name(pair)),
        }
    }

    pub(super) fn qualifier(&mut self, pair: Pair<Rule>) -> Qualifier {
        let span = self.span(&pair);
        let value = match kids(pair).next() {
            Some(p) if matches!(p.as_rule(), Rule::decimal | Rule::integer) => {
                QualifierValue::Number(p.as_str().parse::<f64>().unwrap_or(f64::NAN))
            }
            Some(p) => QualifierValue::Words(p.as_str().to_string()),
            None => QualifierValue::Words(String::new()),
        };
        Qualifier { value, span }
    }

    pub(super) fn cite(&mut self, pair: Pair<Rule>) -> Option<Cite> {
        let span = self.span(&pair);
        let mut inner = kids(pair);
        let source = self.name(inner.next()?);
        let section = self.text(inner.next()?);
        let quote = inner.next().map(|q| self.text(q));
        Some(Cite {
            source,
            section,
            quote,
            span,
        })
    }

    /// A string literal with its escapes resolved.
    pub(super) fn text(&mut self, pair: Pair<Rule>) -> Text {
        let span = self.span(&pair);
        let raw = pair.as_str();
        let body = &raw[1..raw.len().saturating_sub(1).max(1)];
        let mut value = String::with_capacity(body.len());
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => value.push('\n'),
                    Some('t') => value.push('\t'),
                    Some(other) => value.push(other),
                    None => {}
                }
            } else {
                value.push(c);
            }
        }
        Text { value, span }
    }

    /// A `because` string, split into literal text and `{Variable}` pieces.
    pub(super) fn template(&mut self, pair: Pair<Rule>) -> Template {
        let span = self.span(&pair);
        let raw = pair.as_str();
        let body_start = span.start as usize + 1;
        let body = &raw[1..raw.len().saturating_sub(1).max(1)];
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut iter = body.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            match c {
                '\\' => match iter.next() {
                    Some((_, 'n')) => text.push('\n'),
                    Some((_, 't')) => text.push('\t'),
                    Some((_, other)) => text.push(other),
                    None => {}
                },
                '{' => {
                    let close = body[i..].find('}').map(|j| i + j);
                    let name = close.map(|j| &body[i + 1..j]);
                    let valid = name.is_some_and(|n| {
                        n.starts_with(|c: char| c.is_ascii_uppercase() || c == '_')
                            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    });
                    match (close, name) {
                        (Some(j), Some(n)) if valid => {
                            if !text.is_empty() {
                                pieces.push(TemplatePiece::Text(std::mem::take(&mut text)));
                            }
                            pieces.push(TemplatePiece::Var(Name {
                                text: n.to_string(),
                                span: Span::new(self.file, body_start + i, body_start + j + 1),
                            }));
                            while iter.peek().is_some_and(|&(k, _)| k <= j) {
                                iter.next();
                            }
                        }
                        _ => {
                            let end = close.map_or(body.len(), |j| j + 1);
                            self.diags.push(
                                Diagnostic::error(
                                    Code::Parse,
                                    "`{` in a `because` sentence must name a variable",
                                )
                                .with_label(
                                    Span::new(self.file, body_start + i, body_start + end),
                                    "expected `{Variable}`",
                                )
                                .with_help("write `\\{` for a literal brace"),
                            );
                            text.push(c);
                        }
                    }
                }
                _ => text.push(c),
            }
        }
        if !text.is_empty() {
            pieces.push(TemplatePiece::Text(text));
        }
        Template { pieces, span }
    }
}
