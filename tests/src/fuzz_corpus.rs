//! Valid encodings of everything Weft decodes, generated in-process from seeded histories:
//! the starting points of the mutation fuzzer (`crate::mutation_fuzzer`).
//!
//! Every corpus mixes mutation deltas (one change), `delta_since` deltas (from nothing and
//! from another replica's version) and snapshots (with pending deltas where the history left
//! some), small ones whose sequence bodies are stored raw and large ones whose bodies are
//! deflated.

use quickcheck::{Arbitrary, Gen};
use weft::sync::{Log, MemoryStorage, Message, Repair, SyncConfig, SyncState, generate, receive};
use weft::{Delta, Doc, List, Replica, ReplicaId, Text, VersionVector};
use weft::{ListEditor, TextEditor};

use crate::random::SplitMix64;
use crate::workloads::{Step, Workload, run_script};

/// A corpus and an ordinary replica to merge mutants with.
#[derive(Clone, Debug)]
pub struct Corpus<R> {
    /// Valid encodings.
    pub entries: Vec<Vec<u8>>,
    /// A replica built by ordinary use.
    pub partner: R,
}

/// Deltas and snapshots of `S` from `histories` random scripts over three replicas.
///
/// ```
/// let corpus = weft_tests::fuzz_corpus::replicated::<weft::GCounter>(2);
/// assert!(corpus.entries.len() >= 8);
/// ```
#[must_use]
pub fn replicated<S: Workload>(histories: u64) -> Corpus<Replica<S>> {
    let mut entries = Vec::new();
    let mut partner = Replica::<S>::new(ReplicaId::from_u128(0xa11ce));
    for seed in 0..histories {
        let mut generator = Gen::from_size_and_seed(30, seed);
        let steps = 10 + 10 * seed as usize;
        let script: Vec<Step<S::Op>> = (0..steps)
            .map(|_| Step::arbitrary(&mut generator))
            .collect();
        let (replicas, deltas) = run_script::<S>(3, &script);
        entries.extend(deltas.iter().take(4).map(Delta::to_bytes));
        whole_and_since(&replicas, &mut entries);
        partner = replicas[2].clone();
    }
    Corpus { entries, partner }
}

/// `delta_since` from nothing and from a peer's version, and snapshots, of `replicas`.
fn whole_and_since<S: weft::internals::store::DotStore>(
    replicas: &[Replica<S>],
    entries: &mut Vec<Vec<u8>>,
) {
    entries.push(replicas[0].delta_since(&VersionVector::new()).to_bytes());
    entries.push(replicas[0].delta_since(&replicas[1].version()).to_bytes());
    entries.push(replicas[1].save());
    entries.push(replicas[2].save());
}

/// Deltas and snapshots of `Text` from `histories` seeded editing histories.
///
/// ```
/// let corpus = weft_tests::fuzz_corpus::text(1);
/// assert!(!corpus.entries.is_empty());
/// ```
#[must_use]
pub fn text(histories: u64) -> Corpus<Replica<Text>> {
    sequence(
        histories,
        |replica: &mut Replica<Text>, random: &mut SplitMix64| {
            let length = replica.len();
            let at = random.index(length + 1);
            let words = [
                "a",
                "é",
                "😀",
                "hello ",
                "\n",
                "some longer words to deflate ",
            ];
            let word = words[random.index(words.len())];
            if length > 0 && random.chance(30) {
                let end = (at + 1 + random.index(4)).min(length);
                let start = at.min(end.saturating_sub(1));
                replica.update(|text| text.delete(start..end).expect("in range"))
            } else {
                replica.update(|text| text.insert(at, word).expect("in range"))
            }
        },
    )
}

/// Deltas and snapshots of `Text` with rich-text marks (marks, unmarks, every expand rule,
/// every kind of value) among the inserts and deletes, from `histories` seeded histories.
///
/// ```
/// let corpus = weft_tests::fuzz_corpus::text_marks(1);
/// assert!(!corpus.entries.is_empty());
/// ```
#[must_use]
pub fn text_marks(histories: u64) -> Corpus<Replica<Text>> {
    use weft_text::{Expand, MarkValue};
    sequence(
        histories,
        |replica: &mut Replica<Text>, random: &mut SplitMix64| {
            let length = replica.len();
            let at = random.index(length + 1);
            if length > 0 && random.chance(50) {
                let end = (at + 1 + random.index(4)).min(length);
                let start = at.min(end.saturating_sub(1));
                let expand =
                    [Expand::After, Expand::Before, Expand::Both, Expand::None][random.index(4)];
                let value = match random.index(5) {
                    0 => None,
                    1 => Some(MarkValue::Bool(true)),
                    2 => Some(MarkValue::Number(1.5)),
                    3 => Some(MarkValue::from("https://example.com/é")),
                    _ => Some(MarkValue::Json {
                        json: r#"{"id":7}"#.into(),
                    }),
                };
                let name = ["bold", "link", "comment"][random.index(3)];
                replica.update(|text| {
                    match value {
                        Some(value) => text.mark(start..end, name, value, expand),
                        None => text.unmark(start..end, name, expand),
                    }
                    .expect("in range")
                })
            } else if length > 0 && random.chance(30) {
                let end = (at + 1 + random.index(4)).min(length);
                let start = at.min(end.saturating_sub(1));
                replica.update(|text| text.delete(start..end).expect("in range"))
            } else {
                replica.update(|text| text.insert(at, "mark me ").expect("in range"))
            }
        },
    )
}

