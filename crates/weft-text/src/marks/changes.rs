//! What received mark operations changed: the formatting of the text with them against the
//! formatting without them, for change events (Quill's retain with attributes).

use std::ops::Range;

use weft_core::sorting::{replica_id_key, sort_by_bytes, sort_by_key};

use crate::marks::{Attributes, Format, MarkOp};
use crate::text::{Text, TextIncoming};

/// The attributes of the segment holding `at` in sorted, disjoint `segments` (empty if
/// none), moving `next` forward.
fn attributes_at<'a>(
    segments: &'a [(u64, u64, Attributes)],
    next: &mut usize,
    at: u64,
) -> Option<&'a Attributes> {
    while *next < segments.len() && segments[*next].1 <= at {
        *next += 1;
    }
    segments
        .get(*next)
        .filter(|(start, _, _)| *start <= at)
        .map(|(_, _, attributes)| attributes)
}

impl Text {
    /// How the formatting changed through the mark operations `incoming` (read by
    /// [`Text::incoming`] before the join) brought, read after the join: scalar ranges of the
    /// text as it is now, sorted and disjoint, each with the names whose value changed there
    /// and their new value (`None`: no longer set). Operations that lost to marks already
    /// here change nothing and are not reported. Costs O(n + m log m) for m operations.
    ///
    /// ```
    /// use weft_core::{Replica, ReplicaId};
    /// use weft_text::{Expand, MarkValue, Text, TextEditor};
    /// let mut a = Replica::<Text>::new(ReplicaId::from_u128(1));
    /// let mut b = Replica::<Text>::new(ReplicaId::from_u128(2));
    /// b.apply(&a.update(|t| t.insert(0, "hello").unwrap()));
    /// let delta = a.update(|t| t.mark(1..3, "bold", MarkValue::Bool(true), Expand::After).unwrap());
    /// let incoming = b.incoming(delta.store(), delta.replicas(), b.table());
    /// b.apply(&delta);
    /// let changes = b.format_changes(&incoming);
    /// assert_eq!(changes.len(), 1);
    /// assert_eq!(changes[0].0, 1..3);
    /// assert_eq!(changes[0].1["bold"], Some(MarkValue::Bool(true)));
    /// ```
    #[must_use]
    pub fn format_changes(&self, incoming: &TextIncoming) -> Vec<(Range<usize>, Format)> {
        let mut marked = incoming.0.marked.clone();
        if marked.is_empty() {
            return Vec::new();
        }
        // By replica, then counter: two stable sorts through the shared `u128` one.
        sort_by_key(&mut marked, |(_, counter)| u128::from(*counter));
        sort_by_key(&mut marked, |(writer, _)| replica_id_key(*writer));
        let is_new = |op: &MarkOp| {
            let writer = self
                .0
                .names
                .get(op.dot.replica.as_usize())
                .copied()
                .flatten();
            writer.is_some_and(|writer| marked.binary_search(&(writer, op.dot.counter)).is_ok())
        };
        let mut names: Vec<&str> = self
            .0
            .marks
            .iter()
            .filter(|op| is_new(op))
            .map(|op| &*op.name)
            .collect();
        sort_by_bytes(&mut names, |name| name.as_bytes());
        names.dedup();
        let touched = |op: &MarkOp| names.binary_search(&&*op.name).is_ok();
        let after = self.format_segments_where(touched);
        let before = self.format_segments_where(|op| touched(op) && !is_new(op));
        let mut cuts: Vec<u64> = after
            .iter()
            .chain(&before)
            .flat_map(|(start, end, _)| [*start, *end])
            .collect();
        sort_by_key(&mut cuts, |cut| u128::from(*cut));
        cuts.dedup();
        let empty = Attributes::new();
        let (mut next_after, mut next_before) = (0, 0);
        let mut changes: Vec<(Range<usize>, Format)> = Vec::new();
        for pair in cuts.windows(2) {
            let (start, end) = (pair[0], pair[1]);
            let now = attributes_at(&after, &mut next_after, start).unwrap_or(&empty);
            let was = attributes_at(&before, &mut next_before, start).unwrap_or(&empty);
            let mut format = Format::new();
            for name in names
                .iter()
                .filter(|name| now.get(**name) != was.get(**name))
            {
                format.insert((*name).to_owned(), now.get(*name).cloned());
            }
            if format.is_empty() {
                continue;
            }
            let range = start as usize..end as usize;
            match changes.last_mut() {
                Some((last, previous)) if last.end == range.start && *previous == format => {
                    last.end = range.end;
                }
                _ => changes.push((range, format)),
            }
        }
        changes
    }
}
