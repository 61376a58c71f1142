//! The engine on small rule files in `tests/data/engine/`, through the whole
//! pipeline (`Program::load` → `evaluate` → `render`).

use std::path::PathBuf;
use std::sync::Arc;

use warrant::Program;
use warrant::engine::{Derivation, EvalOptions, Model, PatternArg, Query, evaluate, query_table};
use warrant::ir::Value;
use warrant::render::{self, text::RunOptions};

/// `warrant run` text output (`--all`, `--explain`).
fn render_run(model: &Model, all: bool, explain: bool) -> String {
    let preds = render::run_predicates(model, all, false);
    let opts = RunOptions {
        explain,
        color: false,
    };
    let mut out = Vec::new();
    render::text::run(&mut out, model, &preds, &opts).expect("writes to memory");
    String::from_utf8(out).expect("UTF-8")
}

/// `warrant run --format json` output.
fn run_json(model: &Model, all: bool, explain: bool) -> String {
    let preds = render::run_predicates(model, all, false);
    render::json::to_string(&render::json::run(model, &preds, explain))
}

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/engine")
        .join(name)
}

fn load(name: &str) -> Arc<Program> {
    match Program::load(&[data(name)]) {
        Ok(p) => Arc::new(p),
        Err(report) => panic!("{report}"),
    }
}

