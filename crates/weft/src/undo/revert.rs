//! Reverting a step: the change that undoes what the step's changes did, made now, on top of
//! whatever others did since.
//!
//! * Inserted characters or elements: delete those of them still there (by identity).
//! * Deleted characters or elements: insert them again where their tombstones stand, so they
//!   come back between the same neighbours even after others typed around them.
//! * A mark: put back the formatting it replaced, where its characters still carry what it
//!   set.
//! * A map write: put back what the name showed before, unless someone wrote it since.
//! * A counter: subtract what was added. A set: remove what was added, add what was removed.
//! * A multi-value register: put back the single value it held, unless written since.
//!
//! The reverting change goes through the ordinary scopes, so it is recorded like any change:
//! what it records is the step that reverts *it* (redo of an undo, undo of a redo).

use std::ops::Range;

use weft_text::{ElementRun, MarkValue};

use crate::doc::{ContainerPath, Entry, Kind, MapScope, Placement, lookup};
use crate::undo::operation::{DeletedElements, Done, marker_of};
use crate::undo::remap::Remap;
use crate::undo::restore::{insert_node, write_node};
use crate::value::Value;

/// Reverts `changes` (in reverse order) through `root`.
pub(crate) fn revert(root: &mut MapScope<'_>, changes: &[Done], remap: &mut Remap) {
    for change in changes.iter().rev() {
        match change {
            Done::TextInserted { path, runs } => remove_text(root, &remap.path(path), runs, remap),
            Done::TextDeleted { path, pieces } => {
                restore_text(root, &remap.path(path), pieces, remap);
            }
            Done::TextMarked {
                path,
                name,
                value,
                pieces,
            } => restore_marks(root, &remap.path(path), name, value.as_ref(), pieces, remap),
            Done::ListInserted { path, runs } => remove_list(root, &remap.path(path), runs, remap),
            Done::ListDeleted { path, pieces } => {
                restore_list(root, &remap.path(path), pieces, remap);
            }
            Done::MapWritten {
                path,
                key,
                old,
                before,
                marker,
            } => {
                let path = remap.path(path);
                let Ok(mut map) = root.open_map(&path) else {
                    continue;
                };
                if marker_of(map.get(key)) != remap.marker(*marker) {
                    continue; // someone wrote it since: theirs stays
                }
                match old {
                    None => {
                        map.delete(key);
                    }
                    Some(node) => write_node(&mut map, key, node),
                }
                // What the step replaced is back, written anew: steps that wrote it follow.
                remap.note_marker(*before, marker_of(map.get(key)));
            }
            Done::Counted { path, amount } => {
                let path = remap.path(path);
                if shows(root, &path, Kind::Counter)
                    && let Ok(mut counter) = root.open_counter(&path)
                {
                    counter.decrement(*amount);
                }
            }
            Done::SetChanged {
                path,
                remove_wins,
                added,
                removed,
            } => revert_set(root, &remap.path(path), *remove_wins, added, removed),
            Done::MultiValueWritten { path, old, new } => {
                let path = remap.path(path);
                if !shows(root, &path, Kind::MultiValue) {
                    continue;
                }
                let Ok(mut register) = root.open_multi_value(&path) else {
                    continue;
                };
                if register.values() == *new
                    && let [value] = old.as_slice()
                {
                    register.put(value.clone());
                }
            }
        }
    }
}

/// Whether the entry at `path` shows `kind`.
fn shows(root: &MapScope<'_>, path: &ContainerPath, kind: Kind) -> bool {
    root.current()
        .and_then(|object| lookup(object, path.steps()).ok().flatten())
        .and_then(Entry::kind)
        == Some(kind)
}

