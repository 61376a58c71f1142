//! Running a script through DuckDB's command-line program.
//!
//! The `duckdb` program (e.g. from `pip install duckdb-cli`) reads the
//! script on stdin; its last statements copy the rows to files that
//! [`Readback`](super::readback::Readback) reads. A child process keeps
//! DuckDB's C++ out of Warrant's build (the `duckdb` crate's bundled build
//! compiles all of it), and can be killed at a deadline.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::diagnostics::{Code, Diagnostic};

/// The DuckDB program to run: `explicit`, else `$WARRANT_DUCKDB`, else
/// `duckdb` on the `PATH`.
pub fn program_path(explicit: Option<&Path>) -> PathBuf {
    explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("WARRANT_DUCKDB").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("duckdb"))
}

/// Runs `script` to its end, or kills DuckDB at `deadline`
/// (`warrant::timeout`). `warrant::duckdb` when DuckDB cannot be started,
/// crashes or is killed, or reports an error of its own; an error the
/// script raises on purpose is `warrant::overflow` when an overflow guard
/// stops it, `warrant::not_compilable` when the script refuses a result
/// (`upper` of a non-ASCII text, a sum of decimals whose rounding depends
/// on the order).
pub fn run(duckdb: &Path, script: &str, deadline: Option<Instant>) -> Result<(), Diagnostic> {
    let mut child = Command::new(duckdb)
        .args(["-bail", "-noheader", "-csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            Diagnostic::error(
                Code::Duckdb,
                format!("cannot start DuckDB (`{}`): {e}", duckdb.display()),
            )
            .with_help(
                "install DuckDB's command-line program (`pip install duckdb-cli`), \
                 or name it with --duckdb PATH or WARRANT_DUCKDB",
            )
        })?;
    let mut stdin = child.stdin.take();
    let script = script.to_string();
    // Writing and reading on other threads: DuckDB may print before it has
    // read everything, and the deadline is watched here.
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(script.as_bytes());
        }
    });
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut text);
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let printed = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let errors = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let status = wait(&mut child, deadline);
    let _ = writer.join();
    let printed = printed.join().unwrap_or_default();
    let stderr = errors.join().unwrap_or_default();
    let status = status?;
    if let Some(d) = crashed(status, stderr.trim()) {
        return Err(d);
    }
    if !status.success() || !stderr.trim().is_empty() {
        return Err(script_error(stderr.trim()));
    }
    // The script's last statements copy rows to files and print nothing.
    if !printed.trim().is_empty() {
        return Err(Diagnostic::error(
            Code::Duckdb,
            format!(
                "DuckDB printed something unexpected: {}",
                printed.lines().next().unwrap_or("")
            ),
        ));
    }
    Ok(())
}

/// Waits for DuckDB to finish, or kills it at the deadline.
fn wait(child: &mut Child, deadline: Option<Instant>) -> Result<ExitStatus, Diagnostic> {
    let failed = |e: std::io::Error| Diagnostic::error(Code::Duckdb, format!("DuckDB failed: {e}"));
    let Some(deadline) = deadline else {
        return child.wait().map_err(failed);
    };
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait().map_err(failed)? {
            return Ok(status);
        }
        let now = Instant::now();
        if now >= deadline {
            kill_tree(child);
            let _ = child.wait();
            return Err(timed_out("while DuckDB ran the script"));
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// Kills DuckDB and every process it started: the `duckdb` of
/// `pip install duckdb-cli` is a wrapper whose child is the real program,
/// which would otherwise run on (and hold the pipes open).
fn kill_tree(child: &mut Child) {
    #[cfg(target_os = "linux")]
    for pid in descendants(child.id()) {
        // SAFETY: kill(2) has no memory-safety preconditions; a process
        // that has already ended makes it fail harmlessly.
        unsafe {
            libc::kill(pid as libc::pid_t, libc::SIGKILL);
        }
    }
    // Killing a child that just finished fails harmlessly.
    let _ = child.kill();
}

/// The processes descending from `root`, from `/proc`.
#[cfg(target_os = "linux")]
fn descendants(root: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        // `/proc/PID/stat`: "pid (name) state ppid …"; the name may hold spaces.
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let after_name = stat.rfind(')').map_or("", |i| &stat[i + 1..]);
        if let Some(ppid) = after_name
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse().ok())
        {
            parents.push((pid, ppid));
        }
    }
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|&&(_, pp)| pp == parent)
                .map(|&(p, _)| p),
        );
        i += 1;
    }
    found.remove(0);
    found
}

/// `warrant::timeout` for `--engine duckdb`, as the engine words it.
pub fn timed_out(place: &str) -> Diagnostic {
    Diagnostic::error(
        Code::Timeout,
        format!("evaluation stopped: the time limit passed {place}"),
    )
    .with_help(
        "an unfinished model is never printed; raise the limit with --timeout, or look for \
         a rule that derives more than expected (`--max-rows N` names the predicate that grows)",
    )
}

