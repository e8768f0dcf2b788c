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
        replica.check();
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
        loaded.check();
    }
}

/// Replays a concurrent trace with one replica per agent: each transaction is made on its
/// agent's replica once that replica holds exactly the transaction's parents (brought there
/// by applying the deltas of the transactions it lacks), and is one delta.
fn replay_concurrent(trace: &text_support::Trace) -> Vec<Replica<Text>> {
    let mut replicas: Vec<Replica<Text>> = (0..trace.agents)
        .map(|agent| Replica::new(ReplicaId::from_u128(agent as u128 + 1)))
        .collect();
    let ids: Vec<ReplicaId> = replicas.iter().map(Replica::id).collect();
    let mut deltas: Vec<weft::Delta<Text>> = Vec::with_capacity(trace.transactions.len());
    let mut after: Vec<weft::VersionVector> = Vec::with_capacity(trace.transactions.len());
    // Per agent: (counter reached after the transaction, transaction index).
    let mut by_agent: Vec<Vec<(u64, usize)>> = vec![Vec::new(); trace.agents];
    for (index, transaction) in trace.transactions.iter().enumerate() {
        let agent = transaction.agent;
        let mut target = weft::VersionVector::new();
        for parent in &transaction.parents {
            target.join(&after[*parent]);
        }
        let current = replicas[agent].version();
        let mut missing: Vec<usize> = Vec::new();
        for (other, id) in ids.iter().enumerate() {
            let (have, want) = (current.get(*id), target.get(*id));
            if want > have {
                let runs = &by_agent[other];
                let from = runs.partition_point(|(reached, _)| *reached <= have);
                let to = runs.partition_point(|(reached, _)| *reached <= want);
                missing.extend(runs[from..to].iter().map(|(_, txn)| *txn));
            }
        }
        missing.sort_unstable();
        for txn in missing {
            replicas[agent].apply(&deltas[txn]);
        }
        assert_eq!(
            replicas[agent].version(),
            target,
            "transaction {index}: parents not reached"
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
        let version = replicas[agent].version();
        by_agent[agent].push((version.get(ids[agent]), index));
        after.push(version);
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
        // Every replica reaches the same state from the last one's full state.
        let state = replicas[last].delta_since(&weft::VersionVector::new());
        for replica in &mut replicas {
            replica.apply(&state);
            assert_eq!(replica.pending_len(), 0);
        }
        for replica in &replicas {
            assert!(replica.same_state(&replicas[last]), "{}", path.display());
        }
        replicas[last].check();
        let loaded = Replica::<Text>::load(&replicas[last].save()).expect("loads");
        assert_eq!(loaded.to_string(), trace.end_content);
    }
}
