//! Pass 3: facts, rules, conflicts, tests and inputs to the IR, checking
//! variables (safety, singletons), column types, scale values, likelihoods,
//! sources and rule names on the way.

use std::path::Path;

use super::Checker;
use super::fxhash::HashMap;
use super::types::meet;
use crate::diagnostics::{Code, Diagnostic, did_you_mean, edit_distance};
use crate::ir::{self, Arg, ColumnType, PredId, RuleId, Value, ValueId, VarId};
use crate::likelihood::Likelihood;
use crate::source::Span;
use crate::syntax::ast::{self, Condition, Item, QualifierValue, Term};

/// Everything lowered, in the order written (files in `FileId` order).
pub(super) struct Lowered {
    pub facts: Vec<ir::Fact>,
    pub inputs: Vec<ir::Input>,
    pub rules: Vec<ir::Rule>,
    pub conflicts: Vec<ir::Conflict>,
    pub tests: Vec<ir::Test>,
}

/// Where a variable occurs in a rule or conflict.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Place {
    When,
    Compare,
    Unless,
    Head,
    Because,
}

struct Occurrence<'a> {
    name: &'a str,
    span: Span,
    place: Place,
}

/// A variable's type, from the first typed column it occurs in.
pub(super) struct VarType<'a> {
    pub ty: ColumnType,
    pub pred: &'a str,
}

/// The variables of one rule, conflict or expectation.
#[derive(Default)]
pub(super) struct Scope<'a> {
    vars: Vec<String>,
    index: HashMap<&'a str, VarId>,
    occurrences: Vec<Occurrence<'a>>,
    pub types: HashMap<&'a str, VarType<'a>>,
}

impl<'a> Scope<'a> {
    fn var(&mut self, name: &'a str) -> VarId {
        if let Some(&v) = self.index.get(name) {
            return v;
        }
        let v = self.vars.len() as VarId;
        self.vars.push(name.to_string());
        self.index.insert(name, v);
        v
    }

    /// A variable of its own for a `_` in a positive atom.
    fn fresh(&mut self) -> VarId {
        self.vars.push("_".to_string());
        (self.vars.len() - 1) as VarId
    }
}

/// What a rule or conflict consists of, for [`Checker::lower_body`].
struct BodySource<'a> {
    /// "rule `name`" or "conflict `name`", for messages.
    owner: String,
    when: &'a [Condition],
    unless: &'a [ast::Atom],
    heads: &'a [ast::Atom],
    because: Option<&'a ast::Template>,
}

/// A did-you-mean among a rule's variables; none for names of one or two
/// letters, where every other short name is "close".
fn similar_var<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    if name.chars().count() < 3 {
        return None;
    }
    did_you_mean(name, candidates)
}

fn wildcard(name: &str) -> bool {
    name == "_"
}

