//! The names of a world and where each occurs: what hover, definition,
//! references and completion look up. Built from the syntax tree, so that it
//! is there even while a file has errors (the parser recovers item by item).

use indexmap::IndexMap;
use warrant::source::{FileId, Span};
use warrant::syntax::Parsed;
use warrant::syntax::ast::{self, AggregateOp, CompareOp, ExprKind, Item, Term};

/// A thing a name can stand for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Symbol {
    Pred(String),
    Rule(String),
    Scale(String),
    /// A value of a scale.
    Value {
        scale: String,
        value: String,
    },
    Source(String),
    Conflict(String),
    /// A symbol that is no scale's value: `japan`.
    Constant(String),
    /// The file a `use` imports.
    Import(FileId),
    /// A variable of one rule or conflict (`item`: where its name is).
    Var {
        name: String,
        item: Span,
    },
    /// A name called as a function or test: `abs(N)`, `contains(T, P)`
    /// (built-in or, when misspelt, nothing).
    Function(String),
    /// The keyword of an aggregate: `count { … }`.
    Aggregate(AggregateOp),
}

/// How an occurrence relates to its symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Where it is declared: `pred`, `rule`, `scale`, `source`, `conflict`.
    Declaration,
    /// A fact that states it or a rule that concludes it (a predicate
    /// without a `pred` declaration is defined there); for a variable, an
    /// atom of a `when` that binds it.
    Assertion,
    Use,
}

#[derive(Clone, Debug)]
pub struct Occurrence {
    pub span: Span,
    pub symbol: Symbol,
    pub role: Role,
}

/// A predicate's declared parameters: names, and types where given.
#[derive(Clone, Debug, Default)]
pub struct Params {
    pub names: Vec<String>,
    pub types: Vec<Option<String>>,
}

#[derive(Debug, Default)]
pub struct Index {
    /// Every occurrence of a name, files in load order, each file in order.
    pub occurrences: Vec<Occurrence>,
    /// Scales and their values, low to high.
    pub scales: IndexMap<String, Vec<String>>,
    /// Every predicate; declared ones with their parameters, others with
    /// `None` and the arity of their first use.
    pub preds: IndexMap<String, (Option<Params>, usize)>,
    /// Constants and how often each occurs.
    pub constants: IndexMap<String, usize>,
    pub sources: IndexMap<String, String>,
    pub rules: Vec<String>,
    pub conflicts: Vec<String>,
    /// While walking a rule or conflict: where its name is (its variables'
    /// scope), and whether the atom walked binds (a `when` atom).
    scope: Option<Span>,
    binding: bool,
}

impl Index {
    pub fn build(parsed: &Parsed) -> Index {
        let mut index = Index::default();
        // Declarations first: a symbol's meaning may depend on a scale or a
        // `pred` declared further on or in another file.
        for module in &parsed.modules {
            for item in &module.items {
                index.declare(item);
            }
        }
        for (file, module) in parsed.modules.iter().enumerate() {
            let imports = parsed.imports.get(file).map_or(&[][..], Vec::as_slice);
            for item in &module.items {
                index.walk(item, imports);
            }
        }
        index
    }

    fn declare(&mut self, item: &Item) {
        match item {
            Item::Scale(s) => {
                let values = s.values.iter().map(|v| v.text.clone()).collect();
                self.scales.entry(s.name.text.clone()).or_insert(values);
            }
            Item::Pred(p) => {
                let params = Params {
                    names: p.params.iter().map(|x| x.name.text.clone()).collect(),
                    types: p
                        .params
                        .iter()
                        .map(|x| x.ty.as_ref().map(|t| t.text.clone()))
                        .collect(),
                };
                let arity = p.params.len();
                self.preds
                    .entry(p.name.text.clone())
                    .or_insert((Some(params), arity));
            }
            Item::Source(s) => {
                self.sources
                    .entry(s.name.text.clone())
                    .or_insert_with(|| s.title.value.clone());
            }
            Item::Rule(r) => self.rules.push(r.name.text.clone()),
            Item::Conflict(c) => self.conflicts.push(c.name.text.clone()),
            Item::Use(_) | Item::Input(_) | Item::Fact(_) | Item::Retract(_) | Item::Test(_) => {}
        }
    }

    fn push(&mut self, span: Span, symbol: Symbol, role: Role) {
        self.occurrences.push(Occurrence { span, symbol, role });
    }

