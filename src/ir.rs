//! The checked program: what `check` hands to the engine.
//!
//! Names are resolved to indices, values are interned to `u32`, variables are
//! numbered per rule, every comparison knows how it compares (identity,
//! numbers, or the order of one scale), and the rules are grouped into strata
//! so that every `unless` reads a completed lower stratum. Spans are kept on
//! everything so that later stages can point back into the files.

use std::cmp::Ordering;
use std::path::PathBuf;

use crate::likelihood::Likelihood;
use crate::source::{FileId, Sources, Span};
pub use crate::syntax::ast::{AggregateOp, ArithOp, CompareOp};

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

/// A constant of the language. Text is one kind of value however it was
/// written: `abc`, `"abc"` and a CSV field `abc` are the same `Text`.
#[derive(Clone, Debug)]
pub enum Value {
    Text(Box<str>),
    Int(i64),
    Dec(f64),
}

impl Value {
    /// The value as a number, for numeric comparisons.
    pub fn as_number(&self) -> Option<f64> {
        match *self {
            Value::Int(i) => Some(i as f64),
            Value::Dec(d) => Some(d),
            _ => None,
        }
    }

    /// Decimals are keyed by their bits with -0.0 folded into 0.0, so that
    /// interning is an equivalence.
    fn key(&self) -> ValueKey<'_> {
        match self {
            Value::Text(s) => ValueKey::Text(s),
            Value::Int(i) => ValueKey::Int(*i),
            Value::Dec(d) => ValueKey::Dec(if *d == 0.0 { 0 } else { d.to_bits() }),
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Value {}

impl std::hash::Hash for Value {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.key().hash(h);
    }
}

#[derive(PartialEq, Eq, Hash)]
enum ValueKey<'a> {
    Text(&'a str),
    Int(i64),
    Dec(u64),
}

/// Whether text can be written without quotes: `[a-z][A-Za-z0-9_]*`.
pub fn is_symbol(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_lowercase())
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// Text as the language writes it: bare when it needs no quotes, else in
/// double quotes with `"` and `\\` escaped, and control characters escaped
/// so that data never reaches a terminal raw.
pub fn write_text(f: &mut impl std::fmt::Write, s: &str) -> std::fmt::Result {
    if is_symbol(s) {
        return f.write_str(s);
    }
    f.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            c if c.is_control() => write!(f, "\\u{{{:x}}}", c as u32)?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

/// Text prints bare when it needs no quotes (else quoted), numbers as written.
impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Text(s) => write_text(f, s),
            Value::Int(i) => write!(f, "{i}"),
            Value::Dec(d) => {
                if d.fract() == 0.0 && d.is_finite() {
                    write!(f, "{d:.1}")
                } else {
                    write!(f, "{d}")
                }
            }
        }
    }
}

/// The value table: every value once, its id its index.
#[derive(Clone, Debug, Default)]
pub struct Values {
    list: Vec<Value>,
    /// Open-addressing index over `list`: `(hash tag, id)` per slot, `NO_ID`
    /// for an empty slot; the load factor stays at most 1/2.
    slots: Vec<(u32, ValueId)>,
    /// The ids of the integers `0..SMALL_INTS` interned so far, by value
    /// (`NO_ID` where not yet): ids and counts are mostly small, and an
    /// array indexed by the value costs no hashing and stays in cache where
    /// `slots` would not. These integers are never in `slots`.
    small: Vec<ValueId>,
}

const NO_ID: ValueId = ValueId::MAX;

/// Integers below this are interned through [`Values::small`] (at most
/// 4 MiB of it, grown to the largest such integer seen).
pub(crate) const SMALL_INTS: i64 = 1 << 20;

/// The index of `value` in [`Values::small`], if it goes there.
#[inline(always)]
fn small_index(value: &Value) -> Option<usize> {
    match *value {
        Value::Int(i) if (0..SMALL_INTS).contains(&i) => Some(i as usize),
        _ => None,
    }
}

/// Seeded per process (see [`crate::hash`]): values come from files an
/// attacker may write.
fn value_hash(value: &Value) -> u64 {
    crate::hash::hash_one(value.key())
}

