//! Formatting a document's text: marks and unmarks under the document's expand rules,
//! Quill-style deltas in and out (see `docs/RICHTEXT.md`).

use std::ops::Range;

use weft_text::{DeltaOp, Expand, Format, MarkValue, Text, TextEditor, TextRun};

use crate::doc::error::DocError;
use crate::doc::events::TextDelta;
use crate::doc::kind::Kind;
use crate::doc::object::text_part;
use crate::doc::scope::TextScope;
use crate::undo::Done;

impl TextScope<'_> {
    /// Sets the mark `name` to `value` over the characters of `range`, anchored by the
    /// document's expand rule for `name` ([`Doc::set_expand`](crate::Doc::set_expand),
    /// [`ExpandRules`](crate::ExpandRules)). Where marks of one name overlap, the one made
    /// last by Lamport time wins; a mark made here wins over every mark this replica has
    /// seen. An empty range changes nothing. An [`UndoManager`](crate::UndoManager) undoes it
    /// by putting back the formatting it replaced, where its characters still carry what it
    /// set.
    ///
    /// ```
    /// use weft::{Doc, MarkValue, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| -> Result<(), weft::DocError> {
    ///     let mut note = root.text("note");
    ///     note.insert(0, "Hello world")?;
    ///     note.mark(0..5, "bold", true)?;
    ///     note.mark(6..11, "link", "https://weft.example")?;
    ///     let runs = note.to_delta();
    ///     assert_eq!(runs[0].text, "Hello");
    ///     assert_eq!(runs[2].attributes["link"], MarkValue::from("https://weft.example"));
    ///     Ok(())
    /// }).result?;
    /// # Ok::<(), weft::DocError>(())
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] for a reversed range or one past the end, [`DocError::Mark`]
    /// for a refused name or value; nothing changes then.
    pub fn mark(
        &mut self,
        range: Range<usize>,
        name: &str,
        value: impl Into<MarkValue>,
    ) -> Result<(), DocError> {
        let expand = self.target.expand(name);
        self.mark_with(range, name, Some(value.into()), expand)
    }

    /// Clears the mark `name` over the characters of `range` (an operation that competes by
    /// Lamport time with the marks of that name, anchored as a mark of that name is).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| -> Result<(), weft::DocError> {
    ///     let mut note = root.text("note");
    ///     note.insert(0, "abc")?;
    ///     note.mark(0..3, "bold", true)?;
    ///     note.unmark(1..2, "bold")?;
    ///     assert_eq!(note.to_delta().len(), 3);
    ///     Ok(())
    /// }).result?;
    /// # Ok::<(), weft::DocError>(())
    /// ```
    ///
    /// # Errors
    /// As [`TextScope::mark`]; nothing changes then.
    pub fn unmark(&mut self, range: Range<usize>, name: &str) -> Result<(), DocError> {
        let expand = self.target.expand(name);
        self.mark_with(range, name, None, expand)
    }

    /// [`TextScope::mark`] (`Some`) or [`TextScope::unmark`] (`None`) with the expand rule
    /// `expand` instead of the document's.
    ///
    /// ```
    /// use weft::{Doc, Expand, MarkValue, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| -> Result<(), weft::DocError> {
    ///     let mut note = root.text("note");
    ///     note.insert(0, "ab")?;
    ///     note.mark_with(0..1, "bold", Some(MarkValue::Bool(true)), Expand::None)?;
    ///     note.insert(1, "x")?; // after a mark that does not expand
    ///     assert_eq!(note.to_delta()[0].text, "a");
    ///     Ok(())
    /// }).result?;
    /// # Ok::<(), weft::DocError>(())
    /// ```
    ///
    /// # Errors
    /// As [`TextScope::mark`]; nothing changes then.
    pub fn mark_with(
        &mut self,
        range: Range<usize>,
        name: &str,
        value: Option<MarkValue>,
        expand: Expand,
    ) -> Result<(), DocError> {
        self.check(range.start, range.end)?;
        weft_text::check_mark(name, value.as_ref())?;
        if range.is_empty() {
            return Ok(());
        }
        if self.target.listening() {
            let start = self.utf16_of(range.start);
            let utf16 = self.utf16_of(range.end) - start;
            let format = Format::from([(name.to_owned(), value.clone())]);
            let run = TextDelta::Retain {
                chars: range.len(),
                utf16,
                attributes: Some(format),
            };
            self.record(range.start, start, run);
        }
        let done = if self.target.recording() {
            self.marked_pieces(range.clone(), name, value.clone())
        } else {
            None
        };
        self.target
            .apply(Kind::Text, |entry| {
                text_part(entry, |scope| match value {
                    Some(value) => scope.mark(range, name, value, expand),
                    None => scope.unmark(range, name, expand),
                })
            })
            .expect("a handle's path stays valid while it lives")?;
        if let Some(done) = done {
            self.target.remember(done);
        }
        Ok(())
    }

    /// What marking `range` with `name` replaces, for undo: the runs of its characters with
    /// the value `name` shows on each.
    fn marked_pieces(
        &self,
        range: Range<usize>,
        name: &str,
        value: Option<MarkValue>,
    ) -> Option<Done> {
        let text = self.current()?;
        let mut pieces = Vec::new();
        let mut add = |part: Range<usize>, previous: Option<&MarkValue>| {
            if part.is_empty() {
                return;
            }
            for run in text.element_runs(part).unwrap_or_default() {
                pieces.push((run, previous.cloned()));
            }
        };
        let mut at = range.start;
        for (piece, attributes) in text.attributes_over(range.clone()) {
            add(at..piece.start, None);
            add(piece.clone(), attributes.get(name));
            at = piece.end;
        }
        add(at..range.end, None);
        Some(Done::TextMarked {
            path: self.target.path().clone(),
            name: name.to_owned(),
            value,
            pieces,
        })
    }

    /// The text as runs of characters with equal formatting (Quill's delta of a document).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| {
    ///     let mut note = root.text("note");
    ///     note.insert(0, "plain").unwrap();
    ///     assert_eq!(note.to_delta()[0].text, "plain");
    /// });
    /// ```
    #[must_use]
    pub fn to_delta(&self) -> Vec<TextRun> {
        self.text_or_empty(Text::to_delta)
    }

    /// Applies a Quill-style delta: inserts with exactly their attributes (marks they would
    /// inherit and lack are cleared over them), deletes, and retains that format; names are
    /// anchored by the document's expand rules. Events and undo steps are those of the
    /// inserts, deletes and marks it makes.
    ///
    /// ```
    /// use weft::{Attributes, DeltaOp, Doc, Format, MarkValue, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| -> Result<(), weft::DocError> {
    ///     let mut note = root.text("note");
    ///     note.insert(0, "Hello world")?;
    ///     let bold = Format::from([("bold".to_owned(), Some(MarkValue::Bool(true)))]);
    ///     note.apply_delta(&[
    ///         DeltaOp::Retain { count: 6, attributes: Format::new() },
    ///         DeltaOp::Delete(5),
    ///         DeltaOp::Insert { text: "Weft".into(), attributes: Attributes::new() },
    ///         DeltaOp::Retain { count: 0, attributes: bold },
    ///     ])?;
    ///     assert_eq!(note.to_string(), "Hello Weft");
    ///     Ok(())
    /// }).result?;
    /// # Ok::<(), weft::DocError>(())
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] if an op passes the end, [`DocError::Mark`] for a refused name
    /// or value; every op is checked first, and nothing changes then.
    pub fn apply_delta(&mut self, ops: &[DeltaOp]) -> Result<(), DocError> {
        weft_text::check_delta(ops, self.len())?;
        let mut at = 0usize;
        for op in ops {
            match op {
                DeltaOp::Insert { text, attributes } => {
                    self.insert(at, text)?;
                    let end = at + text.chars().count();
                    let changes =
                        self.text_or_empty(|text| text.marks_to_match(at..end, attributes));
                    for (name, value) in changes {
                        let expand = self.target.expand(&name);
                        self.mark_with(at..end, &name, value, expand)?;
                    }
                    at = end;
                }
                DeltaOp::Retain { count, attributes } => {
                    for (name, value) in attributes {
                        let expand = self.target.expand(name);
                        self.mark_with(at..at + count, name, value.clone(), expand)?;
                    }
                    at += count;
                }
                DeltaOp::Delete(count) => self.delete(at..at + count)?,
            }
        }
        Ok(())
    }
}
