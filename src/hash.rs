//! Hashing for every table keyed by what a user's files contain: names,
//! texts and numbers (`check`'s look-ups, the value table, input files'
//! integers) and rows of value ids (the engine's row sets and indexes).
//!
//! Keys come from files an attacker may write, so every hash is seeded with
//! a secret drawn once per process: nobody can precompute a file whose keys
//! all land in one slot. Nothing printed depends on hash order, so the seed
//! costs no determinism. Tables of general keys use `foldhash` (seeded, and
//! good in its low bits, which a plain multiply is not: sequential names
//! such as `n1, n2, …` would otherwise share a bucket); rows of value ids,
//! hashed in the engine's inner loops, use a seeded multiply-rotate mix
//! with a finaliser.

use std::hash::{BuildHasher, Hash};
use std::sync::OnceLock;

/// A hash map keyed by user data (seeded per process).
pub type HashMap<K, V> = foldhash::HashMap<K, V>;

/// The per-process secret every seeded hash here starts from.
pub fn seed() -> u64 {
    static SEED: OnceLock<u64> = OnceLock::new();
    // `RandomState` draws its seed from the process's randomness once.
    *SEED.get_or_init(|| foldhash::fast::RandomState::default().hash_one(0x5741_5252_u64))
}

/// A seeded hash of one key (a value of the value table, an integer).
#[inline]
pub fn hash_one<T: Hash>(key: T) -> u64 {
    foldhash::fast::FixedState::with_seed(seed()).hash_one(key)
}

/// One word into a running row hash (multiply-rotate: one multiply a word).
#[inline(always)]
pub fn mix(h: u64, w: u32) -> u64 {
    (h.rotate_left(5) ^ u64::from(w)).wrapping_mul(0x517c_c1b7_2722_0a95)
}

/// The murmur3 finaliser: spreads a running hash over the low bits (slot)
/// and the high bits (tag).
#[inline(always)]
pub fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
}

/// A row of value ids, hashed from `seed` (see [`seed`]).
#[inline(always)]
pub fn hash_row(seed: u64, row: &[u32]) -> u64 {
    let mut h = seed;
    for &w in row {
        h = mix(h, w);
    }
    finish(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_hashes_are_stable_within_a_process() {
        assert_eq!(seed(), seed());
        assert_eq!(hash_one("n1"), hash_one("n1"));
        assert_ne!(hash_one("n1"), hash_one("n2"));
        assert_eq!(hash_row(seed(), &[1, 2]), hash_row(seed(), &[1, 2]));
        assert_ne!(hash_row(seed(), &[1, 2]), hash_row(seed(), &[2, 1]));
    }

    #[test]
    fn sequential_names_spread_over_low_bits() {
        // The slot of a 2^16-slot table: 10,000 sequential names must use
        // most of them (a plain multiply puts them in very few).
        let slots: std::collections::HashSet<u64> = (0..10_000)
            .map(|i| hash_one(format!("n{i}").as_str()) & 0xffff)
            .collect();
        assert!(slots.len() > 9_000, "{} slots", slots.len());
    }
}
