//! Where restored things went: undoing a deletion inserts the deleted characters (or list
//! elements, or containers) again, as new elements with new identities. Steps still on the
//! stacks name the old ones; this table sends each old identity to its replacement, following
//! chains (an element deleted and restored twice).

use std::collections::{BTreeMap, HashMap};

use weft_text::{ElementId, ElementRun};

use crate::doc::{ChildKey, ContainerPath, Step};
use crate::undo::operation::Marker;

/// How many links of a chain are followed at most (a chain is as long as the number of times
/// one element was deleted and restored; the bound only guards against a cycle, which the
/// table never builds since replacements are always new).
const MAX_CHAIN: usize = 1 << 10;

/// Old identities and their replacements.
#[derive(Debug, Default)]
pub(crate) struct Remap {
    /// Per replica and first counter of an old run: its length and the first element of the
    /// run that replaced it (consecutive counters of one replica).
    elements: BTreeMap<(weft_core::ReplicaId, u64), (u64, ElementId)>,
    /// Containers of list elements restored under a new key.
    children: HashMap<ChildKey, ChildKey>,
    /// Map writes put back by a new write.
    markers: HashMap<(u64, weft_core::ReplicaId), Marker>,
}

impl Remap {
    /// Records that the elements of `old` were restored as the elements of `new`, in order
    /// (together as long as `old`).
    pub(crate) fn note_elements(&mut self, old: ElementRun, new: &[ElementRun]) {
        let mut offset = 0;
        for run in new {
            let length = run.length.min(old.length - offset);
            if length == 0 {
                break;
            }
            let from = old.element(offset);
            self.elements
                .insert((from.replica, from.counter), (length, run.first));
            offset += length;
        }
    }

    /// Records that the map write `old` was put back by the write `new`.
    pub(crate) fn note_marker(&mut self, old: Marker, new: Marker) {
        if let Some(old) = old
            && Some(old) != new
        {
            self.markers.insert(old, new);
        }
    }

    /// The write that stands for the map write `marker` now.
    pub(crate) fn marker(&self, mut marker: Marker) -> Marker {
        for _ in 0..MAX_CHAIN {
            match marker.and_then(|stamp| self.markers.get(&stamp)) {
                Some(next) => marker = *next,
                None => break,
            }
        }
        marker
    }

    /// Records that the container `old` was restored as `new`.
    pub(crate) fn note_child(&mut self, old: ChildKey, new: ChildKey) {
        self.children.insert(old, new);
    }

    /// The runs that stand for `run` now, in order.
    pub(crate) fn runs(&self, run: ElementRun) -> Vec<ElementRun> {
        let mut out = Vec::new();
        self.resolve(run, 0, &mut out);
        merge(out)
    }

    fn resolve(&self, run: ElementRun, depth: usize, out: &mut Vec<ElementRun>) {
        let mut offset = 0;
        while offset < run.length {
            let at = run.element(offset);
            let covering = self
                .elements
                .range(..=(at.replica, at.counter))
                .next_back()
                .filter(|((replica, first), (length, _))| {
                    *replica == at.replica && at.counter < first + length
                });
            if let Some(((_, first), (length, target))) = covering
                && depth < MAX_CHAIN
            {
                let skip = at.counter - first;
                let take = (length - skip).min(run.length - offset);
                let replaced = ElementRun {
                    first: ElementId {
                        replica: target.replica,
                        counter: target.counter + skip,
                    },
                    length: take,
                };
                self.resolve(replaced, depth + 1, out);
                offset += take;
            } else {
                let next = self
                    .elements
                    .range((at.replica, at.counter)..(at.replica, u64::MAX))
                    .next()
                    .map_or(u64::MAX, |((_, first), _)| *first);
                let take = (next.max(at.counter + 1) - at.counter).min(run.length - offset);
                out.push(ElementRun {
                    first: at,
                    length: take,
                });
                offset += take;
            }
        }
    }

    /// `path` with every restored container replaced by its replacement.
    pub(crate) fn path(&self, path: &ContainerPath) -> ContainerPath {
        if self.children.is_empty() {
            return path.clone();
        }
        let steps = path
            .steps()
            .iter()
            .map(|step| match step {
                Step::Child(key) => Step::Child(self.child(*key)),
                Step::Key(name) => Step::Key(name.clone()),
            })
            .collect();
        ContainerPath::from_steps(steps)
    }

    fn child(&self, mut key: ChildKey) -> ChildKey {
        for _ in 0..MAX_CHAIN {
            match self.children.get(&key) {
                Some(next) => key = *next,
                None => break,
            }
        }
        key
    }
}

/// Joins runs that continue each other.
fn merge(runs: Vec<ElementRun>) -> Vec<ElementRun> {
    let mut out: Vec<ElementRun> = Vec::with_capacity(runs.len());
    for run in runs {
        match out.last_mut() {
            Some(last)
                if last.first.replica == run.first.replica
                    && last.first.counter + last.length == run.first.counter =>
            {
                last.length += run.length;
            }
            _ => out.push(run),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use weft_core::ReplicaId;

    fn run(replica: u128, counter: u64, length: u64) -> ElementRun {
        ElementRun {
            first: ElementId {
                replica: ReplicaId::from_u128(replica),
                counter,
            },
            length,
        }
    }

    #[test]
    fn an_unmapped_run_stands_for_itself() {
        let remap = Remap::default();
        assert_eq!(remap.runs(run(1, 5, 3)), vec![run(1, 5, 3)]);
    }

    #[test]
    fn a_partly_restored_run_is_split_and_chains_are_followed() {
        let mut remap = Remap::default();
        // Elements 6..8 of replica 1 restored as 20..22 of replica 2, then those as 40..42.
        remap.note_elements(run(1, 6, 2), &[run(2, 20, 2)]);
        remap.note_elements(run(2, 20, 2), &[run(2, 40, 2)]);
        assert_eq!(
            remap.runs(run(1, 5, 5)),
            vec![run(1, 5, 1), run(2, 40, 2), run(1, 8, 2)]
        );
    }

    #[test]
    fn restored_containers_rename_paths() {
        let mut remap = Remap::default();
        let old = ChildKey::from_raw(1);
        let middle = ChildKey::from_raw(2);
        let new = ChildKey::from_raw(3);
        remap.note_child(old, middle);
        remap.note_child(middle, new);
        let path = ContainerPath::root().key("todos").then(Step::Child(old));
        assert_eq!(
            remap.path(&path),
            ContainerPath::root().key("todos").then(Step::Child(new))
        );
    }
}
