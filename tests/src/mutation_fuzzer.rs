//! A deterministic, seeded mutation fuzzer of every decoder, on stable Rust.
//!
//! Each [`Target`] is one decoder with its corpus of valid encodings
//! ([`crate::fuzz_corpus`]) and its harness ([`crate::roundtrip`]). An execution picks a
//! corpus entry (or a mutant that decoded earlier), mutates it ([`crate::mutation`]), fixes up
//! its frame so that the checksum holds, and runs the harness under `catch_unwind`. A panic is
//! a crash: the input is written to `tests/fuzz_regressions/<target>/<hash>` (replayed by
//! `tests/tests/fuzz_regressions.rs`) and reported.
//!
//! ```
//! use weft_tests::mutation_fuzzer::Budget;
//! let target = weft_tests::mutation_fuzzer::target("g_counter").unwrap();
//! let stats = target.run(1, Budget::Executions(50));
//! assert_eq!(stats.executions, 50);
//! assert!(stats.crashes.is_empty());
//! ```

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::Instant;

use weft::internals::codec::frame::{self, Kind};
use weft::internals::store::DotStore;
use weft::sync::persistence::record::{self, HEADER, Read};
use weft::{
    AddWinsSet, GCounter, GSet, LwwRegister, Map, MvRegister, PNCounter, RemoveWinsSet, Replica,
};

use crate::fuzz_corpus::{self, Corpus};
use crate::mutation::{Mutator, fix_frame, fix_message, mutate_log};
use crate::random::SplitMix64;
use crate::roundtrip;
use crate::workloads::Workload;

/// How many mutants that decoded are kept as further starting points.
const POOL: usize = 64;

/// What a target's inputs are, which decides how they are mutated and fixed up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A frame (a delta or a snapshot): its CRC-32 is fixed up.
    Frame,
    /// A sync message: its CRC-32 and that of the frame it carries are fixed up.
    Message,
    /// A persistence log: its records are mutated and written back with lengths and
    /// checksums right.
    Log,
}

/// A decoder under test: its name (the folder of its crashes), its corpus and its harness.
pub struct Target {
    /// The name, also the folder of its regression inputs.
    pub name: &'static str,
    /// How inputs are mutated and fixed up.
    pub shape: Shape,
    corpus: Vec<Vec<u8>>,
    check: Box<Harness>,
}

/// A harness: checks an input, returns whether it decoded (see [`crate::roundtrip`]).
type Harness = dyn Fn(&[u8]) -> bool;

/// When a run stops.
#[derive(Clone, Copy, Debug)]
pub enum Budget {
    /// After this many executions.
    Executions(u64),
    /// At this instant.
    Until(Instant),
}

/// What a run did.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Inputs run.
    pub executions: u64,
    /// Inputs whose frame (magic, version, kind, checksum) held, so the inner decoders ran.
    pub framed: u64,
    /// Inputs that decoded (and then kept every promise of [`crate::roundtrip`]).
    pub decoded: u64,
    /// Where the inputs that crashed were written.
    pub crashes: Vec<PathBuf>,
}

impl Target {
    fn new(
        name: &'static str,
        shape: Shape,
        corpus: Vec<Vec<u8>>,
        check: impl Fn(&[u8]) -> bool + 'static,
    ) -> Self {
        Self {
            name,
            shape,
            corpus,
            check: Box::new(check),
        }
    }

    /// The valid encodings mutants start from.
    #[must_use]
    pub fn corpus(&self) -> &[Vec<u8>] {
        &self.corpus
    }

    /// Runs the harness on `bytes` as they are; returns whether they decoded.
    ///
    /// # Panics
    /// If the bytes decode to something that breaks a promise (a bug).
    #[must_use]
    pub fn check(&self, bytes: &[u8]) -> bool {
        (self.check)(bytes)
    }

