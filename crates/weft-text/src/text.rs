//! `Text`: collaborative plain text.

use std::fmt;
use std::ops::Range;

use weft_core::Scope;

use crate::cursor::{CursorError, ElementId};
use crate::element::{Content, TextBuf};
use crate::error::PositionError;
use crate::marks::{self, DeltaOp, Expand, MarkError, MarkValue};
use crate::observe::{Incoming, Splice};
use crate::schema::TEXT;
use crate::sequence::Sequence;
use crate::span::Metric;
use crate::store::sequence_dot_store;

/// Most characters inserted as one run (runs count their elements in 32 bits).
const CHUNK: usize = 1 << 30;

/// Collaborative plain text: a sequence of Unicode scalar values where concurrent inserts at
/// one position never interleave (Fugue's maximal non-interleaving), addressed in scalar
/// values, UTF-16 code units (what JavaScript uses) or UTF-8 bytes.
///
/// Edit it inside [`Replica::update`](weft_core::Replica::update) (one delta per call) or
/// [`Replica::edit`](weft_core::Replica::edit) (no delta: ship changes later with
/// `delta_since`, the fast path for typing).
///
/// ```
/// use weft_core::{Replica, ReplicaId};
/// use weft_text::{Text, TextEditor};
/// let mut alice = Replica::<Text>::new(ReplicaId::random());
/// let mut bob = Replica::<Text>::new(ReplicaId::random());
/// bob.apply(&alice.update(|text| text.insert(0, "Hello!").unwrap()));
/// let from_alice = alice.update(|text| text.insert(5, ", world").unwrap());
/// let from_bob = bob.update(|text| text.delete(5..6).unwrap());
/// alice.apply(&from_bob);
/// bob.apply(&from_alice);
/// assert_eq!(alice.to_string(), "Hello, world");
/// assert!(alice.same_state(&bob));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Text(pub(crate) Sequence<TextBuf>);

impl Text {
    /// Length in Unicode scalar values.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len() as usize
    }

    /// Whether no character is visible.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.len() == 0
    }

    /// Length in UTF-16 code units.
    #[must_use]
    pub fn len_utf16(&self) -> usize {
        self.0.tree.total().utf16 as usize
    }

    /// Length in UTF-8 bytes.
    #[must_use]
    pub fn len_utf8(&self) -> usize {
        self.0.tree.total().utf8 as usize
    }

    /// The characters in order.
    pub fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.0.slices().flat_map(str::chars)
    }

    /// The character at scalar index `index`, in O(log n).
    #[must_use]
    pub fn char_at(&self, index: usize) -> Option<char> {
        self.0
            .get(index as u64)
            .and_then(|(content, at)| content.char_at(at))
    }

    /// Converts a position in scalar values to UTF-16 code units, in O(log n).
    ///
    /// ```
    /// # use weft_core::{Replica, ReplicaId};
    /// # use weft_text::{Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "a😀b")).unwrap();
    /// assert_eq!(text.char_to_utf16(2), Ok(3));
    /// assert_eq!(text.utf16_to_char(3), Ok(2));
    /// assert!(text.utf16_to_char(2).is_err()); // inside the surrogate pair
    /// ```
    ///
    /// # Errors
    /// [`PositionError::OutOfRange`] past the end.
    pub fn char_to_utf16(&self, chars: usize) -> Result<usize, PositionError> {
        self.0
            .chars_to_metric(Metric::Utf16, chars as u64)
            .map(|units| units as usize)
    }

    /// Converts a position in UTF-16 code units to scalar values, in O(log n).
    ///
    /// # Errors
    /// [`PositionError::OutOfRange`] past the end, [`PositionError::NotOnBoundary`] between
    /// the two halves of a surrogate pair.
    pub fn utf16_to_char(&self, units: usize) -> Result<usize, PositionError> {
        self.0
            .metric_to_chars(Metric::Utf16, units as u64)
            .map(|chars| chars as usize)
    }

    /// Converts a position in scalar values to UTF-8 bytes, in O(log n).
    ///
    /// ```
    /// # use weft_core::{Replica, ReplicaId};
    /// # use weft_text::{Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "héllo")).unwrap();
    /// assert_eq!(text.char_to_utf8(2), Ok(3));
    /// assert_eq!(text.utf8_to_char(3), Ok(2));
    /// ```
    ///
    /// # Errors
    /// [`PositionError::OutOfRange`] past the end.
    pub fn char_to_utf8(&self, chars: usize) -> Result<usize, PositionError> {
        self.0
            .chars_to_metric(Metric::Utf8, chars as u64)
            .map(|bytes| bytes as usize)
    }

    /// Converts a position in UTF-8 bytes to scalar values, in O(log n).
    ///
    /// # Errors
    /// [`PositionError::OutOfRange`] past the end, [`PositionError::NotOnBoundary`] inside a
    /// character.
    pub fn utf8_to_char(&self, bytes: usize) -> Result<usize, PositionError> {
        self.0
            .metric_to_chars(Metric::Utf8, bytes as u64)
            .map(|chars| chars as usize)
    }

    /// Internal sizes, for benchmarks and tests: spans in the order tree, runs in the history,
    /// runs waiting for what they depend on.
    #[doc(hidden)]
    #[must_use]
    pub fn shape(&self) -> (usize, usize, usize) {
        (
            self.0.tree.span_count(),
            self.0.history.run_count(),
            self.0.loose.len(),
        )
    }
}

