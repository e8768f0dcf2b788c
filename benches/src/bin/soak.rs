//! A long-lived document: heap and snapshot size as it takes a million changes with removals,
//! Weft (automatic compaction on, and off for contrast) beside Yrs (gc on) and Loro, in one
//! process.
//!
//! Run: `cargo run --release -p weft-benches --bin soak` (`SOAK_CHANGES=100000` shortens it).
//!
//! Ten replicas of one document. Each round every replica makes 100 changes in one
//! transaction, then the replicas sync through replica 0 (each sends replica 0 what it lacks,
//! then replica 0 sends each what it lacks). The mix, drawn from one seed: text typed (27%)
//! and deleted (23%) one character at a random place in `notes`; map keys set (18%) and
//! deleted (12%) among 1,000 names in `fields`; set elements added (12%) and removed (8%)
//! among 1,000 in `tags` (Yrs and Loro have no set: a map whose keys are the elements).
//! Every tenth of the run: the heap held by the ten replicas (the counting allocator, per
//! replica) and the size of replica 0's snapshot. Weft with compaction learns the stable
//! version (the meet of the ten versions, as the sync layer computes it from acknowledgements)
//! after every round and compacts when it has advanced by 1,000 changes.

#![allow(clippy::print_stdout)]

use loro::{ExportMode, LoroDoc};
use weft::sync::meet;
use weft::{Doc, ReplicaId, VersionVector};
use weft_benches::{CountingAllocator, grouped, print_table};
use yrs::updates::decoder::Decode;
use yrs::{Map as _, ReadTxn, StateVector, Text as _, Transact, Update};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator::new();

/// Replicas of the document.
const REPLICAS: usize = 10;
/// Changes each replica makes between syncs.
const PER_ROUND: usize = 100;
/// Names of map keys and of set elements.
const NAMES: u64 = 1_000;

/// One change of the workload.
#[derive(Clone, Copy)]
enum Op {
    Type(u64),
    Delete(u64),
    Set(u64, i64),
    Unset(u64),
    Add(u64),
    Remove(u64),
}

/// The workload's random numbers (SplitMix64).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn op(&mut self) -> Op {
        let place = self.next();
        let name = self.next() % NAMES;
        match self.next() % 100 {
            0..27 => Op::Type(place),
            27..50 => Op::Delete(place),
            50..68 => Op::Set(name, place as i64 >> 40),
            68..80 => Op::Unset(name),
            80..92 => Op::Add(name),
            _ => Op::Remove(name),
        }
    }
}

/// Ten replicas of one library doing the workload.
trait Cluster {
    fn round(&mut self, replica: usize, ops: &[Op]);
    fn sync(&mut self);
    fn snapshot_len(&self) -> usize;
    /// Replica 0's text, map and set, to check that the libraries agree.
    fn content(&self) -> (String, usize, usize);
}

struct Weft {
    docs: Vec<Doc>,
    compaction: bool,
}

impl Weft {
    fn new(compaction: bool) -> Self {
        let docs = (0..REPLICAS)
            .map(|replica| {
                let mut doc = Doc::new(ReplicaId::from_u128(replica as u128 + 1));
                if !compaction {
                    doc.set_compaction_threshold(0);
                }
                doc
            })
            .collect();
        Self { docs, compaction }
    }
}

impl Cluster for Weft {
    fn round(&mut self, replica: usize, ops: &[Op]) {
        self.docs[replica].transact(|root| {
            for op in ops {
                match *op {
                    Op::Type(place) => {
                        let mut text = root.text("notes");
                        let at = place as usize % (text.len() + 1);
                        text.insert(at, "x").expect("in range");
                    }
                    Op::Delete(place) => {
                        let mut text = root.text("notes");
                        if !text.is_empty() {
                            let at = place as usize % text.len();
                            text.delete(at..at + 1).expect("in range");
                        }
                    }
                    Op::Set(name, value) => root.map("fields").put(&format!("k{name}"), value),
                    Op::Unset(name) => {
                        root.map("fields").delete(&format!("k{name}"));
                    }
                    Op::Add(name) => root.add_wins_set("tags").insert(format!("t{name}")),
                    Op::Remove(name) => {
                        root.add_wins_set("tags").remove(&format!("t{name}").into());
                    }
                }
            }
        });
    }

