//! `SqliteStore`: documents in one SQLite database file (write-ahead log, full sync).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{Connection, Transaction, params};

use crate::document_id::DocumentId;
use crate::error::StoreError;
use crate::store::{DocumentStore, Piece, PieceId, PieceKind, StoredDocument, Write};

/// The database file's name inside the data directory.
pub const DATABASE_FILE: &str = "weft.sqlite3";

/// The schema version this build writes (`PRAGMA user_version`).
const SCHEMA_VERSION: i64 = 2;

/// Version 2: one table of pieces (the PostgreSQL store's schema).
const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS pieces (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        document TEXT NOT NULL,
        snapshot INTEGER NOT NULL,
        bytes BLOB NOT NULL
    );
    CREATE INDEX IF NOT EXISTS pieces_by_document ON pieces (document, id);
";

/// From version 1 (a `documents` table of snapshots and a `deltas` table) to version 2.
const MIGRATE_FROM_1: &str = "
    INSERT INTO pieces (document, snapshot, bytes) SELECT id, 1, snapshot FROM documents ORDER BY id;
    INSERT INTO pieces (document, snapshot, bytes)
        SELECT document, 0, delta FROM deltas ORDER BY document, seq;
    DROP TABLE documents;
    DROP TABLE deltas;
";

/// Documents in SQLite: one `pieces` table (id, document, whether a snapshot, bytes; see
/// the [`store`](crate::DocumentStore) docs), the same schema as [`PostgresStore`](crate::PostgresStore).
/// The database runs in write-ahead-log mode with `synchronous = FULL`, so a committed
/// transaction survives a crash of the process or of the machine. A database of an earlier
/// version (a `documents` and a `deltas` table) is migrated when it opens.
///
/// ```
/// use std::collections::BTreeSet;
/// use weft_server::{DocumentId, DocumentStore, SqliteStore, Write};
/// let directory = tempfile::tempdir()?;
/// let document = DocumentId::parse("board")?;
/// let mut store = SqliteStore::open(directory.path())?;
/// store.commit(&[
///     Write::Snapshot { document: document.clone(), snapshot: vec![1], replaces: vec![] },
///     Write::Append { document: document.clone(), delta: vec![2] },
///     Write::Append { document: document.clone(), delta: vec![3] },
/// ])?;
/// drop(store);
/// let stored = SqliteStore::open(directory.path())?.read(&document, &BTreeSet::new())?;
/// let bytes: Vec<_> = stored.pieces.iter().map(|piece| piece.bytes.clone()).collect();
/// assert_eq!(bytes, vec![vec![1], vec![2], vec![3]]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SqliteStore {
    connection: Connection,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (or creates) the database [`DATABASE_FILE`] in `directory`, creating the
    /// directory if needed, and migrates its schema to this build's.
    ///
    /// # Errors
    /// [`StoreError::Directory`] if the directory cannot be created,
    /// [`StoreError::Database`] if SQLite cannot open, set up or migrate the database.
    pub fn open(directory: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(directory)
            .map_err(|error| StoreError::Directory(Arc::new(error)))?;
        let path = directory.join(DATABASE_FILE);
        let mut connection = Connection::open(&path)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        migrate(&mut connection)?;
        Ok(Self { connection, path })
    }

    /// The database file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Creates the schema, or migrates an earlier one, in one transaction.
fn migrate(connection: &mut Connection) -> Result<(), StoreError> {
    let transaction = connection.transaction()?;
    let version: i64 = transaction.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if version < SCHEMA_VERSION {
        transaction.execute_batch(SCHEMA)?;
        let earlier: i64 = transaction.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'documents'",
            [],
            |row| row.get(0),
        )?;
        if earlier > 0 {
            transaction.execute_batch(MIGRATE_FROM_1)?;
        }
        transaction.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    }
    transaction.commit()?;
    Ok(())
}

fn write(transaction: &Transaction<'_>, write: &Write) -> Result<PieceId, StoreError> {
    let (document, snapshot, bytes) = match write {
        Write::Snapshot {
            document,
            snapshot,
            replaces,
        } => {
            let mut delete =
                transaction.prepare_cached("DELETE FROM pieces WHERE document = ?1 AND id = ?2")?;
            for id in replaces {
                delete.execute(params![document.as_str(), id])?;
            }
            (document, true, snapshot)
        }
        Write::Append { document, delta } => (document, false, delta),
    };
    let id = transaction
        .prepare_cached(
            "INSERT INTO pieces (document, snapshot, bytes) VALUES (?1, ?2, ?3) RETURNING id",
        )?
        .query_row(params![document.as_str(), snapshot, bytes], |row| {
            row.get(0)
        })?;
    Ok(id)
}

impl DocumentStore for SqliteStore {
    fn read(
        &mut self,
        document: &DocumentId,
        known: &BTreeSet<PieceId>,
    ) -> Result<StoredDocument, StoreError> {
        let transaction = self.connection.transaction()?;
        let mut stored = StoredDocument::default();
        {
            let mut ids = transaction.prepare_cached(
                "SELECT id, snapshot FROM pieces WHERE document = ?1 ORDER BY id",
            )?;
            let mut bytes = transaction.prepare_cached("SELECT bytes FROM pieces WHERE id = ?1")?;
            let rows = ids
                .query_map(params![document.as_str()], |row| {
                    Ok((row.get::<_, PieceId>(0)?, row.get::<_, bool>(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            for (id, snapshot) in rows {
                stored.ids.push(id);
                if known.contains(&id) {
                    continue;
                }
                let kind = if snapshot {
                    PieceKind::Snapshot
                } else {
                    PieceKind::Delta
                };
                let bytes = bytes.query_row(params![id], |row| row.get(0))?;
                stored.pieces.push(Piece::new(id, kind, bytes));
            }
        }
        transaction.commit()?;
        stored.sort();
        Ok(stored)
    }

    fn commit(&mut self, writes: &[Write]) -> Result<Vec<PieceId>, StoreError> {
        let transaction = self.connection.transaction()?;
        let ids = writes
            .iter()
            .map(|each| write(&transaction, each))
            .collect::<Result<Vec<_>, _>>()?;
        transaction.commit()?;
        Ok(ids)
    }

    fn close(&mut self) -> Result<(), StoreError> {
        // Fold the write-ahead log into the database file, so a stopped server leaves one file.
        self.connection
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}
