//! Weft's counters, sets and maps side by side with the `crdts` crate, in one process.
//!
//! Run: `cargo run --release -p weft-benches --bin counters_sets`
//!
//! Every scenario plays one generated workload on 8 replicas of each library: in each round
//! every replica makes its share of the changes, then every replica receives the others'
//! (Weft: the deltas its mutations return; `crdts`: its ops, delivered exactly once and in
//! causal order, which `crdts` requires). Both clusters are checked to hold the same content.
//! Then, per scenario:
//!
//! - **encoded full state** of one replica: `crdts` with bincode; Weft as it ships
//!   (`delta_since(∅).to_bytes()`) and as a snapshot (`save()`);
//! - **merge time** (median) of one replica's full state into an equal replica and into one
//!   that lacks the last round: the state already in memory (the `crdts` clone is made before
//!   the clock starts), produced from the other replica (`crdts`: clone + merge; Weft:
//!   `Replica::merge`), and decoded from bytes; plus Weft's own way, `delta_since` + `apply`;
//! - **bytes to ship** after 1 and k more changes by one replica so that a level peer catches
//!   up: `crdts` full state or the sum of its ops; Weft the sum of the changes' deltas or one
//!   `delta_since(peer's version)` (checked to bring the peer level).
//!
//! The set scenario also varies the history (n = 10k, 100k, 1M changes, about half of them
//! removals) at a fixed k, to show what Weft ships after k changes does not grow with n.
//! `crdts` actors are `u64` (as in TARGETS.md); Weft replica ids are 16-byte UUIDs.
//!
//! Arguments name the scenarios to run (`sets`, `histories`, `counters`, `maps`); none runs
//! them all.

#![allow(clippy::print_stdout)]

#[path = "counters_sets/cluster.rs"]
mod cluster;
#[path = "counters_sets/counters.rs"]
mod counters;
#[path = "counters_sets/maps.rs"]
mod maps;
#[path = "counters_sets/measure.rs"]
mod measure;
#[path = "counters_sets/sets.rs"]
mod sets;
#[path = "counters_sets/workload.rs"]
mod workload;

/// Replicas per cluster.
const REPLICAS: usize = 8;
/// Rounds of changes separated by syncs.
const ROUNDS: usize = 10;
/// Timed runs per measurement (the median is reported).
const RUNS: usize = 11;

fn main() {
    println!("# Weft vs crdts: counters, sets and maps");
    println!(
        "(times in ms, medians of {RUNS} runs; sizes in bytes; ratios Weft ÷ crdts, lower is better)"
    );
    let chosen: Vec<String> = std::env::args().skip(1).collect();
    let scenarios: [(&str, fn()); 4] = [
        ("sets", sets::run_additions),
        ("histories", sets::run_histories),
        ("counters", counters::run),
        ("maps", maps::run),
    ];
    for (name, run) in scenarios {
        if chosen.is_empty() || chosen.iter().any(|wanted| wanted == name) {
            run();
        }
    }
}
