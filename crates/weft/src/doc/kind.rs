//! `Kind`: what an entry of a document holds.

use serde::{Deserialize, Serialize};
use weft_core::DecodeError;
use weft_core::codec::{Decode, Decoder, Encode, Encoder};

/// What a document entry holds: a primitive value or one kind of container.
///
/// ```
/// use weft::Kind;
/// assert_eq!(Kind::Text.name(), "text");
/// assert_eq!(Kind::RemoveWinsSet.name(), "removeWinsSet");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// A primitive [`Value`](crate::Value) (last writer wins).
    Value,
    /// A nested map of entries.
    Map,
    /// A list of values and containers.
    List,
    /// Collaborative text.
    Text,
    /// A counter that goes up and down.
    Counter,
    /// An add-wins set of values.
    Set,
    /// A multi-value register: concurrent writes are all kept until a write that saw them
    /// replaces them.
    MultiValue,
    /// A remove-wins set of values.
    RemoveWinsSet,
}

impl Kind {
    /// The camel-case name used in events and in the JavaScript API.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Value => "value",
            Self::Map => "map",
            Self::List => "list",
            Self::Text => "text",
            Self::Counter => "counter",
            Self::Set => "set",
            Self::MultiValue => "multiValue",
            Self::RemoveWinsSet => "removeWinsSet",
        }
    }

    fn tag(self) -> u8 {
        match self {
            Self::Value => 0,
            Self::Map => 1,
            Self::List => 2,
            Self::Text => 3,
            Self::Counter => 4,
            Self::Set => 5,
            Self::MultiValue => 6,
            Self::RemoveWinsSet => 7,
        }
    }
}

impl Encode for Kind {
    fn encode(&self, out: &mut Encoder) {
        out.u8(self.tag());
    }
}

impl Decode for Kind {
    fn decode(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let offset = input.position();
        Ok(match input.u8()? {
            0 => Self::Value,
            1 => Self::Map,
            2 => Self::List,
            3 => Self::Text,
            4 => Self::Counter,
            5 => Self::Set,
            6 => Self::MultiValue,
            7 => Self::RemoveWinsSet,
            tag => return Err(input.invalid("entry kind", tag.into(), offset)),
        })
    }
}
