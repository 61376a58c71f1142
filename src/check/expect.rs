//! Test blocks: `given` facts and `expect` lines lowered to the IR, with
//! the rules and conflicts they name resolved and checked.

use super::Checker;
use super::lower::Lowered;
use super::scope::{Scope, wildcard};
use crate::diagnostics::{Code, Diagnostic};
use crate::hash::HashMap;
use crate::ir::{self, Arg, RuleId};
use crate::source::Span;
use crate::syntax::ast::{self, Item, Term};

impl<'a> Checker<'a> {
    /// Lowers every test into `out`, once its rules and conflicts are.
    pub(super) fn lower_tests(&mut self, out: &mut Lowered) {
        // A test may name a rule of a later file; the first of two rules of
        // one name is the one meant (the second is `warrant::duplicate_rule`).
        let mut rule_index: HashMap<&'a str, RuleId> = HashMap::default();
        let mut test_names: HashMap<&'a str, Span> = HashMap::default();
        let mut n = 0u32;
        for item in self.items() {
            if let Item::Rule(r) = item {
                rule_index.entry(&r.name.text).or_insert(RuleId(n));
                n += 1;
            }
        }
        for item in self.items() {
            let Item::Test(t) = item else { continue };
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
        self.check_expected_rules(out);
        self.resolve_conflict_expects(out);
    }

    fn lower_test(&mut self, t: &'a ast::Test, rule_index: &HashMap<&'a str, RuleId>) -> ir::Test {
        let given = t.given.iter().map(|f| self.lower_fact(f)).collect();
        let without = t
            .without
            .iter()
            .map(|r| self.lower_retraction(r, "without"))
            .collect();
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
                if let Some(&id) = rule_index.get(name.text.as_str()) {
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
            without,
            expects,
            // Resolved once every conflict is lowered: `resolve_conflict_expects`.
            conflicts: Vec::new(),
        }
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
}
