//! Unit tests of the checker: what the IR looks like for small programs.

use super::*;
use crate::ir::{Arg, CompareKind, InputFormat, RuleId, TemplatePiece};
use crate::likelihood::Likelihood;
use crate::source::{FileId, Sources};
use crate::syntax::parse_module;

/// Parses files given as (name, text) and checks them.
fn check_files(files: &[(&str, &str)]) -> Checked {
    let mut sources = Sources::new();
    let mut modules = Vec::new();
    let mut diagnostics = Vec::new();
    for (name, text) in files {
        let id = sources.add(std::path::PathBuf::from(name), *text);
        let (m, d) = parse_module(id, text);
        modules.push(m);
        diagnostics.extend(d);
    }
    assert!(diagnostics.is_empty(), "parse errors: {diagnostics:?}");
    let parsed = Parsed {
        sources,
        imports: vec![Vec::new(); modules.len()],
        given: (0..modules.len() as u32)
            .map(crate::source::FileId)
            .collect(),
        modules,
        diagnostics,
    };
    check(&parsed)
}

fn checked(text: &str) -> Checked {
    check_files(&[("t.wr", text)])
}

/// The program of a text that must check cleanly (warnings allowed).
fn program(text: &str) -> Program {
    let c = checked(text);
    let errors: Vec<_> = c.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    c.program.expect("no errors, so a program")
}

fn codes(text: &str) -> Vec<Code> {
    checked(text).diagnostics.iter().map(|d| d.code).collect()
}

fn pred_names(p: &Program) -> Vec<&str> {
    p.preds.iter().map(|p| p.name.as_str()).collect()
}

fn stratum_of(p: &Program, name: &str) -> usize {
    let id = p.pred_id(name).unwrap();
    p.strata.iter().position(|s| s.preds.contains(&id)).unwrap()
}

const EXAMPLE: &str = r#"
scale level: low < moderate < high.
pred ally(country, patron).
pred commitment_doubt(patron, level: level).
source ks "Kim & Simón, 2021".

ally(japan, us).
commitment_doubt(us, high) [likely].

rule allies_hedge
  when commitment_doubt(P, L), L >= moderate, ally(A, P)
  unless reassured(A, _)
  then hedges(A) [very likely]
  because "{A} hedges: doubt about {P} is {L}"
  cite ks "The Stage": "the specter of retrenchment".

rule reassurance
  when ally(A, P), visits(P, A)
  then reassured(A, P).

conflict tension "pulled both ways"
  when hedges(A), reassured(A, P), P != A.

test "Japan hedges" {
  given ally(japan, us). commitment_doubt(us, high).
  expect hedges(japan) [likely] by allies_hedge.
  expect not hedges(_).
  expect reassured(X, X).
}

pred visits(visitor, host).
"#;

#[test]
fn lowers_a_whole_program() {
    let p = program(EXAMPLE);
    // Declared predicates first, then by first appearance.
    assert_eq!(
        pred_names(&p),
        ["ally", "commitment_doubt", "visits", "reassured", "hedges"]
    );
    assert_eq!(p.facts.len(), 2);
    assert_eq!(
        p.facts[1].likelihood,
        Likelihood::from_word("likely").unwrap()
    );
    assert_eq!(p.facts[0].likelihood, Likelihood::CERTAIN);
    let r = &p.rules[0];
    assert_eq!(r.body.vars, ["P", "L", "A"]);
    assert_eq!(r.body.atoms.len(), 2);
    assert_eq!(r.body.comparisons[0].kind, CompareKind::Scale(ScaleId(0)));
    assert_eq!(r.body.comparisons[0].lhs, Arg::Var(1));
    assert_eq!(r.body.exceptions[0].args, [Arg::Var(2), Arg::Wildcard]);
    assert_eq!(r.heads[0].args, [Arg::Var(2)]);
    assert_eq!(r.likelihood, Likelihood::from_word("very likely").unwrap());
    let because = r.because.as_ref().unwrap();
    assert_eq!(because[0], TemplatePiece::Var(2));
    assert_eq!(
        because[1],
        TemplatePiece::Text(" hedges: doubt about ".into())
    );
    assert_eq!(r.cites[0].source, SourceId(0));
    assert_eq!(
        r.cites[0].quote.as_deref(),
        Some("the specter of retrenchment")
    );
    // `reassured` is negated by `allies_hedge`: a lower stratum.
    assert!(stratum_of(&p, "reassured") < stratum_of(&p, "hedges"));
    assert_eq!(r.stratum, stratum_of(&p, "hedges"));
    assert_eq!(p.rules[1].stratum, stratum_of(&p, "reassured"));
    // Base predicates share the first stratum.
    assert_eq!(stratum_of(&p, "ally"), 0);
    assert_eq!(stratum_of(&p, "visits"), 0);
    assert_eq!(p.conflicts[0].body.comparisons[0].kind, CompareKind::Value);
    let t = &p.tests[0];
    assert_eq!(t.given.len(), 2);
    assert_eq!(t.expects[0].by_rule, Some(RuleId(0)));
    assert_eq!(t.expects[0].at_least, Likelihood::from_word("likely"));
    assert!(t.expects[1].negated);
    assert_eq!(t.expects[1].atom.args, [Arg::Wildcard]);
    assert_eq!(t.expects[2].vars, ["X"]);
    assert_eq!(t.expects[2].atom.args, [Arg::Var(0), Arg::Var(0)]);
    let s = summary(&p);
    assert_eq!(
        s.to_string(),
        "1 file, 2 facts, 2 rules, 5 predicates, 3 strata"
    );
}

