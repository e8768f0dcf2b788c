//! The hub: opens sessions of documents, loading a document (starting its task) when its
//! first session opens.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio_util::sync::CancellationToken;

use crate::access::Right;
use crate::channel::{Control, DocumentHandle, LoadedDocuments, Peer, SessionId};
use crate::document_id::DocumentId;

/// Starts the task of a document that is not loaded, returning the channels to it.
pub(crate) type StartDocument = Box<dyn Fn(DocumentId) -> DocumentHandle + Send + Sync>;

/// Opens sessions: numbers them and hands each to its document's task.
pub(crate) struct Hub {
    loaded: Arc<LoadedDocuments>,
    start: StartDocument,
    pub(crate) shutdown: CancellationToken,
    next_session: AtomicU64,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Hub")
            .field("loaded_documents", &self.loaded_documents())
            .finish_non_exhaustive()
    }
}

impl Hub {
    /// A hub over the documents of `loaded`, starting a document's task with `start`.
    pub(crate) fn new(
        loaded: Arc<LoadedDocuments>,
        start: StartDocument,
        shutdown: CancellationToken,
    ) -> Self {
        Self {
            loaded,
            start,
            shutdown,
            next_session: AtomicU64::new(1),
        }
    }

    /// Opens a session of `document` for `peer` with `right`, loading the document if
    /// needed. `None` when the server is shutting down.
    pub(crate) fn join(
        &self,
        document: &DocumentId,
        peer: Peer,
        right: Right,
    ) -> Option<(SessionId, DocumentHandle)> {
        if self.shutdown.is_cancelled() {
            return None;
        }
        let session = self.next_session.fetch_add(1, Ordering::Relaxed);
        let mut documents = self.loaded.lock();
        let handle = documents
            .entry(document.clone())
            .or_insert_with(|| (self.start)(document.clone()))
            .clone();
        // Sent under the lock: a task retires only under the lock with no join queued.
        handle
            .control
            .send(Control::Join {
                session,
                peer,
                right,
            })
            .ok()?;
        Some((session, handle))
    }

    /// Test-only: hands `fault` to `document`'s task; false if the document is not loaded.
    #[cfg(feature = "fault-injection")]
    pub(crate) fn inject_fault(&self, document: &DocumentId, fault: crate::fault::Fault) -> bool {
        self.loaded
            .lock()
            .get(document)
            .is_some_and(|handle| handle.control.send(Control::Fault(fault)).is_ok())
    }

    /// How many documents are loaded.
    pub(crate) fn loaded_documents(&self) -> usize {
        self.loaded.lock().len()
    }
}
