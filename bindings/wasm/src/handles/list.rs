//! `ListRef`: a handle on a list of values and containers.

use wasm_bindgen::prelude::*;
use weft::prelude::*;
use weft::{ChildKey, Element, Entry, Kind, ListContainer, Node, PositionError, Scope, Value};

use crate::convert::{from_node, from_value, to_index, to_value};
use crate::error::{JsResult, WeftError};
use crate::handles::{CounterRef, FromHandle, Handle, MapRef, SetRef, TextRef};
use crate::path::{Step, expect};

/// A list of values and nested containers: concurrent insertions at one place never
/// interleave, and a container element keeps its identity while elements move around it.
#[wasm_bindgen]
pub struct ListRef {
    handle: Handle,
}

impl FromHandle for ListRef {
    const KIND: Kind = Kind::List;

    fn from_handle(handle: Handle) -> Self {
        Self { handle }
    }
}

fn out_of_range(position: usize, length: usize) -> WeftError {
    PositionError::OutOfRange {
        position: position as u64,
        length: length as u64,
    }
    .into()
}

fn length(entry: Option<&Entry>) -> usize {
    entry.and_then(Entry::list).map_or(0, ListContainer::len)
}

impl ListRef {
    /// Inserts a new container of kind `T::KIND` at `index` and returns its handle.
    fn insert_container<T: FromHandle>(&self, index: f64) -> JsResult<T> {
        self.insert_container_of(index, T::KIND).map(T::from_handle)
    }

    /// The handle of the container element at `index`.
    fn container<T: FromHandle>(&self, index: f64) -> JsResult<T> {
        self.container_of(index, T::KIND).map(T::from_handle)
    }

    /// Inserts a new container of `kind` at `index` (one copy of the code for every kind).
    fn insert_container_of(&self, index: f64, kind: Kind) -> JsResult<Handle> {
        let index = to_index(index, "a list index")?;
        let key = self.handle.edit(
            |entry| {
                let length = length(entry);
                if index > length {
                    return Err(out_of_range(index, length));
                }
                Ok(Some(()))
            },
            |entry, ()| {
                entry.list(|list| {
                    list.insert_entry(index, |child| shape(child, kind)).ok()?;
                    match list.current().get(index) {
                        Some(Element::Container(key, _)) => Some(key),
                        _ => None,
                    }
                })
            },
        )?;
        let key: ChildKey = key.flatten().ok_or(WeftError::Deleted)?;
        let path = self.handle.path.child(Step::Child(key));
        self.handle.at(path, kind)
    }

    /// The container element of `kind` at `index`.
    fn container_of(&self, index: f64, kind: Kind) -> JsResult<Handle> {
        let index = to_index(index, "a list index")?;
        let key = self.handle.read(|entry| {
            let list = entry.and_then(Entry::list);
            match list.and_then(|list| list.get(index)) {
                None => Err(out_of_range(index, length(entry))),
                Some(Element::Value(_)) => Err(WeftError::NotAContainer(index)),
                Some(Element::Container(key, child)) => expect(child, kind).map(|_| key),
            }
        })?;
        let path = self.handle.path.child(Step::Child(key));
        self.handle.at(path, kind)
    }
}

/// Makes a fresh list element the empty container of `kind`.
fn shape(child: &mut Scope<'_, Entry>, kind: Kind) {
    match kind {
        Kind::Map => child.map(|_| ()),
        Kind::List => child.list(|_| ()),
        Kind::Text => child.text(|_| ()),
        Kind::Counter => child.counter(|_| ()),
        Kind::Set => child.set(|_| ()),
        Kind::Value => child.set_value(Value::Null),
    }
}

