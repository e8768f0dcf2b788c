//! The marks section of a text's encoding (see `docs/FORMAT.md`, "Marks"): written only
//! when the text holds marks, so texts without marks encode as before.

use weft_core::codec::{Decoder, Encoder, unzigzag, zigzag};
use weft_core::sorting::{dot_key, sort_by_key};
use weft_core::{DecodeError, Dot, MAX_COUNTER, ReplicaIndex};

use crate::history::History;

use crate::marks::{Anchor, MAX_MARK_NAME, MAX_MARK_VALUE, MarkOp, MarkSet, MarkValue};

/// Anchor words: the text's start, its end; elements from [`ELEMENT`] on.
const START: u128 = 0;
const END: u128 = 1;
const ELEMENT: u128 = 2;
/// Value tags (an unmark is [`UNMARK`]; the others are [`MarkValue::tag`]).
const UNMARK: u8 = 0;
const NUMBER: u8 = 3;
const STRING: u8 = 4;
const JSON: u8 = 5;

/// Writes the marks section: the operations sorted by slot, then counter.
pub(crate) fn write_marks(
    marks: &MarkSet,
    body: &mut Encoder,
    slot_of: &impl Fn(ReplicaIndex) -> u64,
    width: u64,
) {
    let mut ops: Vec<&MarkOp> = marks.iter().collect();
    sort_by_key(&mut ops, |op| {
        (u128::from(slot_of(op.dot.replica)) << 64) | u128::from(op.dot.counter)
    });
    body.length(ops.len());
    let mut previous: Option<(u64, u64)> = None;
    for op in ops {
        let slot = slot_of(op.dot.replica);
        let base = match previous {
            Some((previous_slot, counter)) if previous_slot == slot => counter,
            _ => 0,
        };
        body.varint(slot);
        body.varint(op.dot.counter - base);
        body.varint(op.lamport);
        for anchor in [op.start, op.end] {
            let word = match anchor {
                Anchor::Start => START,
                Anchor::End => END,
                Anchor::Before(dot) | Anchor::After(dot) => {
                    let step = zigzag(op.dot.counter as i64 - dot.counter as i64);
                    let dot_word =
                        u128::from(step) * u128::from(width) + u128::from(slot_of(dot.replica));
                    ELEMENT + ((dot_word << 1) | u128::from(matches!(anchor, Anchor::After(_))))
                }
            };
            body.wide_varint(word);
        }
        body.str(&op.name);
        match &op.value {
            None => body.u8(UNMARK),
            Some(value) => {
                body.u8(value.tag());
                match value {
                    MarkValue::Bool(_) => {}
                    MarkValue::Number(number) => body.raw(&number.to_le_bytes()),
                    MarkValue::String(text) | MarkValue::Json { json: text } => body.str(text),
                }
            }
        }
        previous = Some((slot, op.dot.counter));
    }
}