    fn walk(&mut self, item: &Item, imports: &[(FileId, Span)]) {
        match item {
            Item::Use(u) => {
                if let Some(&(target, _)) = imports.iter().find(|(_, s)| *s == u.path.span) {
                    self.push(u.path.span, Symbol::Import(target), Role::Use);
                }
            }
            Item::Scale(s) => {
                let scale = s.name.text.clone();
                self.push(s.name.span, Symbol::Scale(scale.clone()), Role::Declaration);
                for v in &s.values {
                    let value = Symbol::Value {
                        scale: scale.clone(),
                        value: v.text.clone(),
                    };
                    self.push(v.span, value, Role::Declaration);
                }
            }
            Item::Pred(p) => {
                self.push(
                    p.name.span,
                    Symbol::Pred(p.name.text.clone()),
                    Role::Declaration,
                );
                for ty in p.params.iter().filter_map(|x| x.ty.as_ref()) {
                    if self.scales.contains_key(&ty.text) {
                        self.push(ty.span, Symbol::Scale(ty.text.clone()), Role::Use);
                    }
                }
            }
            Item::Source(s) => {
                self.push(
                    s.name.span,
                    Symbol::Source(s.name.text.clone()),
                    Role::Declaration,
                );
            }
            Item::Input(i) => {
                self.push(
                    i.pred.span,
                    Symbol::Pred(i.pred.text.clone()),
                    Role::Assertion,
                );
            }
            Item::Fact(f) => self.atom(&f.atom, Role::Assertion),
            // Taking facts back states nothing: a use, not a definition.
            Item::Retract(r) => self.atom(&r.atom, Role::Use),
            Item::Rule(r) => {
                self.push(
                    r.name.span,
                    Symbol::Rule(r.name.text.clone()),
                    Role::Declaration,
                );
                self.scope = Some(r.name.span);
                self.conditions(&r.when);
                for a in &r.unless {
                    self.atom(a, Role::Use);
                }
                for a in &r.then {
                    self.atom(a, Role::Assertion);
                }
                if let Some(because) = &r.because {
                    for piece in &because.pieces {
                        if let ast::TemplatePiece::Var(v) = piece {
                            // The name without its braces: `{A}`.
                            let braces = (v.span.end - v.span.start) as usize == v.text.len() + 2;
                            let name = ast::Name {
                                text: v.text.clone(),
                                span: if braces {
                                    Span::new(
                                        v.span.file,
                                        v.span.start as usize + 1,
                                        v.span.end as usize - 1,
                                    )
                                } else {
                                    v.span
                                },
                            };
                            self.variable(&name, Role::Use);
                        }
                    }
                }
                self.scope = None;
                self.cites(&r.cites);
            }
            Item::Conflict(c) => {
                let name = Symbol::Conflict(c.name.text.clone());
                self.push(c.name.span, name, Role::Declaration);
                self.scope = Some(c.name.span);
                self.conditions(&c.when);
                for a in &c.unless {
                    self.atom(a, Role::Use);
                }
                self.scope = None;
                self.cites(&c.cites);
            }
            Item::Test(t) => {
                for f in &t.given {
                    self.atom(&f.atom, Role::Use);
                }
                for w in &t.without {
                    self.atom(&w.atom, Role::Use);
                }
                for e in &t.expects {
                    self.atom(&e.atom, Role::Use);
                    if let Some(rule) = &e.by_rule {
                        self.push(rule.span, Symbol::Rule(rule.text.clone()), Role::Use);
                    }
                }
                for c in &t.conflicts {
                    let name = Symbol::Conflict(c.name.text.clone());
                    self.push(c.name.span, name, Role::Use);
                }
            }
        }
    }

    fn conditions(&mut self, conditions: &[ast::Condition]) {
        for c in conditions {
            match c {
                ast::Condition::Atom(a) => {
                    self.binding = true;
                    self.atom(a, Role::Use);
                    self.binding = false;
                }
                ast::Condition::Compare(cmp) => {
                    if cmp.op == CompareOp::Contains {
                        let name = CompareOp::Contains.symbol();
                        self.push(
                            keyword(cmp.span, name),
                            Symbol::Function(name.into()),
                            Role::Use,
                        );
                    }
                    self.term(&cmp.lhs, None);
                    self.term(&cmp.rhs, None);
                }
            }
        }
    }

    /// A variable of the rule or conflict being indexed.
    fn variable(&mut self, name: &ast::Name, role: Role) {
        let Some(item) = self.scope else { return };
        if name.text == "_" {
            return;
        }
        let symbol = Symbol::Var {
            name: name.text.clone(),
            item,
        };
        self.push(name.span, symbol, role);
    }

