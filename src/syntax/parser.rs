//! pest pairs to AST, one top-level item at a time, with error recovery.

use pest::Parser;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;

use super::ast::*;
use super::fast_fact::fast_fact;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

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

/// How deeply parentheses may nest.
const MAX_NESTING: usize = 64;

/// The first offset at or after `from` where parentheses nest more than
/// [`MAX_NESTING`] deep (outside strings and comments).
fn too_deep(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
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

/// The first line start at or after `after` whose line begins, at column 0,
/// with a top-level keyword or a fact (`name(`).
fn resume_point(text: &str, after: usize) -> Option<usize> {
    // Start at the first line start at or after `after`; scanning from the
    // top of the file at every error would be quadratic in a large file.
    let after = after.min(text.len());
    let mut start = match text.get(..after) {
        Some(head) if after > 0 && !head.ends_with('\n') => {
            after + text.get(after..)?.find('\n')? + 1
        }
        Some(_) => after,
        None => return None,
    };
    for line in text.get(start..)?.split_inclusive('\n') {
        let here = start;
        start += line.len();
        let word_len = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(line.len());
        let word = &line[..word_len];
        let next = line[word_len..].chars().next();
        let is_keyword = ITEM_KEYWORDS.contains(&word) && next.is_none_or(|c| !c.is_alphanumeric());
        let is_fact = word.starts_with(|c: char| c.is_ascii_lowercase())
            && line[word_len..].trim_start().starts_with('(');
        if is_keyword || is_fact {
            return Some(here);
        }
    }
    None
}

/// Where a pest error is, relative to the text parsed.
fn error_offset(err: &pest::error::Error<Rule>) -> usize {
    match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
}

/// Turns a pest error on `rest` (which starts at `offset`) into a diagnostic
/// in words an analyst understands.
fn parse_error(
    file: FileId,
    offset: usize,
    rest: &str,
    err: pest::error::Error<Rule>,
) -> Diagnostic {
    let rel = error_offset(&err);
    let mut expected: Vec<String> = Vec::new();
    let message_rules = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let item_level = message_rules
        .iter()
        .filter(|r| {
            matches!(
                r,
                Rule::use_decl
                    | Rule::scale_decl
                    | Rule::pred_decl
                    | Rule::source_decl
                    | Rule::input_decl
                    | Rule::rule_decl
                    | Rule::conflict_decl
                    | Rule::test_decl
                    | Rule::fact
            )
        })
        .count();
    if item_level >= 3 {
        expected.retain(|t| !is_item_keyword(t));
        expected.push(
            "a fact, a rule, or a declaration (`pred`, `scale`, `source`, `use`, `input`, `conflict`, `test`)"
                .to_string(),
        );
    }
    // After `name(…)` a condition was most likely an atom, not the call
    // a comparison could begin with: do not offer operators there.
    let after_paren = rest[..error_offset(&err).min(rest.len())]
        .trim_end()
        .ends_with(')');
    for rule in &message_rules {
        if after_paren && matches!(rule, Rule::compare_op | Rule::add_op | Rule::mul_op) {
            continue;
        }
        if let Some(words) = describe(*rule) {
            let words = words.to_string();
            if !expected.contains(&words) {
                expected.push(words);
            }
        }
    }
    if err.variant.message().contains("call limit") {
        expected.clear();
    }
    let found = found_token(&rest[rel.min(rest.len())..]);
    let at = offset + rel.min(rest.len());
    let message = if expected.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", join_or(&expected))
    };
    let span_len = if found == "end of file" {
        0
    } else {
        rest[rel.min(rest.len())..]
            .chars()
            .next()
            .map_or(0, |_| first_token_len(&rest[rel..]))
    };
    // When the unexpected token starts a new line, the mistake is at the
    // end of the last token before it (a missing `.` or `,`), past any
    // blank lines and comments: point there.
    let before = &rest[..rel.min(rest.len())];
    let prev_end = last_token_end(before);
    let label = if before[prev_end..].contains('\n') && prev_end > 0 {
        let p = offset + prev_end;
        (
            Span::new(file, p, p),
            format!("expected {} here", join_or(&expected)),
        )
    } else {
        (
            Span::new(file, at, at + span_len),
            "not expected here".to_string(),
        )
    };
    let found_text = &rest[rel.min(rest.len())..];
    let word_len = first_token_len(found_text);
    let typo = keyword_typo(&found_text[..word_len], &expected);
    let help = if found_text.starts_with('\'') {
        "strings are written in double quotes: \"like this\"".to_string()
    } else {
        match &typo {
            Some(keyword) => format!("did you mean `{keyword}`?"),
            None => help_for(&expected),
        }
    };
    let diag = Diagnostic::error(Code::Parse, message)
        .with_label(label.0, label.1)
        .with_help(help);
    match typo {
        // The label may point before the word (at a missing `.`); the fix
        // replaces the misspelt word itself.
        Some(keyword) if !found_text.starts_with('\'') => {
            diag.with_suggestion(Span::new(file, at, at + word_len), keyword)
        }
        _ => diag,
    }
}

