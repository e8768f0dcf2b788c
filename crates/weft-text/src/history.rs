//! The history: every change of every replica as runs in counter order, so that
//! `delta_since` finds what a version lacks by binary search, whatever the history's length.

use weft_core::{Dot, ReplicaIndex};

/// "No origin": the start or the end of the sequence.
pub(crate) const NO_DOT: Dot = Dot::new(ReplicaIndex(0), 0);

/// A run of changes with consecutive counters, made by one replica.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Run {
    /// `len` elements inserted one after the other: the first right after `left` (or at the
    /// start when it is [`NO_DOT`]), each next one right after the previous, all before
    /// `right` (or the end). These are the origins of Fugue / YjsMod.
    Insert {
        counter: u64,
        len: u32,
        left: Dot,
        right: Dot,
    },
    /// `len` deletions: dot `counter + i` deletes element `target + i` (forward) or
    /// `target - i` (backward, as backspace makes them).
    Delete {
        counter: u64,
        len: u32,
        target: Dot,
        backward: bool,
    },
}

impl Run {
    /// The counter of the first change.
    pub(crate) fn counter(&self) -> u64 {
        match self {
            Self::Insert { counter, .. } | Self::Delete { counter, .. } => *counter,
        }
    }

    /// How many changes.
    pub(crate) fn len(&self) -> u32 {
        match self {
            Self::Insert { len, .. } | Self::Delete { len, .. } => *len,
        }
    }

    /// The counter after the last change.
    pub(crate) fn end(&self) -> u64 {
        self.counter() + u64::from(self.len())
    }

    /// The element deleted by change `offset` of a delete run.
    pub(crate) fn target_at(target: Dot, backward: bool, offset: u32) -> Dot {
        if backward {
            Dot::new(target.replica, target.counter - u64::from(offset))
        } else {
            Dot::new(target.replica, target.counter + u64::from(offset))
        }
    }

    /// The run without its first `skip` changes (`skip < len`), for a run of `replica`.
    pub(crate) fn skip(&self, replica: ReplicaIndex, skip: u32) -> Self {
        match *self {
            Self::Insert {
                counter,
                len,
                left,
                right,
            } => Self::Insert {
                counter: counter + u64::from(skip),
                len: len - skip,
                left: if skip == 0 {
                    left
                } else {
                    Dot::new(replica, counter + u64::from(skip) - 1)
                },
                right,
            },
            Self::Delete {
                counter,
                len,
                target,
                backward,
            } => Self::Delete {
                counter: counter + u64::from(skip),
                len: len - skip,
                target: Self::target_at(target, backward, skip),
                backward,
            },
        }
    }

    /// The first `keep` changes of the run (`0 < keep <= len`).
    pub(crate) fn truncate(&self, keep: u32) -> Self {
        let mut run = *self;
        match &mut run {
            Self::Insert { len, .. } | Self::Delete { len, .. } => *len = keep,
        }
        run
    }

    /// Appends `next` (of the same replica, right after) if the two make one run.
    pub(crate) fn absorb(&mut self, replica: ReplicaIndex, next: &Self) -> bool {
        if self.end() != next.counter()
            || u64::from(self.len()) + u64::from(next.len()) > u64::from(u32::MAX)
        {
            return false;
        }
        match (self, next) {
            (
                Self::Insert {
                    counter,
                    len,
                    right,
                    ..
                },
                Self::Insert {
                    left: next_left,
                    right: next_right,
                    len: added,
                    ..
                },
            ) => {
                let last = Dot::new(replica, *counter + u64::from(*len) - 1);
                if *next_left == last && next_right == right {
                    *len += added;
                    true
                } else {
                    false
                }
            }
            (
                Self::Delete {
                    len,
                    target,
                    backward,
                    ..
                },
                Self::Delete {
                    len: added,
                    target: next_target,
                    backward: next_backward,
                    ..
                },
            ) => {
                if target.replica != next_target.replica {
                    return false;
                }
                let forward_ok = (!*backward || *len == 1)
                    && (!*next_backward || *added == 1)
                    && next_target.counter == target.counter + u64::from(*len);
                let backward_ok = (*backward || *len == 1)
                    && (*next_backward || *added == 1)
                    && target.counter >= u64::from(*len)
                    && next_target.counter == target.counter - u64::from(*len);
                if forward_ok {
                    *backward = false;
                } else if backward_ok {
                    *backward = true;
                } else {
                    return false;
                }
                *len += added;
                true
            }
            _ => false,
        }
    }

