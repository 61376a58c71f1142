//! `warrant run --engine duckdb` when things go wrong: `--timeout` kills
//! DuckDB, and each failure is a diagnostic with a stable code and exit
//! code (DuckDB missing, killed, out of memory, reporting an error of its
//! own, writing files Warrant cannot read back, refusing a result).
//! Failures DuckDB would rarely show on demand are played by a stand-in
//! `duckdb` program (a shell script).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "common/duckdb.rs"]
mod duckdb_common;

const HEDGING: &str = "tests/data/engine/hedging.wr";
/// Counts without end: only a limit stops it.
const COUNTING: &str = "tests/data/timeout/counting.wr";

fn warrant(args: &[&str], duckdb: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_warrant"));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    if let Some(path) = duckdb {
        cmd.env("WARRANT_DUCKDB", path);
    }
    cmd.output().expect("runs")
}

/// Exit code, stdout and stderr of `run --engine duckdb FILE` with this
/// DuckDB program.
fn run(file: &str, extra: &[&str], duckdb: Option<&Path>) -> (Option<i32>, String, String) {
    let mut args = vec!["run", "--engine", "duckdb", file];
    args.extend(extra);
    let out = warrant(&args, duckdb);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A stand-in `duckdb`: a shell script with this body, in a folder of
/// its own (named after `name`).
fn stand_in(name: &str, body: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("warrant-fake-duckdb-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("folder");
    let path = dir.join("duckdb");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("script");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    path
}

#[test]
fn the_timeout_kills_duckdb_and_prints_nothing() {
    if duckdb_common::program().is_none() {
        return;
    }
    let (code, out, err) = run(COUNTING, &["--timeout", "1s"], None);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(out, "", "no partial model on stdout");
    insta::assert_snapshot!("duckdb_timeout", err);
}

#[test]
fn a_missing_duckdb_is_a_usage_error() {
    let (code, out, err) = run(HEDGING, &[], Some(Path::new("/nonexistent/duckdb")));
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(out, "");
    // The system's wording of "not found" is left out of the snapshot.
    let err = err.replace("No such file or directory (os error 2)", "<not found>");
    insta::assert_snapshot!("duckdb_missing", err);
}

#[cfg(unix)]
#[test]
fn a_killed_duckdb_is_named_with_its_signal() {
    let fake = stand_in("killed", "cat > /dev/null\nkill -9 $$");
    let (code, out, err) = run(HEDGING, &[], Some(&fake));
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(out, "");
    insta::assert_snapshot!("duckdb_killed", err);
}

#[cfg(unix)]
#[test]
fn a_wrapper_whose_duckdb_was_killed_is_named_by_its_exit_code() {
    // pip's `duckdb` exits with 256 - 9 when its child is killed.
    let fake = stand_in("wrapper", "cat > /dev/null\nexit 247");
    let (code, out, err) = run(HEDGING, &[], Some(&fake));
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(out, "");
    insta::assert_snapshot!("duckdb_silent_exit", err);
}

#[cfg(unix)]
#[test]
fn duckdb_out_of_memory_says_so() {
    let fake = stand_in(
        "oom",
        "cat > /dev/null\necho 'Out of Memory Error: could not allocate block of size 256.0 KiB (1.8 GiB/1.8 GiB used)' >&2\nexit 1",
    );
    let (code, out, err) = run(HEDGING, &[], Some(&fake));
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(out, "");
    insta::assert_snapshot!("duckdb_out_of_memory", err);
}

#[cfg(unix)]
#[test]
fn an_error_of_duckdb_is_reported_as_it_said_it() {
    let fake = stand_in(
        "error",
        "cat > /dev/null\necho 'Binder Error: Referenced column \"c9\" not found in FROM clause!' >&2\nexit 1",
    );
    let (code, out, err) = run(HEDGING, &[], Some(&fake));
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(out, "");
    insta::assert_snapshot!("duckdb_script_error", err);
}

#[cfg(unix)]
#[test]
fn rows_that_cannot_be_read_back_name_the_predicate() {
    // Writes a line of no known kind into every file the script copies to.
    let fake = stand_in(
        "garbage",
        "grep -o \"TO '[^']*'\" | sed \"s/^TO '//; s/'$//\" | while read -r f; do echo 'x:1,10000' > \"$f\"; done",
    );
    let (code, out, err) = run(HEDGING, &[], Some(&fake));
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(out, "");
    insta::assert_snapshot!("duckdb_unreadable", err);
}

#[cfg(unix)]
#[test]
fn rows_duckdb_did_not_write_are_an_error() {
    let fake = stand_in("silent", "cat > /dev/null");
    let (code, out, err) = run(HEDGING, &[], Some(&fake));
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(out, "");
    assert!(err.contains("warrant::duckdb"), "{err}");
    assert!(err.contains("cannot read the rows of `"), "{err}");
}

#[cfg(unix)]
#[test]
fn unexpected_printing_is_an_error() {
    let fake = stand_in("chatty", "cat > /dev/null\necho hello");
    let (code, out, err) = run(HEDGING, &[], Some(&fake));
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(out, "");
    insta::assert_snapshot!("duckdb_printed", err);
}

/// Runs a one-file program through DuckDB.
fn run_text(name: &str, text: &str) -> (Option<i32>, String, String) {
    let dir = std::env::temp_dir().join(format!("warrant-duckdb-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("folder");
    let file = dir.join(format!("{name}.wr"));
    std::fs::write(&file, text).expect("file");
    let out = run(&file.to_string_lossy(), &[], None);
    let _ = std::fs::remove_dir_all(&dir);
    out
}

#[test]
fn a_result_duckdb_cannot_compute_as_warrant_does_is_refused() {
    if duckdb_common::program().is_none() {
        return;
    }
    let (code, out, err) = run_text(
        "refusal",
        "pred name(text: string).\nname(\"élan\").\nrule shout when name(N), U = upper(N) then loud(U).\n",
    );
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(out, "");
    assert!(err.contains("warrant::not_compilable"), "{err}");
}

#[test]
fn an_overflow_is_the_engines_overflow() {
    if duckdb_common::program().is_none() {
        return;
    }
    let (code, out, err) = run_text(
        "overflow",
        "pred big(n: int).\nbig(9223372036854775807).\nrule more when big(N), M = N + 1 then bigger(M).\n",
    );
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(out, "");
    assert!(err.contains("warrant::overflow"), "{err}");
}
