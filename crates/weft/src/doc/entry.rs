//! `Entry`: one slot of a document map or list — a primitive value or a container.

use weft_core::codec::{DotReader, DotWriter, Encoder};
use weft_core::store::DotStore;
use weft_core::{
    AddWinsSet, CausalContext, Clock, DecodeError, DigestBuilder, Dot, InvariantViolation,
    LwwRegister, MvRegister, PNCounter, RemoveWinsSet, ReplicaId, ReplicaIndex, Scope, Transaction,
};
use weft_text::Text;

use crate::doc::kind::Kind;
use crate::doc::list::ListContainer;
use crate::doc::object::Object;
use crate::value::Value;

/// Schema tag of a document entry.
const ENTRY: u8 = 0x60;

/// One slot of a document map or list.
///
/// It is a product of stores — a `kind` register saying what the entry shows, a value
/// register, and one optional container of each kind — so that concurrent writers of
/// different kinds merge deterministically: the `kind` written last (by Lamport time) is
/// shown, the other parts stay hidden until someone who sees them replaces them. Switching an
/// entry to another kind clears (observed-remove) every part this replica sees, so an old
/// text never reappears under a later `text()`.
///
/// A change inside a container does not write the kind again (a keystroke costs no register
/// write). So when a removal (or a kind change) clears the kind it saw while a concurrent
/// change it had not seen survives inside a container, no kind write is left: the entry then
/// shows the part whose content survives (see [`Entry::kind`]), with only that change's
/// effect — removing a name removes what the remover saw, at every depth.
///
/// Containers of the same kind created concurrently under one key are the *same* container:
/// two offline replicas that both start a `"todos"` list merge their items.
#[derive(Clone, Debug, Default)]
pub struct Entry {
    pub(crate) kind: LwwRegister<Kind>,
    pub(crate) value: LwwRegister<Value>,
    pub(crate) map: Option<Box<Object>>,
    pub(crate) list: Option<Box<ListContainer>>,
    pub(crate) text: Option<Box<Text>>,
    pub(crate) counter: Option<Box<PNCounter>>,
    pub(crate) set: Option<Box<AddWinsSet<Value>>>,
    pub(crate) multi_value: Option<Box<MvRegister<Value>>>,
    pub(crate) remove_wins_set: Option<Box<RemoveWinsSet<Value>>>,
}

/// The bits of an entry's part mask: kind, value, then the containers in the order of
/// [`Entry::kind`]'s fallback. Any other bit is refused.
const PART_BITS: u64 = (1 << 9) - 1;

impl Entry {
    /// What the entry shows: the kind written last (by Lamport time) among the kind writes no
    /// one has removed; if none survives, the kind of the first part (in the order value,
    /// map, list, text, counter, set, multi-value register, remove-wins set) whose content a
    /// concurrent change left behind; `None`
    /// if the entry shows nothing (never written, or removed).
    ///
    /// ```
    /// use weft::{Doc, Kind, ReplicaId};
    /// let mut a = Doc::new(ReplicaId::from_u128(1));
    /// let mut b = Doc::new(ReplicaId::from_u128(2));
    /// a.transact(|root| root.map("m").put("x", 1i64));
    /// b.apply(&a.delta_since(&b.version()));
    /// let removal = a.transact(|root| root.delete("m")).delta;
    /// let update = b.transact(|root| root.map("m").put("y", 2i64)).delta;
    /// a.apply(&update);
    /// b.apply(&removal);
    /// // The removal took what it saw (`x`); the concurrent update keeps the name.
    /// assert_eq!(a.root().get("m").and_then(|m| m.kind()), Some(Kind::Map));
    /// assert_eq!(a.to_json(), r#"{"m":{"y":2}}"#);
    /// assert_eq!(b.to_json(), a.to_json());
    /// ```
    #[must_use]
    pub fn kind(&self) -> Option<Kind> {
        self.kind.get().copied().or_else(|| self.surviving_kind())
    }

