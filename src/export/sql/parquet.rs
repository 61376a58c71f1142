//! Inputs read from Parquet (`--input-parquet PRED=PATH`): DuckDB's
//! `read_parquet` over a path or glob, each column read as `check` reads a
//! CSV field of the same text, so that a Parquet copy of a CSV file gives
//! the same rows.
//!
//! Warrant reads nothing of the files: the script itself checks them.
//! First a guard reads the schema (`DESCRIBE`) and stops the script
//! (`warrant input: …`) when a parameter has no column of its name (or
//! several), or a column whose type cannot hold the parameter's (a
//! `DOUBLE` for an `int`, a list, a struct, a blob). Then each value is
//! converted by its parameter's type:
//!
//! - a string is the field itself, as in a CSV file (a `NULL` is an empty
//!   cell: the empty text in a `text` column, else the row is left out);
//! - an integer is its digits (so an untyped column holds an integer, a
//!   `text` column the digits as text);
//! - a float or `DECIMAL` is a decimal (in untyped, `decimal` and `number`
//!   columns; its printed form in a `text` column);
//! - a date, time, boolean … is its printed form, a text.
//!
//! A value its column's type cannot read (`abc` for an `int`, a text
//! outside a scale) stops the script, as it stops `check` in a CSV file.

use crate::ir::{ColumnType, Input, Predicate, Program, Value};

use super::values::{column, string};

/// Macros of the Parquet readers (after the CSV field readers, which they
/// use). `x` is a column of any type; `what` names it in messages.
pub const READERS: &str = "\
CREATE MACRO w_header_key(c) AS trim(regexp_replace(lower(c), '[^\\p{L}\\p{N}]+', '_', 'g'), '_');
CREATE MACRO w_parquet_integer_type(t) AS t IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT',
  'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT');
CREATE MACRO w_parquet_float_type(t) AS t IN ('FLOAT', 'DOUBLE') OR t LIKE 'DECIMAL(%';
CREATE MACRO w_parquet_readable(t, kind) AS CASE
  WHEN t = 'BLOB' OR t LIKE '%]' OR t LIKE 'STRUCT%' OR t LIKE 'MAP%' OR t LIKE 'UNION%' THEN false
  WHEN kind = 'int' THEN w_parquet_integer_type(t) OR t = 'VARCHAR'
  WHEN kind IN ('decimal', 'number') THEN w_parquet_integer_type(t) OR w_parquet_float_type(t) OR t = 'VARCHAR'
  ELSE true END;
CREATE MACRO w_parquet_field(x) AS coalesce(CAST(x AS VARCHAR), '');
CREATE MACRO w_parquet_filled(x) AS x IS NOT NULL AND (typeof(x) <> 'VARCHAR' OR CAST(x AS VARCHAR) <> '');
CREATE MACRO w_parquet_bigint(x) AS CASE WHEN w_parquet_integer_type(typeof(x)) THEN TRY_CAST(x AS BIGINT) END;
CREATE MACRO w_parquet_float(x, what) AS CASE
  WHEN isfinite(TRY_CAST(w_parquet_field(x) AS DOUBLE))
    THEN CAST(TRY_CAST(w_parquet_field(x) AS DOUBLE) AS wv)
  ELSE error(what || ': \"' || w_parquet_field(x) || '\" is not a finite number') END;
CREATE MACRO w_parquet_int(x, what) AS CASE
  WHEN w_parquet_bigint(x) IS NOT NULL THEN CAST(w_parquet_bigint(x) AS wv)
  WHEN regexp_full_match(w_parquet_field(x), '-?[0-9]+') AND TRY_CAST(w_parquet_field(x) AS BIGINT) IS NOT NULL
    THEN CAST(TRY_CAST(w_parquet_field(x) AS BIGINT) AS wv)
  ELSE error(what || ': \"' || w_parquet_field(x) || '\" is not an integer') END;
CREATE MACRO w_parquet_number(x, what) AS CASE
  WHEN w_parquet_float_type(typeof(x)) THEN w_parquet_float(x, what)
  WHEN w_parquet_bigint(x) IS NOT NULL THEN CAST(w_parquet_bigint(x) AS wv)
  WHEN regexp_full_match(w_parquet_field(x), '-?[0-9]+') AND TRY_CAST(w_parquet_field(x) AS BIGINT) IS NOT NULL
    THEN CAST(TRY_CAST(w_parquet_field(x) AS BIGINT) AS wv)
  WHEN regexp_full_match(w_parquet_field(x), '-?[0-9]+[.][0-9]+') THEN w_parquet_float(x, what)
  ELSE error(what || ': \"' || w_parquet_field(x) || '\" is not a number') END;
CREATE MACRO w_parquet_decimal(x, what) AS CASE
  WHEN w_parquet_number(x, what).i IS NOT NULL THEN CAST(CAST(w_parquet_number(x, what).i AS DOUBLE) AS wv)
  ELSE w_parquet_number(x, what) END;
CREATE MACRO w_parquet_any(x, what) AS CASE
  WHEN w_parquet_float_type(typeof(x)) THEN w_parquet_float(x, what)
  WHEN w_parquet_bigint(x) IS NOT NULL THEN CAST(w_parquet_bigint(x) AS wv)
  ELSE w_read_any(w_parquet_field(x)) END;
";

/// The name of a parameter's type as the schema guard's `kind`.
fn kind(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Int => "int",
        ColumnType::Decimal => "decimal",
        ColumnType::Number => "number",
        ColumnType::Text => "text",
        ColumnType::Scale(_) => "scale",
        ColumnType::Any => "any",
    }
}

