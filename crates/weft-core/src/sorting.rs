//! Sorting through one instantiation of the standard library's sort.
//!
//! `slice::sort*` is generic over the element type and the comparison, so every call site
//! with its own element type or closure compiles its own copy of the sort (4 to 8 KB of
//! WebAssembly each; the npm package held more than twenty of them). The helpers here sort
//! by a `u128` key instead: the keys are gathered, positions are ordered by key with a single
//! instantiation (`(u128, usize)` pairs), and the elements are moved into that order by
//! swaps. Only the key gathering and the swaps are generic, and they are small.
//!
//! Every sort here is stable; a slice that is already in order is only scanned.

use crate::{Dot, ReplicaId, ReplicaIndex};

/// The key of a dot: ordered as [`Dot`]'s `Ord` (replica, then counter).
#[must_use]
pub fn dot_key(dot: Dot) -> u128 {
    (u128::from(dot.replica.0) << 64) | u128::from(dot.counter)
}

/// The key of a replica index: ordered as [`ReplicaIndex`]'s `Ord`.
#[must_use]
pub fn replica_index_key(replica: ReplicaIndex) -> u128 {
    u128::from(replica.0)
}

/// The key of a replica id: ordered as [`ReplicaId`]'s `Ord` (its bytes, big-endian).
#[must_use]
pub fn replica_id_key(id: ReplicaId) -> u128 {
    u128::from_be_bytes(id.to_bytes())
}

/// The positions `0..keys.len()` in the order of their keys; equal keys keep their order.
#[must_use]
pub fn stable_order(keys: &[u128]) -> Vec<usize> {
    let mut pairs: Vec<(u128, usize)> = keys.iter().copied().zip(0..).collect();
    // The positions are distinct, so the unstable sort of the pairs is a stable sort by key.
    pairs.sort_unstable();
    pairs.into_iter().map(|(_, position)| position).collect()
}

/// Moves the element at `order[i]` to position `i`, for every `i`, through `swap` (which
/// exchanges two positions). `order` must be a permutation of `0..order.len()`; it is used
/// as scratch space. Each cycle of the permutation costs one swap per element but one.
pub fn apply_order(order: &mut [usize], swap: &mut dyn FnMut(usize, usize)) {
    for start in 0..order.len() {
        let mut current = start;
        loop {
            let source = order[current];
            order[current] = current;
            if source == start || source == current {
                break;
            }
            swap(current, source);
            current = source;
        }
    }
}

/// Slices up to this long are sorted by insertion (at most `SMALL²/2` swaps).
const SMALL: usize = 16;

/// Sorts `items` by `key`, stably.
pub fn sort_by_key<T>(items: &mut [T], key: impl Fn(&T) -> u128) {
    if items.windows(2).all(|pair| key(&pair[0]) <= key(&pair[1])) {
        return;
    }
    if items.len() <= SMALL {
        // A few elements (a counter's replicas, a slot's touches): insertion by swaps, with
        // no allocation, is several times faster than gathering keys.
        for end in 1..items.len() {
            let mut position = end;
            while position > 0 && key(&items[position - 1]) > key(&items[position]) {
                items.swap(position - 1, position);
                position -= 1;
            }
        }
        return;
    }
    let keys: Vec<u128> = items.iter().map(&key).collect();
    let mut order = stable_order(&keys);
    apply_order(&mut order, &mut |first, second| items.swap(first, second));
}

/// The positions `0..keys.len()` in the order of their byte strings (shorter first where one
/// is a prefix of the other, as `[u8]` and `str` order); equal keys keep their order. One
/// instantiation of the sort serves every byte-keyed sort.
///
/// ```
/// let keys: [&[u8]; 3] = [b"b", b"ab", b"a"];
/// assert_eq!(weft_core::sorting::stable_order_by_bytes(&keys), vec![2, 1, 0]);
/// ```
#[must_use]
pub fn stable_order_by_bytes(keys: &[&[u8]]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|first, second| keys[*first].cmp(keys[*second]));
    order
}

/// Sorts `items` by the byte string `key` gives (a `str` through `as_bytes`, which orders as
/// the `str` does), stably.
///
/// ```
/// let mut names = vec![("b", 1), ("a", 2), ("b", 0)];
/// weft_core::sorting::sort_by_bytes(&mut names, |(name, _)| name.as_bytes());
/// assert_eq!(names, [("a", 2), ("b", 1), ("b", 0)]);
/// ```
pub fn sort_by_bytes<T>(items: &mut [T], key: impl Fn(&T) -> &[u8]) {
    if items.windows(2).all(|pair| key(&pair[0]) <= key(&pair[1])) {
        return;
    }
    let keys: Vec<&[u8]> = items.iter().map(&key).collect();
    let mut order = stable_order_by_bytes(&keys);
    apply_order(&mut order, &mut |first, second| items.swap(first, second));
}

/// Sorts `entries` by their dots, stably.
pub fn sort_by_dot<T>(entries: &mut [(Dot, T)]) {
    sort_by_key(entries, |(dot, _)| dot_key(*dot));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_like_the_standard_sort() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for length in 0..60 {
            let items: Vec<(u8, usize)> = (0..length)
                .map(|position| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    ((state % 7) as u8, position)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|(key, _)| *key);
            let mut actual = items;
            sort_by_key(&mut actual, |(key, _)| u128::from(*key));
            assert_eq!(actual, expected);
        }
    }

    #[test]
    fn sorts_by_bytes_stably_like_the_standard_sort() {
        let words = ["b", "", "ab", "a", "b", "ba", "a", "abc", "é", "z"];
        let items: Vec<(&str, usize)> = words.iter().copied().zip(0..).collect();
        let mut expected = items.clone();
        expected.sort_by(|left, right| left.0.cmp(right.0));
        let mut actual = items;
        sort_by_bytes(&mut actual, |(word, _)| word.as_bytes());
        assert_eq!(actual, expected);
    }

    #[test]
    fn keys_order_as_the_types_do() {
        let dots = [
            Dot::new(ReplicaIndex(0), 5),
            Dot::new(ReplicaIndex(1), 1),
            Dot::new(ReplicaIndex(1), u64::MAX),
            Dot::new(ReplicaIndex(u32::MAX), 0),
        ];
        assert!(
            dots.windows(2)
                .all(|pair| dot_key(pair[0]) < dot_key(pair[1]))
        );
        let first = ReplicaId::from_bytes([0; 16]);
        let mut bytes = [0; 16];
        bytes[0] = 1;
        let second = ReplicaId::from_bytes(bytes);
        assert_eq!(
            first < second,
            replica_id_key(first) < replica_id_key(second)
        );
    }
}
