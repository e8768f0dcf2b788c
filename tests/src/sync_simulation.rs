//! A deterministic simulator of many replicas syncing through the sans-IO protocol, each
//! persisting to its own crash-safe log: random local changes, a network that loses,
//! duplicates, reorders and delays messages, partitions that heal, connections that drop,
//! replicas that crash (sometimes in the middle of a write) and restart from their logs.
//!
//! A run is a list of [`Action`]s, generated from a seed, so a failing run can be replayed
//! and shrunk ([`shrink`]) to a few actions. At quiescence every replica must hold the same
//! version and digest, equal to an *oracle* that merged every replica's state each time a
//! change was made and durably logged: no acknowledged change is lost.
//!
//! Generic over [`SimReplica`], so it runs on every replicated type and on documents.

use std::fmt;

use weft::ReplicaId;
use weft_sync::{Log, MemoryStorage, Message, Storage, SyncConfig, SyncState, generate, receive};

use crate::random::SplitMix64;

mod replicas;
mod shrinking;
mod world;

pub use replicas::{SimReplica, forged_claim, forged_history};
pub use shrinking::{shrink, shrink_with};
use world::World;

/// One step of a simulation. Numbers are taken modulo what they index, so any list of
/// actions is a valid run (which is what makes shrinking possible).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// A replica makes a random change and appends it to its log.
    Change {
        /// Which replica.
        node: u8,
        /// Chooses the change.
        seed: u64,
    },
    /// A replica makes a change, the append is torn after `keep` bytes, and the replica
    /// crashes before the change leaves it.
    TornChange {
        /// Which replica.
        node: u8,
        /// Chooses the change.
        seed: u64,
        /// How many bytes of the record reach the storage.
        keep: u16,
    },
    /// A deliverable message arrives (a copy stays in flight if `duplicate`).
    Deliver {
        /// Which message in flight.
        pick: u16,
        /// Whether it will arrive again later.
        duplicate: bool,
    },
    /// A message in flight is lost.
    Lose {
        /// Which message in flight.
        pick: u16,
    },
    /// A replica's timer towards a peer fires.
    Timeout {
        /// Which replica.
        node: u8,
        /// Towards which peer.
        peer: u8,
    },
    /// A replica crashes and restarts from its log; its sync states restart fresh or from
    /// their saved copies (`resume`); its peers notice (`announce`) or not.
    Crash {
        /// Which replica.
        node: u8,
        /// Restore the sync states saved with the log.
        resume: bool,
        /// Whether the peers learn of the disconnect and reconnect.
        announce: bool,
    },
    /// The connection between two replicas drops and both reconnect.
    Reconnect {
        /// One end.
        node: u8,
        /// The other end.
        peer: u8,
    },
    /// The replicas whose bit is set in `mask` are cut off from the others.
    Partition {
        /// One side of the partition.
        mask: u8,
    },
    /// Every partition heals.
    Heal,
    /// A replica compacts its log.
    Compact {
        /// Which replica.
        node: u8,
    },
    /// A replica keeps a copy of its snapshot aside (a backup, or storage that will lose
    /// what comes after it).
    Backup {
        /// Which replica.
        node: u8,
    },
    /// A replica restarts from one of its older snapshots (only with
    /// [`Options::older_snapshots`]): what it did since is gone from it, and whatever of that
    /// never left it is gone for good.
    RestoreOlder {
        /// Which replica.
        node: u8,
        /// Which of its backups.
        pick: u8,
    },
    /// A replica is corrupted on purpose: it claims the next change of `victim` it lacks,
    /// without its effect (only if `victim` made that change already).
    Corrupt {
        /// Which replica.
        node: u8,
        /// Whose change it claims.
        victim: u8,
    },
}

/// How a simulation failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure(pub String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Figures of one run, for reporting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Messages generated.
    pub messages: usize,
    /// Bytes generated.
    pub bytes: usize,
    /// Crashes (torn or not).
    pub crashes: usize,
    /// Replicas corrupted on purpose.
    pub corruptions: usize,
    /// Messages generated after the network healed, until silence.
    pub quiescence_messages: usize,
    /// Restarts from an older snapshot.
    pub restores: usize,
    /// Changes made under a fresh id because the replica was behind its own changes.
    pub renewed_ids: usize,
    /// Deltas still pending at the end (their dependencies were lost with a restored state).
    pub stuck_pending: usize,
    /// Removed entries replicas forgot by compacting.
    pub compacted: usize,
}

/// The most messages the quiescence phase may take before the run counts as looping.
const QUIESCENCE_MESSAGES: usize = 200_000;

