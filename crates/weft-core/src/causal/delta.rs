//! `Delta`: a fragment of a replicated type's state with the causal context it speaks for.

use std::sync::Arc;

use crate::causal::CausalContext;
use crate::codec::frame::{self, Kind};
use crate::codec::{Decode, Decoder, DotReader, DotWriter, Encoder};
use crate::error::DecodeError;
use crate::ids::{Clock, MAX_COUNTER, ReplicaId, ReplicaIndex, ReplicaTable, VersionVector};
use crate::store::DotStore;

use super::delta_against as against;

const FULL: u8 = 1;
const EXTRAS: u8 = 2;

/// What one replica sends another: a fragment of its state, the causal context that fragment
/// speaks for, and the version the receiver must have reached before applying it.
///
/// Deltas come from mutations (one change, or one transaction of changes: the context is
/// exactly the dots created and replaced) and from `delta_since` (everything a replica at a
/// given version lacks: the context is the sender's whole context). A delta is applied with
/// [`Replica::apply`](crate::Replica::apply), which keeps it pending until its `since` is
/// covered. Replica indices inside a delta refer to [`Delta::replicas`].
///
/// ```
/// use weft_core::{AddWinsSet, Delta, Replica, ReplicaId};
/// let mut replica = Replica::<AddWinsSet<u32>>::new(ReplicaId::from_u128(1));
/// let delta = replica.update(|set| set.insert(7));
/// let bytes = delta.to_bytes();
/// assert!(bytes.len() <= 40);
/// let decoded = Delta::<AddWinsSet<u32>>::from_bytes(&bytes).unwrap();
/// let mut other = Replica::<AddWinsSet<u32>>::new(ReplicaId::from_u128(2));
/// other.apply(&decoded);
/// assert!(other.contains(&7));
/// ```
#[derive(Clone, Debug)]
pub struct Delta<S> {
    pub(crate) replicas: Arc<Vec<ReplicaId>>,
    pub(crate) since: Clock,
    pub(crate) context: CausalContext,
    pub(crate) store: S,
}

impl<S: DotStore> Delta<S> {
    /// The delta that changes nothing.
    #[must_use]
    pub fn empty() -> Self {
        Self {
            replicas: Arc::default(),
            since: Clock::default(),
            context: CausalContext::default(),
            store: S::default(),
        }
    }

