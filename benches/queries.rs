//! Query benchmarks: goal-directed evaluation (`engine::demand`) against
//! the whole model, for query patterns with constants.
//!
//! `cargo bench --bench queries` writes the inputs (a binary tree of
//! 32,767 nodes for same-generation, a chain of 2,000 edges for transitive
//! closure) under `$CARGO_TARGET_DIR/bench-data/queries` (default
//! `target/`), then runs each query in a fresh child process (this binary
//! re-executed with `--child`), several times, by demand and on the whole
//! model, and prints per query the median answers, rows computed, time to
//! load and evaluate, whole-process CPU time and peak memory (`VmHWM`).
//! Same-generation on the whole 32,767-node tree passes the default row
//! limit (about 358 million rows), so it is evaluated whole on the 4,095-node
//! tree of the `workloads` bench instead.
//!
//! Options (after `--`): `--runs N` (default 5), `--only NAME` (a query
//! name prefix, repeatable).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use warrant::engine::demand::{Goal, evaluate_goals};
use warrant::engine::{EvalOptions, evaluate};
use warrant::ir::Value;

struct Query {
    name: &'static str,
    /// The program in `benches/workloads/` and its data folder.
    program: &'static str,
    data: &'static str,
    pred: &'static str,
    /// The pattern: a constant or a free argument.
    args: [Option<i64>; 2],
    /// Whether the whole model fits the default row limit.
    whole: bool,
}

const QUERIES: &[Query] = &[
    Query {
        name: "sg_32767(5,Y)",
        program: "sg.wr",
        data: "tree_15",
        pred: "sg",
        args: [Some(5), None],
        whole: false,
    },
    Query {
        name: "sg_32767(20000,Y)",
        program: "sg.wr",
        data: "tree_15",
        pred: "sg",
        args: [Some(20000), None],
        whole: false,
    },
    Query {
        name: "sg_32767(5,99999)",
        program: "sg.wr",
        data: "tree_15",
        pred: "sg",
        args: [Some(5), Some(99999)],
        whole: false,
    },
    Query {
        name: "sg_4095(5,Y)",
        program: "sg.wr",
        data: "tree_11",
        pred: "sg",
        args: [Some(5), None],
        whole: true,
    },
    Query {
        name: "tc_2000(0,Y)",
        program: "tc.wr",
        data: "chain_2000",
        pred: "path",
        args: [Some(0), None],
        whole: true,
    },
    Query {
        name: "tc_2000(1000,Y)",
        program: "tc.wr",
        data: "chain_2000",
        pred: "path",
        args: [Some(1000), None],
        whole: true,
    },
    Query {
        name: "tc_2000(X,1999)",
        program: "tc.wr",
        data: "chain_2000",
        pred: "path",
        args: [None, Some(1999)],
        whole: true,
    },
    Query {
        name: "tc_2000(0,99999)",
        program: "tc.wr",
        data: "chain_2000",
        pred: "path",
        args: [Some(0), Some(99999)],
        whole: true,
    },
];

/// Writes the inputs (skipped when there) and the programs beside them.
fn generate(root: &Path) {
    let pairs = |n: std::ops::Range<u32>, f: fn(u32) -> u32| -> String {
        n.map(|i| format!("{i},{}\n", f(i))).collect()
    };
    let inputs = [
        // Binary trees: nodes 1..2^depth - 1, parent(i) = i / 2.
        ("tree_15", "parent.csv", pairs(2..32768, |i| i / 2)),
        ("tree_11", "parent.csv", pairs(2..4096, |i| i / 2)),
        ("chain_2000", "edges.csv", pairs(0..1999, |i| i + 1)),
    ];
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/workloads");
    for (dir, file, text) in inputs {
        let d = root.join(dir);
        std::fs::create_dir_all(&d).expect("create bench data dir");
        if !d.join(file).exists() {
            std::fs::write(d.join(file), text).expect("write bench input");
        }
    }
    for q in QUERIES {
        std::fs::copy(src.join(q.program), root.join(q.data).join(q.program))
            .expect("copy program");
    }
}

/// Peak resident memory of this process, in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// CPU time of this process so far, in seconds.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0.0, |ns| ns as f64 / 1e9)
}

