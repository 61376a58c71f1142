//! Top-level items: declarations, facts, rules, conflicts and tests.

use pest::iterators::Pair;

use super::build::{Builder, kids};
use super::{Rule, Rule_};
use crate::source::Span;
use crate::syntax::ast::*;

impl Builder<'_> {
    pub(super) fn item(&mut self, pair: Pair<Rule>) -> Option<Item> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = kids(pair);
        Some(match rule {
            Rule::use_decl => Item::Use(Use {
                path: self.text(inner.next()?),
                span,
            }),
            Rule::scale_decl => {
                let name = self.name(inner.next()?);
                let values = inner.map(|p| self.name(p)).collect();
                Item::Scale(ScaleDecl { name, values, span })
            }
            Rule::pred_decl => {
                let name = self.name(inner.next()?);
                let params = kids(inner.next()?)
                    .map(|p| {
                        let span = self.span(&p);
                        let mut parts = kids(p);
                        let name = parts.next().map(|n| self.name(n));
                        let ty = parts.next().map(|t| self.name(t));
                        name.map(|name| Param { name, ty, span })
                    })
                    .collect::<Option<Vec<_>>>()?;
                let doc = inner.next().map(|d| self.text(d));
                Item::Pred(PredDecl {
                    name,
                    params,
                    doc,
                    span,
                })
            }
            Rule::source_decl => Item::Source(SourceDecl {
                name: self.name(inner.next()?),
                title: self.text(inner.next()?),
                file: match inner.next() {
                    Some(f) => Some(self.text(kids(f).next()?)),
                    None => None,
                },
                span,
            }),
            Rule::retract_decl => Item::Retract(Retract {
                atom: self.atom(inner.next()?),
                span,
            }),
            Rule::input_decl => Item::Input(InputDecl {
                pred: self.name(inner.next()?),
                path: self.text(inner.next()?),
                header: inner.next().is_some(),
                span,
            }),
            Rule::fact => Item::Fact(self.fact(span, inner)?),
            Rule::rule_decl => Item::Rule(self.rule(span, inner)?),
            Rule::conflict_decl => Item::Conflict(self.conflict(span, inner)?),
            Rule::test_decl => Item::Test(self.test(span, inner)?),
            _ => return None,
        })
    }

    pub(super) fn fact<'i>(
        &mut self,
        span: Span,
        mut inner: impl Iterator<Item = Pair<'i, Rule>>,
    ) -> Option<Fact> {
        let atom = self.atom(inner.next()?);
        let qualifier = inner.next().map(|q| self.qualifier(q));
        Some(Fact {
            atom,
            qualifier,
            span,
        })
    }

    fn rule<'i>(
        &mut self,
        span: Span,
        inner: impl Iterator<Item = Pair<'i, Rule>>,
    ) -> Option<Rule_> {
        let mut name = None;
        let mut rule = Rule_ {
            name: Name {
                text: String::new(),
                span,
            },
            when: Vec::new(),
            unless: Vec::new(),
            then: Vec::new(),
            qualifier: None,
            because: None,
            cites: Vec::new(),
            span,
            query: false,
        };
        for p in inner {
            match p.as_rule() {
                Rule::name => name = Some(self.name(p)),
                Rule::when_clause => rule.when = self.conditions(p),
                Rule::unless_clause => rule.unless = kids(p).map(|a| self.atom(a)).collect(),
                Rule::then_clause => {
                    for c in kids(p) {
                        match c.as_rule() {
                            Rule::head_atom => rule.then.push(self.head_atom(c)?),
                            Rule::qualifier => rule.qualifier = Some(self.qualifier(c)),
                            _ => {}
                        }
                    }
                }
                Rule::because_clause => {
                    let s = kids(p).next()?;
                    rule.because = Some(self.template(s));
                }
                Rule::cite_clause => rule.cites.push(self.cite(p)?),
                _ => {}
            }
        }
        rule.name = name?;
        Some(rule)
    }

    fn conflict<'i>(
        &mut self,
        span: Span,
        inner: impl Iterator<Item = Pair<'i, Rule>>,
    ) -> Option<Conflict> {
        let mut name = None;
        let mut description = None;
        let mut when = Vec::new();
        let mut unless = Vec::new();
        let mut cites = Vec::new();
        for p in inner {
            match p.as_rule() {
                Rule::name => name = Some(self.name(p)),
                Rule::string => description = Some(self.text(p)),
                Rule::when_clause => when = self.conditions(p),
                Rule::unless_clause => unless = kids(p).map(|a| self.atom(a)).collect(),
                Rule::cite_clause => cites.push(self.cite(p)?),
                _ => {}
            }
        }
        Some(Conflict {
            name: name?,
            description,
            when,
            unless,
            cites,
            span,
        })
    }

    fn test<'i>(
        &mut self,
        span: Span,
        mut inner: impl Iterator<Item = Pair<'i, Rule>>,
    ) -> Option<Test> {
        let name = self.text(inner.next()?);
        let mut given = Vec::new();
        let mut without = Vec::new();
        let mut expects = Vec::new();
        let mut conflicts = Vec::new();
        for step in inner {
            let step_span = self.span(&step);
            match step.as_rule() {
                Rule::given => {
                    for f in kids(step) {
                        let fspan = self.span(&f);
                        given.push(self.fact(fspan, kids(f))?);
                    }
                }
                Rule::without => {
                    for a in kids(step).filter(|a| a.as_rule() == Rule::atom) {
                        let span = self.span(&a);
                        without.push(Retract {
                            atom: self.atom(a),
                            span,
                        });
                    }
                }
                Rule::expect_conflict | Rule::expect_no_conflict => {
                    let negated = step.as_rule() == Rule::expect_no_conflict;
                    let name = self.name(kids(step).next()?);
                    conflicts.push(ExpectConflict {
                        negated,
                        name,
                        span: step_span,
                    });
                }
                Rule::expect | Rule::expect_not => {
                    let negated = step.as_rule() == Rule::expect_not;
                    let mut parts = kids(step);
                    let atom = self.atom(parts.next()?);
                    let mut at_least = None;
                    let mut by_rule = None;
                    for p in parts {
                        match p.as_rule() {
                            Rule::qualifier => at_least = Some(self.qualifier(p)),
                            Rule::by_rule => by_rule = kids(p).next().map(|n| self.name(n)),
                            _ => {}
                        }
                    }
                    expects.push(Expect {
                        negated,
                        atom,
                        at_least,
                        by_rule,
                        span: step_span,
                    });
                }
                _ => {}
            }
        }
        Some(Test {
            name,
            given,
            without,
            expects,
            conflicts,
            span,
        })
    }
}
