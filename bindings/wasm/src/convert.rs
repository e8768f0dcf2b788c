//! Every conversion between JavaScript values and Weft values, in one place.
//!
//! - JSON values: wherever a value is written (`map.set`, `list.insert`, `list.push`), a
//!   plain object becomes a nested map and an array a nested list, recursively (the rule of
//!   Automerge): writing one replaces what was under the name; `toJSON()` reads it back. Other
//!   objects (class instances, `Map`, `Date`), `undefined`, functions and symbols are refused,
//!   and so is nesting deeper than [`MAX_JSON_DEPTH`].
//! - A JS number is an `Int` when it is a safe integer, a `Float` otherwise; a `bigint` is an
//!   `Int` when it fits 64 bits. Strings, booleans and `null` map to themselves, a `Uint8Array`
//!   to `Bytes`. Anything else (`undefined`, objects, functions, symbols) is refused.
//! - Back in JavaScript, an `Int` is a number when it is a safe integer and a `bigint`
//!   otherwise (only another Rust replica can write one), `Bytes` a `Uint8Array`.
//! - Documents read as plain data: maps as objects, lists and sets as arrays, text as a
//!   string, counters as numbers.
//! - A version is a plain object `{ [replicaId]: number }`.
//! - A stable cursor's JSON form is `{ anchor: "start" }`, `{ anchor: "end" }` or
//!   `{ anchor: "element", replica, counter, side }`, as serde writes it on the Rust side.
//!
//! The conversions are written against `js-sys` rather than derived through
//! `serde-wasm-bindgen`: `Value::Bytes` must become a `Uint8Array` (serde sees a sequence),
//! an untagged `Value` cannot be deserialised from a byte buffer through serde's buffering,
//! and the hand-written code is smaller in the `.wasm`.

