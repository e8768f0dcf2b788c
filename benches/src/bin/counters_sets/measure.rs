//! Measurements common to every scenario, on a Weft cluster and a `crdts` cluster that
//! played the same workload: state size, merge time, bytes to ship after k changes.

use std::time::{Duration, Instant};

use weft_benches::{grouped, median_time_with_setup, millis, print_table, ratio};

use crate::cluster::{CrdtsPeer, CrdtsWorkload, Peer, Played, WeftPeer, WeftWorkload, play};

/// A Weft cluster and a `crdts` cluster after the same workload.
pub(crate) struct Comparison<S, T> {
    pub(crate) weft: Played<WeftPeer<S>>,
    pub(crate) crdts: Played<CrdtsPeer<T>>,
}

/// How a merge is timed.
#[derive(Clone, Copy)]
enum MergeKind {
    /// The incoming state is already in memory (Weft: a prebuilt `delta_since(∅)`; `crdts`:
    /// a clone made before the clock starts).
    InMemory,
    /// The incoming state is produced from the other replica, then merged (Weft:
    /// `Replica::merge`, which builds `delta_since(∅)`; `crdts`: clone, then `merge`).
    Produced,
    /// The incoming state arrives as bytes: decode, then merge.
    FromBytes,
}

impl MergeKind {
    const ALL: [Self; 3] = [Self::InMemory, Self::Produced, Self::FromBytes];

    fn label(self) -> &'static str {
        match self {
            Self::InMemory => "merge a state held in memory",
            Self::Produced => "produce the other's state, merge it",
            Self::FromBytes => "decode the state's bytes, merge them",
        }
    }
}