impl<'a> Checker<'a> {
    pub(super) fn lower_all(&mut self) -> Lowered {
        let mut out = Lowered {
            facts: Vec::new(),
            inputs: Vec::new(),
            rules: Vec::new(),
            conflicts: Vec::new(),
            tests: Vec::new(),
        };
        // Rule names first: a test may name a rule of a later file.
        let mut rule_index: HashMap<&'a str, (RuleId, Span)> = HashMap::default();
        let mut n = 0u32;
        for item in self.items() {
            if let Item::Rule(r) = item {
                match rule_index.get(r.name.text.as_str()) {
                    Some(&(_, first)) => self.error(
                        Diagnostic::error(
                            Code::DuplicateRule,
                            format!("two rules are named `{}`", r.name.text),
                        )
                        .with_label(r.name.span, "this rule has the name of another")
                        .with_label(first, "first rule of this name")
                        .with_help(
                            "rule names identify rules in explanations and tests: rename one",
                        ),
                    ),
                    None => {
                        rule_index.insert(&r.name.text, (RuleId(n), r.name.span));
                    }
                }
                n += 1;
            }
        }
        let mut conflict_names: HashMap<&'a str, Span> = HashMap::default();
        let mut test_names: HashMap<&'a str, Span> = HashMap::default();
        for item in self.items() {
            match item {
                Item::Fact(f) => {
                    let fact = self.lower_fact(f);
                    out.facts.push(fact);
                }
                Item::Rule(r) => {
                    let rule = self.lower_rule(r);
                    out.rules.push(rule);
                }
                Item::Conflict(c) => {
                    if let Some(&first) = conflict_names.get(c.name.text.as_str()) {
                        self.error(
                            Diagnostic::error(
                                Code::DuplicateDeclaration,
                                format!("two conflicts are named `{}`", c.name.text),
                            )
                            .with_label(c.name.span, "this conflict has the name of another")
                            .with_label(first, "first conflict of this name")
                            .with_help("rename one of the conflicts"),
                        );
                    } else {
                        conflict_names.insert(&c.name.text, c.name.span);
                    }
                    let conflict = self.lower_conflict(c);
                    out.conflicts.push(conflict);
                }
                Item::Test(t) => {
                    if let Some(&first) = test_names.get(t.name.value.as_str()) {
                        self.error(
                            Diagnostic::error(
                                Code::DuplicateDeclaration,
                                format!("two tests are named {:?}", t.name.value),
                            )
                            .with_label(t.name.span, "this test has the name of another")
                            .with_label(first, "first test of this name")
                            .with_help("test results are reported by name: rename one"),
                        );
                    } else {
                        test_names.insert(&t.name.value, t.name.span);
                    }
                    let test = self.lower_test(t, &rule_index);
                    out.tests.push(test);
                }
                Item::Input(i) => {
                    if let Some(input) = self.lower_input(i) {
                        out.inputs.push(input);
                    }
                }
                Item::Use(_) | Item::Scale(_) | Item::Pred(_) | Item::Source(_) => {}
            }
        }
        self.check_expected_rules(&out);
        self.resolve_conflict_expects(&mut out);
        out
    }

    /// `expect conflict NAME.`: the name must be a declared conflict.
    fn resolve_conflict_expects(&mut self, out: &mut Lowered) {
        let ast_tests: Vec<&ast::Test> = self
            .items()
            .filter_map(|item| match item {
                Item::Test(t) => Some(t),
                _ => None,
            })
            .collect();
        for (test, ast_test) in out.tests.iter_mut().zip(ast_tests) {
            for e in &ast_test.conflicts {
                match out.conflicts.iter().position(|c| c.name == e.name.text) {
                    Some(conflict) => test.conflicts.push(ir::ExpectConflict {
                        negated: e.negated,
                        conflict,
                        span: e.span,
                    }),
                    None => {
                        let help = self.suggest(
                            &e.name.text,
                            out.conflicts.iter().map(|c| c.name.as_str()),
                            "name a `conflict` declared in the test's file or the files it imports",
                        );
                        self.error(
                            Diagnostic::error(
                                Code::UnknownConflict,
                                format!("unknown conflict `{}`", e.name.text),
                            )
                            .with_label(e.name.span, "no conflict has this name")
                            .with_help(help),
                        );
                    }
                }
            }
        }
    }

    /// `expect p(…) by r` where rule `r` never concludes `p` can never pass.
    fn check_expected_rules(&mut self, out: &Lowered) {
        let ast_tests = self.items().filter_map(|item| match item {
            Item::Test(t) => Some(t),
            _ => None,
        });
        let mut found = Vec::new();
        for (test, ast_test) in out.tests.iter().zip(ast_tests) {
            for (e, ast_e) in test.expects.iter().zip(&ast_test.expects) {
                let (Some(r), Some(name)) = (e.by_rule, &ast_e.by_rule) else {
                    continue;
                };
                let Some(rule) = out.rules.get(r.0 as usize) else {
                    continue;
                };
                if rule.heads.iter().any(|h| h.pred == e.atom.pred) {
                    continue;
                }
                let concludes: Vec<String> = rule
                    .heads
                    .iter()
                    .map(|h| format!("`{}`", self.pred(h.pred).name))
                    .collect();
                found.push(
                    Diagnostic::error(
                        Code::UnknownRule,
                        format!(
                            "rule `{}` never concludes `{}`",
                            rule.name,
                            self.pred(e.atom.pred).name
                        ),
                    )
                    .with_label(
                        name.span,
                        format!("this rule concludes {}", concludes.join(", ")),
                    )
                    .with_label(ast_e.atom.pred.span, "expected from it here")
                    .with_help("name the rule that concludes this predicate, or drop `by …`"),
                );
            }
        }
        self.diags.extend(found);
    }

