use super::scan::last_token_end;
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
