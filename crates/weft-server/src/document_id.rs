//! `DocumentId`: the name of a document on the server, checked at the boundary.

use std::fmt;
use std::sync::Arc;

use crate::error::InvalidDocumentId;

/// The longest document id, in bytes.
pub const MAX_DOCUMENT_ID_LENGTH: usize = 128;

/// The name of a document: 1 to 128 ASCII letters, digits, `-`, `_` or `.`, not starting with
/// `.`. It appears in URLs (`/sync/<id>`), in the multiplexed envelope and in the database.
/// Cheap to clone.
///
/// ```
/// use weft_server::DocumentId;
/// let id = DocumentId::parse("notes-board.1")?;
/// assert_eq!(id.as_str(), "notes-board.1");
/// assert!(DocumentId::parse("../etc/passwd").is_err());
/// assert!(DocumentId::parse("").is_err());
/// # Ok::<(), weft_server::InvalidDocumentId>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId(Arc<str>);

impl DocumentId {
    /// Checks `text` and makes it a document id.
    ///
    /// # Errors
    /// [`InvalidDocumentId`] if `text` is empty, longer than [`MAX_DOCUMENT_ID_LENGTH`] bytes,
    /// starts with `.` or holds a character other than ASCII letters, digits, `-`, `_`, `.`.
    pub fn parse(text: &str) -> Result<Self, InvalidDocumentId> {
        let allowed = |byte: u8| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.');
        let valid = !text.is_empty()
            && text.len() <= MAX_DOCUMENT_ID_LENGTH
            && !text.starts_with('.')
            && text.bytes().all(allowed);
        if valid {
            Ok(Self(Arc::from(text)))
        } else {
            Err(InvalidDocumentId { length: text.len() })
        }
    }

    /// The id as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DocumentId({:?})", &*self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_refuses() {
        for good in ["a", "board-1", "A_b.c", &"x".repeat(MAX_DOCUMENT_ID_LENGTH)] {
            assert!(DocumentId::parse(good).is_ok(), "{good}");
        }
        let too_long = "x".repeat(MAX_DOCUMENT_ID_LENGTH + 1);
        for bad in ["", ".hidden", "a/b", "a b", "é", "a?b", too_long.as_str()] {
            assert!(DocumentId::parse(bad).is_err(), "{bad}");
        }
    }
}
