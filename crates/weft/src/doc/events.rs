//! Change events: what changed in a document, for UI bindings.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::doc::list::ChildKey;
use crate::doc::node::{Node, map_of};
use crate::value::Value;

/// One step of the path from the document root to a container.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum PathSegment {
    /// A name in a map.
    Key(String),
    /// A position in a list.
    Index(usize),
}

/// What changed in one container.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Change {
    /// Names of a map whose value was set, replaced or removed (changes *inside* a nested
    /// container are reported at the container's own path instead).
    Map {
        /// Names now holding a new value.
        updated: Vec<String>,
        /// Names that are gone.
        removed: Vec<String>,
    },
    /// A splice of a text, in Unicode scalar values: `deleted` characters at `index` were
    /// replaced by `inserted`.
    Text {
        /// Where the splice starts.
        index: usize,
        /// How many characters were removed there.
        deleted: usize,
        /// The characters inserted there.
        inserted: String,
    },
    /// A splice of a list: `deleted` elements at `index` were replaced by `inserted`.
    List {
        /// Where the splice starts.
        index: usize,
        /// How many elements were removed there.
        deleted: usize,
        /// The elements inserted there.
        inserted: Vec<Node>,
    },
    /// A counter moved from `old` to `new`.
    Counter {
        /// The value before.
        old: i64,
        /// The value after.
        new: i64,
    },
    /// Elements added to and removed from a set.
    Set {
        /// Elements that appeared.
        added: Vec<Value>,
        /// Elements that disappeared.
        removed: Vec<Value>,
    },
}

/// A change at a path, and whether it was made locally or arrived from another replica.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    /// Where the changed container is, from the root.
    pub path: Vec<PathSegment>,
    /// What changed.
    pub change: Change,
    /// `true` for a change made by this replica, `false` for one merged from another.
    pub local: bool,
}

/// The identity-aware picture the diff works on: like [`Node`], but list elements that are
/// containers carry their key, so an edited element is told apart from a replaced one.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Shape {
    Leaf(Node),
    Map(BTreeMap<String, Shape>),
    List(Vec<(Option<ChildKey>, Shape)>),
}

impl Shape {
    fn node(&self) -> Node {
        match self {
            Self::Leaf(node) => node.clone(),
            Self::Map(entries) => Node::Map(map_of(
                entries
                    .iter()
                    .map(|(name, shape)| (name.clone(), shape.node())),
            )),
            Self::List(items) => Node::List(items.iter().map(|(_, shape)| shape.node()).collect()),
        }
    }

    fn kind(&self) -> crate::Kind {
        match self {
            Self::Leaf(node) => node.kind(),
            Self::Map(_) => crate::Kind::Map,
            Self::List(_) => crate::Kind::List,
        }
    }
}

