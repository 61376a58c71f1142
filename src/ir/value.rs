//! Values: what a constant of the language is, how it prints, and the
//! table that interns each value once.

use super::ValueId;
/// A constant of the language. Text is one kind of value however it was
/// written: `abc`, `"abc"` and a CSV field `abc` are the same `Text`.
#[derive(Clone, Debug)]
pub enum Value {
    Text(Box<str>),
    Int(i64),
    Dec(f64),
}

impl Value {
    /// The value as a number, for numeric comparisons.
    pub fn as_number(&self) -> Option<f64> {
        match *self {
            Value::Int(i) => Some(i as f64),
            Value::Dec(d) => Some(d),
            _ => None,
        }
    }

    /// Decimals are keyed by their bits with -0.0 folded into 0.0, so that
    /// interning is an equivalence.
    fn key(&self) -> ValueKey<'_> {
        match self {
            Value::Text(s) => ValueKey::Text(s),
            Value::Int(i) => ValueKey::Int(*i),
            Value::Dec(d) => ValueKey::Dec(if *d == 0.0 { 0 } else { d.to_bits() }),
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Value {}

impl std::hash::Hash for Value {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.key().hash(h);
    }
}

#[derive(PartialEq, Eq, Hash)]
enum ValueKey<'a> {
    Text(&'a str),
    Int(i64),
    Dec(u64),
}

/// Whether text can be written without quotes: `[a-z][A-Za-z0-9_]*`.
pub fn is_symbol(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_lowercase())
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// Text as the language writes it: bare when it needs no quotes, else in
/// double quotes with `"` and `\\` escaped, and control characters escaped
/// so that data never reaches a terminal raw.
pub fn write_text(f: &mut impl std::fmt::Write, s: &str) -> std::fmt::Result {
    if is_symbol(s) {
        return f.write_str(s);
    }
    f.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            c if c.is_control() => write!(f, "\\u{{{:x}}}", c as u32)?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

/// Text prints bare when it needs no quotes (else quoted), numbers as written.
impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Text(s) => write_text(f, s),
            Value::Int(i) => write!(f, "{i}"),
            Value::Dec(d) => {
                if d.fract() == 0.0 && d.is_finite() {
                    write!(f, "{d:.1}")
                } else {
                    write!(f, "{d}")
                }
            }
        }
    }
}

/// The value table: every value once, its id its index.
#[derive(Clone, Debug, Default)]
pub struct Values {
    list: Vec<Value>,
    /// Open-addressing index over `list`: `(hash tag, id)` per slot, `NO_ID`
    /// for an empty slot; the load factor stays at most 1/2.
    slots: Vec<(u32, ValueId)>,
    /// The ids of the integers `0..SMALL_INTS` interned so far, by value
    /// (`NO_ID` where not yet): ids and counts are mostly small, and an
    /// array indexed by the value costs no hashing and stays in cache where
    /// `slots` would not. These integers are never in `slots`.
    small: Vec<ValueId>,
}

const NO_ID: ValueId = ValueId::MAX;

/// Integers below this are interned through [`Values::small`] (at most
/// 4 MiB of it, grown to the largest such integer seen).
pub(crate) const SMALL_INTS: i64 = 1 << 20;

/// The index of `value` in [`Values::small`], if it goes there.
#[inline(always)]
fn small_index(value: &Value) -> Option<usize> {
    match *value {
        Value::Int(i) if (0..SMALL_INTS).contains(&i) => Some(i as usize),
        _ => None,
    }
}

/// Seeded per process (see [`crate::hash`]): values come from files an
/// attacker may write.
fn value_hash(value: &Value) -> u64 {
    crate::hash::hash_one(value.key())
}

