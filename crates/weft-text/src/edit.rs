//! Edits of the order tree: growing, inserting and deleting spans, keeping the summaries, the
//! cursor and (when built) the identity index up to date, and splitting full nodes.

use std::sync::Arc;

use crate::element::Content;
use crate::span::{Span, Summary};
use crate::tree::{
    Cursor, Found, Internal, LEAF_CONTENT, LEAF_SPANS, Leaf, Links, Location, MAX_VISIBLE_SPAN,
    NODE_CHILDREN, NONE, Tree, summarize, summarize_leaf,
};

/// The capacity of a leaf's span vector: the most it holds before it splits (an edit adds at
/// most two spans), allocated once.
const SPAN_CAPACITY: usize = LEAF_SPANS + 2;
/// Spare room for spans left in each half of a split leaf.
const SPAN_SPARE: usize = 8;
/// Spare room left in a leaf's content when it is split.
const CONTENT_SPARE: usize = 32;

/// Makes room for `extra` more spans in `spans` (a leaf built by a load is packed tight).
fn reserve(spans: &mut Vec<Span>, extra: usize) {
    if spans.len() + extra > spans.capacity() {
        spans.reserve_exact(SPAN_CAPACITY.max(spans.len() + extra) - spans.len());
    }
}

/// Whether `span` can be appended to `previous` in place.
fn can_merge(previous: &Span, span: &Span) -> bool {
    previous.continues_into(span)
        && (span.is_deleted() || previous.len() + span.len() <= MAX_VISIBLE_SPAN)
}

/// Deletes the elements `offset..offset + covered` of the visible span `spans[slot]` without
/// adding or removing a span, when they are its tail and the next span holds the deleted
/// elements that follow them (backspacing), or its head and the previous span the deleted
/// elements before them (the delete key): the neighbour takes them over. Returns the span
/// where the elements before the deleted ones now start (as a local deletion's cursor),
/// or `None` when neither case applies.
fn shift_into_deleted_neighbour(
    spans: &mut [Span],
    slot: usize,
    offset: u32,
    covered: u32,
) -> Option<usize> {
    let current = spans[slot];
    let taken = Span::new(current.dot(offset), covered, true);
    if offset > 0 && offset + covered == current.len() {
        let next = spans.get(slot + 1)?;
        if !taken.continues_into(next) {
            return None;
        }
        let grown = covered + next.len();
        spans[slot + 1] = Span::new(taken.dot(0), grown, true);
        spans[slot].set_len(offset);
        return Some(slot);
    }
    if offset == 0 && covered < current.len() && slot > 0 {
        let previous = spans[slot - 1];
        if !previous.continues_into(&taken) {
            return None;
        }
        spans[slot - 1].set_len(previous.len() + covered);
        spans[slot] = Span::new(current.dot(covered), current.len() - covered, false);
        return Some(slot - 1);
    }
    None
}

impl<C: Content> Tree<C> {
    /// Creates the root leaf of an empty tree.
    fn ensure_root(&mut self) {
        if self.leaves.is_empty() {
            self.leaves.push(Arc::new(Leaf {
                spans: Vec::with_capacity(SPAN_CAPACITY),
                content: C::default(),
            }));
            self.links.push(Links {
                parent: NONE,
                slot: 0,
                next: NONE,
            });
        }
    }

    /// Lengthens the visible span `found` (found by position just now) by `count` elements
    /// holding `content`, whose dots continue the span. The caller checks it may grow.
    pub(crate) fn extend(&mut self, found: &Found, content: &C::Slice, count: usize) {
        let Location { leaf, span, .. } = found.location;
        let node = self.leaf_mut(leaf);
        let grown = &mut node.spans[span];
        let at = found.content + grown.len() as usize;
        grown.set_len(grown.len() + count as u32);
        let (replica, last) = (grown.replica, grown.end() - 1);
        node.content.insert(at, content, count);
        if let Some(index) = self.index.get_mut() {
            index.raise_top(replica, last);
        }
        self.cursor.set(Cursor::at(found));
        let plus = summarize::<C>(count as u32, content, count);
        self.add(leaf, &plus);
        self.split_if_full(leaf);
    }

