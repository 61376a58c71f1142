//! The DuckDB program for the tests that run it.

use std::path::PathBuf;
use std::process::Command;

/// The DuckDB program, or `None` (with a loud message) when there is none;
/// under `CI` a missing program fails the test instead.
pub fn program() -> Option<PathBuf> {
    let path = warrant::export::sql::duckdb::program_path(None);
    let ok = Command::new(&path)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "duckdb is not installed, and CI is set: `pip install duckdb-cli`"
    );
    eprintln!(
        "\n*** SKIPPED: no `duckdb` program (pip install duckdb-cli); DuckDB part not run ***\n"
    );
    None
}
