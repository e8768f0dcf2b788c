//! What a local change did, in the terms its undo needs: the identities of the elements it
//! inserted or deleted (with what the deleted ones held), the formatting a mark replaced,
//! the map writes with what they
//! replaced, the amounts added to counters, the values added to or removed from sets.
//!
//! The scopes of a transaction record these as they make each change (the positions, the
//! element identities and the old content are known right there); the undo manager keeps
//! them as steps and reverts them (`revert.rs`).

use weft_text::{ElementRun, MarkValue};

use crate::doc::{ChildKey, ContainerPath, Entry, Node, Object, Step, lookup};
use crate::value::Value;

/// Who wrote a map entry last: the Lamport time and writer of its kind write (every value
/// write and every container switch writes the kind). `None`: no write stands.
pub(crate) type Marker = Option<(u64, weft_core::ReplicaId)>;

/// The marker of `entry` (of nothing, if `None`).
pub(crate) fn marker_of(entry: Option<&Entry>) -> Marker {
    entry
        .and_then(|entry| entry.kind.stamp())
        .map(|stamp| (stamp.lamport, stamp.writer))
}

/// Deleted elements of a list: their run, and per element the key of the container it held
/// (`None` for a value) and its picture.
pub(crate) type DeletedElements = (ElementRun, Vec<(Option<ChildKey>, Node)>);

/// One change made by this replica, as its undo needs it.
#[derive(Clone, Debug)]
pub(crate) enum Done {
    /// Characters inserted into the text at `path`.
    TextInserted {
        path: ContainerPath,
        runs: Vec<ElementRun>,
    },
    /// Characters deleted from the text at `path`: each run and the characters it showed.
    TextDeleted {
        path: ContainerPath,
        pieces: Vec<(ElementRun, String)>,
    },
    /// The mark `name` set to `value` (`None`: cleared) over characters of the text at
    /// `path`: per run of those characters, the value the name showed there before.
    TextMarked {
        path: ContainerPath,
        name: String,
        value: Option<MarkValue>,
        pieces: Vec<(ElementRun, Option<MarkValue>)>,
    },
    /// Elements inserted into the list at `path`.
    ListInserted {
        path: ContainerPath,
        runs: Vec<ElementRun>,
    },
    /// Elements deleted from the list at `path`.
    ListDeleted {
        path: ContainerPath,
        pieces: Vec<DeletedElements>,
    },
    /// The name `key` of the map at `path` written or removed: what it showed before and
    /// the marker of that, and the marker of the write that made the change (read when the
    /// transaction ends).
    MapWritten {
        path: ContainerPath,
        key: String,
        old: Option<Node>,
        before: Marker,
        marker: Marker,
    },
    /// `amount` added to the counter at `path`.
    Counted { path: ContainerPath, amount: i64 },
    /// Values that appeared in and disappeared from the set at `path` (`remove_wins`: a
    /// remove-wins set).
    SetChanged {
        path: ContainerPath,
        remove_wins: bool,
        added: Vec<Value>,
        removed: Vec<Value>,
    },
    /// The multi-value register at `path` written: its values before and after.
    MultiValueWritten {
        path: ContainerPath,
        old: Vec<Value>,
        new: Vec<Value>,
    },
}

impl Done {
    /// A set change adding `added` or removing `removed`.
    pub(crate) fn set_changed(
        path: ContainerPath,
        remove_wins: bool,
        added: Option<&Value>,
        removed: Option<&Value>,
    ) -> Self {
        Self::SetChanged {
            path,
            remove_wins,
            added: added.into_iter().cloned().collect(),
            removed: removed.into_iter().cloned().collect(),
        }
    }

    /// The container the change is in (for a map write, the entry written).
    pub(crate) fn target(&self) -> ContainerPath {
        match self {
            Self::MapWritten { path, key, .. } => path.then(Step::Key(key.clone())),
            Self::TextInserted { path, .. }
            | Self::TextDeleted { path, .. }
            | Self::TextMarked { path, .. }
            | Self::ListInserted { path, .. }
            | Self::ListDeleted { path, .. }
            | Self::Counted { path, .. }
            | Self::SetChanged { path, .. }
            | Self::MultiValueWritten { path, .. } => path.clone(),
        }
    }

    /// Whether this change lies in one of `scope` (every change, for an empty scope).
    pub(crate) fn within(&self, scope: &[ContainerPath]) -> bool {
        if scope.is_empty() {
            return true;
        }
        let target = self.target();
        scope.iter().any(|container| target.starts_with(container))
    }
}

/// Reads the markers of the map writes of `done` from `root`, the document after the
/// transaction that made them.
pub(crate) fn read_markers(done: &mut [Done], root: &Object) {
    for change in done {
        if let Done::MapWritten {
            path, key, marker, ..
        } = change
        {
            let steps = path.then(Step::Key(key.clone()));
            let entry = lookup(root, steps.steps()).ok().flatten();
            *marker = marker_of(entry);
        }
    }
}

/// Adds the changes `more` to `step`: a map write of a name the step already wrote keeps the
/// first write's old value and takes the newer marker, so undoing the step restores what the
/// name showed before the step.
pub(crate) fn absorb(step: &mut Vec<Done>, more: Vec<Done>) {
    for change in more {
        if let Done::MapWritten {
            path, key, marker, ..
        } = &change
            && let Some(Done::MapWritten {
                marker: earlier, ..
            }) = step.iter_mut().find(|earlier| {
                matches!(earlier, Done::MapWritten { path: p, key: k, .. } if p == path && k == key)
            })
        {
            *earlier = *marker;
            continue;
        }
        step.push(change);
    }
}
