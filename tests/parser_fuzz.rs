//! No input panics the front end: random bytes and random mutations of
//! valid rule files (tokens deleted or duplicated, truncation) either check
//! cleanly or produce diagnostics whose spans lie inside the file.

use proptest::prelude::*;
use warrant::source::{FileId, Sources};
use warrant::syntax::{self, Parsed};

/// Parses and checks one in-memory file; asserts every span is in bounds.
fn front_end(text: &str) -> Result<(), TestCaseError> {
    let mut sources = Sources::new();
    let file = sources.add("fuzz.wr".into(), text.to_string());
    let (module, diagnostics) = syntax::parse_module(file, text);
    let parsed = Parsed {
        sources,
        modules: vec![module],
        imports: vec![Vec::new()],
        given: vec![file],
        diagnostics,
    };
    let checked = warrant::check::check(&parsed);
    let all: Vec<_> = parsed
        .diagnostics
        .iter()
        .chain(&checked.diagnostics)
        .collect();
    for d in &all {
        prop_assert!(!d.labels.is_empty(), "a diagnostic without a span: {d:?}");
        for l in &d.labels {
            prop_assert_eq!(l.span.file, FileId(0));
            prop_assert!(
                l.span.start <= l.span.end && (l.span.end as usize) <= text.len(),
                "{d:?}"
            );
            prop_assert!(
                text.is_char_boundary(l.span.start as usize)
                    && text.is_char_boundary(l.span.end as usize)
            );
        }
    }
    let errors = all.iter().any(|d| d.is_error());
    prop_assert_eq!(
        checked.program.is_some(),
        !errors || !parsed.diagnostics.is_empty() && checked.program.is_some()
    );
    Ok(())
}

/// Valid files to mutate: the shipped rule base and the test data.
fn corpus() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["rules/kim-simon-2021", "tests/data/cli"] {
        let mut entries: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            if p.extension().is_some_and(|e| e == "wr") {
                files.push(std::fs::read_to_string(p).unwrap());
            }
        }
    }
    assert!(!files.is_empty());
    files
}

/// Splits text into tokens: words, strings, single punctuation, whitespace.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let len = if c.is_alphanumeric() || c == '_' {
            rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len())
        } else if c == '"' {
            rest[1..].find('"').map_or(rest.len(), |i| i + 2)
        } else if c.is_whitespace() {
            rest.find(|c: char| !c.is_whitespace())
                .unwrap_or(rest.len())
        } else {
            c.len_utf8()
        };
        out.push(&rest[..len]);
        rest = &rest[len..];
    }
    out
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut toks: Vec<&str> = tokens(text);
    for m in mutations {
        if toks.is_empty() {
            break;
        }
        let n = toks.len();
        match *m {
            Mutation::Delete(i) => {
                toks.remove(i % n);
            }
            Mutation::Duplicate(i) => toks.insert(i % n, toks[i % n]),
            Mutation::Swap(a, b) => toks.swap(a % n, b % n),
            Mutation::Truncate(i) => toks.truncate(i % n),
        }
    }
    toks.concat()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        front_end(&text)?;
    }

    #[test]
    fn random_grammar_soup_never_panics(words in proptest::collection::vec(
        prop_oneof![
            Just("rule"), Just("when"), Just("then"), Just("unless"), Just("test"), Just("{"), Just("}"),
            Just("("), Just(")"), Just("."), Just(","), Just("X"), Just("a"), Just("\""), Just("["),
            Just("likely]"), Just(">="), Just("scale"), Just(":"), Just("<"), Just("pred"), Just("//"),
            Just("/*"), Just("*/"), Just("\n"), Just("é"), Just("{A}"), Just("because"), Just("cite"),
        ], 0..60)) {
        front_end(&words.join(" "))?;
    }

    #[test]
    fn mutated_rule_files_never_panic(
        file in any::<prop::sample::Index>(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let corpus = corpus();
        let text = &corpus[file.index(corpus.len())];
        front_end(&mutate(text, &mutations))?;
    }
}