    /// The run with replica `i` renamed `map[i]` in its dots.
    pub(crate) fn remap(&self, map: &[ReplicaIndex]) -> Self {
        let rename = |dot: Dot| {
            if dot == NO_DOT { dot } else { dot.remap(map) }
        };
        match *self {
            Self::Insert {
                counter,
                len,
                left,
                right,
            } => Self::Insert {
                counter,
                len,
                left: rename(left),
                right: rename(right),
            },
            Self::Delete {
                counter,
                len,
                target,
                backward,
            } => Self::Delete {
                counter,
                len,
                target: target.remap(map),
                backward,
            },
        }
    }
}

/// Flag bit of a packed run's counter: a deletion run.
const DELETE: u64 = 1 << 63;
/// Flag bit of a packed run's counter: a backward deletion run.
const BACKWARD: u64 = 1 << 62;

/// A [`Run`] as the history stores it: 36 bytes (against 48 for the enum), dots packed in
/// three `u32` words and the kind in the top bits of the counter (counters stay below 2⁵³).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Packed {
    counter: [u32; 2],
    len: u32,
    first: [u32; 3],
    second: [u32; 3],
}

fn split(value: u64) -> [u32; 2] {
    [value as u32, (value >> 32) as u32]
}

fn join(words: [u32; 2]) -> u64 {
    u64::from(words[0]) | (u64::from(words[1]) << 32)
}

fn pack_dot(dot: Dot) -> [u32; 3] {
    let [low, high] = split(dot.counter);
    [dot.replica.0, low, high]
}

fn unpack_dot(words: [u32; 3]) -> Dot {
    Dot::new(ReplicaIndex(words[0]), join([words[1], words[2]]))
}

impl Packed {
    fn new(run: &Run) -> Self {
        match *run {
            Run::Insert {
                counter,
                len,
                left,
                right,
            } => Self {
                counter: split(counter),
                len,
                first: pack_dot(left),
                second: pack_dot(right),
            },
            Run::Delete {
                counter,
                len,
                target,
                backward,
            } => Self {
                counter: split(counter | DELETE | if backward { BACKWARD } else { 0 }),
                len,
                first: pack_dot(target),
                second: [0; 3],
            },
        }
    }

    /// The counter of the first change.
    pub(crate) fn counter(&self) -> u64 {
        join(self.counter) & !(DELETE | BACKWARD)
    }

    /// The counter after the last change.
    pub(crate) fn end(&self) -> u64 {
        self.counter() + u64::from(self.len)
    }

    fn is_insert(&self) -> bool {
        join(self.counter) & DELETE == 0
    }

    /// Appends `next` (of `replica`, starting at this run's end) if the two make one run.
    fn absorb(&mut self, replica: ReplicaIndex, next: &Run) -> bool {
        let word = join(self.counter);
        match *next {
            Run::Insert {
                len, left, right, ..
            } if word & DELETE == 0 => {
                // Typing on: the common case, without unpacking.
                if left == Dot::new(replica, self.end() - 1) && pack_dot(right) == self.second {
                    return self.grow(len);
                }
                return false;
            }
            Run::Delete {
                len,
                target,
                backward: false,
                ..
            } if word & DELETE != 0 && target.replica.0 == self.first[0] => {
                let mine = unpack_dot(self.first);
                let backward = word & BACKWARD != 0;
                if (!backward || self.len == 1)
                    && target.counter == mine.counter + u64::from(self.len)
                    && self.grow(len)
                {
                    // Deleting forward (a selection, or the delete key).
                    self.counter = split(word & !BACKWARD);
                    return true;
                }
                if len == 1
                    && (backward || self.len == 1)
                    && mine.counter >= u64::from(self.len)
                    && target.counter == mine.counter - u64::from(self.len)
                    && self.grow(1)
                {
                    // Backspacing.
                    self.counter = split(word | BACKWARD);
                    return true;
                }
                return false;
            }
            // Every other forward deletion, and every insert, was decided above: only a
            // backward deletion run (from a join) needs the general rule.
            Run::Delete { backward: true, .. } => {}
            _ => return false,
        }
        let mut run = self.run();
        if run.absorb(replica, next) {
            *self = Self::new(&run);
            true
        } else {
            false
        }
    }

    /// Lengthens the run by `added` unless that overflows.
    fn grow(&mut self, added: u32) -> bool {
        match self.len.checked_add(added) {
            Some(grown) => {
                self.len = grown;
                true
            }
            None => false,
        }
    }

