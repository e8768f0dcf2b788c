//! `SqliteStore`: documents in one SQLite database file (write-ahead log, full sync).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, params};

use crate::document_id::DocumentId;
use crate::error::StoreError;
use crate::store::{DocumentStore, StoredDocument, Write};

/// The database file's name inside the data directory.
pub const DATABASE_FILE: &str = "weft.sqlite3";

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS documents (
        id TEXT PRIMARY KEY NOT NULL,
        snapshot BLOB NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS deltas (
        document TEXT NOT NULL,
        seq INTEGER NOT NULL,
        delta BLOB NOT NULL,
        PRIMARY KEY (document, seq)
    ) WITHOUT ROWID;
";

/// Documents in SQLite: a `documents` table (id, snapshot) and a `deltas` table (document,
/// sequence number, delta). The database runs in write-ahead-log mode with
/// `synchronous = FULL`, so a committed transaction survives a crash of the process or of
/// the machine.
///
/// ```
/// use weft_server::{DocumentId, DocumentStore, SqliteStore, Write};
/// let directory = tempfile::tempdir()?;
/// let document = DocumentId::parse("board")?;
/// let mut store = SqliteStore::open(directory.path())?;
/// store.commit(&[
///     Write::Snapshot { document: document.clone(), snapshot: vec![1] },
///     Write::Append { document: document.clone(), delta: vec![2] },
///     Write::Append { document: document.clone(), delta: vec![3] },
/// ])?;
/// drop(store);
/// let stored = SqliteStore::open(directory.path())?.load(&document)?.unwrap();
/// assert_eq!(stored.deltas, vec![vec![2], vec![3]]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SqliteStore {
    connection: Connection,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (or creates) the database [`DATABASE_FILE`] in `directory`, creating the
    /// directory if needed.
    ///
    /// # Errors
    /// [`StoreError::Directory`] if the directory cannot be created,
    /// [`StoreError::Database`] if SQLite cannot open or set up the database.
    pub fn open(directory: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(directory)
            .map_err(|error| StoreError::Directory(Arc::new(error)))?;
        let path = directory.join(DATABASE_FILE);
        let connection = Connection::open(&path)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.execute_batch(SCHEMA)?;
        Ok(Self { connection, path })
    }

    /// The database file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl DocumentStore for SqliteStore {
    fn load(&mut self, document: &DocumentId) -> Result<Option<StoredDocument>, StoreError> {
        let transaction = self.connection.transaction()?;
        let snapshot: Option<Vec<u8>> = transaction
            .query_row(
                "SELECT snapshot FROM documents WHERE id = ?1",
                params![document.as_str()],
                |row| row.get(0),
            )
            .optional()?;
        let Some(snapshot) = snapshot else {
            return Ok(None);
        };
        let deltas = {
            let mut statement = transaction
                .prepare_cached("SELECT delta FROM deltas WHERE document = ?1 ORDER BY seq")?;
            statement
                .query_map(params![document.as_str()], |row| row.get(0))?
                .collect::<Result<Vec<Vec<u8>>, _>>()?
        };
        transaction.commit()?;
        Ok(Some(StoredDocument::new(snapshot, deltas)))
    }

    fn commit(&mut self, writes: &[Write]) -> Result<(), StoreError> {
        let transaction = self.connection.transaction()?;
        for write in writes {
            match write {
                Write::Snapshot { document, snapshot } => {
                    transaction
                        .prepare_cached(
                            "INSERT INTO documents (id, snapshot) VALUES (?1, ?2)
                             ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot",
                        )?
                        .execute(params![document.as_str(), snapshot])?;
                    transaction
                        .prepare_cached("DELETE FROM deltas WHERE document = ?1")?
                        .execute(params![document.as_str()])?;
                }
                Write::Append { document, delta } => {
                    transaction
                        .prepare_cached(
                            "INSERT INTO deltas (document, seq, delta) VALUES (?1,
                             (SELECT COALESCE(MAX(seq), 0) + 1 FROM deltas WHERE document = ?1),
                             ?2)",
                        )?
                        .execute(params![document.as_str(), delta])?;
                }
            }
        }
        transaction.commit()?;
        Ok(())
    }

    fn close(&mut self) -> Result<(), StoreError> {
        // Fold the write-ahead log into the database file, so a stopped server leaves one file.
        self.connection
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}
