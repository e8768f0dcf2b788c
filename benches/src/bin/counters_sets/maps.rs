//! `crdts::Map` against Weft's `Map`: keys to sets (`Orswot` / `AddWinsSet`) and keys to
//! multi-value registers (`MVReg` / `MvRegister`), 100,000 updates by 8 replicas.

use crdts::{MVReg, Orswot};
use weft::{AddWinsSet, Map, MvRegister, Scope};
use weft_benches::grouped;

use crate::cluster::{CrdtsWorkload, WeftWorkload};
use crate::measure::Comparison;
use crate::workload::{MapChange, MapHistory};
use crate::{REPLICAS, ROUNDS, RUNS};

type WeftSets = Map<String, AddWinsSet<u64>>;
type CrdtsSets = crdts::Map<String, Orswot<u64, u64>, u64>;
type WeftRegisters = Map<String, MvRegister<String>>;
type CrdtsRegisters = crdts::Map<String, MVReg<String, u64>, u64>;

/// Key number `key` as the map stores it.
fn key_name(key: usize) -> String {
    format!("key-{key}")
}

/// The value written by the update numbered `value`.
fn register_value(value: u64) -> String {
    format!("value-{value}")
}

impl WeftWorkload for WeftSets {
    type Change = MapChange;
    type Content = Vec<(String, Vec<u64>)>;

    fn perform(scope: &mut Scope<'_, Self>, change: &MapChange) {
        match *change {
            MapChange::Update { key, value } => {
                scope.update(key_name(key), |set| set.insert(value));
            }
            MapChange::Remove { key } => {
                scope.remove(&key_name(key));
            }
        }
    }

    fn content(&self) -> Self::Content {
        sorted_entries(
            self.iter()
                .map(|(key, set)| (key.clone(), set.iter().copied())),
        )
    }
}

impl CrdtsWorkload for CrdtsSets {
    type Change = MapChange;
    type Content = Vec<(String, Vec<u64>)>;

    fn operation(&self, actor: u64, change: &MapChange) -> Self::Op {
        match *change {
            MapChange::Update { key, value } => {
                let context = self.read_ctx().derive_add_ctx(actor);
                self.update(key_name(key), context, |set, context| {
                    set.add(value, context)
                })
            }
            MapChange::Remove { key } => {
                let key = key_name(key);
                let context = self.get(&key).derive_rm_ctx();
                self.rm(key, context)
            }
        }
    }

    fn content(&self) -> Self::Content {
        sorted_entries(self.iter().map(|entry| {
            let (key, set) = entry.val;
            (key.clone(), set.read().val)
        }))
    }
}

impl WeftWorkload for WeftRegisters {
    type Change = MapChange;
    type Content = Vec<(String, Vec<String>)>;

    fn perform(scope: &mut Scope<'_, Self>, change: &MapChange) {
        match *change {
            MapChange::Update { key, value } => {
                scope.update(key_name(key), |register| {
                    register.set(register_value(value))
                });
            }
            MapChange::Remove { key } => {
                scope.remove(&key_name(key));
            }
        }
    }

    fn content(&self) -> Self::Content {
        sorted_entries(
            self.iter()
                .map(|(key, register)| (key.clone(), register.values().cloned())),
        )
    }
}

impl CrdtsWorkload for CrdtsRegisters {
    type Change = MapChange;
    type Content = Vec<(String, Vec<String>)>;

    fn operation(&self, actor: u64, change: &MapChange) -> Self::Op {
        match *change {
            MapChange::Update { key, value } => {
                let context = self.read_ctx().derive_add_ctx(actor);
                self.update(key_name(key), context, |register, context| {
                    register.write(register_value(value), context)
                })
            }
            MapChange::Remove { key } => {
                let key = key_name(key);
                let context = self.get(&key).derive_rm_ctx();
                self.rm(key, context)
            }
        }
    }

    fn content(&self) -> Self::Content {
        sorted_entries(self.iter().map(|entry| {
            let (key, register) = entry.val;
            (key.clone(), register.read().val)
        }))
    }
}

/// Entries sorted by key, each with its values sorted.
fn sorted_entries<V: Ord>(
    entries: impl Iterator<Item = (String, impl IntoIterator<Item = V>)>,
) -> Vec<(String, Vec<V>)> {
    let mut sorted: Vec<(String, Vec<V>)> = entries
        .map(|(key, values)| {
            let mut values: Vec<V> = values.into_iter().collect();
            values.sort_unstable();
            (key, values)
        })
        .collect();
    sorted.sort_unstable();
    sorted
}

pub(crate) fn run() {
    const UPDATES: usize = 100_000;
    let per_turn = UPDATES / (REPLICAS * ROUNDS);
    let mut sets = MapHistory::generate(REPLICAS, ROUNDS, per_turn, 1_000);
    println!(
        "\n## Map<String, Orswot<u64>> vs Map<String, AddWinsSet<u64>>: {} additions to the sets \
         of 1,000 keys by {REPLICAS} replicas in {ROUNDS} rounds",
        grouped(sets.changes())
    );
    report(
        &Comparison::<WeftSets, CrdtsSets>::play(REPLICAS, &sets.rounds),
        &mut sets,
    );
    let mut registers = MapHistory::generate(REPLICAS, ROUNDS, per_turn, 10_000);
    println!(
        "\n## Map<String, MVReg<String>> vs Map<String, MvRegister<String>>: {} writes of short \
         strings to 10,000 keys by {REPLICAS} replicas in {ROUNDS} rounds",
        grouped(registers.changes())
    );
    report(
        &Comparison::<WeftRegisters, CrdtsRegisters>::play(REPLICAS, &registers.rounds),
        &mut registers,
    );
}

fn report<S, T>(comparison: &Comparison<S, T>, history: &mut MapHistory)
where
    S: WeftWorkload<Change = MapChange>,
    T: CrdtsWorkload<Change = MapChange, Content = S::Content>,
{
    comparison.print_state_sizes("State of replica 0:");
    println!();
    comparison.print_merge_times(RUNS, 1);
    println!();
    let updates = history.follow_up(2);
    comparison.print_one_change(&updates[0], &updates[1]);
    println!(
        "\nAfter k more changes by replica 0 (every fourth a key removal), replica 1 catches up:"
    );
    let batches: Vec<Vec<MapChange>> = [1, 10, 100, 1000]
        .iter()
        .map(|count| history.follow_up(*count))
        .collect();
    comparison.print_shipping(&batches);
}
