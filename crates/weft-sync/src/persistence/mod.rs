//! Crash-safe persistence: an append-only log of deltas after a snapshot, with compaction.
//!
//! A [`Log`] writes records through a [`Storage`] (a file, memory, or later IndexedDB).
//! Each record is length-prefixed and checksummed ([`record`]); opening a log replays the last
//! snapshot and the deltas after it, and drops a torn or corrupted tail. The byte layout is
//! specified in `docs/FORMAT.md`, section "Persistence log".
//!
//! ```
//! use weft_core::{GCounter, Replica, ReplicaId};
//! use weft_sync::{Log, MemoryStorage};
//!
//! let mut counter = Replica::<GCounter>::new(ReplicaId::from_u128(1));
//! let mut log = Log::create(MemoryStorage::new(), &counter)?;
//! counter.update(|c| c.increment(2));
//! log.append(&counter)?; // durable when it returns
//! counter.update(|c| c.increment(3));
//! log.append(&counter)?;
//!
//! // A crash tears the last record.
//! let mut bytes = log.into_storage().into_bytes();
//! bytes.truncate(bytes.len() - 1);
//! let opened = Log::<MemoryStorage>::open::<Replica<GCounter>>(MemoryStorage::from_bytes(bytes))?;
//! assert_eq!(opened.replica.value(), 2); // the first change survives
//! assert!(opened.dropped_bytes > 0);
//! # Ok::<(), weft_sync::LogError>(())
//! ```

mod error;
mod log;
pub mod record;
mod storage;

pub use error::LogError;
pub use log::{Log, Opened};
pub use storage::{FileStorage, MemoryStorage, Storage};
