//! Random operations on a document: every container kind, nested in maps and lists.

use quickcheck::{Arbitrary, Gen};
use weft::{MapScope, Object, Scope};

use crate::workloads::{Small, Workload};

/// One operation on a document, on a few names so that operations collide.
#[derive(Clone, Debug)]
pub enum DocOp {
    /// Write a value under a name.
    SetValue(Small, i8),
    /// Remove a name.
    Remove(Small),
    /// Insert a character into the text under a name.
    TextInsert(Small, u8, char),
    /// Delete characters from the text under a name.
    TextDelete(Small, u8, u8),
    /// Append a value to the list under a name.
    ListPush(Small, i8),
    /// Insert a map into the list under a name, with one field.
    ListInsertMap(Small, u8, Small, i8),
    /// Set a field of the map at a list position.
    ListEditMap(Small, u8, Small, i8),
    /// Delete list elements.
    ListDelete(Small, u8, u8),
    /// Increment the counter under a name.
    Count(Small, i8),
    /// Add a value to the set under a name.
    SetAdd(Small, i8),
    /// Remove a value from the set under a name.
    SetRemove(Small, i8),
    /// Set a field of the map under a name.
    Nested(Small, Small, i8),
    /// Remove a field of the map under a name.
    NestedRemove(Small, Small),
    /// Write the multi-value register under a name.
    MultiValuePut(Small, i8),
    /// Add a value to the remove-wins set under a name.
    RemoveWinsAdd(Small, i8),
    /// Remove a value from the remove-wins set under a name (recorded even if absent).
    RemoveWinsRemove(Small, i8),
    /// Insert a multi-value register (written once) or, for an odd value, a remove-wins set
    /// (holding the value) into the list under a name.
    ListInsertLeaf(Small, u8, i8),
}

fn name(small: Small) -> String {
    ["a", "b", "c", "d"][usize::from(small.0 % 4)].to_string()
}

impl Arbitrary for DocOp {
    fn arbitrary(g: &mut Gen) -> Self {
        let s = Small::arbitrary;
        match u8::arbitrary(g) % 17 {
            0 => Self::SetValue(s(g), i8::arbitrary(g)),
            1 => Self::Remove(s(g)),
            2 => Self::TextInsert(
                s(g),
                u8::arbitrary(g),
                *g.choose(&['x', 'y', 'é', '😀']).unwrap_or(&'x'),
            ),
            3 => Self::TextDelete(s(g), u8::arbitrary(g), u8::arbitrary(g) % 3),
            4 => Self::ListPush(s(g), i8::arbitrary(g)),
            5 => Self::ListInsertMap(s(g), u8::arbitrary(g), s(g), i8::arbitrary(g)),
            6 => Self::ListEditMap(s(g), u8::arbitrary(g), s(g), i8::arbitrary(g)),
            7 => Self::ListDelete(s(g), u8::arbitrary(g), u8::arbitrary(g) % 3),
            8 => Self::Count(s(g), i8::arbitrary(g)),
            9 => Self::SetAdd(s(g), i8::arbitrary(g) % 4),
            10 => Self::SetRemove(s(g), i8::arbitrary(g) % 4),
            11 => Self::Nested(s(g), s(g), i8::arbitrary(g)),
            12 => Self::NestedRemove(s(g), s(g)),
            13 => Self::MultiValuePut(s(g), i8::arbitrary(g) % 4),
            14 => Self::RemoveWinsAdd(s(g), i8::arbitrary(g) % 4),
            15 => Self::RemoveWinsRemove(s(g), i8::arbitrary(g) % 4),
            _ => Self::ListInsertLeaf(s(g), u8::arbitrary(g), i8::arbitrary(g)),
        }
    }
}

fn clamp(position: u8, length: usize) -> usize {
    usize::from(position) % (length + 1)
}

impl Workload for Object {
    type Op = DocOp;

    fn perform(scope: &mut Scope<'_, Self>, op: &DocOp) {
        Object::edit(scope, |root| perform(root, op));
    }
}

/// Performs `op` through the root map of a document transaction.
pub fn perform(root: &mut MapScope<'_>, op: &DocOp) {
    match op {
        DocOp::SetValue(key, value) => root.put(&name(*key), i64::from(*value)),
        DocOp::Remove(key) => {
            root.delete(&name(*key));
        }
        DocOp::TextInsert(key, position, character) => {
            let mut text = root.text(&name(*key));
            let at = clamp(*position, text.len());
            text.insert(at, &character.to_string())
                .expect("clamped positions are in range");
        }
        DocOp::TextDelete(key, position, length) => {
            let mut text = root.text(&name(*key));
            let size = text.len();
            let start = clamp(*position, size);
            let end = (start + usize::from(*length)).min(size);
            text.delete(start..end)
                .expect("clamped ranges are in range");
        }
        DocOp::ListPush(key, value) => root.list(&name(*key)).push(i64::from(*value)),
        DocOp::ListInsertMap(key, position, field, value) => {
            let mut list = root.list(&name(*key));
            let at = clamp(*position, list.len());
            list.insert_map(at)
                .expect("clamped positions are in range")
                .put(&name(*field), i64::from(*value));
        }
        DocOp::ListEditMap(key, position, field, value) => {
            let mut list = root.list(&name(*key));
            let length = list.len();
            if length > 0 {
                let at = usize::from(*position) % length;
                // A primitive element refuses the edit, which changes nothing.
                if let Ok(mut element) = list.map_at(at) {
                    element.put(&name(*field), i64::from(*value));
                }
            }
        }
        DocOp::ListDelete(key, position, length) => {
            let mut list = root.list(&name(*key));
            let size = list.len();
            let start = clamp(*position, size);
            let end = (start + usize::from(*length)).min(size);
            list.delete(start..end)
                .expect("clamped ranges are in range");
        }
        DocOp::Count(key, amount) => root.counter(&name(*key)).increment(i64::from(*amount)),
        DocOp::SetAdd(key, value) => root.add_wins_set(&name(*key)).insert(i64::from(*value)),
        DocOp::SetRemove(key, value) => {
            root.add_wins_set(&name(*key))
                .remove(&i64::from(*value).into());
        }
        DocOp::Nested(key, field, value) => {
            root.map(&name(*key)).put(&name(*field), i64::from(*value));
        }
        DocOp::NestedRemove(key, field) => {
            root.map(&name(*key)).delete(&name(*field));
        }
        DocOp::MultiValuePut(key, value) => {
            root.multi_value(&name(*key)).put(i64::from(*value));
        }
        DocOp::RemoveWinsAdd(key, value) => {
            root.remove_wins_set(&name(*key)).insert(i64::from(*value));
        }
        DocOp::RemoveWinsRemove(key, value) => {
            root.remove_wins_set(&name(*key))
                .remove(&i64::from(*value).into());
        }
        DocOp::ListInsertLeaf(key, position, value) => {
            let mut list = root.list(&name(*key));
            let at = clamp(*position, list.len());
            if value % 2 == 0 {
                list.insert_multi_value(at)
                    .expect("clamped positions are in range")
                    .put(i64::from(*value));
            } else {
                list.insert_remove_wins_set(at)
                    .expect("clamped positions are in range")
                    .insert(i64::from(*value));
            }
        }
    }
}
