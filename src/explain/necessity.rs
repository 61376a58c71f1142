//! Which base facts every derivation of a conclusion uses, over the rule
//! instances that can derive it and its ancestors (an AND-OR graph: a row
//! holds when it is a base fact or when every premise of one of its
//! instances holds).
//!
//! For every row `v`, `N(v)` is the set of facts in every derivation of
//! `v`: the intersection, over `v`'s ways to hold, of what each way needs
//! (`{v}` for a base row; the union of its premises' `N` for an instance).
//! These equations have the true sets as their greatest solution, so they
//! are computed by shrinking every set from "everything" until nothing
//! changes. Only the facts asked about are tracked, as bits: a pass costs
//! (premise links × facts asked / 64) word operations, where asking "is it
//! derivable without this fact?" once per fact costs the whole graph per
//! fact.

use std::collections::{HashMap, VecDeque};

/// The rows of the graph are `0..base.len()`: `base[v]` when row `v` is a
/// base fact; `instances` are `(head, premises)`. Returns, for each of
/// `facts` (rows), whether every derivation of `root` uses it. A row that
/// cannot be derived at all needs everything.
pub(crate) fn necessary(
    base: &[bool],
    instances: &[(usize, Vec<usize>)],
    root: usize,
    facts: &[usize],
) -> Vec<bool> {
    let n = base.len();
    // One bit per distinct fact asked about.
    let mut bit: HashMap<usize, usize> = HashMap::new();
    for &f in facts {
        let k = bit.len();
        bit.entry(f).or_insert(k);
    }
    let words = bit.len().div_ceil(64).max(1);
    let mut by_head: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (j, (h, ps)) in instances.iter().enumerate() {
        by_head[*h].push(j);
        for &p in ps {
            users[p].push(j);
        }
    }
    let mut sets = vec![u64::MAX; n * words];
    let mut acc = vec![0u64; words];
    let mut way = vec![0u64; words];
    // Rows are numbered as a search from the conclusion met them, so
    // premises mostly come after their heads: start from the last.
    let mut queue: VecDeque<usize> = (0..n).rev().collect();
    let mut queued = vec![true; n];
    while let Some(v) = queue.pop_front() {
        queued[v] = false;
        acc.fill(u64::MAX);
        if base[v] {
            acc.fill(0);
            if let Some(&k) = bit.get(&v) {
                acc[k / 64] |= 1 << (k % 64);
            }
        }
        for &j in &by_head[v] {
            way.fill(0);
            for &p in &instances[j].1 {
                for (w, s) in way.iter_mut().zip(&sets[p * words..(p + 1) * words]) {
                    *w |= s;
                }
            }
            for (a, w) in acc.iter_mut().zip(&way) {
                *a &= w;
            }
        }
        let set = &mut sets[v * words..(v + 1) * words];
        if set == acc.as_slice() {
            continue;
        }
        set.copy_from_slice(&acc);
        for &j in &users[v] {
            let h = instances[j].0;
            if !queued[h] {
                queued[h] = true;
                queue.push_back(h);
            }
        }
    }
    let root_set = &sets[root * words..(root + 1) * words];
    facts
        .iter()
        .map(|f| {
            let k = bit[f];
            root_set[k / 64] & (1 << (k % 64)) != 0
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition: `root` is not derivable once `fact` is not a base
    /// fact (it may still be derived by an instance).
    fn derivable_without(
        base: &[bool],
        instances: &[(usize, Vec<usize>)],
        root: usize,
        fact: usize,
    ) -> bool {
        let mut done: Vec<bool> = (0..base.len()).map(|v| base[v] && v != fact).collect();
        loop {
            let mut changed = false;
            for (h, ps) in instances {
                if !done[*h] && ps.iter().all(|&p| done[p]) {
                    done[*h] = true;
                    changed = true;
                }
            }
            if !changed {
                return done[root];
            }
        }
    }

    fn check(base: &[bool], instances: &[(usize, Vec<usize>)], root: usize) {
        let facts: Vec<usize> = (0..base.len()).collect();
        let got = necessary(base, instances, root, &facts);
        for f in facts {
            assert_eq!(
                got[f],
                !derivable_without(base, instances, root, f),
                "fact {f} of {base:?} {instances:?} root {root}"
            );
        }
    }

    #[test]
    fn a_chain_needs_every_link() {
        // 0 <- 1, 2;  1 <- 3, 4;  2, 3, 4 base.
        let base = [false, false, true, true, true];
        let inst = vec![(0, vec![1, 2]), (1, vec![3, 4])];
        assert_eq!(
            necessary(&base, &inst, 0, &[2, 3, 4]),
            vec![true, true, true]
        );
    }

    #[test]
    fn a_second_way_makes_a_fact_unnecessary_even_round_a_cycle() {
        // 0 <- 1 | 3;  1 <- 0 | 2;  2, 3 base: each fact alone suffices.
        let base = [false, false, true, true];
        let inst = vec![(0, vec![1]), (0, vec![3]), (1, vec![0]), (1, vec![2])];
        assert_eq!(necessary(&base, &inst, 0, &[2, 3]), vec![false, false]);
        // Without 3's instance, 0 needs 2 (through 1), not the cycle.
        let inst = vec![(0, vec![1]), (1, vec![0]), (1, vec![2])];
        assert_eq!(necessary(&base, &inst, 0, &[2, 3]), vec![true, false]);
    }

    #[test]
    fn a_base_row_also_derived_is_not_needed_as_a_fact() {
        // 0 <- 1;  1 base, and 1 <- 2 with 2 base.
        let base = [false, true, true];
        let inst = vec![(0, vec![1]), (1, vec![2])];
        assert_eq!(necessary(&base, &inst, 0, &[1, 2]), vec![false, false]);
        check(&base, &inst, 0);
    }

    #[test]
    fn agrees_with_removing_each_fact_on_random_graphs() {
        // A small fixed-seed generator: graphs of up to 12 rows, cycles
        // included, more than 64 facts asked in the larger ones.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % m as u64) as usize
        };
        for round in 0..2_000 {
            let n = 2 + next(if round % 10 == 0 { 90 } else { 12 });
            let base: Vec<bool> = (0..n).map(|_| next(3) == 0).collect();
            let mut inst = Vec::new();
            for _ in 0..next(2 * n + 1) {
                let h = next(n);
                let ps = (0..next(4)).map(|_| next(n)).collect();
                inst.push((h, ps));
            }
            check(&base, &inst, next(n));
        }
    }
}
