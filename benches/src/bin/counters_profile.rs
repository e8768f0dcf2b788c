//! Counter merges one at a time, for profilers (`valgrind --tool=callgrind
//! --toggle-collect=...`) and quick before/after checks; `counters_sets counters` is the
//! comparison with `crdts`.
//!
//! `cargo run --release -p weft-benches --bin counters_profile -- <mode> [merges]` where mode is
//! `weft-equal` / `crdts-equal` (replica 0's whole state merged into a replica level with it)
//! or `weft-laggard` / `crdts-laggard` (into one that missed the last round); with `-bytes`
//! appended (`weft-equal-bytes`, …) the state arrives encoded and is decoded first (Weft
//! `Delta::from_bytes`, `crdts` bincode). The workload is
//! that of `counters_sets`: 100,000 increments by 8 replicas in 10 rounds. Every merge goes into
//! a fresh copy made outside the measured function (`weft_merge`, `crdts_merge`), so that
//! callgrind's `--toggle-collect` counts the merges alone (`weft_merge_bytes`,
//! `crdts_merge_bytes` with `-bytes`). Prints the time per merge.

#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use crdts::{CmRDT, CvRDT};
use weft::{Delta, GCounter, Replica, ReplicaId, VersionVector};

const REPLICAS: usize = 8;
const ROUNDS: usize = 10;
const PER_TURN: u64 = 100_000 / (REPLICAS * ROUNDS) as u64;

/// Two clusters after the same workload: replica 0 and 1 of each, and replica 1 before the
/// last round.
struct Played {
    weft: [Replica<GCounter>; 3],
    crdts: [crdts::GCounter<u64>; 3],
}

fn play() -> Played {
    let mut weft: Vec<Replica<GCounter>> = (0..REPLICAS)
        .map(|_| Replica::new(ReplicaId::random()))
        .collect();
    let mut crdts: Vec<crdts::GCounter<u64>> = vec![crdts::GCounter::new(); REPLICAS];
    let mut weft_laggard = weft[1].clone();
    let mut crdts_laggard = crdts[1].clone();
    for round in 0..ROUNDS {
        if round + 1 == ROUNDS {
            weft_laggard = weft[1].clone();
            crdts_laggard = crdts[1].clone();
        }
        let mut deltas = Vec::new();
        let mut ops = Vec::new();
        for (actor, (replica, counter)) in weft.iter_mut().zip(&mut crdts).enumerate() {
            for _ in 0..PER_TURN {
                deltas.push((actor, replica.update(|scope| scope.increment(1))));
                let op = counter.inc(actor as u64);
                counter.apply(op);
                ops.push((actor, op));
            }
        }
        for (actor, delta) in &deltas {
            for (receiver, replica) in weft.iter_mut().enumerate() {
                if receiver != *actor {
                    replica.apply(delta);
                }
            }
        }
        for (actor, op) in &ops {
            for (receiver, counter) in crdts.iter_mut().enumerate() {
                if receiver != *actor {
                    counter.apply(*op);
                }
            }
        }
    }
    assert_eq!(u64::try_from(crdts[0].read()).ok(), Some(weft[0].value()));
    Played {
        weft: [weft[0].clone(), weft[1].clone(), weft_laggard],
        crdts: [crdts[0].clone(), crdts[1].clone(), crdts_laggard],
    }
}

#[inline(never)]
fn weft_merge(target: &mut Replica<GCounter>, state: &Delta<GCounter>) {
    target.apply(state);
}

#[inline(never)]
fn weft_merge_bytes(target: &mut Replica<GCounter>, bytes: &[u8]) {
    let state = Delta::<GCounter>::from_bytes(bytes).expect("Weft decodes its own deltas");
    target.apply(&state);
}

#[inline(never)]
fn crdts_merge_bytes(target: &mut crdts::GCounter<u64>, bytes: &[u8]) {
    let state: crdts::GCounter<u64> = bincode::deserialize(bytes).expect("bincode decodes it");
    target.merge(state);
}

#[inline(never)]
fn crdts_merge(target: &mut crdts::GCounter<u64>, state: crdts::GCounter<u64>) {
    target.merge(state);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("weft-equal", String::as_str);
    let merges: usize = args.get(2).and_then(|m| m.parse().ok()).unwrap_or(1000);
    let played = play();
    let into = usize::from(mode.contains("laggard")) + 1;
    let from_bytes = mode.ends_with("-bytes");
    let weft_done = |targets: &[Replica<GCounter>]| {
        targets
            .iter()
            .all(|target| target.same_state(&played.weft[0]))
    };
    let crdts_done =
        |targets: &[crdts::GCounter<u64>]| targets.iter().all(|target| *target == played.crdts[0]);
    let elapsed = match (mode.starts_with("weft"), from_bytes) {
        (true, true) => {
            let bytes = played.weft[0].delta_since(&VersionVector::new()).to_bytes();
            time_merges(
                &played.weft[into],
                merges,
                |target| weft_merge_bytes(target, &bytes),
                weft_done,
            )
        }
        (true, false) => {
            let state = played.weft[0].delta_since(&VersionVector::new());
            time_merges(
                &played.weft[into],
                merges,
                |target| weft_merge(target, &state),
                weft_done,
            )
        }
        (false, true) => {
            let bytes = bincode::serialize(&played.crdts[0]).expect("bincode encodes it");
            time_merges(
                &played.crdts[into],
                merges,
                |target| crdts_merge_bytes(target, &bytes),
                crdts_done,
            )
        }
        (false, false) => {
            let mut states = vec![played.crdts[0].clone(); merges].into_iter();
            time_merges(
                &played.crdts[into],
                merges,
                |target| crdts_merge(target, states.next().expect("one state per merge")),
                crdts_done,
            )
        }
    };
    println!(
        "{mode}: {:.1} ns per merge ({merges} merges)",
        elapsed.as_secs_f64() * 1e9 / merges as f64
    );
}

/// The time of `merges` calls of `merge`, each into a fresh copy of `target` made before the
/// clock starts; `done` checks the copies afterwards.
fn time_merges<T: Clone>(
    target: &T,
    merges: usize,
    mut merge: impl FnMut(&mut T),
    done: impl Fn(&[T]) -> bool,
) -> Duration {
    let mut targets = vec![target.clone(); merges];
    let start = Instant::now();
    for target in &mut targets {
        merge(target);
    }
    let elapsed = start.elapsed();
    assert!(done(&targets), "a merge left its target behind");
    elapsed
}
