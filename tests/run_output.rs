//! `warrant run` output options on real files: `--output-dir` in each
//! format, `--only`, `--quiet`, and a reader that stops early (`| head`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};

use assert_cmd::Command;
use assert_cmd::cargo::CommandCargoExt;

const QUOTING: &str = "tests/data/render/quoting.wr";
const HEDGING: &str = "tests/data/cli/hedging.wr";

fn warrant() -> Command {
    let mut cmd = Command::cargo_bin("warrant").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    cmd
}

fn output(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("warrant-run-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    dir
}

/// Every file of a directory, sorted by name, as `== name ==` and its text.
fn listing(dir: &Path) -> String {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let mut out = String::new();
    for path in names {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        out.push_str(&format!(
            "== {name} ==\n{}",
            std::fs::read_to_string(&path).unwrap()
        ));
    }
    out
}

#[test]
fn output_dir_writes_one_file_per_predicate_in_each_format() {
    for format in ["csv", "tsv", "jsonl"] {
        let dir = temp_dir(format);
        let (code, out, err) = output(warrant().args([
            "run",
            QUOTING,
            "--output-dir",
            dir.to_str().unwrap(),
            "--output-format",
            format,
        ]));
        assert_eq!(code, 0, "{err}");
        // The rows went to files: no conflicts hold, so stdout is empty.
        assert_eq!(out, "");
        assert!(err.contains("wrote 3 files to"), "{err}");
        insta::assert_snapshot!(format!("output_dir_{format}"), listing(&dir));
        std::fs::remove_dir_all(&dir).ok();
    }
}

/// The CSV files read back with the `csv` crate give the model's rows:
/// quoting round-trips commas, quotes, newlines and tabs.
#[test]
fn csv_files_read_back_as_the_rows() {
    let dir = temp_dir("readback");
    let (code, _, err) = output(warrant().args([
        "run",
        QUOTING,
        "--all",
        "--output-dir",
        dir.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{err}");
    let mut reader = csv::Reader::from_path(dir.join("says.csv")).unwrap();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let texts: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        texts,
        ["a, b", "she said \"hi\"", "two\nlines", "tab\there"]
    );
    assert!(rows.iter().all(|r| r[2] == "almost certain" && r[3] == "1"));
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["who", "text", "likelihood", "probability"]
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn output_dir_with_only_writes_the_named_predicates_and_prints_conflicts() {
    let dir = temp_dir("only");
    let (code, out, err) = output(warrant().args([
        "run",
        HEDGING,
        "--only",
        "hedges,ally",
        "--output-dir",
        dir.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("output_dir_only", listing(&dir));
    // The conflict still prints, with its sides' proofs.
    assert!(out.starts_with("\nconflicts (1)\n"), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn only_prints_the_named_predicates_in_the_order_given() {
    let (code, out, err) =
        output(warrant().args(["run", HEDGING, "--only", "ally", "--only", "hedges"]));
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("only_text", out);
    let (code, out, _) =
        output(warrant().args(["run", HEDGING, "--only", "hedges", "--format", "json"]));
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let names: Vec<&str> = json["predicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["hedges"]);
}

#[test]
fn only_an_unknown_predicate_is_a_usage_error() {
    let (code, out, err) = output(warrant().args(["run", HEDGING, "--only", "hedgs"]));
    assert_eq!(code, 2);
    assert_eq!(out, "");
    insta::assert_snapshot!("only_unknown", err);
}

#[test]
fn quiet_prints_the_summary_alone() {
    let (code, out, err) = output(warrant().args(["run", HEDGING, "--quiet"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("derived 1 row (hedges 1) · "), "{err}");
}

#[test]
fn an_unwritable_output_dir_is_an_io_error() {
    let file = temp_dir("not-a-dir");
    std::fs::write(&file, "a file").unwrap();
    let (code, _, err) =
        output(warrant().args(["run", HEDGING, "--output-dir", file.to_str().unwrap()]));
    assert_eq!(code, 2);
    assert!(err.contains("warrant::io"), "{err}");
    std::fs::remove_file(&file).ok();
}

/// A transitive closure with `n * (n - 1) / 2` rows: far more output than a
/// pipe holds.
fn chain(n: usize) -> PathBuf {
    let dir = temp_dir("pipe");
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from(
        "rule step when edge(X, Y) then path(X, Y).\nrule hop when path(X, Y), edge(Y, Z) then path(X, Z).\n",
    );
    for i in 0..n {
        text.push_str(&format!("edge({i}, {}).\n", i + 1));
    }
    let file = dir.join("chain.wr");
    std::fs::write(&file, text).unwrap();
    file
}

/// `warrant run … | head`: the reader goes away early; the run ends
/// quietly with exit 0, text and JSON alike.
#[test]
fn a_closed_pipe_ends_quietly() {
    let file = chain(400);
    for format in ["text", "json"] {
        let mut child = Process::cargo_bin("warrant")
            .unwrap()
            .args(["run", file.to_str().unwrap(), "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut head = [0u8; 100];
        child.stdout.take().unwrap().read_exact(&mut head).unwrap();
        // stdout is dropped here: the pipe is closed.
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{format}: {err}");
        assert!(!err.contains("panicked"), "{format}: {err}");
        assert!(err.starts_with("derived "), "{format}: {err}");
    }
    std::fs::remove_dir_all(file.parent().unwrap()).ok();
}

/// The row-by-row JSON writer of `run` prints exactly what serializing the
/// `RunJson` struct prints, on every rule file of the tests and the rule
/// base, with and without reasons, provenance, base predicates; and for a
/// hand-picked list with an empty predicate, and for none.
#[test]
fn the_json_writer_prints_what_the_serde_structs_print() {
    use warrant::engine::{EvalOptions, evaluate};
    use warrant::render;
    let files = [
        QUOTING,
        HEDGING,
        "tests/data/explain/hedging.wr",
        "tests/data/explain/chain/chain.wr",
        "tests/data/engine/hedging.wr",
        "rules/kim-simon-2021/scenarios/baseline_2021.wr",
    ];
    for file in files {
        let program = std::sync::Arc::new(warrant::Program::load(&[file]).expect("checks"));
        for provenance in [true, false] {
            let options = EvalOptions {
                provenance,
                ..Default::default()
            };
            let model = evaluate(&program, &options).expect("evaluates");
            let empty = (0..program.preds.len() as u32)
                .map(warrant::ir::PredId)
                .find(|&p| model.len(p) == 0);
            let mut lists = vec![
                render::run_predicates(&model, false, false),
                render::run_predicates(&model, true, false),
                Vec::new(),
            ];
            lists.extend(empty.map(|p| vec![p]));
            for preds in &lists {
                for explain in [false, true] {
                    let mut fast = Vec::new();
                    render::json::write_run(&mut fast, &model, preds, explain).unwrap();
                    let mut reference = Vec::new();
                    render::json::write(&mut reference, &render::json::run(&model, preds, explain))
                        .unwrap();
                    assert_eq!(
                        String::from_utf8(fast).unwrap(),
                        String::from_utf8(reference).unwrap(),
                        "{file}, provenance {provenance}, explain {explain}, {} predicates",
                        preds.len()
                    );
                }
            }
        }
    }
}
