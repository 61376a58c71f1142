//! Before any rule runs: the `input` files evaluation sees, the relations
//! and derivation tags laid out, and the base rows (stated facts, given
//! facts, input rows) added.

use crate::ir::{self, Arg, FactOrigin, InputRows, Program, RuleId, ValueId};
use crate::likelihood::Likelihood;

use super::eval::{HeadPlan, State, TAG_GIVEN, TAG_INPUT, TAG_STATED};
use super::model::{Recipe, recipe};
use super::plan::Operand;
use super::relation::{NIL, Relation};
use super::{EvalOptions, Rewritten, file_ok};

/// The `input` files the evaluation sees (`check` read their rows into
/// the program).
pub(super) fn select_inputs<'p>(
    program: &'p Program,
    options: &EvalOptions,
) -> Vec<(usize, &'p InputRows)> {
    program
        .inputs
        .iter()
        .enumerate()
        .filter(|(_, inp)| file_ok(&options.files, inp.span.file))
        .map(|(i, inp)| (i, &inp.rows))
        .collect()
}

/// The relations, how their derivation records read back, and each rule's
/// conclusions, laid out before any row is added.
pub(super) struct Layout {
    /// Derivation tag → recipe, one per (rule, head) in rule order.
    pub recipes: Vec<Recipe>,
    pub rels: Vec<Relation>,
    /// Per rule, its conclusions with their tags local to the head relation.
    pub head_plans: Vec<Vec<HeadPlan>>,
}

/// Derivation tags and record widths: one word for a base row's origin,
/// and as many as the widest rule record of the predicate.
pub(super) fn lay_out(
    program: &Program,
    options: &EvalOptions,
    loaded: &[(usize, &InputRows)],
    rewritten: Option<&Rewritten>,
) -> Layout {
    let mut recipes = Vec::new();
    let mut width = vec![0usize; program.preds.len()];
    for f in program.facts.iter().chain(&options.extra_facts) {
        width[f.pred.0 as usize] = 1;
    }
    for (i, _) in loaded {
        width[program.inputs[*i].pred.0 as usize] = 1;
    }
    for (r, rule) in program.rules.iter().enumerate() {
        let origin = rewritten.and_then(|w| Some((w.original, (*w.origin.get(r)?)?)));
        for (h, head) in rule.heads.iter().enumerate() {
            let rc = match origin {
                Some((original, o)) => recipe(o, original.rule(o), h),
                None => recipe(RuleId(r as u32), rule, h),
            };
            let w = &mut width[head.pred.0 as usize];
            *w = (*w).max(rc.words());
            recipes.push(rc);
        }
    }
    let mut rels: Vec<Relation> = program
        .preds
        .iter()
        .zip(&width)
        .map(|(p, &w)| Relation::new(p.arity, options.provenance, w))
        .collect();
    let mut head_plans: Vec<Vec<HeadPlan>> = Vec::with_capacity(program.rules.len());
    let mut tag = 0u32;
    for rule in &program.rules {
        let mut hs = Vec::with_capacity(rule.heads.len());
        for head in &rule.heads {
            let p = head.pred.0 as usize;
            let rc = &recipes[tag as usize];
            hs.push(HeadPlan {
                pred: p,
                args: head
                    .args
                    .iter()
                    .map(|a| match *a {
                        Arg::Var(v) => Operand::Var(v),
                        Arg::Const(c) => Operand::Const(c),
                        Arg::Wildcard => Operand::Const(NIL),
                    })
                    .collect(),
                tag: if options.provenance {
                    rels[p].tag_index(tag)
                } else {
                    0
                },
                stored: rc.stored.clone(),
            });
            tag += 1;
        }
        head_plans.push(hs);
    }
    Layout {
        recipes,
        rels,
        head_plans,
    }
}

/// Adds the stated facts, the given facts and the input rows, then makes
/// every relation's rows visible to joins.
pub(super) fn add_base_rows(
    state: &mut State,
    program: &Program,
    options: &EvalOptions,
    loaded: Vec<(usize, &InputRows)>,
) {
    // Retractions of the world, by predicate: stated facts and input rows
    // that match one are taken back before evaluation.
    let mut retracted: Vec<Vec<&ir::Retraction>> = vec![Vec::new(); program.preds.len()];
    for r in program
        .retractions
        .iter()
        .filter(|r| file_ok(&options.files, r.span.file))
        .chain(&options.extra_retractions)
    {
        if let Some(list) = retracted.get_mut(r.pred.0 as usize) {
            list.push(r);
        }
    }
    let taken_back = |p: usize, row: &[ValueId]| {
        retracted[p]
            .iter()
            .any(|r| r.matches(ir::PredId(p as u32), row))
    };
    let stated = program
        .facts
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            let file = match &f.origin {
                FactOrigin::Stated(s) => s.file,
                FactOrigin::Input { directive, .. } => directive.file,
            };
            file_ok(&options.files, file) && !taken_back(f.pred.0 as usize, &f.row)
        })
        .map(|(i, f)| (f, TAG_STATED, i));
    let given = (options.extra_facts.iter().enumerate()).map(|(i, f)| (f, TAG_GIVEN, i));
    for (f, tag, i) in stated.chain(given) {
        let p = f.pred.0 as usize;
        state.add_base(p, &f.row, f.likelihood.units(), tag, i as u32);
    }
    for (i, l) in &loaded {
        let p = program.inputs[*i].pred.0 as usize;
        state.rels[p].reserve(l.lines.len());
    }
    for (i, l) in &loaded {
        let inp = &program.inputs[*i];
        let p = inp.pred.0 as usize;
        let arity = program.preds[p].arity;
        let check = !retracted[p].is_empty();
        for (r, &line) in l.lines.iter().enumerate() {
            // The set slot a row lands in is a cache miss: ask for the one
            // of a row a few ahead while this one is inserted.
            if let Some(ahead) = l.data.get((r + 8) * arity..(r + 9) * arity) {
                let rel = &state.rels[p];
                rel.prefetch(rel.hash(ahead));
            }
            let row = &l.data[r * arity..(r + 1) * arity];
            if check && taken_back(p, row) {
                continue;
            }
            state.add_base(
                p,
                row,
                Likelihood::CERTAIN.units(),
                TAG_INPUT | *i as u32,
                line,
            );
        }
    }
    for r in &mut state.rels {
        r.clear_delta();
    }
}
