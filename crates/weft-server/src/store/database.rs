//! `Database`: the async face of a [`DocumentStore`]. One thread owns the store; writes that
//! arrive while a transaction commits are batched into the next one (group commit), so many
//! documents' changes cost one `fsync`.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

use crate::document_id::DocumentId;
use crate::error::StoreError;
use crate::store::{DocumentStore, PieceId, StoredDocument, Write};

/// The most writes committed in one transaction.
const MAX_BATCH: usize = 1024;

type ReadReply = oneshot::Sender<Result<StoredDocument, StoreError>>;
type CommitReply = oneshot::Sender<Result<Vec<PieceId>, StoreError>>;
type DatabaseThread = JoinHandle<Result<(), StoreError>>;

enum Request {
    Read {
        document: DocumentId,
        known: BTreeSet<PieceId>,
        reply: ReadReply,
    },
    Commit {
        writes: Vec<Write>,
        reply: CommitReply,
    },
    /// Answer what came before, close the store and end the thread.
    Stop,
}

/// A handle to the database thread. Cheap to clone; the thread stops when
/// [`Database::close`] is called (or every handle is dropped).
///
/// ```
/// use std::collections::BTreeSet;
/// use weft_server::{Database, DocumentId, MemoryStore, Write};
/// # tokio::runtime::Runtime::new()?.block_on(async {
/// let database = Database::start(MemoryStore::default());
/// let document = DocumentId::parse("d")?;
/// let snapshot = Write::Snapshot { document: document.clone(), snapshot: vec![7], replaces: vec![] };
/// let ids = database.commit(vec![snapshot]).await?;
/// let stored = database.read(&document, BTreeSet::new()).await?;
/// assert_eq!((stored.ids, stored.pieces[0].bytes.clone()), (ids, vec![7]));
/// database.close()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Database {
    requests: mpsc::UnboundedSender<Request>,
    thread: Arc<Mutex<Option<DatabaseThread>>>,
}

impl Database {
    /// Starts the database thread over `store`.
    #[must_use]
    pub fn start(store: impl DocumentStore) -> Self {
        let (requests, receiver) = mpsc::unbounded_channel();
        let thread = std::thread::Builder::new()
            .name("weft-database".to_string())
            .spawn(move || serve(store, receiver))
            .expect("the database thread starts");
        Self {
            requests,
            thread: Arc::new(Mutex::new(Some(thread))),
        }
    }

    /// The ids of `document`'s pieces and the pieces not in `known`
    /// ([`DocumentStore::read`]).
    ///
    /// # Errors
    /// A [`StoreError`] if the database fails or has stopped.
    pub async fn read(
        &self,
        document: &DocumentId,
        known: BTreeSet<PieceId>,
    ) -> Result<StoredDocument, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(Request::Read {
                document: document.clone(),
                known,
                reply,
            })
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Commits `writes` (in one transaction, perhaps with other callers' writes); they are
    /// durable when this returns `Ok` with the ids of their pieces, in order.
    ///
    /// # Errors
    /// A [`StoreError`] if the transaction failed (none of `writes` took effect) or the
    /// database has stopped.
    pub async fn commit(&self, writes: Vec<Write>) -> Result<Vec<PieceId>, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(Request::Commit { writes, reply })
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Stops the thread once the requests already sent are answered, and closes the store.
    /// Call it after every writer has finished; later requests fail with
    /// [`StoreError::Closed`].
    ///
    /// # Errors
    /// The store's error from [`DocumentStore::close`].
    pub fn close(&self) -> Result<(), StoreError> {
        let thread = self
            .thread
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some(thread) = thread else {
            return Ok(());
        };
        let _ = self.requests.send(Request::Stop);
        thread.join().map_err(|_| StoreError::Closed)?
    }
}

fn serve(
    mut store: impl DocumentStore,
    mut requests: mpsc::UnboundedReceiver<Request>,
) -> Result<(), StoreError> {
    let mut commits: Vec<(Vec<Write>, CommitReply)> = Vec::new();
    let mut loads = Vec::new();
    'serve: while let Some(first) = requests.blocking_recv() {
        let mut next = Some(first);
        let mut writes = 0;
        while let Some(request) = next.take() {
            match request {
                Request::Commit {
                    writes: batch,
                    reply,
                } => {
                    writes += batch.len();
                    commits.push((batch, reply));
                }
                Request::Read {
                    document,
                    known,
                    reply,
                } => loads.push((document, known, reply)),
                Request::Stop => {
                    run_commits(&mut store, &mut commits);
                    answer_loads(&mut store, &mut loads);
                    break 'serve;
                }
            }
            if writes < MAX_BATCH {
                next = requests.try_recv().ok();
            }
        }
        run_commits(&mut store, &mut commits);
        answer_loads(&mut store, &mut loads);
    }
    store.close()
}

type PendingRead = (DocumentId, BTreeSet<PieceId>, ReadReply);

fn answer_loads(store: &mut impl DocumentStore, loads: &mut Vec<PendingRead>) {
    for (document, known, reply) in loads.drain(..) {
        let _ = reply.send(store.read(&document, &known));
    }
}

/// Commits every batch waiting in one transaction and answers each.
fn run_commits(store: &mut impl DocumentStore, commits: &mut Vec<(Vec<Write>, CommitReply)>) {
    if commits.is_empty() {
        return;
    }
    let sizes: Vec<usize> = commits.iter().map(|(writes, _)| writes.len()).collect();
    let writes: Vec<Write> = commits
        .iter_mut()
        .flat_map(|(writes, _)| std::mem::take(writes))
        .collect();
    let result = if writes.is_empty() {
        Ok(Vec::new())
    } else {
        store.commit(&writes)
    };
    if let Err(error) = &result {
        tracing::error!(%error, writes = writes.len(), "commit failed");
    }
    let mut ids = result.as_deref().unwrap_or_default().iter().copied();
    for ((_, reply), size) in commits.drain(..).zip(sizes) {
        let answer = match &result {
            Ok(_) => Ok(ids.by_ref().take(size).collect()),
            Err(error) => Err(error.clone()),
        };
        let _ = reply.send(answer);
    }
}
