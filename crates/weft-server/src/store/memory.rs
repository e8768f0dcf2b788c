//! `MemoryStore`: documents in memory, shared between clones (tests, and servers that keep
//! nothing across restarts).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::document_id::DocumentId;
use crate::error::StoreError;
use crate::store::{DocumentStore, StoredDocument, Write};

/// Documents in memory. Clones share the same documents, so a test can restart a server on
/// a clone and find what the first server stored.
///
/// ```
/// use weft_server::{DocumentId, DocumentStore, MemoryStore, Write};
/// let mut store = MemoryStore::default();
/// let document = DocumentId::parse("d")?;
/// store.commit(&[Write::Snapshot { document: document.clone(), snapshot: vec![1] }])?;
/// store.commit(&[Write::Append { document: document.clone(), delta: vec![2] }])?;
/// let stored = store.clone().load(&document)?.unwrap();
/// assert_eq!((stored.snapshot, stored.deltas), (vec![1], vec![vec![2]]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    documents: Arc<Mutex<HashMap<DocumentId, StoredDocument>>>,
}

impl DocumentStore for MemoryStore {
    fn load(&mut self, document: &DocumentId) -> Result<Option<StoredDocument>, StoreError> {
        let documents = self
            .documents
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        Ok(documents.get(document).cloned())
    }

    fn commit(&mut self, writes: &[Write]) -> Result<(), StoreError> {
        let mut documents = self
            .documents
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for write in writes {
            match write {
                Write::Snapshot { document, snapshot } => {
                    documents.insert(
                        document.clone(),
                        StoredDocument::new(snapshot.clone(), Vec::new()),
                    );
                }
                Write::Append { document, delta } => documents
                    .entry(document.clone())
                    .or_default()
                    .deltas
                    .push(delta.clone()),
            }
        }
        Ok(())
    }
}