/// The identity-aware picture of an entry (`None` if nothing was ever written to it).
pub(crate) fn shape_of(entry: &crate::doc::entry::Entry) -> Option<Shape> {
    Some(match entry.kind()? {
        crate::Kind::Map => Shape::Map(
            entry
                .map()
                .map(|object| {
                    map_of(object.entries().filter_map(|(name, child)| {
                        shape_of(child).map(|shape| (name.clone(), shape))
                    }))
                })
                .unwrap_or_default(),
        ),
        crate::Kind::List => Shape::List(
            entry
                .list()
                .map(|list| {
                    list.iter()
                        .map(|element| match element {
                            crate::doc::list::Element::Value(value) => {
                                (None, Shape::Leaf(Node::Value(value.clone())))
                            }
                            crate::doc::list::Element::Container(key, child) => (
                                Some(key),
                                child
                                    .and_then(shape_of)
                                    .unwrap_or(Shape::Leaf(Node::Value(Value::Null))),
                            ),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        ),
        _ => Shape::Leaf(Node::of_entry(entry)?),
    })
}

/// Collects the events that turn the map `old` into `new` (each holding only the names to
/// compare) at `path`.
pub(crate) fn diff_map(
    path: &mut Vec<PathSegment>,
    old: &BTreeMap<String, Shape>,
    new: &BTreeMap<String, Shape>,
    local: bool,
    out: &mut Vec<Event>,
) {
    let mut updated = Vec::new();
    let mut removed = Vec::new();
    // Both maps are sorted by name: walk the names of either once each, in order.
    let mut old_names = old.keys().peekable();
    let mut new_names = new.keys().peekable();
    while let Some(name) = match (old_names.peek(), new_names.peek()) {
        (Some(old_name), Some(new_name)) if old_name == new_name => {
            new_names.next();
            old_names.next()
        }
        (Some(old_name), Some(new_name)) if old_name > new_name => new_names.next(),
        (Some(_), _) => old_names.next(),
        (None, _) => new_names.next(),
    } {
        match (old.get(name), new.get(name)) {
            (Some(_), None) => removed.push(name.clone()),
            (None, Some(_)) => updated.push(name.clone()),
            (Some(before), Some(after)) if before.kind() != after.kind() => {
                updated.push(name.clone());
            }
            (Some(before), Some(after)) => {
                path.push(PathSegment::Key(name.clone()));
                let value_changed = diff(path, before, after, local, out);
                path.pop();
                if value_changed {
                    updated.push(name.clone());
                }
            }
            (None, None) => {}
        }
    }
    if !updated.is_empty() || !removed.is_empty() {
        out.push(Event {
            path: path.clone(),
            change: Change::Map { updated, removed },
            local,
        });
    }
}

/// Collects the events that turn `old` into `new` (same kind) at `path`. Returns `true` when
/// they are primitive values that differ (reported by the enclosing map).
fn diff(
    path: &mut Vec<PathSegment>,
    old: &Shape,
    new: &Shape,
    local: bool,
    out: &mut Vec<Event>,
) -> bool {
    let mut emit = |change| {
        out.push(Event {
            path: path.clone(),
            change,
            local,
        });
    };
    match (old, new) {
        (Shape::Map(before), Shape::Map(after)) => diff_map(path, before, after, local, out),
        (Shape::List(before), Shape::List(after)) => diff_list(path, before, after, local, out),
        (Shape::Leaf(Node::Value(before)), Shape::Leaf(Node::Value(after))) => {
            return before != after;
        }
        (Shape::Leaf(Node::Text(before)), Shape::Leaf(Node::Text(after))) => {
            if let Some(change) = text_splice(before, after) {
                emit(change);
            }
        }
        (Shape::Leaf(Node::Counter(before)), Shape::Leaf(Node::Counter(after))) => {
            if before != after {
                emit(Change::Counter {
                    old: *before,
                    new: *after,
                });
            }
        }
        (Shape::Leaf(Node::Set(before)), Shape::Leaf(Node::Set(after))) => {
            let added: Vec<Value> = after
                .iter()
                .filter(|v| !before.contains(v))
                .cloned()
                .collect();
            let removed: Vec<Value> = before
                .iter()
                .filter(|v| !after.contains(v))
                .cloned()
                .collect();
            if !added.is_empty() || !removed.is_empty() {
                emit(Change::Set { added, removed });
            }
        }
        _ => return old != new,
    }
    false
}

fn diff_list(
    path: &mut Vec<PathSegment>,
    old: &[(Option<ChildKey>, Shape)],
    new: &[(Option<ChildKey>, Shape)],
    local: bool,
    out: &mut Vec<Event>,
) {
    let same = |left: &(Option<ChildKey>, Shape), right: &(Option<ChildKey>, Shape)| match (
        left.0, right.0,
    ) {
        (Some(a), Some(b)) => a == b,
        (None, None) => left.1 == right.1,
        _ => false,
    };
    let prefix = old
        .iter()
        .zip(new)
        .take_while(|(left, right)| same(left, right))
        .count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(left, right)| same(left, right))
        .count();
    // Containers kept in place may have changed inside.
    let kept = (0..prefix).chain(old.len() - suffix..old.len());
    for old_index in kept {
        let new_index = if old_index < prefix {
            old_index
        } else {
            old_index + new.len() - old.len()
        };
        if old[old_index].0.is_some() {
            path.push(PathSegment::Index(new_index));
            diff(path, &old[old_index].1, &new[new_index].1, local, out);
            path.pop();
        }
    }
    let deleted = old.len() - prefix - suffix;
    let inserted: Vec<Node> = new[prefix..new.len() - suffix]
        .iter()
        .map(|(_, shape)| shape.node())
        .collect();
    if deleted > 0 || !inserted.is_empty() {
        out.push(Event {
            path: path.clone(),
            change: Change::List {
                index: prefix,
                deleted,
                inserted,
            },
            local,
        });
    }
}

fn text_splice(old: &str, new: &str) -> Option<Change> {
    if old == new {
        return None;
    }
    let old_chars: Vec<char> = old.chars().collect();
    let new_chars: Vec<char> = new.chars().collect();
    let prefix = old_chars
        .iter()
        .zip(&new_chars)
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = old_chars[prefix..]
        .iter()
        .rev()
        .zip(new_chars[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    Some(Change::Text {
        index: prefix,
        deleted: old_chars.len() - prefix - suffix,
        inserted: new_chars[prefix..new_chars.len() - suffix].iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_splices_are_minimal() {
        assert_eq!(
            text_splice("hello world", "hello brave world"),
            Some(Change::Text {
                index: 6,
                deleted: 0,
                inserted: "brave ".into()
            })
        );
        assert_eq!(
            text_splice("abc", "ac"),
            Some(Change::Text {
                index: 1,
                deleted: 1,
                inserted: String::new()
            })
        );
        assert_eq!(text_splice("same", "same"), None);
    }
}
