//! Version vectors written relative to one the receiver announced (protocol 3).
//!
//! A document edited by many replicas over its life has a long version vector, most of whose
//! entries never change again. Every `Changes`, `Ack` and `Repair` carries a version, and a
//! delta since a version names every replica of it; written whole, each would cost 17 bytes per
//! replica. Once a peer's hello has arrived, both sides hold that hello's version exactly, so
//! the sender writes its versions (and deltas) as the entries that differ from it, naming it by
//! its [`fingerprint`]. The receiver keeps the versions of its recent hellos and rebuilds the
//! whole vector; a version against a hello it no longer keeps is a late message of an earlier
//! hello and is dropped like a lost one.

use weft_core::codec::{Decode, Decoder, Encode, Encoder};
use weft_core::{DecodeError, MAX_COUNTER, ReplicaId, VersionVector};

use crate::sketch::VersionSketch;

/// Forms of a version field in the messages of protocol 3.
const FULL: u8 = 0;
const AGAINST: u8 = 1;
const SKETCH: u8 = 2;

/// A version as a message carries it: whole, as the entries that differ from a version the
/// receiver announced in its hello, or (in a resumed hello) as a sketch the receiver
/// reconciles with its own version.
///
/// ```
/// use weft_core::{ReplicaId, VersionVector};
/// use weft_sync::{Version, fingerprint};
/// let base: VersionVector = [(ReplicaId::from_u128(1), 5), (ReplicaId::from_u128(2), 9)]
///     .into_iter()
///     .collect();
/// let mut now = base.clone();
/// now.set(ReplicaId::from_u128(2), 10);
/// let relative = Version::against(&base, &now);
/// let found = relative.resolve(|f| (f == fingerprint(&base)).then_some(&base), &VersionVector::new());
/// assert_eq!(found, Some(now));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Version {
    /// The whole vector (always understood; what protocols 1 and 2 send).
    Full(VersionVector),
    /// The entries that differ from the version whose [`fingerprint`] is `base`.
    Against {
        /// The fingerprint of the receiver's version this one is written against.
        base: u64,
        /// Per replica whose counter differs from the base's, sorted by id: the counter, or 0
        /// where this version has none of the replica's changes.
        differences: Vec<(ReplicaId, u64)>,
    },
    /// A sketch of the version, reconciled with the receiver's own (see [`VersionSketch`]).
    Sketch {
        /// The [`fingerprint`] of the version, to check the reconciliation.
        fingerprint: u64,
        /// The sketch.
        sketch: VersionSketch,
    },
}

impl Default for Version {
    fn default() -> Self {
        Self::Full(VersionVector::new())
    }
}

impl From<VersionVector> for Version {
    fn from(version: VersionVector) -> Self {
        Self::Full(version)
    }
}

impl Version {
    /// `version` written against `base`: only the entries that differ.
    ///
    /// ```
    /// use weft_core::VersionVector;
    /// let same = weft_sync::Version::against(&VersionVector::new(), &VersionVector::new());
    /// assert!(matches!(same, weft_sync::Version::Against { differences, .. } if differences.is_empty()));
    /// ```
    #[must_use]
    pub fn against(base: &VersionVector, version: &VersionVector) -> Self {
        Self::Against {
            base: fingerprint(base),
            differences: differences(base, version),
        }
    }

