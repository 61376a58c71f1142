//! Pass 3: facts, rules, conflicts and inputs to the IR, checking column
//! types, scale values, likelihoods, sources and rule names on the way (the
//! variables of a rule: [`super::scope`]; constants and likelihoods:
//! [`super::constants`]; tests: [`super::expect`]).

use std::path::Path;

use super::Checker;
use super::arith;
use super::scope::{Place, Scope, similar_var, wildcard};
use super::types::meet;
use crate::diagnostics::{Code, Diagnostic, Help};
use crate::hash::HashMap;
use crate::ir::{self, Arg, PredId};
use crate::source::Span;
use crate::syntax::ast::{self, Condition, Item, Term};

/// Everything lowered, in the order written (files in `FileId` order).
pub(super) struct Lowered {
    pub facts: Vec<ir::Fact>,
    pub retractions: Vec<ir::Retraction>,
    pub inputs: Vec<ir::Input>,
    pub rules: Vec<ir::Rule>,
    pub conflicts: Vec<ir::Conflict>,
    pub tests: Vec<ir::Test>,
}

/// What a rule or conflict consists of, for [`Checker::lower_body`].
struct BodySource<'a> {
    /// "rule `name`", "conflict `name`" or "the query", for messages.
    owner: String,
    /// Whether the conclusions were written (not those of a query, made
    /// from its variables), so diagnostics may point at them.
    heads_written: bool,
    /// A conflict reports every named variable's value with it, so a
    /// variable met once still carries information there.
    reports_bindings: bool,
    when: &'a [Condition],
    unless: &'a [ast::Atom],
    heads: &'a [ast::Atom],
    because: Option<&'a ast::Template>,
}

impl<'a> Checker<'a> {
    pub(super) fn lower_all(&mut self) -> Lowered {
        let mut out = Lowered {
            facts: Vec::new(),
            retractions: Vec::new(),
            inputs: Vec::new(),
            rules: Vec::new(),
            conflicts: Vec::new(),
            tests: Vec::new(),
        };
        let mut rule_names: HashMap<&'a str, Span> = HashMap::default();
        for item in self.items() {
            if let Item::Rule(r) = item {
                match rule_names.get(r.name.text.as_str()) {
                    Some(&first) => self.error(
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
                        rule_names.insert(&r.name.text, r.name.span);
                    }
                }
            }
        }
        let mut conflict_names: HashMap<&'a str, Span> = HashMap::default();
        for item in self.items() {
            match item {
                Item::Fact(f) => {
                    let fact = self.lower_fact(f);
                    out.facts.push(fact);
                }
                Item::Retract(r) => {
                    let retraction = self.lower_retraction(r, "retract");
                    out.retractions.push(retraction);
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
                // An input read from elsewhere (`--input-parquet`) replaces the declared files.
                Item::Input(i) if self.inputs_elsewhere.contains(&i.pred.text) => {}
                Item::Input(i) => {
                    if let Some(input) = self.lower_input(i) {
                        out.inputs.push(input);
                    }
                }
                // Tests are lowered once every rule and conflict is: `lower_tests`.
                Item::Test(_) => {}
                Item::Use(_) | Item::Scale(_) | Item::Pred(_) | Item::Source(_) => {}
            }
        }
        out
    }

    /// The id of a registered predicate (every atom was registered in pass 2).
    pub(super) fn atom_pred(&mut self, atom: &'a ast::Atom) -> PredId {
        match self.pred_id(&atom.pred.text) {
            Some(id) => id,
            // Not reached: pass 2 registered every atom. Registering here
            // keeps this total.
            None => self.intern_pred(&atom.pred.text, atom.span, atom.args.len()),
        }
    }

    /// A fact of a rule file or of a test's `given`.
    pub(super) fn lower_fact(&mut self, f: &'a ast::Fact) -> ir::Fact {
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
                row.push(self.text(&n.text));
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
            owner: if r.query {
                "the query".to_string()
            } else {
                format!("rule `{}`", r.name.text)
            },
            heads_written: !r.query,
            reports_bindings: false,
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
            heads_written: true,
            reports_bindings: true,
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
            self.check_quote(source, c);
            out.push(ir::Cite {
                source,
                section: c.section.value.clone(),
                quote: c.quote.as_ref().map(|q| q.value.clone()),
                span: c.span,
            });
        }
        out
    }

    /// Lowers the arguments of an atom of a rule or conflict.
    pub(super) fn lower_args(
        &mut self,
        atom: &'a ast::Atom,
        place: Place,
        scope: &mut Scope<'a>,
    ) -> ir::Atom {
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
                Term::Var(n) => Arg::Var(scope.occurs(&n.text, n.span, place)),
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

    pub(super) fn compare_arg(&mut self, term: &'a Term, scope: &mut Scope<'a>) -> Arg {
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
            Term::Var(n) => Arg::Var(scope.occurs(&n.text, n.span, Place::Compare)),
            _ => Arg::Const(self.term_value(term)),
        }
    }