/// `nodes` replicas (3–8) and `steps` actions from `seed`.
#[must_use]
pub fn generate_actions(seed: u64, nodes: usize, steps: usize) -> Vec<Action> {
    let mut random = SplitMix64::new(seed);
    let node = |random: &mut SplitMix64| random.below(nodes as u64) as u8;
    (0..steps)
        .map(|_| match random.below(1000) {
            0..=299 => Action::Change {
                node: node(&mut random),
                seed: random.next_u64(),
            },
            300..=309 => Action::TornChange {
                node: node(&mut random),
                seed: random.next_u64(),
                keep: random.below(64) as u16,
            },
            310..=659 => Action::Deliver {
                pick: random.below(u64::from(u16::MAX)) as u16,
                duplicate: random.chance(10),
            },
            660..=729 => Action::Lose {
                pick: random.below(u64::from(u16::MAX)) as u16,
            },
            730..=829 => Action::Timeout {
                node: node(&mut random),
                peer: node(&mut random),
            },
            830..=869 => Action::Crash {
                node: node(&mut random),
                resume: random.chance(50),
                announce: random.chance(70),
            },
            870..=909 => Action::Reconnect {
                node: node(&mut random),
                peer: node(&mut random),
            },
            910..=939 => Action::Partition {
                mask: random.below(256) as u8,
            },
            940..=964 => Action::Heal,
            965..=984 => Action::Compact {
                node: node(&mut random),
            },
            985..=989 => Action::Backup {
                node: node(&mut random),
            },
            990..=994 => Action::RestoreOlder {
                node: node(&mut random),
                pick: random.below(256) as u8,
            },
            _ => Action::Corrupt {
                node: node(&mut random),
                victim: node(&mut random),
            },
        })
        .collect()
}

/// The number of replicas a seed simulates: 3 to 8.
#[must_use]
pub fn nodes_for(seed: u64) -> usize {
    3 + (SplitMix64::new(seed ^ 0x6e6f_6465).below(6) as usize)
}

/// What a run may do besides honest work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Carry out [`Action::Corrupt`] (skipped otherwise). A corrupted replica's version lies,
    /// and the lie spreads: replicas that hear of the claimed change from it before its real
    /// author treat the real change as known. Detection and repair bring every replica to
    /// one state, but that state need not be the oracle's (a change made after hearing the
    /// claim legitimately overrides what the claim hid), and a log holds what its replica's
    /// version covered. So the end check becomes: every replica holds the same version and
    /// digest, nothing pending, every log reopens without a damaged tail.
    pub corruption: bool,
    /// Carry out [`Action::RestoreOlder`] (skipped otherwise). Changes a replica made after
    /// the snapshot it restarts from and that never left it are lost; so the oracle is rebuilt
    /// from what every replica holds (pending deltas included) at each restore and restart,
    /// and the end check is: every replica holds the oracle's version and digest (so nothing
    /// pending anywhere can be applied with what some replica holds), and no change was ever
    /// made under a dot another existing change already has.
    pub older_snapshots: bool,
    /// What [`Action::Compact`] does to the replica besides compacting its log, and whether
    /// replicas announce their views of stability to each other.
    pub compaction: Compaction,
}

/// Compaction of replicas (forgetting removed entries) in a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Compaction {
    /// Replicas never compact.
    #[default]
    Off,
    /// Replicas announce their views and compact up to their stable version
    /// (`SyncState::stable_version` over their links).
    Stable,
    /// Replicas compact up to their own version, before others have seen it: peers below
    /// the compaction point must be brought level by complete states.
    Early,
}

/// Runs `actions` over `nodes` replicas of `R`, then heals the network and lets the
/// protocol run to silence (timers firing when it goes quiet), then resyncs every link once
/// and lets it run to silence again.
///
/// # Errors
/// A [`Failure`] if a message is refused, a log fails to reopen, the protocol does not fall
/// silent, or the replicas differ from each other or from the oracle at the end.
pub fn run<R: SimReplica>(
    nodes: usize,
    actions: &[Action],
    options: Options,
) -> Result<Stats, Failure> {
    let mut world = World::<R>::new(nodes, options)?;
    for action in actions {
        world.act(action)?;
    }
    world.quiesce()?;
    world.check()?;
    world.stats.stuck_pending = world
        .nodes
        .iter()
        .map(|state| state.replica.pending_len())
        .sum();
    Ok(world.stats)
}

/// Merges what `replica` holds into `oracle`: a delta since the oracle's version, or the
/// complete state when the oracle is below the replica's compaction point (a delta could not
/// tell it of removals the replica forgot).
fn merge_into<R: SimReplica>(oracle: &mut R, replica: &R) -> Result<(), Failure> {
    let compacted = replica.compacted();
    let merged = if compacted <= oracle.version() {
        oracle.apply_encoded(&replica.encoded_delta_since(&oracle.version()))
    } else {
        oracle.apply_encoded_state(&replica.encoded_state(), &compacted)
    };
    merged
        .map(|_| ())
        .map_err(fail("the oracle merges a state"))
}

fn id(node: usize) -> ReplicaId {
    ReplicaId::from_u128(node as u128 + 1)
}

fn fail<E: fmt::Display>(what: &'static str) -> impl Fn(E) -> Failure {
    move |error| Failure(format!("{what}: {error}"))
}