    /// The kind an entry with no surviving kind write shows: that of the first part whose
    /// content outlived the removal of the kind (a change the remover had not seen).
    fn surviving_kind(&self) -> Option<Kind> {
        if !self.value.is_bottom() {
            Some(Kind::Value)
        } else if self.map.as_deref().is_some_and(|map| !map.is_empty()) {
            Some(Kind::Map)
        } else if self.list.as_deref().is_some_and(|list| !list.is_empty()) {
            Some(Kind::List)
        } else if self.text.as_deref().is_some_and(|text| !text.is_empty()) {
            Some(Kind::Text)
        } else if self
            .counter
            .as_deref()
            .is_some_and(|counter| !counter.is_bottom())
        {
            Some(Kind::Counter)
        } else if self.set.as_deref().is_some_and(|set| !set.is_empty()) {
            Some(Kind::Set)
        } else if self
            .multi_value
            .as_deref()
            .is_some_and(|register| register.values().next().is_some())
        {
            Some(Kind::MultiValue)
        } else if self
            .remove_wins_set
            .as_deref()
            .is_some_and(|set| !set.is_empty())
        {
            Some(Kind::RemoveWinsSet)
        } else {
            None
        }
    }

    /// The primitive value, if the entry shows one.
    #[must_use]
    pub fn as_value(&self) -> Option<&Value> {
        (self.kind() == Some(Kind::Value))
            .then(|| self.value.get())
            .flatten()
    }

    /// The nested map, if the entry shows one.
    #[must_use]
    pub fn as_map(&self) -> Option<&Object> {
        shown(self, Kind::Map, self.map.as_deref())
    }

    /// The list, if the entry shows one.
    #[must_use]
    pub fn as_list(&self) -> Option<&ListContainer> {
        shown(self, Kind::List, self.list.as_deref())
    }

    /// The text, if the entry shows one.
    #[must_use]
    pub fn as_text(&self) -> Option<&Text> {
        shown(self, Kind::Text, self.text.as_deref())
    }

    /// The counter, if the entry shows one.
    #[must_use]
    pub fn as_counter(&self) -> Option<&PNCounter> {
        shown(self, Kind::Counter, self.counter.as_deref())
    }

    /// The add-wins set, if the entry shows one.
    #[must_use]
    pub fn as_set(&self) -> Option<&AddWinsSet<Value>> {
        shown(self, Kind::Set, self.set.as_deref())
    }

    /// The multi-value register, if the entry shows one.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, Value};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.multi_value("colour").put("red"));
    /// let entry = doc.root().get("colour").unwrap();
    /// let values: Vec<&Value> = entry.as_multi_value().unwrap().values().collect();
    /// assert_eq!(values, [&Value::from("red")]);
    /// ```
    #[must_use]
    pub fn as_multi_value(&self) -> Option<&MvRegister<Value>> {
        shown(self, Kind::MultiValue, self.multi_value.as_deref())
    }

    /// The remove-wins set, if the entry shows one.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.remove_wins_set("banned").insert("spam"));
    /// let entry = doc.root().get("banned").unwrap();
    /// assert!(entry.as_remove_wins_set().unwrap().contains(&"spam".into()));
    /// ```
    #[must_use]
    pub fn as_remove_wins_set(&self) -> Option<&RemoveWinsSet<Value>> {
        shown(self, Kind::RemoveWinsSet, self.remove_wins_set.as_deref())
    }

    /// Makes the entry show `kind`: if it shows something else, every part this replica sees
    /// is cleared first (under one new change) and the kind is written. Returns whether it
    /// wrote the kind.
    pub(crate) fn switch_to(
        &mut self,
        transaction: &mut Transaction,
        kind: Kind,
        delta: &mut Self,
    ) -> bool {
        if self.kind() == Some(kind) {
            return false;
        }
        if !self.is_bottom() {
            let event = transaction.next_dot();
            self.clear(transaction, event, delta);
        }
        self.write_kind(transaction, kind, delta);
        true
    }

