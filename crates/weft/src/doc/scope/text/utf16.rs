//! Formatting a document's text in UTF-16 code units (JavaScript string indices): the marks
//! and Quill-style deltas of `marks.rs`, with positions and counts converted first.

use std::ops::Range;

use weft_text::{DeltaOp, MarkValue, PositionError};

use crate::doc::error::DocError;
use crate::doc::scope::TextScope;

impl TextScope<'_> {
    /// [`TextScope::mark`] over the UTF-16 range `range`.
    ///
    /// ```
    /// use weft::{Doc, MarkValue, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| -> Result<(), weft::DocError> {
    ///     let mut note = root.text("note");
    ///     note.insert(0, "😀 bold")?;
    ///     note.mark_utf16(3..7, "bold", true)?;
    ///     assert_eq!(note.to_delta()[1].text, "bold");
    ///     Ok(())
    /// }).result?;
    /// # Ok::<(), weft::DocError>(())
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] for a reversed range, one past the end or one cutting a
    /// surrogate pair, [`DocError::Mark`] for a refused name or value; nothing changes then.
    pub fn mark_utf16(
        &mut self,
        range: Range<usize>,
        name: &str,
        value: impl Into<MarkValue>,
    ) -> Result<(), DocError> {
        let range = self.chars_of_utf16_range(range)?;
        self.mark(range, name, value)
    }

    /// [`TextScope::unmark`] over the UTF-16 range `range`.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| -> Result<(), weft::DocError> {
    ///     let mut note = root.text("note");
    ///     note.insert(0, "abc")?;
    ///     note.mark_utf16(0..3, "bold", true)?;
    ///     note.unmark_utf16(0..3, "bold")?;
    ///     assert!(note.to_delta()[0].attributes.is_empty());
    ///     Ok(())
    /// }).result?;
    /// # Ok::<(), weft::DocError>(())
    /// ```
    ///
    /// # Errors
    /// As [`TextScope::mark_utf16`]; nothing changes then.
    pub fn unmark_utf16(&mut self, range: Range<usize>, name: &str) -> Result<(), DocError> {
        let range = self.chars_of_utf16_range(range)?;
        self.unmark(range, name)
    }

    /// [`TextScope::apply_delta`] with retain and delete counts in UTF-16 code units (as a
    /// Quill or Yjs delta from JavaScript counts them).
    ///
    /// ```
    /// use weft::{Attributes, DeltaOp, Doc, Format, MarkValue, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| -> Result<(), weft::DocError> {
    ///     let mut note = root.text("note");
    ///     note.insert(0, "😀 hi")?;
    ///     let bold = Format::from([("bold".to_owned(), Some(MarkValue::Bool(true)))]);
    ///     note.apply_delta_utf16(&[
    ///         DeltaOp::Retain { count: 3, attributes: Format::new() },
    ///         DeltaOp::Retain { count: 2, attributes: bold },
    ///     ])?;
    ///     assert_eq!(note.to_delta()[1].text, "hi");
    ///     Ok(())
    /// }).result?;
    /// # Ok::<(), weft::DocError>(())
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] if an op passes the end or cuts a surrogate pair,
    /// [`DocError::Mark`] for a refused name or value; every op is checked first, and
    /// nothing changes then.
    pub fn apply_delta_utf16(&mut self, ops: &[DeltaOp]) -> Result<(), DocError> {
        // Retains and deletes walk the text as it is before the delta, in order.
        let mut units = 0usize;
        let mut chars = 0usize;
        let mut converted = Vec::with_capacity(ops.len());
        for op in ops {
            let mut advance = |count: usize| -> Result<usize, DocError> {
                units = units.checked_add(count).ok_or(PositionError::OutOfRange {
                    position: u64::MAX,
                    length: self.len() as u64,
                })?;
                let end = self.chars_of_utf16(units)?;
                let taken = end - chars;
                chars = end;
                Ok(taken)
            };
            converted.push(match op {
                DeltaOp::Retain { count, attributes } => DeltaOp::Retain {
                    count: advance(*count)?,
                    attributes: attributes.clone(),
                },
                DeltaOp::Delete(count) => DeltaOp::Delete(advance(*count)?),
                DeltaOp::Insert { .. } => op.clone(),
            });
        }
        self.apply_delta(&converted)
    }

    /// The character range of the UTF-16 range `range`.
    pub(super) fn chars_of_utf16_range(
        &self,
        range: Range<usize>,
    ) -> Result<Range<usize>, DocError> {
        if range.start > range.end {
            return Err(PositionError::Reversed {
                start: range.start as u64,
                end: range.end as u64,
            }
            .into());
        }
        Ok(self.chars_of_utf16(range.start)?..self.chars_of_utf16(range.end)?)
    }
}
