//! Storage: a relation is an insertion-ordered set of fixed-width `u32` rows.
//!
//! Rows live in one flat `Vec<u32>`; a row's index is its stable id. A small
//! open-addressing table of row ids (no stored keys: the key is the row
//! itself) answers "is this row there, and under which id". Hash indexes on
//! a set of bound columns chain the rows of one key through a per-index
//! `next` array (newest first), so an index costs 4 bytes per row plus its
//! table. Likelihood, proof height and the derivation record are kept in
//! parallel flat arrays.

mod arrays;
mod index;

pub(crate) use arrays::{INF, Narrow, Records, Tags};
pub(crate) use index::Index;
use index::prefetch_ptr;

use crate::hash::{finish, hash_row, mix};

/// No row / end of a chain.
pub(crate) const NIL: u32 = u32::MAX;

/// Row equality without a `memcmp` call (rows are a few words).
#[inline(always)]
pub(crate) fn rows_eq(a: &[u32], b: &[u32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// What an insertion did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Inserted {
    New(u32),
    Improved(u32),
    Unchanged,
}

/// Bits of a set slot that hold the row id while ids are small; the bits
/// above hold part of the row's hash, so a probe skips most rows without
/// reading them.
const ID_BITS: u32 = 26;
const ID_MASK: u32 = (1 << ID_BITS) - 1;

#[derive(Clone, Debug)]
pub(crate) struct Relation {
    pub arity: usize,
    /// Rows, `arity` words each.
    pub data: Vec<u32>,
    pub len: u32,
    /// Likelihood units per row.
    pub lik: Vec<u16>,
    /// Whether derivations are recorded.
    pub prov: bool,
    /// Proof height per row (empty without provenance).
    pub height: Narrow,
    /// Derivation kind per row: an index into `tags` (empty without
    /// provenance).
    pub tag: Tags,
    /// The derivation tags used by this relation (see `eval::TAG_BASE`).
    pub tags: Vec<u32>,
    /// Derivation words, `dwidth` per row: a base row's origin, or a rule's
    /// recorded bindings or premise ids (empty without provenance).
    pub deriv: Records,
    /// Open-addressing set of row ids (with hash bits above `ID_BITS`
    /// while `tagged`).
    set: Vec<u32>,
    tagged: bool,
    pub indexes: Vec<Index>,
    /// Rows with id below this existed when the current round started.
    pub round_start: u32,
    /// The previous round's delta: new ids `delta_lo..delta_hi` plus older
    /// rows whose likelihood or proof improved.
    pub delta_lo: u32,
    pub delta_hi: u32,
    pub delta_improved: Vec<u32>,
    /// Older rows improved during the current round.
    pub improved_now: Vec<u32>,
    /// Rows inserted by rules (as opposed to facts and inputs).
    pub derived: u64,
    /// Set when a row's likelihood rose with a higher proof: the heights
    /// recorded from it may be stale (see `State::stratum`).
    pub stale: bool,
    /// The per-process hash seed (kept here for the inner loops).
    seed: u64,
}

#[inline(always)]
fn hash2(seed: u64, row: &[u32]) -> u64 {
    match *row {
        [a, b] => finish(mix(mix(seed, a), b)),
        [a] => finish(mix(seed, a)),
        _ => hash_row(seed, row),
    }
}

impl Relation {
    pub fn new(arity: usize, prov: bool, dwidth: usize) -> Relation {
        Relation {
            arity,
            data: Vec::new(),
            len: 0,
            lik: Vec::new(),
            prov,
            height: Narrow::new(),
            tag: Tags::new(),
            tags: Vec::new(),
            deriv: Records::new(if prov { dwidth } else { 0 }),
            set: vec![NIL; 16],
            tagged: true,
            indexes: Vec::new(),
            round_start: 0,
            delta_lo: 0,
            delta_hi: 0,
            delta_improved: Vec::new(),
            improved_now: Vec::new(),
            derived: 0,
            stale: false,
            seed: crate::hash::seed(),
        }
    }

    /// Makes room for `n` more rows (the row set sized for them at once).
    pub fn reserve(&mut self, n: usize) {
        let want = (self.len as usize + n + 1) * 4 / 3 + 1;
        self.data.reserve(n * self.arity);
        self.lik.reserve(n);
        if self.set.len() < want {
            self.rehash_set(want.next_power_of_two());
        }
    }

    /// The local index of a derivation tag, added on first use.
    pub fn tag_index(&mut self, tag: u32) -> u32 {
        match self.tags.iter().position(|&t| t == tag) {
            Some(i) => i as u32,
            None => {
                self.tags.push(tag);
                self.tags.len() as u32 - 1
            }
        }
    }

    #[inline(always)]
    pub fn row(&self, id: u32) -> &[u32] {
        let b = id as usize * self.arity;
        &self.data[b..b + self.arity]
    }

    #[inline(always)]
    fn slot_tag(&self, h: u64) -> u32 {
        if self.tagged {
            ((h >> 32) as u32) & !ID_MASK
        } else {
            0
        }
    }

    #[inline(always)]
    fn id_mask(&self) -> u32 {
        if self.tagged { ID_MASK } else { u32::MAX }
    }

    /// The slot holding `row`, or the empty slot where it would go; and
    /// the row's id or `NIL`.
    #[inline(always)]
    fn probe(&self, row: &[u32], h: u64) -> (usize, u32, u32) {
        let arity = self.arity;
        let tag = self.slot_tag(h);
        let idm = self.id_mask();
        let mask = self.set.len() - 1;
        let mut slot = h as usize & mask;
        loop {
            let s = self.set[slot];
            if s == NIL {
                return (slot, NIL, tag);
            }
            if s & !idm == tag {
                let id = s & idm;
                let b = id as usize * arity;
                if rows_eq(&self.data[b..b + arity], row) {
                    return (slot, id, tag);
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The id of a row, if present.
    #[inline]
    pub fn find(&self, row: &[u32]) -> u32 {
        self.probe(row, hash2(self.seed, row)).1
    }

    /// The hash [`Relation::insert_hashed`] takes.
    #[inline(always)]
    pub fn hash(&self, row: &[u32]) -> u64 {
        hash2(self.seed, row)
    }

    /// Asks the CPU to fetch the set slot a row of this hash starts at.
    #[inline(always)]
    pub fn prefetch(&self, h: u64) {
        let slot = h as usize & (self.set.len() - 1);
        prefetch_ptr(self.set.as_ptr().wrapping_add(slot));
    }

    fn grow_set(&mut self) {
        self.rehash_set(self.set.len() * 2);
    }

    fn rehash_set(&mut self, cap: usize) {
        // Ids must stay below the slot's id bits (and `NIL` unambiguous).
        if self.tagged && self.len as u64 + 2 >= u64::from(ID_MASK) {
            self.tagged = false;
        }
        let mut set = vec![NIL; cap];
        let mask = cap - 1;
        let arity = self.arity;
        for id in 0..self.len {
            let b = id as usize * arity;
            let h = hash2(self.seed, &self.data[b..b + arity]);
            let mut slot = h as usize & mask;
            while set[slot] != NIL {
                slot = (slot + 1) & mask;
            }
            set[slot] = id | self.slot_tag(h);
        }
        self.set = set;
    }

    /// Inserts a row, or improves its likelihood (then proof height) if the
    /// new derivation is better. `tag` (a local tag index) and `deriv` are
    /// the derivation (ignored without provenance); `deriv` may be shorter
    /// than `dwidth` (padded with `NIL`).
    #[inline]
    pub fn insert(
        &mut self,
        row: &[u32],
        lik: u16,
        height: u32,
        tag: u32,
        deriv: &[u32],
    ) -> Inserted {
        self.insert_hashed(row, hash2(self.seed, row), lik, height, tag, deriv)
    }

    /// [`Relation::insert`] with the row's [`Relation::hash`] given.
    #[inline]
    pub fn insert_hashed(
        &mut self,
        row: &[u32],
        h: u64,
        lik: u16,
        height: u32,
        tag: u32,
        deriv: &[u32],
    ) -> Inserted {
        debug_assert_eq!(row.len(), self.arity);
        // Keep the load factor at most 3/4: the hash bits in the slots let
        // a probe pass most occupied slots without reading their rows
        // (grow before probing so that the
        // slot found stays valid for the insertion).
        if (self.len as usize + 1) * 4 > self.set.len() * 3
            || (self.tagged && self.len + 2 >= ID_MASK)
        {
            self.grow_set();
        }
        let (slot, found, stag) = self.probe(row, h);
        if found != NIL {
            return self.improve(found, lik, height, tag, deriv);
        }
        let id = self.len;
        self.set[slot] = id | stag;
        self.data.extend_from_slice(row);
        self.len += 1;
        self.lik.push(lik);
        if self.prov {
            self.height.push(height);
            self.tag.push(tag);
            self.deriv.push(deriv);
        }
        let arity = self.arity;
        for ix in &mut self.indexes {
            ix.push(&self.data, arity, id);
        }
        Inserted::New(id)
    }

    #[inline]
    fn improve(&mut self, id: u32, lik: u16, height: u32, tag: u32, deriv: &[u32]) -> Inserted {
        let i = id as usize;
        let old = self.lik[i];
        if lik < old {
            return Inserted::Unchanged;
        }
        if self.prov {
            let old_height = self.height.get(i);
            if lik == old && height >= old_height {
                return Inserted::Unchanged;
            }
            if lik > old && height > old_height {
                self.stale = true;
            }
            self.height.set(i, height);
            self.tag.set(i, tag);
            self.deriv.set(i, deriv);
        } else if lik == old {
            return Inserted::Unchanged;
        }
        self.lik[i] = lik;
        if id < self.round_start {
            self.improved_now.push(id);
        }
        Inserted::Improved(id)
    }

    /// The slot of the index on `cols` (ascending), built on first use.
    pub fn index(&mut self, cols: &[u32]) -> usize {
        if let Some(i) = self.indexes.iter().position(|ix| ix.cols == cols) {
            return i;
        }
        let mut ix = Index::new(cols.to_vec());
        ix.next.reserve(self.len as usize);
        for id in 0..self.len {
            // Fetch the slot of a row a few ahead (a cache miss otherwise).
            if id + 8 < self.len {
                ix.prefetch_row(&self.data, self.arity, id + 8);
            }
            ix.push(&self.data, self.arity, id);
        }
        self.indexes.push(ix);
        self.indexes.len() - 1
    }

    /// An existing index on exactly these columns.
    pub fn existing_index(&self, cols: &[u32]) -> Option<usize> {
        self.indexes.iter().position(|ix| ix.cols == cols)
    }

    /// The newest row matching `key` on the index's columns.
    #[inline]
    pub fn index_head(&self, ix: usize, key: &[u32]) -> u32 {
        self.indexes[ix].head(&self.data, self.arity, key)
    }

    #[inline(always)]
    pub fn index_head_with(&self, ix: usize, n: usize, key: impl Fn(usize) -> u32) -> u32 {
        self.indexes[ix].head_with(&self.data, self.arity, n, key)
    }

    #[inline(always)]
    pub fn index_next(&self, ix: usize, id: u32) -> u32 {
        self.indexes[ix].next[id as usize]
    }

    /// Closes a round: rows added or improved in it become the delta.
    pub fn close_round(&mut self) {
        self.delta_lo = self.round_start;
        self.delta_hi = self.len;
        let mut imp = std::mem::take(&mut self.improved_now);
        imp.sort_unstable();
        imp.dedup();
        self.delta_improved = imp;
        self.round_start = self.len;
    }

    pub fn delta_is_empty(&self) -> bool {
        self.delta_lo == self.delta_hi && self.delta_improved.is_empty()
    }

    pub fn clear_delta(&mut self) {
        self.delta_lo = self.len;
        self.delta_hi = self.len;
        self.delta_improved.clear();
        self.improved_now.clear();
        self.round_start = self.len;
    }

    /// Heap bytes used (capacity), for statistics.
    pub fn bytes(&self) -> usize {
        self.data.capacity() * 4
            + self.lik.capacity() * 2
            + self.height.bytes()
            + self.tag.bytes()
            + self.deriv.bytes()
            + self.set.capacity() * 4
            + self.indexes.iter().map(Index::bytes).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::arrays::CHUNK_ROWS;
    use super::*;

    #[test]
    fn insert_find_improve() {
        let mut r = Relation::new(2, true, 2);
        assert_eq!(r.insert(&[1, 2], 5000, 1, 0, &[7, 8]), Inserted::New(0));
        assert_eq!(r.insert(&[2, 1], 5000, 1, 0, &[7, 8]), Inserted::New(1));
        assert_eq!(r.insert(&[1, 2], 4000, 0, 0, &[]), Inserted::Unchanged);
        assert_eq!(r.insert(&[1, 2], 5000, 1, 0, &[]), Inserted::Unchanged);
        assert_eq!(r.insert(&[1, 2], 5000, 0, 1, &[9]), Inserted::Improved(0));
        assert_eq!(r.deriv.get(0), &[9, NIL]);
        assert_eq!(r.tag.get(0), 1);
        assert_eq!(r.height.get(0), 0);
        // Heights widen past a byte, and keep "unknown".
        r.insert(&[5, 5], 1, 300, 0, &[]);
        r.insert(&[6, 6], 1, super::INF, 0, &[]);
        assert_eq!((r.height.get(2), r.height.get(3)), (300, super::INF));
        r.insert(&[7, 7], 1, 70_000, 0, &[]);
        assert_eq!(
            (r.height.get(2), r.height.get(3), r.height.get(4)),
            (300, super::INF, 70_000)
        );
        assert_eq!(r.find(&[2, 1]), 1);
        assert_eq!(r.find(&[3, 1]), NIL);
        for i in 0..1000 {
            r.insert(&[i, i + 1], 1, 0, 0, &[]);
        }
        for i in 0..1000 {
            assert_ne!(r.find(&[i, i + 1]), NIL);
        }
    }

    #[test]
    fn many_tags_and_chunks() {
        let mut r = Relation::new(1, true, 1);
        let n = CHUNK_ROWS as u32 + 10;
        for i in 0..n {
            r.insert(&[i], 1, 1, i % 7, &[i]);
        }
        // A 300th tag widens the tag store; everything reads back.
        r.insert(&[n], 1, 1, 300, &[n]);
        for i in 0..n {
            assert_eq!(
                (r.tag.get(i as usize), r.deriv.get(i as usize)),
                (i % 7, &[i][..])
            );
        }
        assert_eq!(r.tag.get(n as usize), 300);
        assert_eq!(r.insert(&[3], 1, 0, 299, &[]), Inserted::Improved(3));
        assert_eq!((r.tag.get(3), r.deriv.get(3)), (299, &[NIL][..]));
    }

    #[test]
    fn index_chains() {
        let mut r = Relation::new(2, false, 0);
        for i in 0..100u32 {
            r.insert(&[i % 7, i], 1, 0, 0, &[]);
        }
        let ix = r.index(&[0]);
        for i in 100..200u32 {
            r.insert(&[i % 7, i], 1, 0, 0, &[]);
        }
        for k in 0..7u32 {
            let mut n = 0;
            let mut id = r.index_head(ix, &[k]);
            let mut last = u32::MAX;
            while id != NIL {
                assert_eq!(r.row(id)[0], k);
                assert!(id < last, "newest first");
                last = id;
                n += 1;
                id = r.index_next(ix, id);
            }
            assert_eq!(n, (0..200).filter(|i| i % 7 == k).count());
        }
        assert_eq!(r.index_head(ix, &[9]), NIL);
    }

    #[test]
    fn nullary() {
        let mut r = Relation::new(0, false, 0);
        assert_eq!(r.find(&[]), NIL);
        assert_eq!(r.insert(&[], 1, 0, 0, &[]), Inserted::New(0));
        assert_eq!(r.insert(&[], 2, 0, 0, &[]), Inserted::Improved(0));
        assert_eq!(r.find(&[]), 0);
        assert_eq!(r.len, 1);
    }
}
