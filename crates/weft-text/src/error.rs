//! Errors of positions given to a sequence.

use thiserror::Error;

/// Why a position or range given to a [`List`](crate::List) or [`Text`](crate::Text) was
/// refused. Nothing changes when an edit returns one.
///
/// ```
/// use weft_core::{Replica, ReplicaId};
/// use weft_text::{PositionError, Text, TextEditor};
/// let mut text = Replica::<Text>::new(ReplicaId::random());
/// let result = text.edit(|t| t.insert(3, "x"));
/// assert_eq!(result, Err(PositionError::OutOfRange { position: 3, length: 0 }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PositionError {
    /// The position (or the end of the range) is past the end of the sequence.
    #[error("position {position} is past the end of the sequence ({length})")]
    OutOfRange {
        /// The position given (or the end of the range).
        position: u64,
        /// The length of the sequence in the unit of the position.
        length: u64,
    },
    /// A UTF-16 or UTF-8 position falls inside a character.
    #[error("position {position} falls inside a character")]
    NotOnBoundary {
        /// The position given.
        position: u64,
    },
    /// The range ends before it starts.
    #[error("range {start}..{end} ends before it starts")]
    Reversed {
        /// The start given.
        start: u64,
        /// The end given.
        end: u64,
    },
}