/// Reads a marks section written by [`write_marks`]; `slots` are the store's replicas.
///
/// # Errors
/// [`DecodeError`] for an empty section, operations out of order or twice, counters out of
/// range, unknown slots, names or values too long or not UTF-8, unknown value tags and
/// numbers that are not finite.
pub(crate) fn read_marks(
    body: &mut Decoder<'_>,
    slots: &[ReplicaIndex],
) -> Result<MarkSet, DecodeError> {
    // Each op takes at least 8 bytes: slot, gap, lamport, two anchors, name (2), value.
    let count = body.length(8)?;
    if count == 0 {
        return Err(body.malformed("an empty marks section"));
    }
    let width = slots.len() as u128;
    let replica_of = |body: &Decoder<'_>, slot: u64| {
        slots
            .get(usize::try_from(slot).unwrap_or(usize::MAX))
            .copied()
            .ok_or_else(|| body.malformed("replica slot outside the sequence's list"))
    };
    let mut ops = Vec::with_capacity(count);
    let mut previous: Option<(u64, u64)> = None;
    for _ in 0..count {
        let slot = body.varint()?;
        let replica = replica_of(body, slot)?;
        let base = match previous {
            Some((previous_slot, _)) if slot < previous_slot => {
                return Err(body.malformed("mark operations out of order"));
            }
            Some((previous_slot, counter)) if previous_slot == slot => counter,
            _ => 0,
        };
        let gap = body.varint()?;
        let counter = base
            .checked_add(gap)
            .filter(|counter| gap > 0 && *counter <= MAX_COUNTER)
            .ok_or_else(|| body.malformed("mark counter out of range or out of order"))?;
        let lamport = body.varint()?;
        if lamport == 0 {
            return Err(body.malformed("a mark without a Lamport time"));
        }
        let mut anchors = [Anchor::Start; 2];
        for anchor in &mut anchors {
            let word = body.wide_varint()?;
            *anchor = match word {
                START => Anchor::Start,
                END => Anchor::End,
                _ => {
                    let word = word - ELEMENT;
                    let after = word & 1 == 1;
                    let dot_word = word >> 1;
                    if width == 0 {
                        return Err(body.malformed("a dot without replicas"));
                    }
                    let target = replica_of(body, (dot_word % width) as u64)?;
                    let step = u64::try_from(dot_word / width)
                        .map_err(|_| body.malformed("anchor counter out of range"))?;
                    let element = counter
                        .checked_add_signed(-unzigzag(step))
                        .filter(|element| (1..=MAX_COUNTER).contains(element))
                        .ok_or_else(|| body.malformed("anchor counter out of range"))?;
                    let dot = Dot::new(target, element);
                    if after {
                        Anchor::After(dot)
                    } else {
                        Anchor::Before(dot)
                    }
                }
            };
        }
        let name = body.str()?;
        if name.is_empty() || name.len() > MAX_MARK_NAME {
            return Err(body.malformed("a mark name is empty or too long"));
        }
        let tag_offset = body.position();
        let value = match body.u8()? {
            UNMARK => None,
            1 => Some(MarkValue::Bool(false)),
            2 => Some(MarkValue::Bool(true)),
            NUMBER => {
                let number = f64::from_le_bytes(body.array::<8>()?);
                if !number.is_finite() {
                    return Err(body.malformed("a mark's number is not finite"));
                }
                Some(MarkValue::Number(number))
            }
            tag @ (STRING | JSON) => {
                let text = body.str()?;
                if text.len() > MAX_MARK_VALUE {
                    return Err(body.malformed("a mark value is too long"));
                }
                let text = text.to_owned();
                Some(if tag == STRING {
                    MarkValue::String(text)
                } else {
                    MarkValue::Json { json: text }
                })
            }
            other => return Err(body.invalid("mark value tag", u64::from(other), tag_offset)),
        };
        let [start, end] = anchors;
        ops.push(MarkOp {
            dot: Dot::new(replica, counter),
            lamport,
            start,
            end,
            name: name.into(),
            value,
        });
        previous = Some((slot, counter));
    }
    Ok(MarkSet::from_ops(ops))
}

/// Refuses marks whose dot a run of the history or one of the `loose` runs
/// (`(replica, first, end)`, disjoint) claims too; the marks are unique among themselves by
/// their order.
///
/// # Errors
/// [`DecodeError::Malformed`] for a dot claimed twice.
pub(crate) fn check_marks_disjoint(
    marks: &MarkSet,
    history: &History,
    loose: impl Iterator<Item = (ReplicaIndex, u64, u64)>,
    body: &Decoder<'_>,
) -> Result<(), DecodeError> {
    let key = |replica: ReplicaIndex, counter: u64| dot_key(Dot::new(replica, counter));
    let mut ranges: Vec<(ReplicaIndex, u64, u64)> = loose.collect();
    sort_by_key(&mut ranges, |(replica, first, _)| key(*replica, *first));
    for op in marks.iter() {
        let (replica, counter) = (op.dot.replica, op.dot.counter);
        // Only the last loose run starting at or before the dot can hold it.
        let after = ranges
            .partition_point(|(other, first, _)| key(*other, *first) <= key(replica, counter));
        let in_loose = after > 0 && {
            let (other, _, end) = ranges[after - 1];
            other == replica && counter < end
        };
        if in_loose || history.overlaps(replica, counter, counter + 1) {
            return Err(body.malformed("two runs claim one change"));
        }
    }
    Ok(())
}
