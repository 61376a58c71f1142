//! The six workloads written with `datafrog` (a second reference: a
//! library of sorted-relation joins, no compile-time planning), computing
//! the same relations as the ascent programs.

use std::path::Path;
use std::time::Instant;

use datafrog::{Iteration, Relation};

use crate::{Workload, read_pairs, read_singles};

/// Runs a workload with datafrog; returns (rows derived, seconds).
pub fn run(w: &Workload, dir: &Path) -> (usize, f64) {
    let start = Instant::now();
    let rows = match w.program {
        "tc.wr" => {
            let edges = read_pairs(&dir.join("edges.csv"));
            let edge: Relation<(u32, u32)> = edges.iter().copied().collect();
            let mut it = Iteration::new();
            // path(x, y) as (y, x): keyed by the column the step joins on.
            let path = it.variable::<(u32, u32)>("path");
            path.extend(edges.iter().map(|&(x, y)| (y, x)));
            while it.changed() {
                path.from_join(&path, &edge, |_, &x, &z| (z, x));
            }
            path.complete().len()
        }
        "sg.wr" => {
            // parent(child, parent) as (parent, child).
            let by_parent: Relation<(u32, u32)> = read_pairs(&dir.join("parent.csv"))
                .into_iter()
                .map(|(c, p)| (p, c))
                .collect();
            let siblings = Relation::from_join(&by_parent, &by_parent, |_, &x, &y| (x, y));
            let mut it = Iteration::new();
            let sg = it.variable::<(u32, u32)>("sg");
            // (b, x) for sg(a, b) and parent(x, a).
            let half = it.variable::<(u32, u32)>("half");
            sg.extend(siblings.iter().filter(|(x, y)| x != y).copied());
            while it.changed() {
                half.from_join(&sg, &by_parent, |_, &b, &x| (b, x));
                sg.from_join(&half, &by_parent, |_, &x, &y| (x, y));
            }
            sg.complete().len()
        }
        "neg.wr" => {
            let node: Relation<(u32, ())> = read_singles(&dir.join("nodes.csv"))
                .into_iter()
                .map(|(n,)| (n, ()))
                .collect();
            let edge: Relation<(u32, u32)> =
                read_pairs(&dir.join("edges.csv")).into_iter().collect();
            let mut it = Iteration::new();
            let reach = it.variable::<(u32, ())>("reach");
            reach.extend(
                read_singles(&dir.join("root.csv"))
                    .into_iter()
                    .map(|(r,)| (r, ())),
            );
            while it.changed() {
                reach.from_join(&reach, &edge, |_, _, &y| (y, ()));
            }
            let reach = reach.complete();
            let reached: Relation<u32> = reach.iter().map(|&(x, ())| x).collect();
            // `Relation::from_antijoin` reads only a variable's new tuples,
            // which a relation has none of (datafrog 2.0.1): filter instead.
            let unreach: Relation<u32> = node
                .iter()
                .filter(|(x, ())| reached.binary_search(x).is_err())
                .map(|&(x, ())| x)
                .collect();
            reach.len() + unreach.len()
        }
        "join3.wr" => {
            // r(a, b) as (b, a); s(b, c) and t(c, d) as read.
            let r: Relation<(u32, u32)> = read_pairs(&dir.join("r.csv"))
                .into_iter()
                .map(|(a, b)| (b, a))
                .collect();
            let s: Relation<(u32, u32)> = read_pairs(&dir.join("s.csv")).into_iter().collect();
            let t: Relation<(u32, u32)> = read_pairs(&dir.join("t.csv")).into_iter().collect();
            let rs = Relation::from_join(&r, &s, |_, &a, &c| (c, a));
            let out: Relation<(u32, u32)> = Relation::from_join(&rs, &t, |_, &a, &d| (a, d));
            out.len()
        }
        other => panic!("unknown program {other}"),
    };
    (rows, start.elapsed().as_secs_f64())
}
