//! Semantic analysis: the AST of every loaded file to one [`ir::Program`].
//!
//! [`check`] resolves names (predicates, scales, sources, rules), checks
//! arities, column types and scale values, range restriction (every variable
//! of a conclusion, an `unless`, a comparison or a `because` sentence is bound
//! by a positive `when` atom), likelihood qualifiers, `input` files, and
//! stratification (no recursion through `unless`). It reports every problem it
//! finds, never only the first, and lowers the AST to the IR when there is no
//! error.
//!
//! The work is split in passes over all files in `FileId` order:
//!
//! 1. declarations ([`decls`]): scales, then sources and `pred`s (a `pred`
//!    may name a scale declared later or in another file);
//! 2. the predicate registry ([`registry`]): every atom anywhere, for arities and for what
//!    makes a predicate known (declared, stated, concluded, loaded);
//! 3. lowering ([`lower`]; constants and likelihoods: [`constants`]): facts,
//!    rules, conflicts and inputs, with each
//!    rule's variables numbered, typed and checked for safety ([`scope`])
//!    and comparison kinds decided ([`types`]); then tests ([`expect`]);
//! 4. stratification ([`stratify`]).
//!
//! Decisions worth knowing (also in the report of the checker's author):
//!
//! - Predicates are numbered declared ones first (in declaration order),
//!   then the others in order of first appearance, files in `FileId` order.
//! - `_` in a positive `when` atom is a fresh variable (any value, never
//!   joined), numbered like the others and named `_` in `Body::vars`; in an
//!   `unless` atom or a test expectation it is [`ir::Arg::Wildcard`]; in a
//!   conclusion, a comparison or a fact it is an error.
//! - Variables whose names start with `_` are never reported as singletons.
//! - `{X}` in a `because` sentence naming no variable of the rule is
//!   `warrant::unknown_variable`; naming a variable that the rule uses but
//!   does not bind, it is part of that variable's `warrant::unsafe_variable`.

mod arith;
mod cascade;
mod constants;
mod decls;
mod expect;
mod lints;
mod lower;
mod quotes;
mod registry;
mod scope;
mod stratify;
mod types;
mod worlds;

use crate::diagnostics::{self, Code, Diagnostic, Help, did_you_mean};
use crate::hash::HashMap;
use crate::ir::{self, ColumnType, PredId, Program, ScaleId, SourceId, Value, ValueId, Values};
use crate::source::Span;
use crate::syntax::Parsed;
use crate::syntax::ast::Item;

/// The result of [`check`]: the program when there is no error, and every
/// diagnostic `check` found (warnings included).
///
/// `diagnostics` holds the checker's own diagnostics only, not those of
/// `Parsed` (print both). `program` is `None` when there is any error, the
/// parser's included: a file with a syntax error is missing items, and
/// running what is left would give wrong answers.
#[derive(Debug)]
pub struct Checked {
    pub program: Option<Program>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Checks every parsed file and lowers it to the IR.
pub fn check(parsed: &Parsed) -> Checked {
    check_with(parsed, &[])
}

/// [`check`], leaving out the `input` declarations of the predicates named
/// in `inputs_elsewhere`: their files are neither looked for nor read, and
/// a retraction of their rows is not checked, because the caller reads
/// their rows from elsewhere (Parquet, through DuckDB).
pub fn check_with(parsed: &Parsed, inputs_elsewhere: &[String]) -> Checked {
    let mut cx = Checker::new(parsed);
    cx.inputs_elsewhere = inputs_elsewhere;
    cx.declare();
    cx.read_source_texts();
    cx.register_predicates();
    cx.reserve_builtin_tests();
    cx.report_unknown_predicates();
    let mut lowered = cx.lower_all();
    cx.lower_tests(&mut lowered);
    cx.read_inputs(&mut lowered.inputs);
    let imports: Vec<Vec<crate::source::FileId>> = parsed
        .imports
        .iter()
        .map(|uses| uses.iter().map(|&(f, _)| f).collect())
        .collect();
    let roots = worlds::roots(&parsed.given, &imports);
    cx.check_retractions(&lowered, &roots, &imports);
    // An item that failed to parse may be the one that reads a predicate
    // or repeats a constant: the lints would only echo the parse error.
    if !parsed.has_errors() {
        cx.lint_unused_predicates(&lowered.rules);
        cx.lint_lonely_constants();
    }
    let strata = stratify::stratify(&mut cx, &lowered.rules);
    let mut diagnostics = std::mem::take(&mut cx.diags);
    cascade::drop_follow_ups(parsed, &mut diagnostics);
    diagnostics::sort(&mut diagnostics);
    let failed = parsed.has_errors() || diagnostics.iter().any(Diagnostic::is_error);
    let program = (!failed).then(|| {
        let mut rules = lowered.rules;
        for (i, stratum) in strata.iter().enumerate() {
            for r in &stratum.rules {
                rules[r.0 as usize].stratum = i;
            }
        }
        Program {
            sources: parsed.sources.clone(),
            imports,
            roots,
            given: parsed.given.clone(),
            values: cx.values,
            preds: cx.preds.into_iter().map(PredInfo::into_ir).collect(),
            scales: cx.scales,
            source_decls: cx.sources,
            facts: lowered.facts,
            retractions: lowered.retractions,
            inputs: lowered.inputs,
            rules,
            conflicts: lowered.conflicts,
            tests: lowered.tests,
            strata,
        }
    });
    Checked {
        program,
        diagnostics,
    }
}

/// What `warrant check` prints on success.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    /// Facts stated in rule files (not test `given`s; `input` files are read
    /// by the engine).
    pub facts: usize,
    pub rules: usize,
    pub predicates: usize,
    pub strata: usize,
}

