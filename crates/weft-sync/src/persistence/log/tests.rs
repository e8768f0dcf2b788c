//! Tests of the log: every cut of the last record, every flipped byte, failed appends,
//! compaction, and a real file.

use std::io;

use weft_core::{AddWinsSet, Replica, ReplicaId, Replicated};

use super::*;
use crate::persistence::storage::{FileStorage, MemoryStorage};

type Set = Replica<AddWinsSet<u16>>;

/// A log with a snapshot and `changes` delta records; returns the log's bytes, the replica
/// after each record, and where each delta record starts.
fn history(changes: u16) -> (Vec<u8>, Vec<Set>, Vec<usize>) {
    let mut set = Set::new(ReplicaId::from_u128(1));
    set.update(|s| s.insert(1000));
    let mut log = Log::create(MemoryStorage::new(), &set).unwrap();
    let mut states = vec![set.clone()];
    let mut starts = Vec::new();
    for value in 0..changes {
        set.update(|s| {
            s.insert(value);
            if value % 3 == 2 {
                s.remove(&(value - 1));
            }
        });
        starts.push(log.len() as usize);
        assert!(log.append(&set).unwrap());
        states.push(set.clone());
    }
    (log.into_storage().into_bytes(), states, starts)
}

fn open(bytes: &[u8]) -> Result<Opened<MemoryStorage, Set>, LogError> {
    Log::open(MemoryStorage::from_bytes(bytes.to_vec()))
}

#[test]
fn a_clean_log_replays_everything() {
    let (bytes, states, _) = history(20);
    let opened = open(&bytes).unwrap();
    assert!(opened.replica.same_state(states.last().unwrap()));
    assert_eq!((opened.replayed_deltas, opened.dropped_bytes), (20, 0));
}

#[test]
fn every_cut_of_the_last_record_keeps_everything_before_it() {
    let (bytes, states, starts) = history(6);
    let last = *starts.last().unwrap();
    for cut in last..bytes.len() {
        let opened = open(&bytes[..cut]).unwrap();
        assert!(opened.replica.same_state(&states[5]), "cut at {cut}");
        assert_eq!(opened.dropped_bytes, (cut - last) as u64);
        assert_eq!(
            opened.log.storage().bytes(),
            &bytes[..last],
            "the tail is cut off"
        );
        // The log goes on after the cut: a new change is appended and survives.
        let Opened {
            mut log,
            mut replica,
            ..
        } = opened;
        replica.update(|s| s.insert(9999));
        log.append(&replica).unwrap();
        let reopened = Log::<MemoryStorage>::open::<Set>(log.into_storage()).unwrap();
        assert!(reopened.replica.same_state(&replica), "cut at {cut}");
        assert_eq!(reopened.dropped_bytes, 0);
    }
}

#[test]
fn every_cut_anywhere_restores_a_prefix_of_the_history() {
    let (bytes, states, starts) = history(5);
    for cut in 0..bytes.len() {
        match open(&bytes[..cut]) {
            Ok(opened) => {
                let ends = starts.iter().skip(1).copied().chain([bytes.len()]);
                let intact = ends.filter(|end| *end <= cut).count();
                assert!(opened.replica.same_state(&states[intact]), "cut at {cut}");
            }
            Err(LogError::Empty | LogError::MissingSnapshot) => {
                assert!(cut <= starts[0], "cut at {cut} lost the snapshot");
            }
            Err(other) => panic!("cut at {cut}: {other}"),
        }
    }
}

#[test]
fn every_flipped_byte_of_the_last_record_is_detected() {
    let (bytes, states, starts) = history(6);
    let last = *starts.last().unwrap();
    for position in last..bytes.len() {
        for flip in [0x01, 0x80, 0xff] {
            let mut damaged = bytes.clone();
            damaged[position] ^= flip;
            let opened = open(&damaged).unwrap();
            assert!(
                opened.replica.same_state(&states[5]),
                "flip {flip:#x} at {position}"
            );
            assert_eq!(opened.dropped_bytes, (bytes.len() - last) as u64);
        }
    }
}

#[test]
fn a_flipped_byte_anywhere_never_yields_a_wrong_state() {
    let (bytes, states, starts) = history(4);
    for position in 0..bytes.len() {
        let mut damaged = bytes.clone();
        damaged[position] ^= 0x10;
        match open(&damaged) {
            Ok(opened) => {
                // The damaged record and everything after it are dropped.
                let before = starts.iter().filter(|start| **start <= position).count();
                assert!(before > 0, "a damaged snapshot cannot be opened");
                assert!(
                    opened.replica.same_state(&states[before - 1]),
                    "flip at {position}"
                );
            }
            Err(LogError::NotALog | LogError::UnsupportedVersion { .. }) => assert!(position < 5),
            Err(LogError::MissingSnapshot) => assert!(position < starts[0]),
            Err(other) => panic!("flip at {position}: {other}"),
        }
    }
}

/// Memory storage whose next append writes only part of its bytes, then fails.
#[derive(Debug, Default)]
struct Flaky {
    inner: MemoryStorage,
    tear_next: Option<usize>,
}

