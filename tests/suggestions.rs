//! Every did-you-mean is also a suggestion (a span and a replacement) that
//! editors apply as a quick fix: applying it gives the text the user meant,
//! and that text checks clean.

use std::path::PathBuf;
use std::sync::Arc;

use warrant::syntax::{self, Overlay, file_key};

/// The diagnostics of a text loaded as a file that is not on disk.
fn check(text: &str) -> Vec<warrant::diagnostics::Diagnostic> {
    let path = PathBuf::from("/nonexistent/warrant-suggestions/main.wr");
    let mut overlay = Overlay::new();
    overlay.insert(file_key(&path), Arc::from(text));
    let parsed = syntax::load_with_overlay(&[path], &overlay);
    warrant::check_parsed(&parsed).1
}

#[test]
fn applying_each_suggestion_fixes_the_text() {
    let cases = [
        // an unknown predicate
        (
            "ally(x, y).\nrule r when alyy(A, B) then h(A, B).\n",
            "alyy",
            "ally",
        ),
        // a misspelt keyword
        ("a(x).\nrule r\n  wen a(X)\n  then b(X).\n", "wen", "when"),
        // an unbound variable
        (
            "a(x).\nrule r when a(Count) then b(Cont).\n",
            "Cont",
            "Count",
        ),
        // a likelihood word
        ("a(x) [likly].\n", "[likly]", "[likely]"),
        // a variable of a `because` sentence
        (
            "a(x).\nrule r when a(Count) then b(Count) because \"{Cont}\".\n",
            "{Cont}",
            "{Count}",
        ),
        // a source
        (
            "source kim \"Kim\".\na(x).\nrule r when a(X) then b(X) cite kin \"p. 1\".\n",
            "kin",
            "kim",
        ),
        // a value of a scale
        (
            "scale level: low < high.\npred d(x, l: level).\nd(x, hig).\n",
            "hig",
            "high",
        ),
        // a rule named by an expectation
        (
            "a(x).\nrule rr when a(X) then b(X).\ntest \"t\" { expect b(x) by rq. }\n",
            "rq",
            "rr",
        ),
        // a conflict named by an expectation
        (
            "a(x).\nconflict cc when a(X).\ntest \"t\" { expect conflict cx. }\n",
            "cx",
            "cc",
        ),
        // a column type
        (
            "scale level: low < high.\npred d(l: leve).\nd(low).\n",
            "leve",
            "level",
        ),
    ];
    for (text, wrong, right) in cases {
        let diagnostics = check(text);
        let fixes: Vec<_> = diagnostics
            .iter()
            .filter_map(|d| d.suggestion.as_deref())
            .collect();
        assert_eq!(fixes.len(), 1, "{text}: {diagnostics:#?}");
        let fix = fixes[0];
        assert_eq!(
            &text[fix.span.start as usize..fix.span.end as usize],
            wrong,
            "{text}"
        );
        assert_eq!(fix.replacement, right, "{text}");
        let mut fixed = text.to_string();
        fixed.replace_range(
            fix.span.start as usize..fix.span.end as usize,
            &fix.replacement,
        );
        let errors: Vec<_> = check(&fixed).into_iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{fixed}: {errors:#?}");
    }
}
