//! Reading marks: the text as runs of characters with the same attributes (a Quill-like
//! delta), the attributes at one character, and the mark operations themselves.

use std::collections::BTreeMap;

use weft_core::ReplicaId;
use weft_core::sorting::sort_by_key;

use crate::cursor::{Cursor, ElementId};
use crate::marks::{MarkOp, MarkValue};
use crate::text::Text;

/// The formatting of a character: mark name → value, sorted by name.
pub type Attributes = BTreeMap<String, MarkValue>;

/// A run of characters with the same attributes, as [`Text::to_delta`] reads them (Quill's
/// `{insert, attributes}`).
///
/// ```
/// use weft_text::{Attributes, TextRun};
/// let run = TextRun { text: "hi".into(), attributes: Attributes::new() };
/// assert!(run.attributes.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextRun {
    /// The characters.
    pub text: String,
    /// Their formatting.
    pub attributes: Attributes,
}

/// One mark operation a text holds, as [`Text::marks`] lists it.
///
/// ```
/// use weft_core::{Replica, ReplicaId};
/// use weft_text::{Cursor, Expand, MarkValue, Text, TextEditor};
/// let mut text = Replica::<Text>::new(ReplicaId::random());
/// text.edit(|t| t.insert(0, "hi")).unwrap();
/// text.edit(|t| t.mark(0..2, "bold", MarkValue::Bool(true), Expand::After)).unwrap();
/// let marks = text.marks();
/// assert_eq!(marks[0].name, "bold");
/// assert_eq!(marks[0].end, Cursor::End);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// The operation's identity (the replica that made it and its change number).
    pub id: ElementId,
    /// Its Lamport time: of two marks of one name over a character, the higher
    /// `(lamport, id.replica)` wins.
    pub lamport: u64,
    /// Where it starts (a cursor: the boundary before or after a character, or the start).
    pub start: Cursor,
    /// Where it ends.
    pub end: Cursor,
    /// The mark's name.
    pub name: String,
    /// The value it sets, `None` for an unmark.
    pub value: Option<MarkValue>,
}

/// The precedence of an operation among those of its name: Lamport time, then the writer's
/// id, then its counter (the position in the set breaks nothing: it only finds the op).
type Rank = (u64, Option<ReplicaId>, u64, usize);

impl Text {
    /// The rank of `op` (at `index` in the set).
    fn rank(&self, op: &MarkOp, index: usize) -> Rank {
        let writer = self
            .0
            .names
            .get(op.dot.replica.as_usize())
            .copied()
            .flatten();
        (op.lamport, writer, op.dot.counter, index)
    }

    /// The text as runs of characters with equal attributes, in order (Quill's delta of a
    /// document: every op an insert). Adjacent runs always differ in their attributes.
    /// Costs O(n + m log m) for n characters and m mark operations.
    ///
    /// ```
    /// use weft_core::{Replica, ReplicaId};
    /// use weft_text::{Expand, MarkValue, Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "The fox jumped")).unwrap();
    /// text.edit(|t| t.mark(4..7, "bold", MarkValue::Bool(true), Expand::After)).unwrap();
    /// let runs = text.to_delta();
    /// assert_eq!(runs.iter().map(|run| run.text.as_str()).collect::<Vec<_>>(),
    ///            ["The ", "fox", " jumped"]);
    /// assert_eq!(runs[1].attributes.get("bold"), Some(&MarkValue::Bool(true)));
    /// ```
    #[must_use]
    pub fn to_delta(&self) -> Vec<TextRun> {
        let mut runs: Vec<TextRun> = Vec::new();
        let mut characters = self.chars();
        let mut push = |count: u64, attributes: Attributes| {
            let text: String = characters.by_ref().take(count as usize).collect();
            if text.is_empty() {
                return;
            }
            match runs.last_mut() {
                Some(last) if last.attributes == attributes => last.text.push_str(&text),
                _ => runs.push(TextRun { text, attributes }),
            }
        };
        let mut at = 0;
        for (start, end, attributes) in self.format_segments() {
            push(start - at, Attributes::new());
            push(end - start, attributes);
            at = end;
        }
        push(self.0.len() - at, Attributes::new());
        runs
    }

