//! Mutations of valid encodings, and the frame fix-up that lets mutants reach the decoders
//! inside the frame.
//!
//! A random byte string almost never gets past a frame's CRC-32, so fuzzing with raw bytes
//! tests the checksum and little else. These mutators start from valid encodings, change them
//! the way a fuzzer does (bit flips, interesting values, inserts, deletions, varint tweaks,
//! duplicated or removed ranges, splices with another encoding, length-prefix edits), then
//! repair what a checksum or a length field would reject: the CRC-32 of the frame, of a frame
//! carried inside a sync message, and of every record of a persistence log, and the length of
//! each log record.
//!
//! ```
//! use weft_tests::SplitMix64;
//! use weft_tests::mutation::{Mutator, fix_frame};
//! let valid = weft::internals::codec::frame::seal(weft::internals::codec::frame::Kind::Delta, |out| out.raw(&[1, 2, 3]));
//! let mut mutator = Mutator::new(SplitMix64::new(1));
//! let mut mutant = valid.clone();
//! mutator.mutate(&mut mutant, &valid);
//! fix_frame(&mut mutant);
//! if mutant.len() >= 8 {
//!     let body = mutant.len() - 4;
//!     assert_eq!(&mutant[body..], &weft::internals::codec::crc32(&mutant[..body]).to_le_bytes());
//! }
//! ```

use weft::internals::codec::{Encoder, crc32};
use weft::sync::Message;
use weft::sync::persistence::record::{self, HEADER, Kind, Read};

use crate::random::SplitMix64;

/// Bytes a frame keeps around its payload: magic, version and kind ahead, the CRC behind.
const FRAME_HEAD: usize = 4;
const FRAME_TAIL: usize = 4;

/// Values that sit on boundaries a decoder checks.
const INTERESTING_BYTES: [u8; 10] = [0x00, 0x01, 0x02, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x40, 0x10];

/// Varint values that sit on boundaries a decoder checks (counts, counters, lengths).
const INTERESTING_VARINTS: [u64; 12] = [
    0,
    1,
    2,
    127,
    128,
    255,
    16_384,
    u32::MAX as u64,
    (1 << 53) - 1,
    1 << 53,
    u64::MAX >> 1,
    u64::MAX,
];

/// A seeded mutator of byte strings.
#[derive(Clone, Debug)]
pub struct Mutator {
    random: SplitMix64,
}

impl Mutator {
    /// A mutator drawing from `random`.
    #[must_use]
    pub fn new(random: SplitMix64) -> Self {
        Self { random }
    }

    /// The generator, for callers that make their own choices.
    pub fn random(&mut self) -> &mut SplitMix64 {
        &mut self.random
    }

    /// Applies one to eight mutations to the payload of the frame `bytes` (the head and the
    /// checksum are left to the fix-up, except by a rare header edit); `other` is another
    /// encoding to splice from.
    pub fn mutate(&mut self, bytes: &mut Vec<u8>, other: &[u8]) {
        // Mostly one or two edits, so that mutants stay close enough to valid to decode.
        let count = if self.random.chance(80) {
            1 + self.random.below(2)
        } else {
            1 + self.random.below(8)
        };
        for _ in 0..count {
            if self.random.chance(3) && bytes.len() >= FRAME_HEAD {
                // The version or the kind: decoders must refuse frames of another kind.
                let at = 2 + self.random.index(2);
                bytes[at] = INTERESTING_BYTES[self.random.index(INTERESTING_BYTES.len())];
                continue;
            }
            let (head, tail) = if bytes.len() >= FRAME_HEAD + FRAME_TAIL {
                (FRAME_HEAD, FRAME_TAIL)
            } else {
                (0, 0)
            };
            let mut payload = bytes[head..bytes.len() - tail].to_vec();
            let splice = if other.len() >= FRAME_HEAD + FRAME_TAIL {
                &other[FRAME_HEAD..other.len() - FRAME_TAIL]
            } else {
                other
            };
            self.mutate_payload(&mut payload, splice);
            let mut rebuilt = bytes[..head].to_vec();
            rebuilt.extend_from_slice(&payload);
            rebuilt.extend_from_slice(&bytes[bytes.len() - tail..]);
            *bytes = rebuilt;
        }
    }

