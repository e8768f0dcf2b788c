//! Where text typed next to deleted characters goes when marks are anchored to them
//! (Peritext's rule for inserting at a mark boundary): between the visible character before
//! the caret and the one after it there may be tombstones, and a mark's anchor may sit on
//! one. The insert passes the tombstones whose *after* anchors end (or start) a mark there,
//! and stops before a tombstone with a *before* anchor, so that a link whose last characters
//! were deleted still does not grow when typing at its end, and bold still does.

use weft_core::Dot;

use crate::element::Content;
use crate::history::NO_DOT;
use crate::marks::set::{AFTER, BEFORE};
use crate::sequence::{Gap, Sequence};
use crate::tree::Location;

/// The most spans of tombstones looked at after the caret (a bound on the work per insert;
/// anchors further on are not considered).
const MAX_TOMBSTONE_SPANS: usize = 64;

/// A span of tombstones after the caret: where it is and which dots it holds.
struct Tombstones {
    location: Location,
    /// The dot of the span's first element from `location.offset` on.
    first: Dot,
    len: u64,
    /// How many tombstones of the run come before this span.
    before: u64,
}

impl<C: Content> Sequence<C> {
    /// The gap a local insert at `gap` should use instead, when tombstones right after the
    /// caret carry mark anchors that say so; `None` to insert at `gap` itself.
    pub(crate) fn gap_past_mark_ends(&self, gap: &Gap) -> Option<Gap> {
        if gap.right == NO_DOT {
            return None;
        }
        let run = self.tombstones_at(gap.location);
        if run.is_empty() {
            return None;
        }
        // Tombstones to pass: past every after-anchor, never past a before-anchor.
        let mut pass = 0u64;
        let mut limit = u64::MAX;
        for span in &run {
            let anchored = self
                .marks
                .anchors_in(span.first.replica, span.first.counter, span.len);
            for (counter, sides) in anchored {
                let at = span.before + (counter - span.first.counter);
                if sides & AFTER != 0 {
                    pass = pass.max(at + 1);
                }
                if sides & BEFORE != 0 {
                    limit = limit.min(at);
                }
            }
        }
        let pass = pass.min(limit);
        if pass == 0 {
            return None;
        }
        let last = pass - 1;
        let span = run
            .iter()
            .find(|span| last >= span.before && last < span.before + span.len)?;
        let location = Location {
            offset: span.location.offset + (last - span.before) as u32,
            ..span.location
        };
        Some(self.gap_after(location))
    }

    /// The spans of tombstones from `location` on (at most [`MAX_TOMBSTONE_SPANS`]), up to
    /// the next visible element or the end.
    fn tombstones_at(&self, location: Location) -> Vec<Tombstones> {
        let mut run = Vec::new();
        let mut location = location;
        let mut before = 0u64;
        while run.len() < MAX_TOMBSTONE_SPANS {
            let leaf = self.tree.leaf(location.leaf);
            let Some(span) = leaf.spans.get(location.span) else {
                match self.tree.next_leaf(location.leaf) {
                    Some(next) => {
                        location = Location {
                            leaf: next,
                            span: 0,
                            offset: 0,
                        };
                        continue;
                    }
                    None => break,
                }
            };
            if !span.is_deleted() {
                break;
            }
            let len = u64::from(span.len() - location.offset);
            run.push(Tombstones {
                location,
                first: span.dot(location.offset),
                len,
                before,
            });
            before += len;
            location = Location {
                span: location.span + 1,
                offset: 0,
                ..location
            };
        }
        run
    }
}