    /// The run.
    pub(crate) fn run(&self) -> Run {
        let word = join(self.counter);
        let counter = word & !(DELETE | BACKWARD);
        if word & DELETE == 0 {
            Run::Insert {
                counter,
                len: self.len,
                left: unpack_dot(self.first),
                right: unpack_dot(self.second),
            }
        } else {
            Run::Delete {
                counter,
                len: self.len,
                target: unpack_dot(self.first),
                backward: word & BACKWARD != 0,
            }
        }
    }
}

/// Runs in one block beyond the first (36 bytes each: 18 KiB). A replica's runs fill the
/// first block by growing it, then further blocks of exactly this size, so appending never
/// copies the runs already held and the spare room is at most one block.
const BLOCK: usize = 512;

/// The runs of one replica in counter order, in blocks (every block but the last full, unless
/// a run was inserted in the middle by an out-of-order join, which grows its block).
#[derive(Clone, Debug, Default)]
pub(crate) struct Runs {
    blocks: Vec<Vec<Packed>>,
    len: usize,
}

impl Runs {
    /// How many runs.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Whether no run is held.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The runs in counter order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Packed> + '_ {
        self.blocks.iter().flatten()
    }

    fn last(&self) -> Option<&Packed> {
        self.blocks.last().and_then(|block| block.last())
    }

    fn last_mut(&mut self) -> Option<&mut Packed> {
        self.blocks.last_mut().and_then(|block| block.last_mut())
    }

    /// Where the first run whose end is above `counter` is (block, index in the block), or
    /// the end.
    fn first_ending_above(&self, counter: u64) -> (usize, usize) {
        let block = self
            .blocks
            .partition_point(|block| block.last().is_none_or(|run| run.end() <= counter));
        let index = self
            .blocks
            .get(block)
            .map_or(0, |runs| runs.partition_point(|run| run.end() <= counter));
        (block, index)
    }

    /// The first run whose end is above `counter`.
    fn run_ending_above(&self, counter: u64) -> Option<&Packed> {
        let (block, index) = self.first_ending_above(counter);
        self.blocks.get(block).and_then(|runs| runs.get(index))
    }

    /// The runs from the first one whose end is above `counter` on.
    fn runs_ending_above(&self, counter: u64) -> impl Iterator<Item = &Packed> + '_ {
        let (block, index) = self.first_ending_above(counter);
        let first = self
            .blocks
            .get(block)
            .map_or(&[][..], |runs| &runs[index..]);
        let rest = self.blocks.get(block + 1..).unwrap_or(&[]);
        first.iter().chain(rest.iter().flatten())
    }

    /// Appends `run` after every run held, starting a block when the last one is full.
    #[inline]
    fn append(&mut self, run: Packed) {
        match self.blocks.last_mut() {
            Some(block) if block.len() < block.capacity() => block.push(run),
            Some(block) if block.capacity() < BLOCK => {
                let grown = (block.capacity() * 2).clamp(16, BLOCK);
                block.reserve_exact(grown - block.len());
                block.push(run);
            }
            _ => {
                let capacity = if self.blocks.is_empty() { 4 } else { BLOCK };
                let mut block = Vec::with_capacity(capacity);
                block.push(run);
                self.blocks.push(block);
            }
        }
        self.len += 1;
    }

    /// Inserts `run` before the run at (`block`, `index`) from [`Runs::first_ending_above`].
    fn insert(&mut self, (block, index): (usize, usize), run: Packed) {
        match self.blocks.get_mut(block) {
            Some(runs) => {
                runs.insert(index, run);
                self.len += 1;
            }
            None => self.append(run),
        }
    }

    /// Makes room for `additional` more runs in the last block.
    fn reserve(&mut self, additional: usize) {
        match self.blocks.last_mut() {
            Some(block) => block.reserve_exact(additional),
            None => self.blocks.push(Vec::with_capacity(additional)),
        }
    }
}

impl<'a> IntoIterator for &'a Runs {
    type Item = &'a Packed;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<Packed>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.blocks.iter().flatten()
    }
}

/// Every run of every replica, per replica in counter order. A clone (a replica's fork)
/// copies each replica's blocks; the first run it records grows only the last block.
#[derive(Clone, Debug, Default)]
pub(crate) struct History {
    replicas: Vec<Runs>,
}

impl History {
    /// The runs of `replica`, made empty if it had none.
    fn runs_mut(&mut self, replica: ReplicaIndex) -> &mut Runs {
        let slot = replica.as_usize();
        if self.replicas.len() <= slot {
            self.replicas.resize_with(slot + 1, Runs::default);
        }
        &mut self.replicas[slot]
    }

