//! The binary encoding of a sequence (see `docs/TEXT.md` for the byte-level layout).
//!
//! The store writes the replicas it mentions through the message's [`DotWriter`] (so they are
//! named against the message table), then one *body* holding columns of plain varints that
//! refer to replicas by their position in that short list. A body above
//! [`COMPRESS_ABOVE`] bytes is deflated (RFC 1951), which shrinks prose about fourfold.

use weft_core::codec::{Decoder, DotReader, DotWriter, Encoder, unzigzag, zigzag};
use weft_core::{DecodeError, Dot, MAX_COUNTER, ReplicaIndex};

use crate::element::Content;
use crate::history::{History, NO_DOT, Run, Runs};
use crate::marks::MarkSet;
use crate::sequence::{Loose, Sequence};
use crate::span::{MAX_SPAN, Span};
use crate::tree::{MAX_VISIBLE_SPAN, Tree};

/// Bodies at most this long are stored as they are.
const COMPRESS_ABOVE: usize = 96;
/// Body stored as is.
const RAW: u8 = 0;
/// Body deflated.
const DEFLATED: u8 = 1;
/// Deflate never expands data more than this (its maximum ratio is 1032:1).
const MAX_RATIO: usize = 1100;

/// Writes `sequence` to `out`.
pub(crate) fn encode<C: Content>(sequence: &Sequence<C>, out: &mut DotWriter) {
    // The replicas this store mentions, and each one's slot in that list.
    let mut used: Vec<ReplicaIndex> = Vec::new();
    let mut mark = |replica: ReplicaIndex| {
        if !used.contains(&replica) {
            used.push(replica);
        }
    };
    for leaf in sequence.tree.leaves_in_order() {
        for span in &leaf.spans {
            mark(span.replica);
        }
    }
    for (replica, runs) in sequence.history.iter() {
        mark(replica);
        for run in runs {
            visit_run_dots(&run.run(), &mut mark);
        }
    }
    for loose in &sequence.loose {
        mark(loose.replica);
        visit_run_dots(&loose.run, &mut mark);
    }
    for op in sequence.marks.iter() {
        mark(op.dot.replica);
        for dot in [op.start.dot(), op.end.dot()].into_iter().flatten() {
            mark(dot.replica);
        }
    }
    weft_core::sorting::sort_by_key(&mut used, |replica| {
        weft_core::sorting::replica_index_key(*replica)
    });
    let slot_of = |replica: ReplicaIndex| used.binary_search(&replica).unwrap_or(0) as u64;
    out.length(used.len());
    for replica in &used {
        out.replica(*replica);
    }
    let width = used.len().max(1) as u64;
    let mut body = Encoder::new();
    let mut content = C::default();
    // Order tree: spans in document order.
    let spans: Vec<Span> = sequence
        .tree
        .leaves_in_order()
        .flat_map(|leaf| leaf.spans.iter().copied())
        .collect();
    body.length(spans.len());
    for span in &spans {
        body.varint((u64::from(span.len()) << 1) | u64::from(span.is_deleted()));
    }
    let mut previous_end = vec![0u64; used.len()];
    for span in &spans {
        let slot = slot_of(span.replica);
        let step = span.counter as i64 - previous_end[slot as usize] as i64;
        body.wide_varint(u128::from(zigzag(step)) * u128::from(width) + u128::from(slot));
        previous_end[slot as usize] = span.end();
    }
    for leaf in sequence.tree.leaves_in_order() {
        let at = content.len();
        content.insert(at, leaf.content.as_slice(), leaf.content.len());
    }
    // History, per replica: a header, then the runs as columns.
    let with_history: Vec<(ReplicaIndex, &Runs)> = sequence.history.iter().collect();
    body.length(with_history.len());
    let mut columns = RunColumns::default();
    for (replica, runs) in with_history {
        body.varint(slot_of(replica));
        body.length(runs.len());
        let mut previous = 0u64;
        for run in runs {
            columns.write(&run.run(), previous, &slot_of, width);
            previous = run.end();
        }
    }
    columns.finish(&mut body);
    // Loose runs.
    body.length(sequence.loose.len());
    let mut columns = RunColumns::default();
    for loose in &sequence.loose {
        body.varint(slot_of(loose.replica));
        columns.write(&loose.run, 0, &slot_of, width);
        body.length(loose.gone.len());
        for (start, len) in &loose.gone {
            body.varint(u64::from(*start));
            body.varint(u64::from(*len));
        }
        let at = content.len();
        content.insert(at, loose.content.as_slice(), loose.content.len());
    }
    columns.finish(&mut body);
    // Marks, only when there are some: texts without marks encode as before.
    if !sequence.marks.is_empty() {
        crate::marks::write_marks(&sequence.marks, &mut body, &slot_of, width);
    }
    let mut text = Encoder::new();
    C::write_column(&content, &mut text);
    write_part(out, body.as_bytes());
    write_part(out, text.as_bytes());
}