/// Deltas and snapshots of `List<u64>` from `histories` seeded editing histories.
///
/// ```
/// let corpus = weft_tests::fuzz_corpus::list(1);
/// assert!(!corpus.entries.is_empty());
/// ```
#[must_use]
pub fn list(histories: u64) -> Corpus<Replica<List<u64>>> {
    sequence(
        histories,
        |replica: &mut Replica<List<u64>>, random: &mut SplitMix64| {
            let length = replica.len();
            let at = random.index(length + 1);
            if length > 0 && random.chance(30) {
                let end = (at + 1 + random.index(3)).min(length);
                let start = at.min(end.saturating_sub(1));
                replica.update(|list| list.delete(start..end).expect("in range"))
            } else {
                let count = 1 + random.below(3);
                let values: Vec<u64> = (0..count).map(|_| random.below(1 << 40)).collect();
                replica.update(|list| list.insert_all(at, values).expect("in range"))
            }
        },
    )
}

/// Three replicas of a sequence edited by `edit` and exchanging deltas out of order.
fn sequence<S: weft::internals::store::DotStore>(
    histories: u64,
    edit: impl Fn(&mut Replica<S>, &mut SplitMix64) -> Delta<S>,
) -> Corpus<Replica<S>> {
    let mut entries = Vec::new();
    let mut partner = Replica::<S>::new(ReplicaId::from_u128(0xa11ce));
    for seed in 0..histories {
        let mut random = SplitMix64::new(seed);
        let mut replicas: Vec<Replica<S>> = (1..=3)
            .map(|id| Replica::new(ReplicaId::from_u128(id)))
            .collect();
        let mut deltas: Vec<Delta<S>> = Vec::new();
        let steps = 6 + 20 * seed;
        for _ in 0..steps {
            let who = random.index(3);
            match random.below(4) {
                0 | 1 => deltas.push(edit(&mut replicas[who], &mut random)),
                2 if !deltas.is_empty() => {
                    let delta = &deltas[random.index(deltas.len())];
                    replicas[who].apply(delta);
                }
                _ => {
                    let from = random.index(3);
                    let delta = replicas[from].delta_since(&replicas[who].version());
                    replicas[who].apply(&delta);
                }
            }
        }
        entries.extend(deltas.iter().take(4).map(Delta::to_bytes));
        whole_and_since(&replicas, &mut entries);
        partner = replicas[2].clone();
    }
    Corpus { entries, partner }
}

/// Document deltas and snapshots: random scripts over every container kind, and one
/// hand-built document nesting maps, lists of maps, text, counters and sets.
///
/// ```
/// let corpus = weft_tests::fuzz_corpus::documents(1);
/// assert!(corpus.entries.len() >= 8);
/// ```
#[must_use]
pub fn documents(histories: u64) -> Corpus<Doc> {
    let scripted = replicated::<weft::Object>(histories);
    let mut entries = scripted.entries;
    let (mut a, mut b) = nested_pair();
    entries.push(a.delta_since(&VersionVector::new()).to_bytes());
    entries.push(a.delta_since(&b.version()).to_bytes());
    let change = b
        .transact(|root| {
            if let Ok(mut item) = root.list("todo").map_at(0) {
                item.put("done", true);
            }
            // Concurrent with `a`'s write: the register then holds two values.
            root.multi_value("status").put("review");
        })
        .delta;
    entries.push(change.to_bytes());
    a.apply(&change);
    entries.push(a.save());
    entries.push(b.save());
    Corpus {
        entries,
        partner: b,
    }
}

/// Two documents holding nested containers of every kind, `b` one change behind `a`.
fn nested_pair() -> (Doc, Doc) {
    let mut a = Doc::new(ReplicaId::from_u128(1));
    let mut b = Doc::new(ReplicaId::from_u128(2));
    let first = a
        .transact(|root| {
            root.text("title").insert(0, "Groceries").expect("in range");
            let mut todo = root.list("todo");
            todo.push("milk");
            let mut item = todo.insert_map(1).expect("in range");
            item.put("done", false);
            item.text("note").insert(0, "two").expect("in range");
            todo.insert_remove_wins_set(2)
                .expect("in range")
                .insert(7i64);
            root.counter("likes").increment(2);
            root.add_wins_set("tags").insert("home");
            root.map("meta").map("owner").put("name", "ann");
            root.multi_value("status").put("draft");
            root.remove_wins_set("blocked").insert("eve");
        })
        .delta;
    b.apply(&first);
    a.transact(|root| {
        root.counter("likes").increment(-1);
        root.delete("tags");
        root.multi_value("status").put("final");
        let mut blocked = root.remove_wins_set("blocked");
        blocked.remove(&"eve".into());
        blocked.remove(&"mallory".into());
    });
    (a, b)
}

