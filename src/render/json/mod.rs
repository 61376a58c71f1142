//! JSON output, built from `#[derive(Serialize)]` structs that borrow the
//! data they print. The schemas are written once, in `docs/json.md`; the
//! structs here follow them field by field (serde prints fields in
//! declaration order). Large results (`run`, `query`) serialize their rows
//! lazily from the model, so writing them holds no more than one row.

mod assumptions;
mod changes;
mod diagnostics;
mod proof;
mod results;
mod run_writer;
mod why_not;

use std::io::{self, Write};

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::explain::{Binding, Citation, ComparisonCheck, Computation, ExceptionCheck, Origin};
use crate::ir::Value;
use crate::likelihood::Likelihood;
use crate::source::Location;

pub use assumptions::{AssumptionsJson, assumptions};
pub use changes::{ChangesJson, changes};
pub use diagnostics::{DiagnosticJson, diagnostic, diagnostics};
pub use proof::{ConflictJson, ExplainJson, ProofJson, conflict, explain, proof};
pub use results::{QueryJson, RunJson, WorldRun, conjunction_query, query, run};
pub use run_writer::write_run;
pub use why_not::{WhyNotJson, why_not};

/// Writes a value as indented JSON and a final newline.
pub fn write<W: Write, T: Serialize + ?Sized>(out: &mut W, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// A value as indented JSON (no final newline).
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    // Serializing these structs cannot fail: every map key is a string.
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// A value: symbols and strings as JSON strings, integers and decimals as
/// numbers (a decimal that is not finite as `null`).
#[derive(Clone, Copy)]
pub struct JsonValue<'a>(pub &'a Value);

impl Serialize for JsonValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Text(x) => s.serialize_str(x),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Dec(d) if d.is_finite() => s.serialize_f64(*d),
            Value::Dec(_) => s.serialize_unit(),
        }
    }
}

/// Variables and their values as an object, in the rule's order.
pub(crate) struct Bindings<'a>(pub &'a [Binding]);

impl Serialize for Bindings<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for b in self.0 {
            m.serialize_entry(&b.name, &JsonValue(&b.value))?;
        }
        m.end()
    }
}

/// `{ "file": "s.wr", "line": 3 }`.
#[derive(Serialize)]
pub(crate) struct FileLine<'a> {
    file: &'a str,
    line: usize,
}

impl<'a> FileLine<'a> {
    pub(crate) fn of(at: &'a Location) -> FileLine<'a> {
        FileLine {
            file: &at.file,
            line: at.line,
        }
    }
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub(crate) enum OriginJson<'a> {
    Stated {
        file: &'a str,
        line: usize,
    },
    Given {
        file: &'a str,
        line: usize,
    },
    Input {
        file: &'a str,
        row: usize,
        directive: FileLine<'a>,
    },
}

impl<'a> OriginJson<'a> {
    pub(crate) fn of(o: &'a Origin) -> OriginJson<'a> {
        match o {
            Origin::Stated { at } => OriginJson::Stated {
                file: &at.file,
                line: at.line,
            },
            Origin::Given { at } => OriginJson::Given {
                file: &at.file,
                line: at.line,
            },
            Origin::Input {
                file,
                row,
                directive,
            } => OriginJson::Input {
                file,
                row: *row,
                directive: FileLine::of(directive),
            },
        }
    }
}

#[derive(Serialize)]
pub(crate) struct CitationJson<'a> {
    source: &'a str,
    title: &'a str,
    section: &'a str,
    quote: Option<&'a str>,
    file: &'a str,
    line: usize,
}

impl<'a> CitationJson<'a> {
    pub(crate) fn of(c: &'a Citation) -> CitationJson<'a> {
        CitationJson {
            source: &c.source,
            title: &c.title,
            section: &c.section,
            quote: c.quote.as_deref(),
            file: &c.at.file,
            line: c.at.line,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct ComparisonJson<'a> {
    text: &'a str,
    left: JsonValue<'a>,
    op: &'static str,
    right: JsonValue<'a>,
    holds: bool,
    file: &'a str,
    line: usize,
}

impl<'a> ComparisonJson<'a> {
    pub(crate) fn of(c: &'a ComparisonCheck) -> ComparisonJson<'a> {
        ComparisonJson {
            text: &c.text,
            left: JsonValue(&c.left),
            op: c.op.symbol(),
            right: JsonValue(&c.right),
            holds: c.holds,
            file: &c.at.file,
            line: c.at.line,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct ExceptionJson<'a> {
    atom: &'a str,
    derived: bool,
    /// The most likely matching row, when one matches.
    matched: Option<MatchedJson>,
    /// The cap a less than certain match puts on the conclusion.
    cap: Option<Likelihood>,
    file: &'a str,
    line: usize,
}

#[derive(Serialize)]
pub(crate) struct MatchedJson {
    atom: String,
    likelihood: Likelihood,
}

impl<'a> ExceptionJson<'a> {
    pub(crate) fn of(e: &'a ExceptionCheck) -> ExceptionJson<'a> {
        ExceptionJson {
            atom: &e.atom,
            derived: e.derived,
            matched: e.matched.as_ref().map(|(row, l)| MatchedJson {
                atom: row.to_string(),
                likelihood: *l,
            }),
            cap: e.cap(),
            file: &e.at.file,
            line: e.at.line,
        }
    }
}

/// `N = A + B` computed: `{ "variable": "N", "values": "3 + 4", "result": 7 }`.
#[derive(Serialize)]
pub(crate) struct ComputationJson<'a> {
    variable: &'a str,
    values: &'a str,
    result: JsonValue<'a>,
    file: &'a str,
    line: usize,
}

impl<'a> ComputationJson<'a> {
    pub(crate) fn of(c: &'a Computation) -> ComputationJson<'a> {
        ComputationJson {
            variable: &c.var,
            values: &c.values,
            result: JsonValue(&c.result),
            file: &c.at.file,
            line: c.at.line,
        }
    }
}
