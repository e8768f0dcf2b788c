//! The wire form of `Keyed` (FORMAT.md, "Stores" and "Removal records").

use smallvec::SmallVec;

use crate::codec::{DotReader, DotWriter};
use crate::error::DecodeError;
use crate::ids::Dot;
use crate::sorting;
use crate::store::removal;
use crate::store::{DotStore, Key, Keyed, Slot};

impl<K: Key, V: DotStore> Keyed<K, V> {
    /// [`DotStore::encode`] for `Keyed` (see FORMAT.md, "Stores" and "Removal records").
    pub(super) fn encode_slots(&self, out: &mut DotWriter) {
        // Slots in the order of their first touch, so that runs of one replica's changes are
        // written as small steps.
        let first_touches: Vec<u128> = self
            .slots
            .values()
            .map(|slot| {
                slot.touches
                    .first()
                    .map_or(0, |dot| sorting::dot_key(*dot) + 1)
            })
            .collect();
        let order = sorting::stable_order(&first_touches);
        out.length(order.len());
        for (key, slot) in order
            .into_iter()
            .filter_map(|position| self.slots.get_index(position))
        {
            key.encode(out);
            if slot.removal.is_some() {
                // A header of 0 (no touches: never written otherwise) announces a slot with a
                // removal record, written after its value.
                out.varint(0);
            }
            let implied = slot.value.implied_by(&slot.touches);
            out.varint(((slot.touches.len() as u64) << 1) | u64::from(implied));
            for dot in &slot.touches {
                out.dot(*dot);
            }
            if !implied {
                slot.value.encode(out);
            }
            if let Some(record) = &slot.removal {
                removal::encode_record(record, out);
            }
        }
    }

    /// [`DotStore::decode`] for `Keyed`.
    ///
    /// # Errors
    /// Any [`DecodeError`]; nothing is allocated beyond what the input can justify.
    pub(super) fn decode_slots(input: &mut DotReader<'_, '_>) -> Result<Self, DecodeError> {
        let count = input.length(K::MIN_ENCODED_LEN + 2)?;
        let mut keyed = Self::unindexed();
        keyed
            .slots
            .reserve(crate::codec::reservation::<(K, Slot<V>)>(count));
        for _ in 0..count {
            let key = input.nested(K::decode)?;
            let mut header_offset = input.position();
            let mut header = input.varint()?;
            let has_record = header == 0;
            if has_record {
                if !V::DROPS_COVERED {
                    return Err(input.malformed("a removal record for a type without one"));
                }
                header_offset = input.position();
                header = input.varint()?;
            }
            let touch_count = usize::try_from(header >> 1)
                .ok()
                .filter(|count| *count >= 1 && *count <= input.remaining())
                .ok_or_else(|| input.invalid("touch count", header >> 1, header_offset))?;
            let mut touches = SmallVec::with_capacity(touch_count);
            for _ in 0..touch_count {
                touches.push(input.dot()?);
            }
            sorting::sort_by_key(&mut touches, |dot: &Dot| sorting::dot_key(*dot));
            if touches
                .windows(2)
                .any(|pair| pair[0].replica == pair[1].replica)
            {
                return Err(input.malformed("two touches of one replica in a slot"));
            }
            let value = if header & 1 == 1 {
                V::implied(&touches)
                    .ok_or_else(|| input.malformed("implied value for a type without one"))?
            } else {
                input.nested_store(V::decode)?
            };
            let removal = if has_record {
                Some(removal::decode_record(input)?)
            } else {
                None
            };
            if !keyed.insert_slot(
                key,
                Slot {
                    touches,
                    value,
                    removal,
                },
            ) {
                return Err(input.malformed("a key appears twice"));
            }
        }
        Ok(keyed)
    }
}
