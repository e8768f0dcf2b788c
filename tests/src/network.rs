//! A deterministic network between simulated replicas: messages are delayed, reordered,
//! duplicated, lost, and held back by partitions, all decided by a seeded generator.

use crate::random::SplitMix64;

/// How hostile the network is.
#[derive(Clone, Copy, Debug)]
pub struct NetworkConfig {
    /// Percent of sends that are lost.
    pub loss: u64,
    /// Percent of deliveries after which the message stays in flight (delivered again later).
    pub duplication: u64,
    /// Percent of steps in which the partition changes (a random half of the replicas is cut
    /// off from the other half, or the partition heals).
    pub partition_churn: u64,
}

impl NetworkConfig {
    /// No loss, no duplication, no partitions: only reordering and delay.
    #[must_use]
    pub fn reliable() -> Self {
        Self {
            loss: 0,
            duplication: 0,
            partition_churn: 0,
        }
    }

    /// Loss, duplication and partitions.
    #[must_use]
    pub fn hostile() -> Self {
        Self {
            loss: 10,
            duplication: 15,
            partition_churn: 5,
        }
    }
}

/// Messages in flight between `count` nodes.
#[derive(Debug)]
pub struct Network<M> {
    config: NetworkConfig,
    random: SplitMix64,
    in_flight: Vec<(usize, usize, M)>,
    /// `side[node]`: nodes on different sides cannot exchange messages.
    side: Vec<bool>,
}

impl<M: Clone> Network<M> {
    /// A network between `count` nodes.
    #[must_use]
    pub fn new(count: usize, config: NetworkConfig, seed: u64) -> Self {
        Self {
            config,
            random: SplitMix64::new(seed),
            in_flight: Vec::new(),
            side: vec![false; count],
        }
    }

    /// Sends `message` from `from` to `to` (it may be lost).
    pub fn send(&mut self, from: usize, to: usize, message: M) {
        if !self.random.chance(self.config.loss) {
            self.in_flight.push((from, to, message));
        }
    }

    /// Maybe changes the partition, then picks a random deliverable message; returns
    /// `(from, to, message)`. `None` when nothing can be delivered now.
    pub fn step(&mut self) -> Option<(usize, usize, M)> {
        if self.random.chance(self.config.partition_churn) {
            self.repartition();
        }
        let deliverable: Vec<usize> = (0..self.in_flight.len())
            .filter(|index| {
                let (from, to, _) = &self.in_flight[*index];
                self.side[*from] == self.side[*to]
            })
            .collect();
        if deliverable.is_empty() {
            return None;
        }
        let chosen = deliverable[self.random.index(deliverable.len())];
        if self.random.chance(self.config.duplication) {
            Some(self.in_flight[chosen].clone())
        } else {
            Some(self.in_flight.swap_remove(chosen))
        }
    }

    /// Heals every partition.
    pub fn heal(&mut self) {
        self.side.iter_mut().for_each(|side| *side = false);
    }

    /// Messages still in flight.
    #[must_use]
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Removes and returns every message in flight, in random order.
    pub fn drain_shuffled(&mut self) -> Vec<(usize, usize, M)> {
        let mut all = std::mem::take(&mut self.in_flight);
        for index in (1..all.len()).rev() {
            let other = self.random.index(index + 1);
            all.swap(index, other);
        }
        all
    }

    /// The generator, for callers that want decisions from the same seed.
    pub fn random(&mut self) -> &mut SplitMix64 {
        &mut self.random
    }

    fn repartition(&mut self) {
        if self.side.iter().any(|side| *side) {
            self.heal();
        } else {
            for side in &mut self.side {
                *side = self.random.chance(50);
            }
        }
    }
}