/// One query in this process: prints answers, rows in the model, seconds
/// to load and evaluate, peak KiB and CPU seconds.
fn child(how: &str, name: &str, root: &Path) {
    let q = QUERIES
        .iter()
        .find(|q| q.name == name)
        .unwrap_or_else(|| panic!("unknown query {name}"));
    let start = Instant::now();
    let program = match warrant::Program::load(&[root.join(q.data).join(q.program)]) {
        Ok(p) => Arc::new(p),
        Err(report) => panic!("{report}"),
    };
    let goal = Goal {
        pred: program.pred_id(q.pred).expect("the query's predicate"),
        args: q.args.iter().map(|a| a.map(Value::Int)).collect(),
    };
    let options = EvalOptions::default();
    let model = match how {
        "demand" => {
            evaluate_goals(&program, &options, std::slice::from_ref(&goal)).map(|d| d.model)
        }
        _ => evaluate(&program, &options),
    }
    .unwrap_or_else(|d| panic!("{d:?}"));
    let answers = model.matching(goal.pred, &goal.pattern(&model)).len();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{answers} {} {secs} {} {}",
        model.stats().total_rows(),
        peak_rss_kib(),
        cpu_seconds()
    );
}

/// Medians of the children's figures: answers, rows, eval s, MiB, cpu s.
fn measure(how: &str, q: &Query, root: &Path, runs: usize) -> [f64; 5] {
    let exe = std::env::current_exe().expect("current exe");
    let mut samples: Vec<[f64; 5]> = Vec::new();
    for _ in 0..runs {
        let out = Command::new(&exe)
            .args(["--child", how, q.name])
            .arg(root)
            .output()
            .expect("run child");
        assert!(
            out.status.success(),
            "{how} {} failed: {}",
            q.name,
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let f: Vec<f64> = text
            .split_whitespace()
            .map(|x| x.parse().unwrap_or(0.0))
            .collect();
        samples.push([f[0], f[1], f[2], f[3] / 1024.0, f[4]]);
    }
    let mut med = [0.0; 5];
    for (i, m) in med.iter_mut().enumerate() {
        let mut xs: Vec<f64> = samples.iter().map(|s| s[i]).collect();
        xs.sort_by(|a, b| a.total_cmp(b));
        *m = xs[xs.len() / 2];
    }
    med
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        child(&args[2], &args[3], Path::new(&args[4]));
        return;
    }
    let (mut runs, mut only) = (5, Vec::new());
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--runs" => {
                runs = args.get(i + 1).and_then(|r| r.parse().ok()).unwrap_or(5);
                i += 1;
            }
            "--only" => {
                only.extend(args.get(i + 1).cloned());
                i += 1;
            }
            _ => {} // `--bench` and friends from cargo
        }
        i += 1;
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let root = target.join("bench-data").join("queries");
    generate(&root);
    println!("median of {runs} runs; rows = rows in the model, eval = load + evaluate (s),");
    println!("cpu = whole-process CPU (s), MiB = peak RSS; whole: the model without demand");
    println!(
        "{:<18} {:>7} | {:>9} {:>7} {:>7} {:>6} | {:>9} {:>7} {:>7} {:>6}",
        "query", "answers", "rows", "eval", "cpu", "MiB", "whole", "eval", "cpu", "MiB"
    );
    for q in QUERIES {
        if !only.is_empty() && !only.iter().any(|o| q.name.starts_with(o.as_str())) {
            continue;
        }
        let d = measure("demand", q, &root, runs);
        let mut line = format!(
            "{:<18} {:>7} | {:>9} {:>7.3} {:>7.3} {:>6.1} |",
            q.name, d[0], d[1], d[2], d[4], d[3]
        );
        if q.whole {
            let w = measure("whole", q, &root, runs);
            assert_eq!(w[0], d[0], "{}: the answers differ", q.name);
            line.push_str(&format!(
                " {:>9} {:>7.3} {:>7.3} {:>6.1}",
                w[1], w[2], w[4], w[3]
            ));
        } else {
            line.push_str("   (past the row limit)");
        }
        println!("{line}");
    }
}
