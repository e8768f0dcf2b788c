//! Errors of document operations.

use thiserror::Error;

/// Why a document operation was refused. A refused operation changes nothing.
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
}