/// The keyword a misspelt word was probably meant to be (`unles` →
/// `unless`), among the keywords the grammar expected at that point.
fn keyword_typo(word: &str, expected: &[String]) -> Option<String> {
    if !word.starts_with(|c: char| c.is_ascii_lowercase()) {
        return None;
    }
    let mut keywords: Vec<&str> = expected
        .iter()
        .filter_map(|e| e.strip_prefix('`')?.strip_suffix('`'))
        .filter(|k| k.chars().all(|c| c.is_ascii_lowercase()))
        .collect();
    // At the start of an item every item keyword is expected.
    if expected.iter().any(|e| e.starts_with("a fact, a rule")) {
        keywords.extend(ITEM_KEYWORDS);
    }
    crate::diagnostics::did_you_mean(word, keywords).map(str::to_string)
}

/// The length of the blanks and (closed) comments at the start of `text`.
fn blanks_len(text: &str) -> usize {
    let mut rest = text;
    loop {
        let trimmed = rest.trim_start();
        rest = if let Some(comment) = trimmed.strip_prefix("//") {
            comment.find('\n').map_or("", |i| &comment[i..])
        } else if let Some(comment) = trimmed.strip_prefix("/*") {
            match comment.find("*/") {
                Some(i) => &comment[i + 2..],
                None => return text.len() - trimmed.len(),
            }
        } else {
            return text.len() - trimmed.len();
        };
    }
}

/// Where the last token of `text` ends, skipping blanks and comments.
fn last_token_end(text: &str) -> usize {
    tail(text).0
}

/// Where the last token of `text` ends, skipping blanks and comments, and
/// whether a block comment is still open at its end.
fn tail(text: &str) -> (usize, bool) {
    let mut end = 0;
    let mut open = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '/' if chars.peek().is_some_and(|&(_, n)| n == '/') => {
                // A line comment: up to the end of the line.
                while chars.next_if(|&(_, n)| n != '\n').is_some() {}
            }
            '/' if chars.peek().is_some_and(|&(_, n)| n == '*') => {
                chars.next();
                let mut star = false;
                open = true;
                for (_, n) in chars.by_ref() {
                    if star && n == '/' {
                        open = false;
                        break;
                    }
                    star = n == '*';
                }
            }
            '"' => {
                // A string, so that `//` inside it is no comment.
                end = text.len();
                while let Some((j, n)) = chars.next() {
                    if n == '\\' {
                        chars.next();
                    } else if n == '"' {
                        end = j + 1;
                        break;
                    }
                }
            }
            c if c.is_whitespace() => {}
            c => end = i + c.len_utf8(),
        }
    }
    (end, open)
}

/// The keywords that start a top-level item.
const ITEM_KEYWORDS: [&str; 8] = [
    "use", "scale", "pred", "source", "input", "rule", "conflict", "test",
];

