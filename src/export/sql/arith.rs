//! Arithmetic and the built-in functions in SQL, as `crate::arith`
//! computes them: macros over `wv` values dispatching on the kinds.
//!
//! Two integers give an integer computed in `BIGINT`, whose overflow DuckDB
//! reports as an error (the engine's `warrant::overflow`); `/` truncates
//! toward zero and `%` takes the dividend's sign, as DuckDB's `//` and `%`
//! do. A decimal with a number gives a decimal; a result that is not
//! finite stops the script as an overflow. A division by zero or an
//! operand of the wrong kind is NULL: that binding derives nothing (the
//! engine's count of divisions by zero is not kept). `lower` and `upper`
//! of a text that is not ASCII stop the script (`warrant cannot compute`):
//! DuckDB's case mapping of other characters is not Rust's.

use crate::ir::{ArithOp, Expr, Function, Program};

use super::rule::arg;

/// The macros of arithmetic (after the value macros).
pub const PRELUDE: &str = "\
-- Arithmetic: integers in BIGINT (DuckDB stops on overflow), decimals in
-- DOUBLE (a result that is not finite stops too); NULL derives nothing.
-- A SQL value as a `wv`, NULL staying NULL (a cast of NULL to a union is
-- not NULL: it is a member that is NULL).
CREATE MACRO w_of(x) AS CASE WHEN x IS NOT NULL THEN CAST(x AS wv) END;
CREATE MACRO w_num(x) AS CASE union_tag(x) WHEN 'i' THEN CAST(union_extract(x, 'i') AS DOUBLE)
  WHEN 'd' THEN union_extract(x, 'd') END;
CREATE MACRO w_ints(a, b) AS union_tag(a) = 'i' AND union_tag(b) = 'i';
CREATE MACRO w_nums(a, b) AS union_tag(a) IN ('i', 'd') AND union_tag(b) IN ('i', 'd');
CREATE MACRO w_dec(r) AS CASE WHEN isfinite(r) THEN CAST(CASE WHEN r = 0 THEN 0.0 ELSE r END AS wv)
  WHEN r IS NOT NULL THEN error('warrant overflow: a decimal result is not finite') END;
CREATE MACRO w_add(a, b) AS CASE WHEN w_ints(a, b) THEN CAST(union_extract(a, 'i') + union_extract(b, 'i') AS wv)
  WHEN w_nums(a, b) THEN w_dec(w_num(a) + w_num(b)) END;
CREATE MACRO w_sub(a, b) AS CASE WHEN w_ints(a, b) THEN CAST(union_extract(a, 'i') - union_extract(b, 'i') AS wv)
  WHEN w_nums(a, b) THEN w_dec(w_num(a) - w_num(b)) END;
CREATE MACRO w_mul(a, b) AS CASE WHEN w_ints(a, b) THEN CAST(union_extract(a, 'i') * union_extract(b, 'i') AS wv)
  WHEN w_nums(a, b) THEN w_dec(w_num(a) * w_num(b)) END;
CREATE MACRO w_div(a, b) AS CASE
  WHEN w_ints(a, b) AND union_extract(b, 'i') <> 0 THEN CAST(union_extract(a, 'i') // union_extract(b, 'i') AS wv)
  WHEN w_ints(a, b) THEN NULL
  WHEN w_nums(a, b) AND w_num(b) <> 0 THEN w_dec(w_num(a) / w_num(b)) END;
CREATE MACRO w_rem(a, b) AS CASE
  WHEN w_ints(a, b) AND union_extract(b, 'i') <> 0 THEN CAST(union_extract(a, 'i') % union_extract(b, 'i') AS wv) END;
CREATE MACRO w_neg(a) AS CASE union_tag(a) WHEN 'i' THEN CAST(-union_extract(a, 'i') AS wv)
  WHEN 'd' THEN w_dec(-union_extract(a, 'd')) END;
CREATE MACRO w_abs(a) AS CASE union_tag(a) WHEN 'i' THEN CAST(abs(union_extract(a, 'i')) AS wv)
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
";

/// An expression over the bindings `vars`: each operation is computed
/// once, in a `LATERAL (SELECT … AS v)` pushed on `from` (aliased
/// `alias_0`, `alias_1`, …, each also listed in `nodes`), so that macros
/// repeating their arguments never repeat a whole expression. Returns the
/// expression of the result, a `wv` that is NULL when it derives nothing.
pub fn expr(
    program: &Program,
    vars: &[Option<String>],
    e: &Expr,
    alias: &str,
    from: &mut Vec<String>,
    nodes: &mut Vec<String>,
) -> String {
    let start = from.len();
    let mut n = 0;
    let result = node(program, vars, e, alias, &mut n, from);
    nodes.extend((0..from.len() - start).map(|i| format!("{alias}_{i}.v")));
    result
}

fn node(
    program: &Program,
    vars: &[Option<String>],
    e: &Expr,
    alias: &str,
    n: &mut usize,
    from: &mut Vec<String>,
) -> String {
    let call = match e {
        Expr::Arg(a) => return arg(program, vars, *a),
        Expr::Neg(x) => format!("w_neg({})", node(program, vars, x, alias, n, from)),
        Expr::Binary(op, a, b) => {
            let name = match op {
                ArithOp::Add => "w_add",
                ArithOp::Sub => "w_sub",
                ArithOp::Mul => "w_mul",
                ArithOp::Div => "w_div",
                ArithOp::Rem => "w_rem",
            };
            let a = node(program, vars, a, alias, n, from);
            let b = node(program, vars, b, alias, n, from);
            format!("{name}({a}, {b})")
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
            let args: Vec<String> = args
                .iter()
                .map(|a| node(program, vars, a, alias, n, from))
                .collect();
            format!("{name}({})", args.join(", "))
        }
    };
    let name = format!("{alias}_{n}");
    *n += 1;
    from.push(format!("LATERAL (SELECT {call} AS v) AS {name}"));
    format!("{name}.v")
}