    fn cites(&mut self, cites: &[ast::Cite]) {
        for c in cites {
            let name = Symbol::Source(c.source.text.clone());
            self.push(c.source.span, name, Role::Use);
        }
    }

    fn atom(&mut self, atom: &ast::Atom, role: Role) {
        let pred = &atom.pred.text;
        self.push(atom.pred.span, Symbol::Pred(pred.clone()), role);
        self.preds
            .entry(pred.clone())
            .or_insert((None, atom.args.len()));
        for (i, arg) in atom.args.iter().enumerate() {
            let declared = self
                .preds
                .get(pred)
                .and_then(|(params, _)| params.as_ref())
                .and_then(|p| p.types.get(i).cloned().flatten());
            self.term(arg, declared.as_deref());
        }
    }

    /// A symbol in a column of scale `typed` is that scale's value; any
    /// other symbol is a value of the first scale that has it, or a constant.
    fn term(&mut self, term: &Term, typed: Option<&str>) {
        let name = match term {
            Term::Symbol(name) => name,
            Term::Var(v) => {
                let role = if self.binding {
                    Role::Assertion
                } else {
                    Role::Use
                };
                return self.variable(v, role);
            }
            // Expressions and aggregates: their predicates, constants and
            // variables (an aggregate's atoms bind its own variables).
            Term::Expr(e) => {
                let binding = std::mem::replace(&mut self.binding, false);
                match &e.kind {
                    ExprKind::Neg(t) => self.term(t, None),
                    ExprKind::Binary(_, a, b) => {
                        self.term(a, None);
                        self.term(b, None);
                    }
                    ExprKind::Call(name, args) => {
                        self.push(name.span, Symbol::Function(name.text.clone()), Role::Use);
                        args.iter().for_each(|a| self.term(a, None));
                    }
                    ExprKind::Aggregate(agg) => {
                        let op = agg.op;
                        self.push(
                            keyword(e.span, op.keyword()),
                            Symbol::Aggregate(op),
                            Role::Use,
                        );
                        if let Some(t) = &agg.target {
                            self.variable(t, Role::Use);
                        }
                        self.conditions(&agg.body);
                    }
                }
                self.binding = binding;
                return;
            }
            _ => return,
        };
        let text = &name.text;
        let scale = typed
            .filter(|s| self.scales.get(*s).is_some_and(|v| v.contains(text)))
            .map(str::to_string)
            .or_else(|| {
                self.scales
                    .iter()
                    .find(|(_, values)| values.contains(text))
                    .map(|(s, _)| s.clone())
            });
        let symbol = match scale {
            Some(scale) => Symbol::Value {
                scale,
                value: text.clone(),
            },
            None => {
                *self.constants.entry(text.clone()).or_default() += 1;
                Symbol::Constant(text.clone())
            }
        };
        self.push(name.span, symbol, Role::Use);
    }

    /// The occurrence under a cursor: a name that contains the offset or
    /// ends right at it.
    pub fn at(&self, file: FileId, offset: usize) -> Option<&Occurrence> {
        let offset = offset as u32;
        self.occurrences
            .iter()
            .find(|o| o.span.file == file && o.span.start <= offset && offset <= o.span.end)
    }

    /// Where a symbol is defined: its declarations, or for a predicate
    /// without one, the facts and conclusions that state it.
    pub fn definitions(&self, symbol: &Symbol) -> Vec<Span> {
        let with = |role| -> Vec<Span> {
            self.occurrences
                .iter()
                .filter(|o| o.role == role && o.symbol == *symbol)
                .map(|o| o.span)
                .collect()
        };
        let declared = with(Role::Declaration);
        match symbol {
            Symbol::Pred(_) if declared.is_empty() => with(Role::Assertion),
            // A variable is defined by the atoms that bind it, or else by
            // its first occurrence (`N = A + 1`).
            Symbol::Var { .. } => {
                let binding = with(Role::Assertion);
                if binding.is_empty() {
                    self.references(symbol).map(|o| o.span).take(1).collect()
                } else {
                    binding
                }
            }
            _ => declared,
        }
    }

    /// Every occurrence of a symbol, its declarations included.
    pub fn references(&self, symbol: &Symbol) -> impl Iterator<Item = &Occurrence> {
        self.occurrences.iter().filter(move |o| o.symbol == *symbol)
    }
}

