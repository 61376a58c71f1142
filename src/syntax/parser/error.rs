//! pest's errors in words an analyst understands: what was expected, what
//! was found, where the mistake probably is, and a fix when one is known.

use pest::error::{ErrorVariant, InputLocation};

use super::Rule;
use super::scan::{ITEM_KEYWORDS, is_item_keyword, last_token_end};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// Where a pest error is, relative to the text parsed.
pub(super) fn error_offset(err: &pest::error::Error<Rule>) -> usize {
    match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
}

/// Turns a pest error on `rest` (which starts at `offset`) into a diagnostic
/// in words an analyst understands.
pub(super) fn parse_error(
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
