//! `Log`: a replica stored as a snapshot followed by deltas.

use weft_core::{ReplicaId, Replicated, VersionVector};

use crate::persistence::error::LogError;
use crate::persistence::record::{self, HEADER, Kind, Read};
use crate::persistence::storage::Storage;

/// A replica's persistence log: the last snapshot, then every delta appended since, each
/// record checksummed. [`Log::append`] stores what changed since the last append;
/// [`Log::compact`] replaces everything by one snapshot, atomically.
///
/// Append after every change you want to survive a crash (local changes before sending them,
/// received changes before acknowledging them): what [`Log::append`] returned `Ok` for is
/// restored by [`Log::open`] whatever happens to the bytes written after it.
///
/// ```
/// use weft_core::{AddWinsSet, Replica, ReplicaId};
/// use weft_sync::{Log, MemoryStorage};
/// let mut set = Replica::<AddWinsSet<u8>>::new(ReplicaId::from_u128(1));
/// let mut log = Log::create(MemoryStorage::new(), &set)?;
/// set.update(|s| s.insert(1));
/// assert!(log.append(&set)?);
/// assert!(!log.append(&set)?); // nothing new
/// log.compact(&set)?;
/// let opened = Log::open::<Replica<AddWinsSet<u8>>>(log.into_storage())?;
/// assert!(opened.replica.contains(&1));
/// # Ok::<(), weft_sync::LogError>(())
/// ```
#[derive(Debug)]
pub struct Log<S> {
    storage: S,
    /// Bytes known to be intact at the start of the storage.
    length: u64,
    /// A failed append may have left part of a record after `length`.
    dirty: bool,
    /// The version the log's records cover.
    logged: VersionVector,
    snapshot_bytes: u64,
    delta_bytes: u64,
    /// The replica id and own counter floor that a replica opened from the log would have:
    /// when the replica's differ (it renewed its id, or learnt that counters of its own id
    /// are taken), the next append writes a snapshot, so a restart never reuses a counter.
    stored_identity: (ReplicaId, u64),
}

/// A log opened by [`Log::open`], with the replica it restored.
///
/// ```
/// use weft_core::{GCounter, Replica, ReplicaId};
/// use weft_sync::{Log, MemoryStorage};
/// let counter = Replica::<GCounter>::new(ReplicaId::from_u128(1));
/// let log = Log::create(MemoryStorage::new(), &counter)?;
/// let opened = Log::open::<Replica<GCounter>>(log.into_storage())?;
/// assert_eq!((opened.replayed_deltas, opened.dropped_bytes), (0, 0));
/// # Ok::<(), weft_sync::LogError>(())
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct Opened<S, R> {
    /// The log, ready for appends.
    pub log: Log<S>,
    /// The replica: the last snapshot with every intact delta after it applied.
    pub replica: R,
    /// How many deltas were applied after the snapshot.
    pub replayed_deltas: usize,
    /// How many bytes of a torn or corrupted tail were dropped (0 after a clean shutdown).
    pub dropped_bytes: u64,
}

impl<S: Storage> Log<S> {
    /// Starts a log holding a snapshot of `replica`, replacing whatever `storage` held.
    ///
    /// # Errors
    /// [`LogError::Io`] if the storage fails, [`LogError::RecordTooLarge`] for a snapshot of
    /// 4 GiB or more.
    ///
    /// ```
    /// use weft_core::{GCounter, Replica, ReplicaId};
    /// use weft_sync::{Log, MemoryStorage};
    /// let log = Log::create(MemoryStorage::new(), &Replica::<GCounter>::new(ReplicaId::random()))?;
    /// assert!(log.len() > 0);
    /// # Ok::<(), weft_sync::LogError>(())
    /// ```
    pub fn create<R: Replicated>(storage: S, replica: &R) -> Result<Self, LogError> {
        let mut log = Self {
            storage,
            length: 0,
            dirty: false,
            logged: VersionVector::new(),
            snapshot_bytes: 0,
            delta_bytes: 0,
            stored_identity: identity(replica),
        };
        log.compact(replica)?;
        Ok(log)
    }