/// The keyword that starts a construct written at `span`.
fn keyword(span: Span, word: &str) -> Span {
    let start = span.start as usize;
    Span::new(span.file, start, start + word.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use warrant::syntax::{Overlay, file_key, load_with_overlay};

    fn index(text: &str) -> (Index, String) {
        let path = PathBuf::from("/nonexistent/warrant-index/main.wr");
        let mut overlay = Overlay::new();
        overlay.insert(file_key(&path), text.into());
        (
            Index::build(&load_with_overlay(&[path], &overlay)),
            text.to_string(),
        )
    }

    /// Each occurrence of a symbol as (text, role), in order.
    fn occurrences(index: &Index, text: &str, symbol: &Symbol) -> Vec<(String, Role)> {
        index
            .references(symbol)
            .map(|o| {
                (
                    text[o.span.start as usize..o.span.end as usize].to_string(),
                    o.role,
                )
            })
            .collect()
    }

    #[test]
    fn every_occurrence_has_its_symbol_and_role() {
        let (index, text) = index(concat!(
            "scale level: low < high.\n",
            "pred d(x, l: level).\n",
            "d(a, high).\n",
            "retract d(a, _).\n",
            "rule r when d(X, L), L >= low then e(X) cite s \"p\".\n",
            "source s \"S\".\n",
            "test \"t\" { without d(a, high). expect e(a) by r. }\n",
        ));
        use Role::*;
        let d = Symbol::Pred("d".into());
        let roles: Vec<Role> = occurrences(&index, &text, &d)
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        assert_eq!(roles, [Declaration, Assertion, Use, Use, Use]);
        let high = Symbol::Value {
            scale: "level".into(),
            value: "high".into(),
        };
        assert_eq!(occurrences(&index, &text, &high).len(), 3);
        let low = Symbol::Value {
            scale: "level".into(),
            value: "low".into(),
        };
        assert_eq!(occurrences(&index, &text, &low).len(), 2);
        assert_eq!(index.constants.get("a"), Some(&4));
        let e = Symbol::Pred("e".into());
        let defined: Vec<&str> = index
            .definitions(&e)
            .iter()
            .map(|s| &text[s.start as usize..s.end as usize])
            .collect();
        assert_eq!(defined, ["e"]);
        assert_eq!(
            index.definitions(&e)[0].start as usize,
            text.find("e(X)").unwrap()
        );
        let rule = occurrences(&index, &text, &Symbol::Rule("r".into()));
        assert_eq!(
            rule,
            [("r".to_string(), Declaration), ("r".to_string(), Use)]
        );
        let source = occurrences(&index, &text, &Symbol::Source("s".into()));
        assert_eq!(
            source,
            [("s".to_string(), Use), ("s".to_string(), Declaration)]
        );
        let level = occurrences(&index, &text, &Symbol::Scale("level".into()));
        assert_eq!(
            level,
            [
                ("level".to_string(), Declaration),
                ("level".to_string(), Use)
            ]
        );
    }

    #[test]
    fn expressions_and_aggregates_are_walked() {
        let (index, text) = index(concat!(
            "troops(japan, 5).\n",
            "rule r when troops(C, N), M = -N + abs(N), ",
            "T = sum Y { troops(X, Y), X != C } then big(C, M, T) because \"{C}\".\n",
        ));
        use Role::*;
        let troops = Symbol::Pred("troops".into());
        assert_eq!(
            occurrences(&index, &text, &troops),
            [
                ("troops".into(), Assertion),
                ("troops".into(), Use),
                ("troops".into(), Use)
            ]
        );
        let item = index.definitions(&Symbol::Rule("r".into()))[0];
        let var = |name: &str| Symbol::Var {
            name: name.into(),
            item,
        };
        let roles = |name: &str| -> Vec<Role> {
            occurrences(&index, &text, &var(name))
                .into_iter()
                .map(|(t, r)| {
                    assert_eq!(t, name);
                    r
                })
                .collect()
        };
        assert_eq!(roles("N"), [Assertion, Use, Use]);
        assert_eq!(roles("C"), [Assertion, Use, Use, Use]);
        assert_eq!(roles("M"), [Use, Use]);
        assert_eq!(roles("Y"), [Use, Assertion]);
        assert_eq!(roles("X"), [Assertion, Use]);
        // Bound by `=`: defined where it first occurs.
        let m = index.definitions(&var("M"));
        assert_eq!(&text[m[0].start as usize..m[0].end as usize], "M");
        assert_eq!(m.len(), 1);
    }
}
