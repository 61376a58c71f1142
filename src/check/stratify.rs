//! Stratification: the predicate dependency graph, its strongly connected
//! components (Tarjan's algorithm, iterative so that no program is deep
//! enough to overflow the stack), recursion through `unless`, and strata.
//!
//! A rule makes each of its conclusions depend on each predicate of its
//! `when` atoms (positively) and of its `unless` atoms and aggregates
//! (strictly: those must be complete first).
//! Conflicts conclude nothing and are evaluated after every stratum, so they
//! add no edges.
//!
//! Strata: a component's level is 0 when it depends on no other component,
//! else one more than the highest level it depends on (the longest path in
//! the condensation). Components of one level never depend on each other, so
//! they share a stratum, and a rule's body reads its own stratum only
//! through recursion within its own component. Every `unless` reads a
//! strictly lower stratum: a negative edge within a component is rejected.
//!
//! A rule with conclusions in several strata (`then a(X), b(X)` where some
//! other rule makes `b` depend on `a`) runs in the lowest of them. That is
//! sound: all its conditions lie at or below that stratum (each conclusion
//! depends on all of them), no rule of that stratum reads its conclusions of
//! higher strata, and those are complete before their own strata start. A
//! higher stratum may therefore begin with rows already present in its
//! predicates (as it does with facts).

use std::collections::VecDeque;

use super::Checker;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{self, RuleId};
use crate::source::Span;

struct Edge {
    /// The concluded predicate...
    from: usize,
    /// ...depends on this one...
    to: usize,
    /// ...strictly (through `unless` or an aggregate)...
    negative: bool,
    /// ...through an aggregate.
    aggregate: bool,
    /// The condition that makes it depend.
    span: Span,
}

const UNVISITED: u32 = u32::MAX;

/// Strongly connected components in an order where every component comes
/// after the components it depends on. Returns the components and, for each
/// node, the index of its component.
fn tarjan(n: usize, edges: &[Edge], adj: &[Vec<usize>]) -> (Vec<Vec<usize>>, Vec<usize>) {
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut comp = vec![usize::MAX; n];
    let mut sccs: Vec<Vec<usize>> = Vec::new();
    let mut next = 0u32;
    // The explicit call stack: a node and the position in its edge list.
    let mut calls: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if index[root] != UNVISITED {
            continue;
        }
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        calls.push((root, 0));
        while let Some(&mut (v, ref mut pos)) = calls.last_mut() {
            if let Some(&e) = adj[v].get(*pos) {
                *pos += 1;
                let w = edges[e].to;
                if index[w] == UNVISITED {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(u, _)) = calls.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == index[v] {
                let id = sccs.len();
                let mut members = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = id;
                    members.push(w);
                    if w == v {
                        break;
                    }
                }
                members.sort_unstable();
                sccs.push(members);
            }
        }
    }
    (sccs, comp)
}

/// Computes the strata of `rules` (over the checker's predicates) and
/// reports every component with recursion through `unless`.
pub(super) fn stratify(cx: &mut Checker, rules: &[ir::Rule]) -> Vec<ir::Stratum> {
    let n = cx.preds.len();
    let mut edges = Vec::new();
    for rule in rules {
        for head in &rule.heads {
            for (atoms, negative) in [(&rule.body.atoms, false), (&rule.body.exceptions, true)] {
                for atom in atoms {
                    edges.push(Edge {
                        from: head.pred.0 as usize,
                        to: atom.pred.0 as usize,
                        negative,
                        aggregate: false,
                        span: atom.span,
                    });
                }
            }
            // An aggregate reads its predicates complete: a strict edge,
            // like `unless`.
            for agg in &rule.body.aggregates {
                for atom in &agg.body.atoms {
                    edges.push(Edge {
                        from: head.pred.0 as usize,
                        to: atom.pred.0 as usize,
                        negative: true,
                        aggregate: true,
                        span: atom.span,
                    });
                }
            }
        }
    }
    // Guard against ids out of range (cannot happen: every atom was interned).
    edges.retain(|e| e.from < n && e.to < n);
    let mut adj = vec![Vec::new(); n];
    for (i, e) in edges.iter().enumerate() {
        adj[e.from].push(i);
    }
    let (sccs, comp) = tarjan(n, &edges, &adj);

    // Recursion through `unless`: one report per component, at its first
    // negative edge.
    let mut reported = vec![false; sccs.len()];
    for (i, e) in edges.iter().enumerate() {
        if e.negative && comp[e.from] == comp[e.to] && !reported[comp[e.from]] {
            reported[comp[e.from]] = true;
            let d = cycle_diagnostic(cx, &edges, &adj, &comp, i);
            cx.error(d);
        }
    }

    // Levels, in dependency order.
    let mut level = vec![0usize; sccs.len()];
    for (c, members) in sccs.iter().enumerate() {
        let mut l = 0;
        for &v in members {
            for &e in &adj[v] {
                let d = comp[edges[e].to];
                if d != c {
                    l = l.max(level[d] + 1);
                }
            }
        }
        level[c] = l;
    }
    let count = level.iter().map(|&l| l + 1).max().unwrap_or(0);
    let mut strata = vec![ir::Stratum::default(); count];
    for (p, &c) in comp.iter().enumerate() {
        strata[level[c]].preds.push(ir::PredId(p as u32));
    }
    for (r, rule) in rules.iter().enumerate() {
        let s = rule
            .heads
            .iter()
            .filter_map(|h| comp.get(h.pred.0 as usize).map(|&c| level[c]))
            .min()
            .unwrap_or(0);
        if let Some(stratum) = strata.get_mut(s) {
            stratum.rules.push(RuleId(r as u32));
        }
    }
    strata
}

