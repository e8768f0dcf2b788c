//! `Node`: a plain, read-only picture of a document (or part of one): what `to_json` returns,
//! and what change events are computed from.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::doc::entry::Entry;
use crate::doc::kind::Kind;
use crate::doc::list::{Element, ListContainer};
use crate::doc::object::Object;
use crate::value::Value;

/// A document, or part of one, as plain data. Maps have their names sorted and sets their
/// elements sorted (by encoding), so every replica with the same state gives the same `Node`.
///
/// Serialises as JSON-like data: maps as objects, lists and sets (add-wins and remove-wins)
/// as arrays, text as a string, counters as numbers, and a multi-value register as the array
/// of its concurrent values (one element once a write replaced the others, none while never
/// written).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Node {
    /// A primitive value.
    Value(Value),
    /// A map.
    Map(BTreeMap<String, Node>),
    /// A list.
    List(Vec<Node>),
    /// A text.
    Text(String),
    /// A counter.
    Counter(i64),
    /// An add-wins set (elements sorted by encoding).
    Set(Vec<Value>),
    /// A multi-value register: its concurrent values, sorted by encoding.
    MultiValue(Vec<Value>),
    /// A remove-wins set (elements sorted by encoding).
    RemoveWinsSet(Vec<Value>),
}

impl Node {
    /// The picture of a map.
    #[must_use]
    pub fn of_object(object: &Object) -> Self {
        Self::Map(map_of(object.entries().filter_map(|(name, entry)| {
            Self::of_entry(entry).map(|node| (name.clone(), node))
        })))
    }

    /// The picture of an entry (`None` if nothing was ever written to it).
    #[must_use]
    pub fn of_entry(entry: &Entry) -> Option<Self> {
        entry.kind().map(|kind| Self::of_part(entry, kind))
    }

    /// The picture of the part of `entry` of `kind`, whatever the entry shows.
    pub(crate) fn of_part(entry: &Entry, kind: Kind) -> Self {
        match kind {
            Kind::Value => Self::Value(entry.value.get().cloned().unwrap_or(Value::Null)),
            Kind::Map => entry
                .map
                .as_deref()
                .map_or_else(|| Self::Map(BTreeMap::new()), Self::of_object),
            Kind::List => Self::List(entry.list.as_deref().map(list_nodes).unwrap_or_default()),
            Kind::Text => Self::Text(
                entry
                    .text
                    .as_deref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            ),
            Kind::Counter => Self::Counter(
                entry
                    .counter
                    .as_deref()
                    .map_or(0, weft_core::PNCounter::value),
            ),
            Kind::Set => Self::Set(sorted(
                entry
                    .set
                    .as_deref()
                    .map(|set| set.iter().cloned().collect()),
            )),
            Kind::MultiValue => Self::MultiValue(sorted(
                entry
                    .multi_value
                    .as_deref()
                    .map(|register| register.values().cloned().collect()),
            )),
            Kind::RemoveWinsSet => Self::RemoveWinsSet(sorted(
                entry
                    .remove_wins_set
                    .as_deref()
                    .map(|set| set.iter().cloned().collect()),
            )),
        }
    }

    /// The kind of node.
    #[must_use]
    pub fn kind(&self) -> Kind {
        match self {
            Self::Value(_) => Kind::Value,
            Self::Map(_) => Kind::Map,
            Self::List(_) => Kind::List,
            Self::Text(_) => Kind::Text,
            Self::Counter(_) => Kind::Counter,
            Self::Set(_) => Kind::Set,
            Self::MultiValue(_) => Kind::MultiValue,
            Self::RemoveWinsSet(_) => Kind::RemoveWinsSet,
        }
    }

    /// The node as JSON text (bytes as arrays of numbers, non-finite floats as `null`).
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_json(self, &mut out);
        out
    }
}

fn list_nodes(list: &ListContainer) -> Vec<Node> {
    list.iter()
        .map(|element| match element {
            Element::Value(value) => Node::Value(value.clone()),
            Element::Container(_, entry) => entry
                .and_then(Node::of_entry)
                .unwrap_or(Node::Value(Value::Null)),
        })
        .collect()
}

fn write_json(node: &Node, out: &mut String) {
    match node {
        Node::Value(value) => write_value(value, out),
        Node::Map(entries) => {
            out.push('{');
            for (position, (name, child)) in entries.iter().enumerate() {
                if position > 0 {
                    out.push(',');
                }
                write_string(name, out);
                out.push(':');
                write_json(child, out);
            }
            out.push('}');
        }
        Node::List(items) => write_array(items.iter(), out, write_json),
        Node::Text(text) => write_string(text, out),
        Node::Counter(number) => out.push_str(&number.to_string()),
        Node::Set(elements) | Node::MultiValue(elements) | Node::RemoveWinsSet(elements) => {
            write_array(elements.iter(), out, write_value);
        }
    }
}

/// `values` (none if absent) sorted by their encoding: the order every replica agrees on.
pub(crate) fn sorted(values: Option<Vec<Value>>) -> Vec<Value> {
    let mut values = values.unwrap_or_default();
    let encodings: Vec<Vec<u8>> = values
        .iter()
        .map(weft_core::codec::Encode::encode_to_vec)
        .collect();
    let keys: Vec<&[u8]> = encodings.iter().map(Vec::as_slice).collect();
    let mut order = weft_core::sorting::stable_order_by_bytes(&keys);
    weft_core::sorting::apply_order(&mut order, &mut |first, second| values.swap(first, second));
    values
}

fn write_array<'a, T: 'a>(
    items: impl Iterator<Item = &'a T>,
    out: &mut String,
    write: fn(&T, &mut String),
) {
    out.push('[');
    for (position, item) in items.enumerate() {
        if position > 0 {
            out.push(',');
        }
        write(item, out);
    }
    out.push(']');
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Int(number) => out.push_str(&number.to_string()),
        Value::Float(number) if number.is_finite() => out.push_str(&number.to_string()),
        Value::Float(_) => out.push_str("null"),
        Value::String(text) => write_string(text, out),
        Value::Bytes(bytes) => write_array(bytes.iter(), out, |byte, out| {
            out.push_str(&byte.to_string());
        }),
    }
}

fn write_string(text: &str, out: &mut String) {
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            control if u32::from(control) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", u32::from(control)));
            }
            other => out.push(other),
        }
    }
    out.push('"');
}

/// The map of `entries`, inserted one by one (a later duplicate name wins).
///
/// `collect()` into a `BTreeMap` sorts the entries first: a stable sort compiled for each
/// value type, several KB of WebAssembly apiece in the npm package. Inserting needs none.
pub(crate) fn map_of<V>(entries: impl Iterator<Item = (String, V)>) -> BTreeMap<String, V> {
    let mut map = BTreeMap::new();
    for (name, value) in entries {
        map.insert(name, value);
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_and_shapes() {
        let mut map = BTreeMap::new();
        map.insert("a\"b".to_string(), Node::Text("line\nnext\u{1}".into()));
        map.insert(
            "n".to_string(),
            Node::List(vec![Node::Counter(-3), Node::Value(Value::Float(f64::NAN))]),
        );
        map.insert(
            "s".to_string(),
            Node::Set(vec![Value::Bool(true), Value::Bytes(vec![1, 2])]),
        );
        assert_eq!(
            Node::Map(map).to_json(),
            r#"{"a\"b":"line\nnext\u0001","n":[-3,null],"s":[true,[1,2]]}"#
        );
    }
}
