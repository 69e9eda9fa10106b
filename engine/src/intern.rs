//! Small building blocks of the connectivity fast path: a fast hasher for integer keys, interned
//! port sets with memoised union and intersection, and fixed-width bitsets.
//!
//! Whole matrices hold a few distinct port sets many times over (at 20,000 pods: millions of
//! cells, hundreds of distinct sets), so cells are `u32` ids into one table instead of owned
//! [`PortSet`]s, and set algebra is done once per pair of distinct sets.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::ports::PortSet;

/// Multiply-rotate hasher (the rustc "Fx" scheme) for keys made of integers. Not DoS-resistant,
/// which does not matter here: keys are ids the engine made, not input text.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Id of the empty set in every [`SetTable`].
pub(crate) const NONE: u32 = 0;
/// Id of the set of every port of every protocol in every [`SetTable`].
pub(crate) const ALL: u32 = 1;

/// Distinct port sets, each stored once; operations on ids are memoised.
#[derive(Debug)]
pub(crate) struct SetTable {
    list: Vec<PortSet>,
    ids: HashMap<PortSet, u32>,
    unions: FxMap<(u32, u32), u32>,
    intersections: FxMap<(u32, u32), u32>,
}

impl SetTable {
    pub(crate) fn new() -> SetTable {
        let mut t = SetTable {
            list: Vec::new(),
            ids: HashMap::new(),
            unions: FxMap::default(),
            intersections: FxMap::default(),
        };
        t.intern(PortSet::none());
        t.intern(PortSet::all());
        t
    }

    pub(crate) fn intern(&mut self, set: PortSet) -> u32 {
        if let Some(&id) = self.ids.get(&set) {
            return id;
        }
        // More than 2^32 distinct port sets cannot be held in memory anyway.
        let id = u32::try_from(self.list.len()).unwrap_or(u32::MAX);
        self.list.push(set.clone());
        self.ids.insert(set, id);
        id
    }

    fn set(&self, id: u32) -> PortSet {
        self.list.get(id as usize).cloned().unwrap_or_default()
    }

    pub(crate) fn union(&mut self, a: u32, b: u32) -> u32 {
        if a == b || b == NONE || a == ALL {
            return a;
        }
        if a == NONE || b == ALL {
            return b;
        }
        let key = (a.min(b), a.max(b));
        if let Some(&u) = self.unions.get(&key) {
            return u;
        }
        let mut s = self.set(a);
        s.union(&self.set(b));
        let u = self.intern(s);
        self.unions.insert(key, u);
        u
    }

    pub(crate) fn intersect(&mut self, a: u32, b: u32) -> u32 {
        if a == b || b == ALL || a == NONE {
            return a;
        }
        if b == NONE || a == ALL {
            return b;
        }
        let key = (a.min(b), a.max(b));
        if let Some(&i) = self.intersections.get(&key) {
            return i;
        }
        let i = self.intern(self.set(a).intersect(&self.set(b)));
        self.intersections.insert(key, i);
        i
    }

    pub(crate) fn into_sets(self) -> Vec<PortSet> {
        self.list
    }
}

/// A fixed-width bitset stored in `u64` words.
pub(crate) fn words(bits: usize) -> usize {
    bits.div_ceil(64)
}

pub(crate) fn set_bit(words: &mut [u64], bit: usize) {
    if let Some(w) = words.get_mut(bit / 64) {
        *w |= 1u64 << (bit % 64);
    }
}

/// The indices of the set bits, ascending.
pub(crate) fn ones(words: &[u64]) -> impl Iterator<Item = usize> + '_ {
    words.iter().enumerate().flat_map(|(wi, &w)| {
        let mut rest = w;
        std::iter::from_fn(move || {
            if rest == 0 {
                return None;
            }
            let b = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            Some(wi * 64 + b)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::Protocol;

    fn tcp(lo: u16, hi: u16) -> PortSet {
        let mut s = PortSet::none();
        s.add(Protocol::Tcp, lo, hi);
        s
    }

    #[test]
    fn interned_algebra_matches_port_sets() {
        let mut t = SetTable::new();
        let a = t.intern(tcp(80, 90));
        let b = t.intern(tcp(85, 100));
        assert_eq!(t.intern(tcp(80, 90)), a, "equal sets share one id");
        let u = t.union(a, b);
        let i = t.intersect(b, a);
        assert_eq!(t.set(u), tcp(80, 100));
        assert_eq!(t.set(i), tcp(85, 90));
        assert_eq!(t.union(b, a), u, "memoised in either order");
        assert_eq!(t.union(a, NONE), a);
        assert_eq!(t.union(ALL, a), ALL);
        assert_eq!(t.intersect(a, ALL), a);
        assert_eq!(t.intersect(NONE, a), NONE);
        assert_eq!(t.set(ALL), PortSet::all());
        assert_eq!(t.set(NONE), PortSet::none());
    }

    #[test]
    fn bitsets() {
        let mut w = vec![0u64; words(130)];
        assert_eq!(w.len(), 3);
        for b in [0, 63, 64, 129] {
            set_bit(&mut w, b);
        }
        set_bit(&mut w, 1000); // out of range: ignored
        assert_eq!(ones(&w).collect::<Vec<_>>(), vec![0, 63, 64, 129]);
    }
}
