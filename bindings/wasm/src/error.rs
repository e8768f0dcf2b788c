//! Errors at the JavaScript boundary: every failure becomes a JS `Error` (a `RangeError` for
//! positions) whose `code` is one of a small stable set, with the Rust message.

use std::fmt;

use js_sys::Reflect;
use wasm_bindgen::JsValue;
use weft::sync::SyncError;
use weft::sync::presence::PresenceError;
use weft::{DecodeError, DocError, PositionError};

/// Why a call from JavaScript was refused. A refused call changes nothing.
#[derive(Debug)]
pub(crate) enum WeftError {
    /// Bytes that are not a Weft encoding of the expected kind (`WEFT_DECODE`).
    Decode(DecodeError),
    /// A position or range outside a text or list (`WEFT_POSITION`, a `RangeError`).
    Position(String),
    /// A list element that holds a value where a container was expected
    /// (`WEFT_NOT_A_CONTAINER`).
    NotAContainer(usize),
    /// A name or element that holds another kind than the handle expects (`WEFT_WRONG_KIND`).
    WrongKind {
        /// The kind the handle or call expects.
        expected: &'static str,
        /// The kind the entry holds.
        found: &'static str,
    },
    /// The list element a handle refers to was deleted (`WEFT_DELETED`).
    Deleted,
    /// A JavaScript value that is not a Weft value (`WEFT_INVALID_VALUE`).
    InvalidValue(String),
    /// An argument that is not what the call accepts (`WEFT_INVALID_ARGUMENT`).
    InvalidArgument(String),
    /// A presence message that does not decode or exceeds a limit (`WEFT_DECODE`).
    Presence(PresenceError),
    /// A sync message the session refused (`WEFT_SYNC`).
    Sync(SyncError),
    /// A bug trapped inside the module earlier; the instance cannot be used (`WEFT_POISONED`).
    Poisoned,
}

impl WeftError {
    /// The stable code JavaScript code can branch on.
    pub(crate) fn code(&self) -> &'static str {
        match self {
            Self::Decode(_) | Self::Presence(_) => "WEFT_DECODE",
            Self::Position(_) => "WEFT_POSITION",
            Self::NotAContainer(_) => "WEFT_NOT_A_CONTAINER",
            Self::WrongKind { .. } => "WEFT_WRONG_KIND",
            Self::Deleted => "WEFT_DELETED",
            Self::InvalidValue(_) => "WEFT_INVALID_VALUE",
            Self::InvalidArgument(_) => "WEFT_INVALID_ARGUMENT",
            Self::Sync(_) => "WEFT_SYNC",
            Self::Poisoned => "WEFT_POISONED",
        }
    }
}

impl fmt::Display for WeftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Decode(error) => write!(f, "{error}"),
            Self::Position(message) | Self::InvalidValue(message) => f.write_str(message),
            Self::InvalidArgument(message) => f.write_str(message),
            Self::NotAContainer(index) => {
                write!(f, "the list element at {index} is a value, not a container")
            }
            Self::WrongKind { expected, found } => {
                write!(f, "expected a {expected}, but the entry holds a {found}")
            }
            Self::Deleted => f.write_str("the list element this handle refers to was deleted"),
            Self::Sync(error) => write!(f, "{error}"),
            Self::Presence(error) => write!(f, "{error}"),
            Self::Poisoned => f.write_str(
                "the Weft module trapped on an internal error earlier and can no longer be used",
            ),
        }
    }
}

impl From<DecodeError> for WeftError {
    fn from(error: DecodeError) -> Self {
        Self::Decode(error)
    }
}

impl From<PositionError> for WeftError {
    fn from(error: PositionError) -> Self {
        Self::Position(error.to_string())
    }
}

impl From<DocError> for WeftError {
    fn from(error: DocError) -> Self {
        match error {
            DocError::NotAContainer { index } => Self::NotAContainer(index),
            DocError::WrongKind { expected, found } => Self::WrongKind {
                expected: expected.name(),
                found: found.name(),
            },
            DocError::Deleted => Self::Deleted,
            DocError::Mark(error) => Self::InvalidValue(error.to_string()),
            other => Self::Position(other.to_string()),
        }
    }
}

impl From<SyncError> for WeftError {
    fn from(error: SyncError) -> Self {
        Self::Sync(error)
    }
}

impl From<WeftError> for JsValue {
    fn from(error: WeftError) -> Self {
        let message = error.to_string();
        let js: js_sys::Error = match error {
            WeftError::Position(_) => js_sys::RangeError::new(&message).into(),
            _ => js_sys::Error::new(&message),
        };
        js.set_name("WeftError");
        // Setting a property on a fresh `Error` cannot fail.
        let _ = Reflect::set(&js, &"code".into(), &error.code().into());
        js.into()
    }
}

/// What every exported function returns.
pub(crate) type JsResult<T> = Result<T, JsValue>;
