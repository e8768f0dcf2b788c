//! Making marks: one mark operation over a range, and a Quill delta applied as inserts,
//! deletes and marks.

use std::ops::Range;

use weft_core::Scope;

use crate::error::PositionError;
use crate::marks::{Attributes, DeltaOp, Expand, MarkError, MarkOp, MarkValue, check_mark};
use crate::text::{Text, TextEditor, ordered};

/// Sets `name` to `value` (`None`: clears it) over the scalar range `range`, anchored by
/// `expand`. An empty range makes no operation.
///
/// # Errors
/// [`MarkError`] for a bad range, name or value; nothing changes then.
pub(crate) fn mark(
    scope: &mut Scope<'_, Text>,
    range: Range<usize>,
    name: &str,
    value: Option<MarkValue>,
    expand: Expand,
) -> Result<(), MarkError> {
    check_mark(name, value.as_ref())?;
    let (start, end) = ordered(range)?;
    let length = scope.current().0.len();
    if end > length {
        return Err(PositionError::OutOfRange {
            position: end,
            length,
        }
        .into());
    }
    if start == end {
        return Ok(());
    }
    let (store, delta, transaction) = scope.recording_parts();
    let (start_anchor, end_anchor) = store.0.anchors(start, end, expand);
    let me = transaction.replica();
    store.0.name(me, transaction.id());
    let op = MarkOp {
        dot: transaction.next_dot(),
        lamport: transaction.tick_lamport(),
        start: start_anchor,
        end: end_anchor,
        name: name.into(),
        value,
    };
    if let Some(delta) = delta {
        // The delta names the replicas of the anchors through its context.
        for dot in [start_anchor.dot(), end_anchor.dot()].into_iter().flatten() {
            delta.0.declare(dot, me, &store.0.names, transaction);
        }
        delta.0.name(me, transaction.id());
        delta.0.marks.insert(op.clone());
    }
    store.0.marks.insert(op);
    Ok(())
}

/// Checks the ops of a Quill delta against a text of `length` characters without changing
/// anything, as [`TextEditor::apply_delta`] does before applying the first.
///
/// ```
/// use weft_text::{DeltaOp, check_delta};
/// assert!(check_delta(&[DeltaOp::Delete(2)], 2).is_ok());
/// assert!(check_delta(&[DeltaOp::Delete(1), DeltaOp::Delete(2)], 2).is_err());
/// ```
///
/// # Errors
/// [`MarkError::Position`] if an op passes the end; [`MarkError::BadName`],
/// [`MarkError::ValueTooLong`] or [`MarkError::NotFinite`] for a refused attribute.
pub fn check_delta(ops: &[DeltaOp], length: usize) -> Result<(), MarkError> {
    let mut length = length as u64;
    let mut at = 0u64;
    for op in ops {
        match op {
            DeltaOp::Insert { text, attributes } => {
                for (name, value) in attributes {
                    check_mark(name, Some(value))?;
                }
                let count = text.chars().count() as u64;
                length += count;
                at += count;
            }
            DeltaOp::Retain { count, attributes } => {
                for (name, value) in attributes {
                    check_mark(name, value.as_ref())?;
                }
                at = at.saturating_add(*count as u64);
                if at > length {
                    return Err(PositionError::OutOfRange {
                        position: at,
                        length,
                    }
                    .into());
                }
            }
            DeltaOp::Delete(count) => {
                let end = at.saturating_add(*count as u64);
                if end > length {
                    return Err(PositionError::OutOfRange {
                        position: end,
                        length,
                    }
                    .into());
                }
                length -= *count as u64;
            }
        }
    }
    Ok(())
}

/// Applies a Quill delta: inserts, deletes, and marks (each name anchored by `expand_of`).
///
/// # Errors
/// [`MarkError`] if an op passes the end or carries a bad name or value; nothing changes
/// then (every op is checked before the first is applied).
pub(crate) fn apply_delta(
    scope: &mut Scope<'_, Text>,
    ops: &[DeltaOp],
    expand_of: &dyn Fn(&str) -> Expand,
) -> Result<(), MarkError> {
    check_delta(ops, scope.current().len())?;
    let mut at = 0usize;
    for op in ops {
        match op {
            DeltaOp::Insert { text, attributes } => {
                scope.insert(at, text)?;
                let end = at + text.chars().count();
                for (name, value) in scope.text().marks_to_match(at..end, attributes) {
                    mark(scope, at..end, &name, value, expand_of(&name))?;
                }
                at = end;
            }
            DeltaOp::Retain { count, attributes } => {
                let end = at + count;
                for (name, value) in attributes {
                    mark(scope, at..end, name, value.clone(), expand_of(name))?;
                }
                at = end;
            }
            DeltaOp::Delete(count) => scope.delete(at..at + count)?,
        }
    }
    Ok(())
}

impl Text {
    /// The marks to make over the scalar range `range` so that it carries exactly
    /// `attributes`: each name whose value is not that everywhere over the range, with the
    /// value to set, and each name it carries that `attributes` lacks, with `None`.
    ///
    /// ```
    /// use weft_core::{Replica, ReplicaId};
    /// use weft_text::{Attributes, Expand, MarkValue, Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "abc")).unwrap();
    /// text.edit(|t| t.mark(0..2, "bold", MarkValue::Bool(true), Expand::After)).unwrap();
    /// let italic = Attributes::from([("italic".to_owned(), MarkValue::Bool(true))]);
    /// assert_eq!(
    ///     text.marks_to_match(1..3, &italic),
    ///     [("italic".to_owned(), Some(MarkValue::Bool(true))), ("bold".to_owned(), None)]
    /// );
    /// ```
    #[must_use]
    pub fn marks_to_match(
        &self,
        range: Range<usize>,
        attributes: &Attributes,
    ) -> Vec<(String, Option<MarkValue>)> {
        let over = self.attributes_over(range.clone());
        let mut changes: Vec<(String, Option<MarkValue>)> = attributes
            .iter()
            .filter(|(name, value)| {
                let matching: usize = over
                    .iter()
                    .filter(|(_, shown)| shown.get(*name) == Some(value))
                    .map(|(piece, _)| piece.len())
                    .sum();
                matching < range.len()
            })
            .map(|(name, value)| (name.clone(), Some(value.clone())))
            .collect();
        for (_, shown) in &over {
            for name in shown.keys() {
                if !attributes.contains_key(name) && !changes.iter().any(|(held, _)| held == name) {
                    changes.push((name.clone(), None));
                }
            }
        }
        changes
    }
}
