//! `List<T>`: a collaborative list of values.

use std::ops::Range;

use weft_core::Scope;
use weft_core::store::Value;

use crate::cursor::{CursorError, ElementId};
use crate::element::ListBuf;
use crate::error::PositionError;
use crate::observe::{Incoming, Splice};
use crate::schema::LIST;
use crate::sequence::Sequence;
use crate::store::sequence_dot_store;
use crate::text::ordered;

/// A collaborative list of values: concurrent inserts at one index never interleave
/// (Fugue's maximal non-interleaving); a deletion removes the elements its author saw.
///
/// ```
/// use weft_core::{Replica, ReplicaId};
/// use weft_text::{List, ListEditor};
/// let mut a = Replica::<List<u32>>::new(ReplicaId::random());
/// let mut b = Replica::<List<u32>>::new(ReplicaId::random());
/// b.apply(&a.update(|list| list.insert_all(0, [1, 2, 3]).unwrap()));
/// let from_a = a.update(|list| list.delete(0..1).unwrap());
/// let from_b = b.update(|list| list.push(4));
/// a.apply(&from_b);
/// b.apply(&from_a);
/// assert_eq!(a.to_vec(), vec![2, 3, 4]);
/// assert!(a.same_state(&b));
/// ```
#[derive(Clone, Debug)]
pub struct List<T>(pub(crate) Sequence<ListBuf<T>>);

impl<T> Default for List<T> {
    fn default() -> Self {
        Self(Sequence::default())
    }
}

impl<T: Value> List<T> {
    /// How many elements are visible.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len() as usize
    }

    /// Whether no element is visible.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.len() == 0
    }

    /// The element at `index`, in O(log n).
    #[must_use]
    pub fn get(&self, index: usize) -> Option<&T> {
        self.0
            .get(index as u64)
            .and_then(|(content, at)| content.0.get(at))
    }

    /// The elements in order.
    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.0.slices().flat_map(<[T]>::iter)
    }

    /// The elements as a vector.
    #[must_use]
    pub fn to_vec(&self) -> Vec<T> {
        self.iter().cloned().collect()
    }
}

/// What a received fragment of a [`List`] will change here, read before it is joined (see
/// [`List::incoming`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ListIncoming<T>(Incoming<ListBuf<T>>);

impl<T> ListIncoming<T> {
    /// Whether the fragment inserts nothing this replica lacks and deletes nothing it shows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T: Value> List<T> {
    /// Reads, before `fragment` (a part of a delta whose replicas are `replicas`) is joined
    /// into this list, what it inserts that this list lacks and which visible elements it
    /// deletes. Pass the result to [`List::splices`] after the join. Costs O(runs · log n).
    #[must_use]
    pub fn incoming(
        &self,
        fragment: &List<T>,
        replicas: &[weft_core::ReplicaId],
        table: &weft_core::ReplicaTable,
    ) -> ListIncoming<T> {
        ListIncoming(self.0.incoming(&fragment.0, replicas, table))
    }

    /// The change that `incoming` (read by [`List::incoming`] before the join) made, as
    /// retain / insert / delete runs over the list as it was. Costs O(runs · log n).
    ///
    /// ```
    /// use weft_core::{Replica, ReplicaId};
    /// use weft_text::{List, ListEditor, Splice};
    /// let mut a = Replica::<List<u8>>::new(ReplicaId::from_u128(1));
    /// let mut b = Replica::<List<u8>>::new(ReplicaId::from_u128(2));
    /// b.apply(&a.update(|l| l.insert_all(0, [1, 2, 3]).unwrap()));
    /// let delta = a.update(|l| l.delete(0..1).unwrap());
    /// let incoming = b.incoming(delta.store(), delta.replicas(), b.table());
    /// b.apply(&delta);
    /// assert_eq!(b.splices(&incoming, b.table()), [Splice::Delete(vec![1])]);
    /// ```
    #[must_use]
    pub fn splices(
        &self,
        incoming: &ListIncoming<T>,
        table: &weft_core::ReplicaTable,
    ) -> Vec<Splice<Vec<T>>> {
        self.0
            .splices(&incoming.0, table)
            .into_iter()
            .map(|(run, _)| match run {
                Splice::Retain(count) => Splice::Retain(count),
                Splice::Insert(content) => Splice::Insert(content.0),
                Splice::Delete(content) => Splice::Delete(content.0),
            })
            .collect()
    }
}

