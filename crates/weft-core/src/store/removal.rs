//! Removal records: how a map slot remembers "drop what this version saw under this key".
//!
//! Removing a key whose nested store supports it ([`DotStore::DROPS_COVERED`]) writes no dead
//! entry per element below the key: the slot keeps a *removal record*, the remover's view of
//! the key as a clock (per replica, the latest change of that replica the key's store
//! mentioned). A receiver drops, under that key, every live dot the record covers, now and
//! whenever such a dot arrives later, so the record costs O(replicas) bytes whatever the key
//! held. Two records of one key join by pointwise maximum: the down-set of a clock is a
//! product of per-replica prefixes, so the maximum covers exactly the union of what either
//! removal dropped. See `docs/FORMAT.md` ("Removal records") and `docs/ARCHITECTURE.md`.

use crate::codec::{DotReader, DotWriter};
use crate::error::DecodeError;
use crate::ids::{Clock, Dot, MAX_COUNTER};
use crate::store::DotStore;

/// The clock a removal of `value` records: every dot `value` mentions and every removal record
/// nested in it.
pub(crate) fn seen_by<V: DotStore>(value: &V) -> Clock {
    let mut seen = Clock::default();
    value.raise_seen(&mut seen);
    seen
}

/// Whether `value` mentions more than `limit` dots (live or bookkeeping).
pub(crate) fn mentions_more_than<V: DotStore>(value: &V, limit: usize) -> bool {
    let mut count: u64 = 0;
    value.visit_dot_ranges(&mut |_, first, last| {
        count = count.saturating_add(last - first + 1);
    });
    count > limit as u64
}

/// Joins the record `incoming` into `mine`; returns whether `mine` grew.
pub(crate) fn join_record(mine: &mut Option<Clock>, incoming: &Clock) -> bool {
    match mine {
        Some(record) if record.dominates(incoming) => false,
        Some(record) => {
            record.join(incoming);
            true
        }
        None if incoming.is_empty() => false,
        None => {
            *mine = Some(incoming.clone());
            true
        }
    }
}

/// Whether every dot of `dots` is covered by `clock`.
pub(crate) fn covers_dots(clock: &Clock, dots: &[Dot]) -> bool {
    dots.iter().all(|dot| clock.contains(*dot))
}

/// Writes a record: its number of entries, then per replica its position in the message
/// table and the counter (plain, not relative).
pub(crate) fn encode_record(record: &Clock, out: &mut DotWriter) {
    out.length(record.iter().count());
    for (replica, counter) in record.iter() {
        out.replica(replica);
        out.varint(counter);
    }
}

/// Reads a record written by [`encode_record`].
///
/// # Errors
/// [`DecodeError`] for a truncated record, an unknown replica, a replica named twice, a counter
/// of 0 or above [`MAX_COUNTER`], or an empty record (the writer never writes one).
pub(crate) fn decode_record(input: &mut DotReader<'_, '_>) -> Result<Clock, DecodeError> {
    // Each entry takes at least two bytes: the length cannot ask for more than the input holds.
    let count = input.length(2)?;
    if count == 0 {
        return Err(input.malformed("an empty removal record"));
    }
    let mut record = Clock::default();
    for _ in 0..count {
        let replica = input.replica()?;
        let offset = input.position();
        let counter = input.varint()?;
        if counter == 0 || counter > MAX_COUNTER {
            return Err(input.invalid("removal record counter", counter, offset));
        }
        if record.get(replica) != 0 {
            return Err(input.malformed("a replica appears twice in a removal record"));
        }
        record.set(replica, counter);
    }
    Ok(record)
}
