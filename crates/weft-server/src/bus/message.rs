//! The bytes of a bus message: `origin (16 bytes) | piece id (8, little-endian) | kind (1) |
//! bytes`. The origin is the publishing server's random id, so a server skips its own. Kind
//! 1 and 2 carry a committed piece (a snapshot, a delta); kind 3 carries presence entries
//! the server accepted from its sessions, as one presence frame (`weft_sync::presence`),
//! with piece id 0.

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

/// What a server publishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Published {
    /// A piece just committed.
    Piece(Piece),
    /// A presence frame (not decoded here).
    Presence(Vec<u8>),
}

const HEADER: usize = 16 + 8 + 1;
const SNAPSHOT: u8 = 1;
const DELTA: u8 = 2;
const PRESENCE: u8 = 3;

pub(crate) fn encode(origin: Origin, published: &Published) -> Vec<u8> {
    let (id, kind, body) = match published {
        Published::Piece(piece) => {
            let kind = match piece.kind {
                PieceKind::Snapshot => SNAPSHOT,
                PieceKind::Delta => DELTA,
            };
            (piece.id, kind, &piece.bytes)
        }
        Published::Presence(frame) => (0, PRESENCE, frame),
    };
    let mut bytes = Vec::with_capacity(HEADER + body.len());
    bytes.extend_from_slice(&origin.0);
    bytes.extend_from_slice(&id.to_le_bytes());
    bytes.push(kind);
    bytes.extend_from_slice(body);
    bytes
}

/// The origin and content of a message, or `None` if it is not one.
pub(crate) fn decode(bytes: &[u8]) -> Option<(Origin, Published)> {
    let (origin, rest) = bytes.split_first_chunk::<16>()?;
    let (id, rest) = rest.split_first_chunk::<8>()?;
    let (kind, rest) = rest.split_first()?;
    let kind = match *kind {
        SNAPSHOT => PieceKind::Snapshot,
        DELTA => PieceKind::Delta,
        PRESENCE => return Some((Origin(*origin), Published::Presence(rest.to_vec()))),
        _ => return None,
    };
    let piece = Piece::new(i64::from_le_bytes(*id), kind, rest.to_vec());
    Some((Origin(*origin), Published::Piece(piece)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_refuse_what_is_not_one() {
        let origin = Origin::random();
        let piece = Published::Piece(Piece::new(-3, PieceKind::Delta, vec![1, 2, 3]));
        let bytes = encode(origin, &piece);
        assert_eq!(decode(&bytes), Some((origin, piece)));
        assert_eq!(decode(&bytes[..HEADER - 1]), None);
        let mut wrong_kind = bytes.clone();
        wrong_kind[HEADER - 1] = 9;
        assert_eq!(decode(&wrong_kind), None);
        let presence = Published::Presence(vec![4, 5]);
        assert_eq!(decode(&encode(origin, &presence)), Some((origin, presence)));
    }
}