    /// Whether the delta carries no change.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.context.is_empty()
    }

    /// The replica table the delta's indices refer to.
    #[must_use]
    pub fn replicas(&self) -> &[ReplicaId] {
        &self.replicas
    }

    /// The version a replica must have reached before this delta can be applied.
    #[must_use]
    pub fn since(&self) -> VersionVector {
        VersionVector::from_clock(&self.since, &self.table())
    }

    /// The contiguous part of the context this delta speaks for, as a version vector.
    #[must_use]
    pub fn covered(&self) -> VersionVector {
        VersionVector::from_clock(self.context.clock(), &self.table())
    }

    /// Every change the delta speaks for, as `(replica, first, last)` inclusive counter ranges.
    #[must_use]
    pub fn changes(&self) -> Vec<(ReplicaId, u64, u64)> {
        let named = |replica: ReplicaIndex| self.replicas[replica.as_usize()];
        self.context
            .clock()
            .iter()
            .map(|(replica, last)| (named(replica), 1, last))
            .chain(
                self.context
                    .cloud()
                    .map(|(replica, first, last)| (named(replica), first, last)),
            )
            .collect()
    }

    /// The causal context the fragment speaks for (indices refer to [`Delta::replicas`]).
    #[must_use]
    pub fn context(&self) -> &CausalContext {
        &self.context
    }

    /// The state fragment (indices refer to [`Delta::replicas`]).
    #[must_use]
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The delta as a self-contained frame (magic, version, CRC-32).
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        frame::seal(Kind::Delta, |out| {
            S::write_schema(out);
            self.encode_body(out);
        })
    }

    /// Reads a delta written by [`Delta::to_bytes`].
    ///
    /// # Errors
    /// Any [`DecodeError`]: a damaged frame, another data type, malformed contents, or a
    /// fragment mentioning a dot outside its context.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut input = frame::open(bytes, Kind::Delta)?;
        check_schema::<S>(&mut input)?;
        let delta = Self::decode_body(&mut input)?;
        input.finish()?;
        Ok(delta)
    }

    /// Writes the delta without a frame (for embedding in larger messages).
    pub fn encode_body(&self, out: &mut Encoder) {
        self.encode_body_with(out, None);
    }

    /// Writes the delta without a frame, against `base` if given (see [`Delta::to_bytes_against`]).
    pub(crate) fn encode_body_with(&self, out: &mut Encoder, base: Option<&VersionVector>) {
        let mut ids: Vec<ReplicaId> = self.replicas.to_vec();
        let mut written = self.written_context();
        let mut implied = Vec::new();
        if let Some(base) = base {
            if written.full {
                implied = against::reduce(&mut written, &mut ids, base);
            }
            against::order_by_id(&mut written, &ids);
        }
        let mut used: Vec<ReplicaIndex> = written.entries.iter().map(|entry| entry.0).collect();
        used.extend(written.extras.iter().map(|extra| extra.0));
        self.store
            .visit_dot_ranges(&mut |replica, _, _| used.push(replica));
        loop {
            let (mut writer, table) = DotWriter::new(&ids, used.iter().copied());
            write_context(&mut writer, &written, &implied);
            self.store.encode(&mut writer);
            if writer.undeclared().is_empty() {
                match base {
                    None => {
                        out.length(table.len());
                        for id in &table {
                            out.raw(&id.to_bytes());
                        }
                    }
                    Some(base) => against::write_table(out, &table, base),
                }
                out.raw(writer.finish().as_bytes());
                return;
            }
            // A store named a replica its dot ranges do not show (a sequence's origins can):
            // write again with it declared. The set only grows, so this ends.
            used.extend_from_slice(writer.undeclared());
        }
    }

    /// Reads a delta written by [`Delta::encode_body`].
    ///
    /// # Errors
    /// Any [`DecodeError`].
    pub fn decode_body(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        Self::decode_body_with(input, None)
    }

    /// Reads a delta body written by [`Delta::encode_body_with`] with the same `base`.
    pub(crate) fn decode_body_with(
        input: &mut Decoder<'_>,
        base: Option<&VersionVector>,
    ) -> Result<Self, DecodeError> {
        let ids = match base {
            None => read_table(input)?,
            Some(base) => against::read_table(input, base)?,
        };
        // A table in strictly increasing order has no duplicate: only another order needs
        // the lookup that finds one.
        if !ids.windows(2).all(|pair| pair[0] < pair[1]) {
            ReplicaTable::from_ids(ids.clone()).map_err(|replica| {
                DecodeError::DuplicateReplica {
                    replica: replica.to_string(),
                }
            })?;
        }
        let ids = Arc::new(ids);
        let mut reader = DotReader::new(input, Arc::clone(&ids));
        let read = read_context(&mut reader)?;
        let (mut since, mut context) = (read.since, read.context);
        let mut implied = Vec::new();
        if let Some(base) = base
            && read.full
        {
            implied = against::implied_in_table(reader.table(), &read.explicit, base);
            for (replica, counter) in &implied {
                since.set(*replica, *counter);
                context.insert_range(*replica, 1, *counter);
                reader.set_base(*replica, *counter);
            }
        }
        // The writer's table holds exactly the replicas of `since` and the context (every dot
        // of the store is in the context): the store may name no other.
        reader.restrict_to(
            since
                .iter()
                .chain(context.clock().iter())
                .map(|(replica, _)| replica)
                .chain(context.cloud().map(|(replica, _, _)| replica))
                .chain(implied.iter().map(|(replica, _)| *replica)),
        );
        let store = S::decode(&mut reader)?;
        let mut outside = false;
        store.visit_dot_ranges(&mut |replica, first, last| {
            outside |= first == 0 || first > last || !context.includes_range(replica, first, last);
        });
        if outside {
            return Err(reader.malformed("the fragment mentions a dot outside its context"));
        }
        context.observe_lamport(store.max_lamport());
        let mut delta = Self {
            replicas: ids,
            since,
            context,
            store,
        };
        if let Some(base) = base
            && read.full
        {
            against::imply_outside_table(&mut delta, base);
        }
        Ok(delta)
    }

    fn table(&self) -> ReplicaTable {
        ReplicaTable::from_ids(self.replicas.to_vec()).unwrap_or_default()
    }

    /// `since` and the context as written: per replica `(since, advance)`, where the context
    /// holds `(since, since + advance]` (and everything up to `since` when FULL), then the
    /// dots not covered that way as ranges.
    fn written_context(&self) -> WrittenContext {
        let clock = self.context.clock();
        let mut replicas: Vec<ReplicaIndex> = self
            .since
            .iter()
            .chain(clock.iter())
            .map(|(replica, _)| replica)
            .chain(self.context.cloud().map(|(replica, _, _)| replica))
            .collect();
        crate::sorting::sort_by_key(&mut replicas, |replica| {
            crate::sorting::replica_index_key(*replica)
        });
        replicas.dedup();
        let full = self
            .since
            .iter()
            .all(|(replica, since)| clock.get(replica) >= since);
        let mut entries = Vec::with_capacity(replicas.len());
        let mut extras = Vec::new();
        for replica in replicas {
            let since = self.since.get(replica);
            let top = clock.get(replica);
            let advance = if top > since {
                top - since
            } else {
                self.context
                    .cloud()
                    .find(|(r, first, _)| *r == replica && *first == since + 1)
                    .map_or(0, |(_, _, last)| last - since)
            };
            let covered = (if full { 1 } else { since + 1 }, since + advance);
            let mut ranges: Vec<(u64, u64)> = Vec::new();
            if top > 0 {
                ranges.push((1, top));
            }
            ranges.extend(
                self.context
                    .cloud()
                    .filter(|(r, _, _)| *r == replica)
                    .map(|(_, first, last)| (first, last)),
            );
            for (first, last) in ranges {
                for piece in subtract((first, last), covered) {
                    extras.push((replica, piece));
                }
            }
            entries.push((replica, since, advance));
        }
        WrittenContext {
            full,
            entries,
            extras,
        }
    }
}

