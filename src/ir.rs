//! The checked program: what `check` hands to the engine.
//!
//! Names are resolved to indices, values are interned to `u32`, variables are
//! numbered per rule, every comparison knows how it compares (identity,
//! numbers, or the order of one scale), and the rules are grouped into strata
//! so that every `unless` reads a completed lower stratum. Spans are kept on
//! everything so that later stages can point back into the files.

use std::path::PathBuf;

use crate::likelihood::Likelihood;
pub use crate::operator::{AggregateOp, ArithOp, CompareOp};
use crate::source::{FileId, Sources, Span};

mod ordering;
mod rule;
mod value;

pub use ordering::{CompareKind, compare, kinds_differ, order};
pub use rule::{
    Aggregate, Arg, Assignment, Atom, Body, Cite, Comparison, Conflict, Expr, Function, Rule,
    TemplatePiece,
};
pub(crate) use value::SMALL_INTS;
pub use value::{Value, ValueKind, Values, is_symbol, write_text};

/// An interned value; a row is a slice of these.
pub type ValueId = u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct PredId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct RuleId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct ScaleId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct SourceId(pub u32);

/// Index of a variable in its rule's `vars`.
pub type VarId = u32;

/// What a predicate's column holds, from its `pred` declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// Undeclared: any value.
    Any,
    Scale(ScaleId),
    Int,
    Decimal,
    /// Integers or decimals.
    Number,
    /// Text (declared `text`, `symbol` or `string`: one kind of value).
    Text,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: Option<String>,
    pub ty: ColumnType,
}

#[derive(Clone, Debug)]
pub struct Predicate {
    pub name: String,
    pub arity: usize,
    pub params: Vec<Param>,
    pub doc: Option<String>,
    /// The `pred` declaration, if any.
    pub decl: Option<Span>,
    /// Where the predicate first appears (declaration, fact, rule or input).
    pub first_seen: Span,
}

#[derive(Clone, Debug)]
pub struct Scale {
    pub name: String,
    /// The values from lowest to highest.
    pub values: Vec<ValueId>,
    pub span: Span,
}

impl Scale {
    /// Position of a value in this scale's order.
    pub fn rank(&self, value: ValueId) -> Option<usize> {
        self.values.iter().position(|&v| v == value)
    }
}

/// A `source` declaration that rules cite.
#[derive(Clone, Debug)]
pub struct Source {
    pub name: String,
    pub title: String,
    pub span: Span,
}

/// Where a fact comes from: a line of a rule file, or a row of an input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FactOrigin {
    Stated(Span),
    Input {
        /// The `input` directive that loaded it.
        directive: Span,
        path: PathBuf,
        /// 1-based row in the input file (header included).
        row: usize,
    },
}

#[derive(Clone, Debug)]
pub struct Fact {
    pub pred: PredId,
    pub row: Vec<ValueId>,
    pub likelihood: Likelihood,
    pub origin: FactOrigin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    Csv,
    Tsv,
    /// Parquet files (a path or glob) that DuckDB reads for `export --sql` and
    /// `run --engine duckdb` (`--input-parquet`); Warrant reads no rows of
    /// them, so the native engine cannot evaluate a program that has one.
    Parquet,
}

/// `input edge from "edges.csv" with header.` — loaded by the engine.
#[derive(Clone, Debug)]
pub struct Input {
    pub pred: PredId,
    /// Resolved against the directory of the file that declares it.
    pub path: PathBuf,
    pub format: InputFormat,
    pub header: bool,
    pub span: Span,
    /// The rows read from the file by `check`.
    pub rows: InputRows,
}

/// The rows of an input file: `arity` values per row, flat, and each row's
/// 1-based line in the file.
#[derive(Clone, Debug, Default)]
pub struct InputRows {
    pub data: Vec<ValueId>,
    pub lines: Vec<u32>,
}

/// `retract ATOM.` (or a test's `without ATOM.`): the stated facts and
/// input rows of a world that match are taken back before evaluation.
#[derive(Clone, Debug)]
pub struct Retraction {
    pub pred: PredId,
    /// `None` for `_` (any value).
    pub args: Vec<Option<ValueId>>,
    pub span: Span,
}

impl Retraction {
    pub fn matches(&self, pred: PredId, row: &[ValueId]) -> bool {
        pred == self.pred
            && self
                .args
                .iter()
                .zip(row)
                .all(|(a, v)| a.is_none_or(|a| a == *v))
    }
}

#[derive(Clone, Debug)]
pub struct Expect {
    pub negated: bool,
    pub atom: Atom,
    /// Names of the variables of `atom` (a pattern: some row must match, or
    /// for `expect not`, none may).
    pub vars: Vec<String>,
    pub at_least: Option<Likelihood>,
    pub by_rule: Option<RuleId>,
    pub span: Span,
}