    /// Writes `kind` into the kind register (replacing the kind writes this replica sees).
    pub(crate) fn write_kind(
        &mut self,
        transaction: &mut Transaction,
        kind: Kind,
        delta: &mut Self,
    ) {
        Scope::new(&mut self.kind, &mut delta.kind, transaction).set(kind);
    }
}

fn shown<'a, T>(entry: &Entry, kind: Kind, part: Option<&'a T>) -> Option<&'a T> {
    if entry.kind() == Some(kind) {
        part
    } else {
        None
    }
}

fn join_part<S: DotStore>(
    mine: &mut Option<Box<S>>,
    context: &CausalContext,
    theirs: Option<Box<S>>,
    their_context: &CausalContext,
) {
    if let Some(theirs) = theirs {
        mine.get_or_insert_with(Box::default)
            .join(context, *theirs, their_context);
    }
}

/// [`join_part`] for a complete state: a part the state lacks is joined with nothing.
fn join_complete_part<S: DotStore>(
    mine: &mut Option<Box<S>>,
    context: &CausalContext,
    theirs: Option<Box<S>>,
    their_context: &CausalContext,
) {
    match (mine.as_deref_mut(), theirs) {
        (Some(part), theirs) => {
            part.join_complete(
                context,
                theirs.map(|part| *part).unwrap_or_default(),
                their_context,
            );
        }
        (None, Some(theirs)) => {
            mine.get_or_insert_with(Box::default)
                .join_complete(context, *theirs, their_context);
        }
        (None, None) => {}
    }
}

fn repair_part<S: DotStore>(mine: &mut Option<Box<S>>, theirs: Option<Box<S>>) {
    if let Some(theirs) = theirs {
        mine.get_or_insert_with(Box::default).repair_join(*theirs);
    }
}

fn clear_part<S: DotStore>(
    mine: &mut Option<Box<S>>,
    transaction: &mut Transaction,
    event: Dot,
    delta: &mut Option<Box<S>>,
) {
    if let Some(part) = mine.as_deref_mut().filter(|part| !part.is_bottom()) {
        part.clear(transaction, event, delta.get_or_insert_with(Box::default));
    }
}

/// Whether `part` is absent or mentions no change (live or removed).
fn mentions_nothing<S: DotStore>(part: Option<&S>) -> bool {
    part.is_none_or(|part| {
        let mut any = false;
        part.visit_dot_ranges(&mut |_, _, _| any = true);
        !any
    })
}

fn drop_covered_part<S: DotStore>(part: &mut Option<Box<S>>, seen: &Clock) {
    if let Some(store) = part.as_deref_mut() {
        store.drop_covered(seen);
    }
}

fn part_eq<S: DotStore>(mine: Option<&S>, theirs: Option<&S>) -> bool {
    match (mine, theirs) {
        (Some(left), Some(right)) => left.content_eq(right),
        (Some(only), None) | (None, Some(only)) => only.is_bottom(),
        (None, None) => true,
    }
}

fn bottom<S: DotStore>(part: Option<&S>) -> bool {
    part.is_none_or(DotStore::is_bottom)
}

/// Runs `$body` with `$part` bound to each optional container part of `$entry` (by
/// reference, mutable reference or value, as the expression in `$entry` allows).
macro_rules! each_part {
    (ref $entry:expr, |$part:ident| $body:expr) => {
        each_part!(@ [&] $entry, |$part| $body)
    };
    (mut $entry:expr, |$part:ident| $body:expr) => {
        each_part!(@ [&mut] $entry, |$part| $body)
    };
    (@ [$($borrow:tt)+] $entry:expr, |$part:ident| $body:expr) => {{
        {
            let $part = $($borrow)+ $entry.map;
            $body;
        }
        {
            let $part = $($borrow)+ $entry.list;
            $body;
        }
        {
            let $part = $($borrow)+ $entry.text;
            $body;
        }
        {
            let $part = $($borrow)+ $entry.counter;
            $body;
        }
        {
            let $part = $($borrow)+ $entry.set;
            $body;
        }
        {
            let $part = $($borrow)+ $entry.multi_value;
            $body;
        }
        {
            let $part = $($borrow)+ $entry.remove_wins_set;
            $body;
        }
    }};
}