/// A delta's `since` and context in the form they are written.
#[derive(Debug)]
pub(crate) struct WrittenContext {
    /// The context holds everything up to each entry's `since`.
    pub(crate) full: bool,
    /// `(replica, since, advance)`, each replica once.
    pub(crate) entries: Vec<(ReplicaIndex, u64, u64)>,
    /// Ranges of the context the entries do not cover.
    pub(crate) extras: Vec<(ReplicaIndex, (u64, u64))>,
}

/// Writes the context; `implied` are replicas whose entry the base implies (their dots are
/// written relative to the base's counter, as a written entry's are to its `since`).
fn write_context(out: &mut DotWriter, written: &WrittenContext, implied: &[(ReplicaIndex, u64)]) {
    let flags =
        if written.full { FULL } else { 0 } | if written.extras.is_empty() { 0 } else { EXTRAS };
    out.u8(flags);
    out.length(written.entries.len());
    for (replica, since, advance) in &written.entries {
        out.replica(*replica);
        out.varint(*since);
        out.varint(*advance);
        out.set_base(*replica, *since);
    }
    for (replica, counter) in implied {
        if out.is_declared(*replica) {
            out.set_base(*replica, *counter);
        }
    }
    if !written.extras.is_empty() {
        out.length(written.extras.len());
        for (replica, (first, last)) in &written.extras {
            out.replica(*replica);
            out.varint(*first);
            out.varint(last - first);
        }
    }
}

