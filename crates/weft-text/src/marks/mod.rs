//! Rich-text marks on a [`Text`](crate::Text), with Peritext's semantics (Litt, Lim,
//! Kleppmann and van Hardenberg, *Peritext*, 2022): a mark is anchored to characters (just
//! before or just after one, or the text's start or end), so concurrent inserts and deletes
//! move it with the text; the expand rule of its name is baked into its anchors when it is
//! made; where marks of one name overlap, the one with the highest (Lamport, `ReplicaId`)
//! stamp wins. See `docs/RICHTEXT.md`.
//!
//! Marks are a grow-only set of operations, each identified by a dot of the text's own
//! counter space, so version vectors, `delta_since` and causal delivery cover them as they
//! cover characters. A text without marks stores an empty vector and pays nothing else.

mod anchor;
mod boundary;
mod changes;
mod codec;
mod delta;
mod edit;
mod runs;
mod set;
mod value;

use thiserror::Error;

pub(crate) use anchor::Anchor;
pub(crate) use codec::{check_marks_disjoint, read_marks, write_marks};
pub use delta::{DeltaOp, Format};
pub use edit::check_delta;
pub(crate) use edit::{apply_delta, mark};
pub use runs::{Attributes, Mark, TextRun};
pub(crate) use set::{MarkOp, MarkSet};
pub use value::MarkValue;

use crate::error::PositionError;

/// Longest mark name, in UTF-8 bytes.
pub const MAX_MARK_NAME: usize = 128;
/// Longest string or JSON value of a mark, in UTF-8 bytes.
pub const MAX_MARK_VALUE: usize = 1 << 16;

/// How a mark grows when text is typed at its boundaries (Peritext's *expand* rule), chosen
/// per mark name and baked into the mark's anchors when it is made, so replicas never need
/// to agree on a configuration.
///
/// ```
/// use weft_core::{Replica, ReplicaId};
/// use weft_text::{Expand, MarkValue, Text, TextEditor};
/// let mut text = Replica::<Text>::new(ReplicaId::random());
/// text.edit(|t| t.insert(0, "bold link")).unwrap();
/// text.edit(|t| t.mark(0..4, "bold", MarkValue::Bool(true), Expand::After)).unwrap();
/// let url = MarkValue::String("https://example.com".into());
/// text.edit(|t| t.mark(5..9, "link", url, Expand::None)).unwrap();
/// text.edit(|t| t.insert(9, "!")).unwrap(); // after the link: not a link
/// text.edit(|t| t.insert(4, "er")).unwrap(); // after the bold: bold
/// assert_eq!(text.to_delta()[0].text, "bolder");
/// assert_eq!(text.to_delta()[2].text, "link");
/// assert!(text.to_delta()[3].attributes.is_empty());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Expand {
    /// Text typed at the mark's end joins it, at its start does not (bold, italic).
    #[default]
    After,
    /// Text typed at the mark's start joins it, at its end does not.
    Before,
    /// Text typed at either boundary joins it.
    Both,
    /// Text typed at either boundary stays outside (links, comments).
    None,
}

/// Why a mark was refused. Nothing changes when an edit returns one.
///
/// ```
/// use weft_core::{Replica, ReplicaId};
/// use weft_text::{Expand, MarkError, MarkValue, Text, TextEditor};
/// let mut text = Replica::<Text>::new(ReplicaId::random());
/// let result = text.edit(|t| t.mark(0..1, "bold", MarkValue::Bool(true), Expand::After));
/// assert!(matches!(result, Err(MarkError::Position(_))));
/// assert_eq!(
///     text.edit(|t| t.mark(0..0, "", MarkValue::Bool(true), Expand::After)),
///     Err(MarkError::BadName { length: 0 })
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum MarkError {
    /// The range is reversed or passes the end of the text.
    #[error(transparent)]
    Position(#[from] PositionError),
    /// The name is empty or longer than [`MAX_MARK_NAME`] bytes.
    #[error("a mark name must be 1 to {MAX_MARK_NAME} bytes long, not {length}")]
    BadName {
        /// The name's length in bytes.
        length: usize,
    },
    /// A string or JSON value is longer than [`MAX_MARK_VALUE`] bytes.
    #[error("a mark value must be at most {MAX_MARK_VALUE} bytes long, not {length}")]
    ValueTooLong {
        /// The value's length in bytes.
        length: usize,
    },
    /// A number is not finite (NaN or an infinity has no JSON form).
    #[error("a mark's number must be finite")]
    NotFinite,
}

/// Checks a mark's name and value (`None` for an unmark) against the limits, as every
/// edit that makes a mark does first.
///
/// ```
/// use weft_text::{MarkError, MarkValue, check_mark};
/// assert_eq!(check_mark("bold", Some(&MarkValue::Bool(true))), Ok(()));
/// assert_eq!(check_mark("size", Some(&MarkValue::Number(f64::NAN))), Err(MarkError::NotFinite));
/// ```
///
/// # Errors
/// [`MarkError::BadName`], [`MarkError::ValueTooLong`] or [`MarkError::NotFinite`].
pub fn check_mark(name: &str, value: Option<&MarkValue>) -> Result<(), MarkError> {
    if name.is_empty() || name.len() > MAX_MARK_NAME {
        return Err(MarkError::BadName { length: name.len() });
    }
    match value {
        Some(MarkValue::Number(number)) if !number.is_finite() => Err(MarkError::NotFinite),
        Some(MarkValue::String(text) | MarkValue::Json { json: text })
            if text.len() > MAX_MARK_VALUE =>
        {
            Err(MarkError::ValueTooLong { length: text.len() })
        }
        _ => Ok(()),
    }
}
