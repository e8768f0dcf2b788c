//! Making marks: one mark operation over a range, and a Quill delta applied as inserts,
//! deletes and marks.

use std::collections::BTreeMap;
use std::ops::Range;

use weft_core::Scope;

use crate::error::PositionError;
use crate::marks::{DeltaOp, Expand, MarkError, MarkOp, MarkValue, check_mark};
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

/// Checks `ops` against a text of `length` characters without changing anything.
fn check_delta(ops: &[DeltaOp], mut length: u64) -> Result<(), MarkError> {
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
    check_delta(ops, scope.current().0.len())?;
    let mut at = 0usize;
    for op in ops {
        match op {
            DeltaOp::Insert { text, attributes } => {
                scope.insert(at, text)?;
                let end = at + text.chars().count();
                let wanted: BTreeMap<String, Option<MarkValue>> = attributes
                    .iter()
                    .map(|(name, value)| (name.clone(), Some(value.clone())))
                    .collect();
                for (name, value) in differences(scope.text(), at..end, &wanted) {
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

/// The names whose value is not `wanted` (absent: cleared) everywhere over `range`, with the
/// value to set there.
fn differences(
    text: &Text,
    range: Range<usize>,
    wanted: &BTreeMap<String, Option<MarkValue>>,
) -> Vec<(String, Option<MarkValue>)> {
    let (start, end) = (range.start as u64, range.end as u64);
    // Per name, how many characters of the range already show the wanted value.
    let mut matching: BTreeMap<String, u64> = BTreeMap::new();
    let mut present: Vec<String> = Vec::new();
    for (from, to, attributes) in text.format_segments() {
        let overlap = to.min(end).saturating_sub(from.max(start));
        if overlap == 0 {
            continue;
        }
        for (name, value) in attributes {
            if wanted.get(&name) == Some(&Some(value)) {
                *matching.entry(name).or_default() += overlap;
            } else if !wanted.contains_key(&name) && !present.contains(&name) {
                present.push(name);
            }
        }
    }
    let mut changes: Vec<(String, Option<MarkValue>)> = wanted
        .iter()
        .filter(|(name, _)| matching.get(*name).copied().unwrap_or(0) < end - start)
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    changes.extend(present.into_iter().map(|name| (name, None)));
    changes
}
