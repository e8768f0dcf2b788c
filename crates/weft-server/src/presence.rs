//! The presence table of one document: who is present (user name, colour, cursor as JSON
//! text, per client id), owned by which session of this server or by which other server,
//! and when each entry was last refreshed. Sans IO: the document's task feeds it what its
//! sessions and the bus bring, and relays what it returns.
//!
//! The rules (`docs/SYNC.md`, "Presence through the server"):
//! - the newest clock per client wins, as in [`Presence::apply`](weft::sync::presence::Presence::apply);
//!   an entry at the same clock from its owner is a refresh;
//! - a client id belongs to the session (or server) that first published it, until that one
//!   removes it, leaves or goes silent for the timeout: entries about it from anyone else
//!   are dropped, so nobody moves someone else's cursor;
//! - a session owns at most [`PresenceSettings::clients_per_session`] client ids;
//! - a session is sent presence only once it sent a presence message itself (it
//!   subscribed): older clients, which do not know the presence tag, never get one.
//!
//! Removed entries are forgotten at once, so the table holds only present clients.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use tokio::time::Instant;
use weft::ReplicaId;
use weft::sync::presence::Entry;

use crate::bus::Origin;
use crate::channel::SessionId;

/// The bounds of a document's presence table.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PresenceSettings {
    /// Client ids one session may own at once (`Limits::presence_clients_per_session`).
    pub(crate) clients_per_session: usize,
    /// How long an entry lives without a refresh (`Limits::presence_timeout_ms`).
    pub(crate) timeout: Duration,
}

/// Who published a client's entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Owner {
    /// A session of this server.
    Session(SessionId),
    /// Another server, through the bus.
    Server(Origin),
}

/// A present client.
#[derive(Debug)]
struct Present {
    clock: u64,
    state: String,
    owner: Owner,
    last_seen: Instant,
}

/// The present clients of one document and the sessions subscribed to their presence.
#[derive(Debug)]
pub(crate) struct PresenceTable {
    settings: PresenceSettings,
    clients: BTreeMap<ReplicaId, Present>,
    /// How many client ids each session owns (no entry: none).
    owned: HashMap<SessionId, usize>,
    /// The sessions that sent a presence message: only they are sent presence.
    subscribed: HashSet<SessionId>,
}

/// A removal of `client` that replaces the entry at `clock`.
fn removal(client: ReplicaId, clock: u64) -> Entry {
    Entry {
        client,
        clock: clock.saturating_add(1),
        state: None,
    }
}

impl PresenceTable {
    /// An empty table.
    pub(crate) fn new(settings: PresenceSettings) -> Self {
        Self {
            settings,
            clients: BTreeMap::new(),
            owned: HashMap::new(),
            subscribed: HashSet::new(),
        }
    }

    /// Subscribes `session` to presence; true if it was not subscribed yet (it is then due
    /// the [`snapshot`](Self::snapshot)).
    pub(crate) fn subscribe(&mut self, session: SessionId) -> bool {
        self.subscribed.insert(session)
    }

