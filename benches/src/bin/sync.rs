//! Reconciling two replicas that share `n` changes and then diverged: bytes on the wire and
//! round trips, Weft's sync protocol side by side with Yrs (state vector + update) and
//! Automerge (its Bloom-filter sync protocol), in one run.
//!
//! The workload is a key-value map: the shared history puts keys and removes every fourth
//! one; then each side makes `k` changes of its own, half puts of new keys and half removals
//! of shared keys. Every library is driven in *flights*: everything each side has to say,
//! delivered to the other at once; two flights are one round trip. The table counts the
//! flights until both sides hold the same content, and the bytes sent until then and until
//! both fall silent.
//!
//! ```sh
//! CARGO_TARGET_DIR=/work/target-bench cargo run --release -p weft-benches --bin sync
//! ```

#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use automerge::sync::{Message as AutomergeMessage, State as AutomergeState, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT};
use weft::sync::{Message, SyncConfig, SyncState, generate, receive};
use weft::{LwwRegister, Map, Replica, ReplicaId, Replicated, VersionVector};
use weft_benches::{grouped, median_time, millis, print_table};
use yrs::types::ToJson;
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{Map as _, ReadTxn, StateVector, Transact, Update};

/// Changes each side makes after the shared history.
const DIVERGED: usize = 50;

/// Sizes of the shared history.
const SHARED: [usize; 3] = [1_000, 10_000, 100_000];

/// One change of the workload.
#[derive(Clone, Copy, Debug)]
enum Change {
    Put(u64, u64),
    Remove(u64),
}

/// The shared history: puts of keys 0, 1, 2, … with every fourth change removing the
/// previous key.
fn shared_change(index: usize) -> Change {
    let index = index as u64;
    if index % 4 == 3 {
        Change::Remove(index - 1)
    } else {
        Change::Put(index, index * 7)
    }
}

/// Side `side`'s `index`-th own change: puts of new keys, and removals of live shared keys
/// (keys ≡ 0 mod 4, distinct per side).
fn diverged_change(side: usize, index: usize) -> Change {
    let index = index as u64;
    if index.is_multiple_of(2) {
        Change::Put(10_000_000 * (side as u64 + 1) + index, index)
    } else {
        Change::Remove(8 * index + 4 * side as u64)
    }
}

fn key(key: u64) -> String {
    format!("k{key}")
}

/// What reconciling took.
#[derive(Clone, Debug, Default)]
struct Reconciled {
    flights_to_level: usize,
    flights: usize,
    messages: usize,
    bytes_to_level: usize,
    bytes: usize,
    millis: f64,
}

impl Reconciled {
    fn row(&self, shared: usize, who: &str) -> Vec<String> {
        vec![
            grouped(shared),
            who.to_string(),
            self.flights_to_level.to_string(),
            format!("{}", self.flights_to_level as f64 / 2.0),
            grouped(self.bytes_to_level),
            grouped(self.bytes),
            self.messages.to_string(),
            format!("{:.1}", self.millis),
        ]
    }
}

/// Two replicas of one library talking through its protocol.
trait Sides {
    /// What side `side` has to say now.
    fn flight(&mut self, side: usize) -> Vec<Vec<u8>>;
    /// Hands `bytes` to side `to`.
    fn deliver(&mut self, to: usize, bytes: &[u8]);
    /// Whether both sides hold the same content.
    fn level(&mut self) -> bool;
}

/// Drives two sides flight by flight until both fall silent. The time counts generating,
/// encoding, decoding and applying messages, not the checks of whether the sides are level.
fn drive(sides: &mut dyn Sides) -> Reconciled {
    let mut busy = Duration::ZERO;
    let mut outcome = Reconciled::default();
    let mut levelled = false;
    loop {
        let start = Instant::now();
        let outgoing = [sides.flight(0), sides.flight(1)];
        if outgoing.iter().all(Vec::is_empty) {
            busy += start.elapsed();
            break;
        }
        outcome.flights += 1;
        for (from, messages) in outgoing.iter().enumerate() {
            for bytes in messages {
                outcome.messages += 1;
                outcome.bytes += bytes.len();
                sides.deliver(1 - from, bytes);
            }
        }
        busy += start.elapsed();
        if !levelled && sides.level() {
            levelled = true;
            outcome.flights_to_level = outcome.flights;
            outcome.bytes_to_level = outcome.bytes;
        }
        assert!(outcome.flights < 100, "no end in sight");
    }
    assert!(levelled, "the two sides never became level");
    outcome.millis = millis(busy);
    outcome
}

type WeftMap = Replica<Map<String, LwwRegister<u64>>>;

fn weft_apply(replica: &mut WeftMap, change: Change) -> usize {
    let delta = replica.update(|map| match change {
        Change::Put(k, value) => map.update(key(k), |register| register.set(value)),
        Change::Remove(k) => {
            map.remove(&key(k));
        }
    });
    delta.to_bytes().len()
}

