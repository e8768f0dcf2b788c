//! A version vector as an invertible Bloom lookup table: a resumed hello in a few hundred
//! bytes however many replicas the document has known.
//!
//! The sketch holds the sender's `(replica, counter)` pairs, each added to three cells (one
//! per third of the table). The receiver subtracts its own pairs: pairs both hold cancel, and
//! what is left is the few pairs only one side holds, which peeling recovers one "pure" cell
//! at a time. The size is chosen for the expected difference, not for the vector: a replica
//! that reconnects after changing a few entries sends a few dozen cells. When the difference
//! is larger than the sketch can hold, peeling stops short and the receiver asks for the
//! whole version instead (see `docs/SYNC.md`, "Relative versions").

use weft_core::codec::{Decoder, Encoder};
use weft_core::{DecodeError, MAX_COUNTER, ReplicaId, VersionVector};

use crate::relative::mix;

/// Cells per third of the table are at most this many (a sketch of ~80 KiB).
const MAX_PART: usize = 1 << 10;

/// Counts are kept modulo this, so a count and "empty" fit one byte.
const COUNT_MODULUS: u8 = 255;

/// One cell: how many pairs were added (modulo 255) and the XOR of their ids, counters and
/// check hashes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Cell {
    count: u8,
    id: u128,
    counter: u64,
    check: u32,
}

impl Cell {
    fn toggle(&mut self, id: u128, counter: u64, added: bool) {
        let step = if added {
            1
        } else {
            u16::from(COUNT_MODULUS) - 1
        };
        // Below 255 either way, so the narrowing keeps the value.
        self.count = ((u16::from(self.count) + step) % u16::from(COUNT_MODULUS)) as u8;
        self.id ^= id;
        self.counter ^= counter;
        self.check ^= check(id, counter);
    }

    fn is_zero(&self) -> bool {
        *self == Self::default()
    }

    /// The pair this cell holds alone, and whether it was added (+1) or subtracted (−1).
    fn pure(&self) -> Option<(u128, u64, bool)> {
        let added = match self.count {
            1 => true,
            254 => false,
            _ => return None,
        };
        (self.check == check(self.id, self.counter)).then_some((self.id, self.counter, added))
    }
}

/// A version vector summarised for reconciliation with a peer holding a similar one.
///
/// ```
/// use weft_core::{ReplicaId, VersionVector};
/// use weft_sync::VersionSketch;
/// let mut mine: VersionVector = (1..=2000u128).map(|id| (ReplicaId::from_u128(id), 3)).collect();
/// let theirs = mine.clone();
/// mine.set(ReplicaId::from_u128(7), 4); // one entry moved on since we last met
/// let sketch = VersionSketch::of(&mine, 4);
/// assert!(sketch.encoded_len() < 1024);
/// assert_eq!(sketch.reconcile(&theirs), Some(mine));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionSketch {
    cells: Vec<Cell>,
}

impl VersionSketch {
    /// A sketch of `version` sized to recover about `expected_difference` pairs held by only
    /// one of the two sides (each changed entry counts twice: its old and its new pair).
    #[must_use]
    pub fn of(version: &VersionVector, expected_difference: usize) -> Self {
        // About 2.5 cells per pair to recover: peeling then fails rarely (the tests measure
        // it), and a failure costs one whole hello, not a wrong answer.
        let part = expected_difference
            .saturating_mul(5)
            .div_ceil(6)
            .saturating_add(1)
            .clamp(4, MAX_PART);
        let mut sketch = Self {
            cells: vec![Cell::default(); part * 3],
        };
        sketch.add(version, true);
        sketch
    }

    /// The sender's version, rebuilt from this sketch and `mine` (the receiver's version), or
    /// `None` if the two differ by more than the sketch can tell apart.
    #[must_use]
    pub fn reconcile(&self, mine: &VersionVector) -> Option<VersionVector> {
        let mut left = self.clone();
        left.add(mine, false);
        let mut theirs = mine.clone();
        let mut set_by_them: Vec<ReplicaId> = Vec::new();
        let mut removed: Vec<(u128, u64)> = Vec::new();
        let mut progressed = true;
        while progressed {
            progressed = false;
            for index in 0..left.cells.len() {
                let Some((id, counter, added)) = left.cells[index].pure() else {
                    continue;
                };
                left.toggle(id, counter, !added);
                progressed = true;
                let replica = ReplicaId::from_u128(id);
                if added {
                    if counter == 0 || counter > MAX_COUNTER || set_by_them.contains(&replica) {
                        return None;
                    }
                    set_by_them.push(replica);
                    theirs.set(replica, counter);
                } else {
                    removed.push((id, counter));
                }
            }
        }
        if !left.cells.iter().all(Cell::is_zero) {
            return None;
        }
        for (id, counter) in removed {
            let replica = ReplicaId::from_u128(id);
            if mine.get(replica) != counter {
                return None;
            }
            if !set_by_them.contains(&replica) {
                theirs.set(replica, 0);
            }
        }
        Some(theirs)
    }