/// Reads a replica table written as a length and sorted 16-byte ids.
fn read_table(input: &mut Decoder<'_>) -> Result<Vec<ReplicaId>, DecodeError> {
    let count = input.length(16)?;
    let mut ids: Vec<ReplicaId> = Vec::with_capacity(count);
    for _ in 0..count {
        let id = ReplicaId::decode(input)?;
        // Writers sort the table (the store's order follows it): refuse any other order.
        if let Some(previous) = ids.last()
            && *previous > id
        {
            return Err(input.malformed("replica table out of order"));
        }
        ids.push(id);
    }
    Ok(ids)
}

/// Checks the schema bytes of `S` at the start of `input`.
///
/// # Errors
/// [`DecodeError::SchemaMismatch`] if they differ, or [`DecodeError::UnexpectedEnd`].
pub(crate) fn check_schema<S: DotStore>(input: &mut Decoder<'_>) -> Result<(), DecodeError> {
    let mut expected = Encoder::new();
    S::write_schema(&mut expected);
    let offset = input.position();
    let found = input.raw(expected.len())?;
    if found == expected.as_bytes() {
        Ok(())
    } else {
        Err(DecodeError::SchemaMismatch { offset })
    }
}

/// A context as read: `since`, the context, whether FULL was set, and which table positions
/// had an entry.
struct ReadContext {
    since: Clock,
    context: CausalContext,
    full: bool,
    explicit: Vec<bool>,
}

fn read_context(input: &mut DotReader<'_, '_>) -> Result<ReadContext, DecodeError> {
    let flags_offset = input.position();
    let flags = input.u8()?;
    if flags & !(FULL | EXTRAS) != 0 {
        return Err(input.invalid("context flags", flags.into(), flags_offset));
    }
    let count = input.length(3)?;
    let mut since = Clock::default();
    let mut context = CausalContext::default();
    let mut seen = vec![false; input.table().len()];
    for _ in 0..count {
        let replica = input.replica()?;
        if std::mem::replace(&mut seen[replica.as_usize()], true) {
            return Err(input.malformed("a replica appears twice in the context"));
        }
        let from = input.varint()?;
        let advance = input.varint()?;
        let top = from
            .checked_add(advance)
            .filter(|top| *top <= MAX_COUNTER)
            .ok_or_else(|| input.malformed("context range out of bounds"))?;
        since.set(replica, from);
        let first = if flags & FULL != 0 {
            1
        } else {
            from.saturating_add(1)
        };
        context.insert_range(replica, first, top);
        input.set_base(replica, from);
    }
    if flags & EXTRAS != 0 {
        let count = input.length(3)?;
        for _ in 0..count {
            let replica = input.replica()?;
            let first = input.varint()?;
            let span = input.varint()?;
            let last = first
                .checked_add(span)
                .filter(|last| first > 0 && *last <= MAX_COUNTER)
                .ok_or_else(|| input.malformed("context range out of bounds"))?;
            context.insert_range(replica, first, last);
        }
    }
    Ok(ReadContext {
        since,
        context,
        full: flags & FULL != 0,
        explicit: seen,
    })
}

/// `range` minus `covered` (both inclusive; `covered` may be empty when its start exceeds its
/// end): at most two pieces.
fn subtract(range: (u64, u64), covered: (u64, u64)) -> impl Iterator<Item = (u64, u64)> {
    let (first, last) = range;
    let (low, high) = covered;
    let pieces = if low > high || high < first || low > last {
        [Some((first, last)), None]
    } else {
        [
            (first < low).then(|| (first, low - 1)),
            (high < last).then(|| (high + 1, last)),
        ]
    };
    pieces.into_iter().flatten()
}

#[cfg(test)]
mod tests {
    use super::subtract;

    #[test]
    fn subtract_cases() {
        let pieces = |range, covered| subtract(range, covered).collect::<Vec<_>>();
        assert_eq!(pieces((1, 10), (3, 5)), vec![(1, 2), (6, 10)]);
        assert_eq!(pieces((1, 10), (1, 10)), vec![]);
        assert_eq!(pieces((1, 10), (11, 12)), vec![(1, 10)]);
        assert_eq!(pieces((4, 10), (1, 5)), vec![(6, 10)]);
        assert_eq!(pieces((4, 10), (6, 5)), vec![(4, 10)]);
    }
}