/// What a received fragment of a [`Text`] will change here, read before it is joined (see
/// [`Text::incoming`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TextIncoming(pub(crate) Incoming<TextBuf>);

impl TextIncoming {
    /// Whether the fragment inserts nothing this replica lacks and deletes nothing it shows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Text {
    /// Reads, before `fragment` (a part of a delta whose replicas are `replicas`) is joined
    /// into this text, what it inserts that this text lacks and which visible characters it
    /// deletes. Pass the result to [`Text::splices`] after the join. Costs O(runs · log n).
    #[must_use]
    pub fn incoming(
        &self,
        fragment: &Text,
        replicas: &[weft_core::ReplicaId],
        table: &weft_core::ReplicaTable,
    ) -> TextIncoming {
        TextIncoming(self.0.incoming(&fragment.0, replicas, table))
    }

    /// The change that `incoming` (read by [`Text::incoming`] before the join) made, as
    /// retain / insert / delete runs over the text as it was, each with its width in UTF-16
    /// code units. Costs O(runs · log n).
    ///
    /// ```
    /// use weft_core::{Replica, ReplicaId};
    /// use weft_text::{Splice, Text, TextEditor};
    /// let mut a = Replica::<Text>::new(ReplicaId::from_u128(1));
    /// let mut b = Replica::<Text>::new(ReplicaId::from_u128(2));
    /// b.apply(&a.update(|t| t.insert(0, "hello").unwrap()));
    /// let delta = a.update(|t| t.replace(1..3, "EY").unwrap());
    /// let incoming = b.incoming(delta.store(), delta.replicas(), b.table());
    /// b.apply(&delta);
    /// let runs: Vec<Splice<String>> =
    ///     b.splices(&incoming, b.table()).into_iter().map(|(run, _)| run).collect();
    /// assert_eq!(
    ///     runs,
    ///     [Splice::Retain(1), Splice::Insert("EY".into()), Splice::Delete("el".into())]
    /// );
    /// ```
    #[must_use]
    pub fn splices(
        &self,
        incoming: &TextIncoming,
        table: &weft_core::ReplicaTable,
    ) -> Vec<(Splice<String>, usize)> {
        self.0
            .splices(&incoming.0, table)
            .into_iter()
            .map(|(run, utf16)| {
                let run = match run {
                    Splice::Retain(count) => Splice::Retain(count),
                    Splice::Insert(content) => Splice::Insert(content.as_slice().to_owned()),
                    Splice::Delete(content) => Splice::Delete(content.as_slice().to_owned()),
                };
                (run, utf16 as usize)
            })
            .collect()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buffer = String::with_capacity(self.len_utf8());
        for slice in self.0.slices() {
            buffer.push_str(slice);
        }
        f.write_str(&buffer)
    }
}

impl PartialEq for Text {
    /// Equal visible text.
    fn eq(&self, other: &Self) -> bool {
        self.len_utf8() == other.len_utf8()
            && self
                .0
                .slices()
                .flat_map(str::bytes)
                .eq(other.0.slices().flat_map(str::bytes))
    }
}

