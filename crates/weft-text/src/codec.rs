//! The binary encoding of a sequence (see `docs/TEXT.md` for the byte-level layout).
//!
//! The store writes the replicas it mentions through the message's [`DotWriter`] (so they are
//! named against the message table), then one *body* holding columns of plain varints that
//! refer to replicas by their position in that short list. A body above
//! [`COMPRESS_ABOVE`] bytes is deflated (RFC 1951), which shrinks prose about fourfold.

use weft_core::codec::{Decoder, DotReader, DotWriter, Encoder};
use weft_core::{DecodeError, Dot, ReplicaIndex};

use crate::element::Element;
use crate::history::{History, NO_DOT, Run};
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
pub(crate) fn encode<E: Element>(sequence: &Sequence<E>, out: &mut DotWriter) {
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
            visit_run_dots(run, &mut mark);
        }
    }
    for loose in &sequence.loose {
        mark(loose.replica);
        visit_run_dots(&loose.run, &mut mark);
    }
    used.sort_unstable();
    let slot_of = |replica: ReplicaIndex| used.binary_search(&replica).unwrap_or(0) as u64;
    out.length(used.len());
    for replica in &used {
        out.replica(*replica);
    }
    let width = used.len().max(1) as u64;
    let mut body = Encoder::new();
    let mut content: Vec<E> = Vec::new();
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
        body.varint(zigzag(step).wrapping_mul(width).wrapping_add(slot));
        previous_end[slot as usize] = span.end();
    }
    for leaf in sequence.tree.leaves_in_order() {
        content.extend_from_slice(&leaf.content);
    }
    // History, per replica.
    let with_history: Vec<(ReplicaIndex, &[Run])> = sequence.history.iter().collect();
    body.length(with_history.len());
    for (replica, runs) in with_history {
        body.varint(slot_of(replica));
        body.length(runs.len());
        let mut previous = 0u64;
        for run in runs {
            write_run(&mut body, run, previous, &slot_of, width);
            previous = run.end();
        }
    }
    // Loose runs.
    body.length(sequence.loose.len());
    for loose in &sequence.loose {
        body.varint(slot_of(loose.replica));
        write_run(&mut body, &loose.run, 0, &slot_of, width);
        body.length(loose.gone.len());
        for (start, len) in &loose.gone {
            body.varint(u64::from(*start));
            body.varint(u64::from(*len));
        }
        content.extend_from_slice(&loose.content);
    }
    E::write_column(&content, &mut body);
    let body = body.into_bytes();
    if body.len() > COMPRESS_ABOVE {
        let packed = miniz_oxide::deflate::compress_to_vec(&body, 7);
        if packed.len() < body.len() {
            out.u8(DEFLATED);
            out.length(body.len());
            out.bytes(&packed);
            return;
        }
    }
    out.u8(RAW);
    out.bytes(&body);
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

fn write_run(
    body: &mut Encoder,
    run: &Run,
    previous: u64,
    slot_of: &impl Fn(ReplicaIndex) -> u64,
    width: u64,
) {
    let counter = run.counter();
    body.varint(counter.saturating_sub(previous));
    match run {
        Run::Insert {
            len, left, right, ..
        } => {
            body.varint(u64::from(*len) << 1);
            for dot in [left, right] {
                if *dot == NO_DOT {
                    body.varint(0);
                } else {
                    let step = counter as i64 - dot.counter as i64;
                    body.varint(
                        zigzag(step)
                            .wrapping_mul(width)
                            .wrapping_add(slot_of(dot.replica))
                            .wrapping_add(1),
                    );
                }
            }
        }
        Run::Delete {
            len,
            target,
            backward,
            ..
        } => {
            body.varint((u64::from(*len) << 1) | 1);
            let step = counter as i64 - target.counter as i64;
            body.varint(
                (zigzag(step)
                    .wrapping_mul(width)
                    .wrapping_add(slot_of(target.replica))
                    << 1)
                    | u64::from(*backward),
            );
        }
    }
}