impl DotStore for Entry {
    /// Every part but the sequences and the counter drops what a removal record covers; an
    /// entry whose text, list or counter holds live content is removed the general way (see
    /// [`Entry::can_drop_covered`]).
    const DROPS_COVERED: bool = true;

    fn write_schema(out: &mut Encoder) {
        out.u8(ENTRY);
    }

    fn drop_covered(&mut self, seen: &Clock) {
        self.kind.drop_covered(seen);
        self.value.drop_covered(seen);
        drop_covered_part(&mut self.map, seen);
        drop_covered_part(&mut self.set, seen);
        drop_covered_part(&mut self.multi_value, seen);
        drop_covered_part(&mut self.remove_wins_set, seen);
    }

    /// Whether a removal record removes everything the entry holds: its text, list and counter
    /// (which keep their own removal bookkeeping) must mention no change at all, not even a
    /// deleted one, and a nested map must hold no such part either. Otherwise the entry is
    /// removed the general way ([`DotStore::clear`]), which ships that bookkeeping.
    fn can_drop_covered(&self) -> bool {
        mentions_nothing(self.list.as_deref())
            && mentions_nothing(self.text.as_deref())
            && mentions_nothing(self.counter.as_deref())
            && self.map.as_deref().is_none_or(DotStore::can_drop_covered)
    }

    fn is_bottom(&self) -> bool {
        self.kind.is_bottom()
            && self.value.is_bottom()
            && bottom(self.map.as_deref())
            && bottom(self.list.as_deref())
            && bottom(self.text.as_deref())
            && bottom(self.counter.as_deref())
            && bottom(self.set.as_deref())
            && bottom(self.multi_value.as_deref())
            && bottom(self.remove_wins_set.as_deref())
    }

    fn join(&mut self, context: &CausalContext, other: Self, other_context: &CausalContext) {
        self.kind.join(context, other.kind, other_context);
        self.value.join(context, other.value, other_context);
        join_part(&mut self.map, context, other.map, other_context);
        join_part(&mut self.list, context, other.list, other_context);
        join_part(&mut self.text, context, other.text, other_context);
        join_part(&mut self.counter, context, other.counter, other_context);
        join_part(&mut self.set, context, other.set, other_context);
        join_part(
            &mut self.multi_value,
            context,
            other.multi_value,
            other_context,
        );
        join_part(
            &mut self.remove_wins_set,
            context,
            other.remove_wins_set,
            other_context,
        );
    }

    fn join_complete(
        &mut self,
        context: &CausalContext,
        other: Self,
        other_context: &CausalContext,
    ) {
        self.kind.join_complete(context, other.kind, other_context);
        self.value
            .join_complete(context, other.value, other_context);
        join_complete_part(&mut self.map, context, other.map, other_context);
        join_complete_part(&mut self.list, context, other.list, other_context);
        join_complete_part(&mut self.text, context, other.text, other_context);
        join_complete_part(&mut self.counter, context, other.counter, other_context);
        join_complete_part(&mut self.set, context, other.set, other_context);
        join_complete_part(
            &mut self.multi_value,
            context,
            other.multi_value,
            other_context,
        );
        join_complete_part(
            &mut self.remove_wins_set,
            context,
            other.remove_wins_set,
            other_context,
        );
    }

    fn delta_since(&self, since: &Clock) -> Self {
        Self {
            kind: self.kind.delta_since(since),
            value: self.value.delta_since(since),
            map: self
                .map
                .as_ref()
                .map(|part| Box::new(part.delta_since(since))),
            list: self
                .list
                .as_ref()
                .map(|part| Box::new(part.delta_since(since))),
            text: self
                .text
                .as_ref()
                .map(|part| Box::new(part.delta_since(since))),
            counter: self
                .counter
                .as_ref()
                .map(|part| Box::new(part.delta_since(since))),
            set: self
                .set
                .as_ref()
                .map(|part| Box::new(part.delta_since(since))),
            multi_value: self
                .multi_value
                .as_ref()
                .map(|part| Box::new(part.delta_since(since))),
            remove_wins_set: self
                .remove_wins_set
                .as_ref()
                .map(|part| Box::new(part.delta_since(since))),
        }
    }