fn is_item_keyword(t: &str) -> bool {
    t.strip_prefix('`')
        .and_then(|t| t.strip_suffix('`'))
        .is_some_and(|t| ITEM_KEYWORDS.contains(&t))
}

fn help_for(expected: &[String]) -> String {
    if expected.iter().any(|e| e == "`.`") {
        "every fact, rule and declaration ends with a full stop `.`".to_string()
    } else if expected.iter().any(|e| e == "`then`") {
        "a rule reads: rule NAME when CONDITIONS [unless EXCEPTIONS] then CONCLUSIONS [QUALIFIER] [because \"...\"] [cite ...]."
            .to_string()
    } else {
        "see the language reference in docs/language.md".to_string()
    }
}

/// Words for a grammar rule, as an analyst would say them; `None` hides it.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::name => "a name (lower-case, like `ally`)",
        Rule::symbol => "a value (like `japan`)",
        Rule::variable => "a variable (capitalised, like `A`)",
        Rule::string | Rule::string_body => "a string in double quotes",
        Rule::integer | Rule::decimal => "a number",
        Rule::atom => "a condition like `ally(A, us)`",
        Rule::comparison => "a comparison like `L >= moderate`",
        Rule::compare_op => "a comparison operator (=, !=, <, <=, >, >=)",
        Rule::add_op | Rule::mul_op => "an arithmetic operator (+, -, *, /, %)",
        Rule::aggregate_body => "a condition like `reason(A, R)`",
        Rule::head_atom => "a conclusion like `hedges(A)`",
        Rule::exprs => "a value, a variable or an expression",
        Rule::qualifier => "a likelihood in brackets like `[likely]`",
        Rule::likelihood_word => "a likelihood word",
        Rule::terms => "a value or a variable",
        Rule::param | Rule::params => "an argument name",
        Rule::with_header => "`with header`",
        Rule::when_clause => "`when`",
        Rule::unless_clause => "`unless`",
        Rule::then_clause => "`then`",
        Rule::because_clause => "`because`",
        Rule::cite_clause => "`cite`",
        Rule::given => "`given`",
        Rule::without => "`without`",
        Rule::retract_decl => "`retract`",
        Rule::source_file => "`from`",
        Rule::expect | Rule::expect_not | Rule::expect_conflict | Rule::expect_no_conflict => {
            "`expect`"
        }
        Rule::by_rule => "`by`",
        Rule::fact => "a fact",
        Rule::dot => "`.`",
        Rule::comma => "`,`",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        Rule::colon => "`:`",
        Rule::lt => "`<`",
        Rule::lbracket => "`[`",
        Rule::rbracket => "`]`",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::end_of_input | Rule::EOI => "end of file",
        _ => return None,
    })
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The token at the error position, quoted, or "end of file".
fn found_token(rest: &str) -> String {
    if rest.is_empty() {
        return "end of file".to_string();
    }
    let len = first_token_len(rest);
    let token = &rest[..len];
    match token {
        "\n" | "\r\n" | "\r" => "end of line".to_string(),
        // As typed: the diagnostics layer escapes control characters.
        _ => format!("`{token}`"),
    }
}

fn first_token_len(rest: &str) -> usize {
    let word = rest
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
        .map_or(rest.len(), |(i, _)| i);
    if word > 0 {
        word.min(40)
    } else {
        rest.chars().next().map_or(0, char::len_utf8)
    }
}

/// Builds AST nodes from pairs; spans are shifted by `offset` because each
/// item is parsed from a slice of the file.
struct Builder<'d> {
    file: FileId,
    offset: usize,
    diags: &'d mut Vec<Diagnostic>,
}

