//! Completion: what may stand at the cursor, judged from the text before it
//! (the item being typed rarely parses yet) and offered from the world.

use std::path::Path;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, Documentation,
    InsertTextFormat,
};
use warrant::likelihood::Likelihood;

use super::Cursor;
use super::index::Index;
use super::session::Session;

/// Where the cursor stands.
#[derive(Debug, PartialEq, Eq)]
enum Context {
    /// After `cite`: a source.
    Cite,
    /// After `by` in an expectation: a rule.
    ByRule,
    /// After `expect conflict` or `expect not conflict`: a conflict.
    Conflict,
    /// Inside `use "…`: a rule file, relative to the document's folder.
    UsePath(String),
    /// Inside `[…`: a likelihood word.
    Likelihood,
    /// Argument `index` (from 0) of an atom of `pred`.
    Argument { pred: String, index: usize },
    /// Anywhere else: keywords and predicates.
    Item,
}

pub fn completion(session: &mut Session, params: CompletionParams) -> Option<CompletionResponse> {
    let at = &params.text_document_position;
    let cursor = Cursor::new(session, at)?;
    let world = &cursor.world;
    let file = world.parsed.sources.get(cursor.file);
    let before = file.text.get(..cursor.offset)?;
    let index = &world.index;
    let items = match context(before) {
        Context::Cite => names(
            index.sources.iter().map(|(n, t)| (n, Some(t))),
            CompletionItemKind::REFERENCE,
        ),
        Context::ByRule => names(
            index.rules.iter().map(|n| (n, None)),
            CompletionItemKind::METHOD,
        ),
        Context::Conflict => names(
            index.conflicts.iter().map(|n| (n, None)),
            CompletionItemKind::EVENT,
        ),
        Context::UsePath(typed) => rule_files(file.path.parent()?, &typed),
        Context::Likelihood => words(Likelihood::all_words(), CompletionItemKind::VALUE),
        Context::Argument { pred, index: arg } => arguments(index, &pred, arg),
        Context::Item => {
            let mut items = predicates(index, session.snippets);
            items.extend(words(keywords(), CompletionItemKind::KEYWORD));
            items
        }
    };
    Some(CompletionResponse::Array(items))
}

/// The context of a cursor from the text before it.
fn context(before: &str) -> Context {
    let head = before[..word_start(before)].trim_end();
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    if let Some(typed) = after_word(line, "use")
        .and_then(|rest| rest.trim_start().strip_prefix('"'))
        .filter(|typed| !typed.contains('"'))
    {
        return Context::UsePath(typed.to_string());
    }
    match &head[word_start(head)..] {
        "cite" => return Context::Cite,
        "by" => return Context::ByRule,
        "conflict" => {
            let earlier = head[..head.len() - "conflict".len()].trim_end();
            let earlier = earlier.strip_suffix("not").map_or(earlier, str::trim_end);
            if earlier.ends_with("expect") {
                return Context::Conflict;
            }
        }
        _ => {}
    }
    enclosing(head).unwrap_or(Context::Item)
}

/// Where the name that `text` ends with starts.
fn word_start(text: &str) -> usize {
    text.char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// The rest of a line that starts (after blanks) with a whole word.
fn after_word<'a>(line: &'a str, word: &str) -> Option<&'a str> {
    let rest = line.trim_start().strip_prefix(word)?;
    rest.starts_with([' ', '\t', '"']).then_some(rest)
}

/// An open `[` or an open `(` of the item being typed, read backwards: a
/// `.` that ends an item (followed by a blank) or a closed bracket at
/// depth zero ends the search.
fn enclosing(head: &str) -> Option<Context> {
    let bytes = head.as_bytes();
    let mut depth = 0usize;
    let mut commas = 0;
    let mut in_string = false;
    for i in (0..bytes.len()).rev() {
        match bytes[i] {
            b'"' => in_string = !in_string,
            _ if in_string => {}
            b')' => depth += 1,
            b'(' if depth > 0 => depth -= 1,
            b'(' => {
                let pred = &head[word_start(&head[..i])..i];
                return (!pred.is_empty()).then(|| Context::Argument {
                    pred: pred.to_string(),
                    index: commas,
                });
            }
            b',' if depth == 0 => commas += 1,
            b'[' if depth == 0 => return Some(Context::Likelihood),
            b']' if depth == 0 => return None,
            b'.' if bytes.get(i + 1).is_none_or(u8::is_ascii_whitespace) => return None,
            _ => {}
        }
    }
    None
}

fn item(label: &str, kind: CompletionItemKind, detail: Option<&String>) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: detail.cloned(),
        ..Default::default()
    }
}

fn names<'a>(
    names: impl Iterator<Item = (&'a String, Option<&'a String>)>,
    kind: CompletionItemKind,
) -> Vec<CompletionItem> {
    names.map(|(n, detail)| item(n, kind, detail)).collect()
}

fn words<'a>(
    words: impl Iterator<Item = &'a str>,
    kind: CompletionItemKind,
) -> Vec<CompletionItem> {
    words.map(|w| item(w, kind, None)).collect()
}

