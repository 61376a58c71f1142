//! The hand-translated scripts of `examples/dialects/` (one program in
//! DataFusion's and Spark's SQL) give the native engine's rows: runs
//! `examples/dialects/check.py` with a Python that has `datafusion` (and,
//! with `WARRANT_DIALECT_SPARK=1`, `pyspark` and a Java runtime).
//!
//! Not part of CI: neither package is installed there, and the test skips
//! with a message. Locally: `python3 -m venv /tmp/v && /tmp/v/bin/pip install
//! datafusion pyarrow pyspark`, then `WARRANT_DIALECT_PYTHON=/tmp/v/bin/python
//! WARRANT_DIALECT_SPARK=1 cargo test --test dialects`.

use std::process::Command;

#[test]
fn hand_translated_scripts_give_the_native_rows() {
    let python = std::env::var("WARRANT_DIALECT_PYTHON").unwrap_or_else(|_| "python3".into());
    let has = |module: &str| {
        Command::new(&python)
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !has("datafusion") {
        eprintln!(
            "\n*** SKIPPED: `{python}` cannot import datafusion (set WARRANT_DIALECT_PYTHON to a \
             Python with `pip install datafusion`); the dialect examples were not run ***\n"
        );
        return;
    }
    let mut engines = vec!["datafusion"];
    if std::env::var_os("WARRANT_DIALECT_SPARK").is_some() {
        assert!(
            has("pyspark"),
            "WARRANT_DIALECT_SPARK is set, but pyspark is missing"
        );
        engines.push("spark");
    }
    let out = Command::new(&python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/dialects/check.py"
        ))
        .arg(env!("CARGO_BIN_EXE_warrant"))
        .args(&engines)
        .output()
        .expect("runs check.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for engine in engines {
        assert!(stdout.contains(&format!("ok {engine}")), "{stdout}");
    }
}
