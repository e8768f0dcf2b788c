//! Schema tags of the sequence types (see weft-core's schema tags for the others).

/// `List<T>`, followed by nothing (the element type is not written).
pub(crate) const LIST: u8 = 0x50;
/// `Text`.
pub(crate) const TEXT: u8 = 0x51;
