//! The variables of one rule, conflict or test expectation: numbering,
//! where each occurs, the column types they take (with conflicting types
//! reported), and the checks on them (safety, singletons).

use super::Checker;
use super::types::{VarType, VarTypes, meet};
use crate::diagnostics::{Code, Diagnostic, Help, SHOWN_PER_ITEM, Severity, did_you_mean, more};
use crate::hash::HashMap;
use crate::ir::{ColumnType, VarId};
use crate::source::Span;
use crate::syntax::ast::{self, Term};

/// Where a variable occurs in a rule or conflict.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Place {
    When,
    /// The variable `=` binds (`N` in `N = A + B`).
    Assign,
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

/// The variables of one rule, conflict or expectation.
#[derive(Default)]
pub(super) struct Scope<'a> {
    /// Variable names by `VarId` (`_` for each fresh wildcard variable).
    pub vars: Vec<String>,
    index: HashMap<&'a str, VarId>,
    occurrences: Vec<Occurrence<'a>>,
    pub types: VarTypes<'a>,
}

impl<'a> Scope<'a> {
    /// The variable of this name, numbered at its first use.
    pub(super) fn var(&mut self, name: &'a str) -> VarId {
        if let Some(&v) = self.index.get(name) {
            return v;
        }
        let v = self.vars.len() as VarId;
        self.vars.push(name.to_string());
        self.index.insert(name, v);
        v
    }

    /// A variable of its own for a `_` in a positive atom.
    pub(super) fn fresh(&mut self) -> VarId {
        self.vars.push("_".to_string());
        (self.vars.len() - 1) as VarId
    }

    /// A variable of its own for a computed value (a side of a comparison
    /// or an argument of a conclusion that is an expression); its name,
    /// `_=` and the expression, is never shown as a binding.
    pub(super) fn hidden(&mut self, text: &str) -> VarId {
        self.vars.push(format!("_={text}"));
        (self.vars.len() - 1) as VarId
    }

    /// The name of a variable (one of this scope's).
    pub(super) fn name(&self, v: VarId) -> &'a str {
        self.index
            .iter()
            .find(|&(_, &id)| id == v)
            .map_or("_", |(&n, _)| n)
    }

    /// The variable of this name, recording where it occurs for the checks
    /// of [`Checker::check_variables`].
    pub(super) fn occurs(&mut self, name: &'a str, span: Span, place: Place) -> VarId {
        self.occurrences.push(Occurrence { name, span, place });
        self.var(name)
    }

    /// Whether a variable of this name occurs in the scope so far.
    pub(super) fn has(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }
}

/// A did-you-mean among a rule's variables; none for names of one or two
/// letters, where every other short name is "close".
pub(super) fn similar_var<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    if name.chars().count() < 3 {
        return None;
    }
    did_you_mean(name, candidates)
}

pub(super) fn wildcard(name: &str) -> bool {
    name == "_"
}

impl<'a> Checker<'a> {
    /// Records the column types of the variables of `atoms` in `scope`,
    /// reporting a variable used in columns of conflicting types.
    pub(super) fn type_variables(&mut self, atoms: &[&'a ast::Atom], scope: &mut Scope<'a>) {
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

    /// Unsafe and singleton variables of a rule or conflict.
    /// With `reported` (a conflict, whose report shows every named
    /// variable's value), a variable met once is only questioned when a
    /// similar name is bound: renaming it `_` would drop it from the report.
    /// Without `heads_written` (a query), no label points at a conclusion
    /// and the help speaks of the query's atoms.
    pub(super) fn check_variables(
        &mut self,
        owner: &str,
        scope: &Scope<'a>,
        reported: bool,
        heads_written: bool,
    ) {
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
            .filter(|(_, occs)| {
                occs.iter()
                    .any(|o| matches!(o.place, Place::When | Place::Assign))
            })
            .map(|(n, _)| *n)
            .collect();
        // Every entry of `names` was created with one occurrence, so
        // `occs[0]` below cannot fail. At most `SHOWN_PER_ITEM` of each kind
        // are reported; the rest are counted.
        let (mut singletons, mut unsafe_vars) = (0usize, 0usize);
        // Where the first of those left out is, for the count's label.
        let (mut next_singleton, mut next_unsafe) = (None, None);
        let bound_set: std::collections::HashSet<&str> = bound.iter().copied().collect();
        for (name, occs) in &names {
            if bound_set.contains(name) {
                if occs.len() == 1 && !name.starts_with('_') {
                    singletons += 1;
                    if singletons > SHOWN_PER_ITEM {
                        next_singleton = next_singleton.or(Some(occs[0].span));
                        continue;
                    }
                    let others = bound.iter().copied().filter(|b| b != name);
                    let help = match similar_var(name, others) {
                        Some(s) if reported => Help::did_you_mean(s),
                        None if reported => continue,
                        Some(s) => Help {
                            text: format!(
                                "did you mean `{s}`? If any value will do here, write `_`"
                            ),
                            replacement: Some(s.to_string()),
                        },
                        None => Help::from(format!(
                            "if any value will do here, write `_` (or start the name with `_`: `_{name}`)"
                        )),
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
            unsafe_vars += 1;
            if unsafe_vars > SHOWN_PER_ITEM {
                next_unsafe = next_unsafe.or(Some(occs[0].span));
                continue;
            }
            let first = occs[0];
            let where_ = match first.place {
                Place::Head => "in the conclusion",
                Place::Unless => "in `unless`",
                Place::Compare => "in a comparison",
                Place::Because => "in the `because` sentence",
                Place::When | Place::Assign => "",
            };
            let mut d = Diagnostic::error(
                Code::UnsafeVariable,
                format!("variable `{name}` {where_} is never bound in {owner}"),
            );
            for occ in occs
                .iter()
                .filter(|o| heads_written || o.place != Place::Head)
            {
                let msg = match occ.place {
                    Place::Head => {
                        "the conclusion needs a value for this, and no `when` atom gives one"
                    }
                    Place::Unless => "an `unless` cannot give a variable a value",
                    Place::Compare => "a comparison cannot give a variable a value",
                    Place::Because => "no `when` atom gives this a value",
                    Place::When | Place::Assign => "",
                };
                d = d.with_label(occ.span, msg);
            }
            let help = match similar_var(name, bound.iter().copied()) {
                Some(s) => Help::did_you_mean(s),
                None if first.place == Place::Unless => Help::from(format!(
                    "bind `{name}` in a `when` atom, or write `_` in the `unless` if any value will do"
                )),
                None if !heads_written => Help::from(format!(
                    "add an atom that binds `{name}` to the query, or compute it from bound \
                     variables with `{name} = …` (only atoms and `=` give variables values)"
                )),
                None => Help::from(format!(
                    "add a `when` atom that binds `{name}`, or compute it from bound variables \
                     with `{name} = …` (only positive atoms and `=` give variables values)"
                )),
            };
            self.diags.push(d.with_help(help));
        }
        for (count, next, code, severity) in [
            (
                singletons,
                next_singleton,
                Code::SingletonVariable,
                Severity::Warning,
            ),
            (
                unsafe_vars,
                next_unsafe,
                Code::UnsafeVariable,
                Severity::Error,
            ),
        ] {
            if let Some(span) = next {
                self.diags.push(
                    more(code, severity, count - SHOWN_PER_ITEM, owner)
                        .with_label(span, "the next of them"),
                );
            }
        }
    }
}
