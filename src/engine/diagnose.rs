//! The diagnostics evaluation ends with: why it stopped (an integer
//! overflow, the row limit, the time limit) and what it counted on the way
//! (divisions by zero, comparisons of values of different kinds).

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::Program;
use crate::source::Span;

use super::EvalOptions;
use super::eval::{self, State};

/// `warrant::overflow`: the rule and the computation that left the range.
pub(super) fn overflow(program: &Program, f: &eval::ArithFault) -> Diagnostic {
    let rule = f
        .rule
        .and_then(|s| program.rules.iter().find(|r| r.span == s));
    let conflict = f
        .rule
        .and_then(|s| program.conflicts.iter().find(|c| c.span == s));
    let name = match (rule, conflict) {
        (Some(r), _) => format!("rule `{}`", r.name),
        (None, Some(c)) => format!("conflict `{}`", c.name),
        (None, None) => "a rule".to_string(),
    };
    let mut d = Diagnostic::error(
        Code::Overflow,
        format!(
            "evaluation stopped: {} is outside the 64-bit integer range in {name}",
            f.computation
        ),
    )
    .with_help(
        "integers range from -9223372036854775808 to 9223372036854775807; bound the recursion \
         (e.g. `N < 90`) or compute with decimals",
    );
    let named = rule
        .map(|r| (r.span, &r.name))
        .or(conflict.map(|c| (c.span, &c.name)));
    if let Some((span, name)) = named {
        d = d.with_label(span, format!("`{name}` computed {}", f.computation));
    }
    d
}

/// `warrant::division_by_zero`: how many divisions by zero derived
/// nothing, and in which rules.
pub(super) fn division_warning(state: &State) -> Option<Diagnostic> {
    let n = state.divisions_by_zero;
    counted(
        Code::DivisionByZero,
        n,
        format!("{n} division{} by zero derived nothing", plural(n)),
        "a division by zero leaves that binding out; test the divisor first, e.g. `D != 0`",
        &state.division_rules,
        "this rule divided by zero",
    )
}

/// `warrant::never_holds` as a warning: comparisons between values of
/// different kinds met during evaluation (where `check` could not know the
/// types), and in which rules.
pub(super) fn mixed_kinds_warning(state: &State) -> Option<Diagnostic> {
    let n = state.mixed_comparisons;
    counted(
        Code::NeverHolds,
        n,
        format!(
            "{n} comparison{} between a text and a number never held",
            plural(n)
        ),
        "texts and numbers are never equal nor ordered; declare the column's type \
         (`pred p(x: int)`) so `check` can tell, or compare values of one kind",
        &state.mixed_rules,
        "this rule compared values of different kinds",
    )
}

/// A warning for what evaluation met `n` times (`None` where it met none),
/// with a label on each rule that met it.
fn counted(
    code: Code,
    n: usize,
    message: String,
    help: &str,
    rules: &[Span],
    label: &str,
) -> Option<Diagnostic> {
    if n == 0 {
        return None;
    }
    let d = Diagnostic::warning(code, message).with_help(help);
    Some(rules.iter().fold(d, |d, &r| d.with_label(r, label)))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `warrant::row_limit`, pointing at the rules that conclude the predicate
/// that grew.
pub(super) fn row_limit(
    program: &Program,
    options: &EvalOptions,
    state: &State,
    p: usize,
) -> Diagnostic {
    let pred = &program.preds[p];
    let rows = state.rels[p].len;
    let mut d = Diagnostic::error(
        Code::RowLimit,
        format!(
            "evaluation stopped: the model passed {} rows while `{}` grew to {} rows",
            options.max_rows, pred.name, rows
        ),
    )
    .with_help("raise the limit with --max-rows, or look for a rule that derives without bound");
    let rule_spans: Vec<_> = program
        .rules
        .iter()
        .filter(|r| r.heads.iter().any(|h| h.pred.0 as usize == p))
        .map(|r| r.span)
        .collect();
    if rule_spans.is_empty() {
        d = d.with_label(pred.first_seen, format!("`{}` is declared here", pred.name));
    } else {
        for s in rule_spans {
            d = d.with_label(s, format!("this rule concludes `{}`", pred.name));
        }
    }
    d
}

/// `warrant::timeout`: where evaluation was when the deadline passed (the
/// rule and its stratum, or the conflicts, matched after every stratum).
pub(super) fn timeout(program: &Program, rule: Option<Span>) -> Diagnostic {
    let rule = rule.and_then(|s| program.rules.iter().find(|r| r.span == s));
    let place = match rule {
        Some(r) => format!(
            "in stratum {} of {}, running rule `{}`",
            r.stratum + 1,
            program.strata.len().max(r.stratum + 1),
            r.name
        ),
        None => "while matching the conflicts".to_string(),
    };
    let mut d = Diagnostic::error(
        Code::Timeout,
        format!("evaluation stopped: the time limit passed {place}"),
    )
    .with_help(
        "an unfinished model is never printed; raise the limit with --timeout, or look for \
         a rule that derives more than expected (`--max-rows N` names the predicate that grows)",
    );
    if let Some(r) = rule {
        d = d.with_label(r.span, format!("`{}` was running", r.name));
    }
    d
}
