//! Loading rule files and input files through the real binary: long `use`
//! chains, and paths that are missing, folders, or pipes. The I/O contract:
//! a file that cannot be read is exit code 2 with a `warrant::io`
//! diagnostic, and nothing blocks.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A fresh folder under the system's temporary folder.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("warrant-load-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the temporary folder is writable");
    dir
}

/// Runs `warrant ARGS` in `dir`; exit code, stdout and stderr. A run that
/// has not ended after a minute is killed and fails the test: it blocked.
fn warrant(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_warrant"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the warrant binary starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child
        .try_wait()
        .expect("the child can be waited for")
        .is_none()
    {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("`warrant {}` blocked", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("the output of the child");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(ok.success());
}

#[test]
fn a_use_chain_of_16000_files_loads() {
    // A recursive search for import cycles overflowed the stack here.
    let dir = scratch("chain");
    let n = 16_000;
    for i in 0..n {
        let next = if i + 1 < n {
            format!("use \"f{}.wr\".\n", i + 1)
        } else {
            String::new()
        };
        std::fs::write(dir.join(format!("f{i}.wr")), format!("{next}p(n{i}).\n"))
            .expect("write a file of the chain");
    }
    let (code, out, err) = warrant(&dir, &["check", "f0.wr"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("16000 files, 16000 facts"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_rule_files_and_folders_without_rule_files_exit_2() {
    let dir = scratch("missing");
    std::fs::create_dir_all(dir.join("empty")).expect("a folder");
    for path in ["nope.wr", "empty"] {
        let (code, _, err) = warrant(&dir, &["check", path]);
        assert_eq!(code, 2, "{path}: {err}");
        assert!(err.contains("warrant::io"), "{err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_pipe_named_as_a_rule_file_is_refused_not_read() {
    // `std::fs::read` on a pipe waits for a writer for ever.
    let dir = scratch("fifo");
    mkfifo(&dir.join("rules.wr"));
    let (code, _, err) = warrant(&dir, &["check", "rules.wr"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("warrant::io") && err.contains("not a regular file"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn input_files_that_cannot_be_read_exit_2() {
    let dir = scratch("inputs");
    std::fs::create_dir_all(dir.join("folder.csv")).expect("a folder");
    mkfifo(&dir.join("pipe.csv"));
    for (name, what) in [
        ("missing.csv", "does not exist"),
        ("folder.csv", "is a folder"),
        ("pipe.csv", "is not a regular file"),
    ] {
        let text = format!("input p from \"{name}\".\nrule r when p(X) then q(X).\n");
        std::fs::write(dir.join("rules.wr"), text).expect("write the rules");
        for command in ["check", "run"] {
            let (code, _, err) = warrant(&dir, &[command, "rules.wr"]);
            assert_eq!(code, 2, "{command} {name}: {err}");
            assert!(err.contains("warrant::io") && err.contains(what), "{err}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn control_characters_from_data_never_reach_the_terminal_raw() {
    let dir = scratch("controls");
    std::fs::write(
        dir.join("rules.wr"),
        "scale level: low < high.\npred troops(country, count: level).\ninput troops from \"t.csv\".\n",
    )
    .expect("write the rules");
    // A clear-screen sequence and a terminal-title sequence in the data.
    std::fs::write(dir.join("t.csv"), "jap\x1b]0;x\x07an,hi\x1b[2Jgh\n").expect("write the data");
    for command in ["check", "run"] {
        let (code, out, err) = warrant(&dir, &[command, "rules.wr"]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("\\u{1b}[2J"), "{err}");
        for text in [&out, &err] {
            assert!(!text.contains(['\x1b', '\x07']), "{text:?}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
