//! Storage: a relation is an insertion-ordered set of fixed-width `u32` rows.
//!
//! Rows live in one flat `Vec<u32>`; a row's index is its stable id. A small
//! open-addressing table of row ids (no stored keys: the key is the row
//! itself) answers "is this row there, and under which id". Hash indexes on
//! a set of bound columns chain the rows of one key through a per-index
//! `next` array (newest first), so an index costs 4 bytes per row plus its
//! table. Likelihood, proof height and the derivation record are kept in
//! parallel flat arrays.

/// No row / end of a chain.
pub(crate) const NIL: u32 = u32::MAX;

/// Fx-style word mixing with a murmur finaliser (good low bits).
#[inline(always)]
pub(crate) fn mix(h: u64, w: u32) -> u64 {
    (h.rotate_left(5) ^ u64::from(w)).wrapping_mul(0x517c_c1b7_2722_0a95)
}

#[inline(always)]
pub(crate) fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
}

/// Row equality without a `memcmp` call (rows are a few words).
#[inline(always)]
pub(crate) fn rows_eq(a: &[u32], b: &[u32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

#[inline(always)]
pub(crate) fn hash_row(row: &[u32]) -> u64 {
    let mut h = 0u64;
    for &w in row {
        h = mix(h, w);
    }
    finish(h)
}

/// A hash index on some columns of a relation.
#[derive(Clone, Debug)]
pub(crate) struct Index {
    /// The bound columns, ascending.
    pub cols: Vec<u32>,
    /// `(hash tag, newest row id)` per slot; `NIL` row id = empty slot.
    table: Vec<(u32, u32)>,
    /// For every row: the next (older) row with the same key, or `NIL`.
    pub next: Vec<u32>,
    keys: usize,
}

impl Index {
    fn new(cols: Vec<u32>) -> Index {
        Index {
            cols,
            table: vec![(0, NIL); 16],
            next: Vec::new(),
            keys: 0,
        }
    }

    #[inline(always)]
    fn key_hash(&self, data: &[u32], arity: usize, id: u32) -> u64 {
        let base = id as usize * arity;
        let mut h = 0u64;
        for &c in &self.cols {
            h = mix(h, data[base + c as usize]);
        }
        finish(h)
    }

    /// Adds row `id` (which must be the next id) to the index.
    fn push(&mut self, data: &[u32], arity: usize, id: u32) {
        debug_assert_eq!(self.next.len(), id as usize);
        if (self.keys + 1) * 2 > self.table.len() {
            self.grow(data, arity);
        }
        let h = self.key_hash(data, arity, id);
        let tag = (h >> 32) as u32;
        let mask = self.table.len() - 1;
        let mut slot = h as usize & mask;
        let base = id as usize * arity;
        loop {
            let (t, head) = self.table[slot];
            if head == NIL {
                self.table[slot] = (tag, id);
                self.next.push(NIL);
                self.keys += 1;
                return;
            }
            if t == tag {
                let hb = head as usize * arity;
                if self
                    .cols
                    .iter()
                    .all(|&c| data[hb + c as usize] == data[base + c as usize])
                {
                    self.table[slot] = (tag, id);
                    self.next.push(head);
                    return;
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    fn grow(&mut self, data: &[u32], arity: usize) {
        let cap = self.table.len() * 2;
        let old = std::mem::replace(&mut self.table, vec![(0, NIL); cap]);
        let mask = cap - 1;
        for (tag, head) in old {
            if head == NIL {
                continue;
            }
            let h = self.key_hash(data, arity, head);
            let mut slot = h as usize & mask;
            while self.table[slot].1 != NIL {
                slot = (slot + 1) & mask;
            }
            self.table[slot] = (tag, head);
        }
    }

    /// The newest row whose key columns equal `key` (in `cols` order).
    #[inline]
    pub fn head(&self, data: &[u32], arity: usize, key: &[u32]) -> u32 {
        self.head_with(data, arity, key.len(), |i| key[i])
    }

    /// Like [`Index::head`], with the key given as a function of its
    /// position (no key buffer).
    #[inline(always)]
    pub fn head_with(
        &self,
        data: &[u32],
        arity: usize,
        n: usize,
        key: impl Fn(usize) -> u32,
    ) -> u32 {
        let mut h = 0u64;
        for i in 0..n {
            h = mix(h, key(i));
        }
        let h = finish(h);
        let tag = (h >> 32) as u32;
        let mask = self.table.len() - 1;
        let mut slot = h as usize & mask;
        loop {
            let (t, head) = self.table[slot];
            if head == NIL {
                return NIL;
            }
            if t == tag {
                let hb = head as usize * arity;
                if self
                    .cols
                    .iter()
                    .enumerate()
                    .all(|(i, &c)| data[hb + c as usize] == key(i))
                {
                    return head;
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    fn bytes(&self) -> usize {
        self.table.capacity() * 8 + self.next.capacity() * 4
    }
}

/// What an insertion did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Inserted {
    New(u32),
    Improved(u32),
    Unchanged,
}

#[derive(Clone, Debug)]
pub(crate) struct Relation {
    pub arity: usize,
    /// Rows, `arity` words each.
    pub data: Vec<u32>,
    pub len: u32,
    /// Likelihood units per row.
    pub lik: Vec<u16>,
    /// Proof height per row (empty without provenance).
    pub height: Vec<u32>,
    /// Derivation records, `dwidth` words each: a tag then premise row ids
    /// (empty without provenance).
    pub deriv: Vec<u32>,
    pub dwidth: usize,
    /// Open-addressing set of row ids.
    set: Vec<u32>,
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
}

impl Relation {
    pub fn new(arity: usize, dwidth: usize) -> Relation {
        Relation {
            arity,
            data: Vec::new(),
            len: 0,
            lik: Vec::new(),
            height: Vec::new(),
            deriv: Vec::new(),
            dwidth,
            set: vec![NIL; 16],
            indexes: Vec::new(),
            round_start: 0,
            delta_lo: 0,
            delta_hi: 0,
            delta_improved: Vec::new(),
            improved_now: Vec::new(),
            derived: 0,
        }
    }

    #[inline(always)]
    pub fn row(&self, id: u32) -> &[u32] {
        let b = id as usize * self.arity;
        &self.data[b..b + self.arity]
    }

    /// The id of a row, if present.
    #[inline]
    pub fn find(&self, row: &[u32]) -> u32 {
        let arity = self.arity;
        let mask = self.set.len() - 1;
        let mut slot = hash_row(row) as usize & mask;
        loop {
            let id = self.set[slot];
            if id == NIL {
                return NIL;
            }
            let b = id as usize * arity;
            if rows_eq(&self.data[b..b + arity], row) {
                return id;
            }
            slot = (slot + 1) & mask;
        }
    }

    fn grow_set(&mut self) {
        let cap = self.set.len() * 2;
        let mut set = vec![NIL; cap];
        let mask = cap - 1;
        let arity = self.arity;
        for id in 0..self.len {
            let b = id as usize * arity;
            let mut slot = hash_row(&self.data[b..b + arity]) as usize & mask;
            while set[slot] != NIL {
                slot = (slot + 1) & mask;
            }
            set[slot] = id;
        }
        self.set = set;
    }

    /// Inserts a row, or improves its likelihood (then proof height) if the
    /// new derivation is better. `deriv` is the tag and premises (ignored
    /// when the relation keeps no provenance).
    #[inline]
    pub fn insert(&mut self, row: &[u32], lik: u16, height: u32, deriv: &[u32]) -> Inserted {
        debug_assert_eq!(row.len(), self.arity);
        let arity = self.arity;
        // Keep the load factor at most 1/2 (grow before probing so that the
        // slot found stays valid for the insertion).
        if (self.len as usize + 1) * 2 > self.set.len() {
            self.grow_set();
        }
        let mask = self.set.len() - 1;
        let mut slot = hash_row(row) as usize & mask;
        loop {
            let id = self.set[slot];
            if id == NIL {
                break;
            }
            let b = id as usize * arity;
            if rows_eq(&self.data[b..b + arity], row) {
                return self.improve(id, lik, height, deriv);
            }
            slot = (slot + 1) & mask;
        }
        let id = self.len;
        self.set[slot] = id;
        self.data.extend_from_slice(row);
        self.len += 1;
        self.lik.push(lik);
        if self.dwidth > 0 {
            self.height.push(height);
            if deriv.len() == self.dwidth {
                self.deriv.extend_from_slice(deriv);
            } else {
                let n = deriv.len().min(self.dwidth);
                self.deriv.extend_from_slice(&deriv[..n]);
                self.deriv.resize(self.deriv.len() + self.dwidth - n, NIL);
            }
        }
        for ix in &mut self.indexes {
            ix.push(&self.data, arity, id);
        }
        Inserted::New(id)
    }

    #[inline]
    fn improve(&mut self, id: u32, lik: u16, height: u32, deriv: &[u32]) -> Inserted {
        let i = id as usize;
        let old = self.lik[i];
        let better = if self.dwidth > 0 {
            lik > old || (lik == old && height < self.height[i])
        } else {
            lik > old
        };
        if !better {
            return Inserted::Unchanged;
        }
        self.lik[i] = lik;
        if self.dwidth > 0 {
            self.height[i] = height;
            let b = i * self.dwidth;
            let n = deriv.len().min(self.dwidth);
            self.deriv[b..b + n].copy_from_slice(&deriv[..n]);
            for w in &mut self.deriv[b + n..b + self.dwidth] {
                *w = NIL;
            }
        }
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
            + self.height.capacity() * 4
            + self.deriv.capacity() * 4
            + self.set.capacity() * 4
            + self.indexes.iter().map(Index::bytes).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_find_improve() {
        let mut r = Relation::new(2, 3);
        assert_eq!(r.insert(&[1, 2], 5000, 1, &[0, 7, 8]), Inserted::New(0));
        assert_eq!(r.insert(&[2, 1], 5000, 1, &[0, 7, 8]), Inserted::New(1));
        assert_eq!(r.insert(&[1, 2], 4000, 0, &[0]), Inserted::Unchanged);
        assert_eq!(r.insert(&[1, 2], 5000, 1, &[0]), Inserted::Unchanged);
        assert_eq!(r.insert(&[1, 2], 5000, 0, &[9]), Inserted::Improved(0));
        assert_eq!(&r.deriv[0..3], &[9, NIL, NIL]);
        assert_eq!(r.find(&[2, 1]), 1);
        assert_eq!(r.find(&[3, 1]), NIL);
        for i in 0..1000 {
            r.insert(&[i, i + 1], 1, 0, &[]);
        }
        for i in 0..1000 {
            assert_ne!(r.find(&[i, i + 1]), NIL);
        }
    }

    #[test]
    fn index_chains() {
        let mut r = Relation::new(2, 0);
        for i in 0..100u32 {
            r.insert(&[i % 7, i], 1, 0, &[]);
        }
        let ix = r.index(&[0]);
        for i in 100..200u32 {
            r.insert(&[i % 7, i], 1, 0, &[]);
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
        let mut r = Relation::new(0, 0);
        assert_eq!(r.find(&[]), NIL);
        assert_eq!(r.insert(&[], 1, 0, &[]), Inserted::New(0));
        assert_eq!(r.insert(&[], 2, 0, &[]), Inserted::Improved(0));
        assert_eq!(r.find(&[]), 0);
        assert_eq!(r.len, 1);
    }
}
