//! The IR invariants the engine relies on, checked before evaluation so
//! that a malformed program is a diagnostic rather than a panic.

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{self, Arg, Program};

use super::eval::TAG_BASE;

fn internal(message: String) -> Diagnostic {
    Diagnostic::error(Code::Internal, message)
        .with_help("this is a bug in Warrant's checker or engine; please report it")
}

/// Checks the IR invariants the engine relies on, so that a malformed
/// program is a diagnostic rather than a panic.
pub(super) fn validate(program: &Program, extra: &[ir::Fact]) -> Result<(), Diagnostic> {
    let npred = program.preds.len();
    let nval = program.values.len() as u32;
    let atom_ok = |a: &ir::Atom, nvars: usize, what: &str| -> Result<(), Diagnostic> {
        let Some(p) = program.preds.get(a.pred.0 as usize) else {
            return Err(internal(format!(
                "{what}: unknown predicate id {}",
                a.pred.0
            )));
        };
        if p.arity != a.args.len() {
            return Err(internal(format!(
                "{what}: `{}` has {} arguments, declared with {}",
                p.name,
                a.args.len(),
                p.arity
            )));
        }
        for arg in &a.args {
            match *arg {
                Arg::Var(v) if v as usize >= nvars => {
                    return Err(internal(format!("{what}: variable {v} out of range")));
                }
                Arg::Const(c) if c >= nval => {
                    return Err(internal(format!("{what}: value {c} out of range")));
                }
                _ => {}
            }
        }
        Ok(())
    };
    let body_ok = |b: &ir::Body, what: &str| -> Result<(), Diagnostic> {
        let n = b.vars.len();
        for a in b.atoms.iter().chain(&b.exceptions) {
            atom_ok(a, n, what)?;
        }
        for c in &b.comparisons {
            for arg in [c.lhs, c.rhs] {
                match arg {
                    Arg::Var(v) if v as usize >= n => {
                        return Err(internal(format!("{what}: variable {v} out of range")));
                    }
                    Arg::Const(k) if k >= nval => {
                        return Err(internal(format!("{what}: value {k} out of range")));
                    }
                    _ => {}
                }
            }
            if let ir::CompareKind::Scale(s) = c.kind
                && s.0 as usize >= program.scales.len()
            {
                return Err(internal(format!("{what}: scale {} out of range", s.0)));
            }
        }
        Ok(())
    };
    for r in &program.rules {
        let what = format!("rule `{}`", r.name);
        body_ok(&r.body, &what)?;
        for h in &r.heads {
            atom_ok(h, r.body.vars.len(), &what)?;
            if h.args.contains(&Arg::Wildcard) {
                return Err(internal(format!("{what}: a wildcard in a conclusion")));
            }
        }
    }
    for c in &program.conflicts {
        body_ok(&c.body, &format!("conflict `{}`", c.name))?;
    }
    for f in program.facts.iter().chain(extra) {
        let Some(p) = program.preds.get(f.pred.0 as usize) else {
            return Err(internal(format!(
                "a fact of unknown predicate id {}",
                f.pred.0
            )));
        };
        if p.arity != f.row.len() || f.row.iter().any(|&v| v >= nval) {
            return Err(internal(format!("a malformed fact of `{}`", p.name)));
        }
    }
    for i in &program.inputs {
        if i.pred.0 as usize >= npred {
            return Err(internal(format!(
                "an input of unknown predicate id {}",
                i.pred.0
            )));
        }
        if i.format == ir::InputFormat::Parquet {
            let name = &program.preds[i.pred.0 as usize].name;
            return Err(Diagnostic::error(
                Code::Input,
                format!(
                    "the rows of `{name}` are in Parquet ({}), which only DuckDB reads: \
                     the native engine cannot evaluate this program",
                    i.path.display()
                ),
            )
            .with_help("run it with `--engine duckdb`, or give `input` a CSV or TSV file"));
        }
    }
    if program.rules.len() >= TAG_BASE as usize / 64 {
        return Err(internal("too many rules".into()));
    }
    Ok(())
}
