//! `input` files read by DuckDB's `read_csv`, with the meaning `check`
//! gives their fields (see `crate::input`): the same columns by header,
//! each field converted by its column's declared type, rows with an empty
//! cell (outside `text` columns) left out, retractions applied.
//!
//! Every field is read as text; the conversion is SQL (lenient parsing,
//! `strict_mode = false`, reads files mixing line endings as `csv` does):
//! in an untyped column only a canonical integer or decimal literal is a
//! number. Each file becomes a table, then a guard stops the
//! script (`warrant cannot compute`) when DuckDB read another number of
//! rows than Warrant did, so a file the two parsers read differently is
//! never used silently.

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{ColumnType, Input, InputFormat, PredId, Predicate, Program};
use crate::likelihood::Likelihood;

use super::values::{column, ident, is_value, string};

/// The table of `program.inputs[i]`.
fn table(i: usize) -> String {
    ident(&format!("warrant input {i}"))
}

/// Whether an input is read from its file (rather than written as rows):
/// every input of a predicate with arguments.
pub fn from_file(program: &Program, input: &Input) -> bool {
    program.pred(input.pred).arity > 0
}

/// Creates the table of every input read from its file, with its guard.
pub fn input_tables(program: &Program, sql: &mut String) -> Result<(), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    if program.inputs.iter().any(|i| from_file(program, i)) {
        sql.push_str("\n-- Reading a field of an input file by its column's type.\n");
        sql.push_str(READERS);
    }
    if program
        .inputs
        .iter()
        .any(|i| i.format == InputFormat::Parquet)
    {
        sql.push_str("\n-- Reading a column of Parquet files by its parameter's type.\n");
        sql.push_str(super::parquet::READERS);
    }
    for (i, input) in program.inputs.iter().enumerate() {
        if !from_file(program, input) {
            continue;
        }
        if input.format == InputFormat::Parquet {
            sql.push_str(&super::parquet::input_table(program, input, &table(i)));
            continue;
        }
        let pred = program.pred(input.pred);
        let target = crate::input::Target {
            name: &pred.name,
            arity: pred.arity,
            params: &pred.params,
        };
        let Some((cols, width)) = crate::input::columns(input, &target) else {
            errors.push(
                Diagnostic::error(
                    Code::NotCompilable,
                    format!(
                        "the input of `{}` cannot be read again to compile it to SQL",
                        pred.name
                    ),
                )
                .with_label(input.span, "this file")
                .with_help("check that the file is still there, then export again"),
            );
            continue;
        };
        let path = input.path.to_string_lossy();
        let names: Vec<String> = (0..width).map(|f| format!("'f{f}': 'VARCHAR'")).collect();
        let (delim, quote) = match input.format {
            InputFormat::Csv | InputFormat::Parquet => (",", "'\"'"),
            InputFormat::Tsv => ("\\t", "''"),
        };
        let read = format!(
            "read_csv({}, header = {}, auto_detect = false, delim = {}, quote = {quote}, \
             escape = {quote}, strict_mode = false, columns = {{{}}})",
            string(&path),
            input.header,
            string(delim),
            names.join(", ")
        );
        let field = |c: usize| format!("coalesce(f{}, '')", cols[c]);
        let converted: Vec<String> = (0..pred.arity)
            .map(|c| {
                let ty = pred.params.get(c).map_or(ColumnType::Any, |p| p.ty);
                format!("{}({}) AS {}", reader(ty), field(c), column(c))
            })
            .collect();
        let filter = where_filled(pred, |c| format!("{} <> ''", field(c)));
        sql.push_str(&format!(
            "\n-- input {} from {} (every field read as text, converted as `check` reads it)\n\
             CREATE TABLE {} AS SELECT {}\n  FROM {read}{filter};\n",
            pred.name,
            path,
            table(i),
            converted.join(", "),
        ));
        let loaded = input.rows.lines.len();
        sql.push_str(&format!(
            "SELECT error('warrant cannot compute: DuckDB read ' || n || ' rows of ' || {} || ' where Warrant reads {loaded}')\n  \
             FROM (SELECT count(*) AS n FROM {}) WHERE n <> {loaded};\n",
            string(&path),
            table(i)
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// `WHERE` every field of a column not declared `text` is filled (an
/// empty cell leaves its row out), or nothing when every column is `text`.
pub(super) fn where_filled(pred: &Predicate, filled: impl Fn(usize) -> String) -> String {
    let filled: Vec<String> = (0..pred.arity)
        .filter(|&c| pred.params.get(c).map_or(ColumnType::Any, |p| p.ty) != ColumnType::Text)
        .map(filled)
        .collect();
    if filled.is_empty() {
        String::new()
    } else {
        format!("\n  WHERE {}", filled.join(" AND "))
    }
}

/// Macros reading a field (`VARCHAR`, never NULL) as a `wv`, one per
/// column type. In an untyped column only canonical literals are numbers:
/// `7`, `-12`, `0.5`, `2.0` (not `007`, `-0`, `1.50`, `1e5`).
const READERS: &str = "\
CREATE MACRO w_read_text(f) AS CAST(CAST(f AS VARCHAR) AS wv);
CREATE MACRO w_read_int(f) AS CAST(CAST(f AS BIGINT) AS wv);
CREATE MACRO w_read_decimal(f) AS CASE WHEN regexp_full_match(f, '-?[0-9]+')
  THEN CAST(CAST(CAST(f AS BIGINT) AS DOUBLE) AS wv) ELSE CAST(CAST(f AS DOUBLE) AS wv) END;
CREATE MACRO w_read_number(f) AS CASE WHEN regexp_full_match(f, '-?[0-9]+')
  THEN CAST(CAST(f AS BIGINT) AS wv) ELSE CAST(CAST(f AS DOUBLE) AS wv) END;
CREATE MACRO w_read_any(f) AS CASE
  WHEN regexp_full_match(f, '-?(0|[1-9][0-9]*)') AND f <> '-0' AND TRY_CAST(f AS BIGINT) IS NOT NULL
    THEN CAST(TRY_CAST(f AS BIGINT) AS wv)
  WHEN regexp_full_match(f, '-?(0|[1-9][0-9]*)[.]([0-9]|[0-9]*[1-9])') AND f <> '-0.0'
       AND isfinite(TRY_CAST(f AS DOUBLE))
    THEN CAST(TRY_CAST(f AS DOUBLE) AS wv)
  ELSE CAST(CAST(f AS VARCHAR) AS wv) END;
";

/// The reading macro of a column type.
fn reader(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Text | ColumnType::Scale(_) => "w_read_text",
        ColumnType::Int => "w_read_int",
        ColumnType::Decimal => "w_read_decimal",
        ColumnType::Number => "w_read_number",
        ColumnType::Any => "w_read_any",
    }
}

/// The `SELECT`s of the rows of `pred`'s inputs read from files, after
/// retractions (a `tag` column first when given; NULLs up to `width`).
pub fn input_selects(
    program: &Program,
    pred: PredId,
    tag: Option<usize>,
    width: usize,
) -> Vec<String> {
    let arity = program.pred(pred).arity;
    let retracted: Vec<String> = program
        .retractions
        .iter()
        .filter(|r| r.pred == pred)
        .map(|r| {
            let parts: Vec<String> = r
                .args
                .iter()
                .enumerate()
                .filter_map(|(j, a)| a.map(|v| is_value(&program.values, &column(j), v)))
                .collect();
            if parts.is_empty() {
                "true".to_string()
            } else {
                format!("({})", parts.join(" AND "))
            }
        })
        .collect();
    program
        .inputs
        .iter()
        .enumerate()
        .filter(|(_, input)| input.pred == pred && from_file(program, input))
        .map(|(i, _)| {
            let mut cols: Vec<String> = Vec::new();
            if let Some(t) = tag {
                cols.push(format!("{t} AS tag"));
            }
            cols.extend((0..width).map(|j| {
                if j < arity {
                    column(j)
                } else {
                    format!("CAST(NULL AS wv) AS {}", column(j))
                }
            }));
            cols.push(format!("{} AS likelihood", Likelihood::SCALE));
            let filter = if retracted.is_empty() {
                String::new()
            } else {
                format!(" WHERE NOT ({})", retracted.join(" OR "))
            };
            format!("SELECT {} FROM {}{filter}", cols.join(", "), table(i))
        })
        .collect()
}
