//! Change events for JavaScript: paths as arrays, text splices in UTF-16 code units.
//!
//! [`weft::Event`] counts text splices in Unicode scalar values. JavaScript strings count
//! UTF-16 code units, so each text event is converted against the document right after the
//! change: the index through [`weft::Text::char_to_utf16`] (the text before the splice point is
//! the same before and after), the deleted length from the text's UTF-16 length before the
//! change, which the [`Mirror`] remembers for every text while someone listens.

use std::collections::BTreeMap;

use js_sys::{Array, Object};
use wasm_bindgen::JsValue;
use weft::{Change, Doc, Element, Entry, Event, Kind, Node, PathSegment};

use crate::convert::{from_node, from_strings, from_values, set};
use crate::path::{Path, Step};

/// The UTF-16 length of every text of a document, by identity path.
#[derive(Debug, Default)]
pub(crate) struct Mirror {
    lengths: BTreeMap<Path, usize>,
}

impl Mirror {
    /// Remembers every text of `doc` (all root names, or only `roots`, sorted and distinct).
    pub(crate) fn refresh(&mut self, doc: &Doc, roots: Option<&[String]>) {
        let touched = |name: &String| roots.is_none_or(|roots| roots.binary_search(name).is_ok());
        match roots {
            None => self.lengths.clear(),
            Some(_) => self.lengths.retain(|path, _| !touched(&path.root)),
        }
        for (name, entry) in doc.root().entries() {
            if touched(name) {
                walk(entry, Path::root(name), &mut self.lengths);
            }
        }
    }

    /// Forgets everything (nobody listens any more).
    pub(crate) fn clear(&mut self) {
        self.lengths.clear();
    }

    /// `event` as a JavaScript object, measured against `doc` as it is right after the change.
    pub(crate) fn convert(&self, doc: &Doc, event: &Event) -> JsValue {
        let object = Object::new();
        let path: Array = event
            .path
            .iter()
            .map(|segment| match segment {
                PathSegment::Key(name) => JsValue::from_str(name),
                PathSegment::Index(index) => JsValue::from_f64(*index as f64),
            })
            .collect();
        set(&object, "path", &path);
        match &event.change {
            Change::Map { updated, removed } => {
                set(&object, "type", &"map".into());
                set(&object, "updated", &from_strings(updated));
                set(&object, "removed", &from_strings(removed));
            }
            Change::Text {
                index,
                deleted,
                inserted,
            } => {
                let (index, deleted) =
                    self.text_splice_utf16(doc, &event.path, *index, *deleted, inserted);
                set(&object, "type", &"text".into());
                set(&object, "index", &JsValue::from_f64(index as f64));
                set(&object, "deleted", &JsValue::from_f64(deleted as f64));
                set(&object, "inserted", &JsValue::from_str(inserted));
            }
            Change::List {
                index,
                deleted,
                inserted,
            } => {
                set(&object, "type", &"list".into());
                set(&object, "index", &JsValue::from_f64(*index as f64));
                set(&object, "deleted", &JsValue::from_f64(*deleted as f64));
                let nodes: Array = inserted.iter().map(from_node).collect();
                set(&object, "inserted", &nodes);
            }
            Change::Counter { old, new } => {
                set(&object, "type", &"counter".into());
                set(&object, "old", &from_node(&Node::Counter(*old)));
                set(&object, "new", &from_node(&Node::Counter(*new)));
            }
            Change::Set { added, removed } => {
                set(&object, "type", &"set".into());
                set(&object, "added", &from_values(added));
                set(&object, "removed", &from_values(removed));
            }
        }
        set(&object, "local", &JsValue::from_bool(event.local));
        object.into()
    }

    /// A text splice given in scalar values, in UTF-16 code units.
    fn text_splice_utf16(
        &self,
        doc: &Doc,
        segments: &[PathSegment],
        index: usize,
        deleted: usize,
        inserted: &str,
    ) -> (usize, usize) {
        let Some((path, entry)) = identify(doc, segments) else {
            return (index, deleted);
        };
        let Some(text) = entry.text() else {
            return (index, deleted);
        };
        let index = text.char_to_utf16(index).unwrap_or(index);
        let deleted = match self.lengths.get(&path) {
            // before − deleted + inserted = after
            Some(before) => {
                (before + inserted.encode_utf16().count()).saturating_sub(text.len_utf16())
            }
            None => deleted,
        };
        (index, deleted)
    }
}

/// The root names an event batch touched, sorted and distinct.
pub(crate) fn touched_roots(events: &[Event]) -> Vec<String> {
    let mut roots: Vec<String> = Vec::new();
    let mut touch = |name: &String| {
        // Consecutive events mostly touch one root: keep the vector short before sorting.
        if roots.last() != Some(name) {
            roots.push(name.clone());
        }
    };
    for event in events {
        match (event.path.first(), &event.change) {
            (Some(PathSegment::Key(name)), _) => touch(name),
            (None, Change::Map { updated, removed }) => {
                updated.iter().chain(removed).for_each(&mut touch);
            }
            _ => {}
        }
    }
    roots.sort();
    roots.dedup();
    roots
}

/// The identity path and entry of an event path in `doc`.
fn identify<'a>(doc: &'a Doc, segments: &[PathSegment]) -> Option<(Path, &'a Entry)> {
    let (first, rest) = segments.split_first()?;
    let PathSegment::Key(root) = first else {
        return None;
    };
    let mut path = Path::root(root);
    let mut entry = doc.root().entry(root)?;
    for segment in rest {
        entry = match segment {
            PathSegment::Key(name) => {
                path.steps.push(Step::Key(name.clone()));
                entry.map()?.entry(name)?
            }
            PathSegment::Index(index) => match entry.list()?.get(*index)? {
                Element::Container(key, child) => {
                    path.steps.push(Step::Child(key));
                    child?
                }
                Element::Value(_) => return None,
            },
        };
    }
    Some((path, entry))
}

fn walk(entry: &Entry, path: Path, out: &mut BTreeMap<Path, usize>) {
    match entry.kind() {
        Some(Kind::Text) => {
            out.insert(path, entry.text().map_or(0, weft::Text::len_utf16));
        }
        Some(Kind::Map) => {
            for (name, child) in entry.map().into_iter().flat_map(weft::Object::entries) {
                walk(child, path.child(Step::Key(name.clone())), out);
            }
        }
        Some(Kind::List) => {
            for element in entry.list().into_iter().flat_map(weft::ListContainer::iter) {
                if let Element::Container(key, Some(child)) = element {
                    walk(child, path.child(Step::Child(key)), out);
                }
            }
        }
        _ => {}
    }
}