    /// Restores the replica from the log: loads the last intact snapshot and applies the
    /// intact deltas after it. A torn or corrupted tail (a record whose bytes end early or
    /// whose checksum fails, and everything after it) is cut off the storage.
    ///
    /// # Errors
    /// [`LogError::Empty`] if the storage holds no log, [`LogError::NotALog`] or
    /// [`LogError::UnsupportedVersion`] for a foreign header, [`LogError::MissingSnapshot`]
    /// if the first record is damaged, [`LogError::Record`] if an intact record does not
    /// decode as `R`, [`LogError::Io`] if the storage fails.
    ///
    /// ```
    /// use weft_core::{GCounter, Replica};
    /// use weft_sync::{Log, LogError, MemoryStorage};
    /// let foreign = MemoryStorage::from_bytes(b"PK\x03\x04".to_vec());
    /// assert!(matches!(Log::open::<Replica<GCounter>>(foreign), Err(LogError::NotALog)));
    /// ```
    pub fn open<R: Replicated>(mut storage: S) -> Result<Opened<S, R>, LogError> {
        let bytes = storage.read_all()?;
        check_header(&bytes)?;
        let mut records = Vec::new();
        let mut offset = HEADER.len();
        while let Read::Record { kind, body, next } = record::read(&bytes, offset) {
            records.push((kind, body, offset));
            offset = next;
        }
        let start = records
            .iter()
            .rposition(|(kind, _, _)| *kind == Kind::Snapshot)
            .ok_or(LogError::MissingSnapshot)?;
        let (_, snapshot, snapshot_offset) = records[start];
        let mut replica = R::load(snapshot).map_err(|source| LogError::Record {
            offset: snapshot_offset as u64,
            source,
        })?;
        let mut delta_bytes = 0;
        for (kind, body, record_offset) in &records[start + 1..] {
            if *kind == Kind::Delta {
                replica
                    .apply_encoded(body)
                    .map_err(|source| LogError::Record {
                        offset: *record_offset as u64,
                        source,
                    })?;
                delta_bytes += (body.len() + record::OVERHEAD) as u64;
            }
        }
        let dropped_bytes = (bytes.len() - offset) as u64;
        if dropped_bytes > 0 {
            storage.truncate(offset as u64)?;
        }
        let log = Self {
            storage,
            length: offset as u64,
            dirty: false,
            logged: replica.version(),
            snapshot_bytes: (snapshot.len() + record::OVERHEAD) as u64,
            delta_bytes,
            stored_identity: identity(&replica),
        };
        Ok(Opened {
            log,
            replayed_deltas: records.len() - start - 1,
            replica,
            dropped_bytes,
        })
    }

    /// [`Log::open`], or [`Log::create`] with `make()` if the storage holds no log yet.
    ///
    /// Never answer a damaged log by creating a new one under the same replica id: the new
    /// replica would reuse counters of changes that already left. Give it a new id.
    ///
    /// # Errors
    /// As [`Log::open`], except [`LogError::Empty`].
    ///
    /// ```
    /// use weft_core::{GCounter, Replica, ReplicaId};
    /// use weft_sync::{Log, MemoryStorage};
    /// let opened = Log::open_or_create(MemoryStorage::new(), || {
    ///     Replica::<GCounter>::new(ReplicaId::from_u128(1))
    /// })?;
    /// assert_eq!(opened.replica.value(), 0);
    /// # Ok::<(), weft_sync::LogError>(())
    /// ```
    pub fn open_or_create<R: Replicated>(
        storage: S,
        make: impl FnOnce() -> R,
    ) -> Result<Opened<S, R>, LogError> {
        let mut storage = storage;
        let bytes = storage.read_all()?;
        if check_header(&bytes).is_err_and(|error| matches!(error, LogError::Empty)) {
            let replica = make();
            let log = Self::create(storage, &replica)?;
            return Ok(Opened {
                log,
                replica,
                replayed_deltas: 0,
                dropped_bytes: 0,
            });
        }
        Self::open(storage)
    }

