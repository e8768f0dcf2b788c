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

/// Every run of every replica, per replica in counter order.
#[derive(Clone, Debug, Default)]
pub(crate) struct History {
    replicas: Vec<Vec<Run>>,
}

impl History {
    /// Records `run` of `replica`, extending the previous run when it continues it.
    pub(crate) fn push(&mut self, replica: ReplicaIndex, run: Run) {
        let slot = replica.as_usize();
        if self.replicas.len() <= slot {
            self.replicas.resize_with(slot + 1, Vec::new);
        }
        let runs = &mut self.replicas[slot];
        if runs.len() == runs.capacity() {
            // Grow by an eighth, not double: the history is most of a document's memory.
            runs.reserve_exact(runs.len() / 8 + 16);
        }
        match runs.last_mut() {
            None => runs.push(run),
            Some(last) if last.end() <= run.counter() => {
                if !last.absorb(replica, &run) {
                    runs.push(run);
                }
            }
            Some(_) => {
                let at = runs.partition_point(|existing| existing.end() <= run.counter());
                // A run overlapping one held is already known (a repeated join): skip it.
                if runs.get(at).is_none_or(|next| next.counter() >= run.end()) {
                    runs.insert(at, run);
                }
            }
        }
    }

    /// The latest run of `replica`.
    pub(crate) fn last(&self, replica: ReplicaIndex) -> Option<&Run> {
        self.replicas.get(replica.as_usize())?.last()
    }

    /// The insert run of `replica` holding element `dot`, if any.
    pub(crate) fn insert_run(&self, dot: Dot) -> Option<Run> {
        let runs = self.replicas.get(dot.replica.as_usize())?;
        let at = runs.partition_point(|run| run.end() <= dot.counter);
        runs.get(at)
            .filter(|run| run.counter() <= dot.counter && matches!(run, Run::Insert { .. }))
            .copied()
    }

    /// The runs of `replica` with a change above `counter`, the first one cut to start
    /// right above it.
    pub(crate) fn since(
        &self,
        replica: ReplicaIndex,
        counter: u64,
    ) -> impl Iterator<Item = Run> + '_ {
        let runs = self
            .replicas
            .get(replica.as_usize())
            .map_or(&[][..], Vec::as_slice);
        let at = runs.partition_point(|run| run.end() <= counter + 1);
        runs[at..].iter().map(move |run| {
            if run.counter() <= counter {
                run.skip(replica, (counter + 1 - run.counter()) as u32)
            } else {
                *run
            }
        })
    }

    /// The replicas with runs, and their runs.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (ReplicaIndex, &[Run])> + '_ {
        self.replicas
            .iter()
            .enumerate()
            .filter(|(_, runs)| !runs.is_empty())
            .map(|(slot, runs)| (ReplicaIndex(slot as u32), runs.as_slice()))
    }

    /// How many runs.
    pub(crate) fn run_count(&self) -> usize {
        self.replicas.iter().map(Vec::len).sum()
    }

    /// Whether no run is held.
    pub(crate) fn is_empty(&self) -> bool {
        self.replicas.iter().all(Vec::is_empty)
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
        self.replicas.resize_with(width.max(old.len()), Vec::new);
        for (slot, mut runs) in old.into_iter().enumerate() {
            for run in &mut runs {
                *run = run.remap(map);
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
}