impl Storage for Flaky {
    fn read_all(&mut self) -> io::Result<Vec<u8>> {
        self.inner.read_all()
    }

    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self.tear_next.take() {
            Some(keep) => {
                self.inner.append(&bytes[..keep.min(bytes.len())])?;
                Err(io::Error::other("disk full"))
            }
            None => self.inner.append(bytes),
        }
    }

    fn truncate(&mut self, length: u64) -> io::Result<()> {
        self.inner.truncate(length)
    }

    fn replace(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.inner.replace(bytes)
    }
}

#[test]
fn a_failed_append_does_not_hide_later_ones() {
    let mut set = Set::new(ReplicaId::from_u128(1));
    let mut log = Log::create(Flaky::default(), &set).unwrap();
    set.update(|s| s.insert(1));
    log.append(&set).unwrap();
    set.update(|s| s.insert(2));
    log.storage_mut().tear_next = Some(7);
    assert!(matches!(log.append(&set), Err(LogError::Io(_))));
    // Retrying stores the change after cutting off the torn bytes.
    set.update(|s| s.insert(3));
    assert!(log.append(&set).unwrap());
    let opened = Log::<Flaky>::open::<Set>(log.into_storage()).unwrap();
    assert!(opened.replica.same_state(&set));
    assert_eq!(opened.dropped_bytes, 0);
}

#[test]
fn compaction_keeps_the_state_and_shrinks_the_log() {
    let mut set = Set::new(ReplicaId::from_u128(1));
    let mut log = Log::create(MemoryStorage::new(), &set).unwrap();
    for value in 0..500 {
        set.update(|s| {
            s.insert(value % 20);
            s.remove(&((value + 7) % 20));
        });
        log.append(&set).unwrap();
        if log.should_compact() {
            let before = log.len();
            log.compact(&set).unwrap();
            assert!(log.len() < before);
        }
    }
    let opened = Log::<MemoryStorage>::open::<Set>(log.into_storage()).unwrap();
    assert!(opened.replica.same_state(&set));
}

#[test]
fn pending_deltas_survive_through_the_snapshot() {
    let mut a = Set::new(ReplicaId::from_u128(1));
    let mut b = Set::new(ReplicaId::from_u128(2));
    a.update(|s| s.insert(1));
    let second = a.update(|s| s.insert(2));
    b.apply(&second); // waits for the first
    assert_eq!(b.pending_len(), 1);
    let log = Log::create(MemoryStorage::new(), &b).unwrap();
    let mut opened = Log::<MemoryStorage>::open::<Set>(log.into_storage()).unwrap();
    assert_eq!(opened.replica.pending_len(), 1);
    opened
        .replica
        .apply_encoded(&a.encoded_delta_since(&opened.replica.version()))
        .unwrap();
    assert!(opened.replica.same_state(&a));
}

#[test]
fn foreign_and_future_logs_are_refused() {
    assert!(matches!(open(b""), Err(LogError::Empty)));
    assert!(matches!(open(b"WFL"), Err(LogError::Empty)));
    assert!(matches!(open(b"WFLG"), Err(LogError::Empty)));
    assert!(matches!(open(b"WFLG\x01"), Err(LogError::MissingSnapshot)));
    assert!(matches!(
        open(b"WFLG\x02rest"),
        Err(LogError::UnsupportedVersion { found: 2, .. })
    ));
    assert!(matches!(open(b"XFLG\x01"), Err(LogError::NotALog)));
    assert!(matches!(open(b"X"), Err(LogError::NotALog)));
    // A snapshot of another type: its checksum is fine, its content is not.
    let counter = Replica::<weft_core::GCounter>::new(ReplicaId::from_u128(1));
    let log = Log::create(MemoryStorage::new(), &counter).unwrap();
    assert!(matches!(
        open(log.storage().bytes()),
        Err(LogError::Record { offset: 5, .. })
    ));
}

#[test]
fn a_file_log_survives_reopening_a_torn_tail_and_compaction() {
    let directory = std::env::temp_dir().join(format!(
        "weft-sync-log-{}-{}",
        std::process::id(),
        ReplicaId::random()
    ));
    std::fs::create_dir_all(&directory).unwrap();
    let path = directory.join("set.wflog");
    let make = || Set::new(ReplicaId::from_u128(1));
    {
        let opened = Log::open_or_create(FileStorage::open(&path).unwrap(), make).unwrap();
        let (mut log, mut set) = (opened.log, opened.replica);
        for value in 0..10 {
            set.update(|s| s.insert(value));
            log.append(&set).unwrap();
        }
    }
    // A torn write: the file ends inside a record.
    let full = std::fs::read(&path).unwrap();
    std::fs::write(&path, &full[..full.len() - 3]).unwrap();
    let opened = Log::open_or_create(FileStorage::open(&path).unwrap(), make).unwrap();
    assert!(opened.dropped_bytes > 0);
    assert!(opened.replica.contains(&8) && !opened.replica.contains(&9));
    let (mut log, mut reopened) = (opened.log, opened.replica);
    reopened.update(|s| s.insert(100));
    log.append(&reopened).unwrap();
    log.compact(&reopened).unwrap();
    assert!(!path.with_file_name("set.wflog.tmp").exists());
    reopened.update(|s| s.insert(101));
    log.append(&reopened).unwrap();
    drop(log);
    let last = Log::open::<Set>(FileStorage::open(&path).unwrap()).unwrap();
    assert!(last.replica.same_state(&reopened));
    assert_eq!(last.replayed_deltas, 1);
    std::fs::remove_dir_all(&directory).unwrap();
}
