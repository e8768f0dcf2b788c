//! Schema tags: the first bytes of every encoded store, one per nesting level, so that the
//! bytes of one type are never decoded as another.

/// [`DotSet`](crate::store::DotSet) values (set membership).
pub(crate) const DOT_SET: u8 = 0x01;
/// [`DotFun`](crate::store::DotFun) values.
pub(crate) const DOT_FUN: u8 = 0x02;
/// [`CounterStore`](crate::store::CounterStore).
pub(crate) const COUNTER: u8 = 0x03;
/// [`Keyed`](crate::store::Keyed), followed by the schema of its values.
pub(crate) const KEYED: u8 = 0x04;
/// `GCounter`.
pub(crate) const GROW_COUNTER: u8 = 0x10;
/// `PNCounter`.
pub(crate) const PN_COUNTER: u8 = 0x11;
/// `LwwRegister`.
pub(crate) const LWW_REGISTER: u8 = 0x20;
/// `MvRegister`.
pub(crate) const MV_REGISTER: u8 = 0x21;
/// `GSet`.
pub(crate) const GROW_SET: u8 = 0x30;
/// `AddWinsSet`.
pub(crate) const ADD_WINS_SET: u8 = 0x31;
/// `RemoveWinsSet`.
pub(crate) const REMOVE_WINS_SET: u8 = 0x32;
/// `Map`, followed by the schema of its values.
pub(crate) const MAP: u8 = 0x40;