    /// `bytes` with the frame fixed up as this target's mutants are (for inputs from a
    /// coverage-guided fuzzer, which knows nothing of checksums).
    #[must_use]
    pub fn fix_up(&self, bytes: &[u8]) -> Vec<u8> {
        let mut fixed = bytes.to_vec();
        match self.shape {
            Shape::Frame => fix_frame(&mut fixed),
            Shape::Message => fix_message(&mut fixed),
            Shape::Log => {
                let records = crate::mutation::log_records(bytes);
                if !records.is_empty() {
                    fixed = crate::mutation::write_log(&records);
                }
            }
        }
        fixed
    }

    /// A mutant of `bytes`, splicing from `other`, fixed up.
    #[must_use]
    pub fn mutant(&self, mutator: &mut Mutator, bytes: &[u8], other: &[u8]) -> Vec<u8> {
        match self.shape {
            Shape::Log => mutate_log(mutator, bytes, other),
            Shape::Frame | Shape::Message => {
                let mut mutant = bytes.to_vec();
                mutator.mutate(&mut mutant, other);
                if !mutator.random().chance(2) {
                    match self.shape {
                        Shape::Message => fix_message(&mut mutant),
                        _ => fix_frame(&mut mutant),
                    }
                }
                mutant
            }
        }
    }

    /// Whether `bytes` get past the frame: the checks before the inner decoders.
    #[must_use]
    pub fn framed(&self, bytes: &[u8]) -> bool {
        match self.shape {
            Shape::Frame => {
                frame::open(bytes, Kind::Delta).is_ok()
                    || frame::open(bytes, Kind::Snapshot).is_ok()
                    || frame::open(bytes, Kind::DeltaAgainstBase).is_ok()
            }
            Shape::Message => frame::open(bytes, Kind::SyncMessage).is_ok(),
            Shape::Log => {
                bytes.starts_with(&HEADER)
                    && matches!(record::read(bytes, HEADER.len()), Read::Record { .. })
            }
        }
    }

    /// Runs mutants from `seed` until `budget` is spent. Crashing inputs are written to the
    /// regression folder and listed in the result.
    #[must_use]
    pub fn run(&self, seed: u64, budget: Budget) -> Stats {
        let mut mutator = Mutator::new(SplitMix64::new(seed));
        let mut pool: Vec<Vec<u8>> = Vec::new();
        let mut stats = Stats::default();
        while match budget {
            Budget::Executions(count) => stats.executions < count,
            Budget::Until(deadline) => Instant::now() < deadline,
        } {
            let random = mutator.random();
            let from_pool = !pool.is_empty() && random.chance(40);
            let start = if from_pool {
                pool[random.index(pool.len())].clone()
            } else {
                self.corpus[random.index(self.corpus.len())].clone()
            };
            let other = self.corpus[random.index(self.corpus.len())].clone();
            let mutant = self.mutant(&mut mutator, &start, &other);
            stats.executions += 1;
            stats.framed += u64::from(self.framed(&mutant));
            match catch_unwind(AssertUnwindSafe(|| self.check(&mutant))) {
                Ok(true) => {
                    stats.decoded += 1;
                    if pool.len() < POOL {
                        pool.push(mutant);
                    } else {
                        let slot = mutator.random().index(POOL);
                        pool[slot] = mutant;
                    }
                }
                Ok(false) => {}
                Err(_) => stats.crashes.push(save_crash(self.name, &mutant)),
            }
        }
        stats
    }
}

/// Writes a crashing input to `tests/fuzz_regressions/<target>/<hash>` and returns the path.
///
/// # Panics
/// If the file cannot be written.
#[must_use]
pub fn save_crash(target: &str, bytes: &[u8]) -> PathBuf {
    let dir = regression_dir(target);
    std::fs::create_dir_all(&dir).expect("the regression folder can be created");
    let path = dir.join(format!("{:016x}", fnv1a(bytes)));
    std::fs::write(&path, bytes).expect("a crash input can be written");
    path
}

/// The folder of `target`'s regression inputs.
#[must_use]
pub fn regression_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz_regressions")
        .join(target)
}

