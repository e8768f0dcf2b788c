//! Replicas of one library playing a workload: each replica makes its changes, then every
//! replica receives every other replica's messages (Weft: the deltas of the changes; `crdts`:
//! its ops, delivered exactly once and in causal order, as `crdts` requires).

use std::fmt::Debug;

use crdts::{CmRDT, CvRDT};
use serde::Serialize;
use serde::de::DeserializeOwned;
use weft::{Delta, Replica, ReplicaId, Scope, VersionVector};

/// One replica of one library, driven through what both libraries can do.
pub(crate) trait Peer: Clone {
    /// One change of the workload.
    type Change;
    /// What a replica can compare across libraries (the elements, the value, …).
    type Content: PartialEq + Debug;
    /// What one change sends to the other replicas.
    type Message;
    /// The whole state as it travels in a state-based merge.
    type State;

    /// The replica numbered `index` (replicas of one cluster have distinct numbers).
    fn new(index: usize) -> Self;

    /// Makes `change` here and returns what to send.
    fn make(&mut self, change: &Self::Change) -> Self::Message;

    /// Takes in a message from another replica.
    fn receive(&mut self, message: &Self::Message);

    /// Encoded size of a message (Weft: the delta's frame; `crdts`: the op with bincode).
    fn message_len(message: &Self::Message) -> usize;

    /// The whole state, ready to merge elsewhere (Weft: `delta_since(∅)`; `crdts`: a clone).
    fn state(&self) -> Self::State;

    /// Merges a whole state (Weft: `apply`; `crdts`: `merge`).
    fn merge_state(&mut self, state: Self::State);

    /// The whole state encoded as it is shipped (Weft: `delta_since(∅).to_bytes()`;
    /// `crdts`: bincode).
    fn encode_state(&self) -> Vec<u8>;

    /// Decodes bytes written by [`Peer::encode_state`] and merges them.
    fn merge_encoded(&mut self, bytes: &[u8]);

    /// The content, for checking that both libraries hold the same data.
    fn content(&self) -> Self::Content;

    /// Whether `other` holds the same state.
    fn same_state(&self, other: &Self) -> bool;
}

/// A cluster after a workload: its replicas, all level, and a copy of replica 1 taken
/// before the last round (a replica that lacks the last round's changes).
pub(crate) struct Played<P> {
    pub(crate) replicas: Vec<P>,
    pub(crate) laggard: P,
}

/// Plays `rounds` (per round, per replica, its changes) on `count` fresh replicas.
pub(crate) fn play<P: Peer>(count: usize, rounds: &[Vec<Vec<P::Change>>]) -> Played<P> {
    let mut replicas: Vec<P> = (0..count).map(P::new).collect();
    let mut laggard = replicas[1].clone();
    for (position, round) in rounds.iter().enumerate() {
        if position + 1 == rounds.len() {
            laggard = replicas[1].clone();
        }
        play_round(&mut replicas, round);
    }
    Played { replicas, laggard }
}

fn play_round<P: Peer>(replicas: &mut [P], round: &[Vec<P::Change>]) {
    let sent: Vec<Vec<P::Message>> = replicas
        .iter_mut()
        .zip(round)
        .map(|(replica, changes)| changes.iter().map(|change| replica.make(change)).collect())
        .collect();
    for (receiver, replica) in replicas.iter_mut().enumerate() {
        for (sender, messages) in sent.iter().enumerate() {
            if sender != receiver {
                for message in messages {
                    replica.receive(message);
                }
            }
        }
    }
}

/// A Weft type with a workload: how a change of the workload is made in a scope.
pub(crate) trait WeftWorkload: weft::internals::store::DotStore {
    type Change;
    type Content: PartialEq + Debug;