    /// Records `run` of `replica`, extending the previous run when it continues it.
    pub(crate) fn push(&mut self, replica: ReplicaIndex, run: Run) {
        let runs = self.runs_mut(replica);
        if let Some(last) = runs.last_mut() {
            let end = last.end();
            if end > run.counter() {
                let at = runs.first_ending_above(run.counter());
                // A run overlapping one held is already known (a repeated join): skip it.
                let next = runs.blocks.get(at.0).and_then(|block| block.get(at.1));
                if next.is_none_or(|next| next.counter() >= run.end()) {
                    runs.insert(at, Packed::new(&run));
                }
                return;
            }
            if end == run.counter() && last.absorb(replica, &run) {
                return;
            }
        }
        runs.append(Packed::new(&run));
    }

    /// Appends `run` of `replica` as read from an encoding, after every run held (the
    /// decoder checks the order), without trying to merge it with the previous one: the
    /// encoding holds the runs as they were kept, so re-encoding gives the same bytes.
    pub(crate) fn push_read(&mut self, replica: ReplicaIndex, run: Run) {
        let runs = self.runs_mut(replica);
        debug_assert!(runs.last().is_none_or(|last| last.end() <= run.counter()));
        runs.append(Packed::new(&run));
    }

    /// Makes room for `additional` more runs of `replica` (a decoder knows how many come).
    pub(crate) fn reserve(&mut self, replica: ReplicaIndex, additional: usize) {
        self.runs_mut(replica).reserve(additional);
    }

    /// Whether a run of `replica` holds a change in `first..end`.
    pub(crate) fn overlaps(&self, replica: ReplicaIndex, first: u64, end: u64) -> bool {
        self.replicas.get(replica.as_usize()).is_some_and(|runs| {
            runs.run_ending_above(first)
                .is_some_and(|run| run.counter() < end)
        })
    }

    /// Typing on: if the latest run of `replica` is an insert that ends right before
    /// `counter` with right origin `right` (its last element being the new elements' left
    /// origin, which the caller checked), lengthens it by `count` and returns true.
    pub(crate) fn continue_insert(
        &mut self,
        replica: ReplicaIndex,
        counter: u64,
        right: Dot,
        count: u32,
    ) -> bool {
        self.replicas
            .get_mut(replica.as_usize())
            .and_then(Runs::last_mut)
            .is_some_and(|last| {
                last.is_insert()
                    && last.end() == counter
                    && last.second == pack_dot(right)
                    && last.grow(count)
            })
    }

    /// The insert run of `replica` holding element `dot`, if any.
    pub(crate) fn insert_run(&self, dot: Dot) -> Option<Run> {
        let runs = self.replicas.get(dot.replica.as_usize())?;
        runs.run_ending_above(dot.counter)
            .filter(|run| run.counter() <= dot.counter && run.is_insert())
            .map(Packed::run)
    }