    /// Appends what `replica` holds beyond what the log covers, as one delta record; returns
    /// whether anything was appended. The record is durable when this returns `Ok`.
    ///
    /// Changes that do not advance the version (a divergence repair) are not deltas: store
    /// them with [`Log::compact`]. When the replica's identity changed (it continues under a
    /// fresh id, or learnt that counters of its own id are taken: it was restored from an
    /// older snapshot), this writes a snapshot instead, so a restart from the log never
    /// reuses a counter.
    ///
    /// # Errors
    /// [`LogError::Io`] if the storage fails (the log cuts off what was partly written before
    /// its next append), [`LogError::RecordTooLarge`].
    ///
    /// ```
    /// use weft_core::{GCounter, Replica, ReplicaId};
    /// use weft_sync::{Log, MemoryStorage};
    /// let mut counter = Replica::<GCounter>::new(ReplicaId::from_u128(1));
    /// let mut log = Log::create(MemoryStorage::new(), &counter)?;
    /// counter.update(|c| c.increment(1));
    /// assert!(log.append(&counter)?);
    /// # Ok::<(), weft_sync::LogError>(())
    /// ```
    pub fn append<R: Replicated>(&mut self, replica: &R) -> Result<bool, LogError> {
        if self.identity_changed(replica) {
            self.compact(replica)?;
            return Ok(true);
        }
        let version = replica.version();
        if version <= self.logged {
            return Ok(false);
        }
        let body = replica.encoded_delta_since(&self.logged);
        let bytes = record::encode(Kind::Delta, &body)
            .ok_or(LogError::RecordTooLarge { length: body.len() })?;
        if self.dirty {
            self.storage.truncate(self.length)?;
            self.dirty = false;
        }
        if let Err(error) = self.storage.append(&bytes) {
            self.dirty = true;
            return Err(error.into());
        }
        self.length += bytes.len() as u64;
        self.delta_bytes += bytes.len() as u64;
        self.logged.join(&version);
        Ok(true)
    }

    /// Replaces the whole log by one snapshot of `replica`, atomically (through
    /// [`Storage::replace`]).
    ///
    /// # Errors
    /// [`LogError::Io`] if the storage fails (the old log is intact then),
    /// [`LogError::RecordTooLarge`].
    ///
    /// ```
    /// use weft_core::{GCounter, Replica, ReplicaId};
    /// use weft_sync::{Log, MemoryStorage};
    /// let mut counter = Replica::<GCounter>::new(ReplicaId::from_u128(1));
    /// let mut log = Log::create(MemoryStorage::new(), &counter)?;
    /// for _ in 0..100 {
    ///     counter.update(|c| c.increment(1));
    ///     log.append(&counter)?;
    /// }
    /// let before = log.len();
    /// log.compact(&counter)?;
    /// assert!(log.len() < before);
    /// # Ok::<(), weft_sync::LogError>(())
    /// ```
    pub fn compact<R: Replicated>(&mut self, replica: &R) -> Result<(), LogError> {
        let snapshot = replica.save();
        let record = record::encode(Kind::Snapshot, &snapshot).ok_or(LogError::RecordTooLarge {
            length: snapshot.len(),
        })?;
        let mut bytes = Vec::with_capacity(HEADER.len() + record.len());
        bytes.extend_from_slice(&HEADER);
        bytes.extend_from_slice(&record);
        self.storage.replace(&bytes)?;
        self.length = bytes.len() as u64;
        self.dirty = false;
        self.logged = replica.version();
        self.snapshot_bytes = record.len() as u64;
        self.delta_bytes = 0;
        self.stored_identity = identity(replica);
        Ok(())
    }

    /// Whether the replica's id, or a floor above its own changes, is not what the log says.
    fn identity_changed<R: Replicated>(&self, replica: &R) -> bool {
        let (id, floor) = identity(replica);
        let (stored_id, stored_floor) = self.stored_identity;
        id != stored_id || (floor > stored_floor && floor > replica.version().get(id))
    }

    /// Whether compacting would pay: the deltas since the snapshot take more bytes than the
    /// snapshot (and more than 4 KiB).
    ///
    /// ```
    /// use weft_core::{GCounter, Replica, ReplicaId};
    /// use weft_sync::{Log, MemoryStorage};
    /// let log = Log::create(MemoryStorage::new(), &Replica::<GCounter>::new(ReplicaId::random()))?;
    /// assert!(!log.should_compact());
    /// # Ok::<(), weft_sync::LogError>(())
    /// ```
    #[must_use]
    pub fn should_compact(&self) -> bool {
        self.delta_bytes > self.snapshot_bytes.max(4096)
    }

