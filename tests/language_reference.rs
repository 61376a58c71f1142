//! Every ```warrant example in the language reference and the README parses
//! and checks cleanly, so the documentation cannot drift from the grammar.

use std::path::{Path, PathBuf};

use warrant::diagnostics::{Style, render};

fn examples(doc: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(doc).unwrap();
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        match &mut current {
            None if line.trim_start() == "```warrant" => current = Some((i + 1, String::new())),
            Some(_) if line.trim_start() == "```" => out.extend(current.take()),
            Some((_, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {}
        }
    }
    assert!(current.is_none(), "{}: unclosed code block", doc.display());
    out
}

fn check_examples(doc: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("examples-{}", doc.replace(['/', '.'], "_")));
    std::fs::create_dir_all(&dir).unwrap();
    let blocks = examples(&root.join(doc));
    let style = Style {
        color: false,
        width: 100,
    };
    for (line, body) in &blocks {
        let file = dir.join(format!("line{line}.wr"));
        std::fs::write(&file, body).unwrap();
        let loaded = warrant::load(&[&file]);
        let rendered: Vec<String> = loaded
            .diagnostics
            .iter()
            .map(|d| render(d, &loaded.sources, style))
            .collect();
        assert!(
            loaded.diagnostics.is_empty(),
            "{doc}:{line}: the example does not check cleanly:\n{}",
            rendered.join("\n")
        );
        assert!(loaded.program.is_some());
    }
    blocks.len()
}

#[test]
fn language_reference_examples_check() {
    assert!(check_examples("docs/language.md") >= 7);
}

#[test]
fn readme_examples_check() {
    check_examples("README.md");
}