/// Writes one part of the body (the metadata, or the content column), deflated when that
/// pays. Metadata and content deflate better apart than together.
fn write_part(out: &mut DotWriter, part: &[u8]) {
    if part.len() > COMPRESS_ABOVE {
        let packed = miniz_oxide::deflate::compress_to_vec(part, 9);
        if packed.len() < part.len() {
            out.u8(DEFLATED);
            out.length(part.len());
            out.bytes(&packed);
            return;
        }
    }
    out.u8(RAW);
    out.bytes(part);
}

/// Reads a part written by [`write_part`].
fn read_part(input: &mut DotReader<'_, '_>) -> Result<Vec<u8>, DecodeError> {
    let mode_offset = input.position();
    match input.u8()? {
        RAW => Ok(input.bytes()?.to_vec()),
        DEFLATED => {
            let declared_offset = input.position();
            let declared = input.varint()?;
            let packed = input.bytes()?;
            let limit = packed.len().saturating_mul(MAX_RATIO);
            let declared = usize::try_from(declared)
                .ok()
                .filter(|length| *length <= limit)
                .ok_or(DecodeError::LengthTooLarge {
                    offset: declared_offset,
                    length: declared,
                    remaining: packed.len(),
                })?;
            let part = miniz_oxide::inflate::decompress_to_vec_with_limit(packed, declared)
                .map_err(|_| input.malformed("a deflated part is corrupt"))?;
            if part.len() != declared {
                return Err(input.malformed("a deflated part has another length"));
            }
            Ok(part)
        }
        other => Err(input.invalid("sequence part mode", u64::from(other), mode_offset)),
    }
}

fn visit_run_dots(run: &Run, mark: &mut impl FnMut(ReplicaIndex)) {
    match run {
        Run::Insert { left, right, .. } => {
            for dot in [left, right] {
                if *dot != NO_DOT {
                    mark(dot.replica);
                }
            }
        }
        Run::Delete { target, .. } => mark(target.replica),
    }
}

/// Runs written as columns (counter gaps, shapes, left origins, right origins, deletion
/// targets), each a sequence of varints: similar values side by side deflate better.
#[derive(Default)]
struct RunColumns {
    gaps: Encoder,
    shapes: Encoder,
    lefts: Encoder,
    rights: Encoder,
    targets: Encoder,
    /// The element the previous deletion run ended on: deletions often continue nearby.
    last_target: u64,
}

impl RunColumns {
    fn write(
        &mut self,
        run: &Run,
        previous: u64,
        slot_of: &impl Fn(ReplicaIndex) -> u64,
        width: u64,
    ) {
        let counter = run.counter();
        self.gaps.varint(counter.saturating_sub(previous));
        // Words are wide: with counters up to 2^53 and more than 1,024 replicas they pass
        // 64 bits.
        let dot_word = |dot: &Dot, base: u64| {
            u128::from(zigzag(base as i64 - dot.counter as i64)) * u128::from(width)
                + u128::from(slot_of(dot.replica))
        };
        match run {
            Run::Insert {
                len, left, right, ..
            } => {
                self.shapes.varint(u64::from(*len) << 1);
                // The left origin relative to the run, the right one relative to the left
                // (they are usually neighbours).
                let right_base = if *left == NO_DOT {
                    counter
                } else {
                    left.counter
                };
                for (dot, base, column) in [
                    (left, counter, &mut self.lefts),
                    (right, right_base, &mut self.rights),
                ] {
                    if *dot == NO_DOT {
                        column.varint(0);
                    } else {
                        column.wide_varint(dot_word(dot, base) + 1);
                    }
                }
            }
            Run::Delete {
                len,
                target,
                backward,
                ..
            } => {
                self.shapes.varint((u64::from(*len) << 1) | 1);
                // Relative to the run or to where the previous deletion ended, whichever
                // is nearer (a flag says which).
                let from_run = dot_word(target, counter);
                let from_previous = dot_word(target, self.last_target);
                let word = if from_run <= from_previous {
                    from_run << 1
                } else {
                    (from_previous << 1) | 1
                };
                self.targets
                    .wide_varint((word << 1) | u128::from(*backward));
                self.last_target = last_target(*target, *len, *backward);
            }
        }
    }