/// Reads a sequence written by [`encode`].
///
/// # Errors
/// Any [`DecodeError`]; the input is distrusted throughout.
pub(crate) fn decode<E: Element>(
    input: &mut DotReader<'_, '_>,
) -> Result<Sequence<E>, DecodeError> {
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
    let mode_offset = input.position();
    let body = match input.u8()? {
        RAW => input.bytes()?.to_vec(),
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
            let body = miniz_oxide::inflate::decompress_to_vec_with_limit(packed, declared)
                .map_err(|_| input.malformed("the deflated body is corrupt"))?;
            if body.len() != declared {
                return Err(input.malformed("the deflated body has another length"));
            }
            body
        }
        other => return Err(input.invalid("sequence body mode", u64::from(other), mode_offset)),
    };
    let mut body = Decoder::new(&body);
    let mut sequence = read_body::<E>(&mut body, &slots).map_err(|error| inner(error, input))?;
    body.finish().map_err(|error| inner(error, input))?;
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

fn read_body<E: Element>(
    body: &mut Decoder<'_>,
    slots: &[ReplicaIndex],
) -> Result<Sequence<E>, DecodeError> {
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
    let mut visible = 0usize;
    for (len, deleted) in shapes {
        if width == 0 {
            return Err(body.malformed("spans without replicas"));
        }
        let word = body.varint()?;
        let slot = word % width;
        let replica = replica_of(body, slot)?;
        let counter = previous_end[slot as usize]
            .checked_add_signed(unzigzag(word / width))
            .filter(|counter| *counter > 0 && counter.checked_add(u64::from(len)).is_some())
            .ok_or_else(|| body.malformed("span counter out of range"))?;
        let span = Span::new(Dot::new(replica, counter), len, deleted);
        previous_end[slot as usize] = span.end();
        visible += span.visible() as usize;
        spans.push(span);
    }
    check_disjoint(&spans, body)?;
    let history_count = body.length(2)?;
    let mut history = History::default();
    for _ in 0..history_count {
        let slot = u64::from(body.varint_u32("replica slot")?);
        let replica = replica_of(body, slot)?;
        let count = body.length(3)?;
        let mut previous = 0u64;
        for _ in 0..count {
            let run = read_run(body, previous, slots)?;
            if run.counter() < previous.max(1) {
                return Err(body.malformed("history runs out of order"));
            }
            previous = run.end();
            history.push(replica, run);
        }
    }
    let loose_count = body.length(4)?;
    let mut loose_runs = Vec::with_capacity(loose_count);
    let mut loose_visible = 0usize;
    for _ in 0..loose_count {
        let slot = u64::from(body.varint_u32("replica slot")?);
        let replica = replica_of(body, slot)?;
        let run = read_run(body, 0, slots)?;
        let gone_count = body.length(2)?;
        let mut gone = Vec::with_capacity(gone_count);
        let mut covered = 0u64;
        let mut end = 0u64;
        for _ in 0..gone_count {
            let start = body.varint()?;
            let len = body.varint()?;
            if len == 0 || start < end || start + len > u64::from(run.len()) {
                return Err(body.malformed("deleted range out of order"));
            }
            end = start + len;
            covered += len;
            gone.push((start as u32, len as u32));
        }
        let shown = match run {
            Run::Insert { .. } => u64::from(run.len()) - covered,
            Run::Delete { .. } if gone_count == 0 => 0,
            Run::Delete { .. } => return Err(body.malformed("a deletion with deleted ranges")),
        };
        loose_visible += shown as usize;
        loose_runs.push((replica, run, gone, shown as usize));
    }
    check_runs_disjoint(&history, &loose_runs, body)?;
    let mut content = E::read_column(body, visible + loose_visible)?;
    let loose_content = content.split_off(visible);
    let mut loose_content = loose_content.into_iter();
    let mut sequence = Sequence {
        tree: Tree::from_spans(spans, content),
        history,
        ..Sequence::default()
    };
    for (replica, run, gone, shown) in loose_runs {
        sequence.loose.push(Loose {
            replica,
            run,
            content: loose_content.by_ref().take(shown).collect(),
            gone,
        });
    }
    Ok(sequence)
}