    /// Inserts `span` (with `content` of `count` elements if it is visible) before the
    /// element at `location`, or at the end of the leaf when `location.span` is the leaf's
    /// span count. `chars`, for a local insert, is the visible position of the span (the
    /// cursor then moves there). `content_at`, when known, is the index in the leaf's content
    /// of the first visible element at or after `location`. Returns where the new span's
    /// first element is.
    pub(crate) fn insert(
        &mut self,
        location: Location,
        span: Span,
        content: &C::Slice,
        count: usize,
        chars: Option<u64>,
        content_at: Option<usize>,
    ) -> Location {
        self.ensure_root();
        let Location {
            leaf,
            span: mut slot,
            offset,
        } = location;
        let node = self.leaf_mut(leaf);
        reserve(&mut node.spans, 2);
        if offset > 0 {
            let back = node.spans[slot].split(offset);
            node.spans.insert(slot + 1, back);
            slot += 1;
        }
        let at: usize = content_at.unwrap_or_else(|| {
            node.spans[..slot]
                .iter()
                .map(|span| span.visible() as usize)
                .sum()
        });
        debug_assert_eq!(
            at,
            node.spans[..slot]
                .iter()
                .map(|span| span.visible() as usize)
                .sum::<usize>()
        );
        let merged = slot > 0 && can_merge(&node.spans[slot - 1], &span);
        let placed = if merged {
            let previous = &mut node.spans[slot - 1];
            let offset = previous.len();
            previous.set_len(offset + span.len());
            Location {
                leaf,
                span: slot - 1,
                offset,
            }
        } else {
            node.spans.insert(slot, span);
            Location {
                leaf,
                span: slot,
                offset: 0,
            }
        };
        let plus = if span.is_deleted() {
            Summary {
                items: u64::from(span.len()),
                ..Summary::default()
            }
        } else {
            node.content.insert(at, content, count);
            summarize::<C>(span.len(), content, count)
        };
        if let Some(index) = self.index.get_mut() {
            index.assign(span.replica, span.counter, span.end(), leaf);
        }
        match chars {
            Some(chars) if !span.is_deleted() => self.cursor.set(Cursor {
                leaf,
                span: placed.span as u32,
                content: (at - placed.offset as usize) as u32,
                chars: chars - u64::from(placed.offset),
            }),
            _ => self.forget_cursor(),
        }
        self.add(leaf, &plus);
        match self.split_if_full(leaf) {
            Some((new_leaf, first_moved)) if placed.span >= first_moved => Location {
                leaf: new_leaf,
                span: placed.span - first_moved,
                offset: placed.offset,
            },
            _ => placed,
        }
    }

    /// Deletes up to `count` elements from `location` inside its span. `found`, for a local
    /// deletion, is the same span found by position (the cursor then stays there). Returns
    /// how many elements that covers (deleted before or not) and whether they were visible.
    pub(crate) fn delete(
        &mut self,
        location: Location,
        count: u32,
        found: Option<&Found>,
    ) -> (u32, bool) {
        let Location { leaf, span, offset } = location;
        let current = self.leaves[leaf as usize].spans[span];
        let covered = count.min(current.len() - offset);
        if current.is_deleted() {
            return (covered, false);
        }
        let content_at = match found {
            Some(found) => found.content,
            None => self.content_index(leaf, span),
        };
        let node = self.leaf_mut(leaf);
        let start = content_at + offset as usize;
        let (utf16, utf8) = node.content.remove(start..start + covered as usize);
        let minus = Summary {
            items: 0,
            chars: u64::from(covered),
            utf16,
            utf8,
        };
        if let Some(start_slot) =
            shift_into_deleted_neighbour(&mut node.spans, span, offset, covered)
        {
            self.after_delete(leaf, start_slot, found, &minus);
            return (covered, true);
        }
        reserve(&mut node.spans, 2);
        let mut slot = span;
        if offset > 0 {
            let back = node.spans[slot].split(offset);
            node.spans.insert(slot + 1, back);
            slot += 1;
        }
        if covered < node.spans[slot].len() {
            let back = node.spans[slot].split(covered);
            node.spans.insert(slot + 1, back);
        }
        node.spans[slot].set_deleted();
        if slot + 1 < node.spans.len() && node.spans[slot].continues_into(&node.spans[slot + 1]) {
            let grown = node.spans[slot].len() + node.spans[slot + 1].len();
            node.spans[slot].set_len(grown);
            node.spans.remove(slot + 1);
        }
        let mut start_slot = span;
        if slot > 0 && node.spans[slot - 1].continues_into(&node.spans[slot]) {
            let grown = node.spans[slot - 1].len() + node.spans[slot].len();
            node.spans[slot - 1].set_len(grown);
            node.spans.remove(slot);
            if offset == 0 {
                start_slot = slot - 1;
            }
        }
        self.after_delete(leaf, start_slot, found, &minus);
        (covered, true)
    }

    /// Finishes a deletion in `leaf`: the cursor on span `start_slot` (where the span found
    /// by position now starts) for a local deletion, the counts lowered by `minus`.
    fn after_delete(
        &mut self,
        leaf: u32,
        start_slot: usize,
        found: Option<&Found>,
        minus: &Summary,
    ) {
        match found {
            Some(found) => self.cursor.set(Cursor {
                leaf,
                span: start_slot as u32,
                content: found.content as u32,
                chars: found.chars,
            }),
            None => self.forget_cursor(),
        }
        self.subtract(leaf, minus);
        self.split_if_full(leaf);
    }

    /// Adds `plus` to the counts of `leaf` and its ancestors.
    fn add(&mut self, leaf: u32, plus: &Summary) {
        let mut slot = self.links[leaf as usize].slot as usize;
        let mut parent = self.links[leaf as usize].parent;
        while parent != NONE {
            let node = &mut self.internals[parent as usize];
            node.sums[slot].add(plus);
            slot = node.slot as usize;
            parent = node.parent;
        }
        self.total.add(plus);
    }

