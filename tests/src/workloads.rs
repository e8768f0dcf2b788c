//! Random operations for every replicated type, and scripts that run them over replicas.

use quickcheck::{Arbitrary, Gen};
use weft::internals::store::DotStore;
use weft::{
    AddWinsSet, GCounter, GSet, LwwRegister, Map, MvRegister, PNCounter, RemoveWinsSet, Replica,
    ReplicaId, Scope,
};

/// A replicated type with a random operation, for property tests.
pub trait Workload: DotStore + 'static {
    /// One operation on the type.
    type Op: Arbitrary + std::fmt::Debug + Clone;

    /// Performs `op` through `scope`.
    fn perform(scope: &mut Scope<'_, Self>, op: &Self::Op);
}

/// A small key or element, so that operations collide often.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Small(pub u8);

impl Arbitrary for Small {
    fn arbitrary(g: &mut Gen) -> Self {
        Self(u8::arbitrary(g) % 4)
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        Box::new((0..self.0).map(Small))
    }
}

/// An operation on a set: insert or remove an element.
#[derive(Clone, Debug)]
pub enum SetOp {
    /// Insert the element.
    Insert(Small),
    /// Remove the element.
    Remove(Small),
}

impl Arbitrary for SetOp {
    fn arbitrary(g: &mut Gen) -> Self {
        if bool::arbitrary(g) {
            Self::Insert(Small::arbitrary(g))
        } else {
            Self::Remove(Small::arbitrary(g))
        }
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        match self {
            Self::Insert(element) => Box::new(element.shrink().map(Self::Insert)),
            Self::Remove(element) => {
                let element = *element;
                Box::new(
                    std::iter::once(Self::Insert(element))
                        .chain(element.shrink().map(Self::Remove)),
                )
            }
        }
    }
}

/// An operation on a map: change the value of a key, or remove the key.
#[derive(Clone, Debug)]
pub enum MapOp<Inner> {
    /// Apply the inner operation to the key's value.
    Update(Small, Inner),
    /// Remove the key.
    Remove(Small),
}

impl<Inner: Arbitrary> Arbitrary for MapOp<Inner> {
    fn arbitrary(g: &mut Gen) -> Self {
        if u8::arbitrary(g) % 4 == 0 {
            Self::Remove(Small::arbitrary(g))
        } else {
            Self::Update(Small::arbitrary(g), Inner::arbitrary(g))
        }
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        match self {
            Self::Update(key, inner) => {
                let key = *key;
                Box::new(inner.shrink().map(move |inner| Self::Update(key, inner)))
            }
            Self::Remove(key) => Box::new(key.shrink().map(Self::Remove)),
        }
    }
}

/// An operation on a text with marks: positions are taken modulo the text's length, so
/// every operation applies.
#[derive(Clone, Debug)]
pub enum TextOp {
    /// Insert a short word.
    Insert(u8, Small),
    /// Delete up to three characters.
    Delete(u8, u8),
    /// Mark up to four characters (name, value and expand rule from the small numbers).
    Mark(u8, u8, Small, Small),
    /// Unmark up to four characters.
    Unmark(u8, u8, Small),
}

impl Arbitrary for TextOp {
    fn arbitrary(g: &mut Gen) -> Self {
        let (at, length) = (u8::arbitrary(g), u8::arbitrary(g));
        match u8::arbitrary(g) % 5 {
            0 | 1 => Self::Insert(at, Small::arbitrary(g)),
            2 => Self::Delete(at, length),
            3 => Self::Mark(at, length, Small::arbitrary(g), Small::arbitrary(g)),
            _ => Self::Unmark(at, length, Small::arbitrary(g)),
        }
    }
}

impl Workload for weft::Text {
    type Op = TextOp;

    fn perform(scope: &mut Scope<'_, Self>, op: &TextOp) {
        use weft::{Expand, MarkValue, TextEditor};
        let length = scope.text().len();
        let range = |at: u8, count: u8, most: usize| {
            let start = usize::from(at) % length;
            start..(start + 1 + usize::from(count) % most).min(length)
        };
        let name = |which: Small| ["bold", "link"][usize::from(which.0 % 2)];
        let expand = |which: Small| {
            [Expand::After, Expand::None, Expand::Before, Expand::Both][usize::from(which.0)]
        };
        let result = match op {
            TextOp::Insert(at, word) => {
                let word = ["a", "bc", "é😀", "word "][usize::from(word.0)];
                scope
                    .insert(usize::from(*at) % (length + 1), word)
                    .map_err(weft::MarkError::from)
            }
            _ if length == 0 => Ok(()),
            TextOp::Delete(at, count) => scope
                .delete(range(*at, *count, 3))
                .map_err(weft::MarkError::from),
            TextOp::Mark(at, count, which, kind) => {
                let value = match kind.0 {
                    0 => MarkValue::Bool(true),
                    1 => MarkValue::from("https://a.example"),
                    2 => MarkValue::Number(2.5),
                    _ => MarkValue::Json { json: "[1]".into() },
                };
                let rule = expand(Small((which.0 + kind.0) % 4));
                scope.mark(range(*at, *count, 4), name(*which), value, rule)
            }
            TextOp::Unmark(at, count, which) => {
                scope.unmark(range(*at, *count, 4), name(*which), expand(*which))
            }
        };
        result.expect("positions are taken modulo the length");
    }
}

impl Workload for GCounter {
    type Op = u8;

    fn perform(scope: &mut Scope<'_, Self>, op: &u8) {
        scope.increment(u64::from(*op));
    }
}

impl Workload for PNCounter {
    type Op = i8;

