//! Writing and reading dots against a per-message replica table.
//!
//! A message names each replica it mentions once, in a table sorted by `ReplicaId`, and then
//! refers to replicas by their position in that table. A dot is one varint:
//! `zigzag(counter - previous[replica]) * table_len + replica`, where `previous[replica]` is
//! the last counter written for that replica (or the base the message set for it). Runs of
//! dots from one replica therefore take one byte each.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use crate::codec::{Decoder, Encoder, varint};
use crate::error::DecodeError;
use crate::ids::{Dot, MAX_COUNTER, ReplicaId, ReplicaIndex};

const UNASSIGNED: u32 = u32::MAX;

/// An [`Encoder`] that also writes replicas and dots against a message's replica table.
///
/// ```
/// use weft_core::codec::{DotReader, DotWriter, Decoder};
/// use weft_core::{Dot, ReplicaId, ReplicaIndex};
/// let ids = [ReplicaId::from_u128(5), ReplicaId::from_u128(3)];
/// let used = [ReplicaIndex(0), ReplicaIndex(1)];
/// let (mut writer, table) = DotWriter::new(&ids, used.iter().copied());
/// assert_eq!(table, vec![ReplicaId::from_u128(3), ReplicaId::from_u128(5)]);
/// writer.dot(Dot::new(ReplicaIndex(0), 7));
/// writer.dot(Dot::new(ReplicaIndex(0), 8));
/// let bytes = writer.finish().into_bytes();
/// let mut input = Decoder::new(&bytes);
/// let mut reader = DotReader::new(&mut input, table.into());
/// // Indices now refer to the message table, where id 5 is at position 1.
/// assert_eq!(reader.dot()?, Dot::new(ReplicaIndex(1), 7));
/// assert_eq!(reader.dot()?, Dot::new(ReplicaIndex(1), 8));
/// # Ok::<(), weft_core::DecodeError>(())
/// ```
#[derive(Debug)]
pub struct DotWriter {
    out: Encoder,
    wire_of_local: Vec<u32>,
    previous: Vec<u64>,
    width: u64,
    /// Replicas written without having been declared as used (their bytes are placeholders):
    /// the caller writes the message again with them declared (see [`DotWriter::undeclared`]).
    undeclared: Vec<ReplicaIndex>,
}

impl DotWriter {
    /// A writer for a message mentioning the replicas `used` (indices into `local_ids`).
    /// Returns the writer and the message's replica table, sorted by id, which the caller
    /// writes ahead of the body.
    ///
    /// # Panics
    /// If a used index is outside `local_ids` (a logic error in the caller).
    #[must_use]
    pub fn new(
        local_ids: &[ReplicaId],
        used: impl Iterator<Item = ReplicaIndex>,
    ) -> (Self, Vec<ReplicaId>) {
        let mut marked = vec![false; local_ids.len()];
        for index in used {
            marked[index.as_usize()] = true;
        }
        let mut chosen: Vec<(ReplicaId, usize)> = marked
            .iter()
            .enumerate()
            .filter(|(_, used)| **used)
            .map(|(local, _)| (local_ids[local], local))
            .collect();
        // The ids are distinct, so ordering by id alone is the order of the pairs.
        crate::sorting::sort_by_key(&mut chosen, |(id, _)| crate::sorting::replica_id_key(*id));
        let mut wire_of_local = vec![UNASSIGNED; local_ids.len()];
        for (wire, (_, local)) in chosen.iter().enumerate() {
            wire_of_local[*local] = wire as u32;
        }
        let table: Vec<ReplicaId> = chosen.iter().map(|(id, _)| *id).collect();
        let writer = Self {
            out: Encoder::new(),
            wire_of_local,
            previous: vec![0; table.len()],
            width: table.len() as u64,
            undeclared: Vec::new(),
        };
        (writer, table)
    }

    /// Writes `replica` as its position in the message table (a placeholder if it was not
    /// declared as used: see [`DotWriter::undeclared`]).
    pub fn replica(&mut self, replica: ReplicaIndex) {
        let wire = self.wire(replica).unwrap_or(0);
        self.out.varint(u64::from(wire));
    }

    /// Writes `dot` relative to the last counter written for its replica (a placeholder if
    /// the replica was not declared as used: see [`DotWriter::undeclared`]).
    pub fn dot(&mut self, dot: Dot) {
        let Some(wire) = self.wire(dot.replica) else {
            self.out.varint(0);
            return;
        };
        let previous = &mut self.previous[wire as usize];
        let step = varint::zigzag(dot.counter.wrapping_sub(*previous) as i64);
        *previous = dot.counter;
        // Wide: with counters up to 2^53 and more than 1,024 replicas the word passes 64 bits
        // (a narrower word would wrap and decode as another dot).
        self.out
            .wide_varint(u128::from(step) * u128::from(self.width) + u128::from(wire));
    }

