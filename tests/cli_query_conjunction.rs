//! `warrant query` with a conjunction of atoms, comparisons and
//! arithmetic, on tests/data/query/risk.wr: its output in both formats,
//! its diagnostics, and its answers checked twice — against the same
//! conjunction written as a rule, and against a join computed here from
//! the single-atom answers.

use assert_cmd::Command;
use serde_json::Value;

const FILE: &str = "tests/data/query/risk.wr";

fn query(file: &str, pattern: &str, json: bool) -> (i32, String, String) {
    query_with(file, pattern, json, &[])
}

/// [`query`] with more flags.
fn query_with(file: &str, pattern: &str, json: bool, more: &[&str]) -> (i32, String, String) {
    let mut args = vec!["query", file, pattern];
    args.extend(more);
    if json {
        args.extend(["--format", "json"]);
    }
    let out = Command::cargo_bin("warrant")
        .expect("the binary")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .args(&args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(file: &str, pattern: &str) -> Value {
    let (code, out, err) = query(file, pattern, true);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("JSON")
}

const TWO_STEP: &str = "edge(X, Y), edge(Y, Z), N = X + Z, N > 3";

#[test]
fn a_conjunction_prints_its_named_variables_and_the_weakest_likelihood() {
    let (code, out, err) = query(FILE, TWO_STEP, false);
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!("two_step_text", out);
    let (code, out, _) = query(FILE, "risk(A, R), R >= moderate, neighbour(A, B)", true);
    assert_eq!(code, 0);
    insta::assert_snapshot!("scale_comparison_json", out);
}

#[test]
fn a_conjunction_without_named_variables_answers_whether_it_holds() {
    let (code, out, _) = query(FILE, "edge(1, 2), edge(2, 3)", false);
    assert_eq!(code, 0);
    assert_eq!(out, "likelihood\nlikely (0.55)\n");
    let (code, out, _) = query(FILE, "edge(1, 2), edge(2, 1)", false);
    assert_eq!(code, 0);
    assert_eq!(out, "likelihood\n");
}

#[test]
fn a_single_atom_keeps_its_predicate_in_json() {
    let single = json(FILE, "edge(X, Y)");
    assert_eq!(single["predicate"], "edge");
    assert_eq!(json(FILE, TWO_STEP)["predicate"], Value::Null);
}

#[test]
fn the_answers_are_those_of_the_same_conjunction_written_as_a_rule() {
    let asked = json(FILE, TWO_STEP);
    let ruled = json("tests/data/query/two_step.wr", "two_step(X, Y, Z, N)");
    assert_eq!(asked["columns"], ruled["columns"]);
    assert_eq!(asked["rows"], ruled["rows"]);
    assert_eq!(asked["rows"].as_array().map(Vec::len), Some(3));
}

/// The join of `edge` with itself computed here, from the rows of the
/// single-atom query: the answers and each one's weakest likelihood.
#[test]
fn the_answers_equal_a_join_computed_from_the_single_atom_answers() {
    let edges = json(FILE, "edge(X, Y)");
    let edges: Vec<(i64, i64, f64)> = edges["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let v = &r["values"];
            (
                v[0].as_i64().expect("int"),
                v[1].as_i64().expect("int"),
                r["likelihood"]["probability"].as_f64().expect("number"),
            )
        })
        .collect();
    let mut expected = Vec::new();
    for &(x, y, l1) in &edges {
        for &(y2, z, l2) in &edges {
            if y == y2 && x + z > 3 {
                expected.push((vec![x, y, z, x + z], l1.min(l2)));
            }
        }
    }
    let asked = json(FILE, TWO_STEP);
    let mut got: Vec<(Vec<i64>, f64)> = asked["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let values = r["values"].as_array().expect("values");
            let values = values.iter().map(|v| v.as_i64().expect("int")).collect();
            (
                values,
                r["likelihood"]["probability"].as_f64().expect("number"),
            )
        })
        .collect();
    let key = |a: &(Vec<i64>, f64), b: &(Vec<i64>, f64)| a.0.cmp(&b.0);
    expected.sort_by(key);
    got.sort_by(key);
    assert_eq!(got, expected);
}

#[test]
fn errors_in_the_conjunction_point_into_it() {
    for (name, pattern) in [
        ("unbound_variable", "edge(X, Y), Z > 3"),
        ("scale_against_integer", "risk(A, R), R > 3"),
        ("unknown_scale_value", "risk(A, R), R >= hihg"),
        ("unknown_predicate", "riskk(A, R)  , A = B"),
        ("negation", "edge(X, Y), not edge(Y, X)"),
        ("parse_error", "edge(X, Y),"),
    ] {
        let (code, out, err) = query(FILE, pattern, false);
        assert_eq!(code, 2, "{pattern}");
        assert!(out.is_empty(), "{pattern}");
        assert!(err.contains("<query>"), "{pattern}: {err}");
        insta::assert_snapshot!(name, err);
    }
}

fn explained(file: &str, pattern: &str, json: bool) -> (i32, String, String) {
    query_with(file, pattern, json, &["--explain"])
}

#[test]
fn explain_follows_each_answer_with_the_proofs_of_what_it_matched() {
    let two_step = "tests/data/query/two_step.wr";
    let pattern = "edge(W, X), two_step(X, Y, Z, N)";
    let (code, out, err) = explained(two_step, pattern, false);
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!("explain_text", out);
    let (code, out, err) = explained(two_step, pattern, true);
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!("explain_json", out);
    // An atom pattern: each answer with its row's own proof.
    let (code, out, err) = explained(FILE, "risk(A, high)", false);
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!("explain_atom_text", out);
}

#[test]
fn an_explained_answer_rests_on_one_row_per_atom_and_is_as_likely_as_the_weakest() {
    let (code, out, err) = explained(FILE, "edge(X, Y), edge(Y, Z)", true);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    let rows = v["rows"].as_array().expect("rows");
    assert!(!rows.is_empty());
    for row in rows {
        let values: Vec<String> = (row["values"].as_array().expect("values").iter())
            .map(|x| x.to_string())
            .collect();
        let [x, y, z] = &values[..] else {
            panic!("three columns: {row}");
        };
        let roots = row["proof"]["roots"].as_array().expect("roots");
        let atoms: Vec<&str> = roots
            .iter()
            .map(|r| r["atom"].as_str().expect("atom"))
            .collect();
        assert_eq!(
            atoms,
            [format!("edge({x}, {y})"), format!("edge({y}, {z})")]
        );
        let weakest = (roots.iter())
            .map(|r| {
                r["likelihood"]["probability"]
                    .as_f64()
                    .expect("probability")
            })
            .fold(1.0, f64::min);
        assert_eq!(row["likelihood"]["probability"].as_f64(), Some(weakest));
    }
}

#[test]
fn explain_needs_the_derivations() {
    let (code, _, err) = query_with(FILE, "edge(X, Y)", false, &["--explain", "--no-provenance"]);
    assert_eq!(code, 2);
    assert!(err.contains("--no-provenance"), "{err}");
}
