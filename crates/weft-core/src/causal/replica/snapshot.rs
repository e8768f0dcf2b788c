//! A replica's snapshot: [`Replica::save`] and [`Replica::load`].

use crate::causal::Replica;
use crate::causal::delta::{Delta, check_schema};
use crate::codec::frame::{self, Kind};
use crate::codec::{Decode, Encode};
use crate::error::DecodeError;
use crate::ids::{ReplicaId, VersionVector};
use crate::store::DotStore;

impl<S: DotStore> Replica<S> {
    /// The whole replica (id, state, pending deltas) as a snapshot frame.
    #[must_use]
    pub fn save(&self) -> Vec<u8> {
        let state = self.delta_since(&VersionVector::new());
        frame::seal(Kind::Snapshot, |out| {
            S::write_schema(out);
            self.id().encode(out);
            state.encode_body(out);
            out.length(self.pending.len());
            for delta in &self.pending {
                delta.encode_body(out);
            }
            // What a peer told us of our own id, when the state and pending deltas do not
            // say it already: a replica restored from this snapshot must not reuse it.
            if self.own_floor > self.implied_own_floor() {
                out.varint(self.own_floor);
            }
            // The compaction point, after a 0 (which no floor above is).
            if !self.compacted.is_empty() {
                out.varint(0);
                self.compacted.encode(out);
            }
        })
    }

    /// A replica restored from [`Replica::save`].
    ///
    /// # Errors
    /// Any [`DecodeError`].
    pub fn load(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut input = frame::open(bytes, Kind::Snapshot)?;
        check_schema::<S>(&mut input)?;
        let id = ReplicaId::decode(&mut input)?;
        let state = Delta::<S>::decode_body(&mut input)?;
        let count = input.length(2)?;
        let mut pending = Vec::with_capacity(crate::codec::reservation::<Delta<S>>(count));
        for _ in 0..count {
            pending.push(Delta::<S>::decode_body(&mut input)?);
        }
        let mut replica = Self::new(id);
        replica.apply_owned(state);
        for delta in pending {
            replica.apply_owned(delta);
        }
        let mut next = (!input.is_at_end())
            .then(|| (input.position(), input.varint()))
            .map(|(offset, value)| value.map(|value| (offset, value)))
            .transpose()?;
        if let Some((offset, floor)) = next.filter(|(_, value)| *value != 0) {
            // Written only when above what the rest implies, so that saving again gives back
            // the same bytes.
            if floor <= replica.implied_own_floor() || floor > crate::MAX_COUNTER {
                return Err(input.invalid("own counter floor", floor, offset));
            }
            replica.own_floor = floor;
            next = (!input.is_at_end())
                .then(|| (input.position(), input.varint()))
                .map(|(offset, value)| value.map(|value| (offset, value)))
                .transpose()?;
        }
        if let Some((offset, marker)) = next {
            if marker != 0 {
                return Err(input.invalid("compaction marker", marker, offset));
            }
            let offset = input.position();
            let compacted = VersionVector::decode(&mut input)?;
            if compacted.is_empty() {
                // Written only when not empty.
                return Err(input.invalid("compaction point", 0, offset));
            }
            replica.compacted = compacted;
        }
        input.finish()?;
        Ok(replica)
    }
}
