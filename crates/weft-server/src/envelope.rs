//! The envelope of multiplexed connections (`/sync`): one WebSocket carries the sessions of
//! several documents, each binary message naming its document.
//!
//! Layout of one binary WebSocket message: the document id's length `n` (one byte, 1 to 128),
//! the id's `n` ASCII bytes, then one weft-sync frame. An envelope with no frame after the id
//! closes that document's session. Connections to `/sync/<document>` carry bare frames.
//!
//! ```
//! use weft_server::{DocumentId, envelope};
//! let id = DocumentId::parse("board")?;
//! let bytes = envelope::seal(&id, b"WF...");
//! assert_eq!(bytes[0], 5);
//! let (document, frame) = envelope::open(&bytes)?;
//! assert_eq!((document, frame), (id, &b"WF..."[..]));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::document_id::DocumentId;
use crate::error::EnvelopeError;

/// `frame` addressed to `document`.
#[must_use]
pub fn seal(document: &DocumentId, frame: &[u8]) -> Vec<u8> {
    let id = document.as_str().as_bytes();
    let mut bytes = Vec::with_capacity(1 + id.len() + frame.len());
    // Document ids are at most 128 bytes (checked by `DocumentId::parse`).
    bytes.push(u8::try_from(id.len()).unwrap_or(u8::MAX));
    bytes.extend_from_slice(id);
    bytes.extend_from_slice(frame);
    bytes
}

/// The document and the frame of a multiplexed message (the frame is empty for "close this
/// document's session").
///
/// # Errors
/// [`EnvelopeError::Truncated`] if `bytes` end inside the id, [`EnvelopeError::DocumentId`]
/// if the id is invalid.
pub fn open(bytes: &[u8]) -> Result<(DocumentId, &[u8]), EnvelopeError> {
    let (&length, rest) = bytes.split_first().ok_or(EnvelopeError::Truncated)?;
    let length = usize::from(length);
    if rest.len() < length {
        return Err(EnvelopeError::Truncated);
    }
    let (id, frame) = rest.split_at(length);
    let id = std::str::from_utf8(id).map_err(|_| crate::error::InvalidDocumentId { length })?;
    Ok((DocumentId::parse(id)?, frame))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_envelopes_are_refused() {
        assert_eq!(open(&[]), Err(EnvelopeError::Truncated));
        assert_eq!(open(&[3, b'a']), Err(EnvelopeError::Truncated));
        assert!(matches!(open(&[0]), Err(EnvelopeError::DocumentId(_))));
        assert!(matches!(
            open(&[2, 0xff, 0xfe]),
            Err(EnvelopeError::DocumentId(_))
        ));
        assert!(matches!(
            open(&[1, b'/']),
            Err(EnvelopeError::DocumentId(_))
        ));
        let id = DocumentId::parse("d").unwrap();
        assert_eq!(open(&seal(&id, b"")).unwrap(), (id, &b""[..]));
    }
}
