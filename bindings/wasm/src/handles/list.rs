//! `ListRef`: a handle on a list of values and containers.

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use weft::{ChildKey, DocError, Element, Entry, Kind, ListContainer, ListScope, Node, Step};

use crate::convert::{from_node, from_value, insert_inputs, to_index, to_input, to_side};
use crate::cursor::Cursor;
use crate::error::{JsResult, WeftError};
use crate::handles::{
    CounterRef, FromHandle, Handle, MapRef, MultiValueRef, RemoveWinsSetRef, SetRef, TextRef,
    expect,
};

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

fn length(entry: Option<&Entry>) -> usize {
    entry.and_then(Entry::as_list).map_or(0, ListContainer::len)
}

impl ListRef {
    /// Inserts a new container of kind `T::KIND` at `index` and returns its handle.
    fn insert_container<T: FromHandle>(&self, index: f64) -> JsResult<T> {
        let index = to_index(index, "a list index")?;
        let key = self.handle.edit(|root, path| {
            let mut list = root.open_list(path)?;
            insert_empty(&mut list, index, T::KIND)?;
            match list.current().and_then(|list| list.get(index)) {
                Some(Element::Container(key, _)) => Ok(key),
                _ => Err(DocError::Deleted),
            }
        })?;
        self.child(key, T::KIND).map(T::from_handle)
    }

    /// The handle of the container element at `index`.
    fn container<T: FromHandle>(&self, index: f64) -> JsResult<T> {
        let index = to_index(index, "a list index")?;
        let key = self.handle.read(|entry| {
            let list = entry.and_then(Entry::as_list);
            match list.and_then(|list| list.get(index)) {
                None => Err(out_of_range(index, length(entry))),
                Some(Element::Value(_)) => Err(WeftError::NotAContainer(index)),
                Some(Element::Container(key, child)) => expect(child, T::KIND).map(|_| key),
            }
        })?;
        self.child(key, T::KIND).map(T::from_handle)
    }

    fn child(&self, key: ChildKey, kind: Kind) -> JsResult<Handle> {
        self.handle
            .at(self.handle.path.then(Step::Child(key)), kind)
    }

    /// The elements as plain data.
    fn elements(&self) -> JsResult<Vec<JsValue>> {
        self.handle.read(|entry| {
            Ok(entry
                .and_then(Entry::as_list)
                .into_iter()
                .flat_map(ListContainer::iter)
                .map(element_value)
                .collect())
        })
    }
}

fn out_of_range(position: usize, length: usize) -> WeftError {
    weft::PositionError::OutOfRange {
        position: position as u64,
        length: length as u64,
    }
    .into()
}

/// An element as plain data.
fn element_value(element: Element<'_>) -> JsValue {
    match element {
        Element::Value(value) => from_value(value),
        Element::Container(_, child) => child
            .and_then(Node::of_entry)
            .map_or(JsValue::NULL, |node| from_node(&node)),
    }
}

/// Inserts the empty container of `kind` at `index`.
fn insert_empty(list: &mut ListScope<'_>, index: usize, kind: Kind) -> Result<(), DocError> {
    match kind {
        Kind::Map => list.insert_map(index).map(|_| ()),
        Kind::List => list.insert_list(index).map(|_| ()),
        Kind::Text => list.insert_text(index).map(|_| ()),
        Kind::Counter => list.insert_counter(index).map(|_| ()),
        Kind::Set => list.insert_add_wins_set(index).map(|_| ()),
        Kind::MultiValue => list.insert_multi_value(index).map(|_| ()),
        Kind::RemoveWinsSet => list.insert_remove_wins_set(index).map(|_| ()),
        Kind::Value => list.insert(index, weft::Value::Null),
    }
}

#[wasm_bindgen]
impl ListRef {
    /// The path of this container, to name it in an `UndoManager`'s scope.
    #[wasm_bindgen(js_name = containerPath)]
    pub fn container_path(&self) -> crate::undo::ContainerPathHandle {
        crate::undo::ContainerPathHandle::new(self.handle.path.clone())
    }

    /// A stable cursor at `index`, on `side` of it: `"after"` anchors it to the element
    /// before `index` (elements inserted at the cursor go after it), `"before"` to the
    /// element at `index` (inserted elements go before it).
    ///
    /// @throws {RangeError} `WEFT_POSITION` past the end.
    /// @throws {Error} `WEFT_INVALID_ARGUMENT` if `side` is not `"before"` or `"after"`.
    #[wasm_bindgen(js_name = cursorAt)]
    pub fn cursor_at(
        &self,
        index: f64,
        #[wasm_bindgen(unchecked_param_type = "CursorSide")] side: JsValue,
    ) -> JsResult<Cursor> {
        let index = to_index(index, "a list index")?;
        let side = to_side(&side)?;
        self.handle.read(|entry| {
            let made = match entry.and_then(Entry::as_list) {
                Some(list) => list.cursor_at(index, side),
                None => ListContainer::default().cursor_at(index, side),
            };
            Ok(made.map(Cursor::from).map_err(DocError::from)?)
        })
    }

