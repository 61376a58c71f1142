//! Warnings about what a program says but probably does not mean: a
//! predicate stated and never read (`warrant::unused_predicate`), and a
//! constant met once next to a near twin met often
//! (`warrant::lonely_constant`). Both name the likely fix.

use super::Checker;
use crate::diagnostics::{Code, Diagnostic, Help, did_you_mean};
use crate::hash::HashMap;
use crate::ir;
use crate::source::Span;
use crate::syntax::ast::{self, Condition, Item, Term};

impl<'a> Checker<'a> {
    /// `warrant::unused_predicate`: stated or loaded, not declared, not
    /// concluded by a rule, read by no rule, conflict, test or retraction —
    /// and named like a predicate that is read or declared, so that it is
    /// likely a misspelling of it. (Data nothing reads yet, with no such
    /// twin, is not reported: a scenario may state more than the rules use.)
    pub(super) fn lint_unused_predicates(&mut self, rules: &[ir::Rule]) {
        let concluded: Vec<bool> = {
            let mut c = vec![false; self.preds.len()];
            for h in rules.iter().flat_map(|r| &r.heads) {
                c[h.pred.0 as usize] = true;
            }
            c
        };
        let read: Vec<&'a str> = self
            .preds
            .iter()
            .filter(|p| (!p.uses.is_empty() && p.defined) || p.decl.is_some())
            .map(|p| p.name)
            .collect();
        // Read but defined nowhere: `unknown_predicate` already names the
        // stated twin, so this side stays quiet.
        let unknown: Vec<&'a str> = self
            .preds
            .iter()
            .filter(|p| !p.uses.is_empty() && !p.defined && !p.loaded)
            .map(|p| p.name)
            .collect();
        let mut warnings = Vec::new();
        for (i, p) in self.preds.iter().enumerate() {
            if !p.uses.is_empty() || p.decl.is_some() || concluded[i] {
                continue;
            }
            let Some(twin) = did_you_mean(p.name, read.iter().copied()) else {
                continue;
            };
            if did_you_mean(p.name, unknown.iter().copied()).is_some() {
                continue;
            }
            let Some(at) = self.first_statement(p.name).or(p.inputs.first().copied()) else {
                continue;
            };
            warnings.push(
                Diagnostic::warning(
                    Code::UnusedPredicate,
                    format!(
                        "`{}` has facts, but nothing reads it; `{twin}` is read",
                        p.name
                    ),
                )
                .with_label(at, "no rule, conflict or test uses this predicate")
                .with_help(Help::did_you_mean(twin)),
            );
        }
        self.diags.extend(warnings);
    }

    /// The first fact (of a file or a test's `given`) of a predicate.
    fn first_statement(&self, name: &str) -> Option<Span> {
        self.items().find_map(|item| match item {
            Item::Fact(f) if f.atom.pred.text == name => Some(f.atom.pred.span),
            Item::Test(t) => t
                .given
                .iter()
                .find(|f| f.atom.pred.text == name)
                .map(|f| f.atom.pred.span),
            _ => None,
        })
    }

    /// `warrant::lonely_constant`: text written once (at least four
    /// characters, no digits: names, not codes) while a constant one edit
    /// away (an insertion, a deletion, a substitution or a swap of
    /// neighbours) is written at least twice.
    pub(super) fn lint_lonely_constants(&mut self) {
        let mut count: HashMap<&'a str, (usize, Span)> = HashMap::default();
        let mut note = |text: &'a str, span: Span| {
            count.entry(text).or_insert((0, span)).0 += 1;
        };
        for item in self.items() {
            for_each_constant(item, &mut note);
        }
        let lonely: Vec<(&'a str, Span)> = count
            .iter()
            .filter(|&(t, &(n, _))| {
                n == 1 && t.chars().count() >= 4 && !t.chars().any(|c| c.is_ascii_digit())
            })
            .map(|(&t, &(_, s))| (t, s))
            .collect();
        if lonely.is_empty() {
            return;
        }
        // Each lonely text under itself and its one-character deletions.
        let mut index: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, (t, _)) in lonely.iter().enumerate() {
            index.entry((*t).to_string()).or_default().push(i);
            for d in deletions(t) {
                index.entry(d).or_default().push(i);
            }
        }
        let mut twin: Vec<Option<&'a str>> = vec![None; lonely.len()];
        let mut often: Vec<&'a str> = count
            .iter()
            .filter(|&(_, &(n, _))| n >= 2)
            .map(|(&t, _)| t)
            .collect();
        often.sort_unstable();
        for d in often {
            let hits = std::iter::once(d.to_string())
                .chain(deletions(d))
                .filter_map(|k| index.get(&k));
            for &i in hits.flatten() {
                twin[i].get_or_insert(d);
            }
        }
        let mut found: Vec<(Span, &'a str, &'a str)> = lonely
            .iter()
            .zip(&twin)
            .filter_map(|(&(t, s), w)| w.map(|w| (s, t, w)))
            .collect();
        found.sort_by_key(|&(s, _, _)| (s.file, s.start));
        for (span, text, near) in found {
            self.diags.push(
                Diagnostic::warning(
                    Code::LonelyConstant,
                    format!("`{text}` occurs only here, and `{near}` occurs elsewhere"),
                )
                .with_label(span, "the only occurrence of this value")
                .with_help(Help::did_you_mean(near)),
            );
        }
    }
}

/// Every way to drop one character of `s`.
fn deletions(s: &str) -> impl Iterator<Item = String> + '_ {
    s.char_indices().map(move |(i, c)| {
        let mut d = String::with_capacity(s.len());
        d.push_str(&s[..i]);
        d.push_str(&s[i + c.len_utf8()..]);
        d
    })
}

/// Calls `f` on every text constant written in an item (scale values
/// included).
fn for_each_constant<'a>(item: &'a Item, f: &mut dyn FnMut(&'a str, Span)) {
    match item {
        Item::Fact(x) => atom(&x.atom, f),
        Item::Retract(r) => atom(&r.atom, f),
        Item::Scale(s) => {
            for v in &s.values {
                f(&v.text, v.span);
            }
        }
        Item::Rule(r) => {
            conditions(&r.when, f);
            for a in r.unless.iter().chain(&r.then) {
                atom(a, f);
            }
        }
        Item::Conflict(c) => {
            conditions(&c.when, f);
            for a in &c.unless {
                atom(a, f);
            }
        }
        Item::Test(t) => {
            for g in &t.given {
                atom(&g.atom, f);
            }
            for w in &t.without {
                atom(&w.atom, f);
            }
            for e in &t.expects {
                atom(&e.atom, f);
            }
        }
        Item::Use(_) | Item::Pred(_) | Item::Source(_) | Item::Input(_) => {}
    }
}

fn term<'a>(t: &'a Term, f: &mut dyn FnMut(&'a str, Span)) {
    match t {
        Term::Symbol(n) => f(&n.text, n.span),
        Term::Str(s) => f(&s.value, s.span),
        _ => {}
    }
}

fn atom<'a>(a: &'a ast::Atom, f: &mut dyn FnMut(&'a str, Span)) {
    for t in &a.args {
        term(t, f);
    }
}

fn conditions<'a>(cs: &'a [Condition], f: &mut dyn FnMut(&'a str, Span)) {
    for c in cs {
        match c {
            Condition::Atom(a) => atom(a, f),
            Condition::Compare(c) => {
                term(&c.lhs, f);
                term(&c.rhs, f);
            }
        }
    }
}