#[test]
fn every_negated_predicate_is_in_an_earlier_stratum() {
    let p = program(EXAMPLE);
    for rule in &p.rules {
        for e in &rule.body.exceptions {
            assert!(stratum_of(&p, &p.pred(e.pred).name) < rule.stratum);
        }
        for a in &rule.body.atoms {
            assert!(stratum_of(&p, &p.pred(a.pred).name) <= rule.stratum);
        }
    }
}

#[test]
fn independent_predicates_share_strata() {
    let mut text = String::from("base(x).\n");
    for i in 0..1000 {
        text.push_str(&format!("rule r{i} when base(X) then d{i}(X).\n"));
    }
    let p = program(&text);
    assert_eq!(p.strata.len(), 2);
    assert_eq!(p.strata[1].rules.len(), 1000);
}

#[test]
fn recursion_stays_in_one_stratum() {
    let p = program(
        "edge(a, b).\n\
         rule base when edge(X, Y) then path(X, Y).\n\
         rule step when path(X, Y), edge(Y, Z) then path(X, Z).\n\
         rule unreached when edge(X, _) unless path(X, b) then stuck(X).\n",
    );
    assert_eq!(p.rules[0].stratum, p.rules[1].stratum);
    assert!(p.rules[2].stratum > p.rules[1].stratum);
    // `_` in a positive atom is a fresh variable of its own.
    assert_eq!(p.rules[2].body.vars, ["X", "_"]);
}

#[test]
fn a_rule_with_heads_in_several_strata_runs_in_the_lowest() {
    // `b` depends on `a` through another rule, so `a` is below `b`; `both`
    // concludes both and must run where `a` is computed, before `noa` reads
    // `unless a`.
    let p = program(
        "x(1).\n\
         rule both when x(N) then a(N), b(N).\n\
         rule more when a(N) then b(N).\n\
         rule noa when x(N) unless a(N) then c(N).\n",
    );
    let both = &p.rules[0];
    assert_eq!(both.stratum, stratum_of(&p, "a"));
    assert!(stratum_of(&p, "b") > stratum_of(&p, "a"));
    assert!(p.rules[2].stratum > both.stratum);
}

#[test]
fn negation_cycles_are_reported_with_each_step() {
    let c = checked(
        "ally(japan).\n\
         rule h when ally(A) unless reassured(A) then hedges(A).\n\
         rule r when hedges(A) then reassured(A).\n",
    );
    assert!(c.program.is_none());
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.code == Code::NegationCycle)
        .unwrap();
    assert_eq!(d.labels.len(), 2);
    assert!(
        d.message.contains("`hedges` → `reassured` → `hedges`"),
        "{}",
        d.message
    );
}

#[test]
fn positive_recursion_is_fine() {
    let p = program("p(a). rule r when p(X), q(X) then q(X). rule s when p(X) then q(X).");
    assert_eq!(p.rules[0].stratum, p.rules[1].stratum);
}