    fn sync(&mut self) {
        let (hub, others) = self.docs.split_first_mut().expect("replicas");
        for doc in others.iter() {
            hub.apply(&doc.delta_since(&hub.version()));
        }
        for doc in others.iter_mut() {
            doc.apply(&hub.delta_since(&doc.version()));
        }
        if self.compaction {
            let stable = self
                .docs
                .iter()
                .map(Doc::version)
                .reduce(|stable, version| meet(&stable, &version))
                .unwrap_or_else(VersionVector::new);
            for doc in &mut self.docs {
                doc.note_stable(&stable);
            }
        }
    }

    fn snapshot_len(&self) -> usize {
        self.docs[0].save().len()
    }

    fn content(&self) -> (String, usize, usize) {
        let json: serde_json::Value =
            serde_json::from_str(&self.docs[0].to_json()).expect("the document as JSON");
        let count = |name: &str| match json.get(name) {
            Some(serde_json::Value::Object(map)) => map.len(),
            Some(serde_json::Value::Array(items)) => items.len(),
            _ => 0,
        };
        let text = json
            .get("notes")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
            .to_string();
        (text, count("fields"), count("tags"))
    }
}

struct Yrs(Vec<yrs::Doc>);

impl Cluster for Yrs {
    fn round(&mut self, replica: usize, ops: &[Op]) {
        let doc = &self.0[replica];
        let (text, fields, tags) = (
            doc.get_or_insert_text("notes"),
            doc.get_or_insert_map("fields"),
            doc.get_or_insert_map("tags"),
        );
        let mut txn = doc.transact_mut();
        for op in ops {
            match *op {
                Op::Type(place) => {
                    let at = place as u32 % (text.len(&txn) + 1);
                    text.insert(&mut txn, at, "x");
                }
                Op::Delete(place) => {
                    let len = text.len(&txn);
                    if len > 0 {
                        text.remove_range(&mut txn, place as u32 % len, 1);
                    }
                }
                Op::Set(name, value) => {
                    fields.insert(&mut txn, format!("k{name}"), value);
                }
                Op::Unset(name) => {
                    fields.remove(&mut txn, &format!("k{name}"));
                }
                Op::Add(name) => {
                    tags.insert(&mut txn, format!("t{name}"), true);
                }
                Op::Remove(name) => {
                    tags.remove(&mut txn, &format!("t{name}"));
                }
            }
        }
    }

    fn sync(&mut self) {
        let send = |from: &yrs::Doc, to: &yrs::Doc| {
            let vector: StateVector = to.transact().state_vector();
            let update = from.transact().encode_state_as_update_v1(&vector);
            to.transact_mut()
                .apply_update(Update::decode_v1(&update).expect("decodes"))
                .expect("applies");
        };
        for doc in &self.0[1..] {
            send(doc, &self.0[0]);
        }
        for doc in &self.0[1..] {
            send(&self.0[0], doc);
        }
    }

    fn snapshot_len(&self) -> usize {
        self.0[0]
            .transact()
            .encode_state_as_update_v1(&StateVector::default())
            .len()
    }

    fn content(&self) -> (String, usize, usize) {
        let doc = &self.0[0];
        let (text, fields, tags) = (
            doc.get_or_insert_text("notes"),
            doc.get_or_insert_map("fields"),
            doc.get_or_insert_map("tags"),
        );
        let txn = doc.transact();
        (
            yrs::GetString::get_string(&text, &txn),
            fields.len(&txn) as usize,
            tags.len(&txn) as usize,
        )
    }
}

struct Loro(Vec<LoroDoc>);

impl Cluster for Loro {
    fn round(&mut self, replica: usize, ops: &[Op]) {
        let doc = &self.0[replica];
        let (text, fields, tags) = (
            doc.get_text("notes"),
            doc.get_map("fields"),
            doc.get_map("tags"),
        );
        for op in ops {
            match *op {
                Op::Type(place) => {
                    let at = place as usize % (text.len_unicode() + 1);
                    text.insert(at, "x").expect("in range");
                }
                Op::Delete(place) => {
                    let len = text.len_unicode();
                    if len > 0 {
                        text.delete(place as usize % len, 1).expect("in range");
                    }
                }
                Op::Set(name, value) => fields.insert(&format!("k{name}"), value).expect("set"),
                Op::Unset(name) => fields.delete(&format!("k{name}")).expect("delete"),
                Op::Add(name) => tags.insert(&format!("t{name}"), true).expect("add"),
                Op::Remove(name) => tags.delete(&format!("t{name}")).expect("remove"),
            }
        }
        doc.commit();
    }

