//! `TextScope`: changes to a collaborative text.

use std::ops::Range;

use weft_text::{Cursor, PositionError, Side, Text, TextEditor};

use crate::doc::entry::Entry;
use crate::doc::error::DocError;
use crate::doc::events::{Change, TextDelta};
use crate::doc::kind::Kind;
use crate::doc::object::text_part;
use crate::doc::scope::Target;
use crate::undo::Done;

mod marks;
mod utf16;

/// A text of a document during a transaction. Positions count Unicode scalar values; the
/// `_utf16` methods count UTF-16 code units (JavaScript string positions). A text that does
/// not exist yet, or an entry showing another kind, becomes a text with the first change.
///
/// ```
/// use weft::{Doc, ReplicaId};
/// let mut doc = Doc::new(ReplicaId::random());
/// doc.transact(|root| -> Result<(), weft::DocError> {
///     let mut note = root.text("note");
///     note.insert(0, "Hello world")?;
///     note.replace(6..11, "Weft")?;
///     assert_eq!(note.to_string(), "Hello Weft");
///     Ok(())
/// }).result?;
/// # Ok::<(), weft::DocError>(())
/// ```
pub struct TextScope<'a> {
    target: Target<'a>,
}

impl<'a> TextScope<'a> {
    pub(crate) fn from_target(target: Target<'a>) -> Self {
        Self { target }
    }

    /// The text as it stands (`None` while it does not exist or the entry shows another
    /// kind).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| assert!(root.text("new").current().is_none()));
    /// ```
    #[must_use]
    pub fn current(&self) -> Option<&Text> {
        self.target.entry().and_then(Entry::as_text)
    }

