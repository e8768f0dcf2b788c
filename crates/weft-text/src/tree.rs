//! The order tree: a B-tree over the spans of the sequence in document order, deleted spans
//! included, whose nodes count elements, visible elements, UTF-16 units and UTF-8 bytes, so
//! that a position in any of these measures is found in O(log n).
//!
//! Nodes live in two arenas (leaves and internal nodes) and point to their parent, so the
//! position of an element found through the [`IdIndex`] is computed by climbing to the root.
//! Leaves hold up to [`LEAF_SPANS`] spans and the visible content of those spans; leaves are
//! chained in document order for scans.

use std::cell::Cell;

use weft_core::Dot;

use crate::element::Element;
use crate::index::IdIndex;
use crate::span::{Metric, Span, Summary};

/// Most spans in a leaf.
pub(crate) const LEAF_SPANS: usize = 32;
/// Visible elements above which a leaf splits.
const LEAF_CONTENT: usize = 512;
/// Longest visible span (so that leaves stay small).
pub(crate) const MAX_VISIBLE_SPAN: u32 = 256;
/// Most children of an internal node.
const NODE_CHILDREN: usize = 24;
/// "No node".
pub(crate) const NONE: u32 = u32::MAX;
/// Spans added to a leaf's capacity when it is full (growing by small steps, not doubling,
/// keeps the memory of a leaf near its content).
const SPAN_STEP: usize = 4;
/// Elements added to a leaf's content capacity when it is full.
const CONTENT_STEP: usize = 48;

/// Makes room for `extra` more items in `vec`, growing by at least `step` (not doubling).
fn reserve<T>(vec: &mut Vec<T>, extra: usize, step: usize) {
    if vec.len() + extra > vec.capacity() {
        vec.reserve_exact(extra.max(step));
    }
}

/// A leaf: spans in document order and the content of the visible ones.
#[derive(Clone, Debug, Default)]
pub(crate) struct Leaf<E> {
    parent: u32,
    /// Index among the parent's children.
    slot: u32,
    next: u32,
    pub(crate) spans: Vec<Span>,
    pub(crate) content: Vec<E>,
}

#[derive(Clone, Debug)]
struct Internal {
    parent: u32,
    /// Index among the parent's children.
    slot: u32,
    /// Whether the children are leaves.
    over_leaves: bool,
    children: Vec<u32>,
    sums: Vec<Summary>,
}

/// Where an element is: a leaf, a span in it and an offset in the span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Location {
    pub(crate) leaf: u32,
    pub(crate) span: usize,
    pub(crate) offset: u32,
}

/// The order tree with its identity index.
#[derive(Clone, Debug)]
pub(crate) struct Tree<E> {
    leaves: Vec<Leaf<E>>,
    internals: Vec<Internal>,
    /// The root: a leaf (`root_is_leaf`) or an internal node.
    root: u32,
    root_is_leaf: bool,
    total: Summary,
    pub(crate) index: IdIndex,
    /// The leaf of the latest local edit and the visible elements before it: typing near
    /// the previous edit skips the descent from the root.
    cursor: Cell<(u32, u64)>,
}

impl<E> Default for Tree<E> {
    fn default() -> Self {
        Self {
            leaves: Vec::new(),
            internals: Vec::new(),
            root: 0,
            root_is_leaf: true,
            total: Summary::default(),
            index: IdIndex::default(),
            cursor: Cell::new((NONE, 0)),
        }
    }
}

impl<E: Element> Tree<E> {
    /// Counts of the whole sequence.
    pub(crate) fn total(&self) -> Summary {
        self.total
    }

