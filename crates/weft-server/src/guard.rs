//! The server's replica of a document, guarded: a client's change reaches it only after it
//! has proved harmless on a copy.
//!
//! The sync protocol applies changes through [`Replicated`], so this type is what a document's
//! task hands to [`weft::sync::receive`]. Before a delta (of a `Changes` or a `Repair`,
//! reassembled from chunks or not) touches the replica, it must:
//!
//! 1. decode;
//! 2. round-trip: what decodes re-encodes, decodes again and re-encodes to the same bytes
//!    (bytes the decoder accepts but the encoder cannot write would otherwise break every
//!    later snapshot and delta of the document);
//! 3. survive a snapshot on its own: applied to an empty replica (where it may wait as a
//!    pending delta, as it may in the document), whose snapshot must load again;
//! 4. apply to the *shadow*, a copy of the replica kept in step with it, and leave it in a
//!    state whose encoding (what the next commit stores) decodes again.
//!
//! Each step runs under `catch_unwind`: a library bug that panics on some bytes refuses the
//! change (the task closes the sender's connection with 1002) instead of killing the
//! document's task. Only then is the same delta applied to the replica itself. A panic there
//! (the shadow just survived the same operation, so it would take a nondeterministic bug)
//! leaves the replica marked as not intact, and the task fails and reloads from the database.
//!
//! The shadow costs one copy of the document in memory per loaded document that receives
//! changes (made at the first change, and again after a change it refused), and each change
//! is applied twice and its result encoded once more; all of that is proportional to the
//! change, not to the document, except the copy.

use thiserror::Error;
use weft::VersionVector;
use weft::sync::SyncError;
use weft::{DecodeError, Delta, Digest, Object, Outcome, Replica, ReplicaId, Replicated};

use crate::unwind::catch;

/// Why a client's change was refused before it reached the document.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub(crate) enum Refusal {
    /// The bytes are not a delta of a document.
    #[error("the change does not decode: {0}")]
    Decode(DecodeError),
    /// The delta decodes, but its re-encoding does not decode back to the same delta.
    #[error("the change does not round-trip: {0}")]
    RoundTrip(String),
    /// The library panicked on the change (a bug these checks keep away from the document).
    #[error("the library panicked {stage}: {message}")]
    Panicked {
        /// What was being done with the change.
        stage: &'static str,
        /// The panic's message.
        message: String,
    },
}

impl Refusal {
    /// The short reason the sender's connection is closed with (the panic message stays in
    /// the server's log).
    pub(crate) fn reason(&self) -> String {
        match self {
            Self::Decode(error) => format!("protocol error: the change does not decode: {error}"),
            Self::RoundTrip(_) => "protocol error: the change does not round-trip".to_string(),
            Self::Panicked { .. } => {
                "protocol error: the change breaks the document's encoding".to_string()
            }
        }
    }
}

/// How a delta is merged.
#[derive(Clone, Copy)]
enum Merge {
    /// [`Replica::apply`] (a `Changes`, or a delta another server stored).
    Apply,
    /// [`Replica::repair`] (a `Repair`: a whole state).
    Repair,
}

/// What is merged: a delta, or a whole replica (a snapshot another server stored).
enum Change<'a> {
    Delta(&'a Delta<Object>, Merge),
    /// [`Replica::apply_complete`] (a complete state sent to a replica below the sender's
    /// compaction point), stored as a snapshot.
    Complete(&'a Delta<Object>, &'a VersionVector),
    Snapshot(&'a Replica<Object>),
}

impl Change<'_> {
    fn merge_into(&self, replica: &mut Replica<Object>) -> Outcome {
        match self {
            Self::Delta(delta, Merge::Apply) => replica.apply(delta),
            Self::Delta(delta, Merge::Repair) => {
                replica.repair(delta);
                Outcome::Applied
            }
            Self::Complete(state, compacted) => replica.apply_complete(state, compacted),
            Self::Snapshot(other) => replica.merge(other),
        }
    }

    /// How what the next commit stores after it is checked.
    fn stored_as(&self) -> Merge {
        match self {
            Self::Delta(_, merge) => *merge,
            Self::Complete(..) => Merge::Repair,
            Self::Snapshot(_) => Merge::Apply,
        }
    }
}

/// A document's replica behind the checks above (see the module docs).
pub(crate) struct GuardedReplica {
    replica: Replica<Object>,
    /// A copy of `replica` in the same state, or `None` until the next change needs it.
    shadow: Option<Replica<Object>>,
    /// Why the last change was refused, until taken.
    refusal: Option<Refusal>,
    /// Set while `replica` itself is being changed: still set after a panic means the replica
    /// may be half changed.
    mutating: bool,
    /// Test-only: the next change of the replica panics midway.
    #[cfg(feature = "fault-injection")]
    panic_in_next_change: bool,
}

impl GuardedReplica {
    pub(crate) fn new(replica: Replica<Object>) -> Self {
        Self {
            replica,
            shadow: None,
            refusal: None,
            mutating: false,
            #[cfg(feature = "fault-injection")]
            panic_in_next_change: false,
        }
    }

