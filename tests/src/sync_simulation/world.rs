//! A simulation in progress: the replicas with their logs and links, the network, and the
//! oracle; the actions of a run carried out on them, and the end check.

use super::*;

pub(super) struct Node<R> {
    pub(super) replica: R,
    log: Log<MemoryStorage>,
    /// `links[peer]`: the sync state towards `peer` (unused for itself).
    links: Vec<SyncState>,
    /// The sync states as last saved beside the log.
    saved: Vec<Vec<u8>>,
    /// Snapshots kept aside by [`Action::Backup`] (the latest few).
    backups: Vec<Vec<u8>>,
    /// After a restore from an older snapshot, the peers whose hello has not arrived yet: the
    /// replica makes no change until each peer has told it what it holds of the replica's own
    /// changes (an application restoring a backup does the same, or starts a new id).
    awaiting_hello: Vec<bool>,
}

struct Flight {
    from: usize,
    to: usize,
    bytes: Vec<u8>,
}

/// A simulation in progress.
pub(super) struct World<R> {
    pub(super) nodes: Vec<Node<R>>,
    network: Vec<Flight>,
    side: Vec<bool>,
    oracle: R,
    next_session: u32,
    options: Options,
    pub(super) stats: Stats,
    /// Per replica id, the highest counter any change under it was made with and still
    /// exists somewhere (held by a replica, or in flight): a new change under that id must
    /// come after it, or a dot is reused.
    made: std::collections::HashMap<ReplicaId, u64>,
}

impl<R: SimReplica> World<R> {
    pub(super) fn new(count: usize, options: Options) -> Result<Self, Failure> {
        let mut world = Self {
            nodes: Vec::new(),
            network: Vec::new(),
            side: vec![false; count],
            oracle: R::create(ReplicaId::from_u128(u128::MAX)),
            next_session: 0,
            options,
            stats: Stats::default(),
            made: std::collections::HashMap::new(),
        };
        for node in 0..count {
            let replica = R::create(id(node));
            let log = Log::create(MemoryStorage::new(), &replica).map_err(fail("create a log"))?;
            let links: Vec<SyncState> = (0..count).map(|_| world.fresh_state()).collect();
            let saved = links.iter().map(SyncState::save).collect();
            // The empty start: restoring it is losing one's storage altogether.
            let backups = vec![replica.save()];
            world.nodes.push(Node {
                replica,
                log,
                links,
                saved,
                backups,
                awaiting_hello: vec![false; count],
            });
        }
        for node in 0..count {
            world.pump(node);
        }
        Ok(world)
    }

    fn fresh_state(&mut self) -> SyncState {
        SyncState::with_config(config(), self.fresh_session())
    }

    /// A session no link has used: reconnects count up from it, so fresh sessions are
    /// spaced far apart (real states draw them at random).
    fn fresh_session(&mut self) -> u32 {
        self.next_session += 1 << 16;
        self.next_session
    }

