//! Merging: integrating runs made elsewhere into the order tree with the FugueMax / YjsMod
//! rule, joining stores, and extracting what a version lacks.

use std::cmp::Ordering;

use weft_core::{CausalContext, Clock, Dot, ReplicaIndex};

use crate::element::Content;
use crate::history::{NO_DOT, Run};
use crate::sequence::{Loose, Sequence};
use crate::span::Metric;
use crate::tree::{Location, Tree};

impl<C: Content> Sequence<C> {
    /// The document index of `dot`, or `None` if the tree does not hold it.
    fn index_of(&self, dot: Dot) -> Option<u64> {
        self.tree
            .locate(dot)
            .map(|location| self.tree.doc_index(location))
    }

    /// The document index just before which `dot` sits as a right origin (`NO_DOT`: the end).
    fn right_index(&self, dot: Dot) -> Option<u64> {
        if dot == NO_DOT {
            Some(self.tree.total().items)
        } else {
            self.index_of(dot)
        }
    }

    /// Orders two inserting replicas for the tie-break between concurrent siblings: by
    /// replica id, then (for ids unknown, which a valid store never has) by index.
    fn compare_replicas(&self, left: ReplicaIndex, right: ReplicaIndex) -> Ordering {
        let name = |replica: ReplicaIndex| self.names.get(replica.as_usize()).copied().flatten();
        name(left).cmp(&name(right)).then(left.cmp(&right))
    }

    /// Integrates the insert run `loose`. Returns `false` (changing nothing) if one of its
    /// origins is not in the tree yet.
    fn integrate_insert(&mut self, loose: &Loose<C>) -> bool {
        let Run::Insert {
            counter,
            left,
            right,
            ..
        } = loose.run
        else {
            return false;
        };
        if self.tree.locate(Dot::new(loose.replica, counter)).is_some() {
            // Already integrated (a duplicate in hostile input): nothing to do.
            return true;
        }
        let left_index: i64 = if left == NO_DOT {
            -1
        } else {
            match self.index_of(left) {
                Some(index) => index as i64,
                None => return false,
            }
        };
        let Some(right_index) = self.right_index(right) else {
            return false;
        };
        let right_index = right_index as i64;
        let mut cursor = left_index + 1;
        let mut destination = cursor;
        let mut scanning = false;
        loop {
            if !scanning {
                destination = cursor;
            }
            if cursor >= right_index {
                break;
            }
            let location = self.tree.find(Metric::Items, cursor as u64);
            let span = self.tree.span(location);
            let other = span.dot(location.offset);
            let Some(run) = self.history.insert_run(other) else {
                break;
            };
            let Run::Insert {
                counter: run_counter,
                len: run_len,
                left: other_left,
                right: other_right,
            } = run
            else {
                break;
            };
            let other_left_index: i64 = if other.counter == run_counter {
                if other_left == NO_DOT {
                    -1
                } else {
                    self.index_of(other_left).map_or(-1, |index| index as i64)
                }
            } else if location.offset > 0 {
                cursor - 1
            } else {
                self.index_of(Dot::new(other.replica, other.counter - 1))
                    .map_or(-1, |index| index as i64)
            };
            let piece = i64::from(span.len() - location.offset)
                .min((run_counter + u64::from(run_len) - other.counter) as i64)
                .min(right_index - cursor)
                .max(1);
            if other_left_index < left_index {
                break;
            }
            if other_left_index == left_index {
                let other_right_index = self
                    .right_index(other_right)
                    .map_or(right_index, |index| index as i64);
                match other_right_index.cmp(&right_index) {
                    Ordering::Less => scanning = true,
                    Ordering::Equal => {
                        let order = self
                            .compare_replicas(loose.replica, other.replica)
                            .then(counter.cmp(&other.counter));
                        if order == Ordering::Less {
                            break;
                        }
                        scanning = false;
                    }
                    Ordering::Greater => scanning = false,
                }
            }
            cursor += piece;
        }
        let location = self.insertion_point(destination as u64);
        let first = Dot::new(loose.replica, counter);
        self.place(location, first, loose.content.as_slice(), &loose.gone, None);
        self.history.push(loose.replica, loose.run);
        true
    }