    /// Test-only: makes the next change of the replica panic midway.
    #[cfg(feature = "fault-injection")]
    pub(crate) fn panic_in_next_change(&mut self) {
        self.panic_in_next_change = true;
    }

    /// Why the change of the last failed [`weft::sync::receive`] was refused, if the checks
    /// refused it (rather than the protocol).
    pub(crate) fn take_refusal(&mut self) -> Option<Refusal> {
        self.refusal.take()
    }

    /// Whether no panic interrupted a change of the replica (it is safe to keep using).
    pub(crate) fn is_intact(&self) -> bool {
        !self.mutating
    }

    /// What a [`SyncError`] from `receive` was, in the words of the sender's close reason:
    /// the refusal if the checks refused a change, else the protocol's error.
    pub(crate) fn explain(&mut self, error: &SyncError) -> (String, String) {
        match self.take_refusal() {
            Some(refusal) => (refusal.to_string(), refusal.reason()),
            None => (error.to_string(), format!("protocol error: {error}")),
        }
    }

    /// Merges a snapshot another server stored (its compaction), after the checks a
    /// client's change passes: it decodes, and merges into the shadow leaving an encoding
    /// that decodes.
    ///
    /// # Errors
    /// The [`Refusal`]; nothing changed then.
    pub(crate) fn merge_snapshot(&mut self, bytes: &[u8]) -> Result<Outcome, Refusal> {
        let other = catch(|| Replica::<Object>::load(bytes))
            .map_err(|message| Refusal::Panicked {
                stage: "decoding a stored snapshot",
                message,
            })?
            .map_err(Refusal::Decode)?;
        self.rehearse(&Change::Snapshot(&other))?;
        Ok(self.mutate(|replica| replica.merge(&other)))
    }

    /// Applies a delta another server stored, after the checks a client's change passes.
    ///
    /// # Errors
    /// The [`Refusal`]; nothing changed then.
    pub(crate) fn apply_stored(&mut self, bytes: &[u8]) -> Result<Outcome, Refusal> {
        let delta = round_trip(bytes, None)?;
        self.rehearse(&Change::Delta(&delta, Merge::Apply))?;
        Ok(self.mutate(|replica| replica.apply(&delta)))
    }

    /// Runs the checks on `bytes` and rehearses the merge on the shadow; the delta, or the
    /// error `receive` passes on (the refusal itself is kept for [`Self::take_refusal`]).
    fn admit(
        &mut self,
        bytes: &[u8],
        merge: Merge,
        base: Option<&VersionVector>,
    ) -> Result<Delta<Object>, DecodeError> {
        let checked = round_trip(bytes, base)
            .and_then(|delta| self.rehearse(&Change::Delta(&delta, merge)).map(|()| delta));
        checked.map_err(|refusal| self.refuse(refusal))
    }

    /// Keeps `refusal` for [`Self::take_refusal`]; the error `receive` passes on.
    fn refuse(&mut self, refusal: Refusal) -> DecodeError {
        let error = match &refusal {
            Refusal::Decode(error) => error.clone(),
            Refusal::RoundTrip(_) | Refusal::Panicked { .. } => DecodeError::Malformed {
                reason: "the change was refused by the server's checks",
                offset: 0,
            },
        };
        self.refusal = Some(refusal);
        error
    }

    /// Forgets removed entries whose removal is in `stable` (see [`Replica::compact`]);
    /// returns how many went.
    pub(crate) fn compact(&mut self, stable: &VersionVector) -> usize {
        // The shadow is made again from the replica when the next change needs it.
        self.shadow = None;
        self.mutate(|replica| replica.compact(stable))
    }

    /// Merges `change` into the shadow and encodes the result as the next commit would; a
    /// panic discards the shadow (it may be half changed) and refuses the change.
    fn rehearse(&mut self, change: &Change<'_>) -> Result<(), Refusal> {
        let shadow = self.shadow.get_or_insert_with(|| self.replica.clone());
        let before = shadow.version();
        let merge = change.stored_as();
        let merged = catch(|| {
            change.merge_into(shadow);
        });
        let result = merged
            .map_err(|message| Refusal::Panicked {
                stage: "applying the change",
                message,
            })
            .and_then(|()| {
                catch(|| stored_form_decodes(shadow, &before, merge))
                    .map_err(|message| Refusal::Panicked {
                        stage: "encoding the document after the change",
                        message,
                    })
                    .and_then(|decoded| decoded)
            });
        if result.is_err() {
            self.shadow = None;
        }
        result
    }

    /// Changes the replica itself (and the shadow alike), flagged so that a panic midway is
    /// seen by [`Self::is_intact`].
    fn mutate<T>(&mut self, change: impl Fn(&mut Replica<Object>) -> T) -> T {
        self.mutating = true;
        #[cfg(feature = "fault-injection")]
        if std::mem::take(&mut self.panic_in_next_change) {
            panic!("injected fault: a panic while changing the replica");
        }
        let result = change(&mut self.replica);
        self.mutating = false;
        result
    }
}