    /// The index `cursor` stands for now, or `undefined` if this list does not hold its
    /// element yet (a cursor from a replica whose changes have not arrived, or from another
    /// list).
    #[wasm_bindgen(js_name = resolveCursor)]
    pub fn resolve_cursor(&self, cursor: &Cursor) -> JsResult<Option<usize>> {
        self.handle.read(|entry| {
            Ok(match entry.and_then(Entry::as_list) {
                Some(list) => list.resolve_cursor(&cursor.position).ok(),
                None => ListContainer::default()
                    .resolve_cursor(&cursor.position)
                    .ok(),
            })
        })
    }

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
            Ok(entry
                .and_then(Entry::as_list)
                .and_then(|list| list.get(index))
                .map_or(JsValue::UNDEFINED, element_value))
        })
    }

    /// Inserts `values` in order at `index` (what `insert(index, ...values)` calls). Plain
    /// objects become nested maps and arrays nested lists.
    ///
    /// @throws {RangeError} `WEFT_POSITION` past the end. @throws {WeftError}
    /// `WEFT_INVALID_VALUE` if a value is not JSON-like data. Nothing changes then.
    #[wasm_bindgen(js_name = insertValues)]
    pub fn insert_values(
        &self,
        index: f64,
        #[wasm_bindgen(unchecked_param_type = "JsonValue[]")] values: &Array,
    ) -> JsResult<()> {
        let index = to_index(index, "a list index")?;
        let inputs = values
            .iter()
            .map(|value| to_input(&value))
            .collect::<Result<Vec<_>, _>>()?;
        if inputs.is_empty() {
            return self.handle.read(|entry| match index > length(entry) {
                true => Err(out_of_range(index, length(entry))),
                false => Ok(()),
            });
        }
        self.handle
            .edit(|root, path| insert_inputs(&mut root.open_list(path)?, index, inputs))
    }

    /// Appends `values` in order (what `push(...values)` calls).
    ///
    /// @throws {WeftError} `WEFT_INVALID_VALUE` if a value is not JSON-like data; nothing
    /// changes then.
    #[wasm_bindgen(js_name = pushValues)]
    pub fn push_values(
        &self,
        #[wasm_bindgen(unchecked_param_type = "JsonValue[]")] values: &Array,
    ) -> JsResult<()> {
        let end = self.length()?;
        self.insert_values(end as f64, values)
    }

    /// Deletes `count` elements (default 1) from `index`.
    ///
    /// @throws {RangeError} `WEFT_POSITION` if the range passes the end; nothing changes then.
    pub fn delete(&self, index: f64, count: Option<f64>) -> JsResult<()> {
        let start = to_index(index, "a list index")?;
        let end = start + to_index(count.unwrap_or(1.0), "a count")?;
        self.handle
            .edit(|root, path| root.open_list(path)?.delete(start..end))
    }

    /// Calls `callback(value, index, list)` for every element, in order.
    #[wasm_bindgen(js_name = forEach)]
    pub fn for_each(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "(value: JsonValue, index: number, list: ListRef) => void"
        )]
        callback: &Function,
    ) -> JsResult<()> {
        let this = JsValue::from(ListRef {
            handle: self.handle.clone(),
        });
        for (index, value) in self.elements()?.into_iter().enumerate() {
            callback.call3(
                &JsValue::UNDEFINED,
                &value,
                &JsValue::from_f64(index as f64),
                &this,
            )?;
        }
        Ok(())
    }

    /// Calls `listener` with the events of every later change of this list's elements:
    /// `{ type: "list", delta: [{ retain } | { insert: values } | { delete }], origin, local }`.
    /// Returns the function that stops it.
    #[wasm_bindgen(unchecked_return_type = "() => void")]
    pub fn observe(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(events: DocEvent[]) => void")] listener: Function,
    ) -> JsResult<JsValue> {
        self.handle.observe(listener, false)
    }

    /// Calls `listener` with the events of every later change of this list and of every
    /// container inside it. Returns the function that stops it.
    #[wasm_bindgen(js_name = observeDeep, unchecked_return_type = "() => void")]
    pub fn observe_deep(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(events: DocEvent[]) => void")] listener: Function,
    ) -> JsResult<JsValue> {
        self.handle.observe(listener, true)
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

    /// Inserts a new multi-value register at `index` and returns it.
    ///
    /// @throws {RangeError} `WEFT_POSITION` past the end.
    #[wasm_bindgen(js_name = insertMultiValue)]
    pub fn insert_multi_value(&self, index: f64) -> JsResult<MultiValueRef> {
        self.insert_container(index)
    }

    /// Inserts a new, empty remove-wins set at `index` and returns it.
    ///
    /// @throws {RangeError} `WEFT_POSITION` past the end.
    #[wasm_bindgen(js_name = insertRemoveWinsSet)]
    pub fn insert_remove_wins_set(&self, index: f64) -> JsResult<RemoveWinsSetRef> {
        self.insert_container(index)
    }

    /// The multi-value register element at `index`.
    ///
    /// @throws {RangeError} `WEFT_POSITION` out of range. @throws {WeftError}
    /// `WEFT_NOT_A_CONTAINER` for a value, `WEFT_WRONG_KIND` for another container.
    #[wasm_bindgen(js_name = getMultiValue)]
    pub fn get_multi_value(&self, index: f64) -> JsResult<MultiValueRef> {
        self.container(index)
    }

    /// The remove-wins set element at `index`.
    ///
    /// @throws {RangeError} `WEFT_POSITION` out of range. @throws {WeftError}
    /// `WEFT_NOT_A_CONTAINER` for a value, `WEFT_WRONG_KIND` for another container.
    #[wasm_bindgen(js_name = getRemoveWinsSet)]
    pub fn get_remove_wins_set(&self, index: f64) -> JsResult<RemoveWinsSetRef> {
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
