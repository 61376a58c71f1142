//! No follow-up errors from an item that failed to parse: a rule with a
//! syntax error is missing from the program, so the predicates, rules and
//! sources it would have declared or concluded look unknown. A diagnostic
//! about an unknown name is dropped when an item that failed to parse
//! mentions that name; the syntax error is the one to fix.

use std::collections::HashSet;

use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::Parsed;

/// Drops the diagnostics that follow from items that failed to parse.
pub(super) fn drop_follow_ups(parsed: &Parsed, diags: &mut Vec<Diagnostic>) {
    let mentioned = broken_words(parsed);
    if mentioned.is_empty() {
        return;
    }
    diags.retain(|d| {
        let names_a_thing = matches!(
            d.code,
            Code::UnknownPredicate
                | Code::UnknownRule
                | Code::UnknownSource
                | Code::UnknownConflict
                | Code::UnknownScale
                | Code::UnknownScaleValue
        );
        let follows = names_a_thing
            && d.primary_span()
                .is_some_and(|s| mentioned.contains(parsed.sources.slice(s)));
        !follows
    });
}

/// Every word (name, value or variable) in the text of a broken item.
fn broken_words(parsed: &Parsed) -> HashSet<&str> {
    let mut words = HashSet::new();
    for m in &parsed.modules {
        for &span in &m.broken {
            let text = parsed.sources.slice(span);
            words.extend(
                text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .filter(|w| !w.is_empty()),
            );
        }
    }
    words
}