struct WeftSides {
    replicas: [WeftMap; 2],
    states: [SyncState; 2],
}

impl Sides for WeftSides {
    fn flight(&mut self, side: usize) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(message) = generate(&mut self.states[side], &self.replicas[side]) {
            out.push(message.to_bytes());
        }
        out
    }

    fn deliver(&mut self, to: usize, bytes: &[u8]) {
        let message = Message::from_bytes(bytes).expect("decodes");
        receive(&mut self.states[to], &mut self.replicas[to], message).expect("accepted");
    }

    fn level(&mut self) -> bool {
        let [a, b] = &self.replicas;
        a.version() == b.version() && a.digest() == b.digest()
    }
}

/// Weft: the outcome with fresh sync states, the outcome with states resumed from the session
/// that shared the history, the bytes of the deltas the `2k` changes produced, and the time
/// one state digest takes.
fn weft(shared: usize) -> (Reconciled, Reconciled, usize, Duration) {
    let mut a = WeftMap::new(ReplicaId::from_u128(1));
    for index in 0..shared {
        weft_apply(&mut a, shared_change(index));
    }
    let mut b = WeftMap::new(ReplicaId::from_u128(2));
    b.apply_encoded(&a.encoded_delta_since(&VersionVector::new()))
        .expect("decodes");
    // A session that levels them; its states are kept for the resumed variant.
    let config = SyncConfig::default();
    let mut first = WeftSides {
        replicas: [a, b],
        states: [
            SyncState::with_config(config, 1),
            SyncState::with_config(config, 2),
        ],
    };
    drive(&mut first);
    let saved = [first.states[0].save(), first.states[1].save()];
    let [mut a, mut b] = first.replicas;
    let mut change_bytes = 0;
    for index in 0..DIVERGED {
        change_bytes += weft_apply(&mut a, diverged_change(0, index));
        change_bytes += weft_apply(&mut b, diverged_change(1, index));
    }
    let copies = [
        WeftMap::load(&a.save()).expect("loads"),
        WeftMap::load(&b.save()).expect("loads"),
    ];
    let mut fresh = WeftSides {
        replicas: [a, b],
        states: [
            SyncState::with_config(config, 11),
            SyncState::with_config(config, 12),
        ],
    };
    let cold = drive(&mut fresh);
    let mut resumed = WeftSides {
        replicas: copies,
        states: [
            SyncState::resume_with_config(&saved[0], config, 21).expect("resumes"),
            SyncState::resume_with_config(&saved[1], config, 22).expect("resumes"),
        ],
    };
    let warm = drive(&mut resumed);
    assert_eq!(fresh.replicas[0].digest(), resumed.replicas[1].digest());
    let digest = median_time(5, || fresh.replicas[0].digest());
    (cold, warm, change_bytes, digest)
}

fn yrs_apply(doc: &yrs::Doc, change: Change) {
    let map = doc.get_or_insert_map("m");
    let mut txn = doc.transact_mut();
    match change {
        Change::Put(k, value) => {
            map.insert(&mut txn, key(k), value as f64);
        }
        Change::Remove(k) => {
            map.remove(&mut txn, &key(k));
        }
    }
}

/// Yrs: each side sends its state vector, then answers the peer's with an update (the
/// y-sync protocol's steps 1 and 2).
struct YrsSides {
    docs: [yrs::Doc; 2],
    /// The state vector each side received from the other.
    peer_vector: [Option<Vec<u8>>; 2],
    steps: [usize; 2],
}

impl Sides for YrsSides {
    fn flight(&mut self, side: usize) -> Vec<Vec<u8>> {
        self.steps[side] += 1;
        match self.steps[side] {
            1 => vec![self.docs[side].transact().state_vector().encode_v1()],
            2 => {
                let vector = self.peer_vector[side].as_deref().expect("received");
                let vector = StateVector::decode_v1(vector).expect("decodes");
                vec![
                    self.docs[side]
                        .transact()
                        .encode_state_as_update_v1(&vector),
                ]
            }
            _ => Vec::new(),
        }
    }

    fn deliver(&mut self, to: usize, bytes: &[u8]) {
        if self.peer_vector[to].is_none() {
            self.peer_vector[to] = Some(bytes.to_vec());
        } else {
            self.docs[to]
                .transact_mut()
                .apply_update(Update::decode_v1(bytes).expect("decodes"))
                .expect("applies");
        }
    }

    fn level(&mut self) -> bool {
        let json = |doc: &yrs::Doc| doc.get_or_insert_map("m").to_json(&doc.transact());
        json(&self.docs[0]) == json(&self.docs[1])
    }
}