#[test]
fn hedging_run() {
    let program = load("hedging.wr");
    let model = evaluate(&program, &EvalOptions::default()).unwrap();
    let text = render_run(&model, false, false);
    // Columns are aligned: compare with runs of spaces folded.
    let text = text
        .lines()
        .map(|l| {
            l.trim_start()
                .split("  ")
                .filter(|s| !s.is_empty())
                .map(str::trim)
                .collect::<Vec<_>>()
                .join("  ")
        })
        .collect::<Vec<_>>()
        .join("\n");
    // Germany is reassured; the rule is very likely but the doubt only likely.
    assert!(text.contains("hedges(japan)  likely (0.55)"), "{text}");
    assert!(text.contains("hedges(korea)  likely (0.55)"), "{text}");
    assert!(!text.contains("hedges(germany)"), "{text}");
    assert!(text.contains("arms(korea)"), "{text}");
    assert!(!text.contains("arms(japan)"), "{text}");
    // Recursion over the input, with a string from a quoted CSV field.
    assert!(
        text.contains("linked(japan, \"new zealand\")  very likely (0.90)"),
        "{text}"
    );
    assert!(
        text.contains("conflict `spread_thin`: both allies hedge at once"),
        "{text}"
    );
    // Base facts only with --all (the conflicts' proofs show them anyway).
    let (results, _) = text.split_once("conflicts (").expect("a conflict");
    assert!(!results.contains("ally(japan, us)"));
    let all = render_run(&model, true, false);
    assert!(all.contains("ally(japan, us)"));

    let json: serde_json::Value =
        serde_json::from_str(&run_json(&model, false, false)).expect("valid JSON");
    let hedges = json["predicates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "hedges")
        .unwrap();
    assert_eq!(hedges["rows"][0]["rule"], "allies_hedge");
    assert_eq!(hedges["rows"][0]["likelihood"]["word"], "likely");
    // One tension between two regions, not one per order of the pair.
    assert_eq!(json["conflicts"].as_array().unwrap().len(), 1);

    let hp = program.pred_id("hedges").unwrap();
    let (id, _, _) = model.rows(hp).next().unwrap();
    match model.derivation(hp, id).unwrap() {
        Derivation::Rule { rule, premises, .. } => {
            assert_eq!(program.rule(rule).name, "allies_hedge");
            assert_eq!(premises.len(), 2);
        }
        d => panic!("{d:?}"),
    }
    assert!(render::text::summary(&model).starts_with("derived "));
}

#[test]
fn hedging_query() {
    let program = load("hedging.wr");
    let model = evaluate(&program, &EvalOptions::default()).unwrap();
    let linked = program.pred_id("linked").unwrap();
    let japan = model.values().lookup(&Value::Text("japan".into())).unwrap();
    let q = Query {
        pred: linked,
        args: vec![PatternArg::Value(japan), PatternArg::Var(0)],
        vars: vec!["B".into()],
    };
    let table = query_table(&model, &q);
    assert_eq!(table.len(), 3);
    let mut out = Vec::new();
    render::text::query(&mut out, &model, &table).expect("writes to memory");
    let text = String::from_utf8(out).expect("UTF-8");
    assert!(text.starts_with("B "), "{text}");
    let atom =
        warrant::syntax::parse_atom(warrant::source::FileId(0), "linked(A, australia)").unwrap();
    let q = warrant::engine::resolve_query(&model, &atom).unwrap();
    let t = query_table(&model, &q);
    assert_eq!(t.columns, vec!["A".to_string()]);
    assert_eq!(t.len(), 2);
    let atom = warrant::syntax::parse_atom(warrant::source::FileId(0), "linkd(A, B)").unwrap();
    let err = warrant::engine::resolve_query(&model, &atom).unwrap_err();
    assert_eq!(err.code, "warrant::unknown_predicate");
    // A query with the wrong number of arguments has the one arity code.
    let atom = warrant::syntax::parse_atom(warrant::source::FileId(0), "linked(A)").unwrap();
    let err = warrant::engine::resolve_query(&model, &atom).unwrap_err();
    assert_eq!(err.code, "warrant::arity_mismatch");
}

#[test]
fn bad_input_is_a_diagnostic() {
    // `check` reads input files, so a bad file stops the program loading.
    let loaded = warrant::load(&[data("bad_input.wr")]);
    assert!(loaded.program.is_none());
    let err = loaded.diagnostics;
    assert_eq!(err[0].code, "warrant::input");
    assert!(
        err[0].message.contains("bad.csv, row 2"),
        "{}",
        err[0].message
    );
    assert!(err[0].message.contains("3 fields"), "{}", err[0].message);
    let file = loaded.sources.get(err[0].labels[0].span.file);
    assert!(file.name().ends_with("bad_input.wr"), "{}", file.name());
}

#[test]
fn row_limit_names_the_predicate() {
    let program = load("runaway.wr");
    let ok = evaluate(&program, &EvalOptions::default()).unwrap();
    assert_eq!(ok.stats().total_derived(), 200 * 201 / 2);
    let err = evaluate(
        &program,
        &EvalOptions {
            max_rows: 5_000,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(err[0].code, "warrant::row_limit");
    assert!(err[0].message.contains("`path`"));
}

#[test]
fn byte_identical_output() {
    let program = load("hedging.wr");
    let a = evaluate(&program, &EvalOptions::default()).unwrap();
    let b = evaluate(&program, &EvalOptions::default()).unwrap();
    assert_eq!(render_run(&a, true, true), render_run(&b, true, true));
    assert_eq!(run_json(&a, true, true), run_json(&b, true, true));
}

/// The height stored with a row, which ranks derivations of equal
/// likelihood, is the height of its recorded proof tree.
fn proof_height(model: &Model, pred: warrant::ir::PredId, row: u32) -> u32 {
    match model.derivation(pred, row).expect("provenance is on") {
        Derivation::Fact { .. } => 0,
        Derivation::Rule { premises, .. } => {
            1 + premises
                .iter()
                .map(|p| proof_height(model, p.pred, p.row))
                .max()
                .unwrap_or(0)
        }
    }
}

#[test]
fn heights_across_strata() {
    let program = load("heights_across_strata.wr");
    let model = evaluate(&program, &EvalOptions::default()).unwrap();
    let d2 = program.pred_id("d2").unwrap();
    assert_eq!(model.rows(d2).count(), 5);
    for p in 0..program.preds.len() {
        let pred = warrant::ir::PredId(p as u32);
        for (id, row, _) in model.rows(pred) {
            assert_eq!(
                model.height(pred, id),
                Some(proof_height(&model, pred, id)),
                "{}",
                model.format_row(pred, row)
            );
        }
    }
}
