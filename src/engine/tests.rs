//! Unit tests of the engine on hand-built programs.

use super::builder::{Cond, ProgramBuilder, T, int, sym};
use super::*;
use crate::diagnostics::Code;
use crate::ir::FactOrigin;
use crate::ir::{CompareKind, CompareOp, InputFormat, PredId, Value};

fn l(p: f64) -> Likelihood {
    Likelihood::from_probability(p).unwrap()
}

fn rows_of(model: &Model, pred: &str) -> Vec<(String, u16)> {
    let program = model.program();
    let p = program.pred_id(pred).unwrap();
    let mut v: Vec<(String, u16)> = model
        .rows(p)
        .map(|(_, row, lk)| (model.format_row(p, row).replace(", ", ","), lk.units()))
        .collect();
    v.sort();
    v
}

fn names(v: &[(String, u16)]) -> Vec<&str> {
    v.iter().map(|(s, _)| s.as_str()).collect()
}

fn tc(chain: i64) -> Arc<Program> {
    let mut b = ProgramBuilder::new();
    let edge = b.pred("edge", 2);
    let path = b.pred("path", 2);
    for i in 0..chain {
        b.fact(
            edge,
            vec![Value::Int(i), Value::Int(i + 1)],
            Likelihood::CERTAIN,
        );
    }
    b.rule(
        "base",
        &[Cond::Atom(edge, vec![T::V("X"), T::V("Y")])],
        &[(path, vec![T::V("X"), T::V("Y")])],
        Likelihood::CERTAIN,
    );
    b.rule(
        "step",
        &[
            Cond::Atom(path, vec![T::V("X"), T::V("Y")]),
            Cond::Atom(edge, vec![T::V("Y"), T::V("Z")]),
        ],
        &[(path, vec![T::V("X"), T::V("Z")])],
        Likelihood::CERTAIN,
    );
    Arc::new(b.finish().unwrap())
}

