//! `DeltaOp`: a change in Quill's delta form, for [`TextEditor::apply_delta`].
//!
//! [`TextEditor::apply_delta`]: crate::TextEditor::apply_delta

use std::collections::BTreeMap;

use crate::marks::{Attributes, MarkValue};

/// A formatting change: mark name → the value to set, or `None` to clear the mark (Quill's
/// `null`).
pub type Format = BTreeMap<String, Option<MarkValue>>;

/// One op of a Quill-style delta, read left to right from the start of the text.
///
/// ```
/// use weft_text::{DeltaOp, Format, MarkValue};
/// let bold = Format::from([("bold".to_owned(), Some(MarkValue::Bool(true)))]);
/// let ops = [DeltaOp::Retain { count: 4, attributes: bold }, DeltaOp::Delete(1)];
/// assert!(matches!(ops[1], DeltaOp::Delete(1)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeltaOp {
    /// Insert `text` here with exactly `attributes` (marks it would inherit from its
    /// neighbours and that `attributes` lacks are cleared over it).
    Insert {
        /// The characters.
        text: String,
        /// Their formatting.
        attributes: Attributes,
    },
    /// Keep `count` characters (scalar values), applying `attributes` to them.
    Retain {
        /// How many characters.
        count: usize,
        /// The formatting to apply (empty: none).
        attributes: Format,
    },
    /// Delete this many characters (scalar values).
    Delete(usize),
}
