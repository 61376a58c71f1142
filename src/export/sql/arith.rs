//! Arithmetic and the built-in functions in SQL, as `crate::arith`
//! computes them: macros over `wv` values dispatching on the kinds.
//!
//! Two integers give an integer, computed in `HUGEINT` and kept when it
//! fits in 64 bits; `/` truncates toward zero and `%` takes the dividend's
//! sign, as DuckDB's `//` and `%` do. A decimal with a number gives a
//! decimal, kept when it is finite. Every failure is NULL: an overflow, a
//! division by zero, an operand of the wrong kind — that binding derives
//! nothing. Whether an overflow stops evaluation is the guard's to decide
//! ([`super::guard`]): compiled for it, each operation also says whether it
//! overflowed or read a value that did (`o`, the value then NULL). `lower`
//! and `upper` of a text that is not ASCII stop the script (`warrant cannot
//! compute`): DuckDB's case mapping of other characters is not Rust's.

use crate::ir::{ArithOp, Expr, Function, Program};

use super::rule::{BodySql, Mode, arg, poison};

/// The macros of arithmetic (after the value macros).
pub const PRELUDE: &str = "\
-- Arithmetic: integers in HUGEINT kept when they fit in BIGINT, decimals in
-- DOUBLE kept when finite; NULL (an overflow, a division by zero, a wrong
-- kind) derives nothing.
-- A SQL value as a `wv`, NULL staying NULL (a cast of NULL to a union is
-- not NULL: it is a member that is NULL).
CREATE MACRO w_of(x) AS CASE WHEN x IS NOT NULL THEN CAST(x AS wv) END;
CREATE MACRO w_num(x) AS CASE union_tag(x) WHEN 'i' THEN CAST(union_extract(x, 'i') AS DOUBLE)
  WHEN 'd' THEN union_extract(x, 'd') END;
CREATE MACRO w_big(x) AS CAST(union_extract(x, 'i') AS HUGEINT);
CREATE MACRO w_ints(a, b) AS union_tag(a) = 'i' AND union_tag(b) = 'i';
CREATE MACRO w_nums(a, b) AS union_tag(a) IN ('i', 'd') AND union_tag(b) IN ('i', 'd');
CREATE MACRO w_int(h) AS CASE WHEN h BETWEEN -9223372036854775808 AND 9223372036854775807
  THEN CAST(CAST(h AS BIGINT) AS wv) END;
CREATE MACRO w_dec(r) AS CASE WHEN isfinite(r) THEN CAST(CASE WHEN r = 0 THEN 0.0 ELSE r END AS wv) END;
CREATE MACRO w_add(a, b) AS CASE WHEN w_ints(a, b) THEN w_int(w_big(a) + w_big(b))
  WHEN w_nums(a, b) THEN w_dec(w_num(a) + w_num(b)) END;
CREATE MACRO w_sub(a, b) AS CASE WHEN w_ints(a, b) THEN w_int(w_big(a) - w_big(b))
  WHEN w_nums(a, b) THEN w_dec(w_num(a) - w_num(b)) END;
CREATE MACRO w_mul(a, b) AS CASE WHEN w_ints(a, b) THEN w_int(w_big(a) * w_big(b))
  WHEN w_nums(a, b) THEN w_dec(w_num(a) * w_num(b)) END;