    /// Writes a counter of `replica` relative to the last one written for it, without the
    /// replica (the reader knows it from context).
    pub fn counter(&mut self, replica: ReplicaIndex, counter: u64) {
        let Some(wire) = self.wire(replica).map(|wire| wire as usize) else {
            self.out.varint(0);
            return;
        };
        let step = varint::zigzag(counter.wrapping_sub(self.previous[wire]) as i64);
        self.previous[wire] = counter;
        self.out.varint(step);
    }

    /// Whether `replica` was declared as used (it has a position in the message table).
    ///
    /// ```
    /// use weft_core::codec::DotWriter;
    /// use weft_core::{ReplicaId, ReplicaIndex};
    /// let ids = [ReplicaId::from_u128(1), ReplicaId::from_u128(2)];
    /// let (writer, _) = DotWriter::new(&ids, [ReplicaIndex(1)].into_iter());
    /// assert!(writer.is_declared(ReplicaIndex(1)) && !writer.is_declared(ReplicaIndex(0)));
    /// ```
    #[must_use]
    pub fn is_declared(&self, replica: ReplicaIndex) -> bool {
        self.wire_of_local
            .get(replica.as_usize())
            .is_some_and(|wire| *wire != UNASSIGNED)
    }

    /// Makes `counter` the reference for the next dot of `replica`.
    pub fn set_base(&mut self, replica: ReplicaIndex, counter: u64) {
        if let Some(wire) = self.wire(replica) {
            self.previous[wire as usize] = counter;
        }
    }

    /// The replicas written that were not declared as used. Empty for a message written
    /// right; otherwise its bytes are not valid, and the message must be written again with
    /// these declared too (which `Delta::encode_body` does), so no store can make an encoder
    /// fail.
    ///
    /// ```
    /// use weft_core::codec::DotWriter;
    /// use weft_core::{Dot, ReplicaId, ReplicaIndex};
    /// let ids = [ReplicaId::from_u128(1), ReplicaId::from_u128(2)];
    /// let (mut writer, _) = DotWriter::new(&ids, [ReplicaIndex(0)].into_iter());
    /// writer.dot(Dot::new(ReplicaIndex(0), 1));
    /// assert!(writer.undeclared().is_empty());
    /// writer.dot(Dot::new(ReplicaIndex(1), 4)); // not declared: no panic, noted
    /// writer.replica(ReplicaIndex(1));
    /// assert_eq!(writer.undeclared(), [ReplicaIndex(1)]);
    /// ```
    #[must_use]
    pub fn undeclared(&self) -> &[ReplicaIndex] {
        &self.undeclared
    }

    /// The body written so far.
    #[must_use]
    pub fn finish(self) -> Encoder {
        self.out
    }

    fn wire(&mut self, replica: ReplicaIndex) -> Option<u32> {
        let wire = self
            .wire_of_local
            .get(replica.as_usize())
            .copied()
            .filter(|wire| *wire != UNASSIGNED);
        if wire.is_none() && !self.undeclared.contains(&replica) {
            self.undeclared.push(replica);
        }
        wire
    }
}

impl Deref for DotWriter {
    type Target = Encoder;

    fn deref(&self) -> &Encoder {
        &self.out
    }
}

impl DerefMut for DotWriter {
    fn deref_mut(&mut self) -> &mut Encoder {
        &mut self.out
    }
}

/// A [`Decoder`] that also reads replicas and dots against a message's replica table.
/// Indices it returns are positions in that table.
#[derive(Debug)]
pub struct DotReader<'input, 'bytes> {
    input: &'input mut Decoder<'bytes>,
    table: Arc<Vec<ReplicaId>>,
    previous: Vec<u64>,
    /// Once set (see [`DotReader::restrict_to`]), the table positions the body may name.
    declared: Option<Vec<bool>>,
}

impl<'input, 'bytes> DotReader<'input, 'bytes> {
    /// A reader for a body written against `table`.
    #[must_use]
    pub fn new(input: &'input mut Decoder<'bytes>, table: Arc<Vec<ReplicaId>>) -> Self {
        let previous = vec![0; table.len()];
        Self {
            input,
            table,
            previous,
            declared: None,
        }
    }

    /// From now on, accepts only the replicas in `declared` (positions in the table): a
    /// replica or dot naming another one is [`DecodeError::UndeclaredReplica`].
    ///
    /// A message's writer names in its table exactly the replicas its context declares (see
    /// [`DotWriter::new`]), and can write no other: a store read after the context must
    /// mention no other, or the message could not be written again.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft_core::codec::{Decoder, DotReader};
    /// use weft_core::{DecodeError, ReplicaId, ReplicaIndex};
    /// let table = Arc::new(vec![ReplicaId::from_u128(1), ReplicaId::from_u128(2)]);
    /// let mut input = Decoder::new(&[0, 1]);
    /// let mut reader = DotReader::new(&mut input, table);
    /// reader.restrict_to([ReplicaIndex(0)]);
    /// assert_eq!(reader.replica()?, ReplicaIndex(0));
    /// assert!(matches!(reader.replica(), Err(DecodeError::UndeclaredReplica { index: 1, .. })));
    /// # Ok::<(), DecodeError>(())
    /// ```
    pub fn restrict_to(&mut self, declared: impl IntoIterator<Item = ReplicaIndex>) {
        let mut allowed = vec![false; self.table.len()];
        for replica in declared {
            if let Some(slot) = allowed.get_mut(replica.as_usize()) {
                *slot = true;
            }
        }
        self.declared = Some(allowed);
    }

