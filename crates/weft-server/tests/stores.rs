//! The stores under the document task: an SQLite database of the earlier schema is
//! migrated; and on the real PostgreSQL, two writers compacting one document at the same
//! moment, round after round, lose nothing (each deletes only what its own snapshot covers).

mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, Barrier};

use common::services::{services, unique};
use weft::{Object, Replica, ReplicaId, Replicated as _, VersionVector};
use weft_server::{
    DocumentId, DocumentStore, PieceId, PieceKind, PostgresStore, SqliteStore, StoredDocument,
    Write,
};

fn like(replica: &mut Replica<Object>) {
    replica.update(|root| Object::edit(root, |root| root.counter("likes").increment(1)));
}

/// Applies what was read to `replica` (snapshots merged, deltas applied) and returns the
/// ids it now holds.
fn take(replica: &mut Replica<Object>, stored: &StoredDocument, known: &mut BTreeSet<PieceId>) {
    for piece in &stored.pieces {
        match piece.kind {
            PieceKind::Snapshot => {
                replica.merge(&Replica::load(&piece.bytes).expect("a snapshot"));
            }
            PieceKind::Delta => {
                replica.apply_encoded(&piece.bytes).expect("a delta");
            }
        }
        known.insert(piece.id);
    }
    let existing: BTreeSet<PieceId> = stored.ids.iter().copied().collect();
    known.retain(|id| existing.contains(id));
}

#[test]
fn an_sqlite_database_of_the_earlier_schema_is_migrated() {
    let directory = tempfile::tempdir().expect("a directory");
    let mut replica = Replica::<Object>::new(ReplicaId::random());
    like(&mut replica);
    let snapshot = replica.save();
    let before = replica.version();
    like(&mut replica);
    let delta = replica.encoded_delta_since(&before);
    {
        let path = directory.path().join(weft_server::DATABASE_FILE);
        let old = rusqlite::Connection::open(path).expect("the old database");
        old.execute_batch(
            "CREATE TABLE documents (id TEXT PRIMARY KEY NOT NULL, snapshot BLOB NOT NULL) WITHOUT ROWID;
             CREATE TABLE deltas (document TEXT NOT NULL, seq INTEGER NOT NULL, delta BLOB NOT NULL,
                                  PRIMARY KEY (document, seq)) WITHOUT ROWID;",
        )
        .expect("the old schema");
        old.execute(
            "INSERT INTO documents VALUES ('board', ?1)",
            [snapshot.as_slice()],
        )
        .expect("a snapshot");
        old.execute(
            "INSERT INTO deltas VALUES ('board', 1, ?1)",
            [delta.as_slice()],
        )
        .expect("a delta");
    }
    let mut store = SqliteStore::open(directory.path()).expect("opens and migrates");
    let stored = store
        .read(
            &DocumentId::parse("board").expect("an id"),
            &BTreeSet::new(),
        )
        .expect("reads");
    assert_eq!(stored.pieces.len(), 2);
    let mut loaded = Replica::<Object>::new(ReplicaId::random());
    take(&mut loaded, &stored, &mut BTreeSet::new());
    assert_eq!(loaded.digest(), replica.digest());
    drop(store);
    // Opening again migrates nothing twice.
    let mut store = SqliteStore::open(directory.path()).expect("opens again");
    let again = store
        .read(
            &DocumentId::parse("board").expect("an id"),
            &BTreeSet::new(),
        )
        .expect("reads");
    assert_eq!(again.ids, stored.ids);
}

/// One writer: its replica of the document, the pieces it holds, and its store.
struct Writer {
    replica: Replica<Object>,
    known: BTreeSet<PieceId>,
    stored_version: VersionVector,
    store: PostgresStore,
}

impl Writer {
    fn new(url: &str) -> Self {
        Self {
            replica: Replica::new(ReplicaId::random()),
            known: BTreeSet::new(),
            stored_version: VersionVector::new(),
            store: PostgresStore::connect(url).expect("PostgreSQL"),
        }
    }

    /// A change of one of its clients, appended.
    fn append_a_like(&mut self, document: &DocumentId) {
        like(&mut self.replica);
        let delta = self.replica.encoded_delta_since(&self.stored_version);
        let ids = self
            .store
            .commit(&[Write::Append {
                document: document.clone(),
                delta,
            }])
            .expect("appended");
        self.known.extend(ids);
        self.stored_version = self.replica.version();
    }

    /// A snapshot replacing every piece it holds.
    fn compact(&mut self, document: &DocumentId) {
        let write = Write::Snapshot {
            document: document.clone(),
            snapshot: self.replica.save(),
            replaces: self.known.iter().copied().collect(),
        };
        let ids = self.store.commit(&[write]).expect("compacted");
        self.known = ids.into_iter().collect();
    }

    fn catch_up(&mut self, document: &DocumentId) {
        let stored = self.store.read(document, &self.known).expect("read");
        take(&mut self.replica, &stored, &mut self.known);
    }
}

#[test]
fn two_writers_compacting_one_document_at_once_lose_nothing() {
    let Some(services) = services("two_writers_compacting_one_document_at_once_lose_nothing")
    else {
        return;
    };
    let document = DocumentId::parse(&unique("race")).expect("an id");
    let rounds = 25;
    let barrier = Arc::new(Barrier::new(2));
    let writers: Vec<_> = (0..2)
        .map(|number| {
            let (url, document, barrier) = (
                services.postgres.clone(),
                document.clone(),
                Arc::clone(&barrier),
            );
            std::thread::spawn(move || {
                let mut writer = Writer::new(&url);
                for _ in 0..rounds {
                    // One after the other, each without the other's latest delta...
                    writer.append_a_like(&document);
                    for turn in 0..2 {
                        barrier.wait();
                        if turn == number {
                            writer.compact(&document);
                        }
                    }
                    // ...then both at the same moment.
                    writer.append_a_like(&document);
                    barrier.wait();
                    writer.compact(&document);
                    barrier.wait();
                    writer.catch_up(&document);
                }
                writer.replica
            })
        })
        .collect();
    let replicas: Vec<Replica<Object>> = writers
        .into_iter()
        .map(|writer| writer.join().expect("a writer"))
        .collect();
    let mut store = PostgresStore::connect(&services.postgres).expect("PostgreSQL");
    let stored = store.read(&document, &BTreeSet::new()).expect("read");
    let mut loaded = Replica::<Object>::new(ReplicaId::random());
    take(&mut loaded, &stored, &mut BTreeSet::new());
    let likes = loaded
        .store()
        .get_counter("likes")
        .map_or(0, |likes| likes.value());
    assert_eq!(likes, 4 * rounds, "likes lost by concurrent compactions");
    for replica in &replicas {
        let mut both = replica.clone();
        both.merge(&loaded);
        assert_eq!(
            both.digest(),
            loaded.digest(),
            "the database holds all a writer held"
        );
    }
}
