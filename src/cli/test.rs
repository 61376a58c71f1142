//! `warrant test PATH...`: run every `test` block; one line per test, the
//! details of each failure, then `N passed, M failed`.

use std::fmt::Write as _;

use warrant::Program;
use warrant::engine::Model;
use warrant::ir::{Arg, Expect};
use warrant::testing::{self, Failure, Outcome};
use warrant::{explain, render};

use super::Paths;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    paths: Paths,
    /// Run only the tests whose names contain this text
    #[arg(long, value_name = "TEXT")]
    filter: Option<String>,
    /// List the rules that no test made fire
    #[arg(long)]
    coverage: bool,
    /// Stop evaluating once the command has run this long, e.g. 30s, 2m
    #[arg(long, value_name = "DURATION", value_parser = super::parse_duration)]
    timeout: Option<std::time::Duration>,
}

pub fn run(args: Args) -> u8 {
    let program = match super::load_program(&args.paths.paths) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let report = testing::run(
        &program,
        args.filter.as_deref(),
        super::deadline(args.timeout),
    );
    let mut out = String::new();
    for o in &report.outcomes {
        let name = &program.tests[o.test].name;
        if o.passed() {
            let _ = writeln!(out, "ok    {name}");
        } else {
            let _ = writeln!(out, "FAIL  {name}  ({})", o.location);
        }
    }
    let failed: Vec<&Outcome> = report.outcomes.iter().filter(|o| !o.passed()).collect();
    if !failed.is_empty() {
        out.push('\n');
        for o in &failed {
            describe_failure(&program, o, &mut out);
        }
    }
    if args.coverage {
        let uncovered = report.uncovered();
        let total = program.rules.len();
        let covered = total - uncovered.len();
        let _ = writeln!(
            out,
            "\ncoverage: {covered} of {total} rules fired in some test ({}%)",
            (covered * 100).checked_div(total).unwrap_or(100)
        );
        for r in uncovered {
            let rule = program.rule(r);
            let _ = writeln!(
                out,
                "  not fired: {}  ({})",
                rule.name,
                program.sources.location(rule.span)
            );
        }
    }
    if report.outcomes.is_empty() {
        let _ = writeln!(
            out,
            "no tests{}",
            match &args.filter {
                Some(f) => format!(" match \"{f}\""),
                None => " found".to_string(),
            }
        );
    }
    let _ = writeln!(
        out,
        "{} passed, {} failed",
        report.passed(),
        report.failed()
    );
    print!("{out}");
    if report.failed() > 0 {
        super::EXIT_FAILED
    } else {
        super::EXIT_OK
    }
}

fn describe_failure(program: &Program, o: &Outcome, out: &mut String) {
    let test = &program.tests[o.test];
    let _ = writeln!(out, "--- {} ({})", test.name, o.location);
    for e in &o.errors {
        let _ = writeln!(out, "  evaluation failed: {}", e.message);
    }
    let Some(model) = &o.model else { return };
    for f in &o.failures {
        if let Failure::Conflict {
            expect,
            negated,
            hits,
        } = f
        {
            let e = &test.conflicts[*expect];
            let at = program.sources.location(e.span);
            let name = &program.conflicts[e.conflict].name;
            let _ = if *negated {
                writeln!(
                    out,
                    "  {at}: expected `not conflict {name}`, but it holds ({} time{})",
                    hits.len(),
                    if hits.len() == 1 { "" } else { "s" }
                )
            } else {
                writeln!(
                    out,
                    "  {at}: expected `conflict {name}`, but it does not hold"
                )
            };
            continue;
        }
        let expect = &test.expects[f.expectation()];
        let at = program.sources.location(expect.span);
        let wanted = expectation(program, expect);
        let pred = expect.atom.pred;
        let row_text = |row| {
            model
                .row(pred, row)
                .map(|r| model.format_row(pred, r))
                .unwrap_or_default()
        };
        let _ = match f {
            Failure::Missing { .. } => {
                let _ = writeln!(out, "  {at}: expected {wanted}, but it was not derived");
                why_not(model, expect, out);
                Ok(())
            }
            Failure::TooUnlikely {
                row,
                got,
                wanted: w,
                ..
            } => {
                let _ = writeln!(
                    out,
                    "  {at}: expected {wanted}, but {} is only {got} (at least {w} was required)",
                    row_text(*row)
                );
                let reason = render::text::reason(&explain::reason(model, pred, *row));
                writeln!(out, "      {reason}")
            }
            Failure::WrongRule {
                row,
                got,
                wanted: w,
                ..
            } => writeln!(
                out,
                "  {at}: expected {wanted}, but the best derivation of {} is {} (not `{}`)",
                row_text(*row),
                match got {
                    Some(r) => format!("by rule `{}`", program.rule(*r).name),
                    None => "a stated fact".to_string(),
                },
                program.rule(*w).name
            )
            .and_then(|()| {
                let reason = render::text::reason(&explain::reason(model, pred, *row));
                writeln!(out, "      {reason}")
            }),
            Failure::Conflict { .. } => Ok(()),
            Failure::Unexpected { rows, .. } => {
                let shown: Vec<String> = rows.iter().take(5).map(|&r| row_text(r)).collect();
                let more = rows.len().saturating_sub(5);
                let _ = writeln!(
                    out,
                    "  {at}: expected {wanted}, but derived {}{}",
                    shown.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                );
                // The argument for the first unexpected conclusion.
                if let Some(proof) = rows.first().and_then(|&r| explain::explain(model, pred, r)) {
                    indent(&render::text::proof(&proof, false), out);
                }
                Ok(())
            }
        };
    }
    out.push('\n');
}

/// Why a ground expectation was not derived (patterns have no single
/// answer: the one-line failure says enough).
fn why_not(model: &Model, expect: &Expect, out: &mut String) {
    let program = model.program();
    let values: Option<Vec<warrant::ir::Value>> = expect
        .atom
        .args
        .iter()
        .map(|a| match *a {
            Arg::Const(c) => Some(program.values.get(c).clone()),
            Arg::Var(_) | Arg::Wildcard => None,
        })
        .collect();
    if let Some(values) = values {
        let report = explain::why_not_values(model, expect.atom.pred, &values);
        indent(&render::text::why_not(&report, false), out);
    }
}

/// Appends text indented under a failure line.
fn indent(text: &str, out: &mut String) {
    for line in text.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "      {line}");
        }
    }
}

/// An expectation as written: `not hedges(A) [likely] by allies_hedge`.
fn expectation(program: &Program, e: &Expect) -> String {
    let args: Vec<String> = e
        .atom
        .args
        .iter()
        .map(|a| match *a {
            Arg::Var(v) => e
                .vars
                .get(v as usize)
                .cloned()
                .unwrap_or_else(|| "_".into()),
            Arg::Const(c) => program.values.get(c).to_string(),
            Arg::Wildcard => "_".to_string(),
        })
        .collect();
    let mut s = format!(
        "{}{}({})",
        if e.negated { "not " } else { "" },
        program.pred(e.atom.pred).name,
        args.join(", ")
    );
    if let Some(l) = e.at_least {
        let _ = write!(s, " [{}]", l.word());
    }
    if let Some(r) = e.by_rule {
        let _ = write!(s, " by {}", program.rule(r).name);
    }
    format!("`{s}`")
}