    /// The message's replica table.
    #[must_use]
    pub fn table(&self) -> &Arc<Vec<ReplicaId>> {
        &self.table
    }

    /// Reads a replica position.
    ///
    /// # Errors
    /// [`DecodeError::UnknownReplica`] if it is outside the table, or a varint error.
    pub fn replica(&mut self) -> Result<ReplicaIndex, DecodeError> {
        let offset = self.input.position();
        let value = self.input.varint()?;
        self.check(value, offset)
    }

    /// Reads a dot.
    ///
    /// # Errors
    /// [`DecodeError::UnknownReplica`], [`DecodeError::Malformed`] for a counter of 0 or one
    /// that overflows, or a varint error.
    pub fn dot(&mut self) -> Result<Dot, DecodeError> {
        let offset = self.input.position();
        let value = self.input.wide_varint()?;
        let width = self.table.len() as u64;
        if width == 0 {
            return Err(DecodeError::UnknownReplica {
                offset,
                index: u64::try_from(value).unwrap_or(u64::MAX),
                table_len: 0,
            });
        }
        // In 64-bit arithmetic when the word fits (128-bit division is a library call on
        // 32-bit targets); the remainder is below the table's length, which fits 64 bits.
        let (slot, step) = match u64::try_from(value) {
            Ok(narrow) => (narrow % width, Some(narrow / width)),
            Err(_) => {
                let wide = u128::from(width);
                ((value % wide) as u64, u64::try_from(value / wide).ok())
            }
        };
        let replica = self.check(slot, offset)?;
        let step = step.ok_or_else(|| self.input.malformed("dot counter out of range"))?;
        let counter = self.step(replica, step)?;
        Ok(Dot::new(replica, counter))
    }

    /// Reads a counter of `replica` written with [`DotWriter::counter`].
    ///
    /// # Errors
    /// [`DecodeError::Malformed`] for a counter of 0 or one that overflows, or a varint error.
    pub fn counter(&mut self, replica: ReplicaIndex) -> Result<u64, DecodeError> {
        let step = self.input.varint()?;
        self.step(replica, step)
    }

    /// Makes `counter` the reference for the next dot of `replica` (a position read by
    /// [`DotReader::replica`]; a position outside the table changes nothing).
    pub fn set_base(&mut self, replica: ReplicaIndex, counter: u64) {
        if let Some(previous) = self.previous.get_mut(replica.as_usize()) {
            *previous = counter;
        }
    }

    /// Runs `read` one nesting level deeper (see [`Decoder::nested`]).
    ///
    /// # Errors
    /// [`DecodeError::TooDeep`], or whatever `read` returns.
    pub fn nested_store<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        self.input.enter()?;
        let result = read(self);
        self.input.leave();
        result
    }

    fn step(&mut self, replica: ReplicaIndex, zigzagged: u64) -> Result<u64, DecodeError> {
        let step = varint::unzigzag(zigzagged);
        let slot = replica.as_usize();
        let counter = self
            .previous
            .get(slot)
            .and_then(|previous| previous.checked_add_signed(step))
            .filter(|counter| (1..=MAX_COUNTER).contains(counter))
            .ok_or_else(|| self.input.malformed("dot counter out of range"))?;
        self.set_base(replica, counter);
        Ok(counter)
    }

    fn check(&self, value: u64, offset: usize) -> Result<ReplicaIndex, DecodeError> {
        let position = usize::try_from(value)
            .ok()
            .filter(|position| *position < self.table.len())
            .ok_or(DecodeError::UnknownReplica {
                offset,
                index: value,
                table_len: self.table.len(),
            })?;
        let declared = self
            .declared
            .as_ref()
            .is_none_or(|declared| declared[position]);
        if !declared {
            return Err(DecodeError::UndeclaredReplica {
                offset,
                index: value,
            });
        }
        // The table's length came from a length prefix of 16-byte ids, far below 2^32.
        u32::try_from(position)
            .map(ReplicaIndex)
            .map_err(|_| DecodeError::UnknownReplica {
                offset,
                index: value,
                table_len: self.table.len(),
            })
    }
}

impl<'bytes> Deref for DotReader<'_, 'bytes> {
    type Target = Decoder<'bytes>;

    fn deref(&self) -> &Decoder<'bytes> {
        self.input
    }
}

impl<'bytes> DerefMut for DotReader<'_, 'bytes> {
    fn deref_mut(&mut self) -> &mut Decoder<'bytes> {
        self.input
    }
}