    /// The attributes of the character at scalar index `index` (empty past the end).
    /// Costs O(m log n) for m mark operations.
    ///
    /// ```
    /// use weft_core::{Replica, ReplicaId};
    /// use weft_text::{Expand, MarkValue, Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "ab")).unwrap();
    /// text.edit(|t| t.mark(1..2, "italic", MarkValue::Bool(true), Expand::After)).unwrap();
    /// assert!(text.marks_at(0).is_empty());
    /// assert_eq!(text.marks_at(1).len(), 1);
    /// ```
    #[must_use]
    pub fn marks_at(&self, index: usize) -> Attributes {
        let index = index as u64;
        // Per name (sorted by name), the highest-ranked covering operation's value.
        let mut winners: Vec<(&str, Rank, &Option<MarkValue>)> = Vec::new();
        for (position, op) in self.0.marks.iter().enumerate() {
            let covers = matches!(
                (self.0.boundary(op.start), self.0.boundary(op.end)),
                (Some(start), Some(end)) if start <= index && index < end
            );
            if !covers {
                continue;
            }
            let rank = self.rank(op, position);
            match winners.binary_search_by(|(name, _, _)| (*name).cmp(&*op.name)) {
                Ok(found) if rank > winners[found].1 => {
                    winners[found] = (&op.name, rank, &op.value)
                }
                Ok(_) => {}
                Err(at) => winners.insert(at, (&op.name, rank, &op.value)),
            }
        }
        let mut attributes = Attributes::new();
        for (name, _, value) in winners {
            if let Some(value) = value {
                attributes.insert(name.to_owned(), value.clone());
            }
        }
        attributes
    }

    /// The formatting over the scalar range `range`: its formatted stretches, sorted and
    /// disjoint, clipped to the range (characters in none of them have no attributes).
    /// Costs O(n + m log m).
    ///
    /// ```
    /// use weft_core::{Replica, ReplicaId};
    /// use weft_text::{Expand, MarkValue, Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "abcd")).unwrap();
    /// text.edit(|t| t.mark(1..3, "bold", MarkValue::Bool(true), Expand::After)).unwrap();
    /// let over = text.attributes_over(2..4);
    /// assert_eq!(over.len(), 1);
    /// assert_eq!(over[0].0, 2..3);
    /// ```
    #[must_use]
    pub fn attributes_over(
        &self,
        range: std::ops::Range<usize>,
    ) -> Vec<(std::ops::Range<usize>, Attributes)> {
        let (start, end) = (range.start as u64, range.end as u64);
        self.format_segments()
            .into_iter()
            .filter(|(from, to, _)| *from < end && start < *to)
            .map(|(from, to, attributes)| {
                (from.max(start) as usize..to.min(end) as usize, attributes)
            })
            .collect()
    }

    /// The mark operations the text holds (marks and unmarks, winning or not), sorted by
    /// their identity's replica slot and counter here.
    ///
    /// ```
    /// use weft_core::{Replica, ReplicaId};
    /// use weft_text::{Expand, Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "ab")).unwrap();
    /// text.edit(|t| t.unmark(0..1, "bold", Expand::After)).unwrap();
    /// assert_eq!(text.marks()[0].value, None);
    /// ```
    #[must_use]
    pub fn marks(&self) -> Vec<Mark> {
        self.0
            .marks
            .iter()
            .filter_map(|op| {
                let replica = self
                    .0
                    .names
                    .get(op.dot.replica.as_usize())
                    .copied()
                    .flatten()?;
                Some(Mark {
                    id: ElementId {
                        replica,
                        counter: op.dot.counter,
                    },
                    lamport: op.lamport,
                    start: self.0.anchor_cursor(op.start)?,
                    end: self.0.anchor_cursor(op.end)?,
                    name: op.name.to_string(),
                    value: op.value.clone(),
                })
            })
            .collect()
    }

