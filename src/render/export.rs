//! One predicate's rows as a file a spreadsheet or another engine reads:
//! CSV or TSV (quoted by the `csv` crate, with a header row) or JSON Lines.
//! `warrant run --output-dir` writes one such file per predicate.

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use crate::engine::Model;
use crate::ir::{PredId, Program, Value, ValueId};
use crate::likelihood::Likelihood;
use crate::render::json::JsonValue;

/// The format of an exported predicate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    Tsv,
    Jsonl,
}

impl TableFormat {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Csv => "csv",
            TableFormat::Tsv => "tsv",
            TableFormat::Jsonl => "jsonl",
        }
    }
}

/// The columns of a predicate's table: its parameters' names (`arg1`,
/// `arg2`, … where a parameter has none; a name taken twice gets its
/// position appended), then `likelihood` (the ICD 203 word) and
/// `probability` (the number).
pub fn columns(program: &Program, pred: PredId) -> Vec<String> {
    let p = program.pred(pred);
    let mut names: Vec<String> = Vec::with_capacity(p.arity + 2);
    for i in 0..p.arity {
        let name = p
            .params
            .get(i)
            .and_then(|x| x.name.clone())
            .unwrap_or_else(|| format!("arg{}", i + 1));
        names.push(name);
    }
    names.push("likelihood".into());
    names.push("probability".into());
    let taken: Vec<bool> = (0..p.arity)
        .map(|i| names.iter().filter(|n| **n == names[i]).count() > 1)
        .collect();
    for (i, twice) in taken.into_iter().enumerate() {
        if twice {
            names[i] = format!("{}_{}", names[i], i + 1);
        }
    }
    names
}

/// Writes every row of `pred`, in insertion order. CSV and TSV start with
/// the [`columns`] row; symbols and strings are written as their text
/// (a string without its quotes), numbers as printed. A JSON Lines row is
/// `{"args": [...], "likelihood": {"word": …, "probability": …}}`, values
/// typed as in `run --format json`.
pub fn predicate<W: Write>(
    out: W,
    model: &Model,
    pred: PredId,
    format: TableFormat,
) -> io::Result<()> {
    match format {
        TableFormat::Csv => delimited(out, model, pred, b','),
        TableFormat::Tsv => delimited(out, model, pred, b'\t'),
        TableFormat::Jsonl => json_lines(out, model, pred),
    }
}

fn delimited<W: Write>(out: W, model: &Model, pred: PredId, delimiter: u8) -> io::Result<()> {
    let program = model.program();
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(out);
    w.write_record(columns(program, pred))?;
    let mut field = String::new();
    let mut last: Option<(Likelihood, String)> = None;
    for (_, row, likelihood) in model.rows(pred) {
        for &v in row {
            match model.value(v) {
                Some(Value::Text(s)) => w.write_field(s.as_bytes())?,
                Some(Value::Int(i)) => w.write_field(itoa::Buffer::new().format(*i))?,
                Some(v) => {
                    field.clear();
                    let _ = write!(field, "{v}");
                    w.write_field(field.as_bytes())?;
                }
                None => w.write_field(b"?")?,
            }
        }
        w.write_field(likelihood.word())?;
        // Rows of one predicate mostly share a likelihood: format it once.
        let number = match &last {
            Some((l, text)) if *l == likelihood => text,
            _ => {
                &last
                    .insert((likelihood, format!("{}", likelihood.probability())))
                    .1
            }
        };
        w.write_field(number)?;
        w.write_record(None::<&[u8]>)?;
    }
    w.flush()
}

#[derive(Serialize)]
struct Line<'a> {
    args: Args<'a>,
    likelihood: Likelihood,
}

struct Args<'a> {
    model: &'a Model,
    row: &'a [ValueId],
}

impl Serialize for Args<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.row.iter().map(|&v| self.model.value(v).map(JsonValue)))
    }
}

fn json_lines<W: Write>(mut out: W, model: &Model, pred: PredId) -> io::Result<()> {
    for (_, row, likelihood) in model.rows(pred) {
        serde_json::to_writer(
            &mut out,
            &Line {
                args: Args { model, row },
                likelihood,
            },
        )?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