    fn finish(self, body: &mut Encoder) {
        for column in [
            self.gaps,
            self.shapes,
            self.lefts,
            self.rights,
            self.targets,
        ] {
            body.bytes(column.as_bytes());
        }
    }
}

/// The element a deletion run ends on.
fn last_target(target: Dot, len: u32, backward: bool) -> u64 {
    Run::target_at(target, backward, len - 1).counter
}

/// Readers over the five columns of [`RunColumns`].
struct RunReaders<'a> {
    gaps: Decoder<'a>,
    shapes: Decoder<'a>,
    lefts: Decoder<'a>,
    rights: Decoder<'a>,
    targets: Decoder<'a>,
    last_target: u64,
}

impl<'a> RunReaders<'a> {
    fn new(body: &mut Decoder<'a>) -> Result<Self, DecodeError> {
        Ok(Self {
            gaps: Decoder::new(body.bytes()?),
            shapes: Decoder::new(body.bytes()?),
            lefts: Decoder::new(body.bytes()?),
            rights: Decoder::new(body.bytes()?),
            targets: Decoder::new(body.bytes()?),
            last_target: 0,
        })
    }

    fn finish(&self) -> Result<(), DecodeError> {
        for column in [
            &self.gaps,
            &self.shapes,
            &self.lefts,
            &self.rights,
            &self.targets,
        ] {
            column.finish()?;
        }
        Ok(())
    }
}

/// Reads a sequence written by [`encode`].
///
/// # Errors
/// Any [`DecodeError`]; the input is distrusted throughout.
pub(crate) fn decode<C: Content>(
    input: &mut DotReader<'_, '_>,
) -> Result<Sequence<C>, DecodeError> {
    let count = input.length(1)?;
    let mut slots = Vec::with_capacity(count);
    for _ in 0..count {
        let replica = input.replica()?;
        if slots.contains(&replica) {
            return Err(input.malformed("a replica appears twice in a sequence"));
        }
        slots.push(replica);
    }
    let names = input.table().clone();
    let meta = read_part(input)?;
    let text = read_part(input)?;
    let mut body = Decoder::new(&meta);
    let mut content = Decoder::new(&text);
    let mut sequence =
        read_body::<C>(&mut body, &mut content, &slots).map_err(|error| inner(error, input))?;
    body.finish().map_err(|error| inner(error, input))?;
    content.finish().map_err(|error| inner(error, input))?;
    for replica in &slots {
        if let Some(id) = names.get(replica.as_usize()) {
            sequence.name(*replica, *id);
        }
    }
    Ok(sequence)
}

/// Reports an error inside the body at the offset of the body in the message.
fn inner(error: DecodeError, input: &DotReader<'_, '_>) -> DecodeError {
    match error {
        DecodeError::UnexpectedEnd { .. } => DecodeError::Malformed {
            reason: "the sequence body ends early",
            offset: input.position(),
        },
        other => other,
    }
}

