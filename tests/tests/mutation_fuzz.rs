//! The mutation fuzzer (`weft_tests::mutation_fuzzer`) over every decoder: a bounded, seeded
//! run per target in every `cargo test`, and `mutation_fuzz_forever`, which runs until
//! `WEFT_FUZZ_SECONDS` have passed (or Ctrl-C) with fresh seeds:
//!
//! ```sh
//! WEFT_FUZZ_SECONDS=600 cargo test -p weft-tests --test mutation_fuzz -- --ignored --nocapture
//! ```
//!
//! Crashing inputs are written to `tests/fuzz_regressions/<target>/` and fail the run; commit
//! them once fixed, `tests/tests/fuzz_regressions.rs` replays them forever.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use weft_tests::mutation_fuzzer::{Budget, NAMES, Stats, target};

/// Runs `executions` mutants of target `name` from a fixed seed and reports the figures.
fn bounded(name: &str, executions: u64) {
    let target = target(name).expect("a known target");
    let started = Instant::now();
    let stats = target.run(0x5eed ^ executions, Budget::Executions(executions));
    report(name, &stats, started.elapsed());
    assert!(
        stats.crashes.is_empty(),
        "{name}: {} crash(es), inputs written to {:?}",
        stats.crashes.len(),
        stats.crashes
    );
    // The fix-up works: most mutants reach the inner decoders and some decode.
    assert!(
        stats.framed * 2 > stats.executions,
        "{name}: only {} of {} mutants got past the frame",
        stats.framed,
        stats.executions
    );
    assert!(stats.decoded > 0, "{name}: no mutant decoded");
}

fn report(name: &str, stats: &Stats, elapsed: Duration) {
    eprintln!(
        "{name:>16}: {:>7} executions, {:>7} past the frame, {:>7} decoded, {} crash(es), {:.1} s",
        stats.executions,
        stats.framed,
        stats.decoded,
        stats.crashes.len(),
        elapsed.as_secs_f64()
    );
}

#[test]
fn counters() {
    bounded("g_counter", 120_000);
    bounded("pn_counter", 120_000);
}

#[test]
fn registers() {
    bounded("lww_register", 120_000);
    bounded("mv_register", 120_000);
}

#[test]
fn sets() {
    bounded("g_set", 60_000);
    bounded("add_wins_set", 60_000);
    bounded("remove_wins_set", 60_000);
}

#[test]
fn maps() {
    bounded("map", 60_000);
    bounded("nested_map", 30_000);
    bounded("map_of_sets", 30_000);
}

#[test]
fn list() {
    bounded("list", 6_000);
}

#[test]
fn text() {
    bounded("text", 8_000);
}

#[test]
fn text_marks() {
    bounded("text_marks", 8_000);
}

#[test]
fn doc() {
    bounded("doc", 8_000);
}

#[test]
fn doc_against() {
    bounded("doc_against", 6_000);
}

#[test]
fn sync_message() {
    bounded("sync_message", 16_000);
}

#[test]
fn presence() {
    bounded("presence", 8_000);
}

#[test]
fn log() {
    bounded("log", 14_000);
}

/// Every target in turn, ten seconds each per round, fresh seeds every round, until
/// `WEFT_FUZZ_SECONDS` (default: until interrupted). `WEFT_FUZZ_SEED` replays a run.
#[test]
#[ignore = "runs until WEFT_FUZZ_SECONDS have passed"]
fn mutation_fuzz_forever() {
    let seconds: Option<u64> = std::env::var("WEFT_FUZZ_SECONDS")
        .ok()
        .and_then(|value| value.parse().ok());
    let deadline = seconds.map(|seconds| Instant::now() + Duration::from_secs(seconds));
    let seed: u64 = std::env::var("WEFT_FUZZ_SEED")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(1, |since| since.as_nanos() as u64)
        });
    eprintln!("mutation fuzzer: seed {seed} (WEFT_FUZZ_SEED={seed} replays it)");
    let targets: Vec<_> = NAMES.iter().filter_map(|name| target(name)).collect();
    let mut totals: Vec<Stats> = vec![Stats::default(); targets.len()];
    let mut round = 0u64;
    while deadline.is_none_or(|deadline| Instant::now() < deadline) {
        for (index, target) in targets.iter().enumerate() {
            let slice = Instant::now() + Duration::from_secs(10);
            let until = deadline.map_or(slice, |deadline| deadline.min(slice));
            let started = Instant::now();
            let stats = target.run(
                seed.wrapping_add(round.wrapping_mul(0x9e37_79b9)),
                Budget::Until(until),
            );
            report(target.name, &stats, started.elapsed());
            let total = &mut totals[index];
            total.executions += stats.executions;
            total.framed += stats.framed;
            total.decoded += stats.decoded;
            total.crashes.extend(stats.crashes);
        }
        round += 1;
    }
    eprintln!("totals after {round} round(s):");
    for (target, total) in targets.iter().zip(&totals) {
        report(target.name, total, Duration::ZERO);
    }
    let crashes: Vec<_> = totals.iter().flat_map(|total| &total.crashes).collect();
    assert!(crashes.is_empty(), "crashes written to {crashes:?}");
}