fn yrs(shared: usize) -> Reconciled {
    let a = yrs::Doc::with_client_id(1);
    for index in 0..shared {
        yrs_apply(&a, shared_change(index));
    }
    let b = yrs::Doc::with_client_id(2);
    let everything = a
        .transact()
        .encode_state_as_update_v1(&StateVector::default());
    b.transact_mut()
        .apply_update(Update::decode_v1(&everything).expect("decodes"))
        .expect("applies");
    for index in 0..DIVERGED {
        yrs_apply(&a, diverged_change(0, index));
        yrs_apply(&b, diverged_change(1, index));
    }
    drive(&mut YrsSides {
        docs: [a, b],
        peer_vector: [None, None],
        steps: [0, 0],
    })
}

fn automerge_apply(doc: &mut AutoCommit, change: Change) {
    match change {
        Change::Put(k, value) => doc.put(ROOT, key(k), value).expect("puts"),
        Change::Remove(k) => doc.delete(ROOT, key(k)).expect("deletes"),
    }
    doc.commit();
}

/// Automerge: `generate_sync_message` / `receive_sync_message`, one message per side and
/// flight (what the protocol produces).
struct AutomergeSides {
    docs: [AutoCommit; 2],
    states: [AutomergeState; 2],
}

impl Sides for AutomergeSides {
    fn flight(&mut self, side: usize) -> Vec<Vec<u8>> {
        self.docs[side]
            .sync()
            .generate_sync_message(&mut self.states[side])
            .map(|message| vec![message.encode()])
            .unwrap_or_default()
    }

    fn deliver(&mut self, to: usize, bytes: &[u8]) {
        let message = AutomergeMessage::decode(bytes).expect("decodes");
        self.docs[to]
            .sync()
            .receive_sync_message(&mut self.states[to], message)
            .expect("applies");
    }

    fn level(&mut self) -> bool {
        let [a, b] = &mut self.docs;
        let (mut heads_a, mut heads_b) = (a.get_heads(), b.get_heads());
        heads_a.sort();
        heads_b.sort();
        heads_a == heads_b
    }
}

/// Automerge with fresh sync states, and with the states kept from the session that shared
/// the history (Automerge recommends persisting them).
fn automerge(shared: usize) -> (Reconciled, Reconciled) {
    let mut a = AutoCommit::new();
    for index in 0..shared {
        automerge_apply(&mut a, shared_change(index));
    }
    let b = a.fork();
    let mut first = AutomergeSides {
        docs: [a, b],
        states: [AutomergeState::new(), AutomergeState::new()],
    };
    drive(&mut first);
    let saved: Vec<Vec<u8>> = first.states.iter().map(AutomergeState::encode).collect();
    let [mut a, mut b] = first.docs;
    for index in 0..DIVERGED {
        automerge_apply(&mut a, diverged_change(0, index));
        automerge_apply(&mut b, diverged_change(1, index));
    }
    let copies = [a.fork(), b.fork()];
    let cold = drive(&mut AutomergeSides {
        docs: [a, b],
        states: [AutomergeState::new(), AutomergeState::new()],
    });
    let warm = drive(&mut AutomergeSides {
        docs: copies,
        states: [
            AutomergeState::decode(&saved[0]).expect("decodes"),
            AutomergeState::decode(&saved[1]).expect("decodes"),
        ],
    });
    (cold, warm)
}

fn main() {
    println!(
        "Two replicas share n changes (puts, every fourth a removal), then each makes k = {DIVERGED} \
         of its own (half puts of new keys, half removals of shared keys)."
    );
    println!(
        "Flights: everything each side has to say, delivered at once; 2 flights = 1 round trip.\n"
    );
    let header = [
        "n shared",
        "protocol",
        "flights to level",
        "round trips",
        "bytes to level",
        "bytes until silent",
        "messages",
        "ms",
    ];
    let mut rows = Vec::new();
    let mut references = Vec::new();
    for shared in SHARED {
        let (cold, warm, change_bytes, digest) = weft(shared);
        rows.push(cold.row(shared, "Weft (fresh SyncState)"));
        rows.push(warm.row(shared, "Weft (resumed SyncState)"));
        rows.push(yrs(shared).row(shared, "Yrs (state vector + update v1)"));
        let (cold, warm) = automerge(shared);
        rows.push(cold.row(shared, "Automerge (fresh sync state)"));
        rows.push(warm.row(shared, "Automerge (persisted sync state)"));
        references.push((shared, change_bytes, digest));
    }
    print_table(&header, &rows);
    println!();
    for (shared, bytes, digest) in references {
        println!(
            "n = {}: the 2k = {} Weft deltas `update` returned take {} bytes in all; \
             one Weft state digest takes {:.1} ms",
            grouped(shared),
            2 * DIVERGED,
            grouped(bytes),
            millis(digest)
        );
    }
}
