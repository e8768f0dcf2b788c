//! Seeded simulations: 3–5 replicas make random changes while a hostile network loses,
//! duplicates, reorders and delays their deltas, partitions come and go, and replicas restart
//! from their snapshots. Once the network heals and anti-entropy runs, every replica holds the
//! same state and nothing any replica made is lost.
//!
//! `*_once` runs a fixed range of seeds in CI; the ignored `*_forever` twin runs new seeds until
//! one fails and prints it (`cargo test --test convergence -- --ignored --nocapture`).

use quickcheck::{Arbitrary, Gen};
use weft::{
    AddWinsSet, Delta, GCounter, LwwRegister, Map, MvRegister, PNCounter, RemoveWinsSet, Replica,
    VersionVector,
};
use weft_tests::{Network, NetworkConfig, SplitMix64, Workload, fresh};

/// What travels between simulated replicas.
#[derive(Clone, Debug)]
enum Message {
    /// An encoded delta.
    Delta(Vec<u8>),
    /// "Send me what I lack": the sender's version.
    Want(VersionVector),
}

/// Runs one simulation and returns the replicas at quiescence; `made` sees every operation a
/// replica performed.
fn simulate<S: Workload>(seed: u64, made: &mut dyn FnMut(&S::Op)) -> Vec<Replica<S>> {
    let mut random = SplitMix64::new(seed);
    let count = 3 + random.index(3);
    let mut replicas = fresh::<S>(count);
    let mut network = Network::<Message>::new(count, NetworkConfig::hostile(), seed ^ 0x5eed);
    let mut operations = Gen::from_size_and_seed(8, seed);
    for _ in 0..200 {
        match random.below(100) {
            0..=49 => {
                let author = random.index(count);
                let op = S::Op::arbitrary(&mut operations);
                let delta = replicas[author].update(|scope| S::perform(scope, &op));
                made(&op);
                if !delta.is_empty() {
                    let bytes = delta.to_bytes();
                    for peer in (0..count).filter(|peer| *peer != author) {
                        network.send(author, peer, Message::Delta(bytes.clone()));
                    }
                }
            }
            50..=89 => {
                if let Some((from, to, message)) = network.step() {
                    deliver(&mut replicas, &mut network, from, to, message);
                }
            }
            90..=96 => {
                let (from, to) = (random.index(count), random.index(count));
                if from != to {
                    network.send(from, to, Message::Want(replicas[from].version()));
                }
            }
            _ => {
                // A crash: the replica restarts from its last snapshot (taken now: everything
                // it acknowledged is in it).
                let victim = random.index(count);
                replicas[victim] = Replica::load(&replicas[victim].save()).expect("snapshot loads");
            }
        }
    }
    network.heal();
    for (from, to, message) in network.drain_shuffled() {
        deliver(&mut replicas, &mut network, from, to, message);
    }
    // Anti-entropy over a now reliable network: every replica asks every other once.
    for to in 0..count {
        for from in (0..count).filter(|from| *from != to) {
            let delta = replicas[from].delta_since(&replicas[to].version());
            let delta = Delta::from_bytes(&delta.to_bytes()).expect("decodes");
            replicas[to].apply(&delta);
        }
    }
    for to in 0..count {
        for from in (0..count).filter(|from| *from != to) {
            let delta = replicas[from].delta_since(&replicas[to].version());
            replicas[to].apply(&delta);
        }
    }
    replicas
}

fn deliver<S: Workload>(
    replicas: &mut [Replica<S>],
    network: &mut Network<Message>,
    from: usize,
    to: usize,
    message: Message,
) {
    match message {
        Message::Delta(bytes) => {
            let delta = Delta::<S>::from_bytes(&bytes).expect("deltas decode");
            replicas[to].apply(&delta);
        }
        Message::Want(version) => {
            let answer = replicas[to].delta_since(&version).to_bytes();
            network.send(to, from, Message::Delta(answer));
        }
    }
}

fn converged<S: Workload>(seed: u64) -> Result<(), String> {
    let replicas = simulate::<S>(seed, &mut |_| {});
    for replica in &replicas {
        assert_eq!(replica.check(), Ok(()));
        if replica.pending_len() != 0 {
            return Err(format!("seed {seed}: a replica still has pending deltas"));
        }
    }
    if replicas.windows(2).all(|pair| pair[0].same_state(&pair[1])) {
        Ok(())
    } else {
        Err(format!("seed {seed}: replicas differ at quiescence"))
    }
}

/// Seeds per type in CI.
const SEEDS: u64 = 150;

fn once<S: Workload>() {
    for seed in 0..SEEDS {
        if let Err(failure) = converged::<S>(seed) {
            panic!("{failure}");
        }
    }
}

fn forever<S: Workload>() {
    let mut seeds = SplitMix64::new(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos() as u64),
    );
    loop {
        let seed = seeds.next_u64();
        if let Err(failure) = converged::<S>(seed) {
            panic!("{failure}");
        }
    }
}

macro_rules! simulation {
    ($once:ident, $forever:ident, $store:ty) => {
        #[test]
        fn $once() {
            once::<$store>();
        }

        #[test]
        #[ignore = "runs until a seed fails; use --ignored --nocapture"]
        fn $forever() {
            forever::<$store>();
        }
    };
}

simulation!(grow_counter_once, grow_counter_forever, GCounter);
simulation!(pn_counter_once, pn_counter_forever, PNCounter);
simulation!(lww_register_once, lww_register_forever, LwwRegister<u8>);
simulation!(mv_register_once, mv_register_forever, MvRegister<u8>);
simulation!(add_wins_set_once, add_wins_set_forever, AddWinsSet<u8>);
simulation!(
    remove_wins_set_once,
    remove_wins_set_forever,
    RemoveWinsSet<u8>
);
simulation!(map_of_sets_once, map_of_sets_forever, Map<u8, AddWinsSet<u8>>);
simulation!(map_of_counters_once, map_of_counters_forever, Map<u8, PNCounter>);
simulation!(map_of_maps_once, map_of_maps_forever, Map<u8, Map<u8, MvRegister<u8>>>);
simulation!(document_once, document_forever, weft::Object);

/// Nothing is lost: a counter's final value is the sum of every increment any replica made,
/// whatever the network did and however often replicas restarted.
#[test]
fn no_increment_is_lost() {
    for seed in 0..SEEDS {
        let mut made: i64 = 0;
        let replicas = simulate::<PNCounter>(seed, &mut |amount| made += i64::from(*amount));
        for replica in &replicas {
            assert_eq!(replica.value(), made, "seed {seed}: an increment was lost");
        }
    }
}
