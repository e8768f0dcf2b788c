//! The replicated types: counters, registers, sets and maps. Each is a dot store usable on
//! its own (inside a [`Replica`](crate::Replica)) or nested in a [`Map`].

mod counters;
mod map;
mod registers;
mod sets;

pub use counters::{GCounter, PNCounter};
pub use map::Map;
pub use registers::{LwwRegister, MvRegister, Stamp};
pub use sets::{AddWinsSet, GSet, RemoveWinsSet};

/// Implements the [`DotStore`](crate::store::DotStore) methods of a newtype by delegating to
/// its single field (everything but `write_schema`).
macro_rules! delegate_dot_store {
    ($inner:ty) => {
        const DEPENDS_ONLY_ON_REPLACED: bool =
            <$inner as $crate::store::DotStore>::DEPENDS_ONLY_ON_REPLACED;
        const JOINS_MAPPED: bool = <$inner as $crate::store::DotStore>::JOINS_MAPPED;
        const DROPS_COVERED: bool = <$inner as $crate::store::DotStore>::DROPS_COVERED;

        fn drop_covered(&mut self, seen: &$crate::Clock) {
            self.0.drop_covered(seen);
        }

        fn can_drop_covered(&self) -> bool {
            self.0.can_drop_covered()
        }

        fn raise_seen(&self, seen: &mut $crate::Clock) {
            self.0.raise_seen(seen);
        }

        fn compact(&mut self, stable: &$crate::Clock) -> usize {
            self.0.compact(stable)
        }

        fn is_bottom(&self) -> bool {
            self.0.is_bottom()
        }

        fn join(
            &mut self,
            context: &$crate::CausalContext,
            other: Self,
            other_context: &$crate::CausalContext,
        ) {
            self.0.join(context, other.0, other_context);
        }

        fn join_mapped(
            &mut self,
            context: &$crate::CausalContext,
            other: &Self,
            other_context: &$crate::CausalContext,
            map: &[$crate::ReplicaIndex],
        ) {
            self.0.join_mapped(context, &other.0, other_context, map);
        }

        fn join_complete(
            &mut self,
            context: &$crate::CausalContext,
            other: Self,
            other_context: &$crate::CausalContext,
        ) {
            self.0.join_complete(context, other.0, other_context);
        }

        fn delta_since(&self, since: &$crate::Clock) -> Self {
            Self(self.0.delta_since(since))
        }

        fn clear(
            &mut self,
            transaction: &mut $crate::Transaction,
            event: $crate::Dot,
            delta: &mut Self,
        ) {
            self.0.clear(transaction, event, &mut delta.0);
        }

        fn remap(&mut self, map: &[$crate::ReplicaIndex]) {
            self.0.remap(map);
        }

        fn remapped(&self, map: &[$crate::ReplicaIndex]) -> Self {
            Self(self.0.remapped(map))
        }

        fn visit_dots(&self, visit: &mut dyn FnMut($crate::Dot)) {
            self.0.visit_dots(visit);
        }

        fn visit_dot_ranges(&self, visit: &mut dyn FnMut($crate::ReplicaIndex, u64, u64)) {
            self.0.visit_dot_ranges(visit);
        }

        fn max_lamport(&self) -> u64 {
            self.0.max_lamport()
        }

        fn content_eq(&self, other: &Self) -> bool {
            self.0.content_eq(&other.0)
        }

        fn digest(
            &self,
            names: &[$crate::ReplicaId],
            path: &mut Vec<u8>,
            out: &mut $crate::DigestBuilder,
        ) {
            self.0.digest(names, path, out);
        }

        fn repair_join(&mut self, other: Self) {
            self.0.repair_join(other.0);
        }

        fn implied_by(&self, touches: &[$crate::Dot]) -> bool {
            self.0.implied_by(touches)
        }

        fn implied(touches: &[$crate::Dot]) -> Option<Self> {
            Some(Self($crate::store::DotStore::implied(touches)?))
        }

        fn check(&self) -> Result<(), $crate::InvariantViolation> {
            self.0.check()
        }
    };
}

/// `encode`/`decode` by delegation, for newtypes whose encoding is their field's.
macro_rules! delegate_codec {
    () => {
        fn encode(&self, out: &mut $crate::codec::DotWriter) {
            self.0.encode(out);
        }

        fn decode(
            input: &mut $crate::codec::DotReader<'_, '_>,
        ) -> Result<Self, $crate::DecodeError> {
            Ok(Self($crate::store::DotStore::decode(input)?))
        }
    };
}

pub(crate) use {delegate_codec, delegate_dot_store};