impl Values {
    /// The slot holding `value`, or the empty slot where it would go.
    #[inline]
    fn find_slot(&self, value: &Value, h: u64) -> usize {
        let mask = self.slots.len() - 1;
        let tag = (h >> 32) as u32;
        let mut slot = h as usize & mask;
        loop {
            let (t, id) = self.slots[slot];
            if id == NO_ID {
                return slot;
            }
            if t == tag {
                // Integers (the bulk of loaded inputs) compare inline.
                let same = match (&self.list[id as usize], value) {
                    (Value::Int(a), Value::Int(b)) => a == b,
                    (Value::Int(_), _) | (_, Value::Int(_)) => false,
                    (a, b) => a == b,
                };
                if same {
                    return slot;
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    fn rehash(&mut self, cap: usize) {
        let mut slots = vec![(0u32, NO_ID); cap];
        let mask = cap - 1;
        for (id, v) in self.list.iter().enumerate() {
            if small_index(v).is_some() {
                continue;
            }
            let h = value_hash(v);
            let mut slot = h as usize & mask;
            while slots[slot].1 != NO_ID {
                slot = (slot + 1) & mask;
            }
            slots[slot] = ((h >> 32) as u32, id as ValueId);
        }
        self.slots = slots;
    }

    /// Makes room for `additional` more values without rehashing.
    pub fn reserve(&mut self, additional: usize) {
        self.list.reserve(additional);
        let want = (self.list.len() + additional + 1) * 2;
        if want > self.slots.len() {
            self.rehash(want.next_power_of_two().max(16));
        }
    }

    pub fn intern(&mut self, value: Value) -> ValueId {
        if let Some(i) = small_index(&value) {
            return self.intern_small(i, value);
        }
        if (self.list.len() + 1) * 2 > self.slots.len() {
            self.rehash((self.slots.len() * 2).max(16));
        }
        let h = value_hash(&value);
        let slot = self.find_slot(&value, h);
        let (_, id) = self.slots[slot];
        if id != NO_ID {
            return id;
        }
        let id = self.list.len() as ValueId;
        self.list.push(value);
        self.slots[slot] = ((h >> 32) as u32, id);
        id
    }

    #[inline]
    fn intern_small(&mut self, i: usize, value: Value) -> ValueId {
        if i >= self.small.len() {
            self.small
                .resize((i + 1).next_power_of_two().max(64), NO_ID);
        }
        let id = self.small[i];
        if id != NO_ID {
            return id;
        }
        let id = self.list.len() as ValueId;
        self.list.push(value);
        self.small[i] = id;
        id
    }

    pub fn get(&self, id: ValueId) -> &Value {
        &self.list[id as usize]
    }

    /// A value by id, `None` when out of range.
    pub fn try_get(&self, id: ValueId) -> Option<&Value> {
        self.list.get(id as usize)
    }

    pub fn lookup(&self, value: &Value) -> Option<ValueId> {
        if let Some(i) = small_index(value) {
            return self.small.get(i).copied().filter(|&id| id != NO_ID);
        }
        if self.slots.is_empty() {
            return None;
        }
        let (_, id) = self.slots[self.find_slot(value, value_hash(value))];
        (id != NO_ID).then_some(id)
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arg {
    Var(VarId),
    Const(ValueId),
    /// `_`: any value (only in `unless` atoms and test expectations).
    Wildcard,
}

#[derive(Clone, Debug)]
pub struct Atom {
    pub pred: PredId,
    pub args: Vec<Arg>,
    pub span: Span,
}

/// How a comparison compares its two sides; decided by `check` from types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareKind {
    /// By the values' own kinds ([`order`]): numbers by value, texts
    /// lexicographically, different kinds never ordered nor equal.
    Value,
    /// Both sides values of one scale, compared by rank; a value outside
    /// the scale is ordered with nothing.
    Scale(ScaleId),
}

/// What a value is, as far as comparisons go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// An integer or a decimal.
    Number,
    /// Text, however written.
    Text,
}

impl Value {
    pub fn kind(&self) -> ValueKind {
        match self {
            Value::Int(_) | Value::Dec(_) => ValueKind::Number,
            Value::Text(_) => ValueKind::Text,
        }
    }

    /// The text of a text value.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// The order of two values: numbers by value (an integer and a decimal
/// exactly, without rounding the integer), texts lexicographically by
/// their characters, and `None` for values of different kinds. This is the
/// one definition of comparison in Warrant; the engine and the explainer
/// both call it.
pub fn order(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Dec(x), Value::Dec(y)) => x.partial_cmp(y),
        (Value::Int(x), Value::Dec(y)) => int_dec_order(*x, *y),
        (Value::Dec(x), Value::Int(y)) => int_dec_order(*y, *x).map(Ordering::reverse),
        _ => match (a.as_text(), b.as_text()) {
            (Some(x), Some(y)) => Some(x.cmp(y)),
            _ => None,
        },
    }
}

/// An integer against a decimal, exactly: through `i128` when the decimal
/// is integral and in range, else by the decimal's side of the integer.
fn int_dec_order(i: i64, d: f64) -> Option<Ordering> {
    if d.is_nan() {
        return None;
    }
    let floor = d.floor();
    if (-1.8e19..=1.8e19).contains(&floor) {
        let f = floor as i128;
        return Some(match (i as i128).cmp(&f) {
            Ordering::Equal if d > floor => Ordering::Less,
            o => o,
        });
    }
    Some(if d > 0.0 {
        Ordering::Less
    } else {
        Ordering::Greater
    })
}

/// Whether two values are of kinds that are never ordered nor equal (a
/// text and a number): a comparison between them never holds, whatever the
/// operator but `!=`.
pub fn kinds_differ(values: &Values, a: ValueId, b: ValueId) -> bool {
    match (values.try_get(a), values.try_get(b)) {
        (Some(x), Some(y)) => x.as_text().is_some() != y.as_text().is_some(),
        _ => false,
    }
}

/// Whether `a op b` holds under `kind`: `=` when the order is `Equal`,
/// `!=` whenever it is not (values of different kinds are unequal, so
/// `X != 2` holds for every `X` that is not the number 2), and an ordering
/// only when the values are ordered at all.
pub fn compare(
    values: &Values,
    scales: &[Scale],
    a: ValueId,
    op: CompareOp,
    b: ValueId,
    kind: CompareKind,
) -> bool {
    let ord = match kind {
        // A value is equal to itself (interning makes equal values one id,
        // except an integer and an equal decimal).
        CompareKind::Value if a == b => Some(Ordering::Equal),
        CompareKind::Value => match (values.try_get(a), values.try_get(b)) {
            (Some(x), Some(y)) => order(x, y),
            _ => None,
        },
        CompareKind::Scale(s) => scales
            .get(s.0 as usize)
            .and_then(|sc| Some(sc.rank(a)?.cmp(&sc.rank(b)?))),
    };
    match op {
        CompareOp::Ne => ord != Some(Ordering::Equal),
        CompareOp::Contains => {
            let text = |v| values.try_get(v).and_then(Value::as_text);
            matches!((text(a), text(b)), (Some(x), Some(y)) if x.contains(y))
        }
        _ => ord.is_some_and(|o| op.holds(o)),
    }
}

#[derive(Clone, Debug)]
pub struct Comparison {
    pub lhs: Arg,
    pub op: CompareOp,
    pub rhs: Arg,
    pub kind: CompareKind,
    pub span: Span,
}

/// A built-in function of expressions (see `docs/language.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Function {
    /// `min(a, b)`, `max(a, b)`: the lesser / greater by [`order`].
    Min,
    Max,
    /// `abs(n)`
    Abs,
    /// `len(t)`: the number of characters of a text.
    Len,
    /// `concat(a, b)`: two texts joined.
    Concat,
    /// `lower(t)`, `upper(t)`
    Lower,
    Upper,
}

impl Function {
    pub const ALL: [Function; 7] = [
        Function::Min,
        Function::Max,
        Function::Abs,
        Function::Len,
        Function::Concat,
        Function::Lower,
        Function::Upper,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Function::Min => "min",
            Function::Max => "max",
            Function::Abs => "abs",
            Function::Len => "len",
            Function::Concat => "concat",
            Function::Lower => "lower",
            Function::Upper => "upper",
        }
    }

    pub fn arity(self) -> usize {
        match self {
            Function::Min | Function::Max | Function::Concat => 2,
            _ => 1,
        }
    }

    pub fn from_name(name: &str) -> Option<Function> {
        Function::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// An arithmetic expression over a rule's variables and constants.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Arg(Arg),
    Neg(Box<Expr>),
    Binary(ArithOp, Box<Expr>, Box<Expr>),
    Call(Function, Vec<Expr>),
}

impl Expr {
    /// The variables the expression reads, in order of first use.
    pub fn vars(&self, out: &mut Vec<VarId>) {
        match self {
            Expr::Arg(Arg::Var(v)) => {
                if !out.contains(v) {
                    out.push(*v);
                }
            }
            Expr::Arg(_) => {}
            Expr::Neg(e) => e.vars(out),
            Expr::Binary(_, a, b) => {
                a.vars(out);
                b.vars(out);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.vars(out)),
        }
    }
}

/// `N = A + B`: binds `var` (unbound until then) to the value of `expr`.
/// `check` orders a body's assignments so that each reads only variables
/// bound by atoms or by earlier assignments.
#[derive(Clone, Debug)]
pub struct Assignment {
    pub var: VarId,
    pub expr: Expr,
    pub span: Span,
}

/// `N = count { reason(A, R) } [likely]`: the matches of `body` (distinct
/// combinations of rows for its atoms) at or above `floor`, grouped by
/// `group` (the variables the sub-body shares with the rest of the rule),
/// counted or with their `target` summed, least or greatest; the result
/// is bound to `result`, as likely as the least likely match counted.
#[derive(Clone, Debug)]
pub struct Aggregate {
    pub op: AggregateOp,
    pub result: VarId,
    pub target: Option<VarId>,
    /// Atoms, comparisons and assignments; its variables are numbered in
    /// the enclosing body (its `vars` is empty).
    pub body: Body,
    pub group: Vec<VarId>,
    pub floor: Option<Likelihood>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePiece {
    Text(String),
    Var(VarId),
}

#[derive(Clone, Debug)]
pub struct Cite {
    pub source: SourceId,
    pub section: String,
    pub quote: Option<String>,
    pub span: Span,
}

/// The conditions of a rule or conflict: positive atoms, comparisons and
/// `unless` exceptions, each in the order written. A variable is bound by a
/// positive atom; comparisons and exceptions only read bound variables.
#[derive(Clone, Debug, Default)]
pub struct Body {
    /// Variable names, indexed by `VarId`.
    pub vars: Vec<String>,
    pub atoms: Vec<Atom>,
    pub comparisons: Vec<Comparison>,
    pub exceptions: Vec<Atom>,
    /// Variables bound by arithmetic, in an order in which each reads
    /// only variables already bound.
    pub assignments: Vec<Assignment>,
    pub aggregates: Vec<Aggregate>,
}

impl Body {
    /// Whether a variable gets its value from an assignment or aggregate
    /// (rather than from an atom).
    pub fn computed(&self, v: VarId) -> bool {
        self.assignments.iter().any(|a| a.var == v) || self.aggregates.iter().any(|a| a.result == v)
    }
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub name: String,
    pub span: Span,
    pub body: Body,
    /// One or more conclusions, all drawn from the same bindings.
    pub heads: Vec<Atom>,
    pub likelihood: Likelihood,
    pub because: Option<Vec<TemplatePiece>>,
    pub cites: Vec<Cite>,
    /// Index into `Program::strata`.
    pub stratum: usize,
}

#[derive(Clone, Debug)]
pub struct Conflict {
    pub name: String,
    pub description: Option<String>,
    pub span: Span,
    pub body: Body,
    pub cites: Vec<Cite>,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn int(i: i64) -> Value {
        Value::Int(i)
    }

    #[test]
    fn numbers_order_by_value_and_exactly() {
        assert_eq!(order(&int(1), &Value::Dec(1.0)), Some(Ordering::Equal));
        assert_eq!(order(&int(2), &Value::Dec(1.5)), Some(Ordering::Greater));
        assert_eq!(order(&Value::Dec(-0.5), &int(0)), Some(Ordering::Less));
        // 2^53 + 1 is not equal to the decimal 2^53, although `as f64` says so.
        let big = (1i64 << 53) + 1;
        assert_eq!(
            order(&int(big), &Value::Dec((1u64 << 53) as f64)),
            Some(Ordering::Greater)
        );
        assert_eq!(
            order(&int(i64::MAX), &Value::Dec(1e300)),
            Some(Ordering::Less)
        );
    }

    #[test]
    fn texts_order_lexicographically_and_kinds_never_mix() {
        let sym = |s: &str| Value::Text(s.into());
        assert_eq!(order(&sym("alpha"), &sym("beta")), Some(Ordering::Less));
        assert_eq!(
            order(&sym("abc"), &Value::Text("abc".into())),
            Some(Ordering::Equal)
        );
        assert_eq!(order(&sym("abc"), &int(2)), None);
    }

    #[test]
    fn not_equal_holds_across_kinds_and_ordering_does_not() {
        let mut values = Values::default();
        let two = values.intern(int(2));
        let two_dec = values.intern(Value::Dec(2.0));
        let text = values.intern(Value::Text("two".into()));
        let japan = values.intern(Value::Text("Japan".into()));
        let pan = values.intern(Value::Text("pan".into()));
        let cmp = |a, op, b| compare(&values, &[], a, op, b, CompareKind::Value);
        assert!(cmp(text, CompareOp::Ne, two));
        assert!(!cmp(text, CompareOp::Eq, two));
        assert!(!cmp(text, CompareOp::Lt, two) && !cmp(text, CompareOp::Ge, two));
        assert!(cmp(two_dec, CompareOp::Eq, two) && !cmp(two_dec, CompareOp::Ne, two));
        assert!(cmp(two, CompareOp::Le, two));
        // `contains` on texts only.
        assert!(cmp(japan, CompareOp::Contains, pan) && !cmp(pan, CompareOp::Contains, japan));
        assert!(!cmp(two, CompareOp::Contains, two) && !cmp(text, CompareOp::Contains, two));
    }

    #[test]
    fn interning_is_one_id_per_value_on_both_sides_of_the_small_integers() {
        let mut values = Values::default();
        let samples = [
            int(0),
            int(7),
            int(SMALL_INTS - 1),
            int(SMALL_INTS),
            int(-1),
            int(i64::MIN),
            Value::Dec(7.0),
            Value::Dec(0.0),
            Value::Text("7".into()),
        ];
        let ids: Vec<ValueId> = samples.iter().map(|v| values.intern(v.clone())).collect();
        // Distinct values, distinct ids; the same value again, the same id,
        // also after the table has grown.
        let distinct: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), samples.len());
        for i in 0..5_000 {
            values.intern(int(i * 3));
            values.intern(int(SMALL_INTS + i));
        }
        for (v, &id) in samples.iter().zip(&ids) {
            assert_eq!(values.intern(v.clone()), id);
            assert_eq!(values.lookup(v), Some(id));
            assert_eq!(values.get(id), v);
        }
        assert_eq!(values.lookup(&int(1)), None);
        assert_eq!(values.lookup(&int(SMALL_INTS - 2)), None);
        assert_eq!(values.len(), samples.len() + 2 * 5_000 - 2);
    }

    #[test]
    fn scale_values_order_by_rank_and_outsiders_by_nothing() {
        let mut values = Values::default();
        let low = values.intern(Value::Text("low".into()));
        let high = values.intern(Value::Text("high".into()));
        let other = values.intern(Value::Text("other".into()));
        let scale = Scale {
            name: "level".into(),
            values: vec![low, high],
            span: Span::new(FileId(0), 0, 0),
        };
        let kind = CompareKind::Scale(ScaleId(0));
        let cmp = |a, op, b| compare(&values, std::slice::from_ref(&scale), a, op, b, kind);
        assert!(cmp(low, CompareOp::Lt, high));
        assert!(!cmp(other, CompareOp::Lt, high) && !cmp(other, CompareOp::Ge, high));
        assert!(cmp(other, CompareOp::Ne, high));
    }
}