    /// The location before document index `index` (the end when it is the total).
    fn insertion_point(&self, index: u64) -> Location {
        if index < self.tree.total().items {
            return self.tree.find(Metric::Items, index);
        }
        let mut leaf = 0;
        if self.tree.is_empty() {
            return Location {
                leaf,
                span: 0,
                offset: 0,
            };
        }
        while let Some(next) = self.tree.next_leaf(leaf) {
            leaf = next;
        }
        Location {
            leaf,
            span: self.tree.leaf(leaf).spans.len(),
            offset: 0,
        }
    }

    /// Applies the delete run `loose`. Returns `false` (changing nothing) if one of its
    /// targets is not in the tree yet.
    fn integrate_delete(&mut self, loose: &Loose<C>) -> bool {
        let Run::Delete {
            len,
            target,
            backward,
            ..
        } = loose.run
        else {
            return false;
        };
        // Targets as forward ranges.
        let (first, _) = if backward {
            (target.counter + 1 - u64::from(len), target.counter)
        } else {
            (target.counter, target.counter + u64::from(len) - 1)
        };
        if first == 0 {
            return false;
        }
        let mut counter = first;
        let end = first + u64::from(len);
        while counter < end {
            let Some(location) = self.tree.locate(Dot::new(target.replica, counter)) else {
                return false;
            };
            let span = self.tree.span(location);
            counter += u64::from(span.len() - location.offset).min(end - counter);
        }
        let mut counter = first;
        while counter < end {
            let Some(location) = self.tree.locate(Dot::new(target.replica, counter)) else {
                return false;
            };
            let remaining = (end - counter).min(u64::from(u32::MAX)) as u32;
            let (covered, _) = self.tree.delete(location, remaining, None);
            counter += u64::from(covered);
        }
        self.history.push(loose.replica, loose.run);
        true
    }

    /// Integrates every run it can of `runs` (and of the runs waiting already), in any order
    /// their dependencies allow; the rest waits in `self.loose`.
    pub(crate) fn integrate_all(&mut self, runs: Vec<Loose<C>>) {
        let mut queue = std::mem::take(&mut self.loose);
        queue.extend(runs);
        loop {
            let before = queue.len();
            let mut waiting = Vec::new();
            for loose in queue {
                let done = match loose.run {
                    Run::Insert { .. } => self.integrate_insert(&loose),
                    Run::Delete { .. } => self.integrate_delete(&loose),
                };
                if !done {
                    waiting.push(loose);
                }
            }
            queue = waiting;
            if queue.is_empty() || queue.len() == before {
                break;
            }
        }
        self.loose = queue;
    }

    /// Joins `other` into `self`: every run of `other` outside `context` (what `self` has
    /// seen) is integrated.
    pub(crate) fn join(&mut self, context: &CausalContext, other: Self) {
        for (slot, name) in other.names.iter().enumerate() {
            if let Some(id) = name {
                self.name(ReplicaIndex(slot as u32), *id);
            }
        }
        let Self {
            tree,
            history,
            loose,
            marks,
            ..
        } = other;
        if !marks.is_empty() {
            self.marks.join(context, marks);
        }
        if self.tree.is_empty() && self.loose.is_empty() && self.history.is_empty() {
            self.tree = tree;
            self.history = history;
            let fresh = unseen(context, loose);
            self.integrate_all(fresh);
            return;
        }
        // Only the runs above what `self` has seen in order need their content gathered.
        let mut runs = if tree.is_empty() {
            Vec::new()
        } else {
            Self::runs_of(&tree, &history, context.clock())
        };
        runs.extend(loose);
        let fresh = unseen(context, runs);
        if !fresh.is_empty() {
            self.integrate_all(fresh);
        }
    }