    /// The id of a registered predicate (every atom was registered in pass 2).
    fn atom_pred(&mut self, atom: &'a ast::Atom) -> PredId {
        match self.pred_id(&atom.pred.text) {
            Some(id) => id,
            // Not reached: pass 2 registered every atom. Registering here
            // keeps this total.
            None => self.intern_pred(&atom.pred.text, atom.span, atom.args.len()),
        }
    }

    fn likelihood(&mut self, q: Option<&ast::Qualifier>) -> Likelihood {
        let Some(q) = q else {
            return Likelihood::CERTAIN;
        };
        let terms = "The ICD 203 terms are: almost no chance, very unlikely, unlikely, \
                     roughly even chance, likely, very likely, almost certain \
                     (or a probability such as 0.7)";
        match &q.value {
            QualifierValue::Number(p) => Likelihood::from_probability(*p).unwrap_or_else(|| {
                self.error(
                    Diagnostic::error(
                        Code::UnknownLikelihood,
                        "a likelihood must be a probability above 0 and at most 1",
                    )
                    .with_label(q.span, "outside (0, 1]")
                    .with_help(
                        "write a probability such as 0.7, or an ICD 203 term such as `likely`",
                    ),
                );
                Likelihood::CERTAIN
            }),
            QualifierValue::Words(w) => Likelihood::from_word(w).unwrap_or_else(|| {
                let folded = w.split_whitespace().collect::<Vec<_>>().join(" ");
                // A stricter bound than usual: `probably not` must not
                // suggest `probably`, which means the opposite.
                let lower = folded.to_lowercase();
                let close = did_you_mean(&lower, Likelihood::all_words())
                    .filter(|s| edit_distance(&lower, s) <= (lower.chars().count() / 5).max(1));
                let help = match close {
                    Some(s) => format!("did you mean `{s}`? {terms}"),
                    None => terms.to_string(),
                };
                self.error(
                    Diagnostic::error(
                        Code::UnknownLikelihood,
                        format!("`{folded}` is not a likelihood"),
                    )
                    .with_label(q.span, "not an ICD 203 term")
                    .with_help(help),
                );
                Likelihood::CERTAIN
            }),
        }
    }

    /// A constant in column `col` of `pred`: checked against the column's
    /// declared type and interned. An integer in a `decimal` column becomes
    /// a decimal, so that it joins with the decimals of that column.
    fn constant(&mut self, term: &'a Term, pred: PredId, col: usize) -> ValueId {
        let ty = self.pred(pred).column_type(col);
        let id = match term {
            Term::Int { value, .. } if ty == ColumnType::Decimal => {
                self.values.intern(Value::Dec(*value as f64))
            }
            _ => self.term_value(term),
        };
        let found = match term {
            Term::Symbol(_) => ColumnType::Symbol,
            Term::Str(_) => ColumnType::Str,
            Term::Int { .. } => ColumnType::Int,
            Term::Dec { .. } => ColumnType::Decimal,
            Term::Var(_) => ColumnType::Any,
        };
        let fits = match (ty, found) {
            (ColumnType::Scale(s), ColumnType::Symbol) => {
                if !self.scales[s.0 as usize].values.contains(&id) {
                    self.unknown_scale_value(term, pred, col, s);
                }
                true
            }
            (ColumnType::Decimal, ColumnType::Int) => true,
            (want, got) => meet(want, got).is_some(),
        };
        if !fits {
            let p = self.pred(pred);
            let (name, type_span) = (p.name, p.type_spans.get(col).copied().flatten());
            let mut d = Diagnostic::error(
                Code::TypeMismatch,
                format!(
                    "column {} of `{name}` holds {}, not {}",
                    col + 1,
                    self.describe(ty),
                    self.describe(found)
                ),
            )
            .with_label(term.span(), format!("{} here", self.describe(found)));
            if let Some(s) = type_span {
                d = d.with_label(s, "the column's type is declared here");
            }
            let help = match ty {
                ColumnType::Scale(s) => format!(
                    "write a value of `{}`: {}",
                    self.scale_name(s),
                    self.scale_listing(s)
                ),
                _ => format!("write {} here", self.describe(ty)),
            };
            self.error(d.with_help(help));
        }
        id
    }

