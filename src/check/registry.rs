//! Pass 2, the predicate registry: every atom of every item, for arities
//! and for what makes a predicate known (declared, stated, concluded,
//! loaded); then every predicate used but never known.

use super::{Checker, arith, untyped};
use crate::diagnostics::{Code, Diagnostic, Help, did_you_mean};
use crate::source::Span;
use crate::syntax::ast::{self, Item};

/// How an atom is used, for the registry.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    /// A fact, a test's `given`, or a rule's conclusion: defines it.
    Defines,
    /// A condition or expectation: needs it to exist.
    Needs,
}

impl<'a> Checker<'a> {
    /// Pass 2: every atom of every item, in written order, so that
    /// undeclared predicates are numbered by first appearance and every use
    /// is checked against one arity.
    pub(super) fn register_predicates(&mut self) {
        for item in self.items() {
            match item {
                Item::Fact(f) => self.register_atom(&f.atom, Use::Defines),
                Item::Rule(r) => {
                    for c in &r.when {
                        self.register_condition(c);
                    }
                    for h in &r.then {
                        for t in &h.args {
                            self.register_term(t);
                        }
                    }
                    for a in &r.unless {
                        self.register_atom(a, Use::Needs);
                    }
                    for a in &r.then {
                        self.register_atom(a, Use::Defines);
                    }
                }
                Item::Conflict(c) => {
                    for cond in &c.when {
                        self.register_condition(cond);
                    }
                    for a in &c.unless {
                        self.register_atom(a, Use::Needs);
                    }
                }
                Item::Retract(r) => self.register_atom(&r.atom, Use::Needs),
                Item::Test(t) => {
                    for f in &t.given {
                        self.register_atom(&f.atom, Use::Defines);
                    }
                    for r in &t.without {
                        self.register_atom(&r.atom, Use::Needs);
                    }
                    for e in &t.expects {
                        self.register_atom(&e.atom, Use::Needs);
                    }
                }
                Item::Input(i) => {
                    // An input gives no arity (the file is read later): the
                    // predicate's arity comes from its declaration or uses.
                    let id = match self.pred_id(&i.pred.text) {
                        Some(id) => id,
                        None => {
                            let id = self.intern_pred(&i.pred.text, i.pred.span, 0);
                            self.preds[id.0 as usize].arity_known = false;
                            id
                        }
                    };
                    let p = &mut self.preds[id.0 as usize];
                    p.loaded = true;
                    p.inputs.push(i.pred.span);
                }
                Item::Use(_) | Item::Scale(_) | Item::Pred(_) | Item::Source(_) => {}
            }
        }
    }

    /// `contains(T, P)` in a condition is the built-in text test, so a
    /// predicate of that name could never be read: an error, not a
    /// silently different meaning.
    pub(super) fn reserve_builtin_tests(&mut self) {
        let Some(id) = self.pred_id("contains") else {
            return;
        };
        let p = &self.preds[id.0 as usize];
        let span = p.decl.unwrap_or(p.first_seen);
        self.error(
            Diagnostic::error(
                Code::ReservedName,
                "`contains` is a built-in test, not a name for a predicate",
            )
            .with_label(span, "a predicate named `contains`")
            .with_help(
                "rename the predicate; in a condition, `contains(T, P)` holds when the text `T` \
                 contains the text `P`",
            ),
        );
    }

    /// Registers the atoms of a condition, those inside aggregates included.
    fn register_condition(&mut self, c: &'a ast::Condition) {
        match c {
            ast::Condition::Atom(a) => self.register_atom(a, Use::Needs),
            ast::Condition::Compare(cmp) => {
                self.register_term(&cmp.lhs);
                self.register_term(&cmp.rhs);
            }
        }
    }

    fn register_term(&mut self, t: &'a ast::Term) {
        let mut aggs = Vec::new();
        arith::aggregates_in(t, &mut aggs);
        for agg in aggs {
            for c in &agg.body {
                if let ast::Condition::Atom(a) = c {
                    self.register_atom(a, Use::Needs);
                }
            }
        }
    }

    fn register_atom(&mut self, atom: &'a ast::Atom, how: Use) {
        let arity = atom.args.len();
        let id = self.intern_pred(&atom.pred.text, atom.span, arity);
        let p = &mut self.preds[id.0 as usize];
        match how {
            Use::Defines => p.defined = true,
            Use::Needs => p.uses.push(atom.pred.span),
        }
        if !p.arity_known {
            // Met first in an `input`, which gives no arity: this atom does.
            p.arity_known = true;
            p.arity = arity;
            p.arity_span = atom.span;
            p.params = untyped(arity);
            p.type_spans = vec![None; arity];
            return;
        }
        if arity != p.arity {
            let (name, expected, reference, declared) =
                (p.name, p.arity, p.arity_span, p.decl.is_some());
            self.arity_mismatch(name, expected, reference, declared, atom);
        }
    }

    fn arity_mismatch(
        &mut self,
        name: &str,
        expected: usize,
        reference: Span,
        declared: bool,
        atom: &ast::Atom,
    ) {
        let args = |n: usize| match n {
            0 => "no arguments".to_string(),
            1 => "1 argument".to_string(),
            n => format!("{n} arguments"),
        };
        let there = if declared {
            format!("declared here with {}", args(expected))
        } else {
            format!("first used here with {}", args(expected))
        };
        self.error(
            Diagnostic::error(
                Code::ArityMismatch,
                format!(
                    "`{name}` takes {}, but is given {} here",
                    args(expected),
                    args(atom.args.len())
                ),
            )
            .with_label(atom.span, format!("{} here", args(atom.args.len())))
            .with_label(reference, there)
            .with_help(format!(
                "every use of `{name}` must have the same number of arguments"
            )),
        );
    }

    /// Names used in conditions, expectations or inputs that nothing defines.
    pub(super) fn report_unknown_predicates(&mut self) {
        let known: Vec<&'a str> = self
            .preds
            .iter()
            .filter(|p| p.defined || p.loaded)
            .map(|p| p.name)
            .collect();
        let parse_note = self.parse_note();
        let mut found = Vec::new();
        for p in &self.preds {
            if p.defined {
                continue;
            }
            let suggestion = did_you_mean(p.name, known.iter().copied());
            let help = |fallback: String| {
                let mut h = match suggestion {
                    Some(s) => Help::did_you_mean(s),
                    None => Help::from(fallback),
                };
                h.text.push_str(&parse_note);
                h
            };
            if !p.loaded {
                let Some((&first, rest)) = p.uses.split_first() else {
                    continue;
                };
                let mut d = Diagnostic::error(
                    Code::UnknownPredicate,
                    format!("unknown predicate `{}`", p.name),
                )
                .with_label(
                    first,
                    "no rule concludes this, and no fact, `pred` or `input` mentions it",
                );
                for &s in rest {
                    d = d.with_label(s, "also used here");
                }
                found.push(d.with_help(help(format!(
                    "if a scenario will supply its facts, declare it: `pred {}(…).`",
                    p.name
                ))));
            } else if p.uses.is_empty() {
                // Loaded by `input` and mentioned nowhere else: likely a typo.
                for &s in &p.inputs {
                    found.push(
                        Diagnostic::error(
                            Code::UnknownPredicate,
                            format!("`input` loads `{}`, which nothing else mentions", p.name),
                        )
                        .with_label(s, "no `pred`, fact, rule or test uses this predicate")
                        .with_help(help(format!(
                            "declare it to give its columns: `pred {}(…).`",
                            p.name
                        ))),
                    );
                }
            }
        }
        self.diags.extend(found);
    }
}