/// Sync messages of every kind between two document replicas: hellos, changes (some split
/// into chunks by a small frame size), acknowledgements and repairs; and saved sync states.
///
/// ```
/// let corpus = weft_tests::fuzz_corpus::messages();
/// assert!(corpus.entries.len() >= 5);
/// ```
#[must_use]
pub fn messages() -> Corpus<Doc> {
    let (mut a, mut b) = nested_pair();
    let mut entries = Vec::new();
    let mut one = SyncState::new();
    let small = SyncConfig::default().with_max_frame_size(weft::sync::MIN_FRAME_SIZE);
    let mut two = SyncState::with_config(small, 7);
    for _ in 0..6 {
        let mut quiet = true;
        while let Some(message) = generate(&mut one, &a) {
            entries.push(message.to_bytes());
            let _ = receive(&mut two, &mut b, message);
            quiet = false;
        }
        while let Some(message) = generate(&mut two, &b) {
            entries.push(message.to_bytes());
            let _ = receive(&mut one, &mut a, message);
            quiet = false;
        }
        if quiet {
            b.transact(|root| root.counter("likes").increment(1));
        }
    }
    let state = a.delta_since(&VersionVector::new()).to_bytes();
    entries.push(Message::Repair(Repair::new(3, true, a.version(), state)).to_bytes());
    entries.push(one.save());
    entries.push(SyncState::new().save());
    // A resumed hello's sketch, which sessions this small never send (the whole version is
    // smaller), so that mutants reach the sketch decoder.
    let version = a.version();
    let sketch = weft::sync::Version::Sketch {
        fingerprint: weft::sync::fingerprint(&version),
        sketch: weft::sync::VersionSketch::of(&version, 4),
    };
    entries.push(Message::Hello(weft::sync::Hello::new(9, sketch, a.digest())).to_bytes());
    Corpus {
        entries,
        partner: b,
    }
}

/// Document deltas written against `base`, the partner's version: every document delta of
/// [`documents`], and what the partner lacks of a document that moved on.
///
/// ```
/// let (corpus, base) = weft_tests::fuzz_corpus::documents_against();
/// assert!(corpus.entries.iter().all(|bytes| {
///     weft::DocDelta::from_bytes_against(bytes, &base).is_ok()
/// }));
/// ```
#[must_use]
pub fn documents_against() -> (Corpus<Doc>, VersionVector) {
    let documents = documents(4);
    let base = documents.partner.version();
    let mut entries: Vec<Vec<u8>> = documents
        .entries
        .iter()
        .filter_map(|bytes| weft::DocDelta::from_bytes(bytes).ok())
        .map(|delta| delta.to_bytes_against(&base))
        .collect();
    let (mut a, _) = nested_pair();
    a.merge(&documents.partner);
    a.transact(|root| root.counter("likes").increment(2));
    entries.push(a.delta_since(&base).to_bytes_against(&base));
    (
        Corpus {
            entries,
            partner: documents.partner,
        },
        base,
    )
}

/// Presence messages: an empty local entry, a state, a peer's whole view, and a removal.
///
/// ```
/// assert!(weft_tests::fuzz_corpus::presence().len() >= 3);
/// ```
#[must_use]
pub fn presence() -> Vec<Vec<u8>> {
    use weft::sync::presence::Presence;
    let mut alice = Presence::new(ReplicaId::from_u128(0x0a));
    let mut entries = vec![alice.encode_local()];
    alice
        .set_local(Some(r##"{"name":"Alice","colour":"#e33","cursor":null}"##))
        .expect("a small state");
    entries.push(alice.encode_local());
    let mut hub = Presence::new(ReplicaId::from_u128(0x0b));
    hub.set_local(Some("{}")).expect("a small state");
    hub.apply(&alice.encode_local(), 0)
        .expect("a valid message");
    entries.extend(hub.encode_all());
    alice.set_local(None).expect("leaving");
    entries.push(alice.encode_local());
    entries
}

/// Persistence logs of a document: a snapshot then deltas, and a compacted one.
///
/// ```
/// let corpus = weft_tests::fuzz_corpus::logs();
/// assert!(corpus.entries.len() >= 2);
/// ```
#[must_use]
pub fn logs() -> Corpus<Doc> {
    let (a, _) = nested_pair();
    let mut doc = Doc::load(&a.save()).expect("a saved document loads");
    let mut log = Log::create(MemoryStorage::new(), &doc).expect("memory does not fail");
    let mut entries = Vec::new();
    for round in 0..3i64 {
        doc.transact(|root| {
            root.counter("likes").increment(round);
            root.text("title").insert(0, "!").expect("in range");
        });
        log.append(&doc).expect("memory does not fail");
        entries.push(log.storage().bytes().to_vec());
    }
    log.compact(&doc).expect("memory does not fail");
    entries.push(log.storage().bytes().to_vec());
    Corpus {
        entries,
        partner: doc,
    }
}
