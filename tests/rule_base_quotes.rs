//! The shipped rule base's citation convention: every quote a rule cites from the article is at
//! most 25 words long. (That each quote occurs in the article is `check`'s job: the source
//! declares its text, `source/kim-simon-2021.txt`.)

use std::fs;
use std::path::{Path, PathBuf};

const RULE_BASE: &str = "rules/kim-simon-2021";
const SOURCE_NAME: &str = "kim_simon_2021";

/// One quote as written in a rule file.
struct Quote {
    file: PathBuf,
    line: usize,
    text: String,
}

/// Reads a string literal starting just after its opening quote; returns it unescaped and the
/// rest of the input after the closing quote.
fn string_literal(s: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &s[i + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// Every quote of `cite kim_simon_2021 "SECTION": "QUOTE"` in one file.
fn quotes_in(file: &Path) -> Vec<Quote> {
    let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let needle = format!("cite {SOURCE_NAME} \"");
    let mut found = Vec::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find(&needle) {
        let line = text.len() - rest.len() + at;
        let line = text[..line].lines().count().max(1);
        let after = &rest[at + needle.len()..];
        let (_section, after) = string_literal(after).expect("a closed section string");
        let after = after.trim_start();
        rest = after;
        // The quote is optional: `cite SOURCE "SECTION".`
        if let Some(after) = after.strip_prefix(':') {
            let after = after.trim_start();
            let after = after.strip_prefix('"').expect("a quote string after `:`");
            let (quote, after) = string_literal(after).expect("a closed quote string");
            found.push(Quote {
                file: file.to_path_buf(),
                line,
                text: quote,
            });
            rest = after;
        }
    }
    found
}

fn rule_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rule_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "wr") {
            out.push(path);
        }
    }
}

fn all_quotes() -> Vec<Quote> {
    let mut files = Vec::new();
    rule_files(Path::new(RULE_BASE), &mut files);
    files.iter().flat_map(|f| quotes_in(f)).collect()
}

#[test]
fn every_quote_is_at_most_25_words() {
    let quotes = all_quotes();
    assert!(quotes.len() >= 100, "only {} quotes found", quotes.len());
    let long: Vec<String> = quotes
        .iter()
        .filter(|q| q.text.split_whitespace().count() > 25)
        .map(|q| {
            format!(
                "{}:{}: {} words",
                q.file.display(),
                q.line,
                q.text.split_whitespace().count()
            )
        })
        .collect();
    assert!(
        long.is_empty(),
        "quotes over 25 words:\n{}",
        long.join("\n")
    );
}