/// The edits of a [`Text`], available on the scope of [`Replica::update`] and
/// [`Replica::edit`] (import this trait to use them).
///
/// [`Replica::update`]: weft_core::Replica::update
/// [`Replica::edit`]: weft_core::Replica::edit
pub trait TextEditor {
    /// Inserts `text` at scalar position `position`.
    ///
    /// ```
    /// # use weft_core::{Replica, ReplicaId};
    /// # use weft_text::{Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "ac")).unwrap();
    /// text.edit(|t| t.insert(1, "b")).unwrap();
    /// assert_eq!(text.to_string(), "abc");
    /// ```
    ///
    /// # Errors
    /// [`PositionError::OutOfRange`] past the end; nothing changes then.
    fn insert(&mut self, position: usize, text: &str) -> Result<(), PositionError>;

    /// Deletes the characters of the scalar range `range`.
    ///
    /// ```
    /// # use weft_core::{Replica, ReplicaId};
    /// # use weft_text::{Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "abcd")).unwrap();
    /// text.edit(|t| t.delete(1..3)).unwrap();
    /// assert_eq!(text.to_string(), "ad");
    /// ```
    ///
    /// # Errors
    /// [`PositionError::Reversed`] or [`PositionError::OutOfRange`]; nothing changes then.
    fn delete(&mut self, range: Range<usize>) -> Result<(), PositionError>;

    /// Replaces the scalar range `range` by `text`.
    ///
    /// # Errors
    /// As [`TextEditor::delete`]; nothing changes then.
    fn replace(&mut self, range: Range<usize>, text: &str) -> Result<(), PositionError>;

    /// Inserts `text` at UTF-16 position `position` (a JavaScript string index).
    ///
    /// ```
    /// # use weft_core::{Replica, ReplicaId};
    /// # use weft_text::{Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "😀!")).unwrap();
    /// text.edit(|t| t.insert_utf16(2, "?")).unwrap();
    /// assert_eq!(text.to_string(), "😀?!");
    /// ```
    ///
    /// # Errors
    /// [`PositionError::OutOfRange`], or [`PositionError::NotOnBoundary`] inside a surrogate
    /// pair; nothing changes then.
    fn insert_utf16(&mut self, position: usize, text: &str) -> Result<(), PositionError>;

    /// Deletes the UTF-16 range `range`.
    ///
    /// # Errors
    /// [`PositionError::Reversed`], [`PositionError::OutOfRange`] or
    /// [`PositionError::NotOnBoundary`]; nothing changes then.
    fn delete_utf16(&mut self, range: Range<usize>) -> Result<(), PositionError>;

    /// Inserts `text` at UTF-8 byte position `position`.
    ///
    /// ```
    /// # use weft_core::{Replica, ReplicaId};
    /// # use weft_text::{Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "é!")).unwrap();
    /// text.edit(|t| t.insert_utf8(2, "?")).unwrap();
    /// assert_eq!(text.to_string(), "é?!");
    /// assert!(text.edit(|t| t.insert_utf8(1, "x")).is_err());
    /// ```
    ///
    /// # Errors
    /// [`PositionError::OutOfRange`], or [`PositionError::NotOnBoundary`] inside a
    /// character; nothing changes then.
    fn insert_utf8(&mut self, position: usize, text: &str) -> Result<(), PositionError>;

    /// Deletes the UTF-8 byte range `range`.
    ///
    /// # Errors
    /// [`PositionError::Reversed`], [`PositionError::OutOfRange`] or
    /// [`PositionError::NotOnBoundary`]; nothing changes then.
    fn delete_utf8(&mut self, range: Range<usize>) -> Result<(), PositionError>;

    /// Inserts `text` just before the element `before`, shown or deleted — where a deleted
    /// character stood, so that text put back by an undo lands between the same neighbours.
    /// Returns the scalar index of the first inserted character.
    ///
    /// ```
    /// # use weft_core::{Replica, ReplicaId};
    /// # use weft_text::{Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "abc")).unwrap();
    /// let b = text.element_runs(1..2).unwrap()[0].first;
    /// text.edit(|t| t.delete(1..2)).unwrap();
    /// assert_eq!(text.edit(|t| t.insert_before(b, "B")), Ok(1));
    /// assert_eq!(text.to_string(), "aBc");
    /// ```
    ///
    /// # Errors
    /// [`CursorError::UnknownElement`] if the text does not hold `before`; nothing changes
    /// then.
    fn insert_before(&mut self, before: ElementId, text: &str) -> Result<usize, CursorError>;

