//! Seeded simulations of 3–8 replicas syncing through the protocol over a hostile network,
//! crashing and restarting from their persistence logs (see `weft_tests::sync_simulation`).
//! At quiescence every replica holds the oracle's version and digest: every change that was
//! durably logged reached everyone, none twice.
//!
//! `*_once` runs a fixed range of seeds in CI; the ignored `*_forever` twin runs new seeds
//! until one fails, shrinks the failing run and prints it with its seed
//! (`cargo test --test sync_simulation -- --ignored --nocapture`).

use weft::{
    AddWinsSet, Doc, GCounter, LwwRegister, Map, MvRegister, PNCounter, RemoveWinsSet, Replica,
};
use weft_tests::SplitMix64;
use weft_tests::sync_simulation::{
    Action, Compaction, Failure, Options, SimReplica, generate_actions, nodes_for, run, shrink,
    shrink_with,
};

/// Actions per run.
const STEPS: usize = 250;

/// Seeds per type in CI.
const SEEDS: u64 = 40;

fn check_seed<R: SimReplica>(seed: u64, options: Options) -> Result<(), String> {
    let nodes = nodes_for(seed);
    let actions = generate_actions(seed, nodes, STEPS);
    match run::<R>(nodes, &actions, options) {
        Ok(_) => Ok(()),
        Err(failure) => {
            let (smallest, failure) = shrink::<R>(nodes, &actions, failure, options);
            Err(format!(
                "seed {seed} ({nodes} replicas) fails: {failure}\nshrunk to {} actions: {smallest:#?}",
                smallest.len()
            ))
        }
    }
}

fn once<R: SimReplica>(seeds: u64, options: Options) {
    for seed in 0..seeds {
        if let Err(failure) = check_seed::<R>(seed, options) {
            panic!("{failure}");
        }
    }
}

fn forever<R: SimReplica>(options: Options) {
    let mut seeds = SplitMix64::new(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos() as u64),
    );
    for passed in 1u64.. {
        let seed = seeds.next_u64();
        if let Err(failure) = check_seed::<R>(seed, options) {
            panic!("{failure}");
        }
        if passed % 100 == 0 {
            eprintln!("{passed} seeds passed");
        }
    }
}

macro_rules! simulation {
    ($once:ident, $forever:ident, $replica:ty, $options:expr) => {
        simulation!($once, $forever, $replica, $options, SEEDS);
    };
    ($once:ident, $forever:ident, $replica:ty, $options:expr, $seeds:expr) => {
        #[test]
        fn $once() {
            once::<$replica>($seeds, $options);
        }

        #[test]
        #[ignore = "runs until a seed fails; use --ignored --nocapture"]
        fn $forever() {
            forever::<$replica>($options);
        }
    };
}

const HONEST: Options = Options {
    corruption: false,
    older_snapshots: false,
    compaction: Compaction::Off,
};
/// Replicas are also corrupted on purpose (they claim changes without their effects); the
/// digest must reveal it and repair must bring every replica to one state.
const CORRUPTING: Options = Options {
    corruption: true,
    older_snapshots: false,
    compaction: Compaction::Off,
};
/// Replicas also restart from older snapshots (backups, or storage that lost its latest
/// writes): no dot is ever reused, whatever of the lost changes some replica still holds comes
/// back, and nothing stays pending that could be applied with what some replica holds.
const RESTORING: Options = Options {
    corruption: false,
    older_snapshots: true,
    compaction: Compaction::Off,
};
/// Replicas announce their views of stability and compact up to their stable version.
const COMPACTING: Options = Options {
    corruption: false,
    older_snapshots: false,
    compaction: Compaction::Stable,
};
/// Replicas compact up to their own version, ahead of the others (and restart from older
/// snapshots): peers below a compaction point are brought level by complete states, and the
/// end state is still the oracle's (which never compacts).
const COMPACTING_EARLY: Options = Options {
    corruption: false,
    older_snapshots: true,
    compaction: Compaction::Early,
};

/// Seeds per type in CI for the older-snapshot runs (a run has about one restore).
const RESTORING_SEEDS: u64 = 1_000;