fn read_body<C: Content>(
    body: &mut Decoder<'_>,
    text: &mut Decoder<'_>,
    slots: &[ReplicaIndex],
) -> Result<Sequence<C>, DecodeError> {
    let width = slots.len() as u64;
    let replica_of = |body: &Decoder<'_>, slot: u64| -> Result<ReplicaIndex, DecodeError> {
        slots
            .get(slot as usize)
            .copied()
            .ok_or_else(|| body.malformed("replica slot outside the sequence's list"))
    };
    let span_count = body.length(2)?;
    let mut shapes = Vec::with_capacity(span_count);
    for _ in 0..span_count {
        let word = body.varint()?;
        let len = word >> 1;
        let deleted = word & 1 == 1;
        let limit = if deleted { MAX_SPAN } else { MAX_VISIBLE_SPAN };
        if len == 0 || len > u64::from(limit) {
            return Err(body.malformed("span length out of range"));
        }
        shapes.push((len as u32, deleted));
    }
    let mut spans = Vec::with_capacity(span_count);
    let mut previous_end = vec![0u64; slots.len()];
    // Counted in 64 bits: on a 32-bit target a `usize` could wrap.
    let mut visible = 0u64;
    for (len, deleted) in shapes {
        if width == 0 {
            return Err(body.malformed("spans without replicas"));
        }
        let (slot, step) = split_word(body.wide_varint()?, width);
        let replica = replica_of(body, slot)?;
        let step = step.ok_or_else(|| body.malformed("span counter out of range"))?;
        let counter = previous_end[slot as usize]
            .checked_add_signed(unzigzag(step))
            .filter(|counter| {
                (1..=MAX_COUNTER).contains(counter) && *counter + u64::from(len) - 1 <= MAX_COUNTER
            })
            .ok_or_else(|| body.malformed("span counter out of range"))?;
        let span = Span::new(Dot::new(replica, counter), len, deleted);
        previous_end[slot as usize] = span.end();
        visible += u64::from(span.visible());
        spans.push(span);
    }
    let grouped = check_disjoint(&spans, body)?;
    let history_count = body.length(2)?;
    let mut headers = Vec::with_capacity(history_count);
    let mut has_header = vec![false; slots.len()];
    for _ in 0..history_count {
        let slot = u64::from(body.varint_u32("replica slot")?);
        let replica = replica_of(body, slot)?;
        if std::mem::replace(&mut has_header[slot as usize], true) {
            return Err(body.malformed("a replica's history appears twice"));
        }
        let count = body.length(1)?;
        headers.push((replica, count));
    }
    let mut readers = RunReaders::new(body)?;
    let mut history = History::default();
    for (replica, count) in headers {
        history.reserve(replica, count);
        let mut previous = 0u64;
        for _ in 0..count {
            let run = read_run(&mut readers, previous, slots)?;
            if run.counter() < previous.max(1) {
                return Err(body.malformed("history runs out of order"));
            }
            previous = run.end();
            history.push_read(replica, run);
        }
    }
    readers.finish()?;
    check_tree_matches_history(&grouped, &history, body)?;
    let loose_count = body.length(4)?;
    let mut loose_headers = Vec::with_capacity(loose_count);
    for _ in 0..loose_count {
        let slot = u64::from(body.varint_u32("replica slot")?);
        let replica = replica_of(body, slot)?;
        let gone_count = body.length(2)?;
        let mut gone = Vec::with_capacity(gone_count);
        for _ in 0..gone_count {
            let start = body.varint()?;
            let len = body.varint()?;
            gone.push((start, len));
        }
        loose_headers.push((replica, gone));
    }
    let mut readers = RunReaders::new(body)?;
    let mut loose_runs = Vec::with_capacity(loose_count);
    let mut loose_visible = 0u64;
    for (replica, ranges) in loose_headers {
        let run = read_run(&mut readers, 0, slots)?;
        let mut gone = Vec::with_capacity(ranges.len());
        let mut covered = 0u64;
        let mut end = 0u64;
        for (start, len) in ranges {
            if len == 0 || start < end || start.saturating_add(len) > u64::from(run.len()) {
                return Err(body.malformed("deleted range out of order"));
            }
            end = start + len;
            covered += len;
            gone.push((start as u32, len as u32));
        }
        let shown = match run {
            Run::Insert { .. } => u64::from(run.len()) - covered,
            Run::Delete { .. } if gone.is_empty() => 0,
            Run::Delete { .. } => return Err(body.malformed("a deletion with deleted ranges")),
        };
        loose_visible += shown;
        loose_runs.push((replica, run, gone, shown as usize));
    }
    readers.finish()?;
    check_runs_disjoint(&history, &loose_runs, body)?;
    let marks = if body.is_at_end() {
        MarkSet::default()
    } else if !C::HAS_MARKS {
        return Err(body.malformed("a list holds no marks"));
    } else {
        let marks = crate::marks::read_marks(body, slots)?;
        let loose = loose_runs
            .iter()
            .map(|(replica, run, _, _)| (*replica, run.counter(), run.end()));
        crate::marks::check_marks_disjoint(&marks, &history, loose, body)?;
        marks
    };
    let total = usize::try_from(visible + loose_visible)
        .map_err(|_| text.malformed("more visible elements than this platform can hold"))?;
    let content = C::read_column(text, total)?;
    // At most `total`, which fits.
    let (in_tree, mut rest) = C::split_slice(content.as_slice(), visible as usize);
    let mut sequence = Sequence {
        tree: Tree::from_spans(spans, in_tree),
        history,
        marks,
        ..Sequence::default()
    };
    for (replica, run, gone, shown) in loose_runs {
        let (head, tail) = C::split_slice(rest, shown);
        rest = tail;
        sequence.loose.push(Loose {
            replica,
            run,
            content: C::from_slice(head, shown),
            gone,
        });
    }
    Ok(sequence)
}