    /// Every element in document order, deleted ones included, with whether it is shown:
    /// for reference models in tests.
    #[doc(hidden)]
    #[must_use]
    pub fn element_order(&self) -> Vec<(ElementId, bool)> {
        let mut order = Vec::new();
        for leaf in self.0.tree.leaves_in_order() {
            for span in &leaf.spans {
                let replica = self.0.names.get(span.replica.as_usize()).copied().flatten();
                let Some(replica) = replica else { continue };
                for offset in 0..span.len() {
                    let element = ElementId {
                        replica,
                        counter: span.dot(offset).counter,
                    };
                    order.push((element, !span.is_deleted()));
                }
            }
        }
        order
    }

    /// The formatted stretches of the text: `(start, end, attributes)` over visible
    /// indices, sorted, disjoint, none with empty attributes. A sweep over the boundaries of
    /// the operations, keeping per name the covering operations ordered by rank.
    pub(crate) fn format_segments(&self) -> Vec<(u64, u64, Attributes)> {
        self.format_segments_where(|_| true)
    }

    /// [`Text::format_segments`] counting only the operations `keep` accepts.
    pub(crate) fn format_segments_where(
        &self,
        keep: impl Fn(&MarkOp) -> bool,
    ) -> Vec<(u64, u64, Attributes)> {
        if self.0.marks.is_empty() {
            return Vec::new();
        }
        // (boundary, opens, op index)
        let mut edges: Vec<(u64, bool, usize)> = Vec::with_capacity(self.0.marks.len() * 2);
        let ops: Vec<&MarkOp> = self.0.marks.iter().collect();
        for (index, op) in ops.iter().enumerate() {
            if !keep(op) {
                continue;
            }
            if let (Some(start), Some(end)) = (self.0.boundary(op.start), self.0.boundary(op.end))
                && start < end
            {
                edges.push((start, true, index));
                edges.push((end, false, index));
            }
        }
        // By boundary, closing before opening, then operation: one `u128` key.
        sort_by_key(&mut edges, |(boundary, opens, index)| {
            (u128::from(*boundary) << 65) | (u128::from(*opens) << 64) | *index as u128
        });
        // Per name (sorted by name), the ranks of the covering operations, ascending.
        let mut active: Vec<(&str, Vec<Rank>)> = Vec::new();
        let mut segments = Vec::new();
        let mut at = 0;
        for (boundary, opens, index) in edges {
            if boundary > at && !active.is_empty() {
                let mut attributes = Attributes::new();
                for (name, ranks) in &active {
                    let Some((_, _, _, winner)) = ranks.last() else {
                        continue;
                    };
                    if let Some(value) = &ops[*winner].value {
                        attributes.insert((*name).to_owned(), value.clone());
                    }
                }
                if !attributes.is_empty() {
                    segments.push((at, boundary, attributes));
                }
            }
            at = boundary;
            let op = ops[index];
            let rank = self.rank(op, index);
            let held = active.binary_search_by(|(name, _)| (*name).cmp(&*op.name));
            if opens {
                let at = held.unwrap_or_else(|at| {
                    active.insert(at, (&op.name, Vec::new()));
                    at
                });
                let ranks = &mut active[at].1;
                if let Err(place) = ranks.binary_search(&rank) {
                    ranks.insert(place, rank);
                }
            } else if let Ok(at) = held {
                let ranks = &mut active[at].1;
                if let Ok(place) = ranks.binary_search(&rank) {
                    ranks.remove(place);
                }
                if ranks.is_empty() {
                    active.remove(at);
                }
            }
        }
        segments
    }
}
