//! The binary encoding of a [`VersionVector`]: its replica table first, then the counters.
//!
//! ```text
//! length R            varint, refused unless R × 17 bytes remain
//! replicas            R × ReplicaId (16 bytes), strictly increasing
//! counters            R × varint, each in 1 ..= 2⁵³ − 1
//! ```
//! Ids before counters keep the 16-byte ids together (they compress well as a block) and let a
//! reader check the table before reading any number.

use crate::codec::{Decode, Decoder, Encode, Encoder};
use crate::error::DecodeError;
use crate::ids::{MAX_COUNTER, ReplicaId, VersionVector};

impl Encode for VersionVector {
    fn encode(&self, out: &mut Encoder) {
        out.length(self.len());
        for (replica, _) in self.iter() {
            replica.encode(out);
        }
        for (_, counter) in self.iter() {
            out.varint(counter);
        }
    }
}

impl Decode for VersionVector {
    /// The empty vector is one byte (its length).
    const MIN_ENCODED_LEN: usize = 1;

    /// Reads a version vector from untrusted bytes.
    ///
    /// ```
    /// use weft_core::codec::{Decode, Encode};
    /// use weft_core::{ReplicaId, VersionVector};
    /// let mut version = VersionVector::new();
    /// version.set(ReplicaId::from_u128(1), 300);
    /// let bytes = version.encode_to_vec();
    /// assert_eq!(bytes.len(), 1 + 16 + 2);
    /// assert_eq!(VersionVector::decode_exact(&bytes)?, version);
    /// # Ok::<(), weft_core::DecodeError>(())
    /// ```
    fn decode(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let count = input.length(ReplicaId::MIN_ENCODED_LEN + 1)?;
        let mut replicas: Vec<ReplicaId> = Vec::with_capacity(count);
        for _ in 0..count {
            let replica = ReplicaId::decode(input)?;
            if let Some(previous) = replicas.last() {
                if *previous == replica {
                    return Err(DecodeError::DuplicateReplica {
                        replica: replica.to_string(),
                    });
                }
                if *previous > replica {
                    return Err(input.malformed("version vector replicas out of order"));
                }
            }
            replicas.push(replica);
        }
        let mut entries = Vec::with_capacity(count);
        for replica in replicas {
            let offset = input.position();
            let counter = input.varint()?;
            if counter == 0 || counter > MAX_COUNTER {
                return Err(input.invalid("version vector counter", counter, offset));
            }
            entries.push((replica, counter));
        }
        Ok(Self::from(entries))
    }
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
    fn round_trips() {
        for version in [
            VersionVector::new(),
            vector(&[(1, 1)]),
            vector(&[(3, MAX_COUNTER), (1, 7), (2, 128)]),
        ] {
            let bytes = version.encode_to_vec();
            assert_eq!(VersionVector::decode_exact(&bytes), Ok(version));
        }
    }

    #[test]
    fn hostile_input_is_refused() {
        // A huge length with nothing behind it: refused before any allocation.
        let mut out = Encoder::new();
        out.varint(1 << 40);
        assert!(matches!(
            VersionVector::decode_exact(out.as_bytes()),
            Err(DecodeError::LengthTooLarge { .. })
        ));
        let encode = |ids: &[u128], counters: &[u64]| {
            let mut out = Encoder::new();
            out.length(ids.len());
            for id in ids {
                ReplicaId::from_u128(*id).encode(&mut out);
            }
            for counter in counters {
                out.varint(*counter);
            }
            out.into_bytes()
        };
        assert!(matches!(
            VersionVector::decode_exact(&encode(&[1, 1], &[1, 1])),
            Err(DecodeError::DuplicateReplica { .. })
        ));
        assert!(matches!(
            VersionVector::decode_exact(&encode(&[2, 1], &[1, 1])),
            Err(DecodeError::Malformed { .. })
        ));
        assert!(matches!(
            VersionVector::decode_exact(&encode(&[1], &[0])),
            Err(DecodeError::InvalidValue { .. })
        ));
        assert!(matches!(
            VersionVector::decode_exact(&encode(&[1], &[MAX_COUNTER + 1])),
            Err(DecodeError::InvalidValue { .. })
        ));
        let valid = encode(&[1, 2], &[1, 2]);
        for cut in 0..valid.len() {
            assert!(
                VersionVector::decode_exact(&valid[..cut]).is_err(),
                "cut {cut}"
            );
        }
    }
}