    /// The interned value of a constant term. Symbols and strings go
    /// through caches keyed by the AST's text, so that the common case (a
    /// value seen before) allocates nothing.
    fn term_value(&mut self, term: &'a Term) -> ValueId {
        match term {
            Term::Symbol(n) => self.symbol(&n.text),
            Term::Str(t) => match self.string_cache.get(t.value.as_str()) {
                Some(&v) => v,
                None => {
                    let v = self.values.intern(Value::Str(t.value.as_str().into()));
                    self.string_cache.insert(&t.value, v);
                    v
                }
            },
            Term::Int { value, .. } => match self.int_cache.get(value) {
                Some(&v) => v,
                None => {
                    let v = self.values.intern(Value::Int(*value));
                    self.int_cache.insert(*value, v);
                    v
                }
            },
            Term::Dec { value, .. } => self.values.intern(Value::Dec(*value)),
            // Not a constant; callers handle variables first.
            Term::Var(n) => self.symbol(&n.text),
        }
    }

    fn unknown_scale_value(&mut self, term: &Term, pred: PredId, col: usize, s: ir::ScaleId) {
        let scale = self.scale_name(s).to_string();
        let text = self.parsed.sources.slice(term.span());
        let help = self.scale_value_help(s, text);
        let p = self.pred(pred);
        let mut d = Diagnostic::error(
            Code::UnknownScaleValue,
            format!("`{text}` is not a value of scale `{scale}`"),
        )
        .with_label(
            term.span(),
            format!(
                "column {} of `{}` holds values of `{scale}`",
                col + 1,
                p.name
            ),
        );
        if let Some(ts) = p.type_spans.get(col).copied().flatten() {
            d = d.with_label(ts, format!("typed `{scale}` here"));
        }
        self.error(d.with_help(help));
    }

    /// A fact of a rule file or of a test's `given`.
    fn lower_fact(&mut self, f: &'a ast::Fact) -> ir::Fact {
        let pred = self.atom_pred(&f.atom);
        let mut row = Vec::with_capacity(f.atom.args.len());
        for (col, term) in f.atom.args.iter().enumerate() {
            if let Term::Var(n) = term {
                self.error(
                    Diagnostic::error(Code::UnsafeVariable, "a fact cannot contain variables")
                        .with_label(n.span, format!("`{}` is a variable", n.text))
                        .with_help(
                            "write a value here (a name like `japan`, a number, or a \"string\"); \
                         to state something for many values, write a rule",
                        ),
                );
                row.push(self.symbol(&n.text));
            } else {
                row.push(self.constant(term, pred, col));
            }
        }
        ir::Fact {
            pred,
            row,
            likelihood: self.likelihood(f.qualifier.as_ref()),
            origin: ir::FactOrigin::Stated(f.span),
        }
    }

    fn lower_rule(&mut self, r: &'a ast::Rule) -> ir::Rule {
        let (body, heads, because) = self.lower_body(BodySource {
            owner: format!("rule `{}`", r.name.text),
            when: &r.when,
            unless: &r.unless,
            heads: &r.then,
            because: r.because.as_ref(),
        });
        ir::Rule {
            name: r.name.text.clone(),
            span: r.span,
            body,
            heads,
            likelihood: self.likelihood(r.qualifier.as_ref()),
            because,
            cites: self.cites(&r.cites),
            stratum: 0,
        }
    }