    /// Whether the tree holds no element at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.total.items == 0
    }

    /// The leaf `leaf`.
    pub(crate) fn leaf(&self, leaf: u32) -> &Leaf<E> {
        &self.leaves[leaf as usize]
    }

    /// The first element of the sequence, if any.
    pub(crate) fn first_dot(&self) -> Option<Dot> {
        self.leaves
            .first()
            .and_then(|leaf| leaf.spans.first())
            .map(|span| span.dot(0))
    }

    /// Creates the root leaf of an empty tree.
    fn ensure_root(&mut self) {
        if self.leaves.is_empty() {
            self.leaves.push(Leaf {
                parent: NONE,
                slot: 0,
                next: NONE,
                spans: Vec::new(),
                content: Vec::new(),
            });
        }
    }

    /// Forgets the cursor unless it is on `leaf` (whose own changes do not move it).
    fn touched(&self, leaf: u32) {
        if self.cursor.get().0 != leaf {
            self.cursor.set((NONE, 0));
        }
    }

    /// The visible element at index `position` (below the visible total), starting from the
    /// cursor when the position is in its leaf.
    pub(crate) fn find_visible(&self, position: u64) -> Location {
        let (leaf, start) = self.cursor.get();
        if leaf != NONE
            && position >= start
            && position - start < self.leaves[leaf as usize].content.len() as u64
        {
            return self.find_in_leaf(leaf, Metric::Chars, position - start);
        }
        let (before, leaf, rest) = self.descend_counting(Metric::Chars, position, Metric::Chars);
        self.cursor.set((leaf, before));
        self.find_in_leaf(leaf, Metric::Chars, rest)
    }

    /// The leaf after `leaf` in document order.
    pub(crate) fn next_leaf(&self, leaf: u32) -> Option<u32> {
        let next = self.leaves[leaf as usize].next;
        (next != NONE).then_some(next)
    }

    /// The spans and content of every leaf in document order.
    pub(crate) fn leaves_in_order(&self) -> impl Iterator<Item = &Leaf<E>> + '_ {
        let mut current = (!self.leaves.is_empty()).then_some(0u32);
        std::iter::from_fn(move || {
            let leaf = current?;
            current = self.next_leaf(leaf);
            Some(&self.leaves[leaf as usize])
        })
    }

    /// The number of spans (for statistics).
    pub(crate) fn span_count(&self) -> usize {
        self.leaves.iter().map(|leaf| leaf.spans.len()).sum()
    }

    /// Where the element `dot` is, if the tree holds it.
    pub(crate) fn locate(&self, dot: Dot) -> Option<Location> {
        let leaf = self.index.leaf_of(dot)?;
        let spans = &self.leaves[leaf as usize].spans;
        spans.iter().enumerate().find_map(|(span, candidate)| {
            candidate
                .offset_of(dot)
                .map(|offset| Location { leaf, span, offset })
        })
    }

    /// The span at `location`.
    pub(crate) fn span(&self, location: Location) -> Span {
        self.leaves[location.leaf as usize].spans[location.span]
    }

    /// The element at index `position` of `metric` (`Items` or `Chars`): the leaf, span and
    /// offset, and for `Chars` always a visible element. `position` must be below the total.
    pub(crate) fn find(&self, metric: Metric, mut position: u64) -> Location {
        debug_assert!(matches!(metric, Metric::Items | Metric::Chars));
        debug_assert!(position < self.total.get(metric));
        let leaf = self.descend(metric, &mut position);
        self.find_in_leaf(leaf, metric, position)
    }

    /// The element at index `position` of `metric` inside `leaf`.
    fn find_in_leaf(&self, leaf: u32, metric: Metric, mut position: u64) -> Location {
        let spans = &self.leaves[leaf as usize].spans;
        for (index, span) in spans.iter().enumerate() {
            let length = u64::from(match metric {
                Metric::Items => span.len(),
                _ => span.visible(),
            });
            if position < length {
                return Location {
                    leaf,
                    span: index,
                    offset: position as u32,
                };
            }
            position -= length;
        }
        unreachable!("summaries out of date: position past the leaf")
    }

    /// Descends to the leaf holding index `position` of `metric`, leaving in `position` the
    /// index inside that leaf.
    fn descend(&self, metric: Metric, position: &mut u64) -> u32 {
        if self.root_is_leaf {
            return self.root;
        }
        let mut node = &self.internals[self.root as usize];
        loop {
            let mut chosen = node.children.len() - 1;
            for (slot, sum) in node.sums.iter().enumerate() {
                let size = sum.get(metric);
                if *position < size {
                    chosen = slot;
                    break;
                }
                if slot + 1 < node.sums.len() {
                    *position -= size;
                }
            }
            let child = node.children[chosen];
            if node.over_leaves {
                return child;
            }
            node = &self.internals[child as usize];
        }
    }

    /// Converts `position` in `metric` (UTF-16 or UTF-8, at most the total) to a count of
    /// visible elements, or `None` if it falls inside an element.
    pub(crate) fn metric_to_chars(&self, metric: Metric, position: u64) -> Option<u64> {
        if position == self.total.get(metric) {
            return Some(self.total.chars);
        }
        let (mut chars, leaf, mut rest) = self.descend_counting(metric, position, Metric::Chars);
        for item in &self.leaves[leaf as usize].content {
            if rest == 0 {
                return Some(chars);
            }
            let width = measure(item, metric);
            if width > rest {
                return None;
            }
            rest -= width;
            chars += 1;
        }
        (rest == 0).then_some(chars)
    }

    /// Converts a count of visible elements (at most the total) to `metric`.
    pub(crate) fn chars_to_metric(&self, metric: Metric, chars: u64) -> u64 {
        if chars == self.total.chars {
            return self.total.get(metric);
        }
        let (mut measured, leaf, rest) = self.descend_counting(Metric::Chars, chars, metric);
        for item in self.leaves[leaf as usize]
            .content
            .iter()
            .take(rest as usize)
        {
            measured += measure(item, metric);
        }
        measured
    }

    /// Descends by `by` to the leaf holding `position`, summing `count` over what is
    /// skipped. Returns the sum, the leaf and the position left inside the leaf.
    fn descend_counting(&self, by: Metric, mut position: u64, count: Metric) -> (u64, u32, u64) {
        let mut counted = 0;
        if self.root_is_leaf {
            return (0, self.root, position);
        }
        let mut node = &self.internals[self.root as usize];
        loop {
            let mut chosen = node.children.len() - 1;
            for (slot, sum) in node.sums.iter().enumerate() {
                if position < sum.get(by) || slot + 1 == node.sums.len() {
                    chosen = slot;
                    break;
                }
                position -= sum.get(by);
                counted += sum.get(count);
            }
            let child = node.children[chosen];
            if node.over_leaves {
                return (counted, child, position);
            }
            node = &self.internals[child as usize];
        }
    }

    /// The document index (elements before it, deleted ones included) of `location`.
    pub(crate) fn doc_index(&self, location: Location) -> u64 {
        let leaf = &self.leaves[location.leaf as usize];
        let mut index: u64 = leaf.spans[..location.span]
            .iter()
            .map(|span| u64::from(span.len()))
            .sum::<u64>()
            + u64::from(location.offset);
        let mut slot = leaf.slot as usize;
        let mut parent = leaf.parent;
        while parent != NONE {
            let node = &self.internals[parent as usize];
            index += node.sums[..slot].iter().map(|sum| sum.items).sum::<u64>();
            slot = node.slot as usize;
            parent = node.parent;
        }
        index
    }

    /// The index in the leaf's content of the first element of span `span`.
    pub(crate) fn content_index(&self, leaf: u32, span: usize) -> usize {
        self.leaves[leaf as usize].spans[..span]
            .iter()
            .map(|span| span.visible() as usize)
            .sum()
    }

    /// Lengthens the visible span at `location` (which must be its last element) by
    /// `content`, whose dots continue the span. The caller checks the span may grow.
    pub(crate) fn extend(&mut self, leaf: u32, span: usize, content: &[E]) {
        self.touched(leaf);
        let added = content.len() as u32;
        let at = self.content_index(leaf, span + 1);
        let node = &mut self.leaves[leaf as usize];
        let grown = node.spans[span].len() + added;
        node.spans[span].set_len(grown);
        let (replica, last) = (node.spans[span].replica, node.spans[span].end() - 1);
        self.index.raise_top(replica, last);
        let node = &mut self.leaves[leaf as usize];
        reserve(&mut node.content, content.len(), CONTENT_STEP);
        if let [single] = content {
            node.content.insert(at, single.clone());
        } else {
            node.content.splice(at..at, content.iter().cloned());
        }
        let plus = summarize(added, content);
        self.propagate(leaf, &plus, &Summary::default());
        self.split_if_full(leaf);
    }

    /// Inserts `span` (with `content` if it is visible) before the element at `location`,
    /// or at the end of the leaf when `location.span` is the leaf's span count. Returns where
    /// the new span's first element is.
    pub(crate) fn insert(&mut self, location: Location, span: Span, content: &[E]) -> Location {
        self.ensure_root();
        self.touched(location.leaf);
        let Location {
            leaf,
            span: mut slot,
            offset,
        } = location;
        reserve(&mut self.leaves[leaf as usize].spans, 2, SPAN_STEP);
        reserve(
            &mut self.leaves[leaf as usize].content,
            content.len(),
            CONTENT_STEP,
        );
        if offset > 0 {
            let spans = &mut self.leaves[leaf as usize].spans;
            let back = spans[slot].split(offset);
            spans.insert(slot + 1, back);
            slot += 1;
        }
        let at = self.content_index(leaf, slot);
        let node = &mut self.leaves[leaf as usize];
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
        if !span.is_deleted() {
            node.content.splice(at..at, content.iter().cloned());
        }
        let plus = if span.is_deleted() {
            Summary {
                items: u64::from(span.len()),
                ..Summary::default()
            }
        } else {
            summarize(span.len(), content)
        };
        self.index
            .assign(span.replica, span.counter, span.end(), leaf);
        self.propagate(leaf, &plus, &Summary::default());
        let moved = self.split_if_full(leaf);
        match moved {
            Some((new_leaf, first_moved)) if placed.span >= first_moved => Location {
                leaf: new_leaf,
                span: placed.span - first_moved,
                offset: placed.offset,
            },
            _ => placed,
        }
    }

    /// Deletes up to `count` elements from `location` inside its span. Returns how many
    /// elements that covers (deleted before or not) and whether they were visible.
    pub(crate) fn delete(&mut self, location: Location, count: u32) -> (u32, bool) {
        let Location { leaf, span, offset } = location;
        self.touched(leaf);
        let current = self.leaves[leaf as usize].spans[span];
        let covered = count.min(current.len() - offset);
        if current.is_deleted() {
            return (covered, false);
        }
        let content_at = self.content_index(leaf, span) + offset as usize;
        let node = &mut self.leaves[leaf as usize];
        reserve(&mut node.spans, 2, SPAN_STEP);
        let range = content_at..content_at + covered as usize;
        let mut minus = summarize(covered, &node.content[range.clone()]);
        minus.items = 0;
        node.content.drain(range);
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
        if slot > 0 && node.spans[slot - 1].continues_into(&node.spans[slot]) {
            let grown = node.spans[slot - 1].len() + node.spans[slot].len();
            node.spans[slot - 1].set_len(grown);
            node.spans.remove(slot);
        }
        self.propagate(leaf, &Summary::default(), &minus);
        self.split_if_full(leaf);
        (covered, true)
    }

    /// Adds `plus` and removes `minus` from the counts of `leaf` and its ancestors.
    fn propagate(&mut self, leaf: u32, plus: &Summary, minus: &Summary) {
        let adding = *plus != Summary::default();
        let removing = *minus != Summary::default();
        let mut slot = self.leaves[leaf as usize].slot as usize;
        let mut parent = self.leaves[leaf as usize].parent;
        while parent != NONE {
            let node = &mut self.internals[parent as usize];
            if adding {
                node.sums[slot].add(plus);
            }
            if removing {
                node.sums[slot].subtract(minus);
            }
            slot = node.slot as usize;
            parent = node.parent;
        }
        self.total.add(plus);
        self.total.subtract(minus);
    }

    /// Splits `leaf` if it holds too much. Returns the new leaf and the index of the first
    /// span moved there.
    fn split_if_full(&mut self, leaf: u32) -> Option<(u32, usize)> {
        let node = &self.leaves[leaf as usize];
        if node.spans.len() <= LEAF_SPANS && node.content.len() <= LEAF_CONTENT {
            return None;
        }
        if node.spans.len() < 2 {
            return None;
        }
        self.cursor.set((NONE, 0));
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
        let node = &mut self.leaves[leaf as usize];
        let mut spans = node.spans.split_off(at);
        let mut content = node.content.split_off(content_at);
        node.spans.shrink_to(at + SPAN_STEP);
        node.content.shrink_to(content_at + CONTENT_STEP);
        spans.reserve_exact(SPAN_STEP);
        content.reserve_exact(CONTENT_STEP);
        let moved = summarize_spans(&spans, &content);
        let parent = node.parent;
        let next = node.next;
        node.next = new_index;
        for span in &spans {
            self.index
                .assign(span.replica, span.counter, span.end(), new_index);
        }
        self.leaves.push(Leaf {
            parent,
            slot: 0,
            next,
            spans,
            content,
        });
        self.attach_after(leaf, true, new_index, moved);
        Some((new_index, at))
    }

    /// Makes `new` (whose counts are `moved`, taken from `old`) the sibling right after `old`.
    fn attach_after(&mut self, old: u32, leaves: bool, new: u32, moved: Summary) {
        let parent = if leaves {
            self.leaves[old as usize].parent
        } else {
            self.internals[old as usize].parent
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
        let slot = if leaves {
            self.leaves[old as usize].slot
        } else {
            self.internals[old as usize].slot
        } as usize;
        let node = &mut self.internals[parent as usize];
        node.sums[slot].subtract(&moved);
        node.children.insert(slot + 1, new);
        node.sums.insert(slot + 1, moved);
        let full = node.children.len() > NODE_CHILDREN;
        let later: Vec<u32> = node.children[slot + 1..].to_vec();
        for (offset, child) in later.into_iter().enumerate() {
            self.set_parent(child, leaves, parent, (slot + 1 + offset) as u32);
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
        let mut moved = Summary::default();
        for sum in &sums {
            moved.add(sum);
        }
        for (slot, child) in children.iter().enumerate() {
            self.set_parent(*child, over_leaves, new_index, slot as u32);
        }
        self.internals.push(Internal {
            parent: self.internals[node_index as usize].parent,
            slot: 0,
            over_leaves,
            children,
            sums,
        });
        self.attach_after(node_index, false, new_index, moved);
    }

    fn set_parent(&mut self, node: u32, leaf: bool, parent: u32, slot: u32) {
        if leaf {
            self.leaves[node as usize].parent = parent;
            self.leaves[node as usize].slot = slot;
        } else {
            self.internals[node as usize].parent = parent;
            self.internals[node as usize].slot = slot;
        }
    }

    /// Renames replicas in every span (the index must be rebuilt afterwards).
    pub(crate) fn rename(&mut self, map: &[weft_core::ReplicaIndex]) {
        for leaf in &mut self.leaves {
            for span in &mut leaf.spans {
                span.replica = map[span.replica.as_usize()];
            }
        }
        self.index = self.index.remap(map);
    }

    /// Builds a tree from spans and content in document order (content of visible spans
    /// only), packing leaves full.
    pub(crate) fn from_spans(spans: Vec<Span>, content: Vec<E>) -> Self {
        let mut tree = Self::default();
        let mut content = content.into_iter();
        let mut leaf_spans: Vec<Span> = Vec::with_capacity(LEAF_SPANS);
        let mut leaf_content: Vec<E> = Vec::new();
        let mut built: Vec<(Vec<Span>, Vec<E>)> = Vec::new();
        for span in spans {
            if leaf_spans.len() == LEAF_SPANS - 4
                || leaf_content.len() + span.visible() as usize > LEAF_CONTENT - 64
            {
                built.push((
                    std::mem::replace(&mut leaf_spans, Vec::with_capacity(LEAF_SPANS)),
                    std::mem::take(&mut leaf_content),
                ));
            }
            leaf_content.extend(content.by_ref().take(span.visible() as usize));
            leaf_spans.push(span);
        }
        if !leaf_spans.is_empty() || built.is_empty() {
            built.push((leaf_spans, leaf_content));
        }
        tree.leaves.clear();
        let mut level: Vec<(u32, Summary)> = Vec::with_capacity(built.len());
        let count = built.len() as u32;
        let mut entries = Vec::new();
        for (index, (spans, content)) in built.into_iter().enumerate() {
            let sum = summarize_spans(&spans, &content);
            let index = index as u32;
            for span in &spans {
                entries.push((span.replica, span.counter, span.end(), index));
            }
            tree.leaves.push(Leaf {
                parent: NONE,
                slot: 0,
                next: if index + 1 < count { index + 1 } else { NONE },
                spans,
                content,
            });
            level.push((index, sum));
            tree.total.add(&sum);
        }
        tree.index = IdIndex::build(entries);
        let mut over_leaves = true;
        while level.len() > 1 {
            let mut upper = Vec::with_capacity(level.len() / (NODE_CHILDREN - 4) + 1);
            for group in level.chunks(NODE_CHILDREN - 4) {
                let node = tree.internals.len() as u32;
                let mut sum = Summary::default();
                for (slot, (child, child_sum)) in group.iter().enumerate() {
                    tree.set_parent(*child, over_leaves, node, slot as u32);
                    sum.add(child_sum);
                }
                tree.internals.push(Internal {
                    parent: NONE,
                    slot: 0,
                    over_leaves,
                    children: group.iter().map(|(child, _)| *child).collect(),
                    sums: group.iter().map(|(_, sum)| *sum).collect(),
                });
                upper.push((node, sum));
            }
            level = upper;
            over_leaves = false;
        }
        tree.root = level[0].0;
        tree.root_is_leaf = tree.internals.is_empty();
        tree
    }

    /// Checks the counts, parent links and index against the spans.
    pub(crate) fn check(&self) {
        let mut total = Summary::default();
        for (index, leaf) in self.leaves.iter().enumerate() {
            let sum = summarize_spans(&leaf.spans, &leaf.content);
            let visible: usize = leaf.spans.iter().map(|span| span.visible() as usize).sum();
            assert_eq!(
                visible,
                leaf.content.len(),
                "leaf {index} content out of step"
            );
            if leaf.parent != NONE {
                let parent = &self.internals[leaf.parent as usize];
                let slot = leaf.slot as usize;
                assert_eq!(parent.children[slot], index as u32, "leaf {index} slot");
                assert_eq!(parent.sums[slot], sum, "leaf {index} summary out of date");
            }
            total.add(&sum);
            for span in &leaf.spans {
                for counter in [span.counter, span.end() - 1] {
                    let dot = Dot::new(span.replica, counter);
                    assert_eq!(
                        self.index.leaf_of(dot),
                        Some(index as u32),
                        "index of {dot:?}"
                    );
                }
            }
        }
        assert_eq!(total, self.total, "total out of date");
        for (index, node) in self.internals.iter().enumerate() {
            for (child, sum) in node.children.iter().zip(&node.sums) {
                if !node.over_leaves {
                    let inner = &self.internals[*child as usize];
                    assert_eq!(inner.parent, index as u32);
                    let mut expected = Summary::default();
                    for part in &inner.sums {
                        expected.add(part);
                    }
                    assert_eq!(*sum, expected, "internal {index} summary out of date");
                } else {
                    assert_eq!(self.leaves[*child as usize].parent, index as u32);
                }
            }
        }
        let chained = self.leaves_in_order().count();
        assert_eq!(chained, self.leaves.len(), "leaf chain broken");
    }
}

/// Whether `span` can be appended to `previous` in place.
fn can_merge(previous: &Span, span: &Span) -> bool {
    previous.continues_into(span)
        && (span.is_deleted() || previous.len() + span.len() <= MAX_VISIBLE_SPAN)
}

fn measure<E: Element>(item: &E, metric: Metric) -> u64 {
    match metric {
        Metric::Utf16 => item.widths().0,
        Metric::Utf8 => item.widths().1,
        Metric::Items | Metric::Chars => 1,
    }
}

/// The counts of `items` visible elements holding `content`.
fn summarize<E: Element>(items: u32, content: &[E]) -> Summary {
    let mut summary = Summary {
        items: u64::from(items),
        chars: content.len() as u64,
        utf16: 0,
        utf8: 0,
    };
    if E::MEASURED {
        for item in content {
            let (utf16, utf8) = item.widths();
            summary.utf16 += utf16;
            summary.utf8 += utf8;
        }
    } else {
        summary.utf16 = summary.chars;
        summary.utf8 = summary.chars;
    }
    summary
}

fn summarize_spans<E: Element>(spans: &[Span], content: &[E]) -> Summary {
    let mut summary = summarize(0, content);
    summary.items = spans.iter().map(|span| u64::from(span.len())).sum();
    summary
}
