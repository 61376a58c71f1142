//! Engine benchmarks: Warrant against `ascent` on the workloads of issue 3.
//!
//! `cargo bench --bench workloads` generates the inputs (fixed seeds) under
//! `$CARGO_TARGET_DIR/bench-data` (default `target/bench-data`), then runs
//! every workload in a fresh child process (this binary re-executed with
//! `--child`), several times, and prints per workload the median rows
//! derived, evaluation time, whole-process time and peak memory (the
//! child's `VmHWM`), for Warrant (provenance on), and for the same program
//! written with `ascent`, with the ratio Warrant/ascent, then with
//! `datafrog` (`with_datafrog`) and the ratio Warrant/datafrog.
//!
//! Options (after `--`): `--runs N` (default 5), `--only NAME` (a workload
//! name prefix, repeatable).
//!
//! Then the `warrant` binary as a whole process beside ascent, and the
//! library path before/after (see `whole_process`; options `--warrant-bin`,
//! `--before-bench`, `--library-only`), written to `target/bench-results.md`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use ascent::ascent;

mod whole_process;
mod with_datafrog;

// ---------------------------------------------------------------- workloads

struct Workload {
    name: &'static str,
    /// The `.wr` program in `benches/workloads/`.
    program: &'static str,
    /// Folder of its inputs, under the data directory.
    data: &'static str,
    provenance: bool,
}

const WORKLOADS: &[Workload] = &[
    Workload {
        name: "tc_chain_1000",
        program: "tc.wr",
        data: "chain_1000",
        provenance: true,
    },
    Workload {
        name: "tc_chain_2000",
        program: "tc.wr",
        data: "chain_2000",
        provenance: true,
    },
    Workload {
        name: "tc_chain_2000_noprov",
        program: "tc.wr",
        data: "chain_2000",
        provenance: false,
    },
    Workload {
        name: "tc_random",
        program: "tc.wr",
        data: "random_1000",
        provenance: true,
    },
    Workload {
        name: "sg",
        program: "sg.wr",
        data: "tree_11",
        provenance: true,
    },
    Workload {
        name: "neg",
        program: "neg.wr",
        data: "neg",
        provenance: true,
    },
    Workload {
        name: "join3",
        program: "join3.wr",
        data: "join3",
        provenance: true,
    },
];

// ---------------------------------------------------------------- inputs

/// splitmix64: a fixed-seed generator, so inputs are the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n)) as u32
    }
}

fn write_pairs(path: &Path, pairs: &[(u32, u32)]) {
    let mut s = String::with_capacity(pairs.len() * 12);
    for (a, b) in pairs {
        s.push_str(&format!("{a},{b}\n"));
    }
    std::fs::write(path, s).expect("write bench input");
}

fn write_singles(path: &Path, xs: &[u32]) {
    let mut s = String::with_capacity(xs.len() * 7);
    for x in xs {
        s.push_str(&format!("{x}\n"));
    }
    std::fs::write(path, s).expect("write bench input");
}

