//! `crdts::Orswot` against Weft's `AddWinsSet`: 100,000 additions by 8 replicas, then a
//! history with removals of growing length at a fixed number of new changes.

use std::time::Instant;

use crdts::Orswot;
use weft::{AddWinsSet, Scope};
use weft_benches::{grouped, median_time, print_table, ratio};

use crate::cluster::{CrdtsWorkload, Peer, WeftPeer, WeftWorkload};
use crate::measure::{Comparison, format_millis};
use crate::workload::{Elements, SetChange, SetHistory, SetPlan};
use crate::{REPLICAS, ROUNDS, RUNS};

type WeftSet = AddWinsSet<u64>;
type CrdtsSet = Orswot<u64, u64>;

impl WeftWorkload for WeftSet {
    type Change = SetChange;
    type Content = Vec<u64>;

    fn perform(scope: &mut Scope<'_, Self>, change: &SetChange) {
        match *change {
            SetChange::Add(element) => scope.insert(element),
            SetChange::Remove(element) => {
                scope.remove(&element);
            }
        }
    }

    fn content(&self) -> Vec<u64> {
        sorted(self.iter().copied())
    }
}

impl CrdtsWorkload for CrdtsSet {
    type Change = SetChange;
    type Content = Vec<u64>;

    fn operation(&self, actor: u64, change: &SetChange) -> Self::Op {
        match *change {
            SetChange::Add(element) => self.add(element, self.read_ctx().derive_add_ctx(actor)),
            SetChange::Remove(element) => self.rm(element, self.contains(&element).derive_rm_ctx()),
        }
    }

    fn content(&self) -> Vec<u64> {
        sorted(self.read().val)
    }
}

fn sorted(elements: impl IntoIterator<Item = u64>) -> Vec<u64> {
    let mut elements: Vec<u64> = elements.into_iter().collect();
    elements.sort_unstable();
    elements
}

/// 100,000 elements added by 8 replicas, 12,500 each, in rounds separated by syncs.
fn additions(elements: Elements) -> SetHistory {
    SetHistory::generate(SetPlan {
        replicas: REPLICAS,
        rounds: ROUNDS,
        adds_per_turn: 100_000 / (REPLICAS * ROUNDS),
        removes_per_turn: 0,
        elements,
        seed: 1,
    })
}

/// The Orswot scenario of TARGETS.md.
pub(crate) fn run_additions() {
    let mut history = additions(Elements::Dense);
    println!(
        "\n## Orswot vs AddWinsSet<u64>: {} elements added by {REPLICAS} replicas in {ROUNDS} \
         rounds (each replica adds its share, then all sync)",
        grouped(history.changes())
    );
    let start = Instant::now();
    let comparison = Comparison::<WeftSet, CrdtsSet>::play(REPLICAS, &history.rounds);
    println!(
        "(both clusters built and checked equal in {:.1} s)",
        start.elapsed().as_secs_f64()
    );
    comparison.print_state_sizes("Elements 0..100,000 (ids handed out by an application):");
    let random =
        Comparison::<WeftSet, CrdtsSet>::play(REPLICAS, &additions(Elements::Random).rounds);
    random.print_state_sizes("Uniform random 64-bit elements (hashes, random ids):");
    println!();
    comparison.print_merge_times(RUNS, 1);
    println!();
    let (first, second) = (history.follow_up(1), history.follow_up(1));
    comparison.print_one_change(&first[0], &second[0]);
    println!("\nAfter k more changes by replica 0 (half of them removals), replica 1 catches up:");
    let batches: Vec<Vec<SetChange>> = [1, 10, 100, 1000]
        .iter()
        .map(|count| history.follow_up(*count))
        .collect();
    comparison.print_shipping(&batches);
}

/// Histories of n changes, about half of them removals, then k = 100 changes: what it costs
/// to bring a replica that saw the history level, per n.
pub(crate) fn run_histories() {
    const FOLLOW_UP: usize = 100;
    println!(
        "\n## AddWinsSet vs Orswot: history of n changes by {REPLICAS} replicas, about half of \
         them removals, then k = {FOLLOW_UP} changes by one replica (half removals)"
    );
    let mut rows = Vec::new();
    for changes in [10_000, 100_000, 1_000_000] {
        rows.push(history_row(changes, FOLLOW_UP));
    }
    print_table(
        &[
            "history n (removals)",
            "live",
            "crdts full state",
            "crdts k ops",
            "Weft snapshot",
            "compacted",
            "Weft k deltas",
            "Weft delta_since",
            "÷ crdts k ops",
            "delta_since ms",
        ],
        &rows,
    );
}

fn history_row(changes: usize, follow_up: usize) -> Vec<String> {
    let per_turn = changes / (2 * REPLICAS * ROUNDS);
    let mut history = SetHistory::generate(SetPlan {
        replicas: REPLICAS,
        rounds: ROUNDS,
        adds_per_turn: per_turn,
        removes_per_turn: per_turn,
        elements: Elements::Dense,
        seed: changes as u64,
    });
    let comparison = Comparison::<WeftSet, CrdtsSet>::play(REPLICAS, &history.rounds);
    let live = history.live();
    let compacted = compacted_snapshot_len(&comparison.weft.replicas[0]);
    let changes = &history.follow_up(follow_up);
    let mut crdts = comparison.crdts.replicas[0].clone();
    let crdts_ops: usize = changes
        .iter()
        .map(|change| message_len(&mut crdts, change))
        .sum();
    let mut weft = comparison.weft.replicas[0].clone();
    let peer = &comparison.weft.replicas[1];
    let weft_deltas: usize = changes
        .iter()
        .map(|change| message_len(&mut weft, change))
        .sum();
    let peer_version = peer.replica.version();
    let since = weft.delta_bytes_since(&peer_version);
    let mut caught_up = peer.clone();
    caught_up.merge_encoded(&since);
    assert!(
        caught_up.same_state(&weft),
        "delta_since left the peer behind"
    );
    let since = since.len();
    let since_time = median_time(RUNS, || weft.replica.delta_since(&peer_version));
    vec![
        format!(
            "{} ({})",
            grouped(history.changes()),
            grouped(history.removals())
        ),
        grouped(live),
        grouped(crdts.encode_state().len()),
        grouped(crdts_ops),
        grouped(weft.replica.save().len()),
        grouped(compacted),
        grouped(weft_deltas),
        grouped(since),
        ratio(since as f64, crdts_ops as f64),
        format_millis(since_time),
    ]
}

/// The snapshot of `peer` after forgetting the removed elements every replica has seen: all
/// replicas are level after the history, so its version is stable. `Replica` has no
/// `compact`; the store's is reached through `Replica::edit`.
fn compacted_snapshot_len(peer: &WeftPeer<WeftSet>) -> usize {
    let mut replica = peer.replica.clone();
    let stable = replica.version().to_clock(replica.table());
    replica.edit(|scope| scope.parts().0.compact(&stable));
    replica.save().len()
}

fn message_len<P: Peer>(peer: &mut P, change: &P::Change) -> usize {
    P::message_len(&peer.make(change))
}
