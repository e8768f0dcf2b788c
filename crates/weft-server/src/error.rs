//! The server's error types, one per boundary.

use std::sync::Arc;

use thiserror::Error;
use weft::DecodeError;

/// A document id that breaks the rules of [`DocumentId`](crate::DocumentId).
///
/// ```
/// let error = weft_server::DocumentId::parse("a/b").unwrap_err();
/// assert_eq!(error.length, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid document id ({length} bytes): 1 to 128 of A-Z a-z 0-9 - _ . expected")]
#[non_exhaustive]
pub struct InvalidDocumentId {
    /// The length of the refused id, in bytes.
    pub length: usize,
}

/// Why the document store failed. Cheap to clone: one failed transaction answers every
/// write it carried.
///
/// ```
/// use weft_server::StoreError;
/// let error = StoreError::Closed;
/// assert_eq!(error.to_string(), "the database thread has stopped");
/// ```
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite refused or failed an operation.
    #[error("database error: {0}")]
    Database(#[source] Arc<rusqlite::Error>),
    /// PostgreSQL refused or failed an operation, or cannot be reached.
    #[error("PostgreSQL error: {0}")]
    Postgres(#[source] Arc<postgres::Error>),
    /// Creating the data directory failed.
    #[error("cannot create the data directory: {0}")]
    Directory(#[source] Arc<std::io::Error>),
    /// A stored snapshot or delta does not decode.
    #[error("stored bytes of document {document} do not decode: {source}")]
    Corrupt {
        /// The document.
        document: String,
        /// Why its bytes do not decode.
        source: DecodeError,
    },
    /// The database thread has stopped (the server is shutting down, or it panicked).
    #[error("the database thread has stopped")]
    Closed,
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Database(Arc::new(error))
    }
}

impl From<postgres::Error> for StoreError {
    fn from(error: postgres::Error) -> Self {
        Self::Postgres(Arc::new(error))
    }
}

/// Why the server could not start or stopped with an error.
///
/// ```
/// use weft_server::ServerError;
/// let error = ServerError::Bind(std::io::Error::other("in use"));
/// assert!(error.to_string().starts_with("cannot listen"));
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ServerError {
    /// Binding the listening socket failed.
    #[error("cannot listen: {0}")]
    Bind(#[source] std::io::Error),
    /// Opening the document store failed.
    #[error("cannot open the document store: {0}")]
    Store(#[from] StoreError),
    /// The Redis URL is not one.
    #[error("cannot use the Redis URL: {0}")]
    Redis(#[source] redis::RedisError),
    /// A token key cannot be used.
    #[error(transparent)]
    Token(#[from] crate::access::TokenError),
    /// The HTTP server failed.
    #[error("the HTTP server failed: {0}")]
    Serve(#[source] std::io::Error),
}

/// A multiplexed message whose envelope does not decode (see [`envelope`](crate::envelope)).
///
/// ```
/// use weft_server::envelope;
/// assert!(envelope::open(&[]).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// The message ends inside the envelope.
    #[error("the envelope is truncated")]
    Truncated,
    /// The envelope's document id is invalid.
    #[error(transparent)]
    DocumentId(#[from] InvalidDocumentId),
}
