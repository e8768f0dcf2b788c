//! Every sequential editing trace replays to its final text, and its document round-trips
//! through the encoding.

mod text_support;

use weft::{Replica, ReplicaId, Text, TextEditor};

use text_support::{load, trace_files, traces_dir};

fn replay(trace: &text_support::Trace) -> Replica<Text> {
    let mut replica = Replica::<Text>::new(ReplicaId::from_u128(1));
    for transaction in &trace.transactions {
        for (position, deleted, inserted) in &transaction.patches {
            replica.edit(|text| {
                if *deleted > 0 {
                    text.delete(*position..*position + *deleted).unwrap();
                }
                if !inserted.is_empty() {
                    text.insert(*position, inserted).unwrap();
                }
            });
        }
    }
    replica
}

#[test]
fn sequential_traces_replay_to_their_end_content() {
    let Some(dir) = traces_dir() else { return };
    let mut files = trace_files(&dir, "sequential_traces");
    files.extend(trace_files(&dir, "sequential_traces/ascii_only"));
    assert!(files.len() >= 12, "expected the 12 sequential traces");
    for path in files {
        let trace = load(&path);
        let replica = replay(&trace);
        assert_eq!(replica.to_string(), trace.end_content, "{}", path.display());
        assert_eq!(
            replica.len_utf16(),
            trace.end_content.encode_utf16().count()
        );
        assert_eq!(replica.len_utf8(), trace.end_content.len());
        assert_eq!(replica.check(), Ok(()));
        let loaded = Replica::<Text>::load(&replica.save()).expect("the saved trace loads");
        assert_eq!(
            loaded.to_string(),
            trace.end_content,
            "{} reloaded",
            path.display()
        );
        assert!(
            loaded.same_state(&replica),
            "{} reloaded state",
            path.display()
        );
        assert_eq!(loaded.check(), Ok(()));
    }
}

/// Catching up by more transactions than this forks a parent's replica instead.
const FORK_ABOVE: usize = 32;

/// The replica holding the most transactions among those holding only transactions of
/// `want` (so it can be forked and completed), if it holds more than `agent`'s own replica.
fn fork_source(have: &[Vec<usize>], want: &[usize], agent: usize) -> Option<usize> {
    let total = |replica: usize| have[replica].iter().sum::<usize>();
    let own = total(agent);
    (0..have.len())
        .filter(|replica| *replica != agent)
        .filter(|replica| {
            have[*replica]
                .iter()
                .zip(want)
                .all(|(held, wanted)| held <= wanted)
        })
        .map(|replica| (total(replica), replica))
        .filter(|(held, _)| *held > own + FORK_ABOVE)
        .max()
        .map(|(_, replica)| replica)
}

/// Replays a concurrent trace with one replica per agent: each transaction is made on its
/// agent's replica once that replica holds exactly the transaction's parents, brought there
/// by applying the deltas of the transactions it lacks or, when it lacks many, by forking
/// (merging into a fresh replica of the agent) the replica that holds the most of them and
/// nothing else. Each transaction is one delta.
fn replay_concurrent(trace: &text_support::Trace) -> Vec<Replica<Text>> {
    let id = |agent: usize| ReplicaId::from_u128(agent as u128 + 1);
    let agents = trace.agents;
    let mut replicas: Vec<Replica<Text>> =
        (0..agents).map(|agent| Replica::new(id(agent))).collect();
    // Per replica, how many transactions of each agent it holds; per transaction, the same
    // right after it.
    let mut have: Vec<Vec<usize>> = vec![vec![0; agents]; agents];
    let mut after: Vec<Vec<usize>> = Vec::with_capacity(trace.transactions.len());
    let mut by_agent: Vec<Vec<usize>> = vec![Vec::new(); agents];
    let mut deltas: Vec<weft::Delta<Text>> = Vec::with_capacity(trace.transactions.len());
    let mut versions: Vec<weft::VersionVector> = Vec::with_capacity(trace.transactions.len());
    for (index, transaction) in trace.transactions.iter().enumerate() {
        let agent = transaction.agent;
        let mut want = vec![0usize; agents];
        for parent in &transaction.parents {
            for (slot, count) in after[*parent].iter().enumerate() {
                want[slot] = want[slot].max(*count);
            }
        }
        let lacking: usize = (0..agents)
            .map(|other| want[other].saturating_sub(have[agent][other]))
            .sum();
        if lacking > FORK_ABOVE
            && let Some(source) = fork_source(&have, &want, agent)
        {
            let mut fork = Replica::<Text>::new(id(agent));
            fork.merge(&replicas[source]);
            replicas[agent] = fork;
            have[agent] = have[source].clone();
        }
        let mut missing = Vec::new();
        for other in 0..agents {
            if want[other] > have[agent][other] {
                missing.extend_from_slice(&by_agent[other][have[agent][other]..want[other]]);
                have[agent][other] = want[other];
            }
        }
        missing.sort_unstable();
        for txn in missing {
            replicas[agent].apply(&deltas[txn]);
        }
        let mut expected = weft::VersionVector::new();
        for parent in &transaction.parents {
            expected.join(&versions[*parent]);
        }
        assert_eq!(
            replicas[agent].version(),
            expected,
            "transaction {index}: not at its parents"
        );
        let delta = replicas[agent].update(|text| {
            for (position, deleted, inserted) in &transaction.patches {
                if *deleted > 0 {
                    text.delete(*position..*position + *deleted).unwrap();
                }
                if !inserted.is_empty() {
                    text.insert(*position, inserted).unwrap();
                }
            }
        });
        by_agent[agent].push(index);
        have[agent][agent] += 1;
        after.push(have[agent].clone());
        versions.push(replicas[agent].version());
        deltas.push(delta);
    }
    replicas
}

#[test]
fn concurrent_traces_replay_to_their_end_content() {
    let Some(dir) = traces_dir() else { return };
    let mut files = trace_files(&dir, "concurrent_traces");
    files.extend(trace_files(&dir, "egwalker-paper"));
    assert!(files.len() >= 3, "expected friendsforever, A1 and S3");
    for path in files {
        let trace = load(&path);
        let mut replicas = replay_concurrent(&trace);
        let last = trace.transactions.last().expect("a transaction").agent;
        assert_eq!(
            replicas[last].to_string(),
            trace.end_content,
            "{}",
            path.display()
        );
        // Other replicas reach the same state from the last one's full state (a few of
        // them: A1 has 204).
        let state = replicas[last].delta_since(&weft::VersionVector::new());
        for agent in (0..replicas.len()).filter(|agent| *agent != last).take(3) {
            replicas[agent].apply(&state);
            assert_eq!(replicas[agent].pending_len(), 0);
            assert!(
                replicas[agent].same_state(&replicas[last]),
                "{}",
                path.display()
            );
        }
        assert_eq!(replicas[last].check(), Ok(()));
        let loaded = Replica::<Text>::load(&replicas[last].save()).expect("loads");
        assert_eq!(loaded.to_string(), trace.end_content);
    }
}
