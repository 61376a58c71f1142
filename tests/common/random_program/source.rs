//! A generated program as Warrant source text: nested operations in
//! parentheses, likelihoods as probabilities.

use warrant::ir::{AggregateOp, ArithOp, CompareOp, Value};

use super::{Agg, AtomT, Cond, Ex, PredT, RandomProgram, Term, Test};

fn likelihood_text(units: u16) -> String {
    format!("{}", units as f64 / 10_000.0)
}

fn term_text(t: &Term) -> String {
    match t {
        Term::Var(v) => v.clone(),
        Term::Const(c) => c.to_string(),
        Term::Wild => "_".into(),
    }
}

fn op_text(op: ArithOp) -> &'static str {
    match op {
        ArithOp::Add => "+",
        ArithOp::Sub => "-",
        ArithOp::Mul => "*",
        ArithOp::Div => "/",
        ArithOp::Rem => "%",
    }
}

fn compare_text(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Eq => "=",
        CompareOp::Ne => "!=",
        CompareOp::Lt => "<",
        CompareOp::Le => "<=",
        CompareOp::Gt => ">",
        CompareOp::Ge => ">=",
        CompareOp::Contains => "contains",
    }
}

/// Nested binary operations in parentheses, whatever the precedence.
fn ex_text(e: &Ex) -> String {
    let inner = |e: &Ex| match e {
        Ex::Bin(..) => format!("({})", ex_text(e)),
        _ => ex_text(e),
    };
    match e {
        Ex::Term(t) => term_text(t),
        Ex::Neg(x) => format!("-{}", inner(x)),
        Ex::Bin(op, a, b) => format!("{} {} {}", inner(a), op_text(*op), inner(b)),
        Ex::Call(f, args) => format!(
            "{}({})",
            f.name(),
            args.iter().map(ex_text).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn atom_text(preds: &[PredT], a: &AtomT) -> String {
    let args: Vec<String> = a.args.iter().map(term_text).collect();
    format!("{}({})", preds[a.pred].name, args.join(", "))
}

fn aggregate_text(preds: &[PredT], a: &Agg) -> String {
    let keyword = match a.op {
        AggregateOp::Count => "count",
        AggregateOp::Sum => "sum",
        AggregateOp::Min => "min",
        AggregateOp::Max => "max",
    };
    let mut body: Vec<String> = a.atoms.iter().map(|x| atom_text(preds, x)).collect();
    body.extend(a.tests.iter().map(test_text));
    let mut s = match &a.target {
        Some(t) => format!("{keyword} {t} {{ {} }}", body.join(", ")),
        None => format!("{keyword} {{ {} }}", body.join(", ")),
    };
    if let Some(f) = a.floor {
        s.push_str(&format!(" [{}]", likelihood_text(f)));
    }
    s
}

fn test_text(t: &Test) -> String {
    if t.op == CompareOp::Contains {
        return format!("contains({}, {})", ex_text(&t.lhs), ex_text(&t.rhs));
    }
    format!(
        "{} {} {}",
        ex_text(&t.lhs),
        compare_text(t.op),
        ex_text(&t.rhs)
    )
}

pub(super) fn source(p: &RandomProgram) -> String {
    let mut s = String::new();
    for (pred, row, lik) in &p.facts {
        let args: Vec<String> = row.iter().map(Value::to_string).collect();
        s.push_str(&format!("{}({})", p.preds[*pred].name, args.join(", ")));
        if *lik < 10_000 {
            s.push_str(&format!(" [{}]", likelihood_text(*lik)));
        }
        s.push_str(".\n");
    }
    for r in &p.rules {
        let mut when = Vec::new();
        let mut unless = Vec::new();
        for c in &r.conds {
            match c {
                Cond::Atom(a) => when.push(atom_text(&p.preds, a)),
                Cond::Assign(v, e) => when.push(format!("{v} = {}", ex_text(e))),
                Cond::Aggregate(v, a) => {
                    when.push(format!("{v} = {}", aggregate_text(&p.preds, a)))
                }
                Cond::AggregateTest(a, op, e) => when.push(format!(
                    "{} {} {}",
                    aggregate_text(&p.preds, a),
                    compare_text(*op),
                    ex_text(e)
                )),
                Cond::Test(t) => when.push(test_text(t)),
                Cond::Unless(a) => unless.push(atom_text(&p.preds, a)),
            }
        }
        s.push_str(&format!("rule {}\n  when {}\n", r.name, when.join(", ")));
        if !unless.is_empty() {
            s.push_str(&format!("  unless {}\n", unless.join(", ")));
        }
        let heads: Vec<String> = r
            .heads
            .iter()
            .map(|(pred, args)| {
                let args: Vec<String> = args.iter().map(ex_text).collect();
                format!("{}({})", p.preds[*pred].name, args.join(", "))
            })
            .collect();
        s.push_str(&format!("  then {}", heads.join(", ")));
        if r.likelihood < 10_000 {
            s.push_str(&format!(" [{}]", likelihood_text(r.likelihood)));
        }
        s.push_str(".\n");
    }
    s
}