    fn perform(scope: &mut Scope<'_, Self>, op: &i8) {
        scope.increment(i64::from(*op));
    }
}

impl Workload for LwwRegister<u8> {
    type Op = u8;

    fn perform(scope: &mut Scope<'_, Self>, op: &u8) {
        scope.set(*op);
    }
}

impl Workload for MvRegister<u8> {
    type Op = u8;

    fn perform(scope: &mut Scope<'_, Self>, op: &u8) {
        scope.set(*op);
    }
}

impl Workload for GSet<u8> {
    type Op = Small;

    fn perform(scope: &mut Scope<'_, Self>, op: &Small) {
        scope.insert(op.0);
    }
}

impl Workload for AddWinsSet<u8> {
    type Op = SetOp;

    fn perform(scope: &mut Scope<'_, Self>, op: &SetOp) {
        match op {
            SetOp::Insert(element) => scope.insert(element.0),
            SetOp::Remove(element) => {
                scope.remove(&element.0);
            }
        }
    }
}

impl Workload for RemoveWinsSet<u8> {
    type Op = SetOp;

    fn perform(scope: &mut Scope<'_, Self>, op: &SetOp) {
        match op {
            SetOp::Insert(element) => scope.insert(element.0),
            SetOp::Remove(element) => scope.remove(element.0),
        }
    }
}

impl<V: Workload> Workload for Map<u8, V> {
    type Op = MapOp<V::Op>;

    fn perform(scope: &mut Scope<'_, Self>, op: &Self::Op) {
        match op {
            MapOp::Update(key, inner) => scope.update(key.0, |value| V::perform(value, inner)),
            MapOp::Remove(key) => {
                scope.remove(&key.0);
            }
        }
    }
}

/// One step of a script over a few replicas.
#[derive(Clone, Debug)]
pub enum Step<Op> {
    /// Replica `replica` performs `op`; its delta is kept for later delivery.
    Local {
        /// Which replica (modulo the number of replicas).
        replica: u8,
        /// The operation.
        op: Op,
    },
    /// Replica `to` receives the `which`-th delta made so far (modulo their number), through
    /// its bytes.
    Deliver {
        /// Receiver.
        to: u8,
        /// Which delta.
        which: u16,
    },
    /// Replica `to` applies `from.delta_since(to.version())`.
    Sync {
        /// Sender.
        from: u8,
        /// Receiver.
        to: u8,
    },
}

impl<Op: Arbitrary> Arbitrary for Step<Op> {
    fn arbitrary(g: &mut Gen) -> Self {
        match u8::arbitrary(g) % 8 {
            0..=3 => Self::Local {
                replica: u8::arbitrary(g),
                op: Op::arbitrary(g),
            },
            4..=6 => Self::Deliver {
                to: u8::arbitrary(g),
                which: u16::arbitrary(g),
            },
            _ => Self::Sync {
                from: u8::arbitrary(g),
                to: u8::arbitrary(g),
            },
        }
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        match self {
            Self::Local { replica, op } => {
                let replica = *replica;
                Box::new(op.shrink().map(move |op| Self::Local { replica, op }))
            }
            _ => Box::new(std::iter::empty()),
        }
    }
}

/// Fresh replicas with ids `1..=count`.
#[must_use]
pub fn fresh<S: Workload>(count: usize) -> Vec<Replica<S>> {
    (1..=count)
        .map(|id| Replica::new(ReplicaId::from_u128(id as u128)))
        .collect()
}

/// Runs `script` over `count` fresh replicas (ids 1..=count) and returns them with every delta
/// the script made. Deltas travel as bytes, so the codec is exercised on the way.
///
/// # Panics
/// If a delta fails to decode, or a replica breaks an invariant.
pub fn run_script<S: Workload>(
    count: usize,
    script: &[Step<S::Op>],
) -> (Vec<Replica<S>>, Vec<weft::Delta<S>>) {
    let mut replicas = fresh(count);
    let mut deltas = Vec::new();
    run_steps(&mut replicas, &mut deltas, script);
    (replicas, deltas)
}

/// Through bytes and back, as on the wire.
///
/// # Panics
/// If the delta does not decode from its own bytes.
#[must_use]
pub fn over_the_wire<S: Workload>(delta: &weft::Delta<S>) -> weft::Delta<S> {
    weft::Delta::from_bytes(&delta.to_bytes()).expect("a delta decodes from its own bytes")
}

/// Runs `script` on `replicas`, appending the deltas it makes to `deltas`.
///
/// # Panics
/// If a delta fails to decode, or a replica breaks an invariant.
pub fn run_steps<S: Workload>(
    replicas: &mut [Replica<S>],
    deltas: &mut Vec<weft::Delta<S>>,
    script: &[Step<S::Op>],
) {
    let count = replicas.len();
    for step in script {
        match step {
            Step::Local { replica, op } => {
                let replica = &mut replicas[usize::from(*replica) % count];
                let delta = replica.update(|scope| S::perform(scope, op));
                if !delta.is_empty() {
                    deltas.push(delta);
                }
            }
            Step::Deliver { to, which } => {
                if !deltas.is_empty() {
                    let delta = over_the_wire(&deltas[usize::from(*which) % deltas.len()]);
                    replicas[usize::from(*to) % count].apply(&delta);
                }
            }
            Step::Sync { from, to } => {
                let (from, to) = (usize::from(*from) % count, usize::from(*to) % count);
                if from != to {
                    let version = replicas[to].version();
                    let delta = over_the_wire(&replicas[from].delta_since(&version));
                    replicas[to].apply(&delta);
                }
            }
        }
    }
    for replica in replicas.iter() {
        assert_eq!(replica.check(), Ok(()));
    }
}
