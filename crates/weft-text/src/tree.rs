//! The order tree: a B-tree over the spans of the sequence in document order, deleted spans
//! included, whose nodes count elements, visible elements, UTF-16 units and UTF-8 bytes, so
//! that a position in any of these measures is found in O(log n).
//!
//! Nodes live in two arenas (leaves and internal nodes) and point to their parent, so the
//! position of an element found through the [`IdIndex`] is computed by climbing to the root.
//! Leaves hold up to [`LEAF_SPANS`] spans and the visible content of those spans; leaves are
//! chained in document order for scans. The edits are in `edit.rs`.
//!
//! Leaves are shared copy-on-write (an `Arc` each, copied by [`Tree::leaf_mut`] on the first
//! write to a shared one, `shared.rs`), so cloning a tree (a replica's fork) copies pointers, not leaves.

use std::cell::{Cell, OnceCell};
use std::sync::Arc;

use weft_core::{Dot, InvariantViolation};

use crate::element::Content;
use crate::index::IdIndex;
use crate::span::{Metric, Span, Summary};

/// Most spans in a leaf.
pub(crate) const LEAF_SPANS: usize = 32;
/// Visible elements above which a leaf splits.
pub(crate) const LEAF_CONTENT: usize = 512;
/// Longest visible span (so that leaves stay small).
pub(crate) const MAX_VISIBLE_SPAN: u32 = 256;
/// Most children of an internal node.
pub(crate) const NODE_CHILDREN: usize = 24;
/// "No node".
pub(crate) const NONE: u32 = u32::MAX;

/// A leaf: spans in document order and the content of the visible ones.
#[derive(Clone, Debug, Default)]
pub(crate) struct Leaf<C> {
    pub(crate) spans: Vec<Span>,
    pub(crate) content: C,
}

/// Where a leaf hangs in the tree.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Links {
    pub(crate) parent: u32,
    /// Index among the parent's children.
    pub(crate) slot: u32,
    /// The next leaf in document order.
    pub(crate) next: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct Internal {
    pub(crate) parent: u32,
    /// Index among the parent's children.
    pub(crate) slot: u32,
    /// Whether the children are leaves.
    pub(crate) over_leaves: bool,
    pub(crate) children: Vec<u32>,
    pub(crate) sums: Vec<Summary>,
}

/// Where an element is: a leaf, a span in it and an offset in the span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Location {
    pub(crate) leaf: u32,
    pub(crate) span: usize,
    pub(crate) offset: u32,
}

/// A visible element found by position, with what comes before its span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) location: Location,
    /// Visible elements of the leaf before the span (the span's index in the content).
    pub(crate) content: usize,
    /// Visible elements of the document before the span.
    pub(crate) chars: u64,
}

/// The span of the latest local edit: typing and deleting near it skip the descent and the
/// scans of the leaf. `leaf == NONE` when unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cursor {
    pub(crate) leaf: u32,
    pub(crate) span: u32,
    /// Visible elements of the leaf before the span.
    pub(crate) content: u32,
    /// Visible elements of the document before the span.
    pub(crate) chars: u64,
}

impl Cursor {
    pub(crate) const UNKNOWN: Self = Self {
        leaf: NONE,
        span: 0,
        content: 0,
        chars: 0,
    };

    pub(crate) fn at(found: &Found) -> Self {
        Self {
            leaf: found.location.leaf,
            span: found.location.span as u32,
            content: found.content as u32,
            chars: found.chars,
        }
    }
}

/// The order tree with its identity index.
#[derive(Clone, Debug)]
pub(crate) struct Tree<C> {
    /// Shared with the trees cloned from this one until written ([`Tree::leaf_mut`]).
    pub(crate) leaves: Vec<Arc<Leaf<C>>>,
    pub(crate) links: Vec<Links>,
    pub(crate) internals: Vec<Internal>,
    /// The root: a leaf (`root_is_leaf`) or an internal node.
    pub(crate) root: u32,
    pub(crate) root_is_leaf: bool,
    pub(crate) total: Summary,
    /// Built on first use (a replica that only edits locally never needs it), then kept.
    pub(crate) index: OnceCell<IdIndex>,
    pub(crate) cursor: Cell<Cursor>,
}