    /// Whether the store holds nothing at all.
    pub(crate) fn is_bottom_store(&self) -> bool {
        self.tree.is_empty() && self.loose.is_empty() && self.marks.is_empty()
    }

    /// The runs of `history` above `since`, with the content their inserts hold in `tree`.
    pub(crate) fn runs_of(
        tree: &Tree<C>,
        history: &crate::history::History,
        since: &Clock,
    ) -> Vec<Loose<C>> {
        let mut runs = Vec::new();
        for (replica, _) in history.iter() {
            for run in history.since(replica, since.get(replica)) {
                let mut loose = Loose {
                    replica,
                    run,
                    content: C::default(),
                    gone: Vec::new(),
                };
                if let Run::Insert { counter, len, .. } = run {
                    collect_content(tree, Dot::new(replica, counter), len, &mut loose);
                }
                runs.push(loose);
            }
        }
        runs
    }

    /// The fragment a replica at `since` lacks.
    pub(crate) fn delta_since(&self, since: &Clock) -> Self {
        if since.is_empty() {
            return self.clone();
        }
        let mut fragment = Self {
            names: self.names.clone(),
            ..Self::default()
        };
        fragment.loose = Self::runs_of(&self.tree, &self.history, since);
        fragment.marks = self.marks.since(since);
        for loose in &self.loose {
            if loose.run.end() > since.get(loose.replica) + 1 {
                fragment.loose.push(loose.clone());
            }
        }
        fragment
    }

    /// Renames replica `i` to `map[i]`.
    pub(crate) fn remap(&mut self, map: &[ReplicaIndex]) {
        let mut names = Vec::new();
        for (slot, name) in self.names.iter().enumerate() {
            if let (Some(id), Some(target)) = (name, map.get(slot)) {
                let target = target.as_usize();
                if names.len() <= target {
                    names.resize(target + 1, None);
                }
                names[target] = Some(*id);
            }
        }
        self.names = names;
        self.tree.rename(map);
        self.history.remap(map);
        self.marks.remap(map);
        for loose in &mut self.loose {
            loose.replica = map[loose.replica.as_usize()];
            loose.run = loose.run.remap(map);
        }
    }

    /// The dots the store holds (every run, integrated or waiting), as a causal context.
    pub(crate) fn held(&self) -> CausalContext {
        let mut context = CausalContext::default();
        self.visit_ranges(&mut |replica, first, last| context.insert_range(replica, first, last));
        context
    }

    /// Calls `visit` with the dots the store holds, as runs.
    pub(crate) fn visit_ranges(&self, visit: &mut dyn FnMut(ReplicaIndex, u64, u64)) {
        for (replica, runs) in self.history.iter() {
            for run in runs {
                visit(replica, run.counter(), run.end() - 1);
            }
        }
        for loose in &self.loose {
            visit(loose.replica, loose.run.counter(), loose.run.end() - 1);
        }
        self.marks.visit_ranges(visit);
    }

    /// Whether the visible content and the order of every element (deleted ones included)
    /// equal `other`'s.
    pub(crate) fn same_content(&self, other: &Self) -> bool {
        let spans = |sequence: &Self| {
            let mut merged: Vec<crate::span::Span> = Vec::new();
            for leaf in sequence.tree.leaves_in_order() {
                for span in &leaf.spans {
                    match merged.last_mut() {
                        Some(last) if last.continues_into(span) => {
                            last.set_len(last.len() + span.len());
                        }
                        _ => merged.push(*span),
                    }
                }
            }
            merged
        };
        let content = |sequence: &Self| {
            let mut all = C::default();
            for slice in sequence.slices() {
                let at = all.len();
                all.insert(at, slice, C::count(slice));
            }
            all
        };
        self.len() == other.len()
            && content(self) == content(other)
            && spans(self) == spans(other)
            && self.loose.len() == other.loose.len()
            && self.marks == other.marks
    }
}