    pub(super) fn act(&mut self, action: &Action) -> Result<(), Failure> {
        let count = self.nodes.len();
        match *action {
            Action::Change { node, seed } => {
                let node = usize::from(node) % count;
                self.change(node, seed)?;
            }
            Action::TornChange { node, seed, keep } => {
                let node = usize::from(node) % count;
                self.torn_change(node, seed, usize::from(keep))?;
            }
            Action::Deliver { pick, duplicate } => {
                let deliverable: Vec<usize> = (0..self.network.len())
                    .filter(|index| {
                        let flight = &self.network[*index];
                        self.side[flight.from] == self.side[flight.to]
                    })
                    .collect();
                if !deliverable.is_empty() {
                    let index = deliverable[usize::from(pick) % deliverable.len()];
                    let flight = if duplicate {
                        let original = &self.network[index];
                        Flight {
                            from: original.from,
                            to: original.to,
                            bytes: original.bytes.clone(),
                        }
                    } else {
                        self.network.swap_remove(index)
                    };
                    self.deliver(flight)?;
                }
            }
            Action::Lose { pick } => {
                if !self.network.is_empty() {
                    let index = usize::from(pick) % self.network.len();
                    self.network.swap_remove(index);
                }
            }
            Action::Timeout { node, peer } => {
                let (node, peer) = (usize::from(node) % count, usize::from(peer) % count);
                if node != peer {
                    self.nodes[node].links[peer].timeout();
                    self.pump(node);
                }
            }
            Action::Crash {
                node,
                resume,
                announce,
            } => {
                let node = usize::from(node) % count;
                self.restart(node, resume, announce)?;
            }
            Action::Reconnect { node, peer } => {
                let (node, peer) = (usize::from(node) % count, usize::from(peer) % count);
                if node != peer {
                    self.nodes[node].links[peer].reconnect();
                    self.nodes[peer].links[node].reconnect();
                    self.pump(node);
                    self.pump(peer);
                }
            }
            Action::Partition { mask } => {
                for (node, side) in self.side.iter_mut().enumerate() {
                    *side = mask & (1 << node) != 0;
                }
            }
            Action::Heal => self.side.iter_mut().for_each(|side| *side = false),
            Action::Compact { node } => {
                let node = usize::from(node) % count;
                let Node {
                    replica,
                    log,
                    links,
                    ..
                } = &mut self.nodes[node];
                let own = replica.version();
                let point = match self.options.compaction {
                    Compaction::Off => None,
                    Compaction::Stable => Some(SyncState::stable_version(
                        &own,
                        links
                            .iter()
                            .enumerate()
                            .filter(|(peer, _)| *peer != node)
                            .map(|(_, link)| link),
                    )),
                    Compaction::Early => Some(own),
                };
                if let Some(point) = point {
                    self.stats.compacted += replica.compact_to(&point);
                }
                log.compact(replica).map_err(fail("compact"))?;
            }
            Action::Backup { node } => {
                let state = &mut self.nodes[usize::from(node) % count];
                if state.backups.len() == 4 {
                    state.backups.remove(0);
                }
                state.backups.push(state.replica.save());
            }
            Action::RestoreOlder { node, pick } => {
                if self.options.older_snapshots {
                    self.restore_older(usize::from(node) % count, usize::from(pick))?;
                }
            }
            Action::Corrupt { node, victim } => {
                let (node, victim) = (usize::from(node) % count, usize::from(victim) % count);
                let counter = self.nodes[node].replica.version().get(id(victim)) + 1;
                let made = self.nodes[victim].replica.version().get(id(victim));
                if self.options.corruption && node != victim && counter <= made {
                    let Node { replica, log, .. } = &mut self.nodes[node];
                    if replica.corrupt(id(victim), counter) {
                        self.stats.corruptions += 1;
                        log.append(replica).map_err(fail("append"))?;
                        self.pump(node);
                    }
                }
            }
        }
        Ok(())
    }

    /// A local change, durably logged, then pushed.
    fn change(&mut self, node: usize, seed: u64) -> Result<(), Failure> {
        let state = &mut self.nodes[node];
        if state.awaiting_hello.iter().any(|waiting| *waiting) {
            return Ok(());
        }
        let before = state.replica.version();
        let author_before = state.replica.replica_id();
        state.replica.random_change(seed);
        let author = state.replica.replica_id();
        if author != author_before {
            self.stats.renewed_ids += 1;
        }
        let counter = state.replica.version().get(author);
        let made = self.made.entry(author).or_insert(0);
        if counter > before.get(author) && counter <= *made {
            return Err(Failure(format!(
                "replica {node} made a change under {author:?} at counter {counter}, which a \
                 change that still exists already has (up to {made})"
            )));
        }
        *made = (*made).max(counter);
        state.log.append(&state.replica).map_err(fail("append"))?;
        merge_into(&mut self.oracle, &state.replica)?;
        self.pump(node);
        Ok(())
    }

    /// A change whose log record is torn: the replica crashes before it is acknowledged.
    fn torn_change(&mut self, node: usize, seed: u64, keep: usize) -> Result<(), Failure> {
        let state = &mut self.nodes[node];
        let old = state.log.storage().bytes().to_vec();
        state.replica.random_change(seed);
        state.log.append(&state.replica).map_err(fail("append"))?;
        let storage = state.log.storage_mut();
        if storage.bytes().starts_with(&old) {
            let record = storage.bytes().len() - old.len();
            if record > 0 {
                storage
                    .truncate((old.len() + keep % record) as u64)
                    .map_err(fail("tear"))?;
            }
        } else if keep.is_multiple_of(2) {
            // The append wrote a snapshot instead (the replica's identity changed), which
            // replaces the log atomically: the crash comes before the replacement.
            storage.replace(&old).map_err(fail("tear"))?;
        }
        self.restart(node, true, true)
    }

