//! Hash indexes on some columns of a relation: rows of one key chained
//! newest first through a per-index `next` array.

use super::NIL;
use crate::hash::{finish, mix};

/// Asks the CPU to bring `p`'s cache line in (a no-op elsewhere).
#[inline(always)]
pub(super) fn prefetch_ptr<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: a prefetch is a hint: it never faults, whatever the
        // address, and SSE is part of every x86_64 target.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p.cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
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
    /// The per-process hash seed (kept here for the inner loops).
    seed: u64,
}

impl Index {
    pub fn new(cols: Vec<u32>) -> Index {
        Index {
            cols,
            table: vec![(0, NIL); 16],
            next: Vec::new(),
            keys: 0,
            seed: crate::hash::seed(),
        }
    }

    #[inline(always)]
    pub fn key_hash(&self, data: &[u32], arity: usize, id: u32) -> u64 {
        let base = id as usize * arity;
        let mut h = self.seed;
        for &c in &self.cols {
            h = mix(h, data[base + c as usize]);
        }
        finish(h)
    }

    /// Adds row `id` (which must be the next id) to the index.
    pub fn push(&mut self, data: &[u32], arity: usize, id: u32) {
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

    pub fn grow(&mut self, data: &[u32], arity: usize) {
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
        let mut h = self.seed;
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

    /// Asks the CPU to fetch the slot a key starts at (see
    /// [`Index::head_with`]).
    #[inline(always)]
    pub fn prefetch(&self, n: usize, key: impl Fn(usize) -> u32) {
        let mut h = self.seed;
        for i in 0..n {
            h = mix(h, key(i));
        }
        let slot = finish(h) as usize & (self.table.len() - 1);
        prefetch_ptr(self.table.as_ptr().wrapping_add(slot));
    }

    /// Asks the CPU to fetch the slot row `id`'s key starts at.
    #[inline(always)]
    pub fn prefetch_row(&self, data: &[u32], arity: usize, id: u32) {
        let slot = self.key_hash(data, arity, id) as usize & (self.table.len() - 1);
        prefetch_ptr(self.table.as_ptr().wrapping_add(slot));
    }

    pub fn bytes(&self) -> usize {
        self.table.capacity() * 8 + self.next.capacity() * 4
    }
}