/// FNV-1a, 64 bits: a stable name for an input.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A target for the deltas and snapshots of `S`.
fn replicated<S: DotStore + 'static>(name: &'static str, corpus: Corpus<Replica<S>>) -> Target {
    let partner = corpus.partner;
    Target::new(name, Shape::Frame, corpus.entries, move |bytes| {
        let delta = roundtrip::delta::<S>(bytes, &partner);
        let snapshot = roundtrip::snapshot::<S>(bytes, &partner);
        delta || snapshot
    })
}

fn scripted<S: Workload>(name: &'static str) -> Target {
    replicated(name, fuzz_corpus::replicated::<S>(4))
}

/// The names of every target: each replicated type's deltas and snapshots, `List`, `Text`,
/// documents, sync messages and persistence logs.
pub const NAMES: [&str; 18] = [
    "g_counter",
    "pn_counter",
    "lww_register",
    "mv_register",
    "g_set",
    "add_wins_set",
    "remove_wins_set",
    "map",
    "nested_map",
    "map_of_sets",
    "list",
    "text",
    "text_marks",
    "doc",
    "doc_against",
    "sync_message",
    "presence",
    "log",
];

/// The target called `name` (one of [`NAMES`]), with its corpus generated.
///
/// ```
/// let target = weft_tests::mutation_fuzzer::target("text").unwrap();
/// assert!(!target.corpus().is_empty());
/// ```
#[must_use]
pub fn target(name: &str) -> Option<Target> {
    Some(match name {
        "g_counter" => scripted::<GCounter>("g_counter"),
        "pn_counter" => scripted::<PNCounter>("pn_counter"),
        "lww_register" => scripted::<LwwRegister<u8>>("lww_register"),
        "mv_register" => scripted::<MvRegister<u8>>("mv_register"),
        "g_set" => scripted::<GSet<u8>>("g_set"),
        "add_wins_set" => scripted::<AddWinsSet<u8>>("add_wins_set"),
        "remove_wins_set" => scripted::<RemoveWinsSet<u8>>("remove_wins_set"),
        "map" => scripted::<Map<u8, PNCounter>>("map"),
        "nested_map" => scripted::<Map<u8, Map<u8, LwwRegister<u8>>>>("nested_map"),
        // Removing a key holding a set writes a removal record: this corpus reaches its decoder.
        "map_of_sets" => scripted::<Map<u8, AddWinsSet<u8>>>("map_of_sets"),
        "list" => replicated("list", fuzz_corpus::list(4)),
        "text" => replicated("text", fuzz_corpus::text(4)),
        "text_marks" => replicated("text_marks", fuzz_corpus::text_marks(4)),
        "doc" => {
            let corpus = fuzz_corpus::documents(4);
            let partner = corpus.partner;
            Target::new("doc", Shape::Frame, corpus.entries, move |bytes| {
                let delta = roundtrip::doc_delta(bytes, &partner);
                let snapshot = roundtrip::doc_snapshot(bytes, &partner);
                delta || snapshot
            })
        }
        "doc_against" => {
            let (corpus, base) = fuzz_corpus::documents_against();
            let partner = corpus.partner;
            Target::new("doc_against", Shape::Frame, corpus.entries, move |bytes| {
                roundtrip::doc_delta_against(bytes, &partner, &base)
            })
        }
        "sync_message" => {
            let corpus = fuzz_corpus::messages();
            let partner = corpus.partner;
            Target::new(
                "sync_message",
                Shape::Message,
                corpus.entries,
                move |bytes| roundtrip::message(bytes, &partner),
            )
        }
        "presence" => Target::new(
            "presence",
            Shape::Message,
            fuzz_corpus::presence(),
            roundtrip::presence,
        ),
        "log" => Target::new(
            "log",
            Shape::Log,
            fuzz_corpus::logs().entries,
            roundtrip::log,
        ),
        _ => return None,
    })
}

/// Every target, in the order of [`NAMES`].
///
/// ```
/// let names: Vec<_> = weft_tests::mutation_fuzzer::targets().iter().map(|t| t.name).collect();
/// assert_eq!(names, weft_tests::mutation_fuzzer::NAMES);
/// ```
#[must_use]
pub fn targets() -> Vec<Target> {
    NAMES.iter().filter_map(|name| target(name)).collect()
}