    /// The runs of `replica` with a change above `counter`, the first one cut to start
    /// right above it.
    pub(crate) fn since(
        &self,
        replica: ReplicaIndex,
        counter: u64,
    ) -> impl Iterator<Item = Run> + '_ {
        self.replicas
            .get(replica.as_usize())
            .into_iter()
            .flat_map(move |runs| runs.runs_ending_above(counter + 1))
            .map(move |packed| {
                let run = packed.run();
                if run.counter() <= counter {
                    run.skip(replica, (counter + 1 - run.counter()) as u32)
                } else {
                    run
                }
            })
    }

    /// The replicas with runs, and their runs.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (ReplicaIndex, &Runs)> + '_ {
        self.replicas
            .iter()
            .enumerate()
            .filter(|(_, runs)| !runs.is_empty())
            .map(|(slot, runs)| (ReplicaIndex(slot as u32), runs))
    }

    /// How many runs.
    pub(crate) fn run_count(&self) -> usize {
        self.replicas.iter().map(Runs::len).sum()
    }

    /// Whether no run is held.
    pub(crate) fn is_empty(&self) -> bool {
        self.replicas.iter().all(Runs::is_empty)
    }

    /// Renames replicas: moves each replica's runs to its new slot and renames the dots the
    /// runs mention, without reallocating the runs.
    pub(crate) fn remap(&mut self, map: &[ReplicaIndex]) {
        let old = std::mem::take(&mut self.replicas);
        let width = map
            .iter()
            .map(|target| target.as_usize() + 1)
            .max()
            .unwrap_or(0);
        self.replicas
            .resize_with(width.max(old.len()), Runs::default);
        for (slot, mut runs) in old.into_iter().enumerate() {
            for packed in runs.blocks.iter_mut().flatten() {
                *packed = Packed::new(&packed.run().remap(map));
            }
            self.replicas[map[slot].as_usize()] = runs;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: ReplicaIndex = ReplicaIndex(0);

    #[test]
    fn typing_and_backspace_make_one_run_each() {
        let mut history = History::default();
        for counter in 1..=5 {
            history.push(
                R,
                Run::Insert {
                    counter,
                    len: 1,
                    left: if counter == 1 {
                        NO_DOT
                    } else {
                        Dot::new(R, counter - 1)
                    },
                    right: NO_DOT,
                },
            );
        }
        for (offset, counter) in (6..=8).enumerate() {
            history.push(
                R,
                Run::Delete {
                    counter,
                    len: 1,
                    target: Dot::new(R, 5 - offset as u64),
                    backward: false,
                },
            );
        }
        assert_eq!(history.run_count(), 2);
        let tail: Vec<Run> = history.since(R, 6).collect();
        assert_eq!(
            tail,
            vec![Run::Delete {
                counter: 7,
                len: 2,
                target: Dot::new(R, 4),
                backward: true
            }]
        );
        assert!(history.insert_run(Dot::new(R, 3)).is_some());
        assert!(history.insert_run(Dot::new(R, 7)).is_none());
    }

    /// Runs of `R` at the given counters (one element each, never continuing each other).
    fn inserts(counters: impl Iterator<Item = u64>) -> Vec<Run> {
        counters
            .map(|counter| Run::Insert {
                counter,
                len: 1,
                left: NO_DOT,
                right: NO_DOT,
            })
            .collect()
    }

    #[test]
    fn runs_in_blocks_answer_like_one_sorted_vector() {
        fn property(gaps: Vec<u8>, shuffled: Vec<u16>) -> bool {
            let gaps = if gaps.is_empty() { vec![0] } else { gaps };
            let mut counter = 0;
            let mut counters: Vec<u64> = Vec::new();
            for gap in gaps.iter().cycle().take(3 * BLOCK + 7) {
                counter += 2 + u64::from(*gap);
                counters.push(counter);
            }
            // Appended in order, then a few held back and pushed late (out-of-order joins).
            let late: Vec<u64> = shuffled
                .iter()
                .map(|index| counters[usize::from(*index) % counters.len()])
                .collect();
            let mut history = History::default();
            for run in inserts(counters.iter().copied().filter(|c| !late.contains(c))) {
                history.push(R, run);
            }
            for run in inserts(late.iter().copied()) {
                history.push(R, run);
            }
            let model = inserts(counters.iter().copied());
            let held: Vec<Run> = history.since(R, 0).collect();
            if held != model || history.run_count() != model.len() {
                return false;
            }
            // Probes around every run (at, before and after it); the model is sorted.
            counters.iter().all(|run_counter| {
                (run_counter - 1..=run_counter + 1).all(|probe| {
                    let rest = &model[model.partition_point(|run| run.end() <= probe + 1)..];
                    let holds = model.binary_search_by_key(&probe, Run::counter).is_ok();
                    let mut since = history.since(R, probe);
                    since.next() == rest.first().copied()
                        && since.count() == rest.len().saturating_sub(1)
                        && history.insert_run(Dot::new(R, probe)).is_some() == holds
                        && history.overlaps(R, probe, probe + 1) == holds
                })
            })
        }
        quickcheck::QuickCheck::new()
            .tests(20)
            .quickcheck(property as fn(Vec<u8>, Vec<u16>) -> bool);
    }

    #[test]
    fn packed_runs_take_36_bytes_and_round_trip() {
        assert_eq!(std::mem::size_of::<Packed>(), 36);
        let far = Dot::new(ReplicaIndex(7), (1 << 53) - 1);
        for run in [
            Run::Insert {
                counter: 1,
                len: u32::MAX,
                left: NO_DOT,
                right: far,
            },
            Run::Insert {
                counter: (1 << 53) - 2,
                len: 1,
                left: far,
                right: NO_DOT,
            },
            Run::Delete {
                counter: 1 << 40,
                len: 3,
                target: far,
                backward: true,
            },
            Run::Delete {
                counter: 9,
                len: 1,
                target: Dot::new(R, 2),
                backward: false,
            },
        ] {
            let packed = Packed::new(&run);
            assert_eq!(packed.run(), run);
            assert_eq!((packed.counter(), packed.end()), (run.counter(), run.end()));
        }
    }
}
