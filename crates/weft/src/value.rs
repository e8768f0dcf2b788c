//! `Value`: the primitive values a document holds (JSON scalars plus bytes).

use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};
use weft_core::DecodeError;
use weft_core::codec::{Decode, Decoder, Encode, Encoder};

/// A primitive value: what a register, a set element or a list element of a document holds.
///
/// Floats compare and hash by their bits, so `NaN` equals itself and every replica agrees on
/// equality.
///
/// ```
/// use weft::Value;
/// assert_eq!(Value::from("hi"), Value::String("hi".into()));
/// assert_eq!(Value::from(f64::NAN), Value::from(f64::NAN));
/// ```
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A 64-bit signed integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// A string.
    String(String),
    /// Raw bytes.
    Bytes(Vec<u8>),
}

impl Value {
    fn tag(&self) -> u8 {
        match self {
            Self::Null => 0,
            Self::Bool(false) => 1,
            Self::Bool(true) => 2,
            Self::Int(_) => 3,
            Self::Float(_) => 4,
            Self::String(_) => 5,
            Self::Bytes(_) => 6,
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Null, Self::Null) => true,
            (Self::Bool(left), Self::Bool(right)) => left == right,
            (Self::Int(left), Self::Int(right)) => left == right,
            (Self::Float(left), Self::Float(right)) => left.to_bits() == right.to_bits(),
            (Self::String(left), Self::String(right)) => left == right,
            (Self::Bytes(left), Self::Bytes(right)) => left == right,
            _ => false,
        }
    }
}

impl Eq for Value {}

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.tag().hash(state);
        match self {
            Self::Null | Self::Bool(_) => {}
            Self::Int(number) => number.hash(state),
            Self::Float(number) => number.to_bits().hash(state),
            Self::String(text) => text.hash(state),
            Self::Bytes(bytes) => bytes.hash(state),
        }
    }
}

impl Encode for Value {
    fn encode(&self, out: &mut Encoder) {
        out.u8(self.tag());
        match self {
            Self::Null | Self::Bool(_) => {}
            Self::Int(number) => out.signed(*number),
            Self::Float(number) => number.encode(out),
            Self::String(text) => out.str(text),
            Self::Bytes(bytes) => out.bytes(bytes),
        }
    }
}

impl Decode for Value {
    fn decode(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let offset = input.position();
        Ok(match input.u8()? {
            0 => Self::Null,
            1 => Self::Bool(false),
            2 => Self::Bool(true),
            3 => Self::Int(input.signed()?),
            4 => Self::Float(f64::decode(input)?),
            5 => Self::String(input.str()?.to_owned()),
            6 => Self::Bytes(input.bytes()?.to_vec()),
            tag => return Err(input.invalid("value tag", tag.into(), offset)),
        })
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}

impl From<i32> for Value {
    fn from(value: i32) -> Self {
        Self::Int(value.into())
    }
}

impl From<f64> for Value {
    fn from(value: f64) -> Self {
        Self::Float(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Self::String(value.to_owned())
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Self::String(value)
    }
}

impl From<Vec<u8>> for Value {
    fn from(value: Vec<u8>) -> Self {
        Self::Bytes(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_round_trips() {
        let values = [
            Value::Null,
            Value::Bool(true),
            Value::Bool(false),
            Value::Int(-7),
            Value::Float(1.5),
            Value::Float(f64::NAN),
            Value::String("héllo".into()),
            Value::Bytes(vec![0, 255]),
        ];
        for value in values {
            assert_eq!(Value::decode_exact(&value.encode_to_vec()), Ok(value));
        }
        assert!(Value::decode_exact(&[9]).is_err());
    }
}
