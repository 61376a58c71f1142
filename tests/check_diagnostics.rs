//! One small file per diagnostic code of `check`, under `tests/data/check/`,
//! and a snapshot of what the user sees: every diagnostic rendered as
//! `warrant check` prints it (no colour, 100 columns).

use std::path::PathBuf;

use warrant::check::check;
use warrant::diagnostics::{Style, render};
use warrant::syntax::load;

/// Loads and checks one file or folder of `tests/data/check/`; returns the
/// rendered diagnostics (parser's and checker's) and the checker's codes.
fn diagnose(name: &str) -> (String, Vec<&'static str>) {
    let path = PathBuf::from("tests/data/check").join(name);
    let parsed = load(&[path]);
    let checked = check(&parsed);
    assert!(checked.program.is_none() || !checked.has_errors());
    let mut out = String::new();
    let mut codes = Vec::new();
    for d in parsed.diagnostics.iter().chain(&checked.diagnostics) {
        codes.push(d.code.as_str());
        out.push_str(&render(
            d,
            &parsed.sources,
            Style {
                color: false,
                width: 100,
            },
        ));
        out.push('\n');
    }
    (out, codes)
}

macro_rules! diagnostic_test {
    ($test:ident, $file:expr, [$($code:expr),+ $(,)?]) => {
        #[test]
        fn $test() {
            let (rendered, codes) = diagnose($file);
            for code in [$($code),+] {
                assert!(
                    codes.contains(&code),
                    "expected {code} among {codes:?}\n{rendered}"
                );
            }
            insta::assert_snapshot!(rendered);
        }
    };
}

diagnostic_test!(
    unknown_predicate,
    "unknown_predicate.wr",
    ["warrant::unknown_predicate"]
);
diagnostic_test!(
    arity_mismatch,
    "arity_mismatch",
    ["warrant::arity_mismatch"]
);
diagnostic_test!(
    unsafe_variable,
    "unsafe_variable.wr",
    ["warrant::unsafe_variable"]
);
diagnostic_test!(
    fact_variable,
    "fact_variable.wr",
    ["warrant::unsafe_variable"]
);
diagnostic_test!(
    singleton_variable,
    "singleton_variable.wr",
    ["warrant::singleton_variable"]
);
diagnostic_test!(
    type_mismatch,
    "type_mismatch.wr",
    ["warrant::type_mismatch"]
);
diagnostic_test!(
    ambiguous_scale,
    "ambiguous_scale.wr",
    ["warrant::type_mismatch"]
);
diagnostic_test!(
    unknown_scale,
    "unknown_scale.wr",
    ["warrant::unknown_scale"]
);
diagnostic_test!(
    unknown_scale_value,
    "unknown_scale_value.wr",
    ["warrant::unknown_scale_value"]
);
diagnostic_test!(
    unknown_source,
    "unknown_source.wr",
    ["warrant::unknown_source"]
);
diagnostic_test!(
    unknown_likelihood,
    "unknown_likelihood.wr",
    ["warrant::unknown_likelihood"]
);
diagnostic_test!(
    duplicate_rule,
    "duplicate_rule.wr",
    ["warrant::duplicate_rule"]
);
diagnostic_test!(
    duplicate_declaration,
    "duplicate_declaration.wr",
    ["warrant::duplicate_declaration"]
);
diagnostic_test!(unknown_rule, "unknown_rule.wr", ["warrant::unknown_rule"]);
diagnostic_test!(
    negation_cycle,
    "negation_cycle.wr",
    ["warrant::negation_cycle"]
);
diagnostic_test!(
    unknown_variable,
    "unknown_variable.wr",
    ["warrant::unknown_variable"]
);
diagnostic_test!(
    input,
    "input.wr",
    ["warrant::input", "warrant::unknown_predicate"]
);
diagnostic_test!(parse, "parse.wr", ["warrant::parse"]);
diagnostic_test!(import_cycle, "import_cycle", ["warrant::import_cycle"]);
diagnostic_test!(
    import_not_found,
    "import_not_found.wr",
    ["warrant::import_not_found"]
);
diagnostic_test!(io_not_utf8, "not_utf8.wr", ["warrant::io"]);
diagnostic_test!(
    unknown_conflict,
    "unknown_conflict.wr",
    ["warrant::unknown_conflict"]
);
diagnostic_test!(
    arithmetic_types,
    "arithmetic_types.wr",
    [
        "warrant::type_mismatch",
        "warrant::unknown_function",
        "warrant::arity_mismatch"
    ]
);
diagnostic_test!(
    contains_reserved,
    "contains_reserved.wr",
    ["warrant::reserved_name"]
);
diagnostic_test!(
    contains_types,
    "contains_types.wr",
    ["warrant::type_mismatch"]
);
diagnostic_test!(
    unbound_arithmetic,
    "unbound_arithmetic.wr",
    ["warrant::unsafe_variable"]
);
diagnostic_test!(
    aggregate_cycle,
    "aggregate_cycle.wr",
    ["warrant::aggregate_cycle", "warrant::type_mismatch"]
);

/// A test whose file must give exactly these codes, in this order: parse
/// errors must not be followed by errors that only follow from them.
macro_rules! exact_diagnostic_test {
    ($test:ident, $file:expr, [$($code:expr),+ $(,)?]) => {
        #[test]
        fn $test() {
            let (rendered, codes) = diagnose($file);
            assert_eq!(codes, [$($code),+], "{rendered}");
            insta::assert_snapshot!(rendered);
        }
    };
}

exact_diagnostic_test!(
    parse_missing_dot_after_cite,
    "parse_missing_dot_after_cite.wr",
    ["warrant::parse"]
);
exact_diagnostic_test!(
    parse_single_quotes,
    "parse_single_quotes.wr",
    ["warrant::parse"]
);
exact_diagnostic_test!(
    parse_keyword_typo_unless,
    "parse_keyword_typo_unless.wr",
    ["warrant::parse"]
);
exact_diagnostic_test!(
    parse_keyword_typo_because,
    "parse_keyword_typo_because.wr",
    ["warrant::parse"]
);
diagnostic_test!(
    retract_unmatched,
    "retract_unmatched",
    ["warrant::retract_unmatched", "warrant::unsafe_variable"]
);
exact_diagnostic_test!(
    singleton_variable_many,
    "singleton_variable_many.wr",
    [
        "warrant::singleton_variable",
        "warrant::singleton_variable",
        "warrant::singleton_variable",
        "warrant::singleton_variable",
        "warrant::singleton_variable",
        "warrant::singleton_variable",
        "warrant::singleton_variable",
        "warrant::singleton_variable",
        "warrant::singleton_variable",
        "warrant::singleton_variable",
        "warrant::singleton_variable",
    ]
);
diagnostic_test!(
    unused_predicate,
    "unused_predicate.wr",
    ["warrant::unused_predicate"]
);
diagnostic_test!(
    lonely_constant,
    "lonely_constant.wr",
    ["warrant::lonely_constant"]
);
diagnostic_test!(never_holds, "never_holds.wr", ["warrant::never_holds"]);
diagnostic_test!(
    quote_not_found,
    "quote_not_found/rules.wr",
    ["warrant::quote_not_found"]
);