use js_sys::{Array, BigInt, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use weft::{
    Cursor, DocError, ElementId, ListScope, MapScope, Node, ReplicaId, Side, Value, VersionVector,
};

use crate::error::WeftError;

/// The largest integer a JS number holds exactly (2^53 − 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// How deep plain objects and arrays may nest in one written value.
pub(crate) const MAX_JSON_DEPTH: usize = 16;

/// A JavaScript value to write: a primitive value, or a plain object or array to become a
/// nested map or list.
pub(crate) enum Input {
    /// A primitive value.
    Value(Value),
    /// A plain object: its own enumerable properties in order.
    Map(Vec<(String, Input)>),
    /// An array.
    List(Vec<Input>),
}

/// A JavaScript value (JSON-like) to write.
pub(crate) fn to_input(js: &JsValue) -> Result<Input, WeftError> {
    input_at(js, 0)
}

fn input_at(js: &JsValue, depth: usize) -> Result<Input, WeftError> {
    let nested = Array::is_array(js) || is_plain_object(js);
    if !nested {
        return to_value(js).map(Input::Value);
    }
    if depth >= MAX_JSON_DEPTH {
        return Err(WeftError::InvalidValue(format!(
            "objects and arrays nest at most {MAX_JSON_DEPTH} deep in one value"
        )));
    }
    if let Some(array) = js.dyn_ref::<Array>() {
        return array
            .iter()
            .map(|item| input_at(&item, depth + 1))
            .collect::<Result<_, _>>()
            .map(Input::List);
    }
    let object: &Object = js.unchecked_ref();
    Object::entries(object)
        .iter()
        .map(|pair| {
            let pair: Array = pair.unchecked_into();
            let key = pair.get(0).as_string().unwrap_or_default();
            input_at(&pair.get(1), depth + 1).map(|input| (key, input))
        })
        .collect::<Result<_, _>>()
        .map(Input::Map)
}

/// Whether `js` is a plain object (`{}` or `Object.create(null)`), not a class instance.
fn is_plain_object(js: &JsValue) -> bool {
    if !js.is_object() || js.is_function() || js.dyn_ref::<Uint8Array>().is_some() {
        return false;
    }
    let prototype = Object::get_prototype_of(js);
    prototype.is_null() || Object::get_prototype_of(&prototype).is_null()
}

/// Writes `input` under `name` of `map`.
pub(crate) fn put_input(map: &mut MapScope<'_>, name: &str, input: Input) -> Result<(), DocError> {
    match input {
        Input::Value(value) => map.put(name, value),
        Input::Map(entries) => {
            let mut child = map.put_map(name);
            for (key, value) in entries {
                put_input(&mut child, &key, value)?;
            }
        }
        Input::List(items) => insert_inputs(&mut map.put_list(name), 0, items)?,
    }
    Ok(())
}

/// Inserts `items` in order at `index` of `list` (runs of values as one insertion).
pub(crate) fn insert_inputs(
    list: &mut ListScope<'_>,
    index: usize,
    items: Vec<Input>,
) -> Result<(), DocError> {
    // Checks `index` before anything changes.
    list.insert_all(index, std::iter::empty::<Value>())?;
    let mut at = index;
    let mut values: Vec<Value> = Vec::new();
    for item in items {
        let container = match item {
            Input::Value(value) => {
                values.push(value);
                continue;
            }
            container => container,
        };
        let count = values.len();
        list.insert_all(at, values.drain(..))?;
        at += count;
        match container {
            Input::List(items) => insert_inputs(&mut list.insert_list(at)?, 0, items)?,
            Input::Map(entries) => {
                let mut child = list.insert_map(at)?;
                for (key, value) in entries {
                    put_input(&mut child, &key, value)?;
                }
            }
            Input::Value(value) => list.insert(at, value)?,
        }
        at += 1;
    }
    list.insert_all(at, values)
}

/// A JavaScript value as a Weft value.
pub(crate) fn to_value(js: &JsValue) -> Result<Value, WeftError> {
    if js.is_null() {
        return Ok(Value::Null);
    }
    if let Some(flag) = js.as_bool() {
        return Ok(Value::Bool(flag));
    }
    if let Some(number) = js.as_f64() {
        return Ok(if is_safe_integer(number) {
            Value::Int(number as i64)
        } else {
            Value::Float(number)
        });
    }
    if let Some(text) = js.as_string() {
        return Ok(Value::String(text));
    }
    if let Some(bytes) = js.dyn_ref::<Uint8Array>() {
        return Ok(Value::Bytes(bytes.to_vec()));
    }
    if js.is_bigint() {
        return i64::try_from(js.clone().unchecked_into::<BigInt>())
            .map(Value::Int)
            .map_err(|_| WeftError::InvalidValue("a bigint outside the 64-bit range".into()));
    }
    Err(WeftError::InvalidValue(format!(
        "a Weft value is null, a boolean, a number, a string, a bigint or a Uint8Array, not {}",
        describe(js)
    )))
}

/// A Weft value as a JavaScript value.
pub(crate) fn from_value(value: &Value) -> JsValue {
    match value {
        Value::Null => JsValue::NULL,
        Value::Bool(flag) => JsValue::from_bool(*flag),
        Value::Int(number) if is_safe_integer(*number as f64) => JsValue::from_f64(*number as f64),
        Value::Int(number) => BigInt::from(*number).into(),
        Value::Float(number) => JsValue::from_f64(*number),
        Value::String(text) => JsValue::from_str(text),
        Value::Bytes(bytes) => Uint8Array::from(bytes.as_slice()).into(),
    }
}

/// A picture of a document (or part of one) as plain JavaScript data.
pub(crate) fn from_node(node: &Node) -> JsValue {
    match node {
        Node::Value(value) => from_value(value),
        Node::Map(entries) => {
            let object = Object::new();
            for (name, child) in entries {
                set(&object, name, &from_node(child));
            }
            object.into()
        }
        Node::List(items) => items.iter().map(from_node).collect::<Array>().into(),
        Node::Text(text) => JsValue::from_str(text),
        Node::Counter(number) => JsValue::from_f64(*number as f64),
        Node::Set(values) | Node::MultiValue(values) | Node::RemoveWinsSet(values) => {
            from_values(values).into()
        }
    }
}

/// Values as a JavaScript array.
pub(crate) fn from_values(values: &[Value]) -> Array {
    values.iter().map(from_value).collect()
}

/// A version as `{ [replicaId]: number }`.
pub(crate) fn from_version(version: &VersionVector) -> JsValue {
    let object = Object::new();
    for (replica, counter) in version.iter() {
        set(
            &object,
            &replica.to_string(),
            &JsValue::from_f64(counter as f64),
        );
    }
    object.into()
}

/// A version from `{ [replicaId]: number }` (`undefined` or `null`: the empty version).
pub(crate) fn to_version(js: &JsValue) -> Result<VersionVector, WeftError> {
    let mut version = VersionVector::new();
    if js.is_undefined() || js.is_null() {
        return Ok(version);
    }
    let object = js.dyn_ref::<Object>().ok_or_else(|| {
        WeftError::InvalidArgument("a version is an object { [replicaId]: counter }".into())
    })?;
    for pair in Object::entries(object).iter() {
        let pair: Array = pair.unchecked_into();
        let replica = replica_id(&pair.get(0))?;
        let counter = pair
            .get(1)
            .as_f64()
            .filter(|n| is_safe_integer(*n) && *n >= 0.0);
        let counter = counter.ok_or_else(|| {
            WeftError::InvalidArgument("a version's counters are non-negative integers".into())
        })?;
        version.set(replica, counter as u64);
    }
    Ok(version)
}

/// A replica id from its UUID text.
pub(crate) fn replica_id(js: &JsValue) -> Result<ReplicaId, WeftError> {
    let text = js
        .as_string()
        .ok_or_else(|| WeftError::InvalidArgument("a replica id is a UUID string".into()))?;
    text.parse()
        .map_err(|error: weft::ParseReplicaIdError| WeftError::InvalidArgument(error.to_string()))
}

/// A cursor side given by JavaScript: `"before"` or `"after"`.
pub(crate) fn to_side(js: &JsValue) -> Result<Side, WeftError> {
    match js.as_string().as_deref() {
        Some("before") => Ok(Side::Before),
        Some("after") => Ok(Side::After),
        _ => Err(WeftError::InvalidArgument(
            "a cursor side is \"before\" or \"after\"".into(),
        )),
    }
}

fn side_name(side: Side) -> &'static str {
    match side {
        Side::Before => "before",
        Side::After => "after",
    }
}