pub fn summary(program: &Program) -> Summary {
    Summary {
        files: program.sources.len(),
        facts: program.facts.len(),
        rules: program.rules.len(),
        predicates: program.preds.len(),
        strata: program.strata.len(),
    }
}

/// `3 files, 120 facts, 14 rules, 30 predicates, 4 strata`
impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = |count: usize, one: &str, many: &str| {
            format!("{count} {}", if count == 1 { one } else { many })
        };
        write!(
            f,
            "{}, {}, {}, {}, {}",
            n(self.files, "file", "files"),
            n(self.facts, "fact", "facts"),
            n(self.rules, "rule", "rules"),
            n(self.predicates, "predicate", "predicates"),
            n(self.strata, "stratum", "strata"),
        )
    }
}

/// Everything the passes share.
pub(crate) struct Checker<'a> {
    parsed: &'a Parsed,
    diags: Vec<Diagnostic>,
    values: Values,
    scales: Vec<ir::Scale>,
    scale_index: HashMap<&'a str, ScaleId>,
    /// For every symbol that is a value of some scale: those scales.
    value_scales: HashMap<ValueId, Vec<ScaleId>>,
    sources: Vec<ir::Source>,
    source_index: HashMap<&'a str, SourceId>,
    preds: Vec<PredInfo<'a>>,
    pred_index: HashMap<&'a str, PredId>,
    /// Interned text values by their text (see `term_value`).
    text_cache: HashMap<&'a str, ValueId>,
    int_cache: HashMap<i64, ValueId>,
    /// The normalised text of each source that names its file.
    source_texts: HashMap<SourceId, String>,
    /// Predicates whose rows come from elsewhere (see [`check_with`]).
    inputs_elsewhere: &'a [String],
}

/// A predicate as the checker knows it.
struct PredInfo<'a> {
    name: &'a str,
    /// The arity every use must have: the declaration's, else the first use's.
    arity: usize,
    /// Where that arity comes from.
    arity_span: Span,
    /// False while only `input`s (which give no arity) have named it.
    arity_known: bool,
    params: Vec<ir::Param>,
    /// For each column, the span of its declared type (for labels).
    type_spans: Vec<Option<Span>>,
    doc: Option<String>,
    decl: Option<Span>,
    first_seen: Span,
    /// Declared, stated as a fact (or a test's `given`), or concluded by a rule.
    defined: bool,
    /// Loaded by an `input` directive.
    loaded: bool,
    /// Uses that need the predicate to exist: `when`/`unless` atoms and
    /// test expectations.
    uses: Vec<Span>,
    /// `input` directives that load it.
    inputs: Vec<Span>,
}

impl PredInfo<'_> {
    fn into_ir(self) -> ir::Predicate {
        ir::Predicate {
            name: self.name.to_string(),
            arity: self.arity,
            params: self.params,
            doc: self.doc,
            decl: self.decl,
            first_seen: self.first_seen,
        }
    }

    fn column_type(&self, col: usize) -> ColumnType {
        self.params.get(col).map_or(ColumnType::Any, |p| p.ty)
    }
}

pub(super) fn untyped(arity: usize) -> Vec<ir::Param> {
    vec![
        ir::Param {
            name: None,
            ty: ColumnType::Any,
        };
        arity
    ]
}