    fn perform(scope: &mut Scope<'_, Self>, change: &Self::Change);

    fn content(&self) -> Self::Content;
}

/// A Weft replica in a cluster.
#[derive(Clone)]
pub(crate) struct WeftPeer<S> {
    pub(crate) replica: Replica<S>,
}

impl<S: WeftWorkload> WeftPeer<S> {
    /// What a replica at `version` lacks, encoded.
    pub(crate) fn delta_bytes_since(&self, version: &VersionVector) -> Vec<u8> {
        self.replica.delta_since(version).to_bytes()
    }
}

impl<S: WeftWorkload> Peer for WeftPeer<S> {
    type Change = S::Change;
    type Content = S::Content;
    type Message = Delta<S>;
    type State = Delta<S>;

    fn new(_index: usize) -> Self {
        Self {
            replica: Replica::new(ReplicaId::random()),
        }
    }

    fn make(&mut self, change: &S::Change) -> Delta<S> {
        self.replica.update(|scope| S::perform(scope, change))
    }

    fn receive(&mut self, message: &Delta<S>) {
        self.replica.apply(message);
    }

    fn message_len(message: &Delta<S>) -> usize {
        message.to_bytes().len()
    }

    fn state(&self) -> Delta<S> {
        self.replica.delta_since(&VersionVector::new())
    }

    fn merge_state(&mut self, state: Delta<S>) {
        self.replica.apply(&state);
    }

    fn encode_state(&self) -> Vec<u8> {
        self.state().to_bytes()
    }

    fn merge_encoded(&mut self, bytes: &[u8]) {
        let state = Delta::<S>::from_bytes(bytes).expect("Weft decodes its own deltas");
        self.replica.apply(&state);
    }

    fn content(&self) -> S::Content {
        self.replica.store().content()
    }

    fn same_state(&self, other: &Self) -> bool {
        self.replica.same_state(&other.replica)
    }
}

/// A `crdts` type with a workload: how a change of the workload becomes an op.
pub(crate) trait CrdtsWorkload:
    CmRDT<Op: Clone + Serialize> + CvRDT + Clone + Default + PartialEq + Serialize + DeserializeOwned
{
    type Change;
    type Content: PartialEq + Debug;

    fn operation(&self, actor: u64, change: &Self::Change) -> Self::Op;

    fn content(&self) -> Self::Content;
}

/// A `crdts` replica in a cluster. Actors are `u64`, as in the figures of TARGETS.md (a
/// 16-byte actor such as a UUID would make `crdts` states and ops larger).
#[derive(Clone)]
pub(crate) struct CrdtsPeer<T> {
    actor: u64,
    pub(crate) state: T,
}

impl<T: CrdtsWorkload> Peer for CrdtsPeer<T> {
    type Change = T::Change;
    type Content = T::Content;
    type Message = T::Op;
    type State = T;

    fn new(index: usize) -> Self {
        Self {
            actor: index as u64,
            state: T::default(),
        }
    }

    fn make(&mut self, change: &T::Change) -> T::Op {
        let operation = self.state.operation(self.actor, change);
        self.state.apply(operation.clone());
        operation
    }

    fn receive(&mut self, message: &T::Op) {
        self.state.apply(message.clone());
    }

    fn message_len(message: &T::Op) -> usize {
        bincode_len(message)
    }

    fn state(&self) -> T {
        self.state.clone()
    }

    fn merge_state(&mut self, state: T) {
        self.state.merge(state);
    }

    fn encode_state(&self) -> Vec<u8> {
        bincode::serialize(&self.state).expect("bincode encodes crdts states")
    }

    fn merge_encoded(&mut self, bytes: &[u8]) {
        let other: T = bincode::deserialize(bytes).expect("bincode decodes its own output");
        self.state.merge(other);
    }

    fn content(&self) -> T::Content {
        self.state.content()
    }

    fn same_state(&self, other: &Self) -> bool {
        self.state == other.state
    }
}

/// Bytes of `value` encoded with bincode (its default, fixed-width integers).
pub(crate) fn bincode_len(value: &impl Serialize) -> usize {
    bincode::serialized_size(value).expect("bincode sizes crdts values") as usize
}
