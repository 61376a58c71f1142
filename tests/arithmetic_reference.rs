//! Arithmetic and aggregates in the shapes a Datalog test suite uses —
//! counting reachable nodes, shortest path lengths with `min`, sums over
//! joins, a bounded Fibonacci — give exactly the answers of a reference
//! engine (`ascent`, the same rules written in Rust) on random graphs.

use std::collections::BTreeSet;
use std::path::PathBuf;

use ascent::aggregators::{count, max, min, sum};
use ascent::ascent_run;
use warrant::engine::{EvalOptions, evaluate};
use warrant::ir::Value;

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

const RULES: &str = "
pred edge(src: int, dst: int).
pred weight(node: int, w: int).
rule base when edge(X, Y) then reach(X, Y).
rule step when reach(X, Y), edge(Y, Z) then reach(X, Z).
rule node_from when edge(X, _) then node(X).
rule node_to when edge(_, Y) then node(Y).
rule reach_count when node(X), N = count { reach(X, _) } then reaches(X, N).

rule dist_base when edge(X, Y) then dist(X, Y, 1).
rule dist_step when dist(X, Y, D), edge(Y, Z), D < 8 then dist(X, Z, D + 1).
rule shortest when dist(X, Y, _), M = min D { dist(X, Y, D) } then shortest(X, Y, M).
rule farthest when node(X), M = max D { shortest(X, _, D) } then farthest(X, M).

rule weigh when node(X), S = sum W { edge(X, Y), weight(Y, W) } then out_weight(X, S).

fib(0, 0).
fib(1, 1).
rule fib when fib(N, A), fib(M, B), M = N + 1, N < 60 then fib(N + 2, A + B).
";

type Rows = BTreeSet<Vec<i64>>;

fn ints(model: &warrant::engine::Model, program: &warrant::Program, pred: &str) -> Rows {
    let p = program.pred_id(pred).expect("a predicate of the program");
    model
        .rows(p)
        .map(|(_, row, _)| {
            row.iter()
                .map(|&v| match model.value(v) {
                    Some(Value::Int(i)) => *i,
                    other => panic!("{pred}: not an integer: {other:?}"),
                })
                .collect()
        })
        .collect()
}

fn warrant_answers(edges: &[(i64, i64)], weights: &[(i64, i64)]) -> [Rows; 6] {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("arithmetic_reference");
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from(RULES);
    for (a, b) in edges {
        text.push_str(&format!("edge({a}, {b}).\n"));
    }
    for (a, w) in weights {
        text.push_str(&format!("weight({a}, {w}).\n"));
    }
    // One file per call: the tests run in parallel.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let file = dir.join(format!("graph{}-{n}.wr", std::process::id()));
    std::fs::write(&file, text).unwrap();
    let loaded = warrant::load(&[&file]);
    let program = loaded
        .program
        .unwrap_or_else(|| panic!("{:?}", loaded.diagnostics));
    let program = std::sync::Arc::new(program);
    let model = evaluate(&program, &EvalOptions::default()).expect("evaluates");
    [
        ints(&model, &program, "reaches"),
        ints(&model, &program, "shortest"),
        ints(&model, &program, "out_weight"),
        ints(&model, &program, "fib"),
        ints(&model, &program, "dist"),
        ints(&model, &program, "farthest"),
    ]
}