/// DuckDB ended on a signal (killed, e.g. by the system when memory ran
/// out) or ran out of the memory it allows itself.
fn crashed(status: ExitStatus, stderr: &str) -> Option<Diagnostic> {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let what = match signal {
                9 => " (SIGKILL: the system kills a process this way when memory runs out)",
                6 => " (SIGABRT: DuckDB aborted)",
                11 => " (SIGSEGV: DuckDB crashed)",
                _ => "",
            };
            return Some(
                Diagnostic::error(
                    Code::Duckdb,
                    format!("DuckDB was stopped by signal {signal}{what}"),
                )
                .with_help(
                    "if memory ran out, run with the native engine (it needs far less memory) \
                     or on a machine with more",
                ),
            );
        }
    }
    if !status.success() && stderr.is_empty() {
        // A wrapper (pip's `duckdb`) reports its child's death as an exit code.
        let code = status.code().map_or_else(String::new, |c| format!(" {c}"));
        return Some(
            Diagnostic::error(
                Code::Duckdb,
                format!("DuckDB stopped with exit code{code} and no message"),
            )
            .with_help(
                "it may have been killed, e.g. when memory ran out; if so, run with the native \
                 engine (it needs far less memory) or on a machine with more",
            ),
        );
    }
    stderr.contains("Out of Memory Error").then(|| {
        Diagnostic::error(
            Code::Duckdb,
            format!(
                "DuckDB ran out of memory: {}",
                stderr.lines().next().unwrap_or("")
            ),
        )
        .with_help(
            "run with the native engine (it needs far less memory), or on a machine with more",
        )
    })
}

/// The diagnostic of an error DuckDB reported while running the script.
/// An overflow guard's stop (`warrant overflow: …`) is the engine's
/// `warrant::overflow`: the guards decide as the engine does. A refusal
/// (`warrant cannot compute: …`, or an overflow DuckDB met itself) is
/// `warrant::not_compilable`; anything else `warrant::duckdb`.
fn script_error(message: &str) -> Diagnostic {
    let after = |marker: &str| {
        message
            .find(marker)
            .map(|at| message[at + marker.len()..].lines().next().unwrap_or(""))
    };
    if let Some(what) = after("warrant overflow: ") {
        return Diagnostic::error(Code::Overflow, format!("evaluation stopped: {what}")).with_help(
            "integers range from -9223372036854775808 to 9223372036854775807; bound the recursion \
             (e.g. `N < 90`) or compute with decimals",
        );
    }
    let refusal = |what: &str| {
        Diagnostic::error(
            Code::NotCompilable,
            format!("DuckDB cannot compute this as Warrant does: {what}"),
        )
        .with_help("evaluate it with the native engine (`warrant run` without --engine)")
    };
    if message.contains("Overflow") {
        let detail = message.lines().next().unwrap_or("");
        return refusal(&format!("it met an integer overflow ({detail})"));
    }
    // The checks of Parquet inputs (`parquet.rs`): the files do not fit the predicate.
    if let Some(what) = after("warrant input: ") {
        return Diagnostic::error(Code::Input, what.to_string()).with_help(
            "--input-parquet takes each parameter's column by name (or by position when the \
             `pred` declaration names none) and reads it by the parameter's type",
        );
    }
    if let Some(what) = after("warrant cannot compute: ") {
        return refusal(what);
    }
    Diagnostic::error(Code::Duckdb, format!("DuckDB reported an error: {message}")).with_help(
        "the script is `warrant export --sql FILE`; DuckDB 1.5 runs it, and an error in it \
         on another version of DuckDB, or on this one, is worth a report",
    )
}

/// An overflow guard's `warrant::overflow` labelled at its rule or
/// conflict, as the engine labels it (the name and the computation); other
/// diagnostics as they are.
pub fn label_overflow(program: &crate::ir::Program, d: Diagnostic) -> Diagnostic {
    const RANGE: &str = " is outside the 64-bit integer range in ";
    if d.code != Code::Overflow {
        return d;
    }
    let Some((computation, place)) = d
        .message
        .strip_prefix("evaluation stopped: ")
        .and_then(|m| m.rsplit_once(RANGE))
    else {
        return d;
    };
    let named = |kind: &str| {
        place
            .strip_prefix(kind)
            .and_then(|n| n.strip_prefix(" `"))
            .and_then(|n| n.strip_suffix('`'))
    };
    let span = if let Some(name) = named("rule") {
        program
            .rules
            .iter()
            .find(|r| r.name == name)
            .map(|r| (name, r.span))
    } else if let Some(name) = named("conflict") {
        program
            .conflicts
            .iter()
            .find(|c| c.name == name)
            .map(|c| (name, c.span))
    } else {
        None
    };
    match span {
        Some((name, span)) => {
            let label = format!("`{name}` computed {computation}");
            d.with_label(span, label)
        }
        None => d,
    }
}