    /// Sets the mark `name` to `value` over the scalar range `range` (one mark operation,
    /// anchored to the characters by `expand`; see [`Expand`]). Where marks of one name
    /// overlap, the one made last by Lamport time wins. An empty range changes nothing.
    ///
    /// ```
    /// # use weft_core::{Replica, ReplicaId};
    /// # use weft_text::{Expand, MarkValue, Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "Hello world")).unwrap();
    /// text.edit(|t| t.mark(0..5, "bold", MarkValue::Bool(true), Expand::After)).unwrap();
    /// assert_eq!(text.to_delta()[0].text, "Hello");
    /// ```
    ///
    /// # Errors
    /// [`MarkError::Position`] for a reversed range or one past the end,
    /// [`MarkError::BadName`], [`MarkError::ValueTooLong`] or [`MarkError::NotFinite`];
    /// nothing changes then.
    fn mark(
        &mut self,
        range: Range<usize>,
        name: &str,
        value: MarkValue,
        expand: Expand,
    ) -> Result<(), MarkError>;

    /// Clears the mark `name` over the scalar range `range` (an operation that competes
    /// with the marks of that name by Lamport time, anchored by `expand` as a mark is).
    ///
    /// ```
    /// # use weft_core::{Replica, ReplicaId};
    /// # use weft_text::{Expand, MarkValue, Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "abc")).unwrap();
    /// text.edit(|t| t.mark(0..3, "bold", MarkValue::Bool(true), Expand::After)).unwrap();
    /// text.edit(|t| t.unmark(1..2, "bold", Expand::After)).unwrap();
    /// let runs = text.to_delta();
    /// assert_eq!(runs.iter().map(|r| r.text.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
    /// assert!(runs[1].attributes.is_empty());
    /// ```
    ///
    /// # Errors
    /// As [`TextEditor::mark`]; nothing changes then.
    fn unmark(&mut self, range: Range<usize>, name: &str, expand: Expand) -> Result<(), MarkError>;

    /// Applies a Quill-style delta: inserts (with exactly their attributes), deletes, and
    /// retains that format (each name anchored by `expand_of(name)`).
    ///
    /// ```
    /// # use weft_core::{Replica, ReplicaId};
    /// # use weft_text::{Attributes, DeltaOp, Expand, Format, MarkValue, Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// let bold = Attributes::from([("bold".to_owned(), MarkValue::Bool(true))]);
    /// let ops = [
    ///     DeltaOp::Insert { text: "Hi".into(), attributes: bold.clone() },
    ///     DeltaOp::Insert { text: " you".into(), attributes: Attributes::new() },
    /// ];
    /// text.edit(|t| t.apply_delta(&ops, &|_| Expand::After)).unwrap();
    /// assert_eq!(text.to_delta()[0].text, "Hi");
    /// assert_eq!(text.to_delta()[0].attributes, bold);
    /// ```
    ///
    /// # Errors
    /// [`MarkError`] if an op passes the end or carries a bad name or value; every op is
    /// checked first, and nothing changes then.
    fn apply_delta(
        &mut self,
        ops: &[DeltaOp],
        expand_of: &dyn Fn(&str) -> Expand,
    ) -> Result<(), MarkError>;

    /// The text as it stands.
    fn text(&self) -> &Text;
}