CREATE MACRO w_div(a, b) AS CASE
  WHEN w_ints(a, b) AND union_extract(b, 'i') <> 0 THEN w_int(w_big(a) // w_big(b))
  WHEN w_ints(a, b) THEN NULL
  WHEN w_nums(a, b) AND w_num(b) <> 0 THEN w_dec(w_num(a) / w_num(b)) END;
-- The least integer % -1 overflows, as Rust's checked remainder says.
CREATE MACRO w_rem(a, b) AS CASE
  WHEN w_ints(a, b) AND union_extract(b, 'i') = -1 AND union_extract(a, 'i') = -9223372036854775808 THEN NULL
  WHEN w_ints(a, b) AND union_extract(b, 'i') <> 0 THEN CAST(union_extract(a, 'i') % union_extract(b, 'i') AS wv) END;
CREATE MACRO w_neg(a) AS CASE union_tag(a) WHEN 'i' THEN w_int(-w_big(a))
  WHEN 'd' THEN w_dec(-union_extract(a, 'd')) END;
CREATE MACRO w_abs(a) AS CASE union_tag(a) WHEN 'i' THEN w_int(abs(w_big(a)))
  WHEN 'd' THEN w_dec(abs(union_extract(a, 'd'))) END;
CREATE MACRO w_least(a, b) AS CASE WHEN w_order(a, b) > 0 THEN b WHEN w_order(a, b) IS NOT NULL THEN a END;
CREATE MACRO w_greatest(a, b) AS CASE WHEN w_order(a, b) < 0 THEN b WHEN w_order(a, b) IS NOT NULL THEN a END;
CREATE MACRO w_len(a) AS CASE union_tag(a) WHEN 't' THEN CAST(CAST(length(union_extract(a, 't')) AS BIGINT) AS wv) END;
CREATE MACRO w_concat(a, b) AS CASE WHEN union_tag(a) = 't' AND union_tag(b) = 't'
  THEN CAST(union_extract(a, 't') || union_extract(b, 't') AS wv) END;
CREATE MACRO w_ascii(a) AS CASE union_tag(a) WHEN 't' THEN CASE
  WHEN regexp_full_match(union_extract(a, 't'), '[\\x00-\\x7F]*') THEN union_extract(a, 't')
  ELSE error('warrant cannot compute: the case of a text that is not ASCII') END END;
CREATE MACRO w_lower(a) AS w_of(lower(w_ascii(a)));
CREATE MACRO w_upper(a) AS w_of(upper(w_ascii(a)));
-- For the overflow guards: an operation that takes its operands and gives
-- nothing overflowed; a value as the engine shows it in a computation (an
-- operand: a negative one in parentheses; `?` when there is none).
CREATE MACRO w_overflowed(takes, v) AS coalesce(takes AND v IS NULL, false);
CREATE MACRO w_text(x) AS CASE union_tag(x) WHEN 'i' THEN CAST(union_extract(x, 'i') AS VARCHAR)
  WHEN 'd' THEN CASE WHEN union_extract(x, 'd') = floor(union_extract(x, 'd')) AND abs(union_extract(x, 'd')) < 1e16
                     THEN printf('%.1f', union_extract(x, 'd')) ELSE CAST(union_extract(x, 'd') AS VARCHAR) END
  WHEN 't' THEN '\"' || union_extract(x, 't') || '\"' END;
CREATE MACRO w_shown(x) AS coalesce(w_text(x), '?');
CREATE MACRO w_operand(x) AS coalesce(CASE WHEN starts_with(w_text(x), '-') THEN '(' || w_text(x) || ')'
  ELSE w_text(x) END, '?');
";

/// A computed value: its expression (a `wv`, NULL when it derives
/// nothing) and, compiled for the guard, the expression saying whether it
/// overflowed (itself or a value it reads); `None` when it cannot.
pub struct Computed {
    pub value: String,
    pub poison: Option<String>,
}

/// An expression over the body's bindings: each operation is computed
/// once, in a `LATERAL (SELECT … AS v)` pushed on `out.from` (aliased
/// `alias_0`, `alias_1`, …), so that macros repeating their arguments never
/// repeat a whole expression. For the guard each operation also has its
/// `o`, and a condition that it did not fail otherwise (NULL without `o`).
pub fn expr(program: &Program, out: &mut BodySql, e: &Expr, alias: &str) -> Computed {
    let mut n = 0;
    node(program, out, e, alias, &mut n)
}

fn node(program: &Program, out: &mut BodySql, e: &Expr, alias: &str, n: &mut usize) -> Computed {
    // The call, and when it may overflow, the condition that it takes its
    // operands (so that a NULL result is an overflow).
    let mut reads: Vec<Computed> = Vec::new();
    let (call, takes) = match e {
        Expr::Arg(a) => {
            return Computed {
                value: arg(program, &out.vars, *a),
                poison: poison(out, *a),
            };
        }
        Expr::Neg(x) => {
            let x = node(program, out, x, alias, n);
            let call = format!("w_neg({})", x.value);
            let takes = format!("union_tag({}) IN ('i', 'd')", x.value);
            reads.push(x);
            (call, Some(takes))
        }
        Expr::Binary(op, a, b) => {
            let a = node(program, out, a, alias, n);
            let b = node(program, out, b, alias, n);
            let (va, vb) = (&a.value, &b.value);
            let (name, takes) = match op {
                ArithOp::Add => ("w_add", format!("w_nums({va}, {vb})")),
                ArithOp::Sub => ("w_sub", format!("w_nums({va}, {vb})")),
                ArithOp::Mul => ("w_mul", format!("w_nums({va}, {vb})")),
                ArithOp::Div => ("w_div", format!("w_nums({va}, {vb}) AND w_num({vb}) <> 0")),
                ArithOp::Rem => (
                    "w_rem",
                    format!("w_ints({va}, {vb}) AND union_extract({vb}, 'i') <> 0"),
                ),
            };
            let call = format!("{name}({va}, {vb})");
            reads.push(a);
            reads.push(b);
            (call, Some(takes))
        }
        Expr::Call(f, args) => {
            let name = match f {
                Function::Min => "w_least",
                Function::Max => "w_greatest",
                Function::Abs => "w_abs",
                Function::Len => "w_len",
                Function::Concat => "w_concat",
                Function::Lower => "w_lower",
                Function::Upper => "w_upper",
            };
            reads = args
                .iter()
                .map(|a| node(program, out, a, alias, n))
                .collect();
            let values: Vec<&str> = reads.iter().map(|r| r.value.as_str()).collect();
            let call = format!("{name}({})", values.join(", "));
            let takes =
                (*f == Function::Abs).then(|| format!("union_tag({}) IN ('i', 'd')", values[0]));
            (call, takes)
        }
    };
    let name = format!("{alias}_{n}");
    *n += 1;
    let value = format!("{name}.v");
    if out.mode == Mode::Rule {
        out.from
            .push(format!("LATERAL (SELECT {call} AS v) AS {name}"));
        return Computed {
            value,
            poison: None,
        };
    }
    let mut flags: Vec<String> = reads.into_iter().filter_map(|r| r.poison).collect();
    if let Some(t) = takes {
        flags.push(format!("w_overflowed({t}, {call})"));
    }
    if flags.is_empty() {
        out.from
            .push(format!("LATERAL (SELECT {call} AS v) AS {name}"));
        out.filters.push(format!("{value} IS NOT NULL"));
        return Computed {
            value,
            poison: None,
        };
    }
    // An operation reading an overflowed value is not computed: NULL, `o`.
    out.from.push(format!(
        "LATERAL (SELECT {call} AS v, {} AS o) AS {name}",
        flags.join(" OR ")
    ));
    out.filters
        .push(format!("({value} IS NOT NULL OR {name}.o)"));
    Computed {
        value,
        poison: Some(format!("{name}.o")),
    }
}

/// The expression as the engine shows a computation, with the values of
/// its arguments (`4611686018427387904 * 2`), as a SQL text expression:
/// parenthesised as `crate::arith::display` does, `?` for a value that is
/// not there.
pub fn shown(program: &Program, out: &BodySql, e: &Expr) -> String {
    fn go(program: &Program, out: &BodySql, e: &Expr, outer: u8) -> String {
        match e {
            Expr::Arg(crate::ir::Arg::Const(c)) => {
                let text = program.values.get(*c).to_string();
                let text = if outer > 0 && text.starts_with('-') {
                    format!("({text})")
                } else {
                    text
                };
                super::values::string(&text)
            }
            Expr::Arg(a) => {
                let v = arg(program, &out.vars, *a);
                if outer > 0 {
                    format!("w_operand({v})")
                } else {
                    format!("w_shown({v})")
                }
            }
            Expr::Neg(x) => format!("'-' || {}", go(program, out, x, 3)),
            Expr::Binary(op, a, b) => {
                let p = op.precedence();
                let text = format!(
                    "{} || ' {} ' || {}",
                    go(program, out, a, p),
                    op.symbol(),
                    go(program, out, b, p + 1)
                );
                if p < outer {
                    format!("'(' || {text} || ')'")
                } else {
                    text
                }
            }
            Expr::Call(f, args) => {
                let args: Vec<String> = args.iter().map(|a| go(program, out, a, 0)).collect();
                format!("'{}(' || {} || ')'", f.name(), args.join(" || ', ' || "))
            }
        }
    }
    go(program, out, e, 0)
}