    fn lower_conflict(&mut self, c: &'a ast::Conflict) -> ir::Conflict {
        let (body, _, _) = self.lower_body(BodySource {
            owner: format!("conflict `{}`", c.name.text),
            when: &c.when,
            unless: &c.unless,
            heads: &[],
            because: None,
        });
        ir::Conflict {
            name: c.name.text.clone(),
            description: c.description.as_ref().map(|d| d.value.clone()),
            span: c.span,
            body,
            cites: self.cites(&c.cites),
        }
    }

    fn cites(&mut self, cites: &[ast::Cite]) -> Vec<ir::Cite> {
        let mut out = Vec::with_capacity(cites.len());
        for c in cites {
            let Some(&source) = self.source_index.get(c.source.text.as_str()) else {
                let names: Vec<&str> = self.sources.iter().map(|s| s.name.as_str()).collect();
                let help = self.suggest(
                    &c.source.text,
                    names.iter().copied(),
                    format!(
                        "declare it: `source {} \"Author, Title, Year\".`",
                        c.source.text
                    ),
                );
                self.error(
                    Diagnostic::error(
                        Code::UnknownSource,
                        format!("unknown source `{}`", c.source.text),
                    )
                    .with_label(c.source.span, "no `source` declares this name")
                    .with_help(help),
                );
                continue;
            };
            out.push(ir::Cite {
                source,
                section: c.section.value.clone(),
                quote: c.quote.as_ref().map(|q| q.value.clone()),
                span: c.span,
            });
        }
        out
    }

