//! `MarkValue`: what a mark sets its name to.

use serde::{Deserialize, Serialize};

/// The value of a mark: `true` for most formatting, a string such as a link's URL, a number,
/// or any other JSON value as its JSON text. Numbers compare by their bits, so every replica
/// agrees on equality; they must be finite.
///
/// The serde form is JSON-like: `true`, `3`, `"https://…"`, and `{"json": "<JSON text>"}`
/// for the JSON text of an object, an array or `null` (which the text does not parse: the
/// application writes and reads it).
///
/// ```
/// use weft_text::MarkValue;
/// assert_eq!(MarkValue::from(true), MarkValue::Bool(true));
/// assert_eq!(MarkValue::from("https://example.com"), MarkValue::String("https://example.com".into()));
/// assert_eq!(MarkValue::Number(1.5), MarkValue::Number(1.5));
/// ```
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MarkValue {
    /// `true` or `false`.
    Bool(bool),
    /// A finite number.
    Number(f64),
    /// A string (a URL, a colour, a comment id).
    String(String),
    /// Any other JSON value, as its JSON text.
    Json {
        /// The JSON text.
        json: String,
    },
}

impl MarkValue {
    /// The order of the kinds, for sorting values deterministically.
    pub(crate) fn tag(&self) -> u8 {
        match self {
            Self::Bool(false) => 1,
            Self::Bool(true) => 2,
            Self::Number(_) => 3,
            Self::String(_) => 4,
            Self::Json { .. } => 5,
        }
    }
}

impl PartialEq for MarkValue {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Bool(left), Self::Bool(right)) => left == right,
            (Self::Number(left), Self::Number(right)) => left.to_bits() == right.to_bits(),
            (Self::String(left), Self::String(right)) => left == right,
            (Self::Json { json: left }, Self::Json { json: right }) => left == right,
            _ => false,
        }
    }
}

impl Eq for MarkValue {}

impl From<bool> for MarkValue {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl From<&str> for MarkValue {
    fn from(value: &str) -> Self {
        Self::String(value.to_owned())
    }
}

impl From<String> for MarkValue {
    fn from(value: String) -> Self {
        Self::String(value)
    }
}

impl From<f64> for MarkValue {
    fn from(value: f64) -> Self {
        Self::Number(value)
    }
}
