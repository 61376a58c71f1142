//! Property test of `warrant fmt`: over random programs with a comment in
//! every position (before, between and after items, on an item's line,
//! inside items, at the end of the file without a line break), formatting
//! keeps every comment exactly once, is idempotent, and changes no result:
//! `warrant run --all --explain` and `warrant test` print the same before
//! and after.

use std::path::Path;
use std::process::Command;

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

/// Builds a program as text, placing comments and marks what each is.
struct Writer {
    text: String,
    comments: usize,
}

impl Writer {
    /// A fresh comment number.
    fn next_mark(&mut self) -> usize {
        self.comments += 1;
        self.comments
    }

    /// A comment (or none) between two tokens: `/* cN */`, `// cN` and a
    /// line break, a block comment over two lines, or a line break.
    fn gap(&mut self, rng: &mut Rng) {
        let n = self.next_mark();
        match rng.below(8) {
            0 => self.text.push_str(&format!(" /* c{n} */ ")),
            1 => self.text.push_str(&format!(" // c{n}\n  ")),
            2 => self.text.push_str(&format!("/* c{n}\n   continued */")),
            3 => self.text.push('\n'),
            _ => self.text.push(' '),
        }
    }

    /// An item's tokens; a third of the items get comments inside (the
    /// formatter keeps those as written), the others are reformatted.
    fn tokens(&mut self, rng: &mut Rng, tokens: &[String]) {
        let inner_comments = rng.chance(33);
        for (i, t) in tokens.iter().enumerate() {
            if i > 0 && inner_comments {
                self.gap(rng);
            } else if i > 0 {
                self.text.push(' ');
            }
            self.text.push_str(t);
        }
    }

    /// What separates two items: a line break, a blank line, a space, with
    /// comments on the previous item's line, between, and before the next.
    fn between(&mut self, rng: &mut Rng) {
        let n = self.next_mark();
        match rng.below(9) {
            0 => self.text.push_str(&format!("  /* c{n} */\n")),
            1 => self.text.push_str(&format!(" // c{n}\n")),
            2 => self.text.push_str(&format!("\n\n// c{n}\n\n")),
            3 => self.text.push_str(&format!("\n/* c{n} */ ")),
            4 => self.text.push_str(&format!(" /* c{n}\n  spans lines */ ")),
            5 => self
                .text
                .push_str(&format!("\n\n\n   /* c{n} */ // c{n}b\n")),
            6 => self.text.push(' '),
            7 => self.text.push_str("\n\n"),
            _ => self.text.push('\n'),
        }
    }
}

const VALUES: [&str; 4] = ["a", "b", "c", "d"];
const WORDS: [&str; 3] = ["likely", "very likely", "0.7"];

fn value(rng: &mut Rng) -> String {
    VALUES[rng.below(VALUES.len())].to_string()
}

/// Tokens separated by spaces; a string in double quotes is one token.
fn split(text: &str) -> Vec<String> {
    let mut tokens = vec![String::new()];
    let mut in_string = false;
    for c in text.chars() {
        match c {
            ' ' if !in_string => tokens.push(String::new()),
            _ => {
                in_string ^= c == '"';
                if let Some(t) = tokens.last_mut() {
                    t.push(c);
                }
            }
        }
    }
    tokens.retain(|t| !t.is_empty());
    tokens
}

/// One random item, as tokens (a token never holds a comment position).
fn item(rng: &mut Rng, i: usize) -> Vec<String> {
    match rng.below(6) {
        0 | 1 => {
            let mut t = vec![
                "edge(".to_string(),
                value(rng),
                ",".to_string(),
                value(rng),
                ")".to_string(),
            ];
            if rng.chance(30) {
                t.extend([
                    "[".to_string(),
                    WORDS[rng.below(3)].to_string(),
                    "]".to_string(),
                ]);
            }
            t.push(".".to_string());
            t
        }
        2 => split(&format!(
            "rule r{i} when edge( X , Y ) , reach( Y , Z ) then reach( X , Z ) because \"{{X}} reaches {{Z}} // not a comment /* nor this */\" ."
        )),
        3 => split(&format!(
            "rule base{i} when edge( X , Y ) unless blocked( X ) then reach( X , Y ) [ likely ] ."
        )),
        4 => split(&format!("blocked( {} ) .", value(rng))),
        _ => split(&format!(
            "test \"t{i}\" {{ given edge( a , b ) . expect reach( a , b ) . expect not reach( b , a ) . }}"
        )),
    }
}

