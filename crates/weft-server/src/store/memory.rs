//! `MemoryStore`: documents in memory, shared between clones (tests, and servers that keep
//! nothing across restarts).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use crate::document_id::DocumentId;
use crate::error::StoreError;
use crate::store::{DocumentStore, Piece, PieceId, PieceKind, StoredDocument, Write};

#[derive(Debug, Default)]
struct Documents {
    pieces: HashMap<DocumentId, Vec<Piece>>,
    last_id: PieceId,
}

/// Documents in memory. Clones share the same documents, so a test can restart a server on
/// a clone (or run several servers on one) and find what the others stored.
///
/// ```
/// use std::collections::BTreeSet;
/// use weft_server::{DocumentId, DocumentStore, MemoryStore, Write};
/// let mut store = MemoryStore::default();
/// let document = DocumentId::parse("d")?;
/// let ids = store.commit(&[
///     Write::Snapshot { document: document.clone(), snapshot: vec![1], replaces: vec![] },
///     Write::Append { document: document.clone(), delta: vec![2] },
/// ])?;
/// let stored = store.clone().read(&document, &BTreeSet::from([ids[0]]))?;
/// assert_eq!(stored.ids, ids);
/// assert_eq!(stored.pieces[0].bytes, vec![2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    documents: Arc<Mutex<Documents>>,
}

impl DocumentStore for MemoryStore {
    fn read(
        &mut self,
        document: &DocumentId,
        known: &BTreeSet<PieceId>,
    ) -> Result<StoredDocument, StoreError> {
        let documents = self
            .documents
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let pieces = documents
            .pieces
            .get(document)
            .map_or(&[][..], Vec::as_slice);
        let mut stored = StoredDocument::new(
            pieces.iter().map(|piece| piece.id).collect(),
            pieces
                .iter()
                .filter(|piece| !known.contains(&piece.id))
                .cloned()
                .collect(),
        );
        stored.sort();
        Ok(stored)
    }

    fn commit(&mut self, writes: &[Write]) -> Result<Vec<PieceId>, StoreError> {
        let mut documents = self
            .documents
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut ids = Vec::with_capacity(writes.len());
        for write in writes {
            documents.last_id += 1;
            let id = documents.last_id;
            let pieces = documents
                .pieces
                .entry(write.document().clone())
                .or_default();
            match write {
                Write::Snapshot {
                    snapshot, replaces, ..
                } => {
                    pieces.retain(|piece| !replaces.contains(&piece.id));
                    pieces.push(Piece::new(id, PieceKind::Snapshot, snapshot.clone()));
                }
                Write::Append { delta, .. } => {
                    pieces.push(Piece::new(id, PieceKind::Delta, delta.clone()));
                }
            }
            ids.push(id);
        }
        Ok(ids)
    }
}