/// A cursor as a plain JSON object.
pub(crate) fn from_cursor(cursor: &Cursor) -> JsValue {
    let object = Object::new();
    match cursor {
        Cursor::Start => set(&object, "anchor", &"start".into()),
        Cursor::End => set(&object, "anchor", &"end".into()),
        Cursor::Element { element, side } => {
            set(&object, "anchor", &"element".into());
            set(&object, "replica", &element.replica.to_string().into());
            set(&object, "counter", &(element.counter as f64).into());
            set(&object, "side", &side_name(*side).into());
        }
    }
    object.into()
}

/// A cursor from its plain JSON form (what [`from_cursor`] writes).
pub(crate) fn to_cursor(js: &JsValue) -> Result<Cursor, WeftError> {
    let invalid = |what: &str| WeftError::InvalidArgument(format!("not a cursor: {what}"));
    if !js.is_object() {
        return Err(invalid("expected an object"));
    }
    let field = |name: &str| Reflect::get(js, &JsValue::from_str(name)).unwrap_or_default();
    match field("anchor").as_string().as_deref() {
        Some("start") => Ok(Cursor::Start),
        Some("end") => Ok(Cursor::End),
        Some("element") => {
            let replica = replica_id(&field("replica"))?;
            let counter = field("counter")
                .as_f64()
                .filter(|counter| is_safe_integer(*counter) && *counter >= 1.0)
                .ok_or_else(|| invalid("the counter must be an integer in 1 ..= 2^53 - 1"))?;
            Ok(Cursor::Element {
                element: ElementId {
                    replica,
                    counter: counter as u64,
                },
                side: to_side(&field("side"))?,
            })
        }
        _ => Err(invalid(
            "the anchor must be \"start\", \"end\" or \"element\"",
        )),
    }
}

/// A position or length given by JavaScript: a non-negative safe integer.
pub(crate) fn to_index(number: f64, what: &str) -> Result<usize, WeftError> {
    if is_safe_integer(number) && number >= 0.0 {
        Ok(number as usize)
    } else {
        Err(WeftError::Position(format!(
            "{what} must be a non-negative integer, not {}",
            show_number(number)
        )))
    }
}

/// An amount given by JavaScript: a safe integer.
pub(crate) fn to_amount(number: f64) -> Result<i64, WeftError> {
    if is_safe_integer(number) {
        Ok(number as i64)
    } else {
        Err(WeftError::InvalidArgument(format!(
            "a counter amount must be a safe integer, not {}",
            show_number(number)
        )))
    }
}

/// Sets a property of a fresh object (which cannot fail).
pub(crate) fn set(object: &Object, name: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(name), value);
}

/// A number as JavaScript prints it (JavaScript's formatting keeps Rust's float formatting out of
/// the `.wasm`).
fn show_number(number: f64) -> String {
    js_sys::Number::from(number)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

fn is_safe_integer(number: f64) -> bool {
    number.fract() == 0.0 && number.abs() <= MAX_SAFE_INTEGER
}

fn describe(js: &JsValue) -> String {
    if js.is_undefined() {
        "undefined".into()
    } else if js.is_function() {
        "a function".into()
    } else if js.is_symbol() {
        "a symbol".into()
    } else if Array::is_array(js) {
        "an array".into()
    } else {
        "an object".into()
    }
}