/// The spans' dots as `[first, end)` ranges grouped by replica: group `r` is
/// `ranges[starts[r]..starts[r + 1]]`, sorted by counter.
struct Grouped {
    starts: Vec<usize>,
    ranges: Vec<(u64, u64)>,
}

impl Grouped {
    fn of(&self, replica: ReplicaIndex) -> &[(u64, u64)] {
        let group = replica.as_usize();
        match (self.starts.get(group), self.starts.get(group + 1)) {
            (Some(start), Some(end)) => &self.ranges[*start..*end],
            _ => &[],
        }
    }
}

/// Refuses spans that claim one dot twice: the spans grouped by replica (a counting sort),
/// each group sorted by counter, must not overlap. Returns the groups.
fn check_disjoint(spans: &[Span], body: &Decoder<'_>) -> Result<Grouped, DecodeError> {
    let groups = spans
        .iter()
        .map(|span| span.replica.as_usize() + 1)
        .max()
        .unwrap_or(0);
    // starts[r]..starts[r + 1]: where the spans of replica r go.
    let mut starts = vec![0usize; groups + 1];
    for span in spans {
        starts[span.replica.as_usize() + 1] += 1;
    }
    for group in 1..=groups {
        starts[group] += starts[group - 1];
    }
    let mut ranges = vec![(0u64, 0u64); spans.len()];
    let mut next = starts.clone();
    for span in spans {
        let slot = &mut next[span.replica.as_usize()];
        ranges[*slot] = (span.counter, span.end());
        *slot += 1;
    }
    for group in 0..groups {
        let ranges = &mut ranges[starts[group]..starts[group + 1]];
        ranges.sort_unstable_by_key(|(first, _)| *first);
        if ranges.windows(2).any(|pair| pair[0].1 > pair[1].0) {
            return Err(body.malformed("an element appears twice"));
        }
    }
    Ok(Grouped { starts, ranges })
}

/// Refuses a tree that does not hold exactly the elements of the history's insertions: every
/// element inserted is in the tree once (deleted or not), and the tree holds nothing else.
/// Joins take a whole state's tree and history as they are, and find an insertion's
/// elements in the tree; a tree at odds with its history would hold an element twice after
/// the next join, or lose one.
fn check_tree_matches_history(
    grouped: &Grouped,
    history: &History,
    body: &Decoder<'_>,
) -> Result<(), DecodeError> {
    let mismatch = || body.malformed("the tree and the history hold different elements");
    let mut in_history = 0usize;
    for (replica, runs) in history.iter() {
        let inserted = runs.iter().filter_map(|packed| match packed.run() {
            Run::Insert { counter, len, .. } => Some((counter, counter + u64::from(len))),
            Run::Delete { .. } => None,
        });
        let spans = grouped.of(replica);
        in_history += spans.len();
        if !same_coverage(inserted, spans.iter().copied()) {
            return Err(mismatch());
        }
    }
    // Spans of a replica without history: found by count, as every group with history
    // matched.
    if in_history != grouped.ranges.len() {
        return Err(mismatch());
    }
    Ok(())
}

/// Whether two lists of disjoint `[first, end)` ranges, each in increasing order, cover the
/// same counters.
fn same_coverage(
    left: impl Iterator<Item = (u64, u64)>,
    right: impl Iterator<Item = (u64, u64)>,
) -> bool {
    let mut left = coalesce(left);
    let mut right = coalesce(right);
    loop {
        match (left.next(), right.next()) {
            (None, None) => return true,
            (Some(one), Some(other)) if one == other => {}
            _ => return false,
        }
    }
}

/// Merges ranges that touch: `[1, 3)` and `[3, 5)` become `[1, 5)`.
fn coalesce(ranges: impl Iterator<Item = (u64, u64)>) -> impl Iterator<Item = (u64, u64)> {
    let mut ranges = ranges.peekable();
    std::iter::from_fn(move || {
        let (first, mut end) = ranges.next()?;
        while let Some((next, next_end)) = ranges.peek().copied() {
            if next != end {
                break;
            }
            end = next_end;
            ranges.next();
        }
        Some((first, end))
    })
}

/// A loose run as read before its content: replica, run, deleted ranges, visible count.
type LooseHeader = (ReplicaIndex, Run, Vec<(u32, u32)>, usize);