    /// The bytes [`VersionSketch::encode`] writes.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        let mut out = Encoder::new();
        self.encode(&mut out);
        out.len()
    }

    /// Writes the sketch: cells per third (varint), then each cell as one byte, 0 for an
    /// empty cell, else its count modulo 255 plus one, followed by the id XOR (16 bytes), the counter XOR (7 bytes, little
    /// endian) and the check XOR (4 bytes, little endian).
    pub fn encode(&self, out: &mut Encoder) {
        out.varint((self.cells.len() / 3) as u64);
        for cell in &self.cells {
            if cell.is_zero() {
                out.u8(0);
                continue;
            }
            out.u8(cell.count + 1);
            out.raw(&cell.id.to_be_bytes());
            out.raw(&cell.counter.to_le_bytes()[..7]);
            out.raw(&cell.check.to_le_bytes());
        }
    }

    /// Reads a sketch written by [`VersionSketch::encode`] from untrusted bytes.
    ///
    /// # Errors
    /// A [`DecodeError`] if the bytes end early, the size is out of bounds, or a cell is
    /// written in a form the encoder never writes.
    pub fn decode(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let offset = input.position();
        let part = input.length(3)?;
        if part == 0 || part > MAX_PART {
            return Err(input.invalid("sketch size", part as u64, offset));
        }
        let mut cells = Vec::with_capacity(part * 3);
        for _ in 0..part * 3 {
            let marker = input.u8()?;
            if marker == 0 {
                cells.push(Cell::default());
                continue;
            }
            let count = marker - 1;
            let id = u128::from_be_bytes(input.array::<16>()?);
            let mut counter = [0; 8];
            counter[..7].copy_from_slice(input.raw(7)?);
            let check = u32::from_le_bytes(input.array::<4>()?);
            let cell = Cell {
                count,
                id,
                counter: u64::from_le_bytes(counter),
                check,
            };
            if cell.is_zero() {
                // The encoder writes an empty cell as one zero byte.
                return Err(input.malformed("an empty sketch cell written in full"));
            }
            cells.push(cell);
        }
        Ok(Self { cells })
    }

    fn add(&mut self, version: &VersionVector, added: bool) {
        for (replica, counter) in version.iter() {
            self.toggle(u128::from_be_bytes(replica.to_bytes()), counter, added);
        }
    }

    fn toggle(&mut self, id: u128, counter: u64, added: bool) {
        let part = self.cells.len() / 3;
        for third in 0..3u64 {
            let hash = mix(mix(mix((id as u64) ^ third) ^ ((id >> 64) as u64)) ^ counter);
            let index = third as usize * part + (hash % part as u64) as usize;
            self.cells[index].toggle(id, counter, added);
        }
    }
}

/// The check hash of a pair: tells a cell holding one pair from one holding several.
fn check(id: u128, counter: u64) -> u32 {
    (mix(mix((id as u64) ^ 0xC0FF_EE00) ^ ((id >> 64) as u64) ^ counter.rotate_left(17)) >> 32)
        as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn many(replicas: u128, counter: u64) -> VersionVector {
        (1..=replicas)
            .map(|id| (ReplicaId::from_u128(id * 0x9E37_79B9), counter))
            .collect()
    }

    #[test]
    fn recovers_changes_on_both_sides() {
        let base = many(2000, 5);
        let mut mine = base.clone();
        let mut theirs = base.clone();
        mine.set(ReplicaId::from_u128(42), 1); // a replica only I know
        mine.set(ReplicaId::from_u128(3 * 0x9E37_79B9), 9); // I moved on
        theirs.set(ReplicaId::from_u128(5 * 0x9E37_79B9), 6); // they moved on
        theirs.set(ReplicaId::from_u128(7 * 0x9E37_79B9), 0); // they never had this one
        let sketch = VersionSketch::of(&theirs, 8);
        assert_eq!(sketch.reconcile(&mine), Some(theirs));
    }

    #[test]
    fn too_large_a_difference_is_refused_not_guessed() {
        let mine = many(2000, 5);
        let theirs = many(2000, 6);
        assert_eq!(VersionSketch::of(&theirs, 4).reconcile(&mine), None);
    }

    #[test]
    fn encoding_round_trips_and_refuses_hostile_sizes() {
        let sketch = VersionSketch::of(&many(300, 2), 6);
        let mut out = Encoder::new();
        sketch.encode(&mut out);
        let bytes = out.into_bytes();
        assert_eq!(bytes.len(), sketch.encoded_len());
        let mut input = Decoder::new(&bytes);
        assert_eq!(VersionSketch::decode(&mut input).unwrap(), sketch);
        assert!(input.is_at_end());
        for hostile in [vec![0], vec![0xFF, 0xFF, 0x03], vec![2, 1]] {
            assert!(VersionSketch::decode(&mut Decoder::new(&hostile)).is_err());
        }
    }

    #[test]
    fn equal_versions_reconcile_with_the_smallest_sketch() {
        let version = many(2000, 3);
        let sketch = VersionSketch::of(&version, 0);
        assert!(sketch.encoded_len() < 400, "{}", sketch.encoded_len());
        assert_eq!(sketch.reconcile(&version), Some(version));
    }

    #[test]
    fn reconciles_most_differences_it_was_sized_for() {
        let mut recovered = 0;
        for seed in 0..200u128 {
            let base = many(500, 4);
            let mut theirs = base.clone();
            for step in 0..4u128 {
                let replica =
                    ReplicaId::from_u128((seed * 7 + step * 13) % 500 * 0x9E37_79B9 + 0x9E37_79B9);
                theirs.set(replica, 10 + step as u64);
            }
            if VersionSketch::of(&theirs, 8).reconcile(&base) == Some(theirs) {
                recovered += 1;
            }
        }
        assert!(recovered >= 190, "recovered {recovered} of 200");
    }
}