    /// Records the column types of the variables of `atoms` in `scope`,
    /// reporting a variable used in columns of conflicting types.
    fn type_variables(&mut self, atoms: &[&'a ast::Atom], scope: &mut Scope<'a>) {
        let mut typed_at: HashMap<&'a str, Span> = HashMap::default();
        let mut reported: Vec<&'a str> = Vec::new();
        for atom in atoms {
            let Some(pred) = self.pred_id(&atom.pred.text) else {
                continue;
            };
            for (col, term) in atom.args.iter().enumerate() {
                let Term::Var(n) = term else { continue };
                let p = self.pred(pred);
                let ty = p.column_type(col);
                if ty == ColumnType::Any || wildcard(&n.text) {
                    continue;
                }
                let pred_name = p.name;
                match scope.types.get(n.text.as_str()) {
                    None => {
                        scope.types.insert(
                            &n.text,
                            VarType {
                                ty,
                                pred: pred_name,
                            },
                        );
                        typed_at.insert(&n.text, n.span);
                    }
                    Some(t) => match meet(t.ty, ty) {
                        Some(m) => {
                            if m != t.ty {
                                scope.types.insert(
                                    &n.text,
                                    VarType {
                                        ty: m,
                                        pred: pred_name,
                                    },
                                );
                            }
                        }
                        None if reported.contains(&n.text.as_str()) => {}
                        None => {
                            reported.push(&n.text);
                            let (old_ty, old_pred) = (t.ty, t.pred);
                            let first = typed_at.get(n.text.as_str()).copied().unwrap_or(n.span);
                            let d = Diagnostic::error(
                                Code::TypeMismatch,
                                format!(
                                    "`{}` cannot be both {} and {}",
                                    n.text,
                                    self.describe(old_ty),
                                    self.describe(ty)
                                ),
                            )
                            .with_label(
                                n.span,
                                format!(
                                    "column {} of `{pred_name}` holds {}",
                                    col + 1,
                                    self.describe(ty)
                                ),
                            )
                            .with_label(
                                first,
                                format!(
                                    "here `{}` is {} (from `{old_pred}`)",
                                    n.text,
                                    self.describe(old_ty)
                                ),
                            )
                            .with_help(
                                "no value has both types, so this can never match: use two \
                                 variables, or fix the `pred` declarations",
                            );
                            self.error(d);
                        }
                    },
                }
            }
        }
    }

    /// Lowers the arguments of an atom of a rule or conflict.
    fn lower_args(&mut self, atom: &'a ast::Atom, place: Place, scope: &mut Scope<'a>) -> ir::Atom {
        let pred = self.atom_pred(atom);
        let mut args = Vec::with_capacity(atom.args.len());
        for (col, term) in atom.args.iter().enumerate() {
            let arg = match term {
                Term::Var(n) if wildcard(&n.text) => match place {
                    Place::When => Arg::Var(scope.fresh()),
                    Place::Unless => Arg::Wildcard,
                    _ => {
                        self.error(
                            Diagnostic::error(
                                Code::UnsafeVariable,
                                "`_` cannot be used in a conclusion",
                            )
                            .with_label(n.span, "a conclusion needs a value for every argument")
                            .with_help(
                                "use a variable that a `when` condition binds, or write a value",
                            ),
                        );
                        Arg::Wildcard
                    }
                },
                Term::Var(n) => {
                    scope.occurrences.push(Occurrence {
                        name: &n.text,
                        span: n.span,
                        place,
                    });
                    Arg::Var(scope.var(&n.text))
                }
                _ => Arg::Const(self.constant(term, pred, col)),
            };
            args.push(arg);
        }
        ir::Atom {
            pred,
            args,
            span: atom.span,
        }
    }

    fn compare_arg(&mut self, term: &'a Term, scope: &mut Scope<'a>) -> Arg {
        match term {
            Term::Var(n) if wildcard(&n.text) => {
                self.error(
                    Diagnostic::error(Code::UnsafeVariable, "`_` cannot be used in a comparison")
                        .with_label(
                            n.span,
                            "`_` stands for any value, so there is nothing to compare",
                        )
                        .with_help("use a variable that a `when` atom binds"),
                );
                Arg::Wildcard
            }
            Term::Var(n) => {
                scope.occurrences.push(Occurrence {
                    name: &n.text,
                    span: n.span,
                    place: Place::Compare,
                });
                Arg::Var(scope.var(&n.text))
            }
            _ => Arg::Const(self.term_value(term)),
        }
    }

    /// The body, conclusions and `because` sentence of a rule or conflict.
    fn lower_body(
        &mut self,
        src: BodySource<'a>,
    ) -> (ir::Body, Vec<ir::Atom>, Option<Vec<ir::TemplatePiece>>) {
        let mut scope = Scope::default();
        let typed: Vec<&'a ast::Atom> = src
            .when
            .iter()
            .filter_map(|c| match c {
                Condition::Atom(a) => Some(a),
                Condition::Compare(_) => None,
            })
            .chain(src.unless)
            .chain(src.heads)
            .collect();
        self.type_variables(&typed, &mut scope);

        let mut body = ir::Body::default();
        for cond in src.when {
            match cond {
                Condition::Atom(a) => {
                    let atom = self.lower_args(a, Place::When, &mut scope);
                    body.atoms.push(atom);
                }
                Condition::Compare(c) => {
                    let kind = self.compare_kind(c, &scope);
                    let lhs = self.compare_arg(&c.lhs, &mut scope);
                    let rhs = self.compare_arg(&c.rhs, &mut scope);
                    body.comparisons.push(ir::Comparison {
                        lhs,
                        op: c.op,
                        rhs,
                        kind,
                        span: c.span,
                    });
                }
            }
        }
        for a in src.unless {
            let atom = self.lower_args(a, Place::Unless, &mut scope);
            body.exceptions.push(atom);
        }
        let heads: Vec<ir::Atom> = src
            .heads
            .iter()
            .map(|a| self.lower_args(a, Place::Head, &mut scope))
            .collect();
        let because = src
            .because
            .map(|t| self.lower_template(t, &src.owner, &mut scope));
        self.check_variables(&src.owner, &scope);
        body.vars = scope.vars;
        (body, heads, because)
    }

    fn lower_template(
        &mut self,
        t: &'a ast::Template,
        owner: &str,
        scope: &mut Scope<'a>,
    ) -> Vec<ir::TemplatePiece> {
        let mut pieces = Vec::with_capacity(t.pieces.len());
        for piece in &t.pieces {
            match piece {
                ast::TemplatePiece::Text(s) => pieces.push(ir::TemplatePiece::Text(s.clone())),
                ast::TemplatePiece::Var(n) => {
                    let known = !wildcard(&n.text) && scope.index.contains_key(n.text.as_str());
                    if known {
                        scope.occurrences.push(Occurrence {
                            name: &n.text,
                            span: n.span,
                            place: Place::Because,
                        });
                        pieces.push(ir::TemplatePiece::Var(scope.var(&n.text)));
                        continue;
                    }
                    let names: Vec<&str> = scope
                        .vars
                        .iter()
                        .map(String::as_str)
                        .filter(|v| !wildcard(v))
                        .collect();
                    let listing = if names.is_empty() {
                        format!("{owner} has no variables")
                    } else if let [only] = names[..] {
                        format!("the only variable of {owner} is `{only}`")
                    } else {
                        format!(
                            "the variables of {owner} are {}",
                            names
                                .iter()
                                .map(|v| format!("`{v}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    };
                    let help = match similar_var(&n.text, names.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => listing,
                    };
                    self.error(
                        Diagnostic::error(
                            Code::UnknownVariable,
                            format!(
                                "the `because` sentence names `{}`, which is not a variable of {owner}",
                                n.text
                            ),
                        )
                        .with_label(n.span, "no condition or conclusion uses this variable")
                        .with_help(help),
                    );
                    // A placeholder: the program is not produced anyway.
                    pieces.push(ir::TemplatePiece::Text(String::new()));
                }
            }
        }
        pieces
    }

    /// Unsafe and singleton variables of a rule or conflict.
    fn check_variables(&mut self, owner: &str, scope: &Scope<'a>) {
        // Names in order of first occurrence, with their occurrences.
        let mut names: Vec<(&'a str, Vec<&Occurrence<'a>>)> = Vec::new();
        let mut position: HashMap<&'a str, usize> = HashMap::default();
        for occ in &scope.occurrences {
            match position.get(occ.name) {
                Some(&i) => names[i].1.push(occ),
                None => {
                    position.insert(occ.name, names.len());
                    names.push((occ.name, vec![occ]));
                }
            }
        }
        let bound: Vec<&str> = names
            .iter()
            .filter(|(_, occs)| occs.iter().any(|o| o.place == Place::When))
            .map(|(n, _)| *n)
            .collect();
        // Every entry of `names` was created with one occurrence, so
        // `occs[0]` below cannot fail.
        for (name, occs) in &names {
            if bound.contains(name) {
                if occs.len() == 1 && !name.starts_with('_') {
                    let others = bound.iter().copied().filter(|b| b != name);
                    let help = match similar_var(name, others) {
                        Some(s) => {
                            format!("did you mean `{s}`? If any value will do here, write `_`")
                        }
                        None => format!(
                            "if any value will do here, write `_` (or start the name with `_`: `_{name}`)"
                        ),
                    };
                    self.diags.push(
                        Diagnostic::warning(
                            Code::SingletonVariable,
                            format!("variable `{name}` appears only once in {owner}"),
                        )
                        .with_label(occs[0].span, "used only here")
                        .with_help(help),
                    );
                }
                continue;
            }
            let first = occs[0];
            let where_ = match first.place {
                Place::Head => "in the conclusion",
                Place::Unless => "in `unless`",
                Place::Compare => "in a comparison",
                Place::Because => "in the `because` sentence",
                Place::When => "",
            };
            let mut d = Diagnostic::error(
                Code::UnsafeVariable,
                format!("variable `{name}` {where_} is never bound in {owner}"),
            );
            for occ in occs {
                let msg = match occ.place {
                    Place::Head => {
                        "the conclusion needs a value for this, and no `when` atom gives one"
                    }
                    Place::Unless => "an `unless` cannot give a variable a value",
                    Place::Compare => "a comparison cannot give a variable a value",
                    Place::Because => "no `when` atom gives this a value",
                    Place::When => "",
                };
                d = d.with_label(occ.span, msg);
            }
            let help = match similar_var(name, bound.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None if first.place == Place::Unless => format!(
                    "bind `{name}` in a `when` atom, or write `_` in the `unless` if any value will do"
                ),
                None => format!(
                    "add a `when` atom that binds `{name}` (only positive atoms give variables values)"
                ),
            };
            self.diags.push(d.with_help(help));
        }
    }

    fn lower_test(
        &mut self,
        t: &'a ast::Test,
        rule_index: &HashMap<&'a str, (RuleId, Span)>,
    ) -> ir::Test {
        let given = t.given.iter().map(|f| self.lower_fact(f)).collect();
        let mut expects = Vec::with_capacity(t.expects.len());
        for e in &t.expects {
            let pred = self.atom_pred(&e.atom);
            let mut scope = Scope::default();
            let mut args = Vec::with_capacity(e.atom.args.len());
            for (col, term) in e.atom.args.iter().enumerate() {
                args.push(match term {
                    Term::Var(n) if wildcard(&n.text) => Arg::Wildcard,
                    Term::Var(n) => Arg::Var(scope.var(&n.text)),
                    _ => Arg::Const(self.constant(term, pred, col)),
                });
            }
            let at_least = e.at_least.as_ref().map(|q| self.likelihood(Some(q)));
            let by_rule = e.by_rule.as_ref().and_then(|name| {
                if let Some(&(id, _)) = rule_index.get(name.text.as_str()) {
                    return Some(id);
                }
                let help = self.suggest(
                    &name.text,
                    rule_index
                        .keys()
                        .copied()
                        .collect::<Vec<_>>()
                        .iter()
                        .copied(),
                    "`by` names the rule that must have drawn the conclusion",
                );
                // Deterministic suggestion: `did_you_mean` takes the least
                // distance, ties broken by name.
                self.error(
                    Diagnostic::error(Code::UnknownRule, format!("unknown rule `{}`", name.text))
                        .with_label(name.span, "no rule has this name")
                        .with_help(help),
                );
                None
            });
            expects.push(ir::Expect {
                negated: e.negated,
                atom: ir::Atom {
                    pred,
                    args,
                    span: e.atom.span,
                },
                vars: scope.vars,
                at_least,
                by_rule,
                span: e.span,
            });
        }
        ir::Test {
            name: t.name.value.clone(),
            file: t.span.file,
            span: t.span,
            given,
            expects,
            // Resolved once every conflict is lowered: `resolve_conflict_expects`.
            conflicts: Vec::new(),
        }
    }

    fn lower_input(&mut self, i: &'a ast::InputDecl) -> Option<ir::Input> {
        let pred = self.pred_id(&i.pred.text)?;
        let declaring = &self.parsed.sources.get(i.span.file).path;
        let base = declaring.parent().unwrap_or(Path::new(""));
        let path = base.join(&i.path.value);
        let ext = Path::new(&i.path.value)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        let format = match ext.as_deref() {
            Some("csv") => ir::InputFormat::Csv,
            Some("tsv") => ir::InputFormat::Tsv,
            _ => {
                self.error(
                    Diagnostic::error(
                        Code::Input,
                        format!("`input` reads .csv or .tsv files, not {:?}", i.path.value),
                    )
                    .with_label(i.path.span, "not a .csv or .tsv file")
                    .with_help(
                        "save the facts as comma-separated (.csv) or tab-separated (.tsv) \
                         values, one fact per line",
                    ),
                );
                return None;
            }
        };
        if !path.is_file() {
            let shown = path.to_string_lossy().replace('\\', "/");
            let what = if path.exists() {
                "is not a file"
            } else {
                "does not exist"
            };
            self.error(
                Diagnostic::error(Code::Input, format!("input file {shown} {what}"))
                    .with_label(i.path.span, "no file at this path")
                    .with_help(
                        "the path is relative to the folder of the file that declares the `input`",
                    ),
            );
        }
        Some(ir::Input {
            pred,
            path,
            format,
            header: i.header,
            span: i.span,
        })
    }
}
