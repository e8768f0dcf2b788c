//! The document task's presence: what its sessions and the bus bring goes through the
//! [`PresenceTable`](crate::presence::PresenceTable); what the table accepts is relayed to
//! the other subscribed sessions and, for this server's own sessions, published on the
//! bus. Nothing here touches the replica or the database.

use tokio::time::Instant;
use weft::sync::presence::{self, Entry, MAX_CLIENTS_PER_MESSAGE};

use super::DocumentTask;
use crate::bus::{DocumentBus, Origin};
use crate::channel::{Outgoing, SessionId};

impl DocumentTask {
    /// Takes a presence message of `session`: subscribes the session (sending it who is
    /// present if it was not subscribed), then relays what was accepted.
    pub(super) fn receive_presence(
        &mut self,
        session: SessionId,
        entries: Vec<Entry>,
        bus: Option<&DocumentBus>,
    ) {
        if !self.sessions.contains_key(&session) {
            return; // it left meanwhile
        }
        let now = Instant::now();
        let accepted = self.presence.take_from_session(session, entries, now);
        if self.presence.subscribe(session) {
            let present = self.presence.snapshot(session, now);
            self.send_presence(session, &present);
        }
        self.relay(Some(session), &accepted);
        if let Some(bus) = bus
            && !accepted.is_empty()
        {
            bus.publish_presence(&accepted);
        }
    }

    /// `session` left: its clients' removals go to everyone else at once.
    pub(super) fn leave_presence(&mut self, session: SessionId, bus: Option<&DocumentBus>) {
        let removals = self.presence.leave(session);
        self.relay(None, &removals);
        if let Some(bus) = bus
            && !removals.is_empty()
        {
            bus.publish_presence(&removals);
        }
    }

    /// Drops the entries not refreshed for the timeout and relays their removals (to the
    /// other servers too for this server's own sessions' clients).
    pub(super) fn expire_presence(&mut self, bus: Option<&DocumentBus>) {
        let expired = self.presence.expire(Instant::now());
        if expired.is_empty() {
            return;
        }
        let removals: Vec<Entry> = expired.iter().map(|(entry, _)| entry.clone()).collect();
        self.relay(None, &removals);
        if let Some(bus) = bus {
            let local: Vec<Entry> = expired
                .into_iter()
                .filter_map(|(entry, local)| local.then_some(entry))
                .collect();
            if !local.is_empty() {
                bus.publish_presence(&local);
            }
        }
    }

    /// Takes presence entries another server published and relays what changed.
    pub(super) fn receive_remote_presence(&mut self, origin: Origin, entries: Vec<Entry>) {
        let accepted = self
            .presence
            .take_from_server(origin, entries, Instant::now());
        self.relay(None, &accepted);
    }

    /// Sends `entries` to every subscribed session but `except`.
    fn relay(&self, except: Option<SessionId>, entries: &[Entry]) {
        if entries.is_empty() {
            return;
        }
        let frames = frames_of(entries);
        for session in self.presence.subscribers() {
            if Some(session) != except {
                self.send_frames(session, &frames);
            }
        }
    }

    /// Sends `entries` to `session` (nothing if there are none).
    fn send_presence(&self, session: SessionId, entries: &[Entry]) {
        if !entries.is_empty() {
            self.send_frames(session, &frames_of(entries));
        }
    }

    /// Queues presence frames for `session`. A full queue drops the connection, whose
    /// reader then leaves every session of it.
    fn send_frames(&self, session: SessionId, frames: &[Vec<u8>]) {
        let Some(entry) = self.sessions.get(&session) else {
            return;
        };
        for frame in frames {
            let sent = entry.peer.send(Outgoing::Frame {
                document: self.id.clone(),
                bytes: frame.clone(),
            });
            if !sent {
                return;
            }
        }
    }
}

/// `entries` as presence frames of at most [`MAX_CLIENTS_PER_MESSAGE`] entries.
fn frames_of(entries: &[Entry]) -> Vec<Vec<u8>> {
    entries
        .chunks(MAX_CLIENTS_PER_MESSAGE)
        .filter_map(|chunk| match presence::encode(chunk) {
            Ok(frame) => Some(frame),
            // Every state was checked when it was decoded: not expected.
            Err(error) => {
                tracing::warn!(%error, "presence not relayed");
                None
            }
        })
        .collect()
}
