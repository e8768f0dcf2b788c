//! The workloads both libraries replay: who changes what, round by round, before the
//! replicas sync. Generated once from a seed, so Weft and `crdts` see the same data.

/// A small deterministic generator (SplitMix64): the same seed gives the same workload.
pub(crate) struct Random(u64);

impl Random {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        scramble(self.0)
    }

    /// A number in `0..bound` (`bound` > 0).
    pub(crate) fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound as u64) as usize
    }
}

/// The SplitMix64 finaliser: a bijection on `u64` that spreads numbers over all 64 bits.
fn scramble(value: u64) -> u64 {
    let mut mixed = value;
    mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    mixed ^ (mixed >> 31)
}

/// How set elements are numbered.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Elements {
    /// 0, 1, 2, …: ids handed out by an application.
    Dense,
    /// Uniform 64-bit numbers: hashes, random ids.
    Random,
}

impl Elements {
    fn nth(self, index: u64) -> u64 {
        match self {
            Self::Dense => index,
            Self::Random => scramble(index),
        }
    }
}

/// One change to a set.
#[derive(Clone, Copy, Debug)]
pub(crate) enum SetChange {
    Add(u64),
    Remove(u64),
}

/// The shape of a set history: `replicas` writers, `rounds` rounds; in each round every
/// replica adds `adds_per_turn` new elements and removes `removes_per_turn` elements it saw
/// in earlier rounds (each element is removed by one replica only), then all replicas sync.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SetPlan {
    pub(crate) replicas: usize,
    pub(crate) rounds: usize,
    pub(crate) adds_per_turn: usize,
    pub(crate) removes_per_turn: usize,
    pub(crate) elements: Elements,
    pub(crate) seed: u64,
}

/// A generated set history: per round, per replica, the changes it makes.
pub(crate) struct SetHistory {
    pub(crate) rounds: Vec<Vec<Vec<SetChange>>>,
    live: Vec<u64>,
    next_element: u64,
    elements: Elements,
    random: Random,
}

impl SetHistory {
    pub(crate) fn generate(plan: SetPlan) -> Self {
        let mut history = Self {
            rounds: Vec::with_capacity(plan.rounds),
            live: Vec::new(),
            next_element: 0,
            elements: plan.elements,
            random: Random::new(plan.seed),
        };
        for _ in 0..plan.rounds {
            let round = history.round(plan);
            history.rounds.push(round);
        }
        history
    }

    /// Every replica's turn in one round; removals pick among the elements live before it.
    fn round(&mut self, plan: SetPlan) -> Vec<Vec<SetChange>> {
        let mut added = Vec::with_capacity(plan.replicas * plan.adds_per_turn);
        let turns = (0..plan.replicas)
            .map(|_| {
                let mut turn = Vec::with_capacity(plan.adds_per_turn + plan.removes_per_turn);
                for _ in 0..plan.adds_per_turn {
                    let element = self.fresh_element();
                    added.push(element);
                    turn.push(SetChange::Add(element));
                }
                for _ in 0..plan.removes_per_turn.min(self.live.len()) {
                    let victim = self.random.below(self.live.len());
                    turn.push(SetChange::Remove(self.live.swap_remove(victim)));
                }
                turn
            })
            .collect();
        self.live.extend(added);
        turns
    }

    fn fresh_element(&mut self) -> u64 {
        let element = self.elements.nth(self.next_element);
        self.next_element += 1;
        element
    }

    /// `count` more changes by one replica after the history, alternating an addition of a
    /// new element and a removal of a live one (a single change is an addition).
    pub(crate) fn follow_up(&mut self, count: usize) -> Vec<SetChange> {
        (0..count)
            .map(|position| {
                if position % 2 == 1 && !self.live.is_empty() {
                    let victim = self.random.below(self.live.len());
                    SetChange::Remove(self.live.swap_remove(victim))
                } else {
                    let element = self.fresh_element();
                    self.live.push(element);
                    SetChange::Add(element)
                }
            })
            .collect()
    }

    pub(crate) fn changes(&self) -> usize {
        self.all_changes().count()
    }

    pub(crate) fn removals(&self) -> usize {
        self.all_changes()
            .filter(|change| matches!(change, SetChange::Remove(_)))
            .count()
    }

    pub(crate) fn live(&self) -> usize {
        self.live.len()
    }

    fn all_changes(&self) -> impl Iterator<Item = &SetChange> + '_ {
        self.rounds.iter().flatten().flatten()
    }
}

/// One change to a map: a change to the value of key number `key`, or its removal.
#[derive(Clone, Copy, Debug)]
pub(crate) enum MapChange {
    /// Adds element `value` to the key's set, or writes `value` to the key's register.
    Update {
        key: usize,
        value: u64,
    },
    Remove {
        key: usize,
    },
}

/// A map history: `replicas` writers, `rounds` rounds, in each of which every replica makes
/// `updates_per_turn` updates of random keys among `keys`, then all replicas sync.
pub(crate) struct MapHistory {
    pub(crate) rounds: Vec<Vec<Vec<MapChange>>>,
    keys: usize,
    next_value: u64,
    random: Random,
}

impl MapHistory {
    pub(crate) fn generate(
        replicas: usize,
        rounds: usize,
        updates_per_turn: usize,
        keys: usize,
    ) -> Self {
        let mut history = Self {
            rounds: Vec::with_capacity(rounds),
            keys,
            next_value: 0,
            random: Random::new(keys as u64),
        };
        for _ in 0..rounds {
            let round = (0..replicas)
                .map(|_| (0..updates_per_turn).map(|_| history.update()).collect())
                .collect();
            history.rounds.push(round);
        }
        history
    }

    fn update(&mut self) -> MapChange {
        let value = self.next_value;
        self.next_value += 1;
        MapChange::Update {
            key: self.random.below(self.keys),
            value,
        }
    }

    /// `count` more changes by one replica: updates, and every fourth a key removal.
    pub(crate) fn follow_up(&mut self, count: usize) -> Vec<MapChange> {
        (0..count)
            .map(|position| {
                if position % 4 == 3 {
                    MapChange::Remove {
                        key: self.random.below(self.keys),
                    }
                } else {
                    self.update()
                }
            })
            .collect()
    }

    pub(crate) fn changes(&self) -> usize {
        self.rounds.iter().flatten().flatten().count()
    }
}
