//! An order-independent digest of a replica's state, to detect replicas that claim the same
//! version but hold different states.

use std::fmt;

use serde::{Deserialize, Serialize};

mod counter_range;

/// A 128-bit digest of a state: the wrapping sum of a 128-bit hash of every *atom* of the
/// state (a live entry with its path, a context entry). Summing makes it independent of the
/// order in which the state was built or is walked; the hash is fixed (FNV-1a with a SplitMix64
/// finish, twice with different seeds), so the same state gives the same digest on every
/// platform and every version of Rust.
///
/// ```
/// use weft_core::{DigestBuilder};
/// let mut one = DigestBuilder::default();
/// one.add(b"x");
/// one.add(b"y");
/// let mut other = DigestBuilder::default();
/// other.add(b"y");
/// other.add(b"x");
/// assert_eq!(one.finish(), other.finish());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Digest(pub u128);

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({:032x})", self.0)
    }
}

/// Accumulates atoms into a [`Digest`].
#[derive(Clone, Debug, Default)]
pub struct DigestBuilder {
    sum: u128,
}

impl DigestBuilder {
    /// Adds one atom (its bytes must name it completely: path, identity and value).
    pub fn add(&mut self, atom: &[u8]) {
        self.sum = self.sum.wrapping_add(hash128(atom));
    }

    /// Adds one atom per counter of `first..=last` under `prefix` (which must name the run's
    /// place and replica completely), in time independent of the run's length: a run split
    /// anywhere adds the same as the whole. For stores of runs (sequences), where a cheap
    /// message can name billions of counters.
    ///
    /// ```
    /// use weft_core::DigestBuilder;
    /// let (mut whole, mut split) = (DigestBuilder::default(), DigestBuilder::default());
    /// whole.add_counter_range(b"text", 1, 1 << 40);
    /// split.add_counter_range(b"text", 1, 99);
    /// split.add_counter_range(b"text", 100, 1 << 40);
    /// assert_eq!(whole.finish(), split.finish());
    /// ```
    pub fn add_counter_range(&mut self, prefix: &[u8], first: u64, last: u64) {
        if first > last {
            return;
        }
        let value = counter_range::range_value(hash128(prefix), first, last);
        self.sum = self.sum.wrapping_add(value);
    }

    /// The digest of the atoms added.
    #[must_use]
    pub fn finish(&self) -> Digest {
        Digest(self.sum)
    }
}

fn hash128(bytes: &[u8]) -> u128 {
    (u128::from(hash64(bytes, 0xcbf2_9ce4_8422_2325)) << 64)
        | u128::from(hash64(bytes, 0x8422_2325_cbf2_9ce4))
}

fn hash64(bytes: &[u8], seed: u64) -> u64 {
    let mut state = seed;
    for byte in bytes {
        state ^= u64::from(*byte);
        state = state.wrapping_mul(0x0000_0100_0000_01b3);
    }
    state ^= bytes.len() as u64;
    state = (state ^ (state >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    state = (state ^ (state >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    state ^ (state >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_atoms_give_distinct_digests() {
        let digest = |atoms: &[&[u8]]| {
            let mut builder = DigestBuilder::default();
            atoms.iter().for_each(|atom| builder.add(atom));
            builder.finish()
        };
        assert_ne!(digest(&[b"a"]), digest(&[b"b"]));
        assert_ne!(digest(&[b"ab"]), digest(&[b"a", b"b"]));
        assert_ne!(digest(&[b"a", b"a"]), digest(&[]));
        assert_eq!(digest(&[b"a", b"b", b"c"]), digest(&[b"c", b"a", b"b"]));
    }

    #[test]
    fn the_hash_is_fixed() {
        // Pinned (computed independently) so that digests stay comparable across platforms
        // and releases: changing the hash is a protocol change.
        let mut builder = DigestBuilder::default();
        builder.add(b"weft");
        assert_eq!(
            builder.finish(),
            Digest(0x6e53_48e3_1762_93e4_49b8_fd58_9b75_59e1)
        );
    }
}