    fn restart(&mut self, node: usize, resume: bool, announce: bool) -> Result<(), Failure> {
        self.stats.crashes += 1;
        let bytes = self.nodes[node].log.storage().bytes().to_vec();
        let opened = Log::open::<R>(MemoryStorage::from_bytes(bytes))
            .map_err(fail("reopen a log after a crash"))?;
        let count = self.nodes.len();
        let mut links = Vec::with_capacity(count);
        for peer in 0..count {
            let session = self.fresh_session();
            let saved = &self.nodes[node].saved[peer];
            let link = if resume {
                SyncState::resume_with_config(saved, config(), session)
                    .map_err(fail("resume a saved sync state"))?
            } else {
                SyncState::with_config(config(), session)
            };
            links.push(link);
        }
        let state = &mut self.nodes[node];
        state.replica = opened.replica;
        state.log = opened.log;
        state.links = links;
        if self.options.older_snapshots {
            // Pending deltas are not logged: a restart may drop some the oracle counted, and
            // with them the last trace of changes whose author restored an older snapshot.
            self.rebuild_oracle()?;
        }
        if announce {
            for peer in (0..count).filter(|peer| *peer != node) {
                self.nodes[peer].links[node].reconnect();
                self.pump(peer);
            }
        }
        self.pump(node);
        Ok(())
    }

    fn deliver(&mut self, flight: Flight) -> Result<(), Failure> {
        let message = Message::from_bytes(&flight.bytes).map_err(fail("decode a message"))?;
        let state = &mut self.nodes[flight.to];
        if matches!(message, Message::Hello(_)) {
            state.awaiting_hello[flight.from] = false;
        }
        let link = &mut state.links[flight.from];
        let received = receive(link, &mut state.replica, message)
            .map_err(|error| Failure(format!("a message was refused: {error}")))?;
        if received.repaired {
            state.log.compact(&state.replica).map_err(fail("compact"))?;
        } else if received.changed {
            state.log.append(&state.replica).map_err(fail("append"))?;
        }
        state.saved[flight.from] = state.links[flight.from].save();
        self.pump(flight.to);
        Ok(())
    }

    /// `node` restarts from its backup `pick` (if it has any): its connections drop with
    /// whatever was in flight on them, its log starts over from the snapshot, its peers
    /// reconnect, and it makes no change until every peer's hello has arrived.
    fn restore_older(&mut self, node: usize, pick: usize) -> Result<(), Failure> {
        let Some(snapshot) = self.nodes[node]
            .backups
            .get(pick % self.nodes[node].backups.len().max(1))
            .cloned()
        else {
            return Ok(());
        };
        self.stats.restores += 1;
        let replica = R::load(&snapshot).map_err(fail("load a backup"))?;
        let log = Log::create(MemoryStorage::new(), &replica).map_err(fail("create a log"))?;
        self.network
            .retain(|flight| flight.from != node && flight.to != node);
        let count = self.nodes.len();
        let links: Vec<SyncState> = (0..count).map(|_| self.fresh_state()).collect();
        let state = &mut self.nodes[node];
        state.saved = links.iter().map(SyncState::save).collect();
        state.links = links;
        state.replica = replica;
        state.log = log;
        state.awaiting_hello = (0..count).map(|peer| peer != node).collect();
        self.rebuild_oracle()?;
        for peer in (0..count).filter(|peer| *peer != node) {
            self.nodes[peer].links[node].reconnect();
            self.pump(peer);
        }
        self.pump(node);
        Ok(())
    }

    /// The oracle becomes the merge of everything the replicas hold, pending deltas included;
    /// changes that existed only in a lost state (or in flight from it) are gone, and their
    /// dots may be used again (nothing anywhere refers to them).
    fn rebuild_oracle(&mut self) -> Result<(), Failure> {
        for (author, made) in &mut self.made {
            *made = self
                .nodes
                .iter()
                .map(|state| {
                    let applied = state.replica.version().get(*author);
                    applied.max(state.replica.pending_tops().get(*author))
                })
                .max()
                .unwrap_or(0);
        }
        let mut oracle = R::create(ReplicaId::from_u128(u128::MAX));
        for state in &self.nodes {
            merge_into(&mut oracle, &state.replica)?;
        }
        for state in &self.nodes {
            for delta in state.replica.pending_deltas() {
                oracle
                    .apply_encoded(&delta)
                    .map_err(fail("the oracle merges a pending delta"))?;
            }
        }
        self.oracle = oracle;
        Ok(())
    }