impl<T: Value> PartialEq for List<T> {
    /// Equal visible elements.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

/// The edits of a [`List`], available on the scope of [`Replica::update`] and
/// [`Replica::edit`] (import this trait to use them).
///
/// [`Replica::update`]: weft_core::Replica::update
/// [`Replica::edit`]: weft_core::Replica::edit
pub trait ListEditor<T> {
    /// Inserts `value` at `index`.
    ///
    /// ```
    /// # use weft_core::{Replica, ReplicaId};
    /// # use weft_text::{List, ListEditor};
    /// let mut list = Replica::<List<u32>>::new(ReplicaId::random());
    /// list.edit(|l| l.insert(0, 2)).unwrap();
    /// list.edit(|l| l.insert(0, 1)).unwrap();
    /// assert_eq!(list.to_vec(), vec![1, 2]);
    /// ```
    ///
    /// # Errors
    /// [`PositionError::OutOfRange`] past the end; nothing changes then.
    fn insert(&mut self, index: usize, value: T) -> Result<(), PositionError>;

    /// Inserts `values` in order at `index`.
    ///
    /// # Errors
    /// [`PositionError::OutOfRange`] past the end; nothing changes then.
    fn insert_all(
        &mut self,
        index: usize,
        values: impl IntoIterator<Item = T>,
    ) -> Result<(), PositionError>;

    /// Inserts `values` in order just before the element `before`, shown or deleted (see
    /// [`TextEditor::insert_before`](crate::TextEditor::insert_before)). Returns the index of
    /// the first.
    ///
    /// ```
    /// # use weft_core::{Replica, ReplicaId};
    /// # use weft_text::{List, ListEditor};
    /// let mut list = Replica::<List<u32>>::new(ReplicaId::random());
    /// list.edit(|l| l.insert_all(0, [1, 2, 3])).unwrap();
    /// let two = list.element_runs(1..2).unwrap()[0].first;
    /// list.edit(|l| l.delete(1..2)).unwrap();
    /// assert_eq!(list.edit(|l| l.insert_all_before(two, [2])), Ok(1));
    /// assert_eq!(list.to_vec(), [1, 2, 3]);
    /// ```
    ///
    /// # Errors
    /// [`CursorError::UnknownElement`] if the list does not hold `before`; nothing changes
    /// then.
    fn insert_all_before(
        &mut self,
        before: ElementId,
        values: impl IntoIterator<Item = T>,
    ) -> Result<usize, CursorError>;

    /// Appends `value`.
    fn push(&mut self, value: T);

    /// Deletes the elements of `range`.
    ///
    /// # Errors
    /// [`PositionError::Reversed`] or [`PositionError::OutOfRange`]; nothing changes then.
    fn delete(&mut self, range: Range<usize>) -> Result<(), PositionError>;

    /// The element at `index`.
    #[must_use]
    fn get(&self, index: usize) -> Option<&T>;
}

impl<T: Value> ListEditor<T> for Scope<'_, List<T>> {
    fn insert(&mut self, index: usize, value: T) -> Result<(), PositionError> {
        self.insert_all(index, [value])
    }

    fn insert_all(
        &mut self,
        index: usize,
        values: impl IntoIterator<Item = T>,
    ) -> Result<(), PositionError> {
        let items: Vec<T> = values.into_iter().collect();
        let (store, delta, transaction) = self.recording_parts();
        store.0.insert_local(
            transaction,
            index as u64,
            &items,
            items.len(),
            delta.map(|delta| &mut delta.0),
        )
    }

    fn insert_all_before(
        &mut self,
        before: ElementId,
        values: impl IntoIterator<Item = T>,
    ) -> Result<usize, CursorError> {
        let dot = self.current().0.dot_of(before)?;
        let items: Vec<T> = values.into_iter().collect();
        let (store, delta, transaction) = self.recording_parts();
        store
            .0
            .insert_local_before(
                transaction,
                dot,
                &items,
                items.len(),
                delta.map(|delta| &mut delta.0),
            )
            .map(|at| at as usize)
            .ok_or(CursorError::UnknownElement { element: before })
    }

    fn push(&mut self, value: T) {
        let end = self.current().len();
        // Appending at the end is always in range.
        let _ = self.insert(end, value);
    }

    fn delete(&mut self, range: Range<usize>) -> Result<(), PositionError> {
        let (start, end) = ordered(range)?;
        let (store, delta, transaction) = self.recording_parts();
        store.0.delete_local(
            transaction,
            start,
            end - start,
            delta.map(|delta| &mut delta.0),
        )
    }

    fn get(&self, index: usize) -> Option<&T> {
        self.current().get(index)
    }
}

sequence_dot_store!(List<T>, LIST, T: Value);
