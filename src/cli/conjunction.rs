//! `warrant query PATH... 'war_risk(A, B, R), R >= high'`: a conjunction of
//! atoms, comparisons and arithmetic. It is checked and evaluated as the
//! body of a rule whose conclusion holds the query's named variables, so
//! that types, `=` binding and range restriction are exactly a rule's,
//! and an answer's likelihood is a rule's: the weakest matched atom's.

use std::path::PathBuf;

use warrant::diagnostics::{Code, Diagnostic};
use warrant::source::{FileId, Span};
use warrant::syntax::ast::{
    Atom, Condition, Expr, ExprKind, Item, Name, Param, PredDecl, Rule, Term,
};

/// The conclusion's predicate. A space cannot occur in a name written in a
/// file, so it never clashes with the program's predicates.
pub const ANSWER_PRED: &str = "query answer";

/// The rules with the query added as a rule concluding [`ANSWER_PRED`],
/// and the atom that asks for its answers; or the diagnostics of the
/// query (its parse errors, or what `check` finds in it), with the sources
/// they point into.
pub fn load(
    paths: &[PathBuf],
    root: Option<FileId>,
    text: &str,
) -> Result<(warrant::Program, Atom), (Vec<Diagnostic>, warrant::source::Sources)> {
    let mut parsed = warrant::syntax::load(paths);
    let file = parsed
        .sources
        .add(PathBuf::from("<query>"), text.to_string());
    let conditions = match warrant::syntax::parse_conjunction(file, text) {
        Ok(c) => c,
        Err(d) => {
            let d = negation(file, text).unwrap_or(d);
            return Err((vec![d], parsed.sources));
        }
    };
    let whole = Span::new(file, 0, text.len());
    let name = |text: &str, span| Name {
        text: text.to_string(),
        span,
    };
    let vars = named_vars(&conditions);
    let head = Atom {
        pred: name(ANSWER_PRED, whole),
        args: vars.iter().map(|v| Term::Var(v.clone())).collect(),
        span: whole,
    };
    let decl = PredDecl {
        name: name(ANSWER_PRED, whole),
        params: vars
            .iter()
            .map(|v| Param {
                name: v.clone(),
                ty: None,
                span: v.span,
            })
            .collect(),
        doc: None,
        span: whole,
    };
    let rule = Rule {
        name: name("query", whole),
        when: conditions,
        unless: Vec::new(),
        then: vec![head.clone()],
        qualifier: None,
        because: None,
        cites: Vec::new(),
        span: whole,
        query: true,
    };
    // The query belongs to the world being asked about: its root file.
    let home = root.or_else(|| parsed.given.first().copied());
    let Some(module) = home.and_then(|f| parsed.modules.get_mut(f.0 as usize)) else {
        return Err((Vec::new(), parsed.sources));
    };
    module.items.push(Item::Pred(decl));
    module.items.push(Item::Rule(rule));
    let (program, diagnostics) = warrant::check_parsed(&parsed);
    // The files' own diagnostics were shown when they were loaded alone.
    let own: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|d| d.primary_span().is_some_and(|s| s.file == file))
        .collect();
    match program {
        Some(p) if !own.iter().any(Diagnostic::is_error) => Ok((p, head)),
        _ => Err((own, parsed.sources)),
    }
}

/// The query's variables that make columns, in order of first appearance:
/// those not starting with `_`, outside aggregates (whose variables are
/// their own).
fn named_vars(conditions: &[Condition]) -> Vec<Name> {
    let mut vars: Vec<Name> = Vec::new();
    let mut terms: Vec<&Term> = Vec::new();
    for c in conditions {
        match c {
            Condition::Atom(a) => terms.extend(a.args.iter()),
            Condition::Compare(cmp) => terms.extend([&cmp.lhs, &cmp.rhs]),
        }
    }
    for t in terms {
        collect(t, &mut vars);
    }
    vars
}

fn collect(term: &Term, vars: &mut Vec<Name>) {
    match term {
        Term::Var(v) if !v.text.starts_with('_') && !vars.iter().any(|w| w.text == v.text) => {
            vars.push(v.clone());
        }
        Term::Expr(e) => collect_expr(e, vars),
        _ => {}
    }
}

fn collect_expr(e: &Expr, vars: &mut Vec<Name>) {
    match &e.kind {
        ExprKind::Neg(t) => collect(t, vars),
        ExprKind::Binary(_, a, b) => {
            collect(a, vars);
            collect(b, vars);
        }
        ExprKind::Call(_, args) => args.iter().for_each(|t| collect(t, vars)),
        ExprKind::Aggregate(_) => {}
    }
}

/// A condition that starts with `not` or `unless`: conditions have no
/// negation (a rule negates in its own `unless` clause), so this says so
/// instead of a bare parse error.
fn negation(file: FileId, text: &str) -> Option<Diagnostic> {
    let mut start = 0;
    for part in text.split(',') {
        let blanks = part.len() - part.trim_start().len();
        let word = part
            .trim_start()
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .next();
        if let Some(word @ ("not" | "unless")) = word {
            let at = start + blanks;
            return Some(
                Diagnostic::error(
                    Code::NegatedQuery,
                    format!("a query cannot negate a condition with `{word}`"),
                )
                .with_label(Span::new(file, at, at + word.len()), "negation here")
                .with_help(
                    "write the conditions as a rule with an `unless` clause, then query its conclusion",
                ),
            );
        }
        start += part.len() + 1;
    }
    None
}