    fn clear(&mut self, transaction: &mut Transaction, event: Dot, delta: &mut Self) {
        self.kind.clear(transaction, event, &mut delta.kind);
        self.value.clear(transaction, event, &mut delta.value);
        clear_part(&mut self.map, transaction, event, &mut delta.map);
        clear_part(&mut self.list, transaction, event, &mut delta.list);
        clear_part(&mut self.text, transaction, event, &mut delta.text);
        clear_part(&mut self.counter, transaction, event, &mut delta.counter);
        clear_part(&mut self.set, transaction, event, &mut delta.set);
        clear_part(
            &mut self.multi_value,
            transaction,
            event,
            &mut delta.multi_value,
        );
        clear_part(
            &mut self.remove_wins_set,
            transaction,
            event,
            &mut delta.remove_wins_set,
        );
    }

    fn remap(&mut self, map: &[ReplicaIndex]) {
        self.kind.remap(map);
        self.value.remap(map);
        each_part!(mut self, |part| if let Some(part) = part.as_deref_mut() {
            part.remap(map)
        });
    }

    fn visit_dots(&self, visit: &mut dyn FnMut(Dot)) {
        self.kind.visit_dots(visit);
        self.value.visit_dots(visit);
        each_part!(ref self, |part| if let Some(part) = part.as_deref() {
            part.visit_dots(visit)
        });
    }

    fn raise_seen(&self, seen: &mut Clock) {
        self.kind.raise_seen(seen);
        self.value.raise_seen(seen);
        each_part!(ref self, |part| if let Some(part) = part.as_deref() {
            part.raise_seen(seen)
        });
    }

    fn visit_dot_ranges(&self, visit: &mut dyn FnMut(ReplicaIndex, u64, u64)) {
        self.kind.visit_dot_ranges(visit);
        self.value.visit_dot_ranges(visit);
        each_part!(ref self, |part| if let Some(part) = part.as_deref() {
            part.visit_dot_ranges(visit)
        });
    }

    fn max_lamport(&self) -> u64 {
        let mut highest = self.kind.max_lamport().max(self.value.max_lamport());
        each_part!(ref self, |part| if let Some(part) = part.as_deref() {
            highest = highest.max(part.max_lamport())
        });
        highest
    }

    fn content_eq(&self, other: &Self) -> bool {
        self.kind.content_eq(&other.kind)
            && self.value.content_eq(&other.value)
            && part_eq(self.map.as_deref(), other.map.as_deref())
            && part_eq(self.list.as_deref(), other.list.as_deref())
            && part_eq(self.text.as_deref(), other.text.as_deref())
            && part_eq(self.counter.as_deref(), other.counter.as_deref())
            && part_eq(self.set.as_deref(), other.set.as_deref())
            && part_eq(self.multi_value.as_deref(), other.multi_value.as_deref())
            && part_eq(
                self.remove_wins_set.as_deref(),
                other.remove_wins_set.as_deref(),
            )
    }

    fn digest(&self, names: &[ReplicaId], path: &mut Vec<u8>, out: &mut DigestBuilder) {
        let mut tagged = |tag: u8, part: &dyn Fn(&mut Vec<u8>, &mut DigestBuilder)| {
            path.push(tag);
            part(path, out);
            path.pop();
        };
        tagged(0, &|path, out| self.kind.digest(names, path, out));
        tagged(1, &|path, out| self.value.digest(names, path, out));
        tagged(2, &|path, out| {
            digest_part(self.map.as_deref(), names, path, out)
        });
        tagged(3, &|path, out| {
            digest_part(self.list.as_deref(), names, path, out)
        });
        tagged(4, &|path, out| {
            digest_part(self.text.as_deref(), names, path, out)
        });
        tagged(5, &|path, out| {
            digest_part(self.counter.as_deref(), names, path, out)
        });
        tagged(6, &|path, out| {
            digest_part(self.set.as_deref(), names, path, out)
        });
        tagged(7, &|path, out| {
            digest_part(self.multi_value.as_deref(), names, path, out)
        });
        tagged(8, &|path, out| {
            digest_part(self.remove_wins_set.as_deref(), names, path, out)
        });
    }