impl<'a> Checker<'a> {
    fn new(parsed: &'a Parsed) -> Checker<'a> {
        Checker {
            parsed,
            diags: Vec::new(),
            values: Values::default(),
            scales: Vec::new(),
            scale_index: HashMap::default(),
            value_scales: HashMap::default(),
            sources: Vec::new(),
            source_index: HashMap::default(),
            preds: Vec::new(),
            pred_index: HashMap::default(),
            text_cache: HashMap::default(),
            int_cache: HashMap::default(),
            source_texts: HashMap::default(),
            inputs_elsewhere: &[],
        }
    }

    /// Every item of every file, in `FileId` order.
    fn items(&self) -> impl Iterator<Item = &'a Item> + use<'a> {
        self.parsed.modules.iter().flat_map(|m| m.items.iter())
    }

    fn error(&mut self, diag: Diagnostic) {
        self.diags.push(diag);
    }

    /// Reads every input file into its rows (see [`crate::input`]), so that
    /// a file `run` would reject is an error of `check`.
    fn read_inputs(&mut self, inputs: &mut [ir::Input]) {
        let mut ints = crate::input::IntCache::default();
        for input in inputs {
            let p = &self.preds[input.pred.0 as usize];
            if !p.arity_known {
                continue; // reported as an unknown predicate
            }
            let target = crate::input::Target {
                name: p.name,
                arity: p.arity,
                params: &p.params,
            };
            match crate::input::read_with(input, &target, &self.scales, &mut self.values, &mut ints)
            {
                Ok(read) => {
                    input.rows = read.rows;
                    self.diags.extend(read.warnings);
                }
                Err(d) => self.diags.push(d),
            }
        }
    }

    /// The value of text, written bare (`abc`) or quoted (`"abc"`).
    fn text(&mut self, text: &'a str) -> ValueId {
        if let Some(&v) = self.text_cache.get(text) {
            return v;
        }
        let v = self.values.intern(Value::Text(text.into()));
        self.text_cache.insert(text, v);
        v
    }

    fn pred(&self, id: PredId) -> &PredInfo<'a> {
        &self.preds[id.0 as usize]
    }

    fn pred_id(&self, name: &str) -> Option<PredId> {
        self.pred_index.get(name).copied()
    }

    /// The predicate of a name, registering it at `span` if it is new.
    fn intern_pred(&mut self, name: &'a str, span: Span, arity: usize) -> PredId {
        if let Some(&id) = self.pred_index.get(name) {
            return id;
        }
        let id = PredId(self.preds.len() as u32);
        self.preds.push(PredInfo {
            name,
            arity,
            arity_span: span,
            arity_known: true,
            params: untyped(arity),
            type_spans: vec![None; arity],
            doc: None,
            decl: None,
            first_seen: span,
            defined: false,
            loaded: false,
            uses: Vec::new(),
            inputs: Vec::new(),
        });
        self.pred_index.insert(name, id);
        id
    }

    /// Added to the help of a name that is not found, when some file could
    /// not be read: the missing definition may be in it. (Names mentioned
    /// by items that failed to parse are not reported at all: `cascade`.)
    fn parse_note(&self) -> String {
        let unread = self
            .parsed
            .diagnostics
            .iter()
            .any(|d| d.is_error() && d.code != Code::Parse);
        if unread {
            " (some files could not be read; the definition may be in one of them)".to_string()
        } else {
            String::new()
        }
    }

    /// The did-you-mean help for a name among candidates, or `fallback`.
    /// Help for a value that is not in scale `s`: the closest value, or
    /// the list of the scale's values.
    fn scale_value_help(&self, s: ir::ScaleId, text: &str) -> Help {
        let values: Vec<String> = self.scales[s.0 as usize]
            .values
            .iter()
            .map(|&v| self.values.get(v).to_string())
            .collect();
        self.suggest(
            text,
            values.iter().map(String::as_str),
            format!(
                "the values of `{}` are {}",
                self.scale_name(s),
                self.scale_listing(s)
            ),
        )
    }

    fn suggest<'c>(
        &self,
        name: &str,
        candidates: impl IntoIterator<Item = &'c str>,
        fallback: impl Into<String>,
    ) -> Help {
        match did_you_mean(name, candidates) {
            Some(s) => Help::did_you_mean(s),
            None => Help::from(fallback.into()),
        }
    }
}

#[cfg(test)]
mod tests;