    /// The sessions subscribed to presence.
    pub(crate) fn subscribers(&self) -> impl Iterator<Item = SessionId> + '_ {
        self.subscribed.iter().copied()
    }

    /// Takes the entries a session sent at `now`; returns those accepted, to relay (an
    /// update, a refresh at the same clock, or a removal).
    pub(crate) fn take_from_session(
        &mut self,
        session: SessionId,
        entries: Vec<Entry>,
        now: Instant,
    ) -> Vec<Entry> {
        let limit = Some(self.settings.clients_per_session);
        self.take(Owner::Session(session), entries, now, limit)
    }

    /// Takes the entries another server accepted from its own sessions; returns those that
    /// change or refresh this table, to relay. The other server bounds its sessions already.
    pub(crate) fn take_from_server(
        &mut self,
        origin: Origin,
        entries: Vec<Entry>,
        now: Instant,
    ) -> Vec<Entry> {
        self.take(Owner::Server(origin), entries, now, None)
    }

    fn take(
        &mut self,
        owner: Owner,
        entries: Vec<Entry>,
        now: Instant,
        limit: Option<usize>,
    ) -> Vec<Entry> {
        let mut accepted = Vec::new();
        for entry in entries {
            let client = entry.client;
            match self.clients.get_mut(&client) {
                // Someone else's client: not this owner's to change.
                Some(present) if present.owner != owner => {}
                Some(present) if entry.clock < present.clock => {}
                Some(present) if entry.clock == present.clock => {
                    present.last_seen = now;
                    accepted.push(Entry {
                        client,
                        clock: present.clock,
                        state: Some(present.state.clone()),
                    });
                }
                Some(present) => match entry.state {
                    Some(state) => {
                        present.clock = entry.clock;
                        present.state = state.clone();
                        present.last_seen = now;
                        accepted.push(Entry {
                            client,
                            clock: entry.clock,
                            state: Some(state),
                        });
                    }
                    None => {
                        self.forget(client);
                        accepted.push(entry);
                    }
                },
                // Removing a client that is not present changes nothing.
                None if entry.state.is_none() => {}
                None => {
                    if let (Owner::Session(session), Some(limit)) = (owner, limit)
                        && self.owned.get(&session).copied().unwrap_or(0) >= limit
                    {
                        continue;
                    }
                    if let Owner::Session(session) = owner {
                        *self.owned.entry(session).or_insert(0) += 1;
                    }
                    let state = entry.state.clone().unwrap_or_default();
                    self.clients.insert(
                        client,
                        Present {
                            clock: entry.clock,
                            state,
                            owner,
                            last_seen: now,
                        },
                    );
                    accepted.push(entry);
                }
            }
        }
        accepted
    }

    /// Drops `client` from the table and from its session's count.
    fn forget(&mut self, client: ReplicaId) -> Option<Present> {
        let present = self.clients.remove(&client)?;
        if let Owner::Session(session) = present.owner
            && let Some(count) = self.owned.get_mut(&session)
        {
            *count = count.saturating_sub(1);
            if *count == 0 {
                self.owned.remove(&session);
            }
        }
        Some(present)
    }

    /// `session` left: unsubscribes it and removes its clients; returns their removals.
    pub(crate) fn leave(&mut self, session: SessionId) -> Vec<Entry> {
        self.subscribed.remove(&session);
        if !self.owned.contains_key(&session) {
            return Vec::new();
        }
        let owner = Owner::Session(session);
        let clients: Vec<ReplicaId> = self
            .clients
            .iter()
            .filter(|(_, present)| present.owner == owner)
            .map(|(client, _)| *client)
            .collect();
        clients
            .into_iter()
            .filter_map(|client| {
                self.forget(client)
                    .map(|present| removal(client, present.clock))
            })
            .collect()
    }

    /// Whether an entry last seen at `last_seen` has timed out at `now`.
    fn is_expired(&self, last_seen: Instant, now: Instant) -> bool {
        now.saturating_duration_since(last_seen) >= self.settings.timeout
    }

    /// Drops the entries not refreshed for the timeout; returns their removals, each with
    /// whether this server's session owned it.
    pub(crate) fn expire(&mut self, now: Instant) -> Vec<(Entry, bool)> {
        let expired: Vec<ReplicaId> = self
            .clients
            .iter()
            .filter(|(_, present)| self.is_expired(present.last_seen, now))
            .map(|(client, _)| *client)
            .collect();
        expired
            .into_iter()
            .filter_map(|client| {
                self.forget(client).map(|present| {
                    let local = matches!(present.owner, Owner::Session(_));
                    (removal(client, present.clock), local)
                })
            })
            .collect()
    }

    /// When the next entry times out, if any is present.
    pub(crate) fn next_expiry(&self) -> Option<Instant> {
        self.clients
            .values()
            .map(|present| present.last_seen + self.settings.timeout)
            .min()
    }

    /// The present clients `session` does not own and that have not timed out at `now`:
    /// what a session that just subscribed is sent.
    pub(crate) fn snapshot(&self, session: SessionId, now: Instant) -> Vec<Entry> {
        self.clients
            .iter()
            .filter(|(_, present)| {
                present.owner != Owner::Session(session) && !self.is_expired(present.last_seen, now)
            })
            .map(|(client, present)| Entry {
                client: *client,
                clock: present.clock,
                state: Some(present.state.clone()),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> PresenceTable {
        PresenceTable::new(PresenceSettings {
            clients_per_session: 2,
            timeout: Duration::from_secs(30),
        })
    }

    fn entry(client: u128, clock: u64, state: Option<&str>) -> Entry {
        Entry {
            client: ReplicaId::from_u128(client),
            clock,
            state: state.map(str::to_owned),
        }
    }

    #[test]
    fn the_newest_clock_wins_and_a_refresh_is_relayed() {
        let mut table = table();
        let now = Instant::now();
        let first = vec![entry(1, 2, Some("a"))];
        assert_eq!(table.take_from_session(7, first.clone(), now), first);
        assert!(
            table
                .take_from_session(7, vec![entry(1, 1, Some("old"))], now)
                .is_empty()
        );
        assert_eq!(
            table.take_from_session(7, vec![entry(1, 2, Some("same clock"))], now),
            first,
            "a refresh relays what the table holds"
        );
        let removed = vec![entry(1, 3, None)];
        assert_eq!(table.take_from_session(7, removed.clone(), now), removed);
        assert!(table.snapshot(8, now).is_empty());
        assert!(table.next_expiry().is_none());
    }

    #[test]
    fn a_session_owns_a_bounded_number_of_its_own_clients() {
        let mut table = table();
        let now = Instant::now();
        let claimed = vec![
            entry(1, 1, Some("a")),
            entry(2, 1, Some("b")),
            entry(3, 1, Some("c")),
        ];
        assert_eq!(table.take_from_session(7, claimed, now).len(), 2);
        assert!(
            table
                .take_from_session(8, vec![entry(1, 9, Some("spoofed"))], now)
                .is_empty()
        );
        assert!(
            table
                .take_from_server(Origin::random(), vec![entry(2, 9, None)], now)
                .is_empty()
        );
        assert_eq!(
            table.snapshot(8, now),
            vec![entry(1, 1, Some("a")), entry(2, 1, Some("b"))]
        );
        assert!(table.snapshot(7, now).is_empty(), "not its own clients");
        // Once a client is removed, its session may publish another.
        table.take_from_session(7, vec![entry(1, 2, None)], now);
        assert_eq!(
            table
                .take_from_session(7, vec![entry(3, 1, Some("c"))], now)
                .len(),
            1
        );
    }

    #[test]
    fn leaving_and_expiring_remove_with_a_higher_clock() {
        let mut table = table();
        let start = Instant::now();
        table.subscribe(7);
        table.take_from_session(7, vec![entry(1, 4, Some("a"))], start);
        let origin = Origin::random();
        let later = start + Duration::from_secs(20);
        table.take_from_server(origin, vec![entry(2, 1, Some("b"))], later);
        assert_eq!(table.next_expiry(), Some(start + Duration::from_secs(30)));
        assert_eq!(table.leave(7), vec![entry(1, 5, None)]);
        assert_eq!(table.subscribers().count(), 0);
        assert!(table.leave(7).is_empty());
        let much_later = later + Duration::from_secs(30);
        assert!(table.snapshot(9, much_later).is_empty(), "timed out");
        assert_eq!(table.expire(much_later), vec![(entry(2, 2, None), false)]);
        assert!(table.next_expiry().is_none());
    }
}