/// Generates every input (skipped when already there) and copies the
/// programs next to their data.
fn generate(root: &Path) {
    let mk = |d: &str| {
        let p = root.join(d);
        std::fs::create_dir_all(&p).expect("create bench data dir");
        p
    };
    for n in [1000u32, 2000] {
        let d = mk(&format!("chain_{n}"));
        let pairs: Vec<(u32, u32)> = (0..n - 1).map(|i| (i, i + 1)).collect();
        write_pairs(&d.join("edges.csv"), &pairs);
    }
    {
        let d = mk("random_1000");
        let mut rng = Rng(1);
        let pairs: Vec<(u32, u32)> = (0..2000)
            .map(|_| (rng.below(1000), rng.below(1000)))
            .collect();
        write_pairs(&d.join("edges.csv"), &pairs);
    }
    {
        // Binary tree of depth 11: nodes 1..4095, parent(i) = i / 2.
        let d = mk("tree_11");
        let pairs: Vec<(u32, u32)> = (2..4096).map(|i| (i, i / 2)).collect();
        write_pairs(&d.join("parent.csv"), &pairs);
    }
    {
        let d = mk("neg");
        let mut rng = Rng(2);
        let n = 100_000;
        let nodes: Vec<u32> = (0..n).collect();
        let edges: Vec<(u32, u32)> = (0..300_000).map(|_| (rng.below(n), rng.below(n))).collect();
        write_singles(&d.join("nodes.csv"), &nodes);
        write_pairs(&d.join("edges.csv"), &edges);
        write_singles(&d.join("root.csv"), &[0]);
    }
    {
        let d = mk("join3");
        let mut rng = Rng(3);
        let n = 200_000;
        for name in ["r", "s", "t"] {
            let pairs: Vec<(u32, u32)> = (0..n).map(|_| (rng.below(n), rng.below(n))).collect();
            write_pairs(&d.join(format!("{name}.csv")), &pairs);
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/workloads");
    for w in WORKLOADS {
        std::fs::copy(src.join(w.program), root.join(w.data).join(w.program))
            .expect("copy program");
    }
}

fn read_pairs(path: &Path) -> Vec<(u32, u32)> {
    let text = std::fs::read_to_string(path).expect("read bench input");
    text.lines()
        .filter_map(|l| {
            let (a, b) = l.split_once(',')?;
            Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
        })
        .collect()
}

fn read_singles(path: &Path) -> Vec<(u32,)> {
    let text = std::fs::read_to_string(path).expect("read bench input");
    text.lines()
        .filter_map(|l| Some((l.trim().parse().ok()?,)))
        .collect()
}

// ---------------------------------------------------------------- ascent

ascent! {
    struct AscentTc;
    relation edge(u32, u32);
    relation path(u32, u32);
    path(x, y) <-- edge(x, y);
    path(x, z) <-- path(x, y), edge(y, z);
}

ascent! {
    struct AscentSg;
    relation parent(u32, u32);
    relation sg(u32, u32);
    sg(x, y) <-- parent(x, p), parent(y, p), if x != y;
    sg(x, y) <-- parent(x, a), sg(a, b), parent(y, b);
}

ascent! {
    struct AscentNeg;
    relation node(u32);
    relation edge(u32, u32);
    relation root(u32);
    relation reach(u32);
    relation unreach(u32);
    reach(x) <-- root(x);
    reach(y) <-- reach(x), edge(x, y);
    unreach(x) <-- node(x), !reach(x);
}

ascent! {
    struct AscentJoin3;
    relation r(u32, u32);
    relation s(u32, u32);
    relation t(u32, u32);
    relation out(u32, u32);
    out(a, d) <-- r(a, b), s(b, c), t(c, d);
}

/// Runs a workload with ascent; returns (rows derived, seconds).
fn run_ascent(w: &Workload, dir: &Path) -> (usize, f64) {
    let start = Instant::now();
    let rows = match w.program {
        "tc.wr" => {
            let mut p = AscentTc {
                edge: read_pairs(&dir.join("edges.csv")),
                ..Default::default()
            };
            p.run();
            p.path.len()
        }
        "sg.wr" => {
            let mut p = AscentSg {
                parent: read_pairs(&dir.join("parent.csv")),
                ..Default::default()
            };
            p.run();
            p.sg.len()
        }
        "neg.wr" => {
            let mut p = AscentNeg {
                node: read_singles(&dir.join("nodes.csv")),
                edge: read_pairs(&dir.join("edges.csv")),
                root: read_singles(&dir.join("root.csv")),
                ..Default::default()
            };
            p.run();
            p.reach.len() + p.unreach.len()
        }
        "join3.wr" => {
            let mut p = AscentJoin3 {
                r: read_pairs(&dir.join("r.csv")),
                s: read_pairs(&dir.join("s.csv")),
                t: read_pairs(&dir.join("t.csv")),
                ..Default::default()
            };
            p.run();
            p.out.len()
        }
        other => panic!("unknown program {other}"),
    };
    (rows, start.elapsed().as_secs_f64())
}

/// Runs a workload with Warrant; returns (rows derived, seconds).
fn run_warrant(w: &Workload, dir: &Path) -> (usize, f64) {
    let start = Instant::now();
    let program = match warrant::Program::load(&[dir.join(w.program)]) {
        Ok(p) => std::sync::Arc::new(p),
        Err(report) => panic!("{report}"),
    };
    let options = warrant::engine::EvalOptions {
        provenance: w.provenance,
        ..Default::default()
    };
    let model = match warrant::engine::evaluate(&program, &options) {
        Ok(m) => m,
        Err(d) => panic!("{d:?}"),
    };
    (model.stats().total_derived(), start.elapsed().as_secs_f64())
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

/// CPU time of this process so far, in seconds (`/proc/self/schedstat`,
/// nanoseconds on a CPU): robust to other load on the machine.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0.0, |ns| ns as f64 / 1e9)
}

// ---------------------------------------------------------------- driver

#[derive(Clone, Copy)]
struct Sample {
    rows: usize,
    eval: f64,
    wall: f64,
    rss_mib: f64,
    cpu: f64,
}

fn child(engine: &str, name: &str, root: &Path) {
    let Some(w) = WORKLOADS.iter().find(|w| w.name == name) else {
        panic!("unknown workload {name}");
    };
    let dir = root.join(w.data);
    let (rows, secs) = match engine {
        "warrant" => run_warrant(w, &dir),
        "datafrog" => with_datafrog::run(w, &dir),
        _ => run_ascent(w, &dir),
    };
    println!("{rows} {secs} {} {}", peak_rss_kib(), cpu_seconds());
}

fn sample(engine: &str, w: &Workload, root: &Path) -> Sample {
    let exe = std::env::current_exe().expect("current exe");
    let start = Instant::now();
    let out = Command::new(exe)
        .args(["--child", engine, w.name])
        .arg(root)
        .output()
        .expect("run child");
    let wall = start.elapsed().as_secs_f64();
    if !out.status.success() {
        panic!(
            "{engine} {} failed: {}",
            w.name,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let f: Vec<&str> = text.split_whitespace().collect();
    Sample {
        rows: f[0].parse().unwrap_or(0),
        eval: f[1].parse().unwrap_or(0.0),
        wall,
        rss_mib: f[2].parse::<f64>().unwrap_or(0.0) / 1024.0,
        cpu: f[3].parse().unwrap_or(0.0),
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

fn summarize(samples: &[Sample]) -> Sample {
    Sample {
        rows: samples[0].rows,
        eval: median(samples.iter().map(|s| s.eval).collect()),
        wall: median(samples.iter().map(|s| s.wall).collect()),
        rss_mib: median(samples.iter().map(|s| s.rss_mib).collect()),
        cpu: median(samples.iter().map(|s| s.cpu).collect()),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        child(&args[2], &args[3], Path::new(&args[4]));
        return;
    }
    let mut runs = 5;
    let mut only: Vec<String> = Vec::new();
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
    let root = target.join("bench-data");
    generate(&root);
    println!(
        "median of {runs} runs. eval = evaluation (with input loading), total = whole process (wall),"
    );
    println!(
        "cpu = whole-process CPU time, MiB = peak RSS; ratios Warrant/ascent on cpu and memory;"
    );
    println!("D = the same relations computed with datafrog, W/D its cpu ratio");
    println!(
        "{:<22} {:>9} | {:>6} {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6} {:>6} | {:>5} {:>5} | {:>6} {:>6} {:>5}",
        "workload",
        "rows",
        "W eval",
        "total",
        "cpu",
        "MiB",
        "A eval",
        "total",
        "cpu",
        "MiB",
        "cpu",
        "mem",
        "D cpu",
        "MiB",
        "W/D"
    );
    for w in WORKLOADS {
        if !only.is_empty() && !only.iter().any(|o| w.name.starts_with(o.as_str())) {
            continue;
        }
        let ws: Vec<Sample> = (0..runs).map(|_| sample("warrant", w, &root)).collect();
        let as_: Vec<Sample> = (0..runs).map(|_| sample("ascent", w, &root)).collect();
        let ds: Vec<Sample> = (0..runs).map(|_| sample("datafrog", w, &root)).collect();
        let (a, b, d) = (summarize(&ws), summarize(&as_), summarize(&ds));
        let mut rows_note = String::new();
        for (engine, rows) in [("ascent", b.rows), ("datafrog", d.rows)] {
            if rows != a.rows {
                rows_note.push_str(&format!(" ({engine} {rows})"));
            }
        }
        println!(
            "{:<22} {:>9} | {:>6.3} {:>6.3} {:>6.3} {:>6.1} | {:>6.3} {:>6.3} {:>6.3} {:>6.1} | {:>5.2} {:>5.2} | {:>6.3} {:>6.1} {:>5.2}{rows_note}",
            w.name,
            a.rows,
            a.eval,
            a.wall,
            a.cpu,
            a.rss_mib,
            b.eval,
            b.wall,
            b.cpu,
            b.rss_mib,
            a.cpu / b.cpu,
            a.rss_mib / b.rss_mib,
            d.cpu,
            d.rss_mib,
            a.cpu / d.cpu
        );
    }
    whole_process::run(&root, runs, &only, &args);
}
