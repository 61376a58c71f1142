//! Names, quoting and the value representation of the SQL script.
//!
//! A Warrant value is one SQL type, `wv`, a DuckDB union of an integer, a
//! decimal and a text: joins compare values by identity as the engine does
//! (`1` and `1.0` are different values to a join), and the macro
//! `w_order` compares them as `ir::order` does.

use crate::ir::{Value, ValueId, Values};

/// The SQL prelude: the value type and the comparison macros.
pub const PRELUDE: &str = "\
-- A value: an integer, a decimal or a text. Equality is identity (1 <> 1.0).
CREATE TYPE wv AS UNION(i BIGINT, d DOUBLE, t VARCHAR);

-- The order of two values (-1, 0, 1), or NULL when they are not ordered:
-- numbers by value (an integer against a decimal exactly), texts by their
-- characters, values of different kinds never.
CREATE MACRO w_int_dec(i, d) AS
  CASE WHEN isnan(d) THEN NULL
       WHEN d >= 1.8e19 THEN -1
       WHEN d <= -1.8e19 THEN 1
       WHEN CAST(i AS HUGEINT) < CAST(floor(d) AS HUGEINT) THEN -1
       WHEN CAST(i AS HUGEINT) > CAST(floor(d) AS HUGEINT) THEN 1
       WHEN d > floor(d) THEN -1
       ELSE 0 END;
CREATE MACRO w_sign(a, b) AS CASE WHEN a < b THEN -1 WHEN a > b THEN 1 WHEN a = b THEN 0 END;
CREATE MACRO w_order(a, b) AS
  CASE union_tag(a) || union_tag(b)
    WHEN 'ii' THEN w_sign(union_extract(a, 'i'), union_extract(b, 'i'))
    WHEN 'dd' THEN CASE WHEN isnan(union_extract(a, 'd')) OR isnan(union_extract(b, 'd')) THEN NULL
                        ELSE w_sign(union_extract(a, 'd'), union_extract(b, 'd')) END
    WHEN 'id' THEN w_int_dec(union_extract(a, 'i'), union_extract(b, 'd'))
    WHEN 'di' THEN -w_int_dec(union_extract(b, 'i'), union_extract(a, 'd'))
    WHEN 'tt' THEN w_sign(union_extract(a, 't'), union_extract(b, 't'))
  END;
-- A value as `tag:text`, for reading results back.
CREATE MACRO w_show(x) AS union_tag(x) || ':' || CAST(x AS VARCHAR);
";

/// A name as a quoted SQL identifier.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A text as a SQL string literal.
pub fn string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A value as a `wv` literal.
pub fn literal(values: &Values, id: ValueId) -> String {
    match values.get(id) {
        Value::Int(i) => format!("CAST({} AS wv)", bigint(*i)),
        Value::Dec(d) if d.is_finite() => format!("CAST({d:?}::DOUBLE AS wv)"),
        Value::Dec(d) => format!("CAST('{d:?}'::DOUBLE AS wv)"),
        Value::Text(s) => format!("CAST({}::VARCHAR AS wv)", string(s)),
    }
}

/// An integer as a `BIGINT` literal; a negative one in parentheses (`-x::BIGINT`
/// casts `x` first, and 9223372036854775808 is no `BIGINT`).
fn bigint(i: i64) -> String {
    if i < 0 {
        format!("({i})::BIGINT")
    } else {
        format!("{i}::BIGINT")
    }
}

/// Whether the `wv` expression `expr` is the value `id` (by tag and
/// member, which needs no cast of `expr`).
pub fn is_value(values: &Values, expr: &str, id: ValueId) -> String {
    let (tag, member) = match values.get(id) {
        Value::Int(i) => ("i", bigint(*i)),
        Value::Dec(d) if d.is_finite() => ("d", format!("{d:?}::DOUBLE")),
        Value::Dec(d) => ("d", format!("'{d:?}'::DOUBLE")),
        Value::Text(s) => ("t", string(s)),
    };
    format!("(union_tag({expr}) = '{tag}' AND union_extract({expr}, '{tag}') = {member})")
}

/// Reads back a value printed by `w_show`.
pub fn parse_shown(shown: &str) -> Option<Value> {
    let (tag, text) = shown.split_once(':')?;
    match tag {
        "i" => text.parse().ok().map(Value::Int),
        "d" => text.parse().ok().map(Value::Dec),
        "t" => Some(Value::Text(text.into())),
        _ => None,
    }
}

/// The column name of argument `i`.
pub fn column(i: usize) -> String {
    format!("c{i}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_double_their_delimiters() {
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(string("it's"), "'it''s'");
    }

    #[test]
    fn shown_values_read_back_by_kind() {
        assert_eq!(parse_shown("i:12"), Some(Value::Int(12)));
        assert_eq!(parse_shown("d:1.5"), Some(Value::Dec(1.5)));
        assert_eq!(parse_shown("t:a:b"), Some(Value::Text("a:b".into())));
        assert_eq!(parse_shown("x"), None);
    }
}