    /// The whole vector, if this version is whole, its base is one `bases` finds by
    /// fingerprint, or its sketch reconciles with `mine` to a vector of its fingerprint.
    ///
    /// ```
    /// use weft_core::VersionVector;
    /// let full = weft_sync::Version::Full(VersionVector::new());
    /// assert_eq!(full.resolve(|_| None, &VersionVector::new()), Some(VersionVector::new()));
    /// ```
    #[must_use]
    pub fn resolve<'a>(
        &self,
        bases: impl FnOnce(u64) -> Option<&'a VersionVector>,
        mine: &VersionVector,
    ) -> Option<VersionVector> {
        match self {
            Self::Full(version) => Some(version.clone()),
            Self::Against { base, differences } => {
                let mut version = bases(*base)?.clone();
                for (replica, counter) in differences {
                    version.set(*replica, *counter);
                }
                Some(version)
            }
            Self::Sketch {
                fingerprint: expected,
                sketch,
            } => sketch
                .reconcile(mine)
                .filter(|version| fingerprint(version) == *expected),
        }
    }

    /// Whether this is the whole vector.
    #[must_use]
    pub fn is_full(&self) -> bool {
        matches!(self, Self::Full(_))
    }

    /// An upper bound of the bytes the version takes in a message.
    pub(crate) fn size_bound(&self) -> usize {
        match self {
            Self::Full(version) => 10 + version.len() * (16 + 10),
            Self::Against { differences, .. } => 20 + differences.len() * (16 + 10),
            Self::Sketch { sketch, .. } => 20 + sketch.encoded_len(),
        }
    }

    /// Writes a version field of protocol 3: a form byte (0 whole, 1 against a base,
    /// 2 sketch), then the form's fields.
    pub(crate) fn encode(&self, out: &mut Encoder) {
        match self {
            Self::Full(version) => {
                out.u8(FULL);
                version.encode(out);
            }
            Self::Against { base, differences } => {
                out.u8(AGAINST);
                Self::encode_against(*base, differences, out);
            }
            Self::Sketch {
                fingerprint,
                sketch,
            } => {
                out.u8(SKETCH);
                out.raw(&fingerprint.to_le_bytes());
                sketch.encode(out);
            }
        }
    }

    /// Reads a version field written by [`Version::encode`].
    pub(crate) fn decode(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let offset = input.position();
        match input.u8()? {
            FULL => VersionVector::decode(input).map(Self::Full),
            AGAINST => Self::decode_against(input),
            SKETCH => Ok(Self::Sketch {
                fingerprint: u64::from_le_bytes(input.array::<8>()?),
                sketch: VersionSketch::decode(input)?,
            }),
            other => Err(input.invalid("version form", u64::from(other), offset)),
        }
    }

    /// Writes the `Against` form: the base fingerprint, then the differences (ids first, as
    /// version vectors do, then the counters, 0 for "none").
    fn encode_against(base: u64, differences: &[(ReplicaId, u64)], out: &mut Encoder) {
        out.raw(&base.to_le_bytes());
        out.length(differences.len());
        for (replica, _) in differences {
            replica.encode(out);
        }
        for (_, counter) in differences {
            out.varint(*counter);
        }
    }

    /// Reads the `Against` form written by [`Version::encode_against`].
    fn decode_against(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let base = u64::from_le_bytes(input.array::<8>()?);
        let count = input.length(ReplicaId::MIN_ENCODED_LEN + 1)?;
        let mut replicas: Vec<ReplicaId> = Vec::with_capacity(count);
        for _ in 0..count {
            let replica = ReplicaId::decode(input)?;
            if replicas.last().is_some_and(|previous| *previous >= replica) {
                return Err(input.malformed("version differences out of order or repeated"));
            }
            replicas.push(replica);
        }
        let mut differences = Vec::with_capacity(count);
        for replica in replicas {
            let offset = input.position();
            let counter = input.varint()?;
            if counter > MAX_COUNTER {
                return Err(input.invalid("version difference counter", counter, offset));
            }
            differences.push((replica, counter));
        }
        Ok(Self::Against { base, differences })
    }
}

/// The entries of `version` that differ from `base`, sorted by id, 0 where `version` has none.
///
/// ```
/// use weft_core::{ReplicaId, VersionVector};
/// let (a, b) = (ReplicaId::from_u128(1), ReplicaId::from_u128(2));
/// let base: VersionVector = [(a, 3), (b, 4)].into_iter().collect();
/// let version: VersionVector = [(a, 3)].into_iter().collect();
/// assert_eq!(weft_sync::differences(&base, &version), vec![(b, 0)]);
/// ```
#[must_use]
pub fn differences(base: &VersionVector, version: &VersionVector) -> Vec<(ReplicaId, u64)> {
    let mut out = Vec::new();
    let mut left = base.iter().peekable();
    let mut right = version.iter().peekable();
    loop {
        match (left.peek().copied(), right.peek().copied()) {
            (None, None) => return out,
            (Some((replica, _)), None) => {
                out.push((replica, 0));
                left.next();
            }
            (None, Some(entry)) => {
                out.push(entry);
                right.next();
            }
            (Some((was, old)), Some((is, new))) => {
                if was < is {
                    out.push((was, 0));
                    left.next();
                } else if is < was {
                    out.push((is, new));
                    right.next();
                } else {
                    if old != new {
                        out.push((is, new));
                    }
                    left.next();
                    right.next();
                }
            }
        }
    }
}