impl Values {
    /// The slot holding `value`, or the empty slot where it would go.
    #[inline]
    fn find_slot(&self, value: &Value, h: u64) -> usize {
        let mask = self.slots.len() - 1;
        let tag = (h >> 32) as u32;
        let mut slot = h as usize & mask;
        loop {
            let (t, id) = self.slots[slot];
            if id == NO_ID {
                return slot;
            }
            if t == tag {
                // Integers (the bulk of loaded inputs) compare inline.
                let same = match (&self.list[id as usize], value) {
                    (Value::Int(a), Value::Int(b)) => a == b,
                    (Value::Int(_), _) | (_, Value::Int(_)) => false,
                    (a, b) => a == b,
                };
                if same {
                    return slot;
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    fn rehash(&mut self, cap: usize) {
        let mut slots = vec![(0u32, NO_ID); cap];
        let mask = cap - 1;
        for (id, v) in self.list.iter().enumerate() {
            if small_index(v).is_some() {
                continue;
            }
            let h = value_hash(v);
            let mut slot = h as usize & mask;
            while slots[slot].1 != NO_ID {
                slot = (slot + 1) & mask;
            }
            slots[slot] = ((h >> 32) as u32, id as ValueId);
        }
        self.slots = slots;
    }

    /// Makes room for `additional` more values without rehashing.
    pub fn reserve(&mut self, additional: usize) {
        self.list.reserve(additional);
        let want = (self.list.len() + additional + 1) * 2;
        if want > self.slots.len() {
            self.rehash(want.next_power_of_two().max(16));
        }
    }

    pub fn intern(&mut self, value: Value) -> ValueId {
        if let Some(i) = small_index(&value) {
            return self.intern_small(i, value);
        }
        if (self.list.len() + 1) * 2 > self.slots.len() {
            self.rehash((self.slots.len() * 2).max(16));
        }
        let h = value_hash(&value);
        let slot = self.find_slot(&value, h);
        let (_, id) = self.slots[slot];
        if id != NO_ID {
            return id;
        }
        let id = self.list.len() as ValueId;
        self.list.push(value);
        self.slots[slot] = ((h >> 32) as u32, id);
        id
    }

    #[inline]
    fn intern_small(&mut self, i: usize, value: Value) -> ValueId {
        if i >= self.small.len() {
            self.small
                .resize((i + 1).next_power_of_two().max(64), NO_ID);
        }
        let id = self.small[i];
        if id != NO_ID {
            return id;
        }
        let id = self.list.len() as ValueId;
        self.list.push(value);
        self.small[i] = id;
        id
    }

    pub fn get(&self, id: ValueId) -> &Value {
        &self.list[id as usize]
    }

    /// A value by id, `None` when out of range.
    pub fn try_get(&self, id: ValueId) -> Option<&Value> {
        self.list.get(id as usize)
    }

    pub fn lookup(&self, value: &Value) -> Option<ValueId> {
        if let Some(i) = small_index(value) {
            return self.small.get(i).copied().filter(|&id| id != NO_ID);
        }
        if self.slots.is_empty() {
            return None;
        }
        let (_, id) = self.slots[self.find_slot(value, value_hash(value))];
        (id != NO_ID).then_some(id)
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// What a value is, as far as comparisons go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// An integer or a decimal.
    Number,
    /// Text, however written.
    Text,
}

impl Value {
    pub fn kind(&self) -> ValueKind {
        match self {
            Value::Int(_) | Value::Dec(_) => ValueKind::Number,
            Value::Text(_) => ValueKind::Text,
        }
    }

    /// The text of a text value.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(i: i64) -> Value {
        Value::Int(i)
    }

    #[test]
    fn interning_is_one_id_per_value_on_both_sides_of_the_small_integers() {
        let mut values = Values::default();
        let samples = [
            int(0),
            int(7),
            int(SMALL_INTS - 1),
            int(SMALL_INTS),
            int(-1),
            int(i64::MIN),
            Value::Dec(7.0),
            Value::Dec(0.0),
            Value::Text("7".into()),
        ];
        let ids: Vec<ValueId> = samples.iter().map(|v| values.intern(v.clone())).collect();
        // Distinct values, distinct ids; the same value again, the same id,
        // also after the table has grown.
        let distinct: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), samples.len());
        for i in 0..5_000 {
            values.intern(int(i * 3));
            values.intern(int(SMALL_INTS + i));
        }
        for (v, &id) in samples.iter().zip(&ids) {
            assert_eq!(values.intern(v.clone()), id);
            assert_eq!(values.lookup(v), Some(id));
            assert_eq!(values.get(id), v);
        }
        assert_eq!(values.lookup(&int(1)), None);
        assert_eq!(values.lookup(&int(SMALL_INTS - 2)), None);
        assert_eq!(values.len(), samples.len() + 2 * 5_000 - 2);
    }
}