    fn sync(&mut self) {
        let send = |from: &LoroDoc, to: &LoroDoc| {
            let bytes = from
                .export(ExportMode::updates(&to.oplog_vv()))
                .expect("exports");
            to.import(&bytes).expect("imports");
        };
        for doc in &self.0[1..] {
            send(doc, &self.0[0]);
        }
        for doc in &self.0[1..] {
            send(&self.0[0], doc);
        }
    }

    fn snapshot_len(&self) -> usize {
        self.0[0]
            .export(ExportMode::Snapshot)
            .expect("exports")
            .len()
    }

    fn content(&self) -> (String, usize, usize) {
        let doc = &self.0[0];
        (
            doc.get_text("notes").to_string(),
            doc.get_map("fields").len(),
            doc.get_map("tags").len(),
        )
    }
}

/// Heap per replica (bytes) and snapshot size at each checkpoint, and the final content.
struct Run {
    heap: Vec<usize>,
    snapshot: Vec<usize>,
    content: (String, usize, usize),
}

fn soak(changes: usize, make: impl FnOnce() -> Box<dyn Cluster>) -> Run {
    let baseline = ALLOCATOR.live_bytes();
    let mut cluster = make();
    let mut random = Random(0x50A4);
    let rounds = changes / (PER_ROUND * REPLICAS);
    let every = (rounds / 10).max(1);
    let (mut heap, mut snapshot) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        for replica in 0..REPLICAS {
            let ops: Vec<Op> = (0..PER_ROUND).map(|_| random.op()).collect();
            cluster.round(replica, &ops);
        }
        cluster.sync();
        if round % every == 0 {
            heap.push(ALLOCATOR.live_bytes().saturating_sub(baseline) / REPLICAS);
            snapshot.push(cluster.snapshot_len());
        }
    }
    let content = cluster.content();
    drop(cluster);
    Run {
        heap,
        snapshot,
        content,
    }
}

fn main() {
    let changes: usize = std::env::var("SOAK_CHANGES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(1_000_000);
    println!(
        "# Soak: one document, {} changes by {REPLICAS} replicas",
        grouped(changes)
    );
    println!("(heap per replica and replica 0's snapshot, in KiB, every tenth of the run)");
    let runs: Vec<(&str, Run)> = vec![
        (
            "Weft, compaction on",
            soak(changes, || Box::new(Weft::new(true))),
        ),
        (
            "Weft, compaction off",
            soak(changes, || Box::new(Weft::new(false))),
        ),
        (
            "Yrs (gc on)",
            soak(changes, || {
                Box::new(Yrs((0..REPLICAS)
                    .map(|replica| yrs::Doc::with_client_id(replica as u64 + 1))
                    .collect()))
            }),
        ),
        (
            "Loro",
            soak(changes, || {
                Box::new(Loro(
                    (0..REPLICAS)
                        .map(|replica| {
                            let doc = LoroDoc::new();
                            doc.set_peer_id(replica as u64 + 1).expect("peer id");
                            doc
                        })
                        .collect(),
                ))
            }),
        ),
    ];
    // Compaction must not change what the document shows. The peers' answers differ in
    // places by design (concurrent set and delete of one key: Weft keeps the observed-remove
    // answer, Loro the last writer's; concurrent deletions of neighbouring characters land on
    // different characters once concurrent typing interleaves differently).
    assert_eq!(
        runs[0].1.content, runs[1].1.content,
        "compaction changed the document"
    );
    for (name, run) in &runs {
        let (text, fields, tags) = &run.content;
        println!(
            "{name}: text {} chars, {fields} map keys, {tags} set elements",
            text.len()
        );
    }
    let points = runs[0].1.heap.len();
    let step = changes / points.max(1);
    let mut header = vec!["changes"];
    for (name, _) in &runs {
        header.push(name);
    }
    for (what, pick) in [
        (
            "heap per replica (KiB)",
            (|run: &Run| &run.heap) as fn(&Run) -> &Vec<usize>,
        ),
        ("snapshot (KiB)", |run: &Run| &run.snapshot),
    ] {
        println!("\n## {what}");
        let rows: Vec<Vec<String>> = (0..points)
            .map(|point| {
                let mut row = vec![grouped((point + 1) * step)];
                for (_, run) in &runs {
                    row.push(grouped(pick(run)[point] / 1024));
                }
                row
            })
            .collect();
        print_table(&header, &rows);
    }
}
