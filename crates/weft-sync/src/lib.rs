//! The Weft delta-sync protocol, sans IO, and a crash-safe persistence log.
//!
//! # Protocol
//! Keep one [`SyncState`] per peer. Move bytes between peers however you like (WebSocket,
//! `BroadcastChannel`, a queue): call [`generate`] until it returns `None` and send what it
//! returns; hand what arrives to [`receive`]. The state machine is specified in
//! `docs/SYNC.md`.
//!
//! - **Handshake**: both peers send a [`Hello`] with their version vector and state digest; each
//!   answers the other's with exactly what the other lacks, so one round trip levels both.
//! - **Live**: local changes are pushed as [`Changes`]; [`Ack`]s say what the peer holds, so
//!   nothing it acknowledged is sent again, and a lost message is noticed and sent again.
//! - **Divergence**: equal versions with different digests make both peers exchange complete
//!   states and repair ([`Repair`]).
//! - **Framing**: every message is a Weft frame (magic, format version, kind 4, CRC-32);
//!   messages larger than [`SyncConfig::max_frame_size`] travel as [`Chunk`]s.
//!
//! Two replicas that changed offline reconcile in one round trip:
//!
//! ```
//! use weft_core::{AddWinsSet, Replica, ReplicaId, Replicated};
//! use weft_sync::{Message, SyncState, generate, receive};
//!
//! let mut alice = Replica::<AddWinsSet<String>>::new(ReplicaId::random());
//! let mut bob = Replica::<AddWinsSet<String>>::new(ReplicaId::random());
//! alice.update(|set| set.insert("milk".to_string()));
//! bob.update(|set| set.insert("eggs".to_string()));
//!
//! let (mut alice_state, mut bob_state) = (SyncState::new(), SyncState::new());
//! let mut flights = 0; // a flight: everything each side has to say; two make a round trip
//! loop {
//!     // One flight each way: everything each side has to say, as bytes.
//!     let mut to_bob = Vec::new();
//!     while let Some(message) = generate(&mut alice_state, &alice) {
//!         to_bob.push(message.to_bytes());
//!     }
//!     let mut to_alice = Vec::new();
//!     while let Some(message) = generate(&mut bob_state, &bob) {
//!         to_alice.push(message.to_bytes());
//!     }
//!     if to_bob.is_empty() && to_alice.is_empty() {
//!         break;
//!     }
//!     for bytes in to_bob {
//!         receive(&mut bob_state, &mut bob, Message::from_bytes(&bytes)?)?;
//!     }
//!     for bytes in to_alice {
//!         receive(&mut alice_state, &mut alice, Message::from_bytes(&bytes)?)?;
//!     }
//!     flights += 1;
//!     if flights == 1 {
//!         // Hellos crossed; the answers are on their way.
//!         assert!(!alice.contains(&"eggs".to_string()));
//!     }
//!     if flights == 2 {
//!         // One round trip after the hellos left, both hold everything.
//!         assert!(alice.same_state(&bob));
//!     }
//! }
//! assert_eq!(alice.len(), 2);
//! assert_eq!(flights, 3); // hellos, answers, acknowledgements
//!
//! // Live: a change is pushed, acknowledged, and nothing else.
//! bob.update(|set| set.remove(&"milk".to_string()));
//! let push = generate(&mut bob_state, &bob).expect("the change");
//! assert!(generate(&mut bob_state, &bob).is_none());
//! receive(&mut alice_state, &mut alice, push)?;
//! let ack = generate(&mut alice_state, &alice).expect("an acknowledgement");
//! receive(&mut bob_state, &mut bob, ack)?;
//! assert!(generate(&mut alice_state, &alice).is_none());
//! assert!(generate(&mut bob_state, &bob).is_none());
//! assert_eq!(alice.digest(), bob.digest());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Persistence
//! [`Log`] stores a replica as an append-only file of deltas after a snapshot, over a small
//! [`Storage`] trait ([`FileStorage`], [`MemoryStorage`]). A torn or corrupted tail is detected
//! by its checksum and dropped when the log is opened; everything appended before it survives.

#![forbid(unsafe_code)]

mod chunk;
mod config;
mod error;
mod message;
pub mod persistence;
pub mod presence;
mod protocol;
mod relative;
mod sketch;
mod stability;
mod state;

pub use config::{MIN_FRAME_SIZE, SyncConfig};
pub use error::SyncError;
pub use message::{Ack, Changes, Chunk, Hello, Message, PROTOCOL_VERSION, Repair, Stable};
pub use persistence::{FileStorage, Log, LogError, MemoryStorage, Opened, Storage};
pub use protocol::{Received, generate, receive};
pub use relative::{Version, differences, fingerprint};
pub use sketch::VersionSketch;
pub use stability::meet;
pub use state::SyncState;
