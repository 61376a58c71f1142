//! The compact per-row arrays a relation keeps beside its rows: proof
//! heights ([`Narrow`]), derivation records ([`Records`]) and derivation
//! tags ([`Tags`]).

use super::NIL;

/// A vector of small unsigned numbers stored as narrow as they allow:
/// bytes until a value needs more, then `u16`, then `u32`. [`INF`] (an
/// "unknown" height) is kept as the widest value of the current width.
#[derive(Clone, Debug)]
pub(crate) enum Narrow {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
}

/// An infinite proof height.
pub(crate) const INF: u32 = u32::MAX;

impl Narrow {
    pub fn new() -> Narrow {
        Narrow::U8(Vec::new())
    }

    #[inline(always)]
    pub fn get(&self, i: usize) -> u32 {
        match self {
            Narrow::U8(v) => match v[i] {
                u8::MAX => INF,
                x => u32::from(x),
            },
            Narrow::U16(v) => match v[i] {
                u16::MAX => INF,
                x => u32::from(x),
            },
            Narrow::U32(v) => v[i],
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Narrow::U8(v) => v.len(),
            Narrow::U16(v) => v.len(),
            Narrow::U32(v) => v.len(),
        }
    }

    /// Makes `x` storable, widening if needed.
    #[inline(always)]
    pub fn fit(&mut self, x: u32) {
        let fits = match self {
            Narrow::U8(_) => x < u32::from(u8::MAX) || x == INF,
            Narrow::U16(_) => x < u32::from(u16::MAX) || x == INF,
            Narrow::U32(_) => true,
        };
        if !fits {
            self.widen(x);
        }
    }

    #[cold]
    pub fn widen(&mut self, x: u32) {
        let n = self.len();
        let all: Vec<u32> = (0..n).map(|i| self.get(i)).collect();
        *self = if x < u32::from(u16::MAX) {
            Narrow::U16(
                all.iter()
                    .map(|&v| if v == INF { u16::MAX } else { v as u16 })
                    .collect(),
            )
        } else {
            Narrow::U32(all)
        };
    }

    #[inline(always)]
    pub fn push(&mut self, x: u32) {
        self.fit(x);
        match self {
            Narrow::U8(v) => v.push(x.min(u32::from(u8::MAX)) as u8),
            Narrow::U16(v) => v.push(x.min(u32::from(u16::MAX)) as u16),
            Narrow::U32(v) => v.push(x),
        }
    }

    #[inline(always)]
    pub fn set(&mut self, i: usize, x: u32) {
        self.fit(x);
        match self {
            Narrow::U8(v) => v[i] = x.min(u32::from(u8::MAX)) as u8,
            Narrow::U16(v) => v[i] = x.min(u32::from(u16::MAX)) as u16,
            Narrow::U32(v) => v[i] = x,
        }
    }

    pub fn bytes(&self) -> usize {
        match self {
            Narrow::U8(v) => v.capacity(),
            Narrow::U16(v) => v.capacity() * 2,
            Narrow::U32(v) => v.capacity() * 4,
        }
    }
}

/// Rows per chunk of [`Records`].
pub(crate) const CHUNK_ROWS: usize = 1 << 14;

/// Fixed-width derivation records in chunks: growing never copies or
/// frees what is there, so the records cost no more memory than they hold.
#[derive(Clone, Debug, Default)]
pub(crate) struct Records {
    width: usize,
    chunks: Vec<Vec<u32>>,
}

impl Records {
    pub fn new(width: usize) -> Records {
        Records {
            width,
            chunks: Vec::new(),
        }
    }

    /// Appends a record (padded with `NIL`, or cut, to the width).
    #[inline]
    pub fn push(&mut self, rec: &[u32]) {
        let w = self.width;
        if w == 0 {
            return;
        }
        if self.chunks.last().is_none_or(|c| c.len() == CHUNK_ROWS * w) {
            self.chunks.push(Vec::with_capacity(CHUNK_ROWS * w));
        }
        let Some(c) = self.chunks.last_mut() else {
            return;
        };
        let n = rec.len().min(w);
        c.extend_from_slice(&rec[..n]);
        for _ in n..w {
            c.push(NIL);
        }
    }

    /// Record `i`.
    #[inline]
    pub fn get(&self, i: usize) -> &[u32] {
        let w = self.width;
        if w == 0 {
            return &[];
        }
        let o = (i % CHUNK_ROWS) * w;
        &self.chunks[i / CHUNK_ROWS][o..o + w]
    }

    #[inline]
    pub fn set(&mut self, i: usize, rec: &[u32]) {
        let w = self.width;
        if w == 0 {
            return;
        }
        let o = (i % CHUNK_ROWS) * w;
        let slot = &mut self.chunks[i / CHUNK_ROWS][o..o + w];
        let n = rec.len().min(w);
        slot[..n].copy_from_slice(&rec[..n]);
        for x in &mut slot[n..] {
            *x = NIL;
        }
    }

    pub fn bytes(&self) -> usize {
        self.chunks.iter().map(|c| c.capacity() * 4).sum()
    }
}

/// Derivation tag indexes, one per row: bytes in chunks (no copies as
/// they grow), or a flat [`Narrow`] once a relation has 255 tags or more.
#[derive(Clone, Debug)]
pub(crate) enum Tags {
    Bytes(Vec<Vec<u8>>),
    Wide(Narrow),
}

impl Tags {
    pub fn new() -> Tags {
        Tags::Bytes(Vec::new())
    }

    #[inline]
    pub fn get(&self, i: usize) -> u32 {
        match self {
            Tags::Bytes(c) => u32::from(c[i / CHUNK_ROWS][i % CHUNK_ROWS]),
            Tags::Wide(n) => n.get(i),
        }
    }

    #[cold]
    pub fn widen(&mut self) {
        if let Tags::Bytes(c) = self {
            let mut n = Narrow::U16(Vec::new());
            for &b in c.iter().flatten() {
                n.push(u32::from(b));
            }
            *self = Tags::Wide(n);
        }
    }

    #[inline]
    pub fn push(&mut self, t: u32) {
        if t >= u32::from(u8::MAX) {
            self.widen();
        }
        match self {
            Tags::Bytes(c) => {
                if c.last().is_none_or(|l| l.len() == CHUNK_ROWS) {
                    c.push(Vec::with_capacity(CHUNK_ROWS));
                }
                if let Some(l) = c.last_mut() {
                    l.push(t as u8);
                }
            }
            Tags::Wide(n) => n.push(t),
        }
    }

    #[inline]
    pub fn set(&mut self, i: usize, t: u32) {
        if t >= u32::from(u8::MAX) {
            self.widen();
        }
        match self {
            Tags::Bytes(c) => c[i / CHUNK_ROWS][i % CHUNK_ROWS] = t as u8,
            Tags::Wide(n) => n.set(i, t),
        }
    }

    pub fn bytes(&self) -> usize {
        match self {
            Tags::Bytes(c) => c.iter().map(Vec::capacity).sum(),
            Tags::Wide(n) => n.bytes(),
        }
    }
}