#[wasm_bindgen]
impl ListRef {
    /// How many elements the list holds.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> JsResult<usize> {
        self.handle.read(|entry| Ok(length(entry)))
    }

    /// The element at `index` as plain data (a container as a snapshot), or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "JsonValue | undefined")]
    pub fn get(&self, index: f64) -> JsResult<JsValue> {
        let index = to_index(index, "a list index")?;
        self.handle.read(|entry| {
            Ok(
                match entry.and_then(Entry::list).and_then(|list| list.get(index)) {
                    None => JsValue::UNDEFINED,
                    Some(Element::Value(value)) => from_value(value),
                    Some(Element::Container(_, child)) => child
                        .and_then(Node::of_entry)
                        .map_or(JsValue::NULL, |node| from_node(&node)),
                },
            )
        })
    }

    /// Inserts `value` at `index`.
    ///
    /// @throws {RangeError} `WEFT_POSITION` past the end. @throws {WeftError}
    /// `WEFT_INVALID_VALUE` if `value` is not a Weft value. Nothing changes then.
    pub fn insert(
        &self,
        index: f64,
        #[wasm_bindgen(unchecked_param_type = "WeftValue")] value: JsValue,
    ) -> JsResult<()> {
        let index = to_index(index, "a list index")?;
        let value = to_value(&value)?;
        self.handle.edit(
            |entry| {
                let length = length(entry);
                if index > length {
                    return Err(out_of_range(index, length));
                }
                Ok(Some(()))
            },
            |entry, ()| entry.list(|list| list.insert(index, value)),
        )?;
        Ok(())
    }

    /// Appends `value`.
    ///
    /// @throws {WeftError} `WEFT_INVALID_VALUE` if `value` is not a Weft value.
    pub fn push(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WeftValue")] value: JsValue,
    ) -> JsResult<()> {
        let value = to_value(&value)?;
        self.handle.edit(
            |_| Ok(Some(())),
            |entry, ()| entry.list(|list| list.push(value)),
        )?;
        Ok(())
    }

    /// Deletes `count` elements (default 1) from `index`, with the containers they hold.
    ///
    /// @throws {RangeError} `WEFT_POSITION` if the range is outside the list; nothing changes
    /// then.
    pub fn delete(&self, index: f64, count: Option<f64>) -> JsResult<()> {
        let start = to_index(index, "a list index")?;
        let end = start + to_index(count.unwrap_or(1.0), "a count")?;
        self.handle.edit(
            |entry| {
                let length = length(entry);
                if end > length {
                    return Err(out_of_range(end, length));
                }
                Ok((end > start).then_some(()))
            },
            |entry, ()| entry.list(|list| list.delete(start..end)),
        )?;
        Ok(())
    }

    /// Inserts an empty text at `index` and returns it.
    ///
    /// @throws {RangeError} `WEFT_POSITION` past the end.
    #[wasm_bindgen(js_name = insertText)]
    pub fn insert_text(&self, index: f64) -> JsResult<TextRef> {
        self.insert_container(index)
    }

    /// Inserts an empty map at `index` and returns it.
    ///
    /// @throws {RangeError} `WEFT_POSITION` past the end.
    #[wasm_bindgen(js_name = insertMap)]
    pub fn insert_map(&self, index: f64) -> JsResult<MapRef> {
        self.insert_container(index)
    }

    /// Inserts an empty list at `index` and returns it.
    ///
    /// @throws {RangeError} `WEFT_POSITION` past the end.
    #[wasm_bindgen(js_name = insertList)]
    pub fn insert_list(&self, index: f64) -> JsResult<ListRef> {
        self.insert_container(index)
    }

    /// Inserts a counter at `index` and returns it.
    ///
    /// @throws {RangeError} `WEFT_POSITION` past the end.
    #[wasm_bindgen(js_name = insertCounter)]
    pub fn insert_counter(&self, index: f64) -> JsResult<CounterRef> {
        self.insert_container(index)
    }

    /// Inserts an empty set at `index` and returns it.
    ///
    /// @throws {RangeError} `WEFT_POSITION` past the end.
    #[wasm_bindgen(js_name = insertSet)]
    pub fn insert_set(&self, index: f64) -> JsResult<SetRef> {
        self.insert_container(index)
    }

    /// The text element at `index`.
    ///
    /// @throws {RangeError} `WEFT_POSITION` out of range. @throws {WeftError}
    /// `WEFT_NOT_A_CONTAINER` for a value, `WEFT_WRONG_KIND` for another container.
    #[wasm_bindgen(js_name = getText)]
    pub fn get_text(&self, index: f64) -> JsResult<TextRef> {
        self.container(index)
    }

    /// The map element at `index`.
    ///
    /// @throws {RangeError} `WEFT_POSITION` out of range. @throws {WeftError}
    /// `WEFT_NOT_A_CONTAINER` for a value, `WEFT_WRONG_KIND` for another container.
    #[wasm_bindgen(js_name = getMap)]
    pub fn get_map(&self, index: f64) -> JsResult<MapRef> {
        self.container(index)
    }

    /// The list element at `index`.
    ///
    /// @throws {RangeError} `WEFT_POSITION` out of range. @throws {WeftError}
    /// `WEFT_NOT_A_CONTAINER` for a value, `WEFT_WRONG_KIND` for another container.
    #[wasm_bindgen(js_name = getList)]
    pub fn get_list(&self, index: f64) -> JsResult<ListRef> {
        self.container(index)
    }

    /// The counter element at `index`.
    ///
    /// @throws {RangeError} `WEFT_POSITION` out of range. @throws {WeftError}
    /// `WEFT_NOT_A_CONTAINER` for a value, `WEFT_WRONG_KIND` for another container.
    #[wasm_bindgen(js_name = getCounter)]
    pub fn get_counter(&self, index: f64) -> JsResult<CounterRef> {
        self.container(index)
    }

    /// The set element at `index`.
    ///
    /// @throws {RangeError} `WEFT_POSITION` out of range. @throws {WeftError}
    /// `WEFT_NOT_A_CONTAINER` for a value, `WEFT_WRONG_KIND` for another container.
    #[wasm_bindgen(js_name = getSet)]
    pub fn get_set(&self, index: f64) -> JsResult<SetRef> {
        self.container(index)
    }

    /// The elements as plain data.
    #[wasm_bindgen(js_name = toArray, unchecked_return_type = "JsonValue[]")]
    pub fn to_array(&self) -> JsResult<JsValue> {
        self.handle.to_plain()
    }

    /// The elements as plain data (for `JSON.stringify`).
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "JsonValue[]")]
    pub fn to_json(&self) -> JsResult<JsValue> {
        self.handle.to_plain()
    }
}