#[test]
fn comparison_kinds() {
    let p = program(
        "scale level: low < high.\n\
         pred n(x: int).\n\
         pred d(x: level).\n\
         n(1). d(low). m(a, b).\n\
         rule a when n(X), X > 0 then r1(X).\n\
         rule b when m(X, Y), X < Y then r2(X).\n\
         rule c when m(X, Y), X = Y then r3(X).\n\
         rule e when m(X, Y), X < high then r4(Y).\n\
         rule f when d(X), X = low then r5(X).\n\
         rule g when n(X), X >= 0.5 then r6(X).\n",
    );
    let kind = |r: usize| p.rules[r].body.comparisons[0].kind;
    assert_eq!(kind(0), CompareKind::Value);
    assert_eq!(kind(1), CompareKind::Value);
    assert_eq!(kind(2), CompareKind::Value);
    assert_eq!(kind(3), CompareKind::Scale(ScaleId(0)));
    assert_eq!(kind(4), CompareKind::Scale(ScaleId(0)));
    assert_eq!(kind(5), CompareKind::Value);
}

#[test]
fn type_errors() {
    let scales = "scale level: low < high.\nscale cost: cheap < dear.\n\
                  pred d(x: level).\npred c(x: cost).\npred n(x: int).\npred s(x: string).\n";
    let has = |body: &str, code: Code| {
        let text = format!("{scales}{body}");
        let got = codes(&text);
        assert!(got.contains(&code), "{body}: expected {code}, got {got:?}");
    };
    has("rule r when d(X), X > 1 then o(X).", Code::NeverHolds);
    has("rule r when d(X), X > cheap then o(X).", Code::NeverHolds);
    has("rule r when d(X), c(X) then o(X).", Code::TypeMismatch);
    has("rule r when d(X), n(X) then o(X).", Code::TypeMismatch);
    has("rule r when s(X), X < 3 then o(X).", Code::NeverHolds);
    // Texts order lexicographically.
    assert!(
        codes(&format!(
            "{scales}s(\"a\"). rule r when s(X), X < \"m\" then o(X)."
        ))
        .is_empty()
    );
    has("rule r when n(X), X = \"m\" then o(X).", Code::NeverHolds);
    // `!=` between kinds always holds: a type mismatch, not `never_holds`.
    has(
        "rule r when n(X), X != \"m\" then o(X).",
        Code::TypeMismatch,
    );
    has(
        "rule r when d(X), X >= hgh then o(X).",
        Code::UnknownScaleValue,
    );
    has("n(\"ten\").", Code::TypeMismatch);
    has("n(1.5).", Code::TypeMismatch);
    has("d(medium).", Code::UnknownScaleValue);
    has("d(3).", Code::TypeMismatch);
    has("test \"t\" { expect d(medium). }", Code::UnknownScaleValue);
    has("rule r when n(X) then d(X).", Code::TypeMismatch);
    // A constant in two scales needs a type to order by.
    let twice = "scale a: lo < hi.\nscale b: lo < mid < hi.\n";
    let got = codes(&format!(
        "{twice}rule r when m(X), X < hi then o(X). m(lo)."
    ));
    assert!(got.contains(&Code::TypeMismatch), "{got:?}");
    // ... but not to test identity.
    let got = codes(&format!(
        "{twice}rule r when m(X), X = hi then o(X). m(lo)."
    ));
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn integers_in_decimal_columns_become_decimals() {
    let p = program("pred w(x: decimal).\nw(1). w(1.0).\n");
    assert_eq!(p.facts[0].row, p.facts[1].row);
}

#[test]
fn safety() {
    let unsafe_ = |text: &str| {
        let got = codes(text);
        assert!(got.contains(&Code::UnsafeVariable), "{text}: {got:?}");
    };
    unsafe_("p(a). rule r when p(X) then q(Y).");
    unsafe_("p(a). rule r when p(X) unless q(Y) then s(X). q(a).");
    unsafe_("p(a). rule r when p(X), Y > 1 then s(X).");
    unsafe_("p(a). rule r when p(X) then s(_).");
    unsafe_("p(X).");
    unsafe_("test \"t\" { given p(X). }");
    // Comparisons before the atom that binds are fine.
    let p = program("p(1). rule r when X > 0, p(X) then s(X).");
    assert_eq!(p.rules[0].body.vars, ["X"]);
    // Wildcards in `unless` and expectations are fine.
    program(
        "p(a). q(a, b). rule r when p(X) unless q(X, _) then s(X). test \"t\" { expect s(_). }",
    );
}

#[test]
fn singletons_are_warnings() {
    let c = checked("p(a, b). rule r when p(X, Y) then s(X).");
    assert!(c.program.is_some());
    assert_eq!(c.diagnostics.len(), 1);
    assert_eq!(c.diagnostics[0].code, Code::SingletonVariable);
    // A conflict reports every variable's value, so `B` met once is not
    // questioned (renaming it `_B` would drop `B = beta` from the report)…
    let conflict = "p(a, b). conflict c when p(A, B).";
    assert!(checked(conflict).diagnostics.is_empty());
    // …unless it looks like a misspelt variable that is bound.
    let c = checked("p(a, b). q(a). conflict c when p(Ally, B), q(Aly).");
    assert_eq!(c.diagnostics.len(), 2);
    assert!(
        c.diagnostics
            .iter()
            .all(|d| d.code == Code::SingletonVariable)
    );
    assert!(
        c.diagnostics
            .iter()
            .all(|d| d.help.as_deref().is_some_and(|h| !h.contains('_'))),
        "{:?}",
        c.diagnostics
    );
    // `_Y` says "unused on purpose".
    assert!(
        checked("p(a, b). rule r when p(X, _Y) then s(X).")
            .diagnostics
            .is_empty()
    );
    // A variable used in the `because` sentence is used twice.
    assert!(
        checked("p(a, b). rule r when p(X, Y) then s(X) because \"{Y}\".")
            .diagnostics
            .is_empty()
    );
}

#[test]
fn unknown_names() {
    let got = codes("rule r when p(X) then q(X).");
    assert_eq!(got, [Code::UnknownPredicate]);
    // Declared but without facts: a scenario may supply them.
    assert!(codes("pred p(x). rule r when p(X) then q(X).").is_empty());
    // Known from a test's `given`.
    assert!(
        codes("rule r when p(X) then q(X). test \"t\" { given p(a). expect q(a). }").is_empty()
    );
    // Known from an input (whose file is missing here: an I/O error).
    assert_eq!(
        codes("input p from \"p.csv\". rule r when p(X) then q(X)."),
        [Code::Io]
    );
    let got = codes("pred p(x). test \"t\" { expect q(a). }");
    assert_eq!(got, [Code::UnknownPredicate]);
    let got = codes("p(a). test \"t\" { expect p(a) by nobody. }");
    assert_eq!(got, [Code::UnknownRule]);
    let got = codes("p(a). rule r when p(X) then q(X) cite nowhere \"s\".");
    assert_eq!(got, [Code::UnknownSource]);
}

#[test]
fn arity_is_checked_across_files() {
    let c = check_files(&[
        ("a.wr", "pred ally(country, patron).\n"),
        ("b.wr", "ally(japan).\n"),
    ]);
    let d = &c.diagnostics[0];
    assert_eq!(d.code, Code::ArityMismatch);
    assert_eq!(d.labels[0].span.file, FileId(1));
    assert_eq!(d.labels[1].span.file, FileId(0));
    // An input's predicate takes its arity from its first real use.
    let c = checked("input e from \"e.csv\". rule r when e(X, Y) then p(X, Y).");
    assert!(!c.diagnostics.iter().any(|d| d.code == Code::ArityMismatch));
}

#[test]
fn inputs_resolve_against_the_declaring_file() {
    let dir = std::env::temp_dir().join(format!("warrant-check-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("edges.TSV"), "a\tb\n").unwrap();
    let rules = dir.join("rules.wr");
    let c = check_files(&[(
        rules.to_str().unwrap(),
        "pred edge(a, b).\ninput edge from \"edges.TSV\" with header.\n",
    )]);
    let p = c.program.expect("clean");
    assert_eq!(p.inputs[0].path, dir.join("edges.TSV"));
    assert_eq!(p.inputs[0].format, InputFormat::Tsv);
    assert!(p.inputs[0].header);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn likelihood_bounds() {
    assert_eq!(codes("pred p(x). p(a) [0]."), [Code::UnknownLikelihood]);
    assert_eq!(
        codes("pred p(x). p(a) [1.0001]."),
        [Code::UnknownLikelihood]
    );
    assert!(codes("pred p(x). p(a) [1].").is_empty());
    assert!(codes("pred p(x). p(a) [Almost  Certain].").is_empty());
}

#[test]
fn parse_errors_withhold_the_program() {
    let mut sources = Sources::new();
    let text = "pred p(x).\np(a).\nrule broken when then.\n";
    let id = sources.add("t.wr".into(), text);
    let (m, d) = parse_module(id, text);
    assert!(!d.is_empty());
    let parsed = Parsed {
        sources,
        modules: vec![m],
        imports: vec![Vec::new()],
        given: vec![id],
        diagnostics: d,
    };
    let c = check(&parsed);
    assert!(c.program.is_none());
    assert!(c.diagnostics.is_empty());
}
