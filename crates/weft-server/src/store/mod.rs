//! Where documents live: a small [`DocumentStore`] trait, SQLite behind it by default,
//! PostgreSQL for several servers on one database, and the database thread that batches
//! writes into durable transactions.
//!
//! A document is stored as **pieces**, each a row with an id the database assigns (never
//! reused): **snapshots** (`Replicated::save` of a server's replica) and **deltas**
//! (`encoded_delta_since` the version the writer had stored before). The document is the
//! join of all its pieces, in any order: loading merges the snapshots and applies the
//! deltas (a delta that arrives before what it depends on waits, as in sync). Several
//! servers may append pieces of one document at once; nothing they write collides.
//!
//! Compaction writes a snapshot and deletes, in the same transaction, exactly the pieces the
//! writer had applied (so the snapshot covers them): a piece another server appended
//! meanwhile, which the writer had not seen, stays. Two servers compacting one document at
//! once each delete only what their own snapshot covers; the two snapshots join on load.

mod database;
mod memory;
mod postgres;
mod sqlite;

use std::collections::BTreeSet;

pub use database::Database;
pub use memory::MemoryStore;
pub use postgres::PostgresStore;
pub use sqlite::{DATABASE_FILE, SqliteStore};

use crate::document_id::DocumentId;
use crate::error::StoreError;

/// The id the database gave a stored piece: unique in the database, never reused.
pub type PieceId = i64;

/// What a stored piece holds.
///
/// ```
/// assert_ne!(weft_server::PieceKind::Snapshot, weft_server::PieceKind::Delta);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PieceKind {
    /// `Replicated::save` of a replica: merged on load.
    Snapshot,
    /// An encoded delta: applied on load.
    Delta,
}

/// One stored piece of a document.
///
/// ```
/// use weft_server::{Piece, PieceKind};
/// let piece = Piece::new(7, PieceKind::Delta, vec![1, 2]);
/// assert_eq!((piece.id, piece.bytes.len()), (7, 2));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Piece {
    /// Its id.
    pub id: PieceId,
    /// Snapshot or delta.
    pub kind: PieceKind,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl Piece {
    /// A piece.
    #[must_use]
    pub fn new(id: PieceId, kind: PieceKind, bytes: Vec<u8>) -> Self {
        Self { id, kind, bytes }
    }
}

/// What [`DocumentStore::read`] found of one document.
///
/// ```
/// use weft_server::{Piece, PieceKind, StoredDocument};
/// let stored = StoredDocument::new(vec![1, 2], vec![Piece::new(2, PieceKind::Delta, vec![9])]);
/// assert!(stored.exists());
/// assert_eq!(stored.byte_size(), (0, 1));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredDocument {
    /// The ids of every piece the document has now, ascending.
    pub ids: Vec<PieceId>,
    /// The pieces asked for (those not already known), snapshots first, then deltas by id.
    pub pieces: Vec<Piece>,
}

impl StoredDocument {
    /// What was read: all ids, and the pieces not known before.
    #[must_use]
    pub fn new(ids: Vec<PieceId>, pieces: Vec<Piece>) -> Self {
        Self { ids, pieces }
    }

    /// Whether the document has any piece in the database.
    #[must_use]
    pub fn exists(&self) -> bool {
        !self.ids.is_empty()
    }

    /// The bytes of the snapshots and of the deltas read.
    #[must_use]
    pub fn byte_size(&self) -> (u64, u64) {
        let size = |kind| {
            self.pieces
                .iter()
                .filter(|piece| piece.kind == kind)
                .map(|piece| piece.bytes.len() as u64)
                .sum()
        };
        (size(PieceKind::Snapshot), size(PieceKind::Delta))
    }

    /// Orders `pieces` as [`StoredDocument::pieces`] promises: snapshots first, then by id.
    pub(crate) fn sort(&mut self) {
        self.ids.sort_unstable();
        self.pieces
            .sort_by_key(|piece| (piece.kind == PieceKind::Delta, piece.id));
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
    /// Store a snapshot and delete the pieces it covers (creation and compaction).
    Snapshot {
        /// The document.
        document: DocumentId,
        /// `Replicated::save` of the server's replica.
        snapshot: Vec<u8>,
        /// The pieces the snapshot covers (the writer applied them), deleted with it. Ids
        /// already deleted (by another server's compaction) are skipped.
        replaces: Vec<PieceId>,
    },
    /// Append a delta.
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

/// Storage of documents as pieces (see the module docs). Implementations are used from one
/// thread at a time (the database thread, see [`Database`]).
pub trait DocumentStore: Send + 'static {
    /// The ids of `document`'s pieces, and the pieces whose ids are not in `known` (so
    /// `read(document, &BTreeSet::new())` loads it whole, and a later read with the ids
    /// applied since catches up on what other servers stored).
    ///
    /// # Errors
    /// A [`StoreError`] if the database fails.
    fn read(
        &mut self,
        document: &DocumentId,
        known: &BTreeSet<PieceId>,
    ) -> Result<StoredDocument, StoreError>;

    /// Applies every write in order, all or nothing; they are durable when this returns `Ok`
    /// with the id of each write's new piece, in the order of `writes`.
    ///
    /// # Errors
    /// A [`StoreError`] if the database fails; none of the writes took effect then.
    fn commit(&mut self, writes: &[Write]) -> Result<Vec<PieceId>, StoreError>;

    /// Flushes and releases what the store holds (called once, at shutdown).
    ///
    /// # Errors
    /// A [`StoreError`] if the database fails.
    fn close(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
}