/// Fills `loose` with the content of the elements `first..first + len` held in `tree`.
fn collect_content<C: Content>(tree: &Tree<C>, first: Dot, len: u32, loose: &mut Loose<C>) {
    let mut offset = 0u32;
    while offset < len {
        let dot = Dot::new(first.replica, first.counter + u64::from(offset));
        let Some(location) = tree.locate(dot) else {
            // Not in the tree (cannot happen for a consistent store): send it as deleted.
            push_gone(&mut loose.gone, offset, len - offset);
            return;
        };
        let span = tree.span(location);
        let piece = (span.len() - location.offset).min(len - offset);
        if span.is_deleted() {
            push_gone(&mut loose.gone, offset, piece);
        } else {
            let at = loose.content.len();
            loose
                .content
                .insert(at, tree.content_of(location, piece), piece as usize);
        }
        offset += piece;
    }
}

fn push_gone(gone: &mut Vec<(u32, u32)>, offset: u32, len: u32) {
    match gone.last_mut() {
        Some((start, length)) if *start + *length == offset => *length += len,
        _ => gone.push((offset, len)),
    }
}

/// The parts of `runs` whose dots are outside `context`.
fn unseen<C: Content>(context: &CausalContext, runs: Vec<Loose<C>>) -> Vec<Loose<C>> {
    let mut fresh = Vec::with_capacity(runs.len());
    for loose in runs {
        let first = loose.run.counter();
        let last = loose.run.end() - 1;
        if context.includes_range(loose.replica, first, last) {
            continue;
        }
        let top = context.clock().get(loose.replica);
        if context.cloud_is_empty() {
            // Seen: exactly the counters up to `top`.
            if top < first {
                fresh.push(loose);
            } else {
                let from = (top + 1 - first) as u32;
                fresh.push(slice(&loose, from, loose.run.len()));
            }
            continue;
        }
        let mut known: Vec<(u64, u64)> = context
            .cloud()
            .filter(|(replica, _, _)| *replica == loose.replica)
            .map(|(_, low, high)| (low, high))
            .collect();
        if top > 0 {
            known.insert(0, (1, top));
        }
        let mut next = first;
        for (low, high) in known
            .into_iter()
            .chain(std::iter::once((u64::MAX, u64::MAX)))
        {
            if high < next {
                continue;
            }
            let stop = low.min(last.saturating_add(1));
            if next < stop {
                let from = (next - first) as u32;
                let to = (stop - first) as u32;
                if from == 0 && to == loose.run.len() {
                    fresh.push(loose);
                    break;
                }
                fresh.push(slice(&loose, from, to));
            }
            next = next.max(high.saturating_add(1));
            if next > last {
                break;
            }
        }
    }
    fresh
}

/// The changes `from..to` of a loose run.
fn slice<C: Content>(loose: &Loose<C>, from: u32, to: u32) -> Loose<C> {
    let run = loose.run.skip(loose.replica, from).truncate(to - from);
    let mut piece = Loose {
        replica: loose.replica,
        run,
        content: C::default(),
        gone: Vec::new(),
    };
    if let Run::Insert { .. } = loose.run {
        // Visible elements before offset `at`.
        let visible_before = |at: u32| -> usize {
            let hidden: u32 = loose
                .gone
                .iter()
                .map(|(start, len)| (start + len).min(at).saturating_sub(*start))
                .sum();
            (at - hidden) as usize
        };
        let (start, end) = (visible_before(from), visible_before(to));
        piece.content = C::from_slice(loose.content.slice(start..end), end - start);
        for (start, len) in &loose.gone {
            let low = (*start).max(from);
            let high = (start + len).min(to);
            if low < high {
                piece.gone.push((low - from, high - low));
            }
        }
    }
    piece
}
