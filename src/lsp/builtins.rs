//! Hover text for the language's built-in names: the functions an
//! expression calls, the `contains` test and the aggregates' keywords.

use warrant::syntax::ast::AggregateOp;

/// What a built-in function (or the `contains` test) computes, its
/// arguments and an example; `None` for a name that is no built-in.
pub fn function(name: &str) -> Option<String> {
    let (signature, computes, takes, example) = match name {
        "min" => (
            "min(A, B)",
            "the smaller of its two arguments, ordered as comparisons order them",
            "two numbers, or two texts",
            "Cap = min(N, 100)",
        ),
        "max" => (
            "max(A, B)",
            "the larger of its two arguments, ordered as comparisons order them",
            "two numbers, or two texts",
            "Floor = max(N, 0)",
        ),
        "abs" => (
            "abs(N)",
            "the number without its sign",
            "one number (integer or decimal)",
            "Gap = abs(A - B)",
        ),
        "len" => (
            "len(T)",
            "how many characters the text has",
            "one text",
            "len(T) <= 5",
        ),
        "concat" => (
            "concat(A, B)",
            "the first text followed by the second",
            "two texts",
            "Full = concat(First, Last)",
        ),
        "lower" => (
            "lower(T)",
            "the text with every letter in lower case",
            "one text",
            "Key = lower(T)",
        ),
        "upper" => (
            "upper(T)",
            "the text with every letter in upper case",
            "one text",
            "Shout = upper(T)",
        ),
        "contains" => {
            return Some(describe(
                "contains(T, P)",
                "built-in test, written as a condition",
                "holds when the text `T` has the text `P` inside it (never for a number)",
                ("arguments", "two texts"),
                "when name(C, T), contains(T, \"Nip\")",
            ));
        }
        _ => return None,
    };
    Some(describe(
        signature,
        "built-in function",
        computes,
        ("arguments", takes),
        example,
    ))
}

/// What an aggregate gives, what it ranges over and an example.
pub fn aggregate(op: AggregateOp) -> String {
    let (signature, computes, example) = match op {
        AggregateOp::Count => (
            "N = count { BODY } [floor]",
            "how many matches the body has (0 when it has none)",
            "N = count { reason(A, R) } [likely], N >= 2",
        ),
        AggregateOp::Sum => (
            "S = sum X { BODY } [floor]",
            "the total of the number `X` over the body's matches (0 when it has none)",
            "Total = sum N { troops(_, N) }",
        ),
        AggregateOp::Min => (
            "M = min X { BODY } [floor]",
            "the least `X` among the body's matches (nothing is derived when it has none)",
            "Lowest = min P { price(_, P) }",
        ),
        AggregateOp::Max => (
            "M = max X { BODY } [floor]",
            "the greatest `X` among the body's matches (nothing is derived when it has none)",
            "Highest = max P { price(_, P) }",
        ),
    };
    describe(
        signature,
        "aggregate",
        computes,
        (
            "over",
            "a body of atoms and comparisons, computed once per value of the variables it shares \
         with the rest of the rule; matches below the optional floor are left out, and the \
         result is as likely as the least likely match counted",
        ),
        example,
    )
}

/// `takes`: what the arguments are (a function's) or what it ranges over
/// (an aggregate's), labelled.
fn describe(
    signature: &str,
    what: &str,
    computes: &str,
    (label, takes): (&str, &str),
    example: &str,
) -> String {
    format!(
        "```warrant\n{signature}\n```\n\n{what}: {computes}.\n\n{label}: {takes}.\n\nexample: `{example}`"
    )
}
