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