impl<S, T> Comparison<S, T>
where
    S: WeftWorkload,
    T: CrdtsWorkload<Change = S::Change, Content = S::Content>,
{
    /// Plays `rounds` on `replicas` replicas of each library and checks that every replica
    /// of both ends with the same content.
    pub(crate) fn play(replicas: usize, rounds: &[Vec<Vec<S::Change>>]) -> Self {
        let comparison = Self {
            weft: play(replicas, rounds),
            crdts: play(replicas, rounds),
        };
        let expected = comparison.crdts.replicas[0].content();
        for replica in &comparison.weft.replicas {
            assert_eq!(replica.content(), expected, "Weft diverged from crdts");
        }
        for replica in &comparison.crdts.replicas {
            assert_eq!(replica.content(), expected, "crdts replicas diverged");
        }
        comparison
    }

    /// Encoded size of the whole state of replica 0, per library.
    pub(crate) fn print_state_sizes(&self, title: &str) {
        let crdts = self.crdts.replicas[0].encode_state().len();
        let weft = &self.weft.replicas[0];
        let shipped = weft.encode_state().len();
        let snapshot = weft.replica.save().len();
        println!("\n{title}");
        print_table(
            &["encoded full state", "bytes", "÷ crdts"],
            &[
                vec![
                    "crdts (bincode)".to_string(),
                    grouped(crdts),
                    "1.00×".to_string(),
                ],
                size_row("Weft delta_since(∅).to_bytes()", shipped, crdts),
                size_row("Weft save() (snapshot)", snapshot, crdts),
            ],
        );
    }

    /// Median time of the full-state merges from replica 0 into an equal replica (replica 1)
    /// and into the laggard, per library, timed alternately; `batch` merges per timing for
    /// tiny states.
    pub(crate) fn print_merge_times(&self, runs: usize, batch: usize) {
        let mut rows = Vec::new();
        for (target, weft_target, crdts_target) in [
            ("equal", &self.weft.replicas[1], &self.crdts.replicas[1]),
            (
                "lacking the last round",
                &self.weft.laggard,
                &self.crdts.laggard,
            ),
        ] {
            let crdts_case = MergeCase::new(crdts_target, &self.crdts.replicas[0]);
            let weft_case = MergeCase::new(weft_target, &self.weft.replicas[0]);
            for kind in MergeKind::ALL {
                let (crdts, weft) = paired_medians(
                    runs,
                    || crdts_case.time_once(kind, batch),
                    || weft_case.time_once(kind, batch),
                );
                rows.push(time_row(
                    &format!("{}, into {target}", kind.label()),
                    crdts,
                    weft,
                ));
            }
        }
        let source = &self.weft.replicas[0].replica;
        let delta_sync = median_time_with_setup(
            runs,
            || batch_of(batch, &self.weft.laggard),
            |mut laggards| {
                for laggard in &mut laggards {
                    let delta = source.delta_since(&laggard.replica.version());
                    laggard.replica.apply(&delta);
                }
                laggards
            },
        ) / batch as u32;
        rows.push(vec![
            "Weft only: delta_since(laggard's version) + apply, into the laggard".to_string(),
            "–".to_string(),
            format_millis(delta_sync),
            "–".to_string(),
        ]);
        print_table(
            &["merge (median)", "crdts ms", "Weft ms", "Weft ÷ crdts"],
            &rows,
        );
    }

    /// Bytes to bring replica 1 level with replica 0 after replica 0 made each batch of
    /// `follow_ups`, per library; checks that the bytes do bring it level.
    pub(crate) fn print_shipping(&self, follow_ups: &[Vec<S::Change>]) {
        let rows: Vec<Vec<String>> = follow_ups
            .iter()
            .map(|changes| self.shipping_row(changes))
            .collect();
        print_table(
            &[
                "k changes",
                "crdts full state",
                "crdts k ops",
                "Weft k deltas",
                "Weft delta_since",
                "÷ crdts state",
                "÷ crdts ops",
            ],
            &rows,
        );
    }

    fn shipping_row(&self, changes: &[S::Change]) -> Vec<String> {
        let (weft_deltas, weft_since, weft_content) = self.weft_shipping(changes);
        let (crdts_ops, crdts_state, crdts_content) = self.crdts_shipping(changes);
        assert_eq!(weft_content, crdts_content, "Weft diverged from crdts");
        vec![
            grouped(changes.len()),
            grouped(crdts_state),
            grouped(crdts_ops),
            grouped(weft_deltas),
            grouped(weft_since),
            ratio(weft_since as f64, crdts_state as f64),
            ratio(weft_since as f64, crdts_ops as f64),
        ]
    }

    /// Weft: the sum of the changes' delta frames, the frame of `delta_since`, the content.
    fn weft_shipping(&self, changes: &[S::Change]) -> (usize, usize, S::Content) {
        let mut source = self.weft.replicas[0].clone();
        let mut peer = self.weft.replicas[1].clone();
        let deltas: usize = changes
            .iter()
            .map(|change| WeftPeer::<S>::message_len(&source.make(change)))
            .sum();
        let bytes = source.delta_bytes_since(&peer.replica.version());
        peer.merge_encoded(&bytes);
        assert!(peer.same_state(&source), "delta_since left the peer behind");
        (deltas, bytes.len(), source.content())
    }

    /// `crdts`: the sum of the changes' ops, the full state after them, the content.
    fn crdts_shipping(&self, changes: &[S::Change]) -> (usize, usize, S::Content) {
        let mut source = self.crdts.replicas[0].clone();
        let mut peer = self.crdts.replicas[1].clone();
        let ops: usize = changes
            .iter()
            .map(|change| CrdtsPeer::<T>::message_len(&source.make(change)))
            .sum();
        let bytes = source.encode_state();
        peer.merge_encoded(&bytes);
        assert!(
            peer.same_state(&source),
            "a crdts state merge left the peer behind"
        );
        (ops, bytes.len(), source.content())
    }

    /// The bytes one change costs: `crdts` full state and op, the Weft delta right after a
    /// sync and right after another local change, and Weft `delta_since` the peer's version.
    pub(crate) fn print_one_change(&self, first: &S::Change, second: &S::Change) {
        let mut crdts = self.crdts.replicas[0].clone();
        let crdts_op = CrdtsPeer::<T>::message_len(&crdts.make(first));
        let crdts_state = crdts.encode_state().len();
        let mut weft = self.weft.replicas[0].clone();
        let peer_version = weft.replica.version();
        let after_sync = WeftPeer::<S>::message_len(&weft.make(first));
        let since_one = weft.delta_bytes_since(&peer_version).len();
        let after_local = WeftPeer::<S>::message_len(&weft.make(second));
        print_table(
            &["bytes to ship after 1 change", "bytes"],
            &[
                vec![
                    "crdts: the full state again".to_string(),
                    grouped(crdts_state),
                ],
                vec![
                    "crdts: its op (needs exactly-once, causal delivery)".to_string(),
                    grouped(crdts_op),
                ],
                vec![
                    "Weft: the change's delta, first change after a sync".to_string(),
                    grouped(after_sync),
                ],
                vec![
                    "Weft: the change's delta, after another local change".to_string(),
                    grouped(after_local),
                ],
                vec![
                    "Weft: delta_since(peer's version)".to_string(),
                    grouped(since_one),
                ],
            ],
        );
    }
}

