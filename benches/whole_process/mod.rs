//! Whole-process measurements, beside `ascent` in the same run: the
//! `warrant` binary as a user runs it (`run --output-dir`, and `run` to
//! /dev/null as text and as JSON), each a child process whose CPU time
//! (user + system) and peak resident memory are the kernel's accounting of
//! that child (`wait4`), so the figures hold on a machine shared with other
//! work. The ascent program of each workload computes the same relations
//! and writes nothing.
//!
//! Options: `--warrant-bin PATH` (default: this build's `warrant`);
//! `--before-bench PATH`, this bench built at an older commit: its library
//! path (`--child warrant`) is measured beside today's in the same run, for
//! a before/after table; `--library-only` skips this part.
//!
//! The tables are printed and written to `target/bench-results.md`.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

use crate::{WORKLOADS, Workload, median};

/// What the kernel counted for one finished child.
#[derive(Clone, Copy, Default)]
struct Usage {
    /// User + system CPU seconds.
    cpu: f64,
    /// Peak resident memory, MiB.
    rss_mib: f64,
    wall: f64,
}

/// Runs a command to its end with stdout and stderr sent nowhere (or
/// stdout kept, for the one-line reports of `--child`), and returns what
/// the kernel counted for it. Panics (naming the command) if it fails:
/// a benchmark of a failing command would measure nothing.
// The child is reaped by `wait4`, which std's `wait` cannot stand in for
// (it returns no resource usage).
#[allow(clippy::zombie_processes)]
fn measure(cmd: &mut Command, keep_stdout: bool) -> (Usage, String) {
    let start = Instant::now();
    cmd.stdin(Stdio::null())
        .stderr(Stdio::null())
        .stdout(if keep_stdout {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain integers, for which all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, not reaped yet (std's `Child` is never
    // waited on below); `status` and `usage` are valid for writing. Its
    // stdout, when kept, is one short line, which fits the pipe's buffer,
    // so the child never blocks on it before exiting.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed().as_secs_f64();
    assert_eq!(reaped, pid, "wait4 failed for {cmd:?}");
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    assert!(ok, "{cmd:?} failed (wait status {status})");
    let mut out = String::new();
    if let Some(mut pipe) = child.stdout.take() {
        pipe.read_to_string(&mut out).ok();
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let usage = Usage {
        cpu: secs(usage.ru_utime) + secs(usage.ru_stime),
        // Linux reports `ru_maxrss` in KiB.
        rss_mib: usage.ru_maxrss as f64 / 1024.0,
        wall,
    };
    (usage, out)
}

/// One way of running a workload.
#[derive(Clone, Copy, PartialEq)]
enum Variant {
    /// The ascent program (this bench, `--child ascent`).
    Ascent,
    /// `warrant run PROGRAM --output-dir DIR` (CSV files).
    OutputDir,
    /// `warrant run PROGRAM > /dev/null`.
    Text,
    /// `warrant run PROGRAM --format json > /dev/null`.
    Json,
    /// The library path of this build (`--child warrant`).
    LibraryNow,
    /// The library path of the `--before-bench` build.
    LibraryBefore,
}

struct Options {
    warrant: PathBuf,
    before: Option<PathBuf>,
    skip: bool,
}

fn options(args: &[String]) -> Options {
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(PathBuf::from)
    };
    Options {
        warrant: value("--warrant-bin")
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_warrant"))),
        before: value("--before-bench"),
        skip: args.iter().any(|a| a == "--library-only"),
    }
}

fn command(variant: Variant, w: &Workload, root: &Path, opts: &Options) -> Command {
    let program = root.join(w.data).join(w.program);
    let bench = |exe: &Path, engine: &str| {
        let mut c = Command::new(exe);
        c.args(["--child", engine, w.name]).arg(root);
        c
    };
    let this = std::env::current_exe().expect("current exe");
    let mut c = match variant {
        Variant::Ascent => return bench(&this, "ascent"),
        Variant::LibraryNow => return bench(&this, "warrant"),
        Variant::LibraryBefore => {
            return bench(opts.before.as_deref().expect("--before-bench"), "warrant");
        }
        Variant::OutputDir => {
            let dir = out_dir(root, w);
            let mut c = Command::new(&opts.warrant);
            c.arg("run").arg(&program).arg("--output-dir").arg(dir);
            c
        }
        Variant::Text => {
            let mut c = Command::new(&opts.warrant);
            c.arg("run").arg(&program);
            c
        }
        Variant::Json => {
            let mut c = Command::new(&opts.warrant);
            c.arg("run").arg(&program).args(["--format", "json"]);
            c
        }
    };
    if !w.provenance {
        c.arg("--no-provenance");
    }
    c
}

fn out_dir(root: &Path, w: &Workload) -> PathBuf {
    root.join("output").join(w.name)
}

/// Medians of one variant on one workload.
#[derive(Clone, Copy, Default)]
struct Figures {
    usage: Usage,
    /// The library child's evaluation seconds (its own clock), if any.
    eval: f64,
    rows: usize,
}

fn summarize(samples: &[(Usage, String)]) -> Figures {
    let field = |s: &str, i: usize| s.split_whitespace().nth(i).map(str::to_string);
    Figures {
        usage: Usage {
            cpu: median(samples.iter().map(|s| s.0.cpu).collect()),
            rss_mib: median(samples.iter().map(|s| s.0.rss_mib).collect()),
            wall: median(samples.iter().map(|s| s.0.wall).collect()),
        },
        eval: median(
            samples
                .iter()
                .map(|s| field(&s.1, 1).and_then(|v| v.parse().ok()).unwrap_or(0.0))
                .collect(),
        ),
        rows: samples
            .first()
            .and_then(|s| field(&s.1, 0))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
    }
}

/// Measures every selected workload, `runs` times each variant, the
/// variants in turn within a run, and prints and writes the tables.
pub fn run(root: &Path, runs: usize, only: &[String], args: &[String]) {
    let opts = options(args);
    if opts.skip {
        return;
    }
    let mut variants = vec![
        Variant::Ascent,
        Variant::OutputDir,
        Variant::Text,
        Variant::Json,
        Variant::LibraryNow,
    ];
    if opts.before.is_some() {
        variants.push(Variant::LibraryBefore);
    }
    let mut results: Vec<(&Workload, Vec<Figures>)> = Vec::new();
    for w in WORKLOADS {
        if !only.is_empty() && !only.iter().any(|o| w.name.starts_with(o.as_str())) {
            continue;
        }
        let mut samples: Vec<Vec<(Usage, String)>> = vec![Vec::new(); variants.len()];
        for _ in 0..runs {
            for (i, &v) in variants.iter().enumerate() {
                if v == Variant::OutputDir {
                    std::fs::remove_dir_all(out_dir(root, w)).ok();
                }
                let keep = matches!(
                    v,
                    Variant::Ascent | Variant::LibraryNow | Variant::LibraryBefore
                );
                samples[i].push(measure(&mut command(v, w, root, &opts), keep));
            }
        }
        let figures: Vec<Figures> = samples.iter().map(|s| summarize(s)).collect();
        eprintln!("measured {}", w.name);
        results.push((w, figures));
    }
    let text = tables(&results, &variants, runs, &opts);
    println!("\n{text}");
    let target = root.parent().unwrap_or(root);
    let file = target.join("bench-results.md");
    match std::fs::write(&file, &text) {
        Ok(()) => println!("written to {}", file.display()),
        Err(e) => eprintln!("cannot write {}: {e}", file.display()),
    }
}

/// The markdown tables: whole process against ascent, and (with a
/// `--before-bench`) the library path before and now.
fn tables(
    results: &[(&Workload, Vec<Figures>)],
    variants: &[Variant],
    runs: usize,
    opts: &Options,
) -> String {
    let at = |v: Variant| variants.iter().position(|&x| x == v).expect("variant");
    let (asc, dir, text, json, now) = (
        at(Variant::Ascent),
        at(Variant::OutputDir),
        at(Variant::Text),
        at(Variant::Json),
        at(Variant::LibraryNow),
    );
    let mut s = String::new();
    let _ = writeln!(
        s,
        "## Whole process, {} (median of {runs} runs)\n\n\
         CPU = user + system seconds of the child process, MiB = its peak resident memory \
         (both from `wait4`). `warrant` = {}. Ratios are warrant / ascent; targets: \
         `run --output-dir` ≤ 2× ascent's CPU and ≤ 1.5× its memory.\n",
        today(),
        opts.warrant.display()
    );
    let _ = writeln!(
        s,
        "| workload | rows | ascent CPU s | ascent MiB | `--output-dir` CPU s | MiB | × CPU | × mem \
         | text CPU s | MiB | × CPU | JSON CPU s | MiB | JSON / text |"
    );
    let _ = writeln!(
        s,
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    );
    for (w, f) in results {
        let (a, d, t, j) = (f[asc].usage, f[dir].usage, f[text].usage, f[json].usage);
        let mark = |x: f64, limit: f64| {
            if x <= limit {
                format!("{x:.2}")
            } else {
                format!("{x:.2} ✗")
            }
        };
        let _ = writeln!(
            s,
            "| {} | {} | {:.3} | {:.1} | {:.3} | {:.1} | {} | {} | {:.3} | {:.1} | {:.2} | {:.3} | {:.1} | {:.2} |",
            w.name,
            f[now].rows,
            a.cpu,
            a.rss_mib,
            d.cpu,
            d.rss_mib,
            mark(d.cpu / a.cpu, 2.0),
            mark(d.rss_mib / a.rss_mib, 1.5),
            t.cpu,
            t.rss_mib,
            t.cpu / a.cpu,
            j.cpu,
            j.rss_mib,
            j.cpu / t.cpu,
        );
    }
    if let Some(before) = &opts.before {
        let old = at(Variant::LibraryBefore);
        let _ = writeln!(
            s,
            "\n## Library path before and now, same run (median of {runs} runs)\n\n\
             Each bench binary's own child (`--child warrant NAME DATA`): load and evaluate \
             with provenance (none for `_noprov`), measured from outside as above. \
             before = {}; eval = the child's own clock for loading and evaluation.\n",
            before.display()
        );
        let _ = writeln!(
            s,
            "| workload | rows before | rows now | before eval s | before CPU s | before MiB \
             | now eval s | now CPU s | now MiB | CPU now / before | mem now / before |"
        );
        let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|---|");
        for (w, f) in results {
            let (b, n) = (f[old], f[now]);
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.3} | {:.3} | {:.1} | {:.3} | {:.3} | {:.1} | {:.2} | {:.2} |",
                w.name,
                b.rows,
                n.rows,
                b.eval,
                b.usage.cpu,
                b.usage.rss_mib,
                n.eval,
                n.usage.cpu,
                n.usage.rss_mib,
                n.usage.cpu / b.usage.cpu,
                n.usage.rss_mib / b.usage.rss_mib,
            );
        }
    }
    s
}

/// Today's date (UTC) as `YYYY-MM-DD`, from the days since 1970-01-01.
fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut days = (secs / 86_400) as i64;
    let mut year = 1970;
    loop {
        let len = if is_leap(year) { 366 } else { 365 };
        if days < len {
            break;
        }
        days -= len;
        year += 1;
    }
    let months = [
        31,
        if is_leap(year) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let mut month = 1;
    for len in months {
        if days < len {
            break;
        }
        days -= len;
        month += 1;
    }
    format!("{year}-{month:02}-{:02}", days + 1)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}
