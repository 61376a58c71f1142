//! How many diagnostics are shown: at most so many of one code for one
//! item and for one file, the rest counted in one more diagnostic; and the
//! stable order they are printed in.

use super::{Code, Diagnostic, Severity};
use crate::source::Sources;

/// At most this many diagnostics of one code are reported for one item (a
/// rule with 2,000 singleton variables), and shown for one file; the rest
/// are counted in one more diagnostic ([`more`]).
pub const SHOWN_PER_ITEM: usize = 10;
pub const SHOWN_PER_FILE: usize = 50;

/// "… and 1,990 more `warrant::singleton_variable` in rule `r`": stands for
/// diagnostics left out, with the severity of the worst of them.
pub fn more(code: Code, severity: Severity, count: usize, place: &str) -> Diagnostic {
    let mut digits = count.to_string();
    let mut at = digits.len();
    while at > 3 {
        at -= 3;
        digits.insert(at, ',');
    }
    Diagnostic {
        severity,
        ..Diagnostic::error(code, format!("… and {digits} more `{code}` in {place}"))
    }
    .with_help("fix the ones shown first")
}

/// The diagnostics to show, in order, with at most `per_file` of each code
/// in each file: the first one left out is replaced by a [`more`] that
/// counts them all, so the output stays small whatever the input.
pub fn bounded(diags: &[Diagnostic], sources: &Sources, per_file: usize) -> Vec<Diagnostic> {
    use std::collections::HashMap;
    let key = |d: &Diagnostic| (d.primary_span().map(|s| s.file), d.code);
    let mut total: HashMap<_, (usize, Severity)> = HashMap::new();
    for d in diags {
        let entry = total.entry(key(d)).or_insert((0, d.severity));
        entry.0 += 1;
        entry.1 = entry.1.min(d.severity); // errors sort before warnings
    }
    let mut seen: HashMap<_, usize> = HashMap::new();
    let mut shown = Vec::new();
    for d in diags {
        let k = key(d);
        let n = seen.entry(k).or_insert(0);
        *n += 1;
        if *n <= per_file {
            shown.push(d.clone());
        } else if *n == per_file + 1 {
            let (count, severity) = total[&k];
            let file = match k.0 {
                Some(f) => sources.get(f).name(),
                None => "this run".to_string(),
            };
            let mut summary = more(d.code, severity, count - per_file, &file)
                .with_help("fix the ones shown first; `--format json` lists every one");
            summary.labels = d.labels.iter().take(1).cloned().collect();
            if let Some(l) = summary.labels.first_mut() {
                l.message = "the next of them".to_string();
            }
            shown.push(summary);
        }
    }
    shown
}

/// Sorts diagnostics into a stable order: by file, position, then code.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.primary_span().map(|s| (s.file, s.start, s.end));
        key(a)
            .cmp(&key(b))
            .then_with(|| a.code.as_str().cmp(b.code.as_str()))
            .then_with(|| a.message.cmp(&b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    #[test]
    fn repeats_beyond_the_bound_are_counted_in_one_diagnostic() {
        let mut sources = Sources::default();
        let a = sources.add("a.wr".into(), "x".repeat(100));
        let b = sources.add("b.wr".into(), "x".repeat(100));
        let at = |file, i| Span::new(file, i, i + 1);
        let mut diags: Vec<Diagnostic> = (0..5)
            .map(|i| Diagnostic::warning(Code::SingletonVariable, "s").with_label(at(a, i), ""))
            .collect();
        diags.push(Diagnostic::error(Code::SingletonVariable, "e").with_label(at(a, 9), ""));
        diags.push(Diagnostic::error(Code::Parse, "p").with_label(at(a, 10), ""));
        diags.push(Diagnostic::warning(Code::SingletonVariable, "s").with_label(at(b, 0), ""));
        let shown = bounded(&diags, &sources, 2);
        let messages: Vec<&str> = shown.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "s",
                "s",
                "… and 4 more `warrant::singleton_variable` in a.wr",
                "p",
                "s"
            ]
        );
        // The count has the severity of the worst diagnostic it stands for.
        assert_eq!(shown[2].severity, Severity::Error);
        assert_eq!(shown[2].primary_span(), Some(at(a, 2)));
        assert_eq!(
            more(Code::Parse, Severity::Error, 1234567, "x").message,
            "… and 1,234,567 more `warrant::parse` in x"
        );
    }
}
