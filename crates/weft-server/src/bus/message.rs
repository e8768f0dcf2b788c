//! The bytes of a bus message: `origin (16 bytes) | piece id (8, little-endian) | kind (1) |
//! piece bytes`. The origin is the publishing server's random id, so a server skips its own.

use weft::ReplicaId;

use crate::store::{Piece, PieceKind};

/// A server's random id on the bus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Origin([u8; 16]);

impl Origin {
    pub(crate) fn random() -> Self {
        Self(ReplicaId::random().to_bytes())
    }
}

const HEADER: usize = 16 + 8 + 1;
const SNAPSHOT: u8 = 1;
const DELTA: u8 = 2;

pub(crate) fn encode(origin: Origin, piece: &Piece) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(HEADER + piece.bytes.len());
    bytes.extend_from_slice(&origin.0);
    bytes.extend_from_slice(&piece.id.to_le_bytes());
    bytes.push(match piece.kind {
        PieceKind::Snapshot => SNAPSHOT,
        PieceKind::Delta => DELTA,
    });
    bytes.extend_from_slice(&piece.bytes);
    bytes
}

/// The origin and piece of a message, or `None` if it is not one.
pub(crate) fn decode(bytes: &[u8]) -> Option<(Origin, Piece)> {
    let (origin, rest) = bytes.split_first_chunk::<16>()?;
    let (id, rest) = rest.split_first_chunk::<8>()?;
    let (kind, rest) = rest.split_first()?;
    let kind = match *kind {
        SNAPSHOT => PieceKind::Snapshot,
        DELTA => PieceKind::Delta,
        _ => return None,
    };
    let piece = Piece::new(i64::from_le_bytes(*id), kind, rest.to_vec());
    Some((Origin(*origin), piece))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_refuse_what_is_not_one() {
        let origin = Origin::random();
        let piece = Piece::new(-3, PieceKind::Delta, vec![1, 2, 3]);
        let bytes = encode(origin, &piece);
        assert_eq!(decode(&bytes), Some((origin, piece)));
        assert_eq!(decode(&bytes[..HEADER - 1]), None);
        let mut wrong_kind = bytes.clone();
        wrong_kind[HEADER - 1] = 9;
        assert_eq!(decode(&wrong_kind), None);
    }
}