// ascent's macro expands `_` into variables clippy finds undescriptive.
#[allow(clippy::just_underscores_and_digits)]
fn ascent_answers(edges: &[(i64, i64)], weights: &[(i64, i64)]) -> [Rows; 6] {
    let edge: Vec<(i64, i64)> = edges.to_vec();
    let weight: Vec<(i64, i64)> = weights.to_vec();
    let r = ascent_run! {
        relation edge(i64, i64) = edge;
        relation weight(i64, i64) = weight;
        relation reach(i64, i64);
        relation node(i64);
        relation reaches(i64, i64);
        relation dist(i64, i64, i64);
        relation shortest(i64, i64, i64);
        relation farthest(i64, i64);
        relation ew(i64, i64, i64);
        relation out_weight(i64, i64);
        relation fib(i64, i64);

        reach(x, y) <-- edge(x, y);
        reach(x, z) <-- reach(x, y), edge(y, z);
        node(x) <-- edge(x, _);
        node(y) <-- edge(_, y);
        reaches(x, n as i64) <-- node(x), agg n = count() in reach(x, _);

        dist(x, y, 1) <-- edge(x, y);
        dist(x, z, d + 1) <-- dist(x, y, d), edge(y, z), if *d < 8;
        shortest(x, y, m) <-- dist(x, y, _), agg m = min(d) in dist(x, y, d);
        farthest(x, m) <-- node(x), agg m = max(d) in shortest(x, _, d);

        ew(x, y, w) <-- edge(x, y), weight(y, w);
        out_weight(x, s) <-- node(x), agg s = sum(w) in ew(x, _, w);

        fib(0, 0);
        fib(1, 1);
        fib(n + 2, a + b) <-- fib(n, a), fib(m, b), if *m == n + 1, if *n < 60;
    };
    let two = |v: &[(i64, i64)]| v.iter().map(|&(a, b)| vec![a, b]).collect::<Rows>();
    let three = |v: &[(i64, i64, i64)]| v.iter().map(|&(a, b, c)| vec![a, b, c]).collect::<Rows>();
    [
        two(&r.reaches),
        three(&r.shortest),
        two(&r.out_weight),
        two(&r.fib),
        three(&r.dist),
        two(&r.farthest),
    ]
}

const NAMES: [&str; 6] = [
    "reaches",
    "shortest",
    "out_weight",
    "fib",
    "dist",
    "farthest",
];

/// Both engines on a random graph of `n` nodes and up to `m` edges.
fn compare_on_random_graph(seed: u64, n: i64, m: usize) -> usize {
    let mut rng = Rng(seed);
    let edges: Vec<(i64, i64)> = (0..m)
        .map(|_| (rng.below(n as usize) as i64, rng.below(n as usize) as i64))
        .collect();
    let mut weights: Vec<(i64, i64)> = Vec::new();
    for v in 0..n {
        if rng.chance(80) {
            weights.push((v, rng.below(100) as i64 - 30));
        }
    }
    let got = warrant_answers(&edges, &weights);
    let want = ascent_answers(&edges, &weights);
    for ((g, w), name) in got.iter().zip(&want).zip(NAMES) {
        assert_eq!(g, w, "seed {seed}: `{name}` differs from ascent");
    }
    got.iter().map(BTreeSet::len).sum()
}

/// Graphs of 150 to 250 nodes: thousands of reachable pairs and walk
/// lengths, sums over a join of every node's out-edges.
#[test]
fn aggregates_and_arithmetic_match_ascent_on_larger_graphs() {
    let mut rows = 0;
    for seed in 100..103u64 {
        let n = 150 + 50 * (seed - 100) as i64;
        rows += compare_on_random_graph(seed, n, 3 * n as usize / 2);
    }
    assert!(rows > 20_000, "only {rows} rows compared");
}

#[test]
fn aggregates_and_arithmetic_match_ascent_on_random_graphs() {
    for seed in 0..25u64 {
        let mut rng = Rng(seed);
        let n = 3 + rng.below(8) as i64;
        let m = rng.below(3 * n as usize + 1);
        compare_on_random_graph(seed + 1000, n, m);
    }
}

#[test]
fn hand_checked_answers() {
    // A chain 0 → 1 → 2 → 3 with a shortcut 0 → 2, weights 10, 20, 30.
    let edges = [(0, 1), (1, 2), (2, 3), (0, 2)];
    let weights = [(1, 10), (2, 20), (3, 30)];
    let [reaches, shortest, out_weight, fib, _, farthest] = warrant_answers(&edges, &weights);
    let rows = |v: &[&[i64]]| v.iter().map(|r| r.to_vec()).collect::<Rows>();
    assert_eq!(reaches, rows(&[&[0, 3], &[1, 2], &[2, 1], &[3, 0]]));
    assert!(shortest.contains(&vec![0, 3, 2]) && shortest.contains(&vec![0, 2, 1]));
    // 0 reaches 1 and 2 directly: 10 + 20; 3 has no edges: 0.
    assert_eq!(out_weight, rows(&[&[0, 30], &[1, 20], &[2, 30], &[3, 0]]));
    // 0 reaches 3 in two steps at the farthest; 3 reaches nothing.
    assert_eq!(farthest, rows(&[&[0, 2], &[1, 2], &[2, 1]]));
    assert!(fib.contains(&vec![10, 55]) && fib.contains(&vec![61, 2504730781961]));
}