/// `expect conflict NAME.`: the conflict holds for some bindings (negated:
/// for none).
#[derive(Clone, Debug)]
pub struct ExpectConflict {
    pub negated: bool,
    /// Index into `Program::conflicts`.
    pub conflict: usize,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Test {
    pub name: String,
    pub file: FileId,
    pub span: Span,
    pub given: Vec<Fact>,
    /// `without ATOM.`: facts of the test's world taken back.
    pub without: Vec<Retraction>,
    pub expects: Vec<Expect>,
    pub conflicts: Vec<ExpectConflict>,
}

/// A set of predicates evaluated together; every `unless` in its rules reads
/// predicates of earlier strata only.
#[derive(Clone, Debug, Default)]
pub struct Stratum {
    pub preds: Vec<PredId>,
    pub rules: Vec<RuleId>,
}

/// A checked program, ready to evaluate.
#[derive(Clone, Debug)]
pub struct Program {
    pub sources: Sources,
    /// For each file, the files it imports with `use` (direct imports).
    pub imports: Vec<Vec<FileId>>,
    /// The worlds: the files named by the user that no other named file
    /// sees (imports, transitively). A world is a root and what it sees.
    pub roots: Vec<FileId>,
    /// The files named by the user (folders expanded): their tests are the
    /// ones `warrant test` runs.
    pub given: Vec<FileId>,
    pub values: Values,
    pub preds: Vec<Predicate>,
    pub scales: Vec<Scale>,
    pub source_decls: Vec<Source>,
    pub facts: Vec<Fact>,
    /// `retract` items of every file; each applies in the worlds that see
    /// its file.
    pub retractions: Vec<Retraction>,
    pub inputs: Vec<Input>,
    pub rules: Vec<Rule>,
    pub conflicts: Vec<Conflict>,
    pub tests: Vec<Test>,
    pub strata: Vec<Stratum>,
}

impl Program {
    pub fn pred(&self, id: PredId) -> &Predicate {
        &self.preds[id.0 as usize]
    }

    pub fn rule(&self, id: RuleId) -> &Rule {
        &self.rules[id.0 as usize]
    }

    /// Which predicates some rule concludes (indexed like `preds`): the
    /// ones `run` lists without `--all`.
    pub fn concluded_preds(&self) -> Vec<bool> {
        let mut d = vec![false; self.preds.len()];
        for r in &self.rules {
            for h in &r.heads {
                if let Some(x) = d.get_mut(h.pred.0 as usize) {
                    *x = true;
                }
            }
        }
        d
    }

    pub fn pred_id(&self, name: &str) -> Option<PredId> {
        self.preds
            .iter()
            .position(|p| p.name == name)
            .map(|i| PredId(i as u32))
    }

    pub fn rule_id(&self, name: &str) -> Option<RuleId> {
        self.rules
            .iter()
            .position(|r| r.name == name)
            .map(|i| RuleId(i as u32))
    }

    /// The files a file sees: itself and everything it imports, transitively.
    pub fn visible_files(&self, file: FileId) -> Vec<FileId> {
        visible_from(&self.imports, file)
    }

    /// The files of each world, root first.
    pub fn worlds(&self) -> Vec<(FileId, Vec<FileId>)> {
        self.roots
            .iter()
            .map(|&r| (r, self.visible_files(r)))
            .collect()
    }
}

/// A file and everything it imports, transitively, in `FileId` order.
pub fn visible_from(imports: &[Vec<FileId>], file: FileId) -> Vec<FileId> {
    let mut seen = vec![file];
    let mut i = 0;
    while i < seen.len() {
        if let Some(next) = imports.get(seen[i].0 as usize) {
            for &f in next {
                if !seen.contains(&f) {
                    seen.push(f);
                }
            }
        }
        i += 1;
    }
    seen.sort();
    seen
}

impl Program {
    /// `retract pred(a, _)` as written.
    pub fn format_retraction(&self, r: &Retraction) -> String {
        let args: Vec<String> = r
            .args
            .iter()
            .map(|a| a.map_or_else(|| "_".to_string(), |v| self.values.get(v).to_string()))
            .collect();
        format!("retract {}({})", self.pred(r.pred).name, args.join(", "))
    }

    /// `pred(a, b)` with the values of a row, for output.
    pub fn format_row(&self, pred: PredId, row: &[ValueId]) -> String {
        let args: Vec<String> = row
            .iter()
            .map(|&v| self.values.get(v).to_string())
            .collect();
        format!("{}({})", self.pred(pred).name, args.join(", "))
    }
}
