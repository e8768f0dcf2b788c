//! Errors of document operations.

use thiserror::Error;

use crate::doc::kind::Kind;

/// Why a document operation was refused. A refused operation changes nothing.
///
/// ```
/// use weft::{Doc, DocError, ReplicaId};
/// let mut doc = Doc::new(ReplicaId::random());
/// let refused = doc.transact(|root| root.text("t").insert(3, "x")).result;
/// assert!(matches!(refused, Err(DocError::Position(_))));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DocError {
    /// A position or range outside the text or list.
    #[error(transparent)]
    Position(#[from] weft_text::PositionError),
    /// The list element at `index` holds a primitive value, not a container.
    #[error("the list element at {index} is a value, not a container")]
    NotAContainer {
        /// The index of the element.
        index: usize,
    },
    /// The container holds another kind than the operation needs.
    #[error("expected a {}, found a {}", expected.name(), found.name())]
    WrongKind {
        /// The kind the operation needs.
        expected: Kind,
        /// The kind found.
        found: Kind,
    },
    /// The list element a path names was deleted.
    #[error("the list element on this path was deleted")]
    Deleted,
    /// A stable cursor names an element the text or list does not hold (not received yet,
    /// or of another container).
    #[error(transparent)]
    Cursor(weft_text::CursorError),
    /// A mark's name or value was refused (empty or too long a name, too long a value, a
    /// number that is not finite).
    #[error(transparent)]
    Mark(weft_text::MarkError),
}

impl From<weft_text::MarkError> for DocError {
    /// A position refused while marking is a [`DocError::Position`], like every other
    /// position.
    fn from(error: weft_text::MarkError) -> Self {
        match error {
            weft_text::MarkError::Position(position) => Self::Position(position),
            other => Self::Mark(other),
        }
    }
}

impl From<weft_text::CursorError> for DocError {
    /// A position refused while making a cursor is a [`DocError::Position`], like every
    /// other position.
    fn from(error: weft_text::CursorError) -> Self {
        match error {
            weft_text::CursorError::Position(position) => Self::Position(position),
            other => Self::Cursor(other),
        }
    }
}