    /// One mutation of `payload`, anywhere in it.
    pub fn mutate_payload(&mut self, payload: &mut Vec<u8>, other: &[u8]) {
        let random = &mut self.random;
        if payload.is_empty() {
            payload.push(random.below(256) as u8);
            return;
        }
        let at = random.index(payload.len());
        match random.below(11) {
            0 => payload[at] ^= 1 << random.below(8),
            1 => payload[at] = INTERESTING_BYTES[random.index(INTERESTING_BYTES.len())],
            2 => payload[at] = random.below(256) as u8,
            3 => {
                let count = 1 + random.index(4);
                for _ in 0..count {
                    payload.insert(at, random.below(256) as u8);
                }
            }
            4 => {
                let end = (at + 1 + random.index(8)).min(payload.len());
                payload.drain(at..end);
            }
            5 => tweak_varint(payload, at, random),
            6 => {
                // Duplicate a range in place.
                let end = (at + 1 + random.index(16)).min(payload.len());
                let copy = payload[at..end].to_vec();
                let to = random.index(payload.len() + 1);
                payload.splice(to..to, copy);
            }
            7 => {
                let end = (at + 1 + random.index(32)).min(payload.len());
                payload.drain(at..end);
            }
            8 if !other.is_empty() => {
                // Splice: a piece of another encoding replaces a piece of this one.
                let from = random.index(other.len());
                let end = (from + 1 + random.index(32)).min(other.len());
                let cut = (at + random.index(32)).min(payload.len());
                payload.splice(at..cut, other[from..end].iter().copied());
            }
            9 => edit_length_prefix(payload, at, random),
            _ => {
                // Swap two bytes: orders and tags.
                let with = random.index(payload.len());
                payload.swap(at, with);
            }
        }
    }
}

/// Replaces the varint starting at `at` by a nearby or boundary value.
fn tweak_varint(payload: &mut Vec<u8>, at: usize, random: &mut SplitMix64) {
    let Some((value, used)) = read_varint(&payload[at..]) else {
        return;
    };
    let replacement = match random.below(4) {
        0 => value.wrapping_add(1),
        1 => value.wrapping_sub(1),
        2 => value ^ (1 << random.below(64)),
        _ => INTERESTING_VARINTS[random.index(INTERESTING_VARINTS.len())],
    };
    let mut out = Encoder::new();
    out.varint(replacement);
    payload.splice(at..at + used, out.as_bytes().iter().copied());
}

/// Treats the varint at `at` as a length prefix and moves it by a small amount, or makes it
/// claim exactly the rest of the payload: the items behind then shift or run short.
fn edit_length_prefix(payload: &mut Vec<u8>, at: usize, random: &mut SplitMix64) {
    let Some((value, used)) = read_varint(&payload[at..]) else {
        return;
    };
    let rest = (payload.len() - at - used) as u64;
    let replacement = match random.below(3) {
        0 => value.saturating_add(1 + random.below(3)),
        1 => value.saturating_sub(1 + random.below(3)),
        _ => rest,
    };
    let mut out = Encoder::new();
    out.varint(replacement);
    payload.splice(at..at + used, out.as_bytes().iter().copied());
}

/// A varint at the start of `bytes` and how many bytes it takes.
fn read_varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (position, byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * position);
        if byte & 0x80 == 0 {
            return Some((value, position + 1));
        }
    }
    None
}

/// Recomputes the CRC-32 that ends the frame `bytes` (nothing to do below a frame's size).
pub fn fix_frame(bytes: &mut [u8]) {
    if bytes.len() >= FRAME_HEAD + FRAME_TAIL {
        let body = bytes.len() - FRAME_TAIL;
        let checksum = crc32(&bytes[..body]);
        bytes[body..].copy_from_slice(&checksum.to_le_bytes());
    }
}