fn check_disjoint(spans: &[Span], body: &Decoder<'_>) -> Result<(), DecodeError> {
    let mut ranges: Vec<(ReplicaIndex, u64, u64)> = spans
        .iter()
        .map(|span| (span.replica, span.counter, span.end()))
        .collect();
    ranges.sort_unstable();
    if ranges
        .windows(2)
        .any(|pair| pair[0].0 == pair[1].0 && pair[0].2 > pair[1].1)
    {
        return Err(body.malformed("an element appears twice"));
    }
    Ok(())
}

/// A loose run as read before its content: replica, run, deleted ranges, visible count.
type LooseHeader = (ReplicaIndex, Run, Vec<(u32, u32)>, usize);

/// Refuses a body where two runs claim one dot.
fn check_runs_disjoint(
    history: &History,
    loose: &[LooseHeader],
    body: &Decoder<'_>,
) -> Result<(), DecodeError> {
    let mut ranges: Vec<(ReplicaIndex, u64, u64)> = history
        .iter()
        .flat_map(|(replica, runs)| {
            runs.iter()
                .map(move |run| (replica, run.counter(), run.end()))
        })
        .chain(
            loose
                .iter()
                .map(|(replica, run, _, _)| (*replica, run.counter(), run.end())),
        )
        .collect();
    ranges.sort_unstable();
    if ranges
        .windows(2)
        .any(|pair| pair[0].0 == pair[1].0 && pair[0].2 > pair[1].1)
    {
        return Err(body.malformed("two runs claim one change"));
    }
    Ok(())
}

fn read_dot(
    body: &Decoder<'_>,
    word: u64,
    counter: u64,
    slots: &[ReplicaIndex],
) -> Result<Dot, DecodeError> {
    let width = slots.len() as u64;
    if width == 0 {
        return Err(body.malformed("a dot without replicas"));
    }
    let replica = *slots
        .get((word % width) as usize)
        .ok_or_else(|| body.malformed("replica slot outside the sequence's list"))?;
    let step = unzigzag(word / width);
    let target = counter
        .checked_add_signed(-step)
        .filter(|target| *target > 0)
        .ok_or_else(|| body.malformed("dot counter out of range"))?;
    Ok(Dot::new(replica, target))
}

fn read_run(
    body: &mut Decoder<'_>,
    previous: u64,
    slots: &[ReplicaIndex],
) -> Result<Run, DecodeError> {
    let counter = previous
        .checked_add(body.varint()?)
        .filter(|counter| *counter > 0)
        .ok_or_else(|| body.malformed("run counter out of range"))?;
    let word = body.varint()?;
    let len = u32::try_from(word >> 1)
        .ok()
        .filter(|len| *len > 0)
        .ok_or_else(|| body.malformed("run length out of range"))?;
    if counter.checked_add(u64::from(len)).is_none() {
        return Err(body.malformed("run counter out of range"));
    }
    if word & 1 == 0 {
        let mut origins = [NO_DOT; 2];
        for origin in &mut origins {
            let word = body.varint()?;
            if word > 0 {
                *origin = read_dot(body, word - 1, counter, slots)?;
            }
        }
        Ok(Run::Insert {
            counter,
            len,
            left: origins[0],
            right: origins[1],
        })
    } else {
        let word = body.varint()?;
        let backward = word & 1 == 1;
        let target = read_dot(body, word >> 1, counter, slots)?;
        let fits = if backward {
            target.counter >= u64::from(len)
        } else {
            target.counter.checked_add(u64::from(len)).is_some()
        };
        if !fits {
            return Err(body.malformed("deletion targets out of range"));
        }
        Ok(Run::Delete {
            counter,
            len,
            target,
            backward,
        })
    }
}

fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

fn unzigzag(value: u64) -> i64 {
    ((value >> 1) as i64) ^ -((value & 1) as i64)
}