impl TextEditor for Scope<'_, Text> {
    fn insert(&mut self, position: usize, text: &str) -> Result<(), PositionError> {
        let length = self.current().0.len();
        if position as u64 > length {
            return Err(PositionError::OutOfRange {
                position: position as u64,
                length,
            });
        }
        let mut at = position as u64;
        for (piece, count) in chunks(text) {
            let (store, delta, transaction) = self.recording_parts();
            store.0.insert_local(
                transaction,
                at,
                piece,
                count,
                delta.map(|delta| &mut delta.0),
            )?;
            at += count as u64;
        }
        Ok(())
    }

    fn delete(&mut self, range: Range<usize>) -> Result<(), PositionError> {
        let (start, end) = ordered(range)?;
        delete_chars(self, start, end)
    }

    fn replace(&mut self, range: Range<usize>, text: &str) -> Result<(), PositionError> {
        let start = range.start;
        self.delete(range)?;
        self.insert(start, text)
    }

    fn insert_utf16(&mut self, position: usize, text: &str) -> Result<(), PositionError> {
        let chars = self
            .current()
            .0
            .metric_to_chars(Metric::Utf16, position as u64)?;
        self.insert(chars as usize, text)
    }

    fn delete_utf16(&mut self, range: Range<usize>) -> Result<(), PositionError> {
        let (start, end) = ordered(range)?;
        let start = self.current().0.metric_to_chars(Metric::Utf16, start)?;
        let end = self.current().0.metric_to_chars(Metric::Utf16, end)?;
        delete_chars(self, start, end)
    }

    fn insert_utf8(&mut self, position: usize, text: &str) -> Result<(), PositionError> {
        let chars = self
            .current()
            .0
            .metric_to_chars(Metric::Utf8, position as u64)?;
        self.insert(chars as usize, text)
    }

    fn delete_utf8(&mut self, range: Range<usize>) -> Result<(), PositionError> {
        let (start, end) = ordered(range)?;
        let start = self.current().0.metric_to_chars(Metric::Utf8, start)?;
        let end = self.current().0.metric_to_chars(Metric::Utf8, end)?;
        delete_chars(self, start, end)
    }

    fn insert_before(&mut self, before: ElementId, text: &str) -> Result<usize, CursorError> {
        let location = self.current().0.locate_element(before)?;
        let position = self.current().0.tree.visible_index(location);
        let dot = self.current().0.tree.span(location).dot(location.offset);
        for (piece, count) in chunks(text) {
            let (store, delta, transaction) = self.recording_parts();
            store
                .0
                .insert_local_before(
                    transaction,
                    dot,
                    piece,
                    count,
                    delta.map(|delta| &mut delta.0),
                )
                .ok_or(CursorError::UnknownElement { element: before })?;
        }
        Ok(position as usize)
    }

    fn mark(
        &mut self,
        range: Range<usize>,
        name: &str,
        value: MarkValue,
        expand: Expand,
    ) -> Result<(), MarkError> {
        marks::mark(self, range, name, Some(value), expand)
    }

    fn unmark(&mut self, range: Range<usize>, name: &str, expand: Expand) -> Result<(), MarkError> {
        marks::mark(self, range, name, None, expand)
    }

    fn apply_delta(
        &mut self,
        ops: &[DeltaOp],
        expand_of: &dyn Fn(&str) -> Expand,
    ) -> Result<(), MarkError> {
        marks::apply_delta(self, ops, expand_of)
    }

    fn text(&self) -> &Text {
        self.current()
    }
}

/// `text` in pieces of at most [`CHUNK`] scalars (a run's length is a `u32`), with their
/// scalar counts.
fn chunks(text: &str) -> impl Iterator<Item = (&str, usize)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let count = TextBuf::count(rest);
        if count > CHUNK {
            let (piece, tail) = TextBuf::split_slice(rest, CHUNK);
            rest = tail;
            Some((piece, CHUNK))
        } else {
            let piece = std::mem::take(&mut rest);
            Some((piece, count))
        }
    })
}

/// Deletes the visible scalars `start..end` through `scope`.
fn delete_chars(scope: &mut Scope<'_, Text>, start: u64, end: u64) -> Result<(), PositionError> {
    let (store, delta, transaction) = scope.recording_parts();
    store.0.delete_local(
        transaction,
        start,
        end - start,
        delta.map(|delta| &mut delta.0),
    )
}

/// The bounds of `range` as `u64`, refusing a reversed range.
pub(crate) fn ordered(range: Range<usize>) -> Result<(u64, u64), PositionError> {
    let (start, end) = (range.start as u64, range.end as u64);
    if start > end {
        return Err(PositionError::Reversed { start, end });
    }
    Ok((start, end))
}

sequence_dot_store!(Text, TEXT);