/// Decodes `bytes` (written against `base`, if given) and checks that the delta round-trips.
fn round_trip(bytes: &[u8], base: Option<&VersionVector>) -> Result<Delta<Object>, Refusal> {
    let panicked = |stage| move |message| Refusal::Panicked { stage, message };
    let delta = catch(|| match base {
        None => Delta::<Object>::from_bytes(bytes),
        Some(base) => Delta::<Object>::from_bytes_against(bytes, base),
    })
    .map_err(panicked("decoding the change"))?
    .map_err(Refusal::Decode)?;
    let encoded = catch(|| delta.to_bytes()).map_err(panicked("re-encoding the change"))?;
    let again = catch(|| Delta::<Object>::from_bytes(&encoded).map(|again| again.to_bytes()))
        .map_err(panicked("decoding the change's re-encoding"))?
        .map_err(|error| Refusal::RoundTrip(format!("its re-encoding does not decode: {error}")))?;
    if again != encoded {
        return Err(Refusal::RoundTrip(
            "its re-encoding encodes differently once decoded".to_string(),
        ));
    }
    // Alone in an empty replica (applied, or pending as it may be in the document's), it
    // must survive a snapshot: this is how a pending delta is stored. It costs the delta's
    // size, not the document's.
    catch(|| {
        let mut alone = Replica::<Object>::new(ReplicaId::random());
        alone.apply(&delta);
        Replica::<Object>::load(&alone.save()).map(|_| ())
    })
    .map_err(panicked("saving the change alone"))?
    .map_err(|error| Refusal::RoundTrip(format!("a snapshot holding it does not load: {error}")))?;
    Ok(delta)
}

/// Whether what the next commit would store of `replica` decodes: the delta since `before`
/// (appended to the log), or the whole snapshot after a repair.
fn stored_form_decodes(
    replica: &Replica<Object>,
    before: &VersionVector,
    merge: Merge,
) -> Result<(), Refusal> {
    let decoded = match merge {
        Merge::Apply => {
            Delta::<Object>::from_bytes(&replica.delta_since(before).to_bytes()).map(|_| ())
        }
        Merge::Repair => Replica::<Object>::load(&replica.save()).map(|_| ()),
    };
    decoded.map_err(|error| {
        Refusal::RoundTrip(format!(
            "the document's encoding after it does not decode: {error}"
        ))
    })
}

impl Replicated for GuardedReplica {
    fn replica_id(&self) -> ReplicaId {
        self.replica.id()
    }

    fn version(&self) -> VersionVector {
        self.replica.version()
    }

    fn digest(&self) -> Digest {
        self.replica.digest()
    }

    fn encoded_delta_since(&self, since: &VersionVector) -> Vec<u8> {
        self.replica.delta_since(since).to_bytes()
    }

    fn encoded_delta_against(&self, since: &VersionVector, base: &VersionVector) -> Vec<u8> {
        self.replica.delta_since(since).to_bytes_against(base)
    }

    fn apply_encoded(&mut self, bytes: &[u8]) -> Result<Outcome, DecodeError> {
        let delta = self.admit(bytes, Merge::Apply, None)?;
        Ok(self.mutate(|replica| replica.apply(&delta)))
    }

    fn apply_encoded_against(
        &mut self,
        bytes: &[u8],
        base: &VersionVector,
    ) -> Result<Outcome, DecodeError> {
        let delta = self.admit(bytes, Merge::Apply, Some(base))?;
        Ok(self.mutate(|replica| replica.apply(&delta)))
    }

    fn repair_encoded(&mut self, bytes: &[u8]) -> Result<(), DecodeError> {
        let delta = self.admit(bytes, Merge::Repair, None)?;
        self.mutate(|replica| replica.repair(&delta));
        Ok(())
    }

    fn compacted(&self) -> VersionVector {
        self.replica.compacted().clone()
    }

    fn apply_encoded_state(
        &mut self,
        bytes: &[u8],
        compacted: &VersionVector,
    ) -> Result<Outcome, DecodeError> {
        let checked = round_trip(bytes, None).and_then(|state| {
            self.rehearse(&Change::Complete(&state, compacted))
                .map(|()| state)
        });
        let state = checked.map_err(|refusal| self.refuse(refusal))?;
        Ok(self.mutate(|replica| replica.apply_complete(&state, compacted)))
    }

    fn pending_len(&self) -> usize {
        self.replica.pending_len()
    }

    fn note_peer_version(&mut self, version: &VersionVector) {
        if let Some(shadow) = &mut self.shadow {
            shadow.note_peer_version(version);
        }
        self.mutate(|replica| replica.note_peer_version(version));
    }

    fn pending_tops(&self) -> VersionVector {
        self.replica.pending_tops()
    }

    fn own_counter_floor(&self) -> u64 {
        self.replica.own_counter_floor()
    }

    fn save(&self) -> Vec<u8> {
        self.replica.save()
    }

    fn load(bytes: &[u8]) -> Result<Self, DecodeError> {
        Replica::load(bytes).map(Self::new)
    }
}

#[cfg(test)]
mod tests;
