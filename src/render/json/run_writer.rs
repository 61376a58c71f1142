//! The bytes of `warrant run --format json`, written row by row without
//! going through serde's pretty printer for the rows: with millions of
//! rows that printer (a call per token, a float formatted per row) makes
//! JSON several times slower than text. The output is byte for byte what
//! serializing [`RunJson`](super::RunJson) prints — a test holds the two
//! together — so the schema is still the one of the `Serialize` structs.

use std::collections::HashMap;
use std::io::{self, Write};

use super::results::{At, Conflicts, rule_of};
use crate::engine::Model;
use crate::explain;
use crate::ir::{PredId, Program, Value, ValueId};
use crate::likelihood::Likelihood;
use crate::render::text;

/// Writes `warrant run --format json` (see [`run`](super::run)) and a
/// final newline.
pub fn write_run<W: Write>(
    out: &mut W,
    model: &Model,
    preds: &[PredId],
    explain: bool,
) -> io::Result<()> {
    let program = model.program();
    let derived = program.concluded_preds();
    let reasons = explain && model.has_provenance();
    let mut rows = RowWriter::default();
    out.write_all(b"{\n  \"predicates\": [")?;
    for (i, &p) in preds.iter().enumerate() {
        let pred = program.pred(p);
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        out.write_all(b"    {\n      \"name\": ")?;
        serde_json::to_writer(&mut *out, &pred.name)?;
        write!(
            out,
            ",\n      \"arity\": {},\n      \"derived\": {},\n      \"rows\": [",
            pred.arity,
            derived.get(p.0 as usize).copied().unwrap_or(false)
        )?;
        let mut first = true;
        for (id, row, likelihood) in model.rows(p) {
            rows.line.clear();
            rows.line
                .extend_from_slice(if first { b"\n" } else { b",\n" });
            first = false;
            rows.row(program, model, p, row, likelihood, rule_of(model, p, id));
            if reasons {
                let reason = text::reason(&explain::reason(model, p, id));
                rows.line.extend_from_slice(b",\n          \"reason\": ");
                serde_json::to_writer(&mut rows.line, &reason)?;
            }
            rows.line.extend_from_slice(b"\n        }");
            out.write_all(&rows.line)?;
        }
        out.write_all(if first {
            b"]\n    }"
        } else {
            b"\n      ]\n    }"
        })?;
    }
    out.write_all(if preds.is_empty() {
        b"],\n"
    } else {
        b"\n  ],\n"
    })?;
    // The conflicts are few: serde prints them, indented one level deeper.
    let conflicts = serde_json::to_string_pretty(&Conflicts {
        at: At { program, model },
    })?;
    out.write_all(b"  \"conflicts\": ")?;
    for (i, line) in conflicts.lines().enumerate() {
        if i > 0 {
            // A JSON string never holds a raw line break, so every line
            // break is the printer's.
            out.write_all(b"\n  ")?;
        }
        out.write_all(line.as_bytes())?;
    }
    out.write_all(b"\n}\n")
}

/// Formats one row object at the depth of `run`'s rows, reusing its
/// buffers; the likelihood objects and rule names are formatted once.
#[derive(Default)]
struct RowWriter {
    line: Vec<u8>,
    text: String,
    likelihoods: HashMap<Likelihood, Vec<u8>>,
}

impl RowWriter {
    fn row(
        &mut self,
        program: &Program,
        model: &Model,
        pred: PredId,
        row: &[ValueId],
        likelihood: Likelihood,
        rule: Option<&str>,
    ) {
        let name = program
            .preds
            .get(pred.0 as usize)
            .map_or("?", |p| p.name.as_str());
        self.text.clear();
        self.text.push_str(name);
        self.text.push('(');
        for (i, &v) in row.iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            match model.value(v) {
                Some(v) => crate::render::push_value(&mut self.text, v),
                None => self.text.push('?'),
            }
        }
        self.text.push(')');
        let line = &mut self.line;
        line.extend_from_slice(b"        {\n          \"row\": ");
        string(line, &self.text);
        if row.is_empty() {
            line.extend_from_slice(b",\n          \"args\": [],");
        } else {
            line.extend_from_slice(b",\n          \"args\": [");
            for (i, &v) in row.iter().enumerate() {
                line.extend_from_slice(if i == 0 {
                    b"\n            "
                } else {
                    b",\n            "
                });
                value(line, model.value(v));
            }
            line.extend_from_slice(b"\n          ],");
        }
        line.extend_from_slice(b"\n          \"likelihood\": ");
        let object = self.likelihoods.entry(likelihood).or_insert_with(|| {
            // The object as serde prints it, indented to this depth.
            let pretty = serde_json::to_string_pretty(&likelihood).unwrap_or_default();
            pretty.replace('\n', "\n          ").into_bytes()
        });
        line.extend_from_slice(object);
        line.extend_from_slice(b",\n          \"rule\": ");
        match rule {
            Some(r) => string(line, r),
            None => line.extend_from_slice(b"null"),
        }
    }
}

/// A JSON string, escaped as serde escapes it.
fn string(out: &mut Vec<u8>, s: &str) {
    if s.bytes()
        .all(|b| b >= 0x20 && b != b'"' && b != b'\\' && b != 0x7f)
    {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // Writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

/// A value as [`JsonValue`](super::JsonValue) prints it; `null` for an id out of range.
fn value(out: &mut Vec<u8>, v: Option<&Value>) {
    match v {
        Some(Value::Text(s)) => string(out, s),
        Some(Value::Int(i)) => out.extend_from_slice(itoa::Buffer::new().format(*i).as_bytes()),
        Some(v @ Value::Dec(_)) => {
            let _ = serde_json::to_writer(&mut *out, &super::JsonValue(v));
        }
        None => out.extend_from_slice(b"null"),
    }
}