impl<C> Default for Tree<C> {
    fn default() -> Self {
        Self {
            leaves: Vec::new(),
            links: Vec::new(),
            internals: Vec::new(),
            root: 0,
            root_is_leaf: true,
            total: Summary::default(),
            index: OnceCell::new(),
            cursor: Cell::new(Cursor::UNKNOWN),
        }
    }
}

impl<C: Content> Tree<C> {
    /// Counts of the whole sequence.
    pub(crate) fn total(&self) -> Summary {
        self.total
    }

    /// Whether the tree holds no element at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.total.items == 0
    }

    /// The leaf `leaf`.
    pub(crate) fn leaf(&self, leaf: u32) -> &Leaf<C> {
        &self.leaves[leaf as usize]
    }

    /// The leaf `leaf`, to change: copied first if another tree shares it.
    #[inline]
    pub(crate) fn leaf_mut(&mut self, leaf: u32) -> &mut Leaf<C> {
        crate::shared::unique(&mut self.leaves[leaf as usize])
    }

    /// The first element of the sequence, if any.
    pub(crate) fn first_dot(&self) -> Option<Dot> {
        self.leaves
            .first()
            .and_then(|leaf| leaf.spans.first())
            .map(|span| span.dot(0))
    }

    /// The identity index, built now if it was not.
    pub(crate) fn index(&self) -> &IdIndex {
        self.index.get_or_init(|| {
            let mut spans = Vec::with_capacity(self.span_count());
            for (leaf, node) in self.leaves.iter().enumerate() {
                for span in &node.spans {
                    spans.push((span.replica, span.counter, span.end(), leaf as u32));
                }
            }
            IdIndex::build(spans)
        })
    }

    /// Forgets the cursor.
    pub(crate) fn forget_cursor(&self) {
        self.cursor.set(Cursor::UNKNOWN);
    }

    /// The visible element at index `position` (below the visible total), found from the
    /// cursor when it is in the cursor's leaf or in a leaf next to it (typing moves across a
    /// leaf boundary), else by a descent from the root.
    pub(crate) fn find_visible(&self, position: u64) -> Found {
        let cursor = self.cursor.get();
        if cursor.leaf != NONE {
            let spans = &self.leaves[cursor.leaf as usize].spans;
            let mut span = cursor.span as usize;
            let mut content = cursor.content as usize;
            let mut chars = cursor.chars;
            if position >= chars {
                while span < spans.len() {
                    let visible = u64::from(spans[span].visible());
                    if position < chars + visible {
                        return self.found(cursor.leaf, span, content, chars, position);
                    }
                    chars += visible;
                    content += visible as usize;
                    span += 1;
                }
                // Past the cursor's leaf: `chars` is where the next leaf starts.
                let next = self.links[cursor.leaf as usize].next;
                if next != NONE
                    && position < chars + self.leaves[next as usize].content.len() as u64
                {
                    return self.scan_forward(next, chars, position);
                }
            } else {
                while span > 0 {
                    span -= 1;
                    let visible = u64::from(spans[span].visible());
                    chars -= visible;
                    content -= visible as usize;
                    if position >= chars {
                        return self.found(cursor.leaf, span, content, chars, position);
                    }
                }
                // Before the cursor's leaf: `chars` is where it starts; try the leaf before
                // it under the same parent.
                let Links { parent, slot, .. } = self.links[cursor.leaf as usize];
                if parent != NONE && slot > 0 {
                    let previous = self.internals[parent as usize].children[slot as usize - 1];
                    let length = self.leaves[previous as usize].content.len();
                    if position + length as u64 >= chars {
                        return self.scan_backward(previous, chars, length, position);
                    }
                }
            }
        }
        let (before, leaf, _) = self.descend_counting(Metric::Chars, position, Metric::Chars);
        self.scan_forward(leaf, before, position)
    }

    /// The visible element `position` in `leaf`, whose first visible element is `chars`,
    /// scanning its spans from the first.
    fn scan_forward(&self, leaf: u32, mut chars: u64, position: u64) -> Found {
        let mut content = 0;
        for (span, candidate) in self.leaves[leaf as usize].spans.iter().enumerate() {
            let visible = u64::from(candidate.visible());
            if position < chars + visible {
                return self.found(leaf, span, content, chars, position);
            }
            chars += visible;
            content += visible as usize;
        }
        unreachable!("summaries out of date: position past the leaf")
    }

    /// The visible element `position` in `leaf` (of `length` visible elements), the leaf
    /// after it starting at visible element `end`, scanning its spans from the last.
    fn scan_backward(&self, leaf: u32, end: u64, length: usize, position: u64) -> Found {
        let mut chars = end;
        let mut content = length;
        for (span, candidate) in self.leaves[leaf as usize].spans.iter().enumerate().rev() {
            let visible = u64::from(candidate.visible());
            chars -= visible;
            content -= visible as usize;
            if position >= chars && visible > 0 {
                return self.found(leaf, span, content, chars, position);
            }
        }
        unreachable!("summaries out of date: position before the leaf")
    }

    fn found(&self, leaf: u32, span: usize, content: usize, chars: u64, position: u64) -> Found {
        let found = Found {
            location: Location {
                leaf,
                span,
                offset: (position - chars) as u32,
            },
            content,
            chars,
        };
        self.cursor.set(Cursor::at(&found));
        found
    }

    /// The leaf after `leaf` in document order.
    pub(crate) fn next_leaf(&self, leaf: u32) -> Option<u32> {
        let next = self.links[leaf as usize].next;
        (next != NONE).then_some(next)
    }

    /// The spans and content of every leaf in document order.
    pub(crate) fn leaves_in_order(&self) -> impl Iterator<Item = &Leaf<C>> + '_ {
        let mut current = (!self.leaves.is_empty()).then_some(0u32);
        std::iter::from_fn(move || {
            let leaf = current?;
            current = self.next_leaf(leaf);
            Some(self.leaf(leaf))
        })
    }

    /// The number of spans (for statistics).
    pub(crate) fn span_count(&self) -> usize {
        self.leaves.iter().map(|leaf| leaf.spans.len()).sum()
    }

    /// Where the element `dot` is, if the tree holds it.
    pub(crate) fn locate(&self, dot: Dot) -> Option<Location> {
        let leaf = self.index().leaf_of(dot)?;
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
    pub(crate) fn find(&self, metric: Metric, position: u64) -> Location {
        debug_assert!(matches!(metric, Metric::Items | Metric::Chars));
        debug_assert!(position < self.total.get(metric));
        let (_, leaf, mut position) = self.descend_counting(metric, position, metric);
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

    /// Converts `position` in `metric` (UTF-16 or UTF-8, at most the total) to a count of
    /// visible elements, or `None` if it falls inside an element.
    pub(crate) fn metric_to_chars(&self, metric: Metric, position: u64) -> Option<u64> {
        if position == self.total.get(metric) {
            return Some(self.total.chars);
        }
        let (chars, leaf, rest) = self.descend_counting(metric, position, Metric::Chars);
        let inside = self.leaves[leaf as usize]
            .content
            .elements_before(metric, rest)?;
        Some(chars + inside as u64)
    }

    /// Converts a count of visible elements (at most the total) to `metric`.
    pub(crate) fn chars_to_metric(&self, metric: Metric, chars: u64) -> u64 {
        if chars == self.total.chars {
            return self.total.get(metric);
        }
        let (measured, leaf, rest) = self.descend_counting(Metric::Chars, chars, metric);
        measured
            + self.leaves[leaf as usize]
                .content
                .measure_prefix(metric, rest as usize)
    }

    /// Descends by `by` to the leaf holding `position`, summing `count` over what is
    /// skipped. Returns the sum, the leaf and the position left inside the leaf.
    pub(crate) fn descend_counting(
        &self,
        by: Metric,
        mut position: u64,
        count: Metric,
    ) -> (u64, u32, u64) {
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
        let mut slot = self.links[location.leaf as usize].slot as usize;
        let mut parent = self.links[location.leaf as usize].parent;
        while parent != NONE {
            let node = &self.internals[parent as usize];
            index += node.sums[..slot].iter().map(|sum| sum.items).sum::<u64>();
            slot = node.slot as usize;
            parent = node.parent;
        }
        index
    }

    /// The visible elements before `location`.
    pub(crate) fn visible_index(&self, location: Location) -> u64 {
        let leaf = &self.leaves[location.leaf as usize];
        let span = leaf.spans[location.span];
        let mut index: u64 = leaf.spans[..location.span]
            .iter()
            .map(|span| u64::from(span.visible()))
            .sum::<u64>();
        if !span.is_deleted() {
            index += u64::from(location.offset);
        }
        let mut slot = self.links[location.leaf as usize].slot as usize;
        let mut parent = self.links[location.leaf as usize].parent;
        while parent != NONE {
            let node = &self.internals[parent as usize];
            index += node.sums[..slot].iter().map(|sum| sum.chars).sum::<u64>();
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

    /// The visible content of the elements `offset..offset + count` of the span at
    /// `location` (which must be visible).
    pub(crate) fn content_of(&self, location: Location, count: u32) -> &C::Slice {
        let at = self.content_index(location.leaf, location.span) + location.offset as usize;
        self.leaves[location.leaf as usize]
            .content
            .slice(at..at + count as usize)
    }

    /// Renames replicas in every span and in the index.
    pub(crate) fn rename(&mut self, map: &[weft_core::ReplicaIndex]) {
        for leaf in &mut self.leaves {
            for span in &mut crate::shared::unique(leaf).spans {
                span.replica = map[span.replica.as_usize()];
            }
        }
        if let Some(index) = self.index.get_mut() {
            index.remap(map);
        }
    }

    /// Builds a tree from spans and content in document order (content of visible spans
    /// only), packing leaves full. The index is built when first needed.
    pub(crate) fn from_spans(spans: Vec<Span>, content: &C::Slice) -> Self {
        let mut tree = Self::default();
        let mut rest = content;
        let mut leaf_spans: Vec<Span> = Vec::with_capacity(LEAF_SPANS - 4);
        let mut leaf_visible = 0usize;
        let mut built: Vec<(Vec<Span>, C)> = Vec::new();
        let cut = |spans: Vec<Span>, visible: usize, rest: &mut &C::Slice| {
            let (head, tail) = C::split_slice(rest, visible);
            *rest = tail;
            let mut content = C::from_slice(head, visible);
            content.trim(16);
            (spans, content)
        };
        for span in spans {
            if leaf_spans.len() == LEAF_SPANS - 4
                || leaf_visible + span.visible() as usize > LEAF_CONTENT - 64
            {
                let full = std::mem::replace(&mut leaf_spans, Vec::with_capacity(LEAF_SPANS - 4));
                built.push(cut(full, leaf_visible, &mut rest));
                leaf_visible = 0;
            }
            leaf_visible += span.visible() as usize;
            leaf_spans.push(span);
        }
        if !leaf_spans.is_empty() || built.is_empty() {
            built.push(cut(leaf_spans, leaf_visible, &mut rest));
        }
        let mut level: Vec<(u32, Summary)> = Vec::with_capacity(built.len());
        let count = built.len() as u32;
        for (index, (spans, content)) in built.into_iter().enumerate() {
            let sum = summarize_leaf(&spans, &content);
            let index = index as u32;
            tree.leaves.push(Arc::new(Leaf { spans, content }));
            tree.links.push(Links {
                parent: NONE,
                slot: 0,
                next: if index + 1 < count { index + 1 } else { NONE },
            });
            level.push((index, sum));
            tree.total.add(&sum);
        }
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

    pub(crate) fn set_parent(&mut self, node: u32, leaf: bool, parent: u32, slot: u32) {
        if leaf {
            self.links[node as usize].parent = parent;
            self.links[node as usize].slot = slot;
        } else {
            self.internals[node as usize].parent = parent;
            self.internals[node as usize].slot = slot;
        }
    }

    /// Checks the counts, parent links, cursor and index against the spans.
    pub(crate) fn check(&self) -> Result<(), InvariantViolation> {
        let mut total = Summary::default();
        for (index, leaf) in self.leaves.iter().enumerate() {
            let sum = summarize_leaf(&leaf.spans, &leaf.content);
            let visible: usize = leaf.spans.iter().map(|span| span.visible() as usize).sum();
            ensure(visible == leaf.content.len(), "leaf content")?;
            let links = self.links[index];
            if links.parent != NONE {
                let parent = &self.internals[links.parent as usize];
                let slot = links.slot as usize;
                ensure(parent.children[slot] == index as u32, "leaf slot")?;
                ensure(parent.sums[slot] == sum, "leaf summary")?;
            }
            total.add(&sum);
            for span in &leaf.spans {
                for counter in [span.counter, span.end() - 1] {
                    let dot = Dot::new(span.replica, counter);
                    ensure(self.index().leaf_of(dot) == Some(index as u32), "dot index")?;
                }
            }
        }
        ensure(total == self.total, "total")?;
        for (index, node) in self.internals.iter().enumerate() {
            for (child, sum) in node.children.iter().zip(&node.sums) {
                if node.over_leaves {
                    ensure(
                        self.links[*child as usize].parent == index as u32,
                        "leaf parent link",
                    )?;
                } else {
                    let inner = &self.internals[*child as usize];
                    ensure(inner.parent == index as u32, "internal parent link")?;
                    let mut expected = Summary::default();
                    for part in &inner.sums {
                        expected.add(part);
                    }
                    ensure(*sum == expected, "internal summary")?;
                }
            }
        }
        ensure(
            self.leaves_in_order().count() == self.leaves.len(),
            "leaf chain",
        )?;
        let cursor = self.cursor.get();
        if cursor.leaf != NONE {
            let mut before = 0;
            let mut slot = self.links[cursor.leaf as usize].slot as usize;
            let mut parent = self.links[cursor.leaf as usize].parent;
            while parent != NONE {
                let node = &self.internals[parent as usize];
                before += node.sums[..slot].iter().map(|sum| sum.chars).sum::<u64>();
                slot = node.slot as usize;
                parent = node.parent;
            }
            let content = self.content_index(cursor.leaf, cursor.span as usize);
            ensure(content == cursor.content as usize, "cursor content index")?;
            ensure(before + content as u64 == cursor.chars, "cursor position")?;
        }
        Ok(())
    }
}

/// `Ok` if `holds`, else the violation naming `part` of the tree.
fn ensure(holds: bool, part: &'static str) -> Result<(), InvariantViolation> {
    if holds {
        Ok(())
    } else {
        Err(InvariantViolation::SequenceTree { part })
    }
}

/// The counts of the visible `content` of `items` elements.
pub(crate) fn summarize<C: Content>(items: u32, content: &C::Slice, count: usize) -> Summary {
    let (utf16, utf8) = C::widths(content);
    Summary {
        items: u64::from(items),
        chars: count as u64,
        utf16,
        utf8,
    }
}

/// The counts of a leaf.
pub(crate) fn summarize_leaf<C: Content>(spans: &[Span], content: &C) -> Summary {
    let mut summary = summarize::<C>(0, content.as_slice(), content.len());
    summary.items = spans.iter().map(|span| u64::from(span.len())).sum();
    summary
}