    fn repair_join(&mut self, other: Self) {
        self.kind.repair_join(other.kind);
        self.value.repair_join(other.value);
        repair_part(&mut self.map, other.map);
        repair_part(&mut self.list, other.list);
        repair_part(&mut self.text, other.text);
        repair_part(&mut self.counter, other.counter);
        repair_part(&mut self.set, other.set);
        repair_part(&mut self.multi_value, other.multi_value);
        repair_part(&mut self.remove_wins_set, other.remove_wins_set);
    }

    fn encode(&self, out: &mut DotWriter) {
        let mut mask = 0u64;
        let parts = [
            !self.kind.is_bottom(),
            !self.value.is_bottom(),
            self.map.is_some(),
            self.list.is_some(),
            self.text.is_some(),
            self.counter.is_some(),
            self.set.is_some(),
            self.multi_value.is_some(),
            self.remove_wins_set.is_some(),
        ];
        for (bit, present) in parts.iter().enumerate() {
            mask |= u64::from(*present) << bit;
        }
        out.varint(mask);
        if parts[0] {
            self.kind.encode(out);
        }
        if parts[1] {
            self.value.encode(out);
        }
        each_part!(ref self, |part| if let Some(part) = part.as_deref() {
            part.encode(out)
        });
    }

    fn decode(input: &mut DotReader<'_, '_>) -> Result<Self, DecodeError> {
        let offset = input.position();
        let mask = input.varint()?;
        if mask & !PART_BITS != 0 {
            return Err(input.invalid("entry part mask", mask, offset));
        }
        let mut entry = Self::default();
        if mask & 1 != 0 {
            entry.kind = input.nested_store(LwwRegister::decode)?;
        }
        if mask & 2 != 0 {
            entry.value = input.nested_store(LwwRegister::decode)?;
        }
        entry.map = decode_part(input, mask, 2)?;
        entry.list = decode_part(input, mask, 3)?;
        entry.text = decode_part(input, mask, 4)?;
        entry.counter = decode_part(input, mask, 5)?;
        entry.set = decode_part(input, mask, 6)?;
        entry.multi_value = decode_part(input, mask, 7)?;
        entry.remove_wins_set = decode_part(input, mask, 8)?;
        Ok(entry)
    }

    fn compact(&mut self, stable: &Clock) -> usize {
        let mut forgotten = 0;
        each_part!(mut self, |part| if let Some(part) = part.as_deref_mut() {
            forgotten += part.compact(stable)
        });
        forgotten
    }

    fn check(&self) -> Result<(), InvariantViolation> {
        self.kind.check()?;
        self.value.check()?;
        let mut outcome = Ok(());
        each_part!(ref self, |part| if let Some(part) = part.as_deref()
            && outcome.is_ok()
        {
            outcome = part.check();
        });
        outcome
    }
}

fn digest_part<S: DotStore>(
    part: Option<&S>,
    names: &[ReplicaId],
    path: &mut Vec<u8>,
    out: &mut DigestBuilder,
) {
    if let Some(part) = part {
        part.digest(names, path, out);
    }
}

fn decode_part<S: DotStore>(
    input: &mut DotReader<'_, '_>,
    mask: u64,
    bit: u8,
) -> Result<Option<Box<S>>, DecodeError> {
    if mask & (1 << bit) == 0 {
        return Ok(None);
    }
    input
        .nested_store(S::decode)
        .map(|part| Some(Box::new(part)))
}