fn revert_set(
    root: &mut MapScope<'_>,
    path: &ContainerPath,
    remove_wins: bool,
    added: &[Value],
    removed: &[Value],
) {
    if remove_wins {
        if !shows(root, path, Kind::RemoveWinsSet) {
            return;
        }
        let Ok(mut set) = root.open_remove_wins_set(path) else {
            return;
        };
        for value in added {
            set.remove(value);
        }
        for value in removed {
            set.insert(value.clone());
        }
    } else {
        if !shows(root, path, Kind::Set) {
            return;
        }
        let Ok(mut set) = root.open_add_wins_set(path) else {
            return;
        };
        for value in added {
            set.remove(value);
        }
        for value in removed {
            set.insert(value.clone());
        }
    }
}

/// The visible index ranges of the elements of `runs` (as renamed by `remap`), last first,
/// joined where they touch. `place` says where a run is.
fn visible_ranges<E>(
    runs: &[ElementRun],
    remap: &Remap,
    place: impl Fn(&ElementRun) -> Result<Vec<weft_text::Placed>, E>,
) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = runs
        .iter()
        .flat_map(|run| remap.runs(*run))
        .filter_map(|run| place(&run).ok())
        .flatten()
        .filter(|placed| placed.visible)
        .map(|placed| placed.index as usize..(placed.index + placed.length) as usize)
        .collect();
    // Latest start first.
    weft_core::sorting::sort_by_key(&mut ranges, |range| u128::MAX - range.start as u128);
    let mut joined: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match joined.last_mut() {
            Some(last) if range.end == last.start => last.start = range.start,
            _ => joined.push(range),
        }
    }
    joined
}

fn remove_text(root: &mut MapScope<'_>, path: &ContainerPath, runs: &[ElementRun], remap: &Remap) {
    let Ok(mut text) = root.open_text(path) else {
        return;
    };
    let Some(current) = text.current() else {
        return;
    };
    let ranges = visible_ranges(runs, remap, |run| current.place(run));
    for range in ranges {
        // The ranges were measured on this text, last first: each stays in range.
        let _ = text.delete(range);
    }
}

/// Puts back the formatting a mark replaced, where its characters still show and still
/// carry what the mark set (a later change of that name by anyone stays).
fn restore_marks(
    root: &mut MapScope<'_>,
    path: &ContainerPath,
    name: &str,
    value: Option<&MarkValue>,
    pieces: &[(ElementRun, Option<MarkValue>)],
    remap: &Remap,
) {
    let Ok(mut text) = root.open_text(path) else {
        return;
    };
    let Some(current) = text.current() else {
        return;
    };
    let mut restores: Vec<(Range<usize>, Option<MarkValue>)> = Vec::new();
    for (run, previous) in pieces {
        for range in visible_ranges(std::slice::from_ref(run), remap, |run| current.place(run)) {
            let over = current.attributes_over(range.clone());
            for piece in showing(range, &over, name, value) {
                restores.push((piece, previous.clone()));
            }
        }
    }
    for (range, previous) in restores {
        // Marking moves no character: every range measured above stays right.
        let _ = match previous {
            Some(previous) => text.mark(range, name, previous),
            None => text.unmark(range, name),
        };
    }
}

/// The parts of `range` where `name` shows `value` (`None`: no mark), given `over`, the
/// formatted stretches of the range.
fn showing(
    range: Range<usize>,
    over: &[(Range<usize>, weft_text::Attributes)],
    name: &str,
    value: Option<&MarkValue>,
) -> Vec<Range<usize>> {
    let mut parts: Vec<Range<usize>> = Vec::new();
    let mut push = |part: Range<usize>, shown: Option<&MarkValue>| {
        if part.is_empty() || shown != value {
            return;
        }
        match parts.last_mut() {
            Some(last) if last.end == part.start => last.end = part.end,
            _ => parts.push(part),
        }
    };
    let mut at = range.start;
    for (piece, attributes) in over {
        push(at..piece.start, None);
        push(piece.clone(), attributes.get(name));
        at = piece.end;
    }
    push(at..range.end, None);
    parts
}

fn remove_list(root: &mut MapScope<'_>, path: &ContainerPath, runs: &[ElementRun], remap: &Remap) {
    let Ok(mut list) = root.open_list(path) else {
        return;
    };
    let Some(current) = list.current() else {
        return;
    };
    let ranges = visible_ranges(runs, remap, |run| current.order.place(run));
    for range in ranges {
        let _ = list.delete(range);
    }
}