fn program(rng: &mut Rng) -> String {
    let mut w = Writer {
        text: String::new(),
        comments: 0,
    };
    if rng.chance(50) {
        w.text.push_str("// c_head\n");
    }
    // The predicates every rule reads, so that no program has errors.
    let declare = [
        "pred edge( start , stop ) .",
        "pred blocked( node ) .",
        "pred reach( start , stop ) .",
    ];
    for d in declare {
        w.tokens(rng, &split(d));
        w.between(rng);
    }
    for i in 0..rng.below(8) + 2 {
        let tokens = item(rng, i);
        w.tokens(rng, &tokens);
        w.between(rng);
    }
    if rng.chance(50) {
        // A comment at the very end, without a line break.
        w.text.push_str("// c_tail");
    }
    w.text
}

/// The comments of a text, in order: every `/* … */` and `// …` outside
/// strings.
fn comments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut in_string = false;
    while let Some(c) = rest.chars().next() {
        if in_string {
            if c == '\\' {
                rest = &rest[1..];
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if rest.starts_with("//") {
            let end = rest.find('\n').unwrap_or(rest.len());
            out.push(rest[..end].trim_end().to_string());
            rest = &rest[end..];
            continue;
        } else if rest.starts_with("/*") {
            let end = rest[2..].find("*/").map_or(rest.len(), |i| i + 4);
            // Inner line breaks are kept; indentation after them may not be.
            out.push(
                rest[..end]
                    .lines()
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
            rest = &rest[end..];
            continue;
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Exit code and standard output of `warrant ARGS FILE`, with the file's
/// line numbers left out (formatting moves items to other lines).
fn warrant(args: &[&str], file: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_warrant"))
        .args(args)
        .arg(file)
        .output()
        .expect("the warrant binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).replace(&file.display().to_string(), "FILE");
    let mut shown = String::new();
    let mut rest = stdout.as_str();
    while let Some(i) = rest.find("FILE:") {
        shown.push_str(&rest[..i + 5]);
        rest = rest[i + 5..].trim_start_matches(|c: char| c.is_ascii_digit());
    }
    shown.push_str(rest);
    (out.status.code().unwrap_or(-1), shown)
}

/// The verdict of each test and the tally (a failure's report quotes the
/// conditions as written, which formatting changes on purpose).
fn verdicts((code, out): (i32, String)) -> (i32, Vec<String>) {
    let lines = out
        .lines()
        .filter(|l| l.starts_with("PASS") || l.starts_with("FAIL") || l.contains(" passed"))
        .map(str::to_string)
        .collect();
    (code, lines)
}

#[test]
fn fmt_keeps_every_comment_and_every_result() {
    let dir = std::env::temp_dir().join(format!("warrant-fmt-comments-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let file = dir.join("p.wr");
    let mut rng = Rng(0x5eed_f0f0);
    let mut cases = 0;
    for case in 0..120 {
        let text = program(&mut rng);
        std::fs::write(&file, &text).expect("write the program");
        let before_run = warrant(&["run", "--all", "--explain"], &file);
        let before_test = verdicts(warrant(&["test"], &file));
        assert_eq!(
            before_run.0, 0,
            "case {case}: the program must run\n{text}\n{before_run:?}"
        );

        let (code, out) = warrant(&["fmt"], &file);
        assert_eq!(code, 0, "case {case}: fmt failed: {out}\n{text}");
        let once = std::fs::read_to_string(&file).expect("read the formatted file");
        assert_eq!(
            comments(&once),
            comments(&text),
            "case {case}: comments changed\n--- before\n{text}\n--- after\n{once}"
        );
        assert_eq!(
            warrant(&["run", "--all", "--explain"], &file),
            before_run,
            "case {case}\n{text}\n{once}"
        );
        assert_eq!(
            verdicts(warrant(&["test"], &file)),
            before_test,
            "case {case}\n{text}\n{once}"
        );

        let (code, out) = warrant(&["fmt", "--check"], &file);
        assert_eq!(code, 0, "case {case}: not idempotent: {out}\n{once}");
        cases += 1;
    }
    assert_eq!(cases, 120);
    let _ = std::fs::remove_dir_all(&dir);
}