/// A 64-bit fingerprint of a version vector, naming it in messages written against it.
/// Equal vectors have equal fingerprints; different ones collide with probability about 2⁻⁶⁴
/// (accidental collisions only matter: a peer that forges one garbles its own messages).
///
/// ```
/// use weft_core::{ReplicaId, VersionVector};
/// use weft_sync::fingerprint;
/// let one: VersionVector = [(ReplicaId::from_u128(1), 1)].into_iter().collect();
/// assert_ne!(fingerprint(&one), fingerprint(&VersionVector::new()));
/// ```
#[must_use]
pub fn fingerprint(version: &VersionVector) -> u64 {
    let mut state = 0x5746_5645_5253_494f_u64 ^ version.len() as u64;
    for (replica, counter) in version.iter() {
        let id = u128::from_be_bytes(replica.to_bytes());
        state = mix(state ^ (id as u64));
        state = mix(state ^ ((id >> 64) as u64));
        state = mix(state ^ counter);
    }
    mix(state)
}

/// The splitmix64 finalizer: a bijection on `u64` that spreads every input bit.
pub(crate) fn mix(mut value: u64) -> u64 {
    value = value.wrapping_add(0x9E37_79B9_7F4A_7C15);
    value = (value ^ (value >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    value ^ (value >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(pairs: &[(u128, u64)]) -> VersionVector {
        pairs
            .iter()
            .map(|(id, counter)| (ReplicaId::from_u128(*id), *counter))
            .collect()
    }

    #[test]
    fn differences_rebuild_the_version() {
        let base = vector(&[(1, 4), (2, 7), (5, 1)]);
        let version = vector(&[(1, 4), (2, 9), (3, 2)]);
        let relative = Version::against(&base, &version);
        let Version::Against { differences, .. } = &relative else {
            panic!("against");
        };
        assert_eq!(
            differences,
            &vec![
                (ReplicaId::from_u128(2), 9),
                (ReplicaId::from_u128(3), 2),
                (ReplicaId::from_u128(5), 0)
            ]
        );
        let found = relative.resolve(
            |print| (print == fingerprint(&base)).then_some(&base),
            &VersionVector::new(),
        );
        assert_eq!(found, Some(version));
        assert_eq!(relative.resolve(|_| None, &VersionVector::new()), None);
    }

    #[test]
    fn against_form_round_trips_and_refuses_disorder() {
        let relative = Version::against(&vector(&[(1, 1)]), &vector(&[(2, 3)]));
        let Version::Against { base, differences } = &relative else {
            panic!("against");
        };
        let mut out = Encoder::new();
        Version::encode_against(*base, differences, &mut out);
        let bytes = out.into_bytes();
        let mut input = Decoder::new(&bytes);
        assert_eq!(Version::decode_against(&mut input).unwrap(), relative);
        let mut out = Encoder::new();
        let unordered = [(ReplicaId::from_u128(2), 1), (ReplicaId::from_u128(1), 1)];
        Version::encode_against(7, &unordered, &mut out);
        let bytes = out.into_bytes();
        assert!(Version::decode_against(&mut Decoder::new(&bytes)).is_err());
    }

    #[test]
    fn fingerprints_tell_counters_and_replicas_apart() {
        let prints = [
            fingerprint(&vector(&[])),
            fingerprint(&vector(&[(1, 1)])),
            fingerprint(&vector(&[(1, 2)])),
            fingerprint(&vector(&[(2, 1)])),
            fingerprint(&vector(&[(1, 1), (2, 1)])),
        ];
        for (i, left) in prints.iter().enumerate() {
            for right in &prints[i + 1..] {
                assert_ne!(left, right);
            }
        }
    }
}
