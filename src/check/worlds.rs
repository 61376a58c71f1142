//! Worlds and retraction: which named files are roots (each a world), and
//! `retract` / `without` lowered to [`ir::Retraction`]s, each of which must
//! take back something in every world that sees it.

use super::Checker;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{self, FactOrigin, visible_from};
use crate::source::FileId;
use crate::syntax::ast::{self, Term};

/// The named files that no other named file sees: each is a world.
pub(super) fn roots(given: &[FileId], imports: &[Vec<FileId>]) -> Vec<FileId> {
    let seen: Vec<Vec<FileId>> = given.iter().map(|&g| visible_from(imports, g)).collect();
    given
        .iter()
        .enumerate()
        .filter(|&(i, g)| {
            !seen
                .iter()
                .enumerate()
                .any(|(j, s)| j != i && given[j] != *g && s.contains(g))
        })
        .map(|(_, &g)| g)
        .collect()
}

impl<'a> Checker<'a> {
    /// `retract ATOM.` or `without ATOM.`: values or `_`, typed like a fact.
    pub(super) fn lower_retraction(
        &mut self,
        r: &'a ast::Retract,
        keyword: &str,
    ) -> ir::Retraction {
        let pred = self.atom_pred(&r.atom);
        let mut args = Vec::with_capacity(r.atom.args.len());
        for (col, term) in r.atom.args.iter().enumerate() {
            args.push(match term {
                Term::Var(n) if n.text == "_" => None,
                Term::Var(n) => {
                    self.error(
                        Diagnostic::error(
                            Code::UnsafeVariable,
                            format!("`{keyword}` takes values or `_`, not variables"),
                        )
                        .with_label(n.span, format!("`{}` is a variable", n.text))
                        .with_help(format!(
                            "write `_` to take back the facts with any value here: `{keyword} {}(…, _, …).`",
                            r.atom.pred.text
                        )),
                    );
                    None
                }
                _ => Some(self.constant(term, pred, col)),
            });
        }
        ir::Retraction {
            pred,
            args,
            span: r.span,
        }
    }

    /// Every `retract` must match a stated fact or an input row in each
    /// world that sees it (`warrant::retract_unmatched`).
    pub(super) fn check_retractions(
        &mut self,
        lowered: &super::lower::Lowered,
        roots: &[FileId],
        imports: &[Vec<FileId>],
    ) {
        let worlds: Vec<(FileId, Vec<FileId>)> = roots
            .iter()
            .map(|&r| (r, visible_from(imports, r)))
            .collect();
        let scenario = lowered.retractions.iter().map(|r| (r, None));
        let tests = lowered
            .tests
            .iter()
            .flat_map(|t| t.without.iter().map(move |r| (r, Some(t.file))));
        for (r, test_file) in scenario.chain(tests) {
            let file = r.span.file;
            // A test's `without` acts in the world of the test's file.
            let own;
            let candidates: Vec<&(FileId, Vec<FileId>)> = match test_file {
                Some(f) => {
                    own = (f, visible_from(imports, f));
                    vec![&own]
                }
                None => worlds.iter().filter(|(_, fs)| fs.contains(&file)).collect(),
            };
            for (root, files) in candidates {
                if self.retracts_something(r, files, lowered) {
                    continue;
                }
                let world = self.parsed.sources.get(*root).name();
                let pred = self.preds[r.pred.0 as usize].name;
                self.error(
                    Diagnostic::error(
                        Code::RetractUnmatched,
                        format!("nothing to retract: no fact of `{pred}` in the world of {world} matches"),
                    )
                    .with_label(r.span, "matches no stated fact or input row")
                    .with_help(
                        "a retraction takes back facts stated (or loaded) in its world, never \
                         derived ones; check the values, use `_` for any value, or, to block a \
                         conclusion, retract one of its premises",
                    ),
                );
                break;
            }
        }
    }

    /// Whether `r` matches a stated fact or an input row of these files.
    fn retracts_something(
        &self,
        r: &ir::Retraction,
        files: &[FileId],
        lowered: &super::lower::Lowered,
    ) -> bool {
        let stated = lowered.facts.iter().any(|f| {
            let FactOrigin::Stated(s) = &f.origin else {
                return false;
            };
            files.contains(&s.file) && r.matches(f.pred, &f.row)
        });
        let name = self.preds[r.pred.0 as usize].name;
        stated
            || self.inputs_elsewhere.iter().any(|p| p == name)
            || lowered.inputs.iter().any(|inp| {
                let arity = self.preds[inp.pred.0 as usize].arity.max(1);
                files.contains(&inp.span.file)
                    && inp
                        .rows
                        .data
                        .chunks(arity)
                        .any(|row| r.matches(inp.pred, row))
            })
    }
}