/// Deleted elements to bring back: the run they were (as renamed) and the offsets of their
/// content among the change's.
struct Group {
    run: ElementRun,
    content: Range<usize>,
}

/// The still-deleted elements of `runs` (as renamed by `remap`; content offsets in order),
/// in document order: elements visible again, or unknown here (forgotten by compaction),
/// are left out.
fn deleted_groups<E>(
    runs: impl Iterator<Item = ElementRun>,
    remap: &Remap,
    place: impl Fn(&ElementRun) -> Result<Vec<weft_text::Placed>, E>,
) -> Vec<Group> {
    let mut groups = Vec::new();
    let mut offset = 0usize;
    for run in runs {
        for renamed in remap.runs(run) {
            if let Ok(pieces) = place(&renamed) {
                for piece in pieces.iter().filter(|piece| !piece.visible) {
                    let start = offset + piece.offset as usize;
                    groups.push(Group {
                        run: ElementRun {
                            first: renamed.element(piece.offset),
                            length: piece.length,
                        },
                        content: start..start + piece.length as usize,
                    });
                }
            }
            offset += renamed.length as usize;
        }
    }
    groups
}

/// Brings back deleted characters, each group just before its first tombstone: between the
/// same neighbours as before, whatever others typed around them since.
fn restore_text(
    root: &mut MapScope<'_>,
    path: &ContainerPath,
    pieces: &[(ElementRun, String)],
    remap: &mut Remap,
) {
    let Ok(mut text) = root.open_text(path) else {
        return;
    };
    let Some(current) = text.current() else {
        return;
    };
    let characters: Vec<char> = pieces.iter().flat_map(|(_, shown)| shown.chars()).collect();
    let groups = deleted_groups(pieces.iter().map(|(run, _)| *run), remap, |run| {
        current.place(run)
    });
    for group in &groups {
        let Some(content) = characters.get(group.content.clone()) else {
            continue;
        };
        let content: String = content.iter().collect();
        let Ok(index) = text.insert_before(group.run.first, &content) else {
            continue;
        };
        let end = index + group.content.len();
        if let Some(new) = text
            .current()
            .and_then(|current| current.element_runs(index..end).ok())
        {
            remap.note_elements(group.run, &new);
        }
    }
}

/// Brings back deleted list elements (containers as new containers holding what the old
/// ones showed), each just before its tombstone.
fn restore_list(
    root: &mut MapScope<'_>,
    path: &ContainerPath,
    pieces: &[DeletedElements],
    remap: &mut Remap,
) {
    let Ok(mut list) = root.open_list(path) else {
        return;
    };
    let Some(current) = list.current() else {
        return;
    };
    let elements: Vec<_> = pieces.iter().flat_map(|(_, shown)| shown.iter()).collect();
    let groups = deleted_groups(pieces.iter().map(|(run, _)| *run), remap, |run| {
        current.order.place(run)
    });
    for group in &groups {
        for offset in 0..group.run.length {
            let Some((old_key, node)) = elements.get(group.content.start + offset as usize) else {
                break;
            };
            let tombstone = group.run.element(offset);
            let placement = Placement::Before(tombstone);
            let Ok(new_key) = insert_node(&mut list, placement, node) else {
                break;
            };
            if let (Some(old), Some(new)) = (old_key, new_key) {
                remap.note_child(*old, new);
            }
            let restored = list.current().and_then(|current| {
                let index = current
                    .order
                    .place(&ElementRun {
                        first: tombstone,
                        length: 1,
                    })
                    .ok()?
                    .first()?
                    .index as usize;
                current.order.element_runs(index - 1..index).ok()
            });
            if let Some(new) = restored {
                remap.note_elements(
                    ElementRun {
                        first: tombstone,
                        length: 1,
                    },
                    &new,
                );
            }
        }
    }
}
