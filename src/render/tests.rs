//! Unit tests of the renderers on hand-built programs.

use super::text::RunOptions;
use super::{json, text};
use crate::engine::builder::{Cond, ProgramBuilder, T, int};
use crate::engine::{EvalOptions, Model, PatternArg, Query, QueryTable, evaluate, query_table};
use crate::ir::{CompareKind, CompareOp, Value};
use crate::likelihood::Likelihood;

fn l(p: f64) -> Likelihood {
    Likelihood::from_probability(p).unwrap()
}

fn query_text(model: &Model, table: &QueryTable) -> String {
    let mut out = Vec::new();
    text::query(&mut out, model, table).unwrap();
    String::from_utf8(out).unwrap()
}

fn run_text(model: &Model, all: bool) -> String {
    let preds = super::run_predicates(model, all, false);
    let mut out = Vec::new();
    text::run(&mut out, model, &preds, &RunOptions::default()).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn query_and_run_output() {
    let mut b = ProgramBuilder::new();
    let t = b.pred("threat", 3);
    let h = b.pred("high", 2);
    b.fact(
        t,
        vec![
            Value::Text("china".into()),
            Value::Text("east_asia".into()),
            Value::Int(3),
        ],
        l(0.8),
    );
    b.fact(
        t,
        vec![
            Value::Text("russia".into()),
            Value::Text("europe".into()),
            Value::Int(2),
        ],
        Likelihood::CERTAIN,
    );
    b.rule(
        "high",
        &[
            Cond::Atom(t, vec![T::V("A"), T::V("R"), T::V("N")]),
            Cond::Cmp(T::V("N"), CompareOp::Gt, int(2), CompareKind::Value),
        ],
        &[(h, vec![T::V("A"), T::V("R")])],
        l(0.55),
    );
    b.conflict("c", Some("desc"), &[Cond::Atom(h, vec![T::V("A"), T::W])]);
    let p = std::sync::Arc::new(b.finish().unwrap());
    let m = evaluate(&p, &EvalOptions::default()).unwrap();
    let china = m.values().lookup(&Value::Text("china".into())).unwrap();
    let q = Query {
        pred: t,
        args: vec![
            PatternArg::Value(china),
            PatternArg::Var(0),
            PatternArg::Any,
        ],
        vars: vec!["R".into()],
    };
    let table = query_table(&m, &q);
    assert_eq!(table.len(), 1);
    let text = query_text(&m, &table);
    assert_eq!(
        text,
        "R          likelihood\neast_asia  very likely (0.80)\n"
    );
    let none = Query {
        pred: t,
        args: vec![
            PatternArg::Value(u32::MAX), // an id no value has
            PatternArg::Var(0),
            PatternArg::Var(1),
        ],
        vars: vec!["R".into(), "N".into()],
    };
    let empty = query_table(&m, &none);
    assert_eq!(query_text(&m, &empty), "R  N  likelihood\n");
    let j = serde_json::to_value(json::query(&m, &table)).unwrap();
    assert_eq!(j["columns"][0], "R");
    assert_eq!(j["rows"][0]["values"][0], "east_asia");

    // With provenance a conflict is shown with the proofs of its sides.
    let out = run_text(&m, false);
    assert!(
        out.starts_with("high (1 row)\n  high(china, east_asia)  likely (0.55)\n\nconflicts (1)\n\n  conflict `c`: desc (built.wr:1)\n    where A = china\n"),
        "{out}"
    );
    assert!(
        out.contains("  └── [2] threat(china, east_asia, 3) · very likely (0.80)\n"),
        "{out}"
    );
    // Without, by its bindings and premises.
    let bare = EvalOptions {
        provenance: false,
        ..Default::default()
    };
    let unrecorded = evaluate(&p, &bare).unwrap();
    assert_eq!(
        run_text(&unrecorded, false),
        "high (1 row)\n  high(china, east_asia)  likely (0.55)\n\nconflicts (1)\n  c: desc\n    A = china\n    on high(china, east_asia)  likely (0.55)\n"
    );
    let all = run_text(&m, true);
    assert!(all.starts_with("threat (2 rows)\n"));
    let preds = super::run_predicates(&m, false, false);
    let j = serde_json::to_value(json::run(&m, &preds, false)).unwrap();
    assert_eq!(j["predicates"][0]["rows"][0]["rule"], "high");
    assert_eq!(j["predicates"][0]["rows"][0]["args"][0], "china");
    assert_eq!(j["conflicts"][0]["bindings"]["A"], "china");
    let s = text::summary(&m);
    assert!(
        s.starts_with("derived 1 row (high 1) · 1 stratum · "),
        "{s}"
    );
}