    /// The body, conclusions and `because` sentence of a rule or conflict.
    fn lower_body(
        &mut self,
        src: BodySource<'a>,
    ) -> (ir::Body, Vec<ir::Atom>, Option<Vec<ir::TemplatePiece>>) {
        let mut scope = Scope::default();
        let mut aggregates = Vec::new();
        for c in src.when {
            arith::condition_aggregates(c, &mut aggregates);
        }
        for h in src.heads {
            for t in &h.args {
                arith::aggregates_in(t, &mut aggregates);
            }
        }
        let typed: Vec<&'a ast::Atom> = src
            .when
            .iter()
            .chain(aggregates.iter().flat_map(|a| &a.body))
            .filter_map(|c| match c {
                Condition::Atom(a) => Some(a),
                Condition::Compare(_) => None,
            })
            .chain(src.unless)
            .chain(src.heads)
            .collect();
        self.type_variables(&typed, &mut scope);

        // Atoms first: they bind; then comparisons, which may bind by `=`.
        let mut body = ir::Body::default();
        let mut comparisons = Vec::new();
        for cond in src.when {
            match cond {
                Condition::Atom(a) => {
                    let atom = self.lower_args(a, Place::When, &mut scope);
                    body.atoms.push(atom);
                }
                Condition::Compare(c) => comparisons.push(c),
            }
        }
        self.lower_comparisons(&comparisons, &mut scope, &mut body);
        for a in src.unless {
            let atom = self.lower_args(a, Place::Unless, &mut scope);
            body.exceptions.push(atom);
        }
        let heads: Vec<ir::Atom> = src
            .heads
            .iter()
            .map(|a| self.lower_head(a, &mut scope, &mut body))
            .collect();
        Self::group_aggregates(&mut body, &heads);
        let because = src
            .because
            .map(|t| self.lower_template(t, &src.owner, &mut scope));
        self.check_variables(&src.owner, &scope, src.reports_bindings, src.heads_written);
        body.vars = scope.vars;
        (body, heads, because)
    }

    /// A conclusion: like [`Checker::lower_args`], but an argument may be
    /// an expression, computed into a hidden variable.
    fn lower_head(
        &mut self,
        atom: &'a ast::Atom,
        scope: &mut Scope<'a>,
        body: &mut ir::Body,
    ) -> ir::Atom {
        if !atom.args.iter().any(|t| matches!(t, Term::Expr(_))) {
            return self.lower_args(atom, Place::Head, scope);
        }
        let pred = self.atom_pred(atom);
        let mut args = Vec::with_capacity(atom.args.len());
        for (col, term) in atom.args.iter().enumerate() {
            let arg = match term {
                Term::Expr(_) => {
                    let want = self.pred(pred).column_type(col);
                    let got = self.expr_type(term, &scope.types);
                    if meet(want, got).is_none() {
                        self.error(
                            Diagnostic::error(
                                Code::TypeMismatch,
                                format!(
                                    "column {} of `{}` holds {}, not {}",
                                    col + 1,
                                    atom.pred.text,
                                    self.describe(want),
                                    self.describe(got)
                                ),
                            )
                            .with_label(term.span(), format!("{} here", self.describe(got)))
                            .with_help(format!("compute {} here", self.describe(want))),
                        );
                    }
                    self.operand(term, scope, body)
                }
                Term::Var(n) if !wildcard(&n.text) => {
                    Arg::Var(scope.occurs(&n.text, n.span, Place::Head))
                }
                Term::Var(_) => {
                    // `_` in a conclusion: reported by `lower_args`' rule.
                    return self.lower_args(atom, Place::Head, scope);
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
                    let known = !wildcard(&n.text) && scope.has(&n.text);
                    if known {
                        pieces.push(ir::TemplatePiece::Var(scope.occurs(
                            &n.text,
                            n.span,
                            Place::Because,
                        )));
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
                        // The label covers the braces.
                        Some(s) => Help {
                            replacement: Some(format!("{{{s}}}")),
                            ..Help::did_you_mean(s)
                        },
                        None => Help::from(listing),
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
        let readable = path.is_file();
        if !readable {
            let shown = path.to_string_lossy().replace('\\', "/");
            let what = if path.is_dir() {
                "is a folder"
            } else if path.exists() {
                "is not a regular file"
            } else {
                "does not exist"
            };
            // A file that cannot be read is an I/O problem (exit 2).
            self.error(
                Diagnostic::error(Code::Io, format!("input file {shown} {what}"))
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
            rows: ir::InputRows::default(),
        })
        .filter(|_| readable)
    }
}