/// The cycle through the negative edge `start`: from the predicate it
/// negates back to the predicate it concludes, by a shortest path.
fn cycle_diagnostic(
    cx: &Checker,
    edges: &[Edge],
    adj: &[Vec<usize>],
    comp: &[usize],
    start: usize,
) -> Diagnostic {
    let first = &edges[start];
    let target = first.from;
    let c = comp[target];
    // Breadth-first search from the negated predicate to the concluded one.
    let mut parent: Vec<Option<usize>> = vec![None; comp.len()];
    let mut seen = vec![false; comp.len()];
    let mut queue = VecDeque::from([first.to]);
    seen[first.to] = true;
    while let Some(v) = queue.pop_front() {
        if v == target {
            break;
        }
        for &e in &adj[v] {
            let w = edges[e].to;
            if comp[w] == c && !seen[w] {
                seen[w] = true;
                parent[w] = Some(e);
                queue.push_back(w);
            }
        }
    }
    let mut path = Vec::new();
    let mut v = target;
    while v != first.to {
        let Some(e) = parent[v] else { break };
        path.push(e);
        v = edges[e].from;
    }
    path.reverse();
    let name = |p: usize| cx.preds.get(p).map_or("?", |p| p.name);
    let steps: Vec<usize> = std::iter::once(start).chain(path).collect();
    let mut chain = vec![format!("`{}`", name(first.from))];
    for &e in &steps {
        chain.push(format!("`{}`", name(edges[e].to)));
    }
    let (code, through) = if first.aggregate {
        (Code::AggregateCycle, "an aggregate")
    } else {
        (Code::NegationCycle, "`unless`")
    };
    let mut d = Diagnostic::error(
        code,
        format!("recursion through {through}: {}", chain.join(" → ")),
    );
    for (k, &e) in steps.iter().enumerate() {
        let edge = &edges[e];
        let how = match (edge.negative, edge.aggregate) {
            (_, true) => " through an aggregate",
            (true, false) => " through `unless`",
            _ => "",
        };
        let step = if steps.len() > 1 {
            format!("{}. ", k + 1)
        } else {
            String::new()
        };
        d = d.with_label(
            edge.span,
            format!(
                "{step}`{}` depends on `{}`{how} here",
                name(edge.from),
                name(edge.to)
            ),
        );
    }
    let help = if first.aggregate {
        format!(
            "an aggregate counts the rows of `{0}` once `{0}` is complete, but `{0}` depends on \
             the aggregate's result; aggregate over predicates that do not depend on `{1}`",
            name(first.to),
            name(first.from)
        )
    } else if first.from == first.to {
        format!(
            "a rule cannot conclude `{0}` from the absence of `{0}`: remove the `unless`, or \
             conclude a different predicate",
            name(first.from)
        )
    } else {
        format!(
            "`unless {}` can only be decided once `{}` is complete, but it depends on `{}` \
             itself; break the cycle by removing the `unless`, or by deriving `{}` without \
             using `{}`",
            name(first.to),
            name(first.to),
            name(first.from),
            name(first.to),
            name(first.from)
        )
    };
    d.with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn edge(from: usize, to: usize) -> Edge {
        Edge {
            from,
            to,
            negative: false,
            aggregate: false,
            span: Span::new(FileId(0), 0, 0),
        }
    }

    #[test]
    fn components_come_after_their_dependencies() {
        // 0 -> 1 -> 2 -> 1, 3 alone
        let edges = vec![edge(0, 1), edge(1, 2), edge(2, 1)];
        let mut adj = vec![Vec::new(); 4];
        for (i, e) in edges.iter().enumerate() {
            adj[e.from].push(i);
        }
        let (sccs, comp) = tarjan(4, &edges, &adj);
        assert_eq!(sccs.len(), 3);
        assert_eq!(comp[1], comp[2]);
        assert!(comp[1] < comp[0]);
    }

    #[test]
    fn a_long_chain_does_not_overflow() {
        let n = 200_000;
        let edges: Vec<Edge> = (0..n - 1).map(|i| edge(i, i + 1)).collect();
        let mut adj = vec![Vec::new(); n];
        for (i, e) in edges.iter().enumerate() {
            adj[e.from].push(i);
        }
        let (sccs, comp) = tarjan(n, &edges, &adj);
        assert_eq!(sccs.len(), n);
        assert_eq!(comp[n - 1], 0);
    }
}
