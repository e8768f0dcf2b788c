//! `crdts::GCounter` and `crdts::PNCounter` against Weft's: 100,000 changes by 8 replicas.

use crdts::{CmRDT, Dot};
use weft::{GCounter, PNCounter, Scope};
use weft_benches::grouped;

use crate::cluster::{CrdtsWorkload, WeftWorkload, bincode_len};
use crate::measure::Comparison;
use crate::{REPLICAS, ROUNDS, RUNS};

/// Merges timed per batch, so that sub-microsecond merges are above the timer's resolution.
const MERGE_BATCH: usize = 1000;

/// Changes per replica per round.
const PER_TURN: usize = 100_000 / (REPLICAS * ROUNDS);

/// Adds `amount` (negative: subtracts) to a counter.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CounterChange(i64);

impl WeftWorkload for GCounter {
    type Change = CounterChange;
    type Content = i128;

    fn perform(scope: &mut Scope<'_, Self>, change: &CounterChange) {
        scope.increment(change.0.unsigned_abs());
    }

    fn content(&self) -> i128 {
        i128::from(self.value())
    }
}

impl WeftWorkload for PNCounter {
    type Change = CounterChange;
    type Content = i128;

    fn perform(scope: &mut Scope<'_, Self>, change: &CounterChange) {
        scope.increment(change.0);
    }

    fn content(&self) -> i128 {
        i128::from(self.value())
    }
}

impl CrdtsWorkload for crdts::GCounter<u64> {
    type Change = CounterChange;
    type Content = i128;

    fn operation(&self, actor: u64, change: &CounterChange) -> Dot<u64> {
        self.inc_many(actor, change.0.unsigned_abs())
    }

    fn content(&self) -> i128 {
        self.read().to_string().parse().expect("a decimal number")
    }
}

impl CrdtsWorkload for crdts::PNCounter<u64> {
    type Change = CounterChange;
    type Content = i128;

    fn operation(&self, actor: u64, change: &CounterChange) -> Self::Op {
        let steps = change.0.unsigned_abs();
        if change.0 < 0 {
            self.dec_many(actor, steps)
        } else {
            self.inc_many(actor, steps)
        }
    }

    fn content(&self) -> i128 {
        self.read().to_string().parse().expect("a decimal number")
    }
}

/// `ROUNDS` rounds in which every replica makes `PER_TURN` changes: `change(i)` for the
/// i-th change overall.
fn history(change: impl Fn(usize) -> CounterChange) -> Vec<Vec<Vec<CounterChange>>> {
    (0..ROUNDS)
        .map(|round| {
            (0..REPLICAS)
                .map(|replica| {
                    (0..PER_TURN)
                        .map(|step| change((round * REPLICAS + replica) * PER_TURN + step))
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// Increments of 1.
fn increment(_index: usize) -> CounterChange {
    CounterChange(1)
}

/// Increments of 1, and every third change a decrement of 1.
fn increment_or_decrement(index: usize) -> CounterChange {
    CounterChange(if index % 3 == 2 { -1 } else { 1 })
}

pub(crate) fn run() {
    let changes = ROUNDS * REPLICAS * PER_TURN;
    println!(
        "\n## GCounter: {} increments by {REPLICAS} replicas in {ROUNDS} rounds",
        grouped(changes)
    );
    let grow = Comparison::<GCounter, crdts::GCounter<u64>>::play(REPLICAS, &history(increment));
    report(&grow, increment(0));
    println!(
        "crdts GCounter with 16-byte actors (u128, the size of Weft's UUID replica ids): {} B",
        grouped(wide_actor_counter_len())
    );
    println!(
        "\n## PNCounter: {} changes (every third a decrement) by {REPLICAS} replicas in {ROUNDS} \
         rounds",
        grouped(changes)
    );
    let both_ways = Comparison::<PNCounter, crdts::PNCounter<u64>>::play(
        REPLICAS,
        &history(increment_or_decrement),
    );
    report(&both_ways, increment_or_decrement(2));
}

fn report<S, T>(comparison: &Comparison<S, T>, change: CounterChange)
where
    S: WeftWorkload<Change = CounterChange>,
    T: CrdtsWorkload<Change = CounterChange, Content = S::Content>,
{
    comparison.print_state_sizes("State of replica 0:");
    println!();
    comparison.print_merge_times(RUNS, MERGE_BATCH);
    println!();
    comparison.print_one_change(&change, &change);
}

/// The bincode size of the same grow-only counter with `u128` actors.
fn wide_actor_counter_len() -> usize {
    let mut counter = crdts::GCounter::<u128>::new();
    for replica in 0..REPLICAS {
        let dot = counter.inc_many(u128::MAX - replica as u128, (ROUNDS * PER_TURN) as u64);
        counter.apply(dot);
    }
    bincode_len(&counter)
}
