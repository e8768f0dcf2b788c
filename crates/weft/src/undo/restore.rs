//! Writing a picture ([`Node`]) back into a document: what undoing a deletion or an overwrite
//! puts back. Containers come back as new containers holding what the old ones showed.

use crate::doc::{ChildKey, DocError, Item, Kind, ListScope, MapScope, Node, Placement};

/// Makes `key` of `map` show `node`, replacing what it shows.
pub(crate) fn write_node(map: &mut MapScope<'_>, key: &str, node: &Node) {
    match node {
        Node::Value(value) => map.put(key, value.clone()),
        Node::Map(entries) => {
            map.replace(key, Kind::Map);
            let mut inner = map.map(key);
            for (name, child) in entries {
                write_node(&mut inner, name, child);
            }
        }
        Node::List(items) => {
            map.replace(key, Kind::List);
            let mut list = map.list(key);
            for (index, item) in items.iter().enumerate() {
                // The index is the list's length: always in range.
                let _ = insert_node(&mut list, Placement::At(index), item);
            }
        }
        Node::Text(text) => {
            map.replace(key, Kind::Text);
            // Position 0 of a new text is always in range.
            let _ = map.text(key).insert(0, text);
        }
        Node::Counter(value) => {
            map.replace(key, Kind::Counter);
            map.counter(key).increment(*value);
        }
        Node::Set(values) => {
            map.replace(key, Kind::Set);
            let mut set = map.add_wins_set(key);
            for value in values {
                set.insert(value.clone());
            }
        }
        Node::MultiValue(values) => {
            map.replace(key, Kind::MultiValue);
            let mut register = map.multi_value(key);
            // A register keeps one value per write: the concurrent values of the picture come
            // back as the first of them.
            if let Some(value) = values.first() {
                register.put(value.clone());
            }
        }
        Node::RemoveWinsSet(values) => {
            map.replace(key, Kind::RemoveWinsSet);
            let mut set = map.remove_wins_set(key);
            for value in values {
                set.insert(value.clone());
            }
        }
    }
}

/// Inserts an element showing `node` at `placement` in `list`; returns the key of the
/// container it holds (`None` for a value).
///
/// # Errors
/// [`DocError::Position`] if the index is past the end, [`DocError::Cursor`] if the list does
/// not hold the element to insert before.
pub(crate) fn insert_node(
    list: &mut ListScope<'_>,
    placement: Placement,
    node: &Node,
) -> Result<Option<ChildKey>, DocError> {
    if let Node::Value(value) = node {
        list.insert_items_at(placement, vec![Item::Value(value.clone())])?;
        return Ok(None);
    }
    let (index, key) = list.insert_container_at(placement, node.kind())?;
    match node {
        Node::Value(_) => {}
        Node::Map(entries) => {
            let mut map = list.map_at(index)?;
            for (name, child) in entries {
                write_node(&mut map, name, child);
            }
        }
        Node::List(items) => {
            let mut inner = list.list_at(index)?;
            for (at, item) in items.iter().enumerate() {
                insert_node(&mut inner, Placement::At(at), item)?;
            }
        }
        Node::Text(text) => list.text_at(index)?.insert(0, text)?,
        Node::Counter(value) => list.counter_at(index)?.increment(*value),
        Node::Set(values) => {
            let mut set = list.add_wins_set_at(index)?;
            for value in values {
                set.insert(value.clone());
            }
        }
        Node::MultiValue(values) => {
            let mut register = list.multi_value_at(index)?;
            if let Some(value) = values.first() {
                register.put(value.clone());
            }
        }
        Node::RemoveWinsSet(values) => {
            let mut set = list.remove_wins_set_at(index)?;
            for value in values {
                set.insert(value.clone());
            }
        }
    }
    Ok(Some(key))
}