    /// Sends everything `node` has to say to every peer.
    fn pump(&mut self, node: usize) {
        let state = &mut self.nodes[node];
        if self.options.compaction == Compaction::Stable {
            let peers = state
                .links
                .iter()
                .enumerate()
                .filter(|(peer, _)| *peer != node)
                .map(|(_, link)| link);
            let view = SyncState::view(&state.replica.version(), peers);
            for link in &mut state.links {
                link.announce_view(view.clone());
            }
        }
        for peer in (0..state.links.len()).filter(|peer| *peer != node) {
            while let Some(message) = generate(&mut state.links[peer], &state.replica) {
                let bytes = message.to_bytes();
                self.stats.messages += 1;
                self.stats.bytes += bytes.len();
                self.network.push(Flight {
                    from: node,
                    to: peer,
                    bytes,
                });
            }
        }
    }

    /// Heals the network and delivers everything, firing every timer whenever it goes
    /// quiet, until nothing is left to say; then every link resyncs once (periodic
    /// anti-entropy, which compares digests again) and the same runs to silence.
    pub(super) fn quiesce(&mut self) -> Result<(), Failure> {
        self.side.iter_mut().for_each(|side| *side = false);
        let start = self.stats.messages;
        self.settle(start)?;
        if self.options.compaction != Compaction::Off {
            // Quiet: whatever every replica holds is stable now, and each compacts it away.
            for node in 0..self.nodes.len() {
                self.act(&Action::Compact { node: node as u8 })?;
            }
            self.settle(start)?;
        }
        for node in 0..self.nodes.len() {
            self.nodes[node]
                .links
                .iter_mut()
                .for_each(SyncState::resync);
            self.pump(node);
        }
        self.settle(start)?;
        self.stats.quiescence_messages = self.stats.messages - start;
        Ok(())
    }

    fn settle(&mut self, start: usize) -> Result<(), Failure> {
        let mut random = SplitMix64::new(self.stats.messages as u64);
        for _round in 0..10 {
            while !self.network.is_empty() {
                let index = random.index(self.network.len());
                let flight = self.network.swap_remove(index);
                self.deliver(flight)?;
                if self.stats.messages - start > QUIESCENCE_MESSAGES {
                    return Err(Failure(format!(
                        "the protocol loops: {QUIESCENCE_MESSAGES} messages after healing"
                    )));
                }
            }
            if self.idle() {
                return Ok(());
            }
            for node in 0..self.nodes.len() {
                for link in &mut self.nodes[node].links {
                    link.timeout();
                }
                self.pump(node);
            }
        }
        let stuck: Vec<String> = self
            .nodes
            .iter()
            .enumerate()
            .flat_map(|(node, state)| {
                state
                    .links
                    .iter()
                    .enumerate()
                    .filter(move |(peer, link)| *peer != node && !link.is_idle(&state.replica))
                    .map(move |(peer, link)| {
                        format!(
                            "{node}→{peer}: {link:?} version {:?}",
                            state.replica.version()
                        )
                    })
            })
            .collect();
        Err(Failure(format!(
            "not idle after 10 rounds of timeouts: {}",
            stuck.join("; ")
        )))
    }

    fn idle(&self) -> bool {
        self.nodes.iter().enumerate().all(|(node, state)| {
            state
                .links
                .iter()
                .enumerate()
                .all(|(peer, link)| peer == node || link.is_idle(&state.replica))
        })
    }

    pub(super) fn check(&self) -> Result<(), Failure> {
        let expected = if self.options.corruption {
            let first = &self.nodes[0].replica;
            (first.version(), first.digest())
        } else {
            (self.oracle.version(), self.oracle.digest())
        };
        for (node, state) in self.nodes.iter().enumerate() {
            let found = (state.replica.version(), state.replica.digest());
            if found != expected {
                let against = if self.options.corruption {
                    "replica 0"
                } else {
                    "the oracle"
                };
                return Err(Failure(format!(
                    "replica {node} differs from {against}: {found:?} instead of {expected:?}"
                )));
            }
            if state.replica.pending_len() != 0 && !self.options.older_snapshots {
                return Err(Failure(format!("replica {node} still has pending deltas")));
            }
            let reopened = Log::open::<R>(MemoryStorage::from_bytes(
                state.log.storage().bytes().to_vec(),
            ))
            .map_err(fail("reopen a log at the end"))?;
            let holds = self.options.corruption || reopened.replica.digest() == expected.1;
            if !holds || reopened.dropped_bytes != 0 {
                return Err(Failure(format!(
                    "replica {node}'s log does not hold its state"
                )));
            }
        }
        Ok(())
    }
}

fn config() -> SyncConfig {
    // Small frames, so that chunking takes part.
    SyncConfig::default().with_max_frame_size(512)
}