/// [`fix_frame`] for a sync message, and for the frame it carries (the delta of a `Changes`,
/// the state of a `Repair`), so that mutants inside the carried frame reach its decoder.
pub fn fix_message(bytes: &mut Vec<u8>) {
    fix_frame(bytes);
    let Ok(mut message) = Message::from_bytes(bytes) else {
        return;
    };
    let carried = match &mut message {
        Message::Changes(changes) => &mut changes.delta,
        Message::Repair(repair) => &mut repair.state,
        _ => return,
    };
    fix_frame(carried);
    *bytes = message.to_bytes();
}

/// The records of a persistence log, `(kind byte, body)`, as far as they read intact.
#[must_use]
pub fn log_records(bytes: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut records = Vec::new();
    let mut offset = HEADER.len().min(bytes.len());
    while let Read::Record { kind, body, next } = record::read(bytes, offset) {
        records.push((kind as u8, body.to_vec()));
        offset = next;
    }
    records
}

/// A persistence log of `records`, each with its length and checksum right (a kind byte the
/// log does not know is written as it is, so the reader sees a corrupt record).
#[must_use]
pub fn write_log(records: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = HEADER.to_vec();
    for (kind, body) in records {
        let known = if *kind == Kind::Snapshot as u8 {
            Kind::Snapshot
        } else {
            Kind::Delta
        };
        let Some(mut bytes) = record::encode(known, body) else {
            continue;
        };
        if *kind != known as u8 {
            bytes[4] = *kind;
            let covered = bytes.len() - 4;
            let checksum = crc32(&bytes[..covered]);
            bytes[covered..].copy_from_slice(&checksum.to_le_bytes());
        }
        out.extend_from_slice(&bytes);
    }
    out
}

/// A mutant of the log `bytes`: usually its records mutated one by one (a body as a frame,
/// with its checksum fixed up; a kind byte; records duplicated, dropped, swapped or taken from
/// `other`) and written back with lengths and checksums right; sometimes the raw bytes,
/// unrepaired, so torn and corrupt tails are exercised as well.
pub fn mutate_log(mutator: &mut Mutator, bytes: &[u8], other: &[u8]) -> Vec<u8> {
    if mutator.random().chance(10) {
        let mut raw = bytes.to_vec();
        let mut payload = raw.split_off(HEADER.len().min(raw.len()));
        mutator.mutate_payload(&mut payload, other);
        raw.extend_from_slice(&payload);
        return raw;
    }
    let mut records = log_records(bytes);
    let theirs = log_records(other);
    let count = 1 + mutator.random().below(4);
    for _ in 0..count {
        if records.is_empty() {
            records.push((Kind::Snapshot as u8, other.to_vec()));
            continue;
        }
        let at = mutator.random().index(records.len());
        match mutator.random().below(8) {
            0..=3 => {
                let splice = theirs
                    .get(mutator.random().index(theirs.len().max(1)))
                    .map_or(&[][..], |(_, body)| body.as_slice());
                let mut body = records[at].1.clone();
                mutator.mutate(&mut body, splice);
                fix_frame(&mut body);
                records[at].1 = body;
            }
            4 => records[at].0 = [1, 2, 0, 3][mutator.random().index(4)],
            5 => {
                let copy = records[at].clone();
                let to = mutator.random().index(records.len() + 1);
                records.insert(to, copy);
            }
            6 => {
                records.remove(at);
            }
            _ => {
                if let Some(record) = theirs.get(mutator.random().index(theirs.len().max(1))) {
                    let to = mutator.random().index(records.len() + 1);
                    records.insert(to, record.clone());
                }
            }
        }
    }
    write_log(&records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_written_from_its_records_reads_back() {
        let records = vec![(1, vec![1, 2, 3]), (2, vec![4]), (2, Vec::new())];
        assert_eq!(log_records(&write_log(&records)), records);
    }

    #[test]
    fn varints_read_back() {
        let mut out = Encoder::new();
        out.varint(300);
        assert_eq!(read_varint(out.as_bytes()), Some((300, 2)));
        assert_eq!(read_varint(&[0x80]), None);
    }
}
