//! Generators of the inputs that made hash tables quadratic before hashing
//! was seeded (issue 13): integers crafted against the old unseeded hashes
//! (the CSV integer cache and the value table), random integers of the same
//! size, and a million sequentially named facts. Ignored: they write files
//! for whole-process timings, they assert nothing about time.
//!
//! ```text
//! HOSTILE_DIR=/tmp/hostile cargo test --test hostile_inputs -- --ignored
//! /usr/bin/time -f '%U+%S s %M KB' warrant check /tmp/hostile/crafted_facts.wr
//! ```
//!
//! `write_19_digit_inputs` adds 19-digit integers (crafted and random), and
//! `write_scale_inputs` the inputs of the parsing and diagnostics figures
//! (benches/RESULTS.md).

use std::fmt::Write as _;
use std::path::PathBuf;

/// The murmur3 finaliser the old tables used, and its inverse.
fn fin(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

fn inverse(odd: u64) -> u64 {
    // Newton's iteration for the inverse modulo 2^64.
    let mut x = odd;
    for _ in 0..6 {
        x = x.wrapping_mul(2u64.wrapping_sub(odd.wrapping_mul(x)));
    }
    x
}

fn fin_inv(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(inverse(0xff51_afd7_ed55_8ccd));
    h ^ (h >> 33)
}

const FX: u64 = 0x517c_c1b7_2722_0a95;

/// Hash values equal in their low 40 bits: one slot in any table of up to
/// 2^40 slots, different tags.
fn colliding(j: u64) -> u64 {
    (j + 1) << 40
}

/// Integers the old CSV integer cache (`fin(i)`) put in one slot.
fn crafted_csv_int(j: u64) -> i64 {
    let i = fin_inv(colliding(j));
    debug_assert_eq!(fin(i) & ((1 << 40) - 1), 0);
    i as i64
}

/// Integers the old value table (`fin((rotl(3, 5) ^ i) * FX)`) put in one slot.
fn crafted_value_int(j: u64) -> i64 {
    let x = fin_inv(colliding(j)).wrapping_mul(inverse(FX));
    (x ^ 3u64.rotate_left(5)) as i64
}

/// Integers of at most 18 digits (what an `int` column reads) that
/// `crafted` puts in one slot: the `j`-th such, scanning upwards.
fn at_most_18_digits(crafted: fn(u64) -> i64) -> impl FnMut(u64) -> i64 {
    let mut next = 0;
    move |_| loop {
        let i = crafted(next);
        next += 1;
        if i.unsigned_abs() < 1_000_000_000_000_000_000 {
            return i;
        }
    }
}

/// An 18-digit random integer (xorshift, fixed seed: reproducible).
fn random_int(state: &mut u64) -> i64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    let v = (*state % 900_000_000_000_000_000) + 100_000_000_000_000_000;
    if *state & 1 == 0 {
        v as i64
    } else {
        -(v as i64)
    }
}