    /// Removes `minus` from the counts of `leaf` and its ancestors.
    fn subtract(&mut self, leaf: u32, minus: &Summary) {
        let mut slot = self.links[leaf as usize].slot as usize;
        let mut parent = self.links[leaf as usize].parent;
        while parent != NONE {
            let node = &mut self.internals[parent as usize];
            node.sums[slot].subtract(minus);
            slot = node.slot as usize;
            parent = node.parent;
        }
        self.total.subtract(minus);
    }

    /// Splits `leaf` if it holds too much. Returns the new leaf and the index of the first
    /// span moved there. Always inlined: it runs after every edit and almost never splits.
    #[inline(always)]
    fn split_if_full(&mut self, leaf: u32) -> Option<(u32, usize)> {
        let node = &self.leaves[leaf as usize];
        if node.spans.len() <= LEAF_SPANS && node.content.len() <= LEAF_CONTENT {
            return None;
        }
        self.split_leaf(leaf)
    }

    /// Splits the full `leaf` in two (unless it holds a single span), as
    /// [`Tree::split_if_full`].
    fn split_leaf(&mut self, leaf: u32) -> Option<(u32, usize)> {
        let node = &self.leaves[leaf as usize];
        if node.spans.len() < 2 {
            return None;
        }
        let at = if node.spans.len() > LEAF_SPANS {
            node.spans.len() / 2
        } else {
            let half = node.content.len() / 2;
            let mut seen = 0;
            let mut at = node.spans.len() - 1;
            for (index, span) in node.spans.iter().enumerate() {
                seen += span.visible() as usize;
                if seen >= half {
                    at = index + 1;
                    break;
                }
            }
            at.clamp(1, node.spans.len() - 1)
        };
        let content_at = self.content_index(leaf, at);
        let new_index = self.leaves.len() as u32;
        let node = self.leaf_mut(leaf);
        // Both halves keep room for a few more spans, and grow to the full capacity only if
        // they fill (most leaves stay half full: this is a tenth of a small trace's heap).
        let mut spans = Vec::with_capacity(node.spans.len() - at + SPAN_SPARE);
        spans.extend_from_slice(&node.spans[at..]);
        node.spans.truncate(at);
        node.spans.shrink_to(at + SPAN_SPARE);
        let content = node.content.split_off(content_at);
        node.content.trim(CONTENT_SPARE);
        let moved = summarize_leaf(&spans, &content);
        if let Some(index) = self.index.get_mut() {
            index.assign_spans(&spans, new_index);
        }
        let cursor = self.cursor.get();
        if cursor.leaf == leaf && cursor.span as usize >= at {
            self.cursor.set(Cursor {
                leaf: new_index,
                span: cursor.span - at as u32,
                content: cursor.content - content_at as u32,
                chars: cursor.chars,
            });
        }
        let links = self.links[leaf as usize];
        self.links[leaf as usize].next = new_index;
        self.leaves.push(Arc::new(Leaf { spans, content }));
        self.links.push(Links {
            parent: links.parent,
            slot: 0,
            next: links.next,
        });
        self.attach_after(leaf, true, new_index, moved);
        Some((new_index, at))
    }

    /// Makes `new` (whose counts are `moved`, taken from `old`) the sibling right after `old`.
    fn attach_after(&mut self, old: u32, leaves: bool, new: u32, moved: Summary) {
        let (parent, slot) = if leaves {
            let links = self.links[old as usize];
            (links.parent, links.slot as usize)
        } else {
            let node = &self.internals[old as usize];
            (node.parent, node.slot as usize)
        };
        if parent == NONE {
            let mut old_sum = self.total;
            old_sum.subtract(&moved);
            let root = self.internals.len() as u32;
            self.internals.push(Internal {
                parent: NONE,
                slot: 0,
                over_leaves: leaves,
                children: vec![old, new],
                sums: vec![old_sum, moved],
            });
            self.set_parent(old, leaves, root, 0);
            self.set_parent(new, leaves, root, 1);
            self.root = root;
            self.root_is_leaf = false;
            return;
        }
        let node = &mut self.internals[parent as usize];
        node.sums[slot].subtract(&moved);
        node.children.insert(slot + 1, new);
        node.sums.insert(slot + 1, moved);
        let full = node.children.len() > NODE_CHILDREN;
        for offset in slot + 1..self.internals[parent as usize].children.len() {
            let child = self.internals[parent as usize].children[offset];
            self.set_parent(child, leaves, parent, offset as u32);
        }
        if full {
            self.split_internal(parent);
        }
    }

    fn split_internal(&mut self, node_index: u32) {
        let new_index = self.internals.len() as u32;
        let node = &mut self.internals[node_index as usize];
        let at = node.children.len() / 2;
        let children = node.children.split_off(at);
        let sums = node.sums.split_off(at);
        let over_leaves = node.over_leaves;
        let parent = node.parent;
        let mut moved = Summary::default();
        for sum in &sums {
            moved.add(sum);
        }
        for (slot, child) in children.iter().enumerate() {
            self.set_parent(*child, over_leaves, new_index, slot as u32);
        }
        self.internals.push(Internal {
            parent,
            slot: 0,
            over_leaves,
            children,
            sums,
        });
        self.attach_after(node_index, false, new_index, moved);
    }
}
