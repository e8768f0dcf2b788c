//! Rich-text marks at the JavaScript boundary: mark values, attributes, formats and
//! Quill-style deltas (`{ insert, attributes }`, `{ retain, attributes }`, `{ delete }`) in
//! and out, counts in UTF-16 code units.

use js_sys::{Array, JSON, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use weft::{Attributes, DeltaOp, Expand, Format, MarkValue, TextRun};

use crate::convert::set;
use crate::error::WeftError;

/// A mark's value from JavaScript: a boolean, a number or a string as they are; an object or
/// an array as its JSON text.
pub(crate) fn to_mark_value(js: &JsValue) -> Result<MarkValue, WeftError> {
    if let Some(flag) = js.as_bool() {
        return Ok(MarkValue::Bool(flag));
    }
    if let Some(number) = js.as_f64() {
        return Ok(MarkValue::Number(number));
    }
    if let Some(text) = js.as_string() {
        return Ok(MarkValue::String(text));
    }
    if js.is_object() && !js.is_function() {
        let json = JSON::stringify(js)
            .ok()
            .and_then(|text| text.as_string())
            .ok_or_else(|| WeftError::InvalidValue("a mark value that JSON cannot hold".into()))?;
        return Ok(MarkValue::Json { json });
    }
    Err(WeftError::InvalidValue(
        "a mark value is a boolean, a number, a string or a JSON object or array".into(),
    ))
}

/// A mark's value as JavaScript sees it (JSON values parsed).
pub(crate) fn from_mark_value(value: &MarkValue) -> JsValue {
    match value {
        MarkValue::Bool(flag) => JsValue::from_bool(*flag),
        MarkValue::Number(number) => JsValue::from_f64(*number),
        MarkValue::String(text) => JsValue::from_str(text),
        MarkValue::Json { json } => JSON::parse(json).unwrap_or_else(|_| JsValue::from_str(json)),
    }
}

/// `{ [name]: value }` of `attributes`.
pub(crate) fn from_attributes(attributes: &Attributes) -> Object {
    let object = Object::new();
    for (name, value) in attributes {
        set(&object, name, &from_mark_value(value));
    }
    object
}

/// `{ [name]: value | null }` of `format` (`null`: the mark is cleared).
pub(crate) fn from_format(format: &Format) -> Object {
    let object = Object::new();
    for (name, value) in format {
        let value = value.as_ref().map_or(JsValue::NULL, from_mark_value);
        set(&object, name, &value);
    }
    object
}

/// The text as Quill-style runs: `[{ insert, attributes? }]`.
pub(crate) fn from_runs(runs: &[TextRun]) -> Array {
    runs.iter()
        .map(|run| {
            let object = Object::new();
            set(&object, "insert", &JsValue::from_str(&run.text));
            if !run.attributes.is_empty() {
                set(&object, "attributes", &from_attributes(&run.attributes));
            }
            JsValue::from(object)
        })
        .collect()
}

/// A Quill-style delta from JavaScript (counts in UTF-16 code units).
pub(crate) fn to_delta_ops(js: &JsValue) -> Result<Vec<DeltaOp>, WeftError> {
    let ops = js
        .dyn_ref::<Array>()
        .ok_or_else(|| WeftError::InvalidArgument("a delta is an array of ops".into()))?;
    ops.iter().map(|op| to_delta_op(&op)).collect()
}

fn to_delta_op(op: &JsValue) -> Result<DeltaOp, WeftError> {
    if !op.is_object() {
        return Err(bad_op());
    }
    let field = |name: &str| Reflect::get(op, &JsValue::from_str(name)).unwrap_or_default();
    let attributes = field("attributes");
    let insert = field("insert");
    if let Some(text) = insert.as_string() {
        return Ok(DeltaOp::Insert {
            text,
            attributes: to_attributes(&attributes)?,
        });
    }
    if !insert.is_undefined() {
        return Err(WeftError::InvalidArgument(
            "a delta's insert is a string (embeds are not supported)".into(),
        ));
    }
    if let Some(count) = field("retain").as_f64() {
        return Ok(DeltaOp::Retain {
            count: crate::convert::to_index(count, "a retain count")?,
            attributes: to_format(&attributes)?,
        });
    }
    if let Some(count) = field("delete").as_f64() {
        return Ok(DeltaOp::Delete(crate::convert::to_index(
            count,
            "a delete count",
        )?));
    }
    Err(bad_op())
}

fn bad_op() -> WeftError {
    WeftError::InvalidArgument(
        "a delta op is { insert: string, attributes? }, { retain: number, attributes? } or { delete: number }"
            .into(),
    )
}

/// The attributes of an insert: `null` values (nothing to set) are left out.
fn to_attributes(js: &JsValue) -> Result<Attributes, WeftError> {
    let mut attributes = Attributes::new();
    for (name, value) in entries(js)? {
        if !value.is_null() && !value.is_undefined() {
            attributes.insert(name, to_mark_value(&value)?);
        }
    }
    Ok(attributes)
}

/// The format of a retain: `null` clears a mark.
fn to_format(js: &JsValue) -> Result<Format, WeftError> {
    let mut format = Format::new();
    for (name, value) in entries(js)? {
        let value = if value.is_null() || value.is_undefined() {
            None
        } else {
            Some(to_mark_value(&value)?)
        };
        format.insert(name, value);
    }
    Ok(format)
}

/// The `[name, value]` pairs of an attributes object (none for `undefined`).
fn entries(js: &JsValue) -> Result<Vec<(String, JsValue)>, WeftError> {
    if js.is_undefined() || js.is_null() {
        return Ok(Vec::new());
    }
    let object = js
        .dyn_ref::<Object>()
        .filter(|_| !Array::is_array(js))
        .ok_or_else(|| WeftError::InvalidArgument("attributes are a plain object".into()))?;
    Ok(Object::entries(object)
        .iter()
        .filter_map(|pair| {
            let pair: Array = pair.unchecked_into();
            Some((pair.get(0).as_string()?, pair.get(1)))
        })
        .collect())
}

/// An expand rule from its name.
pub(crate) fn to_expand(js: &JsValue) -> Result<Expand, WeftError> {
    match js.as_string().as_deref() {
        Some("after") => Ok(Expand::After),
        Some("before") => Ok(Expand::Before),
        Some("both") => Ok(Expand::Both),
        Some("none") => Ok(Expand::None),
        _ => Err(WeftError::InvalidArgument(
            r#"an expand rule is "after", "before", "both" or "none""#.into(),
        )),
    }
}
