//! The container handles: owned JS objects that hold the shared document and the path of
//! their container ([`ContainerPath`], which names list elements by identity), never a
//! reference into it. One class per file.

mod counter;
mod list;
mod map;
mod multi_value;
mod register;
mod remove_wins_set;
mod set;
mod text;

pub use counter::CounterRef;
pub use list::ListRef;
pub use map::MapRef;
pub use multi_value::MultiValueRef;
pub use register::RegisterRef;
pub use remove_wins_set::RemoveWinsSetRef;
pub use set::SetRef;
pub use text::TextRef;

use js_sys::Function;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::Closure;
use weft::{ContainerPath, DocError, Entry, Kind, MapScope, Node};

use crate::convert::from_node;
use crate::error::{JsResult, WeftError};
use crate::shared::SharedDoc;

/// What every handle holds: the document and where the container is.
#[derive(Clone)]
pub(crate) struct Handle {
    pub(crate) shared: SharedDoc,
    pub(crate) path: ContainerPath,
    /// The kind of container the handle stands for.
    pub(crate) kind: Kind,
}

impl Handle {
    /// Reads the handle's entry (`None` while it was never written).
    pub(crate) fn read<R>(
        &self,
        read: impl FnOnce(Option<&Entry>) -> Result<R, WeftError>,
    ) -> JsResult<R> {
        self.shared
            .read(|doc| read(expect(doc.get(&self.path)?, self.kind)?))
    }

    /// The entry as plain data (the kind's empty value while it was never written).
    pub(crate) fn to_plain(&self) -> JsResult<JsValue> {
        self.read(|entry| {
            Ok(match entry.and_then(Node::of_entry) {
                Some(node) => from_node(&node),
                None => from_node(&empty(self.kind)),
            })
        })
    }

    /// Changes the document as one local change, after checking that the container still
    /// holds the handle's kind (or nothing yet). `change` gets the root map and the handle's
    /// path; a refused change changes nothing.
    pub(crate) fn edit<R>(
        &self,
        change: impl FnOnce(&mut MapScope<'_>, &ContainerPath) -> Result<R, DocError>,
    ) -> JsResult<R> {
        let (path, kind) = (&self.path, self.kind);
        self.shared.change(true, |doc| {
            expect(doc.get(path)?, kind)?;
            Ok(doc.edit(|root| change(root, path))?)
        })
    }

    /// A handle on the container at `path` of kind `kind`, after checking it holds that kind
    /// or nothing yet.
    pub(crate) fn at(&self, path: ContainerPath, kind: Kind) -> JsResult<Handle> {
        self.shared
            .read(|doc| expect(doc.get(&path)?, kind).map(|_| ()))?;
        Ok(Handle {
            shared: self.shared.clone(),
            path,
            kind,
        })
    }

    /// Calls `listener` with the events of this container (and, `deep`, of every container
    /// inside it); returns the function that stops it.
    pub(crate) fn observe(&self, listener: Function, deep: bool) -> JsResult<JsValue> {
        let id = self.shared.observe(self.path.clone(), deep, listener)?;
        Ok(unsubscriber(&self.shared, id))
    }
}

/// The function that removes listener `id` (calling it again does nothing).
pub(crate) fn unsubscriber(shared: &SharedDoc, id: u32) -> JsValue {
    let shared = shared.clone();
    Closure::<dyn FnMut()>::new(move || shared.unlisten(id)).into_js_value()
}

/// `entry` if it shows `kind` or nothing yet.
///
/// # Errors
/// [`WeftError::WrongKind`] if it shows another kind.
pub(crate) fn expect(entry: Option<&Entry>, kind: Kind) -> Result<Option<&Entry>, WeftError> {
    match entry.and_then(Entry::kind) {
        Some(found) if found != kind => Err(WeftError::WrongKind {
            expected: kind.name(),
            found: found.name(),
        }),
        _ => Ok(entry),
    }
}

/// The plain value of a container that was never written.
fn empty(kind: Kind) -> Node {
    match kind {
        Kind::Map => Node::Map(Default::default()),
        Kind::List => Node::List(Vec::new()),
        Kind::Text => Node::Text(String::new()),
        Kind::Counter => Node::Counter(0),
        Kind::Set => Node::Set(Vec::new()),
        Kind::MultiValue => Node::MultiValue(Vec::new()),
        Kind::RemoveWinsSet => Node::RemoveWinsSet(Vec::new()),
        Kind::Value => Node::Value(weft::Value::Null),
    }
}

/// Makes a typed handle from a [`Handle`].
pub(crate) trait FromHandle {
    /// The kind of container.
    const KIND: Kind;
    /// Wraps `handle`.
    fn from_handle(handle: Handle) -> Self;
}