    /// The bytes the log takes.
    ///
    /// ```
    /// # use weft_core::{GCounter, Replica, ReplicaId};
    /// # use weft_sync::{Log, MemoryStorage};
    /// let log = Log::create(MemoryStorage::new(), &Replica::<GCounter>::new(ReplicaId::random()))?;
    /// assert_eq!(log.len() as usize, log.storage().bytes().len());
    /// # Ok::<(), weft_sync::LogError>(())
    /// ```
    #[must_use]
    pub fn len(&self) -> u64 {
        self.length
    }

    /// Whether the log holds nothing (never true: a log starts with a snapshot).
    ///
    /// ```
    /// # use weft_core::{GCounter, Replica, ReplicaId};
    /// # use weft_sync::{Log, MemoryStorage};
    /// let log = Log::create(MemoryStorage::new(), &Replica::<GCounter>::new(ReplicaId::random()))?;
    /// assert!(!log.is_empty());
    /// # Ok::<(), weft_sync::LogError>(())
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// The version the log's records cover.
    ///
    /// ```
    /// # use weft_core::{GCounter, Replica, ReplicaId};
    /// # use weft_sync::{Log, MemoryStorage};
    /// let log = Log::create(MemoryStorage::new(), &Replica::<GCounter>::new(ReplicaId::random()))?;
    /// assert!(log.version().is_empty());
    /// # Ok::<(), weft_sync::LogError>(())
    /// ```
    #[must_use]
    pub fn version(&self) -> &VersionVector {
        &self.logged
    }

    /// The storage.
    ///
    /// ```
    /// # use weft_core::{GCounter, Replica, ReplicaId};
    /// # use weft_sync::{Log, MemoryStorage};
    /// let log = Log::create(MemoryStorage::new(), &Replica::<GCounter>::new(ReplicaId::random()))?;
    /// assert!(log.storage().bytes().starts_with(b"WFLG"));
    /// # Ok::<(), weft_sync::LogError>(())
    /// ```
    #[must_use]
    pub fn storage(&self) -> &S {
        &self.storage
    }

    /// The storage, mutably (tests use it to simulate failures).
    ///
    /// ```
    /// # use weft_core::{GCounter, Replica, ReplicaId};
    /// # use weft_sync::{Log, MemoryStorage};
    /// let mut log = Log::create(MemoryStorage::new(), &Replica::<GCounter>::new(ReplicaId::random()))?;
    /// let _storage: &mut MemoryStorage = log.storage_mut();
    /// # Ok::<(), weft_sync::LogError>(())
    /// ```
    pub fn storage_mut(&mut self) -> &mut S {
        &mut self.storage
    }

    /// The storage, giving up the log.
    ///
    /// ```
    /// # use weft_core::{GCounter, Replica, ReplicaId};
    /// # use weft_sync::{Log, MemoryStorage};
    /// let log = Log::create(MemoryStorage::new(), &Replica::<GCounter>::new(ReplicaId::random()))?;
    /// let bytes = log.into_storage().into_bytes();
    /// assert!(bytes.len() > 5);
    /// # Ok::<(), weft_sync::LogError>(())
    /// ```
    pub fn into_storage(self) -> S {
        self.storage
    }
}

/// Checks the header at the start of `bytes`.
/// The replica's id and own counter floor.
fn identity<R: Replicated>(replica: &R) -> (ReplicaId, u64) {
    (replica.replica_id(), replica.own_counter_floor())
}

fn check_header(bytes: &[u8]) -> Result<(), LogError> {
    let magic = &HEADER[..4];
    if bytes.len() < HEADER.len() {
        return if magic.starts_with(&bytes[..bytes.len().min(magic.len())]) {
            Err(LogError::Empty)
        } else {
            Err(LogError::NotALog)
        };
    }
    if &bytes[..4] != magic {
        return Err(LogError::NotALog);
    }
    if bytes[4] == 0 || bytes[4] > record::FORMAT_VERSION {
        return Err(LogError::UnsupportedVersion {
            found: bytes[4],
            supported: record::FORMAT_VERSION,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