#[test]
fn transitive_closure() {
    let p = tc(20);
    let m = evaluate(&p, &EvalOptions::default()).unwrap();
    let path = p.pred_id("path").unwrap();
    assert_eq!(m.len(path), 20 * 21 / 2);
    assert_eq!(m.stats().derived[path.0 as usize], 210);
    // Provenance: path(0, 20) by `step` from path(0, 19) and edge(19, 20).
    let zero = m.values().lookup(&Value::Int(0)).unwrap();
    let twenty = m.values().lookup(&Value::Int(20)).unwrap();
    let id = m.lookup(path, &[zero, twenty]).unwrap();
    match m.derivation(path, id).unwrap() {
        Derivation::Rule {
            rule,
            head,
            premises,
            height,
            ..
        } => {
            assert_eq!(p.rule(rule).name, "step");
            assert_eq!(head, 0);
            assert_eq!(premises.len(), 2);
            assert_eq!(premises[0].pred, path);
            assert_eq!(height, 20);
            let prow = m.row(premises[0].pred, premises[0].row).unwrap();
            assert_eq!(p.format_row(path, prow), "path(0, 19)");
        }
        d => panic!("{d:?}"),
    }
    let e = p.pred_id("edge").unwrap();
    assert!(matches!(
        m.derivation(e, 0),
        Some(Derivation::Fact {
            source: FactSource::Stated(0),
            ..
        })
    ));
    // Without provenance: same rows, no derivations.
    let m2 = evaluate(
        &p,
        &EvalOptions {
            provenance: false,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(rows_of(&m, "path"), rows_of(&m2, "path"));
    assert!(m2.derivation(path, 0).is_none());
}

#[test]
fn row_limit() {
    let p = tc(50);
    let err = evaluate(
        &p,
        &EvalOptions {
            max_rows: 500,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(err[0].code, Code::RowLimit);
    assert!(err[0].message.contains("`path`"), "{}", err[0].message);
    assert!(!err[0].labels.is_empty());
}

/// Likelihood: min along a derivation, max across; shortest proof on ties.
#[test]
fn likelihood_min_max_and_height() {
    let mut b = ProgramBuilder::new();
    let a = b.pred("a", 1);
    let c = b.pred("c", 1);
    let d = b.pred("d", 1);
    b.fact(a, vec![Value::Text("x".into())], l(0.9));
    b.fact(c, vec![Value::Text("x".into())], l(0.3));
    // d(X) from a at 0.6 (rule) → 0.6; from c → 0.3; best 0.6.
    b.rule(
        "from_a",
        &[Cond::Atom(a, vec![T::V("X")])],
        &[(d, vec![T::V("X")])],
        l(0.6),
    );
    b.rule(
        "from_c",
        &[Cond::Atom(c, vec![T::V("X")])],
        &[(d, vec![T::V("X")])],
        Likelihood::CERTAIN,
    );
    // Stated twice: the max.
    b.fact(c, vec![Value::Text("x".into())], l(0.4));
    let p = Arc::new(b.finish().unwrap());
    let m = evaluate(&p, &EvalOptions::default()).unwrap();
    assert_eq!(rows_of(&m, "d"), vec![("d(x)".into(), 6000)]);
    assert_eq!(rows_of(&m, "c"), vec![("c(x)".into(), 4000)]);
    let cid = p.pred_id("c").unwrap();
    assert!(matches!(
        m.derivation(cid, 0),
        Some(Derivation::Fact {
            source: FactSource::Stated(2),
            ..
        })
    ));
    let did = p.pred_id("d").unwrap();
    match m.derivation(did, 0).unwrap() {
        Derivation::Rule { rule, .. } => assert_eq!(p.rule(rule).name, "from_a"),
        d => panic!("{d:?}"),
    }
}

#[test]
fn shortest_proof_on_ties() {
    // reach via a long chain first, then a direct edge: same likelihood,
    // the direct one (height 1) must be recorded.
    let mut b = ProgramBuilder::new();
    let e = b.pred("e", 2);
    let r = b.pred("r", 2);
    for i in 0..5 {
        b.fact(
            e,
            vec![Value::Int(i), Value::Int(i + 1)],
            Likelihood::CERTAIN,
        );
    }
    b.fact(e, vec![Value::Int(0), Value::Int(5)], Likelihood::CERTAIN);
    b.rule(
        "step",
        &[
            Cond::Atom(r, vec![T::V("X"), T::V("Y")]),
            Cond::Atom(e, vec![T::V("Y"), T::V("Z")]),
        ],
        &[(r, vec![T::V("X"), T::V("Z")])],
        Likelihood::CERTAIN,
    );
    b.rule(
        "base",
        &[Cond::Atom(e, vec![T::V("X"), T::V("Y")])],
        &[(r, vec![T::V("X"), T::V("Y")])],
        Likelihood::CERTAIN,
    );
    let p = Arc::new(b.finish().unwrap());
    let m = evaluate(&p, &EvalOptions::default()).unwrap();
    let (v0, v5) = (
        m.values().lookup(&Value::Int(0)).unwrap(),
        m.values().lookup(&Value::Int(5)).unwrap(),
    );
    let id = m.lookup(r, &[v0, v5]).unwrap();
    assert_eq!(m.height(r, id), Some(1));
}

#[test]
fn negation_comparisons_scales_conflicts() {
    let mut b = ProgramBuilder::new();
    let level = b.scale("level", &["low", "moderate", "high"]);
    let doubt = b.pred("doubt", 2);
    let ally = b.pred("ally", 1);
    let reassured = b.pred("reassured", 1);
    let hedges = b.pred("hedges", 1);
    let score = b.pred("score", 2);
    let big = b.pred("big", 1);
    b.fact(
        doubt,
        vec![Value::Text("us".into()), Value::Text("high".into())],
        l(0.8),
    );
    for c in ["japan", "korea", "germany"] {
        b.fact(ally, vec![Value::Text(c.into())], Likelihood::CERTAIN);
    }
    b.fact(
        reassured,
        vec![Value::Text("germany".into())],
        Likelihood::CERTAIN,
    );
    b.fact(
        score,
        vec![Value::Text("japan".into()), Value::Int(3)],
        Likelihood::CERTAIN,
    );
    b.fact(
        score,
        vec![Value::Text("korea".into()), Value::Dec(3.0)],
        Likelihood::CERTAIN,
    );
    b.fact(
        score,
        vec![Value::Text("germany".into()), Value::Text("n/a".into())],
        Likelihood::CERTAIN,
    );
    b.rule(
        "hedge",
        &[
            Cond::Atom(doubt, vec![sym("us"), T::V("L")]),
            Cond::Cmp(
                T::V("L"),
                CompareOp::Ge,
                sym("moderate"),
                CompareKind::Scale(level),
            ),
            Cond::Atom(ally, vec![T::V("A")]),
            Cond::Unless(reassured, vec![T::V("A")]),
        ],
        &[(hedges, vec![T::V("A")])],
        l(0.55),
    );
    b.rule(
        "big",
        &[
            Cond::Atom(score, vec![T::V("A"), T::V("S")]),
            Cond::Cmp(T::V("S"), CompareOp::Ge, int(3), CompareKind::Value),
            Cond::Cmp(T::V("S"), CompareOp::Eq, int(3), CompareKind::Value),
        ],
        &[(big, vec![T::V("A")])],
        Likelihood::CERTAIN,
    );
    b.conflict(
        "both",
        Some("two hedgers"),
        &[
            Cond::Atom(hedges, vec![T::V("A")]),
            Cond::Atom(hedges, vec![T::V("B")]),
            Cond::Cmp(T::V("A"), CompareOp::Ne, T::V("B"), CompareKind::Value),
            Cond::Unless(reassured, vec![T::W]),
        ],
    );
    b.conflict(
        "never",
        None,
        &[
            Cond::Atom(hedges, vec![T::V("A")]),
            Cond::Unless(ally, vec![T::W]),
        ],
    );
    let p = Arc::new(b.finish().unwrap());
    assert_eq!(p.strata.len(), 2);
    let m = evaluate(&p, &EvalOptions::default()).unwrap();
    assert_eq!(
        rows_of(&m, "hedges"),
        vec![
            ("hedges(japan)".into(), 5500),
            ("hedges(korea)".into(), 5500)
        ]
    );
    assert_eq!(names(&rows_of(&m, "big")), vec!["big(japan)", "big(korea)"]);
    // `unless reassured(_)` fails (germany is reassured): no `both` hits.
    assert!(m.conflicts().is_empty());

    // Without germany's reassurance, `both` holds for each pair of the
    // three; a pair matched in both orders is one hit.
    let mut p2 = Program::clone(&p);
    p2.facts.retain(|f| f.pred != reassured);
    let m2 = evaluate(&Arc::new(p2), &EvalOptions::default()).unwrap();
    assert_eq!(names(&rows_of(&m2, "hedges")).len(), 3);
    let hits = m2.conflicts();
    assert_eq!(hits.len(), 3);
    assert!(
        hits.iter()
            .all(|h| h.conflict == 0 && h.premises.len() == 2)
    );
    assert_eq!(hits[0].likelihood.units(), 5500);
}

#[test]
fn files_filter_and_given_facts() {
    let mut b = ProgramBuilder::new();
    let p = b.pred("p", 1);
    let q = b.pred("q", 1);
    b.fact(p, vec![Value::Text("a".into())], Likelihood::CERTAIN);
    b.rule(
        "r",
        &[Cond::Atom(p, vec![T::V("X")])],
        &[(q, vec![T::V("X")])],
        Likelihood::CERTAIN,
    );
    let f2 = b.file("other.wr");
    b.fact(p, vec![Value::Text("b".into())], Likelihood::CERTAIN);
    let prog = Arc::new(b.finish().unwrap());
    let all = evaluate(&prog, &EvalOptions::default()).unwrap();
    assert_eq!(all.len(q), 2);
    let only_first = evaluate(
        &prog,
        &EvalOptions {
            files: Some(vec![FileId(0)]),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(names(&rows_of(&only_first, "q")), vec!["q(a)"]);
    let only_second = evaluate(
        &prog,
        &EvalOptions {
            files: Some(vec![f2]),
            ..Default::default()
        },
    )
    .unwrap();
    // The rule lives in file 0: nothing derived.
    assert_eq!(only_second.len(q), 0);
    let a = prog.values.lookup(&Value::Text("a".into())).unwrap();
    let given = evaluate(
        &prog,
        &EvalOptions {
            files: Some(vec![FileId(0)]),
            extra_facts: vec![ir::Fact {
                pred: q,
                row: vec![a],
                likelihood: Likelihood::CERTAIN,
                origin: FactOrigin::Stated(Span::new(FileId(0), 0, 0)),
            }],
            ..Default::default()
        },
    )
    .unwrap();
    assert!(matches!(
        given.derivation(q, 0),
        Some(Derivation::Fact {
            source: FactSource::Given(0),
            ..
        })
    ));
}

use crate::source::Span;

#[test]
fn recursion_with_likelihood_improvement() {
    // A cycle where likelihood improves through a later, stronger path.
    let mut b = ProgramBuilder::new();
    let e = b.pred("e", 2);
    let r = b.pred("r", 1);
    let s = b.pred("s", 1);
    b.fact(s, vec![int_v(0)], Likelihood::CERTAIN);
    b.fact(e, vec![int_v(0), int_v(1)], l(0.2));
    b.fact(e, vec![int_v(1), int_v(2)], Likelihood::CERTAIN);
    b.fact(e, vec![int_v(2), int_v(1)], Likelihood::CERTAIN);
    b.fact(e, vec![int_v(0), int_v(3)], Likelihood::CERTAIN);
    b.fact(e, vec![int_v(3), int_v(4)], Likelihood::CERTAIN);
    b.fact(e, vec![int_v(4), int_v(5)], Likelihood::CERTAIN);
    b.fact(e, vec![int_v(5), int_v(2)], l(0.9));
    b.rule(
        "root",
        &[Cond::Atom(s, vec![T::V("X")])],
        &[(r, vec![T::V("X")])],
        Likelihood::CERTAIN,
    );
    b.rule(
        "step",
        &[
            Cond::Atom(r, vec![T::V("X")]),
            Cond::Atom(e, vec![T::V("X"), T::V("Y")]),
        ],
        &[(r, vec![T::V("Y")])],
        Likelihood::CERTAIN,
    );
    let p = Arc::new(b.finish().unwrap());
    let m = evaluate(&p, &EvalOptions::default()).unwrap();
    let got = rows_of(&m, "r");
    assert_eq!(
        got,
        vec![
            ("r(0)".into(), 10000),
            ("r(1)".into(), 9000),
            ("r(2)".into(), 9000),
            ("r(3)".into(), 10000),
            ("r(4)".into(), 10000),
            ("r(5)".into(), 10000),
        ]
    );
    // Proof trees are acyclic and heights consistent.
    for (id, _, _) in m.rows(r) {
        let mut seen = vec![];
        let mut cur = id;
        loop {
            assert!(!seen.contains(&cur), "cycle in proof");
            seen.push(cur);
            match m.derivation(r, cur).unwrap() {
                Derivation::Rule { premises, .. } if premises[0].pred == r => cur = premises[0].row,
                _ => break,
            }
        }
    }
}

fn int_v(i: i64) -> Value {
    Value::Int(i)
}

#[test]
fn inputs_load_and_fail_whole() {
    // Read by the builder (as by `check`); the engine uses the rows.
    let dir = std::env::temp_dir().join(format!("warrant-engine-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        "from,to\r\n1,2\r\n\"2\",japan\r\n3,\"Hello, world\"\r\n4,0.5\n",
    )
    .unwrap();
    let bad = dir.join("bad.tsv");
    std::fs::write(&bad, "1\t2\n3\n").unwrap();
    let utf = dir.join("utf.csv");
    std::fs::write(&utf, b"1,\xff\n").unwrap();

    let mut b = ProgramBuilder::new();
    let e = b.pred("e", 2);
    b.input(e, &good, InputFormat::Csv, true).unwrap();
    let p = Arc::new(b.finish().unwrap());
    let m = evaluate(&p, &EvalOptions::default()).unwrap();
    assert_eq!(
        names(&rows_of(&m, "e")),
        vec!["e(1,2)", "e(2,japan)", "e(3,\"Hello,world\")", "e(4,0.5)"]
    );
    let d = m.derivation(e, 1);
    assert!(matches!(
        d,
        Some(Derivation::Fact {
            source: FactSource::Input { input: 0, row: 3 },
            ..
        })
    ));

    for (path, fmt, want, code) in [
        (&bad, InputFormat::Tsv, "row 2", Code::Input),
        (&utf, InputFormat::Csv, "row 1, column 2", Code::Input),
        // A file that cannot be read is an I/O problem, not a bad row.
        (
            &dir.join("missing.csv"),
            InputFormat::Csv,
            "cannot read",
            Code::Io,
        ),
    ] {
        let mut b = ProgramBuilder::new();
        let e = b.pred("e", 2);
        let err = b.input(e, path, fmt, false).unwrap_err();
        assert_eq!(err.code, code);
        assert!(err.message.contains(want), "{}", err.message);
        assert_eq!(err.labels.len(), 1);
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn deterministic() {
    let p = tc(30);
    let a = evaluate(&p, &EvalOptions::default()).unwrap();
    let b = evaluate(&p, &EvalOptions::default()).unwrap();
    // Every row, in insertion order, with its likelihood and derivation.
    let listing = |m: &Model| -> Vec<String> {
        (0..p.preds.len())
            .flat_map(|i| {
                let pred = PredId(i as u32);
                m.rows(pred)
                    .map(|(id, row, lk)| {
                        let d = m.derivation(pred, id);
                        format!("{} {lk} {d:?}", m.format_row(pred, row))
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    assert_eq!(listing(&a), listing(&b));
}

#[test]
fn malformed_ir_is_a_diagnostic() {
    let mut p = Program::clone(&tc(3));
    p.rules[0].heads[0].args.pop();
    let err = evaluate(&Arc::new(p), &EvalOptions::default()).unwrap_err();
    assert_eq!(err[0].code, Code::Internal);
}

#[test]
fn empty_body_rule_and_nullary() {
    let mut b = ProgramBuilder::new();
    let go = b.pred("go", 0);
    let x = b.pred("x", 1);
    b.rule("always", &[], &[(go, vec![])], l(0.5));
    b.rule(
        "x",
        &[Cond::Atom(go, vec![])],
        &[(x, vec![sym("yes")]), (go, vec![])],
        l(0.9),
    );
    let p = Arc::new(b.finish().unwrap());
    let m = evaluate(&p, &EvalOptions::default()).unwrap();
    assert_eq!(rows_of(&m, "go"), vec![("go()".into(), 5000)]);
    assert_eq!(rows_of(&m, "x"), vec![("x(yes)".into(), 5000)]);
    match m.derivation(x, 0).unwrap() {
        Derivation::Rule { head, height, .. } => assert_eq!((head, height), (0, 2)),
        d => panic!("{d:?}"),
    }
}

#[test]
fn rule_of_agrees_with_the_derivation() {
    let p = tc(20);
    for provenance in [true, false] {
        let options = EvalOptions {
            provenance,
            ..Default::default()
        };
        let m = evaluate(&p, &options).unwrap();
        for i in 0..p.preds.len() {
            let pred = PredId(i as u32);
            for (id, _, _) in m.rows(pred) {
                let expected = match m.derivation(pred, id) {
                    Some(Derivation::Rule { rule, .. }) => Some(rule),
                    _ => None,
                };
                assert_eq!(m.rule_of(pred, id), expected);
            }
        }
    }
}