    /// How many characters (Unicode scalar values) the text holds.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| {
    ///     let mut title = root.text("title");
    ///     title.insert(0, "né").unwrap();
    ///     assert_eq!(title.len(), 2);
    /// });
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.current().map_or(0, Text::len)
    }

    /// Whether the text is empty.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| assert!(root.text("title").is_empty()));
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Inserts `text` at character `position`.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.text("t").insert(0, "ac")).result.unwrap();
    /// doc.transact(|root| root.text("t").insert(1, "b")).result.unwrap();
    /// assert_eq!(doc.to_json(), r#"{"t":"abc"}"#);
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] past the end; nothing changes then.
    pub fn insert(&mut self, position: usize, text: &str) -> Result<(), DocError> {
        self.check(position, position)?;
        if text.is_empty() {
            return Ok(());
        }
        if self.target.listening() {
            let utf16 = self.utf16_of(position);
            self.target.prepare(Kind::Text);
            self.record(position, utf16, TextDelta::Insert(text.to_owned()));
        }
        self.edit(|scope| scope.insert(position, text))?;
        self.remember_inserted(position, text);
        Ok(())
    }

    /// Inserts `text` just before the element `before`, shown or deleted (where a deleted
    /// character stood); returns the character index of the first inserted character.
    pub(crate) fn insert_before(
        &mut self,
        before: weft_text::ElementId,
        text: &str,
    ) -> Result<usize, DocError> {
        let run = weft_text::ElementRun {
            first: before,
            length: 1,
        };
        let position = self
            .current()
            .ok_or(weft_text::CursorError::UnknownElement { element: before })?
            .place(&run)?
            .first()
            .map_or(0, |placed| placed.index as usize);
        if text.is_empty() {
            return Ok(position);
        }
        if self.target.listening() {
            let utf16 = self.utf16_of(position);
            self.record(position, utf16, TextDelta::Insert(text.to_owned()));
        }
        self.target
            .apply(Kind::Text, |entry| {
                text_part(entry, |scope| scope.insert_before(before, text))
            })
            .expect("a handle's path stays valid while it lives")?;
        self.remember_inserted(position, text);
        Ok(position)
    }

    /// Deletes the characters of `range`.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.text("t").insert(0, "abcd")).result.unwrap();
    /// doc.transact(|root| root.text("t").delete(1..3)).result.unwrap();
    /// assert_eq!(doc.to_json(), r#"{"t":"ad"}"#);
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] if the range is reversed or passes the end; nothing changes
    /// then.
    pub fn delete(&mut self, range: Range<usize>) -> Result<(), DocError> {
        self.check(range.start, range.end)?;
        if range.is_empty() {
            return Ok(());
        }
        if self.target.listening() {
            let utf16 = self.utf16_of(range.start);
            let gone: String = self.current().map_or_else(String::new, |text| {
                range.clone().filter_map(|at| text.char_at(at)).collect()
            });
            self.record(range.start, utf16, TextDelta::Delete(gone));
        }
        let done = if self.target.recording() {
            self.deleted_pieces(range.clone())
        } else {
            None
        };
        self.edit(|scope| scope.delete(range))?;
        if let Some(done) = done {
            self.target.remember(done);
        }
        Ok(())
    }

    /// Records, for undo, that `text` was just inserted at `position`.
    fn remember_inserted(&mut self, position: usize, text: &str) {
        if !self.target.recording() {
            return;
        }
        let end = position + text.chars().count();
        let runs = self
            .current()
            .and_then(|current| current.element_runs(position..end).ok())
            .unwrap_or_default();
        let path = self.target.path().clone();
        self.target.remember(Done::TextInserted { path, runs });
    }

    /// What deleting `range` takes, for undo: the runs of elements and their characters.
    fn deleted_pieces(&self, range: Range<usize>) -> Option<Done> {
        let text = self.current()?;
        let runs = text.element_runs(range.clone()).ok()?;
        let mut characters = range.filter_map(|at| text.char_at(at));
        let pieces = runs
            .into_iter()
            .map(|run| {
                let shown: String = characters.by_ref().take(run.length as usize).collect();
                (run, shown)
            })
            .collect();
        let path = self.target.path().clone();
        Some(Done::TextDeleted { path, pieces })
    }

    /// Replaces the characters of `range` by `text`.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.text("t").insert(0, "cat")).result.unwrap();
    /// doc.transact(|root| root.text("t").replace(0..1, "b")).result.unwrap();
    /// assert_eq!(doc.to_json(), r#"{"t":"bat"}"#);
    /// ```
    ///
    /// # Errors
    /// As [`TextScope::delete`]; nothing changes then.
    pub fn replace(&mut self, range: Range<usize>, text: &str) -> Result<(), DocError> {
        self.check(range.start, range.end)?;
        let start = range.start;
        self.delete(range)?;
        self.insert(start, text)
    }

    /// Inserts `text` at UTF-16 position `position` (a JavaScript string index).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.text("t").insert(0, "😀!")).result.unwrap();
    /// doc.transact(|root| root.text("t").insert_utf16(2, "?")).result.unwrap();
    /// assert_eq!(doc.to_json(), r#"{"t":"😀?!"}"#);
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] past the end or inside a surrogate pair; nothing changes then.
    pub fn insert_utf16(&mut self, position: usize, text: &str) -> Result<(), DocError> {
        let chars = self.chars_of_utf16(position)?;
        self.insert(chars, text)
    }

    /// Deletes the UTF-16 range `range`.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.text("t").insert(0, "a😀b")).result.unwrap();
    /// doc.transact(|root| root.text("t").delete_utf16(1..3)).result.unwrap();
    /// assert_eq!(doc.to_json(), r#"{"t":"ab"}"#);
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] if the range is reversed, passes the end or cuts a surrogate
    /// pair; nothing changes then.
    pub fn delete_utf16(&mut self, range: Range<usize>) -> Result<(), DocError> {
        let range = self.chars_of_utf16_range(range)?;
        self.delete(range)
    }

    /// A stable cursor at character `index`, on side `side` of it (see [`Cursor`]): it
    /// resolves back to an index after any later or concurrent edit. O(log n).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, Side};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let caret = doc.transact(|root| -> Result<_, weft::DocError> {
    ///     let mut note = root.text("note");
    ///     note.insert(0, "world")?;
    ///     let caret = note.cursor_at(0, Side::Before)?;
    ///     note.insert(0, "hello ")?;
    ///     assert_eq!(note.resolve_cursor(&caret)?, 6);
    ///     Ok(caret)
    /// }).result?;
    /// // The read side resolves it against the document as it stands.
    /// let text = doc.root().get("note").and_then(weft::Entry::as_text).unwrap();
    /// assert_eq!(text.resolve_cursor(&caret), Ok(6));
    /// # Ok::<(), weft::DocError>(())
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] past the end.
    pub fn cursor_at(&self, index: usize, side: Side) -> Result<Cursor, DocError> {
        Ok(self.text_or_empty(|text| text.cursor_at(index, side))?)
    }

    /// A stable cursor at UTF-16 position `units` (a JavaScript string index). O(log n).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, Side};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| -> Result<(), weft::DocError> {
    ///     let mut note = root.text("note");
    ///     note.insert(0, "😀!")?;
    ///     let cursor = note.cursor_at_utf16(2, Side::After)?;
    ///     assert_eq!(note.resolve_cursor_utf16(&cursor)?, 2);
    ///     Ok(())
    /// }).result?;
    /// # Ok::<(), weft::DocError>(())
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] past the end or inside a surrogate pair.
    pub fn cursor_at_utf16(&self, units: usize, side: Side) -> Result<Cursor, DocError> {
        Ok(self.text_or_empty(|text| text.cursor_at_utf16(units, side))?)
    }

    /// The character index `cursor` stands for now. O(log n + replicas).
    ///
    /// ```
    /// use weft::{Cursor, Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| {
    ///     let note = root.text("note");
    ///     assert_eq!(note.resolve_cursor(&Cursor::End), Ok(0));
    /// });
    /// ```
    ///
    /// # Errors
    /// [`DocError::Cursor`] if the text does not hold the cursor's element.
    pub fn resolve_cursor(&self, cursor: &Cursor) -> Result<usize, DocError> {
        Ok(self.text_or_empty(|text| text.resolve_cursor(cursor))?)
    }

    /// The UTF-16 position `cursor` stands for now. O(log n + replicas).
    ///
    /// ```
    /// use weft::{Cursor, Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| -> Result<(), weft::DocError> {
    ///     let mut note = root.text("note");
    ///     note.insert(0, "😀")?;
    ///     assert_eq!(note.resolve_cursor_utf16(&Cursor::End)?, 2);
    ///     Ok(())
    /// }).result?;
    /// # Ok::<(), weft::DocError>(())
    /// ```
    ///
    /// # Errors
    /// [`DocError::Cursor`] if the text does not hold the cursor's element.
    pub fn resolve_cursor_utf16(&self, cursor: &Cursor) -> Result<usize, DocError> {
        Ok(self.text_or_empty(|text| text.resolve_cursor_utf16(cursor))?)
    }

    /// Runs `read` on the text, or on an empty text while there is none.
    fn text_or_empty<R>(&self, read: impl FnOnce(&Text) -> R) -> R {
        match self.current() {
            Some(text) => read(text),
            None => read(&Text::default()),
        }
    }

    /// Checks `start..end` against the text as it will be changed (empty if the entry is not
    /// a text yet).
    fn check(&self, start: usize, end: usize) -> Result<(), DocError> {
        let length = self.len();
        if start > end {
            return Err(PositionError::Reversed {
                start: start as u64,
                end: end as u64,
            }
            .into());
        }
        if end > length {
            return Err(PositionError::OutOfRange {
                position: end as u64,
                length: length as u64,
            }
            .into());
        }
        Ok(())
    }

    fn chars_of_utf16(&self, units: usize) -> Result<usize, DocError> {
        match self.current() {
            Some(text) => Ok(text.utf16_to_char(units)?),
            None if units == 0 => Ok(0),
            None => Err(PositionError::OutOfRange {
                position: units as u64,
                length: 0,
            }
            .into()),
        }
    }

    fn utf16_of(&self, chars: usize) -> usize {
        self.current()
            .and_then(|text| text.char_to_utf16(chars).ok())
            .unwrap_or(chars)
    }

    fn record(&mut self, chars: usize, utf16: usize, run: TextDelta) {
        let mut runs = Vec::with_capacity(2);
        if chars > 0 {
            runs.push(TextDelta::Retain {
                chars,
                utf16,
                attributes: None,
            });
        }
        runs.push(run);
        self.target.record(Change::Text(runs));
    }

    fn edit(
        &mut self,
        change: impl FnOnce(&mut weft_core::Scope<'_, Text>) -> Result<(), PositionError>,
    ) -> Result<(), DocError> {
        self.target
            .apply(Kind::Text, |entry| text_part(entry, change))
            .expect("a handle's path stays valid while it lives")
            .map_err(DocError::from)
    }
}

impl std::fmt::Display for TextScope<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.current() {
            Some(text) => write!(f, "{text}"),
            None => Ok(()),
        }
    }
}