/// A full-state merge from `source` into copies of `target`.
struct MergeCase<'a, P> {
    target: &'a P,
    source: &'a P,
    bytes: Vec<u8>,
}

impl<'a, P: Peer> MergeCase<'a, P> {
    fn new(target: &'a P, source: &'a P) -> Self {
        Self {
            target,
            source,
            bytes: source.encode_state(),
        }
    }

    /// One timed run of `batch` merges of `kind`, per merge; copies are made untimed.
    fn time_once(&self, kind: MergeKind, batch: usize) -> Duration {
        let total = match kind {
            MergeKind::InMemory => time_once(
                || {
                    (0..batch)
                        .map(|_| (self.target.clone(), self.source.state()))
                        .collect::<Vec<_>>()
                },
                |pairs| {
                    pairs
                        .into_iter()
                        .map(|(mut copy, state)| {
                            copy.merge_state(state);
                            copy
                        })
                        .collect::<Vec<_>>()
                },
            ),
            MergeKind::Produced => time_once(
                || batch_of(batch, self.target),
                |mut copies| {
                    for copy in &mut copies {
                        copy.merge_state(self.source.state());
                    }
                    copies
                },
            ),
            MergeKind::FromBytes => time_once(
                || batch_of(batch, self.target),
                |mut copies| {
                    for copy in &mut copies {
                        copy.merge_encoded(&self.bytes);
                    }
                    copies
                },
            ),
        };
        total / batch as u32
    }
}

/// Times `first` and `second` alternately, `runs` times each after one warm-up of each, so
/// that load from other processes on the shared machine hits both alike; the two medians.
fn paired_medians(
    runs: usize,
    mut first: impl FnMut() -> Duration,
    mut second: impl FnMut() -> Duration,
) -> (Duration, Duration) {
    first();
    second();
    let (mut firsts, mut seconds): (Vec<Duration>, Vec<Duration>) =
        (0..runs.max(1)).map(|_| (first(), second())).unzip();
    (median(&mut firsts), median(&mut seconds))
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

/// The duration of `work` on an input from `setup` (neither `setup` nor dropping the output
/// is timed).
fn time_once<I, T>(setup: impl FnOnce() -> I, work: impl FnOnce(I) -> T) -> Duration {
    let input = setup();
    let start = Instant::now();
    let output = std::hint::black_box(work(input));
    let elapsed = start.elapsed();
    drop(output);
    elapsed
}

fn batch_of<P: Clone>(batch: usize, replica: &P) -> Vec<P> {
    (0..batch).map(|_| replica.clone()).collect()
}

fn size_row(label: &str, bytes: usize, crdts: usize) -> Vec<String> {
    vec![
        label.to_string(),
        grouped(bytes),
        ratio(bytes as f64, crdts as f64),
    ]
}

fn time_row(label: &str, crdts: Duration, weft: Duration) -> Vec<String> {
    vec![
        label.to_string(),
        format_millis(crdts),
        format_millis(weft),
        ratio(weft.as_secs_f64(), crdts.as_secs_f64()),
    ]
}

/// Milliseconds with enough digits for sub-microsecond merges.
pub(crate) fn format_millis(duration: Duration) -> String {
    let value = millis(duration);
    if value >= 10.0 {
        format!("{value:.1}")
    } else if value >= 0.01 {
        format!("{value:.3}")
    } else {
        format!("{value:.5}")
    }
}