/// Predicates, with their argument names (as a snippet where the client
/// takes them).
fn predicates(index: &Index, snippets: bool) -> Vec<CompletionItem> {
    index
        .preds
        .iter()
        .map(|(name, (params, arity))| {
            let args: Vec<String> = match params {
                Some(p) => p.names.clone(),
                None => (1..=*arity).map(|i| format!("arg{i}")).collect(),
            };
            let signature = format!("{name}({})", args.join(", "));
            let mut completion = item(name, CompletionItemKind::FUNCTION, Some(&signature));
            if snippets {
                let holes: Vec<String> = args
                    .iter()
                    .enumerate()
                    .map(|(i, a)| format!("${{{}:{a}}}", i + 1))
                    .collect();
                completion.insert_text = Some(format!("{name}({})", holes.join(", ")));
                completion.insert_text_format = Some(InsertTextFormat::SNIPPET);
            }
            completion
        })
        .collect()
}

/// In argument `arg` of `pred`: the values of its scale first when the
/// column is typed with one, then the constants seen in the world.
fn arguments(index: &Index, pred: &str, arg: usize) -> Vec<CompletionItem> {
    let params = index.preds.get(pred).and_then(|(p, _)| p.as_ref());
    let scale = params
        .and_then(|p| p.types.get(arg).cloned().flatten())
        .filter(|t| index.scales.contains_key(t));
    let mut items = Vec::new();
    if let Some(scale) = &scale {
        let detail = format!("value of scale {scale}");
        for (rank, value) in index.scales[scale].iter().enumerate() {
            let mut completion = item(value, CompletionItemKind::ENUM_MEMBER, Some(&detail));
            // Low to high, ahead of the constants.
            completion.sort_text = Some(format!("0{rank:04}"));
            items.push(completion);
        }
        return items;
    }
    if let Some(name) = params.and_then(|p| p.names.get(arg)) {
        items.extend(index.constants.keys().map(|c| {
            let mut completion = item(c, CompletionItemKind::CONSTANT, None);
            completion.documentation =
                Some(Documentation::String(format!("a constant, for `{name}`")));
            completion
        }));
        return items;
    }
    names(
        index.constants.keys().map(|c| (c, None)),
        CompletionItemKind::CONSTANT,
    )
}

/// Rule files and folders at the path typed so far.
fn rule_files(base: &Path, typed: &str) -> Vec<CompletionItem> {
    let folder = typed.rfind('/').map_or("", |i| &typed[..=i]);
    let Ok(entries) = std::fs::read_dir(base.join(folder)) else {
        return Vec::new();
    };
    let mut found: Vec<(String, bool)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            let is_dir = e.file_type().ok()?.is_dir();
            (is_dir || name.ends_with(".wr")).then_some((name, is_dir))
        })
        .collect();
    found.sort();
    found
        .into_iter()
        .map(|(name, is_dir)| {
            let kind = if is_dir {
                CompletionItemKind::FOLDER
            } else {
                CompletionItemKind::FILE
            };
            let mut completion = item(&name, kind, None);
            completion.insert_text = Some(if is_dir { format!("{name}/") } else { name });
            completion
        })
        .collect()
}

/// The language's keywords, read from the grammar's `keyword` rule so that
/// the list cannot fall behind it.
fn keywords() -> impl Iterator<Item = &'static str> {
    const GRAMMAR: &str = include_str!("../../grammar/warrant.pest");
    let rule = GRAMMAR
        .split_once("\nkeyword = @{")
        .and_then(|(_, rest)| rest.split_once("~ !ident_char"))
        .map_or("", |(body, _)| body);
    rule.split('"').skip(1).step_by(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_from_the_text_before_the_cursor() {
        let arg = |pred: &str, index| Context::Argument {
            pred: pred.into(),
            index,
        };
        assert_eq!(context("rule r when ally(A, "), arg("ally", 1));
        assert_eq!(context("rule r when ally(A, f(x), j"), arg("ally", 2));
        assert_eq!(context("doubt(us, hi"), arg("doubt", 1));
        assert_eq!(context("a(x).\nrule r when "), Context::Item);
        assert_eq!(context("a(x) [very l"), Context::Likelihood);
        assert_eq!(context("a(x) [likely].\nb"), Context::Item);
        assert_eq!(context("  then x(A)\n  cite ki"), Context::Cite);
        assert_eq!(context("  expect h(a) by "), Context::ByRule);
        assert_eq!(context("  expect not conflict c"), Context::Conflict);
        assert_eq!(context("  conflict "), Context::Item);
        assert_eq!(context("use \"parts/"), Context::UsePath("parts/".into()));
        assert_eq!(context("use \"a.wr\". x"), Context::Item);
        assert_eq!(context("a(\"(\", "), arg("a", 1));
        // Characters of several bytes before the cursor.
        assert_eq!(context("// é\nrule r when é(ü"), Context::Item);
        assert_eq!(context("b(\"é\", é"), arg("b", 1));
        assert_eq!(context("é"), Context::Item);
    }

    proptest::proptest! {
        /// Whatever precedes the cursor, reading it does not fail, and an
        /// argument's predicate is a name followed by `(` in the text.
        #[test]
        fn any_text_has_a_context(text in "(rule|cite|use|expect|conflict|not|by|a|é|\\(|\\)|\\[|\\]|\"|,|\\.| |\n)*") {
            if let Context::Argument { pred, .. } = context(&text) {
                let call = format!("{pred}(");
                proptest::prop_assert!(!pred.is_empty() && text.contains(&call));
            }
        }
    }

    #[test]
    fn keywords_come_from_the_grammar() {
        let all: Vec<_> = keywords().collect();
        for k in [
            "use", "rule", "when", "unless", "then", "because", "cite", "expect",
        ] {
            assert!(all.contains(&k), "{k} missing from {all:?}");
        }
    }
}
