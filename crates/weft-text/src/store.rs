//! The [`DotStore`](weft_core::store::DotStore) implementation shared by `List` and `Text`.

/// Implements `DotStore` for a newtype over `Sequence` with the given schema tag.
macro_rules! sequence_dot_store {
    ($type:ty, $tag:expr $(, $generic:ident: $bound:path)?) => {
        impl$(<$generic: $bound>)? weft_core::store::DotStore for $type {
            fn write_schema(out: &mut weft_core::codec::Encoder) {
                out.u8($tag);
            }

            fn is_bottom(&self) -> bool {
                self.0.is_bottom_store()
            }

            fn join(
                &mut self,
                context: &weft_core::CausalContext,
                other: Self,
                _other_context: &weft_core::CausalContext,
            ) {
                self.0.join(context, other.0);
            }

            fn delta_since(&self, since: &weft_core::Clock) -> Self {
                Self(self.0.delta_since(since))
            }

            fn clear(
                &mut self,
                transaction: &mut weft_core::Transaction,
                _event: weft_core::Dot,
                delta: &mut Self,
            ) {
                let length = self.0.len();
                // Deleting everything visible cannot be out of range.
                let _ = self
                    .0
                    .delete_local(transaction, 0, length, Some(&mut delta.0));
            }

            fn remap(&mut self, map: &[weft_core::ReplicaIndex]) {
                self.0.remap(map);
            }

            fn visit_dots(&self, visit: &mut dyn FnMut(weft_core::Dot)) {
                self.0.visit_ranges(&mut |replica, first, last| {
                    for counter in first..=last {
                        visit(weft_core::Dot::new(replica, counter));
                    }
                });
            }

            fn visit_dot_ranges(
                &self,
                visit: &mut dyn FnMut(weft_core::ReplicaIndex, u64, u64),
            ) {
                self.0.visit_ranges(visit);
            }

            fn digest(
                &self,
                names: &[weft_core::ReplicaId],
                path: &mut Vec<u8>,
                out: &mut weft_core::DigestBuilder,
            ) {
                // One atom per dot held, added a run at a time (a run's cost does not grow
                // with its length, and runs split differently digest the same).
                let mut prefix = Vec::with_capacity(path.len() + 24);
                self.0.visit_ranges(&mut |replica, first, last| {
                    prefix.clear();
                    prefix.extend_from_slice(path);
                    prefix.extend_from_slice(b"run");
                    prefix.extend_from_slice(&names[replica.as_usize()].to_bytes());
                    out.add_counter_range(&prefix, first, last);
                });
            }

            fn max_lamport(&self) -> u64 {
                self.0.marks.max_lamport()
            }

            fn repair_join(&mut self, other: Self) {
                // Integrate exactly the runs this store does not hold.
                let held = self.0.held();
                self.0.join(&held, other.0);
            }

            fn content_eq(&self, other: &Self) -> bool {
                self.0.same_content(&other.0)
            }

            fn encode(&self, out: &mut weft_core::codec::DotWriter) {
                $crate::codec::encode(&self.0, out);
            }

            fn decode(
                input: &mut weft_core::codec::DotReader<'_, '_>,
            ) -> Result<Self, weft_core::DecodeError> {
                input.nested_store(|input| $crate::codec::decode(input).map(Self))
            }

            fn check(&self) -> Result<(), weft_core::InvariantViolation> {
                self.0.tree.check()
            }
        }
    };
}

pub(crate) use sequence_dot_store;