/// Children of a pair without the punctuation tokens.
fn kids(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
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
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, self.offset + s.start(), self.offset + s.end())
    }

    /// The span from the start of `pair` to the end of its last child:
    /// without the blanks and comments pest keeps at the end of a rule
    /// that ends in an optional part (`count { … } [likely]?`).
    fn tight_span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        let end = pair
            .clone()
            .into_inner()
            .last()
            .map_or(s.end(), |p| p.as_span().end());
        Span::new(self.file, self.offset + s.start(), self.offset + end)
    }

    fn name(&self, pair: Pair<Rule>) -> Name {
        Name {
            text: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn item(&mut self, pair: Pair<Rule>) -> Option<Item> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = kids(pair);
        Some(match rule {
            Rule::use_decl => Item::Use(Use {
                path: self.text(inner.next()?),
                span,
            }),
            Rule::scale_decl => {
                let name = self.name(inner.next()?);
                let values = inner.map(|p| self.name(p)).collect();
                Item::Scale(ScaleDecl { name, values, span })
            }
            Rule::pred_decl => {
                let name = self.name(inner.next()?);
                let params = kids(inner.next()?)
                    .map(|p| {
                        let span = self.span(&p);
                        let mut parts = kids(p);
                        let name = parts.next().map(|n| self.name(n));
                        let ty = parts.next().map(|t| self.name(t));
                        name.map(|name| Param { name, ty, span })
                    })
                    .collect::<Option<Vec<_>>>()?;
                let doc = inner.next().map(|d| self.text(d));
                Item::Pred(PredDecl {
                    name,
                    params,
                    doc,
                    span,
                })
            }
            Rule::source_decl => Item::Source(SourceDecl {
                name: self.name(inner.next()?),
                title: self.text(inner.next()?),
                file: match inner.next() {
                    Some(f) => Some(self.text(kids(f).next()?)),
                    None => None,
                },
                span,
            }),
            Rule::retract_decl => Item::Retract(Retract {
                atom: self.atom(inner.next()?),
                span,
            }),
            Rule::input_decl => Item::Input(InputDecl {
                pred: self.name(inner.next()?),
                path: self.text(inner.next()?),
                header: inner.next().is_some(),
                span,
            }),
            Rule::fact => Item::Fact(self.fact(span, inner)?),
            Rule::rule_decl => Item::Rule(self.rule(span, inner)?),
            Rule::conflict_decl => Item::Conflict(self.conflict(span, inner)?),
            Rule::test_decl => Item::Test(self.test(span, inner)?),
            _ => return None,
        })
    }

    fn fact<'i>(
        &mut self,
        span: Span,
        mut inner: impl Iterator<Item = Pair<'i, Rule>>,
    ) -> Option<Fact> {
        let atom = self.atom(inner.next()?);
        let qualifier = inner.next().map(|q| self.qualifier(q));
        Some(Fact {
            atom,
            qualifier,
            span,
        })
    }

    fn rule<'i>(
        &mut self,
        span: Span,
        inner: impl Iterator<Item = Pair<'i, Rule>>,
    ) -> Option<Rule_> {
        let mut name = None;
        let mut rule = Rule_ {
            name: Name {
                text: String::new(),
                span,
            },
            when: Vec::new(),
            unless: Vec::new(),
            then: Vec::new(),
            qualifier: None,
            because: None,
            cites: Vec::new(),
            span,
        };
        for p in inner {
            match p.as_rule() {
                Rule::name => name = Some(self.name(p)),
                Rule::when_clause => rule.when = self.conditions(p),
                Rule::unless_clause => rule.unless = kids(p).map(|a| self.atom(a)).collect(),
                Rule::then_clause => {
                    for c in kids(p) {
                        match c.as_rule() {
                            Rule::head_atom => rule.then.push(self.head_atom(c)?),
                            Rule::qualifier => rule.qualifier = Some(self.qualifier(c)),
                            _ => {}
                        }
                    }
                }
                Rule::because_clause => {
                    let s = kids(p).next()?;
                    rule.because = Some(self.template(s));
                }
                Rule::cite_clause => rule.cites.push(self.cite(p)?),
                _ => {}
            }
        }
        rule.name = name?;
        Some(rule)
    }

    fn conflict<'i>(
        &mut self,
        span: Span,
        inner: impl Iterator<Item = Pair<'i, Rule>>,
    ) -> Option<Conflict> {
        let mut name = None;
        let mut description = None;
        let mut when = Vec::new();
        let mut unless = Vec::new();
        let mut cites = Vec::new();
        for p in inner {
            match p.as_rule() {
                Rule::name => name = Some(self.name(p)),
                Rule::string => description = Some(self.text(p)),
                Rule::when_clause => when = self.conditions(p),
                Rule::unless_clause => unless = kids(p).map(|a| self.atom(a)).collect(),
                Rule::cite_clause => cites.push(self.cite(p)?),
                _ => {}
            }
        }
        Some(Conflict {
            name: name?,
            description,
            when,
            unless,
            cites,
            span,
        })
    }

    fn test<'i>(
        &mut self,
        span: Span,
        mut inner: impl Iterator<Item = Pair<'i, Rule>>,
    ) -> Option<Test> {
        let name = self.text(inner.next()?);
        let mut given = Vec::new();
        let mut without = Vec::new();
        let mut expects = Vec::new();
        let mut conflicts = Vec::new();
        for step in inner {
            let step_span = self.span(&step);
            match step.as_rule() {
                Rule::given => {
                    for f in kids(step) {
                        let fspan = self.span(&f);
                        given.push(self.fact(fspan, kids(f))?);
                    }
                }
                Rule::without => {
                    for a in kids(step).filter(|a| a.as_rule() == Rule::atom) {
                        let span = self.span(&a);
                        without.push(Retract {
                            atom: self.atom(a),
                            span,
                        });
                    }
                }
                Rule::expect_conflict | Rule::expect_no_conflict => {
                    let negated = step.as_rule() == Rule::expect_no_conflict;
                    let name = self.name(kids(step).next()?);
                    conflicts.push(ExpectConflict {
                        negated,
                        name,
                        span: step_span,
                    });
                }
                Rule::expect | Rule::expect_not => {
                    let negated = step.as_rule() == Rule::expect_not;
                    let mut parts = kids(step);
                    let atom = self.atom(parts.next()?);
                    let mut at_least = None;
                    let mut by_rule = None;
                    for p in parts {
                        match p.as_rule() {
                            Rule::qualifier => at_least = Some(self.qualifier(p)),
                            Rule::by_rule => by_rule = kids(p).next().map(|n| self.name(n)),
                            _ => {}
                        }
                    }
                    expects.push(Expect {
                        negated,
                        atom,
                        at_least,
                        by_rule,
                        span: step_span,
                    });
                }
                _ => {}
            }
        }
        Some(Test {
            name,
            given,
            without,
            expects,
            conflicts,
            span,
        })
    }

    pub(super) fn conditions(&mut self, pair: Pair<Rule>) -> Vec<Condition> {
        kids(pair)
            .filter_map(|c| match c.as_rule() {
                Rule::atom => Some(Condition::Atom(self.atom(c))),
                Rule::comparison => self.comparison(c).map(Condition::Compare),
                _ => None,
            })
            .collect()
    }

    fn comparison(&mut self, pair: Pair<Rule>) -> Option<Comparison> {
        let start = self.span(&pair);
        let mut inner = kids(pair);
        let lhs = self.expr(inner.next()?)?;
        let op = match inner.next()?.as_str() {
            "=" => CompareOp::Eq,
            "!=" => CompareOp::Ne,
            "<" => CompareOp::Lt,
            "<=" => CompareOp::Le,
            ">" => CompareOp::Gt,
            _ => CompareOp::Ge,
        };
        let rhs = self.expr(inner.next()?)?;
        let span = Span::new(self.file, start.start as usize, rhs.span().end as usize);
        Some(Comparison { lhs, op, rhs, span })
    }

    /// A conclusion: an atom whose arguments may be expressions.
    fn head_atom(&mut self, pair: Pair<Rule>) -> Option<Atom> {
        let span = self.span(&pair);
        let mut inner = kids(pair);
        let pred = self.name(inner.next()?);
        let mut args = Vec::new();
        if let Some(exprs) = inner.next() {
            for e in kids(exprs) {
                args.push(self.expr(e)?);
            }
        }
        Some(Atom { pred, args, span })
    }

    /// `expr`, `product`, `unary` or a primary, as a term: a plain term
    /// when there is no operator, else a [`Term::Expr`].
    fn expr(&mut self, pair: Pair<Rule>) -> Option<Term> {
        match pair.as_rule() {
            Rule::expr | Rule::product => {
                let mut inner = kids(pair);
                let mut lhs = self.expr(inner.next()?)?;
                while let Some(op) = inner.next() {
                    let op = match op.as_str() {
                        "+" => ArithOp::Add,
                        "-" => ArithOp::Sub,
                        "*" => ArithOp::Mul,
                        "/" => ArithOp::Div,
                        _ => ArithOp::Rem,
                    };
                    let rhs = self.expr(inner.next()?)?;
                    let span = Span::new(
                        self.file,
                        lhs.span().start as usize,
                        rhs.span().end as usize,
                    );
                    lhs = Term::Expr(Box::new(Expr {
                        kind: ExprKind::Binary(op, lhs, rhs),
                        span,
                    }));
                }
                Some(lhs)
            }
            Rule::unary => {
                let mut negs = Vec::new();
                let mut term = None;
                for p in kids(pair) {
                    if p.as_rule() == Rule::neg {
                        negs.push(self.span(&p));
                    } else {
                        term = Some(self.expr(p)?);
                    }
                }
                let mut term = term?;
                for at in negs.into_iter().rev() {
                    let span = Span::new(self.file, at.start as usize, term.span().end as usize);
                    term = Term::Expr(Box::new(Expr {
                        kind: ExprKind::Neg(term),
                        span,
                    }));
                }
                Some(term)
            }
            Rule::paren => {
                let span = self.span(&pair);
                match self.expr(kids(pair).next()?)? {
                    // The parentheses belong to the expression they group.
                    Term::Expr(mut e) => {
                        e.span = span;
                        Some(Term::Expr(e))
                    }
                    t => Some(t),
                }
            }
            Rule::call => {
                let span = self.span(&pair);
                let mut inner = kids(pair);
                let name = self.name(inner.next()?);
                let mut args = Vec::new();
                for e in inner {
                    args.push(self.expr(e)?);
                }
                Some(Term::Expr(Box::new(Expr {
                    kind: ExprKind::Call(name, args),
                    span,
                })))
            }
            Rule::aggregate => {
                let span = self.tight_span(&pair);
                let mut op = AggregateOp::Count;
                let mut target = None;
                let mut body = Vec::new();
                let mut floor = None;
                for p in kids(pair) {
                    match p.as_rule() {
                        Rule::aggregate_op => {
                            op = match p.as_str() {
                                "sum" => AggregateOp::Sum,
                                "min" => AggregateOp::Min,
                                "max" => AggregateOp::Max,
                                _ => AggregateOp::Count,
                            }
                        }
                        Rule::variable => target = Some(self.name(p)),
                        Rule::aggregate_body => body = self.conditions(p),
                        Rule::qualifier => floor = Some(self.qualifier(p)),
                        _ => {}
                    }
                }
                Some(Term::Expr(Box::new(Expr {
                    kind: ExprKind::Aggregate(Aggregate {
                        op,
                        target,
                        body,
                        floor,
                    }),
                    span,
                })))
            }
            _ => Some(self.term(pair)),
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

    fn term(&mut self, pair: Pair<Rule>) -> Term {
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

    fn qualifier(&mut self, pair: Pair<Rule>) -> Qualifier {
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

    fn cite(&mut self, pair: Pair<Rule>) -> Option<Cite> {
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
    fn text(&mut self, pair: Pair<Rule>) -> Text {
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
    fn template(&mut self, pair: Pair<Rule>) -> Template {
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

// The AST's rule type shares its name with pest's generated `Rule` enum.
type Rule_ = super::ast::Rule;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Module, Vec<Diagnostic>) {
        parse_module(FileId(0), text)
    }

    /// The reference: every item parsed from the whole rest of the file.
    fn parse_rest(text: &str, pos: usize) -> (usize, ItemParse<'_>) {
        let rest = &text[pos..];
        (rest.len(), WarrantParser::parse(Rule::item_at, rest))
    }

    #[test]
    fn parsing_up_to_the_next_item_line_changes_nothing() {
        // Pieces that end items early, continue them on lines that look like
        // items, open comments across such lines, or hide comment marks in
        // strings; random files of them parse the same both ways.
        const PIECES: [&str; 16] = [
            "p(a).\n",
            "p(a) q(b)\n",
            "rule r when p(X)\np(X) then q(X).\n",
            "rule r when p(X) then q(X)\n",
            "p(a) /* open\n",
            "q(b). */ .\n",
            "rule s when p(X) then q(X) because \"/* not a comment\".\n",
            "test \"t\" {\ngiven p(a).\nexpect q(a).\n}\n",
            "test \"t\" {\ngiven p(a).\n",
            "// comment\n",
            "\n",
            "scale s: a < b.\n",
            "p('a').\n",
            "  p(b) [likely].\n",
            "/* c */ rule\nr when p(X) then q(X).\n",
            "use \"x.wr\"\n",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for case in 0..2000 {
            let mut text = String::new();
            for _ in 0..(case % 9 + 1) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(PIECES[(seed % PIECES.len() as u64) as usize]);
            }
            let windowed = parse_module_with(FileId(0), &text, parse_item, false);
            let whole = parse_module_with(FileId(0), &text, parse_rest, false);
            assert_eq!(format!("{windowed:?}"), format!("{whole:?}"), "{text}");
        }
    }

    #[test]
    fn the_fast_path_for_facts_parses_what_the_grammar_parses() {
        // Random lines of fact-like tokens, most of them near misses of a
        // plain fact: both ways give the same items and diagnostics.
        const TOKENS: [&str; 45] = [
            "p",
            "edge",
            "(",
            "(",
            ")",
            ")",
            ",",
            ",",
            " ",
            " ",
            "\t",
            "a",
            "B",
            "_",
            "_x",
            "12",
            "-3",
            "-",
            "1.5",
            "7.",
            "\"s t\"",
            "\"a\\\"b\"",
            "\"",
            ".",
            ".",
            "[likely]",
            "/*c*/",
            "// c\n",
            "\n",
            "é",
            "99999999999999999999",
            "\u{feff}",
            "x9_",
            "\r\n",
            "[0.7]",
            "[ very  likely ]",
            "[1]",
            "[.5]",
            "[7.]",
            "[-0.25 ]",
            "[very\tlikely]",
            "[",
            "]",
            "[likely ",
            "[2.5e3]",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..next(14) + 1 {
                // Often a well-formed fact, to reach deep into the fast path.
                if next(4) == 0 {
                    text.push_str("p(a, B, 12, \"s\")");
                } else {
                    text.push_str(TOKENS[next(TOKENS.len())]);
                }
            }
            let fast = parse_module_with(FileId(0), &text, parse_item, true);
            let slow = parse_module_with(FileId(0), &text, parse_item, false);
            assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{text:?}");
        }
    }

    #[test]
    fn last_token_skips_comments_not_strings() {
        assert_eq!(last_token_end("a \"x\" // c\n\n/* d */ "), 5);
        assert_eq!(last_token_end("cite ks \"http://x\"\n"), 18);
        assert_eq!(last_token_end("  \n"), 0);
    }

    #[test]
    fn parses_every_item_kind() {
        let src = r#"
// vocabulary
use "other.wr".
scale level: low < moderate < high.
pred ally(country, patron) "X is allied with Y".
pred doubt(patron, level: level).
source ks "Kim & Simón".
input edge from "edges.csv" with header.
ally(japan, us).
doubt(us, high) [likely].
rule hedge
  when doubt(us, L), L >= moderate, ally(A, us)
  unless reassured(A), calm(_)
  then hedges(A), worried(A) [0.7]
  because "{A} hedges: doubt is {L} \{sic\}"
  cite ks "The Stage": "quote".
conflict tension "two pulls"
  when hedges(A), ally(A, B), A != B
  cite ks "Links".
test "a test" {
  given ally(japan, us). doubt(us, high).
  expect hedges(japan) [likely] by hedge.
  expect not hedges(germany).
}
"#;
        let (m, d) = parse(src);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(m.items.len(), 11);
        let Item::Rule(r) = &m.items[8] else {
            panic!("expected a rule, got {:?}", m.items[8])
        };
        assert_eq!(r.name.text, "hedge");
        assert_eq!(r.when.len(), 3);
        assert_eq!(r.unless.len(), 2);
        assert_eq!(r.then.len(), 2);
        assert_eq!(
            r.qualifier.as_ref().unwrap().value,
            QualifierValue::Number(0.7)
        );
        let t = r.because.as_ref().unwrap();
        assert_eq!(t.pieces.len(), 4);
        assert_eq!(t.pieces[3], TemplatePiece::Text(" {sic}".into()));
        if let TemplatePiece::Var(v) = &t.pieces[0] {
            assert_eq!(&src[v.span.range()], "{A}");
        }
        let Item::Test(t) = &m.items[10] else {
            panic!()
        };
        assert_eq!(t.given.len(), 2);
        assert!(t.expects[1].negated);
        assert_eq!(t.expects[0].by_rule.as_ref().unwrap().text, "hedge");
    }

    #[test]
    fn recovers_after_an_error() {
        let src = "ally(japan us).\nally(korea, us).\nrule r when a(X) then .\nb(x).\n";
        let (m, d) = parse(src);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(m.items.len(), 2);
        assert!(d[0].message.contains("expected"), "{}", d[0].message);
        assert!(!d[0].message.contains("Rule::"), "{}", d[0].message);
    }

    #[test]
    fn missing_full_stop_is_explained() {
        let (_, d) = parse("ally(japan, us)\nally(korea, us).\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("`.`"), "{}", d[0].message);
        // Points at the end of the line where the `.` was expected.
        assert_eq!(d[0].labels[0].span.start, 15);
    }

    #[test]
    fn keywords_are_not_names() {
        let (_, d) = parse("rule rule when a(X) then b(X).");
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn empty_and_comment_only_files() {
        assert!(parse("").0.items.is_empty());
        assert!(parse("// nothing\n/* at all */\n").1.is_empty());
        assert!(parse("\u{FEFF}a(b).\r\n").1.is_empty());
    }

    #[test]
    fn an_error_after_a_comment_is_reported_once() {
        let (m, d) = parse(
            "// note\nally(japan us).\nally(korea, us)\nrule r\n  when a(X) b(X)\n  then c(X).\nz(y).\n",
        );
        assert_eq!(d.len(), 3, "{d:?}");
        assert_eq!(m.items.len(), 1);
    }

    #[test]
    fn errors_at_a_line_start_do_not_loop() {
        for text in [
            "because ( unless",
            "input a b",
            "a(b) c(d",
            "(\n(\n",
            "x(\ny(",
        ] {
            let (_, d) = parse(text);
            assert!(!d.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn atom_queries() {
        let a = parse_atom(FileId(0), "hedges(A, japan, 3, \"x\")").unwrap();
        assert_eq!(a.args.len(), 4);
        assert!(parse_atom(FileId(0), "hedges(").is_err());
    }
}
