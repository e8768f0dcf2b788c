//! `PostgresStore`: documents in a PostgreSQL database that several servers share.

use std::collections::BTreeSet;
use std::time::Duration;

use postgres::error::SqlState;
use postgres::{Client, Config, NoTls, Transaction};

use crate::document_id::DocumentId;
use crate::error::StoreError;
use crate::store::{DocumentStore, Piece, PieceId, PieceKind, StoredDocument, Write};

/// The schema version this build writes.
const SCHEMA_VERSION: i32 = 1;

/// The key of the advisory lock under which servers migrate the schema one at a time.
const MIGRATION_LOCK: i64 = 0x7765_6674; // "weft"

/// Version 1: the pieces of every document (the SQLite store's schema, with an identity
/// column: ids that concurrent writers never share).
const SCHEMA_1: &str = "
    CREATE TABLE IF NOT EXISTS pieces (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        document TEXT NOT NULL,
        snapshot BOOLEAN NOT NULL,
        bytes BYTEA NOT NULL
    );
    CREATE INDEX IF NOT EXISTS pieces_by_document ON pieces (document, id);
";

/// How often a transaction that lost a deadlock or a serialization conflict is retried.
const RETRIES: usize = 3;

/// Documents in PostgreSQL, in one `pieces` table (see the [`store`](crate::DocumentStore)
/// docs): every piece gets an id from an identity column, so servers appending to one
/// document never collide, and compaction deletes exactly the ids its snapshot covers. The
/// server creates and migrates the schema itself (under an advisory lock, so servers
/// starting together do it once). A transaction is acknowledged only once PostgreSQL has
/// committed it; one that loses a deadlock to another server's is retried; a broken
/// connection is reopened at the next request.
///
/// The driver is `postgres`, the blocking face of `tokio-postgres`: the store runs on the
/// database thread that groups commits ([`Database`](crate::Database)), where blocking
/// calls are what the thread is for.
///
/// ```no_run
/// use std::collections::BTreeSet;
/// use weft_server::{DocumentId, DocumentStore, PostgresStore, Write};
/// let mut store = PostgresStore::connect("postgres://weft@127.0.0.1/weft")?;
/// let document = DocumentId::parse("board")?;
/// let ids = store.commit(&[Write::Append { document: document.clone(), delta: vec![2] }])?;
/// assert_eq!(store.read(&document, &BTreeSet::new())?.ids, ids);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct PostgresStore {
    config: Config,
    client: Client,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The configuration holds the password: leave it out.
        formatter
            .debug_struct("PostgresStore")
            .field("hosts", &self.config.get_hosts())
            .finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`)
    /// and creates or migrates its schema.
    ///
    /// # Errors
    /// [`StoreError::Postgres`] if the URL does not parse, the connection fails or the
    /// schema cannot be set up.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let mut config: Config = url.parse()?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        config.keepalives(true);
        let mut client = config.connect(NoTls)?;
        migrate(&mut client)?;
        Ok(Self { config, client })
    }

    /// The client, reconnected if the connection broke.
    fn client(&mut self) -> Result<&mut Client, StoreError> {
        if self.client.is_closed() {
            tracing::warn!("the PostgreSQL connection broke: reconnecting");
            self.client = self.config.connect(NoTls)?;
        }
        Ok(&mut self.client)
    }
}

/// Creates the schema, or migrates an earlier one, once across servers starting together.
fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let mut transaction = client.transaction()?;
    transaction.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    transaction
        .batch_execute("CREATE TABLE IF NOT EXISTS weft_schema (version INTEGER NOT NULL)")?;
    let version: Option<i32> = transaction
        .query_one("SELECT MAX(version) FROM weft_schema", &[])?
        .get(0);
    let version = version.unwrap_or(0);
    if version < 1 {
        transaction.batch_execute(SCHEMA_1)?;
    }
    if version < SCHEMA_VERSION {
        transaction.execute("DELETE FROM weft_schema", &[])?;
        transaction.execute(
            "INSERT INTO weft_schema (version) VALUES ($1)",
            &[&SCHEMA_VERSION],
        )?;
    }
    transaction.commit()?;
    Ok(())
}

/// Whether `error` is a conflict with a concurrent transaction, which a retry resolves.
fn is_conflict(error: &postgres::Error) -> bool {
    error.code().is_some_and(|code| {
        *code == SqlState::T_R_DEADLOCK_DETECTED || *code == SqlState::T_R_SERIALIZATION_FAILURE
    })
}

fn write_all(
    transaction: &mut Transaction<'_>,
    writes: &[Write],
) -> Result<Vec<PieceId>, postgres::Error> {
    let insert = transaction.prepare(
        "INSERT INTO pieces (document, snapshot, bytes) VALUES ($1, $2, $3) RETURNING id",
    )?;
    let delete = transaction.prepare("DELETE FROM pieces WHERE document = $1 AND id = ANY($2)")?;
    // Documents in one order, so that two servers' transactions lock the rows they delete
    // in the same order (no deadlock); each document's writes keep their order.
    let mut order: Vec<usize> = (0..writes.len()).collect();
    order.sort_by(|&a, &b| writes[a].document().cmp(writes[b].document()));
    let mut ids = vec![0; writes.len()];
    for index in order {
        let (document, snapshot, bytes) = match &writes[index] {
            Write::Snapshot {
                document,
                snapshot,
                replaces,
            } => {
                transaction.execute(&delete, &[&document.as_str(), replaces])?;
                (document, true, snapshot)
            }
            Write::Append { document, delta } => (document, false, delta),
        };
        ids[index] = transaction
            .query_one(&insert, &[&document.as_str(), &snapshot, bytes])?
            .get(0);
    }
    Ok(ids)
}

impl DocumentStore for PostgresStore {
    fn read(
        &mut self,
        document: &DocumentId,
        known: &BTreeSet<PieceId>,
    ) -> Result<StoredDocument, StoreError> {
        let known: Vec<PieceId> = known.iter().copied().collect();
        // One statement: one consistent view, even while other servers write.
        let rows = self.client()?.query(
            "SELECT id, snapshot, CASE WHEN id = ANY($2) THEN NULL ELSE bytes END
             FROM pieces WHERE document = $1 ORDER BY id",
            &[&document.as_str(), &known],
        )?;
        let mut stored = StoredDocument::default();
        for row in rows {
            let id: PieceId = row.get(0);
            stored.ids.push(id);
            if let Some(bytes) = row.get::<_, Option<Vec<u8>>>(2) {
                let kind = if row.get(1) {
                    PieceKind::Snapshot
                } else {
                    PieceKind::Delta
                };
                stored.pieces.push(Piece::new(id, kind, bytes));
            }
        }
        stored.sort();
        Ok(stored)
    }

    fn commit(&mut self, writes: &[Write]) -> Result<Vec<PieceId>, StoreError> {
        let mut attempt = 0;
        loop {
            let mut transaction = self.client()?.transaction()?;
            let result = match write_all(&mut transaction, writes) {
                Ok(ids) => transaction.commit().map(|()| ids),
                Err(error) => Err(error),
            };
            match result {
                Ok(ids) => return Ok(ids),
                Err(error) if is_conflict(&error) && attempt < RETRIES => {
                    attempt += 1;
                    tracing::debug!(%error, attempt, "retrying a transaction");
                }
                Err(error) => return Err(error.into()),
            }
        }
    }
}