/// Refuses a body where two runs claim one dot. The history is disjoint already (one header
/// per replica, runs read in counter order without overlap): only the loose runs are
/// checked, against each other and against the history.
fn check_runs_disjoint(
    history: &History,
    loose: &[LooseHeader],
    body: &Decoder<'_>,
) -> Result<(), DecodeError> {
    let mut ranges: Vec<(ReplicaIndex, u64, u64)> = loose
        .iter()
        .map(|(replica, run, _, _)| (*replica, run.counter(), run.end()))
        .collect();
    // By first dot only: the ranges are not empty, so any two that start together overlap
    // whichever comes first, and an overlap always shows between neighbours.
    weft_core::sorting::sort_by_key(&mut ranges, |(replica, first, _)| {
        weft_core::sorting::dot_key(weft_core::Dot::new(*replica, *first))
    });
    let overlapping = ranges
        .windows(2)
        .any(|pair| pair[0].0 == pair[1].0 && pair[0].2 > pair[1].1)
        || ranges
            .iter()
            .any(|(replica, first, end)| history.overlaps(*replica, *first, *end));
    if overlapping {
        return Err(body.malformed("two runs claim one change"));
    }
    Ok(())
}

/// A dot's word as `(word % width, word / width)`, the quotient `None` past 64 bits (`width`
/// is not 0). In 64-bit arithmetic when the word fits: 128-bit division is a library call on
/// 32-bit targets such as wasm32, where loading a document did little else.
fn split_word(word: u128, width: u64) -> (u64, Option<u64>) {
    match u64::try_from(word) {
        Ok(narrow) => (narrow % width, Some(narrow / width)),
        Err(_) => {
            let wide = u128::from(width);
            // The remainder is below the width, which fits 64 bits.
            ((word % wide) as u64, u64::try_from(word / wide).ok())
        }
    }
}

fn read_dot(
    body: &Decoder<'_>,
    word: u128,
    counter: u64,
    slots: &[ReplicaIndex],
) -> Result<Dot, DecodeError> {
    if slots.is_empty() {
        return Err(body.malformed("a dot without replicas"));
    }
    let (slot, step) = split_word(word, slots.len() as u64);
    // The remainder is below the number of slots, which fits `usize`.
    let replica = *slots
        .get(slot as usize)
        .ok_or_else(|| body.malformed("replica slot outside the sequence's list"))?;
    let step = unzigzag(step.ok_or_else(|| body.malformed("dot counter out of range"))?);
    let target = counter
        .checked_add_signed(-step)
        .filter(|target| (1..=MAX_COUNTER).contains(target))
        .ok_or_else(|| body.malformed("dot counter out of range"))?;
    Ok(Dot::new(replica, target))
}

fn read_run(
    readers: &mut RunReaders<'_>,
    previous: u64,
    slots: &[ReplicaIndex],
) -> Result<Run, DecodeError> {
    let counter = previous
        .checked_add(readers.gaps.varint()?)
        .filter(|counter| (1..=MAX_COUNTER).contains(counter))
        .ok_or_else(|| readers.gaps.malformed("run counter out of range"))?;
    let word = readers.shapes.varint()?;
    let len = u32::try_from(word >> 1)
        .ok()
        .filter(|len| *len > 0 && counter + u64::from(*len) - 1 <= MAX_COUNTER)
        .ok_or_else(|| readers.shapes.malformed("run length out of range"))?;
    if word & 1 == 0 {
        let word = readers.lefts.wide_varint()?;
        let left = if word > 0 {
            read_dot(&readers.lefts, word - 1, counter, slots)?
        } else {
            NO_DOT
        };
        let right_base = if left == NO_DOT {
            counter
        } else {
            left.counter
        };
        let word = readers.rights.wide_varint()?;
        let right = if word > 0 {
            read_dot(&readers.rights, word - 1, right_base, slots)?
        } else {
            NO_DOT
        };
        Ok(Run::Insert {
            counter,
            len,
            left,
            right,
        })
    } else {
        let word = readers.targets.wide_varint()?;
        let backward = word & 1 == 1;
        let base = if word & 2 == 0 {
            counter
        } else {
            readers.last_target
        };
        let target = read_dot(&readers.targets, word >> 2, base, slots)?;
        let fits = if backward {
            target.counter >= u64::from(len)
        } else {
            target.counter + u64::from(len) - 1 <= MAX_COUNTER
        };
        if !fits {
            return Err(readers.targets.malformed("deletion targets out of range"));
        }
        readers.last_target = last_target(target, len, backward);
        Ok(Run::Delete {
            counter,
            len,
            target,
            backward,
        })
    }
}
