//! Change events for JavaScript: paths as arrays, text runs in UTF-16 code units (the event
//! carries them), map changes with `action`, `oldValue` and `newValue`, the origin the
//! transaction named and whether it was made here.

use js_sys::{Array, Object};
use wasm_bindgen::JsValue;
use weft::{Change, Event, ListDelta, PathSegment, TextDelta};

use crate::convert::{from_node, from_values, set};
use crate::marks::from_format;

/// `event` as a JavaScript object, with `origin`.
pub(crate) fn to_js(event: &Event, origin: &JsValue) -> JsValue {
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
        Change::Map(changes) => {
            set(&object, "type", &"map".into());
            let changes: Array = changes
                .iter()
                .map(|change| {
                    let entry = Object::new();
                    set(&entry, "key", &JsValue::from_str(&change.key));
                    let action = match (&change.old, &change.new) {
                        (None, _) => "add",
                        (Some(_), Some(_)) => "update",
                        (Some(_), None) => "delete",
                    };
                    set(&entry, "action", &action.into());
                    if let Some(old) = &change.old {
                        set(&entry, "oldValue", &from_node(old));
                    }
                    if let Some(new) = &change.new {
                        set(&entry, "newValue", &from_node(new));
                    }
                    JsValue::from(entry)
                })
                .collect();
            set(&object, "changes", &changes);
        }
        Change::Text(runs) => {
            set(&object, "type", &"text".into());
            let delta: Array = runs
                .iter()
                .map(|run| match run {
                    TextDelta::Retain {
                        utf16, attributes, ..
                    } => {
                        let retain = Object::new();
                        set(&retain, "retain", &JsValue::from_f64(*utf16 as f64));
                        if let Some(format) = attributes {
                            set(&retain, "attributes", &from_format(format));
                        }
                        retain.into()
                    }
                    TextDelta::Insert(text) => op("insert", &JsValue::from_str(text)),
                    TextDelta::Delete(_) => {
                        op("delete", &JsValue::from_f64(run.utf16_len() as f64))
                    }
                })
                .collect();
            set(&object, "delta", &delta);
        }
        Change::List(runs) => {
            set(&object, "type", &"list".into());
            let delta: Array = runs
                .iter()
                .map(|run| match run {
                    ListDelta::Retain(count) => op("retain", &JsValue::from_f64(*count as f64)),
                    ListDelta::Insert(nodes) => {
                        op("insert", &nodes.iter().map(from_node).collect::<Array>())
                    }
                    ListDelta::Delete(count) => op("delete", &JsValue::from_f64(*count as f64)),
                })
                .collect();
            set(&object, "delta", &delta);
        }
        Change::Counter(old, new) => {
            set(&object, "type", &"counter".into());
            set(&object, "old", &JsValue::from_f64(*old as f64));
            set(&object, "new", &JsValue::from_f64(*new as f64));
        }
        Change::Set { added, removed } => {
            set(&object, "type", &"set".into());
            set(&object, "added", &from_values(added));
            set(&object, "removed", &from_values(removed));
        }
        Change::MultiValue { old, new } => {
            set(&object, "type", &"multiValue".into());
            set(&object, "old", &from_values(old));
            set(&object, "new", &from_values(new));
        }
        _ => set(&object, "type", &"reload".into()),
    }
    set(&object, "origin", origin);
    set(&object, "local", &JsValue::from_bool(event.local));
    object.into()
}

/// `{ [name]: value }`.
fn op(name: &str, value: &JsValue) -> JsValue {
    let object = Object::new();
    set(&object, name, value);
    object.into()
}