simulation!(
    grow_counter_once,
    grow_counter_forever,
    Replica<GCounter>,
    HONEST
);
simulation!(
    pn_counter_once,
    pn_counter_forever,
    Replica<PNCounter>,
    HONEST
);
simulation!(
    lww_register_once,
    lww_register_forever,
    Replica<LwwRegister<u8>>,
    HONEST
);
simulation!(
    mv_register_once,
    mv_register_forever,
    Replica<MvRegister<u8>>,
    HONEST
);
simulation!(
    add_wins_set_once,
    add_wins_set_forever,
    Replica<AddWinsSet<u8>>,
    HONEST
);
simulation!(
    remove_wins_set_once,
    remove_wins_set_forever,
    Replica<RemoveWinsSet<u8>>,
    HONEST
);
simulation!(
    map_of_sets_once,
    map_of_sets_forever,
    Replica<Map<u8, AddWinsSet<u8>>>,
    HONEST
);
simulation!(
    map_of_counters_once,
    map_of_counters_forever,
    Replica<Map<u8, PNCounter>>,
    HONEST
);
simulation!(document_once, document_forever, Doc, HONEST);
simulation!(
    restored_sets_once,
    restored_sets_forever,
    Replica<AddWinsSet<u8>>,
    RESTORING,
    RESTORING_SEEDS
);
simulation!(
    restored_counters_once,
    restored_counters_forever,
    Replica<PNCounter>,
    RESTORING,
    RESTORING_SEEDS
);
simulation!(
    restored_documents_once,
    restored_documents_forever,
    Doc,
    RESTORING,
    RESTORING_SEEDS / 2
);
simulation!(
    corrupted_sets_once,
    corrupted_sets_forever,
    Replica<AddWinsSet<u8>>,
    CORRUPTING
);
simulation!(
    corrupted_map_of_counters_once,
    corrupted_map_of_counters_forever,
    Replica<Map<u8, PNCounter>>,
    CORRUPTING
);
simulation!(
    corrupted_documents_once,
    corrupted_documents_forever,
    Doc,
    CORRUPTING
);

simulation!(
    compacting_add_wins_set_once,
    compacting_add_wins_set_forever,
    Replica<AddWinsSet<u8>>,
    COMPACTING
);
simulation!(
    compacting_map_of_sets_once,
    compacting_map_of_sets_forever,
    Replica<Map<u8, AddWinsSet<u8>>>,
    COMPACTING
);
simulation!(
    compacting_documents_once,
    compacting_documents_forever,
    Doc,
    COMPACTING
);
simulation!(
    early_compacting_add_wins_set_once,
    early_compacting_add_wins_set_forever,
    Replica<AddWinsSet<u8>>,
    COMPACTING_EARLY
);
simulation!(
    early_compacting_remove_wins_set_once,
    early_compacting_remove_wins_set_forever,
    Replica<RemoveWinsSet<u8>>,
    COMPACTING_EARLY
);
simulation!(
    early_compacting_map_of_sets_once,
    early_compacting_map_of_sets_forever,
    Replica<Map<u8, AddWinsSet<u8>>>,
    COMPACTING_EARLY
);

#[test]
fn compacting_ahead_of_the_others_compacts() {
    let mut early = 0;
    for seed in 0..40 {
        let nodes = nodes_for(seed);
        let actions = generate_actions(seed, nodes, STEPS);
        early += run::<Replica<AddWinsSet<u8>>>(nodes, &actions, COMPACTING_EARLY)
            .unwrap()
            .compacted;
    }
    // The mode does what it says: replicas forget removed entries others may still hold.
    assert!(early > 0, "{early}");
}

#[test]
fn the_shrinker_finds_a_small_failing_run() {
    // A stand-in failure: "replica 0 made two changes". The shrinker keeps just those two.
    let actions = generate_actions(7, 4, 200);
    let failing = |actions: &[Action]| {
        let changes = actions
            .iter()
            .filter(|action| matches!(action, Action::Change { node: 0, .. }))
            .count();
        (changes >= 2).then(|| Failure(format!("{changes} changes")))
    };
    let failure = failing(&actions).expect("the seed makes such changes");
    let (smallest, failure) = shrink_with(&actions, failure, failing);
    assert_eq!(smallest.len(), 2);
    assert_eq!(failure, Failure("2 changes".into()));
}

#[test]
fn runs_report_their_figures() {
    let actions = generate_actions(1, 4, STEPS);
    let stats = run::<Replica<AddWinsSet<u8>>>(4, &actions, CORRUPTING).unwrap();
    assert!(stats.messages > 100 && stats.crashes > 0 && stats.quiescence_messages > 0);
}

#[test]
fn restoring_runs_restore_renew_ids_and_lose_dependencies() {
    let mut total = weft_tests::sync_simulation::Stats::default();
    for seed in 0..200 {
        let nodes = nodes_for(seed);
        let stats =
            run::<Replica<PNCounter>>(nodes, &generate_actions(seed, nodes, STEPS), RESTORING)
                .unwrap();
        total.restores += stats.restores;
        total.renewed_ids += stats.renewed_ids;
        total.stuck_pending += stats.stuck_pending;
    }
    eprintln!("200 restoring runs of counters: {total:?}");
    // The mode does what it says: replicas restart from older snapshots, learn that their
    // counters are taken and continue under new ids, and some changes wait forever for a
    // change that was lost with a restored state.
    assert!(total.restores > 100, "{total:?}");
    assert!(total.renewed_ids > 10, "{total:?}");
    assert!(total.stuck_pending > 0, "{total:?}");
}
