//! Two replicas synchronising through the sans-IO protocol, one *flight* at a time (everything
//! each side has to say, delivered to the other), with a say over every message's fate: lost,
//! duplicated, delayed by a flight. Scripted protocol tests are built on it.

use weft::{ReplicaId, Replicated};
use weft_sync::{Message, Received, SyncConfig, SyncState, generate, receive};

/// What happens to one message on the way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Delivered once, in order.
    Deliver,
    /// Never delivered.
    Lose,
    /// Delivered twice.
    Duplicate,
    /// Delivered after the next flight's messages.
    Delay,
}

/// A message that was sent, for inspection.
#[derive(Clone, Debug)]
pub struct Sent {
    /// The flight it belongs to (from 0).
    pub flight: usize,
    /// Its index among every message sent so far (from 0).
    pub index: usize,
    /// The side that sent it (0 or 1).
    pub from: usize,
    /// The message.
    pub message: Message,
    /// Its size on the wire.
    pub bytes: usize,
}

/// How a [`Pair::settle`] went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settled {
    /// Flights that carried at least one message.
    pub flights: usize,
    /// The first flight after which both sides held the same state (1 = after the hellos).
    pub level_after: Option<usize>,
    /// Times both sides were silent but not done, and their timers fired.
    pub timeouts: usize,
}

/// Two replicas and their sync states towards each other.
pub struct Pair<R> {
    /// The replicas: `sides[0]` and `sides[1]`.
    pub sides: [R; 2],
    /// `states[i]` is side `i`'s state towards the other side.
    pub states: [SyncState; 2],
    /// Every message sent so far.
    pub sent: Vec<Sent>,
    /// Every `Received` of side 0 and side 1, in order.
    pub received: [Vec<Received>; 2],
    delayed: Vec<(usize, Vec<u8>)>,
    flights: usize,
}

impl<R: Replicated> Pair<R> {
    /// Two replicas with fresh states (sessions 1 and 2) and the default configuration.
    pub fn new(first: R, second: R) -> Self {
        Self::with_config(first, second, SyncConfig::default())
    }

    /// Two replicas with fresh states using `config`.
    pub fn with_config(first: R, second: R, config: SyncConfig) -> Self {
        Self {
            sides: [first, second],
            states: [
                SyncState::with_config(config, 1),
                SyncState::with_config(config, 2),
            ],
            sent: Vec::new(),
            received: [Vec::new(), Vec::new()],
            delayed: Vec::new(),
            flights: 0,
        }
    }

    /// One flight: both sides generate everything they have to say, then each message meets
    /// its fate. Returns how many messages were generated.
    ///
    /// # Panics
    /// If a message is refused: the protocol never produces one its peer refuses.
    pub fn flight(&mut self, fate: &mut dyn FnMut(&Sent) -> Fate) -> usize {
        let mut outgoing = Vec::new();
        for from in 0..2 {
            while let Some(message) = generate(&mut self.states[from], &self.sides[from]) {
                let bytes = message.to_bytes();
                let sent = Sent {
                    flight: self.flights,
                    index: self.sent.len(),
                    from,
                    bytes: bytes.len(),
                    message,
                };
                let chosen = fate(&sent);
                self.sent.push(sent);
                outgoing.push((1 - from, bytes, chosen));
            }
        }
        let generated = outgoing.len();
        let late = std::mem::take(&mut self.delayed);
        for (to, bytes, chosen) in outgoing {
            match chosen {
                Fate::Deliver => self.deliver(to, &bytes),
                Fate::Lose => {}
                Fate::Duplicate => {
                    self.deliver(to, &bytes);
                    self.deliver(to, &bytes);
                }
                Fate::Delay => self.delayed.push((to, bytes)),
            }
        }
        for (to, bytes) in late {
            self.deliver(to, &bytes);
        }
        if generated > 0 {
            self.flights += 1;
        }
        generated
    }

    /// Delivers `bytes` to side `to`.
    ///
    /// # Panics
    /// If the message is refused.
    pub fn deliver(&mut self, to: usize, bytes: &[u8]) {
        let message = Message::from_bytes(bytes).expect("messages decode");
        let received = receive(&mut self.states[to], &mut self.sides[to], message)
            .expect("the peer's messages are accepted");
        self.received[to].push(received);
    }

    /// Runs flights until both sides are silent and idle, firing both timers whenever they
    /// are silent but not done. Fails if it takes more than `max_flights` flights (the
    /// protocol loops) or the sides stay stuck through 5 timeouts.
    ///
    /// # Errors
    /// A description of the failure.
    pub fn settle_with(
        &mut self,
        max_flights: usize,
        fate: &mut dyn FnMut(&Sent) -> Fate,
    ) -> Result<Settled, String> {
        let mut settled = Settled::default();
        let mut quiet_timeouts = 0;
        loop {
            let generated = self.flight(fate);
            if generated > 0 {
                settled.flights += 1;
                quiet_timeouts = 0;
                if settled.level_after.is_none() && self.level() {
                    settled.level_after = Some(settled.flights);
                }
            } else if self.delayed.is_empty() {
                if self.idle() {
                    return Ok(settled);
                }
                quiet_timeouts += 1;
                if quiet_timeouts > 5 {
                    return Err(format!("stuck after {} flights", settled.flights));
                }
                settled.timeouts += 1;
                self.states.iter_mut().for_each(SyncState::timeout);
            }
            if settled.flights > max_flights {
                return Err(format!("still talking after {max_flights} flights"));
            }
        }
    }

    /// [`Pair::settle_with`] over a perfect network.
    ///
    /// # Errors
    /// A description of the failure.
    pub fn settle(&mut self) -> Result<Settled, String> {
        self.settle_with(50, &mut |_| Fate::Deliver)
    }

    /// Both sides hold the same changes and the same state, and nothing waits.
    #[must_use]
    pub fn level(&self) -> bool {
        let [first, second] = &self.sides;
        first.version() == second.version()
            && first.digest() == second.digest()
            && first.pending_len() == 0
            && second.pending_len() == 0
    }

    /// Both states are idle (nothing to send, nothing unacknowledged).
    #[must_use]
    pub fn idle(&self) -> bool {
        self.states[0].is_idle(&self.sides[0]) && self.states[1].is_idle(&self.sides[1])
    }

    /// Bytes sent from message `from_index` on.
    #[must_use]
    pub fn bytes_since(&self, from_index: usize) -> usize {
        self.sent[from_index..].iter().map(|sent| sent.bytes).sum()
    }

    /// Both sides reconnect (a new connection after a disconnect).
    pub fn reconnect(&mut self) {
        self.states.iter_mut().for_each(SyncState::reconnect);
        self.delayed.clear();
    }
}

/// The id of side `index` in scripted tests.
#[must_use]
pub fn side_id(index: usize) -> ReplicaId {
    ReplicaId::from_u128(index as u128 + 1)
}
