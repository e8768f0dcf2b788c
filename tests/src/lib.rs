//! Shared machinery of the integration tests: workloads for every replicated type, scripted
//! histories over several replicas, and a deterministic lossy network.

pub mod doc_model;
pub mod doc_simulation;
pub mod doc_workload;
pub mod fuzz_corpus;
pub mod fuzzing;
pub mod mutation;
pub mod mutation_fuzzer;
pub mod network;
pub mod random;
pub mod roundtrip;
pub mod sync_pair;
pub mod sync_simulation;
pub mod workloads;

pub use network::{Network, NetworkConfig};
pub use random::SplitMix64;
pub use workloads::{Step, Workload, fresh, over_the_wire, run_script, run_steps};
