//! One Weft operation on one editing trace, for profilers (`perf record`, `valgrind
//! --tool=callgrind`) and quick before/after checks; `text_traces` is the comparison with
//! the peers.
//!
//! `cargo run --release -p weft-benches --bin text_profile -- <mode> <trace> [runs]` where
//! mode is `apply` (`Replica::edit` per patch; `heap` also prints the heap retained),
//! `update` (a delta per patch), `load` (of the saved document), `merge` (the concurrent
//! replay; trace is `friendsforever` or one of the egwalker paper's, `A1`, `S3`, …),
//! `diamond-merge` (diamond-types' merge of it), `diamond` (diamond-types' apply, for a
//! ratio in the same run), `diamond-load` (its load of its full encoding) or `save` (the
//! encoding's size and FNV-1a hash, to check a change keeps the bytes); `dump` and `compare`
//! (take a file name after the runs) write the saved document, or check a saved one has the
//! same state. Prints the median time. A sequential trace is the `ascii_only` variant; name
//! it `unicode/<trace>` for the variant with positions in Unicode scalars over non-ASCII text.

#![allow(clippy::print_stdout)]

use std::time::Instant;

use diamond_types::list::ListCRDT;
use diamond_types::list::encoding::ENCODE_FULL;
use weft::{Replica, Text};
use weft_benches::traces::{
    diamond_apply, diamond_merge, load_trace, weft_apply, weft_apply_with_deltas, weft_merge,
};
use weft_benches::{CountingAllocator, millis, traces_dir};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator::new();

#[inline(never)]
fn diamond_load(bytes: &[u8]) -> ListCRDT {
    ListCRDT::load_from(bytes).unwrap()
}

fn main() {
    let Some(dir) = traces_dir() else { return };
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("apply", String::as_str);
    let name = args.get(2).map_or("automerge-paper", String::as_str);
    let runs: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(1);
    let path = match name {
        "friendsforever" => dir.join("concurrent_traces/friendsforever.json.gz"),
        "A1" | "A2" | "C1" | "C2" | "S1" | "S2" | "S3" => {
            dir.join(format!("egwalker-paper/{name}.json.gz"))
        }
        _ => match name.strip_prefix("unicode/") {
            Some(unicode) => dir.join(format!("sequential_traces/{unicode}.json.gz")),
            None => dir.join(format!("sequential_traces/ascii_only/{name}.json.gz")),
        },
    };
    let trace = load_trace(&path);
    let saved = (mode == "load").then(|| weft_apply(&trace).save());
    let diamond_saved =
        (mode == "diamond-load").then(|| diamond_apply(&trace).oplog.encode(ENCODE_FULL));
    // Loading the trace freed a million small blocks; the allocator coalesces them at the
    // next large allocation: here, not in the first measured run.
    drop(std::hint::black_box(vec![0u8; 1 << 16]));
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        match mode {
            "apply" | "heap" => drop(std::hint::black_box(weft_apply(&trace))),
            "update" => drop(std::hint::black_box(weft_apply_with_deltas(&trace))),
            "load" => drop(std::hint::black_box(
                Replica::<Text>::load(saved.as_deref().unwrap()).unwrap(),
            )),
            "merge" => {
                let sites = weft_merge(&trace);
                let last = trace.txns.last().unwrap().agent;
                assert_eq!(sites[last].0.to_string(), trace.end, "wrong text");
            }
            "diamond-merge" => assert_eq!(diamond_merge(&trace), trace.end, "wrong text"),
            "diamond" => drop(std::hint::black_box(diamond_apply(&trace))),
            "diamond-load" => drop(std::hint::black_box(diamond_load(
                diamond_saved.as_deref().unwrap(),
            ))),
            "dump" => std::fs::write(&args[4], weft_apply(&trace).save()).unwrap(),
            "compare" => {
                let other = Replica::<Text>::load(&std::fs::read(&args[4]).unwrap()).unwrap();
                let replica = weft_apply(&trace);
                assert!(replica.same_state(&other), "different state");
                println!("same state as {}", args[4]);
            }
            "save" => {
                let bytes = weft_apply(&trace).save();
                let sum = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
                    (hash ^ u64::from(*byte)).wrapping_mul(0x100_0000_01b3)
                });
                println!("saved {} B, FNV-1a {sum:016x}", bytes.len());
            }
            other => panic!("unknown mode {other}"),
        }
        times.push(millis(start.elapsed()));
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{mode} {name}: median {:.2} ms, min {:.2} ms over {runs}",
        times[times.len() / 2],
        times[0]
    );
    if mode == "heap" {
        let before = ALLOCATOR.live_bytes();
        let replica = weft_apply(&trace);
        let heap = ALLOCATOR.live_bytes() - before;
        assert_eq!(replica.to_string(), trace.end, "wrong text");
        println!(
            "heap retained {heap} B, encoded {} B, shape {:?}",
            replica.save().len(),
            replica.shape()
        );
    }
}
