//! Hostile and large inputs through `load` + `check`: nothing panics, spans
//! point at the right characters, and the checker is fast.

use std::path::{Path, PathBuf};
use std::time::Instant;

use warrant::check::{check, summary};
use warrant::syntax::load;

/// A fresh temporary folder for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("warrant-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Every label of every diagnostic lies inside its file, on char boundaries.
fn assert_spans_in_bounds(
    parsed: &warrant::syntax::Parsed,
    diags: &[warrant::diagnostics::Diagnostic],
) {
    for d in diags {
        for l in &d.labels {
            let text = &parsed.sources.get(l.span.file).text;
            assert!(l.span.end as usize <= text.len(), "{d:?}");
            assert!(text.is_char_boundary(l.span.start as usize), "{d:?}");
            assert!(text.is_char_boundary(l.span.end as usize), "{d:?}");
        }
    }
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_crash() {
    let dir = temp_dir("nesting");
    let n = 10_000;
    let inputs = [
        format!("{}x{}.", "p(".repeat(n), ")".repeat(n)),
        format!(
            "rule r when {}a(X){} then b(X).",
            "(".repeat(n),
            ")".repeat(n)
        ),
        format!("p(a) {}.", "[".repeat(n)),
        format!("rule r when a(X) then b(X) because \"{}\".", "{".repeat(n)),
        format!("test \"t\" {}", "{".repeat(n)),
        "/*".repeat(n),
    ];
    for (i, text) in inputs.iter().enumerate() {
        let path = write(&dir, &format!("deep{i}.wr"), text);
        let parsed = load(&[path]);
        let checked = check(&parsed);
        assert!(parsed.has_errors(), "input {i} should not parse");
        assert!(checked.program.is_none());
        assert_spans_in_bounds(&parsed, &parsed.diagnostics);
        assert_spans_in_bounds(&parsed, &checked.diagnostics);
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn ten_megabytes_of_facts() {
    let dir = temp_dir("big");
    let mut text = String::with_capacity(10_500_000);
    let mut n = 0;
    while text.len() < 10_000_000 {
        text.push_str(&format!(
            "rel{}(country_{}, partner_{}, {}) [likely].\n",
            n % 50,
            n,
            n % 997,
            n % 10
        ));
        n += 1;
    }
    let path = write(&dir, "big.wr", &text);
    let parsed = load(&[path]);
    let checked = check(&parsed);
    assert!(
        checked.diagnostics.is_empty(),
        "{:?}",
        &checked.diagnostics[..1]
    );
    let program = checked.program.expect("clean");
    assert_eq!(program.facts.len(), n);
    assert_eq!(summary(&program).predicates, 50);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_empty_file_is_a_clean_empty_program() {
    let dir = temp_dir("empty");
    let path = write(&dir, "empty.wr", "");
    let parsed = load(&[path]);
    let checked = check(&parsed);
    assert!(parsed.diagnostics.is_empty() && checked.diagnostics.is_empty());
    let program = checked.program.expect("clean");
    assert_eq!(
        summary(&program).to_string(),
        "1 file, 0 facts, 0 rules, 0 predicates, 0 strata"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bom_crlf_and_non_ascii_keep_spans_on_the_right_characters() {
    let dir = temp_dir("bom");
    let text = "\u{FEFF}// Überblick — Verbündete\r\n\
                pred ally(country, patron) \"verbündet mit\".\r\n\
                ally(japan, us) [likely].\r\n\
                rule r\r\n\
                \x20 when ally(A, us), dout(A) // «Zweifel»\r\n\
                \x20 then hedges(A)\r\n\
                \x20 because \"{A} — hedges ünder {Zweifel}\".\r\n";
    let path = write(&dir, "bom.wr", text);
    let parsed = load(&[path]);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let checked = check(&parsed);
    let slice = |d: &warrant::diagnostics::Diagnostic| parsed.sources.slice(d.labels[0].span);
    let unknown = checked
        .diagnostics
        .iter()
        .find(|d| d.code == "warrant::unknown_predicate")
        .expect("dout is unknown");
    assert_eq!(slice(unknown), "dout");
    let loc = parsed.sources.location(unknown.labels[0].span);
    assert_eq!((loc.line, loc.column), (5, 21));
    let var = checked
        .diagnostics
        .iter()
        .find(|d| d.code == "warrant::unknown_variable")
        .expect("Zweifel is not a variable");
    assert_eq!(slice(var), "{Zweifel}");
    let loc = parsed.sources.location(var.labels[0].span);
    assert_eq!((loc.line, loc.column), (7, 31));
    std::fs::remove_dir_all(&dir).ok();
}

/// `cargo test --release --test check_robustness -- --ignored --nocapture`
/// prints the time of `load` and `check` on 100,000 facts and 1,000 rules.
#[test]
#[ignore = "a measurement; run in release"]
fn measure_100k_facts_1k_rules() {
    let dir = temp_dir("perf");
    let mut text = String::new();
    text.push_str("scale level: low < moderate < high.\nsource s \"A source\".\n");
    for p in 0..100 {
        text.push_str(&format!("pred rel{p}(a, b, n: int, l: level).\n"));
    }
    let levels = ["low", "moderate", "high"];
    for i in 0..100_000 {
        text.push_str(&format!(
            "rel{}(c{}, c{}, {}, {}) [0.{}].\n",
            i % 100,
            i % 5000,
            (i * 7) % 5000,
            i % 100,
            levels[i % 3],
            1 + i % 9
        ));
    }
    for i in 0..1000 {
        let body = if i >= 100 && i % 2 == 0 {
            format!("d{}(X, Z), rel{}(Z, Y, N, L)", i - 100, i % 100)
        } else {
            format!(
                "rel{}(X, Y, N, L), rel{}(Y, Z, _, _)",
                i % 100,
                (i + 1) % 100
            )
        };
        let unless = if i % 10 == 0 && i >= 10 {
            format!(" unless d{}(X, _)", i - 10)
        } else {
            String::new()
        };
        text.push_str(&format!(
            "rule r{i}\n  when {body}, N > 10, L >= moderate{unless}\n  then d{i}(X, Y) [likely]\n  \
             because \"{{X}} and {{Y}} at {{L}}\"\n  cite s \"Section {i}\".\n"
        ));
    }
    let path = write(&dir, "perf.wr", &text);
    let t0 = Instant::now();
    let parsed = load(&[path]);
    let t1 = Instant::now();
    let checked = check(&parsed);
    let t2 = Instant::now();
    // The machine may be busy: the best of five runs of `check` alone.
    let best = (0..5)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(check(&parsed));
            t.elapsed()
        })
        .min()
        .unwrap_or_default();
    assert!(parsed.diagnostics.is_empty());
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .take(3)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let program = checked.program.expect("clean");
    println!(
        "{} bytes; load {:?}, check {:?} (best of 5: {:?}), total {:?}; {}",
        text.len(),
        t1 - t0,
        t2 - t1,
        best,
        t2 - t0,
        summary(&program)
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// `cargo test --release --test check_robustness measure -- --ignored --nocapture`
/// also prints the parsing speed of plain facts (1,000,000, about 20 MB).
#[test]
#[ignore = "a measurement; run in release"]
fn measure_parsing_of_plain_facts() {
    let mut text = String::from("pred edge(a, b).\n");
    for i in 0..1_000_000 {
        text.push_str(&format!(
            "edge(c{}, c{}) [0.{}].\n",
            i % 5000,
            (i * 7) % 5003,
            1 + i % 9
        ));
    }
    // The machine may be busy: the best of five parses.
    let best = (0..5)
        .map(|_| {
            let t = Instant::now();
            let (module, diags) = std::hint::black_box(warrant::syntax::parse_module(
                warrant::source::FileId(0),
                &text,
            ));
            assert!(diags.is_empty() && module.items.len() == 1_000_001);
            t.elapsed()
        })
        .min()
        .unwrap_or_default();
    println!(
        "{} bytes of facts parsed in {best:?}: {:.1} MB/s",
        text.len(),
        text.len() as f64 / best.as_secs_f64() / 1e6
    );
}

/// A program that uses every construct the checker looks at.
const EVERYTHING: &str = r#"scale level: low < moderate < high.
scale cost: low < dear.
pred ally(country, patron) "allied".
pred doubt(patron, level: level).
pred troops(country, n: int).
source ks "Kim & Simón".
input ally from "allies.csv" with header.
ally(japan, us).
doubt(us, high) [likely].
troops(japan, 50000).
rule allies_hedge
  when doubt(P, L), L >= moderate, ally(A, P), troops(A, N), N > 100
  unless reassured(A, _)
  then hedges(A), worried(A) [0.7]
  because "{A} hedges: doubt is {L}"
  cite ks "The Stage": "quote".
rule reassure when ally(A, P), visits(P, A) then reassured(A, P).
rule loop when hedges(A) unless calm(A) then reassured(A, A).
conflict tension "two pulls" when hedges(A), ally(A, B), A != B cite ks "Links".
test "a test" {
  given ally(japan, us). doubt(us, high).
  expect hedges(japan) [likely] by allies_hedge.
  expect not hedges(_).
}
"#;

fn check_text(text: &str) {
    use warrant::source::Sources;
    use warrant::syntax::{Parsed, parse_module};
    let mut sources = Sources::new();
    let id = sources.add("mutant.wr".into(), text);
    let (module, diagnostics) = parse_module(id, text);
    let parsed = Parsed {
        sources,
        modules: vec![module],
        imports: vec![Vec::new()],
        given: vec![id],
        diagnostics,
    };
    let checked = check(&parsed);
    assert_eq!(
        checked.program.is_some(),
        !parsed.has_errors() && !checked.has_errors()
    );
    assert_spans_in_bounds(&parsed, &checked.diagnostics);
    for d in &checked.diagnostics {
        assert!(!d.labels.is_empty(), "{d:?}");
        // Rendering must not panic either.
        warrant::diagnostics::render(
            d,
            &parsed.sources,
            warrant::diagnostics::Style {
                color: false,
                width: 80,
            },
        );
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Deleting, duplicating or swapping tokens of a valid program gives
    /// diagnostics, never a panic.
    #[test]
    fn mutated_programs_do_not_panic(
        edits in proptest::collection::vec((0usize..3, 0usize..1000, 0usize..1000), 1..6)
    ) {
        let mut tokens: Vec<&str> = EVERYTHING
            .split_inclusive(|c: char| !c.is_alphanumeric() && c != '_')
            .collect();
        for (kind, a, b) in edits {
            if tokens.is_empty() {
                break;
            }
            let (a, b) = (a % tokens.len(), b % tokens.len());
            match kind {
                0 => {
                    tokens.remove(a);
                }
                1 => tokens.insert(b, tokens[a]),
                _ => tokens.swap(a, b),
            }
        }
        check_text(&tokens.concat());
    }
}