/// The parameter names that choose columns, when every parameter is named
/// (as for a CSV file with a header); else columns are taken by position.
fn names(pred: &Predicate) -> Option<Vec<&str>> {
    let named: Option<Vec<&str>> = pred.params.iter().map(|p| p.name.as_deref()).collect();
    named.filter(|n| n.len() == pred.arity && pred.arity > 0)
}

/// The guard on the files' schema, then the table `table` of the rows of
/// `input` (a Parquet path or glob).
pub fn input_table(program: &Program, input: &Input, table: &str) -> String {
    let pred = program.pred(input.pred);
    let path = input.path.to_string_lossy();
    let names = names(pred);
    // By name, files whose columns come in another order still line up.
    let read = match names {
        Some(_) => format!("read_parquet({}, union_by_name = true)", string(&path)),
        None => format!("read_parquet({})", string(&path)),
    };
    let ty = |c: usize| pred.params.get(c).map_or(ColumnType::Any, |p| p.ty);
    let key = |c: usize| match &names {
        Some(n) => string(&n[c].to_lowercase()),
        None => (c + 1).to_string(),
    };
    let params: Vec<String> = (0..pred.arity)
        .map(|c| format!("({}, {})", key(c), string(kind(ty(c)))))
        .collect();
    let shown = |after: &str| string(&format!("{path}{after}"));
    let (join, missing, count_check) = match names {
        Some(_) => (
            "c.key = p.param",
            format!(
                "{} || p.param || ' (its columns: ' || (SELECT string_agg(column_name, ', ') FROM cols) || ')'",
                shown(" has no column ")
            ),
            String::new(),
        ),
        None => (
            "c.pos = p.param",
            "''".to_string(),
            format!(
                "    WHEN (SELECT count(*) FROM cols) <> {} THEN {} || (SELECT count(*) FROM cols) || {}\n",
                pred.arity,
                shown(" has "),
                string(&format!(
                    " columns where `{}` takes {}; name its parameters in a `pred` declaration \
                     to choose columns by name",
                    pred.name, pred.arity
                ))
            ),
        ),
    };
    let mut sql = format!(
        "\n-- input {} from Parquet {path} (columns {}, each value read as `check` reads a CSV field)\n\
         WITH cols AS (SELECT column_name, column_type, w_header_key(column_name) AS key,\n    \
         row_number() OVER () AS pos FROM (DESCRIBE SELECT * FROM {read}))\n\
         SELECT error('warrant input: ' || problem) FROM (\n  SELECT CASE\n{count_check}    \
         WHEN count(c.column_name) = 0 THEN {missing}\n    \
         WHEN count(c.column_name) > 1 THEN {} || count(c.column_name) || ' columns named ' || p.param || ' (case and punctuation aside)'\n    \
         WHEN NOT w_parquet_readable(first(c.column_type), p.kind) THEN {} || first(c.column_name) || ' is ' || first(c.column_type) || ', which cannot be read as ' || p.kind\n  \
         END AS problem\n  \
         FROM (VALUES {}) p(param, kind) LEFT JOIN cols c ON {join}\n  \
         GROUP BY p.param, p.kind) WHERE problem IS NOT NULL;\n",
        pred.name,
        if names.is_some() {
            "by name"
        } else {
            "by position"
        },
        shown(" has "),
        shown(", column "),
        params.join(", "),
    );
    let raw: Vec<String> = (0..pred.arity)
        .map(|c| match &names {
            Some(n) => format!(
                "COLUMNS(lambda c: w_header_key(c) = {}) AS f{c}",
                string(&n[c].to_lowercase())
            ),
            None => format!("#{} AS f{c}", c + 1),
        })
        .collect();
    let what = |c: usize| {
        let name = names
            .as_ref()
            .map_or_else(|| format!("{}", c + 1), |n| n[c].to_string());
        string(&format!("warrant input: {path}, column {name}"))
    };
    let converted: Vec<String> = (0..pred.arity)
        .map(|c| format!("{} AS {}", convert(program, ty(c), c, &what(c)), column(c)))
        .collect();
    let filter = super::inputs::where_filled(pred, |c| format!("w_parquet_filled(f{c})"));
    sql.push_str(&format!(
        "CREATE TABLE {table} AS SELECT\n    {}\n  FROM (SELECT\n      {}\n    FROM {read}){filter};\n",
        converted.join(",\n    "),
        raw.join(",\n      "),
    ));
    sql
}

/// The conversion of raw column `f{c}` by its parameter's type.
fn convert(program: &Program, ty: ColumnType, c: usize, what: &str) -> String {
    let f = format!("f{c}");
    match ty {
        ColumnType::Any => format!("w_parquet_any({f}, {what})"),
        ColumnType::Int => format!("w_parquet_int({f}, {what})"),
        ColumnType::Decimal => format!("w_parquet_decimal({f}, {what})"),
        ColumnType::Number => format!("w_parquet_number({f}, {what})"),
        ColumnType::Text => format!("w_read_text(w_parquet_field({f}))"),
        ColumnType::Scale(s) => {
            let Some(scale) = program.scales.get(s.0 as usize) else {
                return format!("w_read_text(w_parquet_field({f}))");
            };
            let texts: Vec<String> = scale
                .values
                .iter()
                .map(|&id| match program.values.get(id) {
                    Value::Text(t) => t.to_string(),
                    v => v.to_string(),
                })
                .collect();
            let listed: Vec<String> = texts.iter().map(|t| string(t)).collect();
            format!(
                "CASE WHEN w_parquet_field({f}) IN ({}) THEN w_read_text(w_parquet_field({f}))\n      \
                 ELSE error({what} || ': \"' || w_parquet_field({f}) || '\"' || {}) END",
                listed.join(", "),
                string(&format!(
                    " is not a value of scale {} ({})",
                    scale.name,
                    texts.join(" < ")
                ))
            )
        }
    }
}
