//! The formatter on every rule file of the repository: its output parses,
//! formatting it again changes nothing, and it states the same items.

use warrant::source::FileId;
use warrant::syntax::{format::format_item, format::format_module, parse_module};

fn rule_files() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut dirs = vec![root.join("rules"), root.join("tests/data")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "wr") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn formatting_is_idempotent_and_keeps_every_item() {
    let mut formatted_files = 0;
    for path in rule_files() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue; // the deliberately non-UTF-8 test file
        };
        let (module, errors) = parse_module(FileId(0), &text);
        if !errors.is_empty() {
            continue; // files that show parse errors are not formatted
        }
        let once = format_module(&text, &module);
        let (again, errors) = parse_module(FileId(0), &once);
        assert!(
            errors.is_empty(),
            "{}: formatted text does not parse: {errors:?}\n{once}",
            path.display()
        );
        assert_eq!(
            format_module(&once, &again),
            once,
            "{}: not idempotent",
            path.display()
        );
        let items =
            |m: &warrant::syntax::ast::Module| m.items.iter().map(format_item).collect::<Vec<_>>();
        assert_eq!(
            items(&module),
            items(&again),
            "{}: items changed",
            path.display()
        );
        formatted_files += 1;
    }
    assert!(formatted_files > 20, "{formatted_files}");
}