fn dir() -> PathBuf {
    let d = std::env::var_os("HOSTILE_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&d).expect("creates the output folder");
    d
}

fn write(name: &str, text: &str) {
    let path = dir().join(name);
    std::fs::write(&path, text).expect("writes a generated file");
    println!("{} ({} bytes)", path.display(), text.len());
}

/// `n` integers one per line, and a rule file reading them.
fn csv(name: &str, n: u64, mut int: impl FnMut(u64) -> i64) {
    let mut text = String::new();
    for j in 0..n {
        let _ = writeln!(text, "{}", int(j));
    }
    write(&format!("{name}.csv"), &text);
    write(
        &format!("{name}_csv.wr"),
        &format!("pred n(x: int).\ninput n from \"{name}.csv\".\n"),
    );
}

/// `n` facts `n(I).` in a rule file.
fn facts(name: &str, n: u64, mut int: impl FnMut(u64) -> i64) {
    let mut text = String::from("pred n(x: int).\n");
    for j in 0..n {
        let _ = writeln!(text, "n({}).", int(j));
    }
    write(&format!("{name}.wr"), &text);
}

#[test]
#[ignore]
fn write_hostile_inputs() {
    // 150,000 integers of 18-19 characters: about 3 MB of CSV.
    let n = 150_000;
    csv("crafted", n, at_most_18_digits(crafted_value_int));
    csv("crafted_cache", n, at_most_18_digits(crafted_csv_int));
    let mut state = 0x2545_f491_4f6c_dd1d;
    csv("random", n, |_| random_int(&mut state));
    // About 3.9 MB of facts.
    facts("crafted_facts", n, at_most_18_digits(crafted_value_int));
    let mut state = 0x2545_f491_4f6c_dd1d;
    facts("random_facts", n, |_| random_int(&mut state));
    // A million facts with sequential names: edge(n1, n2). edge(n2, n3). …
    let mut text = String::from("pred edge(a, b).\n");
    for i in 1..=1_000_000 {
        let _ = writeln!(text, "edge(n{i}, n{}).", i + 1);
    }
    write("sequential_names.wr", &text);
}

/// Integers of exactly 19 digits, crafted like `crafted` (the ones it gives
/// that have 19 digits) or random.
fn nineteen_digits(crafted: fn(u64) -> i64) -> impl FnMut(u64) -> i64 {
    let mut next = 0;
    move |_| loop {
        let i = crafted(next);
        next += 1;
        if i.unsigned_abs() >= 1_000_000_000_000_000_000 {
            return i;
        }
    }
}

fn random_19_digits(state: &mut u64) -> i64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    let v = (*state % 8_000_000_000_000_000_000) + 1_000_000_000_000_000_000;
    if *state & 1 == 0 {
        v as i64
    } else {
        -(v as i64)
    }
}

/// 19-digit integers (the full i64 range, read as integers since input
/// files accept every 64-bit integer), crafted and random, as CSV.
#[test]
#[ignore]
fn write_19_digit_inputs() {
    let n = 150_000;
    csv("crafted19", n, nineteen_digits(crafted_value_int));
    csv("crafted19_cache", n, nineteen_digits(crafted_csv_int));
    let mut state = 0x2545_f491_4f6c_dd1d;
    csv("random19", n, |_| random_19_digits(&mut state));
}

/// Inputs for the parsing and diagnostics figures of issue 13: 100,000
/// facts and 1,000 rules; 20,000 and 200,000 lines of `p(a) q(b)` (two
/// errors a line); one rule with 2,000 singleton variables.
#[test]
#[ignore]
fn write_scale_inputs() {
    let mut text = String::from("pred edge(a, b).\npred r0(a, b).\n");
    for i in 1..=1_000 {
        let _ = writeln!(text, "pred r{i}(a, b).");
    }
    for i in 0..100_000 {
        let _ = writeln!(text, "edge(node_{i}, node_{}).", (i * 7919) % 100_000);
    }
    for i in 1..=1_000 {
        let _ = writeln!(
            text,
            "rule rule_{i} when r{}(X, Y), edge(Y, Z) then r{i}(X, Z).",
            i - 1
        );
    }
    text.push_str("rule seed when edge(X, Y) then r0(X, Y).\n");
    write("facts_and_rules.wr", &text);
    for lines in [20_000, 200_000] {
        write(&format!("errors_{lines}.wr"), &"p(a) q(b)\n".repeat(lines));
    }
    let vars: Vec<String> = (0..2_000).map(|i| format!("V{i}")).collect();
    write(
        "singletons.wr",
        &format!(
            "pred wide({}).\npred out(a).\nrule many when wide({}) then out(a).\n",
            (0..2_000)
                .map(|i| format!("a{i}"))
                .collect::<Vec<_>>()
                .join(", "),
            vars.join(", ")
        ),
    );
}

#[test]
fn crafted_integers_collided_in_the_old_hashes() {
    // The generators are right about the hashes they target.
    for j in 0..100 {
        assert_eq!(fin(crafted_csv_int(j) as u64) & ((1 << 40) - 1), 0);
        let i = crafted_value_int(j) as u64;
        let h = fin((3u64.rotate_left(5) ^ i).wrapping_mul(FX));
        assert_eq!(h & ((1 << 40) - 1), 0);
    }
}
