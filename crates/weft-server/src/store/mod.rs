//! Where documents live: a small [`DocumentStore`] trait, SQLite behind it by default, and
//! the database thread that batches writes into durable transactions.
//!
//! A document is stored as a **snapshot** (`Replicated::save`, which includes the server's
//! replica id) plus a **log of deltas** appended since (each `encoded_delta_since` the version
//! the store covered before). Loading applies the deltas to the snapshot in order;
//! compaction replaces both by one new snapshot in one transaction.

mod database;
mod memory;
mod sqlite;

pub use database::Database;
pub use memory::MemoryStore;
pub use sqlite::{DATABASE_FILE, SqliteStore};

use crate::document_id::DocumentId;
use crate::error::StoreError;

/// What the store holds for one document.
///
/// ```
/// let stored = weft_server::StoredDocument::new(vec![1, 2], vec![vec![3]]);
/// assert_eq!(stored.byte_size(), (2, 1));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredDocument {
    /// The last snapshot.
    pub snapshot: Vec<u8>,
    /// The deltas appended after it, oldest first.
    pub deltas: Vec<Vec<u8>>,
}

impl StoredDocument {
    /// A stored document.
    #[must_use]
    pub fn new(snapshot: Vec<u8>, deltas: Vec<Vec<u8>>) -> Self {
        Self { snapshot, deltas }
    }

    /// The bytes of the snapshot and of the deltas.
    #[must_use]
    pub fn byte_size(&self) -> (u64, u64) {
        let deltas = self.deltas.iter().map(|delta| delta.len() as u64).sum();
        (self.snapshot.len() as u64, deltas)
    }
}

/// One change to the store.
///
/// ```
/// use weft_server::{DocumentId, Write};
/// let write = Write::Append { document: DocumentId::parse("d")?, delta: vec![1] };
/// assert_eq!(write.document().as_str(), "d");
/// # Ok::<(), weft_server::InvalidDocumentId>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Write {
    /// Replace the document's snapshot and drop its deltas (creation and compaction).
    Snapshot {
        /// The document.
        document: DocumentId,
        /// `Replicated::save` of the server's replica.
        snapshot: Vec<u8>,
    },
    /// Append a delta after the document's last one. The document has a snapshot.
    Append {
        /// The document.
        document: DocumentId,
        /// An encoded delta.
        delta: Vec<u8>,
    },
}

impl Write {
    /// The document written.
    #[must_use]
    pub fn document(&self) -> &DocumentId {
        match self {
            Self::Snapshot { document, .. } | Self::Append { document, .. } => document,
        }
    }
}

/// Storage of documents as snapshot plus delta log. Implementations are used from one
/// thread at a time (the database thread, see [`Database`]); another database (PostgreSQL,
/// see `docs/SCALING.md`) is one more implementation of these three methods.
pub trait DocumentStore: Send + 'static {
    /// The snapshot and deltas of `document`, or `None` if it was never stored.
    ///
    /// # Errors
    /// A [`StoreError`] if the database fails.
    fn load(&mut self, document: &DocumentId) -> Result<Option<StoredDocument>, StoreError>;

    /// Applies every write in order, all or nothing; they are durable when this returns `Ok`.
    ///
    /// # Errors
    /// A [`StoreError`] if the database fails; none of the writes took effect then.
    fn commit(&mut self, writes: &[Write]) -> Result<(), StoreError>;

    /// Flushes and releases what the store holds (called once, at shutdown).
    ///
    /// # Errors
    /// A [`StoreError`] if the database fails.
    fn close(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
}
